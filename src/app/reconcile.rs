//! Sends whose outcome is not known: the request failed in a way that leaves open whether
//! the server stored the message (the connection dropped, the answer was garbled, the
//! server was busy or failing). Such a message is never marked "not sent" on a guess:
//! it is sent again later with the same client id (so the server cannot store it twice;
//! a 409 means the earlier attempt arrived, and the app fetches it), and a refusal
//! after an unsure attempt is checked by fetching the message before saying "not sent".

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::api::{ApiError, SpaceName};

/// The first wait before sending again; it doubles with each unsure attempt.
const FIRST_WAIT: Duration = Duration::from_secs(2);
/// The longest wait between attempts.
const MAX_WAIT: Duration = Duration::from_secs(60);
/// The longest a server's Retry-After is honoured: a larger one (a mistake, or hostile)
/// must not leave a message "sending…" for hours.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);

/// Whether a failed create may have been stored all the same, or may succeed if sent
/// again: worth another attempt with the same client id rather than "not sent".
pub fn is_unsure(e: &ApiError) -> bool {
    e.is_retryable() || matches!(e, ApiError::Decode(_))
}

#[derive(Debug, Clone, PartialEq)]
struct Pending {
    space: SpaceName,
    /// Unsure attempts so far.
    attempts: u32,
    /// When to send again (none while a request is out).
    due: Option<Instant>,
    /// Fetching the message to learn whether an unsure attempt stored it; the reason to
    /// show if it did not.
    checking: Option<String>,
}

/// Local copies (by their `local/...` name) with an unsure send behind them.
#[derive(Debug, Default)]
pub struct Unsure {
    pending: HashMap<String, Pending>,
}

impl Unsure {
    /// An attempt for `local` ended unsure: answers how long until the next one.
    pub fn schedule(
        &mut self,
        space: &SpaceName,
        local: &str,
        e: &ApiError,
        now: Instant,
    ) -> Duration {
        let p = self
            .pending
            .entry(local.to_string())
            .or_insert_with(|| Pending {
                space: space.clone(),
                attempts: 0,
                due: None,
                checking: None,
            });
        let doubling = 1u32.checked_shl(p.attempts.min(16)).unwrap_or(u32::MAX);
        let backoff = FIRST_WAIT.saturating_mul(doubling).min(MAX_WAIT);
        let asked = e.retry_after().unwrap_or_default().min(MAX_RETRY_AFTER);
        let wait = backoff.max(asked);
        p.attempts += 1;
        p.due = Some(now + wait);
        p.checking = None;
        wait
    }

    /// How long until `local` is sent again (none while a request or a check is out).
    pub fn next_try(&self, local: &str, now: Instant) -> Option<Duration> {
        self.pending
            .get(local)
            .and_then(|p| p.due)
            .map(|t| t.saturating_duration_since(now))
    }

    /// Whether an earlier attempt for `local` ended unsure.
    pub fn was_unsure(&self, local: &str) -> bool {
        self.pending.contains_key(local)
    }

    /// A fetch of `local`'s message is out; `reason` is what to say if it is not there.
    pub fn checking(&mut self, local: &str, reason: String) {
        if let Some(p) = self.pending.get_mut(local) {
            p.checking = Some(reason);
            p.due = None;
        }
    }

    /// Whether a fetch of `local`'s message is out.
    pub fn is_checking(&self, local: &str) -> bool {
        self.pending
            .get(local)
            .is_some_and(|p| p.checking.is_some())
    }

    /// The outcome for `local` is known: forget it. Answers the reason saved by
    /// [`Self::checking`], if a check was out.
    pub fn settle(&mut self, local: &str) -> Option<String> {
        self.pending.remove(local).and_then(|p| p.checking)
    }

    /// The (space, local) pairs whose next attempt is due; they wait for its outcome.
    pub fn due(&mut self, now: Instant) -> Vec<(SpaceName, String)> {
        let mut out: Vec<(SpaceName, String)> = self
            .pending
            .iter_mut()
            .filter(|(_, p)| p.due.is_some_and(|t| now >= t))
            .map(|(local, p)| {
                p.due = None;
                (p.space.clone(), local.clone())
            })
            .collect();
        out.sort();
        out
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s() -> SpaceName {
        SpaceName::parse("spaces/S").unwrap()
    }

    #[test]
    fn waits_double_up_to_a_minute_and_honour_retry_after() {
        let mut u = Unsure::default();
        let now = Instant::now();
        let e = ApiError::Timeout;
        let waits: Vec<u64> = (0..7)
            .map(|_| u.schedule(&s(), "local/a", &e, now).as_secs())
            .collect();
        assert_eq!(waits, [2, 4, 8, 16, 32, 60, 60]);
        let mut u = Unsure::default();
        let limited = ApiError::Server(crate::api::error::ServerError {
            code: 429,
            status: "RESOURCE_EXHAUSTED".into(),
            message: "slow down".into(),
            field_violations: Vec::new(),
            reason: None,
            retry_after: Some(Duration::from_secs(30)),
        });
        assert_eq!(u.schedule(&s(), "local/a", &limited, now).as_secs(), 30);
        assert!(u.due(now).is_empty());
        let due = u.due(now + Duration::from_secs(30));
        assert_eq!(due, [(s(), "local/a".to_string())]);
        assert!(u.due(now + Duration::from_secs(300)).is_empty(), "once");
        u.checking("local/a", "refused".into());
        assert_eq!(u.settle("local/a").as_deref(), Some("refused"));
        assert!(u.is_empty());
    }

    #[test]
    fn a_huge_retry_after_is_capped_and_the_next_try_is_known() {
        let mut u = Unsure::default();
        let now = Instant::now();
        let limited = ApiError::Server(crate::api::error::ServerError {
            code: 503,
            status: "UNAVAILABLE".into(),
            message: "later".into(),
            field_violations: Vec::new(),
            reason: None,
            retry_after: Some(Duration::from_secs(100_000)),
        });
        let wait = u.schedule(&s(), "local/a", &limited, now);
        assert_eq!(wait, MAX_RETRY_AFTER, "not 28 hours");
        assert_eq!(
            u.next_try("local/a", now + Duration::from_secs(10)),
            Some(MAX_RETRY_AFTER - Duration::from_secs(10))
        );
        assert_eq!(u.next_try("local/b", now), None);
    }

    #[test]
    fn what_is_unsure() {
        assert!(is_unsure(&ApiError::Timeout));
        assert!(is_unsure(&ApiError::Decode("cut".into())));
        assert!(is_unsure(&ApiError::Transport("reset".into())));
        assert!(!is_unsure(&ApiError::InvalidArgument("bad".into())));
    }
}
