//! The event loop and the effect executor.
//!
//! One `tokio::select!` over terminal events, API results, a timer and SIGCONT. Only the
//! loop owns the `App`; every effect runs on its own task and its outcome comes back as an
//! action. A frame is drawn only when something changed, and only after every key already
//! typed has been taken.

use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyEventKind};
use tokio::sync::mpsc;

use crate::api::Client;
use crate::app::{Action, App, Effect, Outcome};
use crate::keymap::Command;
use crate::terminal::{Continued, Suspend, Tui};
use crate::transfer;

/// Runs one effect against the API.
pub async fn execute(client: &Client, effect: Effect) -> Outcome {
    match effect {
        Effect::Directory(e) => Outcome::Directory(e.run(client).await),
        Effect::Messages(e) => Outcome::Messages(e.run(client).await),
        Effect::React(e) => Outcome::React(e.run(client).await),
        Effect::Members(e) => Outcome::Members(e.run(client).await),
        Effect::Space(e) => Outcome::Space(e.run(client).await),
        Effect::User(e) => Outcome::User(e.run(client).await),
        Effect::Download {
            id,
            media,
            name,
            dir,
        } => {
            let (tx, _rx) = mpsc::unbounded_channel();
            let dest = Default::default();
            transfer::download(client, id, &media, &name, &dir, dest, tx).await
        }
        Effect::Upload { id, space, path } => {
            let (tx, _rx) = mpsc::unbounded_channel();
            transfer::upload(client, id, space, &path, tx).await
        }
        Effect::Open { target } => {
            let t = target.clone();
            match tokio::task::spawn_blocking(move || transfer::open(&t)).await {
                Ok(Ok(())) => Outcome::Progress {
                    id: 0,
                    done: 0,
                    total: 0,
                },
                Ok(Err(why)) => Outcome::OpenFailed { target, why },
                Err(e) => Outcome::OpenFailed {
                    target,
                    why: e.to_string(),
                },
            }
        }
        // The terminal's: the loop does these itself.
        Effect::CancelTransfer { .. } | Effect::Copy { .. } | Effect::ExternalEditor { .. } => {
            Outcome::Progress {
                id: 0,
                done: 0,
                total: 0,
            }
        }
    }
}

/// Where a download writes, once it knows.
type Dest = std::sync::Arc<std::sync::Mutex<Option<std::path::PathBuf>>>;

/// Downloads and uploads under way, by id: to stop one, and to clean up after it.
#[derive(Default)]
struct Transfers {
    running: std::collections::HashMap<u64, (tokio::task::AbortHandle, Dest)>,
}

impl Transfers {
    fn start(&mut self, client: &Client, effect: Effect, tx: &mpsc::UnboundedSender<Outcome>) {
        let dest: Dest = Default::default();
        let (client, tx2, d) = (client.clone(), tx.clone(), dest.clone());
        let id = match &effect {
            Effect::Download { id, .. } | Effect::Upload { id, .. } => *id,
            _ => return,
        };
        let task = tokio::spawn(async move {
            let outcome = match effect {
                Effect::Download {
                    id,
                    media,
                    name,
                    dir,
                } => transfer::download(&client, id, &media, &name, &dir, d, tx2.clone()).await,
                Effect::Upload { id, space, path } => {
                    transfer::upload(&client, id, space, &path, tx2.clone()).await
                }
                _ => return,
            };
            let _ = tx2.send(outcome);
        });
        self.running.insert(id, (task.abort_handle(), dest));
    }

    fn cancel(&mut self, id: u64) {
        if let Some((task, dest)) = self.running.remove(&id) {
            task.abort();
            let dest = dest.lock().ok().and_then(|d| d.clone());
            if let Some(dest) = dest {
                // After the abort has taken effect: the task may be mid-write.
                tokio::spawn(async move {
                    tokio::task::yield_now().await;
                    transfer::clean_up(&dest);
                });
            }
        }
    }

