//! The app's logic without a terminal or a network: actions in, state and effects out.

mod common;

use std::time::{Duration, Instant};

use common::fixture::*;
use crossterm::event::KeyCode;
use gchat::api::error::ServerError;
use gchat::api::model::*;
use gchat::api::{ApiError, ClientMessageId, UserRef};
use gchat::app::compose::Target;
use gchat::app::dialog::Kind;
use gchat::app::member_requests::{MemberEffect, MemberOutcome};
use gchat::app::space_requests::{SpaceEffect, SpaceOutcome};
use gchat::app::timeline::{Local, Row};
use gchat::app::user_requests::UserEffect;
use gchat::app::{Action, Effect, Focus, LoadKind, Outcome};

fn server_error(code: u16, status: &str, message: &str) -> ApiError {
    ApiError::Server(ServerError {
        code,
        status: status.into(),
        message: message.into(),
        field_violations: Vec::new(),
        reason: None,
        retry_after: None,
    })
}

/// Whether the selected row is the message whose name ends in `suffix`.
fn selected_is(app: &gchat::app::App, suffix: &str) -> bool {
    matches!(&app.current_view().unwrap().selected, Some(Row::Msg { name, .. }) if name.ends_with(suffix))
}

/// The server's copy of a post arrives: `m`, carrying the post's client id.
fn arrives(
    app: &mut gchat::app::App,
    local: &str,
    cid: &ClientMessageId,
    mut m: Message,
) -> Vec<Effect> {
    m.client_assigned_message_id = Some(cid.to_string());
    done(
        app,
        Outcome::Messages(gchat::app::MessagesOutcome::Sent {
            text: String::new(),
            thread: None,
            attachment: Vec::new(),
            space: sn(TEAM),
            local: local.to_string(),
            client_id: cid.clone(),
            result: Ok(m),
        }),
    )
}

fn sends(fx: &[Effect]) -> Vec<(String, ClientMessageId, String, Option<String>)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Messages(gchat::app::MessagesEffect::Send {
                local,
                client_id,
                text,
                thread,
                ..
            }) => Some((
                local.clone(),
                client_id.clone(),
                text.clone(),
                thread.as_ref().map(ToString::to_string),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn start_loads_spaces_and_opens_the_most_active() {
    let app = app();
    assert_eq!(app.current.as_deref(), Some(TEAM));
    assert_eq!(app.focus, Focus::Messages);
    // The newest message is selected; the view follows the bottom.
    let v = app.current_view().unwrap();
    assert!(matches!(&v.selected, Some(Row::Msg { name, .. }) if name.ends_with("L1.L1")));
    assert_eq!(v.anchor, None);
    assert_eq!(app.unread(ENG), 1);
    assert_eq!(app.unread(TEAM), 0, "the open space is read");
    // Conversations are named after the people in them.
    let labels: Vec<String> = app
        .visible_spaces()
        .iter()
        .map(|s| app.space_label(s).into())
        .collect();
    assert_eq!(
        labels,
        ["Team Rust", "工程部", "Bob Li", "Bob Li, Priya Natarajan"]
    );
    assert_eq!(app.people.label("users/1008"), "陈小明");
}

#[test]
fn posting_is_optimistic_and_carries_a_client_id() {
    let mut app = app();
    ch(&mut app, 'i');
    assert_eq!(app.focus, Focus::Compose);
    typed(&mut app, "Ship it 🚀");
    let fx = key(&mut app, KeyCode::Enter);
    let s = sends(&fx);
    assert_eq!(s.len(), 1);
    let (local, cid, text, thread) = s[0].clone();
    assert!(cid.as_str().starts_with("client-"));
    assert_eq!(text, "Ship it 🚀");
    assert_eq!(thread, None);
    assert!(
        app.compose.is_blank(),
        "the box is ready for the next message"
    );
    let tl = app.current_timeline().unwrap();
    assert_eq!(tl.get(&local).unwrap().local, Some(Local::Sending));
    // The server's copy replaces the local one, and stays selected.
    arrives(
        &mut app,
        &local,
        &cid,
        msg(TEAM, "N1", "N1", alice(), now(), "Ship it 🚀"),
    );
    let tl = app.current_timeline().unwrap();
    assert!(tl.get(&local).is_none());
    assert!(tl.get("spaces/AAAATeamRst/messages/N1.N1").is_some());
    assert!(selected_is(&app, "N1.N1"));
}

#[test]
fn a_failed_post_keeps_its_text_and_retries_with_the_same_id() {
    let mut app = app();
    ch(&mut app, 'i');
    typed(&mut app, "important words");
    let (local, cid, _, _) = sends(&key(&mut app, KeyCode::Enter))[0].clone();
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Sent {
            text: String::new(),
            thread: None,
            attachment: Vec::new(),
            space: sn(TEAM),
            local: local.clone(),
            client_id: cid.clone(),
            result: Err(server_error(403, "PERMISSION_DENIED", "Posting is off")),
        }),
    );
    let item = app.current_timeline().unwrap().get(&local).unwrap().clone();
    assert!(matches!(item.local, Some(Local::Failed(_))));
    assert_eq!(item.text(), Some("important words"));
    assert!(app.status.note.as_ref().unwrap().error);
    key(&mut app, KeyCode::Esc);
    // R sends it again with the same client id: it can never arrive twice.
    let again = sends(&ch(&mut app, 'R'));
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].1, cid);
    // A 409 means the first attempt arrived: fetch it instead of failing.
    let fx = done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Sent {
            text: String::new(),
            thread: None,
            attachment: Vec::new(),
            space: sn(TEAM),
            local: local.clone(),
            client_id: cid.clone(),
            result: Err(server_error(409, "ALREADY_EXISTS", "exists")),
        }),
    );
    assert_eq!(
        fx,
        vec![Effect::Messages(gchat::app::MessagesEffect::FetchSent {
            space: sn(TEAM),
            local,
            client_id: cid
        })]
    );
}

