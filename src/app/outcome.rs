//! What an answer from the server does to the app: one arm per request.

use crate::api::model::User;
use crate::api::ApiError;
use crate::app::dialog::Kind;
use crate::app::permissions::Task;
use crate::app::timeline::Timeline;
use crate::app::{reconcile, App, Effect, Focus, Outcome};

impl App {
    pub(super) fn on_outcome(&mut self, o: Outcome, fx: &mut Vec<Effect>) {
        match o {
            Outcome::Me(Ok((user, name))) => {
                if let Some(n) = &name {
                    self.people.learn(&User {
                        name: Some(user.clone()),
                        display_name: Some(n.clone()),
                        ..Default::default()
                    });
                }
                self.me.user = Some(user);
                self.me.name = name;
                self.layout.borrow_mut().clear();
            }
            Outcome::Me(Err(e)) => tracing::warn!(error = %e, "could not tell who is signed in"),
            Outcome::Spaces(r) | Outcome::PolledSpaces(r) => self.on_spaces(r, fx),
            Outcome::Space(o) => self.on_space_outcome(o, fx),
            Outcome::Found { query, result } => self.on_found(query, result, fx),
            Outcome::Searched {
                filter,
                page_token,
                result,
            } => self.on_searched(filter, page_token, result, fx),
            Outcome::Messages {
                space,
                kind,
                result,
            } => self.on_messages(space, kind, result, fx),
            Outcome::Events { space, result } => self.on_events(space, result, fx),
            Outcome::Message { space, result } => self.on_message(space, result),
            Outcome::Edited { space, .. } | Outcome::Deleted { space, .. }
                if !self.knows_space(&space) =>
            {
                tracing::debug!("an answer for a space no longer known was dropped");
            }
            Outcome::People { users, result } => match result {
                Ok(found) => {
                    for (u, p) in &found {
                        self.people.learn_person(u, p);
                    }
                    let missing: Vec<String> = users
                        .into_iter()
                        .filter(|u| !found.iter().any(|(f, _)| f == u))
                        .collect();
                    self.people.not_found(&missing);
                }
                Err(e) => {
                    tracing::info!(error = %e, "people lookup failed");
                    self.people.lookup_failed(&users);
                }
            },
            Outcome::User(o) => self.on_user_outcome(o, fx),
            Outcome::Sent {
                space,
                local,
                client_id,
                result,
            } => self.on_sent(space, local, client_id, result, fx),
            Outcome::Checked {
                space,
                local,
                client_id,
                result,
            } => self.on_checked(space, local, client_id, result, fx),
            Outcome::Edited {
                space,
                message,
                text,
                previous,
                result,
            } => {
                let name = message.clone();
                let message = message.to_string();
                let tl = self.store.timeline_entry(&space);
                match result {
                    Ok(m) => {
                        tl.set_local(&message, None);
                        tl.merge(vec![m]);
                        self.note("Message edited.");
                    }
                    Err(e) if reconcile::is_unsure(&e) => {
                        // The server may have saved it: the new text stays shown as
                        // saving while the message is fetched to learn which.
                        self.edit_unsure(space, name, text, previous, &e, fx);
                    }
                    Err(e) => {
                        let why = self.why(&e, Task::Messages);
                        self.edit_failed(&space, &message, &text, &previous, why);
                    }
                }
            }
            Outcome::Deleted {
                space,
                message,
                force,
                result,
            } => {
                let message = message.to_string();
                let next = self.neighbour_after_delete(&space, &message, force);
                let tl = self.store.timeline_entry(&space);
                // Not found: it is gone all the same (an earlier attempt, or someone else,
                // deleted it).
                let already = result.as_ref().is_err_and(ApiError::is_not_found);
                match result {
                    Err(e) if !already => {
                        tl.set_local(&message, None);
                        self.fail_dialog_or_note(
                            &e,
                            |k| matches!(k, Kind::DeleteMessage { .. }),
                            if reconcile::is_unsure(&e) {
                                "The delete was not confirmed (it may have happened); try again: a message already gone counts as deleted"
                            } else {
                                "The message was not deleted"
                            },
                            Task::Messages,
                        );
                    }
                    _ => {
                        deleted(tl, &message, force);
                        self.select_instead(&space, next);
                        self.close_dialog_if(|k| matches!(k, Kind::DeleteMessage { .. }));
                        self.note(match (already, force) {
                            (true, _) => "Message deleted (it was already gone).",
                            (false, true) => "Message and its replies deleted.",
                            (false, false) => "Message deleted.",
                        });
                    }
                }
            }
            Outcome::Members(o) => self.on_member_outcome(o, fx),
            Outcome::React(r) => self.on_react_outcome(r, fx),
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

/// Takes a deleted message (or, forced, its thread) off the timeline for good.
fn deleted(tl: &mut Timeline, message: &str, force: bool) {
    let thread = tl.get(message).map(|i| i.thread().to_string());
    match (force, thread) {
        (true, Some(t)) => tl.remove_thread(&t),
        _ => tl.deleted(message),
    }
}
