//! The browser step of signing a person in, as RFC 8252 asks of native apps: a PKCE
//! (S256) challenge and an unguessable `state` go out with the sign-in page's address, a
//! one-off HTTP listener on 127.0.0.1 waits for the browser to come back, and only a
//! redirect carrying that `state` is taken. Anything else reaching the port (a page in
//! the browser, another user on the machine, a port scanner) gets an error page and is
//! otherwise ignored: the sign-in keeps waiting. The code is then exchanged together with
//! the PKCE verifier, so a code seen by someone else is worth nothing to them.
//!
//! yup-oauth2 keeps refreshing the tokens afterwards; this module only gets the first ones.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge,
    RedirectUrl, RequestTokenError, Scope, TokenResponse, TokenUrl,
};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::Presenter;

/// How long a sign-in waits for the browser to come back.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// What the token endpoint gave for the code.
pub struct Grant {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_in: Option<Duration>,
    /// The scopes the server says it granted; `None` when it did not say (then they are
    /// the ones asked for, RFC 6749 §5.1).
    pub scopes: Option<Vec<String>>,
}

/// Why a sign-in ended without tokens. None of these carry a code, token or secret.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("you declined to let gchat use your account, so you are not signed in")]
    Declined,
    #[error("the sign-in page answered {0}, so you are not signed in")]
    Refused(String),
    #[error("the browser did not come back within {}; run the sign-in again", minutes(.0))]
    TimedOut(Duration),
    #[error("the loopback port {0} is in use; pick another with --port, or leave --port out")]
    PortInUse(u16),
    #[error("the sign-in server refused the code ({0})")]
    Exchange(String),
    #[error("could not reach the sign-in server at {0}")]
    Unreachable(String),
}

fn minutes(d: &Duration) -> String {
    match d.as_secs().div_ceil(60).max(1) {
        1 => "a minute".to_string(),
        n => format!("{n} minutes"),
    }
}

/// How the browser came back with the right `state`.
#[derive(Debug)]
enum Outcome {
    Code(String),
    Refused {
        error: String,
        description: Option<String>,
    },
}

struct Waiting {
    state: CsrfToken,
    done: Mutex<Option<oneshot::Sender<Outcome>>>,
}

/// Compares without stopping at the first difference, so the time taken says nothing
/// about how much of a guessed `state` was right.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// Server text made fit for one line of a terminal message.
fn plain(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect::<String>()
}

fn page(status: StatusCode, title: &str, text: &str) -> Response {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body style=\"font-family: sans-serif; margin: 3em\"><h1>{title}</h1><p>{text}</p></body></html>"
    );
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    r
}

/// The browser's return to the loopback address.
async fn redirected(State(w): State<Arc<Waiting>>, RawQuery(q): RawQuery) -> Response {
    let mut p: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in form_urlencoded::parse(q.unwrap_or_default().as_bytes()) {
        p.entry(k.into_owned()).or_default().push(v.into_owned());
    }
    // Exactly one of each: a repeated parameter is not something a sign-in server sends.
    let one = |k: &str| match p.get(k).map(Vec::as_slice) {
        Some([v]) => Some(v.as_str()),
        _ => None,
    };
    let ours =
        one("state").is_some_and(|s| same(s, w.state.secret())) && p.values().all(|v| v.len() == 1);
    if !ours {
        return page(
            StatusCode::BAD_REQUEST,
            "Not this sign-in",
            "This address was not sent by the sign-in that gchat started, so it was ignored. \
             gchat is still waiting for the sign-in it opened; finish that one, or run \
             <code>gchat auth login</code> again.",
        );
    }
    let outcome = match (one("code"), one("error")) {
        (_, Some(error)) => Outcome::Refused {
            error: error.to_string(),
            description: one("error_description").map(String::from),
        },
        (Some(code), None) => Outcome::Code(code.to_string()),
        (None, None) => {
            return page(
                StatusCode::BAD_REQUEST,
                "No sign-in code",
                "The sign-in page sent no code. gchat is still waiting.",
            )
        }
    };
    let Some(tx) = w.done.lock().ok().and_then(|mut d| d.take()) else {
        return page(
            StatusCode::CONFLICT,
            "Already done",
            "This sign-in has already finished. You can close this tab.",
        );
    };
    let declined = matches!(outcome, Outcome::Refused { .. });
    let _ = tx.send(outcome);
    if declined {
        page(
            StatusCode::OK,
            "Sign-in cancelled",
            "gchat was not given access. You can close this tab.",
        )
    } else {
        page(
            StatusCode::OK,
            "Signed in",
            "gchat has your sign-in. You can close this tab and go back to the terminal.",
        )
    }
}

