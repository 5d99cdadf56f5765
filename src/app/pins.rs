//! Pinning, the pinned list, jumping to a message, and asking for the user's own
//! reactions on what is shown.

use crate::api::{MessageName, MessagePinName, SpaceName, ThreadName};

use super::react::{PinList, ReactEffect};
use super::timeline::Row;
use super::{App, Effect, Focus, LoadKind};
use crate::keymap::{Command, Mode};

impl App {
    pub(super) fn toggle_pin(&mut self, space: &SpaceName, fx: &mut Vec<Effect>) {
        let Some(item) = self.selected_server_message("pin") else {
            return;
        };
        let Some(name) = self.server_name(&item) else {
            return;
        };
        let message = item.name().to_string();
        let pins = &mut self.store.pins_entry(space).by_message;
        match pins.get(&message).cloned() {
            Some(None) => self.error("That pin is still on its way; a moment."),
            Some(Some(pin)) => {
                let Ok(pin) = MessagePinName::parse(&pin) else {
                    self.error("The server named that pin oddly; reload (Ctrl-r) and try again.");
                    return;
                };
                pins.remove(&message);
                self.touch_message(space, &message);
                fx.push(Effect::React(ReactEffect::Unpin {
                    space: space.clone(),
                    message: name,
                    pin,
                }));
                self.note("Unpinning…");
            }
            None => {
                pins.insert(message.clone(), None);
                self.react.pinning.insert(message.clone());
                self.touch_message(space, &message);
                fx.push(Effect::React(ReactEffect::Pin {
                    space: space.clone(),
                    message: name,
                }));
                self.note("Pinning…");
            }
        }
    }

    pub(super) fn open_pins(&mut self, space: &SpaceName, fx: &mut Vec<Effect>) {
        // Listed again: someone else may have pinned since.
        fx.push(Effect::React(ReactEffect::ListPins {
            space: space.clone(),
        }));
        self.store.pins_entry(space).listed = true;
        self.react.pins_list = Some(PinList {
            space: space.clone(),
            pick: 0,
        });
    }

    /// The pinned messages of `space`, oldest first where known: (message, pin).
    pub fn pinned_in(&self, space: &str) -> Vec<(String, Option<String>)> {
        let mut v: Vec<(String, Option<String>)> = self
            .store
            .pins(space)
            .map(|p| {
                p.by_message
                    .iter()
                    .map(|(m, p)| (m.clone(), p.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let tl = self.store.timeline(space);
        // Loaded ones by time; those older than what is loaded last.
        v.sort_by_key(|(m, _)| {
            let t = tl.and_then(|t| t.get(m)).map(|i| i.time());
            (t.is_none(), t, m.clone())
        });
        v
    }

    /// Selects `message`, loading older pages until it is there (or opening its
    /// thread's replies).
    pub(super) fn jump_to(&mut self, space: &SpaceName, message: &str, fx: &mut Vec<Effect>) {
        let Some(item) = self
            .store
            .timeline(space)
            .and_then(|t| t.get(message))
            .cloned()
        else {
            self.react.seek = Some((space.clone(), message.to_string()));
            if self
                .store
                .timeline(space)
                .is_some_and(|t| t.loaded && !t.has_older)
            {
                self.react.seek = None;
                self.error("The pinned message is not in the space's history.");
                return;
            }
            self.load_older(space, fx);
            let esc = self.keymap.label(Mode::Messages, Command::Back);
            self.note(format!(
                "Loading older messages to find the pinned one… ({esc} stops)"
            ));
            return;
        };
        self.react.seek = None;
        let reply = item.is_reply();
        let row = Row::Msg {
            name: message.into(),
            reply,
        };
        let v = self.views.entry(space.to_string()).or_default();
        if v.thread.as_deref().is_some_and(|t| t != item.thread()) {
            v.thread = None;
            v.saved = None;
        }
        if reply {
            v.expanded.insert(item.thread().to_string());
        }
        let rows = self.rows_for(space);
        if !rows.contains(&row) {
            // Its thread starts before what is loaded: open the thread.
            let thread = item.thread().to_string();
            let typed = match ThreadName::parse(&thread) {
                Ok(t) => t,
                Err(e) => {
                    self.error(format!("That message's thread cannot be opened: {e}"));
                    return;
                }
            };
            let v = self.views.entry(space.to_string()).or_default();
            v.saved = Some(Box::new((v.selected.clone(), v.anchor.clone())));
            v.thread = Some(thread.clone());
            fx.push(Effect::Messages(crate::app::MessagesEffect::LoadMessages {
                space: space.clone(),
                kind: LoadKind::Thread { thread: typed },
            }));
        }
        let v = self.views.entry(space.to_string()).or_default();
        v.selected = Some(row);
        v.anchor = None;
        self.focus = Focus::Messages;
        self.reveal_selected(space, fx);
    }

    /// Bumps a message's revision, so its rows are laid out again.
    pub(super) fn touch_message(&mut self, space: &str, message: &str) {
        if let Some(t) = self.store.timeline_mut(space) {
            t.update_msg(message, |_| {});
        }
        self.dirty = true;
    }

    /// After every action: a pinned message being looked for, and the user's own
    /// reactions on messages that have some.
    pub(super) fn react_after_update(&mut self, fx: &mut Vec<Effect>) {
        if let Some((space, message)) = self.react.seek.clone() {
            if self.current.as_deref() != Some(space.as_str()) {
                self.react.seek = None;
            } else if let Some(tl) = self.store.timeline(&space) {
                if tl.get(&message).is_some() {
                    self.jump_to(&space, &message, fx);
                } else if tl.loaded && !tl.has_older && !tl.loading_older {
                    self.react.seek = None;
                    self.error("The pinned message is not in the space's history.");
                } else if tl.loaded && !tl.loading_older {
                    self.load_older(&space, fx);
                }
            }
        }
        let (Some(space), Some(user)) = (self.current.clone(), self.me_ref()) else {
            return;
        };
        if self.me.is_app || self.react.mine_room() == 0 {
            return;
        }
        let Some(tl) = self.store.timeline(&space) else {
            return;
        };
        let scanned = Some((space.clone(), tl.version));
        if self.react.mine_scanned == scanned {
            return;
        }
        self.react.mine_scanned = scanned;
        let want: Vec<String> = tl
            .items()
            .iter()
            .rev()
            .filter(|i| !i.is_local() && i.has_reactions())
            .map(|i| i.name().to_string())
            .filter(|n| !self.react.mine_asked.contains(n))
            .take(self.react.mine_room())
            .collect();
        for message in want {
            self.react.mine_asked.insert(message.clone());
            // A name the server got wrong is not asked about (nor again).
            let Ok(message) = MessageName::parse(&message) else {
                continue;
            };
            self.react.mine_started();
            fx.push(Effect::React(ReactEffect::ListMine {
                space: space.clone(),
                message,
                user: user.clone(),
            }));
        }
    }
}
