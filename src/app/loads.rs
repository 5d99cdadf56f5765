//! Loaded spaces and messages, and opening a space.

use std::time::Duration;

use crate::api::model::{Space, SpaceType, User};
use crate::api::{ApiError, Listed, SpaceName};
use crate::app::compose::Target;
use crate::app::permissions::Task;
use crate::app::polls::Poll;
use crate::app::{App, Effect, Focus, LoadKind};

impl App {
    pub(super) fn on_spaces(&mut self, r: Result<Vec<Space>, ApiError>, fx: &mut Vec<Effect>) {
        match r {
            Ok(list) => {
                self.status.synced_at = Some(self.settings.now());
                self.status.offline = None;
                let first_time = !self.spaces.loaded;
                self.spaces.loaded = true;
                self.spaces.error = None;
                // Conversations are named after their members: load those, and again
                // when the list says their number changed (someone joined or left while
                // another space was open).
                for s in &list {
                    let Some(name) = &s.name else { continue };
                    let recount = self.space(name).is_some_and(|old| {
                        old.membership_count.is_some() && old.membership_count != s.membership_count
                    });
                    if s.kind() != SpaceType::Space && (recount || !self.store.has_members(name)) {
                        self.store.members_entry(name);
                        if let Some(space) = Self::space_name(name) {
                            fx.push(self.load_members(space));
                        }
                    }
                }
                // The open space left out: ask it (a 404 says it is gone; a list
                // answered before it was created or joined does not).
                let missing = self
                    .current
                    .clone()
                    .filter(|c| !list.iter().any(|s| s.name.as_deref() == Some(c.as_str())));
                let keep = missing.as_deref().and_then(|c| self.space(c).cloned());
                let before: Vec<String> = self
                    .spaces
                    .all
                    .iter()
                    .filter_map(|s| s.name.clone())
                    .collect();
                self.spaces.replace(list);
                self.user_state_on_spaces(fx);
                if let (Some(c), Some(old)) = (missing, keep) {
                    self.spaces.upsert(old);
                    fx.push(self.load_members(c));
                }
                // A space the list no longer has leaves nothing of itself behind.
                for name in before {
                    if !self.knows_space(&name) {
                        self.forget_space_state(&name);
                    }
                }
                // One spaces list a background interval: it says which spaces moved.
                self.polls.answered(&Ok::<(), ApiError>(()));
                self.polls.schedule_spaces(self.settings.background_poll);
                if first_time {
                    if self.current.is_none() {
                        if let Some(first) =
                            self.visible_spaces().first().and_then(|s| s.name.clone())
                        {
                            self.spaces.selected = Some(first.clone());
                            self.open_listed(&first, fx);
                            self.focus = Focus::Messages;
                        }
                    }
                    self.sections_on_spaces(fx);
                }
                self.count_what_moved(fx);
            }
            Err(e) => {
                let why = self.why(&e, Task::Spaces);
                self.spaces.error = Some(why.clone());
                self.error(format!("Could not load spaces: {why}"));
                self.polls.answered(&Err::<(), _>(e));
                self.polls.schedule_spaces(Duration::from_secs(15));
            }
        }
    }

