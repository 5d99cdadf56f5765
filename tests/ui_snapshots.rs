//! Every pane, dialog and the help overlay, drawn on ratatui's TestBackend at 80x24 and
//! 160x48 with CJK content, compared with the snapshots in tests/snapshots.

mod common;

use common::fixture::*;
use crossterm::event::KeyCode;
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
        let Some(gchat::app::Effect::Send {
            local, client_id, ..
        }) = fx.first().cloned()
        else {
            panic!("no send")
        };
        done(
            &mut a,
            Outcome::Sent {
                space: TEAM.into(),
                local,
                client_id,
                result: Err(gchat::api::ApiError::Timeout),
            },
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
        for _ in 0..12 {
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
