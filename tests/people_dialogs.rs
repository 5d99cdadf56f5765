//! Messaging a person (`N`) and searching messages (`Ctrl-f`) as state and screens:
//! suggestions from known people and the directory, one person's direct message found or
//! set up, several people a group chat, oneself refused, failures keeping the input;
//! search on Enter (never per key), scope by Tab, paging as the pick nears the end,
//! query errors shown, a result opening its space and thread with the message selected.

mod common;

use common::fixture::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gchat::api::model::{Message, Space, SpaceType};
use gchat::api::sync_model::{SearchMessageResult, SearchMessagesResponse};
use gchat::api::{ApiError, UserRef};
use gchat::app::dialog::Kind;
use gchat::app::member_requests::MemberEffect;
use gchat::app::space_requests::{SpaceEffect, SpaceOutcome};
use gchat::app::timeline::Row;
use gchat::app::{Action, App, Effect, Focus, LoadKind, Outcome};

fn err(code: u16, status: &str, message: &str) -> ApiError {
    let body = serde_json::json!({"error": {"code": code, "status": status, "message": message}});
    ApiError::Server(gchat::api::ServerError::from_response(
        code,
        body.to_string().as_bytes(),
        None,
    ))
}

fn open_dialog(a: &mut App) {
    let fx = ch(a, 'N');
    assert!(fx.is_empty(), "{fx:?}");
    assert!(matches!(
        a.dialog.as_ref().map(|d| &d.kind),
        Some(Kind::MessagePerson { .. })
    ));
}

fn dm_space(name: &str) -> Space {
    Space {
        name: Some(name.into()),
        space_type: Some(SpaceType::DirectMessage),
        ..Default::default()
    }
}

#[test]
fn message_a_person_finds_no_dm_sets_one_up_and_opens_it() {
    let mut a = app();
    open_dialog(&mut a);
    let fx = typed(&mut a, "Dmi");
    let d = a.dialog.as_ref().unwrap();
    assert_eq!(d.found[0].name.as_str(), "Dmitri Volkov", "a known person");
    expect_effect!(
        fx,
        Effect::Directory(gchat::app::DirectoryEffect::SearchPeople { .. })
    );
    let fx = key(&mut a, KeyCode::Enter);
    let user =
        expect_effect!(fx, Effect::Space(SpaceEffect::FindDirectMessage { user }) => user.clone());
    assert_eq!(user, UserRef::Id("1006".into()));
    assert!(a.dialog.as_ref().unwrap().busy);
    let rid = match &a.dialog.as_ref().unwrap().kind {
        Kind::MessagePerson { request_id } => request_id.clone(),
        _ => unreachable!(),
    };
    let fx = done(
        &mut a,
        Outcome::Space(SpaceOutcome::DirectMessage {
            user: user.clone(),
            result: Err(err(404, "NOT_FOUND", "No direct message found.")),
        }),
    );
    let (id, people) = expect_effect!(fx, Effect::Space(SpaceEffect::StartConversation { request_id, people }) => (request_id.clone(), people.clone()));
    assert_eq!(
        id, rid,
        "the dialog's request id: a retry finds the same space"
    );
    assert_eq!(people, std::slice::from_ref(&user));
    let fx = done(
        &mut a,
        Outcome::Space(SpaceOutcome::ConversationStarted {
            request_id: "request-1".into(),
            people,
            result: Ok(dm_space("spaces/NEWDMDmitri")),
        }),
    );
    assert!(a.dialog.is_none());
    assert_eq!(a.current.as_deref(), Some("spaces/NEWDMDmitri"));
    assert!(a.space("spaces/NEWDMDmitri").is_some(), "listed");
    assert_eq!(a.focus, Focus::Compose);
    assert_eq!(a.compose.space.as_deref(), Some("spaces/NEWDMDmitri"));
    expect_effect!(fx, Effect::Members(MemberEffect::LoadMembers { space, .. }) if space == "spaces/NEWDMDmitri");
}

