//! The built `gchat` binary in a pseudo-terminal against an emulator on port 0, driven by
//! keystrokes. Each test checks the screen and what the emulator then holds. Waits poll
//! for a condition up to a generous deadline; nothing asserts on elapsed time.

mod common;

use common::pty::Session;
use gchat::api::model::{MembershipRole, MembershipState};
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
    s.send("i").await;
    s.send("Meeting at 3").await;
    s.enter().await;
    s.wait_for("sent", |t| {
        t.contains("Meeting at 3") && !t.contains("sending…")
    })
    .await;
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
    s.send("i").await;
    s.send("Oops, wrong space").await;
    s.enter().await;
    s.wait_for("sent", |t| {
        t.contains("Oops, wrong space") && !t.contains("sending…")
    })
    .await;
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
