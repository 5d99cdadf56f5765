//! The `desktop` notification mode in the built `gchat`, in a pseudo-terminal, with a
//! session bus address that leads nowhere: the bell rings, the status bar says once why
//! desktop notifications are unavailable, and later notifications still ring the bell.
//! No D-Bus is needed (or used). Every wait is on a condition up to a generous deadline.
#![cfg(any(target_os = "linux", target_os = "freebsd"))]

mod common;

use common::pty::{config_dir, Session, Spawn};
use gchat::api::model::Message;
use gchat::api::CreateMessage;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notifier_that_cannot_be_reached_is_said_once_and_the_bell_rings_on() {
    let config = config_dir("background_poll_seconds = 5\nnotify = \"desktop\"\n");
    let emu = common::demo().await;
    let mut how = Session::alice(&emu.url()).config_from(config.path());
    let nowhere = config.path().join("no-bus-here");
    how.env.push((
        "DBUS_SESSION_BUS_ADDRESS".into(),
        format!("unix:path={}", nowhere.display()),
    ));
    let s = Session::spawn_with(emu, Spawn { ..how }).await;
    s.wait_for("the DM listed", |t| t.contains("@ Bob Li"))
        .await;

    let bob = common::user(&s.emu, common::BOB);
    let say = |text: &'static str| {
        let bob = &bob;
        async move {
            bob.create_message(
                &common::space(common::DM_BOB),
                &Message::text(text),
                &CreateMessage::default(),
            )
            .await
            .unwrap();
        }
    };
    let from = s.raw_len();
    say("first <b>ping</b>").await;
    s.wait_raw("the bell", from, |raw| raw.contains('\x07'))
        .await;
    s.wait_for("why desktop notifications are unavailable", |t| {
        t.contains("Desktop notifications unavailable")
    })
    .await;
    let raw = s.raw_since(from);
    assert!(
        !raw.contains("\x1b]9;") && !raw.contains("\x1b]777;"),
        "no terminal escape in desktop mode"
    );

    // Later notifications ring the bell, and the reason is not said again.
    s.wait_for("the note gone", |t| {
        !t.contains("Desktop notifications unavailable")
    })
    .await;
    let from = s.raw_len();
    say("second").await;
    s.wait_raw("the bell again", from, |raw| raw.contains('\x07'))
        .await;
    assert!(
        !s.raw_since(from)
            .contains("Desktop notifications unavailable"),
        "said once"
    );
    s.quit().await;
}
