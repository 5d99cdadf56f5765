//! Findings of an adversarial review of the emulator's routes, the client's upload and
//! download, and the CLI: each test is the attack, and what must hold after it.

mod common;

use common::*;
use gchat::api::model::*;
use gchat::api::sync_model::EventType;
use gchat::api::CreateMessage;

#[tokio::test]
async fn a_long_markdown_text_is_refused_before_it_is_read() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    // Brackets without links once held the server for seconds per request.
    let m = Message {
        text: Some("[".repeat(200_000)),
        markup_syntax: Some(MarkupSyntax::Markdown),
        ..Default::default()
    };
    let r = alice
        .create_message(&space(TEAM_RUST), &m, &CreateMessage::default())
        .await;
    assert_eq!(code_of(r).0, 400);
    // Text at the limit is read, and its links become Chat links.
    let text = format!("[a](u) {}", "[".repeat(4096 - 7));
    let m = Message {
        text: Some(text),
        markup_syntax: Some(MarkupSyntax::Markdown),
        ..Default::default()
    };
    let sent = alice
        .create_message(&space(TEAM_RUST), &m, &CreateMessage::default())
        .await
        .unwrap();
    assert!(sent.text.as_deref().unwrap().starts_with("<u|a> [[["));
}

async fn private_to_bob(emu: &gchat::emulator::Emulator) -> Message {
    let mut m = Message::text("the secret is 42");
    m.private_message_viewer = Some(Box::new(User {
        name: Some(format!("users/{BOB}")),
        ..Default::default()
    }));
    app(emu)
        .create_message(&space(TEAM_RUST), &m, &CreateMessage::default())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_private_message_cannot_be_quoted_to_the_space() {
    let emu = demo().await;
    let secret = private_to_bob(&emu).await;
    let bob = user(&emu, BOB);
    let mut leak = Message::text("look");
    leak.set_quoted(&gchat::api::quote_of(&secret).unwrap());
    let r = bob
        .create_message(&space(TEAM_RUST), &leak, &CreateMessage::default())
        .await;
    assert_eq!(code_of(r).0, 400);
    // Nothing the others can read quotes it.
    let alice = user(&emu, ALICE);
    let all = alice
        .list_messages(&space(TEAM_RUST), &Default::default())
        .await
        .unwrap();
    assert!(all
        .messages
        .into_iter()
        .map(gchat::api::Listed::into_message)
        .all(|m| m.quoted().is_none() || m.quoted().and_then(|q| q.name) != secret.name));
}

#[tokio::test]
async fn reactions_on_a_private_message_are_not_in_the_others_events() {
    let emu = demo().await;
    let secret = private_to_bob(&emu).await;
    let bob = user(&emu, BOB);
    bob.create_reaction(&msg_name(&secret), &Emoji::unicode("🤫"))
        .await
        .unwrap();
    let f = gchat::api::sync_client::events_filter(&[EventType::ReactionCreated], None);
    let mentions_secret = |c: gchat::api::Client| {
        let f = f.clone();
        let id = secret.name.clone().unwrap();
        async move {
            c.list_all_space_events(&space(TEAM_RUST), &f)
                .await
                .unwrap()
                .iter()
                .filter(|e| serde_json::to_string(e).unwrap().contains(&id))
                .count()
        }
    };
    assert_eq!(mentions_secret(user(&emu, BOB)).await, 1);
    assert_eq!(mentions_secret(user(&emu, ALICE)).await, 0);
}

/// A server that lies about uploads and downloads: `mode` picks the lie. Returns its
/// URL and the count of upload chunks it was sent.
async fn liar(mode: &'static str) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use axum::body::Body;
    use axum::response::Response;
    use std::sync::atomic::Ordering;
    let puts = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (count, base) = (puts.clone(), url.clone());
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let (count, base) = (count.clone(), base.clone());
        async move {
            let method = req.method().clone();
            let _ = axum::body::to_bytes(req.into_body(), usize::MAX).await;
            let b = Response::builder();
            match (method.as_str(), mode) {
                ("POST", _) => b
                    .status(200)
                    .header("location", format!("{base}/session"))
                    .body(Body::empty()),
                ("PUT", "noprogress") => {
                    count.fetch_add(1, Ordering::SeqCst);
                    b.status(308).body(Body::empty())
                }
                ("PUT", _) => {
                    count.fetch_add(1, Ordering::SeqCst);
                    b.status(308)
                        .header("range", "bytes=0-999999")
                        .body(Body::empty())
                }
                // Endless bytes, with no length announced.
                (_, "endless") => {
                    let chunk = axum::body::Bytes::from(vec![b'x'; 64 * 1024]);
                    let s = futures::stream::repeat_with(move || {
                        Ok::<_, std::io::Error>(chunk.clone())
                    });
                    b.status(200).body(Body::from_stream(s))
                }
                _ => b.status(404).body(Body::empty()),
            }
            .unwrap()
        }
    });
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, puts)
}