    fn finished(&mut self, o: &Outcome) {
        if let Outcome::Downloaded { id, .. } | Outcome::Uploaded { id, .. } = o {
            self.running.remove(id);
        }
    }
}

/// Writes `text` to the terminal's clipboard (OSC 52).
fn copy(tui: &mut Tui, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let out = tui.terminal.backend_mut();
    out.write_all(crate::files::osc52(text).as_bytes())?;
    out.flush()
}

/// Gives the terminal to the editor and takes it back, whatever the editor did.
fn run_editor(tui: &mut Tui, text: &str) -> std::io::Result<Result<Option<String>, String>> {
    let paused = crate::terminal::pause_input();
    crate::terminal::restore();
    let result = transfer::edit(text);
    let back = tui.resume();
    drop(paused);
    back.map(|()| result)
}

fn spawn(client: &Client, effect: Effect, tx: &mpsc::UnboundedSender<Outcome>) {
    let client = client.clone();
    let tx = tx.clone();
    tokio::spawn(async move {
        let outcome = execute(&client, effect).await;
        // The loop may have ended; then the answer is not needed.
        let _ = tx.send(outcome);
    });
}

fn to_action(ev: Event) -> Option<Action> {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => Some(Action::Key(k)),
        Event::Mouse(m) => Some(Action::Mouse(m)),
        Event::Paste(s) => Some(Action::Paste(s)),
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        _ => None,
    }
}

/// How long the loop may spend on input already typed before it draws a frame anyway.
const INPUT_BUDGET: Duration = Duration::from_millis(50);

/// Whether the key is the one that suspends gchat (Ctrl-z).
fn suspends(app: &App, ev: &Event) -> bool {
    matches!(ev, Event::Key(k) if k.kind != KeyEventKind::Release
        && app.keymap.lookup(app.mode(), k) == Some(Command::Suspend))
}

/// One terminal event: to the app, or, for Ctrl-z, to the terminal.
fn on_event(
    ev: Event,
    app: &mut App,
    tui: &mut Tui,
    fx: &mut Vec<crate::app::Effect>,
) -> std::io::Result<()> {
    if suspends(app, &ev) {
        if tui.suspend()? == Suspend::NoShell {
            app.note(
                "gchat cannot suspend here: no shell with job control started it, so nothing could resume it.",
            );
        }
        app.dirty = true;
        return Ok(());
    }
    if let Some(a) = to_action(ev) {
        fx.extend(app.update(a));
    }
    Ok(())
}

/// Writes the notifications `app` has queued (bell and escape sequences, built from
/// cleaned text) to the terminal, and hands those for the platform's notifier to
/// `desktop` (which only queues them).
fn write_notifications(app: &mut App, tui: &mut Tui, desktop: &crate::notify::desktop::Desktop) {
    use std::io::Write;
    for r in app.user_state.take_desktop() {
        desktop.send(r);
    }
    let out = app.user_state.take_out();
    if out.is_empty() {
        return;
    }
    let w = tui.terminal.backend_mut();
    let written = out
        .iter()
        .try_for_each(|s| w.write_all(s.as_bytes()))
        .and_then(|()| w.flush());
    if let Err(e) = written {
        tracing::warn!(error = %e, "could not write a notification to the terminal");
    }
}

/// Set in the environment of a test that checks the terminal is restored after a panic:
/// gchat then panics once its first frame is on screen. Inert otherwise.
const TEST_PANIC: &str = "GCHAT_TEST_PANIC";

