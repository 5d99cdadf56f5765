//! Others' changes merged live into the open space (its `spaceEvents`): edits,
//! deletions, reactions and new messages keep the reader's place; the member list
//! follows joins, leaves and role changes; events already read are not read twice.

mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use common::fixture::*;
use gchat::api::model::*;
use gchat::api::sync_model::{EventType, SpaceEvent};
use gchat::app::timeline::Row;
use gchat::app::{Action, App, Effect, Outcome};

const W: u16 = 100;
const H: u16 = 18;

/// The text of the selected message.
fn selected_text(app: &App) -> String {
    let Some(Row::Msg { name, .. }) = app.current_view().unwrap().selected.clone() else {
        panic!("a message is selected");
    };
    app.current_timeline()
        .unwrap()
        .get(&name)
        .unwrap()
        .text()
        .unwrap()
        .to_string()
}

/// The screen line the first line of `text` is on.
fn line_of(screen: &str, text: &str) -> Option<usize> {
    let first: String = text.lines().next().unwrap_or("").chars().take(18).collect();
    screen.lines().position(|l| l.contains(&first))
}

/// Team Rust with older history loaded, scrolled up so that the first of the day's
/// messages (陈小明's) is on screen above the selected one (Bob's), drawn (so the app
/// knows its screen).
fn scrolled() -> App {
    let mut app = app();
    let fillers: Vec<Message> = (0..20)
        .map(|i| {
            let t = now() - chrono::Duration::days(5) + chrono::Duration::minutes(i);
            msg(
                TEAM,
                &format!("F{i}"),
                &format!("F{i}"),
                wang(),
                t,
                &format!("filler {i}"),
            )
        })
        .collect();
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Messages {
            space: sn(TEAM),
            kind: gchat::app::LoadKind::Older {
                before: now() - chrono::Duration::days(1),
            },
            result: Ok((fillers.into_iter().map(Into::into).collect(), false)),
        }),
    );
    render(&app, W, H);
    let on = |app: &App, id: &str| {
        matches!(&app.current_view().unwrap().selected,
            Some(Row::Msg { name, .. }) if name.ends_with(id))
    };
    for _ in 0..40 {
        if on(&app, "/X1.X1") {
            break;
        }
        ch(&mut app, 'k');
        render(&app, W, H);
    }
    assert!(on(&app, "/X1.X1"), "up to 陈小明's message");
    ch(&mut app, 'j');
    render(&app, W, H);
    assert!(on(&app, "/T1.T1"), "down to Bob's");
    assert!(app.current_view().unwrap().anchor.is_some(), "scrolled up");
    app
}

/// The messages above the selected one, nearest first.
fn above_selected(app: &App) -> Vec<Message> {
    let Some(Row::Msg { name, .. }) = app.current_view().unwrap().selected.clone() else {
        panic!("a message is selected");
    };
    let items = app.current_timeline().unwrap().items();
    let i = items.iter().position(|i| i.name() == &*name).unwrap();
    items.range(..i).rev().map(|i| i.to_message()).collect()
}

fn events(app: &mut App, events: Vec<SpaceEvent>) -> Vec<Effect> {
    done(
        app,
        Outcome::Messages(gchat::app::MessagesOutcome::Events {
            since: chrono::DateTime::UNIX_EPOCH,
            space: sn(TEAM),
            result: Ok(events),
        }),
    )
}

fn later(min: i64) -> chrono::DateTime<Utc> {
    now() + chrono::Duration::minutes(min)
}

#[test]
fn an_edit_above_the_reader_changes_the_text_and_not_their_place() {
    let mut app = scrolled();
    let screen = render(&app, W, H);
    let sel = selected_text(&app);
    let y = line_of(&screen, &sel).expect("the selected message is on screen");
    // The message just above it, on screen, grows by three lines.
    let mut edited = above_selected(&app)
        .into_iter()
        .find(|m| {
            !m.text.as_deref().unwrap_or("").is_empty()
                && line_of(&screen, m.text.as_deref().unwrap()).is_some()
        })
        .expect("a message above the selected one is on screen");
    edited.text = Some("EDITED one\nEDITED two\nEDITED three\nEDITED four".into());
    edited.last_update_time = Some(later(1));
    let fx = events(
        &mut app,
        vec![message_event(
            EventType::MessageUpdated,
            TEAM,
            1,
            later(1),
            edited,
        )],
    );
    assert!(
        fx.is_empty()
            || !fx.iter().any(|e| matches!(
                e,
                Effect::Messages(gchat::app::MessagesEffect::LoadMessages { .. })
            ))
    );
    let after = render(&app, W, H);
    assert!(after.contains("EDITED four"), "the edit shows:\n{after}");
    assert_eq!(selected_text(&app), sel, "the selection stays");
    assert_eq!(
        line_of(&after, &sel),
        Some(y),
        "the selected message stays on its screen line:\n{screen}\n---\n{after}"
    );
}

