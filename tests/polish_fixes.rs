//! Reviewers' leftovers in the screens: each test failed on the code before its fix.

mod common;

use common::fixture::*;
use common::steps::*;
use gchat::api::model::*;
use gchat::api::sync_model::EventType;
use gchat::app::{App, Effect, Outcome};

fn team_events(app: &mut App, events: Vec<gchat::api::sync_model::SpaceEvent>) -> Vec<Effect> {
    done(
        app,
        Outcome::Messages(gchat::app::MessagesOutcome::Events {
            space: sn(TEAM),
            since: chrono::DateTime::UNIX_EPOCH,
            result: Ok(events),
        }),
    )
}

#[test]
fn a_membership_event_of_another_space_is_not_taken_into_the_open_one() {
    let mut app = app();
    let stranger = user("1088", Some("Mallory Elsewhere"));
    let foreign = Membership {
        name: Some("spaces/OTHER/members/1088".into()),
        state: Some(MembershipState::Joined),
        role: Some(MembershipRole::Manager),
        member: Some(stranger.clone()),
        ..Default::default()
    };
    let later = now() + chrono::Duration::minutes(1);
    team_events(
        &mut app,
        vec![member_event(
            EventType::MembershipCreated,
            TEAM,
            1,
            later,
            foreign.clone(),
        )],
    );
    let screen = render(&app, 140, 30);
    assert!(!screen.contains("Mallory"), "{screen}");
    assert!(app
        .members_sorted(TEAM)
        .iter()
        .all(|m| m.name.as_deref() != foreign.name.as_deref()));
    // Nor may an event of another space remove a member of this one by a name that is
    // not of this space.
    let before = app.members_sorted(TEAM).len();
    let bob_elsewhere = Membership {
        name: Some("spaces/OTHER/members/1002".into()),
        state: Some(MembershipState::NotAMember),
        ..Default::default()
    };
    team_events(
        &mut app,
        vec![member_event(
            EventType::MembershipDeleted,
            TEAM,
            2,
            later,
            bob_elsewhere,
        )],
    );
    assert_eq!(app.members_sorted(TEAM).len(), before);
    // One of this space is still taken.
    let mine = Membership {
        name: Some(format!("{TEAM}/members/1088")),
        ..foreign
    };
    team_events(
        &mut app,
        vec![member_event(
            EventType::MembershipCreated,
            TEAM,
            3,
            later,
            mine,
        )],
    );
    let screen = render(&app, 140, 30);
    assert!(screen.contains("Mallory Elsewhere"), "{screen}");
}

/// Team Rust with a thread whose first message was never read (left out by the
/// decoder): only its two replies are held.
fn rootless_thread() -> App {
    let mut app = app();
    let mut list = team_messages();
    list.push(msg(
        TEAM,
        "Z2",
        "Z1",
        alice(),
        at(21, 11, 30),
        "first reply here",
    ));
    list.push(msg(TEAM, "Z3", "Z1", bob(), at(21, 11, 40), "second reply"));
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Messages {
            space: sn(TEAM),
            kind: gchat::app::LoadKind::Latest,
            result: Ok((list.into_iter().map(Into::into).collect(), false)),
        }),
    );
    app
}

#[test]
fn a_reply_in_a_thread_whose_first_message_is_missing_does_not_quote_a_reply() {
    let mut app = rootless_thread();
    render(&app, 140, 30);
    app.views.get_mut(TEAM).unwrap().selected = Some(gchat::app::timeline::Row::Msg {
        name: format!("{TEAM}/messages/Z1.Z3").into(),
        reply: true,
    });
    ch(&mut app, 'r');
    let screen = render(&app, 140, 30);
    assert!(!screen.contains("Reply to Alice"), "{screen}");
    assert!(!screen.contains("Reply to Bob"), "{screen}");
    assert!(screen.contains("Reply in thread"), "{screen}");
}

#[test]
fn a_reply_in_a_whole_thread_names_its_first_message() {
    let mut app = app();
    render(&app, 140, 30);
    app.views.get_mut(TEAM).unwrap().selected = Some(gchat::app::timeline::Row::Msg {
        name: format!("{TEAM}/messages/T1.T4").into(),
        reply: true,
    });
    ch(&mut app, 'r');
    let screen = render(&app, 140, 30);
    assert!(
        screen.contains("Reply to Bob Li: Has anyone tried"),
        "{screen}"
    );
}

#[test]
fn the_note_of_messages_that_could_not_be_read_names_their_spaces() {
    let mut app = app();
    app.note_unreadable(vec![(sn(TEAM), 2)]);
    let screen = render(&app, 140, 30);
    assert!(
        screen.contains("2 messages from the server could not be read, in Team Rust"),
        "{screen}"
    );
    app.note_unreadable(vec![(sn(TEAM), 1), (sn(DM), 2)]);
    let screen = render(&app, 140, 30);
    assert!(
        screen.contains("3 messages from the server could not be read, in Team Rust, Bob Li"),
        "{screen}"
    );
    // A space not listed (left, or not yet listed) is named by its resource name, and
    // nothing left out says nothing.
    app.note_unreadable(vec![(sn("spaces/GONE"), 1)]);
    let screen = render(&app, 140, 30);
    assert!(
        screen.contains("1 message from the server could not be read, in spaces/GONE"),
        "{screen}"
    );
    app.note_unreadable(Vec::new());
    assert!(render(&app, 140, 30).contains("in spaces/GONE"));
}

