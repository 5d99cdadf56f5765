//! Scopes count only for the kind of caller they are made for: `chat.bot` and the
//! `chat.app.*` scopes are app authentication, user scopes do nothing for an app, and
//! the `chat.admin.*` scopes count only with `useAdminAccess=true`. Each refusal is
//! Google's 403 with the ACCESS_TOKEN_SCOPE_INSUFFICIENT reason, and changes nothing.

mod common;

use common::*;
use reqwest::Method;
use serde_json::Value;

fn reason(body: &Value) -> Option<&str> {
    body["error"]["details"]
        .as_array()?
        .iter()
        .find_map(|d| d["reason"].as_str())
}

async fn refused(
    emu: &gchat::emulator::Emulator,
    m: Method,
    path: &str,
    token: &str,
    body: Option<&str>,
) {
    let (status, json, _) = raw(emu, m.clone(), path, Some(token), body).await;
    let text = json.to_string();
    assert_eq!(status, 403, "{m} {path} as {token}: {text}");
    assert_eq!(json["error"]["code"], 403, "{text}");
    assert_eq!(json["error"]["status"], "PERMISSION_DENIED", "{text}");
    assert_eq!(
        reason(&json),
        Some("ACCESS_TOKEN_SCOPE_INSUFFICIENT"),
        "{text}"
    );
}

async fn allowed(
    emu: &gchat::emulator::Emulator,
    m: Method,
    path: &str,
    token: &str,
    body: Option<&str>,
) -> Value {
    let (status, json, _) = raw(emu, m.clone(), path, Some(token), body).await;
    let text = json.to_string();
    assert_eq!(status, 200, "{m} {path} as {token}: {text}");
    json
}

fn message_count(emu: &gchat::emulator::Emulator) -> usize {
    emu.service()
        .with_store(|st| st.spaces[TEAM_RUST].messages.len())
}

fn space_count(emu: &gchat::emulator::Emulator) -> usize {
    emu.service().with_store(|st| st.spaces.len())
}

