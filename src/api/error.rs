//! Errors from the Chat API, read from Google's error envelope.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;
use std::time::Duration;

use super::name::NameError;

/// `{"error": {...}}`: the envelope every Google API failure comes in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: u16,
    pub message: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<Value>,
}

pub const BAD_REQUEST_TYPE: &str = "type.googleapis.com/google.rpc.BadRequest";
pub const ERROR_INFO_TYPE: &str = "type.googleapis.com/google.rpc.ErrorInfo";

/// One entry of `google.rpc.BadRequest.fieldViolations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldViolation {
    pub field: String,
    pub description: String,
}

/// A failure the server reported.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerError {
    /// HTTP status code.
    pub code: u16,
    /// Canonical status, e.g. `INVALID_ARGUMENT`.
    pub status: String,
    pub message: String,
    pub field_violations: Vec<FieldViolation>,
    /// `google.rpc.ErrorInfo.reason`, e.g. `ACCESS_TOKEN_SCOPE_INSUFFICIENT`.
    pub reason: Option<String>,
    /// From a `Retry-After` header.
    pub retry_after: Option<Duration>,
}

impl ServerError {
    /// Reads an error response. A body that is not Google's envelope (a proxy's HTML page,
    /// say) still yields an error with the HTTP code and a short excerpt.
    pub fn from_response(code: u16, body: &[u8], retry_after: Option<Duration>) -> Self {
        match serde_json::from_slice::<ErrorEnvelope>(body) {
            Ok(env) => {
                let mut field_violations = Vec::new();
                let mut reason = None;
                for d in &env.error.details {
                    match d.get("@type").and_then(Value::as_str) {
                        Some(BAD_REQUEST_TYPE) => {
                            if let Some(list) = d.get("fieldViolations").and_then(Value::as_array) {
                                field_violations.extend(
                                    list.iter()
                                        .filter_map(|v| serde_json::from_value(v.clone()).ok()),
                                );
                            }
                        }
                        Some(ERROR_INFO_TYPE) => {
                            reason = d.get("reason").and_then(Value::as_str).map(String::from);
                        }
                        _ => {}
                    }
                }
                ServerError {
                    code,
                    status: env.error.status,
                    message: env.error.message,
                    field_violations,
                    reason,
                    retry_after,
                }
            }
            Err(_) => {
                let text = String::from_utf8_lossy(body);
                let excerpt: String = text.chars().take(200).collect();
                ServerError {
                    code,
                    status: status_for_code(code).to_string(),
                    message: if excerpt.trim().is_empty() {
                        format!("HTTP {code}")
                    } else {
                        format!("HTTP {code}: {}", excerpt.trim())
                    },
                    field_violations: Vec::new(),
                    reason: None,
                    retry_after,
                }
            }
        }
    }
}

/// The canonical status Google uses for an HTTP code when none is given.
pub fn status_for_code(code: u16) -> &'static str {
    match code {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        409 => "ALREADY_EXISTS",
        429 => "RESOURCE_EXHAUSTED",
        499 => "CANCELLED",
        501 => "UNIMPLEMENTED",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        _ if code >= 500 => "INTERNAL",
        _ => "UNKNOWN",
    }
}

/// Everything that can go wrong calling the API.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// Refused before sending: a resource name or id is malformed.
    #[error(transparent)]
    InvalidName(#[from] NameError),
    /// Refused before sending: some other argument is invalid.
    #[error("{0}")]
    InvalidArgument(String),
    /// The server answered with an error.
    #[error("{0}")]
    Server(ServerError),
    /// The server could not be reached.
    #[error("could not connect to {0}")]
    Connect(String),
    /// No answer within the time limit.
    #[error("the request timed out")]
    Timeout,
    /// Any other transport failure.
    #[error("network error: {0}")]
    Transport(String),
    /// The server answered, but not with what the API promises.
    #[error("unexpected response from the server: {0}")]
    Decode(String),
    /// No usable credentials.
    #[error("{0}")]
    Auth(String),
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        for v in &self.field_violations {
            if !self.message.contains(&v.description) {
                write!(f, " ({}: {})", v.field, v.description)?;
            }
        }
        Ok(())
    }
}