/// Runs the TUI until the user quits, a signal arrives, or the terminal fails. Answers the
/// app, so what the person left behind (drafts, read marks) can be kept; meanwhile
/// `saver` keeps drafts and unsent messages on disk as they change.
pub async fn run(
    client: Client,
    mut app: App,
    saver: &mut crate::session::Saver,
) -> anyhow::Result<App> {
    let test_panic = std::env::var_os(TEST_PANIC).is_some();
    // Signals are handled from before the terminal changes mode.
    let shutdown = crate::shutdown_signal();
    tokio::pin!(shutdown);
    let mut continued = Continued::new();
    let mut tui = Tui::enter()?;
    let (tx, mut rx) = mpsc::unbounded_channel::<Outcome>();
    // The client's waits before sending a request again, so the screen can say why
    // nothing happens meanwhile (a rate limit's `Retry-After` the client waits out).
    let (wait_tx, mut waits) = mpsc::unbounded_channel::<(crate::api::ApiError, Duration)>();
    client.set_on_retry(std::sync::Arc::new(move |e, wait| {
        // The loop may have ended; then nobody needs to know.
        let _ = wait_tx.send((e.clone(), wait));
    }));
    let mut events = crate::terminal::events()?;
    let mut ticker = tokio::time::interval(Duration::from_millis(250));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut transfers = Transfers::default();
    // Memory freed while loading (older pages, rows laid out again) goes back to the
    // system between frames.
    let mut give_back = crate::mem::GiveBack::default();
    let desktop = crate::notify::desktop::Desktop::start(
        std::sync::Arc::new(crate::notify::desktop::System),
        crate::notify::desktop::WAIT,
    );
    for e in app.start() {
        spawn(&client, e, &tx);
    }
    loop {
        if app.dirty {
            tui.terminal.draw(|f| crate::ui::draw(&app, f))?;
            app.dirty = false;
            // Notifications go between frames, through the terminal's own writer.
            write_notifications(&mut app, &mut tui, &desktop);
            if test_panic {
                panic!(
                    "{TEST_PANIC} is set: panicking on purpose, to test the terminal is restored"
                );
            }
        }
        let mut fx = Vec::new();
        tokio::select! {
            ev = events.recv() => match ev {
                Some(Ok(ev)) => {
                    on_event(ev, &mut app, &mut tui, &mut fx)?;
                    // Everything already typed (a burst, a held key) goes in before the
                    // next frame, so the frame shows the last of it.
                    let start = Instant::now();
                    while !app.quit && start.elapsed() < INPUT_BUDGET {
                        match events.try_recv() {
                            Ok(Ok(ev)) => on_event(ev, &mut app, &mut tui, &mut fx)?,
                            Ok(Err(e)) => return Err(e.into()),
                            Err(_) => break,
                        }
                    }
                }
                Some(Err(e)) => return Err(e.into()),
                None => break,
            },
            Some(o) = rx.recv() => {
                transfers.finished(&o);
                fx.extend(app.update(Action::Done(Box::new(o))));
            }
            Some((e, wait)) = waits.recv() => app.client_waits(&e, wait),
            _ = ticker.tick() => {
                let now = Instant::now();
                fx.extend(app.update(Action::Tick(now)));
                give_back.tick(now);
                app.note_unreadable(client.take_unreadable());
                if let Some(why) = desktop.take_failure() {
                    app.note(format!("Desktop notifications unavailable: {why}. The bell rings instead."));
                }
            }
            _ = continued.recv() => {
                tui.resume()?;
                app.dirty = true;
            }
            _ = &mut shutdown => break,
        }
        // Take every answer that is already here before drawing again.
        while let Ok(o) = rx.try_recv() {
            transfers.finished(&o);
            fx.extend(app.update(Action::Done(Box::new(o))));
        }
        for e in fx {
            match e {
                Effect::Download { .. } | Effect::Upload { .. } => transfers.start(&client, e, &tx),
                Effect::CancelTransfer { id } => transfers.cancel(id),
                Effect::Copy { text } => {
                    if let Err(e) = copy(&mut tui, &text) {
                        app.error(format!("Could not copy: {e}"));
                    }
                }
                Effect::ExternalEditor { text } => {
                    let result = run_editor(&mut tui, &text)?;
                    app.dirty = true;
                    let _ = tx.send(Outcome::EditorDone { result });
                }
                e => spawn(&client, e, &tx),
            }
        }
        // Hands changes to the writer thread; never waits for the disk.
        saver.observe(&mut app);
        if app.quit {
            break;
        }
    }
    drop(tui);
    Ok(app)
}
