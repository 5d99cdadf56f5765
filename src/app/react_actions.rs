//! What the reaction, quote and pin keys do, and what their answers do.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::permissions::Task;
use super::react::{
    emoji_glyph, emoji_label, unicode_name, Choice, EmojiKey, Mine, Picker, PinList, Quote,
    ReactEffect, ReactOutcome, COMMON,
};
use super::timeline::{MessageId, Row};
use super::{reconcile, App, Effect, Focus, LoadKind};
use crate::clean::Clean;
use crate::keymap::{Command, Mode};

impl App {
    /// Opening a space: its pins, and (once) the organization's custom emoji.
    pub(super) fn react_on_open(&mut self, space: &str, fx: &mut Vec<Effect>) {
        if self.me.is_app {
            return;
        }
        if !self.react.pins_loaded.contains(space) && self.unavailable(Command::Pins).is_none() {
            self.react.pins_loaded.insert(space.to_string());
            fx.push(Effect::React(ReactEffect::ListPins {
                space: space.to_string(),
            }));
        }
    }

    /// A reload (`Ctrl-r`): the space's pins, and the user's own reactions, asked again.
    pub(super) fn react_refresh(&mut self, space: &str, fx: &mut Vec<Effect>) {
        self.react.pins_loaded.remove(space);
        let prefix = format!("{space}/");
        self.react.mine_asked.retain(|m| !m.starts_with(&prefix));
        self.react.mine_scanned = None;
        self.react_on_open(space, fx);
    }

    /// The messages pane's reaction, quote and pin commands.
    pub(super) fn react_command(&mut self, c: Command, space: &str, fx: &mut Vec<Effect>) {
        match c {
            Command::React => self.open_picker(space, fx),
            Command::Quote => self.start_quote(space),
            Command::Pin => self.toggle_pin(space, fx),
            Command::Pins => self.open_pins(space, fx),
            _ => {}
        }
    }

    /// The selected message, when it is on the server (not a local copy).
    fn selected_server_message(&mut self, what: &str) -> Option<super::timeline::Item> {
        let Some(item) = self.selected_item().cloned() else {
            self.error(format!("Select a message to {what} it."));
            return None;
        };
        if item.is_local() || MessageId::is_local(item.name()) {
            self.error(format!(
                "That message is not on the server yet; {what} it once it is."
            ));
            return None;
        }
        Some(item)
    }

    fn open_picker(&mut self, space: &str, fx: &mut Vec<Effect>) {
        let Some(item) = self.selected_server_message("react to") else {
            return;
        };
        let message = item.name().to_string();
        if !self.react.custom_asked {
            self.react.custom_asked = true;
            fx.push(Effect::React(ReactEffect::ListCustomEmoji));
        }
        if let Some(user) = self.me.user.clone() {
            if !self.react.mine_asked.contains(&message) {
                self.react.mine_asked.insert(message.clone());
                self.react.mine_started();
                fx.push(Effect::React(ReactEffect::ListMine {
                    space: space.to_string(),
                    message: message.clone(),
                    user,
                }));
            }
        }
        let all = self.picker_choices(space, &message);
        self.react.picker = Some(Picker {
            space: space.to_string(),
            message,
            filter: String::new(),
            pick: 0,
            all,
        });
    }

