//! The workspace: what the server said of each space (its messages and its members),
//! one struct per space keyed by its typed name, so forgetting a space is one removal.
//! What the screen shows of a space (selection, scroll) is not here: that is the views'.

use std::collections::HashMap;

use crate::api::SpaceName;

use super::members::MemberList;
use super::timeline::Timeline;

/// Everything the workspace holds of one space: each part once it has been asked for.
#[derive(Debug, Default)]
pub struct SpaceState {
    pub timeline: Option<Timeline>,
    pub members: Option<MemberList>,
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
