//! A space as the store keeps it ([`SpaceRec`]), and the map of all spaces, which
//! remembers which were added, removed or borrowed for change (see `tracked`).

use std::collections::{BTreeMap, HashMap};
use std::ops::Deref;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::records::{MemberRec, MsgRec, RequestRec, ThreadRec, UploadRec};
use super::tracked::{GrowMap, Messages};
use crate::api::model::*;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpaceRec {
    /// Stored fields of the space; counts and URIs are computed when read.
    pub space: Space,
    /// `users/<id>` of the person or app that created it.
    pub creator: String,
    #[serde(default)]
    pub members: Vec<MemberRec>,
    /// In creation order, which is `createTime` order. Deleted messages stay as tombstones.
    #[serde(default)]
    pub messages: Messages,
    #[serde(default)]
    pub threads: GrowMap<ThreadRec>,
    /// `users/<caller>|<threadKey>` -> thread id: keys are scoped to who set them.
    #[serde(default)]
    pub thread_keys: GrowMap<String>,
    /// client-assigned id -> message id.
    #[serde(default)]
    pub client_ids: GrowMap<String>,
    /// requestId -> who sent it and the message it created.
    #[serde(default)]
    pub request_ids: GrowMap<RequestRec>,
    /// Uploaded attachment data by id.
    #[serde(default)]
    pub uploads: GrowMap<UploadRec>,
    /// The last timestamp handed out in this space: they strictly increase.
    #[serde(default, with = "timestamp")]
    pub last_time: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub index: HashMap<String, usize>,
}

impl SpaceRec {
    pub fn new(space: Space, creator: String) -> Self {
        SpaceRec {
            space,
            creator,
            members: Vec::new(),
            messages: Messages::default(),
            threads: GrowMap::default(),
            thread_keys: GrowMap::default(),
            client_ids: GrowMap::default(),
            request_ids: GrowMap::default(),
            uploads: GrowMap::default(),
            last_time: None,
            index: HashMap::new(),
        }
    }

    pub fn id(&self) -> &str {
        self.space
            .name
            .as_deref()
            .and_then(|n| n.strip_prefix("spaces/"))
            .unwrap_or("")
    }

    pub fn kind(&self) -> SpaceType {
        self.space.kind()
    }

    /// A timestamp later than any handed out before in this space.
    pub fn next_time(&mut self, now: DateTime<Utc>) -> DateTime<Utc> {
        let t = match self.last_time {
            Some(last) if now <= last => last + Duration::microseconds(1),
            _ => now,
        };
        self.last_time = Some(t);
        t
    }

    pub fn member(&self, user_id: &str) -> Option<&MemberRec> {
        self.members.iter().find(|m| m.user_id == user_id)
    }

    pub fn member_mut(&mut self, user_id: &str) -> Option<&mut MemberRec> {
        self.members.iter_mut().find(|m| m.user_id == user_id)
    }

    pub fn is_joined(&self, user_id: &str) -> bool {
        self.member(user_id).is_some_and(|m| m.joined())
    }

    pub fn joined_managers(&self) -> usize {
        self.members.iter().filter(|m| m.is_manager()).count()
    }

    pub fn rebuild_index(&mut self) {
        self.index = self
            .messages
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.clone(), i))
            .collect();
    }

    /// A message by server id or client-assigned id, deleted or not.
    pub fn find_message(&self, id: &str) -> Option<usize> {
        let id = self.client_ids.get(id).map(String::as_str).unwrap_or(id);
        self.index.get(id).copied()
    }

    pub fn push_message(&mut self, rec: MsgRec) -> usize {
        let i = self.messages.len();
        self.index.insert(rec.id.clone(), i);
        self.messages.push(rec);
        i
    }

    /// Forgets what was changed (after loading or building).
    pub fn clear_logs(&mut self) {
        self.messages.take_log();
        self.threads.take_log();
        self.thread_keys.take_log();
        self.client_ids.take_log();
        self.request_ids.take_log();
        self.uploads.take_log();
    }

    /// Live replies in the thread that `root` starts.
    pub fn live_replies(&self, thread_id: &str) -> Vec<usize> {
        self.messages
            .iter()
            .enumerate()
            .filter(|(_, m)| m.thread_id == thread_id && m.is_reply() && !m.deleted())
            .map(|(i, _)| i)
            .collect()
    }

    pub fn has_messages(&self) -> bool {
        !self.messages.is_empty()
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
    pub members: Vec<MemberRec>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::ids::now;

    #[test]
    fn times_strictly_increase_within_a_space() {
        let mut s = SpaceRec::new(Space::default(), "users/1".into());
        let t = now();
        let a = s.next_time(t);
        let b = s.next_time(t);
        let c = s.next_time(t - Duration::seconds(5));
        assert!(a < b && b < c);
    }
}
