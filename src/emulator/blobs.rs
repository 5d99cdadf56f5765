//! Where attachment bytes are kept, and the resumable uploads in progress: the media
//! state the service holds. The HTTP side of `media.upload` and `media.download` is in
//! `media`.
//!
//! Bytes go to a file in `FILE.media/` beside the `--data` file (written, synced and
//! renamed into place before the upload is recorded), or to memory when the emulator
//! keeps no data file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::store::random_id;

/// `FILE.media`: where the bytes of the emulator saving to `FILE` are kept.
pub fn media_dir(data: &Path) -> PathBuf {
    let mut p = data.as_os_str().to_owned();
    p.push(".media");
    PathBuf::from(p)
}

/// Where attachment bytes live.
pub enum Blobs {
    Dir(PathBuf),
    Memory(Mutex<HashMap<String, Arc<Vec<u8>>>>),
}

/// Bytes being received.
pub(super) enum Writer {
    File { file: tokio::fs::File, tmp: PathBuf },
    Memory(Vec<u8>),
}

impl Writer {
    pub(super) async fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match self {
            Writer::File { file, .. } => file.write_all(bytes).await,
            Writer::Memory(v) => {
                v.extend_from_slice(bytes);
                Ok(())
            }
        }
    }

    pub(super) async fn discard(self) {
        if let Writer::File { tmp, file } = self {
            drop(file);
            let _ = tokio::fs::remove_file(&tmp).await;
        }
    }
}

impl Blobs {
    fn writer_sync_dir(dir: &Path) {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }

    pub(super) async fn writer(&self) -> std::io::Result<Writer> {
        match self {
            Blobs::Dir(dir) => {
                tokio::fs::create_dir_all(dir).await?;
                let tmp = dir.join(format!("tmp-{}", random_id(16)));
                let file = tokio::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&tmp)
                    .await?;
                Ok(Writer::File { file, tmp })
            }
            Blobs::Memory(_) => Ok(Writer::Memory(Vec::new())),
        }
    }

    /// Makes the received bytes the data of `id`, durably.
    pub(super) async fn commit(&self, w: Writer, id: &str) -> std::io::Result<()> {
        match (self, w) {
            (Blobs::Dir(dir), Writer::File { mut file, tmp }) => {
                file.flush().await?;
                file.sync_all().await?;
                drop(file);
                let dest = dir.join(id);
                tokio::fs::rename(&tmp, &dest).await?;
                let dir = dir.clone();
                let _ = tokio::task::spawn_blocking(move || Self::writer_sync_dir(&dir)).await;
                Ok(())
            }
            (Blobs::Memory(m), Writer::Memory(v)) => {
                m.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(id.to_string(), Arc::new(v));
                Ok(())
            }
            (_, w) => {
                w.discard().await;
                Err(std::io::Error::other("mismatched media store"))
            }
        }
    }

    pub(super) async fn remove(&self, id: &str) {
        match self {
            Blobs::Dir(dir) => {
                let _ = tokio::fs::remove_file(dir.join(id)).await;
            }
            Blobs::Memory(m) => {
                m.lock().unwrap_or_else(|p| p.into_inner()).remove(id);
            }
        }
    }

    /// Bytes `start..end` of `id`'s data as a streamed body.
    pub(super) async fn body(&self, id: &str, start: u64, end: u64) -> std::io::Result<Body> {
        let slice = |v: &[u8]| {
            let (a, b) = (start as usize, (end as usize).min(v.len()));
            Body::from(v.get(a..b).unwrap_or_default().to_vec())
        };
        let not_found = || std::io::Error::from(std::io::ErrorKind::NotFound);
        match self {
            Blobs::Dir(dir) => {
                let mut file = match tokio::fs::File::open(dir.join(id)).await {
                    Ok(f) => f,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        return super::demo_media::blob(id).map(|v| slice(&v)).ok_or(e)
                    }
                    Err(e) => return Err(e),
                };
                use tokio::io::AsyncSeekExt;
                file.seek(std::io::SeekFrom::Start(start)).await?;
                let stream = futures::stream::unfold(
                    (Some(file), end.saturating_sub(start)),
                    |(file, left)| async move {
                        let mut file = file?;
                        if left == 0 {
                            return None;
                        }
                        let mut buf = vec![0u8; (64 * 1024).min(left as usize)];
                        match file.read(&mut buf).await {
                            Ok(0) => None,
                            Ok(n) => {
                                buf.truncate(n);
                                let rest = left - n as u64;
                                Some((
                                    Ok::<_, std::io::Error>(Bytes::from(buf)),
                                    (Some(file), rest),
                                ))
                            }
                            Err(e) => Some((Err(e), (None, 0))),
                        }
                    },
                );
                Ok(Body::from_stream(stream))
            }
            Blobs::Memory(m) => {
                let v = m.lock().unwrap_or_else(|p| p.into_inner()).get(id).cloned();
                match v {
                    Some(v) => Ok(slice(&v)),
                    None => super::demo_media::blob(id)
                        .map(|v| slice(&v))
                        .ok_or_else(not_found),
                }
            }
        }
    }
}

/// How long an unfinished resumable upload is kept.
pub(super) const SESSION_LIFETIME: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// How long a resumable upload may sit without a chunk before it goes.
pub(super) const SESSION_IDLE: std::time::Duration = std::time::Duration::from_secs(3600);

/// The most unfinished resumable uploads one person may have: starting another drops
/// their least recently used one.
pub(super) const SESSIONS_PER_USER: usize = 8;

/// The most unfinished resumable uploads in all: past it, new ones are refused.
pub(super) const SESSIONS_IN_ALL: usize = 32;

/// The bytes unfinished uploads may hold together, in media limits.
pub(super) const PENDING_LIMITS: u64 = 2;

/// A resumable upload in progress.
pub(super) struct Session {
    pub(super) started: std::time::Instant,
    /// When a chunk last arrived (or the session started).
    pub(super) touched: std::time::Instant,
    pub(super) space: String,
    pub(super) uploader: String,
    pub(super) filename: String,
    pub(super) content_type: Option<String>,
    pub(super) total: Option<u64>,
    pub(super) received: u64,
    pub(super) writer: Option<Writer>,
}

/// The media side of the emulator: the bytes and the resumable sessions.
pub struct Media {
    pub blobs: Blobs,
    pub(super) sessions: tokio::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<Session>>>>,
    /// The address the emulator listens on, for resumable sessions' `Location`.
    pub(crate) addr: std::sync::OnceLock<std::net::SocketAddr>,
}

impl Media {
    /// `known`: whether an upload record holds the bytes of this id.
    pub fn new(data: Option<&Path>, known: &dyn Fn(&str) -> bool) -> Self {
        // Bytes of uploads that were cut off (the emulator stopped mid-upload) go, and
        // so do bytes no record names (stopped between storing them and saving their
        // record).
        if let Some(dir) = data.map(media_dir) {
            if let Ok(entries) = std::fs::read_dir(&dir) {
                for e in entries.flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let an_id = !name.is_empty()
                        && name
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
                    let is_file = e.file_type().is_ok_and(|t| t.is_file());
                    if name.starts_with("tmp-") || (is_file && an_id && !known(&name)) {
                        let _ = std::fs::remove_file(e.path());
                    }
                }
            }
        }
        Media {
            blobs: match data {
                Some(p) => Blobs::Dir(media_dir(p)),
                None => Blobs::Memory(Mutex::new(HashMap::new())),
            },
            sessions: tokio::sync::Mutex::new(HashMap::new()),
            addr: std::sync::OnceLock::new(),
        }
    }
}
