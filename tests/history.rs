//! Reading history: older pages that keep the reader's place, `g` to the beginning, the
//! neighbour selected after a delete, new-message markers and the unread divider, one
//! header for a run of messages from one sender, and the selected message's full time.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::fixture::*;
use crossterm::event::KeyCode;
use gchat::api::model::Message;
use gchat::app::timeline::Row;
use gchat::app::{App, Effect, Focus, LoadKind, Outcome};

/// Messages `from..to` of a long DM, each on its own, ten minutes apart, two people
/// taking turns; the last one is an hour before now.
fn many(from: usize, to: usize) -> Vec<Message> {
    (from..to)
        .map(|i| {
            let t = now() - Duration::minutes(60 + 10 * (1000 - i as i64));
            let who = if i % 2 == 0 { bob() } else { wang() };
            let id = format!("M{i:04}");
            msg(DM, &id, &id, who, t, &format!("note #{i}."))
        })
        .collect()
}

fn open(app: &mut App, space: &str) {
    let mut fx = Vec::new();
    app.open_space(&sn(space), &mut fx);
    app.focus = Focus::Messages;
}

fn page(app: &mut App, space: &str, kind: LoadKind, msgs: Vec<Message>, more: bool) -> Vec<Effect> {
    done(
        app,
        Outcome::Messages(gchat::app::MessagesOutcome::Messages {
            space: sn(space),
            kind,
            result: Ok((msgs.into_iter().map(Into::into).collect(), more)),
        }),
    )
}

/// The DM open with its newest 60 messages of 1,000, drawn once at 80x24.
fn long_dm() -> App {
    let mut app = app();
    open(&mut app, DM);
    page(&mut app, DM, LoadKind::Latest, many(940, 1000), true);
    render(&app, 80, 24);
    app
}

fn older(fx: &[Effect]) -> Option<DateTime<Utc>> {
    find_effect!(fx, Effect::Messages(gchat::app::MessagesEffect::LoadMessages { kind: LoadKind::Older { before }, .. }) => *before)
}

fn selected_name(app: &App) -> String {
    match &app.current_view().unwrap().selected {
        Some(Row::Msg { name, .. }) => name.to_string(),
        other => panic!("no message selected: {other:?}"),
    }
}

/// The screen line showing `text`, if it is on screen.
fn line_of(screen: &str, text: &str) -> Option<usize> {
    screen.lines().position(|l| l.contains(text))
}

fn selected_text(app: &App) -> String {
    let name = selected_name(app);
    let it = app.current_timeline().unwrap().get(&name).unwrap();
    it.text().unwrap().to_string()
}

#[test]
fn an_older_page_keeps_the_selected_message_on_its_screen_row() {
    let mut app = long_dm();
    let mut asked = None;
    for _ in 0..200 {
        let fx = ch(&mut app, 'k');
        render(&app, 80, 24);
        if let Some(b) = older(&fx) {
            asked = Some(b);
            break;
        }
    }
    let before = asked.expect("moving up to the oldest loaded message asks for older ones");
    let screen = render(&app, 80, 24);
    let (name, text) = (selected_name(&app), selected_text(&app));
    let row = line_of(&screen, &text).expect("the selected message is on screen");
    page(
        &mut app,
        DM,
        LoadKind::Older { before },
        many(880, 940),
        true,
    );
    let after = render(&app, 80, 24);
    assert_eq!(selected_name(&app), name, "the same message is selected");
    assert_eq!(
        line_of(&after, &text),
        Some(row),
        "the selected message stays on its screen row:\n{screen}\n{after}"
    );
    // One up is the message just above it, not one a page away.
    ch(&mut app, 'k');
    let after = render(&app, 80, 24);
    assert_eq!(selected_text(&app), "note #939.");
    assert!(
        line_of(&after, "note #939.").is_some_and(|l| l < row),
        "{after}"
    );
}

