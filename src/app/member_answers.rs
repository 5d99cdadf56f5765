//! What the answers to the requests about members do (the requests are declared with
//! their calls in `member_requests`).

use crate::api::model::User;
use crate::api::UserRef;

use super::dialog::Kind;
use super::member_requests::{MemberEffect, MemberOutcome};
use super::permissions::Task;
use super::{App, Effect};

impl App {
    pub(super) fn on_member_outcome(&mut self, o: MemberOutcome, fx: &mut Vec<Effect>) {
        match o {
            MemberOutcome::Members { space, .. }
            | MemberOutcome::MemberAdded { space, .. }
            | MemberOutcome::MemberRemoved { space, .. }
            | MemberOutcome::RoleSet { space, .. }
                if !self.knows_space(&space) =>
            {
                tracing::debug!("an answer for a space no longer known was dropped");
            }
            MemberOutcome::Members { space, result, .. } => {
                let list = self.store.members_entry(&space);
                match result {
                    Ok(m) => {
                        list.replace(super::members::of_space(&space, m));
                        list.loaded = true;
                        list.error = None;
                        let users: Vec<User> =
                            list.iter().filter_map(|m| m.member.clone()).collect();
                        for u in &users {
                            self.people.learn(u);
                        }
                        self.look_up(users.iter().filter_map(|u| u.name.clone()).collect(), fx);
                        self.member_sel = self
                            .member_sel
                            .min(self.members_sorted(&space).len().saturating_sub(1));
                    }
                    Err(e) if self.means_gone(&space, &e) => self.spaces_gone(&[space], fx),
                    Err(e) => {
                        let why = self.why(&e, Task::Members);
                        self.store.members_entry(&space).error = Some(why);
                    }
                }
            }
            MemberOutcome::MemberAdded {
                space,
                user,
                result,
            } => match result {
                Ok(m) => {
                    if let (UserRef::Email(email), Some(u)) = (&user, &m.member) {
                        // The API answers with an id; the address is what the user knows.
                        self.people.learn(&User {
                            email: Some(email.clone()),
                            ..u.clone()
                        });
                    }
                    let who = m
                        .member
                        .as_ref()
                        .map(|u| {
                            self.people.learn(u);
                            self.member_label(u)
                        })
                        .unwrap_or_else(|| crate::clean::Clean::line(&user.to_string()));
                    let invited = m.state == Some(crate::api::model::MembershipState::Invited);
                    self.store.members_entry(&space).upsert(m);
                    self.close_dialog_if(|k| matches!(k, Kind::AddMember { .. }));
                    self.note(if invited {
                        format!("{who} was invited; they join once they accept.")
                    } else {
                        format!("{who} joined the space.")
                    });
                    fx.push(self.load_members(space));
                }
                Err(e) => self.fail_dialog_or_note(
                    &e,
                    |k| matches!(k, Kind::AddMember { .. }),
                    "Could not add the member",
                    Task::Members,
                ),
            },
            MemberOutcome::MemberRemoved {
                space,
                membership,
                result,
            } => match result {
                Ok(_) if self.is_own_membership(&membership.to_string()) => {
                    self.close_dialog_if(|k| matches!(k, Kind::LeaveSpace { .. }));
                    let label = self
                        .space(&space)
                        .map(|s| self.space_label(s))
                        .unwrap_or_default();
                    self.forget_space(&space, fx);
                    self.note(format!("You left {label}."));
                }
                Ok(_) => {
                    let label = self
                        .store
                        .members(&space)
                        .and_then(|l| l.find(&membership.to_string()))
                        .and_then(|m| m.member.clone());
                    let who = label
                        .map(|u| self.member_label(&u))
                        .unwrap_or_else(|| crate::clean::Clean::line("The member"));
                    if let Some(l) = self.store.members_mut(&space) {
                        l.remove(&membership.to_string());
                    }
                    self.close_dialog_if(|k| matches!(k, Kind::RemoveMember { .. }));
                    self.note(format!("{who} was removed from the space."));
                    let n = self.members_sorted(&space).len();
                    self.member_sel = self.member_sel.min(n.saturating_sub(1));
                }
                Err(e) => self.fail_dialog_or_note(
                    &e,
                    |k| matches!(k, Kind::RemoveMember { .. } | Kind::LeaveSpace { .. }),
                    "Could not remove the member",
                    Task::Members,
                ),
            },
            MemberOutcome::RoleSet {
                space,
                manager,
                result,
                ..
            } => match result {
                Ok(m) => {
                    let who = m
                        .member
                        .as_ref()
                        .map(|u| self.member_label(u))
                        .unwrap_or_default();
                    self.store.members_entry(&space).upsert(m);
                    self.note(if manager {
                        format!("{who} is now a space manager.")
                    } else {
                        format!("{who} is no longer a space manager.")
                    });
                }
                Err(e) => {
                    let why = self.why(&e, Task::Members);
                    self.error(format!("The role was not changed: {why}"))
                }
            },
        }
    }

    /// The request for every member of `space` (those invited too, unless the user is
    /// a Chat app, which may not ask for them).
    pub(super) fn load_members(&self, space: crate::api::SpaceName) -> Effect {
        Effect::Members(MemberEffect::LoadMembers {
            space,
            show_invited: !self.me.is_app,
        })
    }
}
