//! A daily driver: readable message width on wide terminals, status notes that go when
//! they no longer apply, small terminals that degrade instead of refusing, who and where
//! in the status bar, the marks explained, empty states whole, and clicks that open.

mod common;

use std::time::{Duration, Instant};

use common::fixture::*;
use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use gchat::app::member_requests::MemberOutcome;
use gchat::app::{Action, App, Focus, LoadKind, Outcome};

fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// The longest run of `word`s on one screen line, from the first to the end of the last.
fn widest_run(screen: &str, word: &str) -> usize {
    screen
        .lines()
        .filter_map(|l| {
            let a = l.find(word)?;
            let b = l.rfind(word)? + word.len();
            Some(width(&l[a..b]))
        })
        .max()
        .unwrap_or(0)
}

fn with_long_message(mut a: App) -> App {
    let long = "lorem ".repeat(120);
    done(
        &mut a,
        Outcome::Messages(gchat::app::MessagesOutcome::Polled {
            space: sn(TEAM),
            after: now(),
            result: Ok(vec![msg(TEAM, "L1", "L1", bob(), now(), long.trim_end())]
                .into_iter()
                .map(Into::into)
                .collect()),
        }),
    );
    a
}

#[test]
fn message_text_is_capped_at_a_readable_width_on_wide_terminals() {
    let a = with_long_message(app());
    let wide = render(&a, 200, 50);
    let run = widest_run(&wide, "lorem");
    assert!(
        (80..=110).contains(&run),
        "text runs {run} columns at 200 wide:\n{wide}"
    );
    insta::assert_snapshot!("long_text_200x50", wide);
    // Narrow panes still use all the room they have.
    let narrow = render(&a, 80, 24);
    assert!(widest_run(&narrow, "lorem") > 30, "{narrow}");
}

fn done_refresh(a: &mut App) {
    done(
        a,
        Outcome::Directory(gchat::app::DirectoryOutcome::Spaces {
            result: Ok(a.spaces.all.clone()),
        }),
    );
    let msgs = team_messages();
    done(
        a,
        Outcome::Messages(gchat::app::MessagesOutcome::Messages {
            space: sn(TEAM),
            kind: LoadKind::Latest,
            result: Ok((msgs.into_iter().map(Into::into).collect(), false)),
        }),
    );
}

#[test]
fn refreshing_goes_away_when_the_refresh_is_done() {
    let mut a = app();
    ctrl(&mut a, 'r');
    assert_eq!(a.status.note.as_ref().unwrap().text, "Refreshing…");
    done_refresh(&mut a);
    assert!(
        a.status.note.is_some(),
        "the members are still loading: still refreshing"
    );
    done(
        &mut a,
        Outcome::Members(MemberOutcome::Members {
            space: sn(TEAM),
            result: Ok(team_members()),
            show_invited: true,
        }),
    );
    assert_eq!(a.status.note, None, "refresh done, the note is gone");
    assert!(!render(&a, 80, 24).contains("Refreshing"));
}

#[test]
fn a_failed_refresh_says_why_and_the_error_does_not_stay_forever() {
    let mut a = app();
    ctrl(&mut a, 'r');
    done(
        &mut a,
        Outcome::Directory(gchat::app::DirectoryOutcome::Spaces {
            result: Err(gchat::api::ApiError::Timeout),
        }),
    );
    let n = a.status.note.clone().unwrap();
    assert!(n.error, "{n:?}");
    // An error about one space no longer applies once another is open.
    ch(&mut a, '1');
    ch(&mut a, 'j');
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.current.as_deref(), Some(ENG));
    assert_eq!(a.status.note, None, "the old error went with the old space");
    // And an error left alone goes after a while.
    a.error("Something failed.");
    a.update(Action::Tick(Instant::now() + Duration::from_secs(120)));
    assert_eq!(a.status.note, None);
}

// ------------------------------------------------------------------ small terminals

#[test]
fn eighty_by_twenty_three_is_a_full_screen() {
    let a = app();
    let s = render(&a, 80, 23);
    assert!(!s.contains("too small"), "{s}");
    assert!(
        s.contains(" Spaces ") && s.contains(" Members 6+1✉ ┐"),
        "{s}"
    );
    insta::assert_snapshot!("full_80x23", s);
}

#[test]
fn narrower_hides_the_members_then_shows_one_pane_with_tab_to_switch() {
    let mut a = app();
    let s = render(&a, 60, 20);
    assert!(!s.contains("too small"), "{s}");
    assert!(s.contains(" Spaces ") && !s.contains("invited ┐"), "{s}");
    insta::assert_snapshot!("two_panes_60x20", s);

    let s = render(&a, 40, 15);
    assert!(!s.contains("too small"), "{s}");
    assert!(!s.contains(" Spaces "), "one pane, the messages:\n{s}");
    assert!(s.contains("Tab next pane"), "how to reach the others:\n{s}");
    assert!(s.contains("Team Rust"), "{s}");
    insta::assert_snapshot!("one_pane_40x15", s);
    // Tab shows the next pane, the members (where the invited count still fits).
    key(&mut a, KeyCode::Tab);
    let s = render(&a, 40, 15);
    assert!(s.contains("Members") && s.contains("invited"), "{s}");
    key(&mut a, KeyCode::Tab);
    let s = render(&a, 40, 15);
    assert!(s.contains(" Spaces ") && s.contains("工程部"), "{s}");
    insta::assert_snapshot!("one_pane_spaces_40x15", s);
}

