//! The compose box and dialog fields as a daily driver: the shell's editing keys, undo on
//! Ctrl-z while typing, discarding a draft, soft wrap and growth, the 4,096-character
//! limit, the terminal's real cursor at the caret, and labels that follow the context.

mod common;

use common::fixture::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gchat::app::timeline::Row;
use gchat::app::{Action, App, Effect, Focus};
use ratatui::backend::{Backend, TestBackend};
use ratatui::buffer::Buffer;
use ratatui::Terminal;

fn press(a: &mut App, code: KeyCode, m: KeyModifiers) -> Vec<Effect> {
    a.update(Action::Key(KeyEvent::new(code, m)))
}
fn alt(a: &mut App, c: char) -> Vec<Effect> {
    press(a, KeyCode::Char(c), KeyModifiers::ALT)
}
fn paste(a: &mut App, s: &str) {
    a.update(Action::Paste(s.to_string()));
}

/// The box's text with `|` at the caret.
fn shown(a: &App) -> String {
    let mut lines = a.compose.textarea.lines().to_vec();
    let (r, c) = a.compose.textarea.cursor();
    let at = lines[r]
        .char_indices()
        .nth(c)
        .map_or(lines[r].len(), |p| p.0);
    lines[r].insert(at, '|');
    lines.join("\n")
}

const SENTINEL: (u16, u16) = (0, 0);

/// Draws the app; answers the screen as text and where the terminal's cursor was put
/// (None: not shown; the sentinel corner is a border cell, never a caret).
fn draw(a: &App, w: u16, h: u16) -> (String, Buffer, Option<(u16, u16)>) {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.backend_mut().set_cursor_position(SENTINEL).unwrap();
    t.draw(|f| gchat::ui::draw(a, f)).unwrap();
    let p = t.backend_mut().get_cursor_position().unwrap();
    let buf = t.backend().buffer().clone();
    let cursor = (p != SENTINEL.into()).then_some((p.x, p.y));
    (text(&buf), buf, cursor)
}

/// The cell where `needle` starts on screen, lowest first (wide characters take two
/// cells).
fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let first = needle.chars().next()?.to_string();
    for y in (0..buf.area.height).rev() {
        for x in 0..buf.area.width {
            if buf[(x, y)].symbol() != first {
                continue;
            }
            let mut s = String::new();
            let mut cx = x;
            while cx < buf.area.width && s.chars().count() < needle.chars().count() {
                let sym = buf[(cx, y)].symbol();
                s.push_str(sym);
                cx += unicode_width::UnicodeWidthStr::width(sym).max(1) as u16;
            }
            if s == needle {
                return Some((x, y));
            }
        }
    }
    None
}

#[test]
fn the_shells_editing_keys_work_in_the_compose_box() {
    let mut a = app();
    ch(&mut a, 'i');
    typed(&mut a, "deploy the parser today");
    // Ctrl-u deletes to the line's start (it was undo before).
    ctrl(&mut a, 'u');
    assert_eq!(shown(&a), "|");
    typed(&mut a, "deploy the parser today");
    ctrl(&mut a, 'a');
    assert_eq!(shown(&a), "|deploy the parser today");
    alt(&mut a, 'f');
    assert_eq!(shown(&a), "deploy| the parser today");
    alt(&mut a, 'f');
    alt(&mut a, 'b');
    assert_eq!(shown(&a), "deploy |the parser today");
    ctrl(&mut a, 'e');
    assert_eq!(shown(&a), "deploy the parser today|");
    ctrl(&mut a, 'w');
    assert_eq!(shown(&a), "deploy the parser |");
    typed(&mut a, "now");
    assert_eq!(a.compose.text(), "deploy the parser now");
    assert_eq!(a.focus, Focus::Compose);
}

