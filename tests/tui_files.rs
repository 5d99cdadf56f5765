//! Attachments, copying and the external editor in the built binary, in a pseudo-terminal
//! against the demo emulator: saving a demo attachment (the file appears with the
//! server's bytes, never over another), attaching a local file (the emulator then holds
//! the message with it), OSC 52 bytes on the terminal, and `$EDITOR`'s text coming back.

mod common;

use common::pty::{Session, Spawn};
use gchat::api::MediaName;

const TEAM: &str = "AAAATeamRst";

/// gchat as Alice on the demo, with `env`, and never "over SSH" whatever runs the tests.
async fn start(env: Vec<(&str, String)>) -> Session {
    let emu = common::demo().await;
    let mut how: Spawn = Session::alice(&emu.url());
    how.env = [("SSH_CONNECTION", ""), ("SSH_CLIENT", ""), ("SSH_TTY", "")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .chain(env.into_iter().map(|(k, v)| (k.to_string(), v)))
        .collect();
    Session::spawn_with(emu, how).await
}

/// Moves up the message pane until `s` on the selected row opens the file picker.
async fn select_message_with_files(s: &mut Session) {
    for _ in 0..120 {
        s.send("k").await;
        s.wait_for("the last note cleared", |t| {
            !t.contains("no attachment to save") && !t.contains("Select a message with")
        })
        .await;
        s.send("s").await;
        s.wait_for("an answer to s", |t| {
            t.contains("Which file?")
                || t.contains("no attachment to save")
                || t.contains("Select a message with")
        })
        .await;
        if s.screen().contains("Which file?") {
            return;
        }
    }
    panic!("no message with attachments found:\n{}", s.screen());
}

/// The demo upload named `name`: its media id.
fn upload_id(s: &Session, name: &str) -> String {
    s.emu.service().with_store(|st| {
        st.spaces[TEAM]
            .uploads
            .values()
            .find(|u| u.content_name == name)
            .map(|u| u.id.clone())
            .expect("the demo upload")
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saving_a_demo_attachment_writes_its_bytes_and_never_overwrites() {
    let dl = tempfile::tempdir().unwrap();
    let mut s = start(vec![(
        "GCHAT_DOWNLOAD_DIR",
        dl.path().display().to_string(),
    )])
    .await;
    s.wait_for("the attachment lines", |t| {
        t.contains("📎 dashboard.png  image/png")
            && t.contains("📎 security-audit-2026.pdf  application/pdf")
    })
    .await;
    select_message_with_files(&mut s).await;
    s.wait_for("both files offered", |t| {
        t.contains("1. dashboard.png") && t.contains("2. security-audit-2026.pdf")
    })
    .await;
    s.send("1").await;
    s.wait_for("saved", |t| {
        t.contains("Saved to") && t.contains("o opens it")
    })
    .await;
    let saved = dl.path().join("dashboard.png");
    let got = std::fs::read(&saved).unwrap();
    // The server's bytes, fetched by the API.
    let reference = dl.path().join("reference");
    let id = upload_id(&s, "dashboard.png");
    common::user(&s.emu, "1001")
        .download_attachment(&MediaName::parse(&id).unwrap(), &reference, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(got, std::fs::read(&reference).unwrap());
    assert!(got.starts_with(b"\x89PNG"));
    std::fs::remove_file(&reference).unwrap();

    // Again: a second name, the first file untouched.
    s.send("s").await;
    s.wait_for("the picker again", |t| t.contains("Which file?"))
        .await;
    s.send("1").await;
    s.wait_for("saved again", |t| t.contains("dashboard (1).png"))
        .await;
    assert_eq!(
        std::fs::read(dl.path().join("dashboard (1).png")).unwrap(),
        got
    );
    assert_eq!(std::fs::read(&saved).unwrap(), got);
    let mut names: Vec<String> = std::fs::read_dir(dl.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["dashboard (1).png", "dashboard.png"],
        "no partial files"
    );
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attached_file_is_sent_with_the_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes-for-review.txt");
    let bytes: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &bytes).unwrap();
    let mut s = start(vec![]).await;
    s.send("i").await;
    s.send("Here are my notes").await;
    s.send("\x0f").await; // Ctrl-o
    s.wait_for("the path prompt", |t| t.contains("Attach a file"))
        .await;
    // Tab completes the unique name.
    s.send(&format!("{}/notes", dir.path().display())).await;
    s.send("\t").await;
    s.wait_for("the completed path", |t| t.contains("notes-for-review.txt"))
        .await;
    s.enter().await;
    s.wait_for("the file attached", |t| {
        t.contains("is attached") && t.contains("📎 notes-for-review.txt 293 KB")
    })
    .await;
    s.enter().await;
    s.wait_state("the message with its attachment", |st| {
        st.spaces[TEAM].messages.iter().any(|m| {
            m.msg.text.as_deref() == Some("Here are my notes")
                && m.msg.attachments().iter().any(|a| {
                    a.content_name.as_deref() == Some("notes-for-review.txt")
                        && a.attachment_data_ref.is_some()
                })
        })
    })
    .await;
    // The bytes that arrived are the file's.
    let id = s.emu.service().with_store(|st| {
        st.spaces[TEAM]
            .uploads
            .values()
            .find(|u| u.content_name == "notes-for-review.txt")
            .map(|u| u.id.clone())
            .unwrap()
    });
    let back = dir.path().join("back");
    common::user(&s.emu, "1002")
        .download_attachment(&MediaName::parse(&id).unwrap(), &back, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(std::fs::read(&back).unwrap(), bytes);
    s.wait_for("the sent message shows its file", |t| {
        t.contains("Here are my notes") && t.contains("📎 notes-for-review.txt  text/plain")
    })
    .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_file_is_refused_in_the_prompt_and_the_draft_is_kept() {
    let mut s = start(vec![]).await;
    s.send("i").await;
    s.send("draft stays").await;
    s.send("\x0f").await;
    s.wait_for("the path prompt", |t| t.contains("Attach a file"))
        .await;
    s.send("/no/such/file.bin").await;
    s.enter().await;
    s.wait_for("why", |t| t.contains("Can't read /no/such/file.bin"))
        .await;
    s.esc().await;
    s.wait_for("the draft still in the box", |t| {
        t.contains("draft stays") && !t.contains("Attach a file")
    })
    .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn y_copies_the_text_through_osc_52() {
    let mut s = start(vec![]).await;
    let from = s.raw_len();
    // The newest message is selected: 王芳's lunch question.
    s.send("y").await;
    s.wait_for("the note", |t| t.contains("Copied the message's text"))
        .await;
    let text = s.emu.service().with_store(|st| {
        st.spaces[TEAM]
            .messages
            .iter()
            .rfind(|m| !m.deleted() && !m.msg.thread_reply)
            .and_then(|m| m.msg.text.clone())
            .unwrap()
    });
    assert!(text.contains("午饭一起吗"), "{text}");
    let want = gchat::files::osc52(&text);
    s.wait_raw("the OSC 52 sequence", from, |raw| raw.contains(&want))
        .await;
    let from = s.raw_len();
    s.send("Y").await;
    s.wait_for("the note", |t| {
        t.contains("Copied the message's web address")
    })
    .await;
    s.wait_raw("a web address copied", from, |raw| {
        raw.find("\x1b]52;c;").is_some_and(|i| {
            use base64::Engine;
            let rest = &raw[i + 7..];
            let end = rest.find('\x07').unwrap_or(0);
            base64::engine::general_purpose::STANDARD
                .decode(&rest[..end])
                .is_ok_and(|b| b.starts_with(b"https://chat.google.com/room/AAAATeamRst/"))
        })
    })
    .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_g_writes_the_message_in_the_editor() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("fake-editor.sh");
    // Appends a line to whatever the draft was, as a person would.
    std::fs::write(
        &script,
        "#!/bin/sh\nprintf '%s\\n' ' and more from the editor' >> \"$1\"\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let mut s = start(vec![
        ("EDITOR", script.display().to_string()),
        ("VISUAL", String::new()),
    ])
    .await;
    s.send("i").await;
    s.send("Typed first").await;
    s.send("\x07").await; // Ctrl-g
    s.wait_for("the text back in the box", |t| {
        t.contains("from the editor is in the box")
    })
    .await;
    assert!(s.alternate(), "back on the alternate screen");
    assert!(s.raw_mode(), "raw mode back on");
    s.enter().await;
    s.wait_state("the edited message sent", |st| {
        st.spaces[TEAM]
            .messages
            .iter()
            .any(|m| m.msg.text.as_deref() == Some("Typed first and more from the editor"))
    })
    .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_editor_leaves_the_draft_as_it_was() {
    let mut s = start(vec![
        ("EDITOR", "false".to_string()),
        ("VISUAL", String::new()),
    ])
    .await;
    s.send("i").await;
    s.send("Keep me").await;
    s.send("\x07").await;
    s.wait_for("the note", |t| t.contains("draft is unchanged"))
        .await;
    assert!(
        s.alternate() && s.raw_mode(),
        "the terminal is gchat's again"
    );
    s.wait_for("the draft", |t| t.contains("Keep me")).await;
    s.quit().await;
}
