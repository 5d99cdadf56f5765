//! The compose box's own commands: leaving it (the draft is kept) and discarding the
//! draft. Typing itself goes to the text area (`compose::edit`).

use crate::app::compose::Target;
use crate::app::dialog::{Dialog, Kind};
use crate::app::{App, Focus};

impl App {
    pub(in crate::app) fn leave_compose(&mut self) {
        self.compose.save_draft();
        if let (Target::Edit { .. }, Some(space)) =
            (&self.compose.target, self.compose.space.clone())
        {
            // An unfinished edit stays as a draft; the box goes back to new messages.
            self.compose.switch(&space, Target::New, None, None);
        }
        self.focus = Focus::Messages;
    }

    /// Empties the compose box, asking first when the draft is long.
    pub(in crate::app) fn discard_draft(&mut self) {
        if self.compose.is_blank() {
            crate::app::compose::discard_all(&mut self.compose.textarea);
            return;
        }
        if self.compose.discard_asks() {
            self.dialog = Some(Dialog::new(
                Kind::DiscardDraft {
                    chars: self.compose.chars(),
                },
                Vec::new(),
            ));
            return;
        }
        self.compose.discard();
        self.note_discarded();
    }
}