#[test]
fn ctrl_z_undoes_while_typing_and_ctrl_y_redoes() {
    let mut a = app();
    ch(&mut a, 'i');
    typed(&mut a, "first words");
    // A word at a time (with the space after it).
    ctrl(&mut a, 'z');
    assert_eq!(a.compose.text(), "first ");
    ctrl(&mut a, 'z');
    assert_eq!(a.compose.text(), "");
    ctrl(&mut a, 'y');
    assert_eq!(a.compose.text(), "first ");
    ctrl(&mut a, 'y');
    assert_eq!(a.compose.text(), "first words");
    // A kill is one step back.
    ctrl(&mut a, 'u');
    assert_eq!(a.compose.text(), "");
    ctrl(&mut a, 'z');
    assert_eq!(a.compose.text(), "first words");
    assert_eq!(a.focus, Focus::Compose, "still typing, not suspended");
    let ctrl_z = KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL);
    assert_eq!(
        a.keymap.lookup(a.mode(), &ctrl_z),
        Some(gchat::keymap::Command::Undo)
    );
    // Outside the box Ctrl-z is still the suspend key (the loop acts on it).
    key(&mut a, KeyCode::Esc);
    assert_eq!(
        a.keymap.lookup(a.mode(), &ctrl_z),
        Some(gchat::keymap::Command::Suspend)
    );
    // Kill to the end and a word forward, as in a shell.
    ch(&mut a, 'i');
    ctrl(&mut a, 'a');
    alt(&mut a, 'd');
    assert_eq!(shown(&a), "| words");
    alt(&mut a, 'f');
    alt(&mut a, 'b');
    ctrl(&mut a, 'k');
    assert_eq!(shown(&a), " |");
}

#[test]
fn dialog_fields_edit_and_undo_the_same_way() {
    let mut a = app();
    ch(&mut a, '3');
    ch(&mut a, 'a');
    assert!(a.dialog.is_some());
    typed(&mut a, "bob@example.com wrong");
    ctrl(&mut a, 'w');
    assert_eq!(a.dialog.as_ref().unwrap().field(0), "bob@example.com ");
    ctrl(&mut a, 'z');
    assert_eq!(a.dialog.as_ref().unwrap().field(0), "bob@example.com wrong");
    ctrl(&mut a, 'u');
    assert_eq!(a.dialog.as_ref().unwrap().field(0), "");
    ctrl(&mut a, 'z');
    ctrl(&mut a, 'x');
    assert_eq!(
        a.dialog.as_ref().unwrap().field(0),
        "",
        "Ctrl-x clears the field"
    );
    ctrl(&mut a, 'z');
    assert_eq!(a.dialog.as_ref().unwrap().field(0), "bob@example.com wrong");
}

#[test]
fn the_spaces_filter_takes_ctrl_u_and_ctrl_w() {
    let mut a = app();
    ch(&mut a, '1');
    ch(&mut a, '/');
    typed(&mut a, "team rust");
    ctrl(&mut a, 'w');
    assert_eq!(a.spaces.filter, "team ");
    ctrl(&mut a, 'u');
    assert_eq!(a.spaces.filter, "");
}

#[test]
fn a_short_draft_is_discarded_at_once_and_a_long_one_after_asking() {
    let mut a = app();
    ch(&mut a, 'i');
    typed(&mut a, "never mind");
    ctrl(&mut a, 'x');
    assert!(a.dialog.is_none());
    assert_eq!(a.compose.text(), "");
    assert!(a.status.note.as_ref().unwrap().text.contains("Ctrl-z"));
    ctrl(&mut a, 'z');
    assert_eq!(a.compose.text(), "never mind", "undo brings it back");

    let long = "a long thought ".repeat(20);
    paste(&mut a, &long);
    ctrl(&mut a, 'x');
    let d = a.dialog.as_ref().expect("a long draft asks first");
    assert!(d.is_confirm());
    let (screen, _, _) = draw(&a, 80, 24);
    assert!(
        screen.contains("Discard this draft of 310 characters?"),
        "{screen}"
    );
    ch(&mut a, 'n');
    assert!(a.dialog.is_none());
    assert_eq!(a.compose.chars(), 310, "no keeps it");
    ctrl(&mut a, 'x');
    ch(&mut a, 'y');
    assert!(a.dialog.is_none());
    assert_eq!(a.compose.text(), "");
    assert_eq!(a.focus, Focus::Compose);
    // Leaving keeps no draft.
    key(&mut a, KeyCode::Esc);
    assert!(a
        .compose
        .draft(TEAM, &gchat::app::compose::Target::New)
        .is_none());
}