#[test]
fn a_failed_message_can_be_taken_back_into_the_box() {
    let mut app = app();
    ch(&mut app, 'i');
    typed(&mut app, "too long, say");
    let (local, cid, _, _) = sends(&key(&mut app, KeyCode::Enter))[0].clone();
    key(&mut app, KeyCode::Esc);
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Sent {
            space: sn(TEAM),
            local: local.clone(),
            client_id: cid,
            text: String::new(),
            thread: None,
            attachment: Vec::new(),
            result: Err(server_error(
                400,
                "INVALID_ARGUMENT",
                "The message text is 5000 characters long; the maximum is 4096.",
            )),
        }),
    );
    let note = app.status.note.clone().unwrap();
    assert!(note.text.contains("4096"), "{}", note.text);
    ch(&mut app, 'e');
    assert_eq!(app.focus, Focus::Compose);
    assert_eq!(app.compose.text(), "too long, say");
    assert!(app.current_timeline().unwrap().get(&local).is_none());
}

#[test]
fn replies_go_to_the_selected_thread() {
    let mut app = app();
    // Select a reply in the long thread: its thread is the one answered.
    let team = app.rows_for(TEAM);
    let t6 = team
        .rows
        .iter()
        .find(|r| matches!(r, Row::Msg { name, .. } if name.ends_with("T1.T6")))
        .cloned();
    app.views.get_mut(TEAM).unwrap().selected = t6;
    ch(&mut app, 'r');
    assert_eq!(app.compose.reply_to.as_deref(), Some("Bob Li"));
    typed(&mut app, "+1");
    let s = sends(&key(&mut app, KeyCode::Enter));
    assert_eq!(s[0].3.as_deref(), Some("spaces/AAAATeamRst/threads/T1"));
}

#[test]
fn alt_enter_and_ctrl_j_insert_newlines() {
    let mut app = app();
    ch(&mut app, 'i');
    typed(&mut app, "one");
    alt_enter(&mut app);
    typed(&mut app, "two");
    ctrl(&mut app, 'j');
    typed(&mut app, "three");
    assert_eq!(app.compose.text(), "one\ntwo\nthree");
}

#[test]
fn drafts_survive_escape_and_switching_spaces() {
    let mut app = app();
    ch(&mut app, 'i');
    typed(&mut app, "half a thought");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.focus, Focus::Messages);
    // Open 工程部 and come back.
    ch(&mut app, '1');
    ch(&mut app, 'j');
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.current.as_deref(), Some(ENG));
    assert!(app.compose.is_blank());
    ch(&mut app, '1');
    ch(&mut app, 'k');
    key(&mut app, KeyCode::Enter);
    ch(&mut app, 'i');
    assert_eq!(app.compose.text(), "half a thought");
}

#[test]
fn editing_prefills_and_a_rejected_edit_keeps_the_text() {
    let mut app = app();
    // Alice's reply T2 is hers.
    app.views
        .get_mut(TEAM)
        .unwrap()
        .expanded
        .insert("spaces/AAAATeamRst/threads/T1".into());
    app.views.get_mut(TEAM).unwrap().selected = Some(Row::Msg {
        name: "spaces/AAAATeamRst/messages/T1.T2".into(),
        reply: true,
    });
    ch(&mut app, 'e');
    assert_eq!(app.compose.text(), "Yes, builds fine here.");
    assert!(matches!(app.compose.target, Target::Edit { .. }));
    typed(&mut app, " Really.");
    let fx = key(&mut app, KeyCode::Enter);
    let Some(Effect::Messages(gchat::app::MessagesEffect::Edit {
        message,
        text,
        previous,
        ..
    })) = fx.first().cloned()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(text, "Yes, builds fine here. Really.");
    assert_eq!(previous, "Yes, builds fine here.");
    assert_eq!(
        app.current_timeline()
            .unwrap()
            .get(&message.to_string())
            .unwrap()
            .text(),
        Some("Yes, builds fine here. Really."),
        "shown at once"
    );
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Edited {
            space: sn(TEAM),
            message: message.clone(),
            text: text.clone(),
            previous,
            result: Err(server_error(
                403,
                "PERMISSION_DENIED",
                "Only the sender can edit a message.",
            )),
        }),
    );
    assert_eq!(
        app.current_timeline()
            .unwrap()
            .get(&message.to_string())
            .unwrap()
            .text(),
        Some("Yes, builds fine here."),
        "the old text is back"
    );
    assert_eq!(app.focus, Focus::Compose);
    assert_eq!(
        app.compose.text(),
        text,
        "the rejected edit is kept in the box"
    );
    assert!(app
        .compose
        .error
        .as_deref()
        .unwrap()
        .contains("Only the sender"));
}

