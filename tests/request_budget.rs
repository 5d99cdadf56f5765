//! The request budget of an idle gchat: flat in the number of spaces (one spaces list a
//! minute says which spaces moved), the open space backing off while nothing happens
//! (whether or not it has messages), and a 429 slowing every poll down.

mod common;

use std::time::Duration;

use common::idle::{run, Count};
use gchat::api::{ApiError, ServerError};
use gchat::app::Effect;

const MINUTES: u64 = 3;

fn none(_: &Effect, _: u64) -> Option<ApiError> {
    None
}

fn per_minute(c: &Count) -> f64 {
    c.total as f64 / MINUTES as f64
}

#[test]
fn idle_requests_do_not_grow_with_the_number_of_spaces() {
    let few = run(8, MINUTES, false, &none);
    let many = run(58, MINUTES, false, &none);
    let lots = run(500, MINUTES, false, &none);
    eprintln!(
        "requests a minute: 8 spaces {:.1}, 58 spaces {:.1}, 500 spaces {:.1}: {:?}",
        per_minute(&few),
        per_minute(&many),
        per_minute(&lots),
        lots.by_kind
    );
    assert_eq!(
        few.total, lots.total,
        "{:?} vs {:?}",
        few.by_kind, lots.by_kind
    );
    assert_eq!(many.total, lots.total);
    assert!(per_minute(&lots) <= 12.0, "{:?}", lots.by_kind);
    // No space but the open one is asked anything while nothing happens.
    assert_eq!(lots.by_space.len(), 1, "{:?}", lots.by_space);
    assert_eq!(lots.by_kind.get("messages.list (unread)"), None);
}

#[test]
fn an_open_space_with_no_messages_backs_off_like_any_other() {
    let empty = run(8, MINUTES, true, &none);
    let open = empty.by_space.values().sum::<usize>();
    // Polled every 5 s it would be 36 in three minutes; backed off to a minute, 3 or 4.
    assert!(open <= 5, "{:?}", empty.by_kind);
    let full = run(8, MINUTES, false, &none);
    assert_eq!(
        full.by_space.values().sum::<usize>(),
        open,
        "with or without messages"
    );
}

fn too_many(retry_after: Option<Duration>) -> ApiError {
    ApiError::Server(ServerError {
        code: 429,
        status: "RESOURCE_EXHAUSTED".into(),
        message: "Quota exceeded.".into(),
        field_violations: Vec::new(),
        reason: None,
        retry_after,
    })
}

#[test]
fn a_429_slows_every_poll_down() {
    let calm = run(8, 6, false, &none);
    // Throttled through the first minutes of the count: the spaces list and the open
    // space's polls alike are answered 429.
    let throttled = run(8, 6, false, &|_, minute| {
        (1..=3).contains(&minute).then(|| too_many(None))
    });
    eprintln!("calm {:?}\nthrottled {:?}", calm.by_kind, throttled.by_kind);
    assert!(
        throttled.total * 2 <= calm.total,
        "calm {} vs throttled {}",
        calm.total,
        throttled.total
    );
    assert!(
        throttled.by_kind.get("spaces.list") < calm.by_kind.get("spaces.list"),
        "the spaces list slows too: {:?} vs {:?}",
        throttled.by_kind,
        calm.by_kind
    );
}

#[test]
fn retry_after_holds_every_poll() {
    // One 429 asking for ten minutes' wait, at the first request of the count: nothing
    // is asked for the rest of the run (but what went out in the same instant).
    let asked = std::cell::Cell::new(false);
    let held = run(8, 5, false, &|_, minute| {
        (minute >= 1 && !asked.replace(true)).then(|| too_many(Some(Duration::from_secs(600))))
    });
    assert!(asked.get());
    assert!(held.total <= 2, "{:?}", held.by_kind);
}
