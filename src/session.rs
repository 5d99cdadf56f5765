//! What a person leaves behind between runs: unsent drafts, messages the server has not
//! confirmed (the outbox), and when each space was last read. Kept per account in the
//! state directory, mode 0600 (drafts are private), replaced atomically.
//!
//! While gchat runs, a [`Saver`] keeps the file up to date on a thread of its own, so the
//! render loop never waits for the disk: a change to the outbox (a send starting or
//! finishing) is written at once, typing at most about once a second. A `kill -9` loses
//! at most the last second of typing. A failing disk is shown once in the status bar.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::app::compose::Draft;
use crate::app::outbox::Unsent;
use crate::app::App;

/// Typing is written at most this often.
pub const DEBOUNCE: Duration = Duration::from_secs(1);

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Session {
    #[serde(default)]
    pub drafts: Vec<Draft>,
    #[serde(default)]
    pub last_read: HashMap<String, DateTime<Utc>>,
    /// Messages sent from here that the server has not confirmed.
    #[serde(default)]
    pub outbox: Vec<Unsent>,
    /// The sections of the spaces list shown folded.
    #[serde(default)]
    pub folded_sections: Vec<String>,
}

/// The file for an account key (a profile name, `demo`, or an endpoint's).
pub fn path(key: &str) -> PathBuf {
    let safe: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    crate::config::state_dir()
        .join("sessions")
        .join(format!("{safe}.json"))
}

/// What was kept last time (nothing, if the file is missing), and what to tell the
/// person if the file was damaged (see [`load_from`]).
pub fn load(key: &str) -> (Session, Option<String>) {
    load_from(&path(key))
}

/// Reads the session file entry by entry: a damaged entry (a hand edit, a bad disk) is
/// skipped and every other draft, unsent message and read mark is kept. If anything was
/// skipped, the file as it was is copied to `NAME.damaged` beside it (before the saver
/// replaces it) and the answer says so, to be shown on screen.
fn load_from(path: &Path) -> (Session, Option<String>) {
    // A writer killed mid-write leaves its temporary file: clear those out.
    crate::state_file::remove_leftovers(path, Duration::from_secs(60));
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Session::default(), None),
        Err(e) => {
            tracing::warn!(error = %e, "could not read the kept drafts");
            return (
                Session::default(),
                Some(format!(
                    "Could not read the kept drafts and unsent messages ({}): {e}.",
                    path.display()
                )),
            );
        }
    };
    let (session, skipped) = parse_tolerant(&bytes);
    if skipped == 0 {
        return (session, None);
    }
    let mut aside = path.as_os_str().to_owned();
    aside.push(".damaged");
    let aside = PathBuf::from(aside);
    let kept = crate::state_file::write_private(&aside, &bytes);
    tracing::warn!(skipped, "parts of the kept drafts were damaged and skipped");
    let what = if skipped == 1 {
        "1 damaged entry was".to_string()
    } else {
        format!("{skipped} damaged entries were")
    };
    let notice = match kept {
        Ok(()) => format!(
            "The kept drafts and unsent messages were partly damaged: {what} skipped; the file as it was is in {}.",
            aside.display()
        ),
        Err(e) => format!(
            "The kept drafts and unsent messages were partly damaged: {what} skipped (could not keep a copy in {}: {e}).",
            aside.display()
        ),
    };
    (session, Some(notice))
}

/// Parses a session file, keeping each entry that parses. Answers how many were skipped
/// (the whole file counts as one if it is not a JSON object).
fn parse_tolerant(bytes: &[u8]) -> (Session, usize) {
    use serde::de::DeserializeOwned;
    use serde_json::Value;
    let Ok(Value::Object(mut top)) = serde_json::from_slice::<Value>(bytes) else {
        return (Session::default(), 1);
    };
    let mut skipped = 0;
    fn list<T: DeserializeOwned>(v: Option<Value>, skipped: &mut usize) -> Vec<T> {
        match v {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .into_iter()
                .filter_map(|i| {
                    serde_json::from_value(i)
                        .map_err(|e| {
                            tracing::warn!(error = %e, "skipped a damaged entry in the kept drafts");
                            *skipped += 1;
                        })
                        .ok()
                })
                .collect(),
            Some(_) => {
                *skipped += 1;
                Vec::new()
            }
        }
    }
    let drafts = list(top.remove("drafts"), &mut skipped);
    let outbox = list(top.remove("outbox"), &mut skipped);
    let folded_sections = list(top.remove("folded_sections"), &mut skipped);
    let last_read = match top.remove("last_read") {
        None | Some(Value::Null) => HashMap::new(),
        Some(Value::Object(m)) => m
            .into_iter()
            .filter_map(|(k, v)| match serde_json::from_value(v) {
                Ok(t) => Some((k, t)),
                Err(_) => {
                    skipped += 1;
                    None
                }
            })
            .collect(),
        Some(_) => {
            skipped += 1;
            HashMap::new()
        }
    };
    (
        Session {
            drafts,
            last_read,
            outbox,
            folded_sections,
        },
        skipped,
    )
}

