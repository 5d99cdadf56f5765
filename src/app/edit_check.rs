//! Edits whose answer was lost (the connection dropped, the server failed after acting):
//! the server may have saved them. The new text stays shown as saving, the message is
//! fetched, and what the server holds settles it: the new text is saved; anything else
//! puts the old text back and the edit in the box with the error, so nothing is lost.

use std::collections::HashMap;

use super::compose::Target;
use super::permissions::Task;
use super::{mentions, App, Effect, Focus};
use crate::api::model::Message;
use crate::api::{ApiError, MessageName, SpaceName};

#[derive(Debug)]
pub(super) struct EditCheck {
    space: SpaceName,
    text: String,
    previous: String,
    why: String,
}

/// Pending checks by message name.
pub(super) type EditChecks = HashMap<String, EditCheck>;

impl App {
    /// An edit's answer was lost: keep it shown as saving and fetch the message.
    pub(super) fn edit_unsure(
        &mut self,
        space: SpaceName,
        message: MessageName,
        text: String,
        previous: String,
        e: &ApiError,
        fx: &mut Vec<Effect>,
    ) {
        let why = self.why(e, Task::Messages);
        self.note("The edit was not confirmed; checking whether it was saved…");
        fx.push(Effect::Messages(crate::app::MessagesEffect::LoadMessage {
            space: space.clone(),
            message: message.clone(),
        }));
        self.edit_checks.insert(
            message.to_string(),
            EditCheck {
                space,
                text,
                previous,
                why,
            },
        );
    }

    /// Settles the edits checked by this fetch. Answers what is left for the usual
    /// handling, none when it was wholly an edit check's.
    pub(super) fn settle_edits(
        &mut self,
        space: &SpaceName,
        message: &MessageName,
        result: Result<Message, ApiError>,
    ) -> Option<Result<Message, ApiError>> {
        match result {
            Ok(m) => {
                let Some(name) = m.name.clone() else {
                    return Some(Ok(m));
                };
                let Some(check) = self.edit_checks.remove(&name) else {
                    return Some(Ok(m));
                };
                let saved = m.text.as_deref() == Some(check.text.as_str());
                if saved {
                    if let Some(tl) = self.store.timeline_mut(space) {
                        tl.set_local(&name, None);
                        tl.merge(vec![m]);
                    }
                    self.note("Message edited.");
                } else {
                    let previous = m.text.clone().unwrap_or(check.previous);
                    self.edit_failed(space, &name, &check.text, &previous, check.why);
                }
                None
            }
            Err(e) if e.is_not_found() => {
                // Deleted meanwhile: the edit cannot have been kept.
                let name = message.to_string();
                let Some(c) = self.edit_checks.remove(&name) else {
                    return Some(Err(e));
                };
                self.edit_gone(space, &name, &c.text, &c.previous);
                None
            }
            Err(e) => {
                // The fetch failed too: the edits checked in this space are not known to
                // be saved; each goes back in the box, with the old text shown.
                let names: Vec<String> = self
                    .edit_checks
                    .iter()
                    .filter(|(_, c)| &c.space == space)
                    .map(|(n, _)| n.clone())
                    .collect();
                if names.is_empty() {
                    return Some(Err(e));
                }
                for name in names {
                    if let Some(c) = self.edit_checks.remove(&name) {
                        let why = format!("{} (not confirmed; it may have been saved)", c.why);
                        self.edit_failed(space, &name, &c.text, &c.previous, why);
                    }
                }
                None
            }
        }
    }

    /// The message being edited was deleted meanwhile (someone else, or elsewhere): it
    /// leaves the timeline and the edit ends, and its words are kept as the draft of a
    /// new message in that space (after any draft already there), so nothing typed is
    /// lost and Enter cannot just meet another "not found".
    pub(super) fn edit_gone(
        &mut self,
        space: &SpaceName,
        message: &str,
        text: &str,
        previous: &str,
    ) {
        let text = mentions::show(text, &self.mentions_of(previous));
        let next = self.neighbour_after_delete(space, message, false);
        if let Some(tl) = self.store.timeline_mut(space) {
            tl.deleted(message);
        }
        self.select_instead(space, next);
        let editing = Target::Edit {
            message: message.to_string(),
        };
        if self.compose.space.as_deref() == Some(space.as_str()) && self.compose.target == editing {
            // The box was reopened on it meanwhile: what it holds is kept too.
            let typed = self.compose.text();
            self.compose.clear();
            self.compose.switch(space, Target::New, None, None);
            if typed != text {
                self.compose.keep(space, Target::New, &typed);
            }
        }
        self.compose.keep(space, Target::New, &text);
        self.error(
            "The message was deleted meanwhile; your edit was not saved (kept as a new draft).",
        );
    }

    /// Puts the old text back, and the edit in the box with `why`.
    pub(super) fn edit_failed(
        &mut self,
        space: &SpaceName,
        message: &str,
        text: &str,
        previous: &str,
        why: String,
    ) {
        if let Some(tl) = self.store.timeline_mut(space) {
            tl.set_text(message, previous);
            tl.set_local(message, None);
        }
        let text = mentions::show(text, &self.mentions_of(previous));
        self.compose.switch(
            space,
            Target::Edit {
                message: message.to_string(),
            },
            None,
            Some(&text),
        );
        self.compose.set_text(&text);
        self.compose.error = Some(why.clone());
        if self.current.as_deref() == Some(space.as_str()) {
            self.focus = Focus::Compose;
        }
        self.error(format!("The edit was not saved: {why}"));
    }
}
