//! Signing in for real, against the emulator's OAuth server: the browser step (state,
//! PKCE, the loopback listener) with a generated client_secrets.json, then yup-oauth2 for
//! refresh; the service-account flow with a generated service_account.json; revocation,
//! status and logout; and what an attacker at the loopback port cannot do.

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
    let wanted: Vec<&str> = auth::USER_SCOPES.iter().map(|(s, _)| s.name()).collect();
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

/// The consent screen's answer to `redirect_uri` (sent exactly as given): its status and
/// `Location`.
async fn authorize_to(emu: &Emulator, client_id: &str, redirect_uri: &str) -> (u16, String) {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("response_type", "code")
        .append_pair("scope", "openid")
        .finish();
    let resp = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/o/oauth2/auth?{query}", emu.url()))
        .send()
        .await
        .unwrap();
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (resp.status().as_u16(), location)
}

async fn client_id(emu: &Emulator) -> (String, String) {
    let secrets: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(mint(emu, "oauth-clients").await).unwrap())
            .unwrap();
    (
        secrets["installed"]["client_id"].as_str().unwrap().into(),
        secrets["installed"]["client_secret"]
            .as_str()
            .unwrap()
            .into(),
    )
}

#[tokio::test]
async fn the_code_goes_only_to_a_loopback_address() {
    let emu = demo().await;
    let (id, _) = client_id(&emu).await;
    // RFC 8252 §7.3 and §8.3: plain http to the loopback literal 127.0.0.1 or [::1], or
    // to localhost; any port; no user information, no fragment; nothing that parsers
    // could read two ways.
    for bad in [
        "http://127.0.0.1:80@evil.example.com/cb",
        "http://127.0.0.1@evil.example.com/cb",
        "http://localhost:80@evil.example.com",
        "http://user:pw@127.0.0.1:9/cb",
        "http://evil.example.com@127.0.0.1:9/cb",
        "http://127.0.0.1.evil.com/cb",
        "http://localhost.evil.com/cb",
        "http://127.0.0.1%2eevil.com/cb",
        "http://localhost./cb",
        "http://127.0.0.2/cb",
        "http://[::ffff:127.0.0.1]/cb",
        "http://[::1]:x/cb",
        "http://127.0.0.1:99999/cb",
        "http://127.0.0.1:9/cb#frag",
        "http://evil.example.com\\@127.0.0.1/cb",
        "http://127.0.0.1\\@evil.example.com/cb",
        "http://127.0.0.1:9/cb\r\nSet-Cookie: x=y",
        "https://127.0.0.1/cb",
        "ftp://127.0.0.1/cb",
        "javascript:alert(1)//127.0.0.1",
        "//127.0.0.1:9/cb",
        "127.0.0.1:9/cb",
        "https://evil.example.com/cb",
        "",
    ] {
        let (status, location) = authorize_to(&emu, &id, bad).await;
        assert_eq!((status, location.as_str()), (400, ""), "{bad:?}");
    }
    for (good, lands) in [
        ("http://127.0.0.1:9/cb", "http://127.0.0.1:9/cb?code="),
        ("http://127.0.0.1", "http://127.0.0.1/?code="),
        ("http://[::1]:9/cb", "http://[::1]:9/cb?code="),
        ("http://localhost:9/", "http://localhost:9/?code="),
        ("http://LOCALHOST:9/cb", "http://localhost:9/cb?code="),
        (
            "http://127.0.0.1:9/cb?x=1",
            "http://127.0.0.1:9/cb?x=1&code=",
        ),
    ] {
        let (status, location) = authorize_to(&emu, &id, good).await;
        assert_eq!(status, 302, "{good:?}");
        assert!(location.starts_with(lands), "{good:?} -> {location}");
    }
}