impl ApiError {
    /// The HTTP code, if the server answered.
    pub fn code(&self) -> Option<u16> {
        match self {
            ApiError::Server(e) => Some(e.code),
            _ => None,
        }
    }

    /// The canonical status, if the server answered.
    pub fn status(&self) -> Option<&str> {
        match self {
            ApiError::Server(e) => Some(&e.status),
            _ => None,
        }
    }

    pub fn server(&self) -> Option<&ServerError> {
        match self {
            ApiError::Server(e) => Some(e),
            _ => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.code() == Some(404)
    }

    /// Whether the same request may succeed if sent again later: rate limits, server
    /// errors and network trouble. Whether it is *safe* to send again is the caller's
    /// decision (see `Client`).
    pub fn is_retryable(&self) -> bool {
        match self {
            ApiError::Server(e) => matches!(e.code, 429 | 500 | 502 | 503 | 504),
            ApiError::Connect(_) | ApiError::Timeout | ApiError::Transport(_) => true,
            _ => false,
        }
    }

    /// A missing OAuth scope (403 with `ACCESS_TOKEN_SCOPE_INSUFFICIENT`).
    pub fn is_scope_insufficient(&self) -> bool {
        match self {
            ApiError::Server(e) => {
                e.code == 403
                    && (e.reason.as_deref() == Some("ACCESS_TOKEN_SCOPE_INSUFFICIENT")
                        || e.message.contains("insufficient authentication scopes"))
            }
            _ => false,
        }
    }

    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ApiError::Server(e) => e.retry_after,
            _ => None,
        }
    }

    pub(crate) fn from_reqwest(e: reqwest::Error) -> Self {
        if e.is_timeout() {
            ApiError::Timeout
        } else if e.is_connect() {
            let host = e
                .url()
                .map(|u| u.origin().ascii_serialization())
                .unwrap_or_else(|| "the server".to_string());
            ApiError::Connect(host)
        } else if e.is_decode() {
            ApiError::Decode(e.to_string())
        } else {
            // reqwest's message names the URL; ours never carry secrets (tokens travel in
            // a header), so it is safe to show.
            ApiError::Transport(e.without_url().to_string())
        }
    }
}

/// Parses a `Retry-After` header: delay-seconds or an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_envelope_with_field_violations() {
        let body = br#"{"error":{"code":400,"message":"Invalid thread","status":"INVALID_ARGUMENT",
            "details":[{"@type":"type.googleapis.com/google.rpc.BadRequest",
            "fieldViolations":[{"field":"thread.name","description":"bad form"}]}]}}"#;
        let e = ServerError::from_response(400, body, None);
        assert_eq!(e.status, "INVALID_ARGUMENT");
        assert_eq!(e.field_violations.len(), 1);
        assert_eq!(e.to_string(), "Invalid thread (thread.name: bad form)");
        assert!(!ApiError::Server(e).is_retryable());
    }

    #[test]
    fn non_json_bodies_still_give_an_error() {
        let e = ServerError::from_response(502, b"<html>Bad Gateway</html>", None);
        assert_eq!(e.status, "INTERNAL");
        assert!(e.message.contains("502"));
        assert!(ApiError::Server(e).is_retryable());
    }

    #[test]
    fn scope_errors_are_recognised() {
        let body = br#"{"error":{"code":403,"message":"Request had insufficient authentication scopes.","status":"PERMISSION_DENIED",
          "details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"ACCESS_TOKEN_SCOPE_INSUFFICIENT"}]}}"#;
        let e = ApiError::Server(ServerError::from_response(403, body, None));
        assert!(e.is_scope_insufficient());
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }
}
