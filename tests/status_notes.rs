//! Status notes say what just happened and go when they no longer hold: the editor's
//! "Enter sends it" once the draft is sent or changed, and `r` says which space it
//! marked read.

mod common;

use common::fixture::*;
use crossterm::event::KeyCode;
use gchat::app::{Focus, Outcome};

fn note(a: &gchat::app::App) -> Option<String> {
    a.status.note.as_ref().map(|n| n.text.clone())
}

#[test]
fn the_editor_note_goes_when_the_draft_is_sent_or_changed() {
    let mut a = app();
    ch(&mut a, 'i');
    done(
        &mut a,
        Outcome::EditorDone {
            result: Ok(Some("from the editor\n".into())),
        },
    );
    assert!(note(&a).is_some_and(|n| n.contains("Enter sends it")));
    ch(&mut a, '!');
    assert!(
        !note(&a).is_some_and(|n| n.contains("Enter sends it")),
        "changed: {:?}",
        note(&a)
    );

    done(
        &mut a,
        Outcome::EditorDone {
            result: Ok(Some("again".into())),
        },
    );
    assert!(note(&a).is_some_and(|n| n.contains("Enter sends it")));
    key(&mut a, KeyCode::Enter);
    assert!(
        !note(&a).is_some_and(|n| n.contains("Enter sends it")),
        "sent: {:?}",
        note(&a)
    );
}

#[test]
fn r_says_which_space_it_marked_read() {
    let mut a = app();
    a.focus = Focus::Spaces;
    a.spaces.selected = Some(ENG.into());
    ch(&mut a, 'r');
    let n = note(&a).unwrap_or_default();
    assert!(n.contains("Marked") && n.contains("工程部"), "{n:?}");
}

#[test]
fn l_on_a_direct_message_says_at_once_it_cannot_be_left() {
    let mut a = app();
    a.focus = Focus::Spaces;
    a.spaces.selected = Some(DM.into());
    ch(&mut a, 'L');
    assert!(a.dialog.is_none(), "no dialog asks to leave a DM");
    let n = note(&a).unwrap_or_default();
    assert!(n.contains("can't leave a direct message"), "{n:?}");
    // A space is still asked about.
    a.spaces.selected = Some(ENG.into());
    ch(&mut a, 'L');
    assert!(a.dialog.is_some());
}

#[test]
fn the_beginning_note_goes_when_moving_down() {
    let mut a = app();
    a.focus = Focus::Messages;
    // Team Rust with older messages on the server: `g` loads them to the beginning.
    done(
        &mut a,
        Outcome::Messages(gchat::app::MessagesOutcome::Messages {
            space: sn(TEAM),
            kind: gchat::app::LoadKind::Latest,
            result: Ok((
                common::fixture::team_messages()
                    .into_iter()
                    .map(Into::into)
                    .collect(),
                true,
            )),
        }),
    );
    let fx = ch(&mut a, 'g');
    let before = fx
        .iter()
        .find_map(|e| match e {
            gchat::app::Effect::Messages(gchat::app::MessagesEffect::LoadMessages {
                kind: gchat::app::LoadKind::Older { before },
                ..
            }) => Some(*before),
            _ => None,
        })
        .expect("g loads older");
    done(
        &mut a,
        Outcome::Messages(gchat::app::MessagesOutcome::Messages {
            space: sn(TEAM),
            kind: gchat::app::LoadKind::Older { before },
            result: Ok((Vec::new(), false)),
        }),
    );
    render(&a, 80, 24);
    assert!(
        note(&a).is_some_and(|n| n.contains("beginning of")),
        "{:?}",
        note(&a)
    );
    ch(&mut a, 'G');
    assert!(
        !note(&a).is_some_and(|n| n.contains("beginning of")),
        "{:?}",
        note(&a)
    );
}
