//! The keys of lists and files are the keymap's too: a user's file that rebinds moving in
//! a picker, picking by number, the search results, the mention list, opening a saved
//! file or stopping a transfer changes what those keys do, what the footers name and
//! what `?` lists; a way out it leaves without a key keeps its default.

mod common;

use common::fixture::*;
use common::steps::*;
use crossterm::event::KeyCode;
use gchat::api::sync_model::SectionType;
use gchat::app::user_requests::UserOutcome;
use gchat::app::{App, Effect, Focus, Outcome};
use gchat::keymap::{Command, Keymap, Mode};
use serde_json::json;

/// Team Rust with a message from Bob carrying `files` (names), selected.
fn with_files(files: &[&str]) -> App {
    let mut a = app();
    let t = chrono::Utc::now() - chrono::Duration::minutes(5);
    let mut m = msg(TEAM, "F1", "F1", bob(), t, "files");
    m.attachment = files
        .iter()
        .enumerate()
        .map(|(i, n)| {
            serde_json::from_value(json!({
                "name": format!("{TEAM}/messages/F1.F1/attachments/m{i}"),
                "contentName": n,
                "contentType": "text/plain",
                "attachmentDataRef": { "resourceName": format!("m{i}") },
                "source": "UPLOADED_CONTENT",
            }))
            .unwrap()
        })
        .collect();
    shown_selected(&mut a, m);
    a
}

/// The file a download in `fx` saves.
fn downloaded(fx: &[Effect]) -> Option<String> {
    fx.iter().find_map(|e| match e {
        Effect::Download { name, .. } => Some(name.clone()),
        _ => None,
    })
}

fn pick(a: &App) -> usize {
    a.dialog.as_ref().map_or(usize::MAX, |d| d.pick)
}

#[test]
fn a_rebound_picker_moves_and_picks_with_the_users_keys_and_says_them() {
    let mut a = with_files(&["a.txt", "b.txt", "c.txt"]);
    with_keymap(
        &mut a,
        "[picker]\nup = [\"p\"]\ndown = [\"n\"]\npick_number = [\"F1\", \"F2\", \"F3\"]\n",
    );
    assert!(ch(&mut a, 's').is_empty());
    assert_eq!(pick(&a), 0, "the picker is open");
    ch(&mut a, 'j');
    assert_eq!(pick(&a), 0, "j no longer moves");
    ch(&mut a, 'n');
    assert_eq!(pick(&a), 1, "n moves down");
    ch(&mut a, 'n');
    ch(&mut a, 'p');
    assert_eq!(pick(&a), 1, "p moves up");
    let screen = render(&a, 100, 30);
    assert!(
        screen.contains("Which file? (its key or p/n and Enter)"),
        "{screen}"
    );
    assert!(screen.contains("F2 b.txt"), "{screen}");
    assert!(!screen.contains(" 2 b.txt"), "{screen}");
    assert!(downloaded(&ch(&mut a, '3')).is_none(), "3 picks nothing");
    assert!(a.dialog.is_some());
    assert_eq!(downloaded(&f_key(&mut a, 3)).as_deref(), Some("c.txt"));
    assert!(a.dialog.is_none());

    let row = help_row(&a, "by its number");
    assert!(row.contains("F1 F2 F3"), "{row}");
    let help = help_text(&a);
    assert!(
        help.lines()
            .any(|l| l.trim_start().starts_with("n ") && l.contains("Move down the list")),
        "{help}"
    );
}

#[test]
fn the_default_picker_still_numbers_and_picks_by_digit() {
    let mut a = with_files(&["a.txt", "b.txt"]);
    ch(&mut a, 's');
    let screen = render(&a, 100, 30);
    assert!(
        screen.contains("Which file? (a digit or ↑↓ and Enter)"),
        "{screen}"
    );
    assert!(screen.contains("2 b.txt"), "{screen}");
    ch(&mut a, 'j');
    assert_eq!(pick(&a), 1);
    assert_eq!(downloaded(&ch(&mut a, '1')).as_deref(), Some("a.txt"));
}

#[test]
fn the_offer_to_open_a_saved_file_takes_the_users_key() {
    let mut a = with_files(&["a.txt"]);
    with_keymap(&mut a, "[files]\nopen_offer = [\"x\"]\n");
    let saved = |a: &mut App| {
        let fx = ch(a, 's');
        assert!(downloaded(&fx).is_some());
        let id = a.files.transfer.as_ref().map(|t| t.id).unwrap();
        let path = std::path::PathBuf::from("/tmp/saved-a.txt");
        done(
            a,
            Outcome::Downloaded {
                id,
                result: Ok((path.clone(), 10)),
            },
        );
        path
    };
    let path = saved(&mut a);
    if std::env::var_os("SSH_CONNECTION").is_some() {
        // Over SSH nothing is offered: the file would open on the remote machine.
        assert!(a.files.offer_open.is_none());
        return;
    }
    let note = a.status.note.clone().map(|n| n.text).unwrap_or_default();
    assert!(note.ends_with("x opens it."), "{note}");
    assert!(
        !ch(&mut a, 'o')
            .iter()
            .any(|e| matches!(e, Effect::Open { .. })),
        "o no longer opens it"
    );
    assert!(a.files.offer_open.is_none(), "offered once");
    saved(&mut a);
    assert_eq!(
        ch(&mut a, 'x'),
        vec![Effect::Open {
            target: path.to_string_lossy().into_owned()
        }]
    );
}

