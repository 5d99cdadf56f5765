//! Saving the emulator's state under `--data FILE`, so that a change is acknowledged only
//! once it is on disk, and a change that could not be saved is not applied at all.
//!
//! On disk: `FILE` is a snapshot (the whole store as JSON, with the sequence number of the
//! last change it includes), and `FILE.journal` holds the changes made since, one record
//! a line: `<crc32 hex> <json>\n`, where the JSON names the record's sequence number and
//! the records (spaces, messages, index entries, people) it sets or removes. A save costs
//! what the change costs, not what the store holds.
//!
//! Changes are applied to the store under its lock, their records queued, and the queue
//! written and flushed to disk by one thread: concurrent requests share a flush (group
//! commit). Nobody gets an answer that reflects a change before it is on disk: writers
//! wait for their own record, readers for the last record queued when they read. When a
//! write fails, every change not yet on disk is undone, newest first, and those requests
//! fail; the journal is cut back to its last whole record.
//!
//! When the journal outgrows the snapshot, a background thread rebuilds the state from the
//! files (not from the live store: requests are not held up) and replaces the snapshot;
//! the writer then starts a new journal with the records written meanwhile.
//!
//! At start: temporary files from interrupted saves are removed, the snapshot and journal
//! loaded (a torn last record, from a crash in the middle of a write, is dropped with a
//! warning; damage anywhere else is refused), and a fresh snapshot written, so that the
//! file exists from the start and the journal begins empty.

use std::collections::VecDeque;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

use anyhow::{anyhow, bail, Context};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use super::oauth_state::OAuthState;
use super::space_rec::{SpaceEvent, SpaceHead};
use super::store::{Directory, MsgRec, RequestRec, SpaceRec, Store, ThreadRec, UploadRec};
use super::sync::SyncRec;

/// The journal is folded into a new snapshot once it is larger than this and than the
/// snapshot itself.
const COMPACT_MIN: u64 = 16 * 1024 * 1024;

/// One change to the store, as written to the journal: enough to redo it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "op")]
pub enum Change {
    /// A whole space (a new one).
    PutSpace {
        space: Box<SpaceRec>,
    },
    DeleteSpace {
        id: String,
    },
    /// A space's own fields and members.
    Head {
        id: String,
        head: Box<SpaceHead>,
    },
    /// Message `index` of a space: replaced, or appended when it is the next one.
    Message {
        space: String,
        index: usize,
        rec: Box<MsgRec>,
    },
    Thread {
        space: String,
        key: String,
        rec: ThreadRec,
    },
    ThreadKey {
        space: String,
        key: String,
        thread: String,
    },
    ClientId {
        space: String,
        key: String,
        message: String,
    },
    RequestId {
        space: String,
        key: String,
        rec: RequestRec,
    },
    SpaceRequest {
        key: String,
        rec: RequestRec,
    },
    Upload {
        space: String,
        key: String,
        rec: Box<UploadRec>,
    },
    /// A read state, notification setting, user's sections or space event.
    Sync {
        key: String,
        rec: Box<SyncRec>,
    },
    Directory {
        directory: Box<Directory>,
    },
    OAuth {
        oauth: Box<OAuthState>,
    },
}

/// What undoes one space's changes to its tracked containers.
#[derive(Debug, Clone, Default)]
struct SpaceUndo {
    id: String,
    messages: Vec<(usize, Option<MsgRec>)>,
    threads: Vec<(String, Option<ThreadRec>)>,
    thread_keys: Vec<(String, Option<String>)>,
    client_ids: Vec<(String, Option<String>)>,
    request_ids: Vec<(String, Option<RequestRec>)>,
    uploads: Vec<(String, Option<UploadRec>)>,
}

/// What undoes one request's changes, exactly.
#[derive(Debug, Clone, Default)]
pub struct Undo {
    events: Vec<SpaceEvent>,
    inner: Vec<SpaceUndo>,
    space_requests: Vec<(String, Option<RequestRec>)>,
    sync: Vec<(String, Option<SyncRec>)>,
    directory: Option<Box<Directory>>,
    oauth: Option<Box<OAuthState>>,
}

/// A request's changes: how to undo them, and the records that redo them.
#[derive(Debug, Default)]
pub struct ChangeSet {
    pub undo: Undo,
    pub redo: Vec<Change>,
}

impl ChangeSet {
    pub fn is_empty(&self) -> bool {
        self.redo.is_empty()
    }

