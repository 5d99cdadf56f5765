//! The terminal around gchat, in a real pseudo-terminal: every way out (quit, signals,
//! a panic, Ctrl-z) leaves a sane terminal; pastes arrive as text, never as keys; a
//! burst of typing is all on screen without waiting for another key.

mod common;

use common::pty::{Session, H, W};

/// The status bar's mode badge, on the last row.
fn badge(screen: &str) -> &str {
    screen.lines().last().unwrap_or("").trim_start()
}

fn stored_texts(s: &Session) -> Vec<String> {
    s.emu.service().with_store(|st| {
        st.spaces[common::TEAM_RUST]
            .messages
            .iter()
            .filter(|m| !m.deleted() && m.sender == common::ALICE)
            .filter_map(|m| m.msg.text.clone())
            .collect()
    })
}

fn bracketed(text: &str) -> String {
    format!("\x1b[200~{text}\x1b[201~")
}

/// The column of the spaces pane's right border: where the messages pane starts.
fn spaces_border(s: &Session) -> u16 {
    (0..W)
        .find(|c| s.cell(0, *c) == "┐")
        .expect("the spaces pane's corner")
}

/// Each body row has the spaces pane's borders where they belong: nothing drew over them.
fn assert_borders(s: &Session) {
    let col = spaces_border(s);
    for row in 1..H - 2 {
        for c in [0, col] {
            let cell = s.cell(row, c);
            assert!(
                cell == "│",
                "row {row} has {cell:?} at column {c}, not the border:\n{}",
                s.screen()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_multi_line_paste_with_cr_breaks_is_one_edit_in_the_box() {
    let mut s = Session::start().await;
    s.send("i").await;
    s.wait_for("the compose box", |t| badge(t).starts_with("INSERT"))
        .await;
    // tmux and many terminals send a paste's line breaks as CR.
    s.send(&bracketed("alpha\rbeta\rgamma")).await;
    s.wait_for("three lines in the box", |t| {
        let rows: Vec<&str> = t.lines().collect();
        ["│alpha", "│beta", "│gamma"]
            .iter()
            .all(|w| rows.iter().any(|r| r.contains(w)))
    })
    .await;
    assert!(s.screen().contains(" INSERT "), "still writing, not sent");
    assert_borders(&s);
    assert!(
        !stored_texts(&s).iter().any(|t| t.contains("alpha")),
        "a pasted line break is not Enter"
    );
    s.enter().await;
    let want = "alpha\nbeta\ngamma".to_string();
    s.wait_for("sent", |t| t.contains("gamma") && !t.contains("sending…"))
        .await;
    s.wait_state("stored with LF breaks", |st| {
        st.spaces[common::TEAM_RUST]
            .messages
            .iter()
            .any(|m| m.msg.text.as_deref() == Some(want.as_str()))
    })
    .await;
    assert_eq!(
        stored_texts(&s)
            .iter()
            .filter(|t| t.contains("alpha"))
            .collect::<Vec<_>>(),
        vec![&want]
    );
    assert_borders(&s);
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_two_thousand_line_paste_then_esc_leaves_a_clean_screen() {
    // Room for the whole paste in one message.
    let emu = common::start(gchat::emulator::Config {
        text_limit: 100_000,
        ..Default::default()
    })
    .await;
    let how = Session::alice(&emu.url());
    let mut s = Session::spawn_with(emu, how).await;
    s.send("i").await;
    // One-character lines: the whole paste fits in one message (gchat sends at most
    // 4,096 characters).
    let mut text: Vec<String> = (1..2000).map(|_| "ł".to_string()).collect();
    text.push("ln2000".into());
    s.send(&bracketed(&text.join("\r"))).await;
    s.wait_for("the paste's end in the box", |t| t.contains("│ln2000"))
        .await;
    assert_borders(&s);
    s.esc().await;
    s.wait_for("back in the messages", |t| badge(t).starts_with("NORMAL"))
        .await;
    assert_borders(&s);
    // Nothing of the paste is left in the spaces pane.
    let col = spaces_border(&s);
    for row in 0..H {
        let left = s.span(row, 0, col);
        assert!(
            !left.contains("ln") && !left.contains('ł'),
            "row {row}: {left}"
        );
    }
    // The whole paste is kept as the draft.
    s.send("i").await;
    s.enter().await;
    let want = text.join("\n");
    s.wait_state("the whole paste, sent", |st| {
        st.spaces[common::TEAM_RUST]
            .messages
            .iter()
            .any(|m| m.msg.text.as_deref() == Some(want.as_str()))
    })
    .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paste_never_works_as_keys() {
    let mut s = Session::start().await;
    // In the messages pane, a paste of "q", "d" and Enter is ignored, not obeyed.
    s.send(&bracketed("q\rd\r3x")).await;
    s.send("?").await;
    s.wait_for("the help overlay: still running", |t| {
        t.contains("Show this help")
    })
    .await;
    let screen = s.screen();
    assert!(!screen.contains("Delete this message"), "{screen}");
    s.esc().await;
    // In a dialog's one-line field, line breaks become spaces and do not submit.
    s.send("1").await;
    s.send("c").await;
    s.wait_for("the dialog", |t| t.contains("Create a space"))
        .await;
    s.send(&bracketed("Paste\r\nSpace\rName\r")).await;
    s.wait_for("the pasted name on one line", |t| {
        t.contains("Paste Space Name")
    })
    .await;
    assert!(s.screen().contains("Create a space"), "not submitted");
    assert!(
        s.emu
            .service()
            .with_store(|st| !st.spaces.values().any(|sp| sp
                .space
                .display_name
                .as_deref()
                .is_some_and(|n| n.contains("Paste")))),
        "no space was created by the paste"
    );
    s.esc().await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_keystrokes_is_all_on_screen_without_another_key() {
    let mut s = Session::start().await;
    s.send("i").await;
    let mut text = String::new();
    while text.len() < 1500 {
        text.push_str(&format!("w{:04} ", text.len()));
    }
    text.push_str("THE-END");
    // One write: the terminal hands gchat far more than one read's worth.
    s.send(&text).await;
    s.wait_for("the last characters typed", |t| t.contains("THE-END"))
        .await;
    s.enter().await;
    s.wait_state("every character, sent", |st| {
        st.spaces[common::TEAM_RUST]
            .messages
            .iter()
            .any(|m| m.msg.text.as_deref() == Some(text.as_str()))
    })
    .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigquit_restores_the_terminal() {
    let emu = common::demo().await;
    let mut how = Session::alice(&emu.url());
    how.no_wait = true;
    let mut s = Session::spawn_with(emu, how).await;
    // As early as can be: as soon as gchat has taken the terminal.
    s.wait_raw("the alternate screen", 0, |r| r.contains("\x1b[?1049h"))
        .await;
    assert!(s.raw_mode(), "gchat runs in raw mode");
    let pid = s.child.process_id().expect("pid");
    std::process::Command::new("kill")
        .args(["-QUIT", &pid.to_string()])
        .status()
        .unwrap();
    let status = s.wait_exit().await;
    assert!(status.success(), "{status:?}");
    s.wait_eof().await;
    s.assert_restored(0);
    assert!(!s.raw_mode(), "raw mode off");
    assert!(!s.alternate(), "back on the main screen");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_restores_the_terminal_and_its_message_is_readable() {
    let emu = common::demo().await;
    let mut how = Session::alice(&emu.url());
    how.env
        .push(("GCHAT_TEST_PANIC".into(), "after-first-frame".into()));
    how.no_wait = true;
    let mut s = Session::spawn_with(emu, how).await;
    let status = s.wait_exit().await;
    assert!(!status.success(), "a panic is a failure: {status:?}");
    s.wait_eof().await;
    let raw = s.raw_since(0);
    let on = raw
        .find("\x1b[?1049h")
        .expect("gchat entered the alternate screen");
    let off = raw.rfind("\x1b[?1049l").expect("and left it");
    assert!(off > on);
    for (what, seq) in [
        ("mouse capture off", "\x1b[?1000l"),
        ("SGR mouse off", "\x1b[?1006l"),
        ("bracketed paste off", "\x1b[?2004l"),
    ] {
        assert!(raw.rfind(seq).is_some_and(|at| at > on), "{what}");
    }
    assert!(!s.raw_mode(), "raw mode off");
    assert!(!s.alternate(), "back on the main screen");
    let screen = s.screen();
    assert!(
        screen.contains("panicked") && screen.contains("GCHAT_TEST_PANIC"),
        "the panic message is on the normal screen:\n{screen}"
    );
    // Its lines start at the left edge: the terminal translates newlines again.
    assert!(
        screen
            .lines()
            .any(|l| l.starts_with("thread") || l.starts_with("note:")),
        "{screen}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_z_suspends_to_the_shell_and_fg_brings_gchat_back() {
    let emu = common::demo().await;
    let mut how = Session::alice(&emu.url());
    how.job_control = true;
    let mut s = Session::spawn_with(emu, how).await;
    assert!(s.raw_mode() && s.alternate());
    let gchat = s.foreground().expect("gchat in the foreground");
    // Something typed but not sent must survive the trip. (In the box Ctrl-z is undo:
    // gchat is suspended from the messages pane, with the draft kept.)
    s.send("i").await;
    s.send("kept across suspend").await;
    s.wait_for("the text in the box", |t| {
        t.contains("│kept across suspend")
    })
    .await;
    s.esc().await;
    s.wait_for("the draft kept", |t| {
        t.contains("Draft: kept across suspend") && badge(t).starts_with("NORMAL")
    })
    .await;
    let before = s.raw_len();
    s.send("\x1a").await;
    s.wait_for("the shell's turn", |t| t.contains("STOPPED"))
        .await;
    let stat = std::fs::read_to_string(format!("/proc/{gchat}/stat")).expect("gchat alive");
    let state = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .next();
    assert_eq!(state, Some("T"), "gchat is stopped: {stat}");
    s.assert_restored(before);
    assert!(!s.raw_mode(), "the shell gets a cooked terminal");
    assert!(!s.alternate(), "the shell's screen");
    // fg
    let before = s.raw_len();
    s.send("\n").await;
    s.wait_for("gchat redrawn", |t| {
        t.contains("午饭一起吗") && t.contains("Draft: kept across suspend")
    })
    .await;
    assert!(s.alternate(), "back on the alternate screen");
    s.wait_raw("modes on again", before, |r| {
        r.contains("\x1b[?1049h") && r.contains("\x1b[?1000h") && r.contains("\x1b[?2004h")
    })
    .await;
    assert!(s.raw_mode(), "raw mode again");
    // It answers keys as before.
    s.send("i").await;
    s.send(" and after").await;
    s.wait_for("typing goes on", |t| {
        t.contains("│kept across suspend and after")
    })
    .await;
    s.enter().await;
    s.wait_state("sent after resuming", |st| {
        st.spaces[common::TEAM_RUST]
            .messages
            .iter()
            .any(|m| m.msg.text.as_deref() == Some("kept across suspend and after"))
    })
    .await;
    s.esc().await;
    s.send("q").await;
    // If the send's answer is not back yet gchat asks; waiting quits once it is.
    s.wait_for("the quit", |t| {
        t.contains("EXITED") || t.contains("Quit gchat?")
    })
    .await;
    if s.screen().contains("Quit gchat?") {
        s.send("w").await;
    }
    s.wait_for("gchat's exit, as the shell saw it", |t| {
        t.contains("EXITED 0")
    })
    .await;
    s.wait_exit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_z_without_a_shell_to_return_to_says_so_and_goes_on() {
    // gchat as the terminal's session leader (as with `exec gchat`, or `ssh -t host
    // gchat`): stopping would leave nobody to resume it.
    let mut s = Session::start().await;
    let before = s.raw_len();
    s.send("\x1a").await;
    s.wait_for("the reason", |t| t.contains("cannot suspend"))
        .await;
    assert!(s.raw_mode() && s.alternate(), "still in gchat's screen");
    assert!(!s.raw_since(before).contains("\x1b[?1049l"));
    s.send("?").await;
    s.wait_for("still answering", |t| t.contains("Show this help"))
        .await;
    s.quit().await;
}
