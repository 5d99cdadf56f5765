//! Notes tied to a state end with it: "a message was not sent before gchat closed" once
//! the server turns out to have it, "Quoting the message" once the quote is sent or
//! removed, "… is attached" once the file went with a message or was taken off.

mod common;

use common::fixture::*;
use common::steps::*;
use crossterm::event::KeyCode;
use gchat::app::outbox::Unsent;
use gchat::app::{App, Effect, Focus, Outcome};

fn kept(cid: &str, text: &str) -> Unsent {
    Unsent {
        space: sn(TEAM),
        client_id: cid.into(),
        text: text.into(),
        thread: None,
        created: now(),
        attachment: Vec::new(),
    }
}

fn arrived(app: &mut App, cid: &str, id: &str, text: &str) {
    let mut m = msg(TEAM, id, id, alice(), now(), text);
    m.client_assigned_message_id = Some(cid.into());
    done(
        app,
        Outcome::Messages(gchat::app::MessagesOutcome::Checked {
            space: sn(TEAM),
            local: format!("local/{cid}"),
            client_id: gchat::api::ClientMessageId::parse(cid).expect("a valid client id"),
            result: Ok(Some(m)),
        }),
    );
}

#[test]
fn a_kept_message_the_server_had_is_not_called_unsent() {
    let mut app = app();
    app.restore_unsent(vec![kept("client-gchat-kept1", "it did arrive")]);
    assert!(status_line(&app).contains("not sent before gchat closed"));
    arrived(&mut app, "client-gchat-kept1", "S9", "it did arrive");
    let line = status_line(&app);
    assert!(!line.contains("not sent before"), "{line}");
    assert!(line.contains("had been sent after all"), "{line}");
}

#[test]
fn the_note_counts_only_kept_messages_still_unsent() {
    let mut app = app();
    app.restore_unsent(vec![
        kept("client-gchat-kept1", "first"),
        kept("client-gchat-kept2", "second"),
    ]);
    assert!(status_line(&app).contains("2 messages were not sent"));
    arrived(&mut app, "client-gchat-kept1", "S9", "first");
    let line = status_line(&app);
    assert!(
        line.contains("A message was not sent before gchat closed"),
        "{line}"
    );
    assert_eq!(app.unsent().len(), 1);
}

#[test]
fn the_quote_note_goes_when_the_quote_is_sent() {
    let mut app = app();
    ch(&mut app, '>');
    assert!(status_line(&app).contains("Quoting the message"));
    typed(&mut app, "agreed");
    key(&mut app, KeyCode::Enter);
    assert!(app.quote_shown().is_none());
    let line = status_line(&app);
    assert!(!line.contains("Quoting the message"), "{line}");
}

#[test]
fn the_quote_note_goes_when_the_quote_is_removed() {
    let mut app = app();
    ch(&mut app, '>');
    assert!(status_line(&app).contains("Quoting the message"));
    ctrl(&mut app, 'x');
    assert!(app.quote_shown().is_none());
    let line = status_line(&app);
    assert!(!line.contains("Quoting the message"), "{line}");
}

#[test]
fn the_attached_note_goes_when_the_file_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("u-attach.txt");
    std::fs::write(&f, b"the plan").unwrap();
    let mut a = app();
    a.focus = Focus::Messages;
    ch(&mut a, 'i');
    typed(&mut a, "see attached");
    let id = attach(&mut a, &f);
    upload_done(&mut a, id, 8);
    assert!(status_line(&a).contains("u-attach.txt is attached"));
    let fx = key(&mut a, KeyCode::Enter);
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Messages(gchat::app::MessagesEffect::Send { .. }))),
        "{fx:?}"
    );
    let line = status_line(&a);
    assert!(!line.contains("is attached"), "{line}");
}
