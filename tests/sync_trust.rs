//! Trusting what the screen says: polling never skips a message, and a send or delete
//! whose answer was lost is reconciled with the server, never guessed.
//!
//! The App runs against a real emulator here: its effects are executed in a chosen
//! order, so every interleaving of the user's sends, other people's posts and polls is
//! tried, and answers are spoiled after the server acted.

mod common;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::fixture::{done, find_effect, key, render, sn, typed};
use crossterm::event::KeyCode;
use gchat::api::model::{Message, Space, SpaceType};
use gchat::api::{ApiError, Client, ClientMessageId, CreateMessage, MessageName, SpaceName};
use gchat::app::timeline::Local;
use gchat::app::user_requests::{UserEffect, UserOutcome};
use gchat::app::{Action, App, Clock, Effect, Focus, Identity, Outcome, Settings, Zone};
use gchat::emulator::{AnswerFault, Emulator, Fault, Spoil};
use gchat::keymap::Keymap;
use rand::{Rng, SeedableRng};

const CREATE: &str = "chat.spaces.messages.create";
const DELETE: &str = "chat.spaces.messages.delete";

/// How many times `text` is stored (not deleted) in `space`.
fn stored(emu: &Emulator, space: &SpaceName, text: &str) -> usize {
    emu.service().with_store(|st| {
        st.spaces[space.id()]
            .messages
            .iter()
            .filter(|m| !m.deleted() && m.msg.text.as_deref() == Some(text))
            .count()
    })
}

async fn space_with_bob(alice: &Client, name: &str) -> SpaceName {
    let s = common::new_space(alice, name).await;
    alice
        .create_member(
            &s,
            &Client::membership_for(&gchat::api::UserRef::parse("users/1002").unwrap()),
        )
        .await
        .expect("add Bob");
    s
}

// ------------------------------------------------------------------ the client

