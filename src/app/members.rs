//! The members pane: managers first, then people, apps, and the invited.

use crate::api::model::{Membership, MembershipRole, MembershipState};

use super::App;

#[derive(Debug, Default)]
pub struct MemberList {
    pub list: Vec<Membership>,
    pub loaded: bool,
    pub error: Option<String>,
}

impl MemberList {
    pub fn find(&self, name: &str) -> Option<&Membership> {
        self.list.iter().find(|m| m.name.as_deref() == Some(name))
    }

    pub fn upsert(&mut self, m: Membership) {
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
        self.list.retain(|m| m.name.as_deref() != Some(name));
    }
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
    /// The open space's (or `space`'s) members, in display order.
    pub fn members_sorted(&self, space: &str) -> Vec<&Membership> {
        let Some(list) = self.members.get(space) else {
            return Vec::new();
        };
        let mut v: Vec<(&Membership, u8, String)> = list
            .list
            .iter()
            .map(|m| {
                let label = m
                    .member
                    .as_ref()
                    .map(|u| self.member_label(u))
                    .unwrap_or_default();
                (m, rank(m), label.to_lowercase())
            })
            .collect();
        v.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.2.cmp(&b.2)));
        v.into_iter().map(|(m, _, _)| m).collect()
    }

    /// A membership's person or app, by name.
    pub fn membership_label(&self, m: &Membership) -> String {
        m.member
            .as_ref()
            .map(|u| self.member_label(u))
            .unwrap_or_default()
    }

    pub fn selected_member(&self) -> Option<&Membership> {
        let space = self.current.as_deref()?;
        self.members_sorted(space).get(self.member_sel).copied()
    }
}
