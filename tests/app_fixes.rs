//! What a new user found in the TUI: each fix with the test that broke on the old code.

mod common;

use common::fixture::*;
use crossterm::event::KeyCode;
use gchat::app::member_requests::MemberOutcome;
use gchat::app::space_requests::{SpaceEffect, SpaceOutcome};
use gchat::app::{Action, Focus};

fn note(app: &gchat::app::App) -> Option<String> {
    app.status.note.as_ref().map(|n| n.text.clone())
}

#[test]
fn the_discard_note_goes_once_the_box_is_typed_in_or_restored() {
    let mut app = app();
    ch(&mut app, 'i');
    typed(&mut app, "first try");
    ctrl(&mut app, 'x');
    assert!(note(&app).is_some_and(|n| n.contains("Draft discarded")));
    app.update(Action::Paste("second try".into()));
    assert_eq!(
        note(&app),
        None,
        "typed over: the undo hint no longer applies"
    );
    key(&mut app, KeyCode::Enter);
    assert!(!note(&app).is_some_and(|n| n.contains("Draft discarded")));

    // Restored with undo: the note goes too.
    typed(&mut app, "third");
    ctrl(&mut app, 'x');
    assert!(note(&app).is_some_and(|n| n.contains("Draft discarded")));
    ctrl(&mut app, 'z');
    assert_eq!(app.compose.text(), "third");
    assert_eq!(note(&app), None);

    // Switching spaces leaves the discarded box behind, and its note.
    ctrl(&mut app, 'x');
    assert!(note(&app).is_some_and(|n| n.contains("Draft discarded")));
    key(&mut app, KeyCode::Esc);
    ch(&mut app, '1');
    ch(&mut app, 'j');
    key(&mut app, KeyCode::Enter);
    assert_eq!(note(&app), None);
    assert_eq!(app.focus, Focus::Messages);
}

#[test]
fn a_created_space_opens_with_focus_on_it_so_its_hint_key_works() {
    use gchat::api::model::{Space, SpaceType};
    use gchat::app::{Effect, Outcome};
    let mut app = app();
    ch(&mut app, '1');
    ch(&mut app, 'c');
    typed(&mut app, "Launch Crew");
    let fx = key(&mut app, KeyCode::Enter);
    let Some(Effect::Space(SpaceEffect::CreateSpace {
        request_id,
        name,
        description,
        guidelines,
    })) = fx.first().cloned()
    else {
        panic!("{fx:?}")
    };
    done(
        &mut app,
        Outcome::Space(SpaceOutcome::SpaceCreated {
            request_id,
            name,
            description,
            guidelines,
            result: Ok(Space {
                name: Some("spaces/LAUNCH".into()),
                space_type: Some(SpaceType::Space),
                display_name: Some("Launch Crew".into()),
                ..Default::default()
            }),
        }),
    );
    assert_eq!(app.current.as_deref(), Some("spaces/LAUNCH"));
    assert_eq!(
        note(&app).as_deref(),
        Some("Created Launch Crew. Add people with a.")
    );
    assert_eq!(app.focus, Focus::Messages);
    // The hint's key does what it says.
    ch(&mut app, 'a');
    assert!(app.dialog.is_some(), "a opens the add-member dialog");
}

#[test]
fn a_kept_filter_is_shown_in_the_title_and_esc_in_the_spaces_pane_clears_it() {
    let mut app = app();
    let all = app.visible_spaces().len();
    ch(&mut app, '1');
    ch(&mut app, '/');
    ch(&mut app, '工');
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Messages);
    assert!(app.visible_spaces().len() < all);
    let screen = render(&app, 160, 20);
    assert!(
        screen
            .lines()
            .next()
            .unwrap()
            .contains("Spaces: 工 (Esc clears)"),
        "{screen}"
    );
    let screen = render(&app, 80, 20);
    assert!(
        screen.lines().next().unwrap().contains("Spaces: 工 "),
        "{screen}"
    );
    ch(&mut app, '1');
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.spaces.filter, "");
    assert_eq!(app.visible_spaces().len(), all);
    let screen = render(&app, 100, 20);
    assert!(!screen.contains("Esc clears"), "{screen}");
    assert!(
        screen.lines().next().unwrap().contains("┌ Spaces ─"),
        "{screen}"
    );
}

