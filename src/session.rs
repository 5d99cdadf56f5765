//! What a person leaves behind between runs: unsent drafts, messages the server has not
//! confirmed (the outbox), and when each space was last read. Kept per account in the
//! state directory, mode 0600 (drafts are private), replaced atomically.
//!
//! While gchat runs, a [`Saver`] keeps the file up to date on a thread of its own, so the
//! render loop never waits for the disk: a change to the outbox (a send starting or
//! finishing) is written at once, typing at most about once a second. A `kill -9` loses
//! at most the last second of typing. A failing disk is shown once in the status bar.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::app::compose::Draft;
use crate::app::outbox::Unsent;
use crate::app::App;

/// Typing is written at most this often.
pub const DEBOUNCE: Duration = Duration::from_secs(1);

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Session {
    #[serde(default)]
    pub drafts: Vec<Draft>,
    #[serde(default)]
    pub last_read: HashMap<String, DateTime<Utc>>,
    /// Messages sent from here that the server has not confirmed.
    #[serde(default)]
    pub outbox: Vec<Unsent>,
}

/// The file for an account key (a profile name, `demo`, or an endpoint's).
pub fn path(key: &str) -> PathBuf {
    let safe: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    crate::config::state_dir()
        .join("sessions")
        .join(format!("{safe}.json"))
}

/// What was kept last time (nothing, if the file is missing or damaged).
pub fn load(key: &str) -> Session {
    load_from(&path(key))
}

fn load_from(path: &Path) -> Session {
    // A writer killed mid-write leaves its temporary file: clear those out.
    crate::state_file::remove_leftovers(path, Duration::from_secs(60));
    match std::fs::read(path) {
        Ok(b) => serde_json::from_slice(&b).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "the kept drafts are damaged; starting without them");
            Session::default()
        }),
        Err(_) => Session::default(),
    }
}

/// Restores a session into a new app.
pub fn restore(app: &mut App, s: Session) {
    app.compose.import(s.drafts);
    for (space, t) in s.last_read {
        app.spaces.last_read.entry(space).or_insert(t);
    }
    app.restore_unsent(s.outbox);
}

/// Everything worth keeping: the drafts, what is on its way, and the read marks (only
/// when `keep_read`: the demo's times are made anew each run).
fn capture(app: &App, keep_read: bool, mut drafts: Vec<Draft>, pending: Pending) -> Session {
    // An edit on its way is kept as a draft of that edit until the server answers.
    for d in pending.edits {
        if !drafts
            .iter()
            .any(|x| x.space == d.space && x.target == d.target)
        {
            drafts.push(d);
        }
    }
    Session {
        drafts,
        last_read: if keep_read {
            app.spaces.last_read.clone()
        } else {
            HashMap::new()
        },
        outbox: pending.unsent,
    }
}

/// [`capture`] of everything, gathered afresh.
fn capture_all(app: &App, keep_read: bool) -> Session {
    let pending = Pending {
        unsent: app.unsent(),
        edits: app.edits_in_flight(),
    };
    capture(app, keep_read, app.compose.snapshot(), pending)
}

fn write(path: &Path, s: &Session) -> std::io::Result<()> {
    let bytes = serde_json::to_vec_pretty(s).map_err(std::io::Error::other)?;
    crate::state_file::write_private(path, &bytes)
}

/// Messages the server has not confirmed, and edits on their way.
#[derive(Debug, Clone, PartialEq)]
struct Pending {
    unsent: Vec<Unsent>,
    edits: Vec<Draft>,
}

struct Job {
    session: Session,
    /// The outbox changed: write now, not after the typing pause.
    urgent: bool,
}