fn liar_client(url: &str) -> gchat::api::Client {
    gchat::api::ClientBuilder::new(std::sync::Arc::new(gchat::api::StaticToken::new(
        "user:1001",
    )))
    .endpoint(url)
    .build()
    .unwrap()
}

#[tokio::test]
async fn an_upload_gives_up_on_a_server_that_never_takes_the_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ten.txt");
    std::fs::write(&path, b"0123456789").unwrap();
    let (url, puts) = liar("noprogress").await;
    let r = liar_client(&url)
        .upload_attachment(&space(TEAM_RUST), &path, None, &mut |_, _| {})
        .await;
    let e = r.unwrap_err().to_string();
    assert!(e.contains("127.0.0.1") && e.contains("giving up"), "{e}");
    assert!(puts.load(std::sync::atomic::Ordering::SeqCst) <= 10);
    // A server that claims bytes it was never sent is blamed, not the file.
    let (url, _) = liar("ahead").await;
    let r = liar_client(&url)
        .upload_attachment(&space(TEAM_RUST), &path, None, &mut |_, _| {})
        .await;
    let e = r.unwrap_err().to_string();
    assert!(e.contains("127.0.0.1") && !e.contains("shrank"), "{e}");
}

#[tokio::test]
async fn a_download_that_never_ends_is_stopped_and_leaves_nothing() {
    let (url, _) = liar("endless").await;
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("big.bin");
    let media = gchat::api::MediaName::parse("spaces/AAAATeamRst/attachments/x").unwrap();
    let r = liar_client(&url)
        .download_attachment_at_most(&media, &dest, 1 << 20, &mut |_, _| {})
        .await;
    assert!(r.is_err());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// Uploads `data` as `name` for Alice and returns the media name.
async fn upload_as_alice(emu: &gchat::emulator::Emulator, name: &str, data: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, data).unwrap();
    let d = user(emu, ALICE)
        .upload_attachment(&space(TEAM_RUST), &path, None, &mut |_, _| {})
        .await
        .unwrap();
    d.resource_name.unwrap()
}

async fn get_media(
    emu: &gchat::emulator::Emulator,
    id: &str,
    range: Option<&str>,
) -> reqwest::Response {
    let mut req = reqwest::Client::new()
        .get(format!("{}/v1/media/{id}?alt=media", emu.url()))
        .bearer_auth("user:1001");
    if let Some(r) = range {
        req = req.header("range", r);
    }
    req.send().await.unwrap()
}

fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn uploaded_html_is_served_as_a_sandboxed_download() {
    let emu = demo().await;
    let id = upload_as_alice(&emu, "page é.html", b"<script>alert(1)</script>").await;
    let r = get_media(&emu, &id, None).await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(
        header(&r, "content-disposition"),
        "attachment; filename*=UTF-8''page%20%C3%A9.html"
    );
    assert_eq!(header(&r, "x-content-type-options"), "nosniff");
    assert!(header(&r, "content-security-policy").starts_with("sandbox"));
}