/// Restores a session into a new app.
pub fn restore(app: &mut App, s: Session) {
    app.compose.import(s.drafts);
    for (space, t) in s.last_read {
        if app.store.last_read(&space).is_none() {
            app.store.set_last_read(&space, t);
        }
    }
    app.restore_unsent(s.outbox);
    app.sections.collapsed.extend(s.folded_sections);
}

/// Everything worth keeping: the drafts, what is on its way, and the read marks (only
/// when `keep_read`: the demo's times are made anew each run).
fn capture(app: &App, keep_read: bool, mut drafts: Vec<Draft>, pending: Pending) -> Session {
    // An edit on its way is kept as a draft of that edit until the server answers.
    for d in pending.edits {
        if !drafts
            .iter()
            .any(|x| x.space == d.space && x.target == d.target)
        {
            drafts.push(d);
        }
    }
    Session {
        drafts,
        last_read: if keep_read {
            app.store.read_marks()
        } else {
            HashMap::new()
        },
        outbox: pending.unsent,
        folded_sections: {
            let mut f: Vec<String> = app.sections.collapsed.iter().cloned().collect();
            f.sort();
            f
        },
    }
}

/// [`capture`] of everything, gathered afresh.
fn capture_all(app: &App, keep_read: bool) -> Session {
    let pending = Pending {
        unsent: app.unsent(),
        edits: app.edits_in_flight(),
    };
    capture(app, keep_read, app.compose.snapshot(), pending)
}

fn write(path: &Path, s: &Session) -> std::io::Result<()> {
    let bytes = serde_json::to_vec_pretty(s).map_err(std::io::Error::other)?;
    crate::state_file::write_private(path, &bytes)
}

/// Messages the server has not confirmed, and edits on their way.
#[derive(Debug, Clone, PartialEq)]
struct Pending {
    unsent: Vec<Unsent>,
    edits: Vec<Draft>,
}

struct Job {
    session: Session,
    /// The outbox changed: write now, not after the typing pause.
    urgent: bool,
}

/// Keeps the session file up to date while gchat runs, writing on its own thread.
pub struct Saver {
    path: PathBuf,
    keep_read: bool,
    /// The drafts and what was on its way last handed to the writer.
    last: Option<(Vec<Draft>, Pending)>,
    /// The timelines' versions when what is on its way was last gathered, and that:
    /// gathering scans every message, so it is done only when a timeline changed.
    gathered: Option<(Vec<(String, u64)>, Pending)>,
    jobs: Option<mpsc::Sender<Job>>,
    results: mpsc::Receiver<Result<(), String>>,
    writer: Option<std::thread::JoinHandle<()>>,
    /// The last write failed (said once, until one succeeds).
    failing: bool,
    /// Results received so far.
    reports: u64,
    /// This process's claim on the file (held until the saver goes; the system drops it
    /// when the process ends, even by `kill -9`). None while another gchat holds it.
    lock: Option<std::fs::File>,
    /// Another gchat holds the file: this one writes nothing (it would replace that
    /// one's unsent messages with its own), and says so.
    shared: bool,
}

/// A failed write's cause in a few words, for the status bar.
fn short_reason(e: &str) -> String {
    let lower = e.to_lowercase();
    if lower.contains("no space") || lower.contains("storage full") || lower.contains("quota") {
        "disk full".into()
    } else if lower.contains("permission denied") || lower.contains("read-only") {
        "cannot write".into()
    } else {
        "write failed".into()
    }
}

/// What another gchat on the same account means for this one.
pub const ANOTHER_INSTANCE: &str =
    "Another gchat is open for this account: drafts and unsent messages typed here are not kept.";