async fn elsewhere() -> Response {
    page(StatusCode::NOT_FOUND, "Not found", "Nothing here.")
}

/// The listener the browser comes back to: 127.0.0.1 on `port`, or on any free port.
pub async fn bind(port: Option<u16>) -> Result<TcpListener, anyhow::Error> {
    match TcpListener::bind(("127.0.0.1", port.unwrap_or(0))).await {
        Ok(l) => Ok(l),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            Err(SignInError::PortInUse(port.unwrap_or(0)).into())
        }
        Err(e) => Err(e).context("could not listen on 127.0.0.1 for the sign-in's return"),
    }
}

/// Serves the loopback address until the browser brings back `state`, or `timeout`.
/// Answers the code; a refusal (`error=access_denied`, say) ends the wait with an error.
async fn wait_for_code(
    listener: TcpListener,
    state: CsrfToken,
    timeout: Duration,
) -> Result<String, SignInError> {
    let (tx, rx) = oneshot::channel();
    let waiting = Arc::new(Waiting {
        state,
        done: Mutex::new(Some(tx)),
    });
    let app = axum::Router::new()
        .route("/", axum::routing::get(redirected))
        .fallback(elsewhere)
        .with_state(waiting);
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
    });
    let outcome = tokio::time::timeout(timeout, rx).await;
    // Stop listening now; give the page in flight a moment to reach the browser, but never
    // let a connection held open keep the server (or the sign-in) waiting.
    let _ = stop.send(());
    tokio::spawn(async move {
        let abort = server.abort_handle();
        if tokio::time::timeout(Duration::from_secs(5), server)
            .await
            .is_err()
        {
            abort.abort();
        }
    });
    match outcome {
        Err(_) => Err(SignInError::TimedOut(timeout)),
        // The sender lives as long as the server; it cannot be dropped first.
        Ok(Err(_)) => Err(SignInError::TimedOut(timeout)),
        Ok(Ok(Outcome::Code(code))) => Ok(code),
        Ok(Ok(Outcome::Refused { error, .. })) if error == "access_denied" => {
            Err(SignInError::Declined)
        }
        Ok(Ok(Outcome::Refused { error, description })) => {
            Err(SignInError::Refused(match description {
                Some(d) => format!("{}: {}", plain(&error), plain(&d)),
                None => plain(&error),
            }))
        }
    }
}

/// What the browser step needs.
pub struct Request<'a> {
    pub secret: &'a yup_oauth2::ApplicationSecret,
    /// Full scope URLs.
    pub scopes: &'a [String],
    pub listener: TcpListener,
    pub timeout: Duration,
}

/// The loopback address the browser returns to, for a listener.
pub fn redirect_uri(listener: &TcpListener) -> anyhow::Result<String> {
    let port = listener
        .local_addr()
        .context("the loopback listener has no address")?
        .port();
    Ok(format!("http://127.0.0.1:{port}/"))
}

