//! `gchat emulator`: a local service that behaves like the Google Chat API v1 (and the
//! People API's `people.get` / `people:batchGet`) as documented, so that gchat, its tests
//! and Google's own client libraries can run where Google cannot be reached.

mod admin;
mod annotate;
mod attachments;
pub mod auth;
mod blobs;
mod conversation;
pub mod ctx;
pub mod demo;
mod demo_media;
pub mod error;
mod events;
pub mod faults;
pub mod filter;
mod format;
pub mod guard;
mod http;
mod ids;
pub mod journal;
pub mod media;
mod members;
mod messages;
pub mod oauth;
pub mod oauth_state;
pub mod partial;
mod paths;
mod people;
mod pins;
pub mod query;
mod reactions;
mod readstate;
pub mod records;
pub mod request;
mod route;
mod routes;
mod search;
mod sections;
pub mod service;
pub mod space_rec;
mod spaces;
pub mod store;
pub mod sync;
pub mod sync_rec;
pub mod tracked;
pub mod views;
mod wire;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use ctx::{Config, LastManagerStatus};
pub use faults::{AnswerFault, Spoil};
pub use service::{Fault, Service};
pub use store::Store;

/// How to start an emulator.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// 0 picks a free port.
    pub port: u16,
    /// Load state from this file (if it exists) and save every change to it (and to a
    /// journal next to it) before acknowledging it.
    pub data: Option<PathBuf>,
    /// Start from the demo workspace (when there is no saved state).
    pub demo: bool,
    pub config: Config,
}

/// A running emulator. Dropping it stops the server.
pub struct Emulator {
    service: Arc<Service>,
    answer_faults: Arc<faults::AnswerFaults>,
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    /// Held while the emulator runs: no second emulator saves to the same data file.
    _data_lock: Option<std::fs::File>,
}

/// `FILE.lock`: the file whose lock says an emulator is using the data file `FILE`.
pub fn lock_path(data: &Path) -> PathBuf {
    let mut p = data.as_os_str().to_owned();
    p.push(".lock");
    PathBuf::from(p)
}

/// Takes the exclusive lock on `data`'s lock file, for as long as the returned file is
/// open. The operating system releases it when the process ends, however it ends.
///
/// A lock that is busy is tried again for a moment before giving up: a process that was
/// just spawned holds a copy of every open file until it executes its program, so an
/// emulator restarted in a process that also starts children can find its own lock
/// briefly held by one of them.
async fn lock_data(data: &Path) -> anyhow::Result<std::fs::File> {
    const PATIENCE: std::time::Duration = std::time::Duration::from_millis(1500);
    let path = lock_path(data);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("could not open the lock file {}", path.display()))?;
    let started = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < PATIENCE => {
                tokio::time::sleep(std::time::Duration::from_millis(25)).await;
            }
            Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
                "another emulator is already using the data file {} (it holds {})",
                data.display(),
                path.display()
            ),
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("could not lock {}", path.display()))
            }
        }
    }
}

impl Emulator {
    /// Starts serving on 127.0.0.1.
    pub async fn start(opts: Options) -> anyhow::Result<Emulator> {
        let data_lock = match opts.data.as_deref() {
            Some(path) => Some(lock_data(path).await?),
            None => None,
        };
        let (store, persister) = match &opts.data {
            Some(path) => {
                let demo = opts.demo;
                let (store, opener) = journal::Durable::open(path, || {
                    if demo {
                        demo::workspace(chrono::Utc::now())
                    } else {
                        Ok(Store::empty())
                    }
                })
                .with_context(|| {
                    format!("could not load emulator state from {}", path.display())
                })?;
                (store, Some(opener))
            }
            None if opts.demo => (demo::workspace(chrono::Utc::now())?, None),
            None => (Store::empty(), None),
        };
        let service = Arc::new(Service::new(store, persister, opts.config.clone())?);
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            opts.port,
        ))
        .await
        .with_context(|| format!("could not listen on 127.0.0.1:{}", opts.port))?;
        let addr = listener.local_addr()?;
        let _ = service.media.addr.set(addr);
        let answer_faults = Arc::new(faults::AnswerFaults::default());
        let app = axum::Router::new()
            .fallback(http::serve_request)
            .with_state(service.clone())
            .layer(axum::middleware::from_fn_with_state(
                answer_faults.clone(),
                faults::layer,
            ))
            // Outermost: a refused request never reaches the faults or the service.
            .layer(axum::middleware::from_fn_with_state(
                guard::Guard { port: addr.port() },
                guard::check,
            ));
        let listener = wire::Listener::new(listener);
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, app, opts.config.header_read_timeout, rx));
        tracing::info!(%addr, "emulator listening");
        Ok(Emulator {
            service,
            answer_faults,
            addr,
            shutdown: Some(tx),
            task: Some(task),
            _data_lock: data_lock,
        })
    }

    /// `http://127.0.0.1:PORT`: the endpoint for clients.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn service(&self) -> &Arc<Service> {
        &self.service
    }

    /// Spoils the next successful answers as `fault` says, after the method has run.
    pub fn spoil_answers(&self, fault: AnswerFault) {
        self.answer_faults.inject(fault);
    }

    /// Answer faults not yet used up.
    pub fn pending_answer_faults(&self) -> Vec<AnswerFault> {
        self.answer_faults.pending()
    }

    /// Stops accepting connections and waits for the server task to end.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            // Open keep-alive connections could hold graceful shutdown forever.
            if tokio::time::timeout(std::time::Duration::from_secs(5), task)
                .await
                .is_err()
            {
                tracing::warn!("emulator did not stop within 5 s");
            }
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Serves HTTP/1.1 connections until `stop` fires, then waits for the open ones to
/// finish their current request. A connection that does not send a whole request head
/// within `header_read_timeout` is closed.
async fn serve(
    mut listener: wire::Listener,
    app: axum::Router,
    header_read_timeout: std::time::Duration,
    mut stop: oneshot::Receiver<()>,
) {
    use axum::serve::Listener as _;
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    loop {
        let (io, _peer) = tokio::select! {
            conn = listener.accept() => conn,
            _ = &mut stop => break,
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let conn = builder.serve_connection(hyper_util::rt::TokioIo::new(io), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::trace!(error = %e, "connection ended");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// `gchat emulator`: prints the URL on the first line, then serves until interrupted.
pub async fn run_cli(opts: Options) -> anyhow::Result<()> {
    use std::io::Write;
    let emu = Emulator::start(opts.clone()).await?;
    let mut out = std::io::stdout();
    writeln!(out, "{}", emu.url())?;
    out.flush()?;
    if opts.demo {
        // Only the first line is a contract; whoever started us may have stopped
        // reading, so a failed write here must not stop the server.
        let _ = writeln!(
            out,
            "demo workspace: use the bearer token user:{} (the demo user) or app (the Chat app)",
            demo::DEMO_USER
        )
        .and_then(|_| out.flush());
    }
    crate::shutdown_signal().await;
    emu.stop().await;
    Ok(())
}
