//! The workspace: what the server said of each space (its messages, members, pins, read
//! state and notification setting) and what is known of it besides (read mark, unread
//! count, activity), one struct per space keyed by its typed name, so forgetting a space
//! is one removal. What the screen shows of a space (selection, scroll, filter) is not
//! here: that is the views'.

use std::collections::HashMap;
use std::time::Instant;

use chrono::{DateTime, Utc};

use crate::api::model::Space;
use crate::api::SpaceName;

use super::members::MemberList;
use super::timeline::Timeline;

/// Everything the workspace holds of one space: each part once it has been asked for.
#[derive(Debug, Default)]
pub struct SpaceState {
    pub timeline: Option<Timeline>,
    pub members: Option<MemberList>,
    pub marks: SpaceMarks,
    pub pins: Pins,
    pub reads: ReadRecord,
}

/// What is known of a space besides its messages and members: read mark, unread count,
/// latest activity and permission settings.
#[derive(Debug, Default, Clone)]
pub struct SpaceMarks {
    /// When the space was last read here.
    pub last_read: Option<DateTime<Utc>>,
    pub unread: usize,
    /// The newest message seen in it.
    pub activity: Option<DateTime<Utc>>,
    /// Its permission settings, from `spaces.get` (lists leave them out).
    pub permissions: Option<serde_json::Value>,
}

/// A space's pinned messages: message name to pin name (`None` while the pin is on its
/// way), and whether the server has listed them.
#[derive(Debug, Default, Clone)]
pub struct Pins {
    pub by_message: HashMap<String, Option<String>>,
    pub listed: bool,
}

/// The user's read state and notification setting of a space, as the server said, and
/// when they were last asked or moved here.
#[derive(Debug, Default, Clone)]
pub struct ReadRecord {
    /// The server's read time, as last known.
    pub server_read: Option<DateTime<Utc>>,
    /// When the read mark last moved here, for sending it once it rests.
    pub moved_at: Option<Instant>,
    /// A read state being sent, since when.
    pub pushing: Option<Instant>,
    /// When the read state was last asked with the unread count, and the space's
    /// activity then.
    pub read_asked: Option<(Instant, Option<DateTime<Utc>>)>,
    /// What was read when the space was last opened.
    pub read_at_open: Option<DateTime<Utc>>,
    pub muted: bool,
    /// Whether it is muted has been asked.
    pub mute_asked: bool,
    /// Unread mentions of the user.
    pub mentions: usize,
    /// The newest message considered for notifications.
    pub notified: Option<DateTime<Utc>>,
}

/// Per-space server data, by space name. Looked up by a name as written (`spaces/ID`);
/// a name that is not a valid space name has no state, and what is written under one
/// is dropped (it could never be asked of the server either).
#[derive(Debug, Default)]
pub struct Workspace {
    spaces: HashMap<SpaceName, SpaceState>,
    /// Where writes under an invalid name go: emptied before each use.
    scratch: SpaceState,
}

impl Workspace {
    pub fn get(&self, space: &str) -> Option<&SpaceState> {
        self.spaces.get(space)
    }

    pub fn get_mut(&mut self, space: &str) -> Option<&mut SpaceState> {
        self.spaces.get_mut(space)
    }

    /// The state of `space`, made empty if there was none.
    pub fn entry(&mut self, space: &str) -> &mut SpaceState {
        let key = match self.spaces.get_key_value(space) {
            Some((k, _)) => k.clone(),
            None => match SpaceName::parse(space) {
                Ok(name) if name.as_str() == space => name,
                _ => {
                    tracing::warn!("state for an invalid space name was dropped");
                    self.scratch = SpaceState::default();
                    return &mut self.scratch;
                }
            },
        };
        self.spaces.entry(key).or_default()
    }

    pub fn contains(&self, space: &str) -> bool {
        self.spaces.contains_key(space)
    }

