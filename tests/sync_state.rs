//! Read state shared with the server, notifications, mute, unread navigation and
//! sections, through the App's real update paths (no terminal, no network).

mod common;

use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::KeyCode;
use gchat::api::model::*;
use gchat::api::sync_model::SectionType;
use gchat::api::ApiError;
use gchat::app::{Action, App, Effect, Focus, LoadKind, Outcome};
use gchat::notify::{Mode, PerKind};

use common::fixture::*;
use common::steps::section;
use gchat::app::user_requests::{ReadAndUnread, UserEffect, UserOutcome};

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, h, m, 0).unwrap()
}

fn server_error(code: u16, status: &str, message: &str) -> ApiError {
    ApiError::Server(gchat::api::ServerError {
        code,
        status: status.into(),
        message: message.into(),
        field_violations: Vec::new(),
        reason: None,
        retry_after: None,
    })
}

fn tick(app: &mut App, after: Duration) -> Vec<Effect> {
    app.update(Action::Tick(Instant::now() + after))
}

/// A tick, with the spaces list it asks for answered: the spaces in `moved` were active
/// just now, the others not since the last list.
fn tick_polled(app: &mut App, after: Duration, moved: &[&str]) -> Vec<Effect> {
    let mut fx = tick(app, after);
    if fx.contains(&Effect::Directory(
        gchat::app::DirectoryEffect::PollSpaces {},
    )) {
        let mut all = app.spaces.all.clone();
        for s in &mut all {
            if moved.contains(&s.name.as_deref().unwrap_or_default()) {
                s.last_active_time = Some(Utc::now());
            }
        }
        fx.extend(done(
            app,
            Outcome::Directory(gchat::app::DirectoryOutcome::PolledSpaces { result: Ok(all) }),
        ));
    }
    fx
}

fn sets_read(fx: &[Effect], space: &str) -> Option<DateTime<Utc>> {
    find_effect!(fx, Effect::User(UserEffect::SetReadState { space: s, time }) if s == space => *time)
}

fn read_unread(app: &mut App, space: &str, read: Option<DateTime<Utc>>, msgs: Vec<Message>) {
    done(
        app,
        Outcome::User(UserOutcome::ReadUnread {
            space: sn(space),
            after: None,
            result: ReadAndUnread {
                read: Ok(read),
                unread: Ok(msgs),
            },
        }),
    );
}

fn mention(mut m: Message, user: &str) -> Message {
    m.annotations = vec![Annotation {
        annotation_type: Some(AnnotationType::UserMention),
        user_mention: Some(UserMentionMetadata {
            user: Some(User {
                name: Some(user.into()),
                ..Default::default()
            }),
            mention_type: Some(UserMentionType::Mention),
        }),
        ..Default::default()
    }];
    m
}

fn osc777() -> PerKind {
    PerKind {
        dm: Mode::Osc777,
        mention: Mode::Osc777,
        thread_reply: Mode::Osc777,
    }
}

fn open(app: &mut App, space: &str) -> Vec<Effect> {
    let mut fx = Vec::new();
    app.open_space(&sn(space), &mut fx);
    fx
}

#[test]
fn opening_a_space_reads_the_servers_mark_and_sends_a_newer_one_once() {
    let mut app = app();
    let fx = open(&mut app, ENG);
    expect_effect!(fx, Effect::User(UserEffect::GetReadState { space }) if space == ENG);
    done(
        &mut app,
        Outcome::User(UserOutcome::ReadState {
            space: sn(ENG),
            result: Ok(Some(at(10, 0))),
        }),
    );
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Messages {
            space: sn(ENG),
            kind: LoadKind::Latest,
            result: Ok((
                vec![msg(ENG, "E1", "E1", wang(), at(11, 0), "大家好")]
                    .into_iter()
                    .map(Into::into)
                    .collect(),
                false,
            )),
        }),
    );
    // Read here up to 11:00; the server has 10:00: sent once the reader rests.
    let fx = tick(&mut app, Duration::from_secs(3));
    assert_eq!(sets_read(&fx, ENG), Some(at(11, 0)), "{fx:?}");
    let fx = tick(&mut app, Duration::from_secs(6));
    assert_eq!(sets_read(&fx, ENG), None, "one at a time: {fx:?}");
    done(
        &mut app,
        Outcome::User(UserOutcome::ReadStateSet {
            space: sn(ENG),
            time: at(11, 0),
            result: Ok(Some(at(11, 0))),
        }),
    );
    let fx = tick(&mut app, Duration::from_secs(9));
    assert_eq!(sets_read(&fx, ENG), None, "the server has it: {fx:?}");
}

