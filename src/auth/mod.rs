//! Where bearer tokens come from for real accounts: a person signed in through the
//! browser (`client_secrets.json`; state and PKCE, see `browser`), or the Chat app through
//! a service account key (`chat.bot`). Tokens are cached per profile and refreshed
//! automatically by yup-oauth2.

pub mod browser;
pub mod profile;
pub mod storage;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use futures::future::BoxFuture;
use yup_oauth2::authenticator_delegate::InstalledFlowDelegate;
use yup_oauth2::{
    InstalledFlowAuthenticator, InstalledFlowReturnMethod, ServiceAccountAuthenticator,
};

use crate::api::{ApiError, Client, ClientBuilder, TokenSource};
use crate::clean::Clean;
use profile::{Account, AccountKind, Identity};
use storage::FileTokenStorage;

pub use crate::api::scope::{short, Scope, SCOPE_PREFIX};

/// Every scope gchat asks a person for, and why.
pub const USER_SCOPES: &[(Scope, &str)] = &[
    (
        Scope::ChatSpaces,
        "list and open your spaces, create and rename spaces",
    ),
    (Scope::ChatDelete, "delete spaces you manage"),
    (
        Scope::ChatMemberships,
        "list members, add and remove people, make managers",
    ),
    (
        Scope::ChatMembershipsApp,
        "add the Chat app to a space, and remove it",
    ),
    (Scope::ChatMessages, "read, post, edit and delete messages"),
    (
        Scope::ChatUsersReadstate,
        "share what you have read with your other Chat clients (unread counts)",
    ),
    (
        Scope::ChatUsersSpacesettings,
        "mute and unmute spaces (no notifications from a muted space)",
    ),
    (
        Scope::ChatUsersSections,
        "group the spaces list by your sections, and move spaces between them",
    ),
    (
        Scope::DirectoryReadonly,
        "show your coworkers' names (People API)",
    ),
    (Scope::UserinfoProfile, "show your own name"),
    (Scope::UserinfoEmail, "show which account is signed in"),
];

/// What the Chat app asks for by default. An administrator can approve more
/// (`chat.app.memberships`, `chat.app.spaces`, `chat.app.delete`); pass them with --scopes.
pub const APP_SCOPES: &[Scope] = &[Scope::ChatBot];

fn full(short: &str) -> String {
    if short.starts_with("https://") {
        short.to_string()
    } else {
        format!("{SCOPE_PREFIX}{short}")
    }
}

/// The flag that picks `profile` on the command line (none for the default).
pub fn profile_flag(profile: &str) -> String {
    if profile == profile::DEFAULT_PROFILE {
        String::new()
    } else {
        format!(" --profile {profile}")
    }
}

/// Shows the sign-in page to the person: opens it in a browser, or prints it. Tests
/// provide one that visits the page itself.
pub type Presenter = Arc<dyn Fn(String) -> BoxFuture<'static, Result<(), String>> + Send + Sync>;

/// Opens the sign-in page in a browser, or prints it where there is none (over SSH).
fn browser_presenter(redirect: String, no_browser: bool) -> Presenter {
    Arc::new(move |url: String| {
        let redirect = redirect.clone();
        Box::pin(async move {
            let remote = std::env::var_os("SSH_CONNECTION").is_some()
                || std::env::var_os("SSH_TTY").is_some();
            let opened = !no_browser && !remote && webbrowser::open(&url).is_ok();
            if opened {
                eprintln!(
                    "Opening your browser to sign in. If it does not open, visit:\n\n  {url}\n"
                );
            } else {
                eprintln!(
                    "Open this address in a browser to sign in (it sends you back to {redirect} on this machine):\n\n  {url}\n"
                );
            }
            eprintln!("Waiting for the sign-in to finish…");
            Ok(())
        })
    })
}

/// At run time nobody is asked to sign in: a refused refresh becomes an error that says
/// to run `gchat auth login`, not a prompt in the middle of the TUI.
struct NoPrompt;

