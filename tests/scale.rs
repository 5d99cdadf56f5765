//! Work proportional to the change: what a big space's timeline does with a poll that
//! finds nothing, an older page, a live message and a send interleaved.

use chrono::{TimeZone, Utc};
use gchat::api::model::{Message, Space, SpaceType, Thread, User};
use gchat::app::timeline::Timeline;
use gchat::app::{Action, App, Clock, Identity, LoadKind, Outcome, Settings, Zone};
use gchat::keymap::Keymap;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const SPACE: &str = "spaces/AAAAScale01";

fn msg(id: &str, thread: &str, reply: bool, minute: i64) -> Message {
    Message {
        name: Some(format!("{SPACE}/messages/{id}")),
        text: Some(id.to_string()),
        sender: Some(User {
            name: Some("users/1002".into()),
            ..Default::default()
        }),
        create_time: Some(
            Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::minutes(minute),
        ),
        thread: Some(Thread {
            name: Some(format!("{SPACE}/threads/{thread}")),
            thread_key: None,
        }),
        thread_reply: reply,
        ..Default::default()
    }
}

fn order(t: &Timeline) -> Vec<String> {
    t.items()
        .iter()
        .map(|i| i.text().unwrap_or_default().to_string())
        .collect()
}

/// Every item is found under its own name (the name index is right).
fn index_right(t: &Timeline) {
    for it in t.items() {
        let found = t.get(it.name()).expect("indexed");
        assert_eq!(found.name(), it.name());
        assert_eq!(found.text(), it.text());
    }
}

#[test]
fn merging_nothing_new_keeps_the_version() {
    let mut t = Timeline::default();
    t.merge(vec![msg("a", "a", false, 1), msg("b", "b", false, 2)]);
    let v = t.version;
    assert_eq!(t.merge(Vec::<Message>::new()), 0);
    assert_eq!(t.version, v, "an empty poll changed the version");
    assert_eq!(t.merge(vec![msg("b", "b", false, 2)]), 0);
    assert_eq!(
        t.version, v,
        "the same message listed again changed the version"
    );
    let mut edited = msg("b", "b", false, 2);
    edited.text = Some("b, edited".into());
    edited.last_update_time = Some(Utc.with_ymd_and_hms(2026, 1, 2, 0, 0, 0).unwrap());
    t.merge(vec![edited]);
    assert!(t.version > v, "an edit must change the version");
}

#[test]
fn older_pages_live_messages_and_sends_interleave_in_time_order() {
    let mut t = Timeline::default();
    // The newest page.
    t.merge(
        (50..60)
            .map(|m| msg(&format!("m{m}"), "t", m != 50, m))
            .collect(),
    );
    // A send in flight: its local copy stays last.
    let mut local = msg("x", "x", false, 0);
    local.name = Some("local/1".into());
    local.text = Some("sending".into());
    t.add_local(
        local,
        gchat::api::ClientMessageId::parse("client-1").expect("a valid client id"),
    );
    // An older page, given newest first.
    t.merge(
        (40..50)
            .rev()
            .map(|m| msg(&format!("m{m}"), "s", m != 40, m))
            .collect(),
    );
    // A live message after the newest.
    t.merge(vec![msg("m61", "u", false, 61)]);
    // A page that straddles: one older than all, one in the middle, one duplicate.
    t.merge(vec![
        msg("m30", "r", false, 30),
        msg("m45b", "s", true, 45),
        msg("m41", "s", true, 41),
    ]);
    // The send's answer comes back.
    let mut back = msg("m62", "x", false, 62);
    back.client_assigned_message_id = Some("client-1".into());
    t.merge(vec![back]);
    let got = order(&t);
    let mut want: Vec<String> = vec!["m30".into()];
    for m in 40..60 {
        want.push(format!("m{m}"));
        if m == 45 {
            want.push("m45b".into());
        }
    }
    want.extend(["m61".into(), "m62".into()]);
    assert_eq!(got, want);
    assert!(t.get("local/1").is_none(), "the local copy was replaced");
    index_right(&t);
    // A delete in the middle keeps the index right.
    t.deleted(&format!("{SPACE}/messages/m45"));
    assert_eq!(t.len(), want.len() - 1);
    index_right(&t);
}

#[test]
fn a_message_listed_twice_in_one_page_is_kept_once() {
    let mut t = Timeline::default();
    t.merge(vec![msg("a", "a", false, 5)]);
    let n = t.merge(vec![msg("b", "b", false, 1), msg("b", "b", false, 1)]);
    assert_eq!(n, 1);
    assert_eq!(order(&t), ["b", "a"]);
    index_right(&t);
}

fn app() -> App {
    let mut app = App::new(
        Identity {
            user: Some("users/1001".into()),
            name: Some("Me".into()),
            is_app: false,
            scopes: None,
        },
        Settings {
            zone: Zone::Fixed(chrono::FixedOffset::east_opt(0).unwrap()),
            clock: Clock::Fixed(Utc.with_ymd_and_hms(2026, 1, 2, 0, 0, 0).unwrap()),
            ..Default::default()
        },
        Keymap::defaults(),
    );
    app.start();
    app.update(Action::Done(Box::new(Outcome::Directory(
        gchat::app::DirectoryOutcome::Spaces {
            result: Ok(vec![Space {
                name: Some(SPACE.into()),
                space_type: Some(SpaceType::Space),
                display_name: Some("Scale".into()),
                ..Default::default()
            }]),
        },
    ))));
    app.update(Action::Done(Box::new(Outcome::Messages(
        gchat::app::MessagesOutcome::Messages {
            space: sn(SPACE),
            kind: LoadKind::Latest,
            result: Ok((
                (0..30)
                    .map(|m| msg(&format!("m{m}"), "t", m > 0, m))
                    .map(Into::into)
                    .collect(),
                true,
            )),
        },
    ))));
    app
}

fn poll(app: &mut App, msgs: Vec<Message>) {
    app.update(Action::Done(Box::new(Outcome::Messages(
        gchat::app::MessagesOutcome::Polled {
            space: sn(SPACE),
            after: Utc.with_ymd_and_hms(2026, 1, 1, 0, 29, 0).unwrap(),
            result: Ok(msgs.into_iter().map(Into::into).collect()),
        },
    ))));
}

#[test]
fn a_poll_that_finds_nothing_asks_for_no_frame() {
    let mut app = app();
    let mut term = Terminal::new(TestBackend::new(120, 30)).expect("terminal");
    // The first poll says "synced" in the status bar: a frame.
    poll(&mut app, Vec::new());
    term.draw(|f| gchat::ui::draw(&app, f)).expect("draw");
    app.dirty = false;
    let version = app.store.timeline(SPACE).expect("timeline").version;
    for _ in 0..5 {
        poll(&mut app, Vec::new());
        assert!(!app.dirty, "an empty poll asked for a frame");
    }
    assert_eq!(
        app.store.timeline(SPACE).expect("timeline").version,
        version
    );
    // Something new: a frame, and the message on screen.
    poll(&mut app, vec![msg("fresh", "f", false, 40)]);
    assert!(app.dirty);
    term.draw(|f| gchat::ui::draw(&app, f)).expect("draw");
    let screen: String = term
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(screen.contains("fresh"), "the new message is shown");
}

fn sn(s: &str) -> gchat::api::SpaceName {
    gchat::api::SpaceName::parse(s).expect("a valid space name")
}
