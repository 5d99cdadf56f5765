//! Containers that remember what was changed in them, so that a request's changes can be
//! saved as a small record (proportional to the change, not to the store) and undone
//! exactly when saving fails. Reads go through `Deref`; every way to change the contents
//! is a method here, so nothing can change the store without it being noticed.

use std::collections::BTreeMap;
use std::ops::{Deref, Index, IndexMut};

use serde::{Deserialize, Serialize};

use super::store::{MsgRec, SpaceRec};

/// A space's messages, in creation order. Remembers appends and in-place changes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Messages {
    items: Vec<MsgRec>,
    /// (index, the value before) in the order the changes happened; `None`: appended.
    #[serde(skip)]
    log: Vec<(usize, Option<MsgRec>)>,
}

impl Messages {
    pub(crate) fn push(&mut self, rec: MsgRec) {
        self.log.push((self.items.len(), None));
        self.items.push(rec);
    }

    /// The changes since the log was last taken (oldest first), without taking them.
    pub(crate) fn log(&self) -> &[(usize, Option<MsgRec>)] {
        &self.log
    }

    /// Takes the change log (oldest first).
    pub(crate) fn take_log(&mut self) -> Vec<(usize, Option<MsgRec>)> {
        std::mem::take(&mut self.log)
    }

    /// Puts back what a change log entry replaced. Entries must be undone newest first.
    pub(crate) fn undo(&mut self, index: usize, before: Option<MsgRec>) {
        match before {
            Some(m) => {
                if let Some(slot) = self.items.get_mut(index) {
                    *slot = m;
                }
            }
            None => self.items.truncate(index),
        }
    }

    /// Sets message `index` (an existing one, or the next one) without logging: replay.
    pub(crate) fn put(&mut self, index: usize, rec: MsgRec) -> Result<(), String> {
        match index.cmp(&self.items.len()) {
            std::cmp::Ordering::Less => {
                self.items[index] = rec;
                Ok(())
            }
            std::cmp::Ordering::Equal => {
                self.items.push(rec);
                Ok(())
            }
            std::cmp::Ordering::Greater => Err(format!(
                "message {index} of a space that has {}",
                self.items.len()
            )),
        }
    }
}

impl From<Vec<MsgRec>> for Messages {
    fn from(items: Vec<MsgRec>) -> Self {
        Messages {
            items,
            log: Vec::new(),
        }
    }
}

impl Deref for Messages {
    type Target = Vec<MsgRec>;
    fn deref(&self) -> &Vec<MsgRec> {
        &self.items
    }
}

impl Index<usize> for Messages {
    type Output = MsgRec;
    fn index(&self, i: usize) -> &MsgRec {
        &self.items[i]
    }
}

impl IndexMut<usize> for Messages {
    fn index_mut(&mut self, i: usize) -> &mut MsgRec {
        let before = self.items[i].clone();
        self.log.push((i, Some(before)));
        &mut self.items[i]
    }
}

/// A map that only grows (or overwrites), remembering the keys it was given.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(
    transparent,
    bound(serialize = "V: Serialize", deserialize = "V: Deserialize<'de>")
)]
pub struct GrowMap<V> {
    map: BTreeMap<String, V>,
    /// (key, the value before) in the order the changes happened.
    #[serde(skip)]
    log: Vec<(String, Option<V>)>,
}

impl<V> Default for GrowMap<V> {
    fn default() -> Self {
        GrowMap {
            map: BTreeMap::new(),
            log: Vec::new(),
        }
    }
}

impl<V: Clone> GrowMap<V> {
    pub fn insert(&mut self, key: String, value: V) -> Option<V> {
        let before = self.map.insert(key.clone(), value);
        self.log.push((key, before.clone()));
        before
    }

    pub(crate) fn take_log(&mut self) -> Vec<(String, Option<V>)> {
        std::mem::take(&mut self.log)
    }