async fn create_survives(spoil: Spoil) {
    let emu = common::demo().await;
    let alice = common::user(&emu, common::ALICE);
    let s = common::new_space(&alice, "answers").await;
    emu.spoil_answers(AnswerFault {
        method: Some(CREATE.into()),
        count: 1,
        spoil: spoil.clone(),
    });
    let id = ClientMessageId::parse("client-exactly-once").unwrap();
    let m = alice
        .create_message(
            &s,
            &Message::text("exactly once"),
            &CreateMessage {
                message_id: Some(id.clone()),
                ..Default::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{spoil:?}: the client should return the message: {e}"));
    assert!(emu.pending_answer_faults().is_empty(), "the fault was used");
    assert_eq!(m.text.as_deref(), Some("exactly once"));
    assert_eq!(m.client_assigned_message_id.as_deref(), Some(id.as_str()));
    // The same message as the server holds under the client id.
    let by_id = alice
        .get_message(&MessageName::from_client_id(&s, &id))
        .await
        .unwrap();
    assert_eq!(by_id.name, m.name);
    assert_eq!(stored(&emu, &s, "exactly once"), 1, "{spoil:?}");
}

#[tokio::test]
async fn a_create_whose_connection_drops_after_storing_returns_the_message() {
    create_survives(Spoil::Reset).await;
}

#[tokio::test]
async fn a_create_whose_answer_is_truncated_returns_the_message() {
    create_survives(Spoil::Truncate).await;
}

#[tokio::test]
async fn a_create_answered_503_after_storing_returns_the_message() {
    create_survives(Spoil::Status {
        code: 503,
        retry_after: None,
    })
    .await;
}

#[tokio::test]
async fn a_create_answered_429_after_storing_returns_the_message() {
    create_survives(Spoil::Status {
        code: 429,
        retry_after: Some(1),
    })
    .await;
}

#[tokio::test]
async fn a_delete_retried_after_a_lost_answer_is_a_success() {
    let emu = common::demo().await;
    let alice = common::user(&emu, common::ALICE);
    let s = common::new_space(&alice, "deletes").await;
    let m = common::post(&alice, &s, "delete me").await;
    emu.spoil_answers(AnswerFault {
        method: Some(DELETE.into()),
        count: 1,
        spoil: Spoil::Reset,
    });
    alice
        .delete_message(&common::msg_name(&m), false)
        .await
        .expect("the message is gone, as asked");
    assert!(emu.pending_answer_faults().is_empty(), "the fault was used");
    assert_eq!(stored(&emu, &s, "delete me"), 0);
}

#[tokio::test]
async fn answer_faults_can_be_injected_over_http() {
    let emu = common::demo().await;
    let (code, _, _) = common::raw(
        &emu,
        reqwest::Method::POST,
        "/emulator/answer-faults",
        None,
        Some(r#"{"method":"chat.spaces.messages.create","count":2,"spoil":{"kind":"truncate"}}"#),
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(emu.pending_answer_faults().len(), 1);
    assert_eq!(emu.pending_answer_faults()[0].count, 2);
    let (code, json, _) = common::raw(
        &emu,
        reqwest::Method::POST,
        "/emulator/answer-faults",
        None,
        Some(r#"{"spoil":{"kind":"status","code":200}}"#),
    )
    .await;
    common::assert_envelope(&json, 400, "INVALID_ARGUMENT");
    assert_eq!(code, 400);
    let (code, _, _) = common::raw(
        &emu,
        reqwest::Method::DELETE,
        "/emulator/answer-faults",
        None,
        None,
    )
    .await;
    assert_eq!(code, 200);
    assert!(emu.pending_answer_faults().is_empty());
}

// ------------------------------------------------------------------ the app

/// An App as Alice with the system clock, showing times in UTC.
fn alice_app() -> App {
    let settings = Settings {
        source: "test".into(),
        zone: Zone::Fixed(chrono::FixedOffset::east_opt(0).unwrap()),
        clock: Clock::System,
        ..Default::default()
    };
    App::new(
        Identity {
            user: Some("users/1001".into()),
            name: Some("Alice Chen".into()),
            is_app: false,
            scopes: None,
        },
        settings,
        Keymap::defaults(),
    )
}

/// Effects about messages; the rest (people, members, other spaces) do not matter here.
fn about_messages(e: &Effect) -> bool {
    matches!(
        e,
        Effect::Messages(gchat::app::MessagesEffect::LoadMessages { .. })
            | Effect::Messages(gchat::app::MessagesEffect::Send { .. })
            | Effect::Messages(gchat::app::MessagesEffect::FetchSent { .. })
            | Effect::Messages(gchat::app::MessagesEffect::Delete { .. })
            | Effect::Messages(gchat::app::MessagesEffect::Edit { .. })
            | Effect::Messages(gchat::app::MessagesEffect::LoadEvents { .. })
            | Effect::Messages(gchat::app::MessagesEffect::LoadMessage { .. })
    )
}

/// Runs effects (and the effects their outcomes ask for) until none are left.
async fn settle(app: &mut App, c: &Client, fx: Vec<Effect>) {
    let mut queue: VecDeque<Effect> = fx.into_iter().filter(about_messages).collect();
    let mut n = 0;
    while let Some(e) = queue.pop_front() {
        n += 1;
        assert!(n < 1000, "effects never settle");
        let o = gchat::runtime::execute(c, e).await;
        queue.extend(done(app, o).into_iter().filter(about_messages));
    }
}

/// A tick far enough ahead that every timer (polls, resends) is due: each one an hour
/// after the one before, as timers are set from the tick that fired them.
fn tick(app: &mut App) -> Vec<Effect> {
    static HOURS: AtomicU64 = AtomicU64::new(1);
    let h = HOURS.fetch_add(1, Ordering::Relaxed);
    app.update(Action::Tick(Instant::now() + Duration::from_secs(3600 * h)))
}

/// Opens `space` (the only one) and loads it.
async fn open(app: &mut App, c: &Client, space: &SpaceName, name: &str) {
    let fx = done(
        app,
        Outcome::Directory(gchat::app::DirectoryOutcome::Spaces {
            result: Ok(vec![Space {
                name: Some(space.to_string()),
                space_type: Some(SpaceType::Space),
                display_name: Some(name.into()),
                ..Default::default()
            }]),
        }),
    );
    settle(app, c, fx).await;
    assert!(app.current_timeline().is_some_and(|t| t.loaded));
}

/// Ticks and settles until nothing is pending: polls done, resends done.
async fn quiesce(app: &mut App, c: &Client) {
    for _ in 0..20 {
        let fx = tick(app);
        if !fx.iter().any(about_messages) {
            return;
        }
        settle(app, c, fx).await;
    }
}

/// How many times `text` is on the screen.
fn on_screen(app: &App, text: &str) -> usize {
    render(app, 120, 60).matches(text).count()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Step {
    /// Bob posts (through the API).
    Bob,
    /// Alice presses Enter: the send is on its way.
    Type,
    /// The server receives and stores it.
    SendArrives,
    /// The answer reaches the app.
    SendAnswered,
    /// A poll starts (the timer).
    PollStarts,
    /// The server answers the poll.
    PollServed,
    /// The poll's answer reaches the app.
    PollAnswered,
}

/// Every interleaving of the given sequences, each kept in its own order.
fn interleavings(seqs: &[Vec<Step>]) -> Vec<Vec<Step>> {
    fn go(seqs: &[Vec<Step>], at: &mut Vec<usize>, cur: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
        let mut any = false;
        for i in 0..seqs.len() {
            if at[i] < seqs[i].len() {
                any = true;
                cur.push(seqs[i][at[i]]);
                at[i] += 1;
                go(seqs, at, cur, out);
                at[i] -= 1;
                cur.pop();
            }
        }
        if !any {
            out.push(cur.clone());
        }
    }
    let mut out = Vec::new();
    go(seqs, &mut vec![0; seqs.len()], &mut Vec::new(), &mut out);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_interleaving_of_sends_posts_and_polls_shows_each_message_once() {
    let emu = common::demo().await;
    let alice = common::user(&emu, common::ALICE);
    let bob = common::user(&emu, common::BOB);
    let orders = interleavings(&[
        vec![Step::Bob],
        vec![Step::Type, Step::SendArrives, Step::SendAnswered],
        vec![Step::PollStarts, Step::PollServed, Step::PollAnswered],
    ]);
    assert_eq!(orders.len(), 140);
    let mut failures = Vec::new();
    for (run, order) in orders.iter().enumerate() {
        let s = space_with_bob(&alice, &format!("order {run}")).await;
        // Something before, so the poll has a watermark.
        common::post(&bob, &s, &format!("hello {run}")).await;
        let mut app = alice_app();
        open(&mut app, &alice, &s, &format!("order {run}")).await;
        let (bob_text, alice_text) = (format!("bob says {run}"), format!("alice says {run}"));
        let mut send: Option<Effect> = None;
        let mut sent: Option<Outcome> = None;
        let mut poll: Option<Effect> = None;
        let mut polled: Option<Outcome> = None;
        for step in order {
            match step {
                Step::Bob => {
                    common::post(&bob, &s, &bob_text).await;
                }
                Step::Type => {
                    key(&mut app, KeyCode::Char('i'));
                    typed(&mut app, &alice_text);
                    let fx = key(&mut app, KeyCode::Enter);
                    send = fx.into_iter().find(|e| {
                        matches!(e, Effect::Messages(gchat::app::MessagesEffect::Send { .. }))
                    });
                    assert!(send.is_some(), "Enter sends");
                }
                Step::SendArrives => {
                    let e = send.take().unwrap();
                    sent = Some(gchat::runtime::execute(&alice, e).await);
                }
                Step::SendAnswered => {
                    let fx = done(&mut app, sent.take().unwrap());
                    settle(&mut app, &alice, fx).await;
                }
                Step::PollStarts => {
                    poll = tick(&mut app).into_iter().find(|e| {
                        matches!(
                            e,
                            Effect::Messages(gchat::app::MessagesEffect::PollMessages { .. })
                                | Effect::Messages(gchat::app::MessagesEffect::LoadEvents { .. })
                        )
                    });
                    assert!(poll.is_some(), "the open space is polled");
                }
                Step::PollServed => {
                    let e = poll.take().unwrap();
                    polled = Some(gchat::runtime::execute(&alice, e).await);
                }
                Step::PollAnswered => {
                    let fx = done(&mut app, polled.take().unwrap());
                    settle(&mut app, &alice, fx).await;
                }
            }
        }
        quiesce(&mut app, &alice).await;
        let seen = (
            on_screen(&app, &format!("hello {run}")),
            on_screen(&app, &bob_text),
            on_screen(&app, &alice_text),
        );
        let held = (stored(&emu, &s, &bob_text), stored(&emu, &s, &alice_text));
        if seen != (1, 1, 1) || held != (1, 1) {
            failures.push(format!(
                "{order:?}: on screen (hello, bob, alice) {seen:?}, stored (bob, alice) {held:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} orders went wrong:\n{}",
        failures.len(),
        orders.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_whose_answer_is_lost_is_reconciled_not_marked_not_sent() {
    for spoil in [
        Spoil::Truncate,
        Spoil::Reset,
        Spoil::Status {
            code: 503,
            retry_after: None,
        },
    ] {
        let emu = common::demo().await;
        // No retries in the client: the app must reconcile on its own.
        let alice = gchat::api::ClientBuilder::new(std::sync::Arc::new(
            gchat::api::StaticToken::new("user:1001"),
        ))
        .endpoint(&emu.url())
        .retry(gchat::api::RetryPolicy::none())
        .build()
        .unwrap();
        let s = common::new_space(&alice, "lost answers").await;
        let mut app = alice_app();
        open(&mut app, &alice, &s, "lost answers").await;
        emu.spoil_answers(AnswerFault {
            method: Some(CREATE.into()),
            count: 1,
            spoil: spoil.clone(),
        });
        key(&mut app, KeyCode::Char('i'));
        typed(&mut app, "did it arrive");
        let fx = key(&mut app, KeyCode::Enter);
        settle(&mut app, &alice, fx).await;
        let tl = app.current_timeline().unwrap();
        assert!(
            !tl.items()
                .iter()
                .any(|i| matches!(i.local, Some(Local::Failed(_)))),
            "{spoil:?}: marked not sent although the server holds it:\n{}",
            render(&app, 120, 40)
        );
        assert!(
            !render(&app, 120, 40).contains("Not sent"),
            "{spoil:?}: {}",
            render(&app, 120, 40)
        );
        quiesce(&mut app, &alice).await;
        assert_eq!(on_screen(&app, "did it arrive"), 1, "{spoil:?}");
        assert_eq!(stored(&emu, &s, "did it arrive"), 1, "{spoil:?}");
        let tl = app.current_timeline().unwrap();
        assert!(tl.items().iter().all(|i| i.local.is_none()), "{spoil:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_refused_429_is_tried_again_and_says_so() {
    let emu = common::demo().await;
    let alice = gchat::api::ClientBuilder::new(std::sync::Arc::new(gchat::api::StaticToken::new(
        "user:1001",
    )))
    .endpoint(&emu.url())
    .retry(gchat::api::RetryPolicy::none())
    .build()
    .unwrap();
    let s = common::new_space(&alice, "slow down").await;
    let mut app = alice_app();
    open(&mut app, &alice, &s, "slow down").await;
    emu.service().inject(Fault {
        method: Some(CREATE.into()),
        code: 429,
        count: 1,
        retry_after: Some(2),
    });
    key(&mut app, KeyCode::Char('i'));
    typed(&mut app, "patience");
    let fx = key(&mut app, KeyCode::Enter);
    settle(&mut app, &alice, fx).await;
    let screen = render(&app, 120, 40);
    assert!(!screen.contains("not sent"), "{screen}");
    assert!(
        app.status
            .note
            .as_ref()
            .is_some_and(|n| n.text.contains("try again")),
        "{:?}",
        app.status.note
    );
    quiesce(&mut app, &alice).await;
    assert_eq!(on_screen(&app, "patience"), 1);
    assert_eq!(stored(&emu, &s, "patience"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_whose_answer_is_lost_leaves_the_screen() {
    let emu = common::demo().await;
    let alice = common::user(&emu, common::ALICE);
    let s = common::new_space(&alice, "gone").await;
    common::post(&alice, &s, "first words").await;
    common::post(&alice, &s, "regrettable").await;
    let mut app = alice_app();
    open(&mut app, &alice, &s, "gone").await;
    assert_eq!(on_screen(&app, "regrettable"), 1);
    // The server deletes it, and the answer is lost each time the client asks.
    emu.spoil_answers(AnswerFault {
        method: Some(DELETE.into()),
        count: 1,
        spoil: Spoil::Reset,
    });
    key(&mut app, KeyCode::Char('d'));
    let fx = key(&mut app, KeyCode::Char('y'));
    let fx = if fx.iter().any(|e| {
        matches!(
            e,
            Effect::Messages(gchat::app::MessagesEffect::Delete { .. })
        )
    }) {
        fx
    } else {
        key(&mut app, KeyCode::Enter)
    };
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::Messages(gchat::app::MessagesEffect::Delete { .. })
        )),
        "{fx:?}\n{}",
        render(&app, 120, 40)
    );
    settle(&mut app, &alice, fx).await;
    assert_eq!(stored(&emu, &s, "regrettable"), 0);
    let screen = render(&app, 120, 40);
    assert_eq!(screen.matches("regrettable").count(), 0, "{screen}");
    assert!(!screen.contains("not deleted"), "{screen}");
}

#[test]
fn a_delete_answered_404_removes_the_message() {
    use common::fixture::{app, TEAM};
    let mut app = app();
    let name = "spaces/AAAATeamRst/messages/L1.L1".to_string();
    assert!(app.current_timeline().unwrap().get(&name).is_some());
    done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Deleted {
            space: sn(TEAM),
            message: common::fixture::mn(&name),
            force: false,
            result: Err(ApiError::Server(gchat::api::error::ServerError {
                code: 404,
                status: "NOT_FOUND".into(),
                message: "Message not found.".into(),
                field_violations: Vec::new(),
                reason: None,
                retry_after: None,
            })),
        }),
    );
    assert!(app.current_timeline().unwrap().get(&name).is_none());
    let note = app.status.note.clone().unwrap();
    assert!(!note.error, "{note:?}");
    assert!(note.text.contains("deleted"), "{note:?}");
}

/// The texts the app marks not sent that the server holds.
fn failed_but_stored(app: &App, emu: &Emulator, s: &SpaceName) -> Vec<String> {
    app.current_timeline()
        .unwrap()
        .items()
        .iter()
        .filter(|i| matches!(i.local, Some(Local::Failed(_))))
        .filter_map(|i| i.text().map(String::from))
        .filter(|t| stored(emu, s, t) > 0)
        .collect()
}

/// 200 sends, each under a random fault (before or after the server acts, or none), with
/// Bob posting now and then and polls in between: nothing lost, nothing twice, nothing
/// marked not sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_sends_under_random_faults_lose_and_repeat_nothing() {
    let emu = common::demo().await;
    let alice = common::user(&emu, common::ALICE);
    let bob = common::user(&emu, common::BOB);
    let s = space_with_bob(&alice, "chaos").await;
    let mut app = alice_app();
    open(&mut app, &alice, &s, "chaos").await;
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    const N: usize = 200;
    let mut bobs = Vec::new();
    let mut pending: Vec<Effect> = Vec::new();
    // Texts shown as not sent at some point while the server held them.
    let mut wrongly_failed = std::collections::HashSet::new();
    for i in 0..N {
        match rng.gen_range(0..8) {
            0 => emu.service().inject(Fault {
                method: Some(CREATE.into()),
                code: 503,
                count: rng.gen_range(1..3),
                retry_after: None,
            }),
            1 => emu.service().inject(Fault {
                method: Some(CREATE.into()),
                code: 429,
                count: 1,
                retry_after: Some(0),
            }),
            2 => emu.spoil_answers(AnswerFault {
                method: Some(CREATE.into()),
                count: 1,
                spoil: Spoil::Reset,
            }),
            3 => emu.spoil_answers(AnswerFault {
                method: Some(CREATE.into()),
                count: 1,
                spoil: Spoil::Truncate,
            }),
            4 => emu.spoil_answers(AnswerFault {
                method: Some(CREATE.into()),
                count: 1,
                spoil: Spoil::Status {
                    code: 500,
                    retry_after: None,
                },
            }),
            _ => {}
        }
        if app.focus != Focus::Compose {
            key(&mut app, KeyCode::Char('i'));
        }
        typed(&mut app, &format!("m{i:03}."));
        pending.extend(key(&mut app, KeyCode::Enter));
        if rng.gen_bool(0.3) {
            // Bob's posts may meet the faults too; his client id makes them safe to retry.
            // Several faults may be waiting: he tries until it is there.
            let t = format!("b{i:03}.");
            let id = ClientMessageId::parse(&format!("client-bob-{i}")).unwrap();
            for attempt in 0.. {
                let p = CreateMessage {
                    message_id: Some(id.clone()),
                    ..Default::default()
                };
                match bob.create_message(&s, &Message::text(t.clone()), &p).await {
                    Ok(_) => break,
                    Err(e) if e.code() == Some(409) => break,
                    Err(e) if attempt < 10 => eprintln!("Bob's post {t}: {e}; again"),
                    Err(e) => panic!("Bob's post {t}: {e}"),
                }
            }
            bobs.push(t);
        }
        // Sometimes the sends go out in a batch, after a poll has started.
        if rng.gen_bool(0.5) {
            let fx = std::mem::take(&mut pending);
            settle(&mut app, &alice, fx).await;
            wrongly_failed.extend(failed_but_stored(&app, &emu, &s));
            let fx = tick(&mut app);
            settle(&mut app, &alice, fx).await;
            wrongly_failed.extend(failed_but_stored(&app, &emu, &s));
        }
    }
    settle(&mut app, &alice, pending).await;
    wrongly_failed.extend(failed_but_stored(&app, &emu, &s));
    emu.service().clear_faults();
    quiesce(&mut app, &alice).await;
    let tl = app.current_timeline().unwrap();
    let texts: Vec<String> = tl
        .items()
        .iter()
        .filter_map(|i| i.text().map(String::from))
        .collect();
    let (mut lost, mut twice, mut not_sent) = (0, 0, 0);
    for i in 0..N {
        let t = format!("m{i:03}.");
        let held = stored(&emu, &s, &t);
        let shown = texts.iter().filter(|x| **x == t).count();
        lost += usize::from(held == 0);
        twice += usize::from(held > 1 || shown > 1);
        lost += usize::from(shown == 0);
    }
    for t in &bobs {
        let shown = texts.iter().filter(|x| *x == t).count();
        lost += usize::from(shown == 0);
        twice += usize::from(shown > 1);
    }
    for i in tl.items() {
        not_sent += usize::from(i.local.is_some());
    }
    eprintln!(
        "{N} sends, {} posts by Bob: {lost} lost, {twice} twice, {not_sent} left unconfirmed, {} shown as not sent while stored",
        bobs.len(),
        wrongly_failed.len()
    );
    assert_eq!((lost, twice, not_sent, wrongly_failed.len()), (0, 0, 0, 0));
}

// ------------------------------------------------------------------ the app, alone

mod alone {
    use super::*;
    use common::fixture::{alice, app, bob, msg, TEAM};
    use gchat::app::App;

    const ENG: &str = common::fixture::ENG;

    fn newest_listed(app: &App) -> chrono::DateTime<chrono::Utc> {
        app.store
            .timeline(TEAM)
            .expect("timeline")
            .items()
            .iter()
            .filter(|i| !i.is_local())
            .map(|i| i.time())
            .max()
            .unwrap()
    }

    /// Alice posts in Team Rust; the server's copy comes back, newer than anything listed.
    fn post_and_confirm(app: &mut App) -> chrono::DateTime<chrono::Utc> {
        key(app, KeyCode::Char('i'));
        typed(app, "mine");
        let fx = key(app, KeyCode::Enter);
        let Some(Effect::Messages(gchat::app::MessagesEffect::Send {
            local, client_id, ..
        })) = fx
            .into_iter()
            .find(|e| matches!(e, Effect::Messages(gchat::app::MessagesEffect::Send { .. })))
        else {
            panic!("Enter sends");
        };
        let t = newest_listed(app) + chrono::Duration::minutes(5);
        let mut m = msg(TEAM, "MINE", "MINE", alice(), t, "mine");
        m.client_assigned_message_id = Some(client_id.to_string());
        done(
            app,
            Outcome::Messages(gchat::app::MessagesOutcome::Sent {
                text: String::new(),
                thread: None,
                attachment: Vec::new(),
                space: sn(TEAM),
                local,
                client_id,
                result: Ok(m),
            }),
        );
        key(app, KeyCode::Esc);
        t
    }

    #[test]
    fn a_send_never_moves_the_poll_watermark() {
        let mut app = app();
        // The watermark is what a sign-in that cannot read events polls from.
        common::fixture::refuse_events(&mut app);
        let listed = newest_listed(&app);
        let mine = post_and_confirm(&mut app);
        assert!(mine > listed);
        let fx = tick(&mut app);
        let after = find_effect!(fx, Effect::Messages(gchat::app::MessagesEffect::PollMessages {
            space,
            after,
        }) if space == TEAM => *after);
        assert_eq!(after, Some(listed), "{fx:?}");
    }

    #[test]
    fn a_send_never_moves_what_is_read_elsewhere() {
        let mut app = app();
        let listed = newest_listed(&app);
        let mine = post_and_confirm(&mut app);
        // Away, back, away again: Team Rust is read up to what was listed there.
        let mut fx = Vec::new();
        app.open_space(&sn(ENG), &mut fx);
        app.open_space(&sn(TEAM), &mut fx);
        app.open_space(&sn(ENG), &mut fx);
        let fx = tick(&mut app);
        assert!(
            fx.contains(&Effect::Directory(
                gchat::app::DirectoryEffect::PollSpaces {}
            )),
            "{fx:?}"
        );
        // The spaces list says Team Rust was active (Alice's post): it is counted.
        let mut all = app.spaces.all.clone();
        for s in &mut all {
            if s.name.as_deref() == Some(TEAM) {
                s.last_active_time = Some(mine);
            }
        }
        let fx = done(
            &mut app,
            Outcome::Directory(gchat::app::DirectoryOutcome::PolledSpaces { result: Ok(all) }),
        );
        let after = find_effect!(fx, Effect::User(UserEffect::CountUnread { space, after })
            | Effect::User(UserEffect::ReadUnread { space, after }) if space == TEAM => *after);
        assert_eq!(after, Some(Some(listed)), "{fx:?}");
    }

    #[test]
    fn an_unread_count_for_the_open_space_is_not_kept() {
        let mut app = app();
        let t = newest_listed(&app) + chrono::Duration::minutes(1);
        done(
            &mut app,
            Outcome::User(UserOutcome::Unread {
                space: sn(TEAM),
                result: Ok(vec![msg(TEAM, "B9", "B9", bob(), t, "seen here")]),
                after: None,
            }),
        );
        let mut fx = Vec::new();
        app.open_space(&sn(ENG), &mut fx);
        assert_eq!(app.unread(TEAM), 0);
    }

    #[test]
    fn a_list_answered_before_a_delete_does_not_bring_the_message_back() {
        let mut app = app();
        let name = "spaces/AAAATeamRst/messages/L1.L1".to_string();
        let copy = app
            .store
            .timeline(TEAM)
            .expect("timeline")
            .get(&name)
            .unwrap()
            .to_message();
        done(
            &mut app,
            Outcome::Messages(gchat::app::MessagesOutcome::Deleted {
                space: sn(TEAM),
                message: common::fixture::mn(&name),
                force: false,
                result: Ok(()),
            }),
        );
        assert!(app
            .store
            .timeline(TEAM)
            .expect("timeline")
            .get(&name)
            .is_none());
        // A poll listed it just before the delete; its answer comes after.
        done(
            &mut app,
            Outcome::Messages(gchat::app::MessagesOutcome::Polled {
                space: sn(TEAM),
                after: copy.create_time.unwrap(),
                result: Ok(vec![copy].into_iter().map(Into::into).collect()),
            }),
        );
        assert!(app
            .store
            .timeline(TEAM)
            .expect("timeline")
            .get(&name)
            .is_none());
    }

    #[test]
    fn a_list_answered_around_an_edit_does_not_bring_the_old_text_back() {
        use gchat::app::timeline::Row;
        let mut app = app();
        let name = "spaces/AAAATeamRst/messages/T1.T2".to_string();
        let old = app
            .store
            .timeline(TEAM)
            .expect("timeline")
            .get(&name)
            .unwrap()
            .to_message();
        app.views.get_mut(TEAM).unwrap().selected = Some(Row::Msg {
            name: name.as_str().into(),
            reply: true,
        });
        let listed_before = |app: &mut App| {
            done(
                app,
                Outcome::Messages(gchat::app::MessagesOutcome::Polled {
                    space: sn(TEAM),
                    after: old.create_time.unwrap(),
                    result: Ok(vec![old.clone()].into_iter().map(Into::into).collect()),
                }),
            )
        };
        key(&mut app, KeyCode::Char('e'));
        key(&mut app, KeyCode::End);
        typed(&mut app, " Really.");
        let fx = key(&mut app, KeyCode::Enter);
        let Some(Effect::Messages(gchat::app::MessagesEffect::Edit { text, previous, .. })) =
            fx.first().cloned()
        else {
            panic!("{fx:?}")
        };
        let shown = |app: &App| {
            let it = app
                .store
                .timeline(TEAM)
                .expect("timeline")
                .get(&name)
                .unwrap();
            (it.text().unwrap().to_string(), it.local.clone())
        };
        // A poll listed the old text before the edit: the edit in progress stays shown.
        listed_before(&mut app);
        assert_eq!(shown(&app), (text.clone(), Some(Local::Saving)));
        let mut edited = old.clone();
        edited.text = Some(text.clone());
        edited.last_update_time = Some(old.create_time.unwrap() + chrono::Duration::minutes(1));
        done(
            &mut app,
            Outcome::Messages(gchat::app::MessagesOutcome::Edited {
                space: sn(TEAM),
                message: common::fixture::mn(&name),
                text: text.clone(),
                previous,
                result: Ok(edited),
            }),
        );
        assert_eq!(shown(&app), (text.clone(), None));
        // And its answer comes after the edit's: the edit stays.
        listed_before(&mut app);
        assert_eq!(shown(&app), (text, None));
    }

    #[test]
    fn a_refusal_after_an_unsure_attempt_is_checked_before_saying_not_sent() {
        let mut app = app();
        key(&mut app, KeyCode::Char('i'));
        typed(&mut app, "maybe");
        let fx = key(&mut app, KeyCode::Enter);
        let Some(Effect::Messages(gchat::app::MessagesEffect::Send {
            local, client_id, ..
        })) = fx
            .into_iter()
            .find(|e| matches!(e, Effect::Messages(gchat::app::MessagesEffect::Send { .. })))
        else {
            panic!("Enter sends");
        };
        let sent = |result| {
            Outcome::Messages(gchat::app::MessagesOutcome::Sent {
                text: String::new(),
                thread: None,
                attachment: Vec::new(),
                space: sn(TEAM),
                local: local.clone(),
                client_id: client_id.clone(),
                result,
            })
        };
        // The connection drops: unsure. Not "not sent"; tried again later, same id.
        done(&mut app, sent(Err(ApiError::Transport("reset".into()))));
        let tl = &app.store.timeline(TEAM).expect("timeline");
        assert_eq!(tl.get(&local).unwrap().local, Some(Local::Sending));
        let fx = tick(&mut app);
        assert!(
            fx.iter()
                .any(|e| matches!(e, Effect::Messages(gchat::app::MessagesEffect::Send { client_id: c, .. }) if *c == client_id)),
            "{fx:?}"
        );
        // Then refused (the space changed meanwhile): was the first one stored? Look.
        let refused = ApiError::Server(gchat::api::error::ServerError {
            code: 403,
            status: "PERMISSION_DENIED".into(),
            message: "You can no longer post here.".into(),
            field_violations: Vec::new(),
            reason: None,
            retry_after: None,
        });
        let fx = done(&mut app, sent(Err(refused)));
        assert!(
            fx.iter()
                .any(|e| matches!(e, Effect::Messages(gchat::app::MessagesEffect::FetchSent { client_id: c, .. }) if *c == client_id)),
            "{fx:?}"
        );
        assert_eq!(
            app.store
                .timeline(TEAM)
                .expect("timeline")
                .get(&local)
                .unwrap()
                .local,
            Some(Local::Sending)
        );
        // Not there: now it is known not sent, with the refusal's reason.
        let missing = ApiError::Server(gchat::api::error::ServerError {
            code: 404,
            status: "NOT_FOUND".into(),
            message: "Message not found.".into(),
            field_violations: Vec::new(),
            reason: None,
            retry_after: None,
        });
        done(&mut app, sent(Err(missing)));
        match &app
            .store
            .timeline(TEAM)
            .expect("timeline")
            .get(&local)
            .unwrap()
            .local
        {
            Some(Local::Failed(why)) => assert!(why.contains("no longer post"), "{why}"),
            other => panic!("{other:?}"),
        }
        assert!(tick(&mut app)
            .iter()
            .all(|e| !matches!(e, Effect::Messages(gchat::app::MessagesEffect::Send { .. }))));
    }
}
