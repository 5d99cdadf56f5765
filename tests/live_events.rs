//! Two people in one emulator, each with their own client: Bob (through the API) edits,
//! deletes and changes the members of the space Alice has open in gchat, and her screen
//! follows without Ctrl-r.

mod common;

use common::pty::{config_dir, Session, Spawn};
use gchat::api::model::Message;
use gchat::api::{Client, CreateMessage, UserRef};

/// gchat as Alice, polling every second (so the test does not wait on the default).
async fn alice() -> (Session, tempfile::TempDir) {
    let emu = common::demo().await;
    let config = config_dir("poll_seconds = 1\n");
    let how: Spawn = Session::alice(&emu.url()).config_from(config.path());
    (Session::spawn_with(emu, how).await, config)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bobs_edit_and_delete_appear_on_alices_screen_without_a_reload() {
    let (s, _config) = alice().await;
    let team = common::space(common::TEAM_RUST);
    let bob = common::user(&s.emu, common::BOB);
    let posted = bob
        .create_message(
            &team,
            &Message::text("live-check first words"),
            &CreateMessage::default(),
        )
        .await
        .unwrap();
    s.wait_for("Bob's message", |t| t.contains("live-check first words"))
        .await;
    let name = common::msg_name(&posted);
    bob.patch_message(
        &name,
        &Message::text("live-check second words"),
        "text",
        false,
    )
    .await
    .unwrap();
    s.wait_for("Bob's edit", |t| {
        t.contains("live-check second words") && !t.contains("live-check first words")
    })
    .await;
    bob.delete_message(&name, false).await.unwrap();
    s.wait_for("Bob's deletion", |t| !t.contains("live-check"))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_member_sidebar_follows_joins_and_leaves() {
    let (mut s, _config) = alice().await;
    // Bob's new space, with Alice in it; she opens it.
    let bob = common::user(&s.emu, common::BOB);
    let space = common::new_space(&bob, "livemembers").await;
    let add = |id: &str| Client::membership_for(&UserRef::parse(&format!("users/{id}")).unwrap());
    bob.create_member(&space, &add(common::ALICE))
        .await
        .unwrap();
    s.send("\x12").await; // Ctrl-r: the spaces list again
    s.wait_for("the new space listed", |t| t.contains("livemembers"))
        .await;
    s.open("livemembers", "livemembers").await;
    // The space's own member list, loaded (Bob's name alone is also on the spaces
    // pane, as his DM): before it is, a join could race the list being asked for.
    s.wait_for("Bob in the sidebar", |t| {
        t.contains("Members (2") && t.contains("★ Bob Li")
    })
    .await;
    assert!(!s.screen().contains("Dmitri Volkov"));
    // Dmitri joins (Bob adds him), then leaves.
    let m = bob
        .create_member(&space, &add(common::DMITRI))
        .await
        .unwrap();
    s.wait_for("Dmitri in the sidebar", |t| t.contains("Dmitri Volkov"))
        .await;
    let name = gchat::api::MembershipName::parse(m.name.as_deref().unwrap()).unwrap();
    common::user(&s.emu, common::DMITRI)
        .delete_member(&name)
        .await
        .unwrap();
    s.wait_for("Dmitri gone from the sidebar", |t| {
        !t.contains("Dmitri Volkov")
    })
    .await;
}
