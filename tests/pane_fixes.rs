//! The member list and the message pane: each fix with the test that broke on the old code.

mod common;

use common::fixture::*;
use gchat::app::timeline::Row;
use gchat::app::{LoadKind, Outcome};

fn selected(app: &gchat::app::App) -> Option<Row> {
    app.views.get(TEAM).and_then(|v| v.selected.clone())
}

#[test]
fn expanding_a_collapsed_thread_selects_a_reply_of_that_thread() {
    let mut app = app();
    // An older thread with a reply of its own, above the collapsed one.
    let mut more = team_messages();
    more.push(msg(TEAM, "X2", "X1", alice(), at(20, 8, 5), "nice numbers"));
    done(
        &mut app,
        Outcome::Messages {
            space: sn(TEAM),
            kind: LoadKind::Latest,
            result: Ok((more, false)),
        },
    );
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
        Outcome::Members {
            space: sn(TEAM),
            result: Ok(list),
        },
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
