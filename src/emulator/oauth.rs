//! The emulator's OAuth 2.0 server, standing in for accounts.google.com and
//! oauth2.googleapis.com:
//!
//! - `GET /o/oauth2/auth`: the consent screen, which consents at once for the configured
//!   person (or the `login_hint`) and redirects to the loopback `redirect_uri` with a code;
//! - `POST /token`: the `authorization_code` (with PKCE when a challenge was sent),
//!   `refresh_token` and service-account JWT (`jwt-bearer`, RS256-verified) grants;
//! - `POST /revoke`: revokes an access or refresh token.
//!
//! Tokens it issues map to the same identities as the development tokens. Like the Cloud
//! console, it also mints credential files that point at it:
//! `POST /emulator/oauth-clients` answers a `client_secrets.json`, and
//! `POST /emulator/service-accounts` a `service_account.json` acting as the Chat app.

use std::collections::BTreeMap;

use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use chrono::Duration;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::auth::SCOPE_PREFIX;
use super::oauth_state::{AccessRec, CodeRec, Holder, OAuthClient, RefreshRec, ServiceAccount};
use super::store::{now, random_id, Store};
use crate::api::scope;

/// Scopes an installed app may ask for: Google's auth scopes and OpenID's.
fn known_scope(s: &str) -> bool {
    matches!(s, "openid" | "email" | "profile")
        || s.strip_prefix(SCOPE_PREFIX).is_some_and(|rest| {
            !rest.is_empty()
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-')
        })
}

/// What an app (service account, no subject) may hold.
fn app_scope(short: &str) -> bool {
    short == "chat.bot" || short.starts_with("chat.app.") || short == "chat.import"
}

/// An OAuth error answer: `{"error", "error_description"}`.
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    json_response(
        status,
        &json!({"error": error, "error_description": description}),
    )
}

fn json_response(status: StatusCode, v: &serde_json::Value) -> Response {
    let mut r = (status, serde_json::to_vec(v).unwrap_or_default()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    r
}

/// A small HTML page, as the consent screen shows errors.
fn page(status: StatusCode, title: &str, text: &str) -> Response {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let body = format!(
        "<!doctype html><html><head><title>{}</title></head><body><h1>{}</h1><p>{}</p></body></html>",
        esc(title),
        esc(title),
        esc(text)
    );
    let mut r = (status, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

fn params(query: Option<&str>, body: &[u8], headers: &HeaderMap) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        out.insert(k.into_owned(), v.into_owned());
    }
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|t| t.starts_with("application/x-www-form-urlencoded"));
    if form {
        for (k, v) in form_urlencoded::parse(body) {
            out.insert(k.into_owned(), v.into_owned());
        }
    } else if let Ok(serde_json::Value::Object(m)) =
        serde_json::from_slice::<serde_json::Value>(body)
    {
        for (k, v) in m {
            if let Some(s) = v.as_str() {
                out.insert(k, s.to_string());
            }
        }
    }
    out
}

/// The client id and secret, from the form or HTTP Basic.
fn client_credentials(
    p: &BTreeMap<String, String>,
    headers: &HeaderMap,
) -> (Option<String>, Option<String>) {
    if let Some(basic) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|b| String::from_utf8(b).ok())
    {
        if let Some((id, secret)) = basic.split_once(':') {
            return (Some(id.to_string()), Some(secret.to_string()));
        }
    }
    (p.get("client_id").cloned(), p.get("client_secret").cloned())
}

const OOB: &str = "urn:ietf:wg:oauth:2.0:oob";

/// Where the consent screen may send a code: an installed app's loopback listener
/// (RFC 8252 §7.3, §8.3), or the copy-and-paste page.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Redirect {
    Oob,
    Loopback(url::Url),
}

/// Reads `redirect_uri` with a real URL parser: plain `http` to exactly `127.0.0.1`,
/// `[::1]` or `localhost` (any port or none), without user information or a fragment,
/// and without anything that parsers read differently (backslashes, whitespace,
/// control characters: a URL parser silently drops or rewrites them).
fn loopback_redirect(uri: &str) -> Option<Redirect> {
    use std::net::{Ipv4Addr, Ipv6Addr};
    if uri == OOB {
        return Some(Redirect::Oob);
    }
    if uri
        .chars()
        .any(|c| c == '\\' || c.is_whitespace() || c.is_control())
    {
        return None;
    }
    let url = url::Url::parse(uri).ok()?;
    let host_ok = match url.host()? {
        url::Host::Domain(d) => d == "localhost",
        url::Host::Ipv4(ip) => ip == Ipv4Addr::LOCALHOST,
        url::Host::Ipv6(ip) => ip == Ipv6Addr::LOCALHOST,
    };
    let ok = url.scheme() == "http"
        && host_ok
        && url.username().is_empty()
        && url.password().is_none()
        && url.fragment().is_none();
    ok.then_some(Redirect::Loopback(url))
}