/// Exchanges `code` at the token endpoint with this verifier (if any).
async fn exchange(
    emu: &Emulator,
    (id, secret): &(String, String),
    code: &str,
    verifier: Option<&str>,
) -> (u16, serde_json::Value) {
    let mut form = vec![
        ("grant_type", "authorization_code".to_string()),
        ("code", code.to_string()),
        ("client_id", id.clone()),
        ("client_secret", secret.clone()),
        ("redirect_uri", "http://127.0.0.1:9/cb".to_string()),
    ];
    if let Some(v) = verifier {
        form.push(("code_verifier", v.to_string()));
    }
    let r = reqwest::Client::new()
        .post(format!("{}/token", emu.url()))
        .form(&form)
        .send()
        .await
        .unwrap();
    (
        r.status().as_u16(),
        r.json::<serde_json::Value>().await.unwrap_or_default(),
    )
}

#[tokio::test]
async fn pkce_follows_rfc_7636() {
    let emu = demo().await;
    let client = client_id(&emu).await;
    let verifier = "plain-verifier-plain-verifier-plain-verifier-0123456789._~";
    // No method means plain (RFC 7636 §4.3).
    let (status, loc) = authorize(&emu, &client.0, &format!("&code_challenge={verifier}")).await;
    assert_eq!(status, 302, "{loc}");
    let code = query_param(&loc, "code").unwrap();
    let (status, body) = exchange(&emu, &client, &code, Some(verifier)).await;
    assert_eq!(status, 200, "{body}");
    // A method without a challenge, a method nobody knows, a challenge of the wrong form.
    for extra in [
        "&code_challenge_method=S256".to_string(),
        format!("&code_challenge={verifier}&code_challenge_method=s256"),
        "&code_challenge=short".to_string(),
        format!("&code_challenge={verifier}{verifier}{verifier}"),
        "&code_challenge=has%20space-has-space-has-space-has-space-has-space".to_string(),
        "&code_challenge=".to_string(),
    ] {
        let (status, loc) = authorize(&emu, &client.0, &extra).await;
        assert_eq!((status, loc.as_str()), (400, ""), "{extra}");
    }
    // A verifier for a code that had no challenge is refused (a downgrade, RFC 9700
    // §2.1.1), as is a code_verifier of the wrong form.
    let (_, loc) = authorize(&emu, &client.0, "").await;
    let code = query_param(&loc, "code").unwrap();
    let (status, body) = exchange(&emu, &client, &code, Some(verifier)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );
    let (_, loc) = authorize(&emu, &client.0, "&code_challenge=short-verifier-short").await;
    assert_eq!(loc, "", "a 19-character challenge is refused");
}

/// A JWT with this header and claims, signed by `sign` over `header.claims`.
fn jwt(
    header: &serde_json::Value,
    claims: &serde_json::Value,
    sign: impl Fn(&[u8]) -> Vec<u8>,
) -> String {
    use base64::Engine;
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let signed = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let sig = sign(signed.as_bytes());
    format!("{signed}.{}", b64(&sig))
}

fn split3(token: &str) -> (&str, &str, &str) {
    let mut p = token.split('.');
    (p.next().unwrap(), p.next().unwrap(), p.next().unwrap())
}

fn rs256(pem: &str) -> impl Fn(&[u8]) -> Vec<u8> {
    use rsa::pkcs8::DecodePrivateKey;
    use rsa::signature::{SignatureEncoding, Signer};
    let key = rsa::RsaPrivateKey::from_pkcs8_pem(pem).unwrap();
    let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(key);
    move |m: &[u8]| signer.sign(m).to_vec()
}

