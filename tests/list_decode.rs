//! `messages.list` pages as a hostile or broken server may send them: a message whose
//! name is not one of the listed space, a message with a field of the wrong type, a
//! body that is not JSON or is cut short.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use gchat::api::{
    ApiError, Client, ClientBuilder, ListMessages, RetryPolicy, SpaceName, StaticToken,
};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A tiny server that answers every request `200` with the first body whose key is in
/// the request line (`""` matches every request), counting requests.
async fn serving(pages: Vec<(&'static str, String)>) -> (String, Arc<AtomicUsize>) {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let pages = Arc::new(pages);
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = l.accept().await {
            let (seen, pages) = (seen.clone(), pages.clone());
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                seen.fetch_add(1, Ordering::SeqCst);
                let head = String::from_utf8_lossy(&buf);
                let line = head.lines().next().unwrap_or_default();
                let body = pages
                    .iter()
                    .find(|(key, _)| line.contains(key))
                    .map(|(_, b)| b.clone())
                    .unwrap_or_default();
                // The length the body should have had: a body cut short says more.
                let (promised, body) = match (body.strip_prefix("CUT:"), body.strip_prefix("HUGE:"))
                {
                    (Some(b), _) => (b.len() + 100, b.to_string()),
                    (_, Some(b)) => (1 << 40, b.to_string()),
                    _ => (body.len(), body),
                };
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {promised}\r\nconnection: close\r\n\r\n{body}"
                );
                if let Some(b) = body.strip_prefix("ENDLESS:") {
                    // No length promised, and the body never ends: blanks after the start.
                    let head = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{b}"
                    );
                    let _ = sock.write_all(head.as_bytes()).await;
                    let blanks = vec![b' '; 1 << 20];
                    while sock.write_all(&blanks).await.is_ok() {}
                    return;
                }
                let _ = sock.write_all(answer.as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    (format!("http://{addr}"), count)
}

fn client(url: &str) -> Client {
    ClientBuilder::new(Arc::new(StaticToken::new("user:1001")))
        .endpoint(url)
        .retry(RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(2),
            max_retry_after: Duration::from_secs(1),
        })
        .build()
        .unwrap()
}

fn space() -> SpaceName {
    SpaceName::parse("spaces/AAAA").unwrap()
}

fn msg(name: &str, text: &str) -> Value {
    json!({
        "name": name,
        "sender": {"name": "users/1002", "type": "HUMAN"},
        "createTime": "2024-05-01T10:11:12.345678Z",
        "text": text,
        "thread": {"name": "spaces/AAAA/threads/T"},
        "space": {"name": "spaces/AAAA"}
    })
}

fn names(msgs: &[gchat::api::model::Message]) -> Vec<&str> {
    msgs.iter().filter_map(|m| m.name.as_deref()).collect()
}

fn listed(msgs: &[gchat::api::Listed]) -> Vec<&str> {
    msgs.iter().map(gchat::api::Listed::name).collect()
}

#[tokio::test]
async fn a_message_named_outside_its_space_is_left_out_and_counted() {
    let mut nameless = msg("x", "no name");
    nameless.as_object_mut().unwrap().remove("name");
    let page = json!({"messages": [
        msg("spaces/AAAA/messages/a.a", "kept"),
        msg("users/1002", "a user's name"),
        msg("spaces/AAAA/messages/", "no id"),
        msg("spaces/BBBB/messages/b.b", "another space"),
        msg("spaces/AAAA/messages/x/y", "a path"),
        msg("spaces/AAAA/messages/\u{1b}[2J", "escape"),
        nameless,
        msg("spaces/AAAA/messages/client-ok", "kept too"),
    ]});
    let (url, _) = serving(vec![("", page.to_string())]).await;
    let c = client(&url);
    let got = c
        .list_messages(&space(), &ListMessages::default())
        .await
        .unwrap();
    assert_eq!(
        listed(&got.messages),
        ["spaces/AAAA/messages/a.a", "spaces/AAAA/messages/client-ok"]
    );
    assert_eq!(got.unreadable, 6);
    assert_eq!(
        c.take_unreadable_note().as_deref(),
        Some("6 messages from the server could not be read")
    );
    assert_eq!(c.take_unreadable_note(), None, "told once");
}

#[tokio::test]
async fn one_bad_message_does_not_fail_its_page_and_the_next_page_is_followed() {
    let mut bad_time = msg("spaces/AAAA/messages/b.t", "time");
    bad_time["createTime"] = json!(5);
    let mut bad_annotations = msg("spaces/AAAA/messages/b.a", "annotations");
    bad_annotations["annotations"] = json!("x");
    let mut bad_sender = msg("spaces/AAAA/messages/b.s", "sender");
    bad_sender["sender"] = json!("users/1");
    let first = json!({"messages": [
        msg("spaces/AAAA/messages/m.1", "one"),
        bad_time,
        bad_annotations,
        msg("spaces/AAAA/messages/m.2", "two"),
        bad_sender,
    ], "nextPageToken": "second"});
    let second = json!({"messages": [msg("spaces/AAAA/messages/m.3", "three")]});
    let (url, count) = serving(vec![
        ("pageToken=second", second.to_string()),
        ("", first.to_string()),
    ])
    .await;
    let c = client(&url);
    let one = c
        .list_messages(&space(), &ListMessages::default())
        .await
        .unwrap();
    assert_eq!(
        listed(&one.messages),
        ["spaces/AAAA/messages/m.1", "spaces/AAAA/messages/m.2"]
    );
    assert_eq!(one.messages[1].text.as_deref(), Some("two"));
    assert!(one.messages[1].create_time.is_some());
    assert_eq!(one.unreadable, 3);
    assert_eq!(one.next_page_token.as_deref(), Some("second"));
    let all = c
        .list_all_messages(&space(), &ListMessages::default())
        .await
        .unwrap();
    assert_eq!(
        names(&all),
        [
            "spaces/AAAA/messages/m.1",
            "spaces/AAAA/messages/m.2",
            "spaces/AAAA/messages/m.3"
        ]
    );
    assert_eq!(count.load(Ordering::SeqCst), 3, "no page asked twice");
    // The first page was listed twice: its three bad messages are told once.
    assert_eq!(
        c.take_unreadable_note().as_deref(),
        Some("3 messages from the server could not be read")
    );
}

