//! Spaces that go away under the user, what the user may do before they try, names
//! rather than ids, and adding people by name: the app's logic and what it draws.

mod common;

use std::time::Instant;

use common::fixture::*;
use crossterm::event::KeyCode;
use gchat::api::error::ServerError;
use gchat::api::ApiError;
use gchat::app::compose::Target;
use gchat::app::member_requests::{MemberEffect, MemberOutcome};
use gchat::app::space_requests::{SpaceEffect, SpaceOutcome};
use gchat::app::user_requests::UserOutcome;
use gchat::app::{Action, Effect, Focus, Outcome};

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
        Outcome::Messages(gchat::app::MessagesOutcome::Polled {
            space: sn(TEAM),
            after: now(),
            result: Err(not_found(TEAM)),
        }),
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
    assert!(!app.store.has_timeline(TEAM));
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
    // Nothing else is opened (that would mark it read); no request goes to the gone one.
    assert_eq!(app.current, None);
    assert!(
        fx.iter().all(|e| !format!("{e:?}").contains(TEAM)),
        "{fx:?}"
    );
    let screen = render(&app, 120, 30);
    assert!(!screen.contains(TEAM), "{screen}");
    assert!(!screen.contains("New message in  "), "{screen}");
    assert!(!screen.contains("offline"), "{screen}");
    assert!(
        screen.lines().filter(|l| l.contains("Team Rust")).count() == 2,
        "only the note and the empty pane name it: {screen}"
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
    let fx = done(
        &mut app,
        Outcome::Directory(gchat::app::DirectoryOutcome::Spaces { result: Ok(spaces) }),
    );
    // Kept until asked: the list may predate a space just created or joined.
    assert!(app.space(TEAM).is_some());
    assert!(
        fx.contains(&Effect::Members(MemberEffect::LoadMembers {
            space: sn(TEAM),
            show_invited: true
        })),
        "{fx:?}"
    );
    done(
        &mut app,
        Outcome::Members(MemberOutcome::Members {
            space: sn(TEAM),
            result: Err(not_found(TEAM)),
            show_invited: true,
        }),
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
        Outcome::User(UserOutcome::Unread {
            space: sn(ENG),
            result: Err(not_found(ENG)),
            after: None,
        }),
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
        Outcome::User(UserOutcome::Unread {
            space: sn(ENG),
            result: Err(not_found(ENG)),
            after: None,
        }),
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
        Outcome::Messages(gchat::app::MessagesOutcome::Polled {
            space: sn(TEAM),
            after: now(),
            result: Ok(vec![msg(
                TEAM,
                "M9",
                "M9",
                alice(),
                later,
                "ask <users/1002> and <users/1003> about it",
            )]
            .into_iter()
            .map(Into::into)
            .collect()),
        }),
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
            Effect::Messages(gchat::app::MessagesEffect::Edit { text, .. }) => Some(text),
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
    assert!(fx.contains(&Effect::Members(MemberEffect::RemoveMember {
        space: sn(TEAM),
        membership: msn(&format!("{TEAM}/members/1001")),
    })));
}

#[test]
fn errors_name_people_and_spaces_not_ids() {
    let mut app = app();
    ch(&mut app, '3');
    ch(&mut app, 'a');
    typed(&mut app, "1002");
    let fx = key(&mut app, KeyCode::Enter);
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::Members(MemberEffect::AddMember { .. }))));
    done(
        &mut app,
        Outcome::Members(MemberOutcome::MemberAdded {
            space: sn(TEAM),
            user: gchat::api::UserRef::parse_loose("1002").unwrap(),
            result: Err(ApiError::Server(ServerError {
                code: 409,
                status: "ALREADY_EXISTS".into(),
                message: "users/1002 is a member of this space.".into(),
                field_violations: Vec::new(),
                reason: None,
                retry_after: None,
            })),
        }),
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

const ANN: &str = "spaces/AAAAAnnounc";

fn membership(
    space: &str,
    u: &gchat::api::model::User,
    manager: bool,
) -> gchat::api::model::Membership {
    let id = u.name.as_deref().unwrap().trim_start_matches("users/");
    serde_json::from_value(serde_json::json!({
        "name": format!("{space}/members/{id}"),
        "state": "JOINED",
        "role": if manager { "ROLE_MANAGER" } else { "ROLE_MEMBER" },
        "member": u,
    }))
    .unwrap()
}

/// The fixture with an announcement space, opened, its rules and members known.
fn in_announcements() -> gchat::app::App {
    let mut app = app();
    let mut spaces = app.spaces.all.clone();
    let ann: gchat::api::model::Space = serde_json::from_value(serde_json::json!({
        "name": ANN, "spaceType": "SPACE", "displayName": "Announcements",
        "lastActiveTime": "2026-01-01T00:00:00Z",
    }))
    .unwrap();
    spaces.push(ann.clone());
    done(
        &mut app,
        Outcome::Directory(gchat::app::DirectoryOutcome::Spaces { result: Ok(spaces) }),
    );
    app.spaces.selected = Some(ANN.into());
    ch(&mut app, '1');
    let fx = key(&mut app, KeyCode::Enter);
    assert_eq!(app.current.as_deref(), Some(ANN));
    // The list leaves out permission settings: the space is asked for them.
    assert!(
        fx.contains(&Effect::Space(SpaceEffect::LoadSpace { space: sn(ANN) })),
        "{fx:?}"
    );
    let mut full = ann;
    full.permission_settings = Some(serde_json::json!({
        "postMessages": {"managersAllowed": true},
        "replyMessages": {"managersAllowed": true, "membersAllowed": true},
        "manageMembersAndGroups": {"managersAllowed": true},
        "manageApps": {"managersAllowed": true},
        "modifySpaceDetails": {"managersAllowed": true},
    }));
    done(
        &mut app,
        Outcome::Space(SpaceOutcome::Space {
            space: sn(ANN),
            result: Ok(full),
        }),
    );
    done(
        &mut app,
        Outcome::Members(MemberOutcome::Members {
            space: sn(ANN),
            result: Ok(vec![
                membership(ANN, &dmitri(), true),
                membership(ANN, &alice(), false),
                membership(ANN, &bob(), false),
            ]),
            show_invited: true,
        }),
    );
    app
}

#[test]
fn in_an_announcement_space_a_member_gets_no_compose_box() {
    let mut app = in_announcements();
    let screen = render(&app, 120, 30);
    assert!(
        screen.contains("Only managers can post in Announcements. r replies in a thread."),
        "{screen}"
    );
    assert!(!screen.contains("New message in"), "{screen}");
    // i is refused with the reason, before any request; the focus stays.
    app.focus = Focus::Messages;
    let fx = ch(&mut app, 'i');
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(app.focus, Focus::Messages);
    let note = app.status.note.clone().unwrap().text;
    assert!(
        note.contains("only managers can post in Announcements"),
        "{note}"
    );
    // Adding people is for managers here too; ? says so.
    ch(&mut app, '?');
    let help = help_text(&app);
    assert!(
        help.contains("unavailable: only managers can post in Announcements"),
        "{help}"
    );
    assert!(
        help.contains("unavailable: only managers can add people to Announcements"),
        "{help}"
    );
}

#[test]
fn where_the_user_is_not_a_manager_e_m_x_are_refused_before_any_request() {
    let mut app = app();
    done(
        &mut app,
        Outcome::Members(MemberOutcome::Members {
            space: sn(ENG),
            result: Ok(vec![
                membership(ENG, &wang(), true),
                membership(ENG, &alice(), false),
                membership(ENG, &bob(), false),
            ]),
            show_invited: true,
        }),
    );
    app.spaces.selected = Some(ENG.into());
    ch(&mut app, '1');
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.current.as_deref(), Some(ENG));
    // E: the space's name and details.
    ch(&mut app, '1');
    let fx = ch(&mut app, 'E');
    assert!(app.dialog.is_none());
    assert!(fx.is_empty(), "{fx:?}");
    let note = app.status.note.clone().unwrap().text;
    assert!(
        note.contains("only managers can change 工程部's name and details"),
        "{note}"
    );
    // m and x on the manager, in the members pane.
    ch(&mut app, '3');
    let first = app
        .selected_member()
        .and_then(|m| m.member.clone())
        .unwrap();
    assert_eq!(first.name.as_deref(), Some("users/1003"), "王芳 manages it");
    let fx = ch(&mut app, 'm');
    assert!(fx.is_empty(), "{fx:?}");
    let note = app.status.note.clone().unwrap().text;
    assert!(
        note.contains("only managers of 工程部 can change roles"),
        "{note}"
    );
    ch(&mut app, 'x');
    assert!(app.dialog.is_none(), "no dialog for what cannot be done");
    let note = app.status.note.clone().unwrap().text;
    assert!(
        note.contains("only managers of 工程部 can remove a manager"),
        "{note}"
    );
    // Leaving is always allowed.
    ch(&mut app, 'j');
    let me = app
        .selected_member()
        .and_then(|m| m.member.clone())
        .unwrap();
    assert_eq!(me.name.as_deref(), Some("users/1001"));
    ch(&mut app, 'x');
    assert!(
        matches!(
            app.dialog.as_ref().map(|d| &d.kind),
            Some(gchat::app::dialog::Kind::LeaveSpace { .. })
        ),
        "leaving is allowed"
    );
    // In Team Rust, where Alice manages, all of it is open to her.
    let mut team = common::fixture::app();
    assert!(team
        .unavailable(gchat::keymap::Command::ToggleManager)
        .is_none());
    assert!(team
        .unavailable(gchat::keymap::Command::EditSpace)
        .is_none());
    ch(&mut team, '3');
    ch(&mut team, 'j');
    assert!(team
        .unavailable(gchat::keymap::Command::RemoveMember)
        .is_none());
}