#[test]
fn others_messages_cannot_be_edited() {
    let mut app = app();
    ch(&mut app, 'e');
    assert!(app
        .status
        .note
        .as_ref()
        .unwrap()
        .text
        .contains("only your own"));
    assert_eq!(app.focus, Focus::Messages);
}

#[test]
fn deleting_a_thread_with_replies_says_so_and_forces() {
    let mut app = app();
    app.views.get_mut(TEAM).unwrap().selected = Some(Row::Msg {
        name: "spaces/AAAATeamRst/messages/T1.T1".into(),
        reply: false,
    });
    ch(&mut app, 'd');
    let d = app.dialog.as_ref().unwrap();
    assert!(matches!(d.kind, Kind::DeleteMessage { replies: 5, .. }));
    let fx = ch(&mut app, 'y');
    assert_eq!(
        fx,
        vec![Effect::Messages(gchat::app::MessagesEffect::Delete {
            space: sn(TEAM),
            message: mn("spaces/AAAATeamRst/messages/T1.T1"),
            force: true
        })]
    );
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Deleted {
            space: sn(TEAM),
            message: mn("spaces/AAAATeamRst/messages/T1.T1"),
            force: true,
            result: Ok(()),
        }),
    );
    assert!(app.dialog.is_none());
    let tl = app.current_timeline().unwrap();
    assert!(tl
        .items()
        .iter()
        .all(|i| i.thread() != "spaces/AAAATeamRst/threads/T1"));
}

