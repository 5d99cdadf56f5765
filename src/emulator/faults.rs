//! Answers lost after the method ran: the emulator has done what was asked (stored the
//! message, deleted it) and then the answer goes wrong on its way back. These are the
//! outcomes a client cannot tell from failures, which it must reconcile rather than guess.
//!
//! A layer around the whole service. Inject in-process with [`Emulator::spoil_answers`]
//! or over HTTP with `POST /emulator/answer-faults` and an [`AnswerFault`] body;
//! `DELETE /emulator/answer-faults` forgets the pending ones.
//!
//! [`Emulator::spoil_answers`]: super::Emulator::spoil_answers

use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::error::EmuError;

/// How a successful answer goes wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Spoil {
    /// The connection drops halfway through the body (a reset after the server acted).
    Reset,
    /// A complete HTTP answer whose JSON body is cut in half (undecodable).
    Truncate,
    /// An error status instead of the success (e.g. a 503 from a proxy), optionally
    /// with `Retry-After` seconds.
    #[serde(rename_all = "camelCase")]
    Status {
        code: u16,
        #[serde(default)]
        retry_after: Option<u64>,
    },
}

/// The next `count` successful answers to `method` (every method when absent) are
/// spoiled as `spoil` says, after the method has done its work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerFault {
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default = "one")]
    pub count: u32,
    pub spoil: Spoil,
}

fn one() -> u32 {
    1
}

/// The pending answer faults.
#[derive(Debug, Default)]
pub struct AnswerFaults(Mutex<Vec<AnswerFault>>);

impl AnswerFaults {
    fn lock(&self) -> MutexGuard<'_, Vec<AnswerFault>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn inject(&self, f: AnswerFault) {
        if f.count > 0 {
            self.lock().push(f);
        }
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    /// Faults not yet used up.
    pub fn pending(&self) -> Vec<AnswerFault> {
        self.lock().clone()
    }

    fn take(&self, method: &str) -> Option<Spoil> {
        let mut all = self.lock();
        let i = all
            .iter()
            .position(|f| f.method.as_deref().is_none_or(|m| m == method))?;
        let spoil = all[i].spoil.clone();
        all[i].count -= 1;
        if all[i].count == 0 {
            all.remove(i);
        }
        Some(spoil)
    }
}

/// The REST method id a request is for, if it is an API call.
fn method_id(method: &Method, path: &str) -> Option<&'static str> {
    let segs = super::paths::segments(path);
    if segs.first().is_none_or(|s| s != "v1") {
        return None;
    }
    super::routes::resolve(method, &segs).map(|m| m.route.id)
}

fn ok() -> Response {
    let mut r = (StatusCode::OK, "{\"ok\":true}").into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=UTF-8"),
    );
    r
}

/// The body limit for reading an answer back to spoil it.
const MAX_ANSWER: usize = 64 * 1024 * 1024;

/// The layer: controls at `/emulator/answer-faults`, and spoils successful answers.
pub async fn layer(State(faults): State<Arc<AnswerFaults>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path == "/emulator/answer-faults" {
        return match *req.method() {
            Method::POST => {
                let bytes = match axum::body::to_bytes(req.into_body(), 64 * 1024).await {
                    Ok(b) => b,
                    Err(_) => return EmuError::invalid("The fault is too large.").into_response(),
                };
                match super::request::parse_body::<AnswerFault>(&bytes, "fault") {
                    Ok(f) => {
                        if let Spoil::Status { code, .. } = f.spoil {
                            if !(400..600).contains(&code) {
                                return EmuError::invalid(
                                    "code must be an HTTP error status (400-599).",
                                )
                                .into_response();
                            }
                        }
                        faults.inject(f);
                        ok()
                    }
                    Err(e) => e.into_response(),
                }
            }
            Method::DELETE => {
                faults.clear();
                ok()
            }
            _ => EmuError::not_found(format!("No emulator control at {} {path}.", req.method()))
                .into_response(),
        };
    }
    let id = method_id(req.method(), &path);
    let resp = next.run(req).await;
    if !resp.status().is_success() {
        return resp;
    }
    let Some(spoil) = id.and_then(|m| faults.take(m)) else {
        return resp;
    };
    tracing::debug!(method = id, ?spoil, "spoiling the answer");
    let (mut parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_ANSWER)
        .await
        .unwrap_or_default();
    let half = Bytes::copy_from_slice(&bytes[..bytes.len() / 2]);
    match spoil {
        Spoil::Status { code, retry_after } => {
            let mut e = EmuError::with_code(code, "Injected failure after the method ran.");
            e.retry_after = retry_after;
            e.into_response()
        }
        Spoil::Truncate => {
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(half))
        }
        Spoil::Reset => {
            // Promise the whole body, send half, then fail: the server drops the connection.
            parts.headers.insert(
                header::CONTENT_LENGTH,
                HeaderValue::from(bytes.len().max(2) as u64),
            );
            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                Ok(half),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "injected reset",
                )),
            ];
            Response::from_parts(parts, Body::from_stream(futures::stream::iter(chunks)))
        }
    }
}
