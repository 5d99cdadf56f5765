//! The spaces list names group chats and DMs after their members: the names are made
//! when the members, names or spaces change, not for every space on every frame; and a
//! change shows on the next frame.

mod common;

use common::fixture::*;
use crossterm::event::KeyCode;
use gchat::api::model::*;
use gchat::app::member_requests::MemberOutcome;
use gchat::app::{App, Outcome};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use serde_json::json;

/// The fixture's workspace plus `n` group chats of four people each (their members
/// loaded), so the list is longer than the screen.
fn big(n: usize) -> App {
    let mut app = app();
    let mut spaces: Vec<Space> = app.spaces.all.clone();
    for i in 0..n {
        spaces.push(Space {
            name: Some(format!("spaces/AAAAGroup{i:04}")),
            space_type: Some(SpaceType::GroupChat),
            last_active_time: Some(at(20, 8, (i % 60) as u32)),
            ..Default::default()
        });
    }
    done(
        &mut app,
        Outcome::Directory(gchat::app::DirectoryOutcome::Spaces { result: Ok(spaces) }),
    );
    for i in 0..n {
        let s = format!("spaces/AAAAGroup{i:04}");
        let people = (0..4)
            .map(|k| {
                let id = format!("{}", 5000 + i * 4 + k);
                member(
                    &s,
                    user(&id, Some(&format!("Person {id}"))),
                    MembershipRole::Member,
                    MembershipState::Joined,
                )
            })
            .chain([member(
                &s,
                alice(),
                MembershipRole::Member,
                MembershipState::Joined,
            )])
            .collect();
        done(
            &mut app,
            Outcome::Members(MemberOutcome::Members {
                space: sn(&s),
                result: Ok(people),
                show_invited: true,
            }),
        );
    }
    // The spaces pane focused and zoomed: labels drawn whole.
    key(&mut app, KeyCode::Char('1'));
    key(&mut app, KeyCode::Char('z'));
    app
}

#[test]
fn frames_and_keys_reuse_the_labels() {
    let mut app = big(200);
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    term.draw(|f| gchat::ui::draw(&app, f)).unwrap();
    let made = app.labels.computed();
    assert!(made > 0, "the labels were never made");
    let screen = text(term.backend().buffer());
    assert!(screen.contains("Bob Li"), "{screen}");
    // Frames, and moving through the list (each move is an update and a frame).
    for i in 0..60 {
        key(&mut app, KeyCode::Char(if i < 40 { 'j' } else { 'k' }));
        term.draw(|f| gchat::ui::draw(&app, f)).unwrap();
        term.draw(|f| gchat::ui::draw(&app, f)).unwrap();
    }
    assert_eq!(
        app.labels.computed(),
        made,
        "labels were made again with nothing changed"
    );
    let screen = text(term.backend().buffer());
    assert!(screen.contains("Person 5"), "{screen}");
}

#[test]
fn a_changed_member_list_or_name_shows_on_the_next_frame() {
    let mut app = big(3);
    assert!(render(&app, 120, 30).contains("Person 5000, Person 5001"));
    let made = app.labels.computed();
    // A member leaves one group chat: only its label is made again.
    let s = "spaces/AAAAGroup0000";
    let left: Vec<Membership> = app
        .members_sorted(s)
        .iter()
        .filter(|m| m.name.as_deref() != Some(&format!("{s}/members/5000")))
        .cloned()
        .collect();
    done(
        &mut app,
        Outcome::Members(MemberOutcome::Members {
            space: sn(s),
            result: Ok(left),
            show_invited: true,
        }),
    );
    assert_eq!(app.labels.computed(), made + 1);
    let screen = render(&app, 120, 30);
    assert!(!screen.contains("Person 5000"), "{screen}");
    assert!(screen.contains("Person 5001"), "{screen}");
    // A name learned from the People API, with hostile text: cleaned on screen.
    let person: Person =
        serde_json::from_value(json!({"names": [{"displayName": "Zoë \u{1b}[2J\u{202e}Evil"}]}))
            .unwrap();
    // A member the list names by id, until the directory answers.
    done(
        &mut app,
        Outcome::Members(MemberOutcome::Members {
            space: sn(s),
            result: Ok(vec![
                member(
                    s,
                    user("7777", None),
                    MembershipRole::Member,
                    MembershipState::Joined,
                ),
                member(s, alice(), MembershipRole::Member, MembershipState::Joined),
            ]),
            show_invited: true,
        }),
    );
    assert!(render(&app, 120, 30).contains("users/7777"));
    done(
        &mut app,
        Outcome::Directory(gchat::app::DirectoryOutcome::People {
            users: vec![gchat::api::UserRef::Id("7777".into())],
            result: Ok(vec![("users/7777".into(), person)]),
        }),
    );
    let screen = render(&app, 120, 30);
    assert!(!screen.contains("users/7777"), "{screen}");
    assert!(screen.contains("Zoë"), "{screen}");
    assert!(
        !screen.contains('\u{1b}') && !screen.contains('\u{202e}'),
        "{screen:?}"
    );
}

#[test]
fn the_filter_matches_the_kept_labels() {
    let mut app = big(30);
    ch(&mut app, '/');
    typed(&mut app, "person 5041");
    let screen = render(&app, 120, 30);
    assert!(screen.contains("Person 5041"), "{screen}");
    assert!(!screen.contains("Bob Li, Priya"), "{screen}");
    let made = app.labels.computed();
    // A space's own name changes: the filter sees the new one.
    let mut renamed = app.spaces.all.clone();
    if let Some(s) = renamed
        .iter_mut()
        .find(|s| s.name.as_deref() == Some("spaces/AAAAGroup0010"))
    {
        s.space_type = Some(SpaceType::Space);
        s.display_name = Some("Person 5041 fan club".into());
    }
    done(
        &mut app,
        Outcome::Directory(gchat::app::DirectoryOutcome::Spaces {
            result: Ok(renamed),
        }),
    );
    assert_eq!(app.labels.computed(), made + 1);
    let screen = render(&app, 120, 30);
    assert!(screen.contains("Person 5041 fan club"), "{screen}");
}