    /// Every emoji the picker offers, frequent first: those on the message, those the
    /// user used lately, those used in the space, the common ones, the organization's
    /// custom emoji, then every Unicode emoji.
    pub(super) fn picker_choices(&self, space: &str, message: &str) -> Vec<Choice> {
        let mut keys: Vec<(EmojiKey, Clean)> = Vec::new();
        let mut seen: std::collections::HashSet<EmojiKey> = std::collections::HashSet::new();
        let mut push = |k: EmojiKey, glyph: Clean| {
            if seen.insert(k.clone()) {
                keys.push((k, glyph));
            }
        };
        let custom = &self.react.custom;
        let tl = self.timelines.get(space);
        if let Some(it) = tl.and_then(|t| t.get(message)) {
            for s in it.msg.reaction_summaries() {
                if let Some(e) = &s.emoji {
                    if let Some(k) = EmojiKey::of(e) {
                        push(k, emoji_label(e, custom));
                    }
                }
            }
        }
        for k in &self.react.recent {
            push(k.clone(), emoji_label(&k.to_emoji(), custom));
        }
        // The space's favourites, by how often they were used on loaded messages.
        let mut counts: Vec<(EmojiKey, Clean, i32)> = Vec::new();
        for it in tl.into_iter().flat_map(|t| t.items()) {
            for s in it.msg.reaction_summaries() {
                let Some(e) = &s.emoji else { continue };
                let Some(k) = EmojiKey::of(e) else { continue };
                let n = s.reaction_count.unwrap_or(1).max(1);
                match counts.iter_mut().find(|(x, _, _)| *x == k) {
                    Some(c) => c.2 += n,
                    None => counts.push((k, emoji_label(e, custom), n)),
                }
            }
        }
        counts.sort_by_key(|c| std::cmp::Reverse(c.2));
        for (k, g, _) in counts {
            push(k, g);
        }
        for u in COMMON {
            push(EmojiKey::Unicode((*u).to_string()), emoji_glyph(u));
        }
        for c in custom {
            if let Some(uid) = c.uid.clone() {
                let e = crate::api::model::Emoji {
                    unicode: None,
                    custom_emoji: Some(c.clone()),
                };
                push(EmojiKey::Custom { uid }, emoji_label(&e, custom));
            }
        }
        for e in emojis::iter() {
            push(
                EmojiKey::Unicode(e.as_str().to_string()),
                emoji_glyph(e.as_str()),
            );
        }
        keys.into_iter()
            .map(|(key, glyph)| {
                let name = match &key {
                    EmojiKey::Unicode(u) => unicode_name(u),
                    EmojiKey::Custom { .. } => format!("{} custom", glyph.as_str()),
                };
                Choice {
                    given: self.react.given(message, &key),
                    key,
                    glyph,
                    name,
                }
            })
            .collect()
    }

    /// Keys while the picker or the pinned list is open.
    pub(super) fn react_overlay_key(&mut self, k: KeyEvent, fx: &mut Vec<Effect>) {
        let cmd = self.keymap.lookup(Mode::Dialog, &k);
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        if self.react.pins_list.is_some() {
            let n = self
                .current
                .as_deref()
                .map_or(0, |s| self.pinned_in(s).len());
            let Some(list) = self.react.pins_list.as_mut() else {
                return;
            };
            match (cmd, k.code) {
                (Some(Command::Cancel | Command::Close), _) => self.react.pins_list = None,
                (_, KeyCode::Up | KeyCode::Char('k')) => list.pick = list.pick.saturating_sub(1),
                (_, KeyCode::Down | KeyCode::Char('j')) => {
                    list.pick = (list.pick + 1).min(n.saturating_sub(1))
                }
                (Some(Command::Submit), _) => {
                    let (space, pick) = (list.space.clone(), list.pick);
                    self.react.pins_list = None;
                    if let Some((message, _)) = self.pinned_in(&space).get(pick).cloned() {
                        self.jump_to(&space, &message, fx);
                    }
                }
                _ => {}
            }
            return;
        }
        let Some(p) = self.react.picker.as_mut() else {
            return;
        };
        let n = p.shown().len();
        match (cmd, k.code) {
            (Some(Command::Cancel), _) => self.react.picker = None,
            (Some(Command::Submit), _) => {
                let Some(choice) = p.selected().cloned() else {
                    return;
                };
                let (space, message) = (p.space.clone(), p.message.clone());
                self.react.picker = None;
                self.toggle_reaction(&space, &message, &choice.key, fx);
            }
            (_, KeyCode::Up) => p.pick = p.pick.saturating_sub(1),
            (_, KeyCode::Char('p')) if ctrl => p.pick = p.pick.saturating_sub(1),
            (_, KeyCode::Down) => p.pick = (p.pick + 1).min(n.saturating_sub(1)),
            (_, KeyCode::Char('n')) if ctrl => p.pick = (p.pick + 1).min(n.saturating_sub(1)),
            (_, KeyCode::PageUp) => p.pick = p.pick.saturating_sub(10),
            (_, KeyCode::PageDown) => p.pick = (p.pick + 10).min(n.saturating_sub(1)),
            (_, KeyCode::Backspace) => {
                p.filter.pop();
                p.pick = 0;
            }
            (_, KeyCode::Char('u')) if ctrl => {
                p.filter.clear();
                p.pick = 0;
            }
            (_, KeyCode::Char(c)) if !ctrl && !k.modifiers.contains(KeyModifiers::ALT) => {
                if p.filter.chars().count() < 64 {
                    p.filter.push(c);
                }
                p.pick = 0;
            }
            _ => {}
        }
    }

