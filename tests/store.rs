//! The workspace store: what the server said of each space is held in one place per
//! space, so a space the user leaves leaves nothing of itself behind.

mod common;

use common::fixture::*;
use common::steps::status_line;
use gchat::api::model::{Membership, MessagePin};
use gchat::app::member_requests::MemberOutcome;
use gchat::app::react::ReactOutcome;
use gchat::app::user_requests::UserOutcome;
use gchat::app::{Effect, Outcome};

const L1: &str = "spaces/AAAATeamRst/messages/L1.L1";

fn leave(app: &mut gchat::app::App, space: &str) -> Vec<Effect> {
    done(
        app,
        Outcome::Members(MemberOutcome::MemberRemoved {
            space: sn(space),
            membership: msn(&format!("{space}/members/1001")),
            result: Ok(Membership::default()),
        }),
    )
}

#[test]
fn leaving_a_space_leaves_nothing_of_it_in_the_store() {
    let mut app = app();
    assert!(app.store.contains(TEAM), "the open space has state");
    assert!(app.store.has_timeline(TEAM) && app.store.has_members(TEAM));
    done(
        &mut app,
        Outcome::React(ReactOutcome::Pins {
            space: sn(TEAM),
            result: Ok(vec![MessagePin {
                name: Some(format!("{TEAM}/messagePins/p1")),
                message: Some(L1.into()),
            }]),
        }),
    );
    assert!(app.store.is_pinned(TEAM, L1));
    leave(&mut app, TEAM);
    assert_eq!(
        app.status.note.as_ref().map(|n| n.text.as_str()),
        Some("You left Team Rust.")
    );
    assert!(!app.store.contains(TEAM), "one removal forgets it");
    assert!(app.store.names().all(|n| n.as_str() != TEAM));
    assert!(app.store.timeline(TEAM).is_none() && app.store.members(TEAM).is_none());
    assert!(!app.views.contains_key(TEAM));
    assert!(app.store.last_read(TEAM).is_none());
    // Its pins were the server's word about it too: gone with it.
    assert!(!app.store.is_pinned(TEAM, L1));
    assert!(!app.store.pins_listed(TEAM));
}

#[test]
fn a_space_left_and_joined_again_asks_its_pins_again() {
    let mut app = app();
    done(
        &mut app,
        Outcome::React(ReactOutcome::Pins {
            space: sn(TEAM),
            result: Ok(Vec::new()),
        }),
    );
    leave(&mut app, TEAM);
    // Added back, and listed again: opening it asks for its pins afresh.
    let mut spaces = app.spaces.all.clone();
    spaces.push(gchat::api::model::Space {
        name: Some(TEAM.into()),
        display_name: Some("Team Rust".into()),
        space_type: Some(gchat::api::model::SpaceType::Space),
        ..Default::default()
    });
    done(
        &mut app,
        Outcome::Directory(gchat::app::DirectoryOutcome::Spaces { result: Ok(spaces) }),
    );
    app.spaces.selected = Some(TEAM.into());
    app.focus = gchat::app::Focus::Spaces;
    let fx = key(&mut app, crossterm::event::KeyCode::Enter);
    assert_eq!(app.current.as_deref(), Some(TEAM));
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::React(gchat::app::react::ReactEffect::ListPins { space }) if space == TEAM
        )),
        "{fx:?}"
    );
}

