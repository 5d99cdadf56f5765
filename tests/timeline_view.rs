//! What the message pane says about messages as they arrive and in a thread on its
//! own: a live reply into a thread on screen is seen, not counted as news below, and a
//! reply from today reads the same in its thread as in the timeline.

mod common;

use common::fixture::*;
use crossterm::event::KeyCode;
use gchat::api::model::Message;
use gchat::app::timeline::Row;
use gchat::app::{App, Focus, Outcome};

fn open_team() -> App {
    let mut app = app();
    let mut fx = Vec::new();
    app.open_space(&sn(TEAM), &mut fx);
    app.focus = Focus::Messages;
    render(&app, 100, 30);
    app
}

fn poll(app: &mut App, msgs: Vec<Message>) {
    let after = app
        .store
        .timeline(TEAM)
        .expect("timeline")
        .watermark()
        .expect("listed");
    done(
        app,
        Outcome::Messages(gchat::app::MessagesOutcome::Polled {
            space: sn(TEAM),
            after,
            result: Ok(msgs.into_iter().map(Into::into).collect()),
        }),
    );
}

fn thread_id(app: &App) -> String {
    let Some(Row::Msg { name, .. }) = app.current_view().and_then(|v| v.selected.clone()) else {
        panic!("no message selected");
    };
    let tl = app.store.timeline(TEAM).expect("timeline");
    let th = tl
        .get(&name)
        .expect("selected is shown")
        .thread()
        .to_string();
    th.rsplit('/').next().expect("a thread id").to_string()
}

/// A thread open on its own, scrolled away from its end: a reply into it shows there,
/// and it is not "1 new message ↓" (nothing is below that the reader does not see).
#[test]
fn a_live_reply_into_the_open_thread_is_not_counted_as_new_below() {
    let mut app = open_team();
    for _ in 0..3 {
        ch(&mut app, 'k');
    }
    let th = thread_id(&app);
    key(&mut app, KeyCode::Enter);
    assert!(
        app.current_view().is_some_and(|v| v.thread.is_some()),
        "Enter opens the thread"
    );
    render(&app, 100, 30);
    // To its start: the view is anchored there, no longer pinned to the end.
    ch(&mut app, 'g');
    render(&app, 100, 30);
    assert!(app.current_view().is_some_and(|v| v.anchor.is_some()));
    poll(
        &mut app,
        vec![msg(
            TEAM,
            "LIVE1",
            &th,
            bob(),
            now(),
            "a live reply in view",
        )],
    );
    let screen = render(&app, 100, 30);
    assert!(screen.contains("a live reply in view"), "{screen}");
    assert!(!screen.contains("new message ↓"), "{screen}");
}

/// Scrolled up in the timeline with a thread expanded on screen: a reply into it is
/// seen where it lands; a new thread at the end is below and counted.
#[test]
fn a_live_reply_into_an_expanded_thread_on_screen_is_not_counted() {
    let mut app = open_team();
    for _ in 0..4 {
        ch(&mut app, 'k');
    }
    let th = thread_id(&app);
    app.views
        .get_mut(TEAM)
        .expect("view")
        .expanded
        .insert(format!("{TEAM}/threads/{th}"));
    // The view anchored where it is (scrolled up), drawn once.
    render(&app, 100, 30);
    assert!(app.current_view().is_some_and(|v| v.anchor.is_some()));
    poll(
        &mut app,
        vec![msg(TEAM, "LIVE2", &th, bob(), now(), "seen where it lands")],
    );
    let screen = render(&app, 100, 30);
    assert!(screen.contains("seen where it lands"), "{screen}");
    assert!(!screen.contains("new message ↓"), "{screen}");
    poll(
        &mut app,
        vec![msg(
            TEAM,
            "LIVE3",
            "LIVE3",
            bob(),
            now(),
            "below the screen",
        )],
    );
    let screen = render(&app, 100, 30);
    assert!(screen.contains("1 new message ↓"), "{screen}");
}

/// A reply from today, in a thread started yesterday: in the thread on its own the day
/// is said by the "Today" rule above it, and the reply shows its time alone.
#[test]
fn a_reply_from_today_shows_its_time_alone_in_the_thread_view() {
    let mut app = open_team();
    poll(
        &mut app,
        vec![
            msg(
                TEAM,
                "OLD1",
                "OLD1",
                wang(),
                at(20, 9, 0),
                "started yesterday",
            ),
            msg(
                TEAM,
                "NEW1",
                "OLD1",
                bob(),
                at(21, 11, 30),
                "answered today",
            ),
        ],
    );
    app.views.get_mut(TEAM).expect("view").thread = Some(format!("{TEAM}/threads/OLD1"));
    let screen = render(&app, 100, 30);
    let line = screen
        .lines()
        .find(|l| l.contains("11:30"))
        .unwrap_or_else(|| panic!("no reply header:\n{screen}"));
    assert!(screen.contains("Today"), "{screen}");
    assert!(
        !line.contains("Nov"),
        "the date again by the time: {line}\n{screen}"
    );
}
