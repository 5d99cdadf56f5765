//! The outbox and quitting, without a terminal: messages on their way or failed are what
//! the saver keeps; they come back as failed, are checked with the server by their
//! client id, and quitting while some are on their way asks first.

mod common;

use common::fixture::*;
use crossterm::event::KeyCode;
use gchat::api::error::ServerError;
use gchat::api::model::Message;
use gchat::api::ApiError;
use gchat::app::dialog::Kind;
use gchat::app::outbox::Unsent;
use gchat::app::timeline::Local;
use gchat::app::{App, Effect, Outcome};

/// A definite refusal: the message was not stored (a 503 or a lost answer is retried
/// with the same client id instead, so it never counts as failed).
fn refused() -> ApiError {
    ApiError::Server(ServerError {
        code: 400,
        status: "INVALID_ARGUMENT".into(),
        message: "Message text is too long".into(),
        field_violations: Vec::new(),
        reason: None,
        retry_after: None,
    })
}

/// Types `text` in the box and sends it: answers the local name and client id.
fn post(app: &mut App, text: &str) -> (String, gchat::api::ClientMessageId) {
    ch(app, 'i');
    typed(app, text);
    let fx = key(app, KeyCode::Enter);
    key(app, KeyCode::Esc);
    expect_effect!(fx, Effect::Messages(gchat::app::MessagesEffect::Send { local, client_id, .. }) => (local.clone(), client_id.clone()))
}

fn answer(
    app: &mut App,
    local: &str,
    cid: &gchat::api::ClientMessageId,
    result: Result<Message, ApiError>,
) {
    done(
        app,
        Outcome::Messages(gchat::app::MessagesOutcome::Sent {
            text: String::new(),
            thread: None,
            attachment: Vec::new(),
            space: sn(TEAM),
            local: local.into(),
            client_id: cid.clone(),
            result: result.map(|mut m| {
                m.client_assigned_message_id = Some(cid.to_string());
                m
            }),
        }),
    );
}

fn quit_dialog(app: &App) -> Option<bool> {
    match app.dialog.as_ref().map(|d| &d.kind) {
        Some(Kind::Quit { waiting, .. }) => Some(*waiting),
        _ => None,
    }
}

#[test]
fn sends_on_their_way_and_failed_are_the_outbox() {
    let mut app = app();
    assert!(app.unsent().is_empty());
    let (local, cid) = post(&mut app, "on its way");
    let out = app.unsent();
    assert_eq!(out.len(), 1);
    assert_eq!(
        (out[0].text.as_str(), out[0].client_id.as_str()),
        ("on its way", cid.as_str())
    );
    assert_eq!(out[0].space, TEAM);
    answer(&mut app, &local, &cid, Err(refused()));
    assert_eq!(app.unsent().len(), 1, "a failed one stays");
    ch(&mut app, 'R');
    answer(
        &mut app,
        &local,
        &cid,
        Ok(msg(TEAM, "S1", "S1", alice(), now(), "on its way")),
    );
    assert!(app.unsent().is_empty(), "sent: gone from the outbox");
}

#[test]
fn quitting_with_a_send_on_its_way_asks_and_can_wait() {
    let mut app = app();
    let (local, cid) = post(&mut app, "hello");
    ch(&mut app, 'q');
    assert!(!app.quit);
    assert_eq!(quit_dialog(&app), Some(false));
    assert_eq!(app.in_flight(), 1);
    ch(&mut app, 'w');
    assert!(!app.quit);
    assert_eq!(quit_dialog(&app), Some(true), "waiting");
    answer(
        &mut app,
        &local,
        &cid,
        Ok(msg(TEAM, "S1", "S1", alice(), now(), "hello")),
    );
    assert!(app.quit, "quits once it is sent");
}

#[test]
fn waiting_to_quit_stops_when_a_send_fails() {
    let mut app = app();
    let (local, cid) = post(&mut app, "doomed");
    ch(&mut app, 'q');
    ch(&mut app, 'w');
    answer(&mut app, &local, &cid, Err(refused()));
    assert!(!app.quit, "the person waited for it to be sent; it was not");
    assert_eq!(quit_dialog(&app), None);
    assert!(app.status.note.as_ref().is_some_and(|n| n.error));
    // Nothing on its way any more: q quits at once (the failed one is kept on disk).
    ch(&mut app, 'q');
    assert!(app.quit);
}

