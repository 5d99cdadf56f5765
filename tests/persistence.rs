//! `gchat emulator --data FILE`: a change is acknowledged only once it is on disk, a
//! change that could not be saved is not applied, and what was acknowledged survives a
//! restart, an interrupted save and `kill -9`.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use gchat::api::model::*;
use gchat::api::{
    Client, ClientBuilder, ClientMessageId, CreateMessage, ListMessages, RetryPolicy, StaticToken,
};
use gchat::emulator::Emulator;

/// A client that never retries on its own: the tests retry by hand.
fn once(url: &str, id: &str) -> Client {
    ClientBuilder::new(Arc::new(StaticToken::new(format!("user:{id}"))))
        .endpoint(url)
        .retry(RetryPolicy::none())
        .build()
        .expect("client")
}

async fn texts(c: &Client, s: &gchat::api::SpaceName) -> Vec<String> {
    c.list_all_messages(s, &ListMessages::default())
        .await
        .expect("list")
        .into_iter()
        .filter_map(|m| m.text)
        .collect()
}

#[tokio::test]
async fn a_save_that_fails_is_not_applied_and_the_retry_lands_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let emu = Emulator::start(saved_demo(&path)).await.unwrap();
    let alice = once(&emu.url(), ALICE);
    let s = new_space(&user(&emu, ALICE), "Disk full").await;
    let p = CreateMessage {
        message_id: Some(ClientMessageId::parse("client-disk-full").unwrap()),
        ..Default::default()
    };

    // The disk is full for one save: the create fails, and nothing of it remains.
    emu.service().fail_saves(1);
    let e = alice
        .create_message(&s, &Message::text("after a full disk"), &p)
        .await
        .unwrap_err();
    assert!(
        matches!(e.code(), Some(500..=599)),
        "a server error, not {e:?}"
    );
    assert!(texts(&alice, &s).await.is_empty(), "not applied");

    // The retry is a first attempt, not a conflict with a phantom.
    let m = alice
        .create_message(&s, &Message::text("after a full disk"), &p)
        .await
        .expect("the retry is created");
    assert_eq!(
        m.client_assigned_message_id.as_deref(),
        Some("client-disk-full")
    );
    assert_eq!(texts(&alice, &s).await, vec!["after a full disk"]);
    emu.stop().await;

    let emu = Emulator::start(saved_demo(&path)).await.unwrap();
    let alice = once(&emu.url(), ALICE);
    let after = alice
        .list_all_messages(&s, &ListMessages::default())
        .await
        .unwrap();
    assert_eq!(after.len(), 1, "{after:?}");
    assert_eq!(after[0].name, m.name);
    emu.stop().await;
}

#[tokio::test]
async fn what_the_emulator_holds_is_what_it_acknowledged_when_saves_fail_under_load() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let emu = Emulator::start(saved_demo(&path)).await.unwrap();
    let s = new_space(&user(&emu, ALICE), "Interleaved").await;
    let url = emu.url();
    let mut acked = BTreeSet::new();
    for round in 0..4 {
        emu.service().fail_saves(1);
        let tasks: Vec<_> = (0..16)
            .map(|i| {
                let c = once(&url, ALICE);
                let s = s.clone();
                tokio::spawn(async move {
                    let text = format!("r{round} m{i}");
                    let r = c
                        .create_message(&s, &Message::text(&text), &CreateMessage::default())
                        .await;
                    (text, r)
                })
            })
            .collect();
        let mut failed = 0;
        for t in tasks {
            let (text, r) = t.await.unwrap();
            match r {
                Ok(_) => {
                    acked.insert(text);
                }
                Err(e) => {
                    assert!(matches!(e.code(), Some(500..=599)), "{e:?}");
                    failed += 1;
                }
            }
        }
        assert!(failed >= 1, "the failing save failed someone");
    }
    let alice = once(&url, ALICE);
    let held: BTreeSet<String> = texts(&alice, &s).await.into_iter().collect();
    assert_eq!(held, acked, "held now");
    emu.stop().await;

    let emu = Emulator::start(saved_demo(&path)).await.unwrap();
    let held: BTreeSet<String> = texts(&once(&emu.url(), ALICE), &s)
        .await
        .into_iter()
        .collect();
    assert_eq!(held, acked, "held after a restart");
    emu.stop().await;
}

#[tokio::test]
async fn the_data_file_is_written_at_start_so_a_restart_keeps_the_same_ids() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let emu = Emulator::start(saved_demo(&path)).await.unwrap();
    assert!(path.exists(), "written before any change");
    let alice = once(&emu.url(), ALICE);
    let team = space(TEAM_RUST);
    let before: Vec<_> = alice
        .list_all_messages(&team, &ListMessages::default())
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.name)
        .collect();
    emu.stop().await;

    // Started the same way again (`--demo --data FILE`), before any change.
    let emu = Emulator::start(saved_demo(&path)).await.unwrap();
    let after: Vec<_> = once(&emu.url(), ALICE)
        .list_all_messages(&team, &ListMessages::default())
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert!(!before.is_empty());
    assert_eq!(before, after);
    emu.stop().await;
}

