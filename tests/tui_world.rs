//! The built binary in a pseudo-terminal while other people act through the API: the
//! open space deleted by its other manager, the user removed from another. The screen
//! says so plainly and leaves the space; it never shows a raw id or "offline".

mod common;

use common::pty::Session;
use gchat::api::{MembershipName, UserRef};

fn left_plainly(t: &str, label: &str) -> bool {
    t.contains(&format!("{label} is no longer yours"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_open_space_deleted_or_the_user_removed_is_said_and_left() {
    let mut s = Session::start().await;
    s.wait_for("Team Rust open", |t| {
        t.lines().next().is_some_and(|l| l.contains("Team Rust"))
    })
    .await;

    // Bob, Team Rust's other manager, deletes it while Alice reads it.
    let bob = common::user(&s.emu, common::BOB);
    bob.delete_space(&common::space(common::TEAM_RUST))
        .await
        .expect("Bob deletes Team Rust");
    s.wait_for("the deletion said", |t| left_plainly(t, "Team Rust"))
        .await;
    let t = s.screen();
    assert!(!t.contains("offline"), "{t}");
    assert!(!t.contains("spaces/"), "{t}");
    assert!(!t.contains("New message in  "), "{t}");
    // Out of the list: only the note and the empty message pane name it.
    assert!(t.contains("no longer a member of Team Rust"), "{t}");
    assert_eq!(t.matches("Team Rust").count(), 2, "{t}");

    // Dmitri removes Alice from Announcements while it is open.
    s.open("Announ", "Announcements").await;
    let dmitri = common::user(&s.emu, common::DMITRI);
    let alice_there = MembershipName::new(
        &common::space(common::ANNOUNCEMENTS),
        UserRef::parse_loose("users/1001").expect("a user"),
    );
    dmitri
        .delete_member(&alice_there)
        .await
        .expect("Dmitri removes Alice");
    s.wait_for("the removal said", |t| left_plainly(t, "Announcements"))
        .await;
    let t = s.screen();
    assert!(!t.contains("offline"), "{t}");
    assert!(!t.contains("spaces/"), "{t}");
    assert!(t.contains("no longer a member of Announcements"), "{t}");
    assert_eq!(t.matches("Announcements").count(), 2, "{t}");
    s.quit().await;
}
