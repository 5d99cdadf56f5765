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

#[test]
fn editing_shows_mentions_as_names_and_sends_them_as_ids() {
    let mut app = app();
    let later = now() + chrono::Duration::minutes(1);
    done(
        &mut app,
        Outcome::Messages {
            space: TEAM.into(),
            kind: LoadKind::Newer { after: now() },
            result: Ok((
                vec![msg(
                    TEAM,
                    "M9",
                    "M9",
                    alice(),
                    later,
                    "ask <users/1002> and <users/1003> about it",
                )],
                false,
            )),
        },
    );
    app.focus = Focus::Messages;
    ch(&mut app, 'G');
    ch(&mut app, 'e');
    assert_eq!(app.focus, Focus::Compose);
    assert_eq!(app.compose.text(), "ask @Bob Li and @王芳 about it");
    let screen = render(&app, 120, 30);
    assert!(
        screen.contains("ask @Bob Li and @王芳 about it"),
        "{screen}"
    );
    assert!(!screen.contains("<users/"), "{screen}");
    // Change the words around the mentions; the mentions go back as ids.
    for _ in 0.." about it".chars().count() {
        key(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, " today");
    let fx = key(&mut app, KeyCode::Enter);
    let sent: Vec<&String> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Edit { text, .. } => Some(text),
            _ => None,
        })
        .collect();
    assert_eq!(sent, vec!["ask <users/1002> and <users/1003> today"]);
}

#[test]
fn removing_oneself_is_leaving() {
    let mut app = app();
    ch(&mut app, '3');
    assert_eq!(app.focus, Focus::Members);
    let me = app
        .selected_member()
        .and_then(|m| m.member.clone())
        .unwrap();
    assert_eq!(me.name.as_deref(), Some("users/1001"), "Alice is first");
    ch(&mut app, 'x');
    let screen = render(&app, 120, 30);
    assert!(screen.contains("Leave Team Rust?"), "{screen}");
    assert!(!screen.contains("Remove Alice Chen"), "{screen}");
    let fx = ch(&mut app, 'y');
    assert!(fx.contains(&Effect::RemoveMember {
        space: TEAM.into(),
        membership: format!("{TEAM}/members/1001"),
    }));
}

#[test]
fn errors_name_people_and_spaces_not_ids() {
    let mut app = app();
    ch(&mut app, '3');
    ch(&mut app, 'a');
    typed(&mut app, "1002");
    let fx = key(&mut app, KeyCode::Enter);
    assert!(fx.iter().any(|e| matches!(e, Effect::AddMember { .. })));
    done(
        &mut app,
        Outcome::MemberAdded {
            space: TEAM.into(),
            user: gchat::api::UserRef::parse_loose("1002").unwrap(),
            result: Err(ApiError::Server(ServerError {
                code: 409,
                status: "ALREADY_EXISTS".into(),
                message: "users/1002 is a member of this space.".into(),
                field_violations: Vec::new(),
                reason: None,
                retry_after: None,
            })),
        },
    );
    let err = app.dialog.as_ref().and_then(|d| d.error.clone()).unwrap();
    assert_eq!(err, "Bob Li is a member of this space.");
    // Any resource name a server puts in its words.
    assert_eq!(
        app.named(&format!(
            "Membership {TEAM}/members/1003 not found; users/77 and users/1001 in spaces/Gone."
        )),
        "Membership 王芳 in Team Rust not found; a person gchat can't name (id 77) and you in a space you are not in."
    );
    assert_eq!(
        app.named("see https://x.example/users/1002 and name_users/1002"),
        "see https://x.example/users/1002 and name_users/1002"
    );
}