#[test]
fn a_message_over_the_limit_is_refused_before_sending_and_kept() {
    let mut a = app();
    ch(&mut a, 'i');
    let text = "字".repeat(4097);
    paste(&mut a, &text);
    let fx = key(&mut a, KeyCode::Enter);
    assert!(
        !fx.iter()
            .any(|e| matches!(e, Effect::Messages(gchat::app::MessagesEffect::Send { .. }))),
        "{fx:?}"
    );
    let note = a.status.note.clone().unwrap();
    assert!(note.error);
    assert!(note.text.contains("4,097 characters"), "{}", note.text);
    assert!(note.text.contains("4,096"), "{}", note.text);
    assert_eq!(a.compose.text(), text, "nothing typed is lost");
    assert_eq!(a.focus, Focus::Compose);
    // One character less goes.
    press(&mut a, KeyCode::Backspace, KeyModifiers::NONE);
    let fx = key(&mut a, KeyCode::Enter);
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Messages(gchat::app::MessagesEffect::Send { .. }))),
        "{fx:?}"
    );
}

#[test]
fn an_edit_over_the_limit_is_refused_too() {
    let mut a = app();
    // Alice's own message: "Yes, builds fine here."
    a.views.get_mut(TEAM).unwrap().selected = Some(Row::Msg {
        name: "spaces/AAAATeamRst/messages/T1.T2".into(),
        reply: true,
    });
    ch(&mut a, 'e');
    assert_eq!(a.focus, Focus::Compose);
    paste(&mut a, &"x".repeat(4100));
    let fx = key(&mut a, KeyCode::Enter);
    assert!(
        !fx.iter()
            .any(|e| matches!(e, Effect::Messages(gchat::app::MessagesEffect::Edit { .. }))),
        "{fx:?}"
    );
    assert!(a.compose.chars() > 4096);
}

