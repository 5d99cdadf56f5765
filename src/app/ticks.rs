//! Timers: the spinner, notes that expire, and polling the open space, the other
//! spaces' unread counts and the spaces list.

use std::time::{Duration, Instant};

use crate::app::polls::Poll;
use crate::app::timeline::Timeline;
use crate::app::{notes, App, Effect, LoadKind};

impl App {
    pub(super) fn on_tick(&mut self, now: Instant, fx: &mut Vec<Effect>) {
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
        if self.polls.next_spaces.is_some_and(|t| now >= t) {
            self.polls.next_spaces = Some(now + Duration::from_secs(120));
            fx.push(Effect::LoadSpaces);
        }
        if let Some(space) = self.current.clone() {
            let loaded = self.timelines.get(&space).is_some_and(|t| t.loaded);
            if loaded
                && self.polls.next_open.is_some_and(|t| now >= t)
                && !self.polls.busy(&Poll::Messages(space.clone()))
            {
                self.polls.next_open = Some(now + self.polls.interval);
                if self.me.is_app {
                    // Apps cannot list messages with chat.bot: nothing to poll.
                } else if let Some(after) = self.timelines.get(&space).and_then(Timeline::watermark)
                {
                    self.polls.start(Poll::Messages(space.clone()));
                    fx.push(Effect::LoadMessages {
                        space,
                        kind: LoadKind::Newer { after },
                    });
                } else {
                    self.polls.start(Poll::Messages(space.clone()));
                    fx.push(Effect::LoadMessages {
                        space,
                        kind: LoadKind::Latest,
                    });
                }
            }
        }
        if self.polls.next_background.is_some_and(|t| now >= t) {
            self.polls.next_background = Some(now + self.settings.background_poll);
            self.count_unread_everywhere(fx);
        }
        self.push_reads(now, fx);
        for (space, local) in self.unsure.due(now) {
            self.send_again(&space, &local, fx);
        }
    }

    /// Polls sooner: the user is active.
    pub(super) fn poll_soon(&mut self) {
        self.polls.interval = self.settings.poll;
        let soon = Instant::now() + self.settings.poll;
        if self.polls.next_open.is_none_or(|t| t > soon) {
            self.polls.next_open = Some(soon);
        }
    }

    pub(super) fn count_unread_everywhere(&mut self, fx: &mut Vec<Effect>) {
        if self.me.is_app {
            return;
        }
        let names: Vec<String> = self
            .spaces
            .all
            .iter()
            .filter_map(|s| s.name.clone())
            .collect();
        for name in names {
            if Some(&name) == self.current.as_ref() || self.polls.busy(&Poll::Unread(name.clone()))
            {
                continue;
            }
            self.polls.start(Poll::Unread(name.clone()));
            let after = self.spaces.last_read(&name);
            fx.push(self.unread_request(name, after));
        }
    }
}