#[test]
fn a_transfer_stops_with_the_users_key_and_esc_goes_back_as_usual() {
    let mut a = with_files(&["a.txt"]);
    with_keymap(&mut a, "[files]\ncancel_transfer = [\"Ctrl-x\"]\n");
    let fx = ch(&mut a, 's');
    assert!(downloaded(&fx).is_some());
    let id = a.files.transfer.as_ref().map(|t| t.id).unwrap();
    assert!(!key(&mut a, KeyCode::Esc).contains(&Effect::CancelTransfer { id }));
    assert!(a.files.transfer.is_some(), "Esc no longer stops it");
    a.focus = Focus::Messages;
    // A second save is refused, naming the user's key.
    ch(&mut a, 's');
    let note = a.status.note.clone().map(|n| n.text).unwrap_or_default();
    assert!(note.contains("Ctrl-x stops it"), "{note:?} {:?}", a.focus);
    a.focus = Focus::Messages;
    assert_eq!(ctrl(&mut a, 'x'), vec![Effect::CancelTransfer { id }]);
    assert!(a.files.transfer.is_none());
}

#[test]
fn the_mention_list_moves_inserts_and_closes_with_the_users_keys() {
    let mut a = app();
    with_keymap(
        &mut a,
        "[mention]\ndown = [\"Ctrl-n\"]\nsubmit = [\"Ctrl-t\"]\ncancel = [\"F2\"]\n",
    );
    ch(&mut a, 'i');
    typed(&mut a, "hey @");
    let names: Vec<String> = a
        .compose
        .popup
        .as_ref()
        .map(|p| {
            p.found
                .iter()
                .map(|f| f.name.as_str().to_string())
                .collect()
        })
        .unwrap_or_default();
    assert!(names.len() >= 2, "{names:?}");
    ctrl(&mut a, 'n');
    ctrl(&mut a, 't');
    assert_eq!(a.compose.text(), format!("hey @{} ", names[1]));
    typed(&mut a, "@b");
    assert!(a.compose.popup.is_some());
    f_key(&mut a, 2);
    assert!(a.compose.popup.is_none(), "F2 closes the list");
    assert_eq!(a.focus, Focus::Compose, "and only the list");
    let help = help_text(&a);
    assert!(
        help.lines()
            .any(|l| l.trim_start().starts_with("F2 ") && l.contains("Close the list")),
        "{help}"
    );
}

#[test]
fn the_section_list_moves_with_the_users_picker_keys() {
    let mut a = app();
    with_keymap(&mut a, "[picker]\ndown = [\"n\"]\n");
    let list = vec![
        section("projects", SectionType::Custom, Some("Projects")),
        section("later", SectionType::Custom, Some("Later")),
        section("default-spaces", SectionType::DefaultSpaces, None),
    ];
    done(
        &mut a,
        Outcome::User(UserOutcome::Sections {
            result: Ok((list, vec![])),
        }),
    );
    a.focus = Focus::Spaces;
    a.spaces.selected = Some(ENG.into());
    ch(&mut a, 'S');
    let before = pick(&a);
    ch(&mut a, 'j');
    assert_eq!(pick(&a), before, "j no longer moves");
    ch(&mut a, 'n');
    assert_ne!(pick(&a), before, "n moves");
}

#[test]
fn the_search_results_move_with_the_users_list_keys() {
    let mut a = app();
    with_keymap(&mut a, "[list]\ndown = [\"F5\"]\n");
    ctrl(&mut a, 'f');
    let hits: Vec<_> = (0..3)
        .map(|i| {
            msg(
                TEAM,
                &format!("S{i}"),
                &format!("S{i}"),
                bob(),
                at(21, 10, i),
                "found",
            )
        })
        .collect();
    let d = a.dialog.as_mut().expect("the search dialog");
    d.results.hits = hits;
    d.results.answered = true;
    key(&mut a, KeyCode::Down);
    assert_eq!(
        a.dialog.as_ref().unwrap().results.pick,
        0,
        "Down no longer moves"
    );
    f_key(&mut a, 5);
    assert_eq!(a.dialog.as_ref().unwrap().results.pick, 1, "F5 moves down");
    let screen = render(&a, 100, 30);
    assert!(screen.contains("↑/F5 results"), "{screen}");
}

