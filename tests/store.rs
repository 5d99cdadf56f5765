//! The workspace store: what the server said of each space is held in one place per
//! space, so a space the user leaves leaves nothing of itself behind.

mod common;

use common::fixture::*;
use gchat::api::model::{Membership, MessagePin};
use gchat::app::react::ReactOutcome;
use gchat::app::{Effect, Outcome};

const L1: &str = "spaces/AAAATeamRst/messages/L1.L1";

fn leave(app: &mut gchat::app::App, space: &str) -> Vec<Effect> {
    done(
        app,
        Outcome::MemberRemoved {
            space: space.into(),
            membership: format!("{space}/members/1001"),
            result: Ok(Membership::default()),
        },
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
            space: TEAM.into(),
            result: Ok(vec![MessagePin {
                name: Some(format!("{TEAM}/messagePins/p1")),
                message: Some(L1.into()),
            }]),
        }),
    );
    assert!(app.react.is_pinned(TEAM, L1));
    leave(&mut app, TEAM);
    assert_eq!(
        app.status.note.as_ref().map(|n| n.text.as_str()),
        Some("You left Team Rust.")
    );
    assert!(!app.store.contains(TEAM), "one removal forgets it");
    assert!(app.store.names().all(|n| n.as_str() != TEAM));
    assert!(app.store.timeline(TEAM).is_none() && app.store.members(TEAM).is_none());
    assert!(!app.views.contains_key(TEAM));
    assert!(app.spaces.last_read(TEAM).is_none());
    // Its pins were the server's word about it too: gone with it.
    assert!(!app.react.is_pinned(TEAM, L1));
    assert!(!app.react.pins.contains_key(TEAM));
    assert!(!app.react.pins_loaded.contains(TEAM));
}

#[test]
fn a_space_left_and_joined_again_asks_its_pins_again() {
    let mut app = app();
    done(
        &mut app,
        Outcome::React(ReactOutcome::Pins {
            space: TEAM.into(),
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
    done(&mut app, Outcome::Spaces(Ok(spaces)));
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