fn searched(app: &mut App, query: &str, hits: Vec<Message>) {
    use gchat::api::sync_model::{SearchMessageResult, SearchMessagesResponse};
    ctrl(app, 'f');
    typed(app, query);
    key(app, crossterm::event::KeyCode::Enter);
    done(
        app,
        Outcome::Messages(gchat::app::MessagesOutcome::Searched {
            filter: query.into(),
            page_token: None,
            result: Ok(SearchMessagesResponse {
                results: hits
                    .into_iter()
                    .map(|m| SearchMessageResult {
                        message: Some(m),
                        ..Default::default()
                    })
                    .collect(),
                next_page_token: None,
            }),
        }),
    );
}

#[test]
fn search_says_that_muted_spaces_and_apps_messages_are_not_searched() {
    let mut app = app();
    searched(&mut app, "zebrathree", Vec::new());
    let screen = render(&app, 120, 30);
    assert!(screen.contains("No messages match."), "{screen}");
    assert!(
        screen.contains("Muted spaces and Chat apps' messages are not searched."),
        "{screen}"
    );
    // With results, the scope line says it, briefly.
    let mut app = common::fixture::app();
    let hit = msg(TEAM, "Z1", "Z1", bob(), at(21, 11, 59), "zebrathree");
    searched(&mut app, "zebrathree", vec![hit]);
    let screen = render(&app, 120, 30);
    assert!(
        screen.contains("In every space but muted ones, without apps' messages"),
        "{screen}"
    );
}

fn status_line(app: &App) -> String {
    render(app, 120, 30)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string()
}

/// The spaces pane, grouped in sections, with a section's header selected.
fn header_selected() -> App {
    let mut a = app();
    three_sections(&mut a);
    a.focus = gchat::app::Focus::Spaces;
    a.sections.header = Some("users/1001/sections/default-spaces".into());
    a
}

#[test]
fn space_commands_on_a_section_header_say_to_select_a_space() {
    for (k, says) in [
        ('r', "Select a space to mark it read."),
        ('m', "Select a space to mute or unmute it."),
        ('E', "Select a space to edit it."),
        ('D', "Select a space to delete it."),
        ('L', "Select a space to leave it."),
        ('i', "Select a space to see its details."),
        ('S', "Select a space to move."),
    ] {
        let mut a = header_selected();
        let fx = ch(&mut a, k);
        assert!(fx.is_empty(), "{k}: {fx:?}");
        assert!(a.dialog.is_none(), "{k}");
        let line = status_line(&a);
        assert!(line.contains(says), "{k}: {line}");
    }
}

#[test]
fn space_on_a_space_row_says_that_it_folds_a_sections_header() {
    let mut a = header_selected();
    a.sections.header = None;
    a.spaces.selected = Some(ENG.into());
    ch(&mut a, ' ');
    let line = status_line(&a);
    assert!(
        line.contains("Space folds a section: select its header first."),
        "{line}"
    );
    // Without sections there is nothing to fold.
    let mut a = app();
    a.focus = gchat::app::Focus::Spaces;
    ch(&mut a, ' ');
    let line = status_line(&a);
    assert!(
        line.contains("The spaces list has no sections to fold."),
        "{line}"
    );
}

fn select(app: &mut App, name: &str, reply: bool) {
    app.views.get_mut(TEAM).unwrap().selected = Some(gchat::app::timeline::Row::Msg {
        name: name.to_string().into(),
        reply,
    });
}

#[test]
fn opening_the_thread_of_a_message_in_none_says_so() {
    let mut app = app();
    let mut list = team_messages();
    let mut lone = msg(TEAM, "N1", "N1", bob(), at(21, 11, 59), "not threaded");
    lone.thread = None;
    lone.thread_reply = false;
    list.push(lone);
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Messages {
            space: sn(TEAM),
            kind: gchat::app::LoadKind::Latest,
            result: Ok((list.into_iter().map(Into::into).collect(), false)),
        }),
    );
    render(&app, 120, 30);
    select(&mut app, &format!("{TEAM}/messages/N1.N1"), false);
    let fx = ch(&mut app, 't');
    assert!(fx.is_empty(), "{fx:?}");
    assert!(status_line(&app).contains("This message has no thread."));
    assert!(app.views.get(TEAM).unwrap().thread.is_none());
}