#[test]
fn a_deletion_above_the_reader_takes_the_message_off_and_keeps_their_place() {
    let mut app = scrolled();
    let screen = render(&app, W, H);
    let sel = selected_text(&app);
    let y = line_of(&screen, &sel).unwrap();
    let gone = above_selected(&app)
        .into_iter()
        .find(|m| {
            !m.text.as_deref().unwrap_or("").is_empty()
                && line_of(&screen, m.text.as_deref().unwrap()).is_some()
        })
        .unwrap();
    let text = gone.text.clone().unwrap();
    let name = gone.name.clone().unwrap();
    let deleted = Message {
        name: Some(name.clone()),
        create_time: gone.create_time,
        deletion_metadata: Some(DeletionMetadata {
            deletion_type: None,
        }),
        ..Default::default()
    };
    events(
        &mut app,
        vec![message_event(
            EventType::MessageDeleted,
            TEAM,
            1,
            later(1),
            deleted,
        )],
    );
    assert!(app.current_timeline().unwrap().get(&name).is_none());
    let after = render(&app, W, H);
    assert!(line_of(&after, &text).is_none(), "gone:\n{after}");
    assert_eq!(selected_text(&app), sel);
    assert_eq!(line_of(&after, &sel), Some(y), "{screen}\n---\n{after}");
}

#[test]
fn deleting_the_selected_message_moves_the_selection_to_a_neighbour() {
    let mut app = scrolled();
    let sel = match app.current_view().unwrap().selected.clone() {
        Some(Row::Msg { name, .. }) => name,
        _ => panic!(),
    };
    let deleted = Message {
        name: Some(sel.to_string()),
        deletion_metadata: Some(DeletionMetadata {
            deletion_type: None,
        }),
        ..Default::default()
    };
    events(
        &mut app,
        vec![message_event(
            EventType::MessageDeleted,
            TEAM,
            1,
            later(1),
            deleted,
        )],
    );
    let now_sel = app.current_view().unwrap().selected.clone();
    assert!(
        matches!(&now_sel, Some(Row::Msg { name, .. }) if *name != sel),
        "{now_sel:?}"
    );
    render(&app, W, H);
}

#[test]
fn a_new_message_below_a_scrolled_reader_is_counted_not_jumped_to() {
    let mut app = scrolled();
    let screen = render(&app, W, H);
    let sel = selected_text(&app);
    let y = line_of(&screen, &sel).unwrap();
    let new = msg(
        TEAM,
        "LIVE1",
        "LIVE1",
        bob(),
        later(1),
        "brand new from Bob",
    );
    events(
        &mut app,
        vec![message_event(
            EventType::MessageCreated,
            TEAM,
            1,
            later(1),
            new,
        )],
    );
    assert!(app
        .current_timeline()
        .unwrap()
        .get(&format!("{TEAM}/messages/LIVE1.LIVE1"))
        .is_some());
    assert_eq!(app.current_view().unwrap().new_below, 1, "counted below");
    let after = render(&app, W, H);
    assert_eq!(line_of(&after, &sel), Some(y), "{screen}\n---\n{after}");
}

#[test]
fn a_message_older_than_the_loaded_window_is_left_out() {
    let mut app = app();
    app.store.timeline_mut(TEAM).unwrap().has_older = true;
    let n = app.current_timeline().unwrap().len();
    let old = msg(
        TEAM,
        "OLD1",
        "OLD1",
        bob(),
        now() - chrono::Duration::days(10),
        "ancient",
    );
    events(
        &mut app,
        vec![message_event(
            EventType::MessageUpdated,
            TEAM,
            1,
            later(1),
            old,
        )],
    );
    assert_eq!(app.current_timeline().unwrap().len(), n, "no gap is filled");
}

