//! PageUp and PageDown move a whole page each press, and the selection moves with the
//! page, always shown whole (its header too). The help scrolls by its own height, and
//! End goes to its end.

mod common;

use chrono::Duration;
use common::fixture::*;
use crossterm::event::KeyCode;
use gchat::api::model::Message;
use gchat::app::timeline::Row;
use gchat::app::{App, Focus, LoadKind, Outcome};

/// A long DM whose messages are of different heights, people taking turns.
fn long_dm() -> App {
    let mut app = app();
    let mut fx = Vec::new();
    app.open_space(&sn(DM), &mut fx);
    app.focus = Focus::Messages;
    let msgs: Vec<Message> = (0..80)
        .map(|i| {
            let t = now() - Duration::minutes(60 + 10 * (80 - i as i64));
            let who = if i % 3 == 0 { bob() } else { wang() };
            let id = format!("M{i:04}");
            let body = match i % 4 {
                0 => format!("note #{i}."),
                1 => format!("note #{i}.\nsecond line\nthird line"),
                2 => format!("note #{i}.\nsecond line\nthird line\nfourth\nfifth\nsixth"),
                _ => format!("note #{i}.\nsecond line"),
            };
            msg(DM, &id, &id, who, t, &body)
        })
        .collect();
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Messages {
            space: sn(DM),
            kind: LoadKind::Latest,
            result: Ok((msgs.into_iter().map(Into::into).collect(), false)),
        }),
    );
    render(&app, 80, 24);
    app
}

/// The selected row's position, and whether the screen shows it whole.
fn selected_whole(app: &App) -> (usize, bool, usize) {
    let (w, h) = app.message_area();
    let (rows, win) = app.message_window(DM, w, h);
    let sel = app.current_view().unwrap().selected.clone().unwrap();
    assert!(matches!(sel, Row::Msg { .. }), "{sel:?}");
    let i = rows.pos(&sel).expect("the selection is a row");
    let whole = win.parts.iter().any(|&(r, skip, take)| {
        r == i && skip == 0 && take == app.row_lines(DM, &rows, r, w).len()
    });
    (i, whole, win.first_row().unwrap())
}

#[test]
fn every_page_up_and_down_moves_a_page_and_shows_the_selection_whole() {
    let mut app = long_dm();
    ch(&mut app, 'G');
    render(&app, 80, 24);
    let (mut at, whole, mut top) = selected_whole(&app);
    assert!(whole);
    let mut presses = 0;
    while top > 0 && presses < 40 {
        key(&mut app, KeyCode::PageUp);
        let screen = render(&app, 80, 24);
        let (now_at, whole, now_top) = selected_whole(&app);
        assert!(whole, "press {presses}: the selection is cut:\n{screen}");
        presses += 1;
        if now_top == 0 {
            break;
        }
        assert!(
            now_at < at,
            "press {presses}: the selection did not move:\n{screen}"
        );
        assert!(
            now_top < top,
            "press {presses}: the page did not move:\n{screen}"
        );
        (at, top) = (now_at, now_top);
    }
    assert!(presses >= 3, "a long DM takes several pages");
    assert!(presses < 40);
    let up = presses;
    presses = 0;
    loop {
        key(&mut app, KeyCode::PageDown);
        let screen = render(&app, 80, 24);
        let (now_at, whole, now_top) = selected_whole(&app);
        assert!(whole, "press {presses}: the selection is cut:\n{screen}");
        presses += 1;
        if now_at == at {
            break;
        }
        assert!(
            now_at > at,
            "press {presses}: the selection did not move:\n{screen}"
        );
        assert!(
            now_top > top,
            "press {presses}: the page did not move:\n{screen}"
        );
        (at, top) = (now_at, now_top);
        assert!(presses < 40);
    }
    assert!(presses <= up + 2, "down took {presses} presses, up {up}");
}

/// The rows of help text the overlay shows on `screen`.
fn help_rows(screen: &str) -> usize {
    let lines: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    let top = lines
        .iter()
        .position(|l| l.iter().collect::<String>().contains(" Keys · "))
        .expect("the help is open");
    let col = lines[top].iter().position(|&c| c == '┌').unwrap();
    let bottom = (top + 1..lines.len())
        .find(|&y| lines[y].get(col) == Some(&'└'))
        .expect("the help's bottom border");
    bottom - top - 1
}

#[test]
fn help_pages_by_its_height_and_end_goes_to_its_end() {
    let mut app = long_dm();
    ch(&mut app, '?');
    let first = render(&app, 80, 24);
    let page = help_rows(&first);
    assert!(page > 10, "{first}");
    key(&mut app, KeyCode::PageDown);
    render(&app, 80, 24);
    assert_eq!(app.help, Some(page as u16), "a page is the rows shown");
    key(&mut app, KeyCode::End);
    let end = render(&app, 80, 24);
    let full = help_text(&app);
    let last = full.lines().rev().find(|l| !l.trim().is_empty()).unwrap();
    let tail: String = last.chars().take(20).collect();
    assert!(
        end.contains(tail.trim()),
        "End shows the help's end {tail:?}:\n{end}"
    );
    // Past the end, keys do not pile up: one PageUp moves up at once.
    key(&mut app, KeyCode::End);
    key(&mut app, KeyCode::PageDown);
    key(&mut app, KeyCode::PageUp);
    let back = render(&app, 80, 24);
    assert_ne!(back, end, "PageUp after End moves up at once");
    ch(&mut app, 'G');
    assert_eq!(render(&app, 80, 24), end, "G goes to the end too");
    key(&mut app, KeyCode::Home);
    assert_eq!(render(&app, 80, 24), first);
}