    pub(crate) fn undo(&mut self, key: String, before: Option<V>) {
        match before {
            Some(v) => self.map.insert(key, v),
            None => self.map.remove(&key),
        };
    }

    /// Sets a key without logging: replay.
    pub(crate) fn put(&mut self, key: String, value: V) {
        self.map.insert(key, value);
    }
}

impl<V> Deref for GrowMap<V> {
    type Target = BTreeMap<String, V>;
    fn deref(&self) -> &BTreeMap<String, V> {
        &self.map
    }
}

/// What happened to a space during a request, with what undoes it.
#[derive(Debug, Clone)]
pub enum SpaceEvent {
    /// Added (or replaced: the old one).
    Inserted(String, Option<Box<SpaceRec>>),
    /// Removed: the space as it was.
    Removed(String, Box<SpaceRec>),
    /// Borrowed for change: its fields outside the tracked containers, as they were.
    Touched(String, Box<SpaceHead>),
}

/// The parts of a space that are saved whole whenever the space changes: small, unlike
/// its messages and their indexes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpaceHead {
    pub space: crate::api::model::Space,
    pub creator: String,
    pub members: Vec<super::store::MemberRec>,
    #[serde(default)]
    pub last_time: Option<chrono::DateTime<chrono::Utc>>,
}

impl SpaceHead {
    pub fn of(rec: &SpaceRec) -> SpaceHead {
        SpaceHead {
            space: rec.space.clone(),
            creator: rec.creator.clone(),
            members: rec.members.clone(),
            last_time: rec.last_time,
        }
    }

    pub fn apply(self, rec: &mut SpaceRec) {
        rec.space = self.space;
        rec.creator = self.creator;
        rec.members = self.members;
        rec.last_time = self.last_time;
    }
}

/// All spaces by id. Remembers which were added, removed or borrowed for change.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Spaces {
    map: BTreeMap<String, SpaceRec>,
    #[serde(skip)]
    log: Vec<SpaceEvent>,
}

impl Spaces {
    pub fn insert(&mut self, id: String, rec: SpaceRec) -> Option<SpaceRec> {
        let before = self.map.insert(id.clone(), rec);
        self.log
            .push(SpaceEvent::Inserted(id, before.clone().map(Box::new)));
        before
    }

    pub fn remove(&mut self, id: &str) -> Option<SpaceRec> {
        let before = self.map.remove(id);
        if let Some(b) = &before {
            self.log
                .push(SpaceEvent::Removed(id.to_string(), Box::new(b.clone())));
        }
        before
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut SpaceRec> {
        let rec = self.map.get_mut(id)?;
        self.log.push(SpaceEvent::Touched(
            id.to_string(),
            Box::new(SpaceHead::of(rec)),
        ));
        Some(rec)
    }

    /// What happened since the log was last taken, without taking it.
    pub(crate) fn log(&self) -> &[SpaceEvent] {
        &self.log
    }

    pub(crate) fn take_log(&mut self) -> Vec<SpaceEvent> {
        std::mem::take(&mut self.log)
    }

    /// A space without logging: undo, replay and index rebuilding.
    pub(crate) fn get_mut_untracked(&mut self, id: &str) -> Option<&mut SpaceRec> {
        self.map.get_mut(id)
    }

    pub(crate) fn put_untracked(&mut self, id: String, rec: SpaceRec) {
        self.map.insert(id, rec);
    }

    pub(crate) fn remove_untracked(&mut self, id: &str) -> Option<SpaceRec> {
        self.map.remove(id)
    }

    pub(crate) fn values_mut_untracked(&mut self) -> impl Iterator<Item = &mut SpaceRec> {
        self.map.values_mut()
    }
}

impl Deref for Spaces {
    type Target = BTreeMap<String, SpaceRec>;
    fn deref(&self) -> &BTreeMap<String, SpaceRec> {
        &self.map
    }
}
