//! The administrator CLI (`gchat spaces|members|messages|people`): the real binary against
//! an in-process emulator, checking stdout, stderr, the exit code and what the emulator
//! then holds.

mod common;

use std::process::Stdio;

use common::*;
use gchat::api::ListMembers;
use gchat::api::ListMessages;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `gchat ARGS` as `token` against `emu`, in UTC, with no terminal and `stdin` piped in.
async fn gchat(emu: &gchat::emulator::Emulator, token: &str, args: &[&str], stdin: &str) -> Run {
    use tokio::io::AsyncWriteExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_gchat"))
        .arg("--endpoint")
        .arg(emu.url())
        .arg("--token")
        .arg(token)
        .args(args)
        .env("TZ", "UTC")
        .env_remove("GCHAT_TOKEN")
        .env(
            "GCHAT_LOG_DIR",
            std::env::temp_dir().join("gchat-cli-test-logs"),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gchat starts");
    let mut input = child.stdin.take().expect("stdin");
    input
        .write_all(stdin.as_bytes())
        .await
        .expect("write stdin");
    drop(input);
    let out = tokio::time::timeout(
        std::time::Duration::from_secs(120),
        child.wait_with_output(),
    )
    .await
    .expect("gchat finishes")
    .expect("gchat output");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `gchat ARGS` as `token` with nothing on stdin, and checks that it succeeded.
async fn gchat_ok(emu: &gchat::emulator::Emulator, token: &str, args: &[&str]) -> Run {
    let r = gchat(emu, token, args, "").await;
    assert_eq!(r.code, 0, "gchat {args:?}: {}", r.stderr);
    r
}

/// Replaces `YYYY-MM-DD hh:mm` times (relative to now in the demo) with a fixed mask of
/// the same width, so columns stay aligned in snapshots.
fn redact_times(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let pat = "dddd-dd-dd dd:dd";
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let fits = i + pat.len() <= chars.len()
            && pat.chars().enumerate().all(|(k, p)| match p {
                'd' => chars[i + k].is_ascii_digit(),
                c => chars[i + k] == c,
            });
        if fits {
            out.push_str("YYYY-MM-DD hh:mm");
            i += pat.len();
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

const ALICE_T: &str = "user:1001";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spaces_list_table_and_json() {
    let emu = demo().await;
    let r = gchat_ok(&emu, ALICE_T, &["spaces", "list"]).await;
    insta::assert_snapshot!("spaces_list", redact_times(&r.stdout));

    let r = gchat_ok(&emu, ALICE_T, &["spaces", "list", "--json"]).await;
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("one JSON document");
    let names: Vec<&str> = v["spaces"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["displayName"].as_str())
        .collect();
    assert!(names.contains(&"工程部"), "{names:?}");
    // RFC 3339 in JSON, the API's field names.
    assert!(v["spaces"][0]["lastActiveTime"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_list_shows_names_aligned() {
    let emu = demo().await;
    let r = gchat_ok(
        &emu,
        ALICE_T,
        &["members", "list", "Team Rust", "--invited"],
    )
    .await;
    insta::assert_snapshot!("members_list_team_rust", redact_times(&r.stdout));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn space_by_display_name_id_or_resource_name_and_errors() {
    let emu = demo().await;
    for arg in ["工程部", TEAM_RUST, "spaces/AAAAAnnounc"] {
        let r = gchat(&emu, ALICE_T, &["spaces", "get", arg, "--json"], "").await;
        assert_eq!(r.code, 0, "{arg}: {}", r.stderr);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert!(v["name"].as_str().unwrap().starts_with("spaces/"));
    }
    let r = gchat(&emu, ALICE_T, &["spaces", "get", "No such space"], "").await;
    assert_eq!(r.code, 5, "not found: {}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "one sentence: {}", r.stderr);
    assert!(r.stderr.starts_with("gchat: "), "{}", r.stderr);

    // An id wins over a display name; a display name is found ignoring case.
    let r = gchat_ok(&emu, ALICE_T, &["spaces", "get", "team rust", "--json"]).await;
    assert!(r.stdout.contains(TEAM_RUST), "{}", r.stdout);

    // A permission refusal.
    let r = gchat(
        &emu,
        "user:1002",
        &["messages", "send", ANNOUNCEMENTS, "hi"],
        "",
    )
    .await;
    assert_eq!(
        r.code, 4,
        "only the manager may post: {} {}",
        r.stdout, r.stderr
    );
    // Bad tokens: not signed in.
    let r = gchat(&emu, "nobody", &["spaces", "list"], "").await;
    assert_eq!(r.code, 3, "{}", r.stderr);
    // Usage errors are clap's 2.
    let r = gchat(
        &emu,
        ALICE_T,
        &["members", "role", TEAM_RUST, "1002", "boss"],
        "",
    )
    .await;
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_add_reports_each_outcome_and_exits_6() {
    let emu = demo().await;
    let a = user(&emu, ALICE);
    let s = new_space(&a, "Bulk").await;
    let csv = "Name,Email\nBob,bob@example.com\n\"Volkov, Dmitri\",dmitri@example.com\nCarol,carol@example.com\nBad,not-an-address\n";
    let r = gchat(
        &emu,
        ALICE_T,
        &["members", "add", s.as_ref(), "--from", "-", "--json"],
        csv,
    )
    .await;
    assert_eq!(r.code, 6, "partial failure: {}\n{}", r.stdout, r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let outcomes: Vec<(&str, &str)> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["target"].as_str().unwrap(),
                o["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        vec![
            ("bob@example.com", "joined"),
            ("dmitri@example.com", "joined"),
            ("carol@example.com", "invited"),
            ("not-an-address", "invalid"),
        ]
    );
    assert_eq!(v["failed"], 1);

    // A re-run after an interruption: nobody is added twice, nothing fails.
    let r = gchat(
        &emu,
        ALICE_T,
        &[
            "members",
            "add",
            s.as_ref(),
            "bob@example.com",
            "1006",
            "1003",
        ],
        "",
    )
    .await;
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("already a member"), "{}", r.stdout);
    assert!(r.stdout.contains("王芳"), "names, not ids: {}", r.stdout);
    insta::assert_snapshot!("members_add_rerun", r.stdout);
    let members = a
        .list_all_members(
            &s,
            &ListMembers {
                show_invited: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let bobs = members
        .iter()
        .filter(|m| m.member.as_ref().and_then(|u| u.name.as_deref()) == Some("users/1002"))
        .count();
    assert_eq!(bobs, 1);
    assert_eq!(
        members.len(),
        5,
        "Alice, Bob, Dmitri, Carol (invited), 王芳"
    );

    // Promote two managers.
    gchat_ok(
        &emu,
        ALICE_T,
        &["members", "role", s.as_ref(), "1002", "1006", "manager"],
    )
    .await;
    let managers = a
        .list_all_members(
            &s,
            &ListMembers {
                filter: Some("role = \"ROLE_MANAGER\"".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(managers.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn destructive_verbs_need_yes_without_a_terminal_and_dry_run_changes_nothing() {
    let emu = demo().await;
    let a = user(&emu, ALICE);
    let s = new_space(&a, "Doomed").await;
    let sname = s.to_string();
    gchat_ok(&emu, ALICE_T, &["members", "add", &sname, "1002"]).await;

    for args in [
        vec!["members", "remove", sname.as_str(), "1002"],
        vec!["spaces", "delete", sname.as_str()],
    ] {
        let r = gchat(&emu, ALICE_T, &args, "").await;
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("--yes"), "{}", r.stderr);
        let mut dry = args.clone();
        dry.push("--dry-run");
        let r = gchat(&emu, ALICE_T, &dry, "").await;
        assert_eq!(r.code, 0, "{dry:?}: {}", r.stderr);
        assert!(r.stdout.contains("would"), "{}", r.stdout);
    }
    gchat_ok(
        &emu,
        ALICE_T,
        &["messages", "send", &sname, "hello", "--dry-run"],
    )
    .await;
    gchat_ok(
        &emu,
        ALICE_T,
        &["spaces", "create", "--name", "Never", "--dry-run"],
    )
    .await;

    // Nothing changed.
    assert!(a.get_space(&s).await.is_ok());
    let members = a
        .list_all_members(&s, &ListMembers::default())
        .await
        .unwrap();
    assert_eq!(members.len(), 2);
    let msgs = a
        .list_all_messages(&s, &ListMessages::default())
        .await
        .unwrap();
    assert!(msgs.is_empty(), "{msgs:?}");
    assert!(!a
        .list_all_spaces(None)
        .await
        .unwrap()
        .iter()
        .any(|x| x.display_name.as_deref() == Some("Never")));

    // With --yes it happens.
    let r = gchat_ok(
        &emu,
        ALICE_T,
        &["members", "remove", &sname, "1002", "--yes"],
    )
    .await;
    assert!(r.stdout.contains("removed"), "{}", r.stdout);
    gchat_ok(&emu, ALICE_T, &["spaces", "delete", &sname, "-y"]).await;
    assert!(a.get_space(&s).await.unwrap_err().is_not_found());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sending_to_many_spaces_twice_posts_once() {
    let emu = demo().await;
    let a = user(&emu, ALICE);
    let s1 = new_space(&a, "One").await;
    let s2 = new_space(&a, "Two").await;
    let list = format!("space\n{s1}\n{s2}\nspaces/AAAAnowhere\n");
    let path = std::env::temp_dir().join(format!("gchat-cli-spaces-{}.csv", std::process::id()));
    std::fs::write(&path, &list).unwrap();
    let p = path.to_string_lossy().to_string();
    for round in 0..2 {
        let r = gchat(
            &emu,
            ALICE_T,
            &[
                "messages",
                "send",
                "--from",
                &p,
                "Town hall at 3",
                "--jsonl",
            ],
            "",
        )
        .await;
        assert_eq!(r.code, 6, "round {round}: {}\n{}", r.stdout, r.stderr);
        let lines: Vec<serde_json::Value> = r
            .stdout
            .lines()
            .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
            .collect();
        assert_eq!(lines.len(), 3);
        let want = if round == 0 { "sent" } else { "already sent" };
        assert_eq!(lines[0]["outcome"], want);
        assert_eq!(lines[1]["outcome"], want);
        assert_eq!(lines[2]["outcome"], "not found");
    }
    let _ = std::fs::remove_file(&path);
    for s in [&s1, &s2] {
        let msgs = a
            .list_all_messages(s, &ListMessages::default())
            .await
            .unwrap();
        assert_eq!(msgs.len(), 1, "{s}: {msgs:?}");
        assert_eq!(msgs[0].text.as_deref(), Some("Town hall at 3"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_send_edit_get_delete_and_the_app() {
    let emu = demo().await;
    let r = gchat(
        &emu,
        "app",
        &["messages", "send", TEAM_RUST, "-", "--json"],
        "Release 1.2 is out\n",
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let name = v["results"][0]["message"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(v["results"][0]["message"]["sender"]["type"], "BOT");

    let r = gchat(
        &emu,
        "app",
        &["messages", "edit", &name, "Release 1.2.1 is out"],
        "",
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = gchat_ok(&emu, ALICE_T, &["messages", "get", &name]).await;
    assert!(
        r.stdout.contains("Release 1.2.1 is out") && r.stdout.contains("Release Bot"),
        "{}",
        r.stdout
    );

    let r = gchat_ok(
        &emu,
        ALICE_T,
        &["messages", "list", "Team Rust", "--since", "10m", "--json"],
    )
    .await;
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(v["messages"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["name"] == name.as_str()));

    let r = gchat(&emu, "app", &["messages", "delete", &name, "--yes"], "").await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = gchat(&emu, ALICE_T, &["messages", "get", &name], "").await;
    assert_eq!(r.code, 5, "{}", r.stderr);

    let r = gchat_ok(&emu, ALICE_T, &["people", "get", "1003", "users/1002"]).await;
    assert!(
        r.stdout.contains("王芳") && r.stdout.contains("bob@example.com"),
        "{}",
        r.stdout
    );

    let r = gchat_ok(
        &emu,
        ALICE_T,
        &["spaces", "find-dm", "bob@example.com", "--json"],
    )
    .await;
    assert!(r.stdout.contains(DM_BOB), "{}", r.stdout);

    let r = gchat_ok(
        &emu,
        ALICE_T,
        &[
            "spaces",
            "setup",
            "--members",
            "1002,1007",
            "--name",
            "Trio",
            "--json",
        ],
    )
    .await;
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["displayName"], "Trio");
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_gchat"))
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success());
        let s = String::from_utf8_lossy(&out.stdout);
        assert!(s.contains("members") && s.contains("find-dm"), "{shell}");
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gchat"))
        .arg("man")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains(".TH gchat"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_are_waited_out_and_reported() {
    let emu = demo().await;
    let a = user(&emu, ALICE);
    let s = new_space(&a, "Busy").await;
    let resp = reqwest::Client::new()
        .post(format!("{}/emulator/faults", emu.url()))
        .json(&serde_json::json!({
            "method": "chat.spaces.members.create", "code": 429, "count": 1, "retryAfter": 1
        }))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success());
    let r = gchat(&emu, ALICE_T, &["members", "add", s.as_ref(), "1002"], "").await;
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("rate limited"), "{}", r.stderr);
    assert!(r.stdout.contains("joined"), "{}", r.stdout);
    let members = a
        .list_all_members(&s, &ListMembers::default())
        .await
        .unwrap();
    assert_eq!(members.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_stays_in_its_cell() {
    let emu = demo().await;
    let a = user(&emu, ALICE);
    let s = new_space(&a, "Hostile").await;
    post(
        &a,
        &s,
        "evil\x1b]0;pwned\x07\x1b[2J\u{202e}txt.exe\r\nsecond line",
    )
    .await;
    let r = gchat_ok(&emu, ALICE_T, &["messages", "list", s.as_ref()]).await;
    assert!(
        !r.stdout.contains('\x1b') && !r.stdout.contains('\u{202e}') && !r.stdout.contains('\r')
    );
    assert_eq!(r.stdout.lines().count(), 2, "{}", r.stdout);
    let r = gchat(
        &emu,
        ALICE_T,
        &["messages", "list", s.as_ref(), "--json"],
        "",
    )
    .await;
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(
        v["messages"][0]["text"]
            .as_str()
            .unwrap()
            .contains("\x1b[2J"),
        "JSON keeps the text exactly"
    );
}

/// Runs `gchat ARGS` in a pseudo-terminal, answers `answer` when it asks, and returns its
/// exit code and everything it wrote.
async fn gchat_on_a_terminal(
    emu: &gchat::emulator::Emulator,
    args: &[&str],
    answer: &str,
) -> (u32, String) {
    use portable_pty::{native_pty_system, CommandBuilder, PtySize};
    use std::io::{Read, Write};
    use std::sync::{Arc, Mutex};
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 200,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("a pseudo-terminal");
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_gchat"));
    cmd.args(["--endpoint", &emu.url(), "--token", ALICE_T]);
    cmd.args(args);
    cmd.env("TZ", "UTC");
    cmd.env("GCHAT_LOG_DIR", dir.path());
    let mut child = pty.slave.spawn_command(cmd).expect("gchat starts");
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().unwrap();
    let mut writer = pty.master.take_writer().unwrap();
    let seen = Arc::new(Mutex::new(String::new()));
    let s = seen.clone();
    // Set once the reader has read everything gchat wrote.
    let drained = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let d = drained.clone();
    std::thread::spawn(move || {
        let _keep = pty.master;
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            s.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
        d.store(true, std::sync::atomic::Ordering::SeqCst);
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !seen.lock().unwrap().contains("[y/N]") {
        assert!(
            std::time::Instant::now() < deadline,
            "no question: {}",
            seen.lock().unwrap()
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    writer.write_all(format!("{answer}\r").as_bytes()).unwrap();
    writer.flush().unwrap();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        assert!(std::time::Instant::now() < deadline, "gchat did not finish");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    // Its last words may still be on their way through the terminal when it exits: the
    // output is read to its end before it is looked at.
    while !drained.load(std::sync::atomic::Ordering::SeqCst) {
        assert!(
            std::time::Instant::now() < deadline,
            "gchat's output did not end: {}",
            seen.lock().unwrap()
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let out = seen.lock().unwrap().clone();
    (status.exit_code(), out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_terminal_destructive_verbs_ask_first() {
    let emu = demo().await;
    let a = user(&emu, ALICE);
    let s = new_space(&a, "Asked").await;
    let sname = s.to_string();
    gchat_ok(&emu, ALICE_T, &["members", "add", &sname, "1002"]).await;

    let (code, out) = gchat_on_a_terminal(&emu, &["members", "remove", &sname, "1002"], "n").await;
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("Remove 1002 from Asked"), "{out}");
    assert_eq!(
        a.list_all_members(&s, &ListMembers::default())
            .await
            .unwrap()
            .len(),
        2
    );

    let (code, out) = gchat_on_a_terminal(&emu, &["members", "remove", &sname, "1002"], "y").await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("removed"), "{out}");
    assert_eq!(
        a.list_all_members(&s, &ListMembers::default())
            .await
            .unwrap()
            .len(),
        1
    );
}

const HOSTILE: &str = "Evil\x1b]0;PWNED\x07\x1b[2J\u{202e}gnp.exe\u{9b}31m";

/// Nothing a terminal would obey: ESC, BEL, CR, a C1 CSI or a bidi override.
fn assert_inert(what: &str, s: &str) {
    for c in ['\x1b', '\x07', '\r', '\u{9b}', '\u{202e}'] {
        assert!(!s.contains(c), "{what} carries {c:?} raw: {s:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_space_names_are_shown_not_obeyed_everywhere() {
    let emu = demo().await;
    let a = user(&emu, ALICE);
    let s = new_space(&a, HOSTILE).await;
    let id = s.to_string();
    let runs = [
        (vec!["spaces", "delete", id.as_str(), "--dry-run"], 0),
        (
            vec!["spaces", "update", id.as_str(), "--name", "x", "--dry-run"],
            0,
        ),
        // No terminal, no --yes: the refusal names the space.
        (vec!["spaces", "delete", id.as_str()], 2),
        (vec!["members", "remove", id.as_str(), "users/1002"], 2),
        (
            vec!["members", "add", id.as_str(), "users/1002", "--dry-run"],
            0,
        ),
    ];
    for (args, code) in runs {
        let r = gchat(&emu, ALICE_T, &args, "").await;
        assert_eq!(r.code, code, "{args:?}: {}\n{}", r.stdout, r.stderr);
        assert_inert(&format!("{args:?} stdout"), &r.stdout);
        assert_inert(&format!("{args:?} stderr"), &r.stderr);
        assert!(
            format!("{}{}", r.stdout, r.stderr).contains("Evil␛]0;PWNED␇␛[2Jgnp.exe�31m"),
            "{args:?} shows the name as symbols: {}{}",
            r.stdout,
            r.stderr
        );
    }
    // A name that matches nothing is quoted back, cleaned.
    let r = gchat(
        &emu,
        ALICE_T,
        &["spaces", "get", &format!("{HOSTILE}!")],
        "",
    )
    .await;
    assert_eq!(r.code, 5, "{}\n{}", r.stdout, r.stderr);
    assert_inert("not-found error", &r.stderr);
    // The space is still there, and JSON keeps the name exactly.
    let r = gchat_ok(&emu, ALICE_T, &["spaces", "get", &id, "--json"]).await;
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["displayName"].as_str(), Some(HOSTILE));
}

/// Runs `gchat ARGS` with its data (profiles) in `data`.
async fn gchat_with_data(data: &std::path::Path, args: &[&str]) -> Run {
    let out = tokio::time::timeout(
        std::time::Duration::from_secs(120),
        tokio::process::Command::new(env!("CARGO_BIN_EXE_gchat"))
            .args(args)
            .env("GCHAT_DATA_DIR", data)
            .env_remove("GCHAT_TOKEN")
            .env(
                "GCHAT_LOG_DIR",
                std::env::temp_dir().join("gchat-cli-test-logs"),
            )
            .stdin(Stdio::null())
            .output(),
    )
    .await
    .expect("gchat finishes")
    .expect("gchat runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_status_cleans_the_servers_words_and_exits_3_when_signed_out() {
    let data = tempfile::tempdir().unwrap();
    let r = gchat_with_data(data.path(), &["--profile", "nobody", "auth", "status"]).await;
    assert_eq!(
        r.code, 3,
        "not signed in is exit 3: {}\n{}",
        r.stdout, r.stderr
    );
    assert!(r.stdout.contains("Not signed in"), "{}", r.stdout);

    let dir = data.path().join("profiles").join("evil");
    std::fs::create_dir_all(&dir).unwrap();
    let account = serde_json::json!({
        "kind": "user",
        "scopes": [
            "https://www.googleapis.com/auth/chat.messages",
            "https://www.googleapis.com/auth/chat.spaces\x1b]52;c;aGk=\x07",
        ],
        "identity": {
            "user": "users/1\x1b[2J",
            "name": "M\u{202e}gnp.exe",
            "email": "m\x1b[31m@example.com\u{9b}1m",
        },
        "signed_in_at": "2026-01-01T00:00:00Z",
    });
    let text = serde_json::to_string(&account).unwrap();
    let parsed: gchat::auth::profile::Account =
        serde_json::from_str(&text).expect("an account file gchat reads");
    assert_eq!(parsed.identity.name.as_deref(), Some("M\u{202e}gnp.exe"));
    std::fs::write(dir.join("account.json"), text).unwrap();
    let r = gchat_with_data(data.path(), &["--profile", "evil", "auth", "status"]).await;
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_inert("auth status", &r.stdout);
    assert!(r.stdout.contains("m␛[31m@example.com�1m"), "{}", r.stdout);
    assert!(r.stdout.contains("Mgnp.exe"), "{}", r.stdout);
}

/// Spoils the next answer to `method` (the server acts; the answer is lost on the way).
fn lose_next_answer(emu: &gchat::emulator::Emulator, method: &str) {
    emu.spoil_answers(gchat::emulator::faults::AnswerFault {
        method: Some(method.into()),
        count: 1,
        spoil: gchat::emulator::faults::Spoil::Reset,
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_answers_report_what_the_server_did() {
    let emu = demo().await;
    let a = user(&emu, ALICE);
    let s = new_space(&a, "Lost answers").await;
    let id = s.to_string();

    lose_next_answer(&emu, "chat.spaces.members.create");
    let r = gchat(&emu, ALICE_T, &["members", "add", &id, "users/1002"], "").await;
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("joined"), "{}", r.stdout);
    let members = a
        .list_all_members(&s, &ListMembers::default())
        .await
        .unwrap();
    assert_eq!(members.len(), 2, "Bob joined once");

    lose_next_answer(&emu, "chat.spaces.members.delete");
    let r = gchat(
        &emu,
        ALICE_T,
        &["members", "remove", &id, "users/1002", "--yes"],
        "",
    )
    .await;
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("removed"), "{}", r.stdout);
    let members = a
        .list_all_members(&s, &ListMembers::default())
        .await
        .unwrap();
    assert_eq!(members.len(), 1, "Bob is gone");

    lose_next_answer(&emu, "chat.spaces.delete");
    let r = gchat(&emu, ALICE_T, &["spaces", "delete", &id, "--yes"], "").await;
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("deleted Lost answers"), "{}", r.stdout);
    assert!(a.get_space(&s).await.is_err(), "the space is gone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_runs_name_people_by_their_email() {
    let emu = demo().await;
    let a = user(&emu, ALICE);
    let s = new_space(&a, "Dry emails").await;
    let id = s.to_string();
    for verb in ["add", "remove"] {
        let r = gchat(
            &emu,
            ALICE_T,
            &["members", verb, &id, "bob@example.com", "--dry-run"],
            "",
        )
        .await;
        assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
        assert!(r.stdout.contains("bob@example.com"), "{}", r.stdout);
        assert!(!r.stdout.contains("users/bob@"), "{verb}: {}", r.stdout);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creating_a_space_twice_says_it_already_existed() {
    let emu = demo().await;
    let args = ["spaces", "create", "--name", "Twice made"];
    let first = gchat(&emu, ALICE_T, &args, "").await;
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        !first.stderr.contains("already existed"),
        "{}",
        first.stderr
    );
    let again = gchat(&emu, ALICE_T, &args, "").await;
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stderr.contains("Twice made already existed"),
        "{}",
        again.stderr
    );
    assert_eq!(first.stdout, again.stdout, "the same space");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_list_shows_mentions_by_name() {
    let emu = demo().await;
    let a = user(&emu, ALICE);
    let s = new_space(&a, "Mentions").await;
    post(&a, &s, "hi <users/1002>, see this").await;
    let r = gchat_ok(&emu, ALICE_T, &["messages", "list", s.as_ref()]).await;
    assert!(r.stdout.contains("hi @Bob Li, see this"), "{}", r.stdout);
    assert!(!r.stdout.contains("<users/"), "{}", r.stdout);
}

#[tokio::test]
async fn reactions_pins_and_attachments_from_the_shell() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = space(TEAM_RUST);
    let m = post(&alice, &s, "cli target").await;
    let name = m.name.clone().unwrap();
    let r = gchat(&emu, "user:1002", &["messages", "react", &name, "👍"], "").await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("reacted 👍"), "{}", r.stdout);
    let r = gchat(
        &emu,
        "user:1002",
        &["messages", "react", &name, ":party-parrot:"],
        "",
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got = alice.get_message(&msg_name(&m)).await.unwrap();
    assert_eq!(got.reaction_summaries().len(), 2);
    // Alice also reacts 👍; Bob's unreact removes his, not hers.
    alice
        .create_reaction(&msg_name(&m), &gchat::api::model::Emoji::unicode("👍"))
        .await
        .unwrap();
    let r = gchat(&emu, "user:1002", &["messages", "unreact", &name, "👍"], "").await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got = alice.get_message(&msg_name(&m)).await.unwrap();
    let thumbs = got
        .reaction_summaries()
        .into_iter()
        .find(|s| s.emoji.as_ref().and_then(|e| e.unicode.as_deref()) == Some("👍"))
        .unwrap();
    assert_eq!(thumbs.reaction_count, Some(1));
    let r = gchat(&emu, "user:1002", &["messages", "unreact", &name, "👍"], "").await;
    assert_ne!(r.code, 0, "nothing left to remove");
    // Pins.
    let r = gchat(&emu, "user:1001", &["messages", "pin", &name], "").await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = gchat(&emu, "user:1001", &["messages", "pins", "Team Rust"], "").await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(&name) && r.stdout.contains("cli target"),
        "{}",
        r.stdout
    );
    let r = gchat(&emu, "user:1001", &["messages", "unpin", &name], "").await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!alice
        .list_all_message_pins(&s)
        .await
        .unwrap()
        .iter()
        .any(|p| p.message.as_deref() == Some(name.as_str())));
    // Send with an attachment, then download it; a second download does not overwrite.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.csv");
    std::fs::write(&file, "a,b\n1,2\n").unwrap();
    let r = gchat(
        &emu,
        "user:1001",
        &[
            "messages",
            "send",
            TEAM_RUST,
            "the report",
            "--attach",
            file.to_str().unwrap(),
            "--json",
        ],
        "",
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sent: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let sent_name = sent["results"][0]["message"]["name"]
        .as_str()
        .map(String::from)
        .unwrap_or_else(|| panic!("no message name in {sent}"));
    let out = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let r = gchat(
            &emu,
            "user:1002",
            &[
                "messages",
                "download",
                &sent_name,
                "--to",
                out.path().to_str().unwrap(),
            ],
            "",
        )
        .await;
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    assert_eq!(
        std::fs::read_to_string(out.path().join("report.csv")).unwrap(),
        "a,b\n1,2\n"
    );
    assert!(out.path().join("report (2).csv").exists());
    // An oversized file is refused before anything is sent (a sparse file).
    let huge = dir.path().join("huge.bin");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(gchat::api::MAX_ATTACHMENT_BYTES + 1)
        .unwrap();
    let r = gchat(
        &emu,
        "user:1001",
        &[
            "messages",
            "send",
            TEAM_RUST,
            "too big",
            "--attach",
            huge.to_str().unwrap(),
        ],
        "",
    )
    .await;
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("200 MB"), "{}", r.stderr);
}

// ---------------------------------------------------------------- search, read state, sections

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_across_spaces_or_within_one_shows_hostile_text_inert() {
    let emu = demo().await;
    let bob = user(&emu, BOB);
    post(
        &bob,
        &space(TEAM_RUST),
        "kiwifruit harvest \x1b[2J\u{202e}done",
    )
    .await;
    post(&bob, &space(DM_BOB), "kiwifruit for lunch?").await;
    let r = gchat_ok(&emu, ALICE_T, &["search", "kiwifruit"]).await;
    assert_inert("search results", &r.stdout);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    assert!(lines[0].starts_with("TIME"), "{}", r.stdout);
    // Newest first, with the space and the sender's name.
    assert!(
        lines[1].contains("(direct message)") && lines[1].contains("Bob"),
        "{}",
        r.stdout
    );
    assert!(
        lines[2].contains("Team Rust") && lines[2].contains("kiwifruit harvest"),
        "{}",
        r.stdout
    );

    let r = gchat_ok(
        &emu,
        ALICE_T,
        &["search", "kiwifruit", "--space", "Team Rust", "--json"],
    )
    .await;
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("one JSON document");
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{v}");
    assert!(results[0]["message"]["name"]
        .as_str()
        .unwrap()
        .starts_with("spaces/AAAATeamRst/"));

    // The server's refusal of a malformed query is one sentence (exit 1, as for any 400).
    let r = gchat(&emu, ALICE_T, &["search", "(kiwifruit"], "").await;
    assert_eq!(r.code, 1, "{} {}", r.stdout, r.stderr);
    assert!(r.stderr.starts_with("gchat: "), "{}", r.stderr);
    // Nothing found: just the header.
    let r = gchat(&emu, ALICE_T, &["search", "durian"], "").await;
    assert_eq!((r.code, r.stdout.lines().count()), (0, 1), "{}", r.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_state_shows_unread_and_mark_read_clears_it_for_that_user_only() {
    let emu = demo().await;
    let r = gchat_ok(
        &emu,
        ALICE_T,
        &["spaces", "read-state", "Team Rust", "--json"],
    )
    .await;
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["unread"], 3, "{v}");
    assert_eq!(v["space"], "spaces/AAAATeamRst");
    let bob_before = user(&emu, BOB)
        .get_space_read_state(&space(TEAM_RUST))
        .await
        .unwrap();

    let r = gchat_ok(
        &emu,
        ALICE_T,
        &["spaces", "read-state", "Team Rust", "--mark-read"],
    )
    .await;
    let row = r.stdout.lines().nth(1).unwrap_or("");
    assert!(
        row.starts_with("Team Rust") && row.contains("  0  "),
        "{}",
        r.stdout
    );
    let latest = user(&emu, ALICE)
        .list_all_messages(&space(TEAM_RUST), &ListMessages::default())
        .await
        .unwrap()
        .into_iter()
        .filter_map(|m| m.create_time)
        .max();
    let alice_now = user(&emu, ALICE)
        .get_space_read_state(&space(TEAM_RUST))
        .await
        .unwrap();
    assert_eq!(alice_now.last_read_time, latest);
    assert_eq!(
        user(&emu, BOB)
            .get_space_read_state(&space(TEAM_RUST))
            .await
            .unwrap(),
        bob_before
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mute_unmute_and_sections_from_the_command_line() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let r = gchat_ok(&emu, ALICE_T, &["spaces", "mute", "Team Rust"]).await;
    assert_eq!(r.stdout, "muted Team Rust (spaces/AAAATeamRst)\n");
    assert!(alice
        .get_notification_setting(&space(TEAM_RUST))
        .await
        .unwrap()
        .is_muted());
    gchat_ok(&emu, ALICE_T, &["spaces", "unmute", "Team Rust"]).await;
    assert!(!alice
        .get_notification_setting(&space(TEAM_RUST))
        .await
        .unwrap()
        .is_muted());

    // The demo's sections: Projects (Team Rust, 工程部) first, then the defaults.
    let r = gchat_ok(&emu, ALICE_T, &["sections", "list"]).await;
    let rows: Vec<Vec<&str>> = r
        .stdout
        .lines()
        .skip(1)
        .map(|l| {
            l.split("  ")
                .filter(|c| !c.is_empty())
                .map(str::trim)
                .collect()
        })
        .collect();
    let summary: Vec<(&str, &str)> = rows.iter().map(|r| (r[0], r[2])).collect();
    assert_eq!(
        summary,
        [
            ("Projects", "2"),
            ("Direct messages", "3"),
            ("Spaces", "2"),
            ("Apps", "1")
        ],
        "{}",
        r.stdout
    );

    let r = gchat_ok(&emu, ALICE_T, &["sections", "create", "Side projects"]).await;
    assert!(
        r.stdout
            .starts_with("created Side projects (users/1001/sections/"),
        "{}",
        r.stdout
    );
    let r = gchat_ok(
        &emu,
        ALICE_T,
        &["sections", "move", "Team Rust", "--to", "side PROJECTS"],
    )
    .await;
    assert_eq!(r.stdout, "moved Team Rust to Side projects\n");
    let item = alice
        .find_section_item(&space(TEAM_RUST))
        .await
        .unwrap()
        .unwrap();
    let secs = alice.list_all_sections().await.unwrap();
    let side = secs
        .iter()
        .find(|s| s.display_name.as_deref() == Some("Side projects"))
        .unwrap();
    assert!(item
        .name
        .unwrap()
        .starts_with(side.name.as_deref().unwrap()));
    // Moving it where it is changes nothing; an unknown section is exit 5.
    let r = gchat_ok(
        &emu,
        ALICE_T,
        &["sections", "move", "Team Rust", "--to", "Side projects"],
    )
    .await;
    assert!(r.stdout.contains("already in"), "{}", r.stdout);
    let r = gchat(
        &emu,
        ALICE_T,
        &["sections", "move", "Team Rust", "--to", "Nowhere"],
        "",
    )
    .await;
    assert_eq!(r.code, 5, "{}", r.stderr);
    // A DM cannot go to the Spaces default section: the server's refusal, exit 1.
    let r = gchat(
        &emu,
        ALICE_T,
        &["sections", "move", DM_BOB, "--to", "Spaces"],
        "",
    )
    .await;
    assert_eq!(r.code, 1, "{} {}", r.stdout, r.stderr);

    // Deleting needs --yes without a terminal; then Team Rust is back in Spaces.
    let r = gchat(&emu, ALICE_T, &["sections", "delete", "Side projects"], "").await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(alice.list_all_sections().await.unwrap().len(), secs.len());
    gchat_ok(
        &emu,
        ALICE_T,
        &["sections", "delete", "Side projects", "--yes"],
    )
    .await;
    let item = alice
        .find_section_item(&space(TEAM_RUST))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        item.name.as_deref(),
        Some("users/1001/sections/default-spaces/items/AAAATeamRst")
    );
    let r = gchat(
        &emu,
        ALICE_T,
        &["sections", "delete", "Spaces", "--yes"],
        "",
    )
    .await;
    assert_eq!(r.code, 2, "{}", r.stderr);
}

/// Runs `gchat ARGS` with stdout a pipe whose reader is already gone (as `| head` leaves it).
fn gchat_into_closed_pipe(args: &[&str]) -> std::process::Output {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    std::process::Command::new(env!("CARGO_BIN_EXE_gchat"))
        .args(args)
        .env(
            "GCHAT_LOG_DIR",
            std::env::temp_dir().join("gchat-cli-test-logs"),
        )
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("gchat runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_that_stops_early_ends_output_quietly() {
    let emu = demo().await;
    let url = emu.url();
    let cases: Vec<Vec<&str>> = vec![
        vec!["completions", "bash"],
        vec!["completions", "zsh"],
        vec!["completions", "fish"],
        vec!["man"],
        vec!["--endpoint", &url, "--token", ALICE_T, "spaces", "list"],
        vec![
            "--endpoint",
            &url,
            "--token",
            ALICE_T,
            "spaces",
            "list",
            "--json",
        ],
    ];
    for args in cases {
        let args2: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let out = tokio::task::spawn_blocking(move || {
            let a: Vec<&str> = args2.iter().map(String::as_str).collect();
            gchat_into_closed_pipe(&a)
        })
        .await
        .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: {err}");
    }
}

/// The cells of the table row whose first cell is `first` (columns are 2+ spaces apart).
fn row<'a>(table: &'a str, first: &str) -> Vec<&'a str> {
    table
        .lines()
        .find(|l| l.starts_with(first))
        .map(|l| {
            l.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spaces_web_address_is_the_one_the_server_gives() {
    let emu = demo().await;
    let r = gchat_ok(&emu, ALICE_T, &["spaces", "get", TEAM_RUST]).await;
    let web = row(&r.stdout, "Web");
    let r = gchat(&emu, ALICE_T, &["spaces", "get", TEAM_RUST, "--json"], "").await;
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let uri = v["spaceUri"]
        .as_str()
        .expect("the emulator gives spaceUri")
        .to_string();
    let uri = uri.as_str();
    assert_eq!(web, vec!["Web", uri], "{}", r.stdout);
    // The address made from a name alone (for callers without the space) is the same room.
    let from_name = space(TEAM_RUST).web_url();
    assert!(
        uri.starts_with(&format!("{from_name}?")),
        "{uri} vs {from_name}"
    );
    assert_eq!(
        gchat::api::web::space_url(&serde_json::from_value(v).unwrap()).as_deref(),
        Some(uri)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_found_hints_name_the_kind_of_thing() {
    let emu = demo().await;
    let a = user(&emu, ALICE);
    let s = new_space(&a, "Hints").await;
    let m = post(&a, &s, "short-lived").await;
    let name = m.name.clone().unwrap();
    gchat_ok(&emu, ALICE_T, &["messages", "delete", &name, "--yes"]).await;
    let r = gchat(&emu, ALICE_T, &["messages", "delete", &name, "--yes"], "").await;
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("gchat messages list"), "{}", r.stderr);
    assert!(!r.stderr.contains("gchat spaces list"), "{}", r.stderr);
    let r = gchat(&emu, ALICE_T, &["spaces", "get", "spaces/AAAAnowhere"], "").await;
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("gchat spaces list"), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adding_someone_the_directory_does_not_know_fails() {
    let emu = demo().await;
    let a = user(&emu, ALICE);
    let s = new_space(&a, "Nobody").await;
    let r = gchat(&emu, ALICE_T, &["members", "add", s.as_ref(), "99999"], "").await;
    assert_eq!(r.code, 5, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("not found"), "{}", r.stdout);
    assert!(!r.stdout.contains("joined"), "{}", r.stdout);
    let members = a
        .list_members(&s, &ListMembers::default())
        .await
        .unwrap()
        .memberships;
    assert!(
        members
            .iter()
            .all(|m| m.member.as_ref().and_then(|u| u.name.as_deref()) != Some("users/99999")),
        "{members:?}"
    );
    // Someone the directory knows still joins.
    let r = gchat(&emu, ALICE_T, &["members", "add", s.as_ref(), BOB], "").await;
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);

    // A plain emulator has no directory to ask: it takes any id.
    let plain = gchat::emulator::Emulator::start(gchat::emulator::Options {
        port: 0,
        data: None,
        demo: false,
        config: Default::default(),
    })
    .await
    .unwrap();
    let p = user(&plain, ALICE);
    let s = new_space(&p, "Open").await;
    let r = gchat(
        &plain,
        ALICE_T,
        &["members", "add", s.as_ref(), "99999"],
        "",
    )
    .await;
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_removal_names_the_person_as_a_real_one_does() {
    let emu = demo().await;
    let a = user(&emu, ALICE);
    let s = new_space(&a, "Dry names").await;
    let id = s.to_string();
    let r = gchat_ok(&emu, ALICE_T, &["members", "add", &id, BOB]).await;
    let added = row(&r.stdout, BOB);
    assert_eq!(added.len(), 3, "{}", r.stdout);
    let r = gchat_ok(&emu, ALICE_T, &["members", "remove", &id, BOB, "--dry-run"]).await;
    let dry = row(&r.stdout, BOB);
    assert_eq!(dry.get(1), added.get(1), "{}", r.stdout);
    assert!(
        dry.get(2).is_some_and(|o| o.starts_with("would remove")),
        "{}",
        r.stdout
    );
    // Bob is still there.
    let r = gchat(
        &emu,
        ALICE_T,
        &["members", "remove", &id, WANG_FANG, "--dry-run"],
        "",
    )
    .await;
    assert!(r.stdout.contains("not a member"), "{}", r.stdout);
    assert!(a
        .get_member(&gchat::api::MembershipName::new(
            &s,
            gchat::api::UserRef::Id(BOB.into())
        ))
        .await
        .is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_error_does_not_widen_every_row_and_names_are_not_repeated() {
    let emu = demo().await;
    let a = user(&emu, ALICE);
    new_space(&a, "Wide One").await;
    let long = format!("spaces/AAAA{}", "x".repeat(150));
    let list = format!("space\nWide One\n{long}\n");
    let r = gchat(
        &emu,
        ALICE_T,
        &["messages", "send", "--from", "-", "hello"],
        &list,
    )
    .await;
    assert_eq!(r.code, 6, "{}\n{}", r.stdout, r.stderr);
    let header = r.stdout.lines().next().unwrap_or("");
    let outcome_col = header.find("OUTCOME").expect("an OUTCOME column");
    let resource_col = header.find("RESOURCE").expect("a RESOURCE column");
    // Every row's OUTCOME cell is cut, so the column stays narrow.
    assert!(resource_col - outcome_col <= 62, "{}", r.stdout);
    assert!(r.stdout.contains('…'), "{}", r.stdout);
    // SPACE was typed as a display name: NAME says which space that is.
    let cells = row(&r.stdout, "Wide One");
    assert!(
        cells.get(1).is_some_and(|c| c.starts_with("spaces/")),
        "{}",
        r.stdout
    );
    // JSON keeps the whole reason.
    let r = gchat(
        &emu,
        ALICE_T,
        &["messages", "send", "--from", "-", "hello", "--json"],
        &list,
    )
    .await;
    assert!(!r.stdout.contains('…'), "{}", r.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_emulator_knows_whoever_signs_in() {
    let plain = gchat::emulator::Emulator::start(gchat::emulator::Options {
        port: 0,
        data: None,
        demo: false,
        config: Default::default(),
    })
    .await
    .unwrap();
    let a = user(&plain, ALICE);
    let s = new_space(&a, "Plain").await;
    let r = gchat(&plain, ALICE_T, &["people", "get", ALICE], "").await;
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("User 1001"), "{}", r.stdout);
    let r = gchat_ok(&plain, ALICE_T, &["members", "list", s.as_ref()]).await;
    let alice = row(&r.stdout, "User 1001");
    assert!(
        alice.get(1).is_some_and(|e| e.contains('@')),
        "{}",
        r.stdout
    );
    // Someone who never signed in is still unknown.
    let r = gchat(&plain, ALICE_T, &["people", "get", "4242"], "").await;
    assert_ne!(r.code, 0, "{}", r.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_are_found_by_email_too() {
    let emu = demo().await;
    let r = gchat(
        &emu,
        ALICE_T,
        &["people", "get", "BOB@example.com", "--json"],
        "",
    )
    .await;
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        v["results"][0]["person"]["resourceName"].as_str(),
        Some(format!("people/{BOB}").as_str()),
        "{}",
        r.stdout
    );
    // A part of an address is not a match.
    let r = gchat(&emu, ALICE_T, &["people", "get", "ob@example.com"], "").await;
    assert_eq!(r.code, 5, "{}\n{}", r.stdout, r.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_stderr_does_not_turn_an_answer_into_a_panic() {
    let emu = demo().await;
    let url = emu.url();
    let out = tokio::task::spawn_blocking(move || {
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        std::process::Command::new(env!("CARGO_BIN_EXE_gchat"))
            .args([
                "--endpoint",
                &url,
                "--token",
                ALICE_T,
                "spaces",
                "get",
                "spaces/AAAAnowhere",
            ])
            .env(
                "GCHAT_LOG_DIR",
                std::env::temp_dir().join("gchat-cli-test-logs"),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(writer)
            .status()
            .expect("gchat runs")
    })
    .await
    .unwrap();
    assert_eq!(out.code(), Some(5), "not a panic (101)");
}