#[test]
fn a_reaction_refreshes_that_message_only() {
    let mut app = app();
    let target = app.current_timeline().unwrap().items()[3].to_message();
    let name = target.name.clone().unwrap();
    let mut e = SpaceEvent {
        name: Some(format!("{TEAM}/spaceEvents/{:016}", 1)),
        event_time: Some(later(1)),
        event_type: Some(EventType::ReactionCreated),
        ..Default::default()
    };
    e.other.insert(
        "reactionCreatedEventData".into(),
        serde_json::json!({"reaction": {"name": format!("{name}/reactions/R1"),
            "emoji": {"unicode": "👍"}, "user": {"name": "users/1002"}}}),
    );
    // Two reactions on one message: one fetch.
    let mut e2 = e.clone();
    e2.name = Some(format!("{TEAM}/spaceEvents/{:016}", 2));
    let fx = events(&mut app, vec![e, e2]);
    let fetched: Vec<&Effect> = fx
        .iter()
        .filter(|e| {
            matches!(
                e,
                Effect::Messages(gchat::app::MessagesEffect::LoadMessage { .. })
            )
        })
        .collect();
    assert_eq!(
        fetched,
        vec![&Effect::Messages(gchat::app::MessagesEffect::LoadMessage {
            space: sn(TEAM),
            message: mn(&name)
        })]
    );
    let mut with = target.clone();
    with.emoji_reaction_summaries =
        vec![serde_json::json!({"emoji": {"unicode": "👍"}, "reactionCount": 1})];
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Message {
            space: sn(TEAM),
            message: mn(&name),
            result: Ok(with.clone()),
        }),
    );
    assert_eq!(
        app.current_timeline()
            .unwrap()
            .get(&name)
            .unwrap()
            .to_message()
            .emoji_reaction_summaries,
        with.emoji_reaction_summaries
    );
}

fn membership(u: User, role: MembershipRole) -> Membership {
    let id = u
        .name
        .clone()
        .unwrap()
        .trim_start_matches("users/")
        .to_string();
    Membership {
        name: Some(format!("{TEAM}/members/{id}")),
        state: Some(MembershipState::Joined),
        role: Some(role),
        member: Some(u),
        ..Default::default()
    }
}

#[test]
fn the_member_list_follows_joins_role_changes_and_leaves() {
    let mut app = app();
    let newcomer = user("1077", Some("Zelda Newcomer"));
    let before = render(&app, 140, 30);
    assert!(!before.contains("Zelda Newcomer"));
    events(
        &mut app,
        vec![member_event(
            EventType::MembershipCreated,
            TEAM,
            1,
            later(1),
            membership(newcomer.clone(), MembershipRole::Member),
        )],
    );
    let joined = render(&app, 140, 30);
    assert!(joined.contains("Zelda Newcomer"), "{joined}");
    events(
        &mut app,
        vec![member_event(
            EventType::MembershipUpdated,
            TEAM,
            2,
            later(2),
            membership(newcomer.clone(), MembershipRole::Manager),
        )],
    );
    let m = app
        .members_sorted(TEAM)
        .iter()
        .find(|m| m.member.as_ref().and_then(|u| u.name.as_deref()) == Some("users/1077"))
        .unwrap();
    assert_eq!(m.role, Some(MembershipRole::Manager));
    let promoted = render(&app, 140, 30);
    assert!(
        promoted
            .lines()
            .any(|l| l.contains("★") && l.contains("Zelda Newcomer")),
        "{promoted}"
    );
    let left = Membership {
        name: Some(format!("{TEAM}/members/1077")),
        state: Some(MembershipState::NotAMember),
        ..Default::default()
    };
    events(
        &mut app,
        vec![member_event(
            EventType::MembershipDeleted,
            TEAM,
            3,
            later(3),
            left,
        )],
    );
    let after = render(&app, 140, 30);
    assert!(!after.contains("Zelda Newcomer"), "{after}");
}