    /// Takes what changed in `store` since the last call, clearing its change logs.
    /// `oauth_before`: the OAuth state before the request, when it may have changed.
    pub fn take(store: &mut Store, oauth_before: Option<OAuthState>) -> ChangeSet {
        let mut undo = Undo {
            events: store.spaces.take_log(),
            ..Default::default()
        };
        let mut redo = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        let ids: Vec<String> = undo
            .events
            .iter()
            .map(|e| event_id(e).to_string())
            .collect();
        for id in &ids {
            if seen.contains(&id.as_str()) {
                continue;
            }
            seen.push(id);
            let inserted = undo
                .events
                .iter()
                .any(|e| matches!(e, SpaceEvent::Inserted(i, _) if i == id));
            let Some(rec) = store.spaces.get_mut_untracked(id) else {
                redo.push(Change::DeleteSpace { id: id.clone() });
                continue;
            };
            let inner = SpaceUndo {
                id: id.clone(),
                messages: rec.messages.take_log(),
                threads: rec.threads.take_log(),
                thread_keys: rec.thread_keys.take_log(),
                client_ids: rec.client_ids.take_log(),
                request_ids: rec.request_ids.take_log(),
                uploads: rec.uploads.take_log(),
            };
            if inserted {
                redo.push(Change::PutSpace {
                    space: Box::new(rec.clone()),
                });
            } else {
                redo.push(Change::Head {
                    id: id.clone(),
                    head: Box::new(SpaceHead::of(rec)),
                });
                let space = || id.clone();
                for (i, _) in &inner.messages {
                    if let Some(m) = rec.messages.get(*i) {
                        redo.push(Change::Message {
                            space: space(),
                            index: *i,
                            rec: Box::new(m.clone()),
                        });
                    }
                }
                for (k, _) in &inner.threads {
                    if let Some(v) = rec.threads.get(k) {
                        redo.push(Change::Thread {
                            space: space(),
                            key: k.clone(),
                            rec: v.clone(),
                        });
                    }
                }
                for (k, _) in &inner.thread_keys {
                    if let Some(v) = rec.thread_keys.get(k) {
                        redo.push(Change::ThreadKey {
                            space: space(),
                            key: k.clone(),
                            thread: v.clone(),
                        });
                    }
                }
                for (k, _) in &inner.client_ids {
                    if let Some(v) = rec.client_ids.get(k) {
                        redo.push(Change::ClientId {
                            space: space(),
                            key: k.clone(),
                            message: v.clone(),
                        });
                    }
                }
                for (k, _) in &inner.request_ids {
                    if let Some(v) = rec.request_ids.get(k) {
                        redo.push(Change::RequestId {
                            space: space(),
                            key: k.clone(),
                            rec: v.clone(),
                        });
                    }
                }
                for (k, _) in &inner.uploads {
                    if let Some(v) = rec.uploads.get(k) {
                        redo.push(Change::Upload {
                            space: space(),
                            key: k.clone(),
                            rec: Box::new(v.clone()),
                        });
                    }
                }
            }
            undo.inner.push(inner);
        }
        undo.space_requests = store.space_requests.take_log();
        for (k, _) in &undo.space_requests {
            if let Some(v) = store.space_requests.get(k) {
                redo.push(Change::SpaceRequest {
                    key: k.clone(),
                    rec: v.clone(),
                });
            }
        }
        undo.sync = store.sync.take_log();
        for (k, _) in &undo.sync {
            if let Some(v) = store.sync.get(k) {
                redo.push(Change::Sync {
                    key: k.clone(),
                    rec: Box::new(v.clone()),
                });
            }
        }
        if let Some(before) = store.directory.take_before() {
            redo.push(Change::Directory {
                directory: Box::new(store.directory.clone()),
            });
            undo.directory = Some(before);
        }
        if let Some(before) = oauth_before {
            redo.push(Change::OAuth {
                oauth: Box::new(store.oauth.clone()),
            });
            undo.oauth = Some(Box::new(before));
        }
        ChangeSet { undo, redo }
    }
}

fn event_id(e: &SpaceEvent) -> &str {
    match e {
        SpaceEvent::Inserted(id, _) | SpaceEvent::Removed(id, _) | SpaceEvent::Touched(id, _) => id,
    }
}

