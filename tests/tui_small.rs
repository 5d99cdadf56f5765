//! The built `gchat` binary in small pseudo-terminals: 80x23 (an 80x24 terminal under
//! tmux's status line) is a full screen that works, and a terminal resized to 40x15
//! shows one pane at a time. Waits poll for a condition up to a generous deadline.

mod common;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, CommandBuilder, PtySize};

const DEADLINE: Duration = Duration::from_secs(30);

struct Pty {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    master: Box<dyn portable_pty::MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    _dirs: tempfile::TempDir,
}

impl Pty {
    fn spawn(args: &[String], rows: u16, cols: u16) -> Pty {
        let dirs = tempfile::tempdir().unwrap();
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_gchat"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        for var in [
            "GCHAT_LOG_DIR",
            "GCHAT_CONFIG_DIR",
            "GCHAT_DATA_DIR",
            "GCHAT_STATE_DIR",
        ] {
            cmd.env(var, dirs.path());
        }
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let p = parser.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().unwrap().process(&buf[..n]);
            }
        });
        Pty {
            child,
            master: pty.master,
            writer,
            parser,
            _dirs: dirs,
        }
    }

    fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    async fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) {
        let start = Instant::now();
        while !pred(&self.screen()) {
            if start.elapsed() > DEADLINE {
                panic!(
                    "timed out waiting for {what}; the screen:\n{}",
                    self.screen()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn send(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // Keys apart, so they are not read as one escape sequence.
        tokio::time::sleep(Duration::from_millis(60)).await;
    }

    fn resize(&self, rows: u16, cols: u16) {
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        self.parser.lock().unwrap().set_size(rows, cols);
    }

    async fn quit(mut self) {
        self.send("\x1b").await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        self.send("q").await;
        let start = Instant::now();
        let status = loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                break st;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "gchat did not exit:\n{}",
                self.screen()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert!(status.success(), "{status:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eighty_by_twenty_three_works_and_narrower_shows_one_pane() {
    let emu = common::demo().await;
    let url = emu.url();
    let args = vec![
        "--endpoint".to_string(),
        url.clone(),
        "--token".into(),
        "user:1001".into(),
    ];
    let mut t = Pty::spawn(&args, 23, 80);
    t.wait_for("Team Rust loaded", |s| s.contains("午饭一起吗"))
        .await;
    let s = t.screen();
    assert!(!s.contains("too small"), "{s}");
    // Who, and which server.
    let address = url.trim_start_matches("http://").trim_end_matches('/');
    t.wait_for("the status bar names Alice and the server", |s| {
        s.lines()
            .last()
            .is_some_and(|l| l.contains("Alice Chen") && l.contains(address))
    })
    .await;

    // A message sent at 80x23 reaches the server.
    t.send("i").await;
    t.send("sent from a small terminal").await;
    t.send("\r").await;
    let start = Instant::now();
    loop {
        let sent = emu.service().with_store(|st| {
            st.spaces[common::TEAM_RUST]
                .messages
                .iter()
                .any(|m| m.msg.text.as_deref() == Some("sent from a small terminal"))
        });
        if sent {
            break;
        }
        assert!(start.elapsed() < DEADLINE, "not sent:\n{}", t.screen());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    t.send("\x1b").await;

    // Narrower: one pane, and Tab shows the next.
    t.resize(15, 40);
    t.wait_for("one pane with the key to switch", |s| {
        s.contains("Tab next pane") && !s.contains(" Spaces ")
    })
    .await;
    t.send("\t").await;
    t.wait_for("the members pane on its own", |s| {
        s.lines().next().is_some_and(|l| l.contains("invited"))
            && s.contains("Alice Chen")
            && !s.contains("午饭")
    })
    .await;
    // Tiny: the notice, with advice that works here.
    t.resize(6, 20);
    t.wait_for("the notice", |s| s.contains("bigger")).await;
    t.quit().await;
    emu.stop().await;
}
