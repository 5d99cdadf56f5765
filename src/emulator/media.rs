//! Attachment data over HTTP: `media.upload` (at `/upload/v1/{parent}/attachments:upload`,
//! with the multipart and resumable protocols Google's client libraries use) and
//! `media.download` (`/v1/media/{resourceName}?alt=media`). Where the bytes are kept is
//! `blobs`.
//!
//! Bytes are streamed, never held whole. Uploads over the limit (Google's 200 MB
//! by default) are refused as soon as a declared length or the bytes received pass it.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;

use super::auth::Principal;
use super::blobs::{
    Session, Writer, PENDING_LIMITS, SESSIONS_IN_ALL, SESSIONS_PER_USER, SESSION_IDLE,
    SESSION_LIFETIME,
};
use super::ctx::{reply, Reply};
use super::error::{EmuError, EmuResult};
use super::partial::Selector;
use super::paths::segments;
use super::request::Query;
use super::service::Service;
use super::store::{now, random_id, UploadRec};
use super::views::{can_access, find_space};
use crate::api::model::*;
use crate::api::scope::Scope;

/// How much a multipart body may carry besides the media (the metadata and boundaries).
const ENVELOPE_ALLOWANCE: u64 = 64 * 1024;

const UPLOAD_SCOPES: &[Scope] = &[
    Scope::ChatBot,
    Scope::ChatImport,
    Scope::ChatMessages,
    Scope::ChatMessagesCreate,
];
const DOWNLOAD_SCOPES: &[Scope] = &[
    Scope::ChatBot,
    Scope::ChatMessages,
    Scope::ChatMessagesReadonly,
];

/// File types Google Chat refuses (by extension), as for Gmail: executables and scripts.
const BLOCKED_EXTENSIONS: &[&str] = &[
    "ade",
    "adp",
    "apk",
    "appx",
    "appxbundle",
    "bat",
    "cab",
    "chm",
    "cmd",
    "com",
    "cpl",
    "dll",
    "dmg",
    "ex",
    "ex_",
    "exe",
    "hta",
    "ins",
    "isp",
    "iso",
    "jar",
    "js",
    "jse",
    "lib",
    "lnk",
    "mde",
    "msc",
    "msi",
    "msix",
    "msixbundle",
    "msp",
    "mst",
    "nsh",
    "pif",
    "ps1",
    "scr",
    "sct",
    "shb",
    "sys",
    "vb",
    "vbe",
    "vbs",
    "vxd",
    "wsc",
    "wsf",
    "wsh",
];

fn too_large(limit: u64) -> EmuError {
    EmuError::with_code(
        413,
        format!("The attachment is larger than the limit of {limit} bytes."),
    )
}

/// The attachment's file name as stored: its last path component, checked.
fn checked_filename(raw: Option<&str>) -> EmuResult<String> {
    let raw = raw.map(str::trim).unwrap_or("");
    let name = raw.rsplit(['/', '\\']).next().unwrap_or("").trim();
    if name.is_empty() || name == "." || name == ".." {
        return Err(EmuError::invalid_field(
            "filename",
            "The upload needs a filename (the metadata part's \"filename\").",
        ));
    }
    if name.chars().count() > 255 || name.chars().any(char::is_control) {
        return Err(EmuError::invalid_field(
            "filename",
            "The filename must be at most 255 characters with no control characters.",
        ));
    }
    // Windows drops trailing dots and spaces: `evil.exe.` is saved as `evil.exe`.
    if let Some((_, ext)) = name.trim_end_matches(['.', ' ']).rsplit_once('.') {
        let ext = ext.to_ascii_lowercase();
        if BLOCKED_EXTENSIONS.contains(&ext.as_str()) {
            return Err(EmuError::invalid_field(
                "filename",
                format!("Google Chat does not accept .{ext} files."),
            ));
        }
    }
    Ok(name.to_string())
}

/// A content type by file extension, for uploads that do not say.
fn guess_type(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "heic" => "image/heic",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "txt" | "log" => "text/plain",
        "md" => "text/markdown",
        "csv" => "text/csv",
        "html" | "htm" => "text/html",
        "json" => "application/json",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        "mp4" => "video/mp4",
        "mov" => "video/quicktime",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ => "application/octet-stream",
    }
}