/// HMAC-SHA256 (RFC 2104), as a confused verifier would check HS256.
fn hs256(key: &[u8]) -> impl Fn(&[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let mut k = if key.len() > 64 {
        Sha256::digest(key).to_vec()
    } else {
        key.to_vec()
    };
    k.resize(64, 0);
    move |m: &[u8]| {
        let pad = |b: u8| k.iter().map(|x| x ^ b).collect::<Vec<u8>>();
        let inner = Sha256::new()
            .chain_update(pad(0x36))
            .chain_update(m)
            .finalize();
        Sha256::new()
            .chain_update(pad(0x5c))
            .chain_update(inner)
            .finalize()
            .to_vec()
    }
}

#[tokio::test]
async fn service_account_jwts_are_verified() {
    let emu = demo().await;
    let read = |p: std::path::PathBuf| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    };
    let sa = read(mint(&emu, "service-accounts").await);
    let other = read(mint(&emu, "service-accounts").await);
    let email = sa["client_email"].as_str().unwrap();
    let key = sa["private_key"].as_str().unwrap();
    let token_uri = sa["token_uri"].as_str().unwrap().to_string();
    assert_eq!(token_uri, format!("{}/token", emu.url()));
    let now = chrono::Utc::now().timestamp();
    let claims = |aud: &str| {
        serde_json::json!({
            "iss": email,
            "scope": "https://www.googleapis.com/auth/chat.bot",
            "aud": aud,
            "iat": now,
            "exp": now + 3600,
        })
    };
    let rs = serde_json::json!({"alg": "RS256", "typ": "JWT"});
    let grant = |assertion: String| {
        let url = token_uri.clone();
        async move {
            let r = reqwest::Client::new()
                .post(url)
                .form(&[
                    ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                    ("assertion", &assertion),
                ])
                .send()
                .await
                .unwrap();
            (
                r.status().as_u16(),
                r.json::<serde_json::Value>().await.unwrap_or_default(),
            )
        }
    };
    let public_pem = {
        use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey, LineEnding};
        rsa::RsaPrivateKey::from_pkcs8_pem(key)
            .unwrap()
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap()
    };
    let port = emu.addr().port();
    let mut refused: Vec<(&str, String)> = vec![
        (
            "signed by another service account's key",
            jwt(
                &rs,
                &claims(&token_uri),
                rs256(other["private_key"].as_str().unwrap()),
            ),
        ),
        (
            "alg none",
            jwt(
                &serde_json::json!({"alg": "none"}),
                &claims(&token_uri),
                |_| Vec::new(),
            ),
        ),
        (
            "HS256 keyed with the public key",
            jwt(
                &serde_json::json!({"alg": "HS256", "typ": "JWT"}),
                &claims(&token_uri),
                hs256(public_pem.as_bytes()),
            ),
        ),
        ("claims changed after signing", {
            let good = jwt(&rs, &claims(&token_uri), rs256(key));
            let mut delegated = claims(&token_uri);
            delegated["sub"] = "alice@example.com".into();
            let forged = jwt(&rs, &delegated, |_| Vec::new());
            let (h, c, _) = split3(&forged);
            format!("{h}.{c}.{}", split3(&good).2)
        }),
        (
            "another audience",
            jwt(&rs, &claims("https://evil.example.com/token"), rs256(key)),
        ),
        (
            "a lookalike audience",
            jwt(
                &rs,
                &claims(&format!("http://127.0.0.1.evil.com:{port}/token")),
                rs256(key),
            ),
        ),
        (
            "an audience that only ends like the endpoint",
            jwt(&rs, &claims(&format!("{token_uri}/x/token")), rs256(key)),
        ),
        (
            "Google's audience, not this endpoint's",
            jwt(
                &rs,
                &claims("https://oauth2.googleapis.com/token"),
                rs256(key),
            ),
        ),
    ];
    refused.push(("not a JWT", "not.a-jwt".to_string()));
    refused.push(("three parts, none of them JSON", "a.b.c".to_string()));
    let mut stranger = claims(&token_uri);
    stranger["iss"] = "stranger@elsewhere.iam.gserviceaccount.com".into();
    refused.push((
        "an issuer nobody registered",
        jwt(&rs, &stranger, rs256(key)),
    ));
    let mut stale = claims(&token_uri);
    stale["iat"] = (now - 7200).into();
    stale["exp"] = (now - 3600).into();
    refused.push(("expired", jwt(&rs, &stale, rs256(key))));
    for (what, assertion) in refused {
        let (status, body) = grant(assertion).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some("invalid_grant")),
            "{what}: {body}"
        );
    }
    assert_eq!(
        emu.service()
            .with_store(|s| s.oauth.grants.get("jwt-bearer").copied()),
        None,
        "nothing was granted"
    );
    let (status, body) = grant(jwt(&rs, &claims(&token_uri), rs256(key))).await;
    assert_eq!(status, 200, "the genuine assertion: {body}");
}