    /// Forgets everything held of `space`.
    pub fn forget(&mut self, space: &str) -> Option<SpaceState> {
        self.spaces.remove(space)
    }

    /// The spaces with state, in no order.
    pub fn names(&self) -> impl Iterator<Item = &SpaceName> {
        self.spaces.keys()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&SpaceName, &SpaceState)> {
        self.spaces.iter()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&SpaceName, &mut SpaceState)> {
        self.spaces.iter_mut()
    }

    pub fn has_timeline(&self, space: &str) -> bool {
        self.timeline(space).is_some()
    }

    pub fn has_members(&self, space: &str) -> bool {
        self.members(space).is_some()
    }

    pub fn timeline(&self, space: &str) -> Option<&Timeline> {
        self.get(space).and_then(|s| s.timeline.as_ref())
    }

    pub fn timeline_mut(&mut self, space: &str) -> Option<&mut Timeline> {
        self.get_mut(space).and_then(|s| s.timeline.as_mut())
    }

    /// The timeline of `space`, made empty if there was none.
    pub fn timeline_entry(&mut self, space: &str) -> &mut Timeline {
        self.entry(space)
            .timeline
            .get_or_insert_with(Timeline::default)
    }

    /// Every timeline held.
    pub fn timelines(&self) -> impl Iterator<Item = (&SpaceName, &Timeline)> {
        self.spaces
            .iter()
            .filter_map(|(n, s)| s.timeline.as_ref().map(|t| (n, t)))
    }

    pub fn members(&self, space: &str) -> Option<&MemberList> {
        self.get(space).and_then(|s| s.members.as_ref())
    }

    pub fn members_mut(&mut self, space: &str) -> Option<&mut MemberList> {
        self.get_mut(space).and_then(|s| s.members.as_mut())
    }

    /// The member list of `space`, made empty if there was none.
    pub fn members_entry(&mut self, space: &str) -> &mut MemberList {
        self.entry(space)
            .members
            .get_or_insert_with(MemberList::default)
    }

    /// What is known of `space` besides its messages, if anything.
    pub fn marks(&self, space: &str) -> Option<&SpaceMarks> {
        self.get(space).map(|s| &s.marks)
    }

    pub fn marks_entry(&mut self, space: &str) -> &mut SpaceMarks {
        &mut self.entry(space).marks
    }

    pub fn note_activity(&mut self, space: &str, t: DateTime<Utc>) {
        let seen = &mut self.marks_entry(space).activity;
        *seen = (*seen).max(Some(t));
    }

    /// The later of the newest message seen in `s` and the list's last activity.
    pub fn activity(&self, s: &Space) -> Option<DateTime<Utc>> {
        let seen = s
            .name
            .as_deref()
            .and_then(|n| self.marks(n))
            .and_then(|m| m.activity);
        seen.max(s.last_active_time)
    }

    /// Everything up to `t` in `space` has been seen.
    pub fn mark_read(&mut self, space: &str, t: DateTime<Utc>) {
        let m = self.marks_entry(space);
        m.last_read = m.last_read.max(Some(t));
        m.unread = 0;
    }

    /// When `space` was last read here.
    pub fn last_read(&self, space: &str) -> Option<DateTime<Utc>> {
        self.marks(space).and_then(|m| m.last_read)
    }

    /// Sets when `space` was last read (a read mark kept from an earlier run, say).
    pub fn set_last_read(&mut self, space: &str, t: DateTime<Utc>) {
        self.marks_entry(space).last_read = Some(t);
    }

    /// Every read mark, for keeping between runs.
    pub fn read_marks(&self) -> HashMap<String, DateTime<Utc>> {
        self.spaces
            .iter()
            .filter_map(|(n, s)| s.marks.last_read.map(|t| (n.to_string(), t)))
            .collect()
    }

    /// Unread messages in `space`, as last counted.
    pub fn unread_count(&self, space: &str) -> usize {
        self.marks(space).map_or(0, |m| m.unread)
    }

