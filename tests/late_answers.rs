//! Answers that come after the world moved on: a send whose answer was lost and whose
//! message someone then deleted, an edit of a message deleted meanwhile, and answers for
//! a space that is no longer known (left or deleted before the answer came).

mod common;

use common::fixture::*;
use common::steps::*;
use crossterm::event::KeyCode;
use gchat::api::error::ServerError;
use gchat::api::ApiError;
use gchat::app::compose::Target;
use gchat::app::outbox::Unsent;
use gchat::app::timeline::Local;
use gchat::app::{App, Effect, MessagesEffect, MessagesOutcome, Outcome};

fn server_error(code: u16, status: &str) -> ApiError {
    ApiError::Server(ServerError {
        code,
        status: status.into(),
        message: "from the server".into(),
        field_violations: Vec::new(),
        reason: None,
        retry_after: None,
    })
}

/// The (local name, client id) of each send among `fx`.
fn sends(fx: &[Effect]) -> Vec<(String, String)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Messages(MessagesEffect::Send {
                local, client_id, ..
            }) => Some((local.clone(), client_id.as_str().to_string())),
            _ => None,
        })
        .collect()
}

fn sent(
    app: &mut App,
    local: &str,
    cid: &str,
    result: Result<gchat::api::model::Message, ApiError>,
) -> Vec<Effect> {
    done(
        app,
        Outcome::Messages(MessagesOutcome::Sent {
            text: String::new(),
            thread: None,
            attachment: Vec::new(),
            space: sn(TEAM),
            local: local.into(),
            client_id: gchat::api::ClientMessageId::parse(cid).expect("a client id"),
            result,
        }),
    )
}

fn fetched(
    app: &mut App,
    local: &str,
    cid: &str,
    result: Result<gchat::api::model::Message, ApiError>,
) -> Vec<Effect> {
    done(
        app,
        Outcome::Messages(MessagesOutcome::Fetched {
            space: sn(TEAM),
            local: local.into(),
            client_id: gchat::api::ClientMessageId::parse(cid).expect("a client id"),
            result,
        }),
    )
}

fn fetches(fx: &[Effect]) -> bool {
    fx.iter()
        .any(|e| matches!(e, Effect::Messages(MessagesEffect::FetchSent { .. })))
}

/// 409 says the server has it; the fetch then finds it gone: someone deleted it.
fn sent_then_deleted(app: &mut App, local: &str, cid: &str) {
    let fx = sent(app, local, cid, Err(server_error(409, "ALREADY_EXISTS")));
    assert!(fetches(&fx), "{fx:?}");
    let fx = fetched(app, local, cid, Err(server_error(404, "NOT_FOUND")));
    assert!(sends(&fx).is_empty(), "{fx:?}");
    assert!(
        app.current_timeline().unwrap().get(local).is_none(),
        "the local copy goes"
    );
    assert!(app.unsent().is_empty(), "nothing is left to retry");
    let line = status_line(app);
    assert!(line.contains("was sent, then deleted"), "{line}");
    assert!(!line.contains("Not sent"), "{line}");
    let screen = render(app, 120, 40);
    assert!(!screen.contains("Not sent"), "{screen}");
    // R finds nothing to send again.
    let fx = ch(app, 'R');
    assert!(sends(&fx).is_empty(), "{fx:?}");
}

#[test]
fn a_send_answered_409_then_found_deleted_is_not_called_unsent() {
    let mut app = app();
    ch(&mut app, 'i');
    typed(&mut app, "short-lived words");
    let (local, cid) = sends(&key(&mut app, KeyCode::Enter))[0].clone();
    key(&mut app, KeyCode::Esc);
    sent_then_deleted(&mut app, &local, &cid);
}

#[test]
fn a_check_that_finds_nothing_after_a_refusal_still_says_not_sent() {
    // The other meaning of a 404 on the fetch: an unsure attempt, then a refusal, and
    // the check finds the message never arrived. That stays ready to retry.
    let mut app = app();
    ch(&mut app, 'i');
    typed(&mut app, "maybe posted");
    let (local, cid) = sends(&key(&mut app, KeyCode::Enter))[0].clone();
    key(&mut app, KeyCode::Esc);
    sent(
        &mut app,
        &local,
        &cid,
        Err(ApiError::Transport("reset".into())),
    );
    let again = app.update(gchat::app::Action::Tick(
        std::time::Instant::now() + std::time::Duration::from_secs(3600),
    ));
    assert_eq!(sends(&again).len(), 1, "{again:?}");
    let fx = sent(
        &mut app,
        &local,
        &cid,
        Err(server_error(403, "PERMISSION_DENIED")),
    );
    assert!(fetches(&fx), "{fx:?}");
    fetched(&mut app, &local, &cid, Err(server_error(404, "NOT_FOUND")));
    let it = app.current_timeline().unwrap().get(&local).unwrap();
    assert!(matches!(it.local, Some(Local::Failed(_))), "{:?}", it.local);
    assert!(status_line(&app).contains("Not sent"));
}

