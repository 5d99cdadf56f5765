//! Reactions, quotes and pins in the real binary against the demo emulator: keys in a
//! pseudo-terminal, then what the screen shows and what the emulator holds.

mod common;

use common::pty::Session;

/// The newest live message of Team Rust (the one selected when the space opens).
fn newest(st: &gchat::emulator::Store) -> &gchat::emulator::store::MsgRec {
    st.spaces["AAAATeamRst"]
        .messages
        .iter()
        .filter(|m| !m.deleted() && !m.msg.thread_reply)
        .max_by_key(|m| m.msg.create_time)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn react_to_a_demo_message_then_take_it_back() {
    let mut s = Session::start().await;
    s.open("Team", "Team Rust").await;
    s.send("2").await;
    s.send("G").await;
    s.send("+").await;
    s.wait_for("the picker", |t| {
        t.contains(" React ") && t.contains("Find:")
    })
    .await;
    s.send("thumbs up").await;
    s.wait_for("the filtered picker", |t| t.contains("thumbs up"))
        .await;
    s.enter().await;
    s.wait_state("Alice's 👍 stored", |st| {
        st.spaces["AAAATeamRst"].messages.iter().any(|m| {
            m.reactions
                .iter()
                .any(|r| r.user == "1001" && r.emoji.unicode.as_deref() == Some("👍"))
        })
    })
    .await;
    s.wait_for("the reaction line", |t| t.contains("👍 1"))
        .await;
    // Again: the picker offers it first, as given; Enter takes it back.
    s.send("+").await;
    s.wait_for("the picker, with Alice's reaction", |t| {
        t.contains("✓ yours")
    })
    .await;
    s.enter().await;
    s.wait_state("the 👍 gone", |st| {
        !st.spaces["AAAATeamRst"].messages.iter().any(|m| {
            m.reactions
                .iter()
                .any(|r| r.user == "1001" && r.emoji.unicode.as_deref() == Some("👍"))
        })
    })
    .await;
    s.wait_for("no reaction line", |t| !t.contains("👍 1"))
        .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pin_a_demo_message_and_list_the_pins() {
    let mut s = Session::start().await;
    s.open("Team", "Team Rust").await;
    s.send("2").await;
    s.send("G").await;
    let target = s.emu.service().with_store(|st| newest(st).id.clone());
    assert!(s.emu.service().with_store(|st| newest(st).pin.is_none()));
    s.send("p").await;
    s.wait_state("the newest message pinned", |st| {
        st.spaces["AAAATeamRst"]
            .messages
            .iter()
            .any(|m| m.id == target && m.pin.as_ref().is_some_and(|p| p.by == "1001"))
    })
    .await;
    s.wait_for("the pin mark", |t| t.contains("Pinned. 📌"))
        .await;
    s.send("P").await;
    s.wait_for("the pinned list: the demo's two and the new one", |t| {
        t.contains("Pinned messages") && t.matches("📌 ").count() >= 3
    })
    .await;
    s.esc().await;
    s.send("p").await;
    s.wait_state("unpinned", |st| {
        st.spaces["AAAATeamRst"]
            .messages
            .iter()
            .any(|m| m.id == target && m.pin.is_none())
    })
    .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quote_a_demo_message_and_the_emulator_holds_the_quote() {
    let mut s = Session::start().await;
    s.open("Team", "Team Rust").await;
    s.send("2").await;
    s.send("G").await;
    let target = s
        .emu
        .service()
        .with_store(|st| newest(st).msg.name.clone().unwrap());
    s.send(">").await;
    s.wait_for("the quote bar", |t| t.contains("▎ Quoting"))
        .await;
    s.send("Quoting you on this").await;
    s.enter().await;
    s.wait_state("a message quoting the newest", |st| {
        st.spaces["AAAATeamRst"].messages.iter().any(|m| {
            m.msg.text.as_deref() == Some("Quoting you on this")
                && m.msg.quoted().and_then(|q| q.name).as_deref() == Some(target.as_str())
        })
    })
    .await;
    s.wait_for("the reply with its quote, sent", |t| {
        t.contains("Quoting you on this") && !t.contains("sending…") && !t.contains("▎ Quoting")
    })
    .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markdown_from_another_client_is_drawn_formatted() {
    let mut s = Session::start().await;
    s.open("Team", "Team Rust").await;
    let bob = common::user(&s.emu, "1002");
    let body = gchat::api::model::Message {
        text: Some("**ship it** on [the board](https://example.com/b)".into()),
        markup_syntax: Some(gchat::api::model::MarkupSyntax::Markdown),
        ..Default::default()
    };
    bob.create_message(
        &common::space("AAAATeamRst"),
        &body,
        &gchat::api::CreateMessage::default(),
    )
    .await
    .unwrap();
    s.wait_for("the message, its markup read", |t| {
        t.contains("ship it on the board") && !t.contains("**")
    })
    .await;
    let (row, col) = s
        .rows()
        .iter()
        .enumerate()
        .find_map(|(r, l)| {
            l.find("ship it on")
                .map(|c| (r, unicode_width::UnicodeWidthStr::width(&l[..c])))
        })
        .unwrap();
    let bold = s
        .parser
        .lock()
        .unwrap()
        .screen()
        .cell(row as u16, col as u16)
        .is_some_and(|c| c.bold());
    assert!(bold, "**ship it** is bold:\n{}", s.screen());
    s.quit().await;
}

// ---- the app's logic and what it draws, without a terminal or a network ----

use common::fixture::*;
use crossterm::event::KeyCode;
use gchat::api::error::ServerError;
use gchat::api::model::*;
use gchat::api::{ApiError, MessageName, UserRef};
use gchat::app::react::{EmojiKey, ReactEffect, ReactOutcome};
use gchat::app::{Effect, Focus, Outcome};

const L1: &str = "spaces/AAAATeamRst/messages/L1.L1";

fn mn(name: &str) -> MessageName {
    MessageName::parse(name).expect("a valid message name")
}

fn server_error(code: u16, status: &str, message: &str) -> ApiError {
    ApiError::Server(ServerError {
        code,
        status: status.into(),
        message: message.into(),
        field_violations: Vec::new(),
        reason: None,
        retry_after: None,
    })
}

fn thumbs() -> EmojiKey {
    EmojiKey::Unicode("👍".into())
}

/// The reaction summaries of a message in Team Rust: (emoji, count).
fn counts(app: &gchat::app::App, message: &str) -> Vec<(String, i32)> {
    app.store
        .timeline(TEAM)
        .expect("timeline")
        .get(message)
        .unwrap()
        .reaction_summaries()
        .into_iter()
        .map(|s| {
            let e = s.emoji.unwrap();
            (
                e.unicode
                    .or_else(|| e.custom_emoji.and_then(|c| c.uid))
                    .unwrap(),
                s.reaction_count.unwrap_or(0),
            )
        })
        .collect()
}

fn react(app: &mut gchat::app::App, outcome: ReactOutcome) -> Vec<Effect> {
    done(app, Outcome::React(outcome))
}

/// Opens the picker on the selected message, finds 👍 by name and presses Enter.
fn thumbs_up(app: &mut gchat::app::App) -> Vec<Effect> {
    ch(app, '+');
    assert!(app.react.picker.is_some(), "the picker opens");
    assert!(
        app.react.mine_asked.contains(L1),
        "the user's own were asked for"
    );
    typed(app, "thumbs up");
    let picked = app
        .react
        .picker
        .as_ref()
        .unwrap()
        .selected()
        .unwrap()
        .key
        .clone();
    assert_eq!(picked, thumbs());
    key(app, KeyCode::Enter)
}

#[test]
fn a_reaction_shows_at_once_and_goes_to_the_server() {
    let mut app = app();
    let fx = thumbs_up(&mut app);
    expect_effect!(fx, Effect::React(ReactEffect::React { message, emoji, .. })
        if message.to_string() == L1 && *emoji == thumbs());
    assert!(app.react.picker.is_none());
    assert_eq!(counts(&app, L1), vec![("👍".into(), 1)]);
    assert!(render(&app, 120, 40).contains("👍 1"));
    react(
        &mut app,
        ReactOutcome::Reacted {
            space: sn(TEAM),
            message: mn(L1),
            emoji: thumbs(),
            result: Ok(Some(format!("{L1}/reactions/r1"))),
        },
    );
    assert_eq!(counts(&app, L1), vec![("👍".into(), 1)]);
    // Again: the reaction is the user's, and Enter takes it back by its name.
    ch(&mut app, '+');
    let first = app.react.picker.as_ref().unwrap().shown()[0].clone();
    assert_eq!(first.key, thumbs(), "what is on the message comes first");
    assert!(first.given);
    let fx = key(&mut app, KeyCode::Enter);
    expect_effect!(fx, Effect::React(ReactEffect::Unreact { reaction: Some(r), .. })
        if r.to_string().ends_with("/reactions/r1"));
    assert!(counts(&app, L1).is_empty());
}

#[test]
fn a_refused_reaction_is_taken_back_with_the_reason() {
    let mut app = app();
    thumbs_up(&mut app);
    react(
        &mut app,
        ReactOutcome::Reacted {
            space: sn(TEAM),
            message: mn(L1),
            emoji: thumbs(),
            result: Err(server_error(
                403,
                "PERMISSION_DENIED",
                "Reactions are off here.",
            )),
        },
    );
    assert!(counts(&app, L1).is_empty(), "rolled back");
    assert!(!app.react.given(L1, &thumbs()));
    let note = app.status.note.clone().unwrap();
    assert!(
        note.error && note.text.contains("Reactions are off here."),
        "{note:?}"
    );
    assert!(!render(&app, 120, 40).contains("👍 1"));
}

#[test]
fn a_409_means_the_reaction_was_already_given_and_is_not_counted_twice() {
    let mut app = app();
    // The server's copy already counts Alice's 👍 (given elsewhere), unknown here.
    let mut m = app
        .store
        .timeline(TEAM)
        .expect("timeline")
        .get(L1)
        .unwrap()
        .to_message();
    m.emoji_reaction_summaries =
        vec![serde_json::json!({"emoji": {"unicode": "👍"}, "reactionCount": 2})];
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Messages {
            space: sn(TEAM),
            kind: gchat::app::LoadKind::Latest,
            result: Ok((vec![m].into_iter().map(Into::into).collect(), false)),
        }),
    );
    assert_eq!(counts(&app, L1), vec![("👍".into(), 2)]);
    // Its own reactions were asked for; the answer is late. The user reacts meanwhile.
    thumbs_up(&mut app);
    assert_eq!(counts(&app, L1), vec![("👍".into(), 3)], "optimistic");
    let fx = react(
        &mut app,
        ReactOutcome::Reacted {
            space: sn(TEAM),
            message: mn(L1),
            emoji: thumbs(),
            result: Err(server_error(409, "ALREADY_EXISTS", "already reacted")),
        },
    );
    assert_eq!(
        counts(&app, L1),
        vec![("👍".into(), 2)],
        "not counted twice"
    );
    assert!(app.react.given(L1, &thumbs()), "it is the user's");
    expect_effect!(fx, Effect::React(ReactEffect::ListMine { message, .. }) if message.to_string() == L1);
    let note = app.status.note.clone().unwrap();
    assert!(
        !note.error && note.text.contains("already reacted"),
        "{note:?}"
    );
}

#[test]
fn a_failed_take_back_restores_the_reaction() {
    let mut app = app();
    let mut m = app
        .store
        .timeline(TEAM)
        .expect("timeline")
        .get(L1)
        .unwrap()
        .to_message();
    m.emoji_reaction_summaries =
        vec![serde_json::json!({"emoji": {"unicode": "🎉"}, "reactionCount": 2})];
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Messages {
            space: sn(TEAM),
            kind: gchat::app::LoadKind::Latest,
            result: Ok((vec![m].into_iter().map(Into::into).collect(), false)),
        }),
    );
    let party = EmojiKey::Unicode("🎉".into());
    react(
        &mut app,
        ReactOutcome::Mine {
            space: sn(TEAM),
            message: mn(L1),
            user: UserRef::Id("1001".into()),
            result: Ok(vec![serde_json::from_value(serde_json::json!({
                "name": format!("{L1}/reactions/p1"),
                "user": {"name": "users/1001"},
                "emoji": {"unicode": "🎉"}
            }))
            .unwrap()]),
        },
    );
    assert!(app.react.given(L1, &party));
    ch(&mut app, '+');
    let fx = key(&mut app, KeyCode::Enter);
    expect_effect!(fx, Effect::React(ReactEffect::Unreact { emoji, .. }) if *emoji == party);
    assert_eq!(counts(&app, L1), vec![("🎉".into(), 1)]);
    react(
        &mut app,
        ReactOutcome::Unreacted {
            space: sn(TEAM),
            message: mn(L1),
            emoji: party.clone(),
            reaction: None,
            user: None,
            result: Err(server_error(500, "INTERNAL", "boom")),
        },
    );
    assert_eq!(counts(&app, L1), vec![("🎉".into(), 2)], "restored");
    assert!(app.react.given(L1, &party));
    // A take-back that finds it gone is done.
    ch(&mut app, '+');
    key(&mut app, KeyCode::Enter);
    react(
        &mut app,
        ReactOutcome::Unreacted {
            space: sn(TEAM),
            message: mn(L1),
            emoji: party.clone(),
            reaction: None,
            user: None,
            result: Err(server_error(404, "NOT_FOUND", "gone")),
        },
    );
    assert_eq!(counts(&app, L1), vec![("🎉".into(), 1)]);
    assert!(!app.react.given(L1, &party));
}