#[tokio::test]
async fn temporary_files_from_interrupted_saves_are_removed_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let emu = Emulator::start(saved_demo(&path)).await.unwrap();
    emu.stop().await;
    // What a save killed between creating its temporary file and renaming it leaves.
    let leftover = dir.path().join(".state.json.Xy12Ab.tmp");
    std::fs::write(&leftover, b"{\"half\": ").unwrap();
    // Someone else's file is not ours to remove.
    let other = dir.path().join("notes.tmp");
    std::fs::write(&other, b"mine").unwrap();

    let emu = Emulator::start(saved_demo(&path)).await.unwrap();
    assert!(!leftover.exists(), "the leftover was removed");
    assert_eq!(std::fs::read(&other).unwrap(), b"mine");
    assert!(once(&emu.url(), ALICE)
        .get_space(&space(TEAM_RUST))
        .await
        .is_ok());
    emu.stop().await;
}

// ---------------------------------------------------------------- kill -9

struct Child9(Child);

impl Drop for Child9 {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The real binary, serving `--data path`; returns it and its URL (its first line).
fn spawn(path: &Path) -> (Child9, String) {
    let log_dir = path.parent().expect("the data file is in a folder");
    let (child, url) = emulator_binary(&["--data".as_ref(), path.as_os_str()], log_dir);
    (Child9(child), url)
}

#[test]
fn acknowledged_creates_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let team = space(TEAM_RUST);
    let (mut child, url) = spawn(&path);

    // 8 writers; some creates are still in flight when the process is killed.
    let acked = rt.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
        let tasks: Vec<_> = (0..8)
            .map(|w| {
                let c = once(&url, ALICE);
                let team = team.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    for i in 0.. {
                        let text = format!("w{w} n{i}");
                        match c
                            .create_message(&team, &Message::text(&text), &CreateMessage::default())
                            .await
                        {
                            Ok(_) => {
                                if tx.send(text).is_err() {
                                    return;
                                }
                            }
                            Err(_) => return,
                        }
                    }
                })
            })
            .collect();
        drop(tx);
        let mut acked = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(120);
        while acked.len() < 200 && Instant::now() < deadline {
            match tokio::time::timeout(Duration::from_secs(60), rx.recv()).await {
                Ok(Some(t)) => acked.push(t),
                _ => break,
            }
        }
        // SIGKILL, with the writers still going.
        child.0.kill().unwrap();
        child.0.wait().unwrap();
        for t in tasks {
            let _ = t.await;
        }
        while let Ok(t) = rx.try_recv() {
            acked.push(t);
        }
        acked
    });
    assert!(
        acked.len() >= 200,
        "only {} creates acknowledged",
        acked.len()
    );

    let (_child, url) = spawn(&path);
    let held: BTreeSet<String> = rt
        .block_on(texts(&once(&url, ALICE), &team))
        .into_iter()
        .collect();
    let missing: Vec<_> = acked.iter().filter(|t| !held.contains(*t)).collect();
    assert!(missing.is_empty(), "lost after kill -9: {missing:?}");
}

// ---------------------------------------------------------------- one emulator per file

#[test]
fn a_second_emulator_on_the_same_data_file_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let team = space(TEAM_RUST);
    let (mut first, url) = spawn(&path);

    let second = Command::new(env!("CARGO_BIN_EXE_gchat"))
        .args(["emulator", "--port", "0", "--demo", "--data"])
        .arg(&path)
        .env("GCHAT_LOG_DIR", dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut second = Child9(second);
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = second.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "a second emulator is serving the same data file"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(!status.success());
    let mut out = String::new();
    std::io::Read::read_to_string(&mut second.0.stdout.take().unwrap(), &mut out).unwrap();
    assert!(out.is_empty(), "it printed a URL: {out:?}");
    let mut err = String::new();
    std::io::Read::read_to_string(&mut second.0.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "{err:?}");
    assert!(err.contains("another emulator"), "{err:?}");
    assert!(err.contains(&path.display().to_string()), "{err:?}");

    // The first one is unaffected; what it acknowledged survives its kill -9, and the
    // lock goes with the process.
    let c = once(&url, ALICE);
    rt.block_on(c.create_message(
        &team,
        &Message::text("from the first"),
        &CreateMessage::default(),
    ))
    .expect("the first emulator still serves");
    first.0.kill().unwrap();
    first.0.wait().unwrap();
    let (_again, url) = spawn(&path);
    let held = rt.block_on(texts(&once(&url, ALICE), &team));
    assert!(held.iter().any(|t| t == "from the first"), "{held:?}");
}

/// A lock held only for a moment (as by a child process between its fork and its exec,
/// which holds a copy of every open file) does not stop a restart; a lock that stays held
/// still does (see the two-emulator test above).
#[tokio::test]
async fn a_lock_held_for_a_moment_does_not_stop_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let emu = Emulator::start(saved_demo(&path)).await.unwrap();
    emu.stop().await;
    let held = std::fs::OpenOptions::new()
        .write(true)
        .open(gchat::emulator::lock_path(&path))
        .unwrap();
    held.try_lock().unwrap();
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        drop(held);
    });
    let emu = Emulator::start(saved_demo(&path))
        .await
        .expect("the restart waits out a momentary lock");
    releaser.join().unwrap();
    emu.stop().await;
}
