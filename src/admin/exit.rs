//! Exit codes, and turning failures into one plain sentence.

use std::fmt;
use std::process::ExitCode;

use crate::api::ApiError;

/// What the process exits with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    Other = 1,
    Usage = 2,
    Auth = 3,
    Denied = 4,
    NotFound = 5,
    Partial = 6,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// A failure of the whole command: an exit code and one sentence (with what to do).
#[derive(Debug, Clone)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            exit: Exit::Usage,
            message: message.into(),
        }
    }
    pub fn other(message: impl Into<String>) -> Self {
        Failure {
            exit: Exit::Other,
            message: message.into(),
        }
    }
    pub fn auth(message: impl Into<String>) -> Self {
        Failure {
            exit: Exit::Auth,
            message: message.into(),
        }
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Failure {
            exit: Exit::NotFound,
            message: message.into(),
        }
    }

    /// An API error about `what` (e.g. "space spaces/X"), with the server's reason and a hint.
    pub fn api(what: &str, e: &ApiError) -> Self {
        let exit = exit_for(e);
        let reason = sentence(&e.to_string());
        let hint = match exit {
            Exit::Auth => " Sign in again with `gchat auth login` (or check --token).",
            Exit::Denied if e.is_scope_insufficient() => {
                " Sign in again with `gchat auth login` and grant the scope it needs."
            }
            Exit::Denied => " Ask a manager of the space, or use an account that may.",
            Exit::NotFound => " Check the name (`gchat spaces list` shows yours).",
            _ if e.code() == Some(429) => " Try again later.",
            _ => "",
        };
        let what = if what.is_empty() {
            String::new()
        } else {
            format!("{what}: ")
        };
        Failure {
            exit,
            message: format!("{what}{reason}{hint}"),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure::api("", &e)
    }
}

/// The exit code an API error maps to.
pub fn exit_for(e: &ApiError) -> Exit {
    match e {
        ApiError::Auth(_) => Exit::Auth,
        ApiError::InvalidName(_) | ApiError::InvalidArgument(_) => Exit::Usage,
        ApiError::Server(s) => match s.code {
            401 => Exit::Auth,
            403 => Exit::Denied,
            404 => Exit::NotFound,
            _ => Exit::Other,
        },
        _ => Exit::Other,
    }
}

/// Ends `s` with a full stop, on one line.
pub fn sentence(s: &str) -> String {
    let one = crate::clean::Clean::line(s);
    let t = one.trim();
    if t.ends_with(['.', '!', '?']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ServerError;

    fn server(code: u16, msg: &str) -> ApiError {
        ApiError::Server(ServerError::from_response(
            code,
            format!(r#"{{"error":{{"code":{code},"message":"{msg}","status":"X"}}}}"#).as_bytes(),
            None,
        ))
    }

    #[test]
    fn codes_by_status() {
        assert_eq!(exit_for(&server(401, "no")), Exit::Auth);
        assert_eq!(exit_for(&server(403, "no")), Exit::Denied);
        assert_eq!(exit_for(&server(404, "no")), Exit::NotFound);
        assert_eq!(exit_for(&server(500, "no")), Exit::Other);
        assert_eq!(exit_for(&ApiError::Auth("x".into())), Exit::Auth);
    }

    #[test]
    fn one_sentence_with_a_hint() {
        let f = Failure::api("spaces/X", &server(404, "Space not found"));
        assert_eq!(
            f.message,
            "spaces/X: Space not found. Check the name (`gchat spaces list` shows yours)."
        );
        assert_eq!(sentence("two\nlines\x1b[2J"), "two lines\u{241b}[2J.");
        assert_eq!(sentence("a\u{202e}b\u{9b}"), "ab\u{fffd}.");
    }
}
