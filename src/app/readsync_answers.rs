//! What the answers about the user's read state, mute settings and sections do, and
//! the notifications of what arrives in spaces not being looked at.

use std::time::Instant;

use chrono::{DateTime, Utc};

use crate::api::model::{Message, SpaceType};
use crate::api::scope::Scope;
use crate::api::{ApiError, SpaceName};
use crate::app::polls::Poll;
use crate::app::readsync::mentions;
use crate::app::user_requests::UserOutcome;
use crate::app::{App, Effect};
use crate::notify::{self, Kind};

impl App {
    pub(super) fn on_user_outcome(&mut self, o: UserOutcome, fx: &mut Vec<Effect>) {
        if answer_space(&o).is_some_and(|s| !self.knows_space(s)) {
            // Left or deleted before the answer came: nothing of it is kept or said.
            tracing::debug!("an answer for a space no longer known was dropped");
            return;
        }
        match o {
            UserOutcome::Unread { space, result, .. } => self.on_unread(space, result, fx),
            UserOutcome::ReadUnread { space, result, .. } => {
                match result.read {
                    Ok(t) => self.server_read_is(&space, t),
                    Err(e) => {
                        self.reads_refused(&e);
                    }
                }
                // The count itself is the same as from the local mark.
                self.on_unread(space, result.unread, fx);
            }
            UserOutcome::ReadState { space, result } => self.on_read_state(space, None, result),
            UserOutcome::ReadStateSet {
                space,
                time,
                result,
            } => self.on_read_state(space, Some(time), result),
            UserOutcome::ThreadReadState {
                space,
                thread,
                result,
            } => match result {
                Ok(Some(t)) => self.thread_read_is(&space, &thread.to_string(), t),
                Ok(None) => {}
                Err(e) if self.reads_refused(&e) => {}
                Err(e) => tracing::info!(error = %e, "could not get a thread's read mark"),
            },
            UserOutcome::Muted { space, result } => self.on_mute(space, None, result),
            UserOutcome::MuteSet {
                space,
                muted,
                result,
            } => self.on_mute(space, Some(muted), result),
            UserOutcome::Sections { result } => self.on_sections(result),
            UserOutcome::Moved {
                space,
                from,
                to,
                result,
            } => self.on_moved(space, from, to, result, fx),
        }
    }

    /// Whether `space` is muted (`asked`: what it was set to; none for a look).
    fn on_mute(&mut self, space: SpaceName, asked: Option<bool>, result: Result<bool, ApiError>) {
        match result {
            Ok(m) => {
                self.store.reads_entry(&space).muted = m;
                if asked.is_some() {
                    let label = self
                        .space(&space)
                        .map(|s| self.space_label(s).into_string())
                        .unwrap_or_default();
                    self.note(if m {
                        format!("Muted {label}: no notifications from it.")
                    } else {
                        format!("Unmuted {label}.")
                    });
                }
            }
            Err(e) => {
                let why = self.named(&crate::app::explain_needing(
                    &e,
                    Scope::ChatUsersSpacesettings.name(),
                    &self.settings.profile,
                ));
                if matches!(e.code(), Some(401 | 403)) {
                    self.user_state.mute_off = Some(why.clone());
                }
                if asked.is_some() {
                    self.error(format!("Could not change the mute setting: {why}"));
                }
            }
        }
    }

    /// The server's read time of `space`, got or set (`set`: the time asked).
    fn on_read_state(
        &mut self,
        space: SpaceName,
        set: Option<DateTime<Utc>>,
        result: Result<Option<DateTime<Utc>>, ApiError>,
    ) {
        if set.is_some() {
            self.store.reads_entry(&space).pushing = None;
        }
        match result {
            Ok(t) => {
                self.server_read_is(&space, t);
                if let Some(asked) = set {
                    // The server keeps a time past its newest message as that
                    // message's: what was asked is what it holds read. Not capped
                    // at now: a message dated ahead of this clock (or the server's
                    // coercion) would otherwise leave the local mark ahead of it
                    // and the same mark sent again on every tick.
                    let held = asked.max(t.map_or(asked, |t| self.believable(t)));
                    let known = &mut self.store.reads_entry(&space).server_read;
                    *known = Some(known.map_or(held, |k| k.max(held)));
                }
            }
            Err(e) if self.reads_refused(&e) => {}
            Err(e) if set.is_some() => {
                tracing::info!(error = %e, "could not share the read mark");
                // Tried again once it rests again.
                self.store.reads_entry(&space).moved_at = Some(Instant::now());
            }
            Err(e) => tracing::info!(error = %e, "could not get the read mark"),
        }
    }

