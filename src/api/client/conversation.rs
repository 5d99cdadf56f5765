//! Reactions, attachments (upload and download with progress), message pins and custom
//! emoji.

use std::path::Path;
use std::time::Duration;

use reqwest::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{collect_pages, Call, Client};
use crate::api::error::{parse_retry_after, ApiError, ServerError};
use crate::api::model::*;
use crate::api::name::{
    AttachmentName, CustomEmojiName, MediaName, MessageName, MessagePinName, ReactionName,
    SpaceName,
};

/// Google Chat's limit on one attachment: 200 MB.
pub const MAX_ATTACHMENT_BYTES: u64 = 200 * 1024 * 1024;

/// How much of a file one upload request carries (a multiple of 256 KiB, as the
/// resumable protocol asks).
pub const UPLOAD_CHUNK: usize = 4 * 1024 * 1024;

/// Answers in a row without progress after which an upload is given up.
const MAX_STALLED_ANSWERS: u32 = 4;

/// The longest a download or an upload chunk may take.
const MEDIA_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// `spaces.messages.reactions.list` parameters.
#[derive(Debug, Clone, Default)]
pub struct ListReactions {
    pub page_size: Option<i32>,
    pub page_token: Option<String>,
    /// e.g. `emoji.unicode = "🙂" AND user.name = "users/123"`.
    pub filter: Option<String>,
}

/// What the server said to a resumable upload request.
enum ChunkAnswer {
    /// 308: this many bytes have arrived so far.
    Incomplete(u64),
    Done(UploadAttachmentResponse),
}

/// Bytes moved so far, and how many there are in all.
pub type Progress<'a> = &'a mut (dyn FnMut(u64, u64) + Send);

/// The quote of `m` for a new message: its name and the time it was last changed.
pub fn quote_of(m: &Message) -> Option<QuotedMessageMetadata> {
    Some(QuotedMessageMetadata {
        name: Some(m.name.clone()?),
        last_update_time: m.last_update_time.or(m.create_time),
        ..Default::default()
    })
}

/// A filter for reactions with `emoji` (for `list_reactions`).
pub fn emoji_filter(emoji: &Emoji) -> Option<String> {
    let q = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    match (&emoji.unicode, &emoji.custom_emoji) {
        (Some(u), _) => Some(format!("emoji.unicode = \"{}\"", q(u))),
        (None, Some(c)) => c
            .uid
            .as_deref()
            .map(|uid| format!("emoji.custom_emoji.uid = \"{}\"", q(uid))),
        _ => None,
    }
}

impl Client {
    // ---- reactions ----

    /// `spaces.messages.reactions.create`. 409 when the caller already reacted so.
    pub async fn create_reaction(
        &self,
        message: &MessageName,
        emoji: &Emoji,
    ) -> Result<Reaction, ApiError> {
        let body = Reaction {
            emoji: Some(emoji.clone()),
            ..Default::default()
        };
        let call = Call::new(Method::POST, format!("v1/{message}/reactions")).json(&body)?;
        self.send(call).await
    }

    pub async fn list_reactions(
        &self,
        message: &MessageName,
        p: &ListReactions,
    ) -> Result<ListReactionsResponse, ApiError> {
        let call = Call::new(Method::GET, format!("v1/{message}/reactions"))
            .q_opt("pageSize", p.page_size)
            .q_opt("pageToken", p.page_token.as_deref())
            .q_opt("filter", p.filter.as_deref());
        self.send(call).await
    }

    pub async fn list_all_reactions(
        &self,
        message: &MessageName,
        filter: Option<&str>,
    ) -> Result<Vec<Reaction>, ApiError> {
        collect_pages(|token| {
            let p = ListReactions {
                page_size: Some(200),
                page_token: token,
                filter: filter.map(String::from),
            };
            async move {
                let page = self.list_reactions(message, &p).await?;
                Ok((page.reactions, page.next_page_token))
            }
        })
        .await
    }

    /// `spaces.messages.reactions.delete`: only the caller's own reaction.
    pub async fn delete_reaction(&self, name: &ReactionName) -> Result<(), ApiError> {
        let call = Call::new(Method::DELETE, format!("v1/{name}"));
        self.send_delete::<Empty>(call).await.map(|_| ())
    }

    // ---- attachments ----

    /// `spaces.messages.attachments.get` (app authentication only).
    pub async fn get_attachment(&self, name: &AttachmentName) -> Result<Attachment, ApiError> {
        self.send(Call::new(Method::GET, format!("v1/{name}")))
            .await
    }

    async fn bearer(&self) -> Result<String, ApiError> {
        self.inner.tokens.token().await
    }

    fn server_error(status: u16, headers: &reqwest::header::HeaderMap, body: &[u8]) -> ApiError {
        let retry_after = headers
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        ApiError::Server(ServerError::from_response(status, body, retry_after))
    }

