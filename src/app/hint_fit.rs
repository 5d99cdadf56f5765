//! Which hinted keys apply here and now: the status bar offers a key only when pressing
//! it would do something, not answer "you can't" (the reasons a key is refused for scope
//! or role are [`App::unavailable`]'s; these are about what is selected).

use super::timeline::Local;
use super::App;
use crate::keymap::{Command, Mode};

impl App {
    /// Whether the hint for `c` in `mode` fits the current selection.
    pub fn hint_applies(&self, mode: Mode, c: Command) -> bool {
        match (mode, c) {
            (Mode::Messages, Command::Edit | Command::Delete | Command::Retry) => {
                let Some(item) = self.selected_item() else {
                    return false;
                };
                let failed = matches!(item.local, Some(Local::Failed(_)));
                match c {
                    Command::Retry => failed,
                    // A failed send is taken back into the box to edit.
                    Command::Edit => failed || (item.local.is_none() && self.is_mine_item(item)),
                    _ => {
                        let on_its_way = matches!(
                            item.local,
                            Some(Local::Sending | Local::Saving | Local::Deleting)
                        );
                        let manager = self.current.as_ref().is_some_and(|s| self.is_manager(s));
                        !on_its_way && (self.is_mine_item(item) || item.is_local() || manager)
                    }
                }
            }
            // Esc clears the filter: with none, there is nothing to close.
            (Mode::Spaces, Command::Cancel) => !self.spaces.filter.is_empty(),
            _ => true,
        }
    }
}
