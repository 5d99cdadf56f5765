//! The spaces pane: every space, newest activity first, named for people to read (a DM
//! by the other person), filtered as you type, with unread counts.

use std::borrow::Cow;
use std::collections::HashSet;

use chrono::{DateTime, Utc};

use super::App;
use crate::api::model::{Space, SpaceType};
use crate::clean::Clean;

#[derive(Debug, Default)]
pub struct SpaceList {
    pub all: Vec<Space>,
    pub loaded: bool,
    pub error: Option<String>,
    /// The selected space's name.
    pub selected: Option<String>,
    pub filter: String,
    /// The filter box has the keyboard.
    pub filtering: bool,
    /// Conversations started or found here and not yet listed: the API lists a group
    /// chat or DM only once it has a message, so a list without them keeps them.
    unlisted: HashSet<String>,
}

impl SpaceList {
    /// A fresh list from the server; conversations started or found here that it does
    /// not list yet are kept (until it lists them, or the user leaves them).
    pub fn replace(&mut self, list: Vec<Space>) {
        self.unlisted
            .retain(|u| !list.iter().any(|s| s.name.as_deref() == Some(u.as_str())));
        let kept: Vec<Space> = std::mem::take(&mut self.all)
            .into_iter()
            .filter(|s| s.name.as_ref().is_some_and(|n| self.unlisted.contains(n)))
            .collect();
        self.all = list;
        self.all.extend(kept);
    }

    /// `space` was started or found here: kept until a spaces list has it.
    pub fn keep_unlisted(&mut self, space: &str) {
        self.unlisted.insert(space.to_string());
    }

    pub fn upsert(&mut self, s: Space) {
        match self.all.iter_mut().find(|x| x.name == s.name) {
            Some(x) => *x = s,
            None => self.all.push(s),
        }
    }

    /// Takes `space` out of the list and forgets everything known about it here.
    pub fn forget(&mut self, space: &str) {
        self.unlisted.remove(space);
        self.all.retain(|s| s.name.as_deref() != Some(space));
        if self.selected.as_deref() == Some(space) {
            self.selected = None;
        }
    }

    /// When `space` was last active, per the spaces list.
    pub fn last_active(&self, space: &str) -> Option<DateTime<Utc>> {
        self.all
            .iter()
            .find(|s| s.name.as_deref() == Some(space))
            .and_then(|s| s.last_active_time)
    }
}

/// A space's kind, as a one-column mark.
pub fn marker(s: &Space) -> &'static str {
    match s.kind() {
        SpaceType::DirectMessage => "@",
        SpaceType::GroupChat => "&",
        _ => "#",
    }
}

/// A space as listed: when it was last active, and its label.
type Listed<'a> = (&'a Space, Option<DateTime<Utc>>, Cow<'a, Clean>);

impl App {
    /// The spaces as listed: newest activity first, filtered.
    pub fn visible_spaces(&self) -> Vec<&Space> {
        // The filter matches what is shown.
        let f = Clean::line(&self.spaces.filter).to_lowercase();
        let mut v: Vec<Listed> = self
            .spaces
            .all
            .iter()
            .filter_map(|s| {
                let label = match self.labels.get(self, s) {
                    Some((label, lower)) => {
                        if !f.is_empty() && !lower.contains(&f) {
                            return None;
                        }
                        Cow::Borrowed(label)
                    }
                    None => {
                        let label = self.space_label(s);
                        if !f.is_empty() && !label.to_lowercase().contains(&f) {
                            return None;
                        }
                        Cow::Owned(label)
                    }
                };
                Some((s, self.store.activity(s), label))
            })
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.2.cmp(&b.2)));
        v.into_iter().map(|(s, _, _)| s).collect()
    }

    pub fn unread(&self, space: &str) -> usize {
        if self.current.as_deref() == Some(space) {
            return 0;
        }
        self.store.unread_count(space)
    }
}