#[test]
fn page_up_at_the_top_loads_an_older_page_instead_of_jumping() {
    let mut app = long_dm();
    let mut asked = None;
    for _ in 0..60 {
        let fx = key(&mut app, KeyCode::PageUp);
        render(&app, 80, 24);
        if let Some(b) = older(&fx) {
            asked = Some(b);
            break;
        }
    }
    let before = asked.expect("PageUp at the top asks for older messages");
    let screen = render(&app, 80, 24);
    let row = line_of(&screen, "note #940.").expect("the oldest loaded message is on screen");
    page(
        &mut app,
        DM,
        LoadKind::Older { before },
        many(880, 940),
        true,
    );
    let after = render(&app, 80, 24);
    assert_eq!(
        line_of(&after, "note #940."),
        Some(row),
        "{screen}\n{after}"
    );
    let fx = key(&mut app, KeyCode::PageUp);
    assert_eq!(
        older(&fx),
        None,
        "a page of older messages is there to read first"
    );
    let paged = render(&app, 80, 24);
    assert!(
        line_of(&paged, "note #938.").is_some(),
        "one page up shows the messages just above:\n{paged}"
    );
}

#[test]
fn g_loads_older_pages_until_the_beginning() {
    let mut app = long_dm();
    let fx = ch(&mut app, 'g');
    let before = older(&fx).expect("g asks for older messages");
    assert!(
        render(&app, 80, 24).contains("Loading older… (Esc stops)"),
        "{}",
        render(&app, 80, 24)
    );
    let fx = page(
        &mut app,
        DM,
        LoadKind::Older { before },
        many(900, 940),
        true,
    );
    let before = older(&fx).expect("g goes on while there are older messages");
    assert!(render(&app, 80, 24).contains("(Esc stops)"));
    let fx = page(
        &mut app,
        DM,
        LoadKind::Older { before },
        many(860, 900),
        false,
    );
    assert_eq!(older(&fx), None, "the beginning is reached");
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("The beginning of your conversation with") && screen.contains(" Bob Li   "),
        "{screen}"
    );
    assert!(!screen.contains("Esc stops"), "{screen}");
    assert_eq!(selected_text(&app), "note #860.");
}

#[test]
fn esc_stops_g_loading() {
    let mut app = long_dm();
    let before = older(&ch(&mut app, 'g')).unwrap();
    let before = older(&page(
        &mut app,
        DM,
        LoadKind::Older { before },
        many(900, 940),
        true,
    ))
    .expect("a second page");
    key(&mut app, KeyCode::Esc);
    assert_eq!(
        app.focus,
        Focus::Messages,
        "Esc stopped loading; it did not leave"
    );
    let fx = page(
        &mut app,
        DM,
        LoadKind::Older { before },
        many(860, 900),
        true,
    );
    assert_eq!(older(&fx), None, "stopped: no further page");
    let screen = render(&app, 80, 24);
    assert!(!screen.contains("Esc stops"), "{screen}");
}

#[test]
fn the_beginning_names_the_open_space() {
    let mut app = app();
    assert!(render(&app, 120, 80).contains("The beginning of Team Rust"));
    open(&mut app, ENG);
    page(&mut app, ENG, LoadKind::Latest, vec![], false);
    let screen = render(&app, 120, 80);
    assert!(screen.contains("The beginning of 工程部"), "{screen}");
    assert!(!screen.contains("beginning of Team Rust"), "{screen}");
}

fn delete_selected(app: &mut App) {
    ch(app, 'd');
    let fx = key(app, KeyCode::Enter);
    let (space, message) = expect_effect!(fx, Effect::Messages(gchat::app::MessagesEffect::Delete { space, message, .. }) => (space.clone(), message.clone()));
    done(
        app,
        Outcome::Messages(gchat::app::MessagesOutcome::Deleted {
            space,
            message,
            force: false,
            result: Ok(()),
        }),
    );
}

#[test]
fn after_a_delete_the_next_message_is_selected_or_the_previous_at_the_end() {
    let mut app = app();
    app.views.get_mut(TEAM).unwrap().selected = Some(Row::Msg {
        name: format!("{TEAM}/messages/D1.D1").into(),
        reply: false,
    });
    delete_selected(&mut app);
    assert_eq!(selected_name(&app), format!("{TEAM}/messages/L1.L1"));
    delete_selected(&mut app);
    assert_eq!(
        selected_name(&app),
        format!("{TEAM}/messages/R1.R1"),
        "the last one gone: the one before it"
    );
    ch(&mut app, 'e');
    let screen = render(&app, 120, 30);
    assert!(!screen.contains("Select one of"), "{screen}");
}