#[test]
fn an_existing_dm_by_email_opens_without_setting_up() {
    let mut a = app();
    open_dialog(&mut a);
    typed(&mut a, "bob@example.com");
    let fx = key(&mut a, KeyCode::Enter);
    let user =
        expect_effect!(fx, Effect::Space(SpaceEffect::FindDirectMessage { user }) => user.clone());
    assert_eq!(user, UserRef::Email("bob@example.com".into()));
    let fx = done(
        &mut a,
        Outcome::Space(SpaceOutcome::DirectMessage {
            user,
            result: Ok(dm_space(DM)),
        }),
    );
    assert!(find_effect!(fx, Effect::Space(SpaceEffect::StartConversation { .. }) => ()).is_none());
    assert_eq!(a.current.as_deref(), Some(DM));
    assert_eq!(a.focus, Focus::Compose);
}

#[test]
fn several_people_make_a_group_chat_and_tab_completes() {
    let mut a = app();
    open_dialog(&mut a);
    typed(&mut a, "Bob Li, pri");
    let d = a.dialog.as_ref().unwrap();
    assert_eq!(d.found[0].name.as_str(), "Priya Natarajan");
    // Tab puts the picked person in, ready for another.
    key(&mut a, KeyCode::Tab);
    assert_eq!(a.dialog.as_ref().unwrap().field(0), "Bob Li, users/1007, ");
    let fx = key(&mut a, KeyCode::Enter);
    let people = expect_effect!(fx, Effect::Space(SpaceEffect::StartConversation { people, .. }) => people.clone());
    assert_eq!(
        people,
        [UserRef::Id("1002".into()), UserRef::Id("1007".into())]
    );
}

#[test]
fn oneself_and_unknown_names_are_refused_and_failures_keep_the_input() {
    let mut a = app();
    open_dialog(&mut a);
    typed(&mut a, "users/1001");
    let fx = key(&mut a, KeyCode::Enter);
    assert!(find_effect!(fx, Effect::Space(SpaceEffect::FindDirectMessage { .. }) => ()).is_none());
    let d = a.dialog.as_ref().unwrap();
    assert!(
        d.error.as_deref().unwrap().contains("That is you"),
        "{:?}",
        d.error
    );
    ctrl(&mut a, 'x');
    typed(&mut a, "Zed Nobody");
    // The directory answers: no one.
    done(
        &mut a,
        Outcome::Directory(gchat::app::DirectoryOutcome::Found {
            query: "Zed Nobody".into(),
            result: Ok(vec![]),
        }),
    );
    let fx = key(&mut a, KeyCode::Enter);
    assert!(fx.is_empty(), "{fx:?}");
    let d = a.dialog.as_ref().unwrap();
    assert!(
        d.error.as_deref().unwrap().contains("No one known as"),
        "{:?}",
        d.error
    );
    ctrl(&mut a, 'x');
    typed(&mut a, "Priya, Bob Li");
    let fx = key(&mut a, KeyCode::Enter);
    let people = expect_effect!(fx, Effect::Space(SpaceEffect::StartConversation { people, .. }) => people.clone());
    done(
        &mut a,
        Outcome::Space(SpaceOutcome::ConversationStarted {
            request_id: "request-1".into(),
            people,
            result: Err(err(403, "PERMISSION_DENIED", "Not allowed.")),
        }),
    );
    let d = a.dialog.as_ref().expect("the dialog stays");
    assert!(!d.busy);
    assert!(d.error.is_some());
    assert_eq!(d.field(0), "Priya, Bob Li", "the input is kept");
}

#[test]
fn the_message_person_dialog_on_screen() {
    let mut a = app();
    open_dialog(&mut a);
    typed(&mut a, "Bob Li, d");
    insta::assert_snapshot!("message_person_100x30", render(&a, 100, 30));
}

#[test]
fn a_chat_app_is_told_why_it_cannot() {
    let mut a = app();
    a.me.is_app = true;
    ch(&mut a, 'N');
    assert!(a.dialog.is_none());
    let note = a.status.note.as_ref().unwrap();
    assert!(note.error && note.text.contains("user"), "{note:?}");
    ctrl(&mut a, 'f');
    assert!(a.dialog.is_none());
    assert!(a.status.note.as_ref().unwrap().text.contains("search"));
}