#[test]
fn a_mark_read_further_elsewhere_is_never_sent_backwards() {
    let mut app = app();
    open(&mut app, ENG);
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Messages {
            space: sn(ENG),
            kind: LoadKind::Latest,
            result: Ok((
                vec![msg(ENG, "E1", "E1", wang(), at(11, 0), "大家好")]
                    .into_iter()
                    .map(Into::into)
                    .collect(),
                false,
            )),
        }),
    );
    // Another client read up to 11:30 (a message this one has not listed yet).
    done(
        &mut app,
        Outcome::User(UserOutcome::ReadState {
            space: sn(ENG),
            result: Ok(Some(at(11, 30))),
        }),
    );
    assert_eq!(app.store.last_read(ENG), Some(at(11, 30)));
    for s in [3, 10, 60] {
        let fx = tick(&mut app, Duration::from_secs(s));
        assert_eq!(sets_read(&fx, ENG), None, "{fx:?}");
    }
}

#[test]
fn a_read_time_in_the_future_counts_as_now() {
    let mut app = app();
    let future = now() + chrono::TimeDelta::days(365);
    read_unread(&mut app, DM, Some(future), vec![]);
    assert_eq!(app.store.last_read(DM), Some(now()));
    assert_eq!(app.store.server_read(DM), Some(now()));
    // Marking read later still moves forward from now, not from the future.
    app.focus = Focus::Spaces;
    app.spaces.selected = Some(DM.into());
    let fx = ch(&mut app, 'r');
    let t = sets_read(&fx, DM).expect("marked on the server");
    assert!(t <= future && t >= now(), "{t}");
}

#[test]
fn a_read_elsewhere_drops_the_count() {
    let mut app = app();
    read_unread(
        &mut app,
        GROUP,
        Some(at(8, 0)),
        vec![
            msg(GROUP, "G1", "G1", bob(), at(9, 0), "one"),
            msg(GROUP, "G2", "G2", bob(), at(9, 1), "two"),
        ],
    );
    assert_eq!(app.unread(GROUP), 2);
    // Read in another client: the server's mark is past both.
    read_unread(&mut app, GROUP, Some(at(9, 1)), vec![]);
    assert_eq!(app.unread(GROUP), 0);
    assert_eq!(app.store.last_read(GROUP), Some(at(9, 1)));
}

#[test]
fn dms_and_mentions_elsewhere_notify_with_cleaned_text_but_not_muted_or_own() {
    let mut app = app();
    app.settings.notify = osc777();
    let first = msg(DM, "D1", "D1", bob(), at(11, 0), "hi");
    read_unread(&mut app, DM, Some(at(10, 0)), vec![first.clone()]);
    assert!(
        app.user_state.take_out().is_empty(),
        "what was unread at start is not announced"
    );
    let hostile = msg(
        DM,
        "D2",
        "D2",
        bob(),
        at(11, 5),
        "lunch?\x1b]0;pwned\x07\x1b[2J;x",
    );
    read_unread(
        &mut app,
        DM,
        Some(at(10, 0)),
        vec![first.clone(), hostile.clone()],
    );
    let out = app.user_state.take_out();
    assert_eq!(out.len(), 1, "{out:?}");
    let n = &out[0];
    assert!(n.starts_with("\x07\x1b]777;notify;Bob Li;lunch?"), "{n:?}");
    assert_eq!(n.matches('\x1b').count(), 1, "{n:?}");
    assert_eq!(n.matches('\x07').count(), 2, "{n:?}");
    // Counted again: nothing new, nothing said.
    read_unread(
        &mut app,
        DM,
        Some(at(10, 0)),
        vec![first.clone(), hostile.clone()],
    );
    assert!(app.user_state.take_out().is_empty());
    // The user's own message is never announced.
    let own = msg(DM, "D3", "D3", alice(), at(11, 6), "on my way");
    read_unread(
        &mut app,
        DM,
        Some(at(10, 0)),
        vec![first.clone(), hostile.clone(), own.clone()],
    );
    assert!(app.user_state.take_out().is_empty());
    // Muted: nothing.
    done(
        &mut app,
        Outcome::User(UserOutcome::Muted {
            space: sn(DM),
            result: Ok(true),
        }),
    );
    let late = msg(DM, "D4", "D4", bob(), at(11, 7), "ping");
    read_unread(
        &mut app,
        DM,
        Some(at(10, 0)),
        vec![first, hostile, own, late],
    );
    assert!(app.user_state.take_out().is_empty(), "muted");
}

