//! Fixes of what the last reviewers found, each with the test that failed before.
//!
//! A thread (or a search hit, or a pin) opened from far back brings its old messages
//! into the timeline before the history between them and the newest page is loaded: the
//! history must still be loaded back through that gap, not end at the old messages.

mod common;

use common::fixture::*;
use gchat::app::{Effect, LoadKind, MessagesEffect, MessagesOutcome, Outcome};

#[test]
fn an_old_thread_opened_does_not_end_the_history_at_its_first_message() {
    let mut app = app();
    // The newest page: ten messages of today, with more before them.
    let page: Vec<_> = (0..10)
        .map(|i| {
            let id = format!("N{i}");
            msg(TEAM, &id, &id, bob(), at(21, 10, i), &format!("new {i}"))
        })
        .collect();
    done(
        &mut app,
        Outcome::Messages(MessagesOutcome::Messages {
            space: sn(TEAM),
            kind: LoadKind::Latest,
            result: Ok((page.into_iter().map(Into::into).collect(), true)),
        }),
    );
    // A thread started weeks ago, with a reply today, loaded whole.
    let thread = format!("{TEAM}/threads/OLD");
    done(
        &mut app,
        Outcome::Messages(MessagesOutcome::Messages {
            space: sn(TEAM),
            kind: LoadKind::Thread {
                thread: tn(&thread),
            },
            result: Ok((
                vec![
                    msg(TEAM, "OLD", "OLD", alice(), at(1, 9, 0), "from long ago"),
                    msg(TEAM, "R1", "OLD", bob(), at(21, 10, 30), "a reply today"),
                ]
                .into_iter()
                .map(Into::into)
                .collect(),
                false,
            )),
        }),
    );
    // Back to the first message: the next older page is the one before the pages
    // listed (the fixture's first page begins at 08:00 yesterday), not the one before
    // the old thread.
    let fx = ch(&mut app, 'g');
    let before = fx.iter().find_map(|e| match e {
        Effect::Messages(MessagesEffect::LoadMessages {
            kind: LoadKind::Older { before },
            ..
        }) => Some(*before),
        _ => None,
    });
    assert_eq!(before, Some(at(20, 8, 0)), "{fx:?}");
    let screen = render(&app, 120, 40);
    assert!(!screen.contains("This is the beginning"), "{screen}");
}

/// Someone leaves a group chat while another space is open: the next spaces list says the
/// chat has one member fewer, and its members (which name it) are asked again.
#[test]
fn a_conversation_whose_member_count_changed_has_its_members_asked_again() {
    use gchat::api::model::MembershipCount;
    use gchat::app::member_requests::MemberEffect;
    use gchat::app::DirectoryOutcome;
    let mut app = app();
    let listed = app_spaces(&app);
    let counted = |n: i32| {
        let mut all = listed.clone();
        for s in &mut all {
            if s.name.as_deref() == Some(GROUP) {
                s.membership_count = Some(MembershipCount {
                    joined_direct_human_user_count: n,
                    ..Default::default()
                });
            }
        }
        all
    };
    let first = counted(3);
    done(
        &mut app,
        Outcome::Directory(DirectoryOutcome::PolledSpaces { result: Ok(first) }),
    );
    let same = counted(3);
    let fx = done(
        &mut app,
        Outcome::Directory(DirectoryOutcome::PolledSpaces { result: Ok(same) }),
    );
    let asked = |fx: &[Effect]| {
        fx.iter().any(|e| {
            matches!(e, Effect::Members(MemberEffect::LoadMembers { space, .. }) if space == GROUP)
        })
    };
    assert!(!asked(&fx), "nothing changed: {fx:?}");
    let fewer = counted(2);
    let fx = done(
        &mut app,
        Outcome::Directory(DirectoryOutcome::PolledSpaces { result: Ok(fewer) }),
    );
    assert!(asked(&fx), "{fx:?}");
}

fn app_spaces(app: &gchat::app::App) -> Vec<gchat::api::model::Space> {
    app.spaces.all.clone()
}
