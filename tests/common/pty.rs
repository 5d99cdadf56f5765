//! The built `gchat` binary in a pseudo-terminal, driven by keystrokes, its screen read
//! through a terminal emulator and its raw output kept. Every wait is on a condition (the
//! screen, the raw output, the emulator, the process) up to a generous deadline; nothing
//! sleeps a fixed time and nothing asserts on elapsed time.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gchat::emulator::Emulator;
use portable_pty::{native_pty_system, CommandBuilder, MasterPty, PtySize};

pub const W: u16 = 160;
pub const H: u16 = 48;
pub const DEADLINE: Duration = Duration::from_secs(60);
/// How often a wait looks again.
const POLL: Duration = Duration::from_millis(20);

/// An Esc key that cannot run into the next key: a lone ESC byte followed quickly by `q`
/// reads as Alt-q, so tests send Esc in its unambiguous CSI-u form.
pub const ESC: &str = "\x1b[27u";

/// How to start gchat.
#[derive(Default)]
pub struct Spawn<'a> {
    pub args: Vec<String>,
    /// The data directory (sign-in profiles); a temporary one by default.
    pub data: Option<&'a std::path::Path>,
    /// Where drafts are kept between runs; a temporary one by default.
    pub state: Option<&'a std::path::Path>,
    pub env: Vec<(String, String)>,
    /// Run gchat as a job of a job-control shell (so Ctrl-z has a shell to return to).
    /// The shell prints `STOPPED` when gchat stops, resumes it (`fg`) on a line of
    /// input, and prints `EXITED <status>` when it ends.
    pub job_control: bool,
    /// Do not wait for the demo's first screen.
    pub no_wait: bool,
    /// The terminal's rows and columns; `H` x `W` by default.
    pub size: Option<(u16, u16)>,
}

/// A configuration directory whose `config.toml` holds `text`.
pub fn config_dir(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("config.toml"), text).expect("config.toml is written");
    dir
}

impl Spawn<'_> {
    /// gchat reads its configuration (`config.toml`, `keymap.toml`) from `dir`.
    pub fn config_from(mut self, dir: &std::path::Path) -> Self {
        self.env
            .push(("GCHAT_CONFIG_DIR".into(), dir.display().to_string()));
        self
    }
}

pub struct Session {
    pub emu: Emulator,
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
    pub master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    pub parser: Arc<Mutex<vt100::Parser>>,
    pub raw: Arc<Mutex<Vec<u8>>>,
    /// The reader saw the end of the output (every process on the terminal is gone).
    eof: Arc<AtomicBool>,
    pub dirs: tempfile::TempDir,
}

impl Session {
    /// gchat as Alice against a demo emulator of its own.
    pub async fn start() -> Session {
        let emu = super::demo().await;
        let how = Session::alice(&emu.url());
        Session::spawn_with(emu, how).await
    }