#[test]
fn a_mention_in_a_space_notifies_counts_in_the_status_bar_and_goes_first() {
    let mut app = app();
    app.settings.notify = osc777();
    let plain = msg(GROUP, "G1", "G1", bob(), at(11, 0), "anyone?");
    read_unread(&mut app, GROUP, Some(at(10, 0)), vec![plain.clone()]);
    let said = mention(
        msg(
            GROUP,
            "G2",
            "G2",
            priya(),
            at(11, 2),
            "<users/1001> can you look?",
        ),
        "users/1001",
    );
    let other = msg(GROUP, "G3", "G3", bob(), at(11, 3), "not for you");
    read_unread(&mut app, GROUP, Some(at(10, 0)), vec![plain, said, other]);
    let out = app.user_state.take_out();
    assert_eq!(out.len(), 1, "only the mention: {out:?}");
    assert!(out[0].contains("Priya Natarajan in "), "{:?}", out[0]);
    assert_eq!(app.store.mention_total(), 1);
    let screen = render(&app, 100, 24);
    let status = screen.lines().last().unwrap_or_default();
    assert!(status.contains("@1"), "{status}");
    insta::assert_snapshot!("mention_count_100x24", screen);
    // `U`: the space with the mention first, though 工程部 comes earlier in the list.
    assert!(app.unread(ENG) > 0);
    ch(&mut app, 'U');
    assert_eq!(app.current.as_deref(), Some(GROUP));
    assert_eq!(app.store.mention_total(), 0, "opened: read");
    ch(&mut app, 'U');
    assert_eq!(app.current.as_deref(), Some(ENG));
    ch(&mut app, 'U');
    assert!(app
        .status
        .note
        .as_ref()
        .is_some_and(|n| n.text.contains("No space")));
}

#[test]
fn a_reply_in_a_thread_the_user_wrote_in_notifies() {
    let mut app = app();
    app.settings.notify = osc777();
    let mine = msg(ENG, "T1", "T1", alice(), at(9, 0), "question");
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Messages {
            space: sn(ENG),
            kind: LoadKind::Thread {
                thread: tn(&format!("{ENG}/threads/T1")),
            },
            result: Ok((vec![mine].into_iter().map(Into::into).collect(), false)),
        }),
    );
    read_unread(&mut app, ENG, Some(at(10, 0)), vec![]);
    let reply = msg(ENG, "R1", "T1", wang(), at(11, 30), "answer");
    let elsewhere = msg(ENG, "R2", "T9", wang(), at(11, 31), "other thread");
    read_unread(&mut app, ENG, Some(at(10, 0)), vec![reply, elsewhere]);
    let out = app.user_state.take_out();
    assert_eq!(out.len(), 1, "{out:?}");
    assert!(out[0].contains("answer"));
}