#[test]
fn expanding_a_thread_with_nothing_to_show_or_hide_says_so() {
    let mut app = app();
    render(&app, 120, 30);
    // Lunch has no replies: expanding changes nothing on screen.
    select(&mut app, &format!("{TEAM}/messages/L1.L1"), false);
    let before = render(&app, 120, 30);
    ch(&mut app, 'o');
    assert!(
        status_line(&app).contains("This message has no replies to show."),
        "{}",
        status_line(&app)
    );
    let after = render(&app, 120, 30);
    let body = |s: &str| s.lines().take(28).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&before), body(&after));
    // The ratatui thread, collapsed, opens with no note.
    let collapsed = app
        .rows_for(TEAM)
        .rows
        .iter()
        .find(|r| matches!(r, gchat::app::timeline::Row::Collapsed { .. }))
        .cloned()
        .expect("the ratatui thread is collapsed");
    app.views.get_mut(TEAM).unwrap().selected = Some(collapsed);
    app.status.note = None;
    ch(&mut app, 'o');
    assert!(app.status.note.is_none(), "{:?}", app.status.note);
}

#[test]
fn member_commands_with_no_member_selected_say_so() {
    let mut app = app();
    done(
        &mut app,
        Outcome::Members(gchat::app::member_requests::MemberOutcome::Members {
            space: sn(TEAM),
            result: Ok(Vec::new()),
            show_invited: true,
        }),
    );
    app.show_members = true;
    app.focus = gchat::app::Focus::Members;
    for k in ['x', 'm'] {
        let fx = ch(&mut app, k);
        assert!(fx.is_empty(), "{fx:?}");
        let line = status_line(&app);
        assert!(line.contains("Select a member first."), "{k}: {line}");
    }
}

#[test]
fn message_commands_with_no_space_open_say_to_open_one() {
    let mut app = app();
    app.current = None;
    app.focus = gchat::app::Focus::Messages;
    for k in ['r', 'e', 't', 'o', '+'] {
        let fx = ch(&mut app, k);
        assert!(fx.is_empty(), "{k}: {fx:?}");
        let line = status_line(&app);
        assert!(line.contains("Open a space first."), "{k}: {line}");
        app.status.note = None;
    }
}

#[test]
fn help_names_the_pickers_that_take_a_number_and_the_keys_that_fold_a_section() {
    let mut app = app();
    let help = help_text(&app);
    assert!(
        help.contains("Picking a link (O), file (s), section (S) or pinned message (P)"),
        "{help}"
    );
    assert!(
        help.contains("Pick a link (O) or file (s) by its number"),
        "{help}"
    );
    assert!(
        help.contains("sections and pinned messages are picked with Enter"),
        "{help}"
    );
    let enter = help
        .lines()
        .find(|l| l.starts_with("Enter l Right"))
        .unwrap_or_default();
    assert!(
        enter.contains("on a section's header, fold or unfold the section"),
        "{help}"
    );
    assert!(
        help.contains("▾ a section (Space/Enter folds it)"),
        "{help}"
    );
    // Generated from the keymap: the user's keys are the ones named.
    let (keymap, problems) = gchat::keymap::Keymap::with_user(
        "[messages]\npins = [\"F7\"]\n[spaces]\ntoggle_section = [\"x\"]\n",
    );
    assert!(problems.is_empty(), "{problems:?}");
    app.keymap = keymap;
    let help = help_text(&app);
    assert!(help.contains("pinned message (F7)"), "{help}");
    assert!(help.contains("▾ a section (x/Enter folds it)"), "{help}");
}

fn too_many() -> gchat::api::ApiError {
    gchat::api::ApiError::Server(gchat::api::ServerError {
        code: 429,
        status: "RESOURCE_EXHAUSTED".into(),
        message: "Quota exceeded.".into(),
        field_violations: Vec::new(),
        reason: None,
        retry_after: None,
    })
}

#[test]
fn how_seldom_other_spaces_are_checked_is_in_help_and_in_the_title_while_slowed() {
    let mut app = app();
    let help = help_text(&app);
    assert!(
        help.contains("Other spaces are checked for new messages about once a minute"),
        "{help}"
    );
    assert!(help.contains("Ctrl-r checks now"), "{help}");
    // At the usual pace the spaces pane says nothing of it.
    let screen = render(&app, 120, 30);
    assert!(screen.contains(" Spaces "), "{screen}");
    assert!(!screen.contains("checked every"), "{screen}");
    // The server asks for fewer requests, twice: polling is four times slower.
    for _ in 0..2 {
        done(
            &mut app,
            Outcome::Messages(gchat::app::MessagesOutcome::Events {
                space: sn(TEAM),
                since: chrono::DateTime::UNIX_EPOCH,
                result: Err(too_many()),
            }),
        );
    }
    let screen = render(&app, 120, 30);
    assert!(screen.contains("┌ Spaces · every 4 min ─"), "{screen}");
    // Zoomed, the pane has room for the whole of it.
    app.focus = gchat::app::Focus::Spaces;
    app.zoom = true;
    let screen = render(&app, 120, 30);
    assert!(screen.contains("Spaces · checked every 4 min"), "{screen}");
    assert!(help_text(&app).contains("about every 4 minutes"));
}
