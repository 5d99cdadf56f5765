//! The HTTP entry: every request's body is read here, then handed to the OAuth
//! endpoints, the emulator's controls or the API service.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};

use super::ctx::Reply;
use super::error::EmuError;
use super::media;
use super::paths::{self, is_api_path, MAX_BODY};
use super::service::Service;

fn json_response(code: StatusCode, body: Vec<u8>) -> Response {
    let mut resp = (code, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=UTF-8"),
    );
    resp
}

/// `resp` with only the fields `sel` selects, when it is a JSON object answered 200.
async fn select_in(resp: Response, sel: &super::partial::Selector) -> Response {
    if resp.status() != StatusCode::OK {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => return EmuError::internal("the answer could not be read back").into_response(),
    };
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(v @ serde_json::Value::Object(_)) => match sel.to_vec(&v) {
            Ok(body) => {
                parts.headers.remove(header::CONTENT_LENGTH);
                Response::from_parts(parts, Body::from(body))
            }
            Err(e) => EmuError::from(e).into_response(),
        },
        _ => Response::from_parts(parts, Body::from(bytes)),
    }
}

/// The axum handler for every path.
pub async fn serve_request(State(svc): State<Arc<Service>>, req: Request<Body>) -> Response {
    let (parts, body) = req.into_parts();
    // Media is streamed, not read whole. A `fields` that is malformed or names a field
    // the answer does not have is refused before an upload is stored, as for every
    // method; a good one shapes the answer (with `alt=media`, a download's answer is the
    // file itself, which it leaves alone).
    let upload = paths::is_upload_path(parts.uri.path());
    let json_download = paths::is_download_path(parts.uri.path())
        && super::request::Query::parse(parts.uri.query()).string("alt") != Some("media");
    let media_fields = if upload || json_download {
        let checked = super::partial::Selector::from_query(parts.uri.query()).and_then(|f| {
            match &f {
                Some(sel) if upload => media::check_upload_fields(sel)?,
                Some(sel) => media::check_download_fields(sel)?,
                None => {}
            }
            Ok(f)
        });
        match checked {
            Err(e) => return e.into_response(),
            Ok(f) => f,
        }
    } else {
        None
    };
    if upload {
        let resp = media::serve_upload(
            svc.clone(),
            &parts.method,
            parts.uri.path(),
            parts.uri.query(),
            &parts.headers,
            body,
        )
        .await;
        return match media_fields {
            Some(sel) => select_in(resp, &sel).await,
            None => resp,
        };
    }
    if paths::is_download_path(parts.uri.path()) {
        let resp = media::serve_download(
            svc.clone(),
            &parts.method,
            parts.uri.path(),
            parts.uri.query(),
            &parts.headers,
        )
        .await;
        return match media_fields {
            Some(sel) => select_in(resp, &sel).await,
            None => resp,
        };
    }
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return EmuError::invalid(format!(
                "Request payload size exceeds the limit: {MAX_BODY} bytes."
            ))
            .into_response()
        }
    };
    let path = parts.uri.path();
    if !is_api_path(path) {
        let settings = super::oauth::Settings {
            user: svc.config.oauth_user.clone(),
            token_lifetime: chrono::Duration::from_std(svc.config.token_lifetime)
                .unwrap_or_else(|_| chrono::Duration::hours(1)),
        };
        let (handled, snapshot) = svc.mutate(|store| {
            match super::oauth::handle(
                store,
                &settings,
                &parts.method,
                path,
                parts.uri.query(),
                &parts.headers,
                &bytes,
            ) {
                Some(h) => {
                    let changed = h.changed;
                    (Some(h.response), changed)
                }
                None => (None, false),
            }
        });
        let handled = match handled {
            Ok(h) => h,
            Err(e) => return e.into_response(),
        };
        if let Some(response) = handled {
            if let Err(e) = svc.save(snapshot).await {
                return e.into_response();
            }
            return response;
        }
        if path.starts_with("/emulator/") {
            return super::admin::handle(&svc, &parts.method, path, &bytes);
        }
    }
    // A malformed `fields` is refused before the method runs; a good one shapes the
    // answer as it is serialised.
    let fields = match super::partial::Selector::from_query(parts.uri.query()) {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let (result, snapshot) = super::partial::with(fields, || {
        svc.dispatch(
            &parts.method,
            parts.uri.path(),
            parts.uri.query(),
            &parts.headers,
            &bytes,
        )
    });
    if let Err(e) = svc.save(snapshot).await {
        return e.into_response();
    }
    match result {
        Err(e) => {
            tracing::debug!(method = %parts.method, path = %parts.uri.path(), code = e.code, "error answer");
            e.into_response()
        }
        Ok(Reply(body)) => json_response(StatusCode::OK, body),
    }
}
