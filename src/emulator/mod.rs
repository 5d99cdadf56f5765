//! `gchat emulator`: a local service that behaves like the Google Chat API v1 (and the
//! People API's `people.get` / `people:batchGet`) as documented, so that gchat, its tests
//! and Google's own client libraries can run where Google cannot be reached.

mod admin;
pub mod auth;
pub mod demo;
pub mod error;
pub mod faults;
pub mod filter;
pub mod guard;
pub mod journal;
mod members;
mod messages;
pub mod oauth;
mod people;
pub mod request;
pub mod service;
mod spaces;
pub mod store;
pub mod tracked;
pub mod views;
mod wire;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use faults::{AnswerFault, Spoil};
pub use service::{Config, Fault, LastManagerStatus, Service};
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
}

impl Emulator {
    /// Starts serving on 127.0.0.1.
    pub async fn start(opts: Options) -> anyhow::Result<Emulator> {
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
        let answer_faults = Arc::new(faults::AnswerFaults::default());
        let app = axum::Router::new()
            .fallback(service::serve_request)
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
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
            if let Err(e) = served {
                tracing::error!(error = %e, "emulator server stopped");
            }
        });
        tracing::info!(%addr, "emulator listening");
        Ok(Emulator {
            service,
            answer_faults,
            addr,
            shutdown: Some(tx),
            task: Some(task),
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