fn person(id: &str, name: &str, email: &str) -> gchat::api::model::Person {
    serde_json::from_value(serde_json::json!({
        "resourceName": format!("people/{id}"),
        "names": [{"displayName": name}],
        "emailAddresses": [{"value": email}],
    }))
    .unwrap()
}

fn searches(fx: &[Effect]) -> Vec<String> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Directory(gchat::app::DirectoryEffect::SearchPeople { query }) => {
                Some(query.clone())
            }
            _ => None,
        })
        .collect()
}

#[test]
fn adding_a_member_finds_people_by_name_cjk_too() {
    let mut app = app();
    ch(&mut app, '3');
    ch(&mut app, 'a');
    let fx = typed(&mut app, "王");
    assert_eq!(searches(&fx), vec!["王"]);
    // Typed on while the search is out: one search at a time, then the newest text.
    let fx = typed(&mut app, "芳");
    assert!(searches(&fx).is_empty(), "{fx:?}");
    let fx = done(
        &mut app,
        Outcome::Directory(gchat::app::DirectoryOutcome::Found {
            query: "王".into(),
            result: Ok(vec![person("1003", "王芳", "wang.fang@example.com")]),
        }),
    );
    assert_eq!(searches(&fx), vec!["王芳"]);
    done(
        &mut app,
        Outcome::Directory(gchat::app::DirectoryOutcome::Found {
            query: "王芳".into(),
            result: Ok(vec![person("1003", "王芳", "wang.fang@example.com")]),
        }),
    );
    let screen = render(&app, 120, 30);
    assert!(screen.contains("› 王芳  wang.fang@example.com"), "{screen}");
    let fx = key(&mut app, KeyCode::Enter);
    assert!(
        fx.contains(&Effect::Members(MemberEffect::AddMember {
            space: sn(TEAM),
            user: gchat::api::UserRef::parse_loose("1003").unwrap(),
        })),
        "{fx:?}"
    );
}

