//! The emulator is safe to leave running on a laptop: web pages cannot reach it (by DNS
//! rebinding, by cross-origin requests, or by forms posting to it), oversized requests are
//! answered at once with Google's error envelope, and development tokens name each person
//! one way only. Requests are written by hand on a TCP socket so every header is exactly
//! what a browser or an attacker would send.

mod common;

use std::time::Duration;

use common::*;
use gchat::emulator::Emulator;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Generous: the machine running the tests may be very busy.
const DEADLINE: Duration = Duration::from_secs(60);

#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Reads one HTTP/1.1 response (head, then a `Content-Length` body) from `stream`.
async fn read_answer(stream: &mut TcpStream) -> Answer {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).await.expect("read the answer");
        assert!(
            n > 0,
            "the connection closed before an answer: {:?}",
            String::from_utf8_lossy(&buf)
        );
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {status_line:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).await.expect("read the body");
        assert!(n > 0, "the connection closed inside the body");
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(len);
    Answer {
        status,
        headers,
        body,
    }
}

/// Sends `head` (without the blank line, which is added) and `body`, and reads the answer.
async fn send(emu: &Emulator, head: &str, body: &[u8]) -> Answer {
    tokio::time::timeout(DEADLINE, async {
        let mut s = TcpStream::connect(emu.addr()).await.expect("connect");
        let mut bytes = format!("{head}\r\nConnection: close\r\n\r\n").into_bytes();
        bytes.extend_from_slice(body);
        // The server may answer and close before reading all of an oversized request;
        // what matters is the answer, so a failed write is not the end.
        let _ = s.write_all(&bytes).await;
        read_answer(&mut s).await
    })
    .await
    .unwrap_or_else(|_| panic!("no answer within {DEADLINE:?} to {head:?}"))
}

fn host(emu: &Emulator) -> String {
    format!("127.0.0.1:{}", emu.addr().port())
}

/// The messages of `id` as the emulator lists them to Alice.
async fn message_count(emu: &Emulator, id: &str) -> usize {
    user(emu, ALICE)
        .list_all_messages(&space(id), &gchat::api::ListMessages::default())
        .await
        .expect("list messages")
        .len()
}

fn client_count(emu: &Emulator) -> usize {
    emu.service().with_store(|s| s.oauth.clients.len())
}

const POST_MESSAGE: &str = "POST /v1/spaces/AAAATeamRst/messages HTTP/1.1";
const MESSAGE: &[u8] = br#"{"text":"from a web page"}"#;

fn post_message_head(host: &str, extra: &str) -> String {
    format!(
        "{POST_MESSAGE}\r\nHost: {host}\r\nAuthorization: Bearer user:1001\r\nContent-Length: {}{extra}",
        MESSAGE.len()
    )
}

fn assert_refused(a: &Answer, code: u16, status: &str, what: &str) {
    assert_eq!(a.status, code, "{what}: {}", a.text());
    let v = a.json();
    assert_eq!(v["error"]["code"], code, "{what}: {v}");
    assert_eq!(v["error"]["status"], status, "{what}: {v}");
    assert!(
        a.header("content-type")
            .is_some_and(|t| t.starts_with("application/json")),
        "{what}: {:?}",
        a.headers
    );
}

// ---------------------------------------------------------------- DNS rebinding

