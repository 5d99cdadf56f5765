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
    let (_, list, _) = get(&emu, &format!("{}?pageSize=1", team()), Some(TOKEN)).await;
    let name = list["messages"][0]["name"]
        .as_str()
        .expect("a name")
        .to_string();
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
        ("nothingLikeThis", json!({})),
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