    /// `media.upload` of the file at `path` to `space` with the resumable protocol, in
    /// chunks of [`UPLOAD_CHUNK`]; `progress` hears the bytes sent after each chunk.
    /// Files over 200 MB are refused before anything is sent. Attach the answer to a
    /// message with [`Message::add_attachment`].
    pub async fn upload_attachment(
        &self,
        space: &SpaceName,
        path: &Path,
        content_type: Option<&str>,
        progress: Progress<'_>,
    ) -> Result<AttachmentDataRef, ApiError> {
        let local = |e: std::io::Error| {
            ApiError::InvalidArgument(format!("could not read {}: {e}", path.display()))
        };
        // Looked at before it is opened: opening a named pipe nobody writes to blocks
        // for ever.
        let meta = tokio::fs::metadata(path).await.map_err(local)?;
        not_a_file(path, &meta)?;
        let mut file = tokio::fs::File::open(path).await.map_err(local)?;
        let meta = file.metadata().await.map_err(local)?;
        not_a_file(path, &meta)?;
        let total = meta.len();
        if total > MAX_ATTACHMENT_BYTES {
            return Err(ApiError::InvalidArgument(format!(
                "{} is {total} bytes; Google Chat accepts attachments of at most {MAX_ATTACHMENT_BYTES} bytes (200 MB)",
                path.display()
            )));
        }
        let filename = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| {
                ApiError::InvalidArgument(format!("{} has no file name", path.display()))
            })?;
        let start_url = format!("{}/upload/v1/{space}/attachments:upload", self.inner.chat);
        let token = self.bearer().await?;
        let mut req = self
            .inner
            .http
            .post(&start_url)
            .query(&[("uploadType", "resumable")])
            .bearer_auth(&token)
            .header("X-Upload-Content-Length", total.to_string())
            .json(&UploadAttachmentRequest {
                filename: Some(filename),
            });
        if let Some(t) = content_type {
            req = req.header("X-Upload-Content-Type", t);
        }
        let resp = req.send().await.map_err(ApiError::from_reqwest)?;
        let status = resp.status();
        let headers = resp.headers().clone();
        if !status.is_success() {
            let body = resp.bytes().await.map_err(ApiError::from_reqwest)?;
            return Err(Self::server_error(status.as_u16(), &headers, &body));
        }
        let session = headers
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(String::from)
            .ok_or_else(|| ApiError::Decode("the upload session has no Location".into()))?;
        let mut sent: u64 = 0;
        progress(0, total);
        let mut buf = vec![0u8; UPLOAD_CHUNK];
        let mut failures: u32 = 0;
        // Answers in a row that moved nothing forward: a server that keeps asking for
        // the same bytes is given up on rather than fed forever.
        let mut stalled: u32 = 0;
        let server = reqwest::Url::parse(&session)
            .ok()
            .and_then(|u| u.host_str().map(String::from))
            .unwrap_or_else(|| "the upload server".into());
        let policy = &self.inner.retry;
        loop {
            use tokio::io::AsyncSeekExt;
            file.seek(std::io::SeekFrom::Start(sent))
                .await
                .map_err(local)?;
            let mut n = 0;
            while n < buf.len() {
                let r = file.read(&mut buf[n..]).await.map_err(local)?;
                if r == 0 {
                    break;
                }
                n += r;
            }
            if sent + n as u64 > total {
                return Err(ApiError::InvalidArgument(format!(
                    "{} grew while it was being uploaded",
                    path.display()
                )));
            }
            if n == 0 && total > 0 && sent < total {
                return Err(ApiError::InvalidArgument(format!(
                    "{} shrank while it was being uploaded",
                    path.display()
                )));
            }
            // An empty file is one request with no range.
            let range =
                (total > 0).then(|| format!("bytes {}-{}/{total}", sent, sent + n as u64 - 1));
            let answer = match self
                .upload_request(&session, &token, range, buf[..n].to_vec())
                .await
            {
                Ok(a) => a,
                Err(e) if e.is_retryable() && failures + 1 < policy.max_attempts.max(1) => {
                    // The chunk may have arrived in part: ask how much did, then go on
                    // from there.
                    failures += 1;
                    tokio::time::sleep(policy.backoff(failures - 1)).await;
                    match self
                        .upload_request(
                            &session,
                            &token,
                            Some(format!("bytes */{total}")),
                            Vec::new(),
                        )
                        .await
                    {
                        Ok(a) => a,
                        Err(e) if e.is_retryable() => continue,
                        Err(e) => return Err(e),
                    }
                }
                Err(e) => return Err(e),
            };
            match answer {
                ChunkAnswer::Incomplete(received) => {
                    if received > sent + n as u64 || (total > 0 && received >= total) {
                        return Err(ApiError::Decode(format!(
                            "{server} says it has {received} bytes of {total} when {} were sent and it has not finished the upload",
                            sent + n as u64
                        )));
                    }
                    if received > sent {
                        stalled = 0;
                    } else {
                        stalled += 1;
                        if stalled >= MAX_STALLED_ANSWERS {
                            return Err(ApiError::Decode(format!(
                                "{server} kept the upload at {received} of {total} bytes for {stalled} answers in a row; giving up"
                            )));
                        }
                    }
                    sent = received;
                    progress(sent, total);
                }
                ChunkAnswer::Done(r) => {
                    progress(total, total);
                    return r.attachment_data_ref.ok_or_else(|| {
                        ApiError::Decode("the upload answer has no attachmentDataRef".into())
                    });
                }
            }
        }
    }

    /// One request of a resumable session: a chunk, or (empty, `bytes */TOTAL`) a status
    /// query.
    async fn upload_request(
        &self,
        session: &str,
        token: &str,
        range: Option<String>,
        body: Vec<u8>,
    ) -> Result<ChunkAnswer, ApiError> {
        let mut req = self
            .inner
            .http
            .put(session)
            .bearer_auth(token)
            .timeout(MEDIA_TIMEOUT)
            .body(body);
        if let Some(r) = range {
            req = req.header(reqwest::header::CONTENT_RANGE, r);
        }
        let resp = req.send().await.map_err(ApiError::from_reqwest)?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.bytes().await.map_err(ApiError::from_reqwest)?;
        if status.as_u16() == 308 {
            // `Range: bytes=0-N`: N + 1 bytes have arrived; none without it.
            let received = headers
                .get(reqwest::header::RANGE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().strip_prefix("bytes=0-"))
                .and_then(|n| n.parse::<u64>().ok())
                .map_or(0, |n| n + 1);
            return Ok(ChunkAnswer::Incomplete(received));
        }
        if !status.is_success() {
            return Err(Self::server_error(status.as_u16(), &headers, &body));
        }
        serde_json::from_slice(&body)
            .map(ChunkAnswer::Done)
            .map_err(|e| ApiError::Decode(e.to_string()))
    }

    /// `media.download` of `media` into the file `dest`, streamed; `progress` hears the
    /// bytes received. Returns the bytes written. The bytes go to a temporary file beside
    /// `dest` that replaces it only once complete: a failed download leaves no partial
    /// file and does not touch an existing `dest`.
    pub async fn download_attachment(
        &self,
        media: &MediaName,
        dest: &Path,
        progress: Progress<'_>,
    ) -> Result<u64, ApiError> {
        self.download_attachment_at_most(media, dest, MAX_ATTACHMENT_BYTES, progress)
            .await
    }

    /// [`Self::download_attachment`], stopped (and the partial file deleted) once more
    /// than `limit` bytes, or more than the server announced, arrive.
    pub async fn download_attachment_at_most(
        &self,
        media: &MediaName,
        dest: &Path,
        limit: u64,
        progress: Progress<'_>,
    ) -> Result<u64, ApiError> {
        let url = format!("{}/v1/media/{media}", self.inner.chat);
        let token = self.bearer().await?;
        let mut resp = self
            .inner
            .http
            .get(&url)
            .query(&[("alt", "media")])
            .bearer_auth(&token)
            .timeout(MEDIA_TIMEOUT)
            .send()
            .await
            .map_err(ApiError::from_reqwest)?;
        let status = resp.status();
        if !status.is_success() {
            let headers = resp.headers().clone();
            let body = resp.bytes().await.map_err(ApiError::from_reqwest)?;
            return Err(Self::server_error(status.as_u16(), &headers, &body));
        }
        let total = resp.content_length().unwrap_or(0);
        if total > limit {
            return Err(ApiError::Decode(format!(
                "the server offers {total} bytes, more than the {limit} an attachment may have"
            )));
        }
        let local = |e: std::io::Error| {
            ApiError::InvalidArgument(format!("could not write {}: {e}", dest.display()))
        };
        let (file, part) = temporary_beside(dest).map_err(local)?.into_parts();
        let mut file = tokio::fs::File::from_std(file);
        let mut got: u64 = 0;
        progress(0, total);
        let result: Result<(), ApiError> = async {
            while let Some(chunk) = resp.chunk().await.map_err(ApiError::from_reqwest)? {
                got += chunk.len() as u64;
                if got > limit || (total > 0 && got > total) {
                    return Err(ApiError::Decode(format!(
                        "the server sent more than {} bytes; the download was stopped",
                        if total > 0 { total.min(limit) } else { limit }
                    )));
                }
                file.write_all(&chunk).await.map_err(local)?;
                progress(got, total.max(got));
            }
            file.flush().await.map_err(local)?;
            file.sync_all().await.map_err(local)?;
            if total > 0 && got != total {
                return Err(ApiError::Decode(format!(
                    "the download ended after {got} of {total} bytes"
                )));
            }
            Ok(())
        }
        .await;
        drop(file);
        // A failure (or a stop: the future dropped) drops `part`, which deletes it.
        result?;
        // `rename` replaces whatever is at `dest` (the name reserved for it, or a
        // symlink put there) and never writes through it.
        part.persist(dest).map_err(|e| local(e.error))?;
        Ok(got)
    }

    // ---- pins ----

    pub async fn list_message_pins(
        &self,
        space: &SpaceName,
        page_size: Option<i32>,
        page_token: Option<&str>,
    ) -> Result<ListMessagePinsResponse, ApiError> {
        let call = Call::new(Method::GET, format!("v1/{space}/messagePins"))
            .q_opt("pageSize", page_size)
            .q_opt("pageToken", page_token);
        self.send(call).await
    }

    pub async fn list_all_message_pins(
        &self,
        space: &SpaceName,
    ) -> Result<Vec<MessagePin>, ApiError> {
        collect_pages(|token| async move {
            let page = self
                .list_message_pins(space, Some(100), token.as_deref())
                .await?;
            Ok((page.message_pins, page.next_page_token))
        })
        .await
    }

    /// `spaces.messagePins.create`: pins `message` in its space. 409 when it is pinned.
    pub async fn pin_message(&self, message: &MessageName) -> Result<MessagePin, ApiError> {
        let body = MessagePin {
            message: Some(message.to_string()),
            ..Default::default()
        };
        let call =
            Call::new(Method::POST, format!("v1/{}/messagePins", message.space())).json(&body)?;
        self.send(call).await
    }

    pub async fn unpin_message(&self, name: &MessagePinName) -> Result<(), ApiError> {
        let call = Call::new(Method::DELETE, format!("v1/{name}"));
        self.send_delete::<Empty>(call).await.map(|_| ())
    }

    // ---- custom emoji ----

    pub async fn list_custom_emojis(
        &self,
        filter: Option<&str>,
        page_token: Option<&str>,
    ) -> Result<ListCustomEmojisResponse, ApiError> {
        let call = Call::new(Method::GET, "v1/customEmojis".into())
            .q("pageSize", 200)
            .q_opt("pageToken", page_token)
            .q_opt("filter", filter);
        self.send(call).await
    }

    pub async fn list_all_custom_emojis(&self) -> Result<Vec<CustomEmoji>, ApiError> {
        collect_pages(|token| async move {
            let page = self.list_custom_emojis(None, token.as_deref()).await?;
            Ok((page.custom_emojis, page.next_page_token))
        })
        .await
    }

    /// `customEmojis.create`: `image` is a .png, .jpg or .gif under 256 KB.
    pub async fn create_custom_emoji(
        &self,
        emoji_name: &str,
        filename: &str,
        image: &[u8],
    ) -> Result<CustomEmoji, ApiError> {
        use base64::Engine;
        let body = CustomEmoji {
            emoji_name: Some(emoji_name.to_string()),
            payload: Some(serde_json::json!({
                "fileContent": base64::engine::general_purpose::STANDARD.encode(image),
                "filename": filename,
            })),
            ..Default::default()
        };
        let call = Call::new(Method::POST, "v1/customEmojis".into()).json(&body)?;
        self.send(call).await
    }

    pub async fn delete_custom_emoji(&self, name: &CustomEmojiName) -> Result<(), ApiError> {
        let call = Call::new(Method::DELETE, format!("v1/{name}"));
        self.send_delete::<Empty>(call).await.map(|_| ())
    }

    pub async fn get_custom_emoji(&self, name: &CustomEmojiName) -> Result<CustomEmoji, ApiError> {
        self.send(Call::new(Method::GET, format!("v1/{name}")))
            .await
    }
}

/// Refuses what is not a regular file (a directory, a named pipe, a socket, a device)
/// with what it is.
fn not_a_file(path: &Path, meta: &std::fs::Metadata) -> Result<(), ApiError> {
    if meta.is_file() {
        return Ok(());
    }
    let ft = meta.file_type();
    let what = if ft.is_dir() {
        "a directory"
    } else {
        special_kind(&ft)
    };
    Err(ApiError::InvalidArgument(format!(
        "{} is {what}, not a regular file",
        path.display()
    )))
}

#[cfg(unix)]
fn special_kind(ft: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_fifo() {
        "a named pipe"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_block_device() || ft.is_char_device() {
        "a device"
    } else {
        "not a file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "not a file"
}

/// A new temporary file in `dest`'s folder with a random name (`.name.XXXXXX.part`),
/// created exclusively: a file or symlink already at any name is never opened.
fn temporary_beside(dest: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = match dest.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".part")
        .tempfile_in(dir)
}
