//! What the answers about the user's read state, mute settings and sections do, and
//! the notifications of what arrives in spaces not being looked at.

use std::time::Instant;

use crate::api::model::{Message, SpaceType};
use crate::api::scope::Scope;
use crate::api::SpaceName;
use crate::app::readsync::mentions;
use crate::app::{App, Effect, Outcome};
use crate::notify::{self, Kind};

impl App {
    pub(super) fn on_user_outcome(&mut self, o: Outcome, fx: &mut Vec<Effect>) {
        match o {
            Outcome::ReadUnread {
                space,
                read,
                result,
            } => {
                match read {
                    Ok(t) => self.server_read_is(&space, t),
                    Err(e) => {
                        self.reads_refused(&e);
                    }
                }
                // The count itself is the same as from the local mark.
                self.on_outcome(Outcome::Unread { space, result }, fx);
            }
            Outcome::ReadState { space, set, result } => {
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
            Outcome::ThreadReadState {
                space,
                thread,
                result,
            } => match result {
                Ok(Some(t)) => self.thread_read_is(&space, &thread.to_string(), t),
                Ok(None) => {}
                Err(e) if self.reads_refused(&e) => {}
                Err(e) => tracing::info!(error = %e, "could not get a thread's read mark"),
            },
            Outcome::Muted {
                space,
                asked,
                result,
            } => match result {
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
            },
            Outcome::Sections(r) => self.on_sections(r),
            Outcome::Moved {
                space,
                from,
                to,
                result,
            } => self.on_moved(space, from, to, result, fx),
            _ => {}
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