#[test]
fn adding_a_member_picks_among_matches_and_reports_the_unknown() {
    let mut app = app();
    ch(&mut app, '3');
    ch(&mut app, 'a');
    typed(&mut app, "li");
    done(
        &mut app,
        Outcome::Directory(gchat::app::DirectoryOutcome::Found {
            query: "li".into(),
            result: Ok(vec![
                person("1002", "Bob Li", "bob@example.com"),
                person("1004", "李雷", "li.lei@example.com"),
            ]),
        }),
    );
    key(&mut app, KeyCode::Down);
    let screen = render(&app, 120, 30);
    assert!(screen.contains("  Bob Li  bob@example.com"), "{screen}");
    assert!(screen.contains("› 李雷  li.lei@example.com"), "{screen}");
    let fx = key(&mut app, KeyCode::Enter);
    assert!(fx.contains(&Effect::Members(MemberEffect::AddMember {
        space: sn(TEAM),
        user: gchat::api::UserRef::parse_loose("1004").unwrap(),
    })));

    // No one by that name: said in the dialog, and Enter adds no one.
    let mut app = common::fixture::app();
    ch(&mut app, '3');
    ch(&mut app, 'a');
    typed(&mut app, "nobody");
    done(
        &mut app,
        Outcome::Directory(gchat::app::DirectoryOutcome::Found {
            query: "nobody".into(),
            result: Ok(vec![]),
        }),
    );
    let screen = render(&app, 120, 30);
    assert!(
        screen.contains("No one in your directory matches \"nobody\"."),
        "{screen}"
    );
    let fx = key(&mut app, KeyCode::Enter);
    assert!(
        fx.iter()
            .all(|e| !matches!(e, Effect::Members(MemberEffect::AddMember { .. }))),
        "{fx:?}"
    );
    assert!(app.dialog.as_ref().unwrap().error.is_some());

    // An id: who it is, before adding; an id no one has is reported as such.
    let mut app = common::fixture::app();
    ch(&mut app, '3');
    ch(&mut app, 'a');
    typed(&mut app, "1002");
    let screen = render(&app, 120, 30);
    assert!(screen.contains("That is Bob Li."), "{screen}");
    for _ in 0..4 {
        key(&mut app, KeyCode::Backspace);
    }
    let fx = typed(&mut app, "1099");
    assert!(fx.contains(&Effect::Directory(
        gchat::app::DirectoryEffect::LookupPeople {
            users: vec![gchat::api::UserRef::Id("1099".into())]
        }
    )));
    done(
        &mut app,
        Outcome::Directory(gchat::app::DirectoryOutcome::People {
            users: vec![gchat::api::UserRef::Id("1099".into())],
            result: Ok(vec![]),
        }),
    );
    let screen = render(&app, 120, 30);
    assert!(
        screen.contains("No one with id 1099 is in your directory."),
        "{screen}"
    );
}
