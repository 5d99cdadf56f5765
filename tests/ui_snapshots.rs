//! Every pane, dialog and the help overlay, drawn on ratatui's TestBackend at 80x24 and
//! 160x48 with CJK content, compared with the snapshots in tests/snapshots.

mod common;

use common::fixture::*;
use crossterm::event::KeyCode;
use gchat::app::member_requests::MemberOutcome;
use gchat::app::timeline::Row;
use gchat::app::{App, Outcome};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn snap(name: &str, make: impl Fn() -> App) {
    for (w, h) in SIZES {
        let app = make();
        let screen = render(&app, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen);
    }
}

#[test]
fn messages_pane_with_threads_cards_and_cjk() {
    snap("messages", app);
}

#[test]
fn a_long_thread_expanded() {
    snap("thread_expanded", || {
        let mut a = app();
        a.views
            .get_mut(TEAM)
            .unwrap()
            .expanded
            .insert("spaces/AAAATeamRst/threads/T1".into());
        a
    });
}

#[test]
fn a_thread_on_its_own() {
    snap("thread_view", || {
        let mut a = app();
        a.views.get_mut(TEAM).unwrap().selected = Some(Row::Msg {
            name: "spaces/AAAATeamRst/messages/T1.T1".into(),
            reply: false,
        });
        key(&mut a, KeyCode::Enter);
        a
    });
}

#[test]
fn spaces_pane_focused_and_filtered() {
    snap("spaces_filter", || {
        let mut a = app();
        ch(&mut a, '1');
        ch(&mut a, '/');
        typed(&mut a, "工");
        a
    });
}

#[test]
fn members_pane_focused() {
    snap("members", || {
        let mut a = app();
        ch(&mut a, '3');
        ch(&mut a, 'j');
        a
    });
}

#[test]
fn compose_replying_with_a_multiline_draft() {
    snap("compose_reply", || {
        let mut a = app();
        ch(&mut a, 'r');
        typed(&mut a, "好的 👍 *on it*");
        alt_enter(&mut a);
        typed(&mut a, "second line");
        a
    });
}

#[test]
fn a_failed_message_with_its_retry_hint() {
    snap("failed_send", || {
        let mut a = app();
        ch(&mut a, 'i');
        typed(&mut a, "这条消息没有发出去");
        let fx = key(&mut a, KeyCode::Enter);
        key(&mut a, KeyCode::Esc);
        let Some(gchat::app::Effect::Messages(gchat::app::MessagesEffect::Send {
            local,
            client_id,
            ..
        })) = fx.first().cloned()
        else {
            panic!("no send")
        };
        done(
            &mut a,
            Outcome::Messages(gchat::app::MessagesOutcome::Sent {
                text: String::new(),
                thread: None,
                attachment: Vec::new(),
                space: sn(TEAM),
                local,
                client_id,
                // Refused outright (a timeout would be sent again, not marked).
                result: Err(gchat::api::ApiError::Server(
                    gchat::api::error::ServerError {
                        code: 403,
                        status: "PERMISSION_DENIED".into(),
                        message: "You can no longer post in this space.".into(),
                        field_violations: Vec::new(),
                        reason: None,
                        retry_after: None,
                    },
                )),
            }),
        );
        a
    });
}

#[test]
fn the_add_member_dialog_with_an_error() {
    snap("dialog_add_member", || {
        let mut a = app();
        ch(&mut a, 'a');
        typed(&mut a, "王芳");
        key(&mut a, KeyCode::Enter);
        a
    });
}

#[test]
fn the_delete_message_dialog() {
    snap("dialog_delete_message", || {
        let mut a = app();
        a.views.get_mut(TEAM).unwrap().selected = Some(Row::Msg {
            name: "spaces/AAAATeamRst/messages/T1.T1".into(),
            reply: false,
        });
        ch(&mut a, 'd');
        a
    });
}

#[test]
fn the_create_space_dialog() {
    snap("dialog_create_space", || {
        let mut a = app();
        ch(&mut a, '1');
        ch(&mut a, 'c');
        typed(&mut a, "Rust 学习小组");
        key(&mut a, KeyCode::Tab);
        typed(&mut a, "每周五分享");
        a
    });
}

#[test]
fn the_delete_space_dialog() {
    snap("dialog_delete_space", || {
        let mut a = app();
        ch(&mut a, '1');
        ch(&mut a, 'D');
        a
    });
}

#[test]
fn the_remove_member_dialog() {
    snap("dialog_remove_member", || {
        let mut a = app();
        ch(&mut a, '3');
        ch(&mut a, 'j');
        ch(&mut a, 'j');
        ch(&mut a, 'x');
        a
    });
}

#[test]
fn the_space_info_dialog() {
    snap("dialog_space_info", || {
        let mut a = app();
        ch(&mut a, 'I');
        a
    });
}

#[test]
fn long_space_details_wrap_under_their_values() {
    let mut a = app();
    let team = a
        .spaces
        .all
        .iter_mut()
        .find(|s| s.name.as_deref() == Some(TEAM))
        .unwrap();
    team.space_details.as_mut().unwrap().description = Some(
        "Everything about our Rust services: releases, reviews, questions, and the on-call rota."
            .into(),
    );
    ch(&mut a, 'I');
    let screen = render(&a, 80, 24);
    let lines: Vec<&str> = screen.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("Description"))
        .unwrap_or_else(|| panic!("no description row in\n{screen}"));
    let inside = |l: &str| l.split('│').nth(2).unwrap_or("").trim_end().to_string();
    assert_eq!(
        inside(lines[at]),
        "Description Everything about our Rust services: releases, reviews,"
    );
    assert_eq!(
        inside(lines[at + 1]),
        "            questions, and the on-call rota."
    );
}

