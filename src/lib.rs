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
pub mod keymap;
pub mod logging;
pub mod markup;
pub mod runtime;
pub mod session;
pub mod state_file;
pub mod terminal;
pub mod ui;

/// Resolves on Ctrl-C, SIGTERM or SIGHUP.
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let term = signal(SignalKind::terminate());
        let hup = signal(SignalKind::hangup());
        match (term, hup) {
            (Ok(mut term), Ok(mut hup)) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                    _ = hup.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
