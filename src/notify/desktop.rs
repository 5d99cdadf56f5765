//! Desktop notifications through the platform's notifier, sent off the render loop.
//!
//! The event loop hands a [`Request`] to [`Desktop::send`], which only queues it; a task
//! of its own gives it to the [`Notifier`] on a blocking thread, and waits a bounded time.
//! The first failure (no session bus, no notification server, no answer) is logged once,
//! kept for the status bar, and turns the platform notifier off for the rest of the run:
//! the bell, which `desktop` mode rings anyway, stands in.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;

use super::{clean, BODY_MAX, TITLE_MAX};

/// How long the notifier may take to answer before it is given up on.
pub const WAIT: Duration = Duration::from_secs(5);

/// Requests waiting for the notifier; more are dropped (their bell has rung).
const QUEUE: usize = 16;

/// A notification for the platform's notifier: title and body on one line, without
/// control characters, cut; the body with `&`, `<` and `>` escaped, since notification
/// servers may read the body as markup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub title: String,
    pub body: String,
}

impl Request {
    pub fn new(title: &str, body: &str) -> Request {
        Request {
            title: clean(title, TITLE_MAX, false),
            body: markup_escaped(&clean(body, BODY_MAX, false)),
        }
    }
}

/// `text` with the characters markup gives meaning to escaped.
fn markup_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Shows a notification; may block (it is only called on a blocking thread).
pub trait Notifier: Send + Sync + 'static {
    fn show(&self, request: &Request) -> Result<(), String>;
}

/// The platform's notifier: D-Bus on Linux and the BSDs, the notification centre on macOS.
pub struct System;