/// The content type to store: the one the client sent (checked), else a guess.
fn checked_type(sent: Option<&str>, name: &str) -> EmuResult<String> {
    let essence = sent
        .map(|t| {
            t.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|t| !t.is_empty() && t != "application/octet-stream");
    match essence {
        None => Ok(guess_type(name).to_string()),
        Some(t) => {
            let ok = t.split_once('/').is_some_and(|(a, b)| {
                let tok = |s: &str| {
                    !s.is_empty()
                        && s.bytes()
                            .all(|c| c.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&c))
                };
                tok(a) && tok(b)
            });
            if !ok {
                return Err(EmuError::invalid_field(
                    "content_type",
                    format!("{t:?} is not a content type."),
                ));
            }
            if matches!(
                t.as_str(),
                "application/x-msdownload"
                    | "application/x-msdos-program"
                    | "application/x-ms-installer"
            ) {
                return Err(EmuError::invalid_field(
                    "content_type",
                    format!("Google Chat does not accept {t} files."),
                ));
            }
            Ok(t)
        }
    }
}

fn header_str<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

fn declared_length(h: &HeaderMap, name: &str) -> EmuResult<Option<u64>> {
    match header_str(h, name) {
        None => Ok(None),
        Some(v) => v
            .trim()
            .parse::<u64>()
            .map(Some)
            .map_err(|_| EmuError::invalid(format!("Invalid {name} header."))),
    }
}

/// Who may upload to `space`: someone who can see it.
fn check_space(svc: &Service, who: &Principal, space: &str) -> EmuResult<()> {
    svc.read_store(|store| find_space(&store.spaces, who, space).map(|_| ()))
}

/// Records finished bytes as an upload and answers with its `attachmentDataRef`.
async fn finish(
    svc: &Arc<Service>,
    who: &Principal,
    space: &str,
    filename: &str,
    content_type: String,
    size: u64,
    writer: Writer,
) -> EmuResult<Response> {
    let id = format!("{}{}", random_id(24), random_id(24));
    let token = random_id(40);
    svc.media.blobs.commit(writer, &id).await.map_err(|e| {
        EmuError::internal(format!("The emulator could not store the attachment: {e}"))
    })?;
    let rec = UploadRec {
        id: id.clone(),
        token: token.clone(),
        uploader: who.user_name(),
        content_name: filename.to_string(),
        content_type,
        size,
        create_time: now(),
        messages: Vec::new(),
    };
    let (done, snapshot) = svc.mutate(|store| {
        let r = super::views::find_space_mut(&mut store.spaces, who, space).map(|s| {
            s.uploads.insert(id.clone(), rec);
        });
        (r, false)
    });
    let saved = match done {
        Ok(Ok(())) => svc.save(snapshot).await,
        Ok(Err(e)) | Err(e) => Err(e),
    };
    if let Err(e) = saved {
        svc.media.blobs.remove(&id).await;
        return Err(e);
    }
    let body = UploadAttachmentResponse {
        attachment_data_ref: Some(AttachmentDataRef {
            resource_name: Some(id),
            attachment_upload_token: Some(token),
        }),
    };
    let Reply(bytes) = reply(&body)?;
    Ok(json(StatusCode::OK, bytes))
}

fn json(code: StatusCode, body: Vec<u8>) -> Response {
    let mut resp = (code, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=UTF-8"),
    );
    resp
}

/// The body as a stream of chunks with lookahead, for the multipart parser.
struct Chunks {
    stream: axum::body::BodyDataStream,
    buf: Vec<u8>,
}

impl Chunks {
    /// Reads more into `buf`; false at the end of the body.
    async fn fill(&mut self) -> EmuResult<bool> {
        match self.stream.next().await {
            None => Ok(false),
            Some(Ok(b)) => {
                self.buf.extend_from_slice(&b);
                Ok(true)
            }
            Some(Err(e)) => Err(EmuError::invalid(format!(
                "The upload could not be read: {e}"
            ))),
        }
    }

