//! The status bar's key hints offer only keys that apply to what is selected: `e` and
//! `d` on a message the user may edit or delete, `R` on a failed send; `Esc close` in
//! the spaces pane only while a filter is open.

mod common;

use common::fixture::*;
use crossterm::event::KeyCode;
use gchat::api::error::ServerError;
use gchat::api::ApiError;
use gchat::app::timeline::Row;
use gchat::app::{App, Effect, Focus, Outcome};

fn hints(app: &App) -> String {
    render(app, 240, 24)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string()
}

fn select(app: &mut App, id: &str) {
    let name = format!("{TEAM}/messages/{id}");
    let v = app.views.entry(TEAM.to_string()).or_default();
    v.selected = Some(Row::Msg {
        name: name.as_str().into(),
        reply: false,
    });
}

#[test]
fn another_persons_message_offers_neither_edit_nor_retry() {
    let mut a = app();
    a.focus = Focus::Messages;
    // Wang's message, selected at start; the user (Alice) manages the space.
    let line = hints(&a);
    assert!(!line.contains("edit"), "{line}");
    assert!(!line.contains("retry"), "{line}");
    assert!(line.contains("delete"), "a manager may delete any: {line}");
}

#[test]
fn the_users_own_message_offers_edit_but_not_retry() {
    let mut a = app();
    a.focus = Focus::Messages;
    select(&mut a, "T1.T2");
    let line = hints(&a);
    assert!(line.contains("edit"), "{line}");
    assert!(!line.contains("retry"), "{line}");
}

#[test]
fn a_failed_send_offers_retry() {
    let mut a = app();
    a.focus = Focus::Messages;
    ch(&mut a, 'i');
    typed(&mut a, "will fail");
    let fx = key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Esc);
    let (local, cid) = expect_effect!(fx, Effect::Messages(gchat::app::MessagesEffect::Send { local, client_id, .. }) => (local.clone(), client_id.clone()));
    done(
        &mut a,
        Outcome::Messages(gchat::app::MessagesOutcome::Sent {
            text: String::new(),
            thread: None,
            attachment: Vec::new(),
            space: sn(TEAM),
            local,
            client_id: cid,
            result: Err(ApiError::Server(ServerError {
                code: 400,
                status: "INVALID_ARGUMENT".into(),
                message: "no".into(),
                field_violations: Vec::new(),
                reason: None,
                retry_after: None,
            })),
        }),
    );
    a.focus = Focus::Messages;
    a.status.note = None;
    let line = hints(&a);
    assert!(line.contains("retry"), "{line}");
}

#[test]
fn the_spaces_pane_offers_esc_only_while_a_filter_is_set() {
    let mut a = app();
    a.focus = Focus::Spaces;
    let line = hints(&a);
    assert!(!line.contains("Esc close"), "{line}");
    // A filter typed earlier, its box closed: Esc clears it.
    a.spaces.filter = "team".into();
    a.spaces.filtering = false;
    let line = hints(&a);
    assert!(line.contains("Esc"), "{line}");
}
