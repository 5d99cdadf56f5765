//! Sends carry typed names: a client id and a thread name are checked once, where the
//! send is built (or read back from the outbox), never when the request runs.

mod common;

use common::fixture::*;
use crossterm::event::KeyCode;
use gchat::api::model::Thread;
use gchat::app::outbox::Unsent;
use gchat::app::timeline::{Local, Row};
use gchat::app::{Effect, Focus, Outcome};

/// A reply to a message whose thread name from the server is not one (hostile or
/// broken) never becomes a request: it is refused with the reason on screen, and what
/// was typed stays in the box.
#[test]
fn a_reply_into_a_malformed_thread_is_refused_before_any_request() {
    let mut app = app();
    let bad_thread = "spaces/AAAATeamRst/threads/../../x";
    let mut m = msg(
        TEAM,
        "X1",
        "X1",
        bob(),
        now(),
        "a message from a broken server",
    );
    m.thread = Some(Thread {
        name: Some(bad_thread.into()),
        thread_key: None,
    });
    m.thread_reply = false;
    let name = m.name.clone().expect("a name");
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Polled {
            space: sn(TEAM),
            after: now(),
            result: Ok(vec![m].into_iter().map(Into::into).collect()),
        }),
    );
    app.views.get_mut(TEAM).expect("the view").selected = Some(Row::Msg {
        name: name.as_str().into(),
        reply: false,
    });
    ch(&mut app, 'r');
    assert_eq!(app.focus, Focus::Compose, "the reply box opens");
    typed(&mut app, "words worth keeping");
    let fx = key(&mut app, KeyCode::Enter);
    let sends: Vec<&Effect> = fx
        .iter()
        .filter(|e| {
            matches!(
                e,
                Effect::Messages(gchat::app::MessagesEffect::Send { .. })
                    | Effect::React(gchat::app::react::ReactEffect::SendQuoting { .. })
            )
        })
        .collect();
    assert!(
        sends.is_empty(),
        "no request for a malformed thread: {fx:?}"
    );
    assert_eq!(
        app.compose.text(),
        "words worth keeping",
        "the draft is kept"
    );
    assert!(app.unsent().is_empty(), "no local copy was made");
    let screen = render(&app, 120, 40);
    assert!(
        screen.contains("cannot be replied to"),
        "the reason is shown:\n{screen}"
    );
}

/// A reply kept by an earlier run whose thread name was damaged in the file comes back
/// (as a new message, saying so) rather than being dropped; a retry sends no thread.
#[test]
fn a_kept_reply_with_a_damaged_thread_is_restored_not_dropped() {
    let mut app = app();
    let id = "client-gchat-keptreply1";
    app.restore_unsent(vec![Unsent {
        space: sn(TEAM),
        client_id: id.into(),
        text: "kept reply".into(),
        thread: Some("spaces/AAAATeamRst/threads/a b".into()),
        created: now(),
        attachment: Vec::new(),
    }]);
    let local = format!("local/{id}");
    let item = app
        .store
        .timeline(TEAM)
        .expect("timeline")
        .get(&local)
        .cloned()
        .expect("restored");
    assert!(
        matches!(&item.local, Some(Local::Failed(why)) if why.contains("thread it replied in was damaged")),
        "{:?}",
        item.local
    );
    assert_eq!(item.text(), Some("kept reply"));
    app.views.get_mut(TEAM).expect("the view").selected = Some(Row::Msg {
        name: local.as_str().into(),
        reply: false,
    });
    app.focus = Focus::Messages;
    let fx = ch(&mut app, 'R');
    assert!(
        fx.iter().any(|e| matches!(e,
            Effect::Messages(gchat::app::MessagesEffect::Send { client_id, thread: None, text, .. })
                if *client_id == cid(id) && text == "kept reply")),
        "{fx:?}"
    );
}