impl Undo {
    /// Puts the store back as it was before the request.
    pub fn apply(self, store: &mut Store) {
        if let Some(o) = self.oauth {
            store.oauth = *o;
        }
        if let Some(mut d) = self.directory {
            d.rebuild_index();
            store.directory = *d;
        }
        for (k, v) in self.space_requests.into_iter().rev() {
            store.space_requests.undo(k, v);
        }
        for (k, v) in self.sync.into_iter().rev() {
            store.sync.undo(k, v);
        }
        for u in self.inner.into_iter().rev() {
            let Some(rec) = store.spaces.get_mut_untracked(&u.id) else {
                continue;
            };
            let reindex = !u.messages.is_empty();
            for (i, m) in u.messages.into_iter().rev() {
                rec.messages.undo(i, m);
            }
            for (k, v) in u.threads.into_iter().rev() {
                rec.threads.undo(k, v);
            }
            for (k, v) in u.thread_keys.into_iter().rev() {
                rec.thread_keys.undo(k, v);
            }
            for (k, v) in u.client_ids.into_iter().rev() {
                rec.client_ids.undo(k, v);
            }
            for (k, v) in u.request_ids.into_iter().rev() {
                rec.request_ids.undo(k, v);
            }
            for (k, v) in u.uploads.into_iter().rev() {
                rec.uploads.undo(k, v);
            }
            if reindex {
                rec.rebuild_index();
            }
        }
        for e in self.events.into_iter().rev() {
            match e {
                SpaceEvent::Inserted(id, None) => {
                    store.spaces.remove_untracked(&id);
                }
                SpaceEvent::Inserted(id, Some(before)) => {
                    let mut rec = *before;
                    rec.clear_logs();
                    rec.rebuild_index();
                    store.spaces.put_untracked(id, rec);
                }
                SpaceEvent::Removed(id, before) => {
                    // As it was when removed: with what this request changed in it before
                    // (still in its logs) taken back.
                    let mut rec = *before;
                    undo_own_logs(&mut rec);
                    store.spaces.put_untracked(id, rec);
                }
                SpaceEvent::Touched(id, head) => {
                    if let Some(rec) = store.spaces.get_mut_untracked(&id) {
                        head.apply(rec);
                    }
                }
            }
        }
    }
}

/// Takes back the changes a space's own logs hold, newest first.
fn undo_own_logs(rec: &mut SpaceRec) {
    for (i, m) in rec.messages.take_log().into_iter().rev() {
        rec.messages.undo(i, m);
    }
    for (k, v) in rec.threads.take_log().into_iter().rev() {
        rec.threads.undo(k, v);
    }
    for (k, v) in rec.thread_keys.take_log().into_iter().rev() {
        rec.thread_keys.undo(k, v);
    }
    for (k, v) in rec.client_ids.take_log().into_iter().rev() {
        rec.client_ids.undo(k, v);
    }
    for (k, v) in rec.request_ids.take_log().into_iter().rev() {
        rec.request_ids.undo(k, v);
    }
    for (k, v) in rec.uploads.take_log().into_iter().rev() {
        rec.uploads.undo(k, v);
    }
    rec.rebuild_index();
}

/// Redoes a record's changes (loading, compacting).
pub fn apply(store: &mut Store, changes: Vec<Change>) -> Result<(), String> {
    fn space<'a>(store: &'a mut Store, id: &str) -> Result<&'a mut SpaceRec, String> {
        store
            .spaces
            .get_mut_untracked(id)
            .ok_or_else(|| format!("a change to space {id}, which does not exist"))
    }
    for c in changes {
        match c {
            Change::PutSpace { space } => {
                let mut rec = *space;
                rec.rebuild_index();
                let id = rec.id().to_string();
                store.spaces.put_untracked(id, rec);
            }
            Change::DeleteSpace { id } => {
                store.spaces.remove_untracked(&id);
            }
            Change::Head { id, head } => head.apply(space(store, &id)?),
            Change::Message {
                space: s,
                index,
                rec,
            } => {
                let sp = space(store, &s)?;
                let id = rec.id.clone();
                sp.messages.put(index, *rec)?;
                sp.index.insert(id, index);
            }
            Change::Thread { space: s, key, rec } => space(store, &s)?.threads.put(key, rec),
            Change::ThreadKey {
                space: s,
                key,
                thread,
            } => space(store, &s)?.thread_keys.put(key, thread),
            Change::ClientId {
                space: s,
                key,
                message,
            } => space(store, &s)?.client_ids.put(key, message),
            Change::RequestId { space: s, key, rec } => space(store, &s)?.request_ids.put(key, rec),
            Change::SpaceRequest { key, rec } => store.space_requests.put(key, rec),
            Change::Upload { space: s, key, rec } => space(store, &s)?.uploads.put(key, *rec),
            Change::Sync { key, rec } => store.sync.put(key, *rec),
            Change::Directory { directory } => {
                let mut d = *directory;
                d.rebuild_index();
                store.directory = d;
            }
            Change::OAuth { oauth } => store.oauth = *oauth,
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- files

#[derive(Serialize, Deserialize)]
struct Record {
    seq: u64,
    changes: Vec<Change>,
}

/// One journal line for `changes`.
pub fn encode(seq: u64, changes: &[Change]) -> serde_json::Result<Vec<u8>> {
    #[derive(Serialize)]
    struct RecordRef<'a> {
        seq: u64,
        changes: &'a [Change],
    }
    let json = serde_json::to_vec(&RecordRef { seq, changes })?;
    let mut line = format!("{:08x} ", crc32fast::hash(&json)).into_bytes();
    line.extend_from_slice(&json);
    line.push(b'\n');
    Ok(line)
}

fn decode(line: &[u8]) -> Option<Record> {
    let (crc, json) = (line.get(..8)?, line.get(9..)?);
    if line.get(8) != Some(&b' ') {
        return None;
    }
    let crc = u32::from_str_radix(std::str::from_utf8(crc).ok()?, 16).ok()?;
    if crc != crc32fast::hash(json) {
        return None;
    }
    serde_json::from_slice(json).ok()
}

pub fn journal_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".journal");
    PathBuf::from(p)
}

fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Temporary files are named `.<FILE name>.<random>.tmp`, next to the file.
fn temp_prefix(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(".{name}.")
}

/// Removes temporary files left by saves that were interrupted.
pub fn remove_leftovers(path: &Path) -> std::io::Result<usize> {
    let prefix = temp_prefix(path);
    let mut removed = 0;
    for e in std::fs::read_dir(dir_of(path))? {
        let e = e?;
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(&prefix) && name.ends_with(".tmp") && e.file_type()?.is_file() {
            std::fs::remove_file(e.path())?;
            tracing::info!(file = %e.path().display(), "removed a temporary file left by an interrupted save");
            removed += 1;
        }
    }
    Ok(removed)
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        // Makes renames durable; not every platform supports it.
        let _ = d.sync_all();
    }
}

/// Writes `bytes` to `path` whole or not at all: a temporary file, flushed, renamed.
fn replace_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = dir_of(path);
    let mut tmp = tempfile::Builder::new()
        .prefix(&temp_prefix(path))
        .suffix(".tmp")
        .tempfile_in(&dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(&dir);
    Ok(())
}

#[derive(Serialize)]
struct SnapshotRef<'a> {
    #[serde(flatten)]
    store: &'a Store,
    #[serde(rename = "journalSeq")]
    seq: u64,
}

#[derive(Deserialize)]
struct SnapshotOwned {
    #[serde(flatten)]
    store: Store,
    #[serde(rename = "journalSeq", default)]
    seq: u64,
}

fn write_snapshot(path: &Path, store: &Store, seq: u64) -> anyhow::Result<u64> {
    let bytes = serde_json::to_vec(&SnapshotRef { store, seq })?;
    replace_file(path, &bytes).with_context(|| format!("could not write {}", path.display()))?;
    Ok(bytes.len() as u64)
}

/// What the files hold.
pub struct Loaded {
    pub store: Store,
    /// The last change included.
    pub seq: u64,
    /// Bytes of the journal that hold whole records.
    pub journal_len: u64,
}

/// Loads the snapshot and the journal after it. `None` when there is no snapshot.
pub fn load(path: &Path) -> anyhow::Result<Option<Loaded>> {
    load_upto(path, u64::MAX)
}

fn load_upto(path: &Path, journal_limit: u64) -> anyhow::Result<Option<Loaded>> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("could not read {}", path.display())),
    };
    let snap: SnapshotOwned = serde_json::from_slice(&bytes)
        .map_err(|e| anyhow!("{} is not an emulator state file: {e}", path.display()))?;
    let mut store = snap.store;
    store.rebuild_indexes();
    let mut seq = snap.seq;
    let jpath = journal_path(path);
    let mut journal = Vec::new();
    match File::open(&jpath) {
        Ok(f) => {
            f.take(journal_limit)
                .read_to_end(&mut journal)
                .with_context(|| format!("could not read {}", jpath.display()))?;
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("could not read {}", jpath.display())),
    }
    let mut at = 0usize;
    while at < journal.len() {
        let rest = &journal[at..];
        let (line, complete) = match rest.iter().position(|&b| b == b'\n') {
            Some(n) => (&rest[..n], true),
            None => (rest, false),
        };
        let next = at + line.len() + usize::from(complete);
        let record = if complete { decode(line) } else { None };
        let Some(record) = record else {
            if next >= journal.len() {
                tracing::warn!(
                    file = %jpath.display(),
                    offset = at,
                    bytes = journal.len() - at,
                    "dropping a torn last journal record (the emulator stopped while writing it; it was never acknowledged)"
                );
                break;
            }
            bail!(
                "{} is damaged at byte {at}: a record that is not whole, with more after it",
                jpath.display()
            );
        };
        if record.seq > seq {
            if record.seq != seq + 1 {
                bail!(
                    "{} skips from change {seq} to change {} at byte {at}",
                    jpath.display(),
                    record.seq
                );
            }
            apply(&mut store, record.changes).map_err(|e| {
                anyhow!(
                    "{} does not fit {} at byte {at}: {e}",
                    jpath.display(),
                    path.display()
                )
            })?;
            seq = record.seq;
        }
        at = next;
    }
    Ok(Some(Loaded {
        store,
        seq,
        journal_len: at as u64,
    }))
}

// ---------------------------------------------------------------- the writer

/// Which request's changes to wait for: the writer's epoch (it moves on after a failed
/// write) and the change's sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket {
    epoch: u64,
    seq: u64,
}