/// Everything the app knows of a space the server told it (read marks, unread count,
/// activity, permissions, pins, read state, mute, mentions) is in the store: after
/// leaving, no other part of the app names the space at all.
#[test]
fn leaving_a_space_leaves_its_name_nowhere_outside_the_store() {
    let mut app = app();
    let team = sn(TEAM);
    let t = now();
    // Every kind of per-space record, set through the answers that set them.
    done(
        &mut app,
        Outcome::React(ReactOutcome::Pins {
            space: team.clone(),
            result: Ok(vec![MessagePin {
                name: Some(format!("{TEAM}/messagePins/p1")),
                message: Some(L1.into()),
            }]),
        }),
    );
    done(
        &mut app,
        Outcome::User(UserOutcome::Muted {
            space: team.clone(),
            result: Ok(true),
        }),
    );
    done(
        &mut app,
        Outcome::User(UserOutcome::ReadState {
            space: team.clone(),
            result: Ok(Some(t)),
        }),
    );
    app.store.set_unread(TEAM, 3);
    app.store.note_activity(TEAM, t);
    app.store
        .set_permissions(TEAM, serde_json::json!({"postMessages": {}}));
    app.store.reads_entry(TEAM).mentions = 2;
    assert!(app.store.is_muted(TEAM) && app.store.is_pinned(TEAM, L1));
    assert_eq!(app.store.server_read(TEAM), Some(t));
    leave(&mut app, TEAM);
    assert!(app.store.get(TEAM).is_none(), "one removal forgets it");
    assert_eq!(app.store.mention_total(), 0);
    let id = TEAM.trim_start_matches("spaces/");
    for (what, held) in [
        ("spaces list", format!("{:?}", app.spaces)),
        ("user state", format!("{:?}", app.user_state)),
        ("reactions", format!("{:?}", app.react)),
        ("views", format!("{:?}", app.views)),
        ("store", format!("{:?}", app.store)),
    ] {
        assert!(
            !held.contains(id),
            "the {what} still holds the left space: {held}"
        );
    }
}

fn not_found() -> gchat::api::ApiError {
    gchat::api::ApiError::Server(gchat::api::ServerError {
        code: 404,
        status: "NOT_FOUND".into(),
        message: "Space not found.".into(),
        field_violations: Vec::new(),
        reason: None,
        retry_after: None,
    })
}

fn eng_loaded() -> gchat::app::App {
    let mut app = app();
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Messages {
            space: sn(ENG),
            kind: gchat::app::LoadKind::Latest,
            result: Ok((
                vec![msg(ENG, "E1", "E1", wang(), at(21, 11, 0), "hi")]
                    .into_iter()
                    .map(Into::into)
                    .collect(),
                false,
            )),
        }),
    );
    assert!(app.store.has_timeline(ENG));
    app
}

#[test]
fn late_answers_for_a_space_found_gone_do_not_bring_it_back() {
    let mut app = eng_loaded();
    // A 404 says the space is gone: it is forgotten.
    done(
        &mut app,
        Outcome::User(UserOutcome::Unread {
            space: sn(ENG),
            result: Err(not_found()),
            after: None,
        }),
    );
    assert!(!app.store.contains(ENG), "the 404 forgot it");
    // Answers sent before it went arrive late: none brings any of it back.
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Messages {
            space: sn(ENG),
            kind: gchat::app::LoadKind::Older {
                before: at(21, 11, 0),
            },
            result: Ok((
                vec![msg(ENG, "E0", "E0", wang(), at(20, 11, 0), "old")]
                    .into_iter()
                    .map(Into::into)
                    .collect(),
                true,
            )),
        }),
    );
    assert!(!app.store.has_timeline(ENG), "an older page recreated it");
    let fx = done(
        &mut app,
        Outcome::Members(MemberOutcome::Members {
            space: sn(ENG),
            result: Ok(vec![member(
                ENG,
                user("1077", None),
                gchat::api::model::MembershipRole::Member,
                gchat::api::model::MembershipState::Joined,
            )]),
            show_invited: true,
        }),
    );
    assert!(!app.store.has_members(ENG), "a members answer recreated it");
    assert!(
        !fx.iter().any(|e| matches!(
            e,
            Effect::Directory(gchat::app::DirectoryEffect::LookupPeople { .. })
        )),
        "{fx:?}"
    );
    let m = format!("{ENG}/messages/E1.E1");
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Edited {
            space: sn(ENG),
            message: mn(&m),
            text: "new".into(),
            previous: "hi".into(),
            result: Ok(msg(ENG, "E1", "E1", alice(), at(21, 11, 0), "new")),
        }),
    );
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Deleted {
            space: sn(ENG),
            message: mn(&m),
            force: false,
            result: Ok(()),
        }),
    );
    assert!(
        !app.store.contains(ENG),
        "an edit or delete answer recreated it"
    );
    assert!(app.space(ENG).is_none());
}