#[test]
fn keeping_them_quits_at_once_and_cancel_stays() {
    let mut app = app();
    post(&mut app, "later");
    ch(&mut app, 'q');
    key(&mut app, KeyCode::Esc);
    assert_eq!(quit_dialog(&app), None);
    assert!(!app.quit);
    ch(&mut app, 'q');
    ctrl(&mut app, 'c');
    assert_eq!(quit_dialog(&app), None, "Ctrl-c in a dialog cancels it");
    assert!(!app.quit);
    ch(&mut app, 'q');
    ch(&mut app, 'k');
    assert!(app.quit);
    assert_eq!(app.unsent().len(), 1, "kept for the next start");
}

#[test]
fn restored_messages_are_failed_checked_and_retried_with_their_id() {
    let mut app = app();
    let cid = "client-gchat-restored1".to_string();
    app.restore_unsent(vec![
        Unsent {
            space: sn(TEAM),
            client_id: cid.clone(),
            text: "from last time".into(),
            thread: None,
            created: now(),
            attachment: Vec::new(),
        },
        // A damaged entry keeps its words: a new id (the server refuses malformed ids,
        // so it never stored it under the old one), said under the message.
        Unsent {
            space: sn(TEAM),
            client_id: "not a client id".into(),
            text: "bad id".into(),
            thread: None,
            created: now() - chrono::TimeDelta::minutes(1),
            attachment: Vec::new(),
        },
    ]);
    let out = app.unsent();
    assert_eq!(out.len(), 2, "nothing typed is dropped: {out:?}");
    assert_eq!(out[0].text, "bad id");
    assert!(
        gchat::api::ClientMessageId::parse(&out[0].client_id).is_ok(),
        "{:?}",
        out[0].client_id
    );
    let bad = app
        .store
        .timeline(TEAM)
        .expect("timeline")
        .get(&format!("local/{}", out[0].client_id))
        .cloned()
        .expect("restored under its new id");
    assert!(
        matches!(&bad.local, Some(Local::Failed(why)) if why.contains("given a new one")),
        "{:?}",
        bad.local
    );
    // Only the well-formed one is looked at below.
    app.store
        .timeline_mut(TEAM)
        .expect("timeline")
        .remove(&format!("local/{}", out[0].client_id));
    let local = format!("local/{cid}");
    let cid = gchat::api::ClientMessageId::parse(&cid).expect("a valid client id");
    let item = app
        .store
        .timeline(TEAM)
        .expect("timeline")
        .get(&local)
        .cloned()
        .expect("restored");
    assert!(matches!(item.local, Some(Local::Failed(_))));
    assert_eq!(app.unsent().len(), 1);
    assert!(app
        .status
        .note
        .as_ref()
        .is_some_and(|n| n.error && n.text.contains("press R")));
    // On start, gchat asks the server whether it arrived after all.
    let fx = app.start();
    assert!(
        fx.contains(&Effect::Messages(gchat::app::MessagesEffect::CheckSent {
            space: sn(TEAM),
            local: local.clone(),
            client_id: cid.clone()
        }))
    );
    // Not there: it stays, ready to retry with the same id.
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Checked {
            space: sn(TEAM),
            local: local.clone(),
            client_id: cid.clone(),
            result: Ok(None),
        }),
    );
    assert!(app
        .store
        .timeline(TEAM)
        .expect("timeline")
        .get(&local)
        .is_some());
    ch(&mut app, 'G');
    let fx = ch(&mut app, 'R');
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Messages(gchat::app::MessagesEffect::Send { client_id, text, .. }) if *client_id == cid && text == "from last time")),
        "{fx:?}"
    );
}

#[test]
fn a_restored_message_the_server_has_is_shown_as_sent() {
    let mut app = app();
    let cid = "client-gchat-arrived1".to_string();
    app.restore_unsent(vec![Unsent {
        space: sn(TEAM),
        client_id: cid.clone(),
        text: "it did arrive".into(),
        thread: None,
        created: now(),
        attachment: Vec::new(),
    }]);
    let local = format!("local/{cid}");
    let mut m = msg(TEAM, "S9", "S9", alice(), now(), "it did arrive");
    m.client_assigned_message_id = Some(cid.clone());
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Checked {
            space: sn(TEAM),
            local: local.clone(),
            client_id: gchat::api::ClientMessageId::parse(&cid).expect("a valid client id"),
            result: Ok(Some(m)),
        }),
    );
    assert!(app
        .store
        .timeline(TEAM)
        .expect("timeline")
        .get(&local)
        .is_none());
    assert!(app.unsent().is_empty(), "nothing left to send");
}

