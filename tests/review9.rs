//! What a new user found in a terminal: the selected message keeps its screen line
//! when others post below it, the help key and a note share the status bar at every
//! width, Esc from a thread goes back where the user was.

mod common;

use common::fixture::*;
use common::steps::*;
use crossterm::event::KeyCode;
use gchat::app::{Focus, Outcome};

/// `n` messages from Bob, each its own thread, numbered from `from`.
fn posts(from: usize, n: usize) -> Vec<gchat::api::model::Message> {
    (from..from + n)
        .map(|i| {
            let id = format!("P{i:03}");
            let t = now() + chrono::Duration::seconds(i as i64);
            msg(
                TEAM,
                &id,
                &id,
                bob(),
                t,
                &format!("Post number {i:03} here"),
            )
        })
        .collect()
}

/// The text of the selected message.
fn selected_text(a: &gchat::app::App) -> String {
    let name = match &a.current_view().expect("a view").selected {
        Some(gchat::app::timeline::Row::Msg { name, .. }) => name.to_string(),
        other => panic!("no message selected: {other:?}"),
    };
    a.current_timeline()
        .expect("a timeline")
        .get(&name)
        .expect("held")
        .text()
        .unwrap_or_default()
        .to_string()
}

/// The screen line showing `text`.
fn line_of(screen: &str, text: &str) -> Option<usize> {
    screen.lines().position(|l| l.contains(text))
}

/// Team Rust open with more messages than a 160x48 screen holds, at the bottom.
fn full_team() -> gchat::app::App {
    let mut a = app();
    a.focus = Focus::Messages;
    polled(&mut a, TEAM, posts(0, 40));
    render(&a, 160, 48);
    key(&mut a, KeyCode::End);
    render(&a, 160, 48);
    a
}

#[test]
fn messages_arriving_below_leave_the_selected_one_on_its_screen_line() {
    let mut a = full_team();
    for _ in 0..6 {
        ch(&mut a, 'k');
        render(&a, 160, 48);
    }
    let text = selected_text(&a);
    let screen = render(&a, 160, 48);
    assert!(
        screen.contains("Post number 039"),
        "the newest is in view:\n{screen}"
    );
    let y = line_of(&screen, &text).unwrap_or_else(|| panic!("{text} off screen:\n{screen}"));
    polled(&mut a, TEAM, posts(40, 4));
    let after = render(&a, 160, 48);
    assert_eq!(selected_text(&a), text);
    assert_eq!(
        line_of(&after, &text),
        Some(y),
        "{text} moved:\nbefore:\n{screen}\nafter:\n{after}"
    );
    assert!(
        after.contains("4 new messages ↓"),
        "no hint of what came:\n{after}"
    );
    // Down to the newest: the view follows the bottom again.
    key(&mut a, KeyCode::End);
    let screen = render(&a, 160, 48);
    assert!(screen.contains("Post number 043"), "{screen}");
}

#[test]
fn on_the_newest_message_the_view_follows_what_arrives() {
    let mut a = full_team();
    assert_eq!(selected_text(&a), "Post number 039 here");
    polled(&mut a, TEAM, posts(40, 4));
    let screen = render(&a, 160, 48);
    assert!(screen.contains("Post number 043"), "{screen}");
    assert!(!screen.contains("new message ↓"), "{screen}");
    // And again: still at the bottom, it goes on following.
    polled(&mut a, TEAM, posts(44, 4));
    let screen = render(&a, 160, 48);
    assert!(screen.contains("Post number 047"), "{screen}");
    assert!(!screen.contains("new message ↓"), "{screen}");
}

#[test]
fn a_note_of_any_length_shares_the_status_bar_with_the_help_key() {
    let notes = [
        "Copied.",
        "Nothing was unread here when the space was opened: there is no earlier unread message to go back to.",
        "Sent Tuesday 1 December 2026, 00:51:16 UTC+00:00",
        "A rather long note that would take up the whole of the status line by itself, and then some more words, and then some more again until it is wider than any terminal",
        "午饭一起吗？楼下新开了一家拉面店，一起去吃吧，好吗？我们十二点见面",
    ];
    for demo in [false, true] {
        let mut a = app();
        a.settings.demo = demo;
        for focus in [Focus::Spaces, Focus::Messages, Focus::Members] {
            a.focus = focus;
            for note in notes {
                a.note(note);
                let start: String = note.chars().take(5).collect();
                for w in gchat::ui::small::MIN_WIDTH..=160 {
                    let line = bar(&a, w);
                    assert!(
                        line.contains("? help"),
                        "{focus:?} at {w} columns, demo {demo}: {line:?}"
                    );
                    if w >= 60 {
                        assert!(
                            line.contains(&start),
                            "the note is gone at {w} columns: {line:?}"
                        );
                        assert!(
                            line.contains(note) || line.contains('…'),
                            "the note is cut without saying so at {w} columns: {line:?}"
                        );
                    }
                }
            }
        }
    }
}