fn poll(app: &mut App, space: &str, msgs: Vec<Message>) {
    let after = app
        .store
        .timeline(space)
        .expect("timeline")
        .watermark()
        .unwrap();
    done(
        app,
        Outcome::Messages(gchat::app::MessagesOutcome::Polled {
            space: sn(space),
            after,
            result: Ok(msgs.into_iter().map(Into::into).collect()),
        }),
    );
}

/// Scrolls up six messages, draws, then a poll lists `msgs`: the screen after it.
fn scrolled_up_then_polled(app: &mut App, msgs: Vec<Message>) -> String {
    for _ in 0..6 {
        ch(app, 'k');
    }
    render(app, 80, 24);
    poll(app, TEAM, msgs);
    render(app, 80, 24)
}

#[test]
fn new_messages_while_scrolled_up_are_counted_and_g_clears_the_marker() {
    let mut app = app();
    let screen = scrolled_up_then_polled(
        &mut app,
        vec![
            msg(TEAM, "P1", "P1", bob(), now(), "first new"),
            msg(TEAM, "P2", "P2", wang(), now(), "second new"),
        ],
    );
    assert!(screen.contains("2 new messages ↓"), "{screen}");
    ch(&mut app, 'G');
    let screen = render(&app, 80, 24);
    assert!(!screen.contains("new messages ↓"), "{screen}");
    assert!(screen.contains("second new"), "{screen}");
}

#[test]
fn at_the_bottom_new_messages_need_no_marker() {
    let mut app = app();
    poll(
        &mut app,
        TEAM,
        vec![msg(TEAM, "P1", "P1", bob(), now(), "hi")],
    );
    let screen = render(&app, 80, 24);
    assert!(
        !screen.contains("new message ↓") && !screen.contains("new messages ↓"),
        "{screen}"
    );
}

#[test]
fn a_space_with_unread_messages_opens_at_a_divider_above_the_first() {
    let mut app = app();
    let h = |h: i64, m: i64| now() - Duration::hours(12 - h) + Duration::minutes(m);
    // Read up to 10:00 on an earlier visit; one message came since (counted unread).
    app.store.set_last_read(ENG, h(10, 0));
    open(&mut app, ENG);
    page(
        &mut app,
        ENG,
        LoadKind::Latest,
        vec![
            msg(ENG, "E0", "E0", wang(), h(9, 0), "早上好"),
            msg(ENG, "E1", "E1", wang(), h(11, 0), "大家好"),
        ],
        false,
    );
    let screen = render(&app, 80, 24);
    let divider = line_of(&screen, "New messages").expect(&screen);
    let first = line_of(&screen, "大家好").unwrap();
    assert!(
        divider < first && line_of(&screen, "早上好").unwrap() < divider,
        "{screen}"
    );
    assert_eq!(selected_name(&app), format!("{ENG}/messages/E1.E1"));
    // Read: the next visit has no divider.
    open(&mut app, TEAM);
    open(&mut app, ENG);
    assert!(!render(&app, 80, 24).contains("New messages"));
}

#[test]
fn a_reply_to_an_older_thread_is_surfaced_at_the_bottom() {
    let mut app = app();
    poll(
        &mut app,
        TEAM,
        vec![msg(TEAM, "T7", "T1", bob(), now(), "late to the party")],
    );
    let screen = render(&app, 80, 24);
    assert!(screen.contains("New reply"), "{screen}");
    assert!(screen.contains("New reply from Bob Li"), "{screen}");
    // The thread itself is marked where it is.
    let tall = render(&app, 120, 80);
    assert!(
        tall.lines()
            .any(|l| l.contains("Bob Li  ") && l.contains("● new reply")),
        "{tall}"
    );
    ch(&mut app, 'G');
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        app.current_view().unwrap().thread.as_deref(),
        Some(format!("{TEAM}/threads/T1").as_str()),
        "Enter on the surfaced reply opens its thread"
    );
    key(&mut app, KeyCode::Esc);
    let back = render(&app, 120, 80);
    assert!(
        !back.contains("● new reply") && !back.contains("New reply"),
        "seen:\n{back}"
    );
}