/// The last line of the screen: the status bar.
fn status_bar(screen: &str) -> String {
    screen.lines().last().unwrap_or("").to_string()
}

#[test]
fn key_hints_follow_the_focused_pane_and_where_it_is() {
    use gchat::app::timeline::Row;
    let mut app = app();
    // The messages pane has the keys: its compose keys are offered.
    let screen = render(&app, 160, 30);
    assert!(
        screen.contains("i/n new message · r reply · e edit"),
        "{screen}"
    );
    // In the spaces pane i shows a space's details: the box doesn't offer it.
    ch(&mut app, '1');
    let screen = render(&app, 160, 30);
    assert!(!screen.contains("i/n new message"), "{screen}");
    assert!(screen.contains("2 then i/n to write"), "{screen}");

    // In a thread, i replies: box and status bar say so.
    ch(&mut app, '2');
    app.views.get_mut(TEAM).unwrap().selected = Some(Row::Msg {
        name: "spaces/AAAATeamRst/messages/T1.T1".into(),
        reply: false,
    });
    key(&mut app, KeyCode::Enter);
    assert!(app.current_view().unwrap().thread.is_some());
    let screen = render(&app, 160, 30);
    assert!(!screen.contains("new message"), "{screen}");
    assert!(screen.contains("i/n/r reply · e edit"), "{screen}");
    let bar = status_bar(&screen);
    assert!(bar.contains("i reply") && !bar.contains("new"), "{bar}");

    // A DM takes no more people: a isn't offered, and says why when pressed.
    key(&mut app, KeyCode::Esc);
    ch(&mut app, '1');
    while app.spaces.selected.as_deref() != Some(DM) {
        ch(&mut app, 'j');
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.current.as_deref(), Some(DM));
    let bar = status_bar(&render(&app, 200, 30));
    assert!(
        bar.contains("i new") && !bar.contains("add member"),
        "{bar}"
    );
    ch(&mut app, 'a');
    assert!(app.dialog.is_none());
    assert!(note(&app).is_some_and(|n| n.contains("direct message")));
}

#[test]
fn help_wraps_long_descriptions_and_names_shift_tab() {
    let mut app = app();
    ch(&mut app, '?');
    // Scroll to the messages table, where the longest description is.
    let mut seen = String::new();
    for _ in 0..12 {
        seen.push_str(&render(&app, 160, 48));
        for _ in 0..10 {
            ch(&mut app, 'j');
        }
    }
    assert!(seen.contains("Shift-Tab"), "{seen}");
    assert!(!seen.contains("BackTab"), "{seen}");
    assert!(!seen.contains("the beginn│"), "{seen}");
    assert!(seen.contains("beginning"), "{seen}");
}

#[test]
fn the_counter_starts_at_500_left_and_writes_thousands_as_the_readme_does() {
    let mut app = app();
    ch(&mut app, 'i');
    app.update(Action::Paste("x".repeat(4096 - 501)));
    assert!(!render(&app, 160, 48).contains(" left "));
    ch(&mut app, 'x');
    let screen = render(&app, 160, 48);
    assert!(screen.contains(" 500 left "), "{screen}");
    app.update(Action::Paste("y".repeat(1734)));
    let screen = render(&app, 160, 48);
    assert!(screen.contains(" 1,234 over the 4,096 limit "), "{screen}");
    key(&mut app, KeyCode::Enter);
    let n = note(&app).unwrap_or_default();
    assert!(
        n.contains("5,330 characters") && n.contains("at most 4,096") && n.contains("by 1,234"),
        "{n}"
    );
}