#[test]
fn a_space_left_out_of_the_list_is_forgotten_in_the_store() {
    let mut app = eng_loaded();
    let spaces: Vec<_> = app
        .spaces
        .all
        .iter()
        .filter(|s| s.name.as_deref() != Some(ENG))
        .cloned()
        .collect();
    done(
        &mut app,
        Outcome::Directory(gchat::app::DirectoryOutcome::Spaces { result: Ok(spaces) }),
    );
    assert!(app.space(ENG).is_none());
    assert!(!app.store.contains(ENG), "its timeline stayed behind");
    assert!(!app.views.contains_key(ENG));
    // The open space is kept, as before.
    assert!(app.store.has_timeline(TEAM));
}

/// Whether any part of the app outside the spaces' own answers still names `space`.
fn named_anywhere(app: &gchat::app::App, space: &str) -> Option<String> {
    let id = space.trim_start_matches("spaces/");
    [
        ("spaces list", format!("{:?}", app.spaces)),
        ("user state", format!("{:?}", app.user_state)),
        ("reactions", format!("{:?}", app.react)),
        ("views", format!("{:?}", app.views)),
        ("store", format!("{:?}", app.store)),
    ]
    .into_iter()
    .find(|(_, held)| held.contains(id))
    .map(|(what, held)| format!("the {what} still holds the left space: {held}"))
}