#[test]
fn a_kept_message_sent_then_deleted_is_dropped_on_retry() {
    let mut app = app();
    let cid = "client-gchat-kept9";
    let local = format!("local/{cid}");
    app.restore_unsent(vec![Unsent {
        space: sn(TEAM),
        client_id: cid.into(),
        text: "from last time".into(),
        thread: None,
        created: now(),
        attachment: Vec::new(),
    }]);
    // The check at start: not there (the get by client id is 404, so it says none).
    done(
        &mut app,
        Outcome::Messages(MessagesOutcome::Checked {
            space: sn(TEAM),
            local: local.clone(),
            client_id: gchat::api::ClientMessageId::parse(cid).expect("a client id"),
            result: Ok(None),
        }),
    );
    assert_eq!(app.unsent().len(), 1);
    app.views.get_mut(TEAM).unwrap().selected = Some(gchat::app::timeline::Row::Msg {
        name: local.as_str().into(),
        reply: false,
    });
    app.focus = gchat::app::Focus::Messages;
    assert_eq!(sends(&ch(&mut app, 'R')).len(), 1);
    sent_then_deleted(&mut app, &local, cid);
}

const T2: &str = "spaces/AAAATeamRst/messages/T1.T2";
const OLD: &str = "Yes, builds fine here.";
const NEW: &str = "Yes, builds fine here. Really.";

fn edit(app: &mut App) {
    edit_reply_t2(app);
}

fn edited(app: &mut App, result: Result<gchat::api::model::Message, ApiError>) -> Vec<Effect> {
    done(
        app,
        Outcome::Messages(MessagesOutcome::Edited {
            space: sn(TEAM),
            message: mn(T2),
            text: NEW.into(),
            previous: OLD.into(),
            result,
        }),
    )
}

fn edit_of_deleted_message_checks(app: &mut App) {
    assert!(
        app.current_timeline().unwrap().get(T2).is_none(),
        "the deleted message leaves the timeline"
    );
    assert!(
        !matches!(app.compose.target, Target::Edit { .. }),
        "not editing a message that is gone"
    );
    let line = status_line(app);
    assert!(line.contains("deleted meanwhile"), "{line}");
    assert!(line.contains("not saved"), "{line}");
    // The words are kept, as a new message's draft in that space.
    let draft = app
        .compose
        .draft(TEAM, &Target::New)
        .map(|l| l.join("\n"))
        .unwrap_or_default();
    assert!(draft.contains(NEW), "{draft:?}");
    let screen = render(app, 120, 40);
    assert!(screen.contains("kept as a new draft"), "{screen}");
    // The old text shows only as part of the kept words, never as the message.
    assert!(
        screen.lines().all(|l| !l.contains(OLD) || l.contains(NEW)),
        "{screen}"
    );
}

#[test]
fn an_edit_of_a_message_deleted_meanwhile_keeps_the_words_as_a_draft() {
    let mut app = app();
    edit(&mut app);
    edited(&mut app, Err(server_error(404, "NOT_FOUND")));
    edit_of_deleted_message_checks(&mut app);
}

#[test]
fn a_deleted_edit_target_keeps_what_was_being_typed() {
    let mut app = app();
    edit(&mut app);
    // Meanwhile a new message is being written in the same space.
    app.focus = gchat::app::Focus::Messages;
    ch(&mut app, 'i');
    typed(&mut app, "half a thought");
    edited(&mut app, Err(server_error(404, "NOT_FOUND")));
    edit_of_deleted_message_checks(&mut app);
    let draft = app.compose.draft(TEAM, &Target::New).unwrap().join("\n");
    assert!(draft.contains("half a thought"), "{draft:?}");
}

#[test]
fn an_unsure_edit_whose_check_finds_the_message_deleted_keeps_the_words() {
    let mut app = app();
    edit(&mut app);
    edited(
        &mut app,
        Err(ApiError::Transport("connection reset".into())),
    );
    done(
        &mut app,
        Outcome::Messages(MessagesOutcome::Message {
            space: sn(TEAM),
            message: mn(T2),
            result: Err(server_error(404, "NOT_FOUND")),
        }),
    );
    edit_of_deleted_message_checks(&mut app);
}