fn long_words(n: usize) -> String {
    let words = ["release", "parser", "ratatui", "发布", "checks", "green"];
    (0..n)
        .map(|i| words[i % words.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_long_message_wraps_and_the_box_grows() {
    for (w, h) in [(80u16, 24u16), (160, 48)] {
        let mut a = app();
        ch(&mut a, 'i');
        typed(&mut a, "short");
        let (one, _, _) = draw(&a, w, h);
        paste(&mut a, &format!(" {}", long_words(60)));
        let (screen, buf, cursor) = draw(&a, w, h);
        // Wrapped: every word is on screen whole, and the box has grown.
        let boxed: Vec<&str> = screen.lines().filter(|l| l.contains("release")).collect();
        assert!(boxed.len() >= 3, "{screen}");
        let rows_before = one.lines().filter(|l| l.contains("│short")).count();
        assert_eq!(rows_before, 1);
        assert!(
            !screen.contains("releas\n"),
            "no word cut at the edge:\n{screen}"
        );
        insta::assert_snapshot!(format!("compose_wrapped_{w}x{h}"), screen);
        // The caret is after the last word, and the terminal's cursor is there.
        let (x, y) = cursor.expect("the cursor is shown");
        let last = long_words(60);
        let last = last.rsplit(' ').next().unwrap();
        let (lx, ly) = find(&buf, last).unwrap();
        assert_eq!((x, y), (lx + last.len() as u16, ly), "{screen}");
    }
}

#[test]
fn a_5000_character_line_does_not_scroll_sideways() {
    let mut a = app();
    ch(&mut a, 'i');
    paste(&mut a, &"abcdefghij".repeat(500));
    let (screen, _, cursor) = draw(&a, 80, 24);
    // The box shows its last lines, wrapped, with the counter on its edge.
    insta::assert_snapshot!("compose_over_limit_80x24", screen);
    assert!(screen.contains("904 over the 4,096 limit"), "{screen}");
    assert!(cursor.is_some());
    ctrl(&mut a, 'a');
    let (screen, _, cursor) = draw(&a, 80, 24);
    assert!(screen.contains("│abcdefghijabcdefghij"), "{screen}");
    let (_, y) = cursor.unwrap();
    assert!(screen
        .lines()
        .nth(y as usize)
        .unwrap()
        .contains("│abcdefghij"));
}

#[test]
fn characters_left_show_as_the_limit_nears() {
    let mut a = app();
    ch(&mut a, 'i');
    paste(&mut a, &"y".repeat(3500));
    let (screen, _, _) = draw(&a, 80, 24);
    assert!(!screen.contains(" left "), "{screen}");
    paste(&mut a, &"y".repeat(200));
    let (screen, _, _) = draw(&a, 80, 24);
    assert!(screen.contains(" 396 left "), "{screen}");
    insta::assert_snapshot!("compose_chars_left_80x24", screen);
}

#[test]
fn the_real_cursor_is_at_the_caret_in_the_box_dialogs_and_the_filter() {
    let mut a = app();
    let (_, _, cursor) = draw(&a, 80, 24);
    assert_eq!(cursor, None, "no caret, no cursor");
    ch(&mut a, 'i');
    typed(&mut a, "你好 world");
    let (screen, buf, cursor) = draw(&a, 80, 24);
    let (x, y) = find(&buf, "你好 world").unwrap();
    assert_eq!(cursor, Some((x + 10, y)), "{screen}");
    press(&mut a, KeyCode::Left, KeyModifiers::NONE);
    alt(&mut a, 'b');
    alt(&mut a, 'b');
    let (_, _, cursor) = draw(&a, 80, 24);
    assert_eq!(cursor, Some((x, y)));
    // A dialog over the box takes the cursor to its field.
    key(&mut a, KeyCode::Esc);
    ch(&mut a, 'a');
    typed(&mut a, "李雷 lei");
    let (screen, buf, cursor) = draw(&a, 80, 24);
    let (fx_, fy) = find(&buf, "李雷 lei").unwrap();
    assert_eq!(cursor, Some((fx_ + 8, fy)), "{screen}");
    // The help overlay hides it.
    key(&mut a, KeyCode::Esc);
    // The filter.
    ch(&mut a, '1');
    ch(&mut a, '/');
    typed(&mut a, "工程");
    let (screen, buf, cursor) = draw(&a, 80, 24);
    let (gx, gy) = find(&buf, "/工程").unwrap();
    assert_eq!(cursor, Some((gx + 5, gy)), "{screen}");
    key(&mut a, KeyCode::Esc);
    ch(&mut a, '?');
    let (_, _, cursor) = draw(&a, 80, 24);
    assert_eq!(cursor, None, "nothing is typed in the help");
}

#[test]
fn the_idle_box_follows_the_space_or_thread_on_screen() {
    let mut a = app();
    // A draft for the space.
    ch(&mut a, 'i');
    typed(&mut a, "space draft");
    key(&mut a, KeyCode::Esc);
    // Into Bob's thread, and reply there.
    a.views.get_mut(TEAM).unwrap().selected = Some(Row::Msg {
        name: "spaces/AAAATeamRst/messages/T1.T1".into(),
        reply: false,
    });
    key(&mut a, KeyCode::Enter);
    let (screen, _, _) = draw(&a, 80, 24);
    assert!(screen.contains("Reply to Bob Li: "), "{screen}");
    assert!(
        !screen.contains("space draft"),
        "the thread's box is not the space's draft:\n{screen}"
    );
    ch(&mut a, 'i');
    typed(&mut a, "reply draft");
    let (screen, _, _) = draw(&a, 80, 24);
    assert!(screen.contains("Reply to Bob Li"), "{screen}");
    key(&mut a, KeyCode::Esc);
    let (screen, _, _) = draw(&a, 80, 24);
    assert!(screen.contains("Draft: reply draft"), "{screen}");
    // Back to the space: the box is the space's again.
    key(&mut a, KeyCode::Esc);
    let (screen, _, _) = draw(&a, 80, 24);
    assert!(!screen.contains("Reply to"), "{screen}");
    assert!(screen.contains("New message in Team Rust"), "{screen}");
    assert!(screen.contains("Draft: space draft"), "{screen}");
    insta::assert_snapshot!("compose_idle_after_reply_80x24", screen);
    // And typing there starts a new message with the space's draft.
    ch(&mut a, 'i');
    assert_eq!(a.compose.text(), "space draft");
}

#[test]
fn help_shows_both_meanings_of_ctrl_z_and_the_editing_keys() {
    let a = app();
    let lines: Vec<String> = gchat::ui::help::lines(&a)
        .iter()
        .map(|l| l.to_string())
        .collect();
    let all = lines.join("\n");
    let suspend = lines
        .iter()
        .find(|l| l.contains("Suspend gchat"))
        .expect(&all);
    assert!(suspend.starts_with("Ctrl-z"), "{suspend}");
    let undo: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("Undo the last change"))
        .collect();
    assert_eq!(undo.len(), 2, "compose and dialogs:\n{all}");
    assert!(undo.iter().all(|l| l.starts_with("Ctrl-z")), "{all}");
    assert!(all.contains("Redo what was undone"), "{all}");
    assert!(all.contains("Discard the whole draft"), "{all}");
    assert!(all.contains("Clear the field"), "{all}");
    assert!(
        all.contains("Typing edits as a shell does: Ctrl-a/Ctrl-e"),
        "{all}"
    );
    assert!(
        all.contains("Ctrl-u/Ctrl-k delete to line start/end"),
        "{all}"
    );
}

#[test]
fn clicking_the_idle_box_starts_what_its_title_says() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mut a = app();
    // Reply to Bob's thread from the space view, then leave the box.
    a.views.get_mut(TEAM).unwrap().selected = Some(Row::Msg {
        name: "spaces/AAAATeamRst/messages/T1.T1".into(),
        reply: false,
    });
    ch(&mut a, 'r');
    typed(&mut a, "half a reply");
    let (screen, _, _) = draw(&a, 80, 24);
    assert!(screen.contains("Reply to Bob Li: "), "{screen}");
    key(&mut a, KeyCode::Esc);
    let (screen, _, _) = draw(&a, 80, 24);
    assert!(screen.contains("New message in Team Rust"), "{screen}");
    // A click in the box types what the title said: a new message, not the reply.
    let r = a.screen.get().compose;
    a.update(Action::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: r.x + 2,
        row: r.y + 1,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(a.focus, Focus::Compose);
    assert_eq!(a.compose.target, gchat::app::compose::Target::New);
    let (screen, _, _) = draw(&a, 80, 24);
    assert!(screen.contains("New message in Team Rust"), "{screen}");
    // The reply's draft is kept for its thread.
    let thread = gchat::app::compose::Target::Reply {
        thread: "spaces/AAAATeamRst/threads/T1".into(),
    };
    assert_eq!(
        a.compose.draft(TEAM, &thread),
        Some(&["half a reply".to_string()][..])
    );
}

#[test]
fn the_compose_box_keeps_its_scroll_between_frames() {
    let mut a = app();
    ch(&mut a, 'i');
    let text: Vec<String> = (1..=30).map(|i| format!("draft line {i:02}")).collect();
    paste(&mut a, &text.join("\n"));
    let first_shown =
        |screen: &str| (1..=30).find(|i| screen.contains(&format!("draft line {i:02}")));
    let (screen, _, _) = draw(&a, 80, 24);
    assert!(screen.contains("draft line 30"), "{screen}");
    let top = first_shown(&screen).expect("some of the draft is shown");
    assert!(top > 1, "the box is smaller than the draft:\n{screen}");
    // Moving up inside the lines in view does not move the view.
    key(&mut a, KeyCode::Up);
    key(&mut a, KeyCode::Up);
    let (screen, _, _) = draw(&a, 80, 24);
    assert_eq!(first_shown(&screen), Some(top), "{screen}");
    assert!(screen.contains("draft line 30"), "{screen}");
    // Past the top of the view it scrolls by a line, and back down it stays there.
    for _ in 0..(29 - top) {
        key(&mut a, KeyCode::Up);
        draw(&a, 80, 24);
    }
    let (screen, _, _) = draw(&a, 80, 24);
    assert_eq!(first_shown(&screen), Some(top - 1), "{screen}");
    key(&mut a, KeyCode::Down);
    let (screen, _, _) = draw(&a, 80, 24);
    assert_eq!(first_shown(&screen), Some(top - 1), "{screen}");
}