#[test]
fn the_add_member_dialog_checks_input_and_reports_the_outcome() {
    let mut app = app();
    ch(&mut app, 'a');
    typed(&mut app, "not a person");
    let fx = key(&mut app, KeyCode::Enter);
    assert!(fx.is_empty());
    let err = app.dialog.as_ref().unwrap().error.clone().unwrap();
    assert!(err.contains("email address"), "{err}");
    for _ in 0.."not a person".len() {
        key(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, "carol@example.com");
    let fx = key(&mut app, KeyCode::Enter);
    assert_eq!(
        fx,
        vec![Effect::Members(MemberEffect::AddMember {
            space: sn(TEAM),
            user: UserRef::Email("carol@example.com".into())
        })]
    );
    assert!(app.dialog.as_ref().unwrap().busy);
    // Refused: the reason shows in the dialog, the input stays.
    done(
        &mut app,
        Outcome::Members(MemberOutcome::MemberAdded {
            space: sn(TEAM),
            user: UserRef::Email("carol@example.com".into()),
            result: Err(server_error(
                409,
                "ALREADY_EXISTS",
                "users/1005 is already invited to this space.",
            )),
        }),
    );
    let d = app.dialog.as_ref().unwrap();
    assert!(!d.busy);
    assert_eq!(d.field(0), "carol@example.com");
    assert!(d.error.as_deref().unwrap().contains("already invited"));
    // `app` adds the Chat app; the note says it joined.
    key(&mut app, KeyCode::Esc);
    ch(&mut app, 'a');
    typed(&mut app, "app");
    let fx = key(&mut app, KeyCode::Enter);
    assert_eq!(
        fx,
        vec![Effect::Members(MemberEffect::AddMember {
            space: sn(TEAM),
            user: UserRef::App
        })]
    );
    let joined = Membership {
        name: Some(format!("{TEAM}/members/9000")),
        state: Some(MembershipState::Joined),
        member: Some(bot()),
        ..Default::default()
    };
    done(
        &mut app,
        Outcome::Members(MemberOutcome::MemberAdded {
            space: sn(TEAM),
            user: UserRef::App,
            result: Ok(joined),
        }),
    );
    assert!(app.dialog.is_none());
    assert_eq!(
        app.status.note.as_ref().unwrap().text,
        "Release Bot joined the space."
    );
}

#[test]
fn invited_people_are_reported_as_invited() {
    let mut app = app();
    ch(&mut app, 'a');
    typed(&mut app, "1009");
    key(&mut app, KeyCode::Enter);
    let m = Membership {
        name: Some(format!("{TEAM}/members/1009")),
        state: Some(MembershipState::Invited),
        member: Some(user("1009", Some("Sam Taylor"))),
        ..Default::default()
    };
    done(
        &mut app,
        Outcome::Members(MemberOutcome::MemberAdded {
            space: sn(TEAM),
            user: UserRef::Id("1009".into()),
            result: Ok(m),
        }),
    );
    assert!(app
        .status
        .note
        .as_ref()
        .unwrap()
        .text
        .contains("Sam Taylor was invited"));
}

#[test]
fn someone_invited_by_address_is_shown_by_that_address() {
    let mut app = app();
    ch(&mut app, 'a');
    typed(&mut app, "sam@elsewhere.example");
    let fx = key(&mut app, KeyCode::Enter);
    let invited =
        expect_effect!(fx, Effect::Members(MemberEffect::AddMember { user, .. }) => user.clone());
    assert_eq!(invited, UserRef::Email("sam@elsewhere.example".into()));
    // The API answers with a new id and no name the People API will know.
    let m = Membership {
        name: Some(format!("{TEAM}/members/5000001")),
        state: Some(MembershipState::Invited),
        member: Some(user("5000001", None)),
        ..Default::default()
    };
    let fx = done(
        &mut app,
        Outcome::Members(MemberOutcome::MemberAdded {
            space: sn(TEAM),
            user: invited,
            result: Ok(m),
        }),
    );
    assert_eq!(
        app.status.note.as_ref().unwrap().text,
        "sam@elsewhere.example was invited; they join once they accept."
    );
    for e in fx {
        if let Effect::Directory(gchat::app::DirectoryEffect::LookupPeople { users }) = e {
            done(
                &mut app,
                Outcome::Directory(gchat::app::DirectoryOutcome::People {
                    users,
                    result: Ok(vec![]),
                }),
            );
        }
    }
    let screen = render(&app, 160, 30);
    assert!(screen.contains("✉ sam@elsewhere.example"), "{screen}");
}

#[test]
fn the_last_manager_refusal_reads_as_a_sentence() {
    let mut app = app();
    ch(&mut app, '3');
    assert_eq!(app.focus, Focus::Members);
    // Alice is first (a manager).
    let fx = ch(&mut app, 'm');
    assert!(
        matches!(
            &fx[..],
            [Effect::Members(MemberEffect::SetRole {
                manager: false,
                ..
            })]
        ),
        "{fx:?}"
    );
    done(
        &mut app,
        Outcome::Members(MemberOutcome::RoleSet {
            space: sn(TEAM),
            membership: msn(&format!("{TEAM}/members/1001")),
            manager: false,
            result: Err(server_error(
                400,
                "FAILED_PRECONDITION",
                "The only space manager can't be removed or demoted. Make another member a manager first.",
            )),
        }),
    );
    let n = app.status.note.clone().unwrap();
    assert!(n.error);
    assert_eq!(
        n.text,
        "The role was not changed: The only space manager can't be removed or demoted. Make another member a manager first."
    );
}

#[test]
fn a_promoted_member_moves_up_and_stays_selected() {
    let mut app = app();
    ch(&mut app, '3');
    for _ in 0..3 {
        ch(&mut app, 'j');
    }
    let priya_row = app.selected_member().cloned().unwrap();
    assert_eq!(app.membership_label(&priya_row), "Priya Natarajan");
    let fx = ch(&mut app, 'm');
    assert!(
        matches!(
            &fx[..],
            [Effect::Members(MemberEffect::SetRole { manager: true, .. })]
        ),
        "{fx:?}"
    );
    done(
        &mut app,
        Outcome::Members(MemberOutcome::RoleSet {
            space: sn(TEAM),
            membership: msn(&priya_row.name.clone().unwrap()),
            manager: true,
            result: Ok(Membership {
                role: Some(MembershipRole::Manager),
                ..priya_row.clone()
            }),
        }),
    );
    let screen = render(&app, 120, 30);
    let rows: Vec<&str> = screen
        .lines()
        .filter_map(|l| l.rsplit('│').nth(1))
        .map(str::trim)
        .filter(|l| l.starts_with('★'))
        .collect();
    assert_eq!(
        rows,
        ["★ Alice Chen (you)", "★ Bob Li", "★ Priya Natarajan"]
    );
    assert_eq!(app.selected_member().unwrap().name, priya_row.name);
}

#[test]
fn removing_a_member_asks_first() {
    let mut app = app();
    ch(&mut app, '3');
    ch(&mut app, 'j');
    ch(&mut app, 'j');
    ch(&mut app, 'x');
    let Some(Kind::RemoveMember {
        membership, label, ..
    }) = app.dialog.as_ref().map(|d| d.kind.clone())
    else {
        panic!("no dialog")
    };
    assert_eq!(label, "Dmitri Volkov");
    let fx = ch(&mut app, 'n');
    assert!(fx.is_empty() && app.dialog.is_none());
    ch(&mut app, 'x');
    let fx = key(&mut app, KeyCode::Enter);
    assert_eq!(
        fx,
        vec![Effect::Members(MemberEffect::RemoveMember {
            space: sn(TEAM),
            membership: msn(&membership)
        })]
    );
    done(
        &mut app,
        Outcome::Members(MemberOutcome::MemberRemoved {
            space: sn(TEAM),
            membership: msn(&membership),
            result: Ok(Membership {
                name: Some(membership),
                state: Some(MembershipState::NotAMember),
                ..Default::default()
            }),
        }),
    );
    assert_eq!(
        app.status.note.as_ref().unwrap().text,
        "Dmitri Volkov was removed from the space."
    );
    assert_eq!(app.members_sorted(TEAM).len(), 6);
}

#[test]
fn creating_a_space_keeps_the_input_on_a_duplicate_name() {
    let mut app = app();
    ch(&mut app, '1');
    ch(&mut app, 'c');
    typed(&mut app, "Team Rust");
    key(&mut app, KeyCode::Tab);
    typed(&mut app, "Our team");
    let fx = key(&mut app, KeyCode::Enter);
    let Some(Effect::Space(SpaceEffect::CreateSpace {
        request_id,
        name,
        description,
        guidelines,
    })) = fx.first().cloned()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(
        (name.as_str(), description.as_str()),
        ("Team Rust", "Our team")
    );
    done(
        &mut app,
        Outcome::Space(SpaceOutcome::SpaceCreated {
            request_id: request_id.clone(),
            name,
            description,
            guidelines,
            result: Err(server_error(409, "ALREADY_EXISTS", "exists")),
        }),
    );
    let d = app.dialog.as_ref().unwrap();
    assert_eq!(
        d.error.as_deref(),
        Some("A space named \"Team Rust\" already exists. Choose another name.")
    );
    assert_eq!(d.field(1), "Our team");
    // Fix the name; the same request id goes out (a retry can't make two spaces).
    typed(&mut app, " 2");
    let fx = key(&mut app, KeyCode::Enter);
    assert!(
        matches!(&fx[..], [Effect::Space(SpaceEffect::CreateSpace { request_id: r, name, .. })] if *r == request_id && name == "Team Rust 2")
    );
}

#[test]
fn deleting_a_space_needs_its_name_typed() {
    let mut app = app();
    ch(&mut app, '1');
    ch(&mut app, 'D');
    typed(&mut app, "team rust");
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    assert!(app
        .dialog
        .as_ref()
        .unwrap()
        .error
        .as_deref()
        .unwrap()
        .contains("Type Team Rust exactly"));
    for _ in 0..9 {
        key(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, "Team Rust");
    assert_eq!(
        key(&mut app, KeyCode::Enter),
        vec![Effect::Space(SpaceEffect::DeleteSpace { space: sn(TEAM) })]
    );
}

#[test]
fn non_managers_are_told_they_cannot_delete_a_space() {
    let mut app = app();
    ch(&mut app, '1');
    ch(&mut app, 'j');
    ch(&mut app, 'D');
    assert!(app.dialog.is_none());
    assert!(app
        .status
        .note
        .as_ref()
        .unwrap()
        .text
        .contains("Only space managers"));
}

#[test]
fn polling_asks_for_newer_messages_and_keeps_the_reading_position() {
    let mut app = app();
    // Read something older: anchor the view on the first thread.
    for _ in 0..6 {
        ch(&mut app, 'k');
    }
    let before = app.current_view().unwrap().clone();
    assert!(before.anchor.is_some());
    // The open space follows its events: from a little before its first page was asked.
    let fx = app.update(Action::Tick(Instant::now() + Duration::from_secs(60)));
    let since = expect_effect!(fx, Effect::Messages(gchat::app::MessagesEffect::LoadEvents { space, since }) if space == TEAM => *since);
    assert!(since < now(), "{since}");
    let new = msg(TEAM, "P1", "P1", bob(), now(), "new one");
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Events {
            since: chrono::DateTime::UNIX_EPOCH,
            space: sn(TEAM),
            result: Ok(vec![message_event(
                gchat::api::sync_model::EventType::MessageCreated,
                TEAM,
                1,
                now(),
                new,
            )]),
        }),
    );
    assert_eq!(
        app.current_view().unwrap().anchor,
        before.anchor,
        "the view did not move"
    );
    assert_eq!(app.current_view().unwrap().selected, before.selected);
    assert_eq!(app.current_timeline().unwrap().len(), 11);
}

