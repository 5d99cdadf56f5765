//! Leftovers from the last new-user and adversary reviews: the help key stays on the
//! status bar at every width, the server's request to slow down is shown while the
//! client waits it out, a thread closed from the earlier-replies block leaves the
//! selection on screen, keymap warnings are readable whole, a reply shows once.

mod common;

use common::fixture::*;
use common::steps::*;
use crossterm::event::KeyCode;
use gchat::app::Focus;

#[test]
fn the_help_key_stays_on_the_status_bar_at_every_width() {
    let mut a = app();
    for focus in [Focus::Spaces, Focus::Messages, Focus::Members] {
        a.focus = focus;
        for w in gchat::ui::small::MIN_WIDTH..=160 {
            let line = bar(&a, w);
            assert!(
                line.contains("? help"),
                "{focus:?} at {w} columns: {line:?}"
            );
        }
    }
    // A note that fits beside it leaves it there too; one too long for both has the
    // line (cut, it could lose what it is about) until it goes.
    a.focus = Focus::Messages;
    a.note("Copied.");
    for w in 60..=160 {
        let line = bar(&a, w);
        assert!(
            line.contains("Copied.") && line.contains("? help"),
            "with a note at {w} columns: {line:?}"
        );
    }
    a.note("A rather long note that would take up the whole of the status line by itself, and then some more words");
    for w in gchat::ui::small::MIN_WIDTH..=160 {
        let line = bar(&a, w);
        assert!(
            line.contains("? help") || line.contains("A r"),
            "with a long note at {w} columns: {line:?}"
        );
    }
}

/// A reply from Bob to a thread started long before what Team Rust holds (its root is
/// not loaded), polled in.
fn reply_to_an_old_thread(app: &mut gchat::app::App) -> gchat::api::model::Message {
    let reply = msg(
        TEAM,
        "OLDR",
        "OLD",
        bob(),
        now(),
        "Reviving this one: still broken?",
    );
    polled(app, TEAM, vec![reply.clone()]);
    reply
}

fn count(screen: &str, what: &str) -> usize {
    screen.matches(what).count()
}

#[test]
fn a_reply_to_a_thread_not_held_shows_once() {
    let mut a = app();
    a.focus = Focus::Messages;
    reply_to_an_old_thread(&mut a);
    let screen = render(&a, 100, 40);
    assert_eq!(
        count(&screen, "Replies to an earlier message"),
        1,
        "{screen}"
    );
    assert_eq!(count(&screen, "Reviving this one"), 1, "{screen}");
    assert!(!screen.contains("New reply from"), "{screen}");
    // A reply to a thread held higher up is still pointed at from the bottom.
    polled(
        &mut a,
        TEAM,
        vec![msg(
            TEAM,
            "T9",
            "T1",
            dmitri(),
            now(),
            "One more thing on ratatui",
        )],
    );
    let screen = render(&a, 100, 40);
    assert!(screen.contains("New reply from Dmitri"), "{screen}");
}

#[test]
fn closing_a_thread_opened_from_the_earlier_replies_block_keeps_the_selection_on_screen() {
    let mut a = app();
    a.focus = Focus::Messages;
    let reply = reply_to_an_old_thread(&mut a);
    let name = reply.name.clone().unwrap();
    render(&a, 80, 20);
    {
        let v = a.views.get_mut(TEAM).unwrap();
        v.selected = Some(gchat::app::timeline::Row::Msg {
            name: name.as_str().into(),
            reply: true,
        });
        v.anchor = None;
    }
    let screen = render(&a, 80, 20);
    assert!(screen.contains("Reviving this one"), "{screen}");
    let fx = key(&mut a, KeyCode::Enter);
    assert!(
        fx.iter().any(|e| matches!(
            e,
            gchat::app::Effect::Messages(gchat::app::MessagesEffect::LoadMessages {
                kind: gchat::app::LoadKind::Thread { .. },
                ..
            })
        )),
        "{fx:?}"
    );
    // The thread's root is older than anything held: with it, the thread's rows move
    // to the top of the history.
    let root = msg(
        TEAM,
        "OLD",
        "OLD",
        wang(),
        at(19, 8, 0),
        "The build breaks on musl",
    );
    let thread = gchat::api::ThreadName::parse(&format!("{TEAM}/threads/OLD")).unwrap();
    loaded(
        &mut a,
        TEAM,
        gchat::app::LoadKind::Thread { thread },
        vec![root, reply],
    );
    render(&a, 80, 20);
    key(&mut a, KeyCode::Esc);
    assert!(a.current_view().unwrap().thread.is_none());
    let screen = render(&a, 80, 20);
    let selected = match &a.current_view().unwrap().selected {
        Some(gchat::app::timeline::Row::Msg { name, .. }) => name.to_string(),
        other => panic!("no message selected: {other:?}"),
    };
    let text = a
        .current_timeline()
        .unwrap()
        .get(&selected)
        .unwrap()
        .text()
        .unwrap()
        .to_string();
    assert!(
        screen.contains(&text),
        "{selected} ({text}) is off screen:\n{screen}"
    );
}