    /// Reads until `needle` is in the buffer (within `max` bytes); its position.
    async fn until(&mut self, needle: &[u8], max: usize) -> EmuResult<usize> {
        loop {
            if let Some(p) = find(&self.buf, needle) {
                return Ok(p);
            }
            if self.buf.len() > max {
                return Err(bad_multipart("a part's headers or metadata are too long"));
            }
            if !self.fill().await? {
                return Err(bad_multipart("the body ended early"));
            }
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    let first = needle[0];
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        match hay[i..=hay.len() - needle.len()]
            .iter()
            .position(|&b| b == first)
        {
            None => return None,
            Some(p) => {
                i += p;
                if &hay[i..i + needle.len()] == needle {
                    return Some(i);
                }
                i += 1;
            }
        }
    }
    None
}

fn bad_multipart(why: &str) -> EmuError {
    EmuError::invalid(format!("Invalid multipart/related upload: {why}."))
}

/// The boundary of a `multipart/related` content type.
fn boundary(content_type: &str) -> EmuResult<String> {
    let mut parts = content_type.split(';');
    let essence = parts.next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("multipart/related") {
        return Err(EmuError::invalid(
            "uploadType=multipart needs Content-Type: multipart/related with a boundary.",
        ));
    }
    for p in parts {
        if let Some((k, v)) = p.split_once('=') {
            if k.trim().eq_ignore_ascii_case("boundary") {
                let b = v.trim().trim_matches('"');
                if !b.is_empty() && b.len() <= 70 {
                    return Ok(b.to_string());
                }
            }
        }
    }
    Err(bad_multipart("no boundary"))
}

/// Reads a part's headers (after a delimiter line) and returns them, and whether lines
/// end in CRLF (as RFC 2046 says) or in LF alone (as Python's email generator writes):
/// a delimiter's line end belongs to the delimiter, not to the data before it.
async fn part_headers(c: &mut Chunks) -> EmuResult<(Vec<(String, String)>, bool)> {
    // The rest of the delimiter line.
    let eol = c.until(b"\n", 1024).await?;
    let crlf = eol > 0 && c.buf[eol - 1] == b'\r';
    let line = String::from_utf8_lossy(&c.buf[..eol]).trim().to_string();
    if line.starts_with("--") {
        return Err(bad_multipart("a part is missing"));
    }
    if !line.is_empty() {
        return Err(bad_multipart("text follows a boundary on its line"));
    }
    c.buf.drain(..=eol);
    let mut headers = Vec::new();
    loop {
        let eol = c.until(b"\n", 16 * 1024).await?;
        let line = String::from_utf8_lossy(&c.buf[..eol])
            .trim_end_matches('\r')
            .to_string();
        c.buf.drain(..=eol);
        if line.is_empty() {
            return Ok((headers, crlf));
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
        if headers.len() > 32 {
            return Err(bad_multipart("too many part headers"));
        }
    }
}

/// `uploadType=multipart`: a JSON metadata part, then the media part.
async fn multipart_upload(
    svc: &Arc<Service>,
    who: &Principal,
    space: &str,
    headers: &HeaderMap,
    body: Body,
) -> EmuResult<Response> {
    let limit = svc.config.media_limit;
    let ct = header_str(headers, "content-type").unwrap_or("");
    let b = boundary(ct)?;
    if declared_length(headers, "content-length")?.is_some_and(|n| n > limit + ENVELOPE_ALLOWANCE) {
        return Err(too_large(limit));
    }
    let mut c = Chunks {
        stream: body.into_data_stream(),
        buf: Vec::new(),
    };
    let first = format!("--{b}");
    let p = c.until(first.as_bytes(), 64 * 1024).await?;
    c.buf.drain(..p + first.len());
    let (h1, crlf) = part_headers(&mut c).await?;
    let delim = format!("\n--{b}");
    let end = c.until(delim.as_bytes(), 64 * 1024).await?;
    let meta_bytes: Vec<u8> = c.buf[..end].to_vec();
    let meta_bytes = match meta_bytes.strip_suffix(b"\r") {
        Some(m) if crlf => m,
        _ => &meta_bytes,
    };
    c.buf.drain(..end + delim.len());
    if let Some((_, t)) = h1.iter().find(|(k, _)| k == "content-type") {
        if !super::guard::is_json(t) {
            return Err(bad_multipart("the first part must be the JSON metadata"));
        }
    }
    let meta: UploadAttachmentRequest =
        super::request::parse_body(meta_bytes, "upload_attachment_request")?;
    let filename = checked_filename(meta.filename.as_deref())?;
    let (h2, crlf) = part_headers(&mut c).await?;
    let sent_type = h2
        .iter()
        .find(|(k, _)| k == "content-type")
        .map(|(_, v)| v.as_str());
    if let Some((_, enc)) = h2.iter().find(|(k, _)| k == "content-transfer-encoding") {
        if !enc.eq_ignore_ascii_case("binary") && !enc.eq_ignore_ascii_case("8bit") {
            return Err(bad_multipart("only binary media parts are supported"));
        }
    }
    let content_type = checked_type(sent_type, &filename)?;
    let mut w = svc.media.blobs.writer().await.map_err(|e| {
        EmuError::internal(format!("The emulator could not store the attachment: {e}"))
    })?;
    let mut size: u64 = 0;
    let result: EmuResult<()> = async {
        loop {
            if let Some(p) = find(&c.buf, delim.as_bytes()) {
                let data = &c.buf[..p];
                let data = match data.strip_suffix(b"\r") {
                    Some(d) if crlf => d,
                    _ => data,
                };
                size += data.len() as u64;
                if size > limit {
                    return Err(too_large(limit));
                }
                w.write(data).await.map_err(store_err)?;
                c.buf.drain(..p + delim.len());
                // The closing delimiter ends in `--`.
                while c.buf.len() < 2 {
                    if !c.fill().await? {
                        break;
                    }
                }
                if !c.buf.starts_with(b"--") {
                    return Err(bad_multipart("only one media part is supported"));
                }
                return Ok(());
            }
            // Keep what could be the start of a delimiter.
            let keep = delim.len() + 1;
            if c.buf.len() > keep {
                let cut = c.buf.len() - keep;
                size += cut as u64;
                if size > limit {
                    return Err(too_large(limit));
                }
                w.write(&c.buf[..cut]).await.map_err(store_err)?;
                c.buf.drain(..cut);
            }
            if !c.fill().await? {
                return Err(bad_multipart("the body ended before the closing boundary"));
            }
        }
    }
    .await;
    if let Err(e) = result {
        w.discard().await;
        return Err(e);
    }
    finish(svc, who, space, &filename, content_type, size, w).await
}

fn store_err(e: std::io::Error) -> EmuError {
    EmuError::internal(format!("The emulator could not store the attachment: {e}"))
}

/// `Content-Range: bytes A-B/TOTAL`, `bytes */TOTAL` or `bytes A-B/*`.
struct ContentRange {
    first: Option<u64>,
    total: Option<u64>,
}

fn content_range(h: &HeaderMap) -> EmuResult<Option<ContentRange>> {
    let Some(v) = header_str(h, "content-range") else {
        return Ok(None);
    };
    let bad = || EmuError::invalid(format!("Invalid Content-Range {v:?}."));
    let rest = v.trim().strip_prefix("bytes ").ok_or_else(bad)?;
    let (range, total) = rest.split_once('/').ok_or_else(bad)?;
    let total = match total.trim() {
        "*" => None,
        t => Some(t.parse::<u64>().map_err(|_| bad())?),
    };
    let first = match range.trim() {
        "*" => None,
        r => {
            let (a, b) = r.split_once('-').ok_or_else(bad)?;
            let a = a.parse::<u64>().map_err(|_| bad())?;
            let b = b.parse::<u64>().map_err(|_| bad())?;
            if b < a {
                return Err(bad());
            }
            Some(a)
        }
    };
    Ok(Some(ContentRange { first, total }))
}

/// `uploadType=resumable`, first request: the metadata; answers the session's address.
async fn resumable_start(
    svc: &Arc<Service>,
    who: &Principal,
    space: &str,
    headers: &HeaderMap,
    body: Body,
) -> EmuResult<Response> {
    let limit = svc.config.media_limit;
    let total = declared_length(headers, "x-upload-content-length")?;
    if total.is_some_and(|n| n > limit) {
        return Err(too_large(limit));
    }
    let bytes = axum::body::to_bytes(body, super::paths::MAX_BODY)
        .await
        .map_err(|_| EmuError::invalid("The upload metadata is too large."))?;
    let meta: UploadAttachmentRequest = if bytes.iter().all(u8::is_ascii_whitespace) {
        UploadAttachmentRequest::default()
    } else {
        super::request::parse_body(&bytes, "upload_attachment_request")?
    };
    let filename = checked_filename(meta.filename.as_deref())?;
    let sent_type = header_str(headers, "x-upload-content-type").map(str::to_string);
    checked_type(sent_type.as_deref(), &filename)?;
    let id = random_id(32);
    let session = Session {
        started: std::time::Instant::now(),
        touched: std::time::Instant::now(),
        space: space.to_string(),
        uploader: who.user_name(),
        filename,
        content_type: sent_type,
        total,
        received: 0,
        writer: None,
    };
    let mut sessions = svc.media.sessions.lock().await;
    // Abandoned sessions go (with their partial bytes) once they are old or idle.
    let mut expired = Vec::new();
    sessions.retain(|_, s| match s.try_lock() {
        Ok(mut s)
            if s.started.elapsed() > SESSION_LIFETIME || s.touched.elapsed() > SESSION_IDLE =>
        {
            expired.extend(s.writer.take());
            false
        }
        _ => true,
    });
    // The caller's own least recently used sessions make room for the new one.
    let me = who.user_name();
    loop {
        let mine: Vec<(String, std::time::Instant)> = sessions
            .iter()
            .filter_map(|(k, s)| {
                let s = s.try_lock().ok()?;
                (s.uploader == me).then(|| (k.clone(), s.touched))
            })
            .collect();
        if mine.len() < SESSIONS_PER_USER {
            break;
        }
        let Some((oldest, _)) = mine.into_iter().min_by_key(|(_, t)| *t) else {
            break;
        };
        if let Some(s) = sessions.remove(&oldest) {
            if let Ok(mut s) = s.try_lock() {
                expired.extend(s.writer.take());
            }
        }
    }
    if sessions.len() >= SESSIONS_IN_ALL {
        drop(sessions);
        for w in expired {
            w.discard().await;
        }
        return Err(EmuError::exhausted(
            "Too many unfinished uploads; finish or abandon some and try again later.",
        ));
    }
    sessions.insert(id.clone(), Arc::new(tokio::sync::Mutex::new(session)));
    drop(sessions);
    for w in expired {
        w.discard().await;
    }
    // Where the emulator listens, not what the Host header claims (it may lack the
    // port).
    let host = svc
        .media
        .addr
        .get()
        .map_or_else(|| "127.0.0.1".to_string(), |a| a.to_string());
    let location = format!(
        "http://{host}/upload/v1/spaces/{space}/attachments:upload?uploadType=resumable&upload_id={id}"
    );
    let mut resp = json(StatusCode::OK, Vec::new());
    if let Ok(v) = HeaderValue::from_str(&location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp.headers_mut().insert(
        "x-guploader-uploadid",
        HeaderValue::from_str(&id).unwrap_or(HeaderValue::from_static("")),
    );
    Ok(resp)
}

fn incomplete(received: u64) -> Response {
    let mut resp = Response::new(Body::empty());
    *resp.status_mut() = StatusCode::PERMANENT_REDIRECT;
    if received > 0 {
        if let Ok(v) = HeaderValue::from_str(&format!("bytes=0-{}", received - 1)) {
            resp.headers_mut().insert(header::RANGE, v);
        }
    }
    resp
}

/// `uploadType=resumable&upload_id=...`: a chunk (or a status query) of a session.
async fn resumable_chunk(
    svc: &Arc<Service>,
    who: &Principal,
    upload_id: &str,
    headers: &HeaderMap,
    body: Body,
) -> EmuResult<Response> {
    let limit = svc.config.media_limit;
    let not_found =
        || EmuError::not_found("No such upload session (it may have finished or expired).");
    let session = svc
        .media
        .sessions
        .lock()
        .await
        .get(upload_id)
        .cloned()
        .ok_or_else(not_found)?;
    let mut s = session.lock().await;
    if s.uploader != who.user_name() {
        return Err(not_found());
    }
    let range = content_range(headers)?;
    let len = declared_length(headers, "content-length")?;
    if let Some(r) = &range {
        if let (Some(t), Some(known)) = (r.total, s.total) {
            if t != known {
                return Err(EmuError::invalid("The upload's total size changed."));
            }
        }
        if r.total.is_some() {
            s.total = r.total;
        }
        if s.total.is_some_and(|t| t > limit) {
            return Err(too_large(limit));
        }
        if r.first.is_none() {
            // A status query: how much has arrived.
            return Ok(incomplete(s.received));
        }
        if r.first != Some(s.received) {
            return Err(EmuError::invalid(format!(
                "The chunk starts at byte {}, but {} bytes have been received.",
                r.first.unwrap_or(0),
                s.received
            )));
        }
    }
    if len.is_some_and(|n| s.received + n > limit) {
        return Err(too_large(limit));
    }
    // What the other unfinished uploads hold: all of them together stay under a bound.
    let pending_cap = limit.saturating_mul(PENDING_LIMITS);
    let others: u64 = {
        let sessions = svc.media.sessions.lock().await;
        sessions
            .iter()
            .filter(|(k, _)| k.as_str() != upload_id)
            .filter_map(|(_, o)| o.try_lock().ok().map(|o| o.received))
            .sum()
    };
    let room = pending_cap.saturating_sub(others);
    let exhausted = || {
        EmuError::exhausted(
            "Unfinished uploads hold too many bytes; finish or abandon some and try again later.",
        )
    };
    if len.is_some_and(|n| s.received + n > room) {
        return Err(exhausted());
    }
    s.touched = std::time::Instant::now();
    if s.writer.is_none() {
        s.writer = Some(svc.media.blobs.writer().await.map_err(store_err)?);
    }
    let mut stream = body.into_data_stream();
    let mut failed = None;
    while let Some(chunk) = stream.next().await {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                // Cut off: what arrived is kept for the client to resume after.
                failed = Some((
                    EmuError::invalid(format!("The upload could not be read: {e}")),
                    true,
                ));
                break;
            }
        };
        let next = s.received + chunk.len() as u64;
        if next > room && next <= limit && s.total.is_none_or(|t| next <= t) {
            failed = Some((exhausted(), true));
            break;
        }
        if next > limit || s.total.is_some_and(|t| next > t) {
            failed = Some((
                if next > limit {
                    too_large(limit)
                } else {
                    EmuError::invalid("The upload is longer than its declared size.")
                },
                false,
            ));
            break;
        }
        if let Some(w) = s.writer.as_mut() {
            if let Err(e) = w.write(&chunk).await {
                failed = Some((store_err(e), false));
                break;
            }
        }
        s.received = next;
    }
    if let Some((e, keep)) = failed {
        if keep {
            // The bytes that arrived are kept: a status query tells how many.
            return Err(e);
        }
        // The session is over: a client starts again.
        if let Some(w) = s.writer.take() {
            w.discard().await;
        }
        drop(s);
        svc.media.sessions.lock().await.remove(upload_id);
        return Err(e);
    }
    // Without a total, a request without Content-Range is the whole upload.
    let complete = match s.total {
        Some(t) => s.received == t,
        None => range.is_none(),
    };
    if !complete {
        return Ok(incomplete(s.received));
    }
    let Some(w) = s.writer.take() else {
        return Err(EmuError::internal("upload session without data"));
    };
    let content_type = checked_type(s.content_type.as_deref(), &s.filename)?;
    let (space, filename, size) = (s.space.clone(), s.filename.clone(), s.received);
    drop(s);
    svc.media.sessions.lock().await.remove(upload_id);
    finish(svc, who, &space, &filename, content_type, size, w).await
}

/// `media.download`'s answer without `alt=media`: the `Media` resource.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct MediaResource {
    resource_name: String,
}