#[test]
fn the_picker_filters_by_name_and_offers_custom_emoji() {
    let mut app = app();
    ch(&mut app, '+');
    react(
        &mut app,
        ReactOutcome::CustomEmoji {
            result: Ok(vec![CustomEmoji {
                name: Some("customEmojis/ce1".into()),
                uid: Some("uid-parrot".into()),
                emoji_name: Some(":party-parrot:".into()),
                ..Default::default()
            }]),
        },
    );
    typed(&mut app, "parrot");
    let shown = app.react.picker.as_ref().unwrap().shown();
    assert_eq!(shown[0].glyph.as_str(), ":party-parrot:");
    let fx = key(&mut app, KeyCode::Enter);
    expect_effect!(fx, Effect::React(ReactEffect::React { emoji: EmojiKey::Custom { uid }, .. })
        if uid == "uid-parrot");
    assert!(render(&app, 120, 40).contains(":party-parrot: 1"));
    // Esc closes without reacting; typing nothing that matches says so.
    ch(&mut app, '+');
    typed(&mut app, "zzzqqq");
    assert!(render(&app, 120, 40).contains("No emoji by that name."));
    let fx = key(&mut app, KeyCode::Esc);
    assert!(app.react.picker.is_none());
    assert!(find_effect!(fx, Effect::React(ReactEffect::React { .. }) => ()).is_none());
}