/// A reply from Bob to a thread started long before what Team Rust holds, polled in,
/// selected where it shows (at the bottom, under "Replies to an earlier message"), and
/// its thread opened and loaded: its root is older than anything held.
fn open_an_old_thread_from_the_bottom(a: &mut gchat::app::App) {
    let reply = msg(
        TEAM,
        "OLDR",
        "OLD",
        bob(),
        now(),
        "Reviving this one: still broken?",
    );
    polled(a, TEAM, vec![reply.clone()]);
    render(a, 80, 20);
    {
        let v = a.views.get_mut(TEAM).expect("a view");
        v.selected = Some(gchat::app::timeline::Row::Msg {
            name: reply.name.clone().expect("a name").as_str().into(),
            reply: true,
        });
    }
    let screen = render(a, 80, 20);
    assert!(screen.contains("Reviving this one"), "{screen}");
    assert!(screen.contains("午饭一起吗"), "{screen}");
    key(a, KeyCode::Enter);
    let root = msg(
        TEAM,
        "OLD",
        "OLD",
        wang(),
        at(15, 8, 0),
        "The build breaks on musl",
    );
    let thread = gchat::api::ThreadName::parse(&format!("{TEAM}/threads/OLD")).expect("a name");
    common::steps::loaded(
        a,
        TEAM,
        gchat::app::LoadKind::Thread { thread },
        vec![root, reply],
    );
    render(a, 80, 20);
}

#[test]
fn esc_from_a_thread_opened_at_the_bottom_comes_back_to_the_bottom() {
    let mut a = app();
    a.focus = Focus::Messages;
    open_an_old_thread_from_the_bottom(&mut a);
    key(&mut a, KeyCode::Esc);
    assert!(a.current_view().expect("a view").thread.is_none());
    let screen = render(&a, 80, 20);
    assert!(
        screen.contains("午饭一起吗"),
        "not back at the bottom:\n{screen}"
    );
    let text = selected_text(&a);
    assert!(screen.contains(&text), "{text} is off screen:\n{screen}");
    assert!(!screen.contains("The build breaks on musl"), "{screen}");
}

#[test]
fn esc_from_a_search_result_opened_in_its_thread_leaves_it_selected_where_it_sits() {
    use gchat::api::sync_model::{SearchMessageResult, SearchMessagesResponse};
    let mut a = full_team();
    let hit = team_messages()
        .into_iter()
        .find(|m| {
            m.text
                .as_deref()
                .is_some_and(|t| t.contains("ratatui* release"))
        })
        .expect("the fixture's ratatui thread");
    let thread_name = hit
        .thread
        .as_ref()
        .and_then(|t| t.name.clone())
        .expect("a thread");
    let replies: Vec<_> = team_messages()
        .into_iter()
        .filter(|m| m.thread.as_ref().and_then(|t| t.name.clone()) == Some(thread_name.clone()))
        .collect();
    ctrl(&mut a, 'f');
    typed(&mut a, "ratatui");
    key(&mut a, KeyCode::Enter);
    done(
        &mut a,
        Outcome::Messages(gchat::app::MessagesOutcome::Searched {
            filter: "ratatui".into(),
            page_token: None,
            result: Ok(SearchMessagesResponse {
                results: vec![SearchMessageResult {
                    message: Some(hit.clone()),
                    ..Default::default()
                }],
                next_page_token: None,
            }),
        }),
    );
    key(&mut a, KeyCode::Enter);
    assert!(a.current_view().expect("a view").thread.is_some());
    let thread = gchat::api::ThreadName::parse(&thread_name).expect("a thread name");
    common::steps::loaded(
        &mut a,
        TEAM,
        gchat::app::LoadKind::Thread { thread },
        replies,
    );
    render(&a, 160, 48);
    key(&mut a, KeyCode::Esc);
    assert!(a.current_view().expect("a view").thread.is_none());
    let screen = render(&a, 160, 48);
    assert!(selected_text(&a).contains("ratatui* release"), "{screen}");
    assert!(
        screen.contains("Has anyone tried the new ratatui release?"),
        "{screen}"
    );
    assert!(!screen.contains("Post number 039"), "{screen}");
}

#[test]
fn a_search_result_deleted_before_its_thread_loads_leaves_a_selection_on_screen() {
    use gchat::api::sync_model::{SearchMessageResult, SearchMessagesResponse};
    let mut a = full_team();
    let hit = msg(
        TEAM,
        "GONE",
        "T1",
        bob(),
        at(20, 9, 30),
        "about to be deleted",
    );
    ctrl(&mut a, 'f');
    typed(&mut a, "deleted");
    key(&mut a, KeyCode::Enter);
    done(
        &mut a,
        Outcome::Messages(gchat::app::MessagesOutcome::Searched {
            filter: "deleted".into(),
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
    key(&mut a, KeyCode::Enter);
    let thread = gchat::api::ThreadName::parse(&format!("{TEAM}/threads/T1")).expect("a name");
    let others: Vec<_> = team_messages()
        .into_iter()
        .filter(|m| {
            m.name
                .as_deref()
                .is_some_and(|n| n.contains("/messages/T1."))
        })
        .collect();
    common::steps::loaded(
        &mut a,
        TEAM,
        gchat::app::LoadKind::Thread { thread },
        others,
    );
    let screen = render(&a, 160, 48);
    assert!(
        a.current_view().expect("a view").thread.is_none(),
        "{screen}"
    );
    assert!(screen.contains("That message was deleted."), "{screen}");
    let text = selected_text(&a);
    assert!(screen.contains(&text), "{text} off screen:\n{screen}");
}