#[tokio::test]
async fn requests_not_addressed_to_a_loopback_name_are_refused_on_every_route() {
    let emu = demo().await;
    let port = emu.addr().port();
    let before = (message_count(&emu, TEAM_RUST).await, client_count(&emu));
    let foreign = [
        "evil.example.com".to_string(),
        format!("evil.example.com:{port}"),
        format!("127.0.0.1.evil.com:{port}"),
        format!("localhost.evil.com:{port}"),
        format!("localhost.:{port}"),
        format!("127.0.0.2:{port}"),
        format!("[::ffff:127.0.0.1]:{port}"),
        format!("user@127.0.0.1:{port}"),
        format!("127.0.0.1:{port}:{port}"),
        format!("127.0.0.1:x{port}"),
        String::new(),
    ];
    for h in &foreign {
        let what = format!("Host {h:?}");
        let a = send(
            &emu,
            &post_message_head(h, "\r\nContent-Type: application/json"),
            MESSAGE,
        )
        .await;
        assert_refused(&a, 403, "PERMISSION_DENIED", &what);
        for head in [
            format!("GET /v1/spaces HTTP/1.1\r\nHost: {h}\r\nAuthorization: Bearer user:1001"),
            format!("GET /emulator/health HTTP/1.1\r\nHost: {h}"),
            format!("POST /emulator/oauth-clients HTTP/1.1\r\nHost: {h}\r\nContent-Length: 0"),
            format!("GET /o/oauth2/auth?client_id=x HTTP/1.1\r\nHost: {h}"),
            format!("POST /token HTTP/1.1\r\nHost: {h}\r\nContent-Length: 0"),
        ] {
            let a = send(&emu, &head, b"").await;
            assert_refused(&a, 403, "PERMISSION_DENIED", &format!("{what}: {head}"));
        }
    }
    // No Host at all (HTTP/1.0 allows leaving it out).
    let a = send(&emu, "GET /emulator/health HTTP/1.0", b"").await;
    assert_refused(&a, 403, "PERMISSION_DENIED", "no Host");
    assert_eq!(
        (message_count(&emu, TEAM_RUST).await, client_count(&emu)),
        before,
        "nothing refused changed anything"
    );
    for h in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        format!("[::1]:{port}"),
        "127.0.0.1".to_string(),
        "localhost".to_string(),
    ] {
        let a = send(
            &emu,
            &format!("GET /emulator/health HTTP/1.1\r\nHost: {h}"),
            b"",
        )
        .await;
        assert_eq!(a.status, 200, "Host {h:?}: {}", a.text());
    }
    let a = send(
        &emu,
        &post_message_head(&host(&emu), "\r\nContent-Type: application/json"),
        MESSAGE,
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(message_count(&emu, TEAM_RUST).await, before.0 + 1);
}

// ---------------------------------------------------------------- browsers

#[tokio::test]
async fn requests_from_web_pages_are_refused() {
    let emu = demo().await;
    let port = emu.addr().port();
    let before = message_count(&emu, TEAM_RUST).await;
    let h = host(&emu);
    for origin in [
        "https://evil.example.com".to_string(),
        "null".to_string(),
        format!("http://127.0.0.1.evil.com:{port}"),
        format!("http://evil.example.com:{port}"),
        format!("https://127.0.0.1:{port}"),
        format!("http://127.0.0.1:{}", port.wrapping_add(1).max(1)),
        format!("http://user@127.0.0.1:{port}"),
        "garbage".to_string(),
    ] {
        let what = format!("Origin {origin:?}");
        let a = send(
            &emu,
            &post_message_head(
                &h,
                &format!("\r\nContent-Type: application/json\r\nOrigin: {origin}"),
            ),
            MESSAGE,
        )
        .await;
        assert_refused(&a, 403, "PERMISSION_DENIED", &what);
        for head in [
            format!("GET /v1/spaces HTTP/1.1\r\nHost: {h}\r\nAuthorization: Bearer user:1001\r\nOrigin: {origin}"),
            format!("POST /emulator/oauth-clients HTTP/1.1\r\nHost: {h}\r\nContent-Length: 0\r\nOrigin: {origin}"),
            format!("POST /token HTTP/1.1\r\nHost: {h}\r\nContent-Length: 0\r\nOrigin: {origin}"),
        ] {
            let a = send(&emu, &head, b"").await;
            assert_refused(&a, 403, "PERMISSION_DENIED", &format!("{what}: {head}"));
        }
    }
    // A page of another site that cannot send an Origin (an image, a script) is still
    // known by the fetch metadata browsers add.
    for site in ["cross-site", "same-site"] {
        let a = send(
            &emu,
            &format!("GET /v1/spaces HTTP/1.1\r\nHost: {h}\r\nAuthorization: Bearer user:1001\r\nSec-Fetch-Site: {site}"),
            b"",
        )
        .await;
        assert_refused(&a, 403, "PERMISSION_DENIED", site);
    }
    assert_eq!(
        message_count(&emu, TEAM_RUST).await,
        before,
        "no page posted"
    );
    // The emulator's own pages, and tools that send no Origin, are served.
    for origin in [
        format!("http://127.0.0.1:{port}"),
        format!("http://localhost:{port}"),
    ] {
        let a = send(
            &emu,
            &post_message_head(&h, &format!("\r\nContent-Type: application/json\r\nOrigin: {origin}\r\nSec-Fetch-Site: same-origin")),
            MESSAGE,
        )
        .await;
        assert_eq!(a.status, 200, "Origin {origin}: {}", a.text());
    }
    assert_eq!(message_count(&emu, TEAM_RUST).await, before + 2);
}