/// The emulator's own address, as the client reached it.
pub fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

pub struct Settings {
    /// Who consents on the authorization screen when no `login_hint` names someone.
    pub user: String,
    pub token_lifetime: Duration,
}

/// What an OAuth request changes: the response and whether the store changed.
pub struct Handled {
    pub response: Response,
    pub changed: bool,
}

fn unchanged(response: Response) -> Handled {
    Handled {
        response,
        changed: false,
    }
}

/// Handles one OAuth or credential-minting request, if `path` is one.
pub fn handle(
    store: &mut Store,
    settings: &Settings,
    method: &Method,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> Option<Handled> {
    Some(match (method.as_str(), path) {
        ("GET", "/o/oauth2/auth" | "/o/oauth2/v2/auth") => {
            authorize(store, settings, &params(query, b"", headers))
        }
        ("POST", "/token" | "/o/oauth2/token" | "/oauth2/v4/token") => {
            // A JWT's audience must be this very endpoint, as the client reached it.
            let endpoint = format!("{}{path}", base_url(headers));
            token(
                store,
                settings,
                &params(query, body, headers),
                headers,
                &endpoint,
            )
        }
        ("POST" | "GET", "/revoke" | "/o/oauth2/revoke") => {
            revoke(store, &params(query, body, headers))
        }
        ("POST", "/emulator/oauth-clients") => mint_client(store, headers),
        ("POST", "/emulator/service-accounts") => {
            mint_service_account(store, &params(query, body, headers), headers)
        }
        _ => return None,
    })
}

fn authorize(store: &mut Store, settings: &Settings, p: &BTreeMap<String, String>) -> Handled {
    let client_id = p.get("client_id").map(String::as_str).unwrap_or("");
    if !store.oauth.clients.contains_key(client_id) {
        return unchanged(page(
            StatusCode::UNAUTHORIZED,
            "Error 401: invalid_client",
            "The OAuth client was not found.",
        ));
    }
    let redirect = p.get("redirect_uri").cloned().unwrap_or_default();
    let Some(target) = loopback_redirect(&redirect) else {
        return unchanged(page(
            StatusCode::BAD_REQUEST,
            "Error 400: redirect_uri_mismatch",
            "An installed app must redirect to a loopback address (http://127.0.0.1:PORT, http://[::1]:PORT or http://localhost:PORT).",
        ));
    };
    if p.get("response_type").map(String::as_str) != Some("code") {
        return unchanged(page(
            StatusCode::BAD_REQUEST,
            "Error 400: unsupported_response_type",
            "Only response_type=code is supported.",
        ));
    }
    let scopes: Vec<String> = p
        .get("scope")
        .map(|s| s.split_whitespace().map(String::from).collect())
        .unwrap_or_default();
    if scopes.is_empty() || !scopes.iter().all(|s| known_scope(s)) {
        return unchanged(page(
            StatusCode::BAD_REQUEST,
            "Error 400: invalid_scope",
            "Some requested scopes were invalid or missing.",
        ));
    }
    let challenge = p.get("code_challenge").cloned();
    // RFC 7636 §4.3: without a method, the challenge is the verifier itself.
    let method = match (
        &challenge,
        p.get("code_challenge_method").map(String::as_str),
    ) {
        (None, None) => None,
        (Some(_), None | Some("plain")) => Some("plain".to_string()),
        (Some(_), Some("S256")) => Some("S256".to_string()),
        (None, Some(_)) => {
            return unchanged(page(
                StatusCode::BAD_REQUEST,
                "Error 400: invalid_request",
                "code_challenge_method was sent without a code_challenge.",
            ))
        }
        (Some(_), Some(_)) => {
            return unchanged(page(
                StatusCode::BAD_REQUEST,
                "Error 400: invalid_request",
                "code_challenge_method must be S256 or plain.",
            ))
        }
    };
    if challenge.as_deref().is_some_and(|c| !is_pkce_string(c)) {
        return unchanged(page(
            StatusCode::BAD_REQUEST,
            "Error 400: invalid_request",
            "code_challenge must be 43 to 128 letters, digits, '-', '.', '_' or '~'.",
        ));
    }
    // The person consenting: the login hint if it names someone, else the configured one.
    let user = p
        .get("login_hint")
        .and_then(|h| store.directory.person_by_email(h))
        .map(|p| p.id.clone())
        .unwrap_or_else(|| settings.user.clone());
    let code = format!("4/emu-{}", random_id(40));
    store.oauth.codes.insert(
        code.clone(),
        CodeRec {
            client_id: client_id.to_string(),
            redirect_uri: redirect.clone(),
            user,
            scopes: scopes.clone(),
            expires: now() + Duration::minutes(10),
            challenge,
            challenge_method: method,
        },
    );
    let Redirect::Loopback(mut location) = target else {
        return Handled {
            response: page(
                StatusCode::OK,
                "Sign-in code",
                &format!("Copy this code into the app: {code}"),
            ),
            changed: true,
        };
    };
    // The parsed URL, not the text: what the browser will follow is what was checked.
    {
        let mut q = location.query_pairs_mut();
        q.append_pair("code", &code);
        if let Some(state) = p.get("state") {
            q.append_pair("state", state);
        }
        q.append_pair("scope", &scopes.join(" "));
    }
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(location.as_str()) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    Handled {
        response: r,
        changed: true,
    }
}

/// RFC 7636 §4.1: 43 to 128 unreserved characters, for a verifier and a challenge alike.
fn is_pkce_string(s: &str) -> bool {
    (43..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// Whether `verifier` answers `challenge`. A challenge stored without a method (from
/// before methods were recorded) is `plain`, as RFC 7636 §4.3 says.
fn pkce_matches(challenge: &str, method: Option<&str>, verifier: &str) -> bool {
    let computed = match method {
        Some("S256") => base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(Sha256::digest(verifier.as_bytes())),
        _ => verifier.to_string(),
    };
    computed.as_bytes() == challenge.as_bytes()
}

fn issue_access(
    store: &mut Store,
    settings: &Settings,
    holder: Holder,
    scopes: &[String],
    refresh: Option<String>,
) -> (String, i64) {
    let token = format!("ya29.emu-{}", random_id(48));
    let lifetime = settings.token_lifetime;
    store.oauth.access.insert(
        token.clone(),
        AccessRec {
            holder,
            scopes: scopes.iter().map(|s| scope::short(s).to_string()).collect(),
            expires: now() + lifetime,
            refresh,
        },
    );
    (token, lifetime.num_seconds())
}

fn count_grant(store: &mut Store, grant: &str) {
    *store.oauth.grants.entry(grant.to_string()).or_insert(0) += 1;
}

fn token(
    store: &mut Store,
    settings: &Settings,
    p: &BTreeMap<String, String>,
    headers: &HeaderMap,
    endpoint: &str,
) -> Handled {
    let grant = p.get("grant_type").map(String::as_str).unwrap_or("");
    match grant {
        "authorization_code" | "refresh_token" => {
            let (id, secret) = client_credentials(p, headers);
            let id = id.unwrap_or_default();
            let ok = store
                .oauth
                .clients
                .get(&id)
                .is_some_and(|c| Some(&c.secret) == secret.as_ref());
            if !ok {
                return unchanged(oauth_error(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "Unauthorized",
                ));
            }
            if grant == "authorization_code" {
                code_grant(store, settings, p, &id)
            } else {
                refresh_grant(store, settings, p, &id)
            }
        }
        "urn:ietf:params:oauth:grant-type:jwt-bearer" => jwt_grant(store, settings, p, endpoint),
        "" => unchanged(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing grant_type.",
        )),
        other => unchanged(oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("Invalid grant_type: {other}"),
        )),
    }
}

fn code_grant(
    store: &mut Store,
    settings: &Settings,
    p: &BTreeMap<String, String>,
    client_id: &str,
) -> Handled {
    let code = p.get("code").cloned().unwrap_or_default();
    // A code is used once, whatever happens.
    let Some(rec) = store.oauth.codes.remove(&code) else {
        return unchanged(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "Malformed auth code.",
        ));
    };
    let fail = |d: &str| Handled {
        response: oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", d),
        changed: true,
    };
    if rec.expires <= now() || rec.client_id != client_id {
        return fail("Bad Request");
    }
    if p.get("redirect_uri") != Some(&rec.redirect_uri) {
        return fail("redirect_uri_mismatch");
    }
    match (&rec.challenge, p.get("code_verifier")) {
        (None, None) => {}
        // RFC 9700 §2.1.1: a verifier for a code that had no challenge is a downgrade.
        (None, Some(_)) => return fail("code_verifier sent, but no code_challenge was."),
        (Some(_), None) => return fail("Missing code verifier."),
        (Some(_), Some(v)) if !is_pkce_string(v) => return fail("Invalid code verifier."),
        (Some(challenge), Some(verifier)) => {
            if !pkce_matches(challenge, rec.challenge_method.as_deref(), verifier) {
                return fail("Invalid code verifier.");
            }
        }
    }
    let refresh = format!("1//emu-{}", random_id(48));
    store.oauth.refresh.insert(
        refresh.clone(),
        RefreshRec {
            client_id: client_id.to_string(),
            user: rec.user.clone(),
            scopes: rec.scopes.clone(),
        },
    );
    let (access, expires) = issue_access(
        store,
        settings,
        Holder::User(rec.user),
        &rec.scopes,
        Some(refresh.clone()),
    );
    count_grant(store, "authorization_code");
    Handled {
        response: json_response(
            StatusCode::OK,
            &json!({
                "access_token": access,
                "expires_in": expires,
                "refresh_token": refresh,
                "scope": rec.scopes.join(" "),
                "token_type": "Bearer",
            }),
        ),
        changed: true,
    }
}