#[test]
fn the_status_bar_says_working_only_while_the_user_waits() {
    let mut app = app();
    let working = |app: &gchat::app::App| render(app, 120, 30).contains("working");
    assert!(!working(&app), "everything has loaded");
    ch(&mut app, 'i');
    typed(&mut app, "on its way");
    let (local, cid, ..) = sends(&key(&mut app, KeyCode::Enter))[0].clone();
    assert!(working(&app), "the post is in flight");
    // A background poll goes out and comes back while the post is still out.
    let fx = app.update(Action::Tick(Instant::now() + Duration::from_secs(60)));
    let space = expect_effect!(fx, Effect::Messages(gchat::app::MessagesEffect::LoadEvents { space, .. }) => space.clone());
    assert!(working(&app), "the poll adds nothing to wait for");
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Events {
            since: chrono::DateTime::UNIX_EPOCH,
            space,
            result: Ok(vec![]),
        }),
    );
    assert!(working(&app), "the poll's answer is not the post's");
    arrives(
        &mut app,
        &local,
        &cid,
        msg(TEAM, "N1", "N1", alice(), now(), "on its way"),
    );
    assert!(!working(&app), "nothing left to wait for");
}

#[test]
fn scrolling_to_the_top_loads_older_history() {
    let mut app = app();
    app.store.timeline_mut(TEAM).unwrap().has_older = true;
    let fx = ch(&mut app, 'g');
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::Messages(gchat::app::MessagesEffect::LoadMessages {
                kind: LoadKind::Older { .. },
                ..
            })
        )),
        "{fx:?}"
    );
    // No second request while the first is out.
    let fx = ch(&mut app, 'g');
    assert!(!fx.iter().any(|e| matches!(
        e,
        Effect::Messages(gchat::app::MessagesEffect::LoadMessages { .. })
    )));
}