#[tokio::test]
async fn the_consent_screen_still_opens_in_a_browser() {
    let emu = demo().await;
    let secrets: Value =
        serde_json::from_str(&std::fs::read_to_string(mint(&emu, "oauth-clients").await).unwrap())
            .unwrap();
    let id = secrets["installed"]["client_id"].as_str().unwrap();
    let h = host(&emu);
    let path = format!(
        "/o/oauth2/auth?client_id={id}&redirect_uri=http://127.0.0.1:9/cb&response_type=code&scope=openid"
    );
    // Opened from a terminal (no Origin; the browser says no site led there), and
    // submitted from the emulator's own page.
    for extra in [
        String::new(),
        "\r\nSec-Fetch-Site: none\r\nSec-Fetch-Mode: navigate".to_string(),
        format!("\r\nOrigin: http://{h}\r\nSec-Fetch-Site: same-origin"),
    ] {
        let a = send(
            &emu,
            &format!("GET {path} HTTP/1.1\r\nHost: {h}{extra}"),
            b"",
        )
        .await;
        assert_eq!(a.status, 302, "{extra:?}: {}", a.text());
        assert!(
            a.header("location")
                .is_some_and(|l| l.starts_with("http://127.0.0.1:9/cb?code=")),
            "{:?}",
            a.headers
        );
    }
}

#[tokio::test]
async fn json_methods_take_json_bodies_only() {
    let emu = demo().await;
    let h = host(&emu);
    let before = message_count(&emu, TEAM_RUST).await;
    // What an HTML form (or fetch without a preflight) can send, and no type at all.
    for ctype in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("application/jsonp"),
        Some("text/json"),
        None,
    ] {
        let extra = ctype.map_or(String::new(), |t| format!("\r\nContent-Type: {t}"));
        let a = send(&emu, &post_message_head(&h, &extra), MESSAGE).await;
        assert_refused(&a, 400, "INVALID_ARGUMENT", &format!("{ctype:?}"));
    }
    assert_eq!(message_count(&emu, TEAM_RUST).await, before);
    for ctype in [
        "application/json",
        "application/json; charset=UTF-8",
        "Application/JSON",
    ] {
        let a = send(
            &emu,
            &post_message_head(&h, &format!("\r\nContent-Type: {ctype}")),
            MESSAGE,
        )
        .await;
        assert_eq!(a.status, 200, "{ctype}: {}", a.text());
    }
    assert_eq!(message_count(&emu, TEAM_RUST).await, before + 3);

    // The controls under /emulator/ too: still usable with curl and a JSON type.
    let fault = br#"{"code":503}"#;
    let head = |t: &str| {
        format!(
            "POST /emulator/faults HTTP/1.1\r\nHost: {h}\r\nContent-Length: {}\r\nContent-Type: {t}",
            fault.len()
        )
    };
    let a = send(&emu, &head("application/x-www-form-urlencoded"), fault).await;
    assert_refused(&a, 400, "INVALID_ARGUMENT", "a form to /emulator/faults");
    assert!(emu.service().pending_faults().is_empty());
    let a = send(&emu, &head("application/json"), fault).await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(emu.service().pending_faults().len(), 1);

    // Requests without a body need no type.
    let a = send(
        &emu,
        &format!("DELETE /emulator/faults HTTP/1.1\r\nHost: {h}"),
        b"",
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text());
    let a = send(
        &emu,
        &format!("GET /v1/spaces HTTP/1.1\r\nHost: {h}\r\nAuthorization: Bearer user:1001"),
        b"",
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text());
}