/// Keeps the session file up to date while gchat runs, writing on its own thread.
pub struct Saver {
    path: PathBuf,
    keep_read: bool,
    /// The drafts and what was on its way last handed to the writer.
    last: Option<(Vec<Draft>, Pending)>,
    /// The timelines' versions when what is on its way was last gathered, and that:
    /// gathering scans every message, so it is done only when a timeline changed.
    gathered: Option<(Vec<(String, u64)>, Pending)>,
    jobs: Option<mpsc::Sender<Job>>,
    results: mpsc::Receiver<Result<(), String>>,
    writer: Option<std::thread::JoinHandle<()>>,
    /// The last write failed (said once, until one succeeds).
    failing: bool,
    /// Results received so far.
    reports: u64,
}

impl Saver {
    /// A saver for the file at `path` (see [`path`]).
    pub fn start(path: PathBuf, keep_read: bool) -> Saver {
        let (jobs, rx) = mpsc::channel::<Job>();
        let (tx, results) = mpsc::channel();
        let p = path.clone();
        let writer = std::thread::Builder::new()
            .name("gchat-saver".into())
            .spawn(move || writer(&p, rx, tx))
            .map_err(|e| tracing::warn!(error = %e, "could not start the saver thread"))
            .ok();
        Saver {
            path,
            keep_read,
            last: None,
            gathered: None,
            jobs: writer.is_some().then_some(jobs),
            results,
            writer,
            failing: false,
            reports: 0,
        }
    }

    /// Looks at the app after an event: hands any change to the writer, and shows how
    /// the writes went (a failure once, and when they work again). Costs a copy of the
    /// drafts and a scan of the messages; never touches the disk.
    pub fn observe(&mut self, app: &mut App) {
        while let Ok(r) = self.results.try_recv() {
            self.reports += 1;
            match r {
                Err(e) if !self.failing => {
                    self.failing = true;
                    tracing::warn!(error = %e, "could not keep drafts and unsent messages");
                    app.error(format!(
                        "Could not save drafts and unsent messages to {}: {e}. They are kept while gchat runs; it will try again.",
                        self.path.display()
                    ));
                }
                Err(_) => {}
                Ok(()) if self.failing => {
                    self.failing = false;
                    app.note("Drafts and unsent messages are being saved again.");
                }
                Ok(()) => {}
            }
        }
        let versions = app.timeline_versions();
        let pending = match &self.gathered {
            Some((v, p)) if *v == versions => p.clone(),
            _ => {
                let p = Pending {
                    unsent: app.unsent(),
                    edits: app.edits_in_flight(),
                };
                self.gathered = Some((versions, p.clone()));
                p
            }
        };
        let now = (app.compose.snapshot(), pending);
        if self.last.as_ref() == Some(&now) {
            return;
        }
        // Sends and edits starting or ending are written at once; typing can wait.
        let urgent = self.last.as_ref().is_none_or(|l| l.1 != now.1);
        let session = capture(app, self.keep_read, now.0.clone(), now.1.clone());
        self.last = Some(now);
        if let Some(jobs) = &self.jobs {
            if jobs.send(Job { session, urgent }).is_err() {
                self.jobs = None;
            }
        }
    }

    /// Results the writer has reported so far.
    pub fn reports(&self) -> u64 {
        self.reports
    }

    /// Writes what the app holds last, waits for every write, and stops the writer.
    pub fn finish(mut self, app: &App) {
        let session = capture_all(app, self.keep_read);
        let handed = self.jobs.take().is_some_and(|jobs| {
            jobs.send(Job {
                session: session.clone(),
                urgent: true,
            })
            .is_ok()
        });
        self.join();
        let last = if handed {
            // The writer's last answer is the final write's.
            self.results.try_iter().last().unwrap_or(Ok(()))
        } else {
            write(&self.path, &session).map_err(|e| e.to_string())
        };
        if let Err(e) = last {
            tracing::warn!(error = %e, "could not keep drafts and unsent messages at exit");
        }
    }

    fn join(&mut self) {
        self.jobs = None;
        if let Some(w) = self.writer.take() {
            if w.join().is_err() {
                tracing::warn!("the saver thread panicked");
            }
        }
    }
}

impl Drop for Saver {
    /// Whatever was handed over is written before gchat goes (an error path included).
    fn drop(&mut self) {
        self.join();
    }
}

