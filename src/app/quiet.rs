//! A poll that finds nothing changes nothing on screen, so it asks for no frame: at
//! 100,000 messages a frame nobody needs was most of an idle minute's work.

use super::effect::Outcome;
use super::App;
use crate::api::SpaceName;

/// What an empty poll could change on screen: the sync state in the status bar (to the
/// minute it shows), the open space's messages, their error line and the selection.
#[derive(PartialEq)]
pub(super) struct Seen {
    offline: Option<String>,
    synced_minute: Option<i64>,
    version: u64,
    error: bool,
    selected: Option<super::timeline::Row>,
    busy: usize,
}

impl App {
    /// Whether `o` is a poll that listed no messages.
    /// The space `o` polled when it is a poll that listed no messages.
    pub(super) fn empty_poll(o: &Outcome) -> Option<SpaceName> {
        match o {
            Outcome::Messages(crate::app::MessagesOutcome::Polled {
                space,
                result: Ok(msgs),
                ..
            }) if msgs.is_empty() => Some(space.clone()),
            _ => None,
        }
    }

    pub(super) fn seen(&self, space: Option<&str>) -> Seen {
        let tl = space.and_then(|s| self.store.timeline(s));
        Seen {
            offline: self.status.offline.clone(),
            synced_minute: self.status.synced_at.map(|t| t.timestamp().div_euclid(60)),
            version: tl.map_or(0, |t| t.version),
            error: tl.is_some_and(|t| t.error.is_some()),
            selected: self
                .current
                .as_deref()
                .and_then(|s| self.views.get(s))
                .and_then(|v| v.selected.clone()),
            busy: self.status.busy,
        }
    }
}
