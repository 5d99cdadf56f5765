//! What the answers of downloads, uploads and the external editor do.

use crate::api::SpaceName;

use std::path::PathBuf;

use super::files::{Chip, EDITOR_NOTE};
use super::{App, Focus};
use crate::api::model::AttachmentDataRef;
use crate::clean::Clean;
use crate::files;

impl App {
    pub(super) fn on_progress(&mut self, id: u64, done: u64, total: u64) {
        if let Some(t) = self.files.transfer.as_mut().filter(|t| t.id == id) {
            t.done = done;
            t.total = total;
        }
    }

    pub(super) fn on_downloaded(&mut self, id: u64, result: Result<(PathBuf, u64), String>) {
        let Some(t) = self.files.transfer.take_if(|t| t.id == id) else {
            // Stopped meanwhile.
            return;
        };
        match result {
            Ok((path, n)) => {
                if let Some(m) = t.media.clone() {
                    self.files.sizes.insert(m, n);
                    self.layout.borrow_mut().clear();
                }
                let shown = Clean::line(&path.to_string_lossy());
                if files::over_ssh() {
                    self.note(format!("Saved to {shown} ({}).", files::human_size(n)));
                } else {
                    let open = self.keymap.label(
                        crate::keymap::Mode::Files,
                        crate::keymap::Command::OpenOffer,
                    );
                    self.note(format!(
                        "{}{shown} ({}) — {open} opens it.",
                        super::files::SAVED_NOTE,
                        files::human_size(n)
                    ));
                    self.files.offer_open = Some(path);
                }
            }
            Err(why) => self.error(format!("{} was not saved: {why}", t.name)),
        }
    }

    pub(super) fn on_uploaded(
        &mut self,
        id: u64,
        space: SpaceName,
        result: Result<(AttachmentDataRef, u64), String>,
    ) {
        let Some(t) = self.files.transfer.take_if(|t| t.id == id) else {
            return;
        };
        match result {
            Ok((data, size)) => {
                if let Some(m) = data.resource_name.clone() {
                    self.files.sizes.insert(m, size);
                    self.layout.borrow_mut().clear();
                }
                self.note(format!(
                    "{} is attached; Enter sends it with the message.",
                    t.name
                ));
                self.tie_note(super::notes::Tie::Attached {
                    space: space.clone(),
                    name: t.name.clone(),
                });
                self.files.chips.push(Chip {
                    space,
                    name: t.name,
                    size,
                    data,
                });
            }
            Err(why) => {
                // The draft is untouched: only the file is not attached.
                self.error(format!("{} was not attached: {why}", t.name));
            }
        }
    }

    pub(super) fn on_editor(&mut self, result: Result<Option<String>, String>) {
        match result {
            Ok(Some(text)) => {
                let text = text.strip_suffix('\n').unwrap_or(&text).to_string();
                self.compose.set_text(&text);
                self.focus = Focus::Compose;
                self.note(EDITOR_NOTE);
            }
            Ok(None) => self.note("The editor exited with an error; the draft is unchanged."),
            Err(why) => self.error(format!("No editor: {why}; the draft is unchanged.")),
        }
    }
}
