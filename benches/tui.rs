//! TUI speed and memory, on this machine.
//!
//!     cargo bench --bench tui
//!
//! - frame render time at 200x50 for a space of 1,000 and of 100,000 messages (and 2,000
//!   members in the sidebar);
//! - keypress to frame (update + draw for `k`, moving the selection);
//! - the saver's look at the app after each event (typing, moving), which keeps drafts
//!   and unsent messages on disk;
//! - a 1,500-key burst into the compose box: a frame per key against one frame after all;
//! - a full 4,096-character draft: a frame, and a key to frame (`-- compose` runs only this);
//! - start to first frame: the real binary in a pseudo-terminal against an emulator;
//! - resident memory with 100,000 messages loaded;
//! - cleaning outside text, and the per-frame cell guard (`-- cleaning` runs only this);
//! - requests a minute of an idle gchat with 8, 58 and 500 spaces, on a simulated clock
//!   against a server where nothing happens (`-- requests` runs only this);
//! - the mention popup in a space of 10,000 members: key to frame while typing `@Person 1`
//!   (`-- mentions` runs only this);
//! - a big space's scale costs: idle poll + frame, older page + frame, newest to oldest,
//!   memory at the oldest, PageUp over rows not yet laid out, the worst single key, a
//!   new message at the end and a reply into an old thread (`-- scale` runs only this);
//! - a large workspace: 500 spaces (named spaces, group chats and DMs, named after their
//!   members) and a 2,000-member space open: a frame, and key to frame moving the
//!   selection in the spaces list and in the members pane (`-- workspace` runs only this).

use std::io::Read;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gchat::api::model::{Membership, Message, Space, SpaceType, Thread, User, UserType};
use gchat::app::member_requests::MemberOutcome;
use gchat::app::{Action, App, Clock, Identity, LoadKind, Outcome, Settings, Zone};
use gchat::keymap::Keymap;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const SPACE: &str = "spaces/AAAABenchmk";