// ---- search ----

fn search_hits() -> Vec<Message> {
    vec![
        msg(
            ENG,
            "E9",
            "E7",
            user("1004", None),
            at(21, 10, 0),
            "The parser fix is merged; 解析器 works again",
        ),
        msg(
            TEAM,
            "T3",
            "T3",
            bob(),
            at(20, 9, 0),
            "Parser benchmarks\u{1b}[2J look good",
        ),
    ]
}

fn answer(
    a: &mut App,
    filter: &str,
    token: Option<&str>,
    hits: Vec<Message>,
    next: Option<&str>,
) -> Vec<Effect> {
    done(
        a,
        Outcome::Messages(gchat::app::MessagesOutcome::Searched {
            filter: filter.into(),
            page_token: token.map(String::from),
            result: Ok(SearchMessagesResponse {
                results: hits
                    .into_iter()
                    .map(|m| SearchMessageResult {
                        message: Some(m),
                        ..Default::default()
                    })
                    .collect(),
                next_page_token: next.map(String::from),
            }),
        }),
    )
}

fn press(a: &mut App, code: KeyCode) -> Vec<Effect> {
    a.update(Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

#[test]
fn search_asks_on_enter_not_per_key_and_tab_limits_to_this_space() {
    let mut a = app();
    let fx = ctrl(&mut a, 'f');
    assert!(fx.is_empty());
    let fx = typed(&mut a, "parser");
    assert!(
        find_effect!(fx, Effect::Messages(gchat::app::MessagesEffect::SearchMessages { .. }) => ())
            .is_none(),
        "{fx:?}"
    );
    let fx = press(&mut a, KeyCode::Enter);
    let (filter, token) = expect_effect!(fx, Effect::Messages(gchat::app::MessagesEffect::SearchMessages { filter, page_token }) => (filter.clone(), page_token.clone()));
    assert_eq!((filter.as_str(), token), ("parser", None));
    answer(&mut a, "parser", None, search_hits(), None);
    let fx = press(&mut a, KeyCode::Tab);
    let filter = expect_effect!(fx, Effect::Messages(gchat::app::MessagesEffect::SearchMessages { filter, .. }) => filter.clone());
    assert_eq!(filter, format!("(parser) AND space.name = \"{TEAM}\""));
}

#[test]
fn results_page_in_and_enter_opens_the_thread_with_the_message_selected() {
    let mut a = app();
    ctrl(&mut a, 'f');
    typed(&mut a, "parser");
    press(&mut a, KeyCode::Enter);
    // A late answer for another query is dropped.
    answer(&mut a, "other", None, search_hits(), None);
    assert!(a.dialog.as_ref().unwrap().results.hits.is_empty());
    let fx = answer(&mut a, "parser", None, search_hits(), Some("p2"));
    expect_effect!(fx, Effect::Directory(gchat::app::DirectoryEffect::LookupPeople { users }) if users.contains(&gchat::api::UserRef::Id("1004".into())));
    insta::assert_snapshot!("search_results_100x30", render(&a, 100, 30));
    let fx = press(&mut a, KeyCode::Down);
    let token = expect_effect!(fx, Effect::Messages(gchat::app::MessagesEffect::SearchMessages { page_token, .. }) => page_token.clone());
    assert_eq!(token.as_deref(), Some("p2"));
    let mut more = search_hits();
    more[0].name = Some(format!("{GROUP}/messages/G1.G1"));
    more.truncate(1);
    answer(&mut a, "parser", Some("p2"), more, Some("p2"));
    let r = &a.dialog.as_ref().unwrap().results;
    assert_eq!(r.hits.len(), 3);
    assert_eq!(r.next, None, "a repeated token ends the paging");
    press(&mut a, KeyCode::Up);
    press(&mut a, KeyCode::Up);
    let fx = press(&mut a, KeyCode::Enter);
    assert!(a.dialog.is_none());
    assert_eq!(a.current.as_deref(), Some(ENG));
    assert_eq!(a.focus, Focus::Messages);
    let v = a.current_view().unwrap();
    let thread = format!("{ENG}/threads/E7");
    assert_eq!(v.thread.as_deref(), Some(thread.as_str()));
    assert_eq!(
        v.selected,
        Some(Row::Msg {
            name: format!("{ENG}/messages/E7.E9").into(),
            reply: true
        })
    );
    expect_effect!(fx, Effect::Messages(gchat::app::MessagesEffect::LoadMessages { space, kind: LoadKind::Thread { thread: t } }) if space == ENG && t.to_string() == thread);
}

#[test]
fn a_query_the_server_cannot_read_is_shown_with_its_reason() {
    let mut a = app();
    ctrl(&mut a, 'f');
    typed(&mut a, "sender.name = ");
    press(&mut a, KeyCode::Enter);
    done(
        &mut a,
        Outcome::Messages(gchat::app::MessagesOutcome::Searched {
            filter: "sender.name =".into(),
            page_token: None,
            result: Err(err(
                400,
                "INVALID_ARGUMENT",
                "Invalid filter: sender.name needs a value.",
            )),
        }),
    );
    let d = a.dialog.as_ref().expect("the prompt stays");
    let e = d.error.as_deref().unwrap();
    assert!(
        e.contains("not understood") && e.contains("sender.name needs a value"),
        "{e}"
    );
    assert_eq!(d.field(0), "sender.name = ");
    let screen = render(&a, 100, 30);
    assert!(screen.contains("sender.name needs a value"), "{screen}");
}

#[test]
fn closing_the_dialog_while_it_looks_cancels_or_leaves_you_where_you_are() {
    let mut a = app();
    open_dialog(&mut a);
    typed(&mut a, "dmitri@example.com");
    let fx = key(&mut a, KeyCode::Enter);
    let user =
        expect_effect!(fx, Effect::Space(SpaceEffect::FindDirectMessage { user }) => user.clone());
    key(&mut a, KeyCode::Esc);
    let fx = done(
        &mut a,
        Outcome::Space(SpaceOutcome::DirectMessage {
            user: user.clone(),
            result: Err(err(404, "NOT_FOUND", "No direct message found.")),
        }),
    );
    assert!(
        find_effect!(fx, Effect::Space(SpaceEffect::StartConversation { .. }) => ()).is_none(),
        "nothing is created after the dialog was closed"
    );
    // A group chat set up before the close: listed, but the view stays.
    open_dialog(&mut a);
    typed(&mut a, "bob@example.com, priya@example.com");
    let fx = key(&mut a, KeyCode::Enter);
    let people = expect_effect!(fx, Effect::Space(SpaceEffect::StartConversation { people, .. }) => people.clone());
    key(&mut a, KeyCode::Esc);
    done(
        &mut a,
        Outcome::Space(SpaceOutcome::ConversationStarted {
            request_id: "request-1".into(),
            people,
            result: Ok(Space {
                name: Some("spaces/NEWGROUP".into()),
                space_type: Some(SpaceType::GroupChat),
                ..Default::default()
            }),
        }),
    );
    assert!(a.space("spaces/NEWGROUP").is_some());
    assert_eq!(a.current.as_deref(), Some(TEAM));
    assert_ne!(a.focus, Focus::Compose);
}

#[test]
fn search_snippets_are_drawn_without_markup_on_one_line() {
    let mut a = app();
    ctrl(&mut a, 'f');
    typed(&mut a, "freeze");
    press(&mut a, KeyCode::Enter);
    let hit = msg(
        TEAM,
        "T9",
        "T9",
        bob(),
        at(20, 9, 0),
        "Reminder: code freeze on *Friday* 🧊\n* land `unsafe` cleanups",
    );
    answer(&mut a, "freeze", None, vec![hit], None);
    let screen = render(&a, 100, 30);
    let line = screen
        .lines()
        .find(|l| l.contains("Reminder"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(line.contains("code freeze on Friday"), "{line}");
    assert!(line.contains("unsafe cleanups"), "{line}");
    assert!(!line.contains('*') && !line.contains('`'), "{line}");
}
