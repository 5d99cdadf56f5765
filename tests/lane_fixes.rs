//! Reviewer findings on polling, read state, removal, search, sections and conversations:
//! each fix with the test that broke on the old code.

mod common;

use std::time::{Duration, Instant};

use common::fixture::*;
use gchat::api::{ApiError, ServerError};
use gchat::app::space_requests::SpaceOutcome;
use gchat::app::user_requests::{UserEffect, UserOutcome};
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
            Effect::Messages(gchat::app::MessagesEffect::LoadEvents { space, .. }) => {
                Some(space.clone())
            }
            _ => None,
        })
        .expect("the open space is polled");
    done(
        app,
        Outcome::Messages(gchat::app::MessagesOutcome::Events {
            since: chrono::DateTime::UNIX_EPOCH,
            space,
            result: Err(e),
        }),
    );
}

fn polls(fx: &[Effect]) -> bool {
    fx.iter().any(|e| {
        matches!(
            e,
            Effect::Messages(gchat::app::MessagesEffect::LoadEvents { .. })
                | Effect::Directory(gchat::app::DirectoryEffect::PollSpaces {})
        )
    })
}

#[test]
fn a_hostile_retry_after_neither_crashes_nor_says_synced() {
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
    // Moving about or typing does not undo the server's request.
    for c in ['j', 'k', 'i', 'x'] {
        ch(&mut app, c);
    }
    assert!(!polls(
        &app.update(Action::Tick(t + Duration::from_secs(2)))
    ));
    assert!(render(&app, 120, 30).contains("waiting"));
    app.update(Action::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Esc,
        crossterm::event::KeyModifiers::NONE,
    )));
    ctrl(&mut app, 'r');
    let screen = render(&app, 120, 30);
    assert!(!screen.contains("waiting"), "{screen}");
    assert!(
        polls(&app.update(Action::Tick(t + Duration::from_secs(2)))),
        "the user asked: polling resumes"
    );
}

fn open(app: &mut gchat::app::App, space: &str) -> Vec<Effect> {
    let mut fx = Vec::new();
    app.open_space(&common::fixture::sn(space), &mut fx);
    fx
}

#[test]
fn reopening_a_space_with_unread_messages_fetches_them_at_once_under_the_divider() {
    use gchat::api::sync_model::EventType;
    use gchat::app::LoadKind;
    let mut app = app();
    open(&mut app, ENG);
    let old = vec![
        msg(ENG, "E0", "E0", bob(), at(21, 10, 0), "earlier"),
        msg(ENG, "E1", "E1", wang(), at(21, 11, 0), "大家好"),
    ];
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Messages {
            space: sn(ENG),
            kind: LoadKind::Latest,
            result: Ok((old.into_iter().map(Into::into).collect(), false)),
        }),
    );
    open(&mut app, TEAM);
    // Bob posts twice in ENG while Team Rust is open; the count says so.
    let new = vec![
        msg(ENG, "E2", "E2", bob(), at(21, 11, 58), "first new"),
        msg(ENG, "E3", "E3", bob(), at(21, 11, 59), "second new"),
    ];
    done(
        &mut app,
        Outcome::User(UserOutcome::Unread {
            space: sn(ENG),
            result: Ok(new.clone()),
            after: None,
        }),
    );
    assert_eq!(app.unread(ENG), 2);
    let fx = open(&mut app, ENG);
    let asked = fx.iter().find_map(|e| match e {
        Effect::Messages(gchat::app::MessagesEffect::LoadEvents { space, .. }) if space == ENG => {
            Some(true)
        }
        Effect::Messages(gchat::app::MessagesEffect::PollMessages { space, .. })
            if space == ENG =>
        {
            Some(false)
        }
        _ => None,
    });
    let events = asked.expect("opening fetches what is new at once, not at the next poll");
    if events {
        let evs = new
            .iter()
            .enumerate()
            .map(|(i, m)| {
                message_event(
                    EventType::MessageCreated,
                    ENG,
                    10 + i as u32,
                    m.create_time.unwrap(),
                    m.clone(),
                )
            })
            .collect();
        done(
            &mut app,
            Outcome::Messages(gchat::app::MessagesOutcome::Events {
                since: chrono::DateTime::UNIX_EPOCH,
                space: sn(ENG),
                result: Ok(evs),
            }),
        );
    } else {
        done(
            &mut app,
            Outcome::Messages(gchat::app::MessagesOutcome::Polled {
                space: sn(ENG),
                after: at(21, 11, 0),
                result: Ok(new.into_iter().map(Into::into).collect()),
            }),
        );
    }
    let screen = render(&app, 120, 30);
    assert!(screen.contains("first new"), "{screen}");
    assert!(screen.contains("New messages"), "{screen}");
    let from = app.current_view().unwrap().unread_from.clone();
    assert!(
        from.is_some_and(|n| n.ends_with("E2.E2")),
        "the divider above the first new one"
    );
}