/// What is on disk, as the writer reports it.
#[derive(Debug, Clone, Default)]
pub struct Commits {
    epoch: u64,
    /// The last change on disk.
    durable: u64,
    /// For each earlier epoch, the last change of it that reached the disk.
    ended: Vec<u64>,
}

impl Commits {
    /// Whether the ticket's change is on disk (`Some(true)`), was dropped (`Some(false)`),
    /// or is still being written (`None`).
    pub fn outcome(&self, t: Ticket) -> Option<bool> {
        if t.epoch == self.epoch {
            return (self.durable >= t.seq).then_some(true);
        }
        let last = self.ended.get(t.epoch as usize).copied().unwrap_or(0);
        Some(t.seq <= last)
    }
}

struct Queue {
    /// Encoded records not yet handed to the writer.
    buf: Vec<u8>,
    /// The last sequence number handed out.
    last_seq: u64,
    epoch: u64,
    /// Undo logs of changes not yet known to be on disk, oldest first.
    undo: VecDeque<(u64, Undo)>,
    /// Set by the compactor: a new snapshot includes the journal up to this offset.
    compacted: Option<u64>,
    compacting: bool,
    stop: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
    commits: watch::Sender<Commits>,
    /// Test hook: the next this many writes fail halfway, as on a full disk.
    fail_writes: AtomicU32,
    path: PathBuf,
    compact_min: u64,
}

fn qlock(m: &Mutex<Queue>) -> MutexGuard<'_, Queue> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The state file of a running emulator and the thread that writes it.
pub struct Durable {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Durable {
    /// Opens `path`: loads it (or takes `initial()` when it does not exist), writes a
    /// fresh snapshot and an empty journal, and starts the writer. `store` is the lock
    /// the store will live under: a failed write undoes changes in it.
    pub fn open(
        path: &Path,
        initial: impl FnOnce() -> anyhow::Result<Store>,
    ) -> anyhow::Result<(Store, Opener)> {
        Self::open_with(path, initial, COMPACT_MIN)
    }

    pub fn open_with(
        path: &Path,
        initial: impl FnOnce() -> anyhow::Result<Store>,
        compact_min: u64,
    ) -> anyhow::Result<(Store, Opener)> {
        let dir = dir_of(path);
        if dir.is_dir() {
            remove_leftovers(path)
                .with_context(|| format!("could not clean up next to {}", path.display()))?;
        }
        let (mut store, seq) = match load(path)? {
            Some(l) => (l.store, l.seq),
            None => (initial()?, 0),
        };
        store.clear_logs();
        let snapshot_len = write_snapshot(path, &store, seq)?;
        let jpath = journal_path(path);
        let journal = OpenOptions::new()
            .create(true)
            .truncate(true)
            .read(true)
            .write(true)
            .open(&jpath)
            .with_context(|| format!("could not write {}", jpath.display()))?;
        journal
            .sync_all()
            .with_context(|| format!("could not write {}", jpath.display()))?;
        sync_dir(&dir);
        Ok((
            store,
            Opener {
                path: path.to_path_buf(),
                journal,
                seq,
                snapshot_len,
                compact_min,
            },
        ))
    }

    /// Queues a request's changes under the next sequence number. Call with the store
    /// locked, so that records are queued in the order they were applied.
    pub fn append(&self, changes: ChangeSet) -> Result<Ticket, (serde_json::Error, Undo)> {
        let mut q = qlock(&self.shared.queue);
        let seq = q.last_seq + 1;
        let line = match encode(seq, &changes.redo) {
            Ok(l) => l,
            Err(e) => return Err((e, changes.undo)),
        };
        q.last_seq = seq;
        q.buf.extend_from_slice(&line);
        q.undo.push_back((seq, changes.undo));
        let ticket = Ticket {
            epoch: q.epoch,
            seq,
        };
        drop(q);
        self.shared.wake.notify_one();
        Ok(ticket)
    }

    /// For a read: the last change queued, if it is not yet on disk.
    pub fn read_ticket(&self) -> Option<Ticket> {
        let q = qlock(&self.shared.queue);
        let t = Ticket {
            epoch: q.epoch,
            seq: q.last_seq,
        };
        drop(q);
        match self.shared.commits.borrow().outcome(t) {
            Some(true) => None,
            _ => Some(t),
        }
    }

    /// Waits until the ticket's change is on disk (`true`) or was dropped (`false`).
    pub async fn wait(&self, t: Ticket) -> bool {
        let mut rx = self.shared.commits.subscribe();
        let outcome = match rx.wait_for(|c| c.outcome(t).is_some()).await {
            Ok(c) => c.outcome(t).unwrap_or(false),
            Err(_) => false,
        };
        outcome
    }