/// The writer thread: the newest session wins; typing waits for the debounce, an outbox
/// change does not. Ends, after writing what is pending, when the saver goes.
fn writer(path: &Path, jobs: mpsc::Receiver<Job>, results: mpsc::Sender<Result<(), String>>) {
    let mut pending: Option<Session> = None;
    let mut last_write: Option<Instant> = None;
    let mut open = true;
    while open || pending.is_some() {
        let due = last_write.map(|t| t + DEBOUNCE);
        let next = match (&pending, due) {
            (Some(_), Some(due)) if open => {
                match jobs.recv_timeout(due.saturating_duration_since(Instant::now())) {
                    Ok(j) => Some(j),
                    Err(mpsc::RecvTimeoutError::Timeout) => None,
                    Err(mpsc::RecvTimeoutError::Disconnected) => {
                        open = false;
                        None
                    }
                }
            }
            (None, _) => match jobs.recv() {
                Ok(j) => Some(j),
                Err(_) => {
                    open = false;
                    None
                }
            },
            _ => None,
        };
        let mut urgent = !open;
        if let Some(j) = next {
            urgent |= j.urgent;
            pending = Some(j.session);
        }
        // Only the newest matters.
        while let Ok(j) = jobs.try_recv() {
            urgent |= j.urgent;
            pending = Some(j.session);
        }
        let waited = last_write.is_none_or(|t| t.elapsed() >= DEBOUNCE);
        if !(urgent || waited) {
            continue;
        }
        let Some(s) = pending.take() else { continue };
        let r = write(path, &s).map_err(|e| e.to_string());
        last_write = Some(Instant::now());
        // The saver may be gone (gchat is exiting); then nobody needs the answer.
        let _ = results.send(r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::compose::Target;
    use crate::app::{Identity, Settings};
    use crate::keymap::Keymap;

    fn app() -> App {
        let mut a = App::new(
            Identity {
                user: Some("users/1001".into()),
                ..Default::default()
            },
            Settings::default(),
            Keymap::defaults(),
        );
        a.compose.switch("spaces/A", Target::New, None, None);
        a
    }

    fn wait(what: &str, mut f: impl FnMut() -> bool) {
        let start = Instant::now();
        while !f() {
            assert!(start.elapsed() < Duration::from_secs(30), "{what}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn typing_reaches_the_disk_without_a_quit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sessions/s.json");
        let mut a = app();
        let mut saver = Saver::start(path.clone(), false);
        a.compose.textarea.insert_str("first words");
        saver.observe(&mut a);
        wait("the first words on disk", || {
            load_from(&path)
                .drafts
                .iter()
                .any(|d| d.text == "first words")
        });
        // More typing, soon after: written once the pause is over, with no other event.
        a.compose.textarea.insert_str(", and more");
        saver.observe(&mut a);
        wait("the later words on disk", || {
            load_from(&path)
                .drafts
                .iter()
                .any(|d| d.text == "first words, and more")
        });
        saver.finish(&a);
    }

    #[test]
    fn a_failing_disk_is_said_once_and_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, b"x").unwrap();
        let mut a = app();
        let mut saver = Saver::start(file.join("sessions/s.json"), false);
        a.compose.textarea.insert_str("words");
        saver.observe(&mut a);
        wait("the failure reported", || {
            saver.observe(&mut a);
            saver.reports() >= 1
        });
        let note = a.status.note.take().expect("the failure is shown");
        assert!(note.error);
        assert!(
            note.text.starts_with("Could not save drafts"),
            "{}",
            note.text
        );
        // More typing, more failed writes: nothing more is said.
        a.compose.textarea.insert_str(" more");
        saver.observe(&mut a);
        wait("the second failure reported", || {
            saver.observe(&mut a);
            saver.reports() >= 2
        });
        assert_eq!(a.status.note, None, "said once");
        assert_eq!(a.compose.text(), "words more", "the words are still there");
        saver.finish(&a);
    }
}