/// Refuses a `fields` selection naming a field `media.upload`'s answer does not have,
/// as every method does. Checked against an answer with every field there, before the
/// upload is taken, so that a refused request stores nothing.
pub fn check_upload_fields(sel: &Selector) -> EmuResult<()> {
    let every = UploadAttachmentResponse {
        attachment_data_ref: Some(AttachmentDataRef {
            resource_name: Some(String::new()),
            attachment_upload_token: Some(String::new()),
        }),
    };
    sel.to_vec(&every).map(drop).map_err(EmuError::from)
}

/// As [`check_upload_fields`], for the `Media` resource `media.download` answers
/// without `alt=media`.
pub fn check_download_fields(sel: &Selector) -> EmuResult<()> {
    let every = MediaResource {
        resource_name: String::new(),
    };
    sel.to_vec(&every).map(drop).map_err(EmuError::from)
}

/// Serves `media.upload` in either protocol.
pub async fn serve_upload(
    svc: Arc<Service>,
    method: &Method,
    path: &str,
    raw_query: Option<&str>,
    headers: &HeaderMap,
    body: Body,
) -> Response {
    match upload(&svc, method, path, raw_query, headers, body).await {
        Ok(r) => r,
        Err(e) => {
            let mut r = e.into_response();
            // The body may be left unread: the connection cannot be used again.
            r.headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            r
        }
    }
}