/// Messages as a page answer carries them (as listed).
fn lean(msgs: Vec<Message>) -> Vec<gchat::api::Listed> {
    msgs.into_iter().map(Into::into).collect()
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// The allocator's view (glibc): bytes in live allocations, and bytes freed but kept.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn heap_kib() -> (u64, u64) {
    // SAFETY: mallinfo2 only reads the allocator's counters.
    let mi = unsafe { libc::mallinfo2() };
    (
        (mi.uordblks + mi.hblkhd) as u64 / 1024,
        mi.fordblks as u64 / 1024,
    )
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn heap_kib() -> (u64, u64) {
    (0, 0)
}

/// `n` messages: threads of one to six, with markup, mentions and CJK, five senders.
fn messages(n: usize) -> Vec<Message> {
    messages_in(0..n)
}

/// Messages `range` of the history [`messages`] makes, made alone: a page as the server
/// sends it, without the whole history held beside the app.
fn messages_in(range: std::ops::Range<usize>) -> Vec<Message> {
    range.map(message_at).collect()
}

/// Message `i` of the history: the same whichever page asks for it.
fn message_at(i: usize) -> Message {
    let t0 = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    let texts = [
        "Deploy #{} finished in *12 min* ✅",
        "<users/1002> could you look at `parser.rs` line {}?",
        "午饭一起吗？楼下新开了一家拉面店 {} 🍜",
        "Design doc: <https://docs.example.com/d/{}|RFC> — comments welcome\n* goals\n* non-goals",
        "Thanks! That fixed it. Closing #{}.",
    ];
    let is_root = |i: usize| i.is_multiple_of(6) || i % 7 == 3;
    // The thread is the nearest root at or before `i` (one is never more than six back).
    let root = (0..=i).rev().find(|&j| is_root(j)).unwrap_or(0);
    let id = format!("m{i:07}");
    let thread = format!("m{root:07}");
    let who = 1001 + (i % 5);
    Message {
        name: Some(format!("{SPACE}/messages/{thread}.{id}")),
        sender: Some(User {
            name: Some(format!("users/{who}")),
            display_name: Some(format!("Person {who}")),
            user_type: Some(UserType::Human),
            ..Default::default()
        }),
        create_time: Some(t0 + chrono::Duration::seconds(i as i64 * 30)),
        text: Some(texts[i % texts.len()].replace("{}", &i.to_string())),
        thread: Some(Thread {
            name: Some(format!("{SPACE}/threads/{thread}")),
            thread_key: None,
        }),
        thread_reply: !is_root(i),
        ..Default::default()
    }
}

/// A big space's members: managers, people, an app and the invited.
fn members(n: usize) -> Vec<Membership> {
    use gchat::api::model::{MembershipRole, MembershipState};
    (0..n)
        .map(|i| Membership {
            name: Some(format!("{SPACE}/members/{}", 2000 + i)),
            state: Some(if i % 50 == 7 {
                MembershipState::Invited
            } else {
                MembershipState::Joined
            }),
            role: Some(if i % 100 == 0 {
                MembershipRole::Manager
            } else {
                MembershipRole::Member
            }),
            member: Some(User {
                name: Some(format!("users/{}", 2000 + i)),
                display_name: Some(format!("Person {}", (i * 7919) % n)),
                user_type: Some(UserType::Human),
                ..Default::default()
            }),
            ..Default::default()
        })
        .collect()
}

fn app_with(n: usize) -> App {
    let mut app = App::new(
        Identity {
            user: Some("users/1001".into()),
            name: Some("Person 1001".into()),
            is_app: false,
            scopes: None,
        },
        Settings {
            zone: Zone::Fixed(chrono::FixedOffset::east_opt(0).unwrap()),
            clock: Clock::Fixed(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()),
            ..Default::default()
        },
        Keymap::defaults(),
    );
    app.start();
    let space = Space {
        name: Some(SPACE.into()),
        space_type: Some(SpaceType::Space),
        display_name: Some("Benchmark".into()),
        ..Default::default()
    };
    app.update(Action::Done(Box::new(Outcome::Directory(
        gchat::app::DirectoryOutcome::Spaces {
            result: Ok(vec![space]),
        },
    ))));
    app.update(Action::Done(Box::new(Outcome::Members(
        MemberOutcome::Members {
            space: sn(SPACE),
            result: Ok(members(2000)),
            show_invited: true,
        },
    ))));
    app.update(Action::Done(Box::new(Outcome::Messages(
        gchat::app::MessagesOutcome::Messages {
            space: sn(SPACE),
            kind: LoadKind::Latest,
            result: Ok((lean(messages(n)), false)),
        },
    ))));
    app
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn frames(n: usize) {
    let app = app_with(n);
    let mut term = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
    let t = Instant::now();
    term.draw(|f| gchat::ui::draw(&app, f)).expect("draw");
    let first = t.elapsed();
    let mut v = Vec::new();
    for _ in 0..300 {
        let t = Instant::now();
        term.draw(|f| gchat::ui::draw(&app, f)).expect("draw");
        v.push(t.elapsed());
    }
    println!(
        "frame at 200x50, {n:>7} messages: median {:>9.1?} (first frame after loading: {:.1?})",
        median(v),
        first
    );
}

/// 200 presses of `there`, then 200 of `back`, each timed with its frame.
fn there_and_back(
    app: &mut App,
    term: &mut Terminal<TestBackend>,
    there: char,
    back: char,
) -> Vec<Duration> {
    (0..400)
        .map(|i| {
            let key = KeyCode::Char(if i < 200 { there } else { back });
            let t = Instant::now();
            app.update(Action::Key(KeyEvent::new(key, KeyModifiers::NONE)));
            term.draw(|f| gchat::ui::draw(app, f)).expect("draw");
            t.elapsed()
        })
        .collect()
}

fn keypress(n: usize) {
    let mut app = app_with(n);
    let mut term = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
    term.draw(|f| gchat::ui::draw(&app, f)).expect("draw");
    // Up through the history, then back down.
    let v = there_and_back(&mut app, &mut term, 'k', 'j');
    let worst = *v.iter().max().expect("samples");
    println!(
        "keypress to frame, {n:>7} messages: median {:>9.1?}, worst {:.1?}",
        median(v),
        worst
    );
}

/// 1,500 keys typed into the compose box at once (a paste without bracketed paste, a
/// burst): drawn after each key, as the loop once did, or after taking them all.
fn burst(n: usize) {
    let keys: Vec<char> = "typed in a burst ".chars().cycle().take(1_500).collect();
    let run = |each: bool| {
        let mut app = app_with(n);
        let mut term = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
        app.update(Action::Key(KeyEvent::new(
            KeyCode::Char('i'),
            KeyModifiers::NONE,
        )));
        term.draw(|f| gchat::ui::draw(&app, f)).expect("draw");
        let t = Instant::now();
        for c in &keys {
            app.update(Action::Key(KeyEvent::new(
                KeyCode::Char(*c),
                KeyModifiers::NONE,
            )));
            if each {
                term.draw(|f| gchat::ui::draw(&app, f)).expect("draw");
            }
        }
        term.draw(|f| gchat::ui::draw(&app, f)).expect("draw");
        t.elapsed()
    };
    let each = median((0..5).map(|_| run(true)).collect());
    let once = median((0..5).map(|_| run(false)).collect());
    println!(
        "1,500-key burst into compose, {n:>7} messages: a frame per key {each:.1?}, keys first then one frame {once:.1?}"
    );
}

/// A full 4,096-character draft (long words and CJK) in the compose box: the frame (it
/// is wrapped from the text every frame) and a key to frame at its end and its start.
fn compose_full() {
    let words = ["release", "parser", "ratatui", "发布", "checks", "green"];
    let text: String = (0..1_000)
        .map(|i| words[i % words.len()])
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(4_096)
        .collect();
    let mut app = app_with(1_000);
    let mut term = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
    app.update(Action::Key(KeyEvent::new(
        KeyCode::Char('i'),
        KeyModifiers::NONE,
    )));
    app.update(Action::Paste(text));
    term.draw(|f| gchat::ui::draw(&app, f)).expect("draw");
    let frame = median(
        (0..200)
            .map(|_| {
                let t = Instant::now();
                term.draw(|f| gchat::ui::draw(&app, f)).expect("draw");
                t.elapsed()
            })
            .collect(),
    );
    let key = |app: &mut App, term: &mut Terminal<TestBackend>, code: KeyCode| {
        let t = Instant::now();
        app.update(Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        term.draw(|f| gchat::ui::draw(app, f)).expect("draw");
        t.elapsed()
    };
    let at_end = median(
        (0..100)
            .map(|i| {
                let c = if i % 2 == 0 {
                    KeyCode::Char('x')
                } else {
                    KeyCode::Backspace
                };
                key(&mut app, &mut term, c)
            })
            .collect(),
    );
    app.update(Action::Key(KeyEvent::new(
        KeyCode::Home,
        KeyModifiers::NONE,
    )));
    let at_start = median(
        (0..100)
            .map(|i| {
                let c = if i % 2 == 0 {
                    KeyCode::Char('x')
                } else {
                    KeyCode::Backspace
                };
                key(&mut app, &mut term, c)
            })
            .collect(),
    );
    println!(
        "4,096-character draft in compose at 200x50: frame {frame:.1?}; key to frame at its end {at_end:.1?}, at its start {at_start:.1?}"
    );
}

fn start_to_first_frame() {
    use portable_pty::{native_pty_system, CommandBuilder, PtySize};
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let emu = rt
        .block_on(gchat::emulator::Emulator::start(gchat::emulator::Options {
            demo: true,
            ..Default::default()
        }))
        .expect("emulator");
    let bin = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/gchat");
    if !bin.exists() {
        println!("start to first frame: skipped (build target/release/gchat first)");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let mut samples = Vec::new();
    for _ in 0..5 {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 50,
                cols: 200,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("pty");
        let mut cmd = CommandBuilder::new(&bin);
        cmd.args(["--endpoint", &emu.url(), "--token", "user:1001"]);
        cmd.env("TERM", "xterm-256color");
        cmd.env("GCHAT_LOG_DIR", dir.path());
        cmd.env("GCHAT_CONFIG_DIR", dir.path());
        let t = Instant::now();
        let mut child = pty.slave.spawn_command(cmd).expect("spawn");
        let mut reader = pty.master.try_clone_reader().expect("reader");
        let mut parser = vt100::Parser::new(50, 200, 0);
        let mut buf = [0u8; 65536];
        let (mut first_frame, mut with_messages) = (None, None);
        while with_messages.is_none() {
            let n = reader.read(&mut buf).unwrap_or(0);
            if n == 0 {
                break;
            }
            parser.process(&buf[..n]);
            let screen = parser.screen().contents();
            if first_frame.is_none() && screen.contains("Spaces") {
                first_frame = Some(t.elapsed());
            }
            if screen.contains("午饭一起吗") {
                with_messages = Some(t.elapsed());
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        if let (Some(a), Some(b)) = (first_frame, with_messages) {
            samples.push((a, b));
        }
    }
    if samples.is_empty() {
        println!("start to first frame: no frame seen");
        return;
    }
    let first = median(samples.iter().map(|s| s.0).collect());
    let loaded = median(samples.iter().map(|s| s.1).collect());
    println!("start to first frame (release binary, pty): median {first:.1?}; to messages on screen: {loaded:.1?}");
    rt.block_on(emu.stop());
}

/// What the loop adds to every event for keeping drafts and the outbox on disk: the
/// saver's comparison (the writes are on its own thread).
fn saver_observe(n: usize) {
    let mut app = app_with(n);
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut saver = gchat::session::Saver::start(dir.path().join("s.json"), true);
    saver.observe(&mut app);
    let press = |app: &mut App, c: KeyCode| {
        app.update(Action::Key(KeyEvent::new(c, KeyModifiers::NONE)));
    };
    let mut typing = Vec::new();
    press(&mut app, KeyCode::Char('i'));
    for i in 0..400 {
        press(&mut app, KeyCode::Char(if i % 7 == 6 { ' ' } else { 'x' }));
        let t = Instant::now();
        saver.observe(&mut app);
        typing.push(t.elapsed());
    }
    press(&mut app, KeyCode::Esc);
    let mut moving = Vec::new();
    for i in 0..400 {
        press(&mut app, KeyCode::Char(if i < 200 { 'k' } else { 'j' }));
        let t = Instant::now();
        saver.observe(&mut app);
        moving.push(t.elapsed());
    }
    println!(
        "saver per event, {n:>7} messages: typing median {:>7.1?} (worst {:.1?}), moving median {:>7.1?} (worst {:.1?})",
        median(typing.clone()),
        typing.iter().max().copied().unwrap_or_default(),
        median(moving.clone()),
        moving.iter().max().copied().unwrap_or_default(),
    );
    saver.finish(&app).expect("the bench keeps its session");
}

/// What cleaning outside text costs: `Clean::text` over message text, and the per-frame
/// guard over every cell of a 200x50 screen.
fn cleaning() {
    let texts: Vec<String> = messages(10_000)
        .into_iter()
        .filter_map(|m| m.text)
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut v = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let n: usize = texts
            .iter()
            .map(|s| gchat::clean::Clean::text(s).len())
            .sum();
        v.push(t.elapsed());
        assert!(n > 0);
    }
    let m = median(v);
    println!(
        "cleaning message text: {:.1?} for 10,000 messages ({:.0} MB/s)",
        m,
        bytes as f64 / m.as_secs_f64() / 1e6
    );
    let app = app_with(1_000);
    let mut term = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
    term.draw(|f| gchat::ui::draw(&app, f)).expect("draw");
    let mut buf = term.backend().buffer().clone();
    let mut v = Vec::new();
    for _ in 0..1_000 {
        let t = Instant::now();
        gchat::ui::guard(&mut buf);
        v.push(t.elapsed());
    }
    println!(
        "guarding every cell of a 200x50 frame: median {:.1?}",
        median(v)
    );
}

#[path = "../tests/common/idle.rs"]
mod idle;

/// Requests a minute of an idle gchat, by kind and by space, for 8, 58 and 500 spaces.
fn requests() {
    const MINUTES: u64 = 3;
    let none = |_: &gchat::app::Effect, _: u64| None;
    for n in [8, 58, 500] {
        let c = idle::run(n, MINUTES, false, &none);
        let per_min = |x: usize| x as f64 / MINUTES as f64;
        let busiest = c.by_space.values().max().copied().unwrap_or(0);
        let kinds: Vec<String> = c
            .by_kind
            .iter()
            .map(|(k, v)| format!("{k} {:.1}", per_min(*v)))
            .collect();
        println!(
            "idle, {n:>3} spaces, {MINUTES} minutes: {:.1} requests a minute for the user ({}); the open space {:.1} a minute, the other {} spaces {:.1}",
            per_min(c.total),
            kinds.join(", "),
            per_min(busiest),
            n - 1,
            per_min(c.by_space.values().sum::<usize>() - busiest),
        );
    }
    let empty = idle::run(8, MINUTES, true, &none);
    println!(
        "idle, an open space with no messages: {:.1} requests a minute to it",
        empty.by_space.values().sum::<usize>() as f64 / MINUTES as f64
    );
}

/// Typing `@Person 1234` in a space of `n` members: each key updates the popup (one pass
/// over the members) and draws a frame.
fn mentions(n: usize) {
    let mut app = app_with(1_000);
    app.update(Action::Done(Box::new(Outcome::Members(
        MemberOutcome::Members {
            space: sn(SPACE),
            result: Ok(members(n)),
            show_invited: true,
        },
    ))));
    let mut term = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
    let press = |app: &mut App, c: char| {
        app.update(Action::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )));
    };
    press(&mut app, 'i');
    let mut v = Vec::new();
    for _ in 0..20 {
        for c in "@Person 1234".chars() {
            let t = Instant::now();
            press(&mut app, c);
            term.draw(|f| gchat::ui::draw(&app, f)).expect("draw");
            v.push(t.elapsed());
        }
        if app.compose.popup.is_some() {
            app.update(Action::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
        }
        app.update(Action::Key(KeyEvent::new(
            KeyCode::Char('u'),
            KeyModifiers::CONTROL,
        )));
    }
    let worst = *v.iter().max().expect("samples");
    println!(
        "mention popup, {n:>6} members: key to frame median {:>9.1?}, worst {:.1?}",
        median(v),
        worst
    );
}

fn main() {
    println!("gchat TUI benchmark");
    if std::env::args().any(|a| a == "requests") {
        requests();
        return;
    }
    if std::env::args().any(|a| a == "mentions") {
        mentions(1_000);
        mentions(10_000);
        return;
    }
    if std::env::args().any(|a| a == "scale") {
        scale();
        return;
    }
    if std::env::args().any(|a| a == "workspace") {
        workspace();
        return;
    }
    if std::env::args().any(|a| a == "cleaning") {
        cleaning();
        return;
    }
    if std::env::args().any(|a| a == "compose") {
        compose_full();
        return;
    }
    // Memory first, before other runs leave freed pages with the allocator.
    let before = rss_kib();
    let app = app_with(100_000);
    let mut term = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
    term.draw(|f| gchat::ui::draw(&app, f)).expect("draw");
    let after = rss_kib();
    println!(
        "resident memory: {:.1} MiB before, {:.1} MiB with 100,000 messages loaded and drawn (+{:.1} MiB, {:.2} KiB per message)",
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        (after - before) as f64 / 1024.0,
        (after - before) as f64 / 100_000.0
    );
    drop(app);
    frames(1_000);
    frames(100_000);
    keypress(1_000);
    keypress(100_000);
    saver_observe(1_000);
    saver_observe(100_000);
    cleaning();
    mentions(10_000);
    burst(1_000);
    compose_full();
    requests();
    start_to_first_frame();
}

/// The scale costs of a big space (`-- scale` runs only this; `SCALE_N` sets the size,
/// 100,000 by default): an idle poll that finds nothing plus the frame it asks for, one
/// older page merged plus its frame, and the CPU to page from the newest message to the
/// oldest (pages of 100) with a frame after each, then resident memory there.
fn scale() {
    let big: usize = std::env::var("SCALE_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    // Where memory goes: the size of what each message costs before its text.
    println!(
        "scale: a message as held {} bytes (its API message {}), a row {} bytes",
        std::mem::size_of::<gchat::app::timeline::Item>(),
        std::mem::size_of::<Message>(),
        std::mem::size_of::<gchat::app::timeline::Row>(),
    );
    for n in [1_000, big] {
        scale_one(n);
    }
}

fn scale_one(n: usize) {
    const PAGE: usize = 100;
    let before = rss_kib();
    // The event loop's tick gives freed memory back; its first look is at the start.
    let mut give_back = gchat::mem::GiveBack::default();
    let started = Instant::now();
    give_back.tick(started);
    // The newest page first, as the app loads it.
    let mut app = app_with(0);
    let mut term = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
    let newest = messages_in(n - PAGE..n);
    app.update(Action::Done(Box::new(Outcome::Messages(
        gchat::app::MessagesOutcome::Messages {
            space: sn(SPACE),
            kind: LoadKind::Latest,
            result: Ok((lean(newest), true)),
        },
    ))));
    term.draw(|f| gchat::ui::draw(&app, f)).expect("draw");
    // Older pages, each with its frame: the whole walk to the oldest.
    let mut page_times = Vec::new();
    let walk = Instant::now();
    let mut end = n - PAGE;
    while end > 0 {
        let start = end.saturating_sub(PAGE);
        let page = messages_in(start..end);
        let before_t = message_at(end).create_time.expect("time");
        let t = Instant::now();
        app.update(Action::Done(Box::new(Outcome::Messages(
            gchat::app::MessagesOutcome::Messages {
                space: sn(SPACE),
                kind: LoadKind::Older { before: before_t },
                result: Ok((lean(page), start > 0)),
            },
        ))));
        if app.dirty {
            term.draw(|f| gchat::ui::draw(&app, f)).expect("draw");
            app.dirty = false;
        }
        page_times.push(t.elapsed());
        end = start;
    }
    let walk = walk.elapsed();
    let loaded_rss = rss_kib();
    let (live, kept) = heap_kib();
    println!(
        "scale, {n:>7} messages: at the oldest the heap holds {:.1} MiB live and {:.1} MiB freed but kept; resident {:.1} MiB",
        live as f64 / 1024.0,
        kept as f64 / 1024.0,
        loaded_rss as f64 / 1024.0,
    );
    // The next tick of the event loop, as the app runs it.
    let t = Instant::now();
    give_back.tick(started.max(t) + gchat::mem::EVERY);
    println!(
        "scale, {n:>7} messages: the tick gave freed memory back {} time(s) in {:.2?}",
        give_back.times,
        t.elapsed()
    );
    let rss = rss_kib();
    // Idle polls that find nothing, each with the frame it asks for (if any).
    let after = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
    let mut idle = Vec::new();
    let mut drawn = 0;
    for _ in 0..50 {
        let t = Instant::now();
        app.update(Action::Done(Box::new(Outcome::Messages(
            gchat::app::MessagesOutcome::Polled {
                space: sn(SPACE),
                after,
                result: Ok(Vec::new()),
            },
        ))));
        if app.dirty {
            term.draw(|f| gchat::ui::draw(&app, f)).expect("draw");
            app.dirty = false;
            drawn += 1;
        }
        idle.push(t.elapsed());
    }
    let pages = page_times.len();
    let worst = page_times.iter().max().copied().unwrap_or_default();
    let last = page_times.iter().rev().take(20).copied().collect();
    println!(
        "scale, {n:>7} messages: older page + frame median {:.2?}, at the oldest (last 20) {:.2?}, worst {:.1?}; newest to oldest ({pages} pages of {PAGE}) {:.2?} (wall time, one thread)",
        median(page_times.clone()),
        median(last),
        worst,
        walk
    );
    println!(
        "scale, {n:>7} messages: idle poll + frame median {:.3?} ({drawn} of 50 drew); resident {:.1} MiB at the oldest (+{:.1} MiB)",
        median(idle),
        rss as f64 / 1024.0,
        (rss.saturating_sub(before)) as f64 / 1024.0,
    );
    // The worst single key (with its frame) over a tour of the whole history: jumps to
    // either end, line and page moves, opening and closing a thread, expanding one.
    let tour: Vec<KeyCode> = [KeyCode::Char('G')]
        .into_iter()
        .chain(std::iter::repeat_n(KeyCode::Char('k'), 20))
        .chain(std::iter::repeat_n(KeyCode::PageUp, 20))
        .chain([KeyCode::Char('o'), KeyCode::Enter, KeyCode::Esc])
        .chain([KeyCode::Char('g')])
        .chain(std::iter::repeat_n(KeyCode::Char('j'), 20))
        .chain(std::iter::repeat_n(KeyCode::PageDown, 20))
        .chain([KeyCode::Char('o'), KeyCode::Char('T'), KeyCode::Char('T')])
        .chain([KeyCode::Char('G'), KeyCode::Char('g'), KeyCode::Char('G')])
        .collect();
    let mut keys = Vec::new();
    let mut worst = (Duration::ZERO, KeyCode::Null);
    for code in tour {
        let t = key_and_frame(&mut app, &mut term, code);
        if t > worst.0 {
            worst = (t, code);
        }
        keys.push(t);
    }
    drop(app);
    // PageUp from the newest message of a freshly loaded space: every page lays out
    // rows for the first time.
    let mut app = app_with(n);
    term.draw(|f| gchat::ui::draw(&app, f)).expect("draw");
    let mut ups = Vec::new();
    for _ in 0..40 {
        ups.push(key_and_frame(&mut app, &mut term, KeyCode::PageUp));
    }
    let up_worst = ups.iter().max().copied().unwrap_or_default();
    println!(
        "scale, {n:>7} messages: PageUp over rows not yet laid out median {:.2?}, worst {:.2?}; worst single key {:.2?} ({:?}; of {} keys, median {:.2?})",
        median(ups),
        up_worst,
        worst.0,
        worst.1,
        keys.len(),
        median(keys.clone()),
    );
    arrivals(&mut app, &mut term, n);
}

/// Live messages into a big space pinned to the newest, each with its frame: a new
/// message at the end, and a reply into a thread far up (surfaced at the bottom).
fn arrivals(app: &mut App, term: &mut Terminal<TestBackend>, n: usize) {
    key_and_frame(app, term, KeyCode::Char('G'));
    let t0 = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    let live = |id: String, thread: &str, reply: bool, at: usize, who: usize| Message {
        name: Some(format!("{SPACE}/messages/{id}")),
        sender: Some(User {
            name: Some(format!("users/{}", 1001 + who % 5)),
            display_name: Some(format!("Person {}", 1001 + who % 5)),
            user_type: Some(UserType::Human),
            ..Default::default()
        }),
        create_time: Some(t0 + chrono::Duration::seconds(at as i64 * 30)),
        text: Some(format!("live {id}")),
        thread: Some(Thread {
            name: Some(format!("{SPACE}/threads/{thread}")),
            thread_key: None,
        }),
        thread_reply: reply,
        ..Default::default()
    };
    let after = t0 + chrono::Duration::seconds(n as i64 * 30);
    let mut poll = |app: &mut App, m: Message| {
        let t = Instant::now();
        app.update(Action::Done(Box::new(Outcome::Messages(
            gchat::app::MessagesOutcome::Polled {
                space: sn(SPACE),
                after,
                result: Ok(vec![m.into()]),
            },
        ))));
        term.draw(|f| gchat::ui::draw(app, f)).expect("draw");
        app.dirty = false;
        t.elapsed()
    };
    let mut ends = Vec::new();
    let mut replies = Vec::new();
    for k in 0..40 {
        let id = format!("live{k:04}");
        ends.push(poll(app, live(id.clone(), &id, false, n + 2 * k, k)));
        // Every 6th message of the history starts a thread: one in the middle.
        let old = format!("m{:07}", (n / 2 + 60 * k) / 6 * 6);
        replies.push(poll(
            app,
            live(format!("re{k:04}"), &old, true, n + 2 * k + 1, k + 1),
        ));
    }
    println!(
        "scale, {n:>7} messages: a new message at the end + frame median {:.2?}, worst {:.2?}; a reply into an old thread + frame median {:.2?}, worst {:.2?}",
        median(ends.clone()),
        ends.iter().max().copied().unwrap_or_default(),
        median(replies.clone()),
        replies.iter().max().copied().unwrap_or_default(),
    );
}

/// One key and the frame after it.
fn key_and_frame(app: &mut App, term: &mut Terminal<TestBackend>, code: KeyCode) -> Duration {
    let t = Instant::now();
    app.update(Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    term.draw(|f| gchat::ui::draw(app, f)).expect("draw");
    app.dirty = false;
    t.elapsed()
}

/// 500 spaces: a third named spaces, a third group chats of 3 to 8 people, a third DMs,
/// every conversation's members loaded (it is named after them), and a named space of
/// 2,000 members open with its members pane shown.
fn workspace_app() -> App {
    use gchat::api::model::{MembershipRole, MembershipState};
    let mut app = app_with(1_000);
    let t0 = Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap();
    let mut spaces = Vec::new();
    let mut lists = Vec::new();
    for i in 0..500usize {
        let name = format!("spaces/AAAAWork{i:04}");
        let kind = match i % 3 {
            0 => SpaceType::Space,
            1 => SpaceType::GroupChat,
            _ => SpaceType::DirectMessage,
        };
        let people: Vec<usize> = match kind {
            SpaceType::GroupChat => (0..3 + i % 6)
                .map(|k| 3000 + (i * 7 + k * 13) % 900)
                .collect(),
            SpaceType::DirectMessage => vec![3000 + (i * 11) % 900],
            _ => Vec::new(),
        };
        spaces.push(Space {
            name: Some(name.clone()),
            display_name: (kind == SpaceType::Space).then(|| format!("Project {i} 项目")),
            space_type: Some(kind),
            last_active_time: Some(t0 + chrono::Duration::minutes((i * 37 % 500) as i64)),
            ..Default::default()
        });
        if !people.is_empty() {
            let mut members: Vec<Membership> = people
                .iter()
                .map(|p| Membership {
                    name: Some(format!("{name}/members/{p}")),
                    state: Some(MembershipState::Joined),
                    role: Some(MembershipRole::Member),
                    member: Some(User {
                        name: Some(format!("users/{p}")),
                        display_name: Some(format!("Colleague {p} 同事")),
                        user_type: Some(UserType::Human),
                        ..Default::default()
                    }),
                    ..Default::default()
                })
                .collect();
            members.push(Membership {
                name: Some(format!("{name}/members/1001")),
                state: Some(MembershipState::Joined),
                member: Some(User {
                    name: Some("users/1001".into()),
                    user_type: Some(UserType::Human),
                    ..Default::default()
                }),
                ..Default::default()
            });
            lists.push((name, members));
        }
    }
    spaces.push(Space {
        name: Some(SPACE.into()),
        space_type: Some(SpaceType::Space),
        display_name: Some("Benchmark".into()),
        last_active_time: Some(t0 + chrono::Duration::days(1)),
        ..Default::default()
    });
    app.update(Action::Done(Box::new(Outcome::Directory(
        gchat::app::DirectoryOutcome::Spaces { result: Ok(spaces) },
    ))));
    for (space, result) in lists {
        app.update(Action::Done(Box::new(Outcome::Members(
            MemberOutcome::Members {
                space: sn(&space),
                result: Ok(result),
                show_invited: true,
            },
        ))));
    }
    app
}

fn workspace() {
    let mut app = workspace_app();
    let mut term = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
    term.draw(|f| gchat::ui::draw(&app, f)).expect("draw");
    let mut v = Vec::new();
    for _ in 0..300 {
        let t = Instant::now();
        term.draw(|f| gchat::ui::draw(&app, f)).expect("draw");
        v.push(t.elapsed());
    }
    println!(
        "workspace, 500 spaces + 2,000 members at 200x50: frame median {:>9.1?}",
        median(v)
    );
    for (pane, digit) in [("spaces list", '1'), ("members pane", '3')] {
        app.update(Action::Key(KeyEvent::new(
            KeyCode::Char(digit),
            KeyModifiers::NONE,
        )));
        term.draw(|f| gchat::ui::draw(&app, f)).expect("draw");
        // Down through the list, then back up.
        let v = there_and_back(&mut app, &mut term, 'j', 'k');
        let worst = *v.iter().max().expect("samples");
        println!(
            "workspace, {pane:<12}: key to frame median {:>9.1?}, worst {:.1?}",
            median(v),
            worst
        );
    }
}

fn sn(s: &str) -> gchat::api::SpaceName {
    gchat::api::SpaceName::parse(s).expect("a valid space name")
}
