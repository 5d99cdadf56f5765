//! Shared by the integration tests: an emulator on port 0 and clients for it.
#![allow(dead_code)]

use std::time::Duration;

use gchat::api::model::{Message, MessageReplyOption, Thread};
use gchat::api::{
    Client, ClientBuilder, CreateMessage, MessageName, RetryPolicy, SpaceName, StaticToken,
};
use gchat::emulator::{Config, Emulator, Options};

/// The demo workspace's people and apps.
pub const ALICE: &str = "1001";
pub const BOB: &str = "1002";
pub const WANG_FANG: &str = "1003";
pub const LI_LEI: &str = "1004";
pub const CAROL: &str = "1005"; // auto-accept off
pub const DMITRI: &str = "1006";
pub const PRIYA: &str = "1007";
pub const XIAOMING: &str = "1008"; // left Team Rust
pub const SAM: &str = "1009"; // external
pub const APP: &str = "9000";
pub const OTHER_APP: &str = "9001";

pub const TEAM_RUST: &str = "AAAATeamRst";
pub const ENG_DEPT: &str = "AAAAEngDept";
pub const ANNOUNCEMENTS: &str = "AAAAAnnounc";
pub const FIREHOSE: &str = "AAAAFirehos";
pub const GROUP_CHAT: &str = "AAAAGroupCh";
pub const DM_BOB: &str = "AAAADmBobLi";

/// An emulator serving the demo workspace.
pub async fn demo() -> Emulator {
    start(Config::default()).await
}

pub async fn start(config: Config) -> Emulator {
    Emulator::start(Options {
        port: 0,
        data: None,
        demo: true,
        config,
    })
    .await
    .expect("emulator starts")
}

/// How to start the demo workspace on a free port, saving to `path` (and its bytes to
/// `path.media`), so that a second start with the same options finds what the first kept.
pub fn saved_demo(path: &std::path::Path) -> Options {
    Options {
        port: 0,
        data: Some(path.to_path_buf()),
        demo: true,
        config: Config::default(),
    }
}

/// A client with quick retries, so tests of retrying stay short.
pub fn client(emu: &Emulator, token: &str) -> Client {
    ClientBuilder::new(std::sync::Arc::new(StaticToken::new(token)))
        .endpoint(&emu.url())
        .retry(RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(200),
            max_retry_after: Duration::from_secs(5),
        })
        .build()
        .expect("client")
}

pub fn user(emu: &Emulator, id: &str) -> Client {
    client(emu, &format!("user:{id}"))
}

pub fn app(emu: &Emulator) -> Client {
    client(emu, "app")
}

pub fn space(id: &str) -> SpaceName {
    SpaceName::parse(id).expect("space name")
}

/// A fresh named space made by `who` (a user client), so tests do not interfere.
pub async fn new_space(c: &Client, name: &str) -> SpaceName {
    let s = c
        .create_space(
            &gchat::api::model::Space {
                space_type: Some(gchat::api::model::SpaceType::Space),
                display_name: Some(name.to_string()),
                external_user_allowed: true,
                ..Default::default()
            },
            None,
        )
        .await
        .expect("create space");
    SpaceName::parse(s.name.as_deref().unwrap()).unwrap()
}

