//! The terminal's modes, in one place: raw mode, the alternate screen, mouse capture and
//! bracketed paste go on together and come off together, on quit, on error, on a signal,
//! on Ctrl-z (and back on when the shell resumes gchat) and from a panic hook chained
//! before the default one. Input is read on a thread of its own, so the loop can take
//! everything already typed before it draws.

use std::io::{self, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use tokio::sync::mpsc;

static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Undoes every mode `enter` turned on. Safe to call more than once.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = disable_raw_mode();
        let _ = execute!(
            io::stdout(),
            DisableBracketedPaste,
            DisableMouseCapture,
            LeaveAlternateScreen,
            crossterm::cursor::Show
        );
    }
}

/// Turns every mode on; on failure, turns off what it had turned on.
fn modes_on() -> io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let on = execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    );
    if on.is_err() {
        restore();
    }
    on
}

/// What Ctrl-z came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suspend {
    /// gchat was stopped and has been resumed; the screen is to be drawn afresh.
    Resumed,
    /// No job-control shell started gchat (`exec gchat`, `ssh -t host gchat`), so nobody
    /// could resume it: it did not stop.
    NoShell,
}

/// The terminal, for as long as this lives.
pub struct Tui {
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl Tui {
    pub fn enter() -> io::Result<Tui> {
        install_panic_hook();
        modes_on()?;
        let terminal = match Terminal::new(CrosstermBackend::new(io::stdout())) {
            Ok(t) => t,
            Err(e) => {
                restore();
                return Err(e);
            }
        };
        Ok(Tui { terminal })
    }

    /// Gives the terminal back to the shell and stops, as Ctrl-z does for any program.
    /// Returns once resumed (`fg`), with every mode on again and the next frame drawn in
    /// full.
    pub fn suspend(&mut self) -> io::Result<Suspend> {
        if !job_control() {
            return Ok(Suspend::NoShell);
        }
        restore();
        // Stops the whole process here, until SIGCONT.
        let stopped = stop();
        self.resume()?;
        stopped.map(|()| Suspend::Resumed)
    }

    /// Puts every mode back and forgets what is on screen, so the next frame is drawn in
    /// full: after a suspend, or a SIGCONT after someone else stopped gchat (the shell
    /// may have reset the terminal meanwhile).
    pub fn resume(&mut self) -> io::Result<()> {
        if ACTIVE.load(Ordering::SeqCst) {
            // Raw mode is only switched on if it is off as far as crossterm knows; the
            // terminal itself may have been reset behind its back.
            let _ = disable_raw_mode();
        }
        modes_on()?;
        self.terminal.clear()
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        restore();
    }
}

/// Whether a shell with job control could resume gchat after it stops. A session
/// leader's process group is orphaned: the kernel discards a terminal stop for it (and
/// a SIGSTOP would leave it stopped for good).
#[cfg(unix)]
fn job_control() -> bool {
    match rustix::process::getsid(None) {
        Ok(sid) => sid != rustix::process::getpgrp(),
        Err(_) => false,
    }
}

#[cfg(not(unix))]
fn job_control() -> bool {
    false
}

#[cfg(unix)]
fn stop() -> io::Result<()> {
    // To this thread, so it stops before going on; SIGTSTP keeps its default action.
    signal_hook::low_level::raise(signal_hook::consts::SIGTSTP)
}

#[cfg(not(unix))]
fn stop() -> io::Result<()> {
    Ok(())
}

/// Resolves each time gchat is continued after being stopped (SIGCONT).
pub struct Continued {
    #[cfg(unix)]
    signal: Option<tokio::signal::unix::Signal>,
}

impl Continued {
    /// Must be called inside the async runtime.
    pub fn new() -> Continued {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Continued {
                signal: signal(SignalKind::from_raw(signal_hook::consts::SIGCONT)).ok(),
            }
        }
        #[cfg(not(unix))]
        Continued {}
    }

    pub async fn recv(&mut self) {
        #[cfg(unix)]
        if let Some(s) = &mut self.signal {
            if s.recv().await.is_some() {
                return;
            }
        }
        std::future::pending::<()>().await
    }
}

impl Default for Continued {
    fn default() -> Self {
        Continued::new()
    }
}

/// How many events may wait for the loop before the reader waits for it (and the
/// terminal's own buffer holds the rest).
const QUEUE: usize = 4096;

/// Asked: the input thread stops reading (another program has the terminal).
static PAUSE: AtomicBool = AtomicBool::new(false);
/// Answered: the input thread is not reading, and will not until `PAUSE` goes.
static PAUSED: AtomicBool = AtomicBool::new(false);

/// While this lives, gchat reads no input: keys go to the program given the terminal
/// (an editor). Waits (a little) until the reader has stopped.
pub struct InputPaused(());

pub fn pause_input() -> InputPaused {
    PAUSE.store(true, Ordering::SeqCst);
    let start = std::time::Instant::now();
    while !PAUSED.load(Ordering::SeqCst) && start.elapsed() < std::time::Duration::from_secs(2) {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    InputPaused(())
}

impl Drop for InputPaused {
    fn drop(&mut self) {
        PAUSE.store(false, Ordering::SeqCst);
    }
}

/// How long the reader waits for input before it looks whether it is to pause.
const INPUT_POLL: std::time::Duration = std::time::Duration::from_millis(50);

/// The terminal's events, read on a thread of their own. The channel closes after a read
/// error (which is its last item).
pub fn events() -> io::Result<mpsc::Receiver<io::Result<Event>>> {
    let (tx, rx) = mpsc::channel(QUEUE);
    std::thread::Builder::new()
        .name("terminal-input".into())
        .spawn(move || loop {
            if PAUSE.load(Ordering::SeqCst) {
                PAUSED.store(true, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(10));
                continue;
            }
            PAUSED.store(false, Ordering::SeqCst);
            match crossterm::event::poll(INPUT_POLL) {
                Ok(false) => continue,
                Ok(true) => {}
                Err(e) => {
                    let _ = tx.blocking_send(Err(e));
                    break;
                }
            }
            let ev = crossterm::event::read();
            let failed = ev.is_err();
            // Sending fails once the loop has ended; then nobody wants more.
            if tx.blocking_send(ev).is_err() || failed {
                break;
            }
        })?;
    Ok(rx)
}

fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // The message must land on a normal screen, not a raw alternate one.
            restore();
            previous(info);
        }));
    });
}
