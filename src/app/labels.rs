//! What the spaces list calls each space, kept between frames. A group chat or DM is
//! named after its members, a join of their names: done once when the space, its members,
//! the names known or the signed-in user change, not for every space on every frame.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};

use super::App;
use crate::api::model::{Space, SpaceType};
use crate::clean::Clean;

/// A stamp no other member list change in this process has: a list carries the stamp of
/// its last change, so a label made from it knows when it is out of date.
pub(super) fn next_generation() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Labels by space name, each with what it was made from.
#[derive(Debug, Default)]
pub struct SpaceLabels {
    by_space: HashMap<String, Entry>,
    /// The signed-in user the labels were made for (they leave out "me").
    me: Option<(Option<String>, bool)>,
    /// Labels made from scratch so far, kept or not: what tests count to see that
    /// frames reuse them.
    computed: Cell<u64>,
}

#[derive(Debug)]
struct Entry {
    /// The space's own name for itself, its kind and whether it is an app's DM.
    display_name: Option<String>,
    kind: SpaceType,
    bot_dm: bool,
    /// The stamp of the member list (0: none) and the names version it was made with.
    members: u64,
    people: u64,
    label: Clean,
    /// The label lowercased, for the filter.
    lower: String,
}

impl SpaceLabels {
    /// How many labels have been made: unchanged across frames with nothing new.
    pub fn computed(&self) -> u64 {
        self.computed.get()
    }

    fn entry(&self, app: &App, s: &Space) -> Option<&Entry> {
        let e = self.by_space.get(s.name.as_deref()?)?;
        let fresh = e.display_name.as_deref() == s.display_name.as_deref()
            && e.kind == s.kind()
            && e.bot_dm == s.single_user_bot_dm
            && e.members == members_stamp(app, s)
            && e.people == app.people.version
            && self.me.as_ref().is_some_and(|(user, is_app)| {
                user.as_deref() == app.me.user.as_deref() && *is_app == app.me.is_app
            });
        fresh.then_some(e)
    }

    /// `s`'s label and its lowercase form, if made from what is known now.
    pub fn get(&self, app: &App, s: &Space) -> Option<(&Clean, &str)> {
        self.entry(app, s).map(|e| (&e.label, e.lower.as_str()))
    }
}

fn members_stamp(app: &App, s: &Space) -> u64 {
    s.name
        .as_deref()
        .and_then(|n| app.store.members(n))
        .map_or(0, |l| l.generation())
}

fn me_stamp(app: &App) -> (Option<String>, bool) {
    (app.me.user.clone(), app.me.is_app)
}

impl App {
    /// Makes the labels that are missing or out of date, and forgets those of spaces no
    /// longer listed. Run after each update, so drawing only looks them up.
    pub(super) fn refresh_labels(&mut self) {
        let me = me_stamp(self);
        if self.labels.me.as_ref() != Some(&me) {
            self.labels.by_space.clear();
            self.labels.me = Some(me);
        }
        if self.labels.by_space.len() > self.spaces.all.len() {
            let listed: HashSet<&str> = self
                .spaces
                .all
                .iter()
                .filter_map(|s| s.name.as_deref())
                .collect();
            self.labels
                .by_space
                .retain(|k, _| listed.contains(k.as_str()));
        }
        let made: Vec<(String, Entry)> = self
            .spaces
            .all
            .iter()
            .filter(|s| self.labels.entry(self, s).is_none())
            .filter_map(|s| {
                let name = s.name.clone()?;
                let label = self.make_space_label(s);
                let entry = Entry {
                    display_name: s.display_name.clone(),
                    kind: s.kind(),
                    bot_dm: s.single_user_bot_dm,
                    members: members_stamp(self, s),
                    people: self.people.version,
                    lower: label.to_lowercase(),
                    label,
                };
                Some((name, entry))
            })
            .collect();
        self.labels.by_space.extend(made);
    }

    /// What to call a space: its name, or for conversations, who is in it.
    pub fn space_label(&self, s: &Space) -> Clean {
        match self.labels.get(self, s) {
            Some((label, _)) => label.clone(),
            None => self.make_space_label(s),
        }
    }

    /// The label as made from scratch (what the cache keeps).
    fn make_space_label(&self, s: &Space) -> Clean {
        self.labels.computed.set(self.labels.computed.get() + 1);
        if let Some(n) = s.display_name.as_deref().filter(|n| !n.is_empty()) {
            return Clean::line(n);
        }
        let name = s.name.as_deref().unwrap_or("");
        let others: Vec<Clean> = self
            .store
            .members(name)
            .map(|m| {
                m.iter()
                    .filter_map(|x| x.member.as_ref())
                    .filter(|u| u.name.as_deref().is_none_or(|n| !self.is_me(n)))
                    .filter(|u| !(self.me.is_app && u.is_bot()))
                    .map(|u| self.member_label(u))
                    .collect()
            })
            .unwrap_or_default();
        let label = match (s.kind(), others.is_empty()) {
            (_, false) => others
                .iter()
                .map(Clean::as_str)
                .collect::<Vec<_>>()
                .join(", "),
            (SpaceType::DirectMessage, true) if s.single_user_bot_dm => "Chat app (DM)".into(),
            (SpaceType::DirectMessage, true) => "Direct message".into(),
            (SpaceType::GroupChat, true) => "Group chat".into(),
            _ => name.to_string(),
        };
        Clean::line(&label)
    }
}
