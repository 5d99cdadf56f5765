//! Polling timers, and which background requests are out (so none is asked twice).
//!
//! The budget: one paged `spaces.list` per background interval says, by each space's
//! `lastActiveTime`, which spaces have new messages, and only those are counted; the open
//! space is polled on its own timer, which backs off while nothing happens (5 s, 10, 20,
//! 40, 60) and snaps back on activity or a key; a 429 slows every timer down (doubling,
//! up to 16 times) and holds all polling for its `Retry-After`.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::api::{ApiError, SpaceName};

/// A request that runs in the background and is never asked twice at once.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Poll {
    /// A space's newest messages (its first page, or what is new since the last poll).
    Messages(SpaceName),
    /// How many messages in a space are unread.
    Unread(SpaceName),
    /// A space whole, with its permission settings.
    Space(SpaceName),
    /// A search of the people directory.
    PeopleSearch,
}

impl Poll {
    fn space(&self) -> Option<&str> {
        match self {
            Poll::Messages(s) | Poll::Unread(s) | Poll::Space(s) => Some(s),
            Poll::PeopleSearch => None,
        }
    }
}

/// The longest the open space waits between polls while nothing happens.
pub const OPEN_MAX: Duration = Duration::from_secs(60);
/// The most a 429 multiplies every interval by.
pub const SLOW_MAX: u32 = 16;

/// Polling timers, with back-off when nothing happens or the server pushes back.
#[derive(Debug)]
pub struct Polls {
    pub next_open: Option<Instant>,
    /// The open space's interval now (grows while nothing happens).
    pub interval: Duration,
    pub next_spaces: Option<Instant>,
    in_flight: HashSet<Poll>,
    /// The latest time a tick brought: timers are set from it, so that whoever drives the
    /// ticks (the loop, or a test with a clock of its own) drives every timer.
    now: Instant,
    /// Every interval is multiplied by this after a 429 (halving back on each success).
    slow: u32,
    /// No poll before this (a 429's `Retry-After`).
    hold: Option<Instant>,
    /// Each space's `lastActiveTime` when it was last counted (or seen with nothing new):
    /// a space is counted again only when the spaces list says it moved past this.
    checked: HashMap<SpaceName, Option<DateTime<Utc>>>,
    /// Where each watched space's events were read up to.
    pub cursors: HashMap<SpaceName, super::cursor::Cursor>,
    /// The sign-in cannot read space events (refused once): messages are polled instead.
    pub events_refused: bool,
}

impl Polls {
    pub fn new(interval: Duration) -> Self {
        Polls {
            next_open: None,
            interval,
            next_spaces: None,
            in_flight: HashSet::new(),
            now: Instant::now(),
            slow: 1,
            hold: None,
            checked: HashMap::new(),
            cursors: HashMap::new(),
            events_refused: false,
        }
    }

    /// Whether `p` is out.
    pub fn busy(&self, p: &Poll) -> bool {
        self.in_flight.contains(p)
    }

    /// Notes that `p` is out.
    pub fn start(&mut self, p: Poll) {
        self.in_flight.insert(p);
    }

    /// Notes that `p` came back.
    pub fn done(&mut self, p: &Poll) {
        self.in_flight.remove(p);
    }

    /// Forgets every request about `space`.
    pub fn forget(&mut self, space: &str) {
        self.in_flight.retain(|p| p.space() != Some(space));
        self.checked.remove(space);
        self.cursors.remove(space);
    }

    /// The clock moved to `now` (never backwards).
    pub fn tick(&mut self, now: Instant) {
        self.now = self.now.max(now);
    }

    /// The time timers are set from.
    pub fn now(&self) -> Instant {
        self.now
    }

    /// Whether polling waits for a 429's `Retry-After` at `now`.
    pub fn held(&self, now: Instant) -> bool {
        self.hold.is_some_and(|h| now < h)
    }

    /// Whether polling waits for a 429's `Retry-After` now.
    pub fn held_now(&self) -> bool {
        self.held(self.now)
    }

    /// How long polling still waits for a 429's `Retry-After` (none when it does not).
    pub fn held_for(&self) -> Option<Duration> {
        self.hold
            .map(|h| h.saturating_duration_since(self.now))
            .filter(|d| !d.is_zero())
    }

    /// The user asked (a key, `Ctrl-r`): a hold ends now, and what it put off is due.
    pub fn release(&mut self) {
        if self.hold.take().is_some() {
            let now = self.now;
            for t in [&mut self.next_open, &mut self.next_spaces]
                .into_iter()
                .flatten()
            {
                *t = (*t).min(now);
            }
        }
    }

