//! The members pane's commands: adding, removing and promoting members.

use crate::api::model::{MembershipRole, MembershipState, SpaceType};
use crate::api::MembershipName;
use crate::app::dialog::{Dialog, Field, Kind};
use crate::app::member_requests::MemberEffect;
use crate::app::{App, Effect};
use crate::keymap::Command;

impl App {
    pub(in crate::app) fn members_command(&mut self, c: Command, fx: &mut Vec<Effect>) {
        let Some(space) = self.current.clone() else {
            if matches!(c, Command::RemoveMember | Command::ToggleManager) {
                self.note("Open a space first.");
            }
            return;
        };
        let n = self.members_sorted(&space).len();
        match c {
            Command::Up => self.member_sel = self.member_sel.saturating_sub(1),
            Command::Down => self.member_sel = (self.member_sel + 1).min(n.saturating_sub(1)),
            Command::Top => self.member_sel = 0,
            Command::Bottom => self.member_sel = n.saturating_sub(1),
            Command::AddMember => self.open_add_member(),
            Command::RemoveMember => {
                let Some(m) = self.selected_member().cloned() else {
                    self.note("Select a member first.");
                    return;
                };
                let label = self.membership_label(&m);
                let Some(membership) = m.name.clone() else {
                    self.error(format!(
                        "{label} can't be removed: the server gave no name."
                    ));
                    return;
                };
                if self.is_own_membership(&membership) {
                    // Removing oneself is leaving.
                    self.open_leave(space);
                    return;
                }
                self.dialog = Some(Dialog::new(
                    Kind::RemoveMember {
                        space,
                        membership,
                        label,
                    },
                    Vec::new(),
                ));
            }
            Command::ToggleManager => {
                let Some(m) = self.selected_member().cloned() else {
                    self.note("Select a member first.");
                    return;
                };
                let label = self.membership_label(&m);
                if self
                    .space(&space)
                    .is_some_and(|s| s.kind() != SpaceType::Space)
                {
                    self.error("Group chats and DMs have no managers.");
                } else if m.member.as_ref().is_some_and(|u| u.is_bot()) {
                    self.error("Chat apps can't be space managers.");
                } else if m.state == Some(MembershipState::Invited) {
                    self.error(format!(
                        "{label} hasn't joined yet; roles change once they do."
                    ));
                } else if let Some(name) = m.name.as_deref() {
                    match MembershipName::parse(name) {
                        Ok(membership) => fx.push(Effect::Members(MemberEffect::SetRole {
                            space,
                            membership,
                            manager: m.role != Some(MembershipRole::Manager),
                        })),
                        Err(e) => self.error(format!("{label}'s role cannot be changed: {e}")),
                    }
                }
            }
            _ => {}
        }
    }

    pub(in crate::app) fn open_add_member(&mut self) {
        let Some(space) = self.current.clone() else {
            return;
        };
        if self
            .space(&space)
            .is_some_and(|s| s.kind() == SpaceType::DirectMessage)
        {
            self.error("People can't be added to a direct message; create a space instead.");
            return;
        }
        self.dialog = Some(Dialog::new(
            Kind::AddMember { space },
            vec![Field::new("Person or app", "", false)],
        ));
    }
}
