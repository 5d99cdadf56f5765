//! Containers that remember what was changed in them, so that a request's changes can be
//! saved as a small record (proportional to the change, not to the store) and undone
//! exactly when saving fails. Reads go through `Deref`; every way to change the contents
//! is a method here, so nothing can change the store without it being noticed.

use std::collections::BTreeMap;
use std::ops::{Deref, Index, IndexMut};

use serde::{Deserialize, Serialize};

use super::records::MsgRec;

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