#[test]
fn pin_shows_at_once_and_a_refusal_takes_it_back() {
    let mut app = app();
    let fx = ch(&mut app, 'p');
    expect_effect!(fx, Effect::React(ReactEffect::Pin { message, .. }) if message.to_string() == L1);
    assert!(app.store.is_pinned(TEAM, L1));
    assert!(render(&app, 120, 40).contains("📌"));
    react(
        &mut app,
        ReactOutcome::Pinned {
            space: sn(TEAM),
            message: mn(L1),
            result: Err(server_error(
                403,
                "PERMISSION_DENIED",
                "Only managers pin here.",
            )),
        },
    );
    assert!(!app.store.is_pinned(TEAM, L1));
    assert!(!render(&app, 120, 40).contains("📌"));
    assert!(app
        .status
        .note
        .clone()
        .unwrap()
        .text
        .contains("Only managers pin here."));
    // Already pinned (elsewhere): it stays pinned and the pins are listed for its name.
    ch(&mut app, 'p');
    let fx = react(
        &mut app,
        ReactOutcome::Pinned {
            space: sn(TEAM),
            message: mn(L1),
            result: Err(server_error(409, "ALREADY_EXISTS", "already pinned")),
        },
    );
    assert!(app.store.is_pinned(TEAM, L1));
    expect_effect!(fx, Effect::React(ReactEffect::ListPins { .. }));
    react(
        &mut app,
        ReactOutcome::Pins {
            space: sn(TEAM),
            result: Ok(vec![MessagePin {
                name: Some(format!("{TEAM}/messagePins/pin1")),
                message: Some(L1.into()),
            }]),
        },
    );
    let fx = ch(&mut app, 'p');
    expect_effect!(fx, Effect::React(ReactEffect::Unpin { pin, .. }) if pin.to_string().ends_with("pin1"));
    assert!(!app.store.is_pinned(TEAM, L1));
}