#[tokio::test]
async fn byte_ranges_follow_the_rfc() {
    let emu = demo().await;
    let data: Vec<u8> = (0..100u8).collect();
    let id = upload_as_alice(&emu, "hundred.bin", &data).await;
    // The last 10 bytes.
    let r = get_media(&emu, &id, Some("bytes=-10")).await;
    assert_eq!(r.status().as_u16(), 206);
    assert_eq!(header(&r, "content-range"), "bytes 90-99/100");
    assert_eq!(r.bytes().await.unwrap()[..], data[90..]);
    // More than there is: all of it, as a range.
    let r = get_media(&emu, &id, Some("bytes=-500")).await;
    assert_eq!(r.status().as_u16(), 206);
    assert_eq!(r.bytes().await.unwrap()[..], data[..]);
    // Starting at the end: nothing to give.
    let r = get_media(&emu, &id, Some("bytes=100-")).await;
    assert_eq!(r.status().as_u16(), 416);
    assert_eq!(header(&r, "content-range"), "bytes */100");
    // An end past the file is cut to it.
    let r = get_media(&emu, &id, Some("bytes=95-1000")).await;
    assert_eq!(r.status().as_u16(), 206);
    assert_eq!(header(&r, "content-range"), "bytes 95-99/100");
    // Garbage is ignored: the whole file.
    let r = get_media(&emu, &id, Some("bytes=x-y")).await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.bytes().await.unwrap().len(), 100);
}

#[tokio::test]
async fn a_resumable_session_is_where_the_emulator_listens_whatever_the_host_says() {
    let emu = demo().await;
    let resp = reqwest::Client::new()
        .post(format!(
            "{}/upload/v1/spaces/{TEAM_RUST}/attachments:upload?uploadType=resumable",
            emu.url()
        ))
        .bearer_auth("user:1001")
        .header("host", "127.0.0.1")
        .header("content-type", "application/json")
        .body(r#"{"filename":"a.txt"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let loc = header(&resp, "location");
    assert!(
        loc.starts_with(&format!("{}/upload/", emu.url())),
        "{loc} is not on {}",
        emu.url()
    );
}

#[tokio::test]
async fn blocked_extensions_cannot_hide_behind_trailing_dots_or_spaces() {
    let emu = demo().await;
    let dir = tempfile::tempdir().unwrap();
    for name in ["evil.exe.", "evil.exe ", "evil.EXE. ."] {
        let path = dir.path().join(name);
        std::fs::write(&path, b"MZ").unwrap();
        let r = user(&emu, ALICE)
            .upload_attachment(&space(TEAM_RUST), &path, None, &mut |_, _| {})
            .await;
        assert_eq!(code_of(r).0, 400, "{name:?} was accepted");
    }
}

#[tokio::test]
async fn a_deleted_message_takes_its_attachment_bytes_with_it() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gone.txt");
    std::fs::write(&path, b"regret").unwrap();
    let data = alice
        .upload_attachment(&space(TEAM_RUST), &path, None, &mut |_, _| {})
        .await
        .unwrap();
    let id = data.resource_name.clone().unwrap();
    // Before it is attached, the uploader can fetch it back.
    assert_eq!(get_media(&emu, &id, None).await.status().as_u16(), 200);
    let mut m = Message::text("oops");
    m.add_attachment(&data);
    let sent = alice
        .create_message(&space(TEAM_RUST), &m, &CreateMessage::default())
        .await
        .unwrap();
    assert_eq!(get_media(&emu, &id, None).await.status().as_u16(), 200);
    alice.delete_message(&msg_name(&sent), false).await.unwrap();
    assert_eq!(get_media(&emu, &id, None).await.status().as_u16(), 404);
}

