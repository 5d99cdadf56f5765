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
            Exit::NotFound => not_found_hint(what),
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

/// What to run when `what` (a resource name, or words ending in one) was not found: the
/// hint names the kind of thing, by the name's own form.
fn not_found_hint(what: &str) -> &'static str {
    use crate::api::{MembershipName, MessageName, ReactionName, SpaceName};
    let name = what
        .split_whitespace()
        .find(|w| w.starts_with("spaces/"))
        .unwrap_or("");
    if what.starts_with("the DM with") {
        " There is no direct message with them yet (`gchat spaces setup --members WHO` starts one)."
    } else if ReactionName::parse(name).is_ok() {
        " Check the reaction (`gchat messages get MESSAGE --json` shows a message's reactions)."
    } else if MessageName::parse(name).is_ok() {
        " Check the message name (`gchat messages list SPACE` shows them); a deleted message is gone."
    } else if MembershipName::parse(name).is_ok() {
        " Check the member (`gchat members list SPACE` shows who is in it)."
    } else if SpaceName::parse(name).is_ok() || what.contains("space") {
        " Check the space (`gchat spaces list` shows yours)."
    } else {
        " Check the name."
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
            "spaces/X: Space not found. Check the space (`gchat spaces list` shows yours)."
        );
        let f = Failure::api("spaces/X/messages/m1", &server(404, "Message not found"));
        assert!(
            f.message
                .ends_with("`gchat messages list SPACE` shows them); a deleted message is gone."),
            "{}",
            f.message
        );
        let f = Failure::api(
            "message spaces/X/messages/m1",
            &server(404, "Message not found"),
        );
        assert!(
            f.message.contains("Check the message name"),
            "{}",
            f.message
        );
        let f = Failure::api("spaces/X/members/7", &server(404, "Membership not found"));
        assert!(
            f.message.contains("`gchat members list SPACE`"),
            "{}",
            f.message
        );
        assert_eq!(sentence("two\nlines\x1b[2J"), "two lines\u{241b}[2J.");
        assert_eq!(sentence("a\u{202e}b\u{9b}"), "ab\u{fffd}.");
    }
}