#[test]
fn the_too_small_notice_fits_any_size_and_its_advice_works_in_the_mode() {
    let mut a = app();
    for (w, h) in [(1, 1), (8, 2), (12, 4), (20, 6), (29, 30), (100, 7)] {
        let s = render(&a, w, h);
        let lines: Vec<&str> = s.lines().collect();
        assert!(
            lines.iter().all(|l| width(l) <= w as usize),
            "{w}x{h}:\n{s}"
        );
        if h >= 4 {
            assert!(s.contains("bigger"), "{w}x{h}:\n{s}");
        }
    }
    insta::assert_snapshot!("too_small_20x6", render(&a, 20, 6));
    // Typing a message: q would be typed, so the advice says how to leave first.
    ch(&mut a, 'i');
    let s = render(&a, 29, 10);
    assert!(s.contains("Esc"), "{s}");
    assert!(!s.contains("or press q"), "{s}");
}

// ------------------------------------------------------------------ who, where, what

#[test]
fn the_status_bar_says_who_and_which_server() {
    let mut a = app();
    a.settings.demo = false;
    a.settings.source = "127.0.0.1:8080".into();
    let s = render(&a, 120, 24);
    let status = s.lines().last().unwrap();
    assert!(
        status.contains("Alice Chen") && status.contains("127.0.0.1:8080"),
        "{status}"
    );
    a.settings.source = "Google".into();
    let s = render(&a, 80, 24);
    let status = s.lines().last().unwrap();
    assert!(
        status.contains("Alice Chen") && status.contains("Google"),
        "{status}"
    );
}

#[test]
fn help_explains_the_marks() {
    let mut a = app();
    ch(&mut a, '?');
    let text = help_text(&a);
    for mark in ["★ manager", "✉ invited", "⚙ Chat app"] {
        assert!(text.contains(mark), "{mark} not explained:\n{text}");
    }
}

#[test]
fn the_members_title_keeps_the_invited_count_at_common_widths() {
    for (w, h) in [(80, 24), (100, 30), (120, 40)] {
        let s = render(&app(), w, h);
        let members_title = s.lines().next().unwrap().rsplit('┌').next().unwrap();
        // The label stays; narrow, the invited count is kept as +1✉.
        assert!(
            members_title.contains("Members")
                && (members_title.contains("1 invited") || members_title.contains("+1✉")),
            "{w}x{h}:\n{s}"
        );
    }
}

#[test]
fn empty_states_are_never_cut() {
    let mut a = app();
    done(
        &mut a,
        Outcome::Directory(gchat::app::DirectoryOutcome::Spaces { result: Ok(vec![]) }),
    );
    // The open space, left out of the list, is asked about before it goes.
    done(
        &mut a,
        Outcome::Members(MemberOutcome::Members {
            space: sn(TEAM),
            result: Err(gchat::api::ApiError::Server(gchat::api::ServerError {
                code: 404,
                status: "NOT_FOUND".into(),
                message: "Space not found, or the caller is not a member of it.".into(),
                field_violations: Vec::new(),
                reason: None,
                retry_after: None,
            })),
            show_invited: true,
        }),
    );
    for (w, h) in [(80, 24), (60, 20), (100, 30)] {
        let s = render(&a, w, h);
        let joined: String = s
            .lines()
            .map(|l| l.split('│').nth(1).unwrap_or("").trim().to_string() + " ")
            .collect();
        assert!(
            joined.contains("No spaces yet. Press c to create one."),
            "{w}x{h}:\n{s}"
        );
    }
}

// ------------------------------------------------------------------ mouse

#[test]
fn clicking_a_space_opens_it_and_focuses_its_messages() {
    let mut a = app();
    render(&a, 160, 24);
    a.update(Action::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 5,
        row: 2,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(a.current.as_deref(), Some(ENG));
    assert_eq!(a.focus, Focus::Messages);
}

#[test]
fn a_long_note_has_the_room_before_who_and_where() {
    let mut a = app();
    a.settings.demo = false;
    a.settings.source = "127.0.0.1:8080".into();
    let sentence = "Your sign-in has expired or was revoked. Run `gchat auth login --profile work` to sign in again.";
    a.error(sentence);
    let s = render(&a, 130, 24);
    assert!(s.lines().last().unwrap().contains(sentence), "{s}");
    // Once it has gone, they are back.
    a.status.note = None;
    let s = render(&a, 160, 24);
    assert!(
        s.lines()
            .last()
            .unwrap()
            .contains("Alice Chen · 127.0.0.1:8080"),
        "{s}"
    );
}

#[test]
fn one_pane_at_a_time_a_click_goes_to_the_pane_on_screen() {
    let mut a = app();
    render(&a, 40, 15);
    key(&mut a, KeyCode::Tab);
    assert_eq!(a.focus, Focus::Members);
    render(&a, 40, 15);
    // Where the compose box was, before Tab: now the members pane.
    a.update(Action::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 5,
        row: 11,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(a.focus, Focus::Members);
}