    pub fn set_unread(&mut self, space: &str, n: usize) {
        self.marks_entry(space).unread = n;
    }

    /// `space`'s permission settings, once loaded.
    pub fn permissions(&self, space: &str) -> Option<&serde_json::Value> {
        self.marks(space).and_then(|m| m.permissions.as_ref())
    }

    pub fn set_permissions(&mut self, space: &str, rules: serde_json::Value) {
        self.marks_entry(space).permissions = Some(rules);
    }

    /// `space`'s pins, if any are known.
    pub fn pins(&self, space: &str) -> Option<&Pins> {
        self.get(space).map(|s| &s.pins)
    }

    pub fn pins_entry(&mut self, space: &str) -> &mut Pins {
        &mut self.entry(space).pins
    }

    pub fn is_pinned(&self, space: &str, message: &str) -> bool {
        self.pins(space)
            .is_some_and(|p| p.by_message.contains_key(message))
    }

    /// Whether `space`'s pins have been listed.
    pub fn pins_listed(&self, space: &str) -> bool {
        self.pins(space).is_some_and(|p| p.listed)
    }

    /// The user's read state and notification setting of `space`, if known.
    pub fn reads(&self, space: &str) -> Option<&ReadRecord> {
        self.get(space).map(|s| &s.reads)
    }

    pub fn reads_entry(&mut self, space: &str) -> &mut ReadRecord {
        &mut self.entry(space).reads
    }

    pub fn is_muted(&self, space: &str) -> bool {
        self.reads(space).is_some_and(|r| r.muted)
    }

    /// Unread mentions of the user in `space`.
    pub fn mentions_in(&self, space: &str) -> usize {
        self.reads(space).map_or(0, |r| r.mentions)
    }

    /// Unread mentions in every space.
    pub fn mention_total(&self) -> usize {
        self.spaces.values().map(|s| s.reads.mentions).sum()
    }

    /// The server's read time of `space`, when known.
    pub fn server_read(&self, space: &str) -> Option<DateTime<Utc>> {
        self.reads(space).and_then(|r| r.server_read)
    }

    /// Changes every space's read record (a reload asks them all again).
    pub fn for_each_reads(&mut self, f: impl Fn(&mut ReadRecord)) {
        self.spaces.values_mut().for_each(|s| f(&mut s.reads));
    }

    /// Every member list held.
    pub fn member_lists(&self) -> impl Iterator<Item = &MemberList> {
        self.spaces.values().filter_map(|s| s.members.as_ref())
    }

    pub fn member_lists_mut(&mut self) -> impl Iterator<Item = &mut MemberList> {
        self.spaces.values_mut().filter_map(|s| s.members.as_mut())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_space_is_looked_up_by_its_name_as_written_and_forgotten_whole() {
        let mut w = Workspace::default();
        w.timeline_entry("spaces/AAA").loaded = true;
        w.members_entry("spaces/AAA").loaded = true;
        assert!(w.timeline("spaces/AAA").is_some_and(|t| t.loaded));
        assert!(w.members("spaces/AAA").is_some_and(|m| m.loaded));
        assert!(w.forget("spaces/AAA").is_some());
        assert!(!w.contains("spaces/AAA"));
        assert!(w.timeline("spaces/AAA").is_none() && w.members("spaces/AAA").is_none());
    }

    #[test]
    fn an_invalid_or_bare_name_holds_nothing() {
        let mut w = Workspace::default();
        for bad in ["spaces/../../evil", "", "AAA", "spaces/a b"] {
            w.timeline_entry(bad).loaded = true;
            assert!(!w.contains(bad), "{bad}");
            assert!(w.timeline(bad).is_none(), "{bad}");
            assert!(!w.timeline_entry(bad).loaded, "{bad}: scratch is emptied");
        }
        assert_eq!(w.names().count(), 0);
    }
}
