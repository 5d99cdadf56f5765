//! What the answers to reaction, quote and pin requests do (the requests are declared
//! with their calls in `react`, below the app's effects that carry them).

use crate::api::{MessageName, SpaceName, UserRef};

use super::permissions::Task;
use super::react::{emoji_label, EmojiKey, Mine, ReactEffect, ReactOutcome};
use super::{reconcile, App, Effect};

impl App {
    pub(super) fn on_react_outcome(&mut self, o: ReactOutcome, fx: &mut Vec<Effect>) {
        match o {
            // Left or deleted before the answer came: nothing of it comes back.
            ReactOutcome::Reacted { space, .. }
            | ReactOutcome::Unreacted { space, .. }
            | ReactOutcome::Mine { space, .. }
            | ReactOutcome::Pins { space, .. }
            | ReactOutcome::Pinned { space, .. }
            | ReactOutcome::Unpinned { space, .. }
                if !self.knows_space(&space) =>
            {
                tracing::debug!("an answer for a space no longer known was dropped");
            }
            // As a plain send's: forgotten with its space, the local copy has nothing
            // left to settle.
            ReactOutcome::QuotingSent { space, .. } if !self.store.has_timeline(&space) => {
                tracing::debug!("an answer about a send in a space no longer known was dropped");
            }
            ReactOutcome::Reacted {
                space,
                message,
                emoji,
                result,
            } => {
                let (name, message) = (message.clone(), message.to_string());
                self.react.pending.remove(&(message.clone(), emoji.clone()));
                let label = emoji_label(&emoji.to_emoji(), &self.react.custom);
                match result {
                    Ok(name) => {
                        if let Some(m) = self
                            .react
                            .mine
                            .entry(message.clone())
                            .or_default()
                            .iter_mut()
                            .find(|m| m.key == emoji)
                        {
                            m.name = name;
                        }
                        self.note(format!("Reacted with {label}."));
                    }
                    // Given before (elsewhere, or an earlier attempt whose answer was
                    // lost): the server's count had it already.
                    Err(e) if e.code() == Some(409) => {
                        self.bump(&space, &message, &emoji, -1);
                        self.ask_mine(&space, &name, fx);
                        self.note(format!("You had already reacted with {label}."));
                    }
                    Err(e) => {
                        self.bump(&space, &message, &emoji, -1);
                        if let Some(m) = self.react.mine.get_mut(&message) {
                            m.retain(|m| m.key != emoji);
                        }
                        let lost = Lost {
                            added: true,
                            checking: "Checking whether the {label} reaction went through",
                            failed: "The {label} reaction was not added",
                        };
                        self.reaction_failed(&space, &name, emoji, &label, &e, lost, fx);
                    }
                }
            }
            ReactOutcome::Unreacted {
                space,
                message,
                emoji,
                result,
                ..
            } => {
                let (name, message) = (message.clone(), message.to_string());
                self.react.pending.remove(&(message.clone(), emoji.clone()));
                let label = emoji_label(&emoji.to_emoji(), &self.react.custom);
                match result {
                    Ok(()) => self.note(format!("Your {label} reaction was removed.")),
                    Err(e) if e.is_not_found() => {
                        self.note(format!("Your {label} reaction was already gone."))
                    }
                    Err(e) => {
                        self.bump(&space, &message, &emoji, 1);
                        self.react
                            .mine
                            .entry(message.clone())
                            .or_default()
                            .push(Mine {
                                key: emoji.clone(),
                                name: None,
                            });
                        let lost = Lost {
                            added: false,
                            checking: "Checking whether your {label} reaction was removed",
                            failed: "Your {label} reaction was not removed",
                        };
                        self.reaction_failed(&space, &name, emoji, &label, &e, lost, fx);
                    }
                }
            }
            ReactOutcome::Mine {
                space,
                message,
                result,
                ..
            } => {
                let message = message.to_string();
                self.react.mine_done();
                match result {
                    Ok(list) => {
                        let mut mine: Vec<Mine> = list
                            .into_iter()
                            .filter_map(|r| {
                                Some(Mine {
                                    key: EmojiKey::of(r.emoji.as_ref()?)?,
                                    name: r.name,
                                })
                            })
                            .collect();
                        // Changes still on their way keep what they show.
                        let old = self.react.mine.get(&message).cloned().unwrap_or_default();
                        for (m, k) in self.react.pending.iter() {
                            if *m != message {
                                continue;
                            }
                            mine.retain(|x| &x.key != k);
                            mine.extend(old.iter().filter(|x| &x.key == k).cloned());
                        }
                        // Changes whose answer was lost: the list says whether they
                        // happened (shown as not, until now).
                        let settled: Vec<(String, EmojiKey, bool)> = self
                            .react
                            .unsure
                            .iter()
                            .filter(|(m, _, _)| *m == message)
                            .cloned()
                            .collect();
                        for (m, k, added) in settled {
                            self.react.unsure.remove(&(m, k.clone(), added));
                            let there = mine.iter().any(|x| x.key == k);
                            if there == added {
                                self.bump(&space, &message, &k, if added { 1 } else { -1 });
                            }
                        }
                        self.react.mine.insert(message.clone(), mine);
                        if let Some(p) = self.react.picker.as_mut() {
                            if p.message == message {
                                for c in &mut p.all {
                                    c.given = self
                                        .react
                                        .mine
                                        .get(&message)
                                        .is_some_and(|m| m.iter().any(|x| x.key == c.key));
                                }
                            }
                        }
                        self.touch_message(&space, &message);
                    }
                    Err(e) => tracing::info!(error = %e, "own reactions not listed"),
                }
            }
            ReactOutcome::CustomEmoji { result } => match result {
                Ok(list) => {
                    self.react.custom = list;
                    if let Some(p) = &self.react.picker {
                        let (s, m) = (p.space.clone(), p.message.clone());
                        let all = self.picker_choices(&s, &m);
                        if let Some(p) = self.react.picker.as_mut() {
                            p.all = all;
                        }
                    }
                }
                Err(e) => tracing::info!(error = %e, "custom emoji not listed"),
            },
            ReactOutcome::Pins { space, result } => match result {
                Ok(list) => {
                    let mut map: std::collections::HashMap<String, Option<String>> = list
                        .into_iter()
                        .filter_map(|p| Some((p.message?, p.name)))
                        .collect();
                    // Pins on their way stay shown until their answer.
                    for m in &self.react.pinning {
                        if m.starts_with(&format!("{space}/")) {
                            map.entry(m.clone()).or_insert(None);
                        }
                    }
                    let changed: Vec<String> = {
                        let old = self.store.pins(&space).map(|p| &p.by_message);
                        map.keys()
                            .filter(|m| old.is_none_or(|o| !o.contains_key(*m)))
                            .chain(
                                old.into_iter()
                                    .flat_map(|o| o.keys())
                                    .filter(|m| !map.contains_key(*m)),
                            )
                            .cloned()
                            .collect()
                    };
                    self.store.pins_entry(&space).by_message = map;
                    for m in changed {
                        self.touch_message(&space, &m);
                    }
                }
                Err(e) => {
                    self.store.pins_entry(&space).listed = false;
                    if self.react.pins_list.is_some() {
                        let why = self.why(&e, Task::Spaces);
                        self.error(format!("Could not list the pinned messages: {why}"));
                    } else {
                        tracing::info!(error = %e, "pins not listed");
                    }
                }
            },
            ReactOutcome::Pinned {
                space,
                message,
                result,
            } => {
                let message = message.to_string();
                self.react.pinning.remove(&message);
                match result {
                    Ok(p) => {
                        self.store
                            .pins_entry(&space)
                            .by_message
                            .insert(message.clone(), p.name);
                        self.touch_message(&space, &message);
                        self.note("Pinned. 📌");
                    }
                    Err(e) if e.code() == Some(409) => {
                        fx.push(Effect::React(ReactEffect::ListPins {
                            space: space.clone(),
                        }));
                        self.note("The message was already pinned.");
                    }
                    Err(e) => {
                        if let Some(p) = self.store.get_mut(&space) {
                            p.pins.by_message.remove(&message);
                        }
                        self.touch_message(&space, &message);
                        let why = self.why(&e, Task::Spaces);
                        if reconcile::is_unsure(&e) {
                            // It may have been pinned: the server's list says.
                            fx.push(Effect::React(ReactEffect::ListPins {
                                space: space.clone(),
                            }));
                            self.note(format!("Checking whether the pin went through ({why})."));
                        } else {
                            self.error(format!("The message was not pinned: {why}"));
                        }
                    }
                }
            }
            ReactOutcome::Unpinned {
                space,
                message,
                pin,
                result,
            } => match result {
                Ok(()) => self.note("Unpinned."),
                Err(e) if e.is_not_found() => self.note("Unpinned (it was already)."),
                Err(e) => {
                    let message = message.to_string();
                    self.store
                        .pins_entry(&space)
                        .by_message
                        .insert(message.clone(), Some(pin.to_string()));
                    self.touch_message(&space, &message);
                    let why = self.why(&e, Task::Spaces);
                    if reconcile::is_unsure(&e) {
                        // It may have been unpinned: the server's list says.
                        fx.push(Effect::React(ReactEffect::ListPins {
                            space: space.clone(),
                        }));
                        self.note(format!("Checking whether the pin was removed ({why})."));
                    } else {
                        self.error(format!("The message was not unpinned: {why}"));
                    }
                }
            },
            ReactOutcome::QuotingSent {
                space,
                local,
                client_id,
                result,
                ..
            } => self.on_sent(space, local, client_id, result, fx),
        }
    }

