//! The member list and the message pane: each fix with the test that broke on the old code.

mod common;

use common::fixture::*;
use gchat::api::model::*;
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