    /// Test hook: the next `n` writes fail halfway through, as on a full disk.
    pub fn fail_writes(&self, n: u32) {
        self.shared.fail_writes.store(n, Ordering::SeqCst);
    }

    pub fn path(&self) -> &Path {
        &self.shared.path
    }
}

impl Drop for Durable {
    fn drop(&mut self) {
        qlock(&self.shared.queue).stop = true;
        self.shared.wake.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A state file opened and written at start, waiting for its store's lock.
pub struct Opener {
    path: PathBuf,
    journal: File,
    seq: u64,
    snapshot_len: u64,
    compact_min: u64,
}

impl Opener {
    /// Starts the writer for the store behind `store`.
    pub fn start(self, store: Arc<Mutex<Store>>) -> anyhow::Result<Durable> {
        let (commits, _) = watch::channel(Commits {
            epoch: 0,
            durable: self.seq,
            ended: Vec::new(),
        });
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue {
                buf: Vec::new(),
                last_seq: self.seq,
                epoch: 0,
                undo: VecDeque::new(),
                compacted: None,
                compacting: false,
                stop: false,
            }),
            wake: Condvar::new(),
            commits,
            fail_writes: AtomicU32::new(0),
            path: self.path.clone(),
            compact_min: self.compact_min,
        });
        let writer = Writer {
            shared: shared.clone(),
            store,
            journal: self.journal,
            len: 0,
            damaged: false,
            snapshot_len: self.snapshot_len,
        };
        let thread = std::thread::Builder::new()
            .name("emulator-journal".into())
            .spawn(move || writer.run())
            .context("could not start the journal writer")?;
        Ok(Durable {
            shared,
            thread: Some(thread),
        })
    }
}

struct Writer {
    shared: Arc<Shared>,
    store: Arc<Mutex<Store>>,
    journal: File,
    /// Bytes of whole records in the journal.
    len: u64,
    /// A failed write may have left part of a record after `len`.
    damaged: bool,
    snapshot_len: u64,
}

impl Writer {
    fn run(mut self) {
        loop {
            let (batch, last, compacted) = {
                let mut q = qlock(&self.shared.queue);
                loop {
                    if !q.buf.is_empty() || (q.compacted.is_some() && !q.stop) {
                        break;
                    }
                    // Stopping waits for a compaction under way: a snapshot renamed into
                    // place after another emulator opened the file would lose changes.
                    if q.stop && !q.compacting {
                        return;
                    }
                    q = self.shared.wake.wait(q).unwrap_or_else(|p| p.into_inner());
                }
                let compacted = if q.stop { None } else { q.compacted.take() };
                (std::mem::take(&mut q.buf), q.last_seq, compacted)
            };
            if let Some(offset) = compacted {
                self.rotate(offset);
            }
            if batch.is_empty() {
                continue;
            }
            match self.write(&batch) {
                Ok(()) => {
                    self.len += batch.len() as u64;
                    let mut q = qlock(&self.shared.queue);
                    while q.undo.front().is_some_and(|(s, _)| *s <= last) {
                        q.undo.pop_front();
                    }
                    self.shared.commits.send_modify(|c| c.durable = last);
                    // Not while the last compaction's new journal is still to be
                    // started: its offsets are in the old one.
                    let start = !q.compacting
                        && q.compacted.is_none()
                        && self.len > self.shared.compact_min.max(self.snapshot_len);
                    if start {
                        q.compacting = true;
                    }
                    drop(q);
                    if start {
                        self.compact_in_background();
                    }
                }
                Err(e) => self.failed(e),
            }
        }
    }

