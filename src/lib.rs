//! gchat: a full-screen, keyboard-driven terminal client for Google Chat, and a faithful
//! local Chat API emulator.

pub mod admin;
pub mod api;
pub mod app;
pub mod auth;
pub mod clean;
pub mod cli;
pub mod config;
pub mod emulator;
pub mod files;
pub mod keymap;
pub mod logging;
pub mod markup;
pub mod mem;
pub mod natural;
pub mod notify;
pub mod runtime;
pub mod session;
pub mod softwrap;
pub mod state_file;
pub mod terminal;
pub mod theme;
pub mod transfer;
pub mod ui;

/// Resolves on Ctrl-C, SIGTERM, SIGHUP or SIGQUIT. The handlers are in place when this
/// returns, not only once the future is first polled: a signal that comes before then
/// still ends gchat cleanly instead of killing it with the terminal in raw mode.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut signals: Vec<_> = [
            SignalKind::interrupt(),
            SignalKind::terminate(),
            SignalKind::hangup(),
            SignalKind::quit(),
        ]
        .into_iter()
        .filter_map(|k| signal(k).ok())
        .collect();
        async move {
            if signals.is_empty() {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
            let any = signals.iter_mut().map(|s| Box::pin(s.recv()));
            futures::future::select_all(any).await;
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
