//! What the reaction and quote keys do (pins: `pins`; answers: `react_answers`).

use crate::api::{MessageName, ReactionName, SpaceName};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::react::{
    emoji_glyph, emoji_label, unicode_name, Choice, EmojiKey, Mine, Picker, Quote, ReactEffect,
    COMMON,
};
use super::timeline::MessageId;
use super::{App, Effect};
use crate::clean::Clean;
use crate::keymap::{Command, Mode};

impl App {
    /// Opening a space: its pins, and (once) the organization's custom emoji.
    pub(super) fn react_on_open(&mut self, space: &SpaceName, fx: &mut Vec<Effect>) {
        if self.me.is_app {
            return;
        }
        if !self.store.pins_listed(space) && self.unavailable(Command::Pins).is_none() {
            self.store.pins_entry(space).listed = true;
            fx.push(Effect::React(ReactEffect::ListPins {
                space: space.clone(),
            }));
        }
    }

    /// A reload (`Ctrl-r`): the space's pins, and the user's own reactions, asked again.
    pub(super) fn react_refresh(&mut self, space: &SpaceName, fx: &mut Vec<Effect>) {
        if let Some(s) = self.store.get_mut(space) {
            s.pins.listed = false;
        }
        let prefix = format!("{space}/");
        self.react.mine_asked.retain(|m| !m.starts_with(&prefix));
        self.react.mine_scanned = None;
        self.react_on_open(space, fx);
    }

    /// The messages pane's reaction, quote and pin commands.
    pub(super) fn react_command(&mut self, c: Command, space: &SpaceName, fx: &mut Vec<Effect>) {
        match c {
            Command::React => self.open_picker(space, fx),
            Command::Quote => self.start_quote(space),
            Command::Pin => self.toggle_pin(space, fx),
            Command::Pins => self.open_pins(space, fx),
            _ => {}
        }
    }

    /// The selected message, when it is on the server (not a local copy).
    pub(super) fn selected_server_message(&mut self, what: &str) -> Option<super::timeline::Item> {
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

    fn open_picker(&mut self, space: &SpaceName, fx: &mut Vec<Effect>) {
        let Some(item) = self.selected_server_message("react to") else {
            return;
        };
        let Some(name) = self.server_name(&item) else {
            return;
        };
        let message = item.name().to_string();
        if !self.react.custom_asked {
            self.react.custom_asked = true;
            fx.push(Effect::React(ReactEffect::ListCustomEmoji {}));
        }
        if let Some(user) = self.me_ref() {
            if !self.react.mine_asked.contains(&message) {
                self.react.mine_asked.insert(message.clone());
                self.react.mine_started();
                fx.push(Effect::React(ReactEffect::ListMine {
                    space: space.clone(),
                    message: name,
                    user,
                }));
            }
        }
        let all = self.picker_choices(space, &message);
        self.react.picker = Some(Picker {
            space: space.clone(),
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
        let tl = self.store.timeline(space);
        if let Some(it) = tl.and_then(|t| t.get(message)) {
            for s in it.reaction_summaries() {
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
            for s in it.reaction_summaries() {
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
            let cmd = self.keymap.lookup(Mode::Picker, &k).or(cmd);
            match cmd {
                Some(Command::Cancel | Command::Close) => self.react.pins_list = None,
                Some(Command::Up) => list.pick = list.pick.saturating_sub(1),
                Some(Command::Down) => list.pick = (list.pick + 1).min(n.saturating_sub(1)),
                Some(Command::Submit) => {
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
        let cmd = self.keymap.lookup(Mode::List, &k).or(cmd);
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
            (Some(Command::Up), _) => p.pick = p.pick.saturating_sub(1),
            (Some(Command::Down), _) => p.pick = (p.pick + 1).min(n.saturating_sub(1)),
            (Some(Command::PageUp), _) => p.pick = p.pick.saturating_sub(10),
            (Some(Command::PageDown), _) => p.pick = (p.pick + 10).min(n.saturating_sub(1)),
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
        space: &SpaceName,
        message: &str,
        key: &EmojiKey,
        fx: &mut Vec<Effect>,
    ) {
        let name = match MessageName::parse(message) {
            Ok(n) => n,
            Err(e) => {
                self.error(format!("That message cannot be reacted to: {e}"));
                return;
            }
        };
        let pending = (message.to_string(), key.clone());
        if self.react.pending.contains(&pending) {
            self.error("That reaction is still on its way; a moment.");
            return;
        }
        let Some(tl) = self.store.timeline_mut(space) else {
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
                .and_then(|m| m.name.as_deref())
                // A name the server got wrong: the reaction is looked up instead.
                .and_then(|n| ReactionName::parse(n).ok());
            mine.retain(|m| &m.key != key);
            tl.update_msg(message, |m| super::react::bump_summary(m, key, -1));
            let user = self.me_ref();
            fx.push(Effect::React(ReactEffect::Unreact {
                space: space.clone(),
                message: name,
                emoji: key.clone(),
                reaction,
                user,
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
                space: space.clone(),
                message: name,
                emoji: key.clone(),
            }));
            self.note(format!("Reacting with {label}…"));
        }
    }

    fn start_quote(&mut self, space: &SpaceName) {
        let Some(item) = self.selected_server_message("quote") else {
            return;
        };
        let Some(meta) = crate::api::client::quote_of(&item.to_message()) else {
            return;
        };
        let who = item
            .sender()
            .map(|u| self.member_label(u))
            .unwrap_or_default();
        let text = item
            .text()
            .map(String::from)
            .unwrap_or_else(|| "(card)".into());
        let preview = crate::markup::plain_preview(&text, self, 200);
        self.react.quote = Some(Quote {
            space: space.clone(),
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
        self.tie_note(super::notes::Tie::Quote);
    }

    /// An unsent message that quoted another is taken back to edit: the quote goes back
    /// above the box, as of the quoted message's copy here now (a refused quote was
    /// usually of a version since edited).
    pub(super) fn requote(
        &mut self,
        space: &SpaceName,
        quoted: Option<crate::api::model::QuotedMessageMetadata>,
    ) {
        let Some(name) = quoted.and_then(|q| q.name) else {
            return;
        };
        if let Some(q) = self.loaded_quote(space, &name) {
            self.react.quote = Some(q);
        }
    }

    /// A quote of `space`'s message `name` as its copy here is now.
    fn loaded_quote(&self, space: &SpaceName, name: &str) -> Option<Quote> {
        let item = self.store.timeline(space).and_then(|t| t.get(name))?;
        let meta = crate::api::client::quote_of(&item.to_message())?;
        let who = item
            .sender()
            .map(|u| self.member_label(u))
            .unwrap_or_default();
        let text = item
            .text()
            .map(String::from)
            .unwrap_or_else(|| "(card)".into());
        let preview = crate::markup::plain_preview(&text, self, 200);
        Some(Quote {
            space: space.clone(),
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
}
