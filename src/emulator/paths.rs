//! How the emulator reads a request's path before routing it: shared by the guard, the
//! HTTP entry, the API routes and the media routes, so that all of them read a path the
//! same way.

/// Bodies larger than this are refused (the largest legal message is 32,000 bytes).
pub const MAX_BODY: usize = 512 * 1024;

/// The path's segments as the API routes read them: leading slashes dropped, each
/// segment percent-decoded. Every check that depends on the route (the JSON rule, say)
/// must read the path this way, or a path such as `//v1/...` or `/%761/...` would be
/// routed to the API while looking like something else.
pub fn segments(path: &str) -> Vec<String> {
    path.trim_start_matches('/')
        .split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect()
}

/// Whether `path` is routed to the API methods (its first segment is `v1`).
pub fn is_api_path(path: &str) -> bool {
    segments(path).first().is_some_and(|s| s == "v1")
}

/// Whether `path` is an upload route (its body is media, not JSON, and may be large).
pub fn is_upload_path(path: &str) -> bool {
    let s = segments(path);
    matches!(
        s.first().map(String::as_str),
        Some("upload") | Some("resumable")
    )
}

/// Whether `path` is `media.download`.
pub fn is_download_path(path: &str) -> bool {
    let s = segments(path);
    s.len() > 2 && s[0] == "v1" && s[1] == "media"
}