impl InstalledFlowDelegate for NoPrompt {
    fn present_user_url<'a>(
        &'a self,
        _url: &'a str,
        _need_code: bool,
    ) -> Pin<Box<dyn Future<Output = Result<String, String>> + Send + 'a>> {
        Box::pin(async { Err("sign-in needed".to_string()) })
    }
}

type Auth = yup_oauth2::authenticator::DefaultAuthenticator;

/// Tokens from yup-oauth2, for the API client.
pub struct OAuthTokens {
    auth: Auth,
    scopes: Vec<String>,
    profile: String,
}

impl OAuthTokens {
    fn map_err(&self, e: yup_oauth2::Error) -> ApiError {
        use yup_oauth2::Error as E;
        let again = format!(
            "Run `gchat auth login{}` to sign in again.",
            profile_flag(&self.profile)
        );
        match e {
            E::UserError(_) | E::AuthError(_) | E::MissingAccessToken => {
                ApiError::Auth(format!("Your sign-in has expired or was revoked. {again}"))
            }
            E::HttpError(_) | E::HttpClientError(_) | E::LowLevelError(_) => {
                ApiError::Connect("the Google sign-in server".into())
            }
            other => ApiError::Auth(format!("Signing in failed ({other}). {again}")),
        }
    }
}

impl TokenSource for OAuthTokens {
    fn token(&self) -> BoxFuture<'_, Result<String, ApiError>> {
        Box::pin(async move {
            let t = self
                .auth
                .token(&self.scopes)
                .await
                .map_err(|e| self.map_err(e))?;
            t.token().map(String::from).ok_or(ApiError::Auth(
                "The sign-in server gave no access token.".into(),
            ))
        })
    }

    fn refresh(&self) -> BoxFuture<'_, Result<String, ApiError>> {
        Box::pin(async move {
            let t = self
                .auth
                .force_refreshed_token(&self.scopes)
                .await
                .map_err(|e| self.map_err(e))?;
            t.token().map(String::from).ok_or(ApiError::Auth(
                "The sign-in server gave no access token.".into(),
            ))
        })
    }
}

async fn user_authenticator(
    secret: yup_oauth2::ApplicationSecret,
    method: InstalledFlowReturnMethod,
    delegate: Box<dyn InstalledFlowDelegate>,
    tokens: PathBuf,
) -> anyhow::Result<Auth> {
    InstalledFlowAuthenticator::builder(secret, method)
        .with_storage(Box::new(FileTokenStorage::new(tokens)))
        .flow_delegate(delegate)
        .build()
        .await
        .context("could not set up the sign-in")
}

async fn app_authenticator(key_path: &Path, tokens: PathBuf) -> anyhow::Result<Auth> {
    let key = yup_oauth2::read_service_account_key(key_path)
        .await
        .with_context(|| {
            format!(
                "could not read the service account key {}",
                key_path.display()
            )
        })?;
    ServiceAccountAuthenticator::builder(key)
        .with_storage(Box::new(FileTokenStorage::new(tokens)))
        .build()
        .await
        .context("could not set up the service account")
}

/// The token source for a signed-in profile.
pub async fn token_source(
    profile: &str,
    account: &Account,
) -> anyhow::Result<Arc<dyn TokenSource>> {
    let tokens = profile::tokens_path(profile);
    let auth = match account.kind {
        AccountKind::User => {
            let secret = account
                .client
                .clone()
                .context("the profile has no OAuth client; sign in again")?;
            user_authenticator(
                secret,
                InstalledFlowReturnMethod::Interactive,
                Box::new(NoPrompt),
                tokens,
            )
            .await?
        }
        AccountKind::ServiceAccount => {
            let key = account
                .service_account_key
                .as_deref()
                .context("the profile has no service account key; sign in again")?;
            app_authenticator(key, tokens).await?
        }
    };
    Ok(Arc::new(OAuthTokens {
        auth,
        scopes: account.scopes.clone(),
        profile: profile.to_string(),
    }))
}

/// An API client for a signed-in profile.
pub async fn client(profile: &str, account: &Account) -> anyhow::Result<Client> {
    let tokens = token_source(profile, account).await?;
    let mut b = ClientBuilder::new(tokens);
    if let Some(e) = &account.endpoint {
        b = b.endpoint(e);
    }
    Ok(b.build()?)
}

