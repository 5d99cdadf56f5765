//! Attachments against a hostile file system: a symlink planted where a download writes
//! first, and a FIFO (or other non-file) handed to an upload.

mod common;

use common::*;
use gchat::api::model::*;
use gchat::api::CreateMessage;

/// Alice's attachment in Team Rust, as a media name Bob can download.
async fn attached(emu: &gchat::emulator::Emulator) -> gchat::api::MediaName {
    let alice = user(emu, ALICE);
    let s = space(TEAM_RUST);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dashboard.png");
    std::fs::write(&path, b"fresh picture bytes").unwrap();
    let data = alice
        .upload_attachment(&s, &path, Some("image/png"), &mut |_, _| {})
        .await
        .unwrap();
    let mut m = Message::text("the dashboard");
    m.add_attachment(&data);
    alice
        .create_message(&s, &m, &CreateMessage::default())
        .await
        .unwrap();
    gchat::api::MediaName::parse(data.resource_name.as_deref().unwrap()).unwrap()
}

#[cfg(unix)]
#[tokio::test]
async fn a_download_never_follows_a_symlink_planted_at_a_predictable_name() {
    let emu = demo().await;
    let media = attached(&emu).await;
    let bob = user(&emu, BOB);
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim");
    std::fs::write(&victim, b"precious").unwrap();
    let dl = tempfile::tempdir().unwrap();
    let dest = dl.path().join("dashboard (3).png");
    // Every name a download could be expected to write first.
    let pid = std::process::id();
    for name in [
        format!("dashboard (3).png.part-{pid}"),
        "dashboard (3).png.part".to_string(),
        format!(".dashboard (3).png.part-{pid}"),
    ] {
        std::os::unix::fs::symlink(&victim, dl.path().join(name)).unwrap();
    }
    let got = bob
        .download_attachment(&media, &dest, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(got, 19);
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    assert_eq!(std::fs::read(&dest).unwrap(), b"fresh picture bytes");
    // A symlink at the final name itself is replaced, not written through.
    let dest2 = dl.path().join("linked.png");
    std::os::unix::fs::symlink(&victim, &dest2).unwrap();
    bob.download_attachment(&media, &dest2, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    assert!(!std::fs::symlink_metadata(&dest2)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read(&dest2).unwrap(), b"fresh picture bytes");
    // No temporary file is left behind.
    let left: Vec<_> = std::fs::read_dir(dl.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.contains(".part"))
        .collect();
    let mut left = left;
    left.sort();
    assert_eq!(left, ["dashboard (3).png", "linked.png"]);
}

#[cfg(unix)]
#[tokio::test]
async fn uploading_a_fifo_is_refused_at_once_not_hung() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = space(TEAM_RUST);
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let ok = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo failed");
    // Nobody writes to the FIFO: opening it for reading would block forever.
    let r = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        alice.upload_attachment(&s, &fifo, None, &mut |_, _| {}),
    )
    .await;
    let Ok(r) = r else {
        // Unblock the stuck open so the test ends, then fail.
        let _ = std::fs::OpenOptions::new().write(true).open(&fifo);
        panic!("the upload of a FIFO hung");
    };
    let e = r.unwrap_err().to_string();
    assert!(
        e.contains("pipe") && e.contains("not a regular file"),
        "{e}"
    );
    // A directory and a device are refused with their reason too.
    let e = alice
        .upload_attachment(&s, dir.path(), None, &mut |_, _| {})
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("directory"), "{e}");
    let e = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        alice.upload_attachment(&s, std::path::Path::new("/dev/zero"), None, &mut |_, _| {}),
    )
    .await
    .expect("the upload of a device hung")
    .unwrap_err()
    .to_string();
    assert!(e.contains("device"), "{e}");
}
