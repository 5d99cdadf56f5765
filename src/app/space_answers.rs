//! What the answers to the requests about spaces themselves do (the requests are
//! declared with their calls in `space_requests`).

use super::dialog::Kind;
use super::permissions::Task;
use super::space_requests::SpaceOutcome;
use super::{App, Effect, Focus};
use crate::keymap::{Command, Mode};

impl App {
    pub(super) fn on_space_outcome(&mut self, o: SpaceOutcome, fx: &mut Vec<Effect>) {
        match o {
            SpaceOutcome::Space { space, .. } | SpaceOutcome::SpaceUpdated { space, .. }
                if !self.knows_space(&space) =>
            {
                // Left or deleted before the answer came: it does not come back.
                tracing::debug!("an answer for a space no longer known was dropped");
            }
            SpaceOutcome::Space { space, result } => self.on_space(space, result, fx),
            SpaceOutcome::DirectMessage { user, result } => {
                self.on_direct_message(user, result, fx)
            }
            SpaceOutcome::ConversationStarted { people, result, .. } => {
                self.on_conversation(people, result, fx)
            }
            SpaceOutcome::SpaceCreated { result, .. } => match result {
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
            SpaceOutcome::SpaceUpdated { result, .. } => match result {
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
            SpaceOutcome::SpaceDeleted { space, result } => match result {
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
        }
    }
}
