//! Others' changes, live: the open space's events (`spaces.spaceEvents.list`) merged in
//! place into its timeline and member list, without moving the reader's place.
//!
//! Where the sign-in cannot read events (an app with `chat.bot`, or a refusal), the
//! open space is polled for new messages instead, as before.

use chrono::{DateTime, Utc};

use super::cursor::Cursor;
use super::polls::Poll;
use super::{App, Effect};
use crate::api::model::{MembershipState, Message, User};
use crate::api::name::ReactionName;
use crate::api::sync_model::{EventType, SpaceEvent};
use crate::api::{ApiError, MessageName, SpaceName};

/// The event types the open space follows.
pub const LIVE_TYPES: &[EventType] = &[
    EventType::MessageCreated,
    EventType::MessageUpdated,
    EventType::MessageDeleted,
    EventType::ReactionCreated,
    EventType::ReactionDeleted,
    EventType::MembershipCreated,
    EventType::MembershipUpdated,
    EventType::MembershipDeleted,
];

/// The first events are asked from this long before the first page was asked for, for
/// clocks that disagree a little with the server's.
const SKEW: chrono::Duration = chrono::Duration::minutes(2);
/// Events reach back 28 days; a cursor older than this is dropped and the messages are
/// listed again instead.
const REACH: chrono::Duration = chrono::Duration::days(27);

impl App {
    /// Where the open space's events are to be read from, if the sign-in can read them
    /// and they reach back far enough.
    pub(super) fn events_since(&mut self, space: &str) -> Option<DateTime<Utc>> {
        if !self.live_events() {
            return None;
        }
        let oldest = self.settings.now() - REACH;
        match self.polls.cursors.get(space) {
            Some(c) if c.start() > oldest => Some(c.start()),
            Some(_) => {
                // Too old to resume: list the messages, then follow events from now.
                self.polls.cursors.remove(space);
                None
            }
            None => None,
        }
    }

    /// Whether the open space follows its events (else it polls for new messages).
    pub fn live_events(&self) -> bool {
        !self.me.is_app && !self.polls.events_refused
    }

    /// How often the spaces other than the open one are checked for new messages now,
    /// and whether that is slower than usual (the server asked for fewer requests).
    pub fn others_checked_every(&self) -> (std::time::Duration, bool) {
        let usual = self.settings.background_poll;
        let now = self.polls.stretch(usual);
        (now, now > usual || self.polls.held_now())
    }