    /// A paste into the picker's filter.
    pub(super) fn react_paste(&mut self, s: &str) -> bool {
        match self.react.picker.as_mut() {
            Some(p) => {
                let line = super::paste::one_line(s);
                p.filter.extend(line.chars().take(64));
                p.pick = 0;
                true
            }
            None => self.react.pins_list.is_some(),
        }
    }

    /// Adds the user's reaction, or takes it back if given; shown at once.
    pub fn toggle_reaction(
        &mut self,
        space: &str,
        message: &str,
        key: &EmojiKey,
        fx: &mut Vec<Effect>,
    ) {
        let pending = (message.to_string(), key.clone());
        if self.react.pending.contains(&pending) {
            self.error("That reaction is still on its way; a moment.");
            return;
        }
        let Some(tl) = self.timelines.get_mut(space) else {
            return;
        };
        let given = self.react.given(message, key);
        let label = emoji_label(&key.to_emoji(), &self.react.custom);
        self.react.used(key);
        self.react.pending.insert(pending);
        if given {
            let mine = self.react.mine.entry(message.to_string()).or_default();
            let reaction = mine
                .iter()
                .find(|m| &m.key == key)
                .and_then(|m| m.name.clone());
            mine.retain(|m| &m.key != key);
            tl.update_msg(message, |m| super::react::bump_summary(m, key, -1));
            fx.push(Effect::React(ReactEffect::Unreact {
                space: space.to_string(),
                message: message.to_string(),
                emoji: key.clone(),
                reaction,
                user: self.me.user.clone(),
            }));
            self.note(format!("Taking back your {label}…"));
        } else {
            self.react
                .mine
                .entry(message.to_string())
                .or_default()
                .push(Mine {
                    key: key.clone(),
                    name: None,
                });
            tl.update_msg(message, |m| super::react::bump_summary(m, key, 1));
            fx.push(Effect::React(ReactEffect::React {
                space: space.to_string(),
                message: message.to_string(),
                emoji: key.clone(),
            }));
            self.note(format!("Reacting with {label}…"));
        }
    }

    fn start_quote(&mut self, space: &str) {
        let Some(item) = self.selected_server_message("quote") else {
            return;
        };
        let Some(meta) = crate::api::client::quote_of(&item.msg) else {
            return;
        };
        let who = item
            .msg
            .sender
            .as_ref()
            .map(|u| self.member_label(u))
            .unwrap_or_default();
        let text = item.msg.text.clone().unwrap_or_else(|| "(card)".into());
        let preview = crate::markup::plain_preview(&text, self, 200);
        self.react.quote = Some(Quote {
            space: space.to_string(),
            message: item.name().to_string(),
            meta,
            who,
            preview,
        });
        self.start_compose(space);
        let cancel = self.keymap.label(Mode::Compose, Command::Discard);
        self.note(format!(
            "Quoting the message: write your reply and send ({cancel} removes the quote)."
        ));
    }

    /// An unsent message that quoted another is taken back to edit: the quote goes back
    /// above the box, as of the quoted message's copy here now (a refused quote was
    /// usually of a version since edited).
    pub(super) fn requote(&mut self, space: &str, msg: &crate::api::model::Message) {
        let Some(name) = msg.quoted().and_then(|q| q.name) else {
            return;
        };
        if let Some(q) = self.loaded_quote(space, &name) {
            self.react.quote = Some(q);
        }
    }

    /// A quote of `space`'s message `name` as its copy here is now.
    fn loaded_quote(&self, space: &str, name: &str) -> Option<Quote> {
        let item = self.timelines.get(space).and_then(|t| t.get(name))?;
        let meta = crate::api::client::quote_of(&item.msg)?;
        let who = item
            .msg
            .sender
            .as_ref()
            .map(|u| self.member_label(u))
            .unwrap_or_default();
        let text = item.msg.text.clone().unwrap_or_else(|| "(card)".into());
        let preview = crate::markup::plain_preview(&text, self, 200);
        Some(Quote {
            space: space.to_string(),
            message: name.to_string(),
            meta,
            who,
            preview,
        })
    }

