//! `messages.list` pages as a hostile or broken server may send them: a message whose
//! name is not one of the listed space, a message with a field of the wrong type, a
//! body that is not JSON or is cut short.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::canned::{Answer, Canned};
use gchat::api::{
    ApiError, Client, ClientBuilder, ListMessages, RetryPolicy, SpaceName, StaticToken,
};
use serde_json::{json, Value};

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
    let server = Canned::serve(vec![("", Answer::Body(page.to_string()))]).await;
    let c = client(&server.url);
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
    let server = Canned::serve(vec![
        ("pageToken=second", Answer::Body(second.to_string())),
        ("", Answer::Body(first.to_string())),
    ])
    .await;
    let c = client(&server.url);
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
    assert_eq!(server.count(), 3, "no page asked twice");
    let asked: Vec<bool> = server
        .requests()
        .iter()
        .map(|l| l.starts_with("GET /v1/spaces/AAAA/messages") && l.contains("pageToken=second"))
        .collect();
    assert_eq!(
        asked,
        [false, false, true],
        "the second page asked by its token"
    );
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
        let server = Canned::answering(body).await;
        let c = client(&server.url);
        let e = c
            .list_messages(&space(), &ListMessages::default())
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Decode(_)), "{body}: {e:?}");
        assert_eq!(server.count(), 1, "{body}: not asked again");
        assert_eq!(c.take_unreadable_note(), None);
    }
}

#[tokio::test]
async fn a_page_cut_short_is_a_transport_failure_and_asked_again() {
    let page = json!({"messages": [msg("spaces/AAAA/messages/a.a", "kept")]}).to_string();
    let cut = Answer::Cut(page[..page.len() / 2].to_string());
    let server = Canned::serve(vec![("", cut)]).await;
    let c = client(&server.url);
    let e = c
        .list_messages(&space(), &ListMessages::default())
        .await
        .unwrap_err();
    assert!(e.is_retryable(), "{e:?}");
    assert_eq!(server.count(), 3, "every attempt made");
}

#[tokio::test]
async fn a_terabyte_promised_is_not_set_aside_before_it_comes() {
    let page = json!({"messages": [msg("spaces/AAAA/messages/a.a", "kept")]}).to_string();
    let server = Canned::serve(vec![("", Answer::Huge(page))]).await;
    let e = client(&server.url)
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
    let server = Canned::serve(vec![("", Answer::Body(page.to_string()))]).await;
    let c = client(&server.url);
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
    let server = Canned::serve(vec![("", Answer::Body(page.to_string()))]).await;
    let c = client(&server.url);
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
    let endless = Answer::Endless("{\"messages\": [".to_string());
    let server = Canned::serve(vec![("", endless)]).await;
    let e = client(&server.url)
        .list_messages(&space(), &ListMessages::default())
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("larger than 64 MiB"),
        "a clear error: {e}"
    );
    assert!(!e.is_retryable(), "not asked again: {e:?}");
    assert_eq!(server.count(), 1);
}

/// A page as bytes: `messages` given as raw JSON texts (which may hold what JSON text
/// cannot, such as bytes that are not UTF-8), and a next page token.
fn raw_page(messages: &[Vec<u8>]) -> Vec<u8> {
    let mut b = br#"{"messages":["#.to_vec();
    for (i, m) in messages.iter().enumerate() {
        if i > 0 {
            b.push(b',');
        }
        b.extend_from_slice(m);
    }
    b.extend_from_slice(br#"],"nextPageToken":"next"}"#);
    b
}

fn raw_msg(id: &str, text_json: &[u8]) -> Vec<u8> {
    let mut b = format!(r#"{{"name":"spaces/AAAA/messages/{id}","text":"#).into_bytes();
    b.extend_from_slice(text_json);
    b.extend_from_slice(br#","sender":{"name":"users/1002"}}"#);
    b
}

#[test]
fn unreadable_text_or_a_message_nested_too_deep_costs_only_that_message() {
    let deep = format!(
        r#"{{"name":"spaces/AAAA/messages/deep","text":"deep","cardsV2":[{{"card":{}1{}}}]}}"#,
        "[".repeat(300),
        "]".repeat(300)
    );
    let page = raw_page(&[
        raw_msg("a", br#""before""#),
        raw_msg("lone", br#""a\ud800b""#),
        raw_msg("low", br#""x\udc00y \ud83d\ude00 ok""#),
        raw_msg("bytes", b"\"caf\xff\xfe au lait\""),
        deep.into_bytes(),
        raw_msg("b", br#""after""#),
    ]);
    let got = gchat::api::lean::message_page(&page, &space()).expect("the page, less one");
    let texts: Vec<_> = got.messages.iter().map(|m| m.text.as_deref()).collect();
    assert_eq!(
        texts,
        [
            Some("before"),
            Some("a\u{fffd}b"),
            Some("x\u{fffd}y \u{1f600} ok"),
            Some("caf\u{fffd}\u{fffd} au lait"),
            Some("after"),
        ]
    );
    assert_eq!(got.unreadable, 1, "{:?}", got.left_out);
    assert_eq!(got.left_out, ["spaces/AAAA/messages/deep"]);
    assert_eq!(got.next_page_token.as_deref(), Some("next"));
    // Every kept message still has its sender.
    assert!(got.messages.iter().all(|m| m.sender.is_some()));
    // Cut short, the same page is still an error, not a shorter page.
    let cut = &page[..page.len() - 20];
    assert!(gchat::api::lean::message_page(cut, &space()).is_err());
}