    fn write(&mut self, batch: &[u8]) -> std::io::Result<()> {
        if self.damaged {
            self.journal.set_len(self.len)?;
            self.damaged = false;
        }
        self.journal.seek(SeekFrom::Start(self.len))?;
        let injected = self
            .shared
            .fail_writes
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if injected {
            let _ = self.journal.write_all(&batch[..batch.len() / 2]);
            self.damaged = true;
            return Err(std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                "no space left on device (injected)",
            ));
        }
        let written = self
            .journal
            .write_all(batch)
            .and_then(|_| self.journal.sync_data());
        if written.is_err() {
            self.damaged = true;
        }
        written
    }

    /// A write failed: every change not on disk is undone, newest first, and dropped.
    fn failed(&mut self, e: std::io::Error) {
        tracing::error!(path = %self.shared.path.display(), error = %e, "could not save emulator state; the changes were not applied");
        if self.journal.set_len(self.len).is_ok() {
            self.damaged = false;
        }
        let mut store = self.store.lock().unwrap_or_else(|p| p.into_inner());
        let mut q = qlock(&self.shared.queue);
        let durable = self.shared.commits.borrow().durable;
        while let Some((seq, undo)) = q.undo.pop_back() {
            if seq <= durable {
                break;
            }
            undo.apply(&mut store);
        }
        q.undo.clear();
        q.buf.clear();
        q.last_seq = durable;
        q.epoch += 1;
        let epoch = q.epoch;
        self.shared.commits.send_modify(|c| {
            c.ended.push(durable);
            c.epoch = epoch;
        });
    }

    fn compact_in_background(&self) {
        let shared = self.shared.clone();
        let upto = self.len;
        let spawned = std::thread::Builder::new()
            .name("emulator-compact".into())
            .spawn(move || {
                let done = compact(&shared.path, upto);
                let mut q = qlock(&shared.queue);
                q.compacting = false;
                match done {
                    Ok(()) => q.compacted = Some(upto),
                    Err(e) => {
                        tracing::warn!(error = %format!("{e:#}"), "could not compact the emulator journal; will try again later")
                    }
                }
                drop(q);
                shared.wake.notify_one();
            });
        if spawned.is_err() {
            qlock(&self.shared.queue).compacting = false;
        }
    }

    /// A new snapshot includes the journal up to `offset`: start a new journal with the
    /// records after it. Until the rename, the old journal stays valid with the new
    /// snapshot (records it includes are skipped when loading).
    fn rotate(&mut self, offset: u64) {
        let rotated = (|| -> std::io::Result<File> {
            let mut tail = Vec::new();
            self.journal.seek(SeekFrom::Start(offset))?;
            (&mut self.journal)
                .take(self.len.saturating_sub(offset))
                .read_to_end(&mut tail)?;
            let jpath = journal_path(&self.shared.path);
            replace_file(&jpath, &tail)?;
            OpenOptions::new().read(true).write(true).open(&jpath)
        })();
        match rotated {
            Ok(f) => {
                self.len = self.len.saturating_sub(offset);
                self.journal = f;
                self.damaged = false;
                self.snapshot_len = std::fs::metadata(&self.shared.path)
                    .map(|m| m.len())
                    .unwrap_or(self.snapshot_len);
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not start a new emulator journal; keeping the old one")
            }
        }
    }
}