async fn upload(
    svc: &Arc<Service>,
    method: &Method,
    path: &str,
    raw_query: Option<&str>,
    headers: &HeaderMap,
    body: Body,
) -> EmuResult<Response> {
    let segs = segments(path);
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    let space = match s.as_slice() {
        ["upload", "v1", "spaces", space, "attachments:upload"]
        | ["resumable", "upload", "v1", "spaces", space, "attachments:upload"] => space.to_string(),
        _ => {
            return Err(EmuError::not_found(format!(
                "The requested URL {path} was not found on this server (method {method})."
            )))
        }
    };
    if let Some(e) = svc.take_fault("chat.media.upload") {
        return Err(e);
    }
    let query = Query::parse(raw_query);
    let who = svc.principal(headers, &query)?;
    who.require_any(UPLOAD_SCOPES, "chat.media.upload")?;
    let upload_type = query.string("uploadType").unwrap_or("");
    if let Some(id) = query.string("upload_id") {
        if upload_type != "resumable" || !(method == Method::PUT || method == Method::POST) {
            return Err(EmuError::invalid(
                "A session's chunks are sent with PUT and uploadType=resumable.",
            ));
        }
        return resumable_chunk(svc, &who, id, headers, body).await;
    }
    if method != Method::POST {
        return Err(EmuError::not_found(format!(
            "The requested URL {path} was not found on this server (method {method})."
        )));
    }
    check_space(svc, &who, &space)?;
    match upload_type {
        "multipart" => multipart_upload(svc, &who, &space, headers, body).await,
        "resumable" => resumable_start(svc, &who, &space, headers, body).await,
        "media" | "" => Err(EmuError::invalid(
            "media.upload needs the attachment's filename: use uploadType=multipart (metadata and media) or uploadType=resumable.",
        )),
        other => Err(EmuError::invalid(format!(
            "Invalid uploadType {other:?}: use multipart or resumable."
        ))),
    }
}