fn refresh_grant(
    store: &mut Store,
    settings: &Settings,
    p: &BTreeMap<String, String>,
    client_id: &str,
) -> Handled {
    let token = p.get("refresh_token").cloned().unwrap_or_default();
    let Some(rec) = store
        .oauth
        .refresh
        .get(&token)
        .filter(|r| r.client_id == client_id)
        .cloned()
    else {
        return unchanged(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "Token has been expired or revoked.",
        ));
    };
    let (access, expires) = issue_access(
        store,
        settings,
        Holder::User(rec.user),
        &rec.scopes,
        Some(token),
    );
    count_grant(store, "refresh_token");
    Handled {
        response: json_response(
            StatusCode::OK,
            &json!({
                "access_token": access,
                "expires_in": expires,
                "scope": rec.scopes.join(" "),
                "token_type": "Bearer",
            }),
        ),
        changed: true,
    }
}

#[derive(Deserialize)]
struct JwtHeader {
    alg: String,
}

#[derive(Deserialize)]
struct JwtClaims {
    iss: String,
    #[serde(default)]
    scope: String,
    aud: String,
    exp: i64,
    iat: i64,
    #[serde(default)]
    sub: Option<String>,
}

fn b64(part: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .ok()
}

/// Whether a JWT's `aud` names `endpoint` (the token endpoint the assertion was posted
/// to): the same URL, compared parsed, so only spelling that means the same may differ.
fn audience_is(aud: &str, endpoint: &str) -> bool {
    match (url::Url::parse(aud), url::Url::parse(endpoint)) {
        (Ok(a), Ok(e)) => a == e,
        _ => false,
    }
}

