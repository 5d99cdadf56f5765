//! Failures as Google reports them: `{"error": {"code", "message", "status", "details"}}`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::api::error::{ErrorBody, ErrorEnvelope, BAD_REQUEST_TYPE, ERROR_INFO_TYPE};

#[derive(Debug, Clone, PartialEq)]
pub struct EmuError {
    pub code: u16,
    pub status: &'static str,
    pub message: String,
    pub details: Vec<Value>,
    /// Seconds, sent as `Retry-After`.
    pub retry_after: Option<u64>,
}

pub type EmuResult<T> = Result<T, EmuError>;

impl EmuError {
    fn new(code: u16, status: &'static str, message: impl Into<String>) -> Self {
        EmuError {
            code,
            status,
            message: message.into(),
            details: Vec::new(),
            retry_after: None,
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(400, "INVALID_ARGUMENT", message)
    }

    /// 400 with a `google.rpc.BadRequest` field violation.
    pub fn invalid_field(field: &str, description: impl Into<String>) -> Self {
        let description = description.into();
        let mut e = Self::invalid(description.clone());
        e.details.push(json!({
            "@type": BAD_REQUEST_TYPE,
            "fieldViolations": [{"field": field, "description": description}],
        }));
        e
    }

    pub fn failed_precondition(message: impl Into<String>) -> Self {
        Self::new(400, "FAILED_PRECONDITION", message)
    }

    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(401, "UNAUTHENTICATED", message)
    }

    pub fn permission(message: impl Into<String>) -> Self {
        Self::new(403, "PERMISSION_DENIED", message)
    }

    /// 403 for a token whose scopes cover none of the method's.
    pub fn scope_insufficient(method: &str) -> Self {
        let mut e = Self::permission("Request had insufficient authentication scopes.");
        e.details.push(json!({
            "@type": ERROR_INFO_TYPE,
            "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
            "domain": "googleapis.com",
            "metadata": {"service": "chat.googleapis.com", "method": method},
        }));
        e
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, "NOT_FOUND", message)
    }

    pub fn already_exists(message: impl Into<String>) -> Self {
        Self::new(409, "ALREADY_EXISTS", message)
    }

    pub fn exhausted(message: impl Into<String>) -> Self {
        let mut e = Self::new(429, "RESOURCE_EXHAUSTED", message);
        e.details.push(json!({
            "@type": ERROR_INFO_TYPE,
            "reason": "RATE_LIMIT_EXCEEDED",
            "domain": "googleapis.com",
            "metadata": {"service": "chat.googleapis.com"},
        }));
        e
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(500, "INTERNAL", message)
    }

    /// Any status by HTTP code (fault injection).
    pub fn with_code(code: u16, message: impl Into<String>) -> Self {
        let status = match code {
            400 => "INVALID_ARGUMENT",
            401 => "UNAUTHENTICATED",
            403 => "PERMISSION_DENIED",
            404 => "NOT_FOUND",
            409 => "ALREADY_EXISTS",
            429 => return Self::exhausted(message),
            502 => "UNKNOWN",
            503 => "UNAVAILABLE",
            504 => "DEADLINE_EXCEEDED",
            _ => "INTERNAL",
        };
        Self::new(code, status, message)
    }

    pub fn envelope(&self) -> ErrorEnvelope {
        ErrorEnvelope {
            error: ErrorBody {
                code: self.code,
                message: self.message.clone(),
                status: self.status.to_string(),
                details: self.details.clone(),
            },
        }
    }
}

impl IntoResponse for EmuError {
    fn into_response(self) -> Response {
        let code = StatusCode::from_u16(self.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self.envelope()).unwrap_or_default();
        let mut resp = (code, body).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=UTF-8"),
        );
        if let Some(secs) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        resp
    }
}
