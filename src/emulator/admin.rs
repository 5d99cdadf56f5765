//! `/emulator/...`: controls for tests and demos, outside the API's `/v1` paths.
//!
//! - `POST /emulator/faults` with a [`Fault`] body: the next calls fail as asked.
//! - `DELETE /emulator/faults`: forget pending faults.
//! - `GET /emulator/health`: `{"ok": true}`.
//! - `POST /emulator/oauth-clients`, `POST /emulator/service-accounts`: see `oauth`.

use std::sync::Arc;

use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use super::error::EmuError;
use super::request::parse_body;
use super::service::{Fault, Service};

fn ok() -> Response {
    let mut r = (StatusCode::OK, "{\"ok\":true}").into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=UTF-8"),
    );
    r
}

pub fn handle(svc: &Arc<Service>, method: &Method, path: &str, bytes: &[u8]) -> Response {
    match (method.as_str(), path) {
        ("GET", "/emulator/health") => ok(),
        ("POST", "/emulator/faults") => match parse_body::<Fault>(bytes, "fault") {
            Ok(f) if (400..600).contains(&f.code) => {
                svc.inject(f);
                ok()
            }
            Ok(_) => {
                EmuError::invalid("code must be an HTTP error status (400-599).").into_response()
            }
            Err(e) => e.into_response(),
        },
        ("DELETE", "/emulator/faults") => {
            svc.clear_faults();
            ok()
        }
        _ => {
            EmuError::not_found(format!("No emulator control at {method} {path}.")).into_response()
        }
    }
}