#[test]
fn r_marks_read_big_r_marks_all_and_m_mutes() {
    let mut app = app();
    read_unread(
        &mut app,
        GROUP,
        Some(at(8, 0)),
        vec![msg(GROUP, "G1", "G1", bob(), at(9, 0), "one")],
    );
    ch(&mut app, '1');
    app.spaces.selected = Some(GROUP.into());
    let fx = ch(&mut app, 'r');
    assert!(sets_read(&fx, GROUP).is_some(), "{fx:?}");
    assert_eq!(app.unread(GROUP), 0);
    assert!(app.unread(ENG) > 0);
    let fx = ch(&mut app, 'R');
    assert!(sets_read(&fx, ENG).is_some(), "{fx:?}");
    assert_eq!(app.unread(ENG), 0);
    let fx = ch(&mut app, 'm');
    expect_effect!(fx, Effect::User(UserEffect::SetMute { space, muted: true }) if space == GROUP);
}

#[test]
fn without_the_readstate_scope_marks_stay_local_and_help_says_why() {
    let mut app = app();
    app.me.scopes = Some(vec!["chat.spaces".into(), "chat.messages".into()]);
    let fx = open(&mut app, ENG);
    assert!(find_effect!(fx, Effect::User(UserEffect::GetReadState { .. }) => ()).is_none());
    // The counts asked when the spaces loaded come back; then both spaces move.
    for space in [DM, GROUP] {
        done(
            &mut app,
            Outcome::User(UserOutcome::Unread {
                space: sn(space),
                result: Ok(vec![]),
                after: None,
            }),
        );
    }
    let fx = tick_polled(&mut app, Duration::from_secs(3600), &[DM, GROUP]);
    assert!(
        find_effect!(fx, Effect::User(UserEffect::ReadUnread { .. }) => ()).is_none(),
        "{fx:?}"
    );
    expect_effect!(fx, Effect::User(UserEffect::CountUnread { .. }));
    let help = help_text(&app);
    assert!(
        help.contains(
            "Read marks: read marks stay on this computer: needs the chat.users.readstate scope"
        ),
        "{help}"
    );
    assert!(
        help.contains("(unavailable: needs the chat.users.spacesettings scope"),
        "{help}"
    );
    // Refused by the server (scope withdrawn): the same, from then on.
    let mut app2 = common::fixture::app();
    done(
        &mut app2,
        Outcome::User(UserOutcome::ReadState {
            space: sn(TEAM),
            result: Err(server_error(
                403,
                "PERMISSION_DENIED",
                "Request had insufficient authentication scopes.",
            )),
        }),
    );
    assert!(app2.reads_local_why().is_some());
    let fx = tick(&mut app2, Duration::from_secs(3600));
    assert!(
        find_effect!(fx, Effect::User(UserEffect::ReadUnread { .. }) => ()).is_none(),
        "{fx:?}"
    );
}

#[test]
fn u_goes_back_to_the_first_unread_message() {
    let mut app = app();
    read_unread(
        &mut app,
        ENG,
        Some(at(10, 0)),
        vec![msg(ENG, "E1", "E1", wang(), at(11, 0), "大家好")],
    );
    open(&mut app, ENG);
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Messages {
            space: sn(ENG),
            kind: LoadKind::Latest,
            result: Ok((
                vec![
                    msg(ENG, "E0", "E0", wang(), at(9, 0), "早"),
                    msg(ENG, "E1", "E1", wang(), at(11, 0), "大家好"),
                ]
                .into_iter()
                .map(Into::into)
                .collect(),
                false,
            )),
        }),
    );
    app.focus = Focus::Messages;
    let e1 = format!("{ENG}/messages/E1.E1");
    let selected = |app: &App| match &app.views[ENG].selected {
        Some(gchat::app::timeline::Row::Msg { name, .. }) => name.to_string(),
        other => format!("{other:?}"),
    };
    assert_eq!(selected(&app), e1);
    key(&mut app, KeyCode::Up);
    assert_ne!(selected(&app), e1);
    ch(&mut app, 'u');
    assert_eq!(selected(&app), e1);
}