/// How to sign in.
#[derive(Debug, Clone, Default)]
pub struct LoginOptions {
    pub profile: String,
    /// The OAuth client of an installed app (default: `client_secrets.json` in the
    /// config directory).
    pub client_secrets: Option<PathBuf>,
    /// Sign in as the Chat app with this service account key instead.
    pub service_account: Option<PathBuf>,
    /// Scopes for the service account (default `chat.bot`).
    pub scopes: Vec<String>,
    /// A Chat API endpoint other than Google's (an emulator).
    pub endpoint: Option<String>,
    pub no_browser: bool,
    /// A fixed loopback port for the redirect (to forward over SSH).
    pub port: Option<u16>,
    /// How long to wait for the browser (default `browser::DEFAULT_TIMEOUT`).
    pub timeout: Option<Duration>,
}

/// The scopes gchat asks a person for that `account` was not granted, each with what
/// will not work without it.
pub fn missing_scopes(account: &Account) -> Vec<(Scope, &'static str)> {
    if account.kind != AccountKind::User {
        return Vec::new();
    }
    USER_SCOPES
        .iter()
        .filter(|(s, _)| !s.granted_in(&account.scopes))
        .copied()
        .collect()
}

/// "chat.delete (delete spaces you manage), …" for `missing_scopes`.
pub fn describe_missing(missing: &[(Scope, &str)]) -> String {
    missing
        .iter()
        .map(|(s, why)| format!("{s} ({why})"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The scopes granted: those the token endpoint named, else those asked for. Those gchat
/// asked for come first, in its order, then any others the server added (`openid`).
fn granted_scopes(asked: &[String], said: Option<Vec<String>>) -> Vec<String> {
    let Some(said) = said else {
        return asked.to_vec();
    };
    let mut out: Vec<String> = asked.iter().filter(|a| said.contains(a)).cloned().collect();
    for s in said {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// Signs in and saves the profile. `presenter` replaces the browser (tests use one that
/// follows the consent redirect itself).
pub async fn login(opts: &LoginOptions, presenter: Option<Presenter>) -> anyhow::Result<Account> {
    profile::check_name(&opts.profile)?;
    let tokens = profile::tokens_path(&opts.profile);
    let account = match &opts.service_account {
        Some(key) => {
            // A new sign-in starts from an empty cache.
            let _ = std::fs::remove_file(&tokens);
            let key = std::fs::canonicalize(key)
                .with_context(|| format!("no service account key at {}", key.display()))?;
            let scopes: Vec<String> = if opts.scopes.is_empty() {
                APP_SCOPES.iter().map(|s| s.url()).collect()
            } else {
                opts.scopes.iter().map(|s| full(s)).collect()
            };
            let auth = app_authenticator(&key, tokens.clone()).await?;
            auth.token(&scopes)
                .await
                .context("the service account could not get a token (is the key valid and the Chat API enabled?)")?;
            let email = serde_json::from_slice::<serde_json::Value>(&std::fs::read(&key)?)
                .ok()
                .and_then(|v| {
                    v.get("client_email")
                        .and_then(|e| e.as_str())
                        .map(String::from)
                });
            Account {
                kind: AccountKind::ServiceAccount,
                scopes,
                endpoint: opts.endpoint.clone(),
                client: None,
                service_account_key: Some(key),
                identity: Identity {
                    user: None,
                    name: Some("the Chat app".into()),
                    email,
                },
                signed_in_at: chrono::Utc::now(),
            }
        }
        None => {
            let path = opts
                .client_secrets
                .clone()
                .unwrap_or_else(|| crate::config::config_dir().join("client_secrets.json"));
            let secret = yup_oauth2::read_application_secret(&path).await.with_context(|| {
                format!(
                    "could not read the OAuth client {} (download it from the Google Cloud console: APIs & Services → Credentials → OAuth client ID → Desktop app)",
                    path.display()
                )
            })?;
            let asked: Vec<String> = USER_SCOPES.iter().map(|(s, _)| s.url()).collect();
            let listener = browser::bind(opts.port).await?;
            let redirect = browser::redirect_uri(&listener)?;
            let present = presenter.unwrap_or_else(|| browser_presenter(redirect, opts.no_browser));
            let grant = browser::sign_in(
                browser::Request {
                    secret: &secret,
                    scopes: &asked,
                    listener,
                    timeout: opts.timeout.unwrap_or(browser::DEFAULT_TIMEOUT),
                },
                present,
            )
            .await
            .context("the sign-in did not finish")?;
            let scopes = granted_scopes(&asked, grant.scopes.clone());
            // yup-oauth2 takes over from here: it finds these tokens under the granted
            // scopes and renews them with the refresh token. The previous sign-in's tokens
            // are replaced only now that this one has succeeded.
            let expires_at = grant.expires_in.and_then(|d| {
                time::Duration::try_from(d)
                    .ok()
                    .map(|d| time::OffsetDateTime::now_utc() + d)
            });
            let refs: Vec<&str> = scopes.iter().map(String::as_str).collect();
            FileTokenStorage::new(tokens.clone())
                .replace_all(
                    &refs,
                    yup_oauth2::storage::TokenInfo {
                        access_token: Some(grant.access_token.clone()),
                        refresh_token: grant.refresh_token.clone(),
                        expires_at,
                        id_token: None,
                    },
                )
                .with_context(|| format!("could not save the tokens in {}", tokens.display()))?;
            let access = grant.access_token.as_str();
            let identity = whoami(opts.endpoint.as_deref(), access)
                .await
                .unwrap_or_default();
            Account {
                kind: AccountKind::User,
                scopes,
                endpoint: opts.endpoint.clone(),
                client: Some(secret),
                service_account_key: None,
                identity,
                signed_in_at: chrono::Utc::now(),
            }
        }
    };
    profile::save(&opts.profile, &account)?;
    Ok(account)
}

/// Who the token belongs to, from the People API.
async fn whoami(endpoint: Option<&str>, token: &str) -> Result<Identity, ApiError> {
    let mut b = ClientBuilder::new(Arc::new(crate::api::StaticToken::new(token)));
    if let Some(e) = endpoint {
        b = b.endpoint(e);
    }
    let p = b
        .build()?
        .get_person("people/me", "names,emailAddresses")
        .await?;
    Ok(Identity {
        user: p
            .resource_name
            .as_deref()
            .and_then(|r| r.strip_prefix("people/"))
            .map(|id| format!("users/{id}")),
        name: p.display_name().map(String::from),
        email: p.email().map(String::from),
    })
}

/// Whether this profile holds a sign-in.
pub fn is_signed_in(profile_name: &str) -> anyhow::Result<bool> {
    profile::check_name(profile_name)?;
    Ok(profile::load(profile_name)?.is_some())
}

/// `gchat auth status`: who, how, which scopes, until when. Never a token.
pub fn status(profile_name: &str) -> anyhow::Result<String> {
    profile::check_name(profile_name)?;
    let Some(a) = profile::load(profile_name)? else {
        return Ok(format!(
            "Not signed in (profile {profile_name}). Run `gchat auth login{}` to sign in; without an account gchat opens a demo workspace.",
            profile_flag(profile_name)
        ));
    };
    // The name, email and scopes are the server's words: shown, never obeyed.
    let who = match (&a.identity.name, &a.identity.email) {
        (Some(n), Some(e)) => format!("{} <{}>", Clean::line(n), Clean::line(e)),
        (None, Some(e)) => Clean::line(e).into_string(),
        (Some(n), None) => Clean::line(n).into_string(),
        (None, None) => "an unknown account".into(),
    };
    let how = match a.kind {
        AccountKind::User => {
            "your Google account (OAuth installed-app flow, with state and PKCE)".to_string()
        }
        AccountKind::ServiceAccount => format!(
            "a service account, acting as the Chat app (key {})",
            a.service_account_key
                .as_deref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        ),
    };
    let mut out = format!("Profile:    {profile_name}\nSigned in:  {who}");
    if let Some(u) = &a.identity.user {
        out.push_str(&format!(" ({})", Clean::line(&u.to_string())));
    }
    out.push_str(&format!("\nHow:        {how}\n"));
    out.push_str(&format!(
        "Scopes:     {}\n",
        a.scopes
            .iter()
            .map(|s| Clean::line(short(s)).into_string())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let missing = missing_scopes(&a);
    if !missing.is_empty() {
        out.push_str(&format!(
            "Not granted: {}; to allow them, sign in again and tick them\n",
            describe_missing(&missing)
        ));
    }
    if let Some(e) = &a.endpoint {
        out.push_str(&format!("Endpoint:   {e}\n"));
    }
    out.push_str(&format!(
        "Since:      {}\n",
        a.signed_in_at.format("%Y-%m-%d %H:%M UTC")
    ));
    let cache = profile::tokens_path(profile_name);
    let tokens = FileTokenStorage::new(cache.clone()).read_all();
    let newest = tokens.values().filter_map(|t| t.expires_at).max();
    let refreshable = tokens.values().any(|t| t.refresh_token.is_some());
    let until = newest
        .and_then(|t| chrono::DateTime::<chrono::Utc>::from_timestamp(t.unix_timestamp(), 0))
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string());
    out.push_str(&match (until, refreshable, a.kind) {
        (Some(t), true, _) => format!("Access:     token valid until {t}; renewed automatically with the stored refresh token\n"),
        (Some(t), false, AccountKind::ServiceAccount) => format!("Access:     token valid until {t}; renewed automatically with the key\n"),
        (Some(t), false, _) => format!("Access:     token valid until {t}; no refresh token (sign in again after that)\n"),
        (None, _, _) => "Access:     no cached token yet (one is fetched when gchat starts)\n".into(),
    });
    out.push_str(&format!(
        "Cache:      {}{}",
        cache.display(),
        mode_note(&cache)
    ));
    Ok(out)
}

fn mode_note(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = std::fs::metadata(path) {
            return format!(" (mode {:o})", m.permissions().mode() & 0o777);
        }
    }
    let _ = path;
    String::new()
}

/// `gchat auth logout`: revokes the refresh token (best effort) and removes the cache.
pub async fn logout(profile_name: &str) -> anyhow::Result<String> {
    profile::check_name(profile_name)?;
    let account = profile::load(profile_name).ok().flatten();
    if let Some(a) = account.as_ref().filter(|a| a.kind == AccountKind::User) {
        let tokens = FileTokenStorage::new(profile::tokens_path(profile_name)).read_all();
        let refresh = tokens.values().find_map(|t| t.refresh_token.clone());
        if let (Some(refresh), Some(client)) = (refresh, &a.client) {
            revoke(&client.token_uri, &refresh).await;
        }
    }
    Ok(if profile::remove(profile_name)? {
        format!("Signed out of profile {profile_name}; its tokens were deleted.")
    } else {
        format!("Profile {profile_name} was not signed in.")
    })
}

/// Tells the OAuth server a refresh token is no longer wanted. Failures are ignored: the
/// local copy is deleted either way.
async fn revoke(token_uri: &str, token: &str) {
    let google = token_uri.contains("googleapis.com") || token_uri.contains("accounts.google.com");
    let url = if google {
        "https://oauth2.googleapis.com/revoke".to_string()
    } else {
        match token_uri.rsplit_once("/token") {
            Some((base, _)) => format!("{base}/revoke"),
            None => return,
        }
    };
    let Ok(http) = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
    else {
        return;
    };
    let _ = http.post(url).form(&[("token", token)]).send().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_granted_scopes_are_those_the_server_named() {
        let asked: Vec<String> = ["chat.spaces", "chat.delete", "chat.messages"]
            .iter()
            .map(|s| full(s))
            .collect();
        assert_eq!(granted_scopes(&asked, None), asked, "unnamed: as asked");
        let said = vec![
            "openid".to_string(),
            full("chat.messages"),
            full("chat.spaces"),
        ];
        assert_eq!(
            granted_scopes(&asked, Some(said)),
            [full("chat.spaces"), full("chat.messages"), "openid".into()]
        );
        assert!(granted_scopes(&asked, Some(vec![])).is_empty());
    }
}
