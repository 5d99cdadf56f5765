//! A raw HTTP server that answers with canned bodies, for the answers no faithful
//! emulator gives: JSON of the wrong shape, a body cut short, a length that is a lie, a
//! body without end, or no answer at all. It records each request's first line.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;

/// How one request is answered.
#[derive(Debug, Clone)]
pub enum Answer {
    /// `200` with this body, its length told.
    Body(String),
    /// `200` promising 100 bytes more than this, then the connection closed.
    Cut(String),
    /// `200` promising a terabyte, this, then the connection closed.
    Huge(String),
    /// `200` with no length told, this, then blanks without end.
    Endless(String),
    /// The request is read and never answered.
    Silent,
}

/// A running server. It stops when dropped.
pub struct Canned {
    pub url: String,
    seen: Arc<Mutex<Vec<String>>>,
    task: JoinHandle<()>,
}

impl Canned {
    /// Answers each request with the first answer whose key is in its request line (`""`
    /// is in every one); a request no key matches gets a `404`.
    pub async fn serve(answers: Vec<(&'static str, Answer)>) -> Canned {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a local port");
        let url = format!("http://{}", l.local_addr().expect("a bound address"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let answers = Arc::new(answers);
        let log = seen.clone();
        let task = tokio::spawn(async move {
            while let Ok((sock, _)) = l.accept().await {
                tokio::spawn(answer(sock, answers.clone(), log.clone()));
            }
        });
        Canned { url, seen, task }
    }

    /// Answers every request `200` with `body`.
    pub async fn answering(body: &str) -> Canned {
        Canned::serve(vec![("", Answer::Body(body.to_string()))]).await
    }

    /// How many requests came (each counted once its head is read).
    pub fn count(&self) -> usize {
        self.requests().len()
    }

    /// The request lines (`GET /v1/... HTTP/1.1`), in the order they came.
    pub fn requests(&self) -> Vec<String> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Drop for Canned {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(
    mut sock: TcpStream,
    answers: Arc<Vec<(&'static str, Answer)>>,
    seen: Arc<Mutex<Vec<String>>>,
) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    // The request head is enough: the client's GETs carry no body.
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match sock.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let head = String::from_utf8_lossy(&buf);
    let line = head.lines().next().unwrap_or_default().to_string();
    seen.lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(line.clone());
    let found = answers.iter().find(|(key, _)| line.contains(key));
    let (promised, body) = match found.map(|(_, a)| a) {
        None => {
            let _ = sock
                .write_all(
                    b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                )
                .await;
            return;
        }
        Some(Answer::Silent) => {
            // Hold the connection open until the server (or the test) ends.
            std::future::pending::<()>().await;
            return;
        }
        Some(Answer::Endless(start)) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{start}"
            );
            let _ = sock.write_all(head.as_bytes()).await;
            let blanks = vec![b' '; 1 << 20];
            while sock.write_all(&blanks).await.is_ok() {}
            return;
        }
        Some(Answer::Body(b)) => (b.len(), b),
        Some(Answer::Cut(b)) => (b.len() + 100, b),
        Some(Answer::Huge(b)) => (1 << 40, b),
    };
    let answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {promised}\r\nconnection: close\r\n\r\n{body}"
    );
    let _ = sock.write_all(answer.as_bytes()).await;
    let _ = sock.shutdown().await;
}
