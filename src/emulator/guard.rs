//! What keeps web pages away from an emulator left running on a laptop. It listens on
//! 127.0.0.1 only, but a browser on the same machine can still be made to send it
//! requests; every route (the API, OAuth and `/emulator/*`) first passes these checks:
//!
//! - **DNS rebinding**: the `Host` must be a loopback name (`127.0.0.1`, `[::1]` or
//!   `localhost`, any port), never a domain that an attacker made resolve to 127.0.0.1.
//! - **Cross-origin requests**: an `Origin` (which browsers add to every request a page
//!   makes with a body, and to cross-origin reads) must be the emulator's own
//!   (`http://127.0.0.1:PORT`, `http://localhost:PORT` or `http://[::1]:PORT`), and fetch
//!   metadata (`Sec-Fetch-Site`) must not say another site sent it; the consent screen,
//!   which any page may link to, is the one exception to the latter.
//! - **Forms**: where a JSON body is expected (`/v1/...` and `/emulator/faults`), a body
//!   must say `Content-Type: application/json`, a type an HTML form cannot send and a
//!   script can send only after the browser asks permission (which it never gets).
//! - **Size**: a `Content-Length` over the limit is answered at once, before any of the
//!   body is read.
//!
//! Tools such as curl, Google's client libraries and gchat send none of the browser
//! headers and a loopback `Host`, so they are served as before.

use std::net::{Ipv4Addr, Ipv6Addr};

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::EmuError;
use super::paths::{is_api_path, is_upload_path, MAX_BODY};

/// What the checks need to know about the server.
#[derive(Debug, Clone, Copy)]
pub struct Guard {
    /// The port the emulator listens on: its own pages' origin carries it.
    pub port: u16,
}

/// `127.0.0.1`, `[::1]` or `localhost` (in any case), with an optional port: the `Host`
/// of a request that was meant for this machine.
pub fn is_loopback_host(value: &str) -> bool {
    let (host, port) = if let Some(rest) = value.strip_prefix('[') {
        let Some((v6, after)) = rest.split_once(']') else {
            return false;
        };
        let port = match after {
            "" => None,
            p => match p.strip_prefix(':') {
                Some(p) => Some(p),
                None => return false,
            },
        };
        if v6.parse::<Ipv6Addr>() != Ok(Ipv6Addr::LOCALHOST) {
            return false;
        }
        ("[::1]", port)
    } else {
        match value.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (value, None),
        }
    };
    let host_ok = host == "[::1]"
        || host.eq_ignore_ascii_case("localhost")
        || host.parse::<Ipv4Addr>() == Ok(Ipv4Addr::LOCALHOST);
    // RFC 9110: `port = *DIGIT`; an empty port is allowed.
    let port_ok = port.is_none_or(|p| p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    host_ok && port_ok
}

/// Whether `origin` (an `Origin` header value) is one of the emulator's own pages.
pub fn is_own_origin(origin: &str, port: u16) -> bool {
    let Ok(url) = url::Url::parse(origin) else {
        return false;
    };
    let host_ok = match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip == Ipv4Addr::LOCALHOST,
        Some(url::Host::Ipv6(ip)) => ip == Ipv6Addr::LOCALHOST,
        None => false,
    };
    // An origin is exactly scheme://host[:port]; anything more is not one.
    url.scheme() == "http"
        && host_ok
        && url.port_or_known_default() == Some(port)
        && url.username().is_empty()
        && url.password().is_none()
        && url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none()
        && !origin.ends_with('/')
}

/// `application/json`, with any parameters (`; charset=utf-8`), in any case.
pub fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
}

/// The routes whose body is a JSON message.
fn expects_json(path: &str) -> bool {
    // Read as the router reads it: `//v1/spaces` and `/%761/spaces` are API paths too.
    is_api_path(path) || path == "/emulator/faults" || path == "/emulator/answer-faults"
}

/// The consent screen: a page any site may link to (as Google's is).
fn is_consent_screen(method: &Method, path: &str) -> bool {
    method == Method::GET && matches!(path, "/o/oauth2/auth" | "/o/oauth2/v2/auth")
}

const NOT_LOOPBACK: &str = "The emulator answers only requests addressed to a loopback name (Host 127.0.0.1, [::1] or localhost).";
const FOREIGN_ORIGIN: &str = "The emulator does not answer requests from web pages other than its own (the Origin is not this emulator).";
const CROSS_SITE: &str =
    "The emulator does not answer requests from web pages other than its own (Sec-Fetch-Site).";

const FOREIGN_TARGET: &str = "The emulator answers only requests addressed to a loopback name (the request target names another host).";