    /// The quote waiting above the compose box follows its message: once an edit of it
    /// arrives, the quote (what is shown and the time sent with it) is of the new
    /// version, so sending is not refused as stale.
    pub(super) fn refresh_pending_quote(&mut self) {
        let Some(q) = &self.react.quote else {
            return;
        };
        let Some(fresh) = self.loaded_quote(&q.space, &q.message) else {
            return;
        };
        if fresh.meta.last_update_time != q.meta.last_update_time {
            self.react.quote = Some(fresh);
            self.dirty = true;
        }
    }

    /// The quote in the compose box, when it belongs to the space being written in.
    pub fn quote_shown(&self) -> Option<&Quote> {
        let q = self.react.quote.as_ref()?;
        (self.compose.space.as_deref() == Some(q.space.as_str())
            && !matches!(self.compose.target, super::compose::Target::Edit { .. }))
        .then_some(q)
    }

    /// Removes the quote from the compose box; whether there was one.
    pub(super) fn drop_quote(&mut self) -> bool {
        if self.quote_shown().is_some() {
            self.react.quote = None;
            self.note("Quote removed.");
            true
        } else {
            false
        }
    }

    fn toggle_pin(&mut self, space: &str, fx: &mut Vec<Effect>) {
        let Some(item) = self.selected_server_message("pin") else {
            return;
        };
        let message = item.name().to_string();
        let pins = self.react.pins.entry(space.to_string()).or_default();
        match pins.get(&message).cloned() {
            Some(None) => self.error("That pin is still on its way; a moment."),
            Some(Some(pin)) => {
                pins.remove(&message);
                self.touch_message(space, &message);
                fx.push(Effect::React(ReactEffect::Unpin {
                    space: space.to_string(),
                    message,
                    pin,
                }));
                self.note("Unpinning…");
            }
            None => {
                pins.insert(message.clone(), None);
                self.react.pinning.insert(message.clone());
                self.touch_message(space, &message);
                fx.push(Effect::React(ReactEffect::Pin {
                    space: space.to_string(),
                    message,
                }));
                self.note("Pinning…");
            }
        }
    }

    fn open_pins(&mut self, space: &str, fx: &mut Vec<Effect>) {
        // Listed again: someone else may have pinned since.
        fx.push(Effect::React(ReactEffect::ListPins {
            space: space.to_string(),
        }));
        self.react.pins_loaded.insert(space.to_string());
        self.react.pins_list = Some(PinList {
            space: space.to_string(),
            pick: 0,
        });
    }

    /// The pinned messages of `space`, oldest first where known: (message, pin).
    pub fn pinned_in(&self, space: &str) -> Vec<(String, Option<String>)> {
        let mut v: Vec<(String, Option<String>)> = self
            .react
            .pins
            .get(space)
            .map(|p| p.iter().map(|(m, p)| (m.clone(), p.clone())).collect())
            .unwrap_or_default();
        let tl = self.timelines.get(space);
        // Loaded ones by time; those older than what is loaded last.
        v.sort_by_key(|(m, _)| {
            let t = tl.and_then(|t| t.get(m)).map(|i| i.time());
            (t.is_none(), t, m.clone())
        });
        v
    }

