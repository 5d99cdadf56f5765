//! The member list and the message pane: each fix with the test that broke on the old code.

mod common;

use common::fixture::*;
use common::steps::*;
use gchat::app::member_requests::MemberOutcome;
use gchat::app::timeline::Row;
use gchat::app::Outcome;

fn selected(app: &gchat::app::App) -> Option<Row> {
    app.views.get(TEAM).and_then(|v| v.selected.clone())
}

#[test]
fn expanding_a_collapsed_thread_selects_a_reply_of_that_thread() {
    let mut app = app();
    // An older thread with a reply of its own, above the collapsed one.
    let mut more = team_messages();
    more.push(msg(TEAM, "X2", "X1", alice(), at(20, 8, 5), "nice numbers"));
    latest(&mut app, TEAM, more);
    render(&app, 160, 48);
    let collapsed = app
        .rows_for(TEAM)
        .rows
        .iter()
        .find(|r| matches!(r, Row::Collapsed { .. }))
        .cloned()
        .expect("the ratatui thread is collapsed");
    app.views.get_mut(TEAM).unwrap().selected = Some(collapsed);
    ch(&mut app, 'o');
    let Some(Row::Msg { name, reply: true }) = selected(&app) else {
        panic!("a reply is selected: {:?}", selected(&app));
    };
    assert!(
        name.starts_with("spaces/AAAATeamRst/messages/T1."),
        "the selection stays in the expanded thread, not {name}"
    );
}

#[test]
fn a_membership_of_another_space_or_without_a_name_is_not_listed() {
    let mut app = app();
    let mut list = team_members();
    list.push(member(
        "spaces/OTHER",
        bob(),
        gchat::api::model::MembershipRole::Member,
        gchat::api::model::MembershipState::Joined,
    ));
    let mut nameless = member(
        TEAM,
        user("1010", Some("Nobody")),
        gchat::api::model::MembershipRole::Member,
        gchat::api::model::MembershipState::Joined,
    );
    nameless.name = None;
    list.push(nameless);
    done(
        &mut app,
        Outcome::Members(MemberOutcome::Members {
            space: sn(TEAM),
            result: Ok(list),
            show_invited: true,
        }),
    );
    let names: Vec<_> = app
        .members_sorted(TEAM)
        .iter()
        .map(|m| m.name.clone().unwrap_or_default())
        .collect();
    assert_eq!(names.len(), team_members().len(), "{names:?}");
    assert!(names
        .iter()
        .all(|n| n.starts_with("spaces/AAAATeamRst/members/")));
    let screen = render(&app, 160, 48);
    assert!(!screen.contains("Nobody"), "{screen}");
    assert_eq!(screen.matches("Bob Li").count(), {
        let app = common::fixture::app();
        render(&app, 160, 48).matches("Bob Li").count()
    });
}

#[test]
fn a_message_that_grows_at_the_bottom_of_the_screen_stays_wholly_in_view() {
    let mut app = app();
    render(&app, 120, 16);
    let (w, h) = app.message_area();
    let rows = app.rows_for(TEAM);
    let d1 = Row::Msg {
        name: "spaces/AAAATeamRst/messages/D1.D1".into(),
        reply: false,
    };
    let d = rows.pos(&d1).expect("D1 is a row");
    let mut height = |i: usize| app.row_lines(TEAM, &rows, i, w).len();
    let (top, skip) = gchat::app::view::anchor_bottom_at(d, h as usize, &mut height);
    let before = height(d);
    let v = app.views.get_mut(TEAM).unwrap();
    v.selected = Some(d1.clone());
    v.anchor = Some((rows.rows[top].clone(), skip));
    let screen = render(&app, 120, 16);
    assert!(!screen.contains("👍"), "{screen}");
    let whole = |app: &gchat::app::App| {
        let (rows, win) = app.message_window(TEAM, w, h);
        let d = rows.pos(&d1).unwrap();
        let lines = app.row_lines(TEAM, &rows, d, w).len();
        (
            lines,
            win.parts
                .iter()
                .any(|&(r, s, t)| r == d && s == 0 && t == lines),
        )
    };
    assert!(whole(&app).1, "D1 starts wholly in view at the bottom");
    ch(&mut app, '+');
    key(&mut app, crossterm::event::KeyCode::Enter);
    let (lines, in_view) = whole(&app);
    assert!(lines > before, "the reaction row was added");
    assert!(in_view, "the grown message is wholly in view");
    let screen = render(&app, 120, 16);
    assert!(
        screen.lines().any(|l| l.contains(" 1") && !l.contains(':')),
        "{screen}"
    );
}

#[test]
fn a_reply_on_another_day_than_its_thread_says_today_like_the_dividers() {
    let mut app = app();
    let mut more = team_messages();
    more.push(msg(
        TEAM,
        "T7",
        "T1",
        alice(),
        at(21, 11, 30),
        "late to this",
    ));
    latest(&mut app, TEAM, more);
    let screen = render(&app, 160, 60);
    assert!(screen.contains("late to this"), "{screen}");
    assert!(screen.contains("Today, 11:30"), "{screen}");
    assert!(!screen.contains("21 Nov"), "{screen}");
}
