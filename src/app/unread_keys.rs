//! The keys over read state: marking read, muting, and going to what is unread.

use crate::api::SpaceName;

use std::time::Instant;

use crate::app::user_requests::UserEffect;
use crate::app::{App, Effect, Focus};

impl App {
    /// `r`: marks `space` read, here and on the server.
    pub(super) fn mark_space_read(&mut self, space: &SpaceName, fx: &mut Vec<Effect>) {
        let now = self.settings.now();
        let space_time = self
            .space(space)
            .and_then(|s| self.store.activity(s))
            .unwrap_or(now);
        // Never behind what is known read (a clock behind the server's).
        let t = now
            .max(space_time)
            .max(self.store.server_read(space).unwrap_or(now));
        self.store.mark_read(space, t);
        self.store.reads_entry(space).mentions = 0;
        if self.shares_reads() {
            self.store.reads_entry(space).pushing = Some(Instant::now());
            fx.push(Effect::User(UserEffect::SetReadState {
                space: space.clone(),
                time: t,
            }));
        }
        self.dirty = true;
    }

    /// `R`: every space with something unread is marked read.
    pub(super) fn mark_all_read(&mut self, fx: &mut Vec<Effect>) {
        let unread: Vec<SpaceName> = self
            .spaces
            .all
            .iter()
            .filter_map(|s| s.name.as_deref().and_then(Self::space_name))
            .filter(|n| self.unread(n) > 0 || self.store.mentions_in(n) > 0)
            .collect();
        for s in &unread {
            self.mark_space_read(s, fx);
        }
        self.note(match unread.len() {
            0 => "Nothing unread.".to_string(),
            1 => "Marked 1 space read.".to_string(),
            n => format!("Marked {n} spaces read."),
        });
    }

    /// `m`: mutes or unmutes the selected space.
    pub(super) fn toggle_mute(&mut self, fx: &mut Vec<Effect>) {
        if let Some(why) = self.mute_unavailable() {
            self.error(format!("Mute: unavailable, {why}."));
            return;
        }
        let Some(space) = self.target_space() else {
            return;
        };
        let muted = !self.store.is_muted(&space);
        fx.push(Effect::User(UserEffect::SetMute { space, muted }));
    }

    /// `U`: opens the next space with unread messages after the selected one, those
    /// that mention the user first.
    pub(super) fn next_unread_space(&mut self, fx: &mut Vec<Effect>) {
        let names: Vec<String> = self
            .visible_spaces()
            .iter()
            .filter_map(|s| s.name.clone())
            .collect();
        let from = self
            .spaces
            .selected
            .as_deref()
            .or(self.current.as_deref())
            .and_then(|s| names.iter().position(|n| n == s))
            .map_or(0, |i| i + 1);
        let order: Vec<&String> = names[from.min(names.len())..]
            .iter()
            .chain(names[..from.min(names.len())].iter())
            .collect();
        let pick = order
            .iter()
            .find(|n| self.store.mentions_in(n) > 0 && self.unread(n) > 0)
            .or_else(|| order.iter().find(|n| self.unread(n) > 0))
            .map(|n| (*n).clone());
        let Some(space) = pick else {
            self.note("No space has unread messages.");
            return;
        };
        self.spaces.selected = Some(space.clone());
        self.leaving_for(&space);
        self.open_listed(&space, fx);
        self.focus = Focus::Messages;
    }

    /// `u`: selects the first message not read when the space was opened.
    pub(super) fn first_unread(&mut self) {
        let Some(space) = self.current.clone() else {
            return;
        };
        let first = self
            .views
            .get(space.as_str())
            .and_then(|v| v.unread_from.clone());
        let Some(first) = first else {
            self.note("Nothing was unread here when the space was opened.");
            return;
        };
        let rows = self.rows_for(&space);
        let sel = rows
            .rows
            .iter()
            .find(|r| matches!(r, crate::app::timeline::Row::Msg { name, .. } if **name == *first))
            .cloned();
        let v = self.views.entry(space.into()).or_default();
        match sel {
            Some(sel) => {
                v.selected = Some(sel);
                v.anchor = Some((crate::app::timeline::Row::Unread, 0));
            }
            None => self.note("The first unread message is no longer shown."),
        }
        self.dirty = true;
    }
}
