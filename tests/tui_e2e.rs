//! The built `gchat` binary in a pseudo-terminal against an emulator on port 0, driven by
//! keystrokes. Each test checks the screen and what the emulator then holds. Waits poll
//! for a condition up to a generous deadline; nothing asserts on elapsed time.

mod common;

use std::time::{Duration, Instant};

use common::pty::{Session, DEADLINE, H, W};
use gchat::api::model::{MembershipRole, MembershipState};
use gchat::emulator::Emulator;
use gchat::emulator::Fault;

fn texts(store: &gchat::emulator::Store, space: &str) -> Vec<(String, String)> {
    store.spaces[space]
        .messages
        .iter()
        .filter(|m| !m.deleted())
        .map(|m| (m.sender.clone(), m.msg.text.clone().unwrap_or_default()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_a_message() {
    let mut s = Session::start().await;
    s.send("i").await;
    s.send("Hello from the terminal, 你好 👋").await;
    s.enter().await;
    s.wait_state("the message stored", |st| {
        texts(st, "AAAATeamRst")
            .contains(&("1001".into(), "Hello from the terminal, 你好 👋".into()))
    })
    .await;
    s.wait_for("the sent message, no longer pending", |t| {
        t.contains("Hello from the terminal, 你好 👋") && !t.contains("sending…")
    })
    .await;
    let cid = s.emu.service().with_store(|st| {
        st.spaces["AAAATeamRst"]
            .messages
            .last()
            .unwrap()
            .msg
            .client_assigned_message_id
            .clone()
    });
    assert!(
        cid.unwrap().starts_with("client-gchat-"),
        "every post carries a client id"
    );
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reply_in_a_thread() {
    let mut s = Session::start().await;
    // The newest message (王芳's lunch question) is selected.
    s.send("r").await;
    s.wait_for("the reply box", |t| t.contains("Reply to 王芳"))
        .await;
    s.send("好呀，十二点半见").await;
    s.enter().await;
    s.wait_state("a reply in the lunch thread", |st| {
        let sp = &st.spaces["AAAATeamRst"];
        let root = sp
            .messages
            .iter()
            .find(|m| m.msg.text.as_deref().is_some_and(|t| t.starts_with("午饭")))
            .unwrap();
        sp.messages.iter().any(|m| {
            m.msg.text.as_deref() == Some("好呀，十二点半见")
                && m.msg.thread_reply
                && m.thread_id == root.thread_id
        })
    })
    .await;
    s.wait_for("the reply under its thread", |t| {
        t.contains("│ 好呀，十二点半见")
    })
    .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_a_message() {
    let mut s = Session::start().await;
    s.send_message("Meeting at 3").await;
    s.esc().await;
    s.send("e").await;
    s.wait_for("the edit box", |t| t.contains("Edit message"))
        .await;
    s.send(" — moved to 4").await;
    s.enter().await;
    s.wait_state("the edit stored", |st| {
        st.spaces["AAAATeamRst"].messages.iter().any(|m| {
            m.msg.text.as_deref() == Some("Meeting at 3 — moved to 4")
                && m.msg.last_update_time.is_some()
        })
    })
    .await;
    s.wait_for("the edited mark", |t| {
        t.contains("Meeting at 3 — moved to 4") && t.contains("(edited)")
    })
    .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_a_message() {
    let mut s = Session::start().await;
    s.send_message("Oops, wrong space").await;
    s.esc().await;
    s.send("d").await;
    s.wait_for("the confirmation", |t| {
        t.contains("Delete this message for everyone?")
    })
    .await;
    s.send("y").await;
    s.wait_state("the message deleted", |st| {
        st.spaces["AAAATeamRst"]
            .messages
            .iter()
            .any(|m| m.deleted() && m.sender == "1001")
    })
    .await;
    s.wait_for("gone from the screen", |t| {
        !t.contains("Oops, wrong space") && t.contains("Message deleted.")
    })
    .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_a_space() {
    let mut s = Session::start().await;
    s.send("1").await;
    s.send("c").await;
    s.wait_for("the dialog", |t| t.contains("Create a space"))
        .await;
    s.send("Rust 学习小组").await;
    s.send("\t").await;
    s.send("每周五分享一个 crate").await;
    s.enter().await;
    s.wait_state("the space created", |st| {
        st.spaces.values().any(|sp| {
            sp.space.display_name.as_deref() == Some("Rust 学习小组")
                && sp
                    .space
                    .space_details
                    .as_ref()
                    .and_then(|d| d.description.as_deref())
                    == Some("每周五分享一个 crate")
                && sp
                    .members
                    .iter()
                    .any(|m| m.user_id == "1001" && m.role == MembershipRole::Manager)
        })
    })
    .await;
    s.wait_for("the new space open", |t| {
        t.lines()
            .next()
            .is_some_and(|l| l.contains("#Rust 学习小组"))
            && t.contains("Created Rust 学习小组")
    })
    .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_a_person() {
    let mut s = Session::start().await;
    s.open("工程", "#工程部").await;
    s.send("a").await;
    s.wait_for("the dialog", |t| t.contains("Add a member"))
        .await;
    s.send("dmitri@example.com").await;
    s.enter().await;
    s.wait_for("the outcome", |t| {
        t.contains("Dmitri Volkov joined the space.")
    })
    .await;
    s.wait_state("Dmitri in 工程部", |st| {
        st.spaces["AAAAEngDept"]
            .members
            .iter()
            .any(|m| m.user_id == "1006" && m.state == MembershipState::Joined)
    })
    .await;
    s.wait_for("Dmitri in the members pane", |t| {
        t.contains("  Dmitri Volkov")
    })
    .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_the_app() {
    let mut s = Session::start().await;
    s.open("工程", "#工程部").await;
    s.send("a").await;
    s.send("app").await;
    s.enter().await;
    s.wait_for("the outcome", |t| {
        t.contains("Release Bot joined the space.")
    })
    .await;
    s.wait_state("the app in 工程部", |st| {
        st.spaces["AAAAEngDept"]
            .members
            .iter()
            .any(|m| m.user_id == "9000" && m.bot)
    })
    .await;
    s.wait_for("the app in the members pane", |t| {
        t.contains("⚙ Release Bot")
    })
    .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remove_a_member() {
    let mut s = Session::start().await;
    // Members, sorted: Alice, Bob (managers), then Dmitri Volkov.
    s.wait_for("the members", |t| t.contains("  Dmitri Volkov"))
        .await;
    s.send("3").await;
    s.send("j").await;
    s.send("j").await;
    s.send("x").await;
    s.wait_for("the confirmation", |t| {
        t.contains("Remove Dmitri Volkov from Team Rust?")
    })
    .await;
    s.send("y").await;
    s.wait_for("the outcome", |t| {
        t.contains("Dmitri Volkov was removed from the space.")
    })
    .await;
    s.wait_state("Dmitri gone", |st| {
        st.spaces["AAAATeamRst"].member("1006").is_none()
    })
    .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_manager_cannot_step_down() {
    let mut s = Session::start().await;
    // Alice is CI Firehose's only manager.
    s.open("CI", "#CI Firehose").await;
    s.send("3").await;
    s.wait_for("members", |t| t.contains("★ Alice Chen (you)"))
        .await;
    s.send("m").await;
    s.wait_for("the refusal, in words", |t| {
        t.contains("The role was not changed: The only space manager can't be removed or demoted.")
    })
    .await;
    let still = s.emu.service().with_store(|st| {
        st.spaces["AAAAFirehos"]
            .member("1001")
            .unwrap()
            .role
            .clone()
    });
    assert_eq!(still, MembershipRole::Manager);
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_send_keeps_its_draft() {
    let mut s = Session::start().await;
    s.emu.service().inject(Fault {
        method: Some("chat.spaces.messages.create".into()),
        code: 400,
        count: 1,
        retry_after: None,
    });
    s.send("i").await;
    s.send("Words that must not be lost").await;
    s.enter().await;
    s.wait_for("the failure on the message", |t| {
        t.contains("✗ not sent") && t.contains("Words that must not be lost")
    })
    .await;
    assert!(
        s.emu.service().with_store(|st| !texts(st, "AAAATeamRst")
            .iter()
            .any(|(_, t)| t == "Words that must not be lost")),
        "nothing was stored"
    );
    // Take it back into the box, then send it again.
    s.esc().await;
    s.send("e").await;
    s.wait_for("the text back in the box", |t| {
        t.lines()
            .any(|l| l.contains("│Words that must not be lost"))
    })
    .await;
    s.enter().await;
    s.wait_state("stored once", |st| {
        texts(st, "AAAATeamRst")
            .iter()
            .filter(|(_, t)| t == "Words that must not be lost")
            .count()
            == 1
    })
    .await;
    s.wait_for("sent", |t| {
        t.contains("Words that must not be lost") && !t.contains("✗ not sent")
    })
    .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_from_others_arrive_by_polling() {
    let s = Session::start().await;
    let bob = common::user(&s.emu, common::BOB);
    bob.create_message(
        &common::space(common::TEAM_RUST),
        &gchat::api::model::Message::text("Pushed the fix, please pull 🙏"),
        &gchat::api::CreateMessage::default(),
    )
    .await
    .unwrap();
    // The open space is polled every few seconds.
    s.wait_for("Bob's message", |t| {
        t.contains("Pushed the fix, please pull")
    })
    .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_restores_the_terminal() {
    let mut s = Session::start().await;
    let pid = s.child.process_id().expect("pid");
    std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    let status = s.wait_exit().await;
    assert!(status.success(), "{status:?}");
    s.wait_eof().await;
    s.assert_restored(0);
    s.emu.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_sign_in_reads_as_a_sentence_and_gchat_keeps_running() {
    let emu = common::demo().await;
    // Sign in for real (OAuth, through yup-oauth2) into a data directory of this test's.
    let data = tempfile::tempdir().unwrap();
    std::env::set_var("GCHAT_DATA_DIR", data.path());
    let secrets_path = common::mint(&emu, "oauth-clients").await;
    gchat::auth::login(
        &gchat::auth::LoginOptions {
            profile: "work".into(),
            client_secrets: Some(secrets_path),
            endpoint: Some(emu.url()),
            ..Default::default()
        },
        Some(common::browser()),
    )
    .await
    .unwrap();
    let mut s = Session::spawn(
        emu,
        vec!["--profile".into(), "work".into()],
        Some(data.path()),
        None,
    )
    .await;
    s.wait_for("the account in the status bar", |t| t.contains("synced"))
        .await;
    // The person revokes gchat's access (as at myaccount.google.com).
    s.emu
        .service()
        .with_store(|st| st.oauth.revoke_user("1001"));
    s.send("\x12").await; // Ctrl-r: reload
    s.wait_for("the sign-in message", |t| {
        t.contains("Your sign-in has expired or was revoked. Run `gchat auth login --profile work` to sign in again.")
    })
    .await;
    // Still alive, still drawing.
    s.send("?").await;
    s.wait_for("the help overlay", |t| t.contains("Show this help"))
        .await;
    let mut secrets: Vec<String> = s.emu.service().with_store(|st| {
        let mut v: Vec<String> = st.oauth.access.keys().cloned().collect();
        v.extend(st.oauth.clients.values().map(|c| c.secret.clone()));
        v
    });
    let cache = std::fs::read_to_string(data.path().join("profiles/work/tokens.json")).unwrap();
    let cache: serde_json::Value = serde_json::from_str(&cache).unwrap();
    for t in cache.as_object().unwrap().values() {
        for f in ["access_token", "refresh_token"] {
            if let Some(x) = t[f].as_str() {
                secrets.push(x.to_string());
            }
        }
    }
    let screen = s.screen();
    let dirs = s.quit().await;
    let log = std::fs::read_to_string(dirs.path().join("gchat.log")).unwrap();
    assert!(log.lines().count() > 5, "gchat logged at trace level");
    assert!(secrets.len() >= 3);
    for secret in &secrets {
        assert!(
            !log.contains(secret.as_str()),
            "a token or secret reached the log"
        );
        assert!(
            !screen.contains(secret.as_str()),
            "a token or secret reached the screen"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_survive_quitting_and_starting_again() {
    // The built-in demo, twice, keeping its state in one place.
    let state = tempfile::tempdir().unwrap();
    let demo = || vec!["--demo".to_string()];
    let mut s = Session::spawn(common::demo().await, demo(), None, Some(state.path())).await;
    s.send("i").await;
    s.send("half-written thought about 拉面").await;
    s.esc().await;
    s.quit().await;
    let mut s = Session::spawn(common::demo().await, demo(), None, Some(state.path())).await;
    s.wait_for("the draft, waiting", |t| {
        t.contains("Draft: half-written thought about 拉面")
    })
    .await;
    s.send("i").await;
    s.wait_for("the draft back in the box", |t| {
        t.lines()
            .any(|l| l.contains("│half-written thought about 拉面"))
    })
    .await;
    s.quit().await;
}

// ------------------------------------------------------------- nothing typed is lost

/// Arguments for gchat against `emu` as Alice.
fn as_alice(emu: &Emulator) -> Vec<String> {
    vec![
        "--endpoint".to_string(),
        emu.url(),
        "--token".into(),
        "user:1001".into(),
    ]
}

/// What gchat keeps in `state` between runs (its one session file; temporary files
/// being written are not it).
fn kept(state: &std::path::Path) -> String {
    let mut all = String::new();
    if let Ok(dir) = std::fs::read_dir(state.join("sessions")) {
        for e in dir.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".json") && !name.starts_with('.') {
                all.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
            }
        }
    }
    all
}

/// Waits until what gchat keeps in `state` satisfies `pred`.
async fn wait_kept(what: &str, state: &std::path::Path, pred: impl Fn(&str) -> bool) {
    let start = Instant::now();
    loop {
        let k = kept(state);
        if pred(&k) {
            return;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "timed out waiting for the state file: {what}; it holds:\n{k}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

impl Session {
    /// Kills gchat with SIGKILL (nothing of it runs after) and answers the emulator.
    async fn kill9(mut self) -> Emulator {
        let pid = self.child.process_id().expect("pid");
        let st = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .unwrap();
        assert!(st.success());
        let start = Instant::now();
        while self.child.try_wait().unwrap().is_none() {
            assert!(start.elapsed() < DEADLINE, "gchat survived SIGKILL");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.emu
    }

    fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Leaves the compose box with Esc, again if a busy terminal read it as Alt-key.
    async fn leave_box(&mut self) {
        // The keys sent before may not be drawn yet: first see the box open, so a
        // NORMAL from before them is not taken for having left it.
        self.wait_for("the compose box open", |t| t.contains(" INSERT "))
            .await;
        let start = Instant::now();
        while !self.screen().contains(" NORMAL ") {
            assert!(
                start.elapsed() < DEADLINE,
                "still typing:\n{}",
                self.screen()
            );
            self.esc().await;
            let t = Instant::now();
            while !self.screen().contains(" NORMAL ") && t.elapsed() < Duration::from_secs(2) {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

fn count(store: &gchat::emulator::Store, text: &str) -> usize {
    texts(store, common::TEAM_RUST)
        .iter()
        .filter(|(_, t)| t == text)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_survives_kill_9() {
    let state = tempfile::tempdir().unwrap();
    let emu = common::demo().await;
    let args = as_alice(&emu);
    let mut s = Session::spawn(emu, args.clone(), None, Some(state.path())).await;
    s.send("i").await;
    s.send("typed just before the crash 🍜").await;
    // Still in the box, not sent, not left: only the saver can have written it.
    wait_kept("the draft on disk", state.path(), |k| {
        k.contains("typed just before the crash 🍜")
    })
    .await;
    let emu = s.kill9().await;
    #[cfg(unix)]
    for e in std::fs::read_dir(state.path().join("sessions")).unwrap() {
        use std::os::unix::fs::PermissionsExt;
        let e = e.unwrap();
        let mode = e.metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{:?} is private", e.path());
    }
    let mut s = Session::spawn(emu, args, None, Some(state.path())).await;
    s.wait_for("the draft, waiting", |t| {
        t.contains("Draft: typed just before the crash 🍜")
    })
    .await;
    s.send("i").await;
    s.wait_for("the draft back in the box", |t| {
        t.lines()
            .any(|l| l.contains("│typed just before the crash 🍜"))
    })
    .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsent_messages_survive_kill_9_and_are_sent_once() {
    let state = tempfile::tempdir().unwrap();
    let emu = common::demo().await;
    let args = as_alice(&emu);
    let mut s = Session::spawn(emu, args.clone(), None, Some(state.path())).await;
    // One refused outright...
    s.emu.service().inject(Fault {
        method: Some("chat.spaces.messages.create".into()),
        code: 400,
        count: 1,
        retry_after: None,
    });
    s.send("i").await;
    s.send("refused before the crash").await;
    s.enter().await;
    s.wait_for("the failure", |t| {
        t.contains("✗ not sent") && t.contains("refused before the crash")
    })
    .await;
    // ...one still on its way (the server asks to come back much later)...
    s.emu.service().inject(Fault {
        method: Some("chat.spaces.messages.create".into()),
        code: 503,
        count: 1,
        retry_after: Some(50),
    });
    s.send("on its way at the crash").await;
    s.enter().await;
    // ...and one that did arrive, though its answer never came back.
    s.emu.service().inject(Fault {
        method: Some("chat.spaces.messages.create".into()),
        code: 503,
        count: 1,
        retry_after: Some(50),
    });
    s.send("arrived, answer lost").await;
    s.enter().await;
    wait_kept("both sends in the outbox", state.path(), |k| {
        k.contains("refused before the crash")
            && k.contains("on its way at the crash")
            && k.contains("arrived, answer lost")
    })
    .await;
    let emu = s.kill9().await;
    emu.service().clear_faults();
    // The server stores the third (as if its answer was lost), by its client id.
    let kept_json: serde_json::Value = serde_json::from_str(&kept(state.path())).unwrap();
    let cid = kept_json["outbox"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["text"] == "arrived, answer lost")
        .and_then(|e| e["client_id"].as_str())
        .unwrap()
        .to_string();
    common::user(&emu, common::ALICE)
        .create_message(
            &common::space(common::TEAM_RUST),
            &gchat::api::model::Message::text("arrived, answer lost"),
            &gchat::api::CreateMessage {
                message_id: Some(gchat::api::ClientMessageId::parse(&cid).unwrap()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut s = Session::spawn(emu, args, None, Some(state.path())).await;
    s.wait_for("two unsent, one arrived", |t| {
        t.matches("✗ not sent").count() == 2
            && t.contains("refused before the crash")
            && t.contains("on its way at the crash")
            && t.contains("arrived, answer lost")
    })
    .await;
    // The newest unsent one (the bottom row): retry it, then the other.
    s.send("G").await;
    s.send("R").await;
    s.wait_state("the in-flight one stored once", |st| {
        count(st, "on its way at the crash") == 1
    })
    .await;
    // Only once the retried one is confirmed on screen is the refused one the newest row
    // (a row still "sending…" sits below it, and `G` would select that one).
    s.wait_for("one left unsent", |t| {
        t.matches("✗ not sent").count() == 1 && !t.contains("sending…")
    })
    .await;
    s.send("G").await;
    s.send("R").await;
    s.wait_state("the refused one stored once", |st| {
        count(st, "refused before the crash") == 1
    })
    .await;
    s.wait_for("nothing unsent", |t| !t.contains("✗ not sent"))
        .await;
    wait_kept("an empty outbox", state.path(), |k| {
        !k.contains("refused before the crash") && !k.contains("on its way at the crash")
    })
    .await;
    s.emu.service().with_store(|st| {
        for text in [
            "refused before the crash",
            "on its way at the crash",
            "arrived, answer lost",
        ] {
            assert_eq!(count(st, text), 1, "{text} stored once");
        }
    });
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quitting_with_a_send_in_flight_asks() {
    let state = tempfile::tempdir().unwrap();
    let emu = common::demo().await;
    let args = as_alice(&emu);
    let mut s = Session::spawn(emu, args.clone(), None, Some(state.path())).await;
    s.emu.service().inject(Fault {
        method: Some("chat.spaces.messages.create".into()),
        code: 503,
        count: 1,
        retry_after: Some(50),
    });
    s.send("i").await;
    s.send("still sending at quit").await;
    s.enter().await;
    s.leave_box().await;
    s.send("q").await;
    s.wait_for("the question", |t| t.contains("1 message is still sending"))
        .await;
    // Cancel: gchat stays.
    s.esc().await;
    s.wait_for("the question gone", |t| {
        !t.contains("1 message is still sending")
    })
    .await;
    assert!(s.running(), "Esc does not quit");
    s.send("q").await;
    s.wait_for("the question again", |t| {
        t.contains("1 message is still sending")
    })
    .await;
    s.send("k").await;
    let st = s.wait_exit().await;
    assert!(st.success(), "{st:?}");
    wait_kept("the message kept", state.path(), |k| {
        k.contains("still sending at quit")
    })
    .await;
    let emu = s.emu;
    emu.service().clear_faults();
    // Next start: there, unsent, and it can be sent.
    let mut s = Session::spawn(emu, args, None, Some(state.path())).await;
    s.wait_for("the kept message", |t| {
        t.contains("still sending at quit") && t.contains("✗ not sent")
    })
    .await;
    s.send("G").await;
    s.send("R").await;
    s.wait_state("stored once", |st| count(st, "still sending at quit") == 1)
        .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quitting_can_wait_for_a_send() {
    let emu = common::demo().await;
    let args = as_alice(&emu);
    let mut s = Session::spawn(emu, args, None, None).await;
    // The server asks to come back in 10 seconds; the second try succeeds.
    s.emu.service().inject(Fault {
        method: Some("chat.spaces.messages.create".into()),
        code: 503,
        count: 1,
        retry_after: Some(10),
    });
    s.send("i").await;
    s.send("worth waiting for").await;
    s.enter().await;
    s.leave_box().await;
    s.send("q").await;
    s.wait_for("the question", |t| t.contains("1 message is still sending"))
        .await;
    s.send("w").await;
    let st = s.wait_exit().await;
    assert!(st.success(), "{st:?}");
    s.emu
        .service()
        .with_store(|st| assert_eq!(count(st, "worth waiting for"), 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_while_typing_cancels_and_keeps_the_draft() {
    let mut s = Session::start().await;
    s.send("i").await;
    s.send("not finished yet").await;
    s.send("\x03").await; // Ctrl-c
    s.wait_for("the draft kept, the box left", |t| {
        t.contains("Draft: not finished yet")
    })
    .await;
    assert!(s.running(), "Ctrl-c in the box does not quit");
    // In a dialog too.
    s.send("a").await;
    s.wait_for("the dialog", |t| t.contains("Add a member"))
        .await;
    s.send("\x03").await;
    s.wait_for("the dialog closed", |t| !t.contains("Add a member"))
        .await;
    assert!(s.running(), "Ctrl-c in a dialog does not quit");
    s.send("i").await;
    s.wait_for("the draft back in the box", |t| {
        t.lines().any(|l| l.contains("│not finished yet"))
    })
    .await;
}

/// Another person's text never controls the terminal: a message and a space name full of
/// escape sequences (window title, clipboard, clear screen), a carriage return and a
/// right-to-left override are drawn as visible symbols, and gchat writes none of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_peoples_text_never_controls_the_terminal() {
    let mut s = Session::start().await;
    const HOSTILE: &str =
        "\x1b]0;PWNED\x07\x1b]2;PWNED2\x1b\\\x1b]52;c;cHduZWQ=\x07\x1b[2J\rX\u{202E}gnp.exe";
    let before = s.raw.lock().unwrap().len();
    let bob = common::user(&s.emu, common::BOB);
    bob.create_message(
        &common::space(common::TEAM_RUST),
        &gchat::api::model::Message::text(format!("hostile-msg {HOSTILE} end")),
        &gchat::api::CreateMessage::default(),
    )
    .await
    .unwrap();
    s.wait_for("Bob's hostile message", |t| t.contains("hostile-msg"))
        .await;
    // Bob makes a space named the same way, with Alice in it.
    let evil = common::new_space(&bob, &format!("evil-space {HOSTILE}")).await;
    bob.create_member(
        &evil,
        &gchat::api::Client::membership_for(&gchat::api::UserRef::parse("users/1001").unwrap()),
    )
    .await
    .unwrap();
    s.send("\x12").await; // Ctrl-r: reload the spaces
    s.wait_for("the hostile space in the list", |t| {
        t.contains("evil-space")
    })
    .await;

    let screen = s.screen();
    let raw = s.raw.lock().unwrap()[before..].to_vec();
    let has = |needle: &[u8]| raw.windows(needle.len()).any(|w| w == needle);
    for bad in [
        &b"\x1b]0;"[..],
        b"\x1b]2;",
        b"\x1b]52;",
        b"\x1b[2J",
        b"PWNED\x07",
        "\u{202E}".as_bytes(),
        b"\x07",
        b"\r",
    ] {
        assert!(
            !has(bad),
            "gchat wrote {bad:?} from someone else's text; the screen:\n{screen}"
        );
    }
    let (title, icon) = {
        let p = s.parser.lock().unwrap();
        (
            p.screen().title().to_string(),
            p.screen().icon_name().to_string(),
        )
    };
    assert!(
        !title.contains("PWNED") && !icon.contains("PWNED"),
        "title {title:?}"
    );
    // The sequences are shown, as symbols.
    let visible = "␛]0;PWNED␇␛]2;PWNED2␛\\␛]52;c;cHduZWQ=␇␛[2J␍Xgnp.exe";
    assert!(
        screen.contains(&format!("hostile-msg {visible}")),
        "the message shows its escapes:\n{screen}"
    );
    assert!(
        screen.contains("evil-space ␛]0;"),
        "the space name shows its escapes:\n{screen}"
    );
    // Every pane's borders are where they belong on every row.
    let sc = s.parser.lock().unwrap().screen().clone();
    let cell = |r: u16, c: u16| sc.cell(r, c).map(|x| x.contents()).unwrap_or_default();
    let corners: Vec<u16> = (0..W)
        .filter(|&c| matches!(cell(0, c).as_str(), "┌" | "┐" | "╭" | "╮"))
        .collect();
    assert!(corners.len() >= 4, "pane corners on the top row:\n{screen}");
    for r in 1..H - 2 {
        for &c in &corners {
            let x = cell(r, c);
            assert!(
                matches!(
                    x.as_str(),
                    "│" | "├" | "┤" | "└" | "┘" | "┌" | "┐" | "╰" | "╯"
                ),
                "row {r} column {c} is {x:?}, not a border:\n{screen}"
            );
        }
    }
    s.quit().await;
}

/// Two gchats on one account: the first keeps the session file; the second says plainly
/// that what is typed there is not kept, and does not replace the first's work.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_gchat_on_one_account_does_not_overwrite_the_first() {
    let state = tempfile::tempdir().unwrap();
    let emu = common::demo().await;
    let args = as_alice(&emu);
    let mut one = Session::spawn(emu, args.clone(), None, Some(state.path())).await;
    one.send("i").await;
    one.send("the first one's words").await;
    wait_kept("the first one's draft", state.path(), |k| {
        k.contains("the first one's words")
    })
    .await;
    // The second talks to the same server as the same person (its own emulator is idle).
    let mut two = Session::spawn(common::demo().await, args, None, Some(state.path())).await;
    two.wait_for("the second says it keeps nothing", |t| {
        t.contains("not saved: another gchat is open")
    })
    .await;
    two.send("i").await;
    two.send("the second one's words").await;
    two.esc().await;
    two.quit().await;
    let k = kept(state.path());
    assert!(k.contains("the first one's words"), "{k}");
    assert!(!k.contains("the second one's words"), "{k}");
    one.esc().await;
    one.quit().await;
    let k = kept(state.path());
    assert!(k.contains("the first one's words"), "{k}");
}

/// A state directory that cannot be written: the status bar says so for as long as it
/// lasts, quitting with words typed asks first, and the failure is printed after the
/// terminal is restored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unwritable_state_dir_is_shown_until_quit_and_quitting_asks() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    // Its parent is a file: nothing can be written under it, even as root.
    let state = file.join("state");
    let emu = common::demo().await;
    let args = as_alice(&emu);
    let mut s = Session::spawn(emu, args, None, Some(&state)).await;
    s.send("i").await;
    s.send("precious words").await;
    s.wait_for("the persistent indicator", |t| {
        t.contains("not saved: write failed")
    })
    .await;
    s.esc().await;
    s.send("q").await;
    s.wait_for("quitting asks first", |t| {
        t.contains("could not be saved (write failed)") && t.contains("quit anyway")
    })
    .await;
    s.esc().await;
    s.wait_for("cancel stays, still saying it", |t| {
        !t.contains("quit anyway") && t.contains("not saved: write failed")
    })
    .await;
    assert!(s.running());
    s.send("q").await;
    s.wait_for("asked again", |t| t.contains("quit anyway"))
        .await;
    let from = s.raw_len();
    s.send("k").await;
    let status = s.wait_exit().await;
    assert!(status.success(), "{status:?}");
    s.wait_eof().await;
    let after = s.raw_since(from);
    let restored = after.find("\x1b[?1049l").expect("the terminal is restored");
    let said = after
        .find("could not save drafts and unsent messages")
        .unwrap_or_else(|| panic!("the failure is told at exit: {after:?}"));
    assert!(said > restored, "told after the terminal is restored");
}
