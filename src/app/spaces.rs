//! The spaces pane: every space, newest activity first, named for people to read (a DM
//! by the other person), filtered as you type, with unread counts.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

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
    /// What is known of each space besides the list's copy, by space name.
    marks: HashMap<String, SpaceMarks>,
    /// Conversations started or found here and not yet listed: the API lists a group
    /// chat or DM only once it has a message, so a list without them keeps them.
    unlisted: HashSet<String>,
}

/// What the workspace knows of one space besides its messages and members: read mark,
/// unread count, latest activity and permission settings. No selection or scroll: so
/// forgetting a space is one removal.
#[derive(Debug, Default, Clone)]
struct SpaceMarks {
    /// When the space was last read here.
    last_read: Option<DateTime<Utc>>,
    unread: usize,
    /// The newest message seen in it.
    activity: Option<DateTime<Utc>>,
    /// Its permission settings, from `spaces.get` (lists leave them out).
    permissions: Option<serde_json::Value>,
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
        self.marks.remove(space);
        if self.selected.as_deref() == Some(space) {
            self.selected = None;
        }
    }

    fn marks(&mut self, space: &str) -> &mut SpaceMarks {
        self.marks.entry(space.to_string()).or_default()
    }

    pub fn note_activity(&mut self, space: &str, t: DateTime<Utc>) {
        let seen = &mut self.marks(space).activity;
        *seen = (*seen).max(Some(t));
    }

    pub fn activity(&self, s: &Space) -> Option<DateTime<Utc>> {
        let seen = s
            .name
            .as_ref()
            .and_then(|n| self.marks.get(n))
            .and_then(|m| m.activity);
        seen.max(s.last_active_time)
    }

    /// Everything up to `t` in `space` has been seen.
    pub fn mark_read(&mut self, space: &str, t: DateTime<Utc>) {
        let m = self.marks(space);
        m.last_read = m.last_read.max(Some(t));
        m.unread = 0;
    }

    /// When `space` was last read here.
    pub fn last_read(&self, space: &str) -> Option<DateTime<Utc>> {
        self.marks.get(space).and_then(|m| m.last_read)
    }

    /// Sets when `space` was last read (a read mark kept from an earlier run, say).
    pub fn set_last_read(&mut self, space: &str, t: DateTime<Utc>) {
        self.marks(space).last_read = Some(t);
    }

    /// Every read mark, for keeping between runs.
    pub fn read_marks(&self) -> HashMap<String, DateTime<Utc>> {
        self.marks
            .iter()
            .filter_map(|(s, m)| m.last_read.map(|t| (s.clone(), t)))
            .collect()
    }

    /// When `space` was last active, per the spaces list.
    pub fn last_active(&self, space: &str) -> Option<DateTime<Utc>> {
        self.all
            .iter()
            .find(|s| s.name.as_deref() == Some(space))
            .and_then(|s| s.last_active_time)
    }

    /// Unread messages in `space`, as last counted.
    pub fn unread_count(&self, space: &str) -> usize {
        self.marks.get(space).map_or(0, |m| m.unread)
    }

    pub fn set_unread(&mut self, space: &str, n: usize) {
        self.marks(space).unread = n;
    }

    /// `space`'s permission settings, once loaded.
    pub fn permissions(&self, space: &str) -> Option<&serde_json::Value> {
        self.marks.get(space).and_then(|m| m.permissions.as_ref())
    }

    pub fn set_permissions(&mut self, space: &str, rules: serde_json::Value) {
        self.marks(space).permissions = Some(rules);
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
                Some((s, self.spaces.activity(s), label))
            })
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.2.cmp(&b.2)));
        v.into_iter().map(|(s, _, _)| s).collect()
    }

    pub fn unread(&self, space: &str) -> usize {
        if self.current.as_deref() == Some(space) {
            return 0;
        }
        self.spaces.unread_count(space)
    }
}