/// Claims the session file at `path` for this process: `Ok(Some)` holds it, `Ok(None)`
/// means another process does. A file system without locks counts as held (as before).
fn claim(path: &Path) -> std::io::Result<Option<std::fs::File>> {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    if let Some(dir) = path.parent() {
        crate::state_file::private_dir(dir)?;
    }
    let mut open = std::fs::OpenOptions::new();
    open.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
    let f = open.open(PathBuf::from(name))?;
    match f.try_lock() {
        Ok(()) => Ok(Some(f)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => {
            tracing::warn!(error = %e, "could not lock the session file; saving without a lock");
            Ok(Some(f))
        }
    }
}

impl Saver {
    /// A saver for the file at `path` (see [`path`]).
    pub fn start(path: PathBuf, keep_read: bool) -> Saver {
        let (lock, shared) = match claim(&path) {
            Ok(Some(f)) => (Some(f), false),
            Ok(None) => (None, true),
            // The directory is unusable: the writes will fail and say so.
            Err(e) => {
                tracing::warn!(error = %e, "could not open the session lock");
                (None, false)
            }
        };
        let (jobs, rx) = mpsc::channel::<Job>();
        let (tx, results) = mpsc::channel();
        if shared {
            return Saver {
                path,
                keep_read,
                last: None,
                gathered: None,
                jobs: None,
                results,
                writer: None,
                failing: false,
                reports: 0,
                lock,
                shared,
            };
        }
        let p = path.clone();
        let writer = std::thread::Builder::new()
            .name("gchat-saver".into())
            .spawn(move || writer(&p, rx, tx))
            .map_err(|e| tracing::warn!(error = %e, "could not start the saver thread"))
            .ok();
        Saver {
            path,
            keep_read,
            last: None,
            gathered: None,
            jobs: writer.is_some().then_some(jobs),
            results,
            writer,
            failing: false,
            reports: 0,
            lock,
            shared,
        }
    }

    /// Whether another gchat holds this account's file (then nothing is written here).
    pub fn is_shared(&self) -> bool {
        self.shared
    }

    /// Looks at the app after an event: hands any change to the writer, and shows how
    /// the writes went (a failure once, and when they work again). Costs a copy of the
    /// drafts and a scan of the messages; never touches the disk.
    pub fn observe(&mut self, app: &mut App) {
        if self.shared {
            if app.status.not_saving.is_none() {
                app.status.not_saving = Some("another gchat is open".into());
                app.error(ANOTHER_INSTANCE);
            }
            return;
        }
        while let Ok(r) = self.results.try_recv() {
            self.reports += 1;
            match r {
                Err(e) => {
                    // Shown until a write works again, however many notes come and go.
                    app.status.not_saving = Some(short_reason(&e));
                    app.status.save_failing = true;
                    if !self.failing {
                        self.failing = true;
                        tracing::warn!(error = %e, "could not keep drafts and unsent messages");
                        app.error(format!(
                            "Could not save drafts and unsent messages to {}: {e}. They are kept while gchat runs; it will try again.",
                            self.path.display()
                        ));
                    }
                }
                Ok(()) if self.failing => {
                    self.failing = false;
                    app.status.not_saving = None;
                    app.status.save_failing = false;
                    app.note("Drafts and unsent messages are being saved again.");
                }
                Ok(()) => {}
            }
        }
        let versions = app.timeline_versions();
        let pending = match &self.gathered {
            Some((v, p)) if *v == versions => p.clone(),
            _ => {
                let p = Pending {
                    unsent: app.unsent(),
                    edits: app.edits_in_flight(),
                };
                self.gathered = Some((versions, p.clone()));
                p
            }
        };
        let now = (app.compose.snapshot(), pending);
        if self.last.as_ref() == Some(&now) {
            return;
        }
        // Sends and edits starting or ending are written at once; typing can wait.
        let urgent = self.last.as_ref().is_none_or(|l| l.1 != now.1);
        let session = capture(app, self.keep_read, now.0.clone(), now.1.clone());
        self.last = Some(now);
        if let Some(jobs) = &self.jobs {
            if jobs.send(Job { session, urgent }).is_err() {
                self.jobs = None;
            }
        }
    }

    /// Results the writer has reported so far.
    pub fn reports(&self) -> u64 {
        self.reports
    }

    /// Writes what the app holds last, waits for every write, and stops the writer.
    /// Answers the final write's error, to be told once the terminal is restored.
    pub fn finish(mut self, app: &App) -> Result<(), String> {
        if self.shared {
            return Ok(());
        }
        let session = capture_all(app, self.keep_read);
        let handed = self.jobs.take().is_some_and(|jobs| {
            jobs.send(Job {
                session: session.clone(),
                urgent: true,
            })
            .is_ok()
        });
        self.join();
        let last = if handed {
            // The writer's last answer is the final write's.
            self.results.try_iter().last().unwrap_or(Ok(()))
        } else {
            write(&self.path, &session).map_err(|e| e.to_string())
        };
        if let Err(e) = &last {
            tracing::warn!(error = %e, "could not keep drafts and unsent messages at exit");
        }
        last.map_err(|e| {
            format!(
                "could not save drafts and unsent messages to {}: {e}",
                self.path.display()
            )
        })
    }

    fn join(&mut self) {
        self.jobs = None;
        if let Some(w) = self.writer.take() {
            if w.join().is_err() {
                tracing::warn!("the saver thread panicked");
            }
        }
        // Every write is done: another gchat may have the file now.
        self.lock = None;
    }
}

impl Drop for Saver {
    /// Whatever was handed over is written before gchat goes (an error path included).
    fn drop(&mut self) {
        self.join();
    }
}

/// The writer thread: the newest session wins; typing waits for the debounce, an outbox
/// change does not. Ends, after writing what is pending, when the saver goes.
fn writer(path: &Path, jobs: mpsc::Receiver<Job>, results: mpsc::Sender<Result<(), String>>) {
    let mut pending: Option<Session> = None;
    let mut last_write: Option<Instant> = None;
    let mut open = true;
    while open || pending.is_some() {
        let due = last_write.map(|t| t + DEBOUNCE);
        let next = match (&pending, due) {
            (Some(_), Some(due)) if open => {
                match jobs.recv_timeout(due.saturating_duration_since(Instant::now())) {
                    Ok(j) => Some(j),
                    Err(mpsc::RecvTimeoutError::Timeout) => None,
                    Err(mpsc::RecvTimeoutError::Disconnected) => {
                        open = false;
                        None
                    }
                }
            }
            (None, _) => match jobs.recv() {
                Ok(j) => Some(j),
                Err(_) => {
                    open = false;
                    None
                }
            },
            _ => None,
        };
        let mut urgent = !open;
        if let Some(j) = next {
            urgent |= j.urgent;
            pending = Some(j.session);
        }
        // Only the newest matters.
        while let Ok(j) = jobs.try_recv() {
            urgent |= j.urgent;
            pending = Some(j.session);
        }
        let waited = last_write.is_none_or(|t| t.elapsed() >= DEBOUNCE);
        if !(urgent || waited) {
            continue;
        }
        let Some(s) = pending.take() else { continue };
        let r = write(path, &s).map_err(|e| e.to_string());
        last_write = Some(Instant::now());
        // The saver may be gone (gchat is exiting); then nobody needs the answer.
        let _ = results.send(r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::compose::Target;
    use crate::app::{Identity, Settings};
    use crate::keymap::Keymap;

    fn app() -> App {
        let mut a = App::new(
            Identity {
                user: Some("users/1001".into()),
                ..Default::default()
            },
            Settings::default(),
            Keymap::defaults(),
        );
        a.compose.switch("spaces/A", Target::New, None, None);
        a
    }

    fn wait(what: &str, mut f: impl FnMut() -> bool) {
        let start = Instant::now();
        while !f() {
            assert!(start.elapsed() < Duration::from_secs(30), "{what}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn folded_sections_are_kept_between_runs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sessions/s.json");
        let mut first = app();
        first
            .sections
            .collapsed
            .insert("users/1001/sections/projects".into());
        let saver = Saver::start(path.clone(), false);
        saver.finish(&first).unwrap();
        let (kept, problem) = load_from(&path);
        assert!(problem.is_none(), "{problem:?}");
        let mut second = app();
        restore(&mut second, kept);
        assert!(second
            .sections
            .collapsed
            .contains("users/1001/sections/projects"));
        // A damaged entry is skipped, the rest kept.
        let (s, skipped) = parse_tolerant(br#"{"folded_sections": ["users/1001/sections/a", 7]}"#);
        assert_eq!(skipped, 1);
        assert_eq!(s.folded_sections, vec!["users/1001/sections/a".to_string()]);
    }

    #[test]
    fn a_second_saver_on_one_file_writes_nothing_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sessions/s.json");
        let mut first = app();
        let mut one = Saver::start(path.clone(), false);
        first.compose.textarea.insert_str("first instance");
        one.observe(&mut first);
        wait("the first instance's words on disk", || {
            load_from(&path)
                .0
                .drafts
                .iter()
                .any(|d| d.text == "first instance")
        });
        let mut second = app();
        let mut two = Saver::start(path.clone(), false);
        assert!(two.is_shared());
        second.compose.textarea.insert_str("second instance");
        two.observe(&mut second);
        assert_eq!(
            second.status.not_saving.as_deref(),
            Some("another gchat is open")
        );
        let note = second.status.note.take().expect("said on screen");
        assert_eq!(note.text, ANOTHER_INSTANCE);
        two.finish(&second).unwrap();
        let kept = load_from(&path).0;
        assert!(
            kept.drafts.iter().any(|d| d.text == "first instance"),
            "{kept:?}"
        );
        assert!(!kept.drafts.iter().any(|d| d.text == "second instance"));
        // Once the first is gone, the next one keeps its work.
        one.finish(&first).unwrap();
        let three = Saver::start(path.clone(), false);
        assert!(!three.is_shared());
    }

    #[test]
    fn one_damaged_entry_loses_only_itself_and_the_file_is_kept_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sessions/s.json");
        let text = r#"{
          "drafts": [{"space": "spaces/A", "target": "new", "text": "my draft"}],
          "last_read": {"spaces/A": "2024-01-01T00:00:00Z", "spaces/B": 7},
          "outbox": [
            {"space": "spaces/A", "client_id": "client-a", "text": "kept",
             "created": "2024-01-01T00:00:00Z"},
            {"space": "spaces/A", "client_id": "client-b", "text": "broken",
             "created": "not-a-date"}
          ]
        }"#;
        crate::state_file::write_private(&path, text.as_bytes()).unwrap();
        let (s, notice) = load_from(&path);
        assert_eq!(s.drafts.len(), 1, "the draft is kept");
        assert_eq!(s.drafts[0].text, "my draft");
        assert_eq!(s.outbox.len(), 1, "the good unsent message is kept");
        assert_eq!(s.outbox[0].text, "kept");
        assert_eq!(s.last_read.len(), 1);
        let notice = notice.expect("the damage is said");
        assert!(notice.contains("s.json.damaged"), "{notice}");
        let aside = dir.path().join("sessions/s.json.damaged");
        assert_eq!(std::fs::read_to_string(&aside).unwrap(), text);
        // Not JSON at all: nothing to keep, but the file is kept aside all the same.
        std::fs::write(&path, b"{\"drafts\": [").unwrap();
        let (s, notice) = load_from(&path);
        assert!(s.drafts.is_empty() && s.outbox.is_empty());
        assert!(notice.is_some());
        assert_eq!(std::fs::read(&aside).unwrap(), b"{\"drafts\": [");
        // A sound file says nothing.
        write(&path, &s).unwrap();
        assert_eq!(load_from(&path).1, None);
    }

    #[test]
    fn typing_reaches_the_disk_without_a_quit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sessions/s.json");
        let mut a = app();
        let mut saver = Saver::start(path.clone(), false);
        a.compose.textarea.insert_str("first words");
        saver.observe(&mut a);
        wait("the first words on disk", || {
            load_from(&path)
                .0
                .drafts
                .iter()
                .any(|d| d.text == "first words")
        });
        // More typing, soon after: written once the pause is over, with no other event.
        a.compose.textarea.insert_str(", and more");
        saver.observe(&mut a);
        wait("the later words on disk", || {
            load_from(&path)
                .0
                .drafts
                .iter()
                .any(|d| d.text == "first words, and more")
        });
        saver.finish(&a).unwrap();
    }

    #[test]
    fn a_failing_disk_is_said_once_and_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, b"x").unwrap();
        let mut a = app();
        let mut saver = Saver::start(file.join("sessions/s.json"), false);
        a.compose.textarea.insert_str("words");
        saver.observe(&mut a);
        wait("the failure reported", || {
            saver.observe(&mut a);
            saver.reports() >= 1
        });
        let note = a.status.note.take().expect("the failure is shown");
        assert!(note.error);
        assert!(
            note.text.starts_with("Could not save drafts"),
            "{}",
            note.text
        );
        // More typing, more failed writes: nothing more is said.
        a.compose.textarea.insert_str(" more");
        saver.observe(&mut a);
        wait("the second failure reported", || {
            saver.observe(&mut a);
            saver.reports() >= 2
        });
        assert_eq!(a.status.note, None, "said once");
        assert_eq!(
            a.status.not_saving.as_deref(),
            Some("write failed"),
            "the status bar keeps saying it"
        );
        assert_eq!(a.compose.text(), "words more", "the words are still there");
        let e = saver.finish(&a).expect_err("the last write failed too");
        assert!(e.starts_with("could not save drafts"), "{e}");
    }
}