    /// The messages of `space` after its read mark: its unread count, its mentions, and
    /// notifications of what is new in it.
    pub(super) fn on_unread(
        &mut self,
        space: SpaceName,
        result: Result<Vec<Message>, ApiError>,
        fx: &mut Vec<Effect>,
    ) {
        self.polls.done(&Poll::Unread(space.clone()));
        self.polls.answered(&result);
        if result.is_err() {
            // Counted again at the next spaces list.
            self.polls.recheck(&space);
        }
        // Counted before the space was opened: what is open is being read.
        let open = self.current.as_deref() == Some(space.as_str());
        if let Err(e) = &result {
            if self.means_gone(&space, e) {
                self.spaces_gone(&[space], fx);
                return;
            }
        }
        if let (Ok(msgs), false) = (result, open) {
            let mut count = msgs.iter().filter(|m| !self.is_mine(m)).count();
            if msgs.len() >= 100 {
                // A full page: there may be more than we counted.
                count = count.max(100);
            }
            if let Some(t) = msgs.iter().filter_map(|m| m.create_time).max() {
                self.store.note_activity(&space, t);
            }
            self.store.set_unread(&space, count);
            self.arrived_elsewhere(&space, &msgs);
        }
    }

    /// Messages after the read mark of `space`, counted while the user looks elsewhere:
    /// the mention count, and a notification for each new DM, mention or reply in a
    /// thread the user took part in (none for muted spaces or their own messages).
    pub(super) fn arrived_elsewhere(&mut self, space: &SpaceName, msgs: &[Message]) {
        let me = self.me.user.clone();
        let mentioned = msgs
            .iter()
            .filter(|m| !self.is_mine(m) && !m.is_deleted() && mentions(m, me.as_deref()))
            .count();
        self.store.reads_entry(space).mentions = mentioned;
        let newest = msgs.iter().filter_map(|m| m.create_time).max();
        let Some(newest) = newest else { return };
        // The first count of a space only sets where notifying starts.
        let Some(seen) = self.store.reads_entry(space).notified.replace(newest) else {
            return;
        };
        if newest < seen {
            self.store.reads_entry(space).notified = Some(seen);
        }
        if self.store.is_muted(space) {
            return;
        }
        let dm = self
            .space(space)
            .is_some_and(|s| s.kind() == SpaceType::DirectMessage);
        let mut fresh: Vec<&Message> = msgs
            .iter()
            .filter(|m| m.create_time.is_some_and(|t| t > seen))
            .filter(|m| !self.is_mine(m) && !m.is_deleted())
            .collect();
        fresh.sort_by_key(|m| m.create_time);
        let mut out = Vec::new();
        let mut desktop = Vec::new();
        for m in fresh {
            let kind = if mentions(m, me.as_deref()) {
                Kind::Mention
            } else if dm {
                Kind::Dm
            } else if m.thread_reply && self.took_part(space, m) {
                Kind::ThreadReply
            } else {
                continue;
            };
            let mode = self.settings.notify.mode(kind);
            let sender = m
                .sender
                .as_ref()
                .map(|u| self.member_label(u).into_string())
                .unwrap_or_default();
            let place = self
                .space(space)
                .map(|s| self.space_label(s).into_string())
                .unwrap_or_default();
            let title = if dm || place.is_empty() {
                sender
            } else {
                format!("{sender} in {place}")
            };
            let body = m.text.as_deref().unwrap_or("");
            let bytes = notify::escape(mode, &title, body);
            if !bytes.is_empty() {
                out.push(bytes);
            }
            if mode == notify::Mode::Desktop {
                desktop.push(notify::desktop::Request::new(&title, body));
            }
        }
        self.user_state.out.extend(out);
        self.user_state.desktop.extend(desktop);
    }

    /// Whether the user wrote in the thread `m` replies in, as far as is loaded here.
    fn took_part(&self, space: &str, m: &Message) -> bool {
        let Some(thread) = m.thread_name() else {
            return false;
        };
        self.store.timeline(space).is_some_and(|tl| {
            tl.items()
                .iter()
                .any(|i| i.thread() == thread && self.is_mine_item(i))
        })
    }
}

/// The space a user-state answer is about (none for the sections list).
fn answer_space(o: &UserOutcome) -> Option<&SpaceName> {
    match o {
        UserOutcome::Unread { space, .. }
        | UserOutcome::ReadUnread { space, .. }
        | UserOutcome::ReadState { space, .. }
        | UserOutcome::ReadStateSet { space, .. }
        | UserOutcome::ThreadReadState { space, .. }
        | UserOutcome::Muted { space, .. }
        | UserOutcome::MuteSet { space, .. }
        | UserOutcome::Moved { space, .. } => Some(space),
        UserOutcome::Sections { .. } => None,
    }
}