#[test]
fn the_help_overlay() {
    snap("help", || {
        let mut a = app();
        ch(&mut a, '?');
        a
    });
}

#[test]
fn help_scrolled_to_the_end() {
    snap("help_end", || {
        let mut a = app();
        ch(&mut a, '?');
        for _ in 0..30 {
            key(&mut a, KeyCode::PageDown);
        }
        a
    });
}

#[test]
fn members_hidden_and_a_pane_zoomed() {
    snap("members_hidden", || {
        let mut a = app();
        ch(&mut a, 'M');
        a
    });
    snap("zoomed", || {
        let mut a = app();
        ch(&mut a, 'z');
        a
    });
}

#[test]
fn too_small_a_terminal() {
    let a = app();
    insta::assert_snapshot!("too_small_29x24", render(&a, 29, 24));
    insta::assert_snapshot!("too_small_100x7", render(&a, 100, 7));
}

#[test]
fn the_quit_question_with_messages_still_sending() {
    snap("dialog_quit_sending", || {
        let mut a = app();
        ch(&mut a, 'i');
        for text in ["on its way", "也在路上"] {
            typed(&mut a, text);
            key(&mut a, KeyCode::Enter);
        }
        key(&mut a, KeyCode::Esc);
        ch(&mut a, 'q');
        a
    });
}

/// Terminal controls, a carriage return, a tab, a C1 CSI and a right-to-left override, in
/// a message, a card, a person's name, a space's name and a server's error.
const EVIL: &str = "\x1b]0;PWNED\x07\x1b]52;c;cHduZWQ=\x07\x1b[2J\r\u{9b}31m\u{202e}gnp.exe\tend";

/// The fixture, after someone hostile has posted, joined, named a space and the server
/// has answered with an error, all carrying [`EVIL`].
fn hostile_app() -> App {
    use gchat::api::model::*;
    use gchat::api::{ApiError, ServerError};
    use gchat::app::LoadKind;
    let mut a = app();
    let mallory = User {
        name: Some("users/1066".into()),
        display_name: Some(format!("Mallory{EVIL}")),
        user_type: Some(UserType::Human),
        ..Default::default()
    };
    let mut spaces = a.spaces.all.clone();
    spaces.push(Space {
        name: Some("spaces/AAAAEvilSpce".into()),
        space_type: Some(SpaceType::Space),
        display_name: Some(format!("Evil{EVIL}")),
        last_active_time: Some(now()),
        ..Default::default()
    });
    done(
        &mut a,
        Outcome::Directory(gchat::app::DirectoryOutcome::Spaces { result: Ok(spaces) }),
    );
    let mut members = team_members();
    members.push(Membership {
        name: Some(format!("{TEAM}/members/1066")),
        member: Some(mallory.clone()),
        role: Some(MembershipRole::Member),
        state: Some(MembershipState::Joined),
        ..Default::default()
    });
    done(
        &mut a,
        Outcome::Members(MemberOutcome::Members {
            space: sn(TEAM),
            result: Ok(members),
            show_invited: true,
        }),
    );
    let mut m = msg(
        TEAM,
        "H1",
        "H1",
        mallory,
        now() - chrono::Duration::minutes(1),
        &format!("hi {EVIL}\n\tindented <https://e.com/{EVIL}|link{EVIL}>"),
    );
    m.cards_v2 = vec![serde_json::from_value(serde_json::json!({
        "cardId": "evil",
        "card": {"header": {"title": format!("Card{EVIL}")},
                 "sections": [{"widgets": [
                    {"decoratedText": {"topLabel": EVIL, "text": format!("<b>{EVIL}</b>")}},
                    {"buttonList": {"buttons": [{"text": EVIL, "onClick": {"openLink": {"url": EVIL}}}]}}
                 ]}]}
    }))
    .unwrap()];
    done(
        &mut a,
        Outcome::Messages(gchat::app::MessagesOutcome::Polled {
            space: sn(TEAM),
            after: now() - chrono::Duration::hours(1),
            result: Ok(vec![m].into_iter().map(Into::into).collect()),
        }),
    );
    done(
        &mut a,
        Outcome::Messages(gchat::app::MessagesOutcome::Messages {
            space: sn(TEAM),
            kind: LoadKind::Older { before: now() },
            result: Err(ApiError::Server(ServerError {
                code: 403,
                status: "PERMISSION_DENIED".into(),
                message: format!("denied{EVIL}"),
                field_violations: Vec::new(),
                reason: None,
                retry_after: None,
            })),
        }),
    );
    a
}

#[test]
fn hostile_text_is_shown_not_obeyed() {
    snap("hostile", hostile_app);
    for (w, h) in SIZES {
        let screen = render(&hostile_app(), w, h);
        let bad: Vec<char> = screen
            .chars()
            .filter(|c| (c.is_control() && *c != '\n') || ('\u{202a}'..='\u{202e}').contains(c))
            .collect();
        assert!(bad.is_empty(), "{bad:?} on screen at {w}x{h}:\n{screen}");
        for want in ["Evil␛]0;", "Mallory␛]0;", "denied␛]0;PWNED␇"] {
            assert!(
                screen.contains(want),
                "{want} missing at {w}x{h}:\n{screen}"
            );
        }
    }
    // The message, whole, in the big window.
    let screen = render(&hostile_app(), 160, 48);
    assert!(
        screen.contains("hi ␛]0;PWNED␇␛]52;c;cHduZWQ=␇␛[2J␍\u{fffd}31mgnp.exe   end"),
        "{screen}"
    );
    assert!(
        screen.contains("    indented"),
        "the tab is spaces:\n{screen}"
    );
}