#[test]
fn threads_open_on_their_own_and_close_back() {
    let mut app = app();
    app.views.get_mut(TEAM).unwrap().selected = Some(Row::Msg {
        name: "spaces/AAAATeamRst/messages/T1.T1".into(),
        reply: false,
    });
    let fx = key(&mut app, KeyCode::Enter);
    assert_eq!(
        fx,
        vec![Effect::Messages(gchat::app::MessagesEffect::LoadMessages {
            space: sn(TEAM),
            kind: LoadKind::Thread {
                thread: tn("spaces/AAAATeamRst/threads/T1")
            }
        })]
    );
    let rows = app.rows_for(TEAM);
    assert_eq!(
        rows.rows
            .iter()
            .filter(|r| matches!(r, Row::Msg { .. }))
            .count(),
        6
    );
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.current_view().unwrap().thread, None);
    assert!(selected_is(&app, "T1.T1"));
}

#[test]
fn the_filter_narrows_spaces_as_you_type() {
    let mut app = app();
    ch(&mut app, '1');
    ch(&mut app, '/');
    typed(&mut app, "bob");
    let labels: Vec<String> = app
        .visible_spaces()
        .iter()
        .map(|s| app.space_label(s).into())
        .collect();
    assert_eq!(labels, ["Bob Li", "Bob Li, Priya Natarajan"]);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.current.as_deref(), Some(DM));
}

#[test]
fn help_opens_and_closes_and_quit_quits() {
    let mut app = app();
    ch(&mut app, '?');
    assert!(app.help.is_some());
    ch(&mut app, 'j');
    key(&mut app, KeyCode::Esc);
    assert!(app.help.is_none());
    ch(&mut app, 'q');
    assert!(app.quit);
}

#[test]
fn typing_q_in_the_compose_box_types_it() {
    let mut app = app();
    ch(&mut app, 'i');
    ch(&mut app, 'q');
    assert!(!app.quit);
    assert_eq!(app.compose.text(), "q");
    ctrl(&mut app, 'c');
    assert!(!app.quit, "Ctrl-c in the box cancels the typing, not gchat");
    assert_eq!(app.focus, Focus::Messages);
    assert_eq!(
        app.compose.draft(TEAM, &Target::New),
        Some(&["q".to_string()][..])
    );
    ctrl(&mut app, 'c');
    assert!(app.quit, "outside the box, Ctrl-c quits");
}

