//! Reviewer findings on polling, read state, removal, search, sections and conversations:
//! each fix with the test that broke on the old code.

mod common;

use std::time::{Duration, Instant};

use common::fixture::*;
use gchat::api::{ApiError, ServerError};
use gchat::app::{Action, Effect, Outcome};

fn slow_down(secs: u64) -> ApiError {
    ApiError::Server(ServerError {
        code: 429,
        status: "RESOURCE_EXHAUSTED".into(),
        message: "Too many requests.".into(),
        field_violations: Vec::new(),
        reason: None,
        retry_after: Some(Duration::from_secs(secs)),
    })
}

/// Ticks at `t` and answers the open space's poll with `e`.
fn poll_answered_with(app: &mut gchat::app::App, t: Instant, e: ApiError) {
    let fx = app.update(Action::Tick(t));
    let space = fx
        .iter()
        .find_map(|e| match e {
            Effect::LoadEvents { space, .. } => Some(space.clone()),
            _ => None,
        })
        .expect("the open space is polled");
    done(
        app,
        Outcome::Events {
            space,
            result: Err(e),
        },
    );
}

fn polls(fx: &[Effect]) -> bool {
    fx.iter()
        .any(|e| matches!(e, Effect::LoadEvents { .. } | Effect::PollSpaces))
}

#[test]
fn a_hostile_retry_after_neither_crashes_nor_says_synced_and_a_key_ends_the_wait() {
    let mut app = app();
    let t = Instant::now() + Duration::from_secs(30);
    poll_answered_with(&mut app, t, slow_down(u64::MAX));
    let screen = render(&app, 120, 30);
    assert!(
        screen.contains("waiting") && screen.contains("slow down"),
        "{screen}"
    );
    assert!(!screen.contains("synced"), "{screen}");
    // Held: the next ticks poll nothing, and the wait is minutes, not centuries.
    assert!(!polls(
        &app.update(Action::Tick(t + Duration::from_secs(60)))
    ));
    assert!(polls(
        &app.update(Action::Tick(t + Duration::from_secs(60 * 60)))
    ));
}

#[test]
fn the_user_asking_ends_a_long_hold() {
    let mut app = app();
    let t = Instant::now() + Duration::from_secs(30);
    poll_answered_with(&mut app, t, slow_down(3600));
    assert!(!polls(
        &app.update(Action::Tick(t + Duration::from_secs(1)))
    ));
    assert!(render(&app, 120, 30).contains("waiting"));
    ctrl(&mut app, 'r');
    let screen = render(&app, 120, 30);
    assert!(!screen.contains("waiting"), "{screen}");
    assert!(
        polls(&app.update(Action::Tick(t + Duration::from_secs(2)))),
        "the user asked: polling resumes"
    );
}