/// Checks a service account's signed JWT, posted to `endpoint`; answers its claims.
fn verify_jwt(store: &Store, assertion: &str, endpoint: &str) -> Result<JwtClaims, &'static str> {
    use rsa::pkcs1v15::{Signature, VerifyingKey};
    use rsa::pkcs8::DecodePublicKey;
    use rsa::signature::Verifier;

    let mut parts = assertion.split('.');
    let (Some(h), Some(c), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("The assertion is not a JWT.");
    };
    let header: JwtHeader = b64(h)
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or("The JWT header is malformed.")?;
    if header.alg != "RS256" {
        return Err("Only RS256 signatures are accepted.");
    }
    let claims: JwtClaims = b64(c)
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or("The JWT claims are malformed.")?;
    let sa = store
        .oauth
        .service_accounts
        .get(&claims.iss)
        .ok_or("Invalid JWT Signature.")?;
    let key = rsa::RsaPublicKey::from_public_key_pem(&sa.public_key_pem)
        .map_err(|_| "Invalid JWT Signature.")?;
    let sig = b64(s)
        .and_then(|b| Signature::try_from(b.as_slice()).ok())
        .ok_or("Invalid JWT Signature.")?;
    VerifyingKey::<Sha256>::new(key)
        .verify(format!("{h}.{c}").as_bytes(), &sig)
        .map_err(|_| "Invalid JWT Signature.")?;
    let t = now().timestamp();
    if claims.exp <= t || claims.iat > t + 300 || claims.exp - claims.iat > 3600 {
        return Err("Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.");
    }
    if !audience_is(&claims.aud, endpoint) {
        return Err("Invalid JWT: the audience (aud) must be the token endpoint.");
    }
    Ok(claims)
}