#[tokio::test]
async fn a_page_that_is_not_a_page_still_fails_whole() {
    for body in [
        "not json",
        r#"{"messages": {"name": "spaces/AAAA/messages/a"}}"#,
        r#"{"messages": [], "nextPageToken": 5}"#,
        r#"[1, 2]"#,
    ] {
        let (url, count) = serving(vec![("", body.to_string())]).await;
        let c = client(&url);
        let e = c
            .list_messages(&space(), &ListMessages::default())
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Decode(_)), "{body}: {e:?}");
        assert_eq!(count.load(Ordering::SeqCst), 1, "{body}: not asked again");
        assert_eq!(c.take_unreadable_note(), None);
    }
}

#[tokio::test]
async fn a_page_cut_short_is_a_transport_failure_and_asked_again() {
    let page = json!({"messages": [msg("spaces/AAAA/messages/a.a", "kept")]}).to_string();
    let cut = format!("CUT:{}", &page[..page.len() / 2]);
    let (url, count) = serving(vec![("", cut)]).await;
    let c = client(&url);
    let e = c
        .list_messages(&space(), &ListMessages::default())
        .await
        .unwrap_err();
    assert!(e.is_retryable(), "{e:?}");
    assert_eq!(count.load(Ordering::SeqCst), 3, "every attempt made");
}

#[tokio::test]
async fn a_terabyte_promised_is_not_set_aside_before_it_comes() {
    let page = json!({"messages": [msg("spaces/AAAA/messages/a.a", "kept")]}).to_string();
    let (url, _) = serving(vec![("", format!("HUGE:{page}"))]).await;
    let e = client(&url)
        .list_messages(&space(), &ListMessages::default())
        .await
        .unwrap_err();
    assert!(e.is_retryable(), "{e:?}");
    assert!(e.to_string().contains("cut short"), "{e}");
}

#[tokio::test]
async fn a_left_out_message_is_told_once_however_often_its_page_is_listed() {
    let mut nameless = msg("x", "no name");
    nameless.as_object_mut().unwrap().remove("name");
    let page = json!({"messages": [
        msg("spaces/AAAA/messages/a.a", "kept"),
        msg("spaces/BBBB/messages/b.b", "another space"),
        nameless,
    ]});
    let (url, _) = serving(vec![("", page.to_string())]).await;
    let c = client(&url);
    for _ in 0..3 {
        c.list_messages(&space(), &ListMessages::default())
            .await
            .unwrap();
    }
    assert_eq!(
        c.take_unreadable_note().as_deref(),
        Some("2 messages from the server could not be read")
    );
    c.list_messages(&space(), &ListMessages::default())
        .await
        .unwrap();
    assert_eq!(c.take_unreadable_note(), None, "the same two, listed again");
}

#[tokio::test]
async fn space_events_with_a_bad_or_foreign_message_keep_the_rest() {
    let event = |id: &str, m: Value| {
        json!({
            "name": format!("spaces/AAAA/spaceEvents/{id}"),
            "eventTime": "2024-05-01T10:11:12.345678Z",
            "eventType": "google.workspace.chat.message.v1.created",
            "messageCreatedEventData": {"message": m},
        })
    };
    let mut bad_notes = msg("spaces/AAAA/messages/b.b", "bad annotations");
    bad_notes["annotations"] = json!("x");
    let mut bad_time = msg("spaces/AAAA/messages/c.c", "bad time");
    bad_time["createTime"] = json!("yesterday");
    let page = json!({"spaceEvents": [
        event("1", msg("spaces/AAAA/messages/a.a", "kept")),
        event("2", bad_notes),
        event("3", bad_time),
        event("4", msg("spaces/ZZZ/messages/x.y", "another space")),
        event("5", msg("spaces/AAAA/messages/d.d", "kept too")),
    ]});
    let (url, _) = serving(vec![("", page.to_string())]).await;
    let c = client(&url);
    let events = c
        .list_all_space_events(&space(), "")
        .await
        .expect("one bad message does not fail the page");
    let got: Vec<_> = events
        .iter()
        .filter_map(|e| e.message().and_then(|m| m.name.as_deref()))
        .collect();
    assert_eq!(
        got,
        ["spaces/AAAA/messages/a.a", "spaces/AAAA/messages/d.d"]
    );
    // Every event is kept for its time (the cursor moves past the bad ones).
    assert_eq!(events.len(), 5);
    assert_eq!(
        c.take_unreadable_note().as_deref(),
        Some("3 messages from the server could not be read")
    );
}

#[tokio::test]
async fn an_endless_answer_is_refused_at_the_cap_not_read_until_memory_runs_out() {
    let (url, count) = serving(vec![("", "ENDLESS:{\"messages\": [".to_string())]).await;
    let e = client(&url)
        .list_messages(&space(), &ListMessages::default())
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("larger than 64 MiB"),
        "a clear error: {e}"
    );
    assert!(!e.is_retryable(), "not asked again: {e:?}");
    assert_eq!(count.load(Ordering::SeqCst), 1);
}