#[test]
fn the_reply_title_uses_the_width_there_is() {
    use gchat::app::timeline::Row;
    let mut app = app();
    app.views.get_mut(TEAM).unwrap().selected = Some(Row::Msg {
        name: "spaces/AAAATeamRst/messages/D1.D1".into(),
        reply: false,
    });
    ch(&mut app, 'r');
    assert_eq!(app.focus, Focus::Compose);
    let wide = render(&app, 160, 48);
    assert!(
        wide.contains(
            "Reply to Dmitri Volkov: @Alice Chen could you review #482 when you have a minute? ─"
        ),
        "{wide}"
    );
    // Narrow: cut by display width, with an ellipsis, the border kept.
    let narrow = render(&app, 80, 24);
    let line = narrow
        .lines()
        .find(|l| l.contains("Reply to Dmitri"))
        .unwrap_or_default()
        .to_string();
    assert!(line.contains("…"), "{narrow}");
    assert!(!line.contains("minute?"), "{narrow}");
}

#[test]
fn space_details_show_the_servers_web_address() {
    let mut app = app();
    let uri = "https://chat.google.com/room/AAAATeamRst?cls=7";
    for s in &mut app.spaces.all {
        if s.name.as_deref() == Some(TEAM) {
            s.space_uri = Some(uri.into());
        }
    }
    ch(&mut app, 'I');
    let screen = render(&app, 160, 48);
    assert!(screen.contains(uri), "{screen}");
    // A hostile address is not shown as a link: the one made from the id is.
    for s in &mut app.spaces.all {
        if s.name.as_deref() == Some(TEAM) {
            s.space_uri = Some("javascript:alert(1)\u{1b}[2J".into());
        }
    }
    let screen = render(&app, 160, 48);
    assert!(
        screen.contains("https://chat.google.com/room/AAAATeamRst"),
        "{screen}"
    );
    assert!(!screen.contains("javascript"), "{screen}");
}

#[test]
fn members_sort_in_natural_order() {
    use gchat::api::model::{Membership, MembershipRole, MembershipState};
    use gchat::app::Outcome;
    let mut app = app();
    let people: Vec<Membership> = ["person10", "Person3", "person1", "person20"]
        .iter()
        .enumerate()
        .map(|(i, n)| Membership {
            name: Some(format!("{TEAM}/members/9{i}")),
            state: Some(MembershipState::Joined),
            role: Some(MembershipRole::Member),
            member: Some(user(&format!("9{i}"), Some(n))),
            ..Default::default()
        })
        .collect();
    done(
        &mut app,
        Outcome::Members(MemberOutcome::Members {
            space: sn(TEAM),
            result: Ok(people),
            show_invited: true,
        }),
    );
    let order: Vec<String> = app
        .members_sorted(TEAM)
        .iter()
        .map(|m| app.membership_label(m).into_string())
        .collect();
    assert_eq!(order, ["person1", "Person3", "person10", "person20"]);
}

#[test]
fn discarding_a_huge_draft_discards_all_of_it_and_undo_brings_all_back() {
    for text in [
        "x".repeat(120_000),
        (0..70_000)
            .map(|i| format!("L{i}"))
            .collect::<Vec<_>>()
            .join("\n"),
    ] {
        let mut app = app();
        ch(&mut app, 'i');
        app.update(Action::Paste(text.clone()));
        assert_eq!(app.compose.text(), text);
        ctrl(&mut app, 'x');
        assert!(app.dialog.is_some(), "a long draft asks first");
        ch(&mut app, 'y');
        assert!(app.dialog.is_none());
        assert_eq!(app.compose.text(), "", "nothing is left behind");
        assert!(app.compose.is_blank());
        ctrl(&mut app, 'z');
        assert_eq!(app.compose.text(), text, "one undo brings all of it back");
    }
}

