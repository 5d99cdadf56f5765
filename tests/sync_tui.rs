//! Two people in one emulator: Alice runs the built `gchat` in a pseudo-terminal, Bob
//! (and Alice's "other client") act through the API. Read state moves between clients,
//! a mention rings Alice's bell with a notification escape, and reading in gchat moves
//! Alice's read state on the server. Every wait is on a condition up to a generous
//! deadline.

mod common;

use common::pty::{config_dir, Session, Spawn};
use gchat::api::model::Message;
use gchat::api::CreateMessage;
use gchat::emulator::sync::{read_key, read_time};

/// Alice's gchat with a quick background poll and OSC 777 notifications.
async fn start() -> (Session, tempfile::TempDir) {
    let config = config_dir("background_poll_seconds = 5\nnotify = \"osc777\"\n");
    let emu = common::demo().await;
    let how = Session::alice(&emu.url()).config_from(config.path());
    let s = Session::spawn_with(emu, Spawn { ..how }).await;
    (s, config)
}

/// The spaces pane's part of the screen row that shows `label`, trimmed.
fn space_row(screen: &str, label: &str) -> Option<String> {
    screen.lines().find_map(|l| {
        let pane = l.split('│').nth(1)?;
        pane.contains(label).then(|| pane.trim_end().to_string())
    })
}

fn badge_is(screen: &str, label: &str, n: &str) -> bool {
    space_row(screen, label).is_some_and(|r| r.ends_with(&format!(" {n}")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_clients_read_drops_the_count_and_a_mention_rings_with_the_senders_name() {
    let (s, _config) = start().await;
    // The demo's firehose has unread messages, by the server's read state, and is
    // muted: marked.
    s.wait_for("the firehose's count and mute mark", |t| {
        space_row(t, "CI Firehose").is_some_and(|r| {
            r.contains("~CI Firehose") && r.ends_with(|c: char| c.is_ascii_digit())
        })
    })
    .await;
    // Alice reads it in another client: the count here goes.
    let alice_elsewhere = common::user(&s.emu, common::ALICE);
    alice_elsewhere
        .update_space_read_state(&common::space(common::FIREHOSE), chrono::Utc::now())
        .await
        .unwrap();
    s.wait_for("the count gone", |t| {
        space_row(t, "CI Firehose").is_some_and(|r| r.ends_with("CI Firehose"))
    })
    .await;

    // Bob mentions Alice in their DM, which she is not looking at.
    s.wait_for("the DM counted", |t| badge_is(t, "@ Bob Li", "1"))
        .await;
    let from = s.raw_len();
    let bob = common::user(&s.emu, common::BOB);
    bob.create_message(
        &common::space(common::DM_BOB),
        &Message::text(format!(
            "<users/{}> deploy is green, ship it?",
            common::ALICE
        )),
        &CreateMessage::default(),
    )
    .await
    .unwrap();
    s.wait_raw("the bell and the notification", from, |raw| {
        raw.contains("\x07\x1b]777;notify;Bob Li;")
    })
    .await;
    let raw = s.raw_since(from);
    let at = raw.find("\x1b]777;notify;Bob Li;").unwrap_or(0);
    let note = &raw[at..];
    let end = note.find('\x07').unwrap_or(note.len());
    assert!(
        note[..end].contains("deploy is green"),
        "the start of the text: {:?}",
        &note[..end]
    );
    s.wait_for("the mention counted in the status bar", |t| {
        t.lines().last().is_some_and(|l| l.contains("@1"))
    })
    .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opening_a_space_moves_the_read_state_on_the_server() {
    let (mut s, _config) = start().await;
    let key = read_key(common::ALICE, common::GROUP_CHAT);
    let newest = s.emu.service().with_store(|st| {
        st.spaces[common::GROUP_CHAT]
            .messages
            .iter()
            .map(|m| m.create_time())
            .max()
    });
    let newest = newest.expect("the group chat has messages");
    let before = s.emu.service().with_store(|st| read_time(st, &key));
    assert!(before.is_some_and(|t| t < newest), "demo: one unread");
    s.open("Priya", "Bob Li, Priya").await;
    s.wait_state("Alice's read state at the newest message", |st| {
        read_time(st, &key).is_some_and(|t| t >= newest)
    })
    .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn m_unmutes_and_s_moves_a_space_on_the_server() {
    use gchat::emulator::sync::{is_muted, sections_key, SyncRec};
    let (mut s, _config) = start().await;
    s.wait_for("the sections", |t| t.contains("▾ Projects"))
        .await;
    s.open("CI", "#CI Firehose").await;
    // Back to the spaces pane, on CI Firehose.
    s.send("1").await;
    s.send("m").await;
    s.wait_state("CI Firehose unmuted", |st| {
        !is_muted(st, common::ALICE, common::FIREHOSE)
    })
    .await;
    s.wait_for("the mute mark gone", |t| {
        space_row(t, "CI Firehose").is_some_and(|r| !r.contains('~'))
    })
    .await;
    s.send("S").await;
    s.wait_for("the section picker", |t| t.contains("Move the space to:"))
        .await;
    // Projects is the first choice.
    s.enter().await;
    s.wait_state("CI Firehose in Projects", |st| {
        matches!(
            st.sync.get(&sections_key(common::ALICE)),
            Some(SyncRec::Sections(u)) if u.items.get(common::FIREHOSE).map(String::as_str) == Some("projects")
        )
    })
    .await;
    s.quit().await;
}
