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
            !t.contains("no attachment to save")
                && !t.contains("Select a message with")
                && !t.contains("in Google Drive")
        })
        .await;
        s.send("s").await;
        s.wait_for("an answer to s", |t| {
            t.contains("Which file?")
                || t.contains("no attachment to save")
                || t.contains("Select a message with")
                || t.contains("in Google Drive")
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
            && t.contains("Drive: Q4 sync plan")
    })
    .await;
    select_message_with_files(&mut s).await;
    s.wait_for("both files offered", |t| {
        t.contains("1 dashboard.png") && t.contains("2 security-audit-2026.pdf")
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
    let line = format!(
        "📎 dashboard.png  image/png  {}",
        gchat::files::human_size(got.len() as u64)
    );
    s.wait_for("the size on the attachment line", |t| t.contains(&line))
        .await;
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

/// gchat on a demo where Bob has just posted `text` (the newest message, selected).
async fn start_after_post(text: &str, env: Vec<(&str, String)>) -> Session {
    let emu = common::demo().await;
    common::post(&common::user(&emu, "1002"), &common::space(TEAM), text).await;
    let mut how: Spawn = Session::alice(&emu.url());
    how.env = env.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    let s = Session::spawn_with(emu, how).await;
    let t = text.to_string();
    s.wait_for("the new message", move |sc| sc.contains(&t))
        .await;
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn o_opens_the_link_in_the_browser_and_over_ssh_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let opened = dir.path().join("opened");
    let browser = dir.path().join("browser.sh");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", opened.display()),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let text = "the build log: https://ci.example.com/build/42 (green)";
    let mut s = start_after_post(
        text,
        vec![
            ("BROWSER", browser.display().to_string()),
            ("SSH_CONNECTION", String::new()),
            ("SSH_CLIENT", String::new()),
            ("SSH_TTY", String::new()),
        ],
    )
    .await;
    s.send("O").await;
    s.wait_for("the note", |t| {
        t.contains("Opening https://ci.example.com/build/42")
    })
    .await;
    let start = std::time::Instant::now();
    while !opened.exists() && start.elapsed() < common::pty::DEADLINE {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(
        std::fs::read_to_string(&opened).unwrap(),
        "https://ci.example.com/build/42"
    );
    s.quit().await;

    let mut s = start_after_post(
        text,
        vec![("SSH_CONNECTION", "10.0.0.1 5 10.0.0.2 22".into())],
    )
    .await;
    s.send("O").await;
    s.wait_for("the address shown in its dialog", |t| {
        t.contains("Over SSH: open this address") && t.contains("https://ci.example.com/build/42")
    })
    .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_typed_in_the_editor_go_to_the_editor_not_to_gchat() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("line-editor.sh");
    // Reads 24 keys from the terminal in raw mode, as an editor does, and saves them.
    std::fs::write(
        &script,
        "#!/bin/sh\nstty raw -echo < /dev/tty\nprintf 'EDITOR READY\\r\\n' > /dev/tty\nline=$(head -c 24 < /dev/tty)\nstty sane < /dev/tty\nprintf '%s' \"$line\" > \"$1\"\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let mut s = start(vec![("VISUAL", script.display().to_string())]).await;
    s.send("i").await;
    s.send("old draft").await;
    let from = s.raw_len();
    s.send("\x07").await;
    s.wait_raw("the editor running", from, |r| r.contains("EDITOR READY"))
        .await;
    assert!(!s.alternate(), "the editor has the normal screen");
    // Key by key, as a person types (and as raw-mode editors read them).
    for c in "qjkd typed in the editor".chars() {
        s.send(&c.to_string()).await;
        tokio::task::yield_now().await;
    }
    s.wait_for("the editor's line in the box", |t| {
        t.contains("qjkd typed in the editor") && !t.contains("old draft")
    })
    .await;
    s.enter().await;
    s.wait_state("sent as typed in the editor", |st| {
        st.spaces[TEAM]
            .messages
            .iter()
            .any(|m| m.msg.text.as_deref() == Some("qjkd typed in the editor"))
    })
    .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_download_is_reported_and_leaves_no_file() {
    let dl = tempfile::tempdir().unwrap();
    let mut s = start(vec![(
        "GCHAT_DOWNLOAD_DIR",
        dl.path().display().to_string(),
    )])
    .await;
    select_message_with_files(&mut s).await;
    // The server fails the download (a dying connection mid-body is in
    // tui_files_state: the same code, against a server that hangs up).
    s.emu.service().inject(gchat::emulator::Fault {
        method: Some("chat.media.download".into()),
        code: 503,
        count: 10,
        retry_after: None,
    });
    s.send("2").await;
    s.wait_for("an answer", |t| {
        t.contains("was not saved") || t.contains("Saved to")
    })
    .await;
    let sc = s.screen();
    assert!(sc.contains("security-audit-2026.pdf was not saved"), "{sc}");
    assert_eq!(
        std::fs::read_dir(dl.path()).unwrap().count(),
        0,
        "no partial or reserved file"
    );
    s.quit().await;
}
