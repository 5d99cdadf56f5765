//! Polling timers.

use std::collections::HashSet;
use std::time::{Duration, Instant};

/// Polling timers, with back-off when nothing happens or the server pushes back.
#[derive(Debug)]
pub struct Polls {
    pub next_open: Option<Instant>,
    pub interval: Duration,
    pub next_background: Option<Instant>,
    pub next_spaces: Option<Instant>,
    pub in_flight: HashSet<String>,
}