fn sections(with_projects: bool) -> Outcome {
    let mut list = vec![
        section(
            "default-direct-messages",
            SectionType::DefaultDirectMessages,
            None,
        ),
        section("default-spaces", SectionType::DefaultSpaces, None),
    ];
    let mut placed = vec![];
    if with_projects {
        list.insert(
            0,
            section("projects", SectionType::Custom, Some("Projects")),
        );
        placed.push((TEAM.to_string(), "users/1001/sections/projects".to_string()));
    }
    Outcome::User(UserOutcome::Sections {
        result: Ok((list, placed)),
    })
}

#[test]
fn sections_group_the_list_fold_and_survive_a_deletion_elsewhere() {
    let mut app = app();
    let fx = tick(&mut app, Duration::ZERO);
    drop(fx);
    done(&mut app, sections(true));
    done(
        &mut app,
        Outcome::User(UserOutcome::Muted {
            space: sn(DM),
            result: Ok(true),
        }),
    );
    insta::assert_snapshot!("sections_and_muted_80x16", render(&app, 80, 16));
    // Fold Projects: its header is the first row.
    ch(&mut app, '1');
    ch(&mut app, 'g');
    key(&mut app, KeyCode::Char(' '));
    insta::assert_snapshot!("sections_folded_80x16", render(&app, 80, 16));
    // The filter still finds a space in a folded section.
    ch(&mut app, '/');
    typed(&mut app, "rust");
    let screen = render(&app, 80, 16);
    assert!(screen.contains("Team Rust"), "{screen}");
    key(&mut app, KeyCode::Esc);
    // Projects deleted in another client: Team Rust is back under Spaces.
    done(&mut app, sections(false));
    assert!(app.sections.collapsed.is_empty());
    assert!(app.sections.header.is_none());
    let screen = render(&app, 80, 16);
    assert!(!screen.contains("Projects"), "{screen}");
    assert!(screen.contains("Team Rust"), "{screen}");
}

#[test]
fn s_moves_a_space_to_a_picked_section_and_a_refusal_lists_again() {
    let mut app = app();
    done(&mut app, sections(true));
    ch(&mut app, '1');
    app.spaces.selected = Some(ENG.into());
    ch(&mut app, 'S');
    assert!(app.dialog.is_some());
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Projects"), "{screen}");
    assert!(
        screen.contains("Move 工程部 to"),
        "the title names the space: {screen}"
    );
    assert!(
        !screen.contains("Direct messages"),
        "a named space cannot go among the DMs: {screen}"
    );
    let fx = key(&mut app, KeyCode::Enter);
    expect_effect!(fx, Effect::User(UserEffect::MoveToSection { space, to, .. })
        if space == ENG && to == "users/1001/sections/projects");
    let fx = done(
        &mut app,
        Outcome::User(UserOutcome::Moved {
            space: sn(ENG),
            from: "users/1001/sections/default-spaces".into(),
            to: "users/1001/sections/projects".into(),
            result: Err(server_error(404, "NOT_FOUND", "Section not found.")),
        }),
    );
    expect_effect!(fx, Effect::User(UserEffect::LoadSections {}));
    assert!(app.status.note.as_ref().is_some_and(|n| n.error));
}

/// Answers every count asked in `fx` with `msgs(space)`; returns how many asked the
/// server's read state too.
fn answer_counts(app: &mut App, fx: &[Effect], msgs: &dyn Fn(&str) -> Vec<Message>) -> usize {
    let mut with_read = 0;
    for e in fx {
        match e {
            Effect::User(UserEffect::ReadUnread { space, .. }) => {
                with_read += 1;
                read_unread(app, space, Some(at(8, 0)), msgs(space));
            }
            Effect::User(UserEffect::CountUnread { space, .. }) => {
                done(
                    app,
                    Outcome::User(UserOutcome::Unread {
                        space: space.clone(),
                        result: Ok(msgs(space)),
                        after: None,
                    }),
                );
            }
            _ => {}
        }
    }
    with_read
}