/// Runs the browser step: shows the sign-in page through `present`, waits for the
/// browser to come back with the right `state`, and exchanges the code with the PKCE
/// verifier for tokens.
pub async fn sign_in(req: Request<'_>, present: Presenter) -> anyhow::Result<Grant> {
    let redirect = redirect_uri(&req.listener)?;
    let client = BasicClient::new(ClientId::new(req.secret.client_id.clone()))
        .set_client_secret(ClientSecret::new(req.secret.client_secret.clone()))
        .set_auth_uri(
            AuthUrl::new(req.secret.auth_uri.clone())
                .context("the OAuth client's auth_uri is not a URL")?,
        )
        .set_token_uri(
            TokenUrl::new(req.secret.token_uri.clone())
                .context("the OAuth client's token_uri is not a URL")?,
        )
        .set_redirect_uri(RedirectUrl::new(redirect).context("bad loopback address")?)
        // Google takes the client in the form, as installed apps have always sent it.
        .set_auth_type(AuthType::RequestBody);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state) = client
        .authorize_url(CsrfToken::new_random)
        .add_scopes(req.scopes.iter().cloned().map(Scope::new))
        .add_extra_param("access_type", "offline")
        .set_pkce_challenge(challenge)
        .url();

    let wait = wait_for_code(req.listener, state, req.timeout);
    tokio::pin!(wait);
    let shown = present(url.to_string());
    tokio::pin!(shown);
    let mut presented = false;
    // The presenter may still be busy (a test's browser following the redirect) when the
    // code arrives, so both run together; once the code is in, the presenter is dropped.
    let code = loop {
        tokio::select! {
            r = &mut shown, if !presented => {
                r.map_err(|e| anyhow::anyhow!("could not show the sign-in page: {e}"))?;
                presented = true;
            }
            r = &mut wait => break r?,
        }
    };

    let http = reqwest::Client::builder()
        // A token endpoint that redirects is not followed (the code would go along).
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .context("could not set up HTTP for the sign-in")?;
    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .map_err(|e| match e {
            RequestTokenError::ServerResponse(r) => {
                SignInError::Exchange(match r.error_description() {
                    Some(d) => format!("{}: {}", plain(r.error().as_ref()), plain(d)),
                    None => plain(r.error().as_ref()),
                })
            }
            RequestTokenError::Request(_) => SignInError::Unreachable(req.secret.token_uri.clone()),
            RequestTokenError::Parse(..) | RequestTokenError::Other(_) => {
                SignInError::Exchange("its answer was not a token".into())
            }
        })?;
    Ok(Grant {
        access_token: token.access_token().secret().clone(),
        refresh_token: token.refresh_token().map(|t| t.secret().clone()),
        expires_in: token.expires_in(),
        scopes: token
            .scopes()
            .map(|s| s.iter().map(|s| s.to_string()).collect()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn listening(
        timeout: Duration,
    ) -> (String, tokio::task::JoinHandle<Result<String, SignInError>>) {
        let l = bind(None).await.unwrap();
        let url = redirect_uri(&l).unwrap();
        let task = tokio::spawn(wait_for_code(
            l,
            CsrfToken::new("s3cret-state".into()),
            timeout,
        ));
        (url, task)
    }

    async fn get(url: &str) -> (u16, String) {
        let r = reqwest::get(url).await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    #[tokio::test]
    async fn only_the_right_state_ends_the_wait() {
        let (url, task) = listening(Duration::from_secs(600)).await;
        for bad in [
            "?code=theirs",
            "?code=theirs&state=s3cret-statX",
            "?code=theirs&state=s3cret-state&state=other",
            "?code=theirs&code=two&state=s3cret-state",
            "?error=access_denied&state=nope",
            "?state=s3cret-state",
        ] {
            let (status, text) = get(&format!("{url}{bad}")).await;
            assert_eq!(status, 400, "{bad}: {text}");
            assert!(text.contains("still waiting"), "{text}");
            assert!(!text.contains("theirs"), "the page echoes nothing: {text}");
        }
        let (status, _) = get(&format!("{url}favicon.ico")).await;
        assert_eq!(status, 404);
        assert!(!task.is_finished(), "still waiting");
        let (status, text) = get(&format!("{url}?code=4%2Fmine&state=s3cret-state&scope=x")).await;
        assert_eq!(status, 200);
        assert!(text.contains("close this tab"), "{text}");
        assert_eq!(task.await.unwrap().unwrap(), "4/mine");
    }

    #[tokio::test]
    async fn declining_with_the_right_state_ends_it_with_a_clear_message() {
        let (url, task) = listening(Duration::from_secs(600)).await;
        let (status, text) = get(&format!("{url}?error=access_denied&state=s3cret-state")).await;
        assert_eq!(status, 200);
        assert!(text.contains("close this tab"), "{text}");
        let e = task.await.unwrap().unwrap_err();
        assert_eq!(
            e.to_string(),
            "you declined to let gchat use your account, so you are not signed in"
        );
    }

    #[tokio::test]
    async fn other_errors_are_shown_without_control_characters() {
        let (url, task) = listening(Duration::from_secs(600)).await;
        get(&format!(
            "{url}?error=server_error&error_description=down%1b%5b2J%0aagain&state=s3cret-state"
        ))
        .await;
        let e = task.await.unwrap().unwrap_err();
        assert_eq!(
            e.to_string(),
            "the sign-in page answered server_error: down[2Jagain, so you are not signed in"
        );
    }

    #[tokio::test]
    async fn the_wait_is_bounded() {
        let (_url, task) = listening(Duration::from_millis(50)).await;
        let e = task.await.unwrap().unwrap_err();
        assert!(matches!(e, SignInError::TimedOut(_)), "{e:?}");
        assert!(
            e.to_string().contains("did not come back within a minute"),
            "{e}"
        );
    }

    #[tokio::test]
    async fn a_port_in_use_is_named() {
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let e = bind(Some(port)).await.unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "the loopback port {port} is in use; pick another with --port, or leave --port out"
            )
        );
    }

    #[test]
    fn comparison() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
        assert!(!same("", "a"));
    }
}
