//! The emulator under generated garbage, its persistence across restarts, the client's
//! retries and timeouts, and the `gchat emulator` binary itself.

mod common;

use std::process::Command;
use std::time::Duration;

use common::canned::{Answer, Canned};
use common::*;
use gchat::api::model::*;
use gchat::api::{
    ApiError, ClientBuilder, ClientMessageId, CreateMessage, ListMessages, RetryPolicy, StaticToken,
};
use gchat::emulator::{Emulator, Fault, Options};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

// ---------------------------------------------------------------- fuzzing

const WORDS: &[&str] = &[
    "v1", "spaces", "members", "messages", "AAAATeamRst", "AAAAFirehos", "app", "users",
    "spaces:setup", "spaces:findDirectMessage", "people", "people:batchGet", "1001", "me",
    "client-x", "client-UP", "a.b", "%00", "%ZZ", "..", "", "😀", "字", "bob@example.com",
    "threads",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
];
const PARAMS: &[&str] = &[
    "pageSize",
    "pageToken",
    "filter",
    "orderBy",
    "showDeleted",
    "showInvited",
    "updateMask",
    "allowMissing",
    "force",
    "messageId",
    "requestId",
    "messageReplyOption",
    "threadKey",
    "name",
    "personFields",
    "resourceNames",
    "useAdminAccess",
    "alt",
    "bogus",
    "page_size",
];
const VALUES: &[&str] = &[
    "",
    "0",
    "-1",
    "99999999999999999999",
    "true",
    "maybe",
    "DESC",
    "text",
    "*",
    "role = \"ROLE_MANAGER\"",
    "create_time > \"2024-01-01T00:00:00Z\"",
    "thread.name = x",
    "(((",
    "\"",
    "users/1002",
    "REPLY_MESSAGE_OR_FAIL",
    "client-ok",
    "names",
    "people/1002",
    "space_type = \"SPACE\" OR",
    "%FF",
    "字字字",
];
const FIELDS: &[&str] = &[
    "text",
    "thread",
    "name",
    "threadKey",
    "cardsV2",
    "card",
    "cardId",
    "spaceType",
    "displayName",
    "spaceDetails",
    "member",
    "type",
    "role",
    "space",
    "memberships",
    "createTime",
    "sections",
    "unknownField",
    "annotations",
    "privateMessageViewer",
];

fn rand_json(rng: &mut StdRng, depth: u32) -> Value {
    match rng.gen_range(0..if depth > 3 { 6 } else { 9 }) {
        0 => Value::Null,
        1 => json!(rng.gen::<bool>()),
        2 => json!(rng.gen::<i64>()),
        3 => json!(rng.gen::<f64>()),
        4 => json!(VALUES[rng.gen_range(0..VALUES.len())]),
        5 => json!("SPACE"),
        6 | 7 => {
            let mut m = serde_json::Map::new();
            for _ in 0..rng.gen_range(0..5) {
                m.insert(
                    FIELDS[rng.gen_range(0..FIELDS.len())].to_string(),
                    rand_json(rng, depth + 1),
                );
            }
            Value::Object(m)
        }
        _ => Value::Array(
            (0..rng.gen_range(0..4))
                .map(|_| rand_json(rng, depth + 1))
                .collect(),
        ),
    }
}

fn rand_request(rng: &mut StdRng) -> (reqwest::Method, String, Option<String>, Option<Vec<u8>>) {
    let methods = ["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS", "HEAD"];
    let method =
        reqwest::Method::from_bytes(methods[rng.gen_range(0..methods.len())].as_bytes()).unwrap();
    let mut path = String::new();
    let segs = rng.gen_range(0..7);
    for i in 0..segs {
        path.push('/');
        path.push_str(if i == 0 && rng.gen_bool(0.8) {
            "v1"
        } else {
            WORDS[rng.gen_range(0..WORDS.len())]
        });
    }
    if path.is_empty() {
        path.push('/');
    }
    let mut q = Vec::new();
    for _ in 0..rng.gen_range(0..4) {
        let k = PARAMS[rng.gen_range(0..PARAMS.len())];
        let v = VALUES[rng.gen_range(0..VALUES.len())];
        q.push(format!(
            "{k}={}",
            percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC)
        ));
    }
    if !q.is_empty() {
        path.push('?');
        path.push_str(&q.join("&"));
    }
    let tokens = [
        Some("user:1001"),
        Some("user:1002;scopes=chat.messages"),
        Some("app"),
        Some("app:9001"),
        Some("garbage"),
        None,
    ];
    let token = tokens[rng.gen_range(0..tokens.len())].map(String::from);
    let body = match rng.gen_range(0..4) {
        0 => None,
        1 => Some((0..rng.gen_range(0..64)).map(|_| rng.gen::<u8>()).collect()),
        2 => {
            let s = serde_json::to_string(&rand_json(rng, 0)).unwrap();
            let cut = rng.gen_range(0..=s.len());
            Some(s.as_bytes()[..cut].to_vec())
        }
        _ => Some(serde_json::to_vec(&rand_json(rng, 0)).unwrap()),
    };
    (method, path, token, body)
}