#[test]
fn the_pinned_list_jumps_to_a_message() {
    let mut app = app();
    let t1 = format!("{TEAM}/messages/T1.T1");
    let fx = ch(&mut app, 'P');
    expect_effect!(fx, Effect::React(ReactEffect::ListPins { .. }));
    react(
        &mut app,
        ReactOutcome::Pins {
            space: sn(TEAM),
            result: Ok(vec![MessagePin {
                name: Some(format!("{TEAM}/messagePins/a")),
                message: Some(t1.clone()),
            }]),
        },
    );
    insta::assert_snapshot!("pinned_list", render(&app, 100, 30));
    key(&mut app, KeyCode::Enter);
    assert!(app.react.pins_list.is_none());
    assert_eq!(app.focus, Focus::Messages);
    assert!(matches!(&app.current_view().unwrap().selected,
        Some(gchat::app::timeline::Row::Msg { name, .. }) if **name == *t1));
}

#[test]
fn a_pin_not_loaded_yet_loads_older_pages_until_it_is() {
    let mut app = app();
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Messages {
            space: sn(TEAM),
            kind: gchat::app::LoadKind::Latest,
            result: Ok((Vec::new(), true)),
        }),
    );
    let old = format!("{TEAM}/messages/OLD.OLD");
    ch(&mut app, 'P');
    react(
        &mut app,
        ReactOutcome::Pins {
            space: sn(TEAM),
            result: Ok(vec![MessagePin {
                name: Some(format!("{TEAM}/messagePins/o")),
                message: Some(old.clone()),
            }]),
        },
    );
    let fx = key(&mut app, KeyCode::Enter);
    let before = expect_effect!(fx, Effect::Messages(gchat::app::MessagesEffect::LoadMessages { kind: gchat::app::LoadKind::Older { before }, .. }) => *before);
    let m = msg(
        TEAM,
        "OLD",
        "OLD",
        bob(),
        before - chrono::TimeDelta::days(3),
        "the old plan",
    );
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Messages {
            space: sn(TEAM),
            kind: gchat::app::LoadKind::Older { before },
            result: Ok((vec![m].into_iter().map(Into::into).collect(), true)),
        }),
    );
    assert!(app.react.seek.is_none());
    assert!(matches!(&app.current_view().unwrap().selected,
        Some(gchat::app::timeline::Row::Msg { name, .. }) if **name == *old));
}