/// Answers to requests sent before the space was left arrive after it: each is dropped,
/// and none brings back a record of it or says anything about it.
#[test]
fn late_answers_after_leaving_leave_the_name_nowhere() {
    use gchat::api::model::{MembershipRole, MembershipState, Space};
    use gchat::app::space_requests::SpaceOutcome;
    use gchat::app::user_requests::ReadAndUnread;
    let team = sn(TEAM);
    let t = now();
    let me = || {
        member(
            TEAM,
            alice(),
            MembershipRole::Manager,
            MembershipState::Joined,
        )
    };
    let team_space = || Space {
        name: Some(TEAM.into()),
        display_name: Some("Team Rust".into()),
        ..Default::default()
    };
    let late: Vec<(&str, Outcome)> = vec![
        (
            "mute set",
            Outcome::User(UserOutcome::MuteSet {
                space: team.clone(),
                muted: true,
                result: Ok(true),
            }),
        ),
        (
            "unmute set",
            Outcome::User(UserOutcome::MuteSet {
                space: team.clone(),
                muted: false,
                result: Ok(false),
            }),
        ),
        (
            "mute look",
            Outcome::User(UserOutcome::Muted {
                space: team.clone(),
                result: Ok(true),
            }),
        ),
        (
            "read state",
            Outcome::User(UserOutcome::ReadState {
                space: team.clone(),
                result: Ok(Some(t)),
            }),
        ),
        (
            "read state set",
            Outcome::User(UserOutcome::ReadStateSet {
                space: team.clone(),
                time: t,
                result: Ok(Some(t)),
            }),
        ),
        (
            "read and unread",
            Outcome::User(UserOutcome::ReadUnread {
                space: team.clone(),
                after: None,
                result: ReadAndUnread {
                    read: Ok(Some(t)),
                    unread: Ok(vec![msg(TEAM, "U1", "U1", bob(), t, "late")]),
                },
            }),
        ),
        (
            "unread count",
            Outcome::User(UserOutcome::Unread {
                space: team.clone(),
                after: None,
                result: Ok(vec![msg(TEAM, "U1", "U1", bob(), t, "late")]),
            }),
        ),
        (
            "thread read state",
            Outcome::User(UserOutcome::ThreadReadState {
                space: team.clone(),
                thread: tn(&format!("{TEAM}/threads/T1")),
                result: Ok(Some(t)),
            }),
        ),
        (
            "section move",
            Outcome::User(UserOutcome::Moved {
                space: team.clone(),
                from: "users/me/sections/default-spaces".into(),
                to: "users/me/sections/s1".into(),
                result: Err(not_found()),
            }),
        ),
        (
            "space",
            Outcome::Space(SpaceOutcome::Space {
                space: team.clone(),
                result: Ok(team_space()),
            }),
        ),
        (
            "space updated",
            Outcome::Space(SpaceOutcome::SpaceUpdated {
                space: team.clone(),
                name: "Team Rust".into(),
                description: String::new(),
                guidelines: String::new(),
                mask: "displayName".into(),
                result: Ok(team_space()),
            }),
        ),
        (
            "member added",
            Outcome::Members(MemberOutcome::MemberAdded {
                space: team.clone(),
                user: gchat::api::UserRef::Id("1002".into()),
                result: Ok(member(
                    TEAM,
                    bob(),
                    MembershipRole::Member,
                    MembershipState::Joined,
                )),
            }),
        ),
        (
            "role set",
            Outcome::Members(MemberOutcome::RoleSet {
                space: team.clone(),
                membership: msn(&format!("{TEAM}/members/1001")),
                manager: true,
                result: Ok(me()),
            }),
        ),
        (
            "left again",
            Outcome::Members(MemberOutcome::MemberRemoved {
                space: team.clone(),
                membership: msn(&format!("{TEAM}/members/1001")),
                result: Ok(me()),
            }),
        ),
        (
            "sent",
            Outcome::Messages(gchat::app::MessagesOutcome::Sent {
                space: team.clone(),
                local: "local/client-gchat-late1".into(),
                client_id: cid("client-gchat-late1"),
                text: "late".into(),
                thread: None,
                attachment: Vec::new(),
                result: Ok(msg(TEAM, "S1", "S1", alice(), t, "late")),
            }),
        ),
        (
            "pins",
            Outcome::React(ReactOutcome::Pins {
                space: team.clone(),
                result: Ok(vec![MessagePin {
                    name: Some(format!("{TEAM}/messagePins/p1")),
                    message: Some(L1.into()),
                }]),
            }),
        ),
        (
            "pinned",
            Outcome::React(ReactOutcome::Pinned {
                space: team.clone(),
                message: mn(L1),
                result: Ok(MessagePin {
                    name: Some(format!("{TEAM}/messagePins/p1")),
                    message: Some(L1.into()),
                }),
            }),
        ),
        (
            "sent quoting",
            Outcome::React(ReactOutcome::QuotingSent {
                space: team.clone(),
                local: "local/client-gchat-late2".into(),
                client_id: cid("client-gchat-late2"),
                text: "late".into(),
                thread: None,
                quote: Default::default(),
                attachment: Vec::new(),
                result: Ok(msg(TEAM, "S2", "S2", alice(), t, "late")),
            }),
        ),
    ];
    let mut wrong = Vec::new();
    for (what, answer) in late {
        let mut app = app();
        leave(&mut app, TEAM);
        let before = status_line(&app);
        let fx = done(&mut app, answer);
        if !fx.is_empty() {
            wrong.push(format!("{what}: asked for more: {fx:?}"));
        }
        if named_anywhere(&app, TEAM).is_some() || app.store.contains(TEAM) {
            wrong.push(format!("{what}: brought back a record of the space"));
        }
        if app.space(TEAM).is_some() {
            wrong.push(format!("{what}: brought the space back to the list"));
        }
        let after = status_line(&app);
        if after != before {
            wrong.push(format!("{what}: said {after:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
