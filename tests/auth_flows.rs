//! Signing in for real, against the emulator's OAuth server, through yup-oauth2 itself:
//! the installed-app flow with a generated client_secrets.json, the service-account flow
//! with a generated service_account.json, refresh, revocation, status and logout.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Once;

use common::*;
use gchat::api::model::{Message, UserType};
use gchat::api::{ApiError, CreateMessage, ListSpaces, MembershipName, UserRef};
use gchat::auth::{self, profile, LoginOptions};
use gchat::emulator::Emulator;

/// Profiles live under one temporary data directory for this test process; each test
/// uses its own profile name.
fn data_dir() -> &'static Path {
    static ONCE: Once = Once::new();
    static mut DIR: Option<PathBuf> = None;
    ONCE.call_once(|| {
        let d = tempfile::tempdir().unwrap().keep();
        std::env::set_var("GCHAT_DATA_DIR", &d);
        std::env::set_var("GCHAT_CONFIG_DIR", &d);
        // SAFETY: written once, inside call_once, before any reader.
        unsafe { DIR = Some(d) };
    });
    // SAFETY: only read after call_once has finished writing it.
    unsafe { (*std::ptr::addr_of!(DIR)).as_deref().unwrap() }
}

async fn sign_in_user(emu: &Emulator, name: &str) -> profile::Account {
    let _ = data_dir();
    let secrets = mint(emu, "oauth-clients").await;
    let opts = LoginOptions {
        profile: name.into(),
        client_secrets: Some(secrets),
        endpoint: Some(emu.url()),
        ..Default::default()
    };
    auth::login(&opts, Some(browser())).await.expect("login")
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_in_with_the_installed_app_flow() {
    let emu = demo().await;
    let account = sign_in_user(&emu, "person").await;
    assert_eq!(account.kind, profile::AccountKind::User);
    assert_eq!(account.identity.user.as_deref(), Some("users/1001"));
    assert_eq!(account.identity.name.as_deref(), Some("Alice Chen"));
    assert_eq!(account.identity.email.as_deref(), Some("alice@example.com"));
    let short: Vec<&str> = account.scopes.iter().map(|s| auth::short(s)).collect();
    let wanted: Vec<&str> = auth::USER_SCOPES.iter().map(|(s, _)| *s).collect();
    assert_eq!(short, wanted, "exactly the scopes gchat uses");
    // The cache is the owner's alone.
    #[cfg(unix)]
    {
        assert_eq!(mode(&profile::tokens_path("person")), 0o600);
        assert_eq!(mode(&profile::account_path("person")), 0o600);
        assert_eq!(mode(&profile::dir("person")), 0o700);
    }
    // The cached token works for the API, without signing in again.
    let client = auth::client("person", &account).await.unwrap();
    let spaces = client.list_spaces(&ListSpaces::default()).await.unwrap();
    assert!(spaces
        .spaces
        .iter()
        .any(|s| s.display_name.as_deref() == Some("Team Rust")));
    let grants = emu.service().with_store(|s| s.oauth.grants.clone());
    assert_eq!(grants.get("authorization_code"), Some(&1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_tells_who_how_and_until_when_but_never_a_token() {
    let emu = demo().await;
    sign_in_user(&emu, "status").await;
    let text = auth::status("status").unwrap();
    assert!(
        text.contains("Alice Chen <alice@example.com> (users/1001)"),
        "{text}"
    );
    assert!(text.contains("installed-app flow"), "{text}");
    assert!(text.contains("chat.messages"), "{text}");
    assert!(text.contains("valid until"), "{text}");
    #[cfg(unix)]
    assert!(text.contains("mode 600"), "{text}");
    let cache = std::fs::read_to_string(profile::tokens_path("status")).unwrap();
    let tokens: serde_json::Value = serde_json::from_str(&cache).unwrap();
    for t in tokens.as_object().unwrap().values() {
        for field in ["access_token", "refresh_token"] {
            let secret = t[field].as_str().unwrap();
            assert!(!text.contains(secret), "status shows the {field}");
        }
    }
    let missing = auth::status("nobody-here").unwrap();
    assert!(missing.contains("Not signed in"), "{missing}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_is_refreshed() {
    let emu = demo().await;
    let account = sign_in_user(&emu, "refresh").await;
    let client = auth::client("refresh", &account).await.unwrap();
    client.list_spaces(&ListSpaces::default()).await.unwrap();
    // Time passes: every issued access token is now expired.
    emu.service().with_store(|s| s.oauth.expire_access_tokens());
    let again = client.list_spaces(&ListSpaces::default()).await;
    assert!(again.is_ok(), "{again:?}");
    let grants = emu.service().with_store(|s| s.oauth.grants.clone());
    assert_eq!(grants.get("refresh_token"), Some(&1), "{grants:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_sign_in_says_to_sign_in_again() {
    let emu = demo().await;
    let account = sign_in_user(&emu, "revoked").await;
    let client = auth::client("revoked", &account).await.unwrap();
    client.list_spaces(&ListSpaces::default()).await.unwrap();
    emu.service().with_store(|s| s.oauth.revoke_user("1001"));
    let e = client
        .list_spaces(&ListSpaces::default())
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Auth(_)), "{e:?}");
    let shown = gchat::app::explain(&e);
    assert_eq!(
        shown,
        "Your sign-in has expired or was revoked. Run `gchat auth login --profile revoked` to sign in again."
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_revokes_and_deletes() {
    let emu = demo().await;
    sign_in_user(&emu, "bye").await;
    assert_eq!(emu.service().with_store(|s| s.oauth.refresh.len()), 1);
    let said = auth::logout("bye").await.unwrap();
    assert!(said.contains("Signed out"), "{said}");
    assert!(!profile::tokens_path("bye").exists());
    assert!(!profile::account_path("bye").exists());
    assert_eq!(
        emu.service().with_store(|s| s.oauth.refresh.len()),
        0,
        "the refresh token was revoked"
    );
    assert!(auth::status("bye").unwrap().contains("Not signed in"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chat_app_signs_in_with_a_service_account() {
    let emu = demo().await;
    let key = mint(&emu, "service-accounts").await;
    let opts = LoginOptions {
        profile: "app".into(),
        service_account: Some(key),
        endpoint: Some(emu.url()),
        ..Default::default()
    };
    let account = auth::login(&opts, None).await.unwrap();
    assert_eq!(account.kind, profile::AccountKind::ServiceAccount);
    assert_eq!(account.scopes, ["https://www.googleapis.com/auth/chat.bot"]);
    #[cfg(unix)]
    assert_eq!(mode(&profile::tokens_path("app")), 0o600);
    let client = auth::client("app", &account).await.unwrap();
    // The spaces the app is in.
    let spaces = client.list_all_spaces(None).await.unwrap();
    assert!(spaces
        .iter()
        .any(|s| s.display_name.as_deref() == Some("Team Rust")));
    assert!(!spaces
        .iter()
        .any(|s| s.display_name.as_deref() == Some("工程部")));
    // It posts as the app, and may not list messages.
    let m = client
        .create_message(
            &space(TEAM_RUST),
            &Message::text("Deployed ✅"),
            &CreateMessage::default(),
        )
        .await
        .unwrap();
    let sender = m.sender.unwrap();
    assert_eq!(sender.user_type, Some(UserType::Bot));
    assert_eq!(sender.name.as_deref(), Some("users/9000"));
    let e = client
        .list_messages(&space(TEAM_RUST), &Default::default())
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(403));
    assert_eq!(
        emu.service()
            .with_store(|s| s.oauth.grants.get("jwt-bearer").copied()),
        Some(1)
    );
    let text = auth::status("app").unwrap();
    assert!(text.contains("acting as the Chat app"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_removes_itself_with_the_admin_approved_scope() {
    let emu = demo().await;
    let key = mint(&emu, "service-accounts").await;
    let login = |name: &str, scopes: Vec<String>| LoginOptions {
        profile: name.into(),
        service_account: Some(key.clone()),
        endpoint: Some(emu.url()),
        scopes,
        ..Default::default()
    };
    let plain = auth::login(&login("app-plain", vec![]), None)
        .await
        .unwrap();
    let plain = auth::client("app-plain", &plain).await.unwrap();
    let own = MembershipName::new(&space(TEAM_RUST), UserRef::App);
    let e = plain.delete_member(&own).await.unwrap_err();
    assert!(e.is_scope_insufficient(), "{e:?}");
    let admin = auth::login(
        &login(
            "app-admin",
            vec!["chat.bot".into(), "chat.app.memberships".into()],
        ),
        None,
    )
    .await
    .unwrap();
    let admin = auth::client("app-admin", &admin).await.unwrap();
    let gone = admin.delete_member(&own).await.unwrap();
    assert_eq!(
        gone.name.as_deref(),
        Some("spaces/AAAATeamRst/members/9000")
    );
    assert!(emu
        .service()
        .with_store(|s| s.spaces[TEAM_RUST].member("9000").is_none()));
}

// ---------------------------------------------------------------- the OAuth server itself

async fn authorize(emu: &Emulator, client_id: &str, extra: &str) -> (u16, String) {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let resp = http
        .get(format!(
            "{}/o/oauth2/auth?client_id={client_id}&redirect_uri=http://127.0.0.1:9/cb&response_type=code&scope=https://www.googleapis.com/auth/chat.messages{extra}",
            emu.url()
        ))
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (status, location)
}

fn query_param(url: &str, key: &str) -> Option<String> {
    let q = url.split_once('?')?.1;
    form_urlencoded::parse(q.as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn the_consent_screen_checks_the_client_and_redirect() {
    let emu = demo().await;
    let (code, _) = authorize(&emu, "unknown.apps.googleusercontent.com", "").await;
    assert_eq!(code, 401);
    let secrets: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(mint(&emu, "oauth-clients").await).unwrap())
            .unwrap();
    let id = secrets["installed"]["client_id"].as_str().unwrap();
    let (code, location) = authorize(&emu, id, "&state=xyz").await;
    assert_eq!(code, 302);
    assert!(
        location.starts_with("http://127.0.0.1:9/cb?code="),
        "{location}"
    );
    assert_eq!(
        query_param(&location, "state").as_deref(),
        Some("xyz"),
        "state is echoed"
    );
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let evil = http
        .get(format!(
            "{}/o/oauth2/auth?client_id={id}&redirect_uri=https://evil.example.com/cb&response_type=code&scope=openid",
            emu.url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(evil.status().as_u16(), 400, "only loopback redirects");
}

#[tokio::test]
async fn pkce_is_enforced_when_a_challenge_was_sent() {
    use base64::Engine;
    use sha2::Digest;
    let emu = demo().await;
    let secrets: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(mint(&emu, "oauth-clients").await).unwrap())
            .unwrap();
    let id = secrets["installed"]["client_id"]
        .as_str()
        .unwrap()
        .to_string();
    let secret = secrets["installed"]["client_secret"]
        .as_str()
        .unwrap()
        .to_string();
    let verifier = "a-long-random-verifier-a-long-random-verifier-0123456789";
    let challenge =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier));
    let exchange = |code: String, v: Option<&'static str>| {
        let (id, secret, url) = (id.clone(), secret.clone(), emu.url());
        async move {
            let mut form = vec![
                ("grant_type", "authorization_code".to_string()),
                ("code", code),
                ("client_id", id),
                ("client_secret", secret),
                ("redirect_uri", "http://127.0.0.1:9/cb".to_string()),
            ];
            if let Some(v) = v {
                form.push(("code_verifier", v.to_string()));
            }
            let r = reqwest::Client::new()
                .post(format!("{url}/token"))
                .form(&form)
                .send()
                .await
                .unwrap();
            (
                r.status().as_u16(),
                r.json::<serde_json::Value>().await.unwrap(),
            )
        }
    };
    let extra = format!("&code_challenge={challenge}&code_challenge_method=S256");
    let (_, loc) = authorize(&emu, &id, &extra).await;
    let (status, body) = exchange(query_param(&loc, "code").unwrap(), None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let (_, loc) = authorize(&emu, &id, &extra).await;
    let (status, _) = exchange(
        query_param(&loc, "code").unwrap(),
        Some("the-wrong-verifier"),
    )
    .await;
    assert_eq!(status, 400);
    let (_, loc) = authorize(&emu, &id, &extra).await;
    let code = query_param(&loc, "code").unwrap();
    let (status, body) = exchange(code.clone(), Some(verifier)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["access_token"].as_str().unwrap().starts_with("ya29."));
    let (status, _) = exchange(code, Some(verifier)).await;
    assert_eq!(status, 400, "a code works once");
}

#[tokio::test]
async fn service_account_jwts_are_verified() {
    let emu = demo().await;
    let form = |assertion: &str| {
        vec![
            (
                "grant_type",
                "urn:ietf:params:oauth:grant-type:jwt-bearer".to_string(),
            ),
            ("assertion", assertion.to_string()),
        ]
    };
    let post = |f: Vec<(&'static str, String)>| {
        let url = emu.url();
        async move {
            let r = reqwest::Client::new()
                .post(format!("{url}/token"))
                .form(&f)
                .send()
                .await
                .unwrap();
            (
                r.status().as_u16(),
                r.json::<serde_json::Value>().await.unwrap(),
            )
        }
    };
    // Signed by nobody the emulator knows.
    let forged = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4QHkuY29tIiwic2NvcGUiOiJodHRwczovL3d3dy5nb29nbGVhcGlzLmNvbS9hdXRoL2NoYXQuYm90IiwiYXVkIjoiaHR0cDovL3gvdG9rZW4iLCJleHAiOjQxMDI0NDQ4MDAsImlhdCI6MH0.c2ln";
    let (status, body) = post(form(forged)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let (status, _) = post(form("not.a-jwt")).await;
    assert_eq!(status, 400);
}