#[test]
fn a_transfer_cancel_or_list_close_left_without_a_key_keeps_its_default() {
    let (k, problems) = Keymap::with_user("[files]\ncancel_transfer = []\n");
    warned(&problems, "files.cancel_transfer", "keeping Esc");
    assert!(!k.keys(Mode::Files, Command::CancelTransfer).is_empty());

    let (k, problems) = Keymap::with_user("[mention]\ncancel = [\"Escape\"]\n");
    warned(&problems, "mention.cancel", "keeping Esc");
    assert!(!k.keys(Mode::Mention, Command::Cancel).is_empty());

    // A list over a dialog that takes every key the dialog closes with: the dialog gets
    // them back, and the list gives them up.
    let (k, problems) = Keymap::with_user("[list]\ndown = [\"Esc\", \"Ctrl-c\", \"F5\"]\n");
    warned(&problems, "dialog.cancel", "keeping");
    let mut a = app();
    a.keymap = k;
    ctrl(&mut a, 'f');
    assert!(a.dialog.is_some());
    key(&mut a, KeyCode::Esc);
    assert!(a.dialog.is_none(), "Esc closes the search again");
}

#[test]
fn the_path_prompt_completes_with_the_users_next_field_key_and_says_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes-for-review.txt"), b"x").unwrap();
    let mut a = app();
    with_keymap(&mut a, "[dialog]\nnext_field = [\"Ctrl-t\"]\n");
    a.focus = Focus::Messages;
    ch(&mut a, 'i');
    ctrl(&mut a, 'o');
    let screen = render(&a, 100, 24);
    assert!(screen.contains("Ctrl-t completes the path"), "{screen}");
    typed(&mut a, &format!("{}/notes", dir.path().display()));
    ctrl(&mut a, 't');
    let field = a.dialog.as_ref().map(|d| d.field(0)).unwrap_or_default();
    assert!(field.ends_with("notes-for-review.txt"), "{field}");
}

#[test]
fn the_emoji_picker_and_the_pinned_list_move_with_the_users_keys_and_say_them() {
    let mut a = app();
    with_keymap(
        &mut a,
        "[list]\nup = [\"F7\"]\ndown = [\"F6\"]\n[picker]\nup = [\"F9\"]\ndown = [\"F8\"]\n",
    );
    ch(&mut a, '+');
    let pick = |a: &App| a.react.picker.as_ref().map_or(usize::MAX, |p| p.pick);
    assert_eq!(pick(&a), 0, "the picker is open");
    key(&mut a, KeyCode::Down);
    ctrl(&mut a, 'n');
    assert_eq!(pick(&a), 0, "Down and Ctrl-n no longer move");
    f_key(&mut a, 6);
    f_key(&mut a, 6);
    f_key(&mut a, 7);
    assert_eq!(pick(&a), 1);
    let screen = render(&a, 120, 40);
    assert!(screen.contains("F7/F6 move"), "{screen}");
    key(&mut a, KeyCode::Esc);
    assert!(a.react.picker.is_none());

    let t1 = format!("{TEAM}/messages/T1.T1");
    let t2 = format!("{TEAM}/messages/T2.T2");
    ch(&mut a, 'P');
    done(
        &mut a,
        Outcome::React(gchat::app::react::ReactOutcome::Pins {
            space: sn(TEAM),
            result: Ok(vec![
                gchat::api::model::MessagePin {
                    name: Some(format!("{TEAM}/messagePins/a")),
                    message: Some(t1),
                },
                gchat::api::model::MessagePin {
                    name: Some(format!("{TEAM}/messagePins/b")),
                    message: Some(t2),
                },
            ]),
        }),
    );
    let pick = |a: &App| a.react.pins_list.as_ref().map_or(usize::MAX, |p| p.pick);
    assert_eq!(pick(&a), 0, "the pinned list is open");
    ch(&mut a, 'j');
    assert_eq!(pick(&a), 0, "j no longer moves");
    f_key(&mut a, 8);
    assert_eq!(pick(&a), 1, "F8 moves down");
    let screen = render(&a, 120, 40);
    assert!(screen.contains("F9/F8 move"), "{screen}");
}

/// A list's keys that a yes-or-no question never shows under do not count against it.
#[test]
fn a_picker_key_that_a_question_also_uses_is_no_trap_and_is_kept() {
    let (k, problems) = Keymap::with_user("[picker]\ndown = [\"n\", \"N\"]\n");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(k.label(Mode::Picker, Command::Down), "n/N");
}

#[test]
fn the_people_found_move_with_the_users_list_keys() {
    let mut a = app();
    with_keymap(&mut a, "[list]\ndown = [\"F6\"]\n");
    a.focus = Focus::Members;
    ch(&mut a, 'a');
    let d = a.dialog.as_mut().expect("the add-member dialog");
    assert!(matches!(d.kind, gchat::app::dialog::Kind::AddMember { .. }));
    d.found = ["users/2001", "users/2002"]
        .into_iter()
        .map(|u| gchat::app::dialog::Found {
            user: u.into(),
            name: gchat::clean::Clean::line(u),
            email: None,
        })
        .collect();
    key(&mut a, KeyCode::Down);
    assert_eq!(pick(&a), 0, "Down no longer moves");
    f_key(&mut a, 6);
    assert_eq!(pick(&a), 1, "F6 moves down");
}