#[test]
fn the_wheel_scrolls_and_clicks_focus_and_select() {
    use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let mouse = |kind, column, row| {
        Action::Mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let mut app = app();
    render(&app, 160, 24);
    assert_eq!(app.current_view().unwrap().anchor, None);
    app.update(mouse(MouseEventKind::ScrollUp, 60, 10));
    assert!(app.current_view().unwrap().anchor.is_some(), "scrolled up");
    let selected = app.current_view().unwrap().selected.clone();
    // Clicking a message selects it and focuses the pane.
    ch(&mut app, '1');
    render(&app, 160, 24);
    app.update(mouse(MouseEventKind::Down(MouseButton::Left), 60, 5));
    assert_eq!(app.focus, Focus::Messages);
    assert_ne!(app.current_view().unwrap().selected, selected);
    // Clicking a space opens it, to read.
    app.update(mouse(MouseEventKind::Down(MouseButton::Left), 5, 2));
    assert_eq!(app.focus, Focus::Messages);
    assert_eq!(app.current.as_deref(), Some(ENG));
}

#[test]
fn actions_the_scopes_do_not_allow_are_refused_with_the_reason() {
    let mut app = app();
    app.me.scopes = Some(vec![
        "chat.spaces".into(),
        "chat.messages.readonly".into(),
        "chat.memberships.readonly".into(),
    ]);
    let fx = ch(&mut app, 'i');
    assert!(fx.is_empty());
    assert_eq!(app.focus, Focus::Messages, "the compose box did not open");
    let note = app.status.note.clone().unwrap().text;
    assert!(
        note.contains("needs the chat.messages or chat.messages.create scope"),
        "{note}"
    );
    assert!(note.contains("gchat auth login"), "{note}");
    // The help overlay lists them as unavailable, with the same reason.
    let help = help_text(&app);
    assert!(
        help.contains(
            "Reply in the selected message's thread (unavailable: needs the chat.messages"
        ),
        "{help}"
    );
    assert!(
        help.contains(
            "Delete the space (typed confirmation) (unavailable: needs the chat.delete scope"
        ),
        "{help}"
    );
    assert!(
        !help.contains("Open the selected space (unavailable"),
        "reading is allowed"
    );
}

#[test]
fn a_scope_error_names_the_scope_and_how_to_grant_it() {
    let mut app = app();
    ch(&mut app, 'a');
    typed(&mut app, "1004");
    key(&mut app, KeyCode::Enter);
    let mut e = server_error(
        403,
        "PERMISSION_DENIED",
        "Request had insufficient authentication scopes.",
    );
    if let ApiError::Server(s) = &mut e {
        s.reason = Some("ACCESS_TOKEN_SCOPE_INSUFFICIENT".into());
    }
    done(
        &mut app,
        Outcome::Members(MemberOutcome::MemberAdded {
            space: sn(TEAM),
            user: UserRef::Id("1004".into()),
            result: Err(e),
        }),
    );
    assert_eq!(
        app.dialog.as_ref().unwrap().error.as_deref(),
        Some("gchat's sign-in lacks the chat.memberships permission this needs. Run `gchat auth login` to grant it.")
    );
}

#[test]
fn signed_in_as_the_app_history_is_not_listed_and_limits_are_explained() {
    use gchat::app::{App, Identity};
    let mut app = App::new(
        Identity {
            user: None,
            name: None,
            is_app: true,
            scopes: Some(vec!["chat.bot".into()]),
        },
        settings(),
        gchat::keymap::Keymap::defaults(),
    );
    app.start();
    let space = Space {
        name: Some(TEAM.into()),
        space_type: Some(SpaceType::Space),
        display_name: Some("Team Rust".into()),
        ..Default::default()
    };
    let fx = done(
        &mut app,
        Outcome::Directory(gchat::app::DirectoryOutcome::Spaces {
            result: Ok(vec![space]),
        }),
    );
    assert!(
        !fx.iter().any(|e| matches!(
            e,
            Effect::Messages(gchat::app::MessagesEffect::LoadMessages { .. })
                | Effect::User(UserEffect::CountUnread { .. })
        )),
        "chat.bot cannot list messages: {fx:?}"
    );
    let screen = render(&app, 120, 30);
    assert!(
        screen.contains("A Chat app can't read a space's history"),
        "{screen}"
    );
    // It can post; the first answer tells it its own user id.
    ch(&mut app, 'i');
    typed(&mut app, "Deployed");
    let (local, cid, _, _) = sends(&key(&mut app, KeyCode::Enter))[0].clone();
    arrives(
        &mut app,
        &local,
        &cid,
        msg(TEAM, "A1", "A1", bot(), now(), "Deployed"),
    );
    assert_eq!(app.me.user.as_deref(), Some("users/9000"));
    key(&mut app, KeyCode::Esc);
    // Adding members is explained, not attempted.
    assert!(ch(&mut app, 'a').is_empty());
    let note = app.status.note.clone().unwrap().text;
    assert!(note.contains("a Chat app can't add itself"), "{note}");
    // Leaving needs the admin-approved scope.
    ch(&mut app, '1');
    assert!(ch(&mut app, 'L').is_empty());
    assert!(app
        .status
        .note
        .clone()
        .unwrap()
        .text
        .contains("chat.app.memberships"));
}

#[test]
fn leaving_a_space_removes_your_membership_and_the_space() {
    let mut app = app();
    ch(&mut app, '1');
    ch(&mut app, 'L');
    assert!(matches!(
        app.dialog.as_ref().map(|d| &d.kind),
        Some(Kind::LeaveSpace { .. })
    ));
    let fx = ch(&mut app, 'y');
    assert_eq!(
        fx,
        vec![Effect::Members(MemberEffect::RemoveMember {
            space: sn(TEAM),
            membership: msn(&format!("{TEAM}/members/1001"))
        })]
    );
    done(
        &mut app,
        Outcome::Members(MemberOutcome::MemberRemoved {
            space: sn(TEAM),
            membership: msn(&format!("{TEAM}/members/1001")),
            result: Ok(Membership::default()),
        }),
    );
    assert_eq!(
        app.status.note.as_ref().unwrap().text,
        "You left Team Rust."
    );
    assert!(app.space(TEAM).is_none());
    assert_eq!(app.current.as_deref(), Some(ENG), "another space opens");
}

#[test]
fn leaving_counts_even_if_the_dialog_was_closed_meanwhile() {
    let mut app = app();
    ch(&mut app, '1');
    ch(&mut app, 'L');
    let fx = ch(&mut app, 'y');
    assert_eq!(fx.len(), 1);
    key(&mut app, KeyCode::Esc);
    done(
        &mut app,
        Outcome::Members(MemberOutcome::MemberRemoved {
            space: sn(TEAM),
            membership: msn(&format!("{TEAM}/members/1001")),
            result: Ok(Membership::default()),
        }),
    );
    assert!(
        app.space(TEAM).is_none(),
        "the space left is gone from the list"
    );
}

#[test]
fn a_space_deleted_while_its_count_is_out_is_counted_again_when_it_comes_back() {
    // The group chat's unread count went out when the spaces loaded, and is not back.
    let mut app = app();
    let all = app.spaces.all.clone();
    done(
        &mut app,
        Outcome::Space(SpaceOutcome::SpaceDeleted {
            space: sn(GROUP),
            result: Ok(()),
        }),
    );
    assert!(app.space(GROUP).is_none());
    // Made again under the same name (or rejoined): it is a space like any other.
    // The next spaces list has it back: it is counted.
    let fx = app.update(Action::Tick(Instant::now() + Duration::from_secs(3600)));
    expect_effect!(
        fx,
        Effect::Directory(gchat::app::DirectoryEffect::PollSpaces {})
    );
    let fx = done(
        &mut app,
        Outcome::Directory(gchat::app::DirectoryOutcome::PolledSpaces { result: Ok(all) }),
    );
    expect_effect!(fx, Effect::User(UserEffect::CountUnread { space, .. }) | Effect::User(UserEffect::ReadUnread { space, .. }) if space == GROUP);
}

#[test]
fn yes_no_close_and_escape_follow_the_users_keymap() {
    let (keymap, problems) = gchat::keymap::Keymap::with_user(
        "[dialog]\nyes = [\"o\"]\nno = [\"x\"]\nclose = [\"c\"]\ncancel = [\"Ctrl-g\"]\n",
    );
    assert!(problems.is_empty(), "{problems:?}");
    let mut app = app();
    app.keymap = keymap;
    let select_t1 = |app: &mut gchat::app::App| {
        app.views.get_mut(TEAM).unwrap().selected = Some(Row::Msg {
            name: "spaces/AAAATeamRst/messages/T1.T1".into(),
            reply: false,
        });
    };
    select_t1(&mut app);
    ch(&mut app, 'd');
    assert!(ch(&mut app, 'y').is_empty(), "y is no longer yes");
    assert!(app.dialog.is_some());
    ch(&mut app, 'x');
    assert!(app.dialog.is_none(), "x answers no");
    ch(&mut app, 'd');
    let fx = ch(&mut app, 'o');
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::Messages(gchat::app::MessagesEffect::Delete { .. })]
        ),
        "{fx:?}"
    );
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Deleted {
            space: sn(TEAM),
            message: mn("spaces/AAAATeamRst/messages/T1.T1"),
            force: true,
            result: Ok(()),
        }),
    );
    assert!(app.dialog.is_none());

    // The help overlay closes with the dialog's cancel key, not with Esc any more.
    ch(&mut app, '?');
    assert!(app.help.is_some());
    key(&mut app, KeyCode::Esc);
    assert!(app.help.is_some(), "Esc is not bound to cancel here");
    ctrl(&mut app, 'g');
    assert!(app.help.is_none());

    // The space's details close with the user's key, and q no longer closes them.
    app.focus = Focus::Spaces;
    ch(&mut app, 'i');
    assert!(matches!(
        app.dialog.as_ref().map(|d| &d.kind),
        Some(Kind::SpaceInfo { .. })
    ));
    ch(&mut app, 'q');
    assert!(app.dialog.is_some(), "q is not bound to close");
    ch(&mut app, 'c');
    assert!(app.dialog.is_none());

    // And the help lists them.
    let help = gchat::keymap::Keymap::with_user("")
        .0
        .bindings(gchat::keymap::Mode::Dialog);
    for c in [
        gchat::keymap::Command::Yes,
        gchat::keymap::Command::No,
        gchat::keymap::Command::Close,
    ] {
        assert!(
            help.iter().any(|(cmd, keys)| *cmd == c && !keys.is_empty()),
            "{c:?}"
        );
    }
}

#[test]
fn the_demo_help_says_where_its_emulator_listens_and_how_to_act_as_someone_else() {
    let help = help_text;
    let mut app = app();
    assert!(!help(&app).contains("Demo: the workspace is served at"));
    app.settings.demo = true;
    app.settings.demo_endpoint = Some("http://127.0.0.1:43210".into());
    let text = help(&app);
    assert!(
        text.contains("Demo: the workspace is served at http://127.0.0.1:43210"),
        "{text}"
    );
    assert!(
        text.contains("Authorization: Bearer user:1002' http://127.0.0.1:43210/v1/spaces"),
        "{text}"
    );
}