    /// What `?` says about how the open space is kept up to date.
    pub fn live_summary(&self) -> &'static str {
        if self.me.is_app {
            "Live updates: an app (chat.bot) cannot read messages or events; the open space shows what the app sends. Ctrl-r reloads."
        } else if self.polls.events_refused {
            "Live updates: this sign-in cannot read space events, so only new messages appear by themselves; edits, deletions, reactions and members show after Ctrl-r."
        } else {
            "Live updates: new, edited and deleted messages, reactions and members change in the open space as others make them."
        }
    }

    /// The open space's messages were listed from the server: its events are followed
    /// from here on.
    pub(super) fn follow_events(&mut self, space: &SpaceName) {
        if self.live_events() && !self.polls.cursors.contains_key(space) {
            let from = self.settings.now() - SKEW;
            self.polls.cursors.insert(space.clone(), Cursor::new(from));
        }
    }

    /// The answer to [`MessagesEffect::LoadEvents`](crate::app::MessagesEffect::LoadEvents).
    pub(super) fn on_events(
        &mut self,
        space: SpaceName,
        result: Result<Vec<SpaceEvent>, ApiError>,
        fx: &mut Vec<Effect>,
    ) {
        self.polls.done(&Poll::Messages(space.clone()));
        self.polls.answered(&result);
        let is_open = self.current.as_deref() == Some(space.as_str());
        match result {
            Ok(events) => {
                self.status.offline = None;
                self.status.synced_at = Some(self.settings.now());
                let Some(cursor) = self.polls.cursors.get_mut(&space) else {
                    return;
                };
                let events = cursor.take(events);
                let active = self.apply_events(&space, events, fx);
                if is_open {
                    self.polls.open_answered(active, self.settings.poll);
                    self.settle_unread(&space);
                }
            }
            Err(e) if self.means_gone(&space, &e) => self.spaces_gone(&[space], fx),
            Err(e) if e.is_scope_insufficient() => {
                // This sign-in may not read events (a scope not granted): poll the
                // messages instead, at once.
                tracing::info!(error = %e, "space events refused; polling messages instead");
                self.polls.events_refused = true;
                self.polls.cursors.clear();
                if is_open {
                    self.polls.next_open = Some(self.polls.now());
                }
            }
            Err(e) => {
                let why = self.why(&e, super::permissions::Task::Messages);
                self.status.offline = Some(why);
                if is_open {
                    self.polls.open_answered(false, self.settings.poll);
                }
            }
        }
    }

    /// Merges `events` (oldest first) into `space`'s timeline and member list, keeping
    /// the reader's place. Whether anything changed.
    pub(super) fn apply_events(
        &mut self,
        space: &SpaceName,
        events: Vec<SpaceEvent>,
        fx: &mut Vec<Effect>,
    ) -> bool {
        if events.is_empty() {
            return false;
        }
        let is_open = self.current.as_deref() == Some(space);
        let place = if is_open {
            self.capture_place(space)
        } else {
            None
        };
        let mut changed = false;
        let mut refetch: Vec<MessageName> = Vec::new();
        for e in events {
            let Some(t) = &e.event_type else { continue };
            match t {
                EventType::MessageCreated | EventType::MessageUpdated => {
                    if let Some(m) = e.message().cloned() {
                        changed |= self.event_message(space, m, fx);
                    }
                }
                EventType::MessageDeleted => {
                    if let Some(name) = e.message().and_then(|m| m.name.clone()) {
                        changed |= self.event_deleted(space, &name);
                    }
                }
                EventType::ReactionCreated | EventType::ReactionDeleted => {
                    let Some(message) = reaction_message(&e) else {
                        continue;
                    };
                    let loaded = self
                        .store
                        .timeline(space)
                        .is_some_and(|tl| tl.get(&message.to_string()).is_some());
                    if loaded && !refetch.contains(&message) {
                        refetch.push(message);
                        changed = true;
                    }
                }
                EventType::MembershipCreated
                | EventType::MembershipUpdated
                | EventType::MembershipDeleted => {
                    // Only a membership named under this space, as for member lists.
                    let m = e.membership().cloned().map(|m| vec![m]);
                    if let Some(m) = m.and_then(|m| super::members::of_space(space, m).pop()) {
                        let Some(list) = self.store.members_mut(space).filter(|l| l.loaded) else {
                            continue;
                        };
                        let gone = *t == EventType::MembershipDeleted
                            || m.state == Some(MembershipState::NotAMember);
                        match (&m.name, gone) {
                            (Some(n), true) => list.remove(n),
                            (Some(_), false) => {
                                let who = m.member.clone();
                                list.upsert(m);
                                if let Some(u) = who {
                                    self.people.learn(&u);
                                    self.look_up(u.name.into_iter().collect(), fx);
                                }
                            }
                            (None, _) => continue,
                        }
                        changed = true;
                    }
                }
                _ => {}
            }
        }
        refetch.sort_by_cached_key(|m| m.to_string());
        for message in refetch {
            fx.push(Effect::Messages(crate::app::MessagesEffect::LoadMessage {
                space: space.clone(),
                message,
            }));
        }
        if let Some(p) = place {
            self.restore_place(space, p);
        }
        if changed {
            self.dirty = true;
        }
        changed
    }

    /// A message created or changed by an event: merged if it falls in the loaded window.
    fn event_message(&mut self, space: &str, m: Message, fx: &mut Vec<Effect>) -> bool {
        let Some(tl) = self.store.timeline(space).filter(|tl| tl.loaded) else {
            return false;
        };
        let Some(name) = m.name.clone() else {
            return false;
        };
        if m.is_deleted() {
            return self.event_deleted(space, &name);
        }
        let known = tl.get(&name).is_some();
        // Older than the oldest loaded message, with more before it: out of the window.
        let before_window = tl.has_older
            && matches!((m.create_time, tl.history_start()), (Some(c), Some(o)) if c < o);
        if !known && before_window {
            return false;
        }
        if known {
            // Whether the item changed is what its revision says (an older copy, or one
            // with an edit of ours on its way, leaves it).
            let rev = tl.get(&name).map(|i| i.rev);
            let tl = self.store.timeline_entry(space);
            tl.merge(vec![m]);
            return tl.get(&name).map(|i| i.rev) != rev;
        }
        self.merge_arrivals(space, vec![m], fx) > 0
    }

    /// A message deleted by someone (or elsewhere): taken off, the selection moving to
    /// its neighbour.
    fn event_deleted(&mut self, space: &str, name: &str) -> bool {
        let known = self
            .store
            .timeline(space)
            .is_some_and(|tl| tl.get(name).is_some());
        let next = self.neighbour_after_delete(space, name, false);
        let Some(tl) = self.store.timeline_mut(space) else {
            return false;
        };
        tl.deleted(name);
        if known {
            self.select_instead(space, next);
        }
        known
    }

    /// NEW MESSAGES FROM OTHERS ARRIVE HERE (while a space is followed live): counted
    /// below a scrolled view, senders learnt, merged, the space's activity and read mark
    /// moved. One place, so whatever else must happen on arrival (a notification) hooks
    /// in here. Returns how many were new.
    pub(super) fn merge_arrivals(
        &mut self,
        space: &str,
        msgs: Vec<Message>,
        fx: &mut Vec<Effect>,
    ) -> usize {
        let is_open = self.current.as_deref() == Some(space);
        if is_open {
            self.note_arrivals(space, &msgs);
        }
        let senders: Vec<User> = msgs.iter().filter_map(|m| m.sender.clone()).collect();
        for u in &senders {
            self.people.learn(u);
        }
        self.look_up(senders.iter().filter_map(|u| u.name.clone()).collect(), fx);
        let newest = msgs.iter().filter_map(|m| m.create_time).max();
        let tl = self.store.timeline_entry(space);
        let new = tl.merge(msgs);
        if let Some(t) = newest {
            // Events since the first page cover everything created since: the watermark
            // may move (for when messages are polled again).
            tl.listed_up_to(t);
            self.store.note_activity(space, t);
            if is_open {
                self.store.mark_read(space, t);
            }
        }
        if is_open && self.views.get(space).is_none_or(|v| v.selected.is_none()) {
            self.select_last(space);
        }
        new
    }

    /// The answer to [`MessagesEffect::LoadMessage`](crate::app::MessagesEffect::LoadMessage): a message whose reactions changed, merged if
    /// it is still shown.
    pub(super) fn on_message(
        &mut self,
        space: SpaceName,
        message: &MessageName,
        result: Result<Message, ApiError>,
    ) {
        let result = match self.settle_edits(&space, message, result) {
            Some(r) => r,
            None => return,
        };
        match result {
            Ok(m) => {
                let Some(tl) = self.store.timeline_mut(&space) else {
                    return;
                };
                if m.name.as_deref().is_some_and(|n| tl.get(n).is_some()) {
                    let place = self.capture_place(&space);
                    if let Some(tl) = self.store.timeline_mut(&space) {
                        tl.merge(vec![m]);
                    }
                    if let Some(p) = place {
                        self.restore_place(&space, p);
                    }
                }
            }
            Err(e) if e.is_not_found() => {
                // Deleted since the reaction: its own event takes it off.
            }
            Err(e) => tracing::info!(error = %e, "could not refresh a message's reactions"),
        }
    }
}

/// The message a reaction event is about.
fn reaction_message(e: &SpaceEvent) -> Option<MessageName> {
    e.other.values().find_map(|v| {
        let name = v.get("reaction")?.get("name")?.as_str()?;
        ReactionName::parse(name).ok().map(|r| r.message().clone())
    })
}

impl App {
    /// The API client waits `wait` before sending a request again. When the server said
    /// to slow down (a 429 whose `Retry-After` is short enough for the client to wait out
    /// itself), it is shown as one that reached the app would be: the status line counts
    /// the wait down and polling is held as long and slowed (the spaces pane's title says
    /// how seldom). Other retries (a 503, a lost connection) say nothing.
    pub fn client_waits(&mut self, e: &crate::api::ApiError, wait: std::time::Duration) {
        if !super::polls::throttled(e) {
            return;
        }
        tracing::info!(
            wait_ms = wait.as_millis() as u64,
            "the server asked to slow down; the client waits"
        );
        self.polls.slow_down(wait);
        self.dirty = true;
    }
}
