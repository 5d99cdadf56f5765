//! Polling timers, and which background requests are out (so none is asked twice).

use std::collections::HashSet;
use std::time::{Duration, Instant};

/// A request that runs in the background and is never asked twice at once.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Poll {
    /// A space's newest messages (its first page, or what is new since the last poll).
    Messages(String),
    /// How many messages in a space are unread.
    Unread(String),
    /// A space whole, with its permission settings.
    Space(String),
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

/// Polling timers, with back-off when nothing happens or the server pushes back.
#[derive(Debug)]
pub struct Polls {
    pub next_open: Option<Instant>,
    pub interval: Duration,
    pub next_background: Option<Instant>,
    pub next_spaces: Option<Instant>,
    in_flight: HashSet<Poll>,
}

impl Polls {
    pub fn new(interval: Duration) -> Self {
        Polls {
            next_open: None,
            interval,
            next_background: None,
            next_spaces: None,
            in_flight: HashSet::new(),
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
    }
}
