//! The members pane: managers first, then people, apps, and the invited.

use crate::api::model::{Membership, MembershipRole, MembershipState};
use crate::api::{MembershipName, SpaceName};

use super::people::People;
use super::App;
use crate::clean::Clean;

#[derive(Debug, Default)]
pub struct MemberList {
    /// In display order once [`App::sort_members`] has run (after every update).
    list: Vec<Membership>,
    pub loaded: bool,
    pub error: Option<String>,
    /// The names version the order was made with; `None` after a change.
    sorted_with: Option<u64>,
    /// Stamped anew by each change of the list (see `labels`); 0 for a new empty list.
    generation: u64,
    /// Joined and invited, counted when the list last changed (the pane's title).
    counted: Option<(usize, usize)>,
}

impl MemberList {
    pub fn find(&self, name: &str) -> Option<&Membership> {
        self.list.iter().find(|m| m.name.as_deref() == Some(name))
    }

    /// Takes a freshly loaded list.
    pub fn replace(&mut self, list: Vec<Membership>) {
        self.list = list;
        self.changed();
    }

    /// After any change to the list: sort again, count again, relabel.
    fn changed(&mut self) {
        self.sorted_with = None;
        self.counted = None;
        self.generation = super::labels::next_generation();
    }

    /// The stamp of the list's last change.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn iter(&self) -> impl Iterator<Item = &Membership> {
        self.list.iter()
    }

    /// Counts of joined members (people and apps) and of people invited.
    pub fn counts(&self) -> (usize, usize) {
        self.counted.unwrap_or_else(|| self.count())
    }

    fn count(&self) -> (usize, usize) {
        let of = |st: MembershipState| {
            self.list
                .iter()
                .filter(|m| m.state == Some(st.clone()))
                .count()
        };
        (of(MembershipState::Joined), of(MembershipState::Invited))
    }

    /// "7 members, 2 invited": the joined count (people and apps), then the invited.
    pub fn summary(&self) -> String {
        let (joined, invited) = self.counts();
        let mut s = format!("{joined} member{}", if joined == 1 { "" } else { "s" });
        if invited > 0 {
            s.push_str(&format!(", {invited} invited"));
        }
        s
    }

    /// Puts the list in display order, if it changed or names did since last time.
    fn sort(&mut self, people: &People) {
        if self.sorted_with == Some(people.version) {
            return;
        }
        self.list.sort_by_cached_key(|m| {
            let label = m
                .member
                .as_ref()
                .map(|u| people.user_label(u))
                .unwrap_or_default();
            (rank(m), crate::natural::key(&label))
        });
        self.sorted_with = Some(people.version);
        self.counted = Some(self.count());
    }

    pub fn upsert(&mut self, m: Membership) {
        self.changed();
        match self.list.iter_mut().find(|x| x.name == m.name) {
            Some(x) => {
                // Patches answer with fewer fields: keep what they leave out.
                let member = x.member.take();
                *x = Membership {
                    member: m.member.clone().or(member),
                    ..m
                };
            }
            None => self.list.push(m),
        }
    }

    pub fn remove(&mut self, name: &str) {
        self.changed();
        self.list.retain(|m| m.name.as_deref() != Some(name));
    }
}

/// The memberships of a list answer for `space` that are memberships of `space`: one
/// named under another space (or not named at all) would be listed as a member here and
/// removing it would act on the other space, so it is left out, and counted in the log.
pub fn of_space(space: &SpaceName, list: Vec<Membership>) -> Vec<Membership> {
    let before = list.len();
    let kept: Vec<Membership> = list
        .into_iter()
        .filter(|m| {
            m.name
                .as_deref()
                .and_then(|n| MembershipName::parse(n).ok())
                .is_some_and(|n| n.space() == space)
        })
        .collect();
    let left_out = before - kept.len();
    if left_out > 0 {
        tracing::warn!(
            left_out,
            "memberships not of the listed space were left out"
        );
    }
    kept
}

/// Where a membership sorts: managers, members, apps, invited.
fn rank(m: &Membership) -> u8 {
    let bot = m.member.as_ref().is_some_and(|u| u.is_bot());
    match (&m.state, &m.role, bot) {
        (Some(MembershipState::Invited), _, _) => 3,
        (_, _, true) => 2,
        (_, Some(MembershipRole::Manager), _) => 0,
        _ => 1,
    }
}

impl App {
    /// `space`'s members, in display order.
    pub fn members_sorted(&self, space: &str) -> &[Membership] {
        self.store.members(space).map_or(&[], |l| &l.list)
    }

    /// Keeps every member list in display order; run after each update, so drawing
    /// never sorts.
    /// The selection stays on the same member when the order changes.
    pub(super) fn sort_members(&mut self) {
        let selected = self.selected_member().and_then(|m| m.name.clone());
        for l in self.store.member_lists_mut() {
            l.sort(&self.people);
        }
        if let (Some(name), Some(space)) = (selected, self.current.as_deref()) {
            if let Some(i) = self
                .members_sorted(space)
                .iter()
                .position(|m| m.name.as_deref() == Some(name.as_str()))
            {
                self.member_sel = i;
            }
        }
    }

    /// A membership's person or app, by name.
    pub fn membership_label(&self, m: &Membership) -> Clean {
        m.member
            .as_ref()
            .map(|u| self.member_label(u))
            .unwrap_or_default()
    }

    pub fn selected_member(&self) -> Option<&Membership> {
        let space = self.current.as_deref()?;
        self.members_sorted(space).get(self.member_sel)
    }
}