/// Serves `media.download`: the bytes with `alt=media`, else the `Media` resource.
pub async fn serve_download(
    svc: Arc<Service>,
    method: &Method,
    path: &str,
    raw_query: Option<&str>,
    headers: &HeaderMap,
) -> Response {
    match download(&svc, method, path, raw_query, headers).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn download(
    svc: &Arc<Service>,
    method: &Method,
    path: &str,
    raw_query: Option<&str>,
    headers: &HeaderMap,
) -> EmuResult<Response> {
    let segs = segments(path);
    if method != Method::GET {
        return Err(EmuError::not_found(format!(
            "The requested URL {path} was not found on this server (method {method})."
        )));
    }
    let resource = segs[2..].join("/");
    if let Some(e) = svc.take_fault("chat.media.download") {
        return Err(e);
    }
    let query = Query::parse(raw_query);
    query.only(&[
        "alt",
        "access_token",
        "$.xgafv",
        "prettyPrint",
        "fields",
        "key",
    ])?;
    let who = svc.principal(headers, &query)?;
    who.require_any(DOWNLOAD_SCOPES, "chat.media.download")?;
    let not_found = || EmuError::not_found(format!("Media {resource} not found."));
    let found = svc.read_store(|store| {
        for rec in store.spaces.values() {
            let Some(up) = rec.uploads.get(&resource) else {
                continue;
            };
            if !can_access(rec, &who) {
                return None;
            }
            let own = up.uploader == who.user_name();
            // Shared: a message the caller can read still carries it.
            let shared = up.messages.iter().any(|mid| {
                rec.find_message(mid).is_some_and(|i| {
                    let m = &rec.messages[i];
                    !m.deleted()
                        && super::views::readable(rec, m, &who)
                        && m.msg.attachment.iter().any(|a| {
                            a.pointer("/attachmentDataRef/resourceName")
                                .and_then(|v| v.as_str())
                                == Some(resource.as_str())
                        })
                })
            });
            // The uploader's own access lasts until the upload is attached: once it
            // is, it goes with the messages (and with their deletion).
            return ((own && up.messages.is_empty()) || shared)
                .then(|| (up.content_type.clone(), up.size, up.content_name.clone()));
        }
        None
    });
    let (content_type, size, name) = found.ok_or_else(not_found)?;
    if query.string("alt") != Some("media") {
        let Reply(bytes) = reply(&MediaResource {
            resource_name: resource,
        })?;
        return Ok(json(StatusCode::OK, bytes));
    }
    // `Range: bytes=A-B`, `bytes=A-` or `bytes=-N` (RFC 9110 14.1.2): 206 with that
    // part, or 416 when it starts past the end; anything else gets the whole.
    let range = match header_str(headers, "range").map(byte_range) {
        Some(r) => r.resolve(size),
        None => Ok(None),
    };
    let range = match range {
        Ok(r) => r,
        Err(()) => {
            let mut resp = Response::new(Body::empty());
            *resp.status_mut() = StatusCode::RANGE_NOT_SATISFIABLE;
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}")) {
                resp.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return Ok(resp);
        }
    };
    let (start, end) = range.unwrap_or((0, size));
    let body = svc
        .media
        .blobs
        .body(&resource, start, end)
        .await
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                not_found()
            } else {
                store_err(e)
            }
        })?;
    let mut resp = Response::new(body);
    if range.is_some() {
        *resp.status_mut() = StatusCode::PARTIAL_CONTENT;
        if let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{}/{size}", end - 1)) {
            resp.headers_mut().insert(header::CONTENT_RANGE, v);
        }
    }
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(end - start));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    // Uploaded bytes are never rendered on the emulator's own origin: a saved file,
    // never sniffed, with no rights if a browser opens it anyway.
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&content_disposition(&name))
            .unwrap_or(HeaderValue::from_static("attachment")),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    Ok(resp)
}

