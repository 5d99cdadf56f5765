//! What an answer from the server does to the app: one arm per request.

use crate::api::ApiError;
use crate::app::dialog::Kind;
use crate::app::permissions::Task;
use crate::app::{App, Effect, Focus, Outcome};

impl App {
    pub(super) fn on_outcome(&mut self, o: Outcome, fx: &mut Vec<Effect>) {
        match o {
            Outcome::Directory(d) => self.on_directory_outcome(d, fx),
            Outcome::Messages(m) => self.on_messages_outcome(m, fx),
            Outcome::Space(o) => self.on_space_outcome(o, fx),
            Outcome::User(o) => self.on_user_outcome(o, fx),
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