    /// The arguments that point gchat at `url` as Alice.
    pub fn alice(url: &str) -> Spawn<'static> {
        Spawn {
            args: vec![
                "--endpoint".to_string(),
                url.to_string(),
                "--token".into(),
                "user:1001".into(),
            ],
            ..Default::default()
        }
    }

    /// gchat with `args`; `data` is the data directory (sign-in profiles), `state` where
    /// it keeps drafts between runs (each its own temporary one by default).
    pub async fn spawn(
        emu: Emulator,
        args: Vec<String>,
        data: Option<&std::path::Path>,
        state: Option<&std::path::Path>,
    ) -> Session {
        let how = Spawn {
            args,
            data,
            state,
            ..Default::default()
        };
        Session::spawn_with(emu, how).await
    }

    pub async fn spawn_with(emu: Emulator, how: Spawn<'_>) -> Session {
        let dirs = tempfile::tempdir().unwrap();
        let (rows, cols) = how.size.unwrap_or((H, W));
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let bin = env!("CARGO_BIN_EXE_gchat");
        let mut cmd = if how.job_control {
            let mut c = CommandBuilder::new("bash");
            c.args([
                "-c",
                "set -m; \"$0\" \"$@\"; s=$?; \
                 if [ $s -ge 128 ] && jobs %1 >/dev/null 2>&1; then \
                 echo STOPPED; read -r _; fg %1; s=$?; fi; echo \"EXITED $s\"",
                bin,
            ]);
            c.args(&how.args);
            c
        } else {
            let mut c = CommandBuilder::new(bin);
            c.args(&how.args);
            c
        };
        cmd.env("TERM", "xterm-256color");
        cmd.env("GCHAT_LOG_DIR", dirs.path());
        cmd.env("GCHAT_CONFIG_DIR", dirs.path());
        cmd.env("GCHAT_DATA_DIR", how.data.unwrap_or(dirs.path()));
        cmd.env("GCHAT_STATE_DIR", how.state.unwrap_or(dirs.path()));
        // Everything gchat can log, so a test can check no secret is in it.
        cmd.env("GCHAT_LOG", "trace");
        for (k, v) in &how.env {
            cmd.env(k, v);
        }
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let eof = Arc::new(AtomicBool::new(false));
        let (p, r, e) = (parser.clone(), raw.clone(), eof.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut parser = p.lock().unwrap();
                let bytes = &buf[..n];
                if std::panic::catch_unwind(AssertUnwindSafe(|| parser.process(bytes))).is_err() {
                    // vt100 can trip over a frame drawn for the size before a resize (a
                    // wide character in the last column). gchat redraws the whole screen
                    // after a resize, so the terminal starts clean at its new size.
                    let (rows, cols) = parser.screen().size();
                    *parser = vt100::Parser::new(rows, cols, 0);
                }
                drop(parser);
                r.lock().unwrap().extend_from_slice(&buf[..n]);
            }
            e.store(true, Ordering::SeqCst);
        });
        let s = Session {
            emu,
            child,
            master: pty.master,
            writer,
            parser,
            raw,
            eof,
            dirs,
        };
        if !how.no_wait {
            // The demo opens on Team Rust, newest first.
            s.wait_for("Team Rust loaded", |t| t.contains("午饭一起吗"))
                .await;
        }
        s
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// The screen's rows, as drawn.
    pub fn rows(&self) -> Vec<String> {
        let p = self.parser.lock().unwrap();
        let (_, cols) = p.screen().size();
        p.screen().rows(0, cols).collect()
    }

    /// What is drawn in the cell at `row`, `col` (empty for the right half of a wide
    /// character).
    pub fn cell(&self, row: u16, col: u16) -> String {
        let p = self.parser.lock().unwrap();
        p.screen()
            .cell(row, col)
            .map(|c| c.contents())
            .unwrap_or_default()
    }

    /// The text of `row` between two columns.
    pub fn span(&self, row: u16, from: u16, to: u16) -> String {
        (from..to).map(|c| self.cell(row, c)).collect()
    }

    /// Resizes the terminal (gchat is told, as by a terminal window's resize).
    pub fn resize(&self, rows: u16, cols: u16) {
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

    /// Whether the terminal is showing its alternate screen.
    pub fn alternate(&self) -> bool {
        self.parser.lock().unwrap().screen().alternate_screen()
    }

    /// How much output gchat has written so far.
    pub fn raw_len(&self) -> usize {
        self.raw.lock().unwrap().len()
    }

    /// The output written since `from` bytes, lossily as text.
    pub fn raw_since(&self, from: usize) -> String {
        let raw = self.raw.lock().unwrap();
        String::from_utf8_lossy(&raw[from.min(raw.len())..]).to_string()
    }

    /// Whether the terminal is in raw mode (no line editing, no echo), as gchat left it.
    pub fn raw_mode(&self) -> bool {
        let t = self.master.get_termios().expect("the terminal's modes");
        let t: libc::termios = t.into();
        t.c_lflag & (libc::ICANON | libc::ECHO) == 0
    }

    /// The process group in the terminal's foreground (gchat's, while it runs as a job).
    pub fn foreground(&self) -> Option<i32> {
        self.master.process_group_leader()
    }

    async fn wait(&self, what: &str, mut ok: impl FnMut() -> bool) {
        let start = Instant::now();
        loop {
            if ok() {
                return;
            }
            if start.elapsed() > DEADLINE {
                panic!(
                    "timed out waiting for {what}; the screen:\n{}",
                    self.screen()
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    pub async fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) {
        self.wait(what, || pred(&self.screen())).await
    }

    /// Waits until the output since `from` satisfies `pred`.
    pub async fn wait_raw(&self, what: &str, from: usize, pred: impl Fn(&str) -> bool) {
        self.wait(what, || pred(&self.raw_since(from))).await
    }

    /// Waits until the emulator's state satisfies `pred`.
    pub async fn wait_state(&self, what: &str, pred: impl Fn(&gchat::emulator::Store) -> bool) {
        let what = format!("the emulator: {what}");
        self.wait(&what, || self.emu.service().with_store(|s| pred(s)))
            .await
    }

    /// Waits for the process (gchat, or its shell) to end.
    pub async fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                return st;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "gchat did not exit:\n{}",
                self.screen()
            );
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until every byte gchat wrote has been read.
    pub async fn wait_eof(&self) {
        self.wait("the end of the output", || self.eof.load(Ordering::SeqCst))
            .await
    }

    /// Types `s`. Keys are read in order, so no pause is needed between them.
    pub async fn send(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    pub async fn esc(&mut self) {
        self.send(ESC).await;
    }

    pub async fn enter(&mut self) {
        self.send("\r").await;
    }

    /// Writes `text` as a new message in the open space, sends it, and waits until it
    /// shows as sent (no longer `sending…`). The compose box is left focused.
    pub async fn send_message(&mut self, text: &str) {
        self.send("i").await;
        self.send(text).await;
        self.enter().await;
        self.wait_for("sent", |t| t.contains(text) && !t.contains("sending…"))
            .await;
    }

    /// Opens a space by typing part of its name in the filter.
    pub async fn open(&mut self, filter: &str, title: &str) {
        self.send("1").await;
        self.send("/").await;
        self.send(filter).await;
        self.enter().await;
        let title = title.to_string();
        self.wait_for(&format!("{title} open"), move |t| {
            t.lines().next().is_some_and(|l| l.contains(&title))
        })
        .await;
    }

    /// Checks the output since `from` turned off everything gchat turned on.
    pub fn assert_restored(&self, from: usize) {
        let raw = self.raw_since(from);
        assert!(raw.contains("\x1b[?1049l"), "left the alternate screen");
        assert!(
            raw.contains("\x1b[?1000l") && raw.contains("\x1b[?1006l"),
            "mouse capture off"
        );
        assert!(raw.contains("\x1b[?2004l"), "bracketed paste off");
    }

    /// Quits with q and checks gchat gave the terminal back. Answers the directory that
    /// held gchat's log and config, for a last look.
    pub async fn quit(mut self) -> tempfile::TempDir {
        self.esc().await;
        self.send("q").await;
        // A send whose answer has not arrived yet makes gchat ask first: wait for it.
        let start = Instant::now();
        let mut waited = false;
        while self.child.try_wait().unwrap().is_none() && start.elapsed() < DEADLINE {
            // (The send may end before the question is read: then it says all are sent.)
            let screen = self.screen();
            if !waited
                && (screen.contains("still sending")
                    || screen.contains("Every message has been sent"))
            {
                self.send("w").await;
                waited = true;
            }
            tokio::time::sleep(POLL).await;
        }
        let status = self.wait_exit().await;
        assert!(status.success(), "{status:?}");
        self.wait_eof().await;
        self.assert_restored(0);
        self.emu.stop().await;
        self.dirs
    }
}