/// `attachment; filename*=UTF-8''…` (RFC 6266 / 8187).
fn content_disposition(name: &str) -> String {
    let mut out = String::from("attachment; filename*=UTF-8''");
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A `Range` header's single byte range.
enum ByteRange {
    /// `A-` or `A-B`.
    From(u64, Option<u64>),
    /// `-N`: the last N bytes.
    Suffix(u64),
    /// Something else (several ranges, other units, garbage): ignored.
    Ignored,
}

fn byte_range(v: &str) -> ByteRange {
    let Some(r) = v.trim().strip_prefix("bytes=") else {
        return ByteRange::Ignored;
    };
    let Some((a, b)) = r.trim().split_once('-') else {
        return ByteRange::Ignored;
    };
    let (a, b) = (a.trim(), b.trim());
    match (a.parse::<u64>(), b) {
        (Ok(a), "") => ByteRange::From(a, None),
        (Ok(a), b) => match b.parse::<u64>() {
            Ok(b) if b >= a => ByteRange::From(a, Some(b)),
            _ => ByteRange::Ignored,
        },
        (Err(_), b) if a.is_empty() => b.parse().map_or(ByteRange::Ignored, ByteRange::Suffix),
        _ => ByteRange::Ignored,
    }
}

impl ByteRange {
    /// `start..end` of a `size`-byte file; `Ok(None)` for the whole; `Err` when no
    /// byte of the file is in it (416).
    fn resolve(self, size: u64) -> Result<Option<(u64, u64)>, ()> {
        match self {
            ByteRange::Ignored => Ok(None),
            ByteRange::From(a, _) if a >= size => Err(()),
            ByteRange::From(a, b) => Ok(Some((a, b.map_or(size, |b| (b + 1).min(size))))),
            ByteRange::Suffix(0) => Err(()),
            ByteRange::Suffix(_) if size == 0 => Err(()),
            ByteRange::Suffix(n) => Ok(Some((size - n.min(size), size))),
        }
    }
}