    pub(super) fn on_messages(
        &mut self,
        space: SpaceName,
        kind: LoadKind,
        result: Result<(Vec<Listed>, bool), ApiError>,
        fx: &mut Vec<Effect>,
    ) {
        if matches!(kind, LoadKind::Newer { .. } | LoadKind::Latest) {
            self.polls.done(&Poll::Messages(space.clone()));
            self.polls.answered(&result);
        }
        if !self.knows_space(&space) {
            tracing::debug!("messages for a space no longer known were dropped");
            return;
        }
        let is_open = self.current.as_deref() == Some(space.as_str());
        // An older page keeps the reader's place; a poll says what arrived out of sight.
        let place = match (&kind, &result, is_open) {
            (LoadKind::Older { .. }, Ok(_), true) => self.capture_place(&space),
            _ => None,
        };
        if let (LoadKind::Newer { .. }, Ok((msgs, _)), true) = (&kind, &result, is_open) {
            self.note_arrivals(&space, msgs);
        }
        if let (LoadKind::Thread { thread }, Ok((msgs, _))) = (&kind, &result) {
            self.hit_answered(&space, &thread.to_string(), msgs);
        }
        let tl = self.store.timeline_entry(&space);
        match result {
            Ok((msgs, more)) => {
                let senders: Vec<User> =
                    msgs.iter()
                        .flat_map(|m| {
                            let mentioned = m.annotations().iter().filter_map(|a| {
                                a.user_mention.as_ref().and_then(|u| u.user.clone())
                            });
                            m.sender().cloned().into_iter().chain(mentioned)
                        })
                        .collect();
                let newest = msgs.iter().filter_map(|m| m.create_time).max();
                let oldest = msgs.iter().filter_map(|m| m.create_time).min();
                // Only a listing of the newest messages moves the watermark and what is
                // read: a thread or an older page may hold newer messages, but not all.
                let listed = matches!(kind, LoadKind::Latest | LoadKind::Newer { .. });
                let new = tl.merge(msgs);
                if let (Some(t), true) = (newest, listed) {
                    tl.listed_up_to(t);
                }
                if let (Some(t), LoadKind::Latest | LoadKind::Older { .. }) = (oldest, &kind) {
                    tl.listed_down_to(t);
                }
                tl.error = None;
                match &kind {
                    LoadKind::Latest => {
                        tl.loaded = true;
                        tl.has_older = more;
                    }
                    LoadKind::Older { .. } => {
                        tl.loading_older = false;
                        tl.has_older = more;
                    }
                    _ => {}
                }
                for u in &senders {
                    self.people.learn(u);
                }
                self.look_up(senders.iter().filter_map(|u| u.name.clone()).collect(), fx);
                if let Some(t) = newest {
                    self.store.note_activity(&space, t);
                }
                if let (Some(t), true, true) = (newest, is_open, listed) {
                    self.store.mark_read(&space, t);
                }
                if matches!(kind, LoadKind::Newer { .. }) {
                    self.status.offline = None;
                }
                self.status.synced_at = Some(self.settings.now());
                if listed && is_open {
                    // Back off while nothing happens (an empty space too); from here on
                    // its events say what changes.
                    self.polls.open_answered(new > 0, self.settings.poll);
                    self.follow_events(&space);
                }
                if let LoadKind::Older { .. } = kind {
                    if let Some(p) = place {
                        self.restore_place(&space, p);
                    }
                    self.older_page_arrived(&space, more, fx);
                }
                if is_open && kind == LoadKind::Latest {
                    self.mark_unread_threads(&space, fx);
                    self.settle_unread(&space);
                }
                if is_open && matches!(kind, LoadKind::Newer { .. }) {
                    self.settle_unread(&space);
                }
                if is_open
                    && self
                        .views
                        .get(space.as_str())
                        .is_none_or(|v| v.selected.is_none())
                {
                    self.select_last(&space);
                }
            }
            Err(e) if self.means_gone(&space, &e) => self.spaces_gone(&[space], fx),
            Err(e) => {
                let why = self.why(&e, Task::Messages);
                let tl = self.store.timeline_entry(&space);
                match kind {
                    LoadKind::Newer { .. } => {
                        self.status.offline = Some(why);
                        if is_open {
                            self.polls.open_answered(false, self.settings.poll);
                        }
                    }
                    LoadKind::Older { .. } => {
                        tl.loading_older = false;
                        self.older_page_failed(&space);
                        self.error(format!("Could not load older messages: {why}"));
                    }
                    _ => {
                        tl.error = Some(why.clone());
                        if matches!(kind, LoadKind::Latest) {
                            self.polls.next_open = Some(
                                self.polls.now() + self.polls.stretch(Duration::from_secs(10)),
                            );
                        }
                        self.error(format!("Could not load messages: {why}"));
                    }
                }
            }
        }
    }

    /// Opens `space` in the message pane.
    /// Opens a space picked by its name as listed (parsed here, where it enters).
    pub(super) fn open_listed(&mut self, name: &str, fx: &mut Vec<Effect>) {
        if let Some(space) = Self::space_name(name) {
            self.open_space(&space, fx);
        }
    }

    pub fn open_space(&mut self, space: &SpaceName, fx: &mut Vec<Effect>) {
        self.status.left = None;
        if self.current.as_deref() != Some(space) {
            if let Some(left) = self.current.clone() {
                // Counted again at the next spaces list if anything arrived since.
                self.polls.recheck(&left);
            }
            self.compose.save_draft();
            self.current = Some(space.clone());
            self.compose.switch(space, Target::New, None, None);
            self.member_sel = 0;
            self.polls.next_open = None;
        }
        let tl = self.store.timeline_entry(space);
        let (loaded, listed) = (tl.loaded, tl.watermark());
        if self.me.is_app {
            // chat.bot has no messages.list: the pane says so and shows what the app sends.
        } else if !loaded && !self.polls.busy(&Poll::Messages(space.clone())) {
            self.polls.start(Poll::Messages(space.clone()));
            fx.push(Effect::Messages(crate::app::MessagesEffect::LoadMessages {
                space: space.clone(),
                kind: LoadKind::Latest,
            }));
        } else if self.store.unread_count(space) > 0
            || self
                .spaces
                .last_active(space)
                .is_some_and(|a| listed.is_none_or(|l| a > l))
        {
            // Something arrived since it was last shown: fetched now, not at the next
            // interval, so the divider goes above it.
            self.poll_soon();
            if !self.polls.busy(&Poll::Messages(space.clone())) && !self.polls.held_now() {
                self.polls.schedule_open();
                self.poll_open(space.clone(), fx);
            }
        } else {
            self.poll_soon();
        }
        self.remember_unread(space);
        self.read_state_on_open(space, fx);
        // Read up to what the server has listed here (not the user's own sends, which
        // may be newer than others' posts not yet listed); the unread mark goes at once.
        match listed {
            Some(t) => self.store.mark_read(space, t),
            None => {
                self.store.set_unread(space, 0);
            }
        }
        self.learn_permissions(space, fx);
        self.react_on_open(space, fx);
        if self.store.members(space).is_none_or(|m| !m.loaded) {
            self.store.members_entry(space);
            fx.push(self.load_members(space.clone()));
        }
        self.views.entry(space.to_string()).or_default();
        self.select_last(space);
        self.place_unread(space);
        self.dirty = true;
    }

    pub(super) fn select_last(&mut self, space: &str) {
        let rows = self.rows_for(space);
        let last = rows.rows.iter().rev().find(|r| r.is_selectable()).cloned();
        let v = self.views.entry(space.to_string()).or_default();
        v.selected = last;
        v.anchor = None;
    }
}
