//! Where the open space's events were read up to, so none is applied twice.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::api::sync_model::SpaceEvent;

/// Events are asked from this long before the newest one read, so that one stored in the
/// same instant (or a moment late) is not skipped; those already read are skipped by name.
const OVERLAP: chrono::Duration = chrono::Duration::seconds(5);

/// Where a space's events were read up to.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    /// The newest event time read (or where reading started).
    since: DateTime<Utc>,
    /// Events read at or after `since - OVERLAP`, by name.
    seen: HashMap<String, DateTime<Utc>>,
}

impl Cursor {
    pub fn new(since: DateTime<Utc>) -> Self {
        Cursor {
            since,
            seen: HashMap::new(),
        }
    }

    /// The `start_time` to ask from.
    pub fn start(&self) -> DateTime<Utc> {
        self.since - OVERLAP
    }

    /// Keeps the events not read yet, oldest first, and moves past them.
    pub fn take(&mut self, mut events: Vec<SpaceEvent>) -> Vec<SpaceEvent> {
        events.retain(|e| match (&e.name, e.event_time) {
            (Some(n), Some(_)) => !self.seen.contains_key(n),
            // Nameless or timeless: cannot be deduplicated; apply (they are idempotent).
            _ => true,
        });
        events.sort_by_key(|e| e.event_time);
        for e in &events {
            if let (Some(n), Some(t)) = (&e.name, e.event_time) {
                self.seen.insert(n.clone(), t);
                self.since = self.since.max(t);
            }
        }
        let keep_from = self.start();
        self.seen.retain(|_, t| *t >= keep_from);
        events
    }
}