#[test]
fn events_resume_where_they_stopped_and_none_is_applied_twice() {
    let mut app = app();
    let tick =
        |app: &mut App, s: u64| app.update(Action::Tick(Instant::now() + Duration::from_secs(s)));
    let fx = tick(&mut app, 30);
    let first = find_effect!(fx, Effect::Messages(gchat::app::MessagesEffect::LoadEvents { since, .. }) => *since).unwrap();
    let new = msg(TEAM, "LIVE1", "LIVE1", bob(), later(1), "once");
    let e = message_event(EventType::MessageCreated, TEAM, 1, later(1), new);
    events(&mut app, vec![e.clone()]);
    let n = app.current_timeline().unwrap().len();
    // The next poll asks from just before the newest event read.
    let fx = tick(&mut app, 3600);
    let next = find_effect!(fx, Effect::Messages(gchat::app::MessagesEffect::LoadEvents { since, .. }) => *since).unwrap();
    assert!(next > first && next <= later(1), "{first} then {next}");
    // The same event listed again (the overlap) changes nothing; an edit of it after a
    // delete listed late does not bring it back.
    events(&mut app, vec![e.clone()]);
    assert_eq!(app.current_timeline().unwrap().len(), n);
    let name = format!("{TEAM}/messages/LIVE1.LIVE1");
    let deleted = Message {
        name: Some(name.clone()),
        deletion_metadata: Some(DeletionMetadata {
            deletion_type: None,
        }),
        ..Default::default()
    };
    events(
        &mut app,
        vec![message_event(
            EventType::MessageDeleted,
            TEAM,
            3,
            later(3),
            deleted,
        )],
    );
    let mut stale = msg(TEAM, "LIVE1", "LIVE1", bob(), later(1), "once, edited");
    stale.last_update_time = Some(later(2));
    events(
        &mut app,
        vec![message_event(
            EventType::MessageUpdated,
            TEAM,
            2,
            later(2),
            stale,
        )],
    );
    assert!(app.current_timeline().unwrap().get(&name).is_none());
}

#[test]
fn an_app_sign_in_polls_nothing_and_help_says_so() {
    let mut app = App::new(
        gchat::app::Identity {
            user: None,
            name: None,
            is_app: true,
            scopes: Some(vec!["chat.bot".into()]),
        },
        settings(),
        gchat::keymap::Keymap::defaults(),
    );
    app.start();
    assert!(!app.live_events());
    app.help = Some(999);
    let screen = render(&app, 120, 60);
    assert!(screen.contains("Live updates: an app"), "{screen}");
    let mut user_app = common::fixture::app();
    user_app.help = Some(999);
    let screen = render(&user_app, 120, 60);
    assert!(screen.contains("Live updates: new, edited"), "{screen}");
}

#[test]
fn a_quiet_space_backs_off_and_a_key_brings_the_poll_back() {
    let mut app = app();
    let base = Instant::now();
    let mut t = base;
    let mut gaps = Vec::new();
    let mut last = base;
    // Nothing happens: each poll comes later than the one before, up to a minute.
    for _ in 0..7 {
        let fx = loop {
            t += Duration::from_millis(250);
            let fx = app.update(Action::Tick(t));
            if fx.iter().any(|e| {
                matches!(
                    e,
                    Effect::Messages(gchat::app::MessagesEffect::LoadEvents { .. })
                )
            }) {
                break fx;
            }
            assert!(t - base < Duration::from_secs(600), "polled again");
        };
        gaps.push((t - last).as_secs());
        last = t;
        let space = find_effect!(fx, Effect::Messages(gchat::app::MessagesEffect::LoadEvents { space, .. }) => space.clone()).unwrap();
        done(
            &mut app,
            Outcome::Messages(gchat::app::MessagesOutcome::Events {
                since: chrono::DateTime::UNIX_EPOCH,
                space,
                result: Ok(vec![]),
            }),
        );
    }
    assert_eq!(gaps, [5, 10, 20, 40, 60, 60, 60], "{gaps:?}");
    // A key: the next poll is within the base interval again.
    ch(&mut app, 'k');
    let mut polled = None;
    for i in 1..=40 {
        let fx = app.update(Action::Tick(t + Duration::from_millis(250 * i)));
        if fx.iter().any(|e| {
            matches!(
                e,
                Effect::Messages(gchat::app::MessagesEffect::LoadEvents { .. })
            )
        }) {
            polled = Some(i);
            break;
        }
    }
    assert!(polled.is_some_and(|i| i <= 20), "{polled:?}");
}