/// Rebuilds the state from the files (up to `upto` bytes of journal) and replaces the
/// snapshot with it.
fn compact(path: &Path, upto: u64) -> anyhow::Result<()> {
    let loaded = load_upto(path, upto)?.ok_or_else(|| anyhow!("{} is gone", path.display()))?;
    if loaded.journal_len != upto {
        bail!("the journal ends early at byte {}", loaded.journal_len);
    }
    write_snapshot(path, &loaded.store, loaded.seq)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::Space;

    fn space(id: &str) -> SpaceRec {
        SpaceRec::new(
            Space {
                name: Some(format!("spaces/{id}")),
                display_name: Some(format!("space {id}")),
                ..Default::default()
            },
            "users/1".into(),
        )
    }

    fn json(store: &Store) -> serde_json::Value {
        serde_json::to_value(store).unwrap()
    }

    /// A record adding space `id` to `store`.
    fn add_space(store: &mut Store, seq: u64, id: &str) -> Vec<u8> {
        store.spaces.insert(id.into(), space(id));
        encode(seq, &ChangeSet::take(store, None).redo).unwrap()
    }

    #[test]
    fn undo_restores_exactly_and_redo_reproduces_exactly() {
        let mut store = super::super::demo::workspace(chrono::Utc::now()).unwrap();
        store.clear_logs();
        let before = json(&store);
        let mut replayed = store.clone();

        let fire = store.spaces.get_mut("AAAAFirehos").unwrap();
        let mut m = fire.messages[3].clone();
        m.id = "new.one".into();
        fire.push_message(m);
        fire.messages[5].msg.text = Some("edited".into());
        fire.messages[5].msg.text = Some("edited twice".into());
        fire.threads.insert(
            "new".into(),
            ThreadRec {
                root: "new.one".into(),
                key: Some("k".into()),
            },
        );
        fire.client_ids.insert("client-x".into(), "new.one".into());
        fire.members.clear();
        store.directory.resolve_email("someone@elsewhere.org");
        store.spaces.insert("AAAANew".into(), space("AAAANew"));
        let eng = store.spaces.get_mut("AAAAEngDept").unwrap();
        eng.messages[0].msg.text = Some("changed, then the space removed".into());
        store.spaces.remove("AAAAEngDept");
        let after = json(&store);

        let changes = ChangeSet::take(&mut store, None);
        apply(&mut replayed, changes.redo.clone()).unwrap();
        assert_eq!(json(&replayed), after, "redo");
        assert!(replayed.spaces["AAAAFirehos"]
            .find_message("client-x")
            .is_some());
        assert!(replayed
            .directory
            .person_by_email("SOMEONE@elsewhere.org")
            .is_some());

        changes.undo.apply(&mut store);
        assert_eq!(json(&store), before, "undo");
        assert!(store.spaces["AAAAFirehos"]
            .find_message("new.one")
            .is_none());
        assert!(store
            .directory
            .person_by_email("someone@elsewhere.org")
            .is_none());
    }

    #[test]
    fn a_torn_last_record_is_dropped_and_damage_before_the_end_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let mut store = Store::empty();
        write_snapshot(&path, &store, 0).unwrap();
        let records: Vec<Vec<u8>> = (1..=4)
            .map(|i| add_space(&mut store, i, &format!("AAAA{i}")))
            .collect();
        let whole: Vec<u8> = records[..3].concat();
        let jpath = journal_path(&path);

        // The fourth record was being written when the process died.
        let mut torn = whole.clone();
        torn.extend_from_slice(&records[3][..records[3].len() / 2]);
        std::fs::write(&jpath, &torn).unwrap();
        let l = load(&path).unwrap().unwrap();
        assert_eq!(l.seq, 3);
        assert_eq!(l.journal_len, whole.len() as u64);
        assert_eq!(l.store.spaces.len(), 3);

        // A whole line that fails its checksum, at the end: also torn.
        let mut bad_end = whole.clone();
        let mut last = records[3].clone();
        last[20] ^= 1;
        bad_end.extend_from_slice(&last);
        std::fs::write(&jpath, &bad_end).unwrap();
        assert_eq!(load(&path).unwrap().unwrap().seq, 3);

        // Damage with whole records after it is refused.
        let mut damaged = records[0].clone();
        let mut second = records[1].clone();
        second[15] ^= 1;
        damaged.extend_from_slice(&second);
        damaged.extend_from_slice(&records[2]);
        std::fs::write(&jpath, &damaged).unwrap();
        let e = load(&path).err().expect("refused");
        assert!(format!("{e:#}").contains("damaged"), "{e:#}");

        // So is a missing record.
        let gap = [records[0].clone(), records[2].clone()].concat();
        std::fs::write(&jpath, &gap).unwrap();
        let e = load(&path).err().expect("refused");
        assert!(format!("{e:#}").contains("skips"), "{e:#}");
    }

    #[tokio::test]
    async fn the_journal_is_folded_into_the_snapshot_while_writes_go_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let (store, opener) = Durable::open_with(&path, || Ok(Store::empty()), 1).unwrap();
        let store = Arc::new(Mutex::new(store));
        let durable = opener.start(store.clone()).unwrap();
        let folded = || -> u64 {
            std::fs::read(&path)
                .ok()
                .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
                .and_then(|v| v["journalSeq"].as_u64())
                .unwrap_or(0)
        };
        // Writes go on until the journal has been folded in past change 30 (compactions
        // run in the background, as often as the journal outgrows the snapshot).
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        let mut n = 0;
        while n < 60 || folded() < 30 {
            assert!(
                std::time::Instant::now() < deadline,
                "folded up to {}",
                folded()
            );
            let ticket = {
                let mut s = store.lock().unwrap();
                let id = format!("AAAA{n:05}");
                s.spaces.insert(id.clone(), space(&id));
                durable.append(ChangeSet::take(&mut s, None)).unwrap()
            };
            assert!(durable.wait(ticket).await);
            n += 1;
        }
        drop(durable);
        let l = load(&path).unwrap().unwrap();
        assert_eq!(l.store.spaces.len(), n);
        assert_eq!(l.seq, n as u64);
        // A new journal was started after a fold: it does not begin at the first change.
        let journal = std::fs::read(journal_path(&path)).unwrap();
        let first = journal.split(|&b| b == b'\n').next().and_then(decode);
        assert!(
            first.is_none_or(|r| r.seq > 1),
            "the journal was never restarted"
        );
    }

    #[tokio::test]
    async fn a_failed_write_undoes_every_change_not_on_disk_and_cuts_the_journal_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let (store, opener) = Durable::open(&path, || Ok(Store::empty())).unwrap();
        let store = Arc::new(Mutex::new(store));
        let durable = opener.start(store.clone()).unwrap();
        let add = |id: &str| {
            let mut s = store.lock().unwrap();
            s.spaces.insert(id.into(), space(id));
            let changes = ChangeSet::take(&mut s, None);
            durable.append(changes).unwrap()
        };
        assert!(durable.wait(add("AAAAkept")).await);
        durable.fail_writes(1);
        assert!(!durable.wait(add("AAAAlost")).await);
        assert!(!store.lock().unwrap().spaces.contains_key("AAAAlost"));
        assert!(durable.wait(add("AAAAnext")).await);
        drop(durable);
        let l = load(&path).unwrap().unwrap();
        let ids: Vec<_> = l.store.spaces.keys().cloned().collect();
        assert_eq!(ids, vec!["AAAAkept", "AAAAnext"]);
        assert_eq!(l.seq, 2);
    }
}