#[test]
fn a_pane_key_that_shadows_quit_is_warned_about() {
    let (keymap, problems) = gchat::keymap::Keymap::with_user("[messages]\nreact = [\"q\"]\n");
    let w = problems
        .iter()
        .find(|p| p.contains("messages") && p.contains("react") && p.contains("quit"))
        .unwrap_or_else(|| panic!("no warning of q shadowing quit: {problems:?}"));
    assert!(w.contains("q"), "{w}");
    // The binding is kept as asked: q reacts in the message pane.
    let q =
        crossterm::event::KeyEvent::new(KeyCode::Char('q'), crossterm::event::KeyModifiers::NONE);
    assert_eq!(
        keymap.lookup(gchat::keymap::Mode::Messages, &q),
        Some(gchat::keymap::Command::React)
    );
    // The defaults shadow nothing of their own, and a key taken by no global command
    // is not warned about.
    let (_, problems) = gchat::keymap::Keymap::with_user("[messages]\nreact = [\"F9\"]\n");
    assert!(problems.is_empty(), "{problems:?}");
    let (_, problems) = gchat::keymap::Keymap::with_user("[spaces]\nopen = [\"?\"]\n");
    assert!(
        problems
            .iter()
            .any(|p| p.contains("spaces") && p.contains("open") && p.contains("help")),
        "{problems:?}"
    );
}

#[test]
fn every_keymap_warning_is_readable_whole() {
    let mut a = app();
    let (_, problems) = gchat::keymap::Keymap::with_user(
        "[messages]\nreact = [\"q\"]\nfrobnicate = [\"x\"]\nreply = [\"Hyper-Meta-Banana\"]\n[nowhere]\nquit = [\"z\"]\n",
    );
    assert!(problems.len() >= 4, "{problems:?}");
    a.config_problems(problems.clone());
    let line = status_line(&a);
    assert!(
        line.contains(&format!("{} problems", problems.len())) && line.contains("?"),
        "{line}"
    );
    let help = help_text(&a);
    for p in &problems {
        assert!(help.contains(p.as_str()), "{p:?} not in the help:\n{help}");
    }
    // The help opens on them.
    ch(&mut a, '?');
    let screen = render(&a, 100, 30);
    assert!(
        screen.contains(problems[0].as_str()) || screen.contains("problem"),
        "{screen}"
    );
}

fn refused(code: u16, status: &str, retry_after: Option<u64>) -> gchat::api::ApiError {
    gchat::api::ApiError::Server(gchat::api::ServerError {
        code,
        status: status.into(),
        message: "Quota exceeded.".into(),
        field_violations: Vec::new(),
        reason: None,
        retry_after: retry_after.map(std::time::Duration::from_secs),
    })
}

#[test]
fn a_wait_the_client_takes_for_a_rate_limit_is_shown_and_counted_down() {
    let mut a = app();
    // A 503 retried quietly says nothing.
    a.client_waits(
        &refused(503, "UNAVAILABLE", None),
        std::time::Duration::from_secs(2),
    );
    assert!(
        !status_line(&a).contains("slow down"),
        "{}",
        status_line(&a)
    );
    let start = std::time::Instant::now();
    a.update(gchat::app::Action::Tick(start));
    a.client_waits(
        &refused(429, "RESOURCE_EXHAUSTED", Some(45)),
        std::time::Duration::from_secs(45),
    );
    let screen = render(&a, 120, 24);
    let status = screen.lines().last().unwrap_or_default();
    assert!(
        status.contains("waiting 45s: the server asked to slow down"),
        "{status}"
    );
    assert!(screen.contains("Spaces · every"), "{screen}");
    // Ten seconds on, it says how long is left.
    a.dirty = false;
    a.update(gchat::app::Action::Tick(
        start + std::time::Duration::from_secs(10),
    ));
    assert!(a.dirty, "the countdown is drawn");
    assert!(
        status_line(&a).contains("waiting 35s"),
        "{}",
        status_line(&a)
    );
    // Over: the status line says so without a key.
    a.dirty = false;
    a.update(gchat::app::Action::Tick(
        start + std::time::Duration::from_secs(46),
    ));
    assert!(a.dirty);
    assert!(!status_line(&a).contains("waiting"), "{}", status_line(&a));
}

/// A folder of more entries than completion reads: `target-a.txt` and `target-b.txt`
/// among 10,000 others, in whatever order the file system lists them.
#[test]
fn completion_in_a_huge_folder_completes_nothing_wrong_and_says_why() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for i in 0..10_000 {
        std::fs::write(dir.path().join(format!("f-{i:05}")), "").expect("written");
    }
    for name in ["target-a.txt", "target-b.txt"] {
        std::fs::write(dir.path().join(name), "x").expect("written");
    }
    let path = format!("{}/target-", dir.path().display());
    let c = gchat::files::complete_path(&path);
    let both = c.candidates.contains(&"target-a.txt".to_string())
        && c.candidates.contains(&"target-b.txt".to_string());
    assert!(
        both || (c.too_big && c.input == path && c.candidates.is_empty()),
        "a wrong completion: {c:?}"
    );
    // In the attach prompt, it says plainly why nothing was completed.
    let mut a = app();
    a.focus = Focus::Messages;
    ch(&mut a, 'i');
    ctrl(&mut a, 'o');
    typed(&mut a, &path);
    key(&mut a, KeyCode::Tab);
    let screen = render(&a, 120, 30);
    assert!(
        screen.contains("target-a.txt") && screen.contains("target-b.txt")
            || screen.contains("too many"),
        "{screen}"
    );
    assert!(!screen.contains("No file or folder starts so"), "{screen}");
}