// ---------------------------------------------------------------- login CSRF (RFC 8252)

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Visits the consent page without following its redirect: the loopback address with the
/// code (and the echoed state), as the browser was told to go to.
async fn consent(url: &str) -> String {
    let resp = no_redirects().get(url).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 302, "consent page for {url}");
    resp.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap()
        .to_string()
}

/// `url` with its query parameter `key` set to `value`.
fn with_param(url: &str, key: &str, value: &str) -> String {
    let (base, q) = url.split_once('?').unwrap();
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(q.as_bytes()) {
        if k == key {
            out.append_pair(&k, value);
        } else {
            out.append_pair(&k, &v);
        }
    }
    format!("{base}?{}", out.finish())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attacker_at_the_loopback_cannot_finish_the_sign_in() {
    let emu = demo().await;
    let _ = data_dir();
    let secrets = mint(&emu, "oauth-clients").await;
    let base = emu.url();
    // The attacker knows the public client id and the loopback address (from the sign-in
    // page's address, or by scanning ports), consents as Bob to something narrow, and
    // sends Bob's code to the waiting gchat before Alice finishes.
    let browser: auth::Presenter = std::sync::Arc::new(move |url: String| {
        let base = base.clone();
        Box::pin(async move {
            let client_id = query_param(&url, "client_id").unwrap();
            let redirect = query_param(&url, "redirect_uri").unwrap();
            let theirs = consent(&format!(
                "{base}/o/oauth2/auth?client_id={client_id}&redirect_uri={redirect}&response_type=code&scope=https://www.googleapis.com/auth/chat.messages.readonly&login_hint=bob@example.com"
            ))
            .await;
            let code = query_param(&theirs, "code").unwrap();
            let sep = if redirect.contains('?') { '&' } else { '?' };
            let bad_state = |extra: &str| {
                let mut q = form_urlencoded::Serializer::new(String::new());
                q.append_pair("code", &code);
                format!("{redirect}{sep}{}{extra}", q.finish())
            };
            for forged in [
                bad_state(""),
                bad_state("&state="),
                bad_state("&state=guessed"),
                format!("{redirect}{sep}error=access_denied&state=guessed"),
                format!("{redirect}{sep}error=access_denied"),
            ] {
                let resp = no_redirects()
                    .get(&forged)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                let status = resp.status().as_u16();
                let page = resp.text().await.unwrap_or_default();
                assert_eq!(status, 400, "{forged} was taken: {page}");
                assert!(page.contains("still waiting"), "{page}");
            }
            // Then Alice consents for real, in her browser.
            let resp = reqwest::get(&url).await.map_err(|e| e.to_string())?;
            assert!(resp.status().is_success(), "{}", resp.status());
            let page = resp.text().await.unwrap_or_default();
            assert!(page.contains("close this tab"), "{page}");
            Ok(())
        })
    });
    let opts = LoginOptions {
        profile: "csrf".into(),
        client_secrets: Some(secrets),
        endpoint: Some(emu.url()),
        ..Default::default()
    };
    let account = auth::login(&opts, Some(browser)).await.expect("login");
    assert_eq!(account.identity.email.as_deref(), Some("alice@example.com"));
    assert_eq!(account.identity.user.as_deref(), Some("users/1001"));
    assert_eq!(account.scopes.len(), auth::USER_SCOPES.len());
    // Bob's code was never exchanged: it is still unused at the server.
    let (grants, unused) = emu
        .service()
        .with_store(|s| (s.oauth.grants.clone(), s.oauth.codes.len()));
    assert_eq!(grants.get("authorization_code"), Some(&1));
    assert_eq!(unused, 1, "the attacker's code is left unused");
    let text = auth::status("csrf").unwrap();
    assert!(text.contains("alice@example.com"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stolen_code_is_useless_without_the_pkce_verifier() {
    let emu = demo().await;
    let _ = data_dir();
    let secrets = mint(&emu, "oauth-clients").await;
    let installed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&secrets).unwrap()).unwrap();
    let id = installed["installed"]["client_id"]
        .as_str()
        .unwrap()
        .to_string();
    // An installed app's client secret is not secret: anyone with gchat has it.
    let secret = installed["installed"]["client_secret"]
        .as_str()
        .unwrap()
        .to_string();
    let token_url = format!("{}/token", emu.url());
    let browser: auth::Presenter = std::sync::Arc::new(move |url: String| {
        let (id, secret, token_url) = (id.clone(), secret.clone(), token_url.clone());
        Box::pin(async move {
            assert_eq!(
                query_param(&url, "code_challenge_method").as_deref(),
                Some("S256"),
                "{url}"
            );
            let challenge = query_param(&url, "code_challenge").unwrap_or_default();
            assert_eq!(challenge.len(), 43, "a SHA-256 challenge: {url}");
            let state = query_param(&url, "state").unwrap_or_default();
            assert!(state.len() >= 22, "an unguessable state: {url}");
            // Something that sees the redirect (another app on this machine, a browser
            // extension) takes the code and exchanges it first.
            let seen = consent(&url).await;
            let code = query_param(&seen, "code").unwrap();
            let redirect = query_param(&url, "redirect_uri").unwrap();
            let r = reqwest::Client::new()
                .post(&token_url)
                .form(&[
                    ("grant_type", "authorization_code"),
                    ("code", &code),
                    ("client_id", &id),
                    ("client_secret", &secret),
                    ("redirect_uri", &redirect),
                ])
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let status = r.status().as_u16();
            let body: serde_json::Value = r.json().await.unwrap_or_default();
            assert_eq!(status, 400, "the stolen code worked: {body}");
            assert_eq!(body["error"].as_str(), Some("invalid_grant"), "{body}");
            // The person signs in again, for real.
            let resp = reqwest::get(&url).await.map_err(|e| e.to_string())?;
            assert!(resp.status().is_success(), "{}", resp.status());
            Ok(())
        })
    });
    let opts = LoginOptions {
        profile: "pkce".into(),
        client_secrets: Some(secrets),
        endpoint: Some(emu.url()),
        ..Default::default()
    };
    let account = auth::login(&opts, Some(browser)).await.expect("login");
    assert_eq!(account.identity.user.as_deref(), Some("users/1001"));
    let grants = emu.service().with_store(|s| s.oauth.grants.clone());
    assert_eq!(grants.get("authorization_code"), Some(&1), "{grants:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn narrower_granted_scopes_are_recorded_shown_and_greyed() {
    let emu = demo().await;
    let _ = data_dir();
    let secrets = mint(&emu, "oauth-clients").await;
    let kept: Vec<String> = auth::USER_SCOPES
        .iter()
        .map(|(s, _)| *s)
        .filter(|s| !matches!(s, auth::Scope::ChatDelete | auth::Scope::ChatMemberships))
        .map(|s| s.url())
        .collect();
    let granted = kept.join(" ");
    // The person unticks two boxes on the consent screen.
    let browser: auth::Presenter = std::sync::Arc::new(move |url: String| {
        let url = with_param(&url, "scope", &granted);
        Box::pin(async move {
            let resp = reqwest::get(&url).await.map_err(|e| e.to_string())?;
            assert!(resp.status().is_success(), "{}", resp.status());
            Ok(())
        })
    });
    let opts = LoginOptions {
        profile: "narrow".into(),
        client_secrets: Some(secrets),
        endpoint: Some(emu.url()),
        ..Default::default()
    };
    let account = auth::login(&opts, Some(browser)).await.expect("login");
    assert_eq!(account.scopes, kept, "the scopes granted, not those asked");
    let text = auth::status("narrow").unwrap();
    let scopes_line = text.lines().find(|l| l.starts_with("Scopes:")).unwrap();
    assert!(!scopes_line.contains("chat.delete"), "{text}");
    assert!(!scopes_line.contains("chat.memberships,"), "{text}");
    assert!(scopes_line.contains("chat.messages"), "{text}");
    let missing = text.lines().find(|l| l.starts_with("Not granted:"));
    let missing = missing.unwrap_or_else(|| panic!("no missing scopes in {text}"));
    assert!(
        missing.contains("chat.delete (delete spaces you manage)"),
        "{text}"
    );
    assert!(missing.contains("chat.memberships (list members"), "{text}");
    // The cached token is found under the granted scopes, and refreshed after expiry.
    let client = auth::client("narrow", &account).await.unwrap();
    client.list_spaces(&ListSpaces::default()).await.unwrap();
    emu.service().with_store(|s| s.oauth.expire_access_tokens());
    client.list_spaces(&ListSpaces::default()).await.unwrap();
    let grants = emu.service().with_store(|s| s.oauth.grants.clone());
    assert_eq!(grants.get("refresh_token"), Some(&1), "{grants:?}");
    // The app greys what the granted scopes forbid, and allows the rest.
    let app = gchat::app::App::new(
        gchat::app::Identity::signed_in(&account),
        gchat::app::Settings {
            profile: "narrow".into(),
            ..Default::default()
        },
        gchat::keymap::Keymap::defaults(),
    );
    let help = gchat::ui::help::lines(&app);
    let line = |needle: &str| {
        help.iter()
            .find(|l| {
                l.spans
                    .iter()
                    .map(|s| s.content.as_ref())
                    .collect::<String>()
                    .contains(needle)
            })
            .unwrap_or_else(|| panic!("no help line with {needle:?}"))
            .clone()
    };
    let delete = line("Delete the space");
    let text: String = delete.spans.iter().map(|s| s.content.as_ref()).collect();
    assert!(
        text.contains("(unavailable: needs the chat.delete scope; run `gchat auth login --profile narrow` to grant it)"),
        "{text}"
    );
    let dim = gchat::theme::dim();
    assert!(delete.spans.iter().all(|s| s.style == dim), "{delete:?}");
    let remove = line("Remove the selected member");
    assert!(remove.spans.iter().all(|s| s.style == dim), "{remove:?}");
    let reply = line("Reply in the selected message's thread");
    let text: String = reply.spans.iter().map(|s| s.content.as_ref()).collect();
    assert!(!text.contains("unavailable"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_login_command_says_which_scopes_were_not_granted_and_never_prints_a_secret() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let emu = demo().await;
    let dir = data_dir();
    let secrets = mint(&emu, "oauth-clients").await;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_gchat"))
        .args(["auth", "login", "--profile", "cli-narrow", "--no-browser"])
        .arg("--client-secrets")
        .arg(&secrets)
        .args(["--endpoint", &emu.url()])
        .env("GCHAT_DATA_DIR", dir)
        .env("GCHAT_CONFIG_DIR", dir)
        .env("GCHAT_LOG_DIR", dir)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut printed = String::new();
    let url = tokio::time::timeout(std::time::Duration::from_secs(120), async {
        while let Some(line) = err.next_line().await.unwrap() {
            printed.push_str(&line);
            printed.push('\n');
            if let Some(at) = line.find("http://") {
                if line.contains("/o/oauth2/auth?") {
                    return line[at..].trim().to_string();
                }
            }
        }
        panic!("no sign-in address in {printed}");
    })
    .await
    .expect("the sign-in address is printed");
    // The person allows all but chat.delete.
    let granted: Vec<String> = auth::USER_SCOPES
        .iter()
        .filter(|(s, _)| *s != auth::Scope::ChatDelete)
        .map(|(s, _)| s.url())
        .collect();
    let resp = reqwest::get(with_param(&url, "scope", &granted.join(" ")))
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    let out = tokio::time::timeout(
        std::time::Duration::from_secs(120),
        child.wait_with_output(),
    )
    .await
    .expect("gchat auth login exits")
    .unwrap();
    while let Ok(Some(line)) = err.next_line().await {
        printed.push_str(&line);
        printed.push('\n');
    }
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{stdout}{printed}");
    assert!(
        stdout.contains("Signed in as alice@example.com."),
        "{stdout}"
    );
    assert!(
        stdout.contains("Not granted: chat.delete (delete spaces you manage). gchat works without them but cannot do those things; to allow them, run `gchat auth login --profile cli-narrow` again"),
        "{stdout}"
    );
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_gchat"))
        .args(["auth", "status", "--profile", "cli-narrow"])
        .env("GCHAT_DATA_DIR", dir)
        .env("GCHAT_CONFIG_DIR", dir)
        .env("GCHAT_LOG_DIR", dir)
        .output()
        .unwrap();
    let status = String::from_utf8_lossy(&status.stdout).to_string();
    assert!(
        status.contains("Not granted: chat.delete (delete spaces you manage)"),
        "{status}"
    );
    // No code, token or client secret on the terminal or in the log.
    let cache: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(profile::tokens_path("cli-narrow")).unwrap())
            .unwrap();
    let installed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&secrets).unwrap()).unwrap();
    let mut secret_values = vec![installed["installed"]["client_secret"]
        .as_str()
        .unwrap()
        .to_string()];
    for t in cache.as_object().unwrap().values() {
        for field in ["access_token", "refresh_token"] {
            secret_values.push(t[field].as_str().unwrap().to_string());
        }
    }
    let log = std::fs::read_to_string(dir.join("gchat.log")).unwrap_or_default();
    for s in &secret_values {
        for (what, text) in [
            ("stdout", &stdout),
            ("stderr", &printed),
            ("status", &status),
            ("log", &log),
        ] {
            assert!(!text.contains(s.as_str()), "a secret in {what}");
        }
    }
    assert!(!printed.contains("code="), "{printed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declining_a_new_sign_in_says_so_and_keeps_the_previous_one() {
    let emu = demo().await;
    let account = sign_in_user(&emu, "keep").await;
    let secrets = mint(&emu, "oauth-clients").await;
    // The person opens the consent screen again and presses Cancel: Google sends the
    // browser back with error=access_denied and the state.
    let browser: auth::Presenter = std::sync::Arc::new(|url: String| {
        Box::pin(async move {
            let redirect = query_param(&url, "redirect_uri").unwrap();
            let state = query_param(&url, "state").unwrap_or_default();
            let query = form_urlencoded::Serializer::new(String::new())
                .append_pair("error", "access_denied")
                .append_pair("state", &state)
                .finish();
            let resp = reqwest::get(format!("{redirect}?{query}"))
                .await
                .map_err(|e| e.to_string())?;
            assert!(resp.status().is_success(), "{}", resp.status());
            Ok(())
        })
    });
    let opts = LoginOptions {
        profile: "keep".into(),
        client_secrets: Some(secrets),
        endpoint: Some(emu.url()),
        ..Default::default()
    };
    let e = auth::login(&opts, Some(browser)).await.unwrap_err();
    assert_eq!(
        format!("{e:#}"),
        "the sign-in did not finish: you declined to let gchat use your account, so you are not signed in"
    );
    // The earlier sign-in still works.
    let text = auth::status("keep").unwrap();
    assert!(text.contains("valid until"), "{text}");
    let client = auth::client("keep", &account).await.unwrap();
    client.list_spaces(&ListSpaces::default()).await.unwrap();
}