#[test]
fn idle_spaces_do_not_cost_a_read_state_request_per_poll() {
    let mut app = app();
    let quiet = |space: &str| match space {
        s if s == GROUP => vec![msg(GROUP, "G1", "G1", bob(), at(9, 0), "one")],
        _ => vec![],
    };
    // The counts asked when the spaces loaded come back.
    read_unread(&mut app, DM, Some(at(8, 0)), vec![]);
    read_unread(&mut app, GROUP, Some(at(8, 0)), quiet(GROUP));
    let mut read_states = 0;
    let mut counts = 0;
    let mut polls = 0;
    // Ten background polls with nothing happening anywhere.
    for k in 1..=10u64 {
        let fx = tick_polled(&mut app, Duration::from_secs(61 * k), &[]);
        polls += fx
            .iter()
            .filter(|e| **e == Effect::Directory(gchat::app::DirectoryEffect::PollSpaces {}))
            .count();
        counts += fx
            .iter()
            .filter(|e| {
                matches!(
                    e,
                    Effect::User(UserEffect::CountUnread { .. })
                        | Effect::User(UserEffect::ReadUnread { .. })
                )
            })
            .count();
        read_states += answer_counts(&mut app, &fx, &quiet);
    }
    eprintln!("idle: {polls} polls, {counts} counts, {read_states} read-state requests");
    assert_eq!(polls, 10, "the spaces list is polled");
    // Nothing moved: no space is counted, and no read state is asked.
    assert_eq!(counts, 0, "idle spaces counted");
    assert_eq!(read_states, 0, "read-state requests in 10 idle polls");
    // Something happens in the group chat: its read state is asked with its count.
    let fx = tick_polled(&mut app, Duration::from_secs(61 * 11), &[GROUP]);
    assert!(
        find_effect!(fx, Effect::User(UserEffect::ReadUnread { space, .. }) if space == GROUP => ()).is_some(),
        "{fx:?}"
    );
    assert!(
        find_effect!(fx, Effect::User(UserEffect::ReadUnread { space, .. }) if space == DM => ())
            .is_none(),
        "{fx:?}"
    );
}

#[test]
fn a_mark_read_the_server_coerces_to_its_newest_message_is_not_sent_again() {
    let mut app = app();
    // Team Rust is open; the server holds 11:00.
    done(
        &mut app,
        Outcome::User(UserOutcome::ReadState {
            space: sn(TEAM),
            result: Ok(Some(at(11, 0))),
        }),
    );
    ch(&mut app, '1');
    app.spaces.selected = Some(TEAM.into());
    let fx = ch(&mut app, 'r');
    let asked = sets_read(&fx, TEAM).expect("marked read");
    // The server answers with its newest message's time, earlier than asked.
    done(
        &mut app,
        Outcome::User(UserOutcome::ReadStateSet {
            space: sn(TEAM),
            time: asked,
            result: Ok(Some(at(11, 58))),
        }),
    );
    for s in [3, 6, 30] {
        let fx = tick(&mut app, Duration::from_secs(s));
        assert_eq!(sets_read(&fx, TEAM), None, "sent again: {fx:?}");
    }
}

#[test]
fn a_thread_with_replies_since_the_last_read_is_marked_on_opening() {
    let mut app = app();
    open(&mut app, ENG);
    // Read up to Bob's second reply in the ratatui thread (the 20th, 09:20).
    let read = Utc.with_ymd_and_hms(2026, 11, 20, 9, 20, 0).unwrap();
    app.store.set_last_read(TEAM, read);
    open(&mut app, TEAM);
    let thread = format!("{TEAM}/threads/T1");
    assert!(app.has_new_reply(TEAM, &thread));
    let screen = render(&app, 120, 40);
    assert!(
        screen.contains("New reply from Priya Natarajan"),
        "{screen}"
    );
    // Read past every reply: nothing marked.
    let mut app = common::fixture::app();
    open(&mut app, ENG);
    app.store
        .set_last_read(TEAM, Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap());
    open(&mut app, TEAM);
    assert!(!app.has_new_reply(TEAM, &thread));
}

