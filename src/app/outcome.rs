//! What an answer from the server does to the app: one arm per request.

use crate::api::model::User;
use crate::api::{ApiError, UserRef};
use crate::app::dialog::Kind;
use crate::app::permissions::Task;
use crate::app::polls::Poll;
use crate::app::{App, Effect, Focus, Outcome};
use crate::keymap::{Command, Mode};

impl App {
    pub(super) fn on_outcome(&mut self, o: Outcome, fx: &mut Vec<Effect>) {
        match o {
            Outcome::Directory(d) => self.on_directory_outcome(d, fx),
            Outcome::Space { space, result } => self.on_space(space, result, fx),
            Outcome::DirectMessage { user, result } => self.on_direct_message(user, result, fx),
            Outcome::ConversationStarted { people, result } => {
                self.on_conversation(people, result, fx)
            }
            Outcome::Messages(m) => self.on_messages_outcome(m, fx),
            Outcome::Members { space, .. } if !self.knows_space(&space) => {
                tracing::debug!("an answer for a space no longer known was dropped");
            }
            Outcome::Members { space, result } => {
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
            Outcome::Unread { space, result } => {
                self.polls.done(&Poll::Unread(space.clone()));
                self.polls.answered(&result);
                if result.is_err() {
                    // Counted again at the next spaces list.
                    self.polls.recheck(&space);
                }
                // Counted before the space was opened: what is open is being read.
                let open = self.current.as_deref() == Some(space.as_str());
                if let Err(e) = &result {
                    if self.means_gone(&space, e) {
                        self.spaces_gone(&[space], fx);
                        return;
                    }
                }
                if let (Ok(msgs), false) = (result, open) {
                    let mut count = msgs.iter().filter(|m| !self.is_mine(m)).count();
                    if msgs.len() >= 100 {
                        // A full page: there may be more than we counted.
                        count = count.max(100);
                    }
                    if let Some(t) = msgs.iter().filter_map(|m| m.create_time).max() {
                        self.store.note_activity(&space, t);
                    }
                    self.store.set_unread(&space, count);
                    self.arrived_elsewhere(&space, &msgs);
                }
            }
            o @ (Outcome::ReadUnread { .. }
            | Outcome::ReadState { .. }
            | Outcome::ThreadReadState { .. }
            | Outcome::Muted { .. }
            | Outcome::Sections(_)
            | Outcome::Moved { .. }) => self.on_user_outcome(o, fx),
            Outcome::MemberAdded {
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
                    fx.push(Effect::LoadMembers { space });
                }
                Err(e) => self.fail_dialog_or_note(
                    &e,
                    |k| matches!(k, Kind::AddMember { .. }),
                    "Could not add the member",
                    Task::Members,
                ),
            },
            Outcome::MemberRemoved {
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
            Outcome::RoleSet {
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
            Outcome::SpaceCreated { result, .. } => match result {
                Ok(s) => {
                    let name = s.name.clone().unwrap_or_default();
                    let label = s.display_name.clone().unwrap_or_default();
                    self.spaces.upsert(s);
                    self.store.note_activity(&name, self.settings.now());
                    self.close_dialog_if(|k| matches!(k, Kind::CreateSpace { .. }));
                    let add = self.keymap.label(Mode::Messages, Command::AddMember);
                    self.note(format!("Created {label}. Add people with {add}."));
                    self.spaces.selected = Some(name.clone());
                    self.leaving_for(&name);
                    self.open_listed(&name, fx);
                    // As opening a space with Enter: its messages have the keys (the
                    // hint's included). Someone typing elsewhere meanwhile stays there.
                    if self.focus == Focus::Spaces {
                        self.focus = Focus::Messages;
                    }
                }
                Err(e) => self.fail_dialog_or_note(
                    &e,
                    |k| matches!(k, Kind::CreateSpace { .. }),
                    "The space was not created",
                    Task::Spaces,
                ),
            },
            Outcome::SpaceUpdated { result, .. } => match result {
                Ok(s) => {
                    self.spaces.upsert(s);
                    self.close_dialog_if(|k| matches!(k, Kind::EditSpace { .. }));
                    self.note("Space updated.");
                }
                Err(e) => self.fail_dialog_or_note(
                    &e,
                    |k| matches!(k, Kind::EditSpace { .. }),
                    "The space was not changed",
                    Task::Spaces,
                ),
            },
            Outcome::React(r) => self.on_react_outcome(r, fx),
            Outcome::SpaceDeleted { space, result } => match result {
                Ok(()) => {
                    self.close_dialog_if(|k| matches!(k, Kind::DeleteSpace { .. }));
                    self.forget_space(&space, fx);
                    self.note("Space deleted.");
                }
                Err(e) => self.fail_dialog_or_note(
                    &e,
                    |k| matches!(k, Kind::DeleteSpace { .. }),
                    "The space was not deleted",
                    Task::DeleteSpace,
                ),
            },
            Outcome::Progress { id, done, total } => self.on_progress(id, done, total),
            Outcome::Downloaded { id, result } => self.on_downloaded(id, result),
            Outcome::Uploaded { id, space, result } => self.on_uploaded(id, space, result),
            Outcome::EditorDone { result } => self.on_editor(result),
            Outcome::OpenFailed { target, why } => {
                if target.contains("://") {
                    self.error("Could not open the link here.");
                    self.show_address(target, format!("Could not open it: {why}"));
                } else {
                    // A saved file: its path goes last, so a cut loses the least.
                    self.error(format!("Could not open ({why}): {target}"))
                }
            }
        }
    }

    /// Drops a space that is gone (deleted, or left) and opens another.
    pub(super) fn forget_space(&mut self, space: &str, fx: &mut Vec<Effect>) {
        self.forget_space_state(space);
        if self.current.as_deref() == Some(space) {
            self.current = None;
            self.focus = Focus::Spaces;
            if let Some(first) = self.visible_spaces().first().and_then(|s| s.name.clone()) {
                self.spaces.selected = Some(first.clone());
                self.open_listed(&first, fx);
            }
        }
    }

    pub(super) fn close_dialog_if(&mut self, f: impl Fn(&Kind) -> bool) {
        if self.dialog.as_ref().is_some_and(|d| f(&d.kind)) {
            self.dialog = None;
        }
    }

    /// Shows a failure in its dialog, keeping the input, or in the status bar.
    pub(super) fn fail_dialog_or_note(
        &mut self,
        e: &ApiError,
        f: impl Fn(&Kind) -> bool,
        what: &str,
        task: Task,
    ) {
        let why = self.why(e, task);
        match self.dialog.as_mut().filter(|d| f(&d.kind)) {
            // A taken name: say so plainly, and put the cursor back on the name.
            Some(d)
                if e.code() == Some(409)
                    && matches!(d.kind, Kind::CreateSpace { .. } | Kind::EditSpace { .. }) =>
            {
                d.busy = false;
                d.error = Some(format!(
                    "A space named \"{}\" already exists. Choose another name.",
                    d.field(0).trim()
                ));
                d.focus = 0;
            }
            Some(d) => {
                d.busy = false;
                d.error = Some(why);
            }
            None => self.error(format!("{what}: {why}")),
        }
    }
}