    fn bump(&mut self, space: &str, message: &str, key: &EmojiKey, delta: i32) {
        if let Some(t) = self.store.timeline_mut(space) {
            t.update_msg(message, |m| super::react::bump_summary(m, key, delta));
        }
    }

    /// A reaction added or taken back that failed: when the answer may have been lost
    /// after the server acted, the server's list of the user's reactions settles it;
    /// otherwise the failure is said.
    #[allow(clippy::too_many_arguments)]
    fn reaction_failed(
        &mut self,
        space: &SpaceName,
        message: &MessageName,
        emoji: EmojiKey,
        label: &str,
        e: &crate::api::ApiError,
        lost: Lost,
        fx: &mut Vec<Effect>,
    ) {
        let why = self.why(e, Task::Messages);
        if reconcile::is_unsure(e) {
            self.ask_mine(space, message, fx);
            self.react
                .unsure
                .insert((message.to_string(), emoji, lost.added));
            let text = lost.checking.replace("{label}", label);
            self.note(format!("{text} ({why})."));
        } else {
            let text = lost.failed.replace("{label}", label);
            self.error(format!("{text}: {why}"));
        }
    }

    /// The server's name of a message picked on screen, or `None` when it has none
    /// (which is said).
    pub(super) fn server_name(&mut self, item: &super::timeline::Item) -> Option<MessageName> {
        match MessageName::parse(item.name()) {
            Ok(n) => Some(n),
            Err(e) => {
                self.error(format!("That message cannot be acted on: {e}"));
                None
            }
        }
    }

    /// Who is signed in, as a user name (once known).
    pub(super) fn me_ref(&self) -> Option<UserRef> {
        self.me.user.as_deref().and_then(|u| UserRef::parse(u).ok())
    }

    fn ask_mine(&mut self, space: &SpaceName, message: &MessageName, fx: &mut Vec<Effect>) {
        if let Some(user) = self.me_ref() {
            self.react.mine_started();
            fx.push(Effect::React(ReactEffect::ListMine {
                space: space.clone(),
                message: message.clone(),
                user,
            }));
        }
    }
}

/// What to say of a reaction change whose request failed, by whether it was an add.
struct Lost {
    added: bool,
    /// While the server's list is asked (the answer may have been lost).
    checking: &'static str,
    /// When it surely failed.
    failed: &'static str,
}
