//! Timers: the spinner, notes that expire, and polling the open space and the spaces
//! list (whose `lastActiveTime`s say which other spaces to count unread messages in).

use crate::api::SpaceName;

use std::time::Instant;

use crate::app::polls::Poll;
use crate::app::timeline::Timeline;
use crate::app::{notes, App, Effect, LoadKind};

impl App {
    pub(super) fn on_tick(&mut self, now: Instant, fx: &mut Vec<Effect>) {
        // While the server's wait counts down, the status line says how long is left.
        let left = |a: &App| a.polls.held_for().map(|d| d.as_secs());
        let before = left(self);
        self.polls.tick(now);
        if left(self) != before {
            self.dirty = true;
        }
        if self.status.busy > 0 {
            self.status.spinner = self.status.spinner.wrapping_add(1);
            self.dirty = true;
        }
        if let Some(n) = &self.status.note {
            let ttl = if n.error {
                notes::ERROR_FOR
            } else {
                notes::NOTE_FOR
            };
            if now.duration_since(n.at) > ttl {
                self.status.note = None;
                self.dirty = true;
            }
        }
        for (space, local) in self.unsure.due(now) {
            self.send_again(&space, &local, fx);
        }
        self.push_reads(now, fx);
        if self.polls.held(now) {
            // The server asked us to wait (a 429's Retry-After): no poll until then.
            return;
        }
        if self.polls.next_spaces.is_some_and(|t| now >= t) {
            self.polls.schedule_spaces(self.settings.background_poll);
            fx.push(Effect::Directory(
                crate::app::DirectoryEffect::PollSpaces {},
            ));
        }
        if let Some(space) = self.current.clone() {
            let loaded = self.store.timeline(&space).is_some_and(|t| t.loaded);
            if loaded
                && self.polls.next_open.is_some_and(|t| now >= t)
                && !self.polls.busy(&Poll::Messages(space.clone()))
            {
                self.polls.schedule_open();
                self.poll_open(space, fx);
            }
        }
    }

    /// Asks what changed in the open space: its events where the sign-in can read them,
    /// else its messages newer than the watermark (or its newest page).
    pub(super) fn poll_open(&mut self, space: SpaceName, fx: &mut Vec<Effect>) {
        if self.me.is_app {
            // Apps cannot list messages with chat.bot: nothing to poll.
            return;
        }
        if let Some(since) = self.events_since(&space) {
            self.polls.start(Poll::Messages(space.clone()));
            fx.push(Effect::Messages(crate::app::MessagesEffect::LoadEvents {
                space,
                since,
            }));
        } else if let Some(after) = self.store.timeline(&space).and_then(Timeline::watermark) {
            self.polls.start(Poll::Messages(space.clone()));
            fx.push(Effect::Messages(crate::app::MessagesEffect::PollMessages {
                space,
                after,
            }));
        } else {
            self.polls.start(Poll::Messages(space.clone()));
            fx.push(Effect::Messages(crate::app::MessagesEffect::LoadMessages {
                space,
                kind: LoadKind::Latest,
            }));
        }
    }

    /// How long polling still waits because the server asked to slow down.
    pub fn polling_held_for(&self) -> Option<std::time::Duration> {
        self.polls.held_for()
    }

    /// Polls sooner: the user is active.
    pub(super) fn poll_soon(&mut self) {
        self.polls.interval = self.settings.poll;
        let soon = self.polls.now() + self.polls.stretch(self.settings.poll);
        if self.polls.next_open.is_none_or(|t| t > soon) {
            self.polls.next_open = Some(soon);
        }
    }

    /// Counts `space`'s unread messages, unless it is open or already being counted.
    pub(super) fn count_unread(&mut self, name: SpaceName, fx: &mut Vec<Effect>) {
        if self.me.is_app
            || Some(&name) == self.current.as_ref()
            || self.polls.busy(&Poll::Unread(name.clone()))
        {
            return;
        }
        self.polls.start(Poll::Unread(name.clone()));
        let after = self.store.last_read(&name);
        let ask = self.unread_request(name, after);
        fx.push(ask);
    }

    /// After a spaces list: counts the spaces whose `lastActiveTime` moved past what was
    /// known (and past what is read there); the open space is polled now if it moved.
    pub(super) fn count_what_moved(&mut self, fx: &mut Vec<Effect>) {
        if self.me.is_app {
            return;
        }
        let list: Vec<(SpaceName, Option<chrono::DateTime<chrono::Utc>>)> = self
            .spaces
            .all
            .iter()
            .filter_map(|s| {
                let n = Self::space_name(s.name.as_deref()?)?;
                Some((n, s.last_active_time))
            })
            .collect();
        for (name, active) in list {
            if Some(&name) == self.current.as_ref() {
                let listed = self.store.timeline(&name).and_then(Timeline::watermark);
                let moved = self.polls.moved(&name, active);
                if moved && active.is_some_and(|a| listed.is_none_or(|l| a > l)) {
                    // Something arrived in the open space: look now.
                    self.poll_soon();
                    self.polls.next_open = Some(self.polls.now());
                }
                continue;
            }
            if !self.polls.moved(&name, active) {
                continue;
            }
            let read = self.store.last_read(&name);
            // Never active, or nothing since it was read: nothing to count.
            let worth = match (active, read) {
                (Some(a), Some(r)) => a > r,
                (Some(_), None) => true,
                (None, _) => read.is_none(),
            };
            if worth {
                self.count_unread(name, fx);
            }
        }
        self.refresh_stale_reads(fx);
    }
}
