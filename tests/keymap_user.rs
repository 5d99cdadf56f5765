//! A user's keymap file rebinds every key the app answers, and the help overlay and the
//! dialogs' footers name the keys in force.

mod common;

use common::fixture::*;
use common::steps::warned;
use gchat::app::dialog::{Dialog, Kind};
use gchat::app::Effect;
use gchat::keymap::Keymap;

fn with_keymap(user_toml: &str) -> gchat::app::App {
    let (keymap, problems) = Keymap::with_user(user_toml);
    assert!(problems.is_empty(), "{problems:?}");
    let mut app = app();
    app.keymap = keymap;
    app
}

#[test]
fn quit_rebound_to_ctrl_q_quits_with_it_alone_and_the_help_says_so() {
    let mut app = with_keymap("[global]\nquit = [\"Ctrl-q\"]\n");
    ch(&mut app, 'q');
    assert!(!app.quit, "q no longer quits");
    ctrl(&mut app, 'c');
    assert!(!app.quit, "nor does Ctrl-c");
    let help = help_text(&app);
    let row = help
        .lines()
        .find(|l| l.contains("Quit gchat"))
        .unwrap_or_else(|| panic!("no quit row in:\n{help}"));
    assert!(row.contains("Ctrl-q"), "{row}");
    assert!(!row.contains("Ctrl-c"), "{row}");
    ctrl(&mut app, 'q');
    assert!(app.quit, "Ctrl-q quits");
}

#[test]
fn an_address_shown_is_copied_with_the_users_yes_key_and_the_footer_names_it() {
    let mut app = with_keymap("[dialog]\nyes = [\"o\"]\n");
    let url = "https://example.com/a";
    app.dialog = Some(Dialog::new(
        Kind::Address {
            url: url.into(),
            why: "Over SSH.".into(),
        },
        Vec::new(),
    ));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("o copy"), "{screen}");
    assert!(!screen.contains("y copy"), "{screen}");
    assert!(ch(&mut app, 'y').is_empty(), "y is no longer yes");
    assert!(app.dialog.is_some());
    assert_eq!(ch(&mut app, 'o'), vec![Effect::Copy { text: url.into() }]);
    assert!(app.dialog.is_none());
}

#[test]
fn a_yes_or_no_question_names_the_users_keys() {
    let mut app = with_keymap("[dialog]\nyes = [\"o\"]\nno = [\"x\"]\n");
    app.views.get_mut(TEAM).unwrap().selected = Some(gchat::app::timeline::Row::Msg {
        name: "spaces/AAAATeamRst/messages/T1.T1".into(),
        reply: false,
    });
    ch(&mut app, 'd');
    assert!(app.dialog.is_some(), "delete asks first");
    let screen = render(&app, 100, 30);
    let footer = screen
        .lines()
        .find(|l| l.contains(" yes ") && l.contains(" no"))
        .unwrap_or_else(|| panic!("no yes/no footer in:\n{screen}"));
    assert!(footer.contains("o/"), "{footer}");
    assert!(footer.contains("x/"), "{footer}");
    assert!(!footer.contains("y/"), "{footer}");
}

/// A keymap file with a misspelled key (or none, or keys all taken by other commands)
/// must not leave the user without a way to quit or to leave the compose box.
#[test]
fn a_misspelled_way_out_keeps_its_default_keys_and_says_so() {
    let (keymap, problems) = Keymap::with_user("[global]\nquit = [\"Ctrl-Qq\"]\n");
    warned(&problems, "global.quit", "keeping");
    let mut app = app();
    app.keymap = keymap;
    ch(&mut app, 'q');
    assert!(app.quit, "q still quits");

    let (keymap, problems) = Keymap::with_user("[compose]\ncancel = [\"Escape\"]\n");
    warned(&problems, "compose.cancel", "Esc");
    assert!(keymap
        .keys(gchat::keymap::Mode::Compose, gchat::keymap::Command::Cancel)
        .iter()
        .any(|c| c.to_string() == "Esc"));

    let (keymap, problems) = Keymap::with_user("[dialog]\nyes = []\nno = []\n");
    assert_eq!(problems.len(), 2, "{problems:?}");
    for cmd in [gchat::keymap::Command::Yes, gchat::keymap::Command::No] {
        assert!(!keymap.keys(gchat::keymap::Mode::Dialog, cmd).is_empty());
    }
}

/// Taking a way out's only keys for another command gives them back to it.
#[test]
fn a_way_out_whose_keys_are_all_taken_gets_them_back() {
    let (keymap, problems) = Keymap::with_user("[global]\nhelp = [\"q\", \"Ctrl-c\"]\n");
    warned(&problems, "global.quit", "keeping");
    let mut app = app();
    app.keymap = keymap;
    ctrl(&mut app, 'c');
    assert!(app.quit, "Ctrl-c quits again");
}

/// A quit key that every pane takes for something else reaches nothing: the defaults
/// come back. A key taken from another command is said, and a dialog keeps a way to
/// confirm.
#[test]
fn a_quit_key_shadowed_by_the_panes_and_a_stolen_submit_are_caught() {
    let (keymap, problems) = Keymap::with_user("[global]\nquit = [\"j\"]\n");
    warned(&problems, "global.quit", "keeping");
    let mut app = app();
    app.keymap = keymap;
    ch(&mut app, 'q');
    assert!(app.quit, "q quits again");

    let (keymap, problems) = Keymap::with_user("[dialog]\nyes = [\"Enter\"]\n");
    warned(&problems, "dialog.yes", "no longer does submit");
    warned(&problems, "dialog.submit", "keeping");
    assert!(!keymap
        .keys(gchat::keymap::Mode::Dialog, gchat::keymap::Command::Submit)
        .is_empty());
}