#[test]
fn a_quote_goes_above_the_draft_and_is_sent_with_the_message() {
    let mut app = app();
    ch(&mut app, '>');
    assert_eq!(app.focus, Focus::Compose);
    assert!(app.quote_shown().is_some());
    typed(&mut app, "agreed");
    insta::assert_snapshot!("quote_in_compose", render(&app, 100, 30));
    let fx = key(&mut app, KeyCode::Enter);
    let (quote, text) = expect_effect!(fx, Effect::React(ReactEffect::SendQuoting { quote, text, .. }) => (quote.clone(), text.clone()));
    assert_eq!(text, "agreed");
    assert_eq!(quote.name.as_deref(), Some(L1));
    assert!(
        quote.last_update_time.is_some(),
        "the quoted message's time goes with it"
    );
    assert!(
        app.quote_shown().is_none(),
        "the quote went with the message"
    );
    // The local copy shows the quote above its text.
    let screen = render(&app, 100, 30);
    assert!(screen.contains("▎ "), "{screen}");
}

#[test]
fn ctrl_x_removes_the_quote_and_keeps_the_draft() {
    let mut app = app();
    ch(&mut app, '>');
    typed(&mut app, "hello");
    ctrl(&mut app, 'x');
    assert!(app.quote_shown().is_none());
    assert_eq!(app.compose.text(), "hello");
    let fx = key(&mut app, KeyCode::Enter);
    expect_effect!(fx, Effect::Messages(gchat::app::MessagesEffect::Send { text, .. }) if text == "hello");
}

#[test]
fn a_stale_quote_is_explained_and_the_text_kept() {
    let mut app = app();
    ch(&mut app, '>');
    typed(&mut app, "late reply");
    let fx = key(&mut app, KeyCode::Enter);
    let (local, cid) = expect_effect!(fx, Effect::React(ReactEffect::SendQuoting { local, client_id, .. }) => (local.clone(), client_id.clone()));
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Sent { text: String::new(), thread: None, attachment: Vec::new(),
            space: sn(TEAM),
            local: local.clone(),
            client_id: cid,
            result: Err(server_error(
                400,
                "INVALID_ARGUMENT",
                "quotedMessageMetadata.lastUpdateTime does not match the quoted message: it was edited since",
            )),
        }),
    );
    let it = app
        .store
        .timeline(TEAM)
        .expect("timeline")
        .get(&local)
        .unwrap();
    assert!(matches!(
        it.local,
        Some(gchat::app::timeline::Local::Failed(_))
    ));
    assert_eq!(it.text(), Some("late reply"));
    let screen = render(&app, 120, 40);
    assert!(screen.contains("edited since"), "{screen}");
    // A retry sends the quote again.
    key(&mut app, KeyCode::Esc);
    let fx = ch(&mut app, 'R');
    let (local, cid) = expect_effect!(fx, Effect::React(ReactEffect::SendQuoting { local, client_id, .. }) => (local.clone(), client_id.clone()));
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Sent {
            text: String::new(),
            thread: None,
            attachment: Vec::new(),
            space: sn(TEAM),
            local: local.clone(),
            client_id: cid,
            result: Err(server_error(400, "INVALID_ARGUMENT", "it was edited since")),
        }),
    );
    // The quoted message was edited; the poll brings the new version. `e` takes the
    // reply back with a quote of that version.
    let mut edited = app
        .store
        .timeline(TEAM)
        .expect("timeline")
        .get(L1)
        .unwrap()
        .to_message();
    let new_time = now() + chrono::TimeDelta::minutes(1);
    edited.last_update_time = Some(new_time);
    edited.text = Some("午饭改到一点".into());
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Polled {
            space: sn(TEAM),
            after: now(),
            result: Ok(vec![edited].into_iter().map(Into::into).collect()),
        }),
    );
    // `R` now sends the quote of the version loaded, which the server accepts.
    let fx = ch(&mut app, 'R');
    let (local, cid) = expect_effect!(fx, Effect::React(ReactEffect::SendQuoting { local, client_id, quote, .. })
        if quote.last_update_time == Some(new_time) => (local.clone(), client_id.clone()));
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Sent {
            text: String::new(),
            thread: None,
            attachment: Vec::new(),
            space: sn(TEAM),
            local: local.clone(),
            client_id: cid,
            result: Err(server_error(
                400,
                "INVALID_ARGUMENT",
                "refused for another reason",
            )),
        }),
    );
    ch(&mut app, 'e');
    assert_eq!(app.focus, Focus::Compose);
    assert_eq!(app.compose.text(), "late reply");
    let q = app.quote_shown().expect("the quote is back");
    assert_eq!(q.meta.last_update_time, Some(new_time));
    assert!(q.preview.as_str().contains("午饭改到一点"));
    let fx = key(&mut app, KeyCode::Enter);
    expect_effect!(fx, Effect::React(ReactEffect::SendQuoting { quote, .. })
        if quote.last_update_time == Some(new_time));
}

