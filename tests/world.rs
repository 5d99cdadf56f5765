//! Spaces that go away under the user, what the user may do before they try, names
//! rather than ids, and adding people by name: the app's logic and what it draws.

mod common;

use std::time::Instant;

use common::fixture::*;
use crossterm::event::KeyCode;
use gchat::api::error::ServerError;
use gchat::api::ApiError;
use gchat::app::compose::Target;
use gchat::app::{Action, Effect, Focus, LoadKind, Outcome};

fn not_found(space: &str) -> ApiError {
    ApiError::Server(ServerError {
        code: 404,
        status: "NOT_FOUND".into(),
        message: format!("Space {space} not found, or the caller is not a member of it."),
        field_violations: Vec::new(),
        reason: None,
        retry_after: None,
    })
}

#[test]
fn open_space_gone_on_a_poll_is_said_plainly_and_left() {
    let mut app = app();
    // Something typed there, and a message that did not go.
    ch(&mut app, 'i');
    typed(&mut app, "half a thought");
    key(&mut app, KeyCode::Esc);
    ch(&mut app, 'i');
    typed(&mut app, "posted just before");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.unsent().len(), 1);
    let fx = done(
        &mut app,
        Outcome::Messages {
            space: TEAM.into(),
            kind: LoadKind::Newer { after: now() },
            result: Err(not_found(TEAM)),
        },
    );
    let note = app.status.note.clone().expect("a note").text;
    assert!(
        note.contains("Team Rust is no longer yours: it was deleted, or you were removed from it."),
        "{note}"
    );
    assert!(
        note.contains("1 unsent message was kept as a draft"),
        "{note}"
    );
    assert!(app.status.offline.is_none(), "not offline");
    assert!(app.space(TEAM).is_none(), "out of the list");
    assert_ne!(app.current.as_deref(), Some(TEAM));
    assert_eq!(app.focus, Focus::Spaces);
    assert!(!app.timelines.contains_key(TEAM));
    assert!(
        app.unsent().is_empty(),
        "nothing left to send to a space that is gone"
    );
    // What was typed is kept, not dropped.
    let draft = app
        .compose
        .draft(TEAM, &Target::New)
        .expect("kept")
        .join("\n");
    assert!(draft.contains("half a thought"), "{draft}");
    assert!(draft.contains("posted just before"), "{draft}");
    // Another space is open instead; no request goes to the gone one.
    assert!(
        fx.iter().all(|e| !format!("{e:?}").contains(TEAM)),
        "{fx:?}"
    );
    let screen = render(&app, 120, 30);
    assert!(!screen.contains(TEAM), "{screen}");
    assert!(!screen.contains("New message in  "), "{screen}");
    assert!(!screen.contains("offline"), "{screen}");
    assert!(
        screen.lines().filter(|l| l.contains("Team Rust")).count() == 1,
        "only the note names it: {screen}"
    );
}

#[test]
fn open_space_left_out_of_the_list_is_asked_then_left() {
    let mut app = app();
    let spaces: Vec<_> = app
        .spaces
        .all
        .iter()
        .filter(|s| s.name.as_deref() != Some(TEAM))
        .cloned()
        .collect();
    let fx = done(&mut app, Outcome::Spaces(Ok(spaces)));
    // Kept until asked: the list may predate a space just created or joined.
    assert!(app.space(TEAM).is_some());
    assert!(
        fx.contains(&Effect::LoadMembers { space: TEAM.into() }),
        "{fx:?}"
    );
    done(
        &mut app,
        Outcome::Members {
            space: TEAM.into(),
            result: Err(not_found(TEAM)),
        },
    );
    assert!(app.space(TEAM).is_none());
    assert_ne!(app.current.as_deref(), Some(TEAM));
    let note = app.status.note.clone().expect("a note").text;
    assert!(note.starts_with("Team Rust is no longer yours"), "{note}");
}

#[test]
fn a_background_space_gone_is_taken_out_quietly_named() {
    let mut app = app();
    done(
        &mut app,
        Outcome::Unread {
            space: ENG.into(),
            result: Err(not_found(ENG)),
        },
    );
    assert!(app.space(ENG).is_none());
    assert_eq!(
        app.current.as_deref(),
        Some(TEAM),
        "the open space stays open"
    );
    let note = app.status.note.clone().expect("a note").text;
    assert!(note.starts_with("工程部 is no longer yours"), "{note}");
    // A late answer about a space already forgotten says nothing more.
    app.status.note = None;
    done(
        &mut app,
        Outcome::Unread {
            space: ENG.into(),
            result: Err(not_found(ENG)),
        },
    );
    assert!(app.status.note.is_none());
    let _ = app.update(Action::Tick(Instant::now()));
}
