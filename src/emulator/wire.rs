//! The emulator's connections. Requests the HTTP layer cannot read (a URL over 64 KiB, a
//! head over its buffer, a malformed head) never reach the emulator: the HTTP layer
//! answers them itself, with an empty body, and closes the connection. Clients of Google
//! APIs expect every failure in Google's error envelope, so each connection's writer
//! replaces those automatic answers with the same status and an envelope that says what
//! went wrong.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use super::error::EmuError;

/// Accepts connections as [`Conn`]s.
pub struct Listener {
    inner: TcpListener,
}

impl Listener {
    pub fn new(inner: TcpListener) -> Self {
        Listener { inner }
    }
}

/// Errors that concern one connection only (the next accept may well succeed).
fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

impl axum::serve::Listener for Listener {
    type Io = Conn;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Conn, SocketAddr) {
        loop {
            match self.inner.accept().await {
                Ok((io, addr)) => return (Conn::new(io), addr),
                Err(e) if is_connection_error(&e) => {}
                Err(e) => {
                    // Out of file descriptors, say: give the system a moment.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// A connection whose automatic error answers are rewritten into envelopes.
pub struct Conn {
    io: TcpStream,
    /// A replacement answer still being written, and how much of it is written.
    pending: Option<(Vec<u8>, usize)>,
}

impl Conn {
    fn new(io: TcpStream) -> Self {
        Conn { io, pending: None }
    }

    /// Writes out the pending replacement, if any.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, done)) = &mut self.pending {
            if *done >= bytes.len() {
                self.pending = None;
                break;
            }
            let n = ready!(Pin::new(&mut self.io).poll_write(cx, &bytes[*done..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *done += n;
        }
        Poll::Ready(Ok(()))
    }
}

/// What the envelope says for each automatic answer.
fn explain(code: u16) -> Option<&'static str> {
    Some(match code {
        400 => "The request could not be read: its method, URL, headers or framing are malformed.",
        414 => "The requested URL is too long: the limit is 65,534 bytes for the path and query.",
        431 => "The request's URL and headers are too large together (over about 400 KiB).",
        _ => return None,
    })
}

/// If `head` is the HTTP layer's own error answer (one of [`explain`]'s statuses, an
/// empty body, nothing after the head), the envelope answer to send instead.
pub fn replacement(head: &[u8]) -> Option<Vec<u8>> {
    let version = head.get(..9)?;
    if version != b"HTTP/1.1 " && version != b"HTTP/1.0 " {
        return None;
    }
    let code: u16 = std::str::from_utf8(head.get(9..12)?).ok()?.parse().ok()?;
    let message = explain(code)?;
    let end = head.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    if end != head.len() {
        return None;
    }
    let text = std::str::from_utf8(head).ok()?;
    let empty = text
        .split("\r\n")
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .any(|(k, v)| k.trim().eq_ignore_ascii_case("content-length") && v.trim() == "0");
    if !empty {
        return None;
    }
    let status_line = text.split("\r\n").next()?;
    let mut e = EmuError::invalid(message);
    e.code = code;
    let body = serde_json::to_vec(&e.envelope()).ok()?;
    let mut out = format!(
        "{status_line}\r\ncontent-type: application/json; charset=UTF-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(&body);
    Some(out)
}

impl AsyncRead for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        if let Some(answer) = replacement(buf) {
            this.pending = Some((answer, 0));
            // Written as far as the writer is concerned; flush and shutdown finish it.
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut this.io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        let mut nonempty = bufs.iter().filter(|b| !b.is_empty());
        if let (Some(first), None) = (nonempty.next(), nonempty.next()) {
            if let Some(answer) = replacement(first) {
                this.pending = Some((answer, 0));
                return Poll::Ready(Ok(first.len()));
            }
        }
        Pin::new(&mut this.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_http_layers_empty_error_answers_are_replaced() {
        let auto = b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\ndate: Mon, 30 Nov 2026 06:00:00 GMT\r\n\r\n";
        let out = String::from_utf8(replacement(auto).unwrap()).unwrap();
        assert!(out.starts_with("HTTP/1.1 414 URI Too Long\r\n"), "{out}");
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        assert!(head.contains(&format!("content-length: {}", body.len())));
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["error"]["code"], 414);
        assert_eq!(v["error"]["status"], "INVALID_ARGUMENT");
        // The emulator's own answers have bodies; other statuses and partial heads stay.
        for kept in [
            &b"HTTP/1.1 400 Bad Request\r\ncontent-length: 120\r\n\r\n"[..],
            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\n",
            b"HTTP/1.1 431 x\r\ncontent-length: 0\r\n\r\n{}",
            b"{\"error\":1}",
            b"",
        ] {
            assert!(
                replacement(kept).is_none(),
                "{:?}",
                String::from_utf8_lossy(kept)
            );
        }
    }
}