#[test]
fn a_marked_thread_read_in_another_client_is_not_marked() {
    let mut app = app();
    open(&mut app, ENG);
    let read = Utc.with_ymd_and_hms(2026, 11, 20, 9, 20, 0).unwrap();
    app.store.set_last_read(TEAM, read);
    let fx = open(&mut app, TEAM);
    let thread = format!("{TEAM}/threads/T1");
    assert!(app.has_new_reply(TEAM, &thread));
    // The marked thread's own read state is asked.
    expect_effect!(fx, Effect::User(UserEffect::GetThreadReadState { space, thread: t }) if space == TEAM && t.to_string() == thread);
    // Read before its newest reply (only the space's time): still marked.
    done(
        &mut app,
        Outcome::User(UserOutcome::ThreadReadState {
            space: sn(TEAM),
            thread: tn(&thread),
            result: Ok(Some(read)),
        }),
    );
    assert!(app.has_new_reply(TEAM, &thread));
    // Read past its newest reply in another client: not marked, and not drawn so.
    done(
        &mut app,
        Outcome::User(UserOutcome::ThreadReadState {
            space: sn(TEAM),
            thread: tn(&thread),
            result: Ok(Some(Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap())),
        }),
    );
    assert!(!app.has_new_reply(TEAM, &thread));
    let screen = render(&app, 120, 40);
    assert!(!screen.contains("New reply from"), "{screen}");
}

#[test]
fn ctrl_r_lists_the_sections_again_and_asks_read_states_anew() {
    let mut app = app();
    done(&mut app, sections(true));
    // Idle: nothing is counted, no read state asked.
    read_unread(&mut app, DM, Some(at(8, 0)), vec![]);
    read_unread(&mut app, GROUP, Some(at(8, 0)), vec![]);
    let fx = tick_polled(&mut app, Duration::from_secs(61), &[]);
    assert!(
        find_effect!(fx, Effect::User(UserEffect::ReadUnread { space, .. }) if space == DM => ())
            .is_none()
    );
    answer_counts(&mut app, &fx, &|_| vec![]);
    let fx = ctrl(&mut app, 'r');
    expect_effect!(fx, Effect::User(UserEffect::LoadSections {}));
    expect_effect!(fx, Effect::User(UserEffect::GetReadState { space }) if space == TEAM);
    // The reload's spaces list, though nothing moved: every space is counted again,
    // with the server's read state.
    let all = app.spaces.all.clone();
    let fx = done(
        &mut app,
        Outcome::Directory(gchat::app::DirectoryOutcome::Spaces { result: Ok(all) }),
    );
    expect_effect!(fx, Effect::User(UserEffect::ReadUnread { space, .. }) if space == DM);
}

#[test]
fn desktop_mode_rings_the_bell_and_queues_a_cleaned_escaped_desktop_request() {
    let mut app = app();
    app.settings.notify = PerKind {
        dm: Mode::Desktop,
        mention: Mode::Desktop,
        thread_reply: Mode::Desktop,
    };
    let first = msg(DM, "D1", "D1", bob(), at(11, 0), "hi");
    read_unread(&mut app, DM, Some(at(10, 0)), vec![first.clone()]);
    assert!(app.user_state.take_desktop().is_empty());
    let hostile = msg(
        DM,
        "D2",
        "D2",
        bob(),
        at(11, 5),
        "<b>lunch</b> & \x1b]0;pwned\x07\x1b[2Jsoon",
    );
    read_unread(&mut app, DM, Some(at(10, 0)), vec![first, hostile]);
    // The terminal gets the bell only.
    assert_eq!(app.user_state.take_out(), vec!["\x07".to_string()]);
    let d = app.user_state.take_desktop();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].title, "Bob Li");
    assert!(
        d[0].body.starts_with("&lt;b&gt;lunch&lt;/b&gt; &amp; "),
        "{d:?}"
    );
    assert!(!d[0].body.chars().any(char::is_control), "{d:?}");
    assert!(d[0].body.ends_with("soon"), "{d:?}");
    assert!(app.user_state.take_desktop().is_empty(), "taken once");
}
