//! How long the status line's notes last, by the app's own clock (its ticks): a note says
//! what just happened and goes after a few seconds, an error stays until the next key (or
//! half a minute), a tick that changes nothing asks for no redraw, and an offer a note made
//! ("— o opens it") goes with its note. Moving a space to a section says what happened.

mod common;

use std::time::{Duration, Instant};

use common::fixture::*;
use common::steps::*;
use crossterm::event::KeyCode;

use gchat::app::user_requests::{UserEffect, UserOutcome};
use gchat::app::{Action, App, Effect, Focus, Outcome};

fn tick(app: &mut App, after: Duration) -> Vec<Effect> {
    app.update(Action::Tick(Instant::now() + after))
}

fn status_line(app: &App) -> String {
    render(app, 100, 24)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_note_goes_after_a_few_seconds_and_quiet_ticks_redraw_nothing() {
    let mut a = app();
    a.focus = Focus::Spaces;
    a.spaces.selected = Some(ENG.into());
    ch(&mut a, 'r');
    assert!(status_line(&a).contains("Marked"), "{}", status_line(&a));
    a.dirty = false;
    tick(&mut a, Duration::from_secs(2));
    assert!(status_line(&a).contains("Marked"), "still there after 2 s");
    assert!(!a.dirty, "a tick that changes nothing draws nothing");
    tick(&mut a, Duration::from_secs(9));
    assert!(a.dirty, "the note's going is drawn");
    assert!(!status_line(&a).contains("Marked"), "{}", status_line(&a));
}

#[test]
fn an_error_stays_until_the_next_key_or_half_a_minute() {
    let mut a = app();
    a.error("Could not do the thing: the server said no.");
    tick(&mut a, Duration::from_secs(20));
    assert!(
        status_line(&a).contains("server said no"),
        "{}",
        status_line(&a)
    );
    ch(&mut a, 'j');
    assert!(
        !status_line(&a).contains("server said no"),
        "a key clears it"
    );
    a.error("Could not do the thing: the server said no.");
    tick(&mut a, Duration::from_secs(31));
    assert!(
        !status_line(&a).contains("server said no"),
        "{}",
        status_line(&a)
    );
}

/// After "Saved to … — o opens it" has gone from the screen, `o` is the pane's own key
/// again: nothing the user cannot see any more opens a file.
#[test]
fn the_offer_to_open_a_saved_file_goes_with_its_note() {
    let mut a = app();
    a.focus = Focus::Messages;
    let path = std::path::PathBuf::from("/tmp/saved-report.pdf");
    let offer = |a: &mut App| {
        a.note(format!("Saved to {} (1 KB) — o opens it.", path.display()));
        a.files.offer_open = Some(path.clone());
    };
    let opens = |fx: &[Effect]| fx.iter().any(|e| matches!(e, Effect::Open { .. }));

    offer(&mut a);
    tick(&mut a, Duration::from_secs(9));
    assert!(!status_line(&a).contains("opens it"));
    assert!(!opens(&ch(&mut a, 'o')), "the note had gone");

    // Another note in its place: the offer is no longer on screen either.
    offer(&mut a);
    a.error("Could not load the members: the server is busy.");
    assert!(!opens(&ch(&mut a, 'o')), "the note was replaced");

    // While it shows, o opens the file.
    offer(&mut a);
    assert!(opens(&ch(&mut a, 'o')));
}

fn with_sections() -> App {
    let mut a = app();
    three_sections(&mut a);
    a.focus = Focus::Spaces;
    a.spaces.selected = Some(ENG.into());
    a
}

#[test]
fn moving_a_space_to_a_section_says_so_and_a_refusal_says_which_and_why() {
    let mut a = with_sections();
    ch(&mut a, 'S');
    let fx = key(&mut a, KeyCode::Enter);
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::User(UserEffect::MoveToSection { .. }))));
    let line = status_line(&a);
    assert!(line.contains("Moving 工程部 to Projects…"), "{line}");
    done(
        &mut a,
        Outcome::User(UserOutcome::Moved {
            space: sn(ENG),
            from: "users/1001/sections/default-spaces".into(),
            to: "users/1001/sections/projects".into(),
            result: Ok(()),
        }),
    );
    let screen = render(&a, 100, 24);
    let line = screen.lines().last().unwrap_or_default();
    assert!(line.contains("Moved 工程部 to Projects."), "{line}");
    let projects = screen.find("Projects").unwrap_or(usize::MAX);
    let eng = screen.find("工程部").unwrap_or(0);
    assert!(projects < eng, "listed under Projects:\n{screen}");

    let mut a = with_sections();
    ch(&mut a, 'S');
    key(&mut a, KeyCode::Enter);
    done(
        &mut a,
        Outcome::User(UserOutcome::Moved {
            space: sn(ENG),
            from: "users/1001/sections/default-spaces".into(),
            to: "users/1001/sections/projects".into(),
            result: Err(gchat::api::ApiError::Server(gchat::api::ServerError {
                code: 404,
                status: "NOT_FOUND".into(),
                message: "Section not found.".into(),
                field_violations: Vec::new(),
                reason: None,
                retry_after: None,
            })),
        }),
    );
    let line = status_line(&a);
    assert!(
        line.contains("Could not move 工程部 to Projects") && line.contains("not found"),
        "{line}"
    );
}
