//! Logs go to a file (the terminal belongs to the UI): `gchat.log` in the state
//! directory, or `$GCHAT_LOG_DIR`. The filter comes from `$GCHAT_LOG` (default `warn`).
//! Tokens and secrets are never logged: requests are logged by method and path only, and
//! yup-oauth2's own log lines (which include tokens) are dropped.

use std::path::PathBuf;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

pub fn log_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("GCHAT_LOG_DIR") {
        return PathBuf::from(d);
    }
    crate::config::state_dir()
}

/// Starts logging; keep the guard alive until exit so the last lines are written.
pub fn init() -> Option<WorkerGuard> {
    let dir = log_dir();
    std::fs::create_dir_all(&dir).ok()?;
    let appender = tracing_appender::rolling::never(&dir, "gchat.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env("GCHAT_LOG").unwrap_or_else(|_| EnvFilter::new("warn"));
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).ok()?;
    // Libraries that log through `log` are heard too, except yup-oauth2: at debug level
    // it writes token responses and cached tokens, which must never reach a log.
    let _ = tracing_log::LogTracer::builder()
        .ignore_crate("yup_oauth2")
        .init();
    Some(guard)
}
