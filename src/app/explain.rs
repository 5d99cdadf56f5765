//! API failures in plain sentences, safe to show.

use crate::api::ApiError;

/// A plain sentence for an API failure of an action that needs `scope`.
pub fn explain_needing(e: &ApiError, scope: &str, profile: &str) -> String {
    if e.is_scope_insufficient() {
        return format!(
            "gchat's sign-in lacks the {scope} permission this needs. Run `gchat auth login{}` to grant it.",
            crate::auth::profile_flag(profile)
        );
    }
    explain(e)
}

/// A plain sentence for an API failure, safe to show (the server's words are cleaned).
pub fn explain(e: &ApiError) -> String {
    crate::clean::Clean::line(&explain_raw(e)).into_string()
}

fn explain_raw(e: &ApiError) -> String {
    let sentence = |s: &str| {
        let s = s.trim();
        if s.ends_with(['.', '!', '?']) {
            s.to_string()
        } else {
            format!("{s}.")
        }
    };
    match e {
        ApiError::Server(s) if s.code == 401 => {
            "Your sign-in has expired or was revoked. Run `gchat auth login` to sign in again.".into()
        }
        _ if e.is_scope_insufficient() => {
            "gchat's sign-in lacks the permission (OAuth scope) this needs. Run `gchat auth login` to grant it.".into()
        }
        ApiError::Server(s) if s.code == 429 => "Google Chat is limiting requests right now.".into(),
        ApiError::Server(s) if s.code >= 500 => {
            format!("The server had a problem ({}): {}", s.code, sentence(&s.message))
        }
        ApiError::Server(s) => sentence(&s.to_string()),
        ApiError::Connect(host) => format!("Can't reach {host}. Check the connection."),
        ApiError::Timeout => "The server didn't answer in time.".into(),
        other => sentence(&other.to_string()),
    }
}