#[test]
fn an_edit_on_its_way_is_kept_as_a_draft() {
    let mut app = app();
    let (local, cid) = post(&mut app, "first take");
    answer(
        &mut app,
        &local,
        &cid,
        Ok(msg(TEAM, "S2", "S2", alice(), now(), "first take")),
    );
    assert!(app.edits_in_flight().is_empty());
    ch(&mut app, 'G');
    ch(&mut app, 'e');
    typed(&mut app, ", second take");
    key(&mut app, KeyCode::Enter);
    let edits = app.edits_in_flight();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0].text, "first take, second take");
    assert_eq!(app.in_flight(), 1);
}

/// The quit question was asked only because a send was on its way: once it arrives,
/// gchat quits, whether or not the person had answered yet (it used to sit on "Every
/// message has been sent." until a key was pressed).
#[test]
fn the_quit_question_answers_itself_once_the_send_arrives() {
    let mut app = app();
    let (local, cid) = post(&mut app, "almost there");
    ch(&mut app, 'q');
    assert_eq!(quit_dialog(&app), Some(false));
    answer(
        &mut app,
        &local,
        &cid,
        Ok(msg(TEAM, "S1", "S1", alice(), now(), "almost there")),
    );
    assert!(app.quit, "nothing stands in the way any more");
}

/// A message that had already failed before `q` does not stop gchat quitting once the
/// one on its way arrives (only a failure while the question is open does).
#[test]
fn an_older_failure_does_not_hold_the_quit_question_open() {
    let mut app = app();
    let (old_local, old_cid) = post(&mut app, "refused earlier");
    answer(&mut app, &old_local, &old_cid, Err(refused()));
    let (local, cid) = post(&mut app, "on its way");
    ch(&mut app, 'q');
    assert_eq!(quit_dialog(&app), Some(false));
    answer(
        &mut app,
        &local,
        &cid,
        Ok(msg(TEAM, "S2", "S2", alice(), now(), "on its way")),
    );
    assert!(app.quit);
}

/// A server asking to wait a day is not obeyed to the letter: the message is tried again
/// within minutes, and the screen says when.
#[test]
fn a_huge_retry_after_shows_the_next_try_within_minutes() {
    let mut app = app();
    let (local, cid) = post(&mut app, "patience");
    let busy = ApiError::Server(ServerError {
        code: 503,
        status: "UNAVAILABLE".into(),
        message: "come back tomorrow".into(),
        field_violations: Vec::new(),
        reason: None,
        retry_after: Some(std::time::Duration::from_secs(100_000)),
    });
    answer(&mut app, &local, &cid, Err(busy));
    let screen = render(&app, 100, 30);
    let line = screen
        .lines()
        .find(|l| l.contains("sending…"))
        .unwrap_or_else(|| panic!("the message is still sending:\n{screen}"));
    let secs: u64 = line
        .split("next try in ")
        .nth(1)
        .and_then(|r| r.split(" s").next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("when it is tried again is shown: {line}"));
    assert!((1..=300).contains(&secs), "{line}");
}

#[test]
fn waiting_to_quit_for_one_message_says_it_in_the_singular() {
    let mut app = app();
    post(&mut app, "hello");
    ch(&mut app, 'q');
    ch(&mut app, 'w');
    assert_eq!(quit_dialog(&app), Some(true), "waiting");
    let screen = render(&app, 120, 30)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        screen.contains("Waiting for 1 message to be sent; gchat quits when it is."),
        "{screen}"
    );
}

/// A kept message whose space name is not one is refused when read back (the session
/// file's reader then skips that entry alone and keeps a copy of the file aside), so no
/// request is ever made of it.
#[test]
fn a_kept_message_with_a_bad_space_name_is_not_read_back() {
    let entry = |space: &str| {
        serde_json::json!({
            "space": space,
            "client_id": "client-x",
            "text": "words",
            "created": "2026-01-01T00:00:00Z",
        })
    };
    for bad in ["spaces/../../evil", "spaces/a b", "", "spaces/A/messages/B"] {
        assert!(
            serde_json::from_value::<Unsent>(entry(bad)).is_err(),
            "{bad:?} read back"
        );
    }
    let ok: Unsent = serde_json::from_value(entry(TEAM)).expect("a good entry reads");
    assert_eq!(ok.space.as_str(), TEAM);
    assert_eq!(serde_json::to_value(&ok).expect("writes")["space"], TEAM);
}
