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