fn not_found() -> ApiError {
    ApiError::Server(ServerError {
        code: 404,
        status: "NOT_FOUND".into(),
        message: "Space not found.".into(),
        field_violations: Vec::new(),
        reason: None,
        retry_after: None,
    })
}

#[test]
fn removed_from_the_open_space_selects_the_next_without_opening_or_reading_it() {
    let mut app = app();
    assert_eq!(app.unread(ENG), 1);
    let fx = done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Events {
            since: chrono::DateTime::UNIX_EPOCH,
            space: sn(TEAM),
            result: Err(not_found()),
        }),
    );
    assert_eq!(app.current, None, "nothing else is opened");
    assert!(
        !fx.iter().any(|e| matches!(
            e,
            Effect::Messages(gchat::app::MessagesEffect::LoadMessages { .. })
                | Effect::Messages(gchat::app::MessagesEffect::LoadEvents { .. })
                | Effect::User(UserEffect::GetReadState { .. })
        )),
        "{fx:?}"
    );
    assert!(
        !fx.iter().any(|e| format!("{e:?}").contains("ReadState")),
        "no read state moves: {fx:?}"
    );
    assert_eq!(app.unread(ENG), 1, "still unread");
    assert!(app.spaces.selected.is_some(), "the next space is selected");
    let screen = render(&app, 120, 30);
    assert!(
        screen.contains("no longer a member of Team Rust"),
        "{screen}"
    );
    // Opening another space says no more of it.
    open(&mut app, ENG);
    assert!(!render(&app, 120, 30).contains("no longer a member"));
}

#[test]
fn a_search_result_deleted_since_says_so_and_stays_in_the_space() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use gchat::api::sync_model::{SearchMessageResult, SearchMessagesResponse};
    use gchat::app::LoadKind;
    let mut app = app();
    ctrl(&mut app, 'f');
    typed(&mut app, "zebrathree");
    app.update(Action::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
    let hit = msg(TEAM, "Z1", "Z1", bob(), at(21, 11, 59), "zebrathree");
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Searched {
            filter: "zebrathree".into(),
            page_token: None,
            result: Ok(SearchMessagesResponse {
                results: vec![SearchMessageResult {
                    message: Some(hit),
                    ..Default::default()
                }],
                next_page_token: None,
            }),
        }),
    );
    // Bob deletes it; then Enter on the result.
    let fx = app.update(Action::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
    let thread = fx
        .iter()
        .find_map(|e| match e {
            Effect::Messages(gchat::app::MessagesEffect::LoadMessages {
                kind: LoadKind::Thread { thread },
                ..
            }) => Some(thread.clone()),
            _ => None,
        })
        .expect("the thread is loaded");
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Messages {
            space: sn(TEAM),
            kind: LoadKind::Thread { thread },
            result: Ok((vec![], false)),
        }),
    );
    assert_eq!(app.current.as_deref(), Some(TEAM));
    let v = app.current_view().unwrap();
    assert_eq!(v.thread, None, "no empty thread view");
    assert!(v.selected.is_some(), "a message of the space is selected");
    let note = app.status.note.clone().map(|n| n.text).unwrap_or_default();
    assert!(note.contains("That message was deleted"), "{note}");
    let screen = render(&app, 120, 30);
    assert!(!screen.contains("Thread in"), "{screen}");
    assert!(screen.contains("That message was deleted"), "{screen}");
}