fn grouped_dm() -> App {
    let mut app = app();
    let t = |d: i64, m: i64| now() - Duration::days(d) - Duration::hours(2) + Duration::minutes(m);
    open(&mut app, DM);
    page(
        &mut app,
        DM,
        LoadKind::Latest,
        vec![
            msg(DM, "A", "A", bob(), t(1, 0), "one"),
            msg(DM, "B", "B", bob(), t(1, 2), "two"),
            msg(DM, "C", "C", bob(), t(1, 9), "three, after a pause"),
            msg(DM, "D", "D", alice(), t(1, 10), "four"),
            msg(DM, "E", "E", alice(), t(1, 11), "five"),
            // The same sender a minute later, but on the next day.
            msg(
                DM,
                "F",
                "F",
                bob(),
                now() - Duration::hours(12) - Duration::seconds(30),
                "late",
            ),
            msg(
                DM,
                "G",
                "G",
                bob(),
                now() - Duration::hours(12) + Duration::seconds(30),
                "early",
            ),
        ],
        false,
    );
    app
}

#[test]
fn one_header_for_a_run_from_one_sender_within_five_minutes() {
    let app = grouped_dm();
    let screen = render(&app, 80, 30);
    let headers = |who: &str| {
        let head = format!("{who}  ");
        screen
            .lines()
            .filter(|l| {
                l.split(&head)
                    .nth(1)
                    .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
            })
            .count()
    };
    assert_eq!(
        headers("Bob Li"),
        4,
        "one, three, and either side of midnight:\n{screen}"
    );
    assert_eq!(headers("Alice Chen"), 1, "{screen}");
    insta::assert_snapshot!("grouped_80x30", screen);
}

#[test]
fn moving_through_a_run_selects_each_message() {
    let mut app = grouped_dm();
    ch(&mut app, 'k');
    ch(&mut app, 'k');
    ch(&mut app, 'k');
    assert_eq!(selected_text(&app), "four");
}

#[test]
fn the_selected_message_full_time_on_demand() {
    let mut app = app();
    ch(&mut app, 'T');
    let screen = render(&app, 120, 30);
    assert!(
        screen.contains("Saturday 21 November 2026, 11:58:00 UTC+00:00"),
        "{screen}"
    );
}

/// The real binary: `g` in CI Firehose (1,200 messages, 100 a page) loads page after
/// page until its first message, and shows it under the start of the space.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn g_in_a_long_space_reaches_its_first_message() {
    let mut s = common::pty::Session::start().await;
    // Where reading stopped is known once the spaces list counts the unread messages
    // (on a loaded machine that answer can come after the space is opened, and then
    // there is no divider to open at).
    s.wait_for("CI Firehose's unread count", |t| {
        t.lines().any(|l| {
            l.split('│').any(|cell| {
                cell.contains("CI Firehose")
                    && cell.trim_end().ends_with(|c: char| c.is_ascii_digit())
            })
        })
    })
    .await;
    s.open("CI", "#CI Firehose").await;
    s.send("2").await;
    // It opens at the unread divider (the server's read state): the newest first.
    s.wait_for("the unread divider", |t| t.contains("New messages"))
        .await;
    s.send("G").await;
    s.wait_for("the newest page", |t| t.contains("#5199")).await;
    s.send("g").await;
    s.wait_for("the beginning", |t| {
        t.contains("The beginning of CI Firehose") && t.contains("Build #4000 passed")
    })
    .await;
    // The screen may be read halfway through the frame that ends the loading: wait for
    // the frame to finish rather than assert on the half read.
    s.wait_for("the loading hint gone", |t| !t.contains("Esc stops"))
        .await;
    s.quit().await;
}

/// The "N new messages ↓" notice takes a line of its own: the message text that was on
/// the pane's last line is still shown whole, and the notice's line carries nothing else.
#[test]
fn the_new_messages_notice_never_covers_a_message() {
    let mut app = app();
    let screen = scrolled_up_then_polled(
        &mut app,
        vec![msg(TEAM, "P1", "P1", bob(), now(), "first new")],
    );
    let line = screen
        .lines()
        .find(|l| l.contains("1 new message ↓"))
        .unwrap_or_else(|| panic!("no notice in:\n{screen}"));
    let label = format!(
        "1 new message ↓ {}",
        app.keymap.label(
            gchat::keymap::Mode::Messages,
            gchat::keymap::Command::Bottom
        )
    );
    let around: String = line
        .replace(&label, "")
        .chars()
        .filter(|c| !c.is_whitespace() && !"│┌┐└┘─".contains(*c))
        .collect();
    assert!(
        around.is_empty(),
        "the notice shares its line with {around:?}:\n{screen}"
    );
}