#[test]
fn quoted_reactions_and_rich_links_render_with_wide_text() {
    let mut app = app();
    let mut m = msg(
        TEAM,
        "Q1",
        "Q1",
        bob(),
        now(),
        "看这个 https://docs.google.com/document/d/abc123/edit 好吗",
    );
    m.annotations = vec![serde_json::from_value(serde_json::json!({
        "type": "RICH_LINK", "startIndex": 4, "length": 47,
        "richLinkMetadata": {"uri": "https://docs.google.com/document/d/abc123/edit",
            "richLinkType": "DRIVE_FILE",
            "driveLinkData": {"driveDataRef": {"driveFileId": "abc123"},
                "mimeType": "application/vnd.google-apps.document"}}
    }))
    .unwrap()];
    m.quoted_message_metadata = Some(serde_json::json!({
        "name": L1, "lastUpdateTime": "2026-11-21T11:00:00Z",
        "quotedMessageSnapshot": {"sender": "users/1003", "text": "\u{1b}]52;c;evil\u{7} 午饭吃什么？"}
    }));
    m.emoji_reaction_summaries = vec![
        serde_json::json!({"emoji": {"unicode": "👨‍👩‍👧"}, "reactionCount": 2}),
        serde_json::json!({"emoji": {"unicode": "❤️"}, "reactionCount": 12}),
        serde_json::json!({"emoji": {"customEmoji": {"uid": "u1", "emojiName": ":ship-it:"}}, "reactionCount": 1}),
        serde_json::json!({"emoji": {"unicode": "中"}, "reactionCount": 3}),
    ];
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Polled {
            space: sn(TEAM),
            after: now(),
            result: Ok(vec![m].into_iter().map(Into::into).collect()),
        }),
    );
    key(&mut app, KeyCode::End);
    let screen = render(&app, 80, 30);
    insta::assert_snapshot!("quote_reactions_chip_80", screen);
    assert!(
        !screen.contains('\u{1b}'),
        "control characters are shown, not obeyed"
    );
    assert!(screen.contains("Google Docs"));
    // ❤️'s emoji-presentation selector is not drawn: terminals disagree on its width,
    // and it left stray characters beside the heart.
    assert!(!screen.contains('\u{FE0F}'), "{screen}");
    assert!(screen.contains("❤ 12"), "{screen}");
    // Narrow: the reactions wrap, an emoji never apart from its count, and every row
    // stays inside the pane.
    let narrow = render(&app, 50, 30);
    insta::assert_snapshot!("quote_reactions_chip_50", narrow);
    for l in narrow.lines() {
        assert!(unicode_width::UnicodeWidthStr::width(l) <= 50, "{l}");
    }
}

#[test]
fn a_chat_app_is_told_why_it_cannot_pin() {
    let mut app = app();
    app.me.is_app = true;
    let fx = ch(&mut app, 'p');
    assert!(find_effect!(fx, Effect::React(_) => ()).is_none());
    let note = app.status.note.clone().unwrap();
    assert!(
        note.error && note.text.contains("user authentication"),
        "{note:?}"
    );
}

