//! The built `gchat` in a pseudo-terminal: the user's sends and another person's posts,
//! interleaved in every order, each end up on screen exactly once. Waits poll for a
//! condition up to a generous deadline; nothing asserts on elapsed time.

mod common;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gchat::api::model::Message;
use gchat::api::CreateMessage;
use gchat::emulator::Emulator;
use portable_pty::{native_pty_system, CommandBuilder, PtySize};

const W: u16 = 160;
const H: u16 = 48;
const DEADLINE: Duration = Duration::from_secs(60);

struct Session {
    emu: Emulator,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    _dirs: tempfile::TempDir,
}

impl Session {
    async fn start() -> Session {
        let emu = common::demo().await;
        let dirs = tempfile::tempdir().unwrap();
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: H,
                cols: W,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_gchat"));
        cmd.args(["--endpoint", &emu.url(), "--token", "user:1001"]);
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
        let parser = Arc::new(Mutex::new(vt100::Parser::new(H, W, 0)));
        let p = parser.clone();
        std::thread::spawn(move || {
            let _keep = pty.master;
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().unwrap().process(&buf[..n]);
            }
        });
        let s = Session {
            emu,
            child,
            writer,
            parser,
            _dirs: dirs,
        };
        s.wait_for("Team Rust loaded", |t| t.contains("午饭一起吗"))
            .await;
        s
    }

    fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    async fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) {
        let start = Instant::now();
        loop {
            if pred(&self.screen()) {
                return;
            }
            if start.elapsed() > DEADLINE {
                panic!(
                    "timed out waiting for {what}; the screen:\n{}",
                    self.screen()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn keys(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        tokio::time::sleep(Duration::from_millis(60)).await;
    }

    async fn quit(mut self) {
        self.keys("\x1b").await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        self.keys("q").await;
        let start = Instant::now();
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                assert!(st.success(), "{st:?}");
                break;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "gchat did not exit:\n{}",
                self.screen()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.emu.stop().await;
    }
}

/// Every order of two sends by Alice (here) and two posts by Bob (through the API),
/// each person's own in sequence.
fn orders() -> Vec<[char; 4]> {
    let mut out = Vec::new();
    for mask in 0u8..16 {
        if mask.count_ones() == 2 {
            let mut o = ['b'; 4];
            for (i, c) in o.iter_mut().enumerate() {
                if mask & (1 << i) != 0 {
                    *c = 'a';
                }
            }
            out.push(o);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sends_and_others_posts_in_every_order_each_show_once() {
    let mut s = Session::start().await;
    let bob = common::user(&s.emu, common::BOB);
    let team = common::space(common::TEAM_RUST);
    s.keys("i").await;
    let orders = orders();
    assert_eq!(orders.len(), 6);
    for (round, order) in orders.iter().enumerate() {
        let (mut a, mut b) = (0, 0);
        let mut texts = Vec::new();
        for who in order {
            if *who == 'a' {
                a += 1;
                let t = format!("r{round}alice{a}x");
                s.keys(&t).await;
                s.keys("\r").await;
                // Stored (the answer may still be on its way), before the next step.
                let want = t.clone();
                let start = Instant::now();
                while !s.emu.service().with_store(|st| {
                    st.spaces[common::TEAM_RUST]
                        .messages
                        .iter()
                        .any(|m| m.msg.text.as_deref() == Some(want.as_str()))
                }) {
                    assert!(start.elapsed() < DEADLINE, "{want} never stored");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                texts.push(t);
            } else {
                b += 1;
                let t = format!("r{round}bob{b}x");
                bob.create_message(&team, &Message::text(t.clone()), &CreateMessage::default())
                    .await
                    .unwrap();
                texts.push(t);
            }
        }
        // Everyone's messages arrive (Bob's by polling), each exactly once.
        let all = texts.clone();
        s.wait_for(
            &format!("round {round} {order:?}: {all:?} once each"),
            move |scr| all.iter().all(|t| scr.matches(t.as_str()).count() == 1),
        )
        .await;
    }
    s.quit().await;
}