#[tokio::test]
async fn a_user_token_with_the_app_scope_chat_bot_is_refused() {
    let emu = demo().await;
    let t = "user:1001;scopes=chat.bot";
    refused(&emu, Method::GET, "/v1/spaces", t, None).await;
    let before = message_count(&emu);
    let path = format!("/v1/spaces/{TEAM_RUST}/messages");
    refused(
        &emu,
        Method::POST,
        &path,
        t,
        Some(r#"{"text": "as Alice?"}"#),
    )
    .await;
    assert_eq!(message_count(&emu), before, "nothing was posted");
    refused(
        &emu,
        Method::GET,
        &format!("/v1/spaces/{TEAM_RUST}"),
        t,
        None,
    )
    .await;
    refused(
        &emu,
        Method::GET,
        &format!("/v1/spaces/{TEAM_RUST}/members"),
        t,
        None,
    )
    .await;
}

#[tokio::test]
async fn a_user_token_with_chat_app_scopes_is_refused() {
    let emu = demo().await;
    let before = space_count(&emu);
    let body = r#"{"spaceType": "SPACE", "displayName": "Sneaky"}"#;
    for t in [
        "user:1001;scopes=chat.app.spaces",
        "user:1001;scopes=chat.app.spaces.create",
    ] {
        refused(&emu, Method::POST, "/v1/spaces", t, Some(body)).await;
    }
    assert_eq!(space_count(&emu), before, "no space was made");
    let members = format!("/v1/spaces/{TEAM_RUST}/members");
    refused(
        &emu,
        Method::GET,
        &members,
        "user:1001;scopes=chat.app.memberships",
        None,
    )
    .await;
    let msgs = format!("/v1/spaces/{TEAM_RUST}/messages");
    refused(
        &emu,
        Method::GET,
        &msgs,
        "user:1001;scopes=chat.app.messages.readonly",
        None,
    )
    .await;
    let events = format!(
        "/v1/spaces/{TEAM_RUST}/spaceEvents?filter=event_types:%22google.workspace.chat.message.v1.created%22"
    );
    refused(
        &emu,
        Method::GET,
        &events,
        "user:1001;scopes=chat.app.messages.readonly",
        None,
    )
    .await;
}

#[tokio::test]
async fn admin_scopes_count_only_with_use_admin_access() {
    let emu = demo().await;
    let space = format!("/v1/spaces/{TEAM_RUST}");
    for t in [
        "user:1001;scopes=chat.admin.spaces",
        "user:1001;scopes=chat.admin.spaces.readonly",
    ] {
        refused(&emu, Method::GET, &space, t, None).await;
        refused(
            &emu,
            Method::GET,
            &format!("{space}?useAdminAccess=false"),
            t,
            None,
        )
        .await;
    }
    refused(
        &emu,
        Method::GET,
        &format!("{space}/members"),
        "user:1001;scopes=chat.admin.memberships",
        None,
    )
    .await;
    // With useAdminAccess the scope admits the call; Alice is no administrator, which is
    // a different refusal (not a scope one).
    let (status, json, _) = raw(
        &emu,
        Method::GET,
        &format!("{space}?useAdminAccess=true"),
        Some("user:1001;scopes=chat.admin.spaces"),
        None,
    )
    .await;
    let text = json.to_string();
    assert_eq!(status, 403, "{text}");
    assert_ne!(
        reason(&json),
        Some("ACCESS_TOKEN_SCOPE_INSUFFICIENT"),
        "{text}"
    );
    // Admin access takes an admin scope: a person's ordinary scopes do not count.
    refused(
        &emu,
        Method::GET,
        &format!("{space}?useAdminAccess=true"),
        "user:1001",
        None,
    )
    .await;
    // An app cannot use admin scopes, with or without useAdminAccess.
    refused(
        &emu,
        Method::GET,
        &format!("{space}?useAdminAccess=true"),
        "app;scopes=chat.admin.spaces",
        None,
    )
    .await;
}

#[tokio::test]
async fn an_app_token_with_user_scopes_is_refused() {
    let emu = demo().await;
    let before = message_count(&emu);
    let path = format!("/v1/spaces/{TEAM_RUST}/messages");
    for t in [
        "app;scopes=chat.messages",
        "app;scopes=chat.messages.create",
        "app;scopes=chat.import",
    ] {
        refused(
            &emu,
            Method::POST,
            &path,
            t,
            Some(r#"{"text": "as the app?"}"#),
        )
        .await;
    }
    assert_eq!(message_count(&emu), before, "nothing was posted");
    refused(
        &emu,
        Method::GET,
        "/v1/spaces",
        "app;scopes=chat.spaces",
        None,
    )
    .await;
    let members = format!("/v1/spaces/{TEAM_RUST}/members");
    refused(
        &emu,
        Method::GET,
        &members,
        "app;scopes=chat.memberships",
        None,
    )
    .await;
    let body = r#"{"spaceType": "SPACE", "displayName": "x", "customer": "customers/my_customer"}"#;
    refused(
        &emu,
        Method::POST,
        "/v1/spaces",
        "app;scopes=chat.spaces.create",
        Some(body),
    )
    .await;
}

#[tokio::test]
async fn legitimate_pairs_still_pass() {
    let emu = demo().await;
    let msgs = format!("/v1/spaces/{TEAM_RUST}/messages");
    // Users with user scopes, narrowed or not.
    allowed(&emu, Method::GET, "/v1/spaces", "user:1001", None).await;
    allowed(
        &emu,
        Method::GET,
        "/v1/spaces",
        "user:1001;scopes=chat.spaces.readonly",
        None,
    )
    .await;
    allowed(
        &emu,
        Method::POST,
        &msgs,
        "user:1001;scopes=chat.messages.create",
        Some(r#"{"text": "hi"}"#),
    )
    .await;
    allowed(
        &emu,
        Method::GET,
        &format!("/v1/spaces/{TEAM_RUST}/members"),
        "user:1001;scopes=chat.memberships.readonly",
        None,
    )
    .await;
    // The app with chat.bot, and with its admin-approved chat.app.* scopes.
    allowed(&emu, Method::GET, "/v1/spaces", "app", None).await;
    allowed(
        &emu,
        Method::POST,
        &msgs,
        "app",
        Some(r#"{"text": "beep"}"#),
    )
    .await;
    allowed(
        &emu,
        Method::GET,
        &format!("/v1/spaces/{TEAM_RUST}"),
        "app;scopes=chat.app.spaces",
        None,
    )
    .await;
    let body =
        r#"{"spaceType": "SPACE", "displayName": "App made", "customer": "customers/my_customer"}"#;
    allowed(
        &emu,
        Method::POST,
        "/v1/spaces",
        "app;scopes=chat.app.spaces.create",
        Some(body),
    )
    .await;
}