#[test]
fn reload_asks_for_the_pins_and_own_reactions_again() {
    let mut app = app();
    let mut m = app
        .store
        .timeline(TEAM)
        .expect("timeline")
        .get(L1)
        .unwrap()
        .to_message();
    m.emoji_reaction_summaries =
        vec![serde_json::json!({"emoji": {"unicode": "🎉"}, "reactionCount": 1})];
    let fx = done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Messages {
            space: sn(TEAM),
            kind: gchat::app::LoadKind::Latest,
            result: Ok((vec![m].into_iter().map(Into::into).collect(), false)),
        }),
    );
    expect_effect!(fx, Effect::React(ReactEffect::ListMine { message, .. }) if message.to_string() == L1);
    react(
        &mut app,
        ReactOutcome::Mine {
            space: sn(TEAM),
            message: mn(L1),
            user: UserRef::Id("1001".into()),
            result: Ok(Vec::new()),
        },
    );
    let fx = ctrl(&mut app, 'r');
    expect_effect!(fx, Effect::React(ReactEffect::ListPins { space }) if space == TEAM);
    expect_effect!(fx, Effect::React(ReactEffect::ListMine { message, .. }) if message.to_string() == L1);
}

#[test]
fn a_reaction_whose_answer_was_lost_is_settled_by_the_list() {
    let mut app = app();
    thumbs_up(&mut app);
    let fx = react(
        &mut app,
        ReactOutcome::Reacted {
            space: sn(TEAM),
            message: mn(L1),
            emoji: thumbs(),
            result: Err(ApiError::Timeout),
        },
    );
    assert!(counts(&app, L1).is_empty(), "shown as not made, for now");
    expect_effect!(fx, Effect::React(ReactEffect::ListMine { message, .. }) if message.to_string() == L1);
    // It did arrive.
    react(
        &mut app,
        ReactOutcome::Mine {
            space: sn(TEAM),
            message: mn(L1),
            user: UserRef::Id("1001".into()),
            result: Ok(vec![serde_json::from_value(serde_json::json!({
                "name": format!("{L1}/reactions/t1"),
                "user": {"name": "users/1001"},
                "emoji": {"unicode": "👍"}
            }))
            .unwrap()]),
        },
    );
    assert_eq!(counts(&app, L1), vec![("👍".into(), 1)]);
    assert!(app.react.given(L1, &thumbs()));
    // Taking it back, the answer lost again, and this time it did not happen.
    ch(&mut app, '+');
    key(&mut app, KeyCode::Enter);
    assert!(counts(&app, L1).is_empty());
    react(
        &mut app,
        ReactOutcome::Unreacted {
            space: sn(TEAM),
            message: mn(L1),
            emoji: thumbs(),
            reaction: None,
            user: None,
            result: Err(ApiError::Timeout),
        },
    );
    assert_eq!(
        counts(&app, L1),
        vec![("👍".into(), 1)],
        "shown as not made"
    );
    react(
        &mut app,
        ReactOutcome::Mine {
            space: sn(TEAM),
            message: mn(L1),
            user: UserRef::Id("1001".into()),
            result: Ok(Vec::new()),
        },
    );
    assert!(counts(&app, L1).is_empty(), "it was taken back after all");
    assert!(!app.react.given(L1, &thumbs()));
}

#[test]
fn the_mouse_does_not_reach_under_the_picker() {
    use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let mut app = app();
    render(&app, 120, 40);
    ch(&mut app, '+');
    let before = app.current_view().unwrap().selected.clone();
    for kind in [
        MouseEventKind::Down(MouseButton::Left),
        MouseEventKind::ScrollUp,
    ] {
        app.update(gchat::app::Action::Mouse(MouseEvent {
            kind,
            column: 1,
            row: 3,
            modifiers: KeyModifiers::NONE,
        }));
    }
    assert_eq!(app.focus, Focus::Messages);
    assert_eq!(app.current_view().unwrap().selected, before);
    assert!(app.react.picker.is_some());
}

#[test]
fn a_sign_in_without_the_scopes_is_told_which_to_grant() {
    let mut app = app();
    app.me.scopes = Some(vec![
        "chat.messages.readonly".into(),
        "chat.spaces.readonly".into(),
    ]);
    for c in ['+', 'p', '>'] {
        let fx = ch(&mut app, c);
        assert!(
            find_effect!(fx, Effect::React(_) => ()).is_none(),
            "{c}: {fx:?}"
        );
        assert!(app.react.picker.is_none() && app.quote_shown().is_none());
        let note = app.status.note.clone().unwrap();
        assert!(
            note.error && note.text.contains("scope") && note.text.contains("gchat auth login"),
            "{c}: {note:?}"
        );
    }
    // Listing pins needs only a read scope.
    let fx = ch(&mut app, 'P');
    expect_effect!(fx, Effect::React(ReactEffect::ListPins { .. }));
    // The help lists the refused ones, with the reason.
    ch(&mut app, 'q');
    key(&mut app, KeyCode::Esc);
    let help = gchat::ui::help::lines(&app)
        .iter()
        .map(|l| {
            l.spans
                .iter()
                .map(|s| s.content.as_ref())
                .collect::<String>()
        })
        .collect::<Vec<_>>();
    let react_line = help
        .iter()
        .find(|l| l.contains("React to the selected"))
        .unwrap();
    assert!(
        react_line
            .contains("unavailable: needs the chat.messages or chat.messages.reactions scope"),
        "{react_line}"
    );
}

