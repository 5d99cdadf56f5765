//! The `fields` system parameter (partial responses) as the emulator answers it, and
//! the client's message pages with and without a server that honours it.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};

const TOKEN: &str = "user:1001";

fn team() -> String {
    format!("/v1/spaces/{TEAM_RUST}/messages")
}

#[tokio::test]
async fn a_list_answers_only_the_selected_fields_of_each_entry() {
    let emu = demo().await;
    let (code, full, _) = get(&emu, &format!("{}?pageSize=3", team()), Some(TOKEN)).await;
    assert_eq!(code, 200, "{full}");
    let (code, part, _) = get(
        &emu,
        &format!(
            "{}?pageSize=3&fields=nextPageToken,messages(name,sender/name)",
            team()
        ),
        Some(TOKEN),
    )
    .await;
    assert_eq!(code, 200, "{part}");
    let want: Vec<Value> = full["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| json!({"name": m["name"], "sender": {"name": m["sender"]["name"]}}))
        .collect();
    assert_eq!(want.len(), 3);
    assert_eq!(part["messages"], Value::Array(want));
    assert_eq!(part["nextPageToken"], full["nextPageToken"]);
    assert_eq!(part.as_object().unwrap().len(), 2, "{part}");
}

#[tokio::test]
async fn a_get_answers_only_the_selected_fields() {
    let emu = demo().await;
    let name = first_team_message(&emu).await;
    let (code, full, _) = get(&emu, &format!("/v1/{name}"), Some(TOKEN)).await;
    assert_eq!(code, 200);
    for (sel, want) in [
        (
            "name,space/type",
            json!({"name": name, "space": {"type": full["space"]["type"]}}),
        ),
        (
            "space(name,type)",
            json!({"space": {"name": full["space"]["name"], "type": full["space"]["type"]}}),
        ),
        ("*", full.clone()),
    ] {
        let q = form_urlencoded::byte_serialize(sel.as_bytes()).collect::<String>();
        let (code, got, _) = get(&emu, &format!("/v1/{name}?fields={q}"), Some(TOKEN)).await;
        assert_eq!(code, 200, "{sel}: {got}");
        assert_eq!(got, want, "{sel}");
    }
    let (_, empty, _) = get(&emu, &format!("/v1/{name}?fields="), Some(TOKEN)).await;
    assert_eq!(empty, full);
}

#[tokio::test]
async fn a_malformed_selector_is_400_and_the_method_does_not_act() {
    let emu = demo().await;
    let (code, body, _) = get(
        &emu,
        &format!("{}?fields=messages(name", team()),
        Some(TOKEN),
    )
    .await;
    assert_eq!(code, 400);
    assert_envelope(&body, 400, "INVALID_ARGUMENT");
    let m = body["error"]["message"].as_str().unwrap();
    assert!(
        m.contains("messages(name") && m.contains("not closed"),
        "{m}"
    );

    // A create with a bad selector creates nothing.
    let (_, before, _) = get(&emu, &format!("{}?pageSize=1000", team()), Some(TOKEN)).await;
    let (code, body, _) = raw(
        &emu,
        Method::POST,
        &format!("{}?fields=name,,text", team()),
        Some(TOKEN),
        Some(r#"{"text":"must not be stored"}"#),
    )
    .await;
    assert_eq!(code, 400, "{body}");
    let (_, after, _) = get(&emu, &format!("{}?pageSize=1000", team()), Some(TOKEN)).await;
    assert_eq!(before, after);

    // A good one answers the created message's selected fields only.
    let (code, body, _) = raw(
        &emu,
        Method::POST,
        &format!("{}?fields=text", team()),
        Some(TOKEN),
        Some(r#"{"text":"kept"}"#),
    )
    .await;
    assert_eq!((code, body), (200, json!({"text": "kept"})));
}

#[tokio::test]
async fn errors_are_not_filtered() {
    let emu = demo().await;
    let (code, body, _) = get(
        &emu,
        &format!("/v1/spaces/{TEAM_RUST}/messages/nope?fields=name"),
        Some(TOKEN),
    )
    .await;
    assert_eq!(code, 404);
    assert_envelope(&body, 404, "NOT_FOUND");
}

/// Every field of a message, as the discovery document names them.
const MESSAGE_FIELDS: [&str; 29] = [
    "accessoryWidgets",
    "actionResponse",
    "annotations",
    "argumentText",
    "attachedGifs",
    "attachment",
    "cards",
    "cardsV2",
    "clientAssignedMessageId",
    "createTime",
    "deleteTime",
    "deletionMetadata",
    "elements",
    "emojiReactionSummaries",
    "fallbackText",
    "formattedText",
    "lastUpdateTime",
    "markupSyntax",
    "matchedUrl",
    "name",
    "privateMessageViewer",
    "quotedMessageMetadata",
    "sender",
    "silent",
    "slashCommand",
    "space",
    "text",
    "thread",
    "threadReply",
];

#[test]
fn the_clients_selector_asks_for_every_message_field_but_the_three_it_skips() {
    use gchat::emulator::partial::Selector;
    let message: serde_json::Map<String, Value> = MESSAGE_FIELDS
        .iter()
        .map(|k| (k.to_string(), json!(1)))
        .collect();
    let page = json!({"messages": [message], "nextPageToken": "t", "other": 1});
    let sel = Selector::parse(gchat::api::lean::LISTED_FIELDS)
        .expect("the client's selector parses")
        .expect("it selects");
    let got = sel.apply(page);
    let mut want = message_without_three(&got["messages"][0]);
    want.sort();
    let mut all: Vec<&str> = MESSAGE_FIELDS
        .iter()
        .copied()
        .filter(|k| !["space", "formattedText", "argumentText"].contains(k))
        .collect();
    all.sort();
    assert_eq!(want, all);
    assert_eq!(got["nextPageToken"], "t");
    assert!(got.get("other").is_none());
}

fn message_without_three(m: &Value) -> Vec<&str> {
    m.as_object().unwrap().keys().map(String::as_str).collect()
}

/// The client's page is the same whether the server honours `fields` (the emulator) or
/// ignores it (the whole page, decoded by the same lean reader).
#[tokio::test]
async fn the_clients_page_is_the_same_with_or_without_fields_honoured() {
    let emu = demo().await;
    let c = user(&emu, ALICE);
    let s = space(&format!("spaces/{TEAM_RUST}"));
    // The demo's messages (reactions, mentions, cards, threads) and a reply of ours.
    let first = post(&c, &s, "hello *there*").await;
    reply_to(
        &c,
        &s,
        first.thread.as_ref().unwrap().name.as_deref().unwrap(),
        "re",
    )
    .await;
    let p = gchat::api::ListMessages::default().with_page_size(1000);
    let honoured = c.list_messages(&s, &p).await.expect("list");
    let whole = reqwest::Client::new()
        .get(format!("{}/v1/{s}/messages?pageSize=1000", emu.url()))
        .bearer_auth("user:1001")
        .send()
        .await
        .expect("page")
        .bytes()
        .await
        .expect("body");
    assert!(std::str::from_utf8(&whole)
        .unwrap()
        .contains("\"formattedText\""));
    let ignored = gchat::api::lean::message_page(&whole, &s).expect("decode");
    assert!(honoured.messages.len() > 2);
    assert_eq!(honoured, ignored);
}

/// A multipart upload of `data` to Team Rust, with `query` added to its address.
async fn upload(emu: &gchat::emulator::Emulator, query: &str, data: &[u8]) -> (u16, Value) {
    let b = "fields-boundary";
    let mut body = format!(
        "--{b}\nContent-Type: application/json\n\n{{\"filename\": \"a.txt\"}}\n--{b}\nContent-Type: text/plain\n\n"
    )
    .into_bytes();
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\n--{b}--").as_bytes());
    let resp = reqwest::Client::new()
        .post(format!(
            "{}/upload/v1/spaces/{TEAM_RUST}/attachments:upload?uploadType=multipart{query}",
            emu.url()
        ))
        .bearer_auth(TOKEN)
        .header(
            "content-type",
            format!("multipart/related; boundary=\"{b}\""),
        )
        .body(body)
        .send()
        .await
        .expect("upload");
    let code = resp.status().as_u16();
    let json = serde_json::from_slice(&resp.bytes().await.expect("body")).unwrap_or_default();
    (code, json)
}

#[tokio::test]
async fn an_upload_answers_only_the_selected_fields_and_a_malformed_selector_is_refused() {
    let emu = demo().await;
    let (code, full) = upload(&emu, "", b"whole").await;
    assert_eq!(code, 200, "{full}");
    assert!(
        full["attachmentDataRef"]["resourceName"].is_string(),
        "{full}"
    );
    let (code, part) = upload(&emu, "&fields=attachmentDataRef/resourceName", b"part").await;
    assert_eq!(code, 200, "{part}");
    let keys: Vec<&String> = part.as_object().expect("an object").keys().collect();
    assert_eq!(keys, ["attachmentDataRef"], "{part}");
    let inner = part["attachmentDataRef"]
        .as_object()
        .expect("the reference");
    assert_eq!(inner.keys().collect::<Vec<_>>(), ["resourceName"], "{part}");
    // Refused before the upload is taken: the same selector error as any method gives.
    let (code, bad) = upload(&emu, "&fields=a(b", b"refused").await;
    assert_eq!(code, 400, "{bad}");
    assert_envelope(&bad, 400, "INVALID_ARGUMENT");
}

#[tokio::test]
async fn a_selector_nested_thousands_of_levels_by_slashes_is_refused_not_a_crash() {
    let emu = demo().await;
    let long = vec!["a"; 4000].join("/");
    // No token: the selector is read first, and must not take the emulator down.
    let (code, json, _) = get(&emu, &format!("/v1/spaces?fields={long}"), None).await;
    assert_eq!(code, 400, "{json}");
    let (code, _, _) = get(&emu, "/v1/spaces", Some(TOKEN)).await;
    assert_eq!(code, 200, "the emulator still answers");
}

/// The name of Team Rust's newest message.
async fn first_team_message(emu: &gchat::emulator::Emulator) -> String {
    let (_, list, _) = get(emu, &format!("{}?pageSize=1", team()), Some(TOKEN)).await;
    list["messages"][0]["name"]
        .as_str()
        .expect("a name")
        .to_string()
}

/// A GET of `path` with `fields=sel` is refused, naming `unknown`.
async fn get_refused(emu: &gchat::emulator::Emulator, path: &str, sel: &str, unknown: &str) {
    let sep = if path.contains('?') { '&' } else { '?' };
    let (code, body, _) = get(emu, &format!("{path}{sep}fields={}", q(sel)), Some(TOKEN)).await;
    assert_eq!(code, 400, "{sel}: {body}");
    assert_envelope(&body, 400, "INVALID_ARGUMENT");
    let want = format!("Invalid field selection {unknown}");
    assert_eq!(body["error"]["message"], want.as_str(), "{sel}");
}

/// `sel` escaped for a query string.
fn q(sel: &str) -> String {
    form_urlencoded::byte_serialize(sel.as_bytes()).collect()
}

#[tokio::test]
async fn a_name_the_answer_does_not_have_is_400_naming_it() {
    let emu = demo().await;
    let name = first_team_message(&emu).await;
    for (path, sel, unknown) in [
        (format!("/v1/{name}"), "name,nosuch", "nosuch"),
        (format!("/v1/{name}"), "sender(name,nosuch)", "nosuch"),
        (
            format!("/v1/{name}"),
            "space/nothingLikeThis",
            "nothingLikeThis",
        ),
        (format!("/v1/{name}"), "*,nosuch", "nosuch"),
        (
            format!("{}?pageSize=3", team()),
            "messages(nosuch)",
            "nosuch",
        ),
        (
            format!("{}?pageSize=3", team()),
            "nextPageToken,other",
            "other",
        ),
        ("/v1/spaces".to_string(), "spaces(name,typo)", "typo"),
    ] {
        get_refused(&emu, &path, sel, unknown).await;
    }
}

#[tokio::test]
async fn a_field_the_type_has_but_this_answer_lacks_selects_nothing() {
    let emu = demo().await;
    let name = first_team_message(&emu).await;
    let (_, full, _) = get(&emu, &format!("/v1/{name}"), Some(TOKEN)).await;
    assert!(full.get("deleteTime").is_none() && full.get("deletionMetadata").is_none());
    let (code, got, _) = get(
        &emu,
        &format!(
            "/v1/{name}?fields={}",
            q("name,deleteTime,deletionMetadata/deletionType")
        ),
        Some(TOKEN),
    )
    .await;
    assert_eq!((code, got), (200, json!({"name": name})));
    // The last page has no nextPageToken; asking for it is no error.
    let (code, got, _) = get(
        &emu,
        &format!("{}?pageSize=1000&fields=nextPageToken", team()),
        Some(TOKEN),
    )
    .await;
    assert_eq!((code, got), (200, json!({})));
}

#[tokio::test]
async fn a_create_with_a_name_the_answer_does_not_have_creates_nothing() {
    let emu = demo().await;
    create_refused(&emu, "name,nosuch", "nosuch").await;
}

/// A message created in Team Rust with `fields=sel` is refused, naming `unknown`, and
/// Team Rust holds what it held before.
async fn create_refused(emu: &gchat::emulator::Emulator, sel: &str, unknown: &str) {
    let (_, before, _) = get(emu, &format!("{}?pageSize=1000", team()), Some(TOKEN)).await;
    let (code, body, _) = raw(
        emu,
        Method::POST,
        &format!("{}?fields={}", team(), q(sel)),
        Some(TOKEN),
        Some(r#"{"text":"must not be stored"}"#),
    )
    .await;
    assert_eq!(code, 400, "{body}");
    let want = format!("Invalid field selection {unknown}");
    assert_eq!(body["error"]["message"], want.as_str());
    let (_, after, _) = get(emu, &format!("{}?pageSize=1000", team()), Some(TOKEN)).await;
    assert_eq!(before, after);
}

/// The client's own selector is accepted by the method it is sent to, in every space
/// of the demo (their messages hold cards, reactions, attachments, quotes, threads).
#[tokio::test]
async fn the_clients_selector_is_accepted_in_every_space() {
    let emu = demo().await;
    let c = user(&emu, ALICE);
    let spaces = c
        .list_spaces(&Default::default())
        .await
        .expect("spaces")
        .spaces;
    assert!(spaces.len() > 3);
    for s in spaces {
        let s = gchat::api::SpaceName::parse(s.name.as_deref().expect("a name")).expect("name");
        let page = c
            .list_messages(
                &s,
                &gchat::api::ListMessages::default().with_page_size(1000),
            )
            .await;
        assert!(page.is_ok(), "{s}: {page:?}");
    }
}

#[tokio::test]
async fn hostile_selectors_are_refused_clearly_and_the_emulator_keeps_answering() {
    let emu = demo().await;
    let m = format!("{}?pageSize=5", team());
    // Many repeated names are one.
    let many = vec!["messages/name"; 3000].join(",");
    let (code, body, _) = get(&emu, &format!("{m}&fields={}", q(&many)), Some(TOKEN)).await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(body["messages"][0].as_object().map(|o| o.len()), Some(1));
    // A `*` beside thousands of names would repeat its selection under each.
    let names: Vec<String> = (0..3000).map(|i| format!("n{i}")).collect();
    let blowup = format!("messages(*({}),{})", names.join(","), names.join(","));
    let (code, body, _) = get(&emu, &format!("{m}&fields={}", q(&blowup)), Some(TOKEN)).await;
    assert_eq!(code, 400, "{body}");
    let msg = body["error"]["message"].as_str().unwrap();
    assert!(msg.contains("more than"), "{msg:.300}");
    assert!(
        msg.len() < 400,
        "the selector is cut short: {} bytes",
        msg.len()
    );
    // Names that are not ASCII, control characters and escapes.
    for bad in [
        "messages(naïve)",
        "名前",
        "messages(\u{202e}eman)",
        "a\u{0}b",
        "%",
    ] {
        let (code, body, _) = get(&emu, &format!("{m}&fields={}", q(bad)), Some(TOKEN)).await;
        assert_eq!(code, 400, "{bad:?}: {body}");
        assert_envelope(&body, 400, "INVALID_ARGUMENT");
    }
    // `*` at every level of a deep selection.
    let deep = format!("messages/{}", vec!["*"; 30].join("/"));
    let (code, _, _) = get(&emu, &format!("{m}&fields={}", q(&deep)), Some(TOKEN)).await;
    assert_eq!(code, 200);
    // A long unknown name is named, cut short.
    let long = "x".repeat(20_000);
    let (code, body, _) = get(&emu, &format!("{m}&fields={long}"), Some(TOKEN)).await;
    assert_eq!(code, 400);
    let msg = body["error"]["message"].as_str().unwrap();
    assert!(
        msg.starts_with("Invalid field selection xxx") && msg.len() < 200,
        "{msg:.300}"
    );
    let (code, _, _) = get(&emu, &m, Some(TOKEN)).await;
    assert_eq!(code, 200, "the emulator still answers");
}

/// How many uploads Team Rust holds.
fn uploads(emu: &gchat::emulator::Emulator) -> usize {
    emu.service()
        .with_store(|st| st.spaces[TEAM_RUST].uploads.len())
}

#[tokio::test]
async fn an_upload_with_a_name_its_answer_does_not_have_is_400_and_stores_nothing() {
    let emu = demo().await;
    let before = uploads(&emu);
    for (sel, unknown) in [
        ("bogus", "bogus"),
        ("attachmentDataRef(resourceName,nosuch)", "nosuch"),
        ("attachmentDataRef/resourceName/x", "x"),
    ] {
        let (code, body) = upload(&emu, &format!("&fields={}", q(sel)), b"refused").await;
        assert_eq!(code, 400, "{sel}: {body}");
        assert_envelope(&body, 400, "INVALID_ARGUMENT");
        assert_eq!(
            body["error"]["message"],
            format!("Invalid field selection {unknown}"),
            "{sel}"
        );
        assert_eq!(uploads(&emu), before, "{sel}: nothing is stored");
    }
    // A good selector still stores and answers.
    let (code, body) = upload(&emu, "&fields=attachmentDataRef", b"kept").await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(uploads(&emu), before + 1);
}

#[tokio::test]
async fn a_selection_inside_a_plain_field_is_400_and_a_create_does_not_act() {
    let emu = demo().await;
    let name = first_team_message(&emu).await;
    for (path, sel, unknown) in [
        (format!("/v1/{name}"), "name(bogus)", "bogus"),
        (format!("/v1/{name}"), "text/bogus", "bogus"),
        (format!("/v1/{name}"), "sender/name/x", "x"),
        (
            format!("{}?pageSize=3", team()),
            "messages/name/name",
            "name",
        ),
        (format!("{}?pageSize=3", team()), "nextPageToken/x", "x"),
    ] {
        get_refused(&emu, &path, sel, unknown).await;
    }
    create_refused(&emu, "name(bogus)", "bogus").await;
}

#[tokio::test]
async fn the_json_form_of_a_download_answers_only_the_selected_fields() {
    let emu = demo().await;
    let (code, up) = upload(&emu, "", b"bytes").await;
    assert_eq!(code, 200, "{up}");
    let media = up["attachmentDataRef"]["resourceName"]
        .as_str()
        .expect("a resource name")
        .to_string();
    let path = format!("/v1/media/{media}");
    let (code, full, _) = get(&emu, &path, Some(TOKEN)).await;
    assert_eq!((code, &full), (200, &json!({"resourceName": media})));
    let (code, got, _) = get(&emu, &format!("{path}?fields=resourceName"), Some(TOKEN)).await;
    assert_eq!((code, got), (200, full));
    for (sel, unknown) in [("bogus", "bogus"), ("resourceName/x", "x")] {
        let (code, body, _) = get(&emu, &format!("{path}?fields={}", q(sel)), Some(TOKEN)).await;
        assert_eq!(code, 400, "{sel}: {body}");
        assert_eq!(
            body["error"]["message"],
            format!("Invalid field selection {unknown}"),
            "{sel}"
        );
    }
    let (code, body, _) = get(&emu, &format!("{path}?fields=a(b"), Some(TOKEN)).await;
    assert_eq!(code, 400, "{body}");
}

#[tokio::test]
async fn a_parse_error_names_a_character_that_is_not_ascii_as_it_is() {
    let emu = demo().await;
    for (sel, shown) in [
        ("m\u{e9}ssages", '\u{e9}'),
        ("messages,\u{540d}", '\u{540d}'),
    ] {
        let (code, body, _) =
            get(&emu, &format!("{}?fields={}", team(), q(sel)), Some(TOKEN)).await;
        assert_eq!(code, 400, "{body}");
        let m = body["error"]["message"].as_str().unwrap();
        assert!(m.contains(&format!("{shown:?}")), "{sel}: {m}");
        assert!(!m.contains('\u{c3}'), "{sel}: {m}");
    }
}