#[test]
fn a_folded_section_shows_its_unread_count_and_a_mention_mark() {
    use crossterm::event::KeyCode;
    use gchat::api::model::{Annotation, UserMentionMetadata};
    use gchat::api::sync_model::{Section, SectionType};
    let mut app = app();
    let section = |id: &str, kind: SectionType, name: Option<&str>| Section {
        name: Some(format!("users/1001/sections/{id}")),
        display_name: name.map(String::from),
        sort_order: None,
        section_type: Some(kind),
    };
    let list = vec![
        section("projects", SectionType::Custom, Some("Projects")),
        section(
            "default-direct-messages",
            SectionType::DefaultDirectMessages,
            None,
        ),
        section("default-spaces", SectionType::DefaultSpaces, None),
    ];
    let placed = vec![(ENG.to_string(), "users/1001/sections/projects".to_string())];
    done(
        &mut app,
        Outcome::User(UserOutcome::Sections {
            result: Ok((list, placed)),
        }),
    );
    let mut asks = msg(ENG, "E9", "E9", bob(), at(21, 11, 30), "@Alice Chen look");
    asks.annotations = vec![Annotation {
        user_mention: Some(UserMentionMetadata {
            user: Some(alice()),
            ..Default::default()
        }),
        ..Default::default()
    }];
    done(
        &mut app,
        Outcome::User(UserOutcome::Unread {
            space: sn(ENG),
            result: Ok(vec![
                msg(ENG, "E1", "E1", wang(), at(21, 11, 0), "大家好"),
                asks,
            ]),
            after: None,
        }),
    );
    assert_eq!(app.unread(ENG), 2);
    // Fold Projects: its header is the first row.
    ch(&mut app, '1');
    ch(&mut app, 'g');
    key(&mut app, KeyCode::Char(' '));
    let screen = render(&app, 80, 16);
    let header = screen
        .lines()
        .find(|l| l.contains("▸ Projects"))
        .unwrap_or_else(|| panic!("folded: {screen}"))
        .split('│')
        .nth(1)
        .unwrap_or_default()
        .to_string();
    assert!(header.contains('2'), "the count: {screen}");
    assert!(header.contains('@'), "the mention mark: {screen}");
    assert!(!screen.contains("工程部"), "folded away: {screen}");
}

#[test]
fn a_conversation_started_here_stays_listed_until_the_server_lists_it() {
    use gchat::api::model::{Space, SpaceType};
    const NEW: &str = "spaces/NEWDMDmitri";
    let mut app = app();
    done(
        &mut app,
        Outcome::Space(SpaceOutcome::ConversationStarted {
            request_id: "request-1".into(),
            people: vec![],
            result: Ok(Space {
                name: Some(NEW.into()),
                space_type: Some(SpaceType::DirectMessage),
                ..Default::default()
            }),
        }),
    );
    assert!(app.space(NEW).is_some());
    // The next spaces list leaves it out: no message was sent in it yet.
    let without: Vec<Space> = app
        .spaces
        .all
        .iter()
        .filter(|s| s.name.as_deref() != Some(NEW))
        .cloned()
        .collect();
    done(
        &mut app,
        Outcome::Directory(gchat::app::DirectoryOutcome::Spaces {
            result: Ok(without.clone()),
        }),
    );
    assert!(
        app.space(NEW).is_some(),
        "kept: the user can come back to it"
    );
    assert!(
        app.visible_spaces()
            .iter()
            .any(|s| s.name.as_deref() == Some(NEW)),
        "shown in the list"
    );
    // Listed once it has a message; then a list without it means it is gone.
    let mut with = without.clone();
    with.push(Space {
        name: Some(NEW.into()),
        space_type: Some(SpaceType::DirectMessage),
        ..Default::default()
    });
    done(
        &mut app,
        Outcome::Directory(gchat::app::DirectoryOutcome::Spaces { result: Ok(with) }),
    );
    assert!(app.space(NEW).is_some());
    done(
        &mut app,
        Outcome::Directory(gchat::app::DirectoryOutcome::Spaces {
            result: Ok(without),
        }),
    );
    assert!(app.space(NEW).is_none(), "no longer kept once listed");
}