#[tokio::test]
async fn generated_requests_always_get_an_answer_and_errors_the_envelope() {
    let emu = demo().await;
    let http = reqwest::Client::new();
    let mut rng = StdRng::seed_from_u64(0x6c_6174);
    let mut codes = std::collections::BTreeMap::new();
    for _ in 0..2500 {
        let (method, path, token, body) = rand_request(&mut rng);
        let mut req = http.request(method.clone(), format!("{}{path}", emu.url()));
        if let Some(t) = &token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            // Mostly typed as JSON, so the garbage reaches the parsers; sometimes not.
            if rng.gen_range(0..8) > 0 {
                req = req.header("content-type", "application/json");
            }
            req = req.body(b);
        }
        let resp = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = resp.status().as_u16();
        *codes.entry(status).or_insert(0) += 1;
        let text = resp.text().await.unwrap();
        assert!(
            [200, 400, 401, 403, 404, 409].contains(&status),
            "{method} {path} -> {status} {text}"
        );
        if status != 200 && method != reqwest::Method::HEAD {
            let v: Value =
                serde_json::from_str(&text).unwrap_or_else(|_| panic!("{method} {path}: {text}"));
            assert_eq!(v["error"]["code"], status, "{method} {path}: {text}");
            assert!(v["error"]["status"].is_string());
        }
    }
    // Still healthy, and the answers covered more than one kind of failure.
    assert!(user(&emu, ALICE).get_space(&space(TEAM_RUST)).await.is_ok());
    assert!(codes.len() >= 4, "{codes:?}");
}

// ---------------------------------------------------------------- persistence

#[tokio::test]
async fn data_files_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let opts = saved_demo(&path);
    let emu = Emulator::start(opts.clone()).await.unwrap();
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Persistent").await;
    alice
        .create_member(
            &s,
            &gchat::api::Client::membership_for(&gchat::api::UserRef::Id(BOB.into())),
        )
        .await
        .unwrap();
    for i in 0..5 {
        alice
            .create_message(
                &s,
                &Message::text(format!("kept {i}")),
                &CreateMessage::default(),
            )
            .await
            .unwrap();
        // Every acknowledged change is already on disk.
        let on_disk = gchat::emulator::journal::load(&path).unwrap().unwrap();
        assert_eq!(on_disk.store.spaces[s.id()].messages.len(), i + 1);
    }
    let before = alice
        .list_all_messages(&s, &ListMessages::default())
        .await
        .unwrap();
    emu.stop().await;

    let emu = Emulator::start(Options {
        demo: false,
        ..opts
    })
    .await
    .unwrap();
    let alice = user(&emu, ALICE);
    let after = alice
        .list_all_messages(&s, &ListMessages::default())
        .await
        .unwrap();
    assert_eq!(before, after);
    assert_eq!(
        alice.get_space(&s).await.unwrap().display_name.as_deref(),
        Some("Persistent")
    );
    // Only the state file, its journal and its lock file: temporary files were renamed
    // into place.
    let mut names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            std::ffi::OsString::from("state.json"),
            std::ffi::OsString::from("state.json.journal"),
            std::ffi::OsString::from("state.json.lock")
        ]
    );
    emu.stop().await;
}

#[tokio::test]
async fn a_corrupt_data_file_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    std::fs::write(&path, b"{ not json").unwrap();
    let r = Emulator::start(saved_demo(&path)).await;
    let e = r.err().expect("refused");
    assert!(format!("{e:#}").contains("state.json"), "{e:#}");
    assert_eq!(std::fs::read(&path).unwrap(), b"{ not json");
}

// ---------------------------------------------------------------- the client

fn fault(method: &str, code: u16, count: u32) -> Fault {
    Fault {
        method: Some(method.into()),
        code,
        count,
        retry_after: None,
    }
}

#[tokio::test]
async fn reads_are_retried_through_server_errors() {
    let emu = demo().await;
    emu.service().inject(fault("chat.spaces.get", 503, 2));
    let s = user(&emu, ALICE)
        .get_space(&space(TEAM_RUST))
        .await
        .unwrap();
    assert_eq!(s.display_name.as_deref(), Some("Team Rust"));
    assert!(
        emu.service().pending_faults().is_empty(),
        "both failures were met"
    );
}