#[tokio::test]
async fn text_after_a_multipart_boundary_is_refused() {
    let emu = demo().await;
    let b = "XyZ";
    let body = format!(
        "--{b}garbage\r\nContent-Type: application/json\r\n\r\n{{\"filename\":\"m.txt\"}}\r\n--{b}\r\nContent-Type: text/plain\r\n\r\nhi\r\n--{b}--\r\n"
    );
    let resp = reqwest::Client::new()
        .post(format!(
            "{}/upload/v1/spaces/{TEAM_RUST}/attachments:upload?uploadType=multipart",
            emu.url()
        ))
        .bearer_auth("user:1001")
        .header("content-type", format!("multipart/related; boundary={b}"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
}

/// Uploads `data` named `filename` (any name the server takes, even one no local file
/// could have) for Alice, and returns what attaches it.
async fn upload_named(
    emu: &gchat::emulator::Emulator,
    filename: &str,
    data: &str,
) -> AttachmentDataRef {
    let b = "b0undary";
    let meta = serde_json::json!({ "filename": filename });
    let body = format!(
        "--{b}\r\nContent-Type: application/json\r\n\r\n{meta}\r\n--{b}\r\nContent-Type: text/plain\r\n\r\n{data}\r\n--{b}--\r\n"
    );
    let resp = reqwest::Client::new()
        .post(format!(
            "{}/upload/v1/spaces/{TEAM_RUST}/attachments:upload?uploadType=multipart",
            emu.url()
        ))
        .bearer_auth("user:1001")
        .header("content-type", format!("multipart/related; boundary={b}"))
        .body(body)
        .send()
        .await
        .unwrap();
    let code = resp.status().as_u16();
    let v: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(code, 200, "{filename:?}: {v}");
    serde_json::from_value(v["attachmentDataRef"].clone()).unwrap()
}

async fn cli(emu: &gchat::emulator::Emulator, args: &[&str]) -> (i32, String, String) {
    let out = tokio::time::timeout(
        std::time::Duration::from_secs(120),
        tokio::process::Command::new(env!("CARGO_BIN_EXE_gchat"))
            .arg("--endpoint")
            .arg(emu.url())
            .arg("--token")
            .arg("user:1002")
            .args(args)
            .env_remove("GCHAT_TOKEN")
            .env(
                "GCHAT_LOG_DIR",
                std::env::temp_dir().join("gchat-cli-test-logs"),
            )
            .stdin(std::process::Stdio::null())
            .output(),
    )
    .await
    .expect("gchat finishes")
    .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_attachment_the_server_takes_is_saved_under_a_safe_distinct_name() {
    let emu = demo().await;
    let long = format!("{}.txt", "é".repeat(250));
    let names = [
        "same.txt",
        "same.txt",
        long.as_str(),
        "-rf",
        "re\u{202E}port\u{200B}.txt",
    ];
    let mut m = Message::text("files");
    for (i, n) in names.iter().enumerate() {
        m.add_attachment(&upload_named(&emu, n, &format!("file {i}")).await);
    }
    let sent = user(&emu, ALICE)
        .create_message(&space(TEAM_RUST), &m, &CreateMessage::default())
        .await
        .unwrap();
    let name = sent.name.unwrap();
    let out = tempfile::tempdir().unwrap();
    let to = out.path().to_str().unwrap();
    let dry = cli(
        &emu,
        &[
            "messages",
            "download",
            &name,
            "--to",
            to,
            "--dry-run",
            "--json",
        ],
    )
    .await;
    assert_eq!(dry.0, 0, "{}", dry.2);
    let planned: Vec<serde_json::Value> = serde_json::from_str(&dry.1).unwrap();
    let real = cli(&emu, &["messages", "download", &name, "--to", to, "--json"]).await;
    assert_eq!(real.0, 0, "{}", real.2);
    let saved: Vec<serde_json::Value> = serde_json::from_str(&real.1).unwrap();
    let paths = |v: &[serde_json::Value]| {
        v.iter()
            .map(|e| e["path"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    // The dry run says where each file goes, and the real run puts it there.
    assert_eq!(paths(&planned), paths(&saved));
    let mut on_disk: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    on_disk.sort();
    assert_eq!(on_disk.len(), names.len(), "{on_disk:?}");
    assert!(on_disk.contains(&"same.txt".to_string()));
    assert!(on_disk.contains(&"same (2).txt".to_string()));
    assert!(on_disk.contains(&"_-rf".to_string()));
    assert!(on_disk.contains(&"report.txt".to_string()));
    assert!(on_disk
        .iter()
        .any(|n| n.ends_with("é.txt") && n.len() <= 255));
}

/// Starts a resumable upload of `total` bytes for `who` and returns its session URL, or
/// the refusal's code.
async fn start_session(
    emu: &gchat::emulator::Emulator,
    who: &str,
    total: u64,
) -> Result<String, u16> {
    let resp = reqwest::Client::new()
        .post(format!(
            "{}/upload/v1/spaces/{TEAM_RUST}/attachments:upload?uploadType=resumable",
            emu.url()
        ))
        .bearer_auth(format!("user:{who}"))
        .header("x-upload-content-length", total.to_string())
        .header("content-type", "application/json")
        .body(r#"{"filename":"part.bin"}"#)
        .send()
        .await
        .unwrap();
    match resp.status().as_u16() {
        200 => Ok(header(&resp, "location")),
        c => Err(c),
    }
}

/// Sends `data` as the first chunk of a `total`-byte session; returns the status.
async fn first_chunk(who: &str, session: &str, data: Vec<u8>, total: u64) -> u16 {
    let range = format!("bytes 0-{}/{total}", data.len() - 1);
    reqwest::Client::new()
        .put(session)
        .bearer_auth(format!("user:{who}"))
        .header("content-range", range)
        .body(data)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn unfinished_uploads_are_bounded_per_person_in_all_and_in_bytes() {
    let emu = start(gchat::emulator::Config {
        media_limit: 1000,
        ..Default::default()
    })
    .await;
    // Per person: the oldest sessions make room for new ones.
    let mut alices = Vec::new();
    for _ in 0..10 {
        alices.push(start_session(&emu, ALICE, 1000).await.unwrap());
    }
    assert_eq!(first_chunk(ALICE, &alices[0], vec![1; 10], 1000).await, 404);
    assert_eq!(first_chunk(ALICE, &alices[1], vec![1; 10], 1000).await, 404);
    // Bytes: unfinished uploads together hold at most two media limits.
    assert_eq!(
        first_chunk(ALICE, &alices[2], vec![1; 900], 1000).await,
        308
    );
    assert_eq!(
        first_chunk(ALICE, &alices[3], vec![1; 900], 1000).await,
        308
    );
    assert_eq!(
        first_chunk(ALICE, &alices[4], vec![1; 900], 1000).await,
        429
    );
    // In all: past a bound, new sessions are refused rather than others' dropped.
    let mut refused = 0;
    for who in [
        "1002", "1003", "1004", "1005", "1006", "1007", "1008", "1009",
    ] {
        for _ in 0..8 {
            if start_session(&emu, who, 10).await == Err(429) {
                refused += 1;
            }
        }
    }
    assert!(refused > 0);
    // Alice's sessions with bytes are still there.
    assert_eq!(
        first_chunk(ALICE, &alices[2], vec![1; 100], 1000).await,
        400
    );
}

#[tokio::test]
async fn bytes_no_record_names_are_cleaned_at_start_and_the_others_kept() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("state.json");
    let opts = || saved_demo(&data);
    let emu = gchat::emulator::Emulator::start(opts()).await.unwrap();
    let id = upload_as_alice(&emu, "kept.txt", b"kept").await;
    drop(emu);
    // As if killed between storing an upload's bytes and saving its record.
    let media = dir.path().join("state.json.media");
    std::fs::write(
        media.join("OrphanBytesNoRecordNames0123456789abcdefghijklm"),
        b"x",
    )
    .unwrap();
    std::fs::write(media.join("tmp-halfway"), b"x").unwrap();
    let emu = gchat::emulator::Emulator::start(opts()).await.unwrap();
    let mut left: Vec<String> = std::fs::read_dir(&media)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    assert_eq!(left, std::slice::from_ref(&id));
    let r = get_media(&emu, &id, None).await;
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"kept");
}