    /// `d` stretched by the server's push-back.
    pub fn stretch(&self, d: Duration) -> Duration {
        d.saturating_mul(self.slow)
    }

    /// When the open space is polled next, from now.
    pub fn schedule_open(&mut self) {
        self.next_open = Some(self.now + self.stretch(self.interval));
    }

    /// When the spaces list is asked next, from now.
    pub fn schedule_spaces(&mut self, every: Duration) {
        self.next_spaces = Some(self.now + self.stretch(every));
    }

    /// A poll of the open space answered: `active` if anything changed. The interval
    /// snaps back to `base` on activity and doubles (up to [`OPEN_MAX`]) otherwise.
    pub fn open_answered(&mut self, active: bool, base: Duration) {
        self.interval = if active {
            base
        } else {
            (self.interval * 2).clamp(base, OPEN_MAX.max(base))
        };
        self.schedule_open();
    }

    /// A background request answered: a 429 (or `RESOURCE_EXHAUSTED`) slows everything
    /// and holds polling for its `Retry-After`; a success eases off the slowing.
    pub fn answered<T>(&mut self, r: &Result<T, ApiError>) {
        match r {
            Err(e) if throttled(e) => self.slow_down(e.retry_after().unwrap_or(Duration::ZERO)),
            Ok(_) if self.slow > 1 => self.slow /= 2,
            _ => {}
        }
    }

    /// The server said to slow down and to wait `wait`: every timer slows (doubling) and
    /// polling holds until the wait is over.
    pub fn slow_down(&mut self, wait: Duration) {
        self.slow = (self.slow * 2).min(SLOW_MAX);
        // One cap for every wait the server asks for: a hostile or broken
        // `Retry-After` neither overflows the clock nor stops polling for hours.
        let wait = wait.min(super::reconcile::MAX_RETRY_AFTER);
        let until = self.now.checked_add(wait).unwrap_or(self.now);
        self.hold = Some(self.hold.map_or(until, |h| h.max(until)));
        // Every timer waits at least until the hold is over.
        for t in [&mut self.next_open, &mut self.next_spaces]
            .into_iter()
            .flatten()
        {
            *t = (*t).max(until);
        }
    }

    /// Whether `space`, last active at `active` per the spaces list, is worth counting:
    /// it moved since it was last looked at. Notes it as looked at.
    pub fn moved(&mut self, space: &SpaceName, active: Option<DateTime<Utc>>) -> bool {
        match self.checked.insert(space.clone(), active) {
            None => true,
            Some(before) => active > before,
        }
    }

    /// Looks at `space` again at the next spaces list (its count failed, or it was open
    /// and is left).
    pub fn recheck(&mut self, space: &str) {
        self.checked.remove(space);
    }

    /// Looks at every space again at the next spaces list (a reload).
    pub fn recheck_all(&mut self) {
        self.checked.clear();
    }
}

/// Whether the server said to slow down.
pub fn throttled(e: &ApiError) -> bool {
    e.code() == Some(429) || e.status() == Some("RESOURCE_EXHAUSTED")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::error::ServerError;

    fn slow_down(secs: u64) -> Result<(), ApiError> {
        Err(ApiError::Server(ServerError {
            code: 429,
            status: "RESOURCE_EXHAUSTED".into(),
            message: "slow down".into(),
            field_violations: Vec::new(),
            reason: None,
            retry_after: Some(Duration::from_secs(secs)),
        }))
    }

    #[test]
    fn a_huge_retry_after_neither_panics_nor_holds_for_long() {
        let mut p = Polls::new(Duration::from_secs(5));
        p.schedule_open();
        p.answered(&slow_down(u64::MAX));
        let held = p.held_for().expect("held");
        assert!(held <= super::super::reconcile::MAX_RETRY_AFTER, "{held:?}");
        p.answered(&slow_down(3600));
        let held = p.held_for().expect("held");
        assert!(held <= super::super::reconcile::MAX_RETRY_AFTER, "{held:?}");
        assert!(p.next_open.is_some_and(|t| t <= p.now() + held));
    }

    #[test]
    fn the_user_ends_a_hold() {
        let mut p = Polls::new(Duration::from_secs(5));
        p.schedule_open();
        p.schedule_spaces(Duration::from_secs(30));
        p.answered(&slow_down(120));
        assert!(p.held(p.now()));
        p.release();
        assert!(!p.held(p.now()));
        assert_eq!(p.held_for(), None);
        assert!(p.next_open.is_some_and(|t| t <= p.now()));
        assert!(p.next_spaces.is_some_and(|t| t <= p.now()));
    }
}