#[test]
fn clearing_a_huge_dialog_field_clears_all_of_it() {
    let mut t = tui_textarea::TextArea::new(vec!["z".into(), "y".repeat(70_000)]);
    t.move_cursor(tui_textarea::CursorMove::Top);
    assert!(gchat::app::compose::discard_all(&mut t));
    assert_eq!(t.lines(), [String::new()]);
    assert!(t.undo());
    assert_eq!(t.lines(), ["z".into(), "y".repeat(70_000)]);
}

#[test]
fn up_and_down_move_by_screen_row_in_a_wrapped_paragraph() {
    let mut app = app();
    ch(&mut app, 'i');
    let words: String = (0..40).map(|i| format!("w{i:02} ")).collect();
    app.update(Action::Paste(words.trim_end().to_string()));
    // Drawn: the box knows its width.
    let screen = render(&app, 80, 24);
    let end = app.compose.textarea.cursor();
    assert_eq!(end.0, 0, "one line");
    let width = app.screen.get().compose.width as usize - 2;
    assert!(end.1 > width, "it wraps: {screen}");
    key(&mut app, KeyCode::Up);
    let up = app.compose.textarea.cursor();
    assert_eq!(up.0, 0);
    assert!(
        up.1 < end.1,
        "Up moved within the paragraph: {up:?} from {end:?}"
    );
    assert!(end.1 - up.1 <= width, "by one row");
    key(&mut app, KeyCode::Down);
    assert_eq!(
        app.compose.textarea.cursor(),
        end,
        "Down comes back to the same column"
    );
    // Typing at the caret goes where the caret shows.
    key(&mut app, KeyCode::Up);
    ch(&mut app, '|');
    assert_eq!(app.compose.text().chars().nth(up.1), Some('|'));
}

#[test]
fn undo_in_the_compose_box_takes_back_a_word_at_a_time() {
    let mut app = app();
    ch(&mut app, 'i');
    typed(&mut app, "see you at noon");
    ctrl(&mut app, 'z');
    assert_eq!(app.compose.text(), "see you at ");
    ctrl(&mut app, 'z');
    assert_eq!(app.compose.text(), "see you ");
    ctrl(&mut app, 'y');
    assert_eq!(app.compose.text(), "see you at ");
    // A caret move ends a run; Backspaces are one run.
    typed(&mut app, "ten");
    key(&mut app, KeyCode::Left);
    key(&mut app, KeyCode::Right);
    typed(&mut app, "thirty");
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Backspace);
    ctrl(&mut app, 'z');
    assert_eq!(app.compose.text(), "see you at tenthirty");
    ctrl(&mut app, 'z');
    assert_eq!(app.compose.text(), "see you at ten");
    // A discard is one step, after the typing's.
    ctrl(&mut app, 'x');
    assert_eq!(app.compose.text(), "");
    ctrl(&mut app, 'z');
    assert_eq!(app.compose.text(), "see you at ten");
}

#[test]
fn the_members_title_keeps_its_label_when_narrow() {
    let app = app();
    for w in [80u16, 100, 120, 160] {
        let screen = render(&app, w, 24);
        let top = screen.lines().next().unwrap_or_default().to_string();
        let members = top.rsplit('┌').next().unwrap_or_default();
        assert!(members.contains("Members"), "{w}: {top}");
        assert!(
            members.contains('1'),
            "the invited count stays at {w}: {top}"
        );
    }
}

#[test]
fn a_pasted_tab_shows_in_the_box_as_it_will_once_sent() {
    let mut app = app();
    ch(&mut app, 'i');
    typed(&mut app, "ab");
    app.update(Action::Paste("\tx\ncdefg\ty".into()));
    assert_eq!(app.compose.text(), "ab  x\ncdefg   y");
    let screen = render(&app, 160, 48);
    assert!(
        screen.contains("│ab  x") && screen.contains("│cdefg   y"),
        "{screen}"
    );
}
