//! What the answers about messages do to the app (requests in `messages`): pages and
//! polls, events, sends and their checks, edits, deletes and searches.

use crate::api::ApiError;
use crate::app::dialog::Kind;
use crate::app::messages::LoadKind;
use crate::app::messages::MessagesOutcome as M;
use crate::app::permissions::Task;
use crate::app::timeline::Timeline;
use crate::app::{reconcile, App, Effect};

impl App {
    pub(super) fn on_messages_outcome(&mut self, o: M, fx: &mut Vec<Effect>) {
        match o {
            M::Searched {
                filter,
                page_token,
                result,
            } => self.on_searched(filter, page_token, result, fx),
            M::Messages {
                space,
                kind,
                result,
            } => self.on_messages(space, kind, result, fx),
            // A poll is a page of what is new.
            M::Polled {
                space,
                after,
                result,
            } => {
                let kind = LoadKind::Newer { after };
                self.on_messages(space, kind, result.map(|m| (m, false)), fx)
            }
            M::Events { space, result, .. } => self.on_events(space, result, fx),
            M::Message {
                space,
                message,
                result,
            } => self.on_message(space, &message, result),
            M::Edited { space, .. } | M::Deleted { space, .. } if !self.knows_space(&space) => {
                tracing::debug!("an answer for a space no longer known was dropped");
            }
            // The space was forgotten (left or deleted) with the local copy: a late
            // answer about the send has nothing left to settle. (Not `knows_space`: the
            // check of an earlier run's messages may answer before the spaces list.)
            M::Sent { space, .. } | M::Fetched { space, .. } | M::Checked { space, .. }
                if !self.store.has_timeline(&space) =>
            {
                tracing::debug!("an answer about a send in a space no longer known was dropped");
            }
            // A fetch after a 409 (or an unsure refusal) stands for the send.
            M::Fetched {
                space,
                local,
                client_id,
                result,
            } => self.on_fetched_sent(space, local, client_id, result, fx),
            M::Sent {
                space,
                local,
                client_id,
                result,
                ..
            } => self.on_sent(space, local, client_id, result, fx),
            M::Checked {
                space,
                local,
                client_id,
                result,
            } => self.on_checked(space, local, client_id, result, fx),
            M::Edited {
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
                    // Deleted meanwhile (by someone else, or elsewhere): like a delete's
                    // "not found", the message is gone; the words are kept as a draft.
                    Err(e) if e.is_not_found() => {
                        self.edit_gone(&space, &message, &text, &previous);
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
            M::Deleted {
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
