//! Mentions in the compose box: `@` offers the space's members as one types (any word of
//! the name, the address, CJK inside a name, full-width letters), the pick is inserted as
//! `@Name` and sent as `<users/ID>`, Backspace removes a mention whole, Esc closes the
//! popup keeping the text, `@all` only where the space allows it. Hostile names can't
//! spell tokens or escape codes, and two people of one name get the right ids.

mod common;

use common::fixture::*;
use crossterm::event::KeyCode;
use gchat::api::model::{Membership, MembershipRole, MembershipState};
use gchat::app::member_requests::MemberOutcome;
use gchat::app::space_requests::SpaceOutcome;
use gchat::app::{App, Effect, Outcome};

fn sent_text(fx: &[Effect]) -> String {
    expect_effect!(fx, Effect::Messages(gchat::app::MessagesEffect::Send { text, .. }) => text.clone())
}

fn popup_names(a: &App) -> Vec<String> {
    a.compose
        .popup
        .as_ref()
        .map(|p| {
            p.found
                .iter()
                .map(|c| c.name.as_str().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn with_members(a: &mut App, space: &str, list: Vec<Membership>) {
    done(
        a,
        Outcome::Members(MemberOutcome::Members {
            space: sn(space),
            result: Ok(list),
            show_invited: true,
        }),
    );
}

#[test]
fn at_bo_offers_bob_and_the_pick_is_sent_as_his_id() {
    let mut a = app();
    ch(&mut a, 'i');
    typed(&mut a, "ping @Bo");
    assert_eq!(popup_names(&a), ["Bob Li"]);
    key(&mut a, KeyCode::Enter);
    assert!(a.compose.popup.is_none());
    assert_eq!(a.compose.text(), "ping @Bob Li ");
    typed(&mut a, "please");
    let fx = key(&mut a, KeyCode::Enter);
    assert_eq!(sent_text(&fx), "ping <users/1002> please");
}

#[test]
fn matching_by_any_word_email_cjk_and_full_width() {
    let mut a = app();
    ch(&mut a, 'i');
    typed(&mut a, "@vol");
    assert_eq!(
        popup_names(&a),
        ["Dmitri Volkov"],
        "a later word of the name"
    );
    key(&mut a, KeyCode::Esc);
    ctrl(&mut a, 'u');
    typed(&mut a, "@芳");
    assert_eq!(popup_names(&a), ["王芳"], "CJK inside a name");
    ctrl(&mut a, 'u');
    typed(&mut a, "@ＢＯ");
    assert_eq!(popup_names(&a), ["Bob Li"], "full-width letters");
    ctrl(&mut a, 'u');
    typed(&mut a, "@car");
    assert!(a.compose.popup.is_none(), "invited people are not offered");
    ctrl(&mut a, 'u');
    typed(&mut a, "@rel");
    assert!(a.compose.popup.is_none(), "apps are not offered");
    ctrl(&mut a, 'u');
    typed(&mut a, "@ali");
    assert!(a.compose.popup.is_none(), "not oneself");
}

#[test]
fn up_down_tab_choose_and_esc_keeps_the_text() {
    let mut a = app();
    ch(&mut a, 'i');
    typed(&mut a, "hey @");
    let all = popup_names(&a);
    assert!(all.len() >= 4, "{all:?}");
    assert_eq!(all[0], "all", "@all first in a space that allows it");
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Up);
    let picked = all[1].clone();
    key(&mut a, KeyCode::Tab);
    assert_eq!(a.compose.text(), format!("hey @{picked} "));
    typed(&mut a, "@d");
    assert!(a.compose.popup.is_some());
    key(&mut a, KeyCode::Esc);
    assert!(a.compose.popup.is_none());
    assert_eq!(
        a.focus,
        gchat::app::Focus::Compose,
        "Esc closed only the popup"
    );
    assert_eq!(a.compose.text(), format!("hey @{picked} @d"));
    ch(&mut a, 'm');
    assert!(a.compose.popup.is_none(), "stays closed for that @");
    // Enter now sends: the typed @dm is plain text.
    let fx = key(&mut a, KeyCode::Enter);
    assert!(sent_text(&fx).ends_with(" @dm"));
}

#[test]
fn backspace_removes_a_mention_whole() {
    let mut a = app();
    ch(&mut a, 'i');
    typed(&mut a, "cc @Bo");
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Backspace);
    assert_eq!(a.compose.text(), "cc @Bob Li");
    key(&mut a, KeyCode::Backspace);
    assert_eq!(a.compose.text(), "cc ");
    // Undo brings it back in one step.
    ctrl(&mut a, 'z');
    assert_eq!(a.compose.text(), "cc @Bob Li");
}

#[test]
fn at_all_only_in_spaces_that_allow_it() {
    let mut a = app();
    ch(&mut a, 'i');
    typed(&mut a, "@al");
    assert_eq!(popup_names(&a)[0], "all");
    key(&mut a, KeyCode::Enter);
    let fx = key(&mut a, KeyCode::Enter);
    assert_eq!(sent_text(&fx), "<users/all> ");
    // A direct message has no @all.
    let mut a = app();
    a.spaces.selected = Some(DM.into());
    key(&mut a, KeyCode::Char('1'));
    key(&mut a, KeyCode::Enter);
    ch(&mut a, 'i');
    assert_eq!(a.compose.space.as_deref(), Some(DM));
    typed(&mut a, "@");
    assert_eq!(popup_names(&a), ["Bob Li"]);
}

#[test]
fn an_at_in_an_address_or_at_the_end_is_text() {
    let mut a = app();
    ch(&mut a, 'i');
    typed(&mut a, "write to bob@");
    assert!(a.compose.popup.is_none());
    let fx = key(&mut a, KeyCode::Enter);
    assert_eq!(sent_text(&fx), "write to bob@");
    // A name typed by hand is not turned into a mention.
    assert_eq!(a.focus, gchat::app::Focus::Compose);
    typed(&mut a, "@Bob Li");
    key(&mut a, KeyCode::Esc);
    let fx = key(&mut a, KeyCode::Enter);
    assert_eq!(sent_text(&fx), "@Bob Li");
}

#[test]
fn two_people_of_one_name_get_their_own_ids() {
    let mut a = app();
    let mut list = team_members();
    let mut twin1 = user("1011", Some("Twin"));
    twin1.email = Some("twin.a@example.com".into());
    let mut twin2 = user("1012", Some("Twin"));
    twin2.email = Some("twin.b@example.com".into());
    for u in [twin1, twin2] {
        list.push(member(
            TEAM,
            u,
            MembershipRole::Member,
            MembershipState::Joined,
        ));
    }
    with_members(&mut a, TEAM, list);
    ch(&mut a, 'i');
    typed(&mut a, "@twin.b");
    assert_eq!(popup_names(&a), ["Twin"]);
    key(&mut a, KeyCode::Enter);
    typed(&mut a, "and @Twi");
    assert_eq!(popup_names(&a), ["Twin", "Twin"]);
    let first = a.compose.popup.as_ref().unwrap().found[0].user.clone();
    key(&mut a, KeyCode::Enter);
    let fx = key(&mut a, KeyCode::Enter);
    assert_eq!(
        sent_text(&fx),
        format!("<users/1012> and <{first}> "),
        "each mention keeps its own person"
    );
}

#[test]
fn hostile_names_cannot_spell_tokens_or_escape_codes() {
    let mut a = app();
    let mut list = team_members();
    list.push(member(
        TEAM,
        user("1020", Some("Mal\u{1b}[2J <users/1002> lory")),
        MembershipRole::Member,
        MembershipState::Joined,
    ));
    with_members(&mut a, TEAM, list);
    ch(&mut a, 'i');
    typed(&mut a, "@mal");
    assert_eq!(popup_names(&a).len(), 1);
    key(&mut a, KeyCode::Enter);
    let text = a.compose.text();
    assert!(
        !text.contains('\u{1b}') && !text.contains("<users/"),
        "{text:?}"
    );
    let screen = render(&a, 100, 30);
    assert!(!screen.contains('\u{1b}'));
    // Deleting the @ leaves plain text: nothing is sent as a mention of users/1002.
    let fx = key(&mut a, KeyCode::Enter);
    let sent = sent_text(&fx);
    assert_eq!(sent, "<users/1020> ");
    a.compose.set_text(&text[1..]);
    let fx = key(&mut a, KeyCode::Enter);
    assert!(!sent_text(&fx).contains("<users/"));
}

#[test]
fn a_ten_thousand_member_space_keeps_the_popup_short() {
    let mut a = app();
    let mut list = team_members();
    for i in 0..10_000 {
        list.push(member(
            TEAM,
            user(&format!("2{i:05}"), Some(&format!("Person {i:05}"))),
            MembershipRole::Member,
            MembershipState::Joined,
        ));
    }
    with_members(&mut a, TEAM, list);
    ch(&mut a, 'i');
    typed(&mut a, "@person 0999");
    let names = popup_names(&a);
    assert_eq!(names.len(), 8, "{names:?}");
    assert_eq!(names[0], "Person 09990");
    typed(&mut a, "7");
    assert_eq!(popup_names(&a), ["Person 09997"]);
    key(&mut a, KeyCode::Enter);
    let fx = key(&mut a, KeyCode::Enter);
    assert_eq!(sent_text(&fx), "<users/209997> ");
}

#[test]
fn the_popup_sits_above_the_box_at_the_at() {
    let mut a = app();
    ch(&mut a, 'i');
    typed(&mut a, "thanks @b");
    insta::assert_snapshot!("mention_popup_100x30", render(&a, 100, 30));
}

#[test]
fn at_all_is_not_offered_where_members_may_not_use_it() {
    let mut a = app();
    // Alice is a plain member here, and the space keeps @all for managers.
    let list: Vec<Membership> = team_members()
        .into_iter()
        .map(|mut m| {
            if m.name.as_deref().is_some_and(|n| n.ends_with("/1001")) {
                m.role = Some(MembershipRole::Member);
            }
            m
        })
        .collect();
    with_members(&mut a, TEAM, list);
    let mut s = a.space(TEAM).unwrap().clone();
    s.permission_settings = Some(serde_json::json!({
        "useAtMentionAll": {"managersAllowed": true, "membersAllowed": false}
    }));
    done(
        &mut a,
        Outcome::Space(SpaceOutcome::Space {
            space: sn(TEAM),
            result: Ok(s),
        }),
    );
    ch(&mut a, 'i');
    typed(&mut a, "@");
    let names = popup_names(&a);
    assert!(!names.is_empty());
    assert!(!names.contains(&"all".to_string()), "{names:?}");
}

#[test]
fn a_caret_moved_away_inserts_nothing() {
    let mut a = app();
    ch(&mut a, 'i');
    typed(&mut a, "x @Bo");
    assert!(a.compose.popup.is_some());
    // The caret goes elsewhere without a key the box sees (a click).
    a.compose
        .textarea
        .move_cursor(tui_textarea::CursorMove::Head);
    key(&mut a, KeyCode::Enter);
    assert_eq!(
        a.compose.text(),
        "x @Bo",
        "nothing replaced where the caret is"
    );
}

#[test]
fn a_completed_mention_does_not_reopen_the_popup_or_eat_enter() {
    let mut a = app();
    ch(&mut a, 'i');
    typed(&mut a, "hi @bo");
    key(&mut a, KeyCode::Tab);
    assert_eq!(a.compose.text(), "hi @Bob Li ");
    key(&mut a, KeyCode::Backspace);
    assert_eq!(a.compose.text(), "hi @Bob Li");
    assert!(
        a.compose.popup.is_none(),
        "Backspace over the trailing space does not reopen the list"
    );
    let fx = key(&mut a, KeyCode::Enter);
    assert_eq!(sent_text(&fx), "hi <users/1002>", "the first Enter sends");
}

#[test]
fn a_space_typed_after_a_picked_mention_is_not_doubled() {
    let mut a = app();
    ch(&mut a, 'i');
    typed(&mut a, "hi @bo");
    key(&mut a, KeyCode::Tab);
    typed(&mut a, " and  you");
    assert_eq!(
        a.compose.text(),
        "hi @Bob Li and  you",
        "only the first space after the pick is absorbed"
    );
    let fx = key(&mut a, KeyCode::Enter);
    assert_eq!(sent_text(&fx), "hi <users/1002> and  you");
}