// ---------------------------------------------------------------- sizes

#[tokio::test]
async fn over_long_urls_and_heads_answer_the_envelope() {
    let emu = demo().await;
    let h = host(&emu);
    let long = "a".repeat(70_000);
    let a = send(
        &emu,
        &format!(
            "GET /v1/spaces?filter={long} HTTP/1.1\r\nHost: {h}\r\nAuthorization: Bearer user:1001"
        ),
        b"",
    )
    .await;
    assert_refused(&a, 414, "INVALID_ARGUMENT", "a 70,000-byte URL");
    assert!(
        a.json()["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("URL")),
        "{}",
        a.text()
    );
    let huge = "b".repeat(600_000);
    let a = send(
        &emu,
        &format!("GET /v1/spaces HTTP/1.1\r\nHost: {h}\r\nX-Padding: {huge}"),
        b"",
    )
    .await;
    assert_refused(&a, 431, "INVALID_ARGUMENT", "a 600,000-byte head");
    let a = send(
        &emu,
        "GET /v1/spaces HTTP/1.1\r\nHost: x\r\nBroken header line",
        b"",
    )
    .await;
    assert_refused(&a, 400, "INVALID_ARGUMENT", "a malformed head");
    // Still serving.
    assert!(user(&emu, ALICE).get_space(&space(TEAM_RUST)).await.is_ok());
}

#[tokio::test]
async fn a_huge_content_length_is_refused_before_the_body_arrives() {
    let emu = demo().await;
    let h = host(&emu);
    for expect in ["", "\r\nExpect: 100-continue"] {
        // The body is never sent: the answer must come without waiting for it.
        let a = tokio::time::timeout(DEADLINE, async {
            let mut s = TcpStream::connect(emu.addr()).await.unwrap();
            let head = format!(
                "{POST_MESSAGE}\r\nHost: {h}\r\nAuthorization: Bearer user:1001\r\nContent-Type: application/json\r\nContent-Length: 100000000000{expect}\r\n\r\n{{\"text\":"
            );
            s.write_all(head.as_bytes()).await.unwrap();
            read_answer(&mut s).await
        })
        .await
        .unwrap_or_else(|_| panic!("no answer before the body ({expect:?})"));
        assert_refused(&a, 400, "INVALID_ARGUMENT", "100 GB");
        assert!(
            a.json()["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("payload size exceeds the limit")),
            "{}",
            a.text()
        );
    }
    // A Content-Length that is not a number is refused by the HTTP layer, in an envelope.
    let a = send(
        &emu,
        &format!("{POST_MESSAGE}\r\nHost: {h}\r\nContent-Length: lots"),
        b"",
    )
    .await;
    assert_refused(&a, 400, "INVALID_ARGUMENT", "Content-Length: lots");
}

// ---------------------------------------------------------------- development tokens

#[tokio::test]
async fn development_tokens_name_canonical_ids_only() {
    let emu = demo().await;
    for token in ["user:0001001", "user:01001", "app:09000", "user:+1001"] {
        let (code, json, _) = get(&emu, "/v1/spaces", Some(token)).await;
        assert_eq!(code, 401, "{token}: {json}");
        assert_envelope(&json, 401, "UNAUTHENTICATED");
    }
    let (code, json, _) = get(&emu, "/v1/spaces", Some("user:1001")).await;
    assert_eq!(code, 200, "{json}");
}

// ---------------------------------------------------------------- paths and targets

#[tokio::test]
async fn the_json_rule_reads_the_path_as_the_router_does() {
    let emu = demo().await;
    let h = host(&emu);
    let before = message_count(&emu, TEAM_RUST).await;
    // Extra leading slashes and a percent-encoded `v` both reach the API methods.
    let paths = [
        "//v1/spaces/AAAATeamRst/messages",
        "/%761/spaces/AAAATeamRst/messages",
        "///%76%31/spaces/AAAATeamRst/messages",
    ];
    for (sent, path) in paths.into_iter().enumerate() {
        let head = |t: &str| {
            format!(
                "POST {path} HTTP/1.1\r\nHost: {h}\r\nAuthorization: Bearer user:1001\r\nContent-Length: {}\r\nContent-Type: {t}",
                MESSAGE.len()
            )
        };
        let a = send(&emu, &head("text/plain"), MESSAGE).await;
        assert_refused(&a, 400, "INVALID_ARGUMENT", path);
        assert_eq!(
            message_count(&emu, TEAM_RUST).await,
            before + sent,
            "{path}"
        );
        // The same path with a JSON type is served: the refusal was the JSON rule's.
        let a = send(&emu, &head("application/json"), MESSAGE).await;
        assert_eq!(a.status, 200, "{path}: {}", a.text());
    }
    assert_eq!(message_count(&emu, TEAM_RUST).await, before + paths.len());
}

#[tokio::test]
async fn absolute_form_targets_must_name_a_loopback_host() {
    let emu = demo().await;
    let h = host(&emu);
    let before = message_count(&emu, TEAM_RUST).await;
    let head = |target: &str| {
        format!(
            "POST {target} HTTP/1.1\r\nHost: {h}\r\nAuthorization: Bearer user:1001\r\nContent-Length: {}\r\nContent-Type: application/json",
            MESSAGE.len()
        )
    };
    for target in [
        "http://evil.com/v1/spaces/AAAATeamRst/messages".to_string(),
        format!(
            "http://evil.com:{}/v1/spaces/AAAATeamRst/messages",
            emu.addr().port()
        ),
        "http://127.0.0.1.evil.com/v1/spaces/AAAATeamRst/messages".to_string(),
        "http://user@evil.com/v1/spaces/AAAATeamRst/messages".to_string(),
        format!("https://{h}/v1/spaces/AAAATeamRst/messages"),
    ] {
        let a = send(&emu, &head(&target), MESSAGE).await;
        assert_refused(&a, 403, "PERMISSION_DENIED", &target);
    }
    let a = send(
        &emu,
        &format!("GET http://evil.com/v1/spaces HTTP/1.1\r\nHost: {h}\r\nAuthorization: Bearer user:1001"),
        b"",
    )
    .await;
    assert_refused(&a, 403, "PERMISSION_DENIED", "a GET for evil.com");
    assert_eq!(message_count(&emu, TEAM_RUST).await, before);
    // An absolute form that names the emulator itself is still served.
    let a = send(
        &emu,
        &head(&format!("http://{h}/v1/spaces/AAAATeamRst/messages")),
        MESSAGE,
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(message_count(&emu, TEAM_RUST).await, before + 1);
}

// ---------------------------------------------------------------- slow heads

/// Reads until the server closes the connection; false if it is still open at the deadline.
async fn closed_by_server(s: &mut TcpStream) -> bool {
    tokio::time::timeout(DEADLINE, async {
        let mut chunk = [0u8; 1024];
        loop {
            match s.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}

#[tokio::test]
async fn a_connection_that_never_finishes_its_request_head_is_closed() {
    let emu = start(gchat::emulator::Config {
        header_read_timeout: Duration::from_millis(500),
        ..Default::default()
    })
    .await;
    let h = host(&emu);
    let mut slow = Vec::new();
    for i in 0..20 {
        let mut s = TcpStream::connect(emu.addr()).await.expect("connect");
        let partial = match i % 3 {
            0 => "GET /v1/spa".to_string(),
            1 => format!("GET /v1/spaces HTTP/1.1\r\nHost: {h}\r\n"),
            _ => String::new(),
        };
        s.write_all(partial.as_bytes()).await.expect("write");
        slow.push(s);
    }
    for (i, s) in slow.iter_mut().enumerate() {
        assert!(closed_by_server(s).await, "connection {i} still open");
    }
    // A complete request is still answered.
    let a = send(
        &emu,
        &format!("GET /v1/spaces HTTP/1.1\r\nHost: {h}\r\nAuthorization: Bearer user:1001"),
        b"",
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text());
}