/// Why the request must not be served, if it must not.
pub fn refusal(guard: Guard, method: &Method, uri: &Uri, headers: &HeaderMap) -> Option<EmuError> {
    let path = uri.path();
    // An absolute-form target (`GET http://host/v1/spaces`) names the host itself, and a
    // server must act on it rather than on `Host`: it too must be a loopback name.
    if let Some(authority) = uri.authority() {
        let scheme_ok = uri
            .scheme_str()
            .is_none_or(|s| s.eq_ignore_ascii_case("http"));
        if !scheme_ok || !is_loopback_host(authority.as_str()) {
            return Some(EmuError::permission(FOREIGN_TARGET));
        }
    }
    // Exactly one Host, and a loopback one.
    let mut hosts = headers.get_all(header::HOST).iter();
    let host_ok = match (hosts.next(), hosts.next()) {
        (Some(h), None) => h.to_str().is_ok_and(is_loopback_host),
        _ => false,
    };
    if !host_ok {
        return Some(EmuError::permission(NOT_LOOPBACK));
    }
    for origin in headers.get_all(header::ORIGIN) {
        if !origin.to_str().is_ok_and(|o| is_own_origin(o, guard.port)) {
            return Some(EmuError::permission(FOREIGN_ORIGIN));
        }
    }
    if !is_consent_screen(method, path) {
        for site in headers.get_all("sec-fetch-site") {
            let site = site.to_str().unwrap_or("cross-site").trim();
            if site.eq_ignore_ascii_case("cross-site") || site.eq_ignore_ascii_case("same-site") {
                return Some(EmuError::permission(CROSS_SITE));
            }
        }
    }
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    // Uploads check their own (much larger) limit as they stream.
    if length.is_some_and(|n| n > MAX_BODY as u64) && !is_upload_path(path) {
        return Some(EmuError::invalid(format!(
            "Request payload size exceeds the limit: {MAX_BODY} bytes."
        )));
    }
    let has_body = length.is_some_and(|n| n > 0) || headers.contains_key(header::TRANSFER_ENCODING);
    if has_body && expects_json(path) {
        let mut types = headers.get_all(header::CONTENT_TYPE).iter();
        let json = match (types.next(), types.next()) {
            (Some(t), None) => t.to_str().is_ok_and(is_json),
            _ => false,
        };
        if !json {
            return Some(EmuError::invalid(
                "Invalid JSON payload received. The request body must be JSON, sent with Content-Type: application/json.",
            ));
        }
    }
    None
}

/// The middleware in front of every route.
pub async fn check(State(guard): State<Guard>, req: Request, next: Next) -> Response {
    let Some(e) = refusal(guard, req.method(), req.uri(), req.headers()) else {
        return next.run(req).await;
    };
    tracing::debug!(
        method = %req.method(),
        path = %req.uri().path(),
        reason = %e.message,
        "request refused"
    );
    let mut resp = e.into_response();
    // The body (if any) is left unread: the connection cannot be used again.
    resp.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for good in [
            "127.0.0.1",
            "127.0.0.1:8080",
            "127.0.0.1:",
            "localhost",
            "LOCALHOST:1",
            "[::1]",
            "[::1]:65535",
            "[0:0:0:0:0:0:0:1]:80",
        ] {
            assert!(is_loopback_host(good), "{good}");
        }
        for bad in [
            "",
            "evil.example.com",
            "127.0.0.1.evil.com",
            "localhost.evil.com",
            "localhost.",
            "127.0.0.2",
            "127.1",
            "0x7f.0.0.1",
            "2130706433",
            "[::ffff:127.0.0.1]",
            "[::1",
            "[::1]x",
            "[::1]:80:80",
            "127.0.0.1:80:80",
            "127.0.0.1:8o",
            "127.0.0.1:123456",
            "user@127.0.0.1",
            "127.0.0.1 ",
            " 127.0.0.1",
        ] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
    }

    #[test]
    fn own_origins() {
        assert!(is_own_origin("http://127.0.0.1:8080", 8080));
        assert!(is_own_origin("http://localhost:8080", 8080));
        assert!(is_own_origin("http://[::1]:8080", 8080));
        assert!(is_own_origin("http://127.0.0.1", 80));
        for bad in [
            "http://127.0.0.1:8081",
            "https://127.0.0.1:8080",
            "http://evil.example.com:8080",
            "http://127.0.0.1.evil.com:8080",
            "http://user@127.0.0.1:8080",
            "http://127.0.0.1:8080/",
            "http://127.0.0.1:8080/x",
            "null",
            "",
            "127.0.0.1:8080",
        ] {
            assert!(!is_own_origin(bad, 8080), "{bad}");
        }
    }

    #[test]
    fn json_types() {
        assert!(is_json("application/json"));
        assert!(is_json("Application/JSON; charset=UTF-8"));
        assert!(!is_json("application/jsonp"));
        assert!(!is_json("text/plain"));
        assert!(!is_json("application/x-www-form-urlencoded"));
        assert!(!is_json(""));
    }
}