    /// Selects `message`, loading older pages until it is there (or opening its
    /// thread's replies).
    pub(super) fn jump_to(&mut self, space: &str, message: &str, fx: &mut Vec<Effect>) {
        let Some(item) = self
            .timelines
            .get(space)
            .and_then(|t| t.get(message))
            .cloned()
        else {
            self.react.seek = Some((space.to_string(), message.to_string()));
            if self
                .timelines
                .get(space)
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
        let reply = item.msg.thread_reply;
        let row = Row::Msg {
            name: message.to_string(),
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
            let v = self.views.entry(space.to_string()).or_default();
            v.saved = Some(Box::new((v.selected.clone(), v.anchor.clone())));
            v.thread = Some(thread.clone());
            fx.push(Effect::LoadMessages {
                space: space.to_string(),
                kind: LoadKind::Thread { thread },
            });
        }
        let v = self.views.entry(space.to_string()).or_default();
        v.selected = Some(row);
        v.anchor = None;
        self.focus = Focus::Messages;
        self.reveal_selected(space, fx);
    }

    /// Bumps a message's revision, so its rows are laid out again.
    fn touch_message(&mut self, space: &str, message: &str) {
        if let Some(t) = self.timelines.get_mut(space) {
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
            } else if let Some(tl) = self.timelines.get(&space) {
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
        let (Some(space), Some(user)) = (self.current.clone(), self.me.user.clone()) else {
            return;
        };
        if self.me.is_app || self.react.mine_room() == 0 {
            return;
        }
        let Some(tl) = self.timelines.get(&space) else {
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
            .filter(|i| !i.is_local() && !i.msg.emoji_reaction_summaries.is_empty())
            .map(|i| i.name().to_string())
            .filter(|n| !self.react.mine_asked.contains(n))
            .take(self.react.mine_room())
            .collect();
        for message in want {
            self.react.mine_asked.insert(message.clone());
            self.react.mine_started();
            fx.push(Effect::React(ReactEffect::ListMine {
                space: space.clone(),
                message,
                user: user.clone(),
            }));
        }
    }

    pub(super) fn on_react_outcome(&mut self, o: ReactOutcome, fx: &mut Vec<Effect>) {
        match o {
            ReactOutcome::Reacted {
                space,
                message,
                emoji,
                result,
            } => {
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
                        self.ask_mine(&space, &message, fx);
                        self.note(format!("You had already reacted with {label}."));
                    }
                    Err(e) => {
                        self.bump(&space, &message, &emoji, -1);
                        if let Some(m) = self.react.mine.get_mut(&message) {
                            m.retain(|m| m.key != emoji);
                        }
                        let why = self.why(&e, Task::Messages);
                        if reconcile::is_unsure(&e) {
                            // It may have arrived: the server's list says.
                            self.react
                                .unsure
                                .insert((message.clone(), emoji.clone(), true));
                            self.ask_mine(&space, &message, fx);
                            self.note(format!(
                                "Checking whether the {label} reaction went through ({why})."
                            ));
                        } else {
                            self.error(format!("The {label} reaction was not added: {why}"));
                        }
                    }
                }
            }
            ReactOutcome::Unreacted {
                space,
                message,
                emoji,
                result,
            } => {
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
                        if reconcile::is_unsure(&e) {
                            self.react
                                .unsure
                                .insert((message.clone(), emoji.clone(), false));
                            self.ask_mine(&space, &message, fx);
                        }
                        let why = self.why(&e, Task::Messages);
                        if reconcile::is_unsure(&e) {
                            self.note(format!(
                                "Checking whether your {label} reaction was removed ({why})."
                            ));
                        } else {
                            self.error(format!("Your {label} reaction was not removed: {why}"));
                        }
                    }
                }
            }
            ReactOutcome::Mine {
                space,
                message,
                result,
            } => {
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
            ReactOutcome::CustomEmoji(r) => match r {
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
                        let old = self.react.pins.get(&space);
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
                    self.react.pins.insert(space.clone(), map);
                    for m in changed {
                        self.touch_message(&space, &m);
                    }
                }
                Err(e) => {
                    self.react.pins_loaded.remove(&space);
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
                self.react.pinning.remove(&message);
                match result {
                    Ok(p) => {
                        self.react
                            .pins
                            .entry(space.clone())
                            .or_default()
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
                        if let Some(p) = self.react.pins.get_mut(&space) {
                            p.remove(&message);
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
                    self.react
                        .pins
                        .entry(space.clone())
                        .or_default()
                        .insert(message.clone(), Some(pin));
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
        }
    }

    fn bump(&mut self, space: &str, message: &str, key: &EmojiKey, delta: i32) {
        if let Some(t) = self.timelines.get_mut(space) {
            t.update_msg(message, |m| super::react::bump_summary(m, key, delta));
        }
    }

    fn ask_mine(&mut self, space: &str, message: &str, fx: &mut Vec<Effect>) {
        if let Some(user) = self.me.user.clone() {
            self.react.mine_started();
            fx.push(Effect::React(ReactEffect::ListMine {
                space: space.to_string(),
                message: message.to_string(),
                user,
            }));
        }
    }
}