#[tokio::test]
async fn retries_stop_after_max_attempts() {
    let emu = demo().await;
    emu.service().inject(fault("chat.spaces.get", 500, 10));
    let e = user(&emu, ALICE)
        .get_space(&space(TEAM_RUST))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(500));
    assert_eq!(
        emu.service().pending_faults()[0].count,
        6,
        "four attempts were made"
    );
}

#[tokio::test]
async fn creates_without_an_id_are_not_repeated() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "No blind retries").await;
    emu.service()
        .inject(fault("chat.spaces.messages.create", 503, 1));
    let e = alice
        .create_message(&s, &Message::text("once"), &CreateMessage::default())
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(503));
    assert!(e.is_retryable(), "the caller may choose to retry");
    assert!(alice
        .list_all_messages(&s, &ListMessages::default())
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn creates_with_a_client_id_are_retried_and_land_once() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Safe retries").await;
    emu.service()
        .inject(fault("chat.spaces.messages.create", 503, 2));
    let p = CreateMessage {
        message_id: Some(ClientMessageId::parse("client-retry-me").unwrap()),
        ..Default::default()
    };
    let m = alice
        .create_message(&s, &Message::text("once"), &p)
        .await
        .unwrap();
    assert_eq!(
        m.client_assigned_message_id.as_deref(),
        Some("client-retry-me")
    );
    assert_eq!(
        alice
            .list_all_messages(&s, &ListMessages::default())
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn rate_limits_are_retried_and_long_retry_after_is_not_waited_for() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    emu.service().inject(Fault {
        method: Some("chat.spaces.list".into()),
        code: 429,
        count: 1,
        retry_after: Some(0),
    });
    assert!(alice.list_all_spaces(None).await.is_ok());
    emu.service().inject(Fault {
        method: Some("chat.spaces.list".into()),
        code: 429,
        count: 1,
        retry_after: Some(3600),
    });
    let e = alice.list_all_spaces(None).await.unwrap_err();
    assert_eq!(e.status(), Some("RESOURCE_EXHAUSTED"));
    assert_eq!(e.retry_after(), Some(Duration::from_secs(3600)));
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let emu = demo().await;
    emu.service().inject(fault("chat.spaces.get", 400, 3));
    let e = user(&emu, ALICE)
        .get_space(&space(TEAM_RUST))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(400));
    assert_eq!(emu.service().pending_faults()[0].count, 2);
}

#[tokio::test]
async fn connection_failures_and_timeouts_are_reported() {
    // Nothing listens on this port once the listener is dropped.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = ClientBuilder::new(std::sync::Arc::new(StaticToken::new("user:1001")))
        .endpoint(&format!("http://127.0.0.1:{port}"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let e = c.get_space(&space(TEAM_RUST)).await.unwrap_err();
    assert!(matches!(e, ApiError::Connect(_)), "{e:?}");
    assert!(e.is_retryable());

    // A server that accepts and never answers.
    let silent = Canned::serve(vec![("", Answer::Silent)]).await;
    let c = ClientBuilder::new(std::sync::Arc::new(StaticToken::new("user:1001")))
        .endpoint(&silent.url)
        .timeout(Duration::from_millis(300))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let e = c.get_space(&space(TEAM_RUST)).await.unwrap_err();
    assert!(matches!(e, ApiError::Timeout), "{e:?}");
    assert_eq!(silent.count(), 1, "the request came and was not answered");
}

// ---------------------------------------------------------------- the binary

#[test]
fn the_emulator_binary_prints_its_url_first_and_stops_on_sigterm() {
    let (mut child, url) = emulator_binary(&[], &std::env::temp_dir());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let spaces = rt.block_on(async {
        gchat::api::Client::with_static_token(&url, "user:1001")
            .unwrap()
            .list_all_spaces(None)
            .await
            .unwrap()
    });
    assert!(spaces
        .iter()
        .any(|s| s.display_name.as_deref() == Some("Team Rust")));
    // SIGTERM ends it cleanly.
    let pid = child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

#[tokio::test]
async fn an_answer_that_does_not_decode_is_not_asked_again() {
    // Complete JSON of the wrong shape: asking again gets the same body.
    let server = Canned::answering(r#"{"name": 5, "displayName": ["x"]}"#).await;
    let c = ClientBuilder::new(std::sync::Arc::new(StaticToken::new("user:1001")))
        .endpoint(&server.url)
        .retry(RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(2),
            max_retry_after: Duration::from_secs(1),
        })
        .build()
        .unwrap();
    let e = c.get_space(&space(TEAM_RUST)).await.unwrap_err();
    assert!(matches!(e, ApiError::Decode(_)), "{e:?}");
    assert!(!e.is_retryable());
    assert_eq!(server.count(), 1, "one request, no retries");
}