fn jwt_grant(
    store: &mut Store,
    settings: &Settings,
    p: &BTreeMap<String, String>,
    endpoint: &str,
) -> Handled {
    let assertion = p.get("assertion").cloned().unwrap_or_default();
    let claims = match verify_jwt(store, &assertion, endpoint) {
        Ok(c) => c,
        Err(e) => return unchanged(oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", e)),
    };
    let scopes: Vec<String> = claims.scope.split_whitespace().map(String::from).collect();
    if scopes.is_empty() {
        return unchanged(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            "No scopes were requested.",
        ));
    }
    let holder = match &claims.sub {
        // Domain-wide delegation: the service account acts as a person of the domain.
        Some(email) => match store.directory.person_by_email(email) {
            Some(p) if !p.external => Holder::User(p.id.clone()),
            _ => {
                return unchanged(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Invalid email or User ID.",
                ))
            }
        },
        None => {
            if let Some(bad) = scopes.iter().find(|s| !app_scope(scope::short(s))) {
                return unchanged(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_scope",
                    &format!("{bad} needs user authorization: a service account acting as the app may ask only for chat.bot and chat.app.* scopes."),
                ));
            }
            let app = store.oauth.service_accounts[&claims.iss].app_id.clone();
            Holder::App(app)
        }
    };
    let (access, expires) = issue_access(store, settings, holder, &scopes, None);
    count_grant(store, "jwt-bearer");
    Handled {
        response: json_response(
            StatusCode::OK,
            &json!({"access_token": access, "expires_in": expires, "token_type": "Bearer"}),
        ),
        changed: true,
    }
}

fn revoke(store: &mut Store, p: &BTreeMap<String, String>) -> Handled {
    let token = p.get("token").cloned().unwrap_or_default();
    if store.oauth.refresh.remove(&token).is_some() {
        store
            .oauth
            .access
            .retain(|_, a| a.refresh.as_deref() != Some(token.as_str()));
    } else if store.oauth.access.remove(&token).is_none() {
        return unchanged(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_token",
            "Bad Request",
        ));
    }
    Handled {
        response: json_response(StatusCode::OK, &json!({})),
        changed: true,
    }
}

fn mint_client(store: &mut Store, headers: &HeaderMap) -> Handled {
    let base = base_url(headers);
    let id = format!(
        "{}-{}.apps.googleusercontent.com",
        rand::random::<u32>() % 900_000_000 + 100_000_000,
        random_id(32).to_lowercase().replace(['_', '-'], "x")
    );
    let secret = format!("GOCSPX-{}", random_id(28));
    store.oauth.clients.insert(
        id.clone(),
        OAuthClient {
            secret: secret.clone(),
        },
    );
    Handled {
        response: json_response(
            StatusCode::OK,
            &json!({"installed": {
                "client_id": id,
                "project_id": "gchat-emulator",
                "auth_uri": format!("{base}/o/oauth2/auth"),
                "token_uri": format!("{base}/token"),
                "auth_provider_x509_cert_url": format!("{base}/oauth2/v1/certs"),
                "client_secret": secret,
                "redirect_uris": ["http://localhost"],
            }}),
        ),
        changed: true,
    }
}

