//! An edit whose answer was lost: the server may have saved it. gchat does not say "not
//! saved" on a guess; it fetches the message and goes by what the server holds.

mod common;

use common::fixture::*;
use common::steps::*;
use gchat::api::ApiError;
use gchat::app::timeline::Local;
use gchat::app::{Effect, Outcome};

const T2: &str = "spaces/AAAATeamRst/messages/T1.T2";
const OLD: &str = "Yes, builds fine here.";
const NEW: &str = "Yes, builds fine here. Really.";

/// Alice edits her reply T2; the answer is lost. Answers the effects of the lost answer.
fn edit_lost(app: &mut gchat::app::App) -> Vec<Effect> {
    edit_reply_t2(app);
    done(
        app,
        Outcome::Messages(gchat::app::MessagesOutcome::Edited {
            space: sn(TEAM),
            message: mn(T2),
            text: NEW.into(),
            previous: OLD.into(),
            result: Err(ApiError::Transport("connection reset".into())),
        }),
    )
}

fn shown(app: &gchat::app::App) -> (String, Option<Local>) {
    let it = app.current_timeline().unwrap().get(T2).unwrap();
    (it.text().unwrap_or_default().to_string(), it.local.clone())
}

fn server_has(text: &str) -> Outcome {
    let mut m = msg(TEAM, "T2", "T1", alice(), at(21, 10, 5), text);
    m.name = Some(T2.into());
    Outcome::Messages(gchat::app::MessagesOutcome::Message {
        space: sn(TEAM),
        message: mn(T2),
        result: Ok(m),
    })
}

#[test]
fn a_lost_edit_answer_is_checked_and_saved_when_the_server_has_it() {
    let mut app = app();
    let fx = edit_lost(&mut app);
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Messages(gchat::app::MessagesEffect::LoadMessage { message, .. }) if message.to_string() == T2)),
        "the message is fetched: {fx:?}"
    );
    let screen = render(&app, 120, 40);
    assert!(!screen.contains("not saved"), "{screen}");
    assert_eq!(shown(&app), (NEW.to_string(), Some(Local::Saving)));
    done(&mut app, server_has(NEW));
    assert_eq!(shown(&app), (NEW.to_string(), None));
    let screen = render(&app, 120, 40);
    assert!(!screen.contains("not saved"), "{screen}");
    assert!(app.compose.error.is_none());
}

#[test]
fn a_lost_edit_answer_the_server_did_not_keep_reopens_the_box() {
    let mut app = app();
    edit_lost(&mut app);
    done(&mut app, server_has(OLD));
    assert_eq!(shown(&app), (OLD.to_string(), None));
    assert_eq!(app.compose.text(), NEW, "the edit is kept in the box");
    assert!(app.compose.error.is_some());
    assert!(render(&app, 120, 40).contains("not saved"));
}