/// A raw HTTP request, for checking exact status codes and bodies.
pub async fn raw(
    emu: &Emulator,
    method: reqwest::Method,
    path_and_query: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (u16, serde_json::Value, String) {
    let mut req = reqwest::Client::new().request(method, format!("{}{path_and_query}", emu.url()));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req
            .header("content-type", "application/json")
            .body(b.to_string());
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let ctype = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let text = resp.text().await.unwrap_or_default();
    let json = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
    (status, json, ctype)
}

/// `GET path_and_query` with `token`: the HTTP code, the JSON body (or null) and the
/// content type.
pub async fn get(
    emu: &Emulator,
    path_and_query: &str,
    token: Option<&str>,
) -> (u16, serde_json::Value, String) {
    raw(emu, reqwest::Method::GET, path_and_query, token, None).await
}

/// Asserts Google's error envelope with this code and status.
pub fn assert_envelope(json: &serde_json::Value, code: u16, status: &str) {
    let e = &json["error"];
    assert_eq!(e["code"], code, "envelope: {json}");
    assert_eq!(e["status"], status, "envelope: {json}");
    assert!(
        e["message"].as_str().is_some_and(|m| !m.is_empty()),
        "envelope: {json}"
    );
}

/// The error's HTTP code and status.
pub fn code_of<T: std::fmt::Debug>(r: Result<T, gchat::api::ApiError>) -> (u16, String) {
    let e = r.expect_err("expected an error");
    (e.code().unwrap_or(0), e.status().unwrap_or("").to_string())
}
pub mod canned;
pub mod fixture;
pub mod idle;
pub mod pty;
pub mod steps;

/// The name of a message the server returned.
pub fn msg_name(m: &Message) -> MessageName {
    MessageName::parse(m.name.as_deref().unwrap()).unwrap()
}

/// Posts `text` as a new thread.
/// A `spaces.setup` request for a space of `kind` with `with` (the caller aside).
pub fn setup_with(
    kind: gchat::api::model::SpaceType,
    with: &[gchat::api::UserRef],
) -> gchat::api::model::SetUpSpaceRequest {
    gchat::api::model::SetUpSpaceRequest {
        space: Some(gchat::api::model::Space {
            space_type: Some(kind),
            ..Default::default()
        }),
        memberships: with.iter().map(Client::membership_for).collect(),
        request_id: None,
    }
}

/// A `spaces.setup` request for a direct message with `with`.
pub fn dm_with(with: gchat::api::UserRef) -> gchat::api::model::SetUpSpaceRequest {
    setup_with(gchat::api::model::SpaceType::DirectMessage, &[with])
}

/// A `spaces.setup` request for a group chat with `with` (ids of people).
pub fn group_with(with: &[&str]) -> gchat::api::model::SetUpSpaceRequest {
    let with: Vec<gchat::api::UserRef> = with
        .iter()
        .map(|id| gchat::api::UserRef::Id(id.to_string()))
        .collect();
    setup_with(gchat::api::model::SpaceType::GroupChat, &with)
}

pub async fn post(c: &Client, s: &SpaceName, text: &str) -> Message {
    c.create_message(s, &Message::text(text), &CreateMessage::default())
        .await
        .unwrap()
}

/// Replies in `thread` (falling back to a new thread, as gchat does).
pub async fn reply_to(c: &Client, s: &SpaceName, thread: &str, text: &str) -> Message {
    let body = Message {
        text: Some(text.into()),
        thread: Some(Thread {
            name: Some(thread.into()),
            thread_key: None,
        }),
        ..Default::default()
    };
    let p = CreateMessage {
        reply_option: Some(MessageReplyOption::FallbackToNewThread),
        ..Default::default()
    };
    c.create_message(s, &body, &p).await.unwrap()
}

/// Mints a credential file (`oauth-clients` or `service-accounts`) from the emulator's
/// console, into a directory of its own.
pub async fn mint(emu: &Emulator, what: &str) -> std::path::PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    let body = reqwest::Client::new()
        .post(format!("{}/emulator/{what}", emu.url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let path = dir.join(format!("{what}.json"));
    std::fs::write(&path, body).unwrap();
    path
}

/// Plays the browser in a sign-in: visits the consent page and follows its redirect to
/// the loopback address, where gchat is waiting for the code.
pub fn browser() -> gchat::auth::Presenter {
    std::sync::Arc::new(|url: String| {
        Box::pin(async move {
            let resp = reqwest::get(&url).await.map_err(|e| e.to_string())?;
            if resp.status().is_success() {
                Ok(())
            } else {
                Err(format!("consent page answered {}", resp.status()))
            }
        })
    })
}

/// The real binary: `gchat emulator --port 0 --demo` and `extra`, logging to `log_dir`.
/// Gives the child and the URL it prints as its first line.
pub fn emulator_binary(
    extra: &[&std::ffi::OsStr],
    log_dir: &std::path::Path,
) -> (std::process::Child, String) {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_gchat"))
        .args(["emulator", "--port", "0", "--demo"])
        .args(extra)
        .env("GCHAT_LOG_DIR", log_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the gchat binary starts");
    let mut first = String::new();
    if let Some(out) = child.stdout.take() {
        std::io::BufReader::new(out)
            .read_line(&mut first)
            .expect("the emulator prints its URL");
    }
    let url = first.trim().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url:?}");
    (child, url)
}