impl Notifier for System {
    fn show(&self, request: &Request) -> Result<(), String> {
        notify_rust::Notification::new()
            .appname("gchat")
            .summary(&request.title)
            .body(&request.body)
            .show()
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

#[derive(Default)]
struct Shared {
    failed: AtomicBool,
    /// Why the notifier failed, until the event loop takes it for the status bar.
    failure: Mutex<Option<String>>,
}

/// The way to the platform's notifier.
pub struct Desktop {
    tx: mpsc::Sender<Request>,
    shared: Arc<Shared>,
}

impl Desktop {
    /// Starts the task that gives requests to `notifier`, waiting at most `wait` for each.
    /// Must be called within a tokio runtime.
    pub fn start(notifier: Arc<dyn Notifier>, wait: Duration) -> Desktop {
        let (tx, rx) = mpsc::channel(QUEUE);
        let shared = Arc::new(Shared::default());
        tokio::spawn(deliver(rx, notifier, Arc::clone(&shared), wait));
        Desktop { tx, shared }
    }

    /// Queues `request`; never waits. False when the platform notifier failed earlier in
    /// this run (the bell stands in) or the queue is full.
    pub fn send(&self, request: Request) -> bool {
        if self.failed() {
            return false;
        }
        match self.tx.try_send(request) {
            Ok(()) => true,
            Err(e) => {
                tracing::debug!(error = %e, "desktop notification dropped");
                false
            }
        }
    }

    /// Whether the platform notifier failed in this run.
    pub fn failed(&self) -> bool {
        self.shared.failed.load(Ordering::Acquire)
    }

    /// Why the platform notifier failed, once.
    pub fn take_failure(&self) -> Option<String> {
        self.shared.failure.lock().ok().and_then(|mut f| f.take())
    }
}

async fn deliver(
    mut rx: mpsc::Receiver<Request>,
    notifier: Arc<dyn Notifier>,
    shared: Arc<Shared>,
    wait: Duration,
) {
    while let Some(request) = rx.recv().await {
        if shared.failed.load(Ordering::Acquire) {
            continue;
        }
        let n = Arc::clone(&notifier);
        let job = tokio::task::spawn_blocking(move || n.show(&request));
        let error = match tokio::time::timeout(wait, job).await {
            Ok(Ok(Ok(()))) => continue,
            Ok(Ok(Err(e))) => e,
            Ok(Err(e)) => format!("the notifier stopped ({e})"),
            Err(_) => format!("no answer within {} s", wait.as_secs()),
        };
        let error = clean(&error, 200, false);
        tracing::warn!(error = %error, "desktop notifications unavailable; the bell is used instead");
        if let Ok(mut f) = shared.failure.lock() {
            *f = Some(error);
        }
        shared.failed.store(true, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc as std_mpsc;
    use std::thread::ThreadId;

    /// Waits for `cond`, up to a generous deadline.
    async fn until(mut cond: impl FnMut() -> bool) -> bool {
        for _ in 0..2000 {
            if cond() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        cond()
    }

    #[test]
    fn text_is_cleaned_cut_and_escaped() {
        let r = Request::new(
            "Eve\x1b]0;x\x07 <b>",
            "<a href=\"x\">click</a> & \x1b[2Jmore\nline",
        );
        assert!(!r.title.chars().any(char::is_control), "{r:?}");
        assert!(!r.body.chars().any(char::is_control), "{r:?}");
        assert!(!r.body.contains('<') && !r.body.contains('>'), "{r:?}");
        assert!(r
            .body
            .starts_with("&lt;a href=\"x\"&gt;click&lt;/a&gt; &amp; "));
        let long = Request::new("Bob", &"y".repeat(1000));
        assert!(long.body.chars().count() <= BODY_MAX);
        assert!(long.body.ends_with('…'));
    }

    struct Gated {
        gate: Mutex<std_mpsc::Receiver<()>>,
        seen: Mutex<Vec<(Request, ThreadId, bool)>>,
    }

    impl Notifier for Gated {
        fn show(&self, r: &Request) -> Result<(), String> {
            // Waits for the test to let it go: the test only does so after `send`
            // answered, so a `send` that showed the notification itself would time out.
            let released = self
                .gate
                .lock()
                .map(|g| g.recv_timeout(Duration::from_secs(30)).is_ok())
                .unwrap_or(false);
            if let Ok(mut s) = self.seen.lock() {
                s.push((r.clone(), std::thread::current().id(), released));
            }
            Ok(())
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn requests_are_shown_off_the_caller_thread_without_waiting() {
        let (open, gate) = std_mpsc::channel();
        let fake = Arc::new(Gated {
            gate: Mutex::new(gate),
            seen: Mutex::new(Vec::new()),
        });
        let desktop = Desktop::start(fake.clone(), Duration::from_secs(60));
        let caller = std::thread::current().id();
        assert!(desktop.send(Request::new("Ann", "a <b> c")));
        open.send(()).ok();
        let seen = || fake.seen.lock().map(|s| s.len()).unwrap_or(0);
        assert!(until(|| seen() == 1).await, "the notifier was never asked");
        let s = fake.seen.lock().map(|s| s.clone()).unwrap_or_default();
        let (r, thread, released) = &s[0];
        assert!(released, "send waited for the notifier");
        assert_ne!(*thread, caller);
        assert_eq!(r.title, "Ann");
        assert_eq!(r.body, "a &lt;b&gt; c");
        assert!(!desktop.failed());
        assert_eq!(desktop.take_failure(), None);
    }

    struct Failing {
        calls: Mutex<usize>,
    }

    impl Notifier for Failing {
        fn show(&self, _: &Request) -> Result<(), String> {
            if let Ok(mut c) = self.calls.lock() {
                *c += 1;
            }
            Err("org.freedesktop.DBus.Error.ServiceUnknown".into())
        }
    }

    #[tokio::test]
    async fn a_failing_notifier_is_given_up_after_the_first_failure() {
        let fake = Arc::new(Failing {
            calls: Mutex::new(0),
        });
        let desktop = Desktop::start(fake.clone(), Duration::from_secs(60));
        assert!(desktop.send(Request::new("Ann", "one")));
        assert!(
            until(|| desktop.failed()).await,
            "the failure was not noticed"
        );
        let why = desktop.take_failure();
        assert!(
            why.as_deref().is_some_and(|w| w.contains("ServiceUnknown")),
            "{why:?}"
        );
        // Said once.
        assert_eq!(desktop.take_failure(), None);
        // Later notifications are not sent: the bell stands in.
        assert!(!desktop.send(Request::new("Ann", "two")));
        assert!(!desktop.send(Request::new("Ann", "three")));
        tokio::task::yield_now().await;
        assert_eq!(fake.calls.lock().map(|c| *c).unwrap_or(0), 1);
        assert_eq!(
            super::super::escape(super::super::Mode::Desktop, "Ann", "two"),
            "\x07"
        );
    }

    struct Hanging;

    impl Notifier for Hanging {
        fn show(&self, _: &Request) -> Result<(), String> {
            std::thread::sleep(Duration::from_secs(3));
            Ok(())
        }
    }

    #[tokio::test]
    async fn a_notifier_that_does_not_answer_is_given_up() {
        let desktop = Desktop::start(Arc::new(Hanging), Duration::from_millis(50));
        assert!(desktop.send(Request::new("Ann", "one")));
        assert!(until(|| desktop.failed()).await);
        let why = desktop.take_failure().unwrap_or_default();
        assert!(why.contains("no answer"), "{why}");
    }
}