fn mint_service_account(
    store: &mut Store,
    p: &BTreeMap<String, String>,
    headers: &HeaderMap,
) -> Handled {
    use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};

    let app_id = p
        .get("app")
        .cloned()
        .unwrap_or_else(|| store.directory.primary_app.clone());
    if !store.directory.is_app(&app_id) {
        return unchanged(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "No such Chat app.",
        ));
    }
    let mut rng = rand::thread_rng();
    let Ok(key) = rsa::RsaPrivateKey::new(&mut rng, 2048) else {
        return unchanged(oauth_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "Key generation failed.",
        ));
    };
    let (Ok(private), Ok(public)) = (
        key.to_pkcs8_pem(LineEnding::LF),
        key.to_public_key().to_public_key_pem(LineEnding::LF),
    ) else {
        return unchanged(oauth_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "Key encoding failed.",
        ));
    };
    let n = store.oauth.service_accounts.len() + 1;
    let email = format!("gchat-app-{n}@gchat-emulator.iam.gserviceaccount.com");
    store.oauth.service_accounts.insert(
        email.clone(),
        ServiceAccount {
            public_key_pem: public,
            app_id,
        },
    );
    let base = base_url(headers);
    Handled {
        response: json_response(
            StatusCode::OK,
            &json!({
                "type": "service_account",
                "project_id": "gchat-emulator",
                "private_key_id": random_id(40).to_lowercase(),
                "private_key": private.as_str(),
                "client_email": email,
                "client_id": format!("{}", 100_000_000_000_000_000u64 + rand::random::<u32>() as u64),
                "auth_uri": format!("{base}/o/oauth2/auth"),
                "token_uri": format!("{base}/token"),
                "auth_provider_x509_cert_url": format!("{base}/oauth2/v1/certs"),
                "client_x509_cert_url": format!("{base}/robot/v1/metadata/x509/{email}"),
            }),
        ),
        changed: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_redirects_only() {
        let host = |u: &str| match loopback_redirect(u) {
            Some(Redirect::Loopback(url)) => url.host_str().map(String::from),
            _ => None,
        };
        assert_eq!(host("http://127.0.0.1:5000/").as_deref(), Some("127.0.0.1"));
        assert_eq!(host("http://localhost:8080").as_deref(), Some("localhost"));
        assert_eq!(host("http://LocalHost:8080").as_deref(), Some("localhost"));
        assert_eq!(host("http://[::1]:8080/cb").as_deref(), Some("[::1]"));
        assert_eq!(loopback_redirect(OOB), Some(Redirect::Oob));
        for bad in [
            "https://evil.example.com/cb",
            "http://127.0.0.1.evil.com/",
            "http://127.0.0.1:80@evil.example.com/cb",
            "http://a@127.0.0.1/cb",
            "http://:p@127.0.0.1/cb",
            "http://127.0.0.1\\@evil.example.com/",
            "http://127.0.0.1/#x",
            "http://127.0.0.1/\tx",
            "http://127.0.0.2/",
            "http://[::1]:x/",
            "urn:ietf:wg:oauth:2.0:oob:auto",
        ] {
            assert_eq!(loopback_redirect(bad), None, "{bad}");
        }
    }

    #[test]
    fn pkce() {
        let v = "v".repeat(43);
        assert!(is_pkce_string(&v));
        assert!(!is_pkce_string(&"v".repeat(42)));
        assert!(!is_pkce_string(&"v".repeat(129)));
        assert!(!is_pkce_string(&format!("{v}+")));
        assert!(pkce_matches(&v, Some("plain"), &v));
        assert!(pkce_matches(&v, None, &v), "no method is plain");
        assert!(!pkce_matches(&v, Some("S256"), &v));
        let s256 =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(v.as_bytes()));
        assert!(pkce_matches(&s256, Some("S256"), &v));
    }

    #[test]
    fn audiences() {
        let e = "http://127.0.0.1:8080/token";
        assert!(audience_is(e, e));
        assert!(audience_is("HTTP://127.0.0.1:8080/token", e));
        for bad in [
            "http://127.0.0.1:8080/o/oauth2/token",
            "http://127.0.0.1:8081/token",
            "http://evil.example.com/token",
            "http://127.0.0.1:8080/x/token",
            "http://127.0.0.1:8080/token?x",
            "http://u@127.0.0.1:8080/token",
            "https://oauth2.googleapis.com/token",
            "",
        ] {
            assert!(!audience_is(bad, e), "{bad}");
        }
    }

    #[test]
    fn scopes() {
        assert!(known_scope("https://www.googleapis.com/auth/chat.bot"));
        assert!(known_scope("openid"));
        assert!(!known_scope("chat.bot"));
        assert!(!known_scope("https://www.googleapis.com/auth/"));
        assert!(app_scope("chat.app.memberships"));
        assert!(!app_scope("chat.messages"));
    }
}