#[test]
fn a_quote_of_a_message_not_loaded_says_so() {
    let mut app = app();
    let mut m = msg(TEAM, "Q2", "Q2", bob(), now(), "yes, that");
    m.quoted_message_metadata = Some(serde_json::json!({
        "name": format!("{TEAM}/messages/GONE.GONE"), "lastUpdateTime": "2026-11-01T10:00:00Z"
    }));
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Polled {
            space: sn(TEAM),
            after: now(),
            result: Ok(vec![m].into_iter().map(Into::into).collect()),
        }),
    );
    key(&mut app, KeyCode::End);
    let screen = render(&app, 120, 40);
    assert!(
        screen.contains("▎ a message: (not loaded here)"),
        "{screen}"
    );
}

#[test]
fn a_pending_quote_follows_an_edit_of_the_quoted_message() {
    let mut app = app();
    ch(&mut app, '>');
    typed(&mut app, "reply to the new plan");
    // Bob edits the quoted message; the poll brings the new version while the reply
    // is still being written.
    let mut edited = app
        .store
        .timeline(TEAM)
        .expect("timeline")
        .get(L1)
        .unwrap()
        .to_message();
    let new_time = now() + chrono::TimeDelta::minutes(1);
    edited.last_update_time = Some(new_time);
    edited.text = Some("午饭改到一点".into());
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Polled {
            space: sn(TEAM),
            after: now(),
            result: Ok(vec![edited].into_iter().map(Into::into).collect()),
        }),
    );
    let q = app.quote_shown().expect("the quote stays");
    assert_eq!(q.meta.last_update_time, Some(new_time));
    let screen = render(&app, 100, 30);
    assert!(screen.contains("午饭改到一点"), "{screen}");
    assert_eq!(app.compose.text(), "reply to the new plan");
    let fx = key(&mut app, KeyCode::Enter);
    expect_effect!(fx, Effect::React(ReactEffect::SendQuoting { quote, .. })
        if quote.last_update_time == Some(new_time));
}

#[test]
fn a_pin_whose_answer_was_lost_is_settled_by_the_servers_list() {
    let mut app = app();
    ch(&mut app, 'p');
    let fx = react(
        &mut app,
        ReactOutcome::Pinned {
            space: sn(TEAM),
            message: mn(L1),
            result: Err(ApiError::Timeout),
        },
    );
    // Not "not pinned": it may have been. The server's list is asked.
    let note = app.status.note.clone().unwrap();
    assert!(
        !note.error && note.text.contains("Checking whether the pin went through"),
        "{note:?}"
    );
    expect_effect!(fx, Effect::React(ReactEffect::ListPins { space }) if space == TEAM);
    // It was pinned: the mark comes back.
    react(
        &mut app,
        ReactOutcome::Pins {
            space: sn(TEAM),
            result: Ok(vec![serde_json::from_value(serde_json::json!({
                "name": format!("{TEAM}/messagePins/p1"),
                "message": L1,
            }))
            .unwrap()]),
        },
    );
    assert!(app.store.is_pinned(TEAM, L1));
    assert!(render(&app, 120, 40).contains("📌"));
}

#[test]
fn a_reaction_whose_answer_was_lost_says_it_is_being_checked_not_refused() {
    let mut app = app();
    thumbs_up(&mut app);
    react(
        &mut app,
        ReactOutcome::Reacted {
            space: sn(TEAM),
            message: mn(L1),
            emoji: thumbs(),
            result: Err(ApiError::Timeout),
        },
    );
    let note = app.status.note.clone().unwrap();
    assert!(
        !note.error
            && note
                .text
                .contains("Checking whether the 👍 reaction went through"),
        "{note:?}"
    );
}

/// A message name that is not one (hostile or broken) never becomes a request: the
/// reaction is refused where it is asked for, with the reason on screen, and nothing
/// is counted on the message.
#[test]
fn a_malformed_message_name_is_refused_before_any_request() {
    let mut app = app();
    let mut fx = Vec::new();
    let bad = "spaces/AAAATeamRst/messages/../../x";
    app.toggle_reaction(&sn(TEAM), bad, &thumbs(), &mut fx);
    assert!(fx.is_empty(), "no request for a malformed name: {fx:?}");
    assert!(app.react.pending.is_empty());
    let screen = render(&app, 120, 40);
    assert!(
        screen.contains("cannot be reacted to"),
        "the reason is shown:\n{screen}"
    );
}
