//! The built `gchat` binary in small pseudo-terminals: 80x23 (an 80x24 terminal under
//! tmux's status line) is a full screen that works, and a terminal resized to 40x15
//! shows one pane at a time. Waits poll for a condition up to a generous deadline.

mod common;

use common::pty::{Session, Spawn};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eighty_by_twenty_three_works_and_narrower_shows_one_pane() {
    let emu = common::demo().await;
    let url = emu.url();
    let how = Spawn {
        size: Some((23, 80)),
        ..Session::alice(&url)
    };
    // (Waits for the demo's first screen: Team Rust loaded.)
    let mut t = Session::spawn_with(emu, how).await;
    let s = t.screen();
    assert!(!s.contains("too small"), "{s}");
    // Who, and which server.
    let address = url.trim_start_matches("http://").trim_end_matches('/');
    t.wait_for("the status bar names Alice and the server", |s| {
        s.lines()
            .last()
            .is_some_and(|l| l.contains("Alice Chen") && l.contains(address))
    })
    .await;

    // A message sent at 80x23 reaches the server.
    t.send("i").await;
    t.send("sent from a small terminal").await;
    t.send("\r").await;
    t.wait_state("the message sent from 80x23", |st| {
        st.spaces[common::TEAM_RUST]
            .messages
            .iter()
            .any(|m| m.msg.text.as_deref() == Some("sent from a small terminal"))
    })
    .await;
    t.esc().await;

    // Narrower: one pane, and Tab shows the next.
    t.resize(15, 40);
    t.wait_for("one pane with the key to switch", |s| {
        s.contains("Tab next pane") && !s.contains(" Spaces ")
    })
    .await;
    t.send("\t").await;
    t.wait_for("the members pane on its own", |s| {
        s.lines().next().is_some_and(|l| l.contains("invited"))
            && s.contains("Alice Chen")
            && !s.contains("午饭")
    })
    .await;
    // Tiny: the notice, with advice that works here.
    t.resize(6, 20);
    t.wait_for("the notice", |s| s.contains("bigger")).await;
    t.quit().await;
}
