//! The spaces pane's commands: moving through the list, opening a space, and the
//! space forms (new, edit, delete).

use crate::api::model::SpaceType;
use crate::api::SpaceName;
use crate::app::dialog::{Dialog, Field, Kind};
use crate::app::sections::RowKey;
use crate::app::{client_id, App, Effect, Focus};
use crate::keymap::{Command, Mode};

impl App {
    /// The space the spaces pane is pointing at (else the open one).
    pub(in crate::app) fn target_space(&self) -> Option<SpaceName> {
        if self.focus == Focus::Spaces {
            if self.sections.header.is_some() {
                // A section header is selected, not a space.
                return None;
            }
            self.spaces
                .selected
                .as_deref()
                .and_then(Self::space_name)
                .or_else(|| self.current.clone())
        } else {
            self.current.clone()
        }
    }

    pub(in crate::app) fn move_space(&mut self, delta: i64) {
        // Over the rows shown: section headers too, when the list is grouped.
        // While filtering, Enter opens the selection: spaces only.
        let filtering = self.spaces.filtering;
        let keys: Vec<RowKey> = self
            .space_rows()
            .iter()
            .map(|r| r.key())
            .filter(|k| !filtering || matches!(k, RowKey::Space(_)))
            .collect();
        if keys.is_empty() {
            return;
        }
        let cur = self
            .selected_row()
            .and_then(|s| keys.iter().position(|k| *k == s));
        let next = match cur {
            Some(i) => (i as i64 + delta).clamp(0, keys.len() as i64 - 1) as usize,
            None => 0,
        };
        self.select_row(keys[next].clone());
    }

    pub(in crate::app) fn spaces_command(&mut self, c: Command, fx: &mut Vec<Effect>) {
        // A command on a space, with none selected (a section's header is): said.
        let needs = match c {
            Command::MarkRead => "mark it read",
            Command::Mute => "mute or unmute it",
            Command::EditSpace => "edit it",
            Command::DeleteSpace => "delete it",
            Command::LeaveSpace => "leave it",
            Command::SpaceInfo => "see its details",
            _ => "",
        };
        if !needs.is_empty() && self.target_space().is_none() {
            self.note(format!("Select a space to {needs}."));
            return;
        }
        match c {
            Command::Up => self.move_space(-1),
            Command::Down => self.move_space(1),
            Command::Top => self.move_space(i64::MIN / 2),
            Command::Bottom => self.move_space(i64::MAX / 2),
            Command::Open | Command::ToggleSection if self.sections.header.is_some() => {
                self.toggle_section();
            }
            Command::ToggleSection => {
                if !self.sections.loaded || self.sections.list.is_empty() {
                    self.note("The spaces list has no sections to fold.");
                } else {
                    let key = self.keymap.label(Mode::Spaces, Command::ToggleSection);
                    self.note(format!("{key} folds a section: select its header first."));
                }
            }
            Command::MarkRead => {
                if let Some(s) = self.target_space() {
                    self.mark_space_read(&s, fx);
                    let label = self.space(&s).map(|sp| self.space_label(sp));
                    if let Some(label) = label {
                        self.note(format!("Marked {label} read."));
                    }
                }
            }
            Command::MarkAllRead => self.mark_all_read(fx),
            Command::Mute => self.toggle_mute(fx),
            Command::MoveToSection => self.open_move_to_section(),
            Command::Open => {
                if let Some(s) = self.spaces.selected.clone() {
                    self.leaving_for(&s);
                    self.open_listed(&s, fx);
                    self.focus = Focus::Messages;
                } else {
                    self.note("Select a space to open it.");
                }
            }
            Command::Filter => self.spaces.filtering = true,
            Command::Cancel => {
                // A filter kept after opening a space: every space again.
                self.spaces.filter.clear();
            }
            Command::CreateSpace => self.open_space_form(None),
            Command::EditSpace => {
                if let Some(s) = self.target_space() {
                    self.open_space_form(Some(s));
                }
            }
            Command::DeleteSpace => self.open_delete_space(),
            Command::LeaveSpace => {
                if let Some(space) = self.target_space() {
                    self.open_leave(space);
                }
            }
            Command::SpaceInfo => {
                if let Some(space) = self.target_space() {
                    self.dialog = Some(Dialog::new(Kind::SpaceInfo { space }, Vec::new()));
                }
            }
            _ => {}
        }
    }

    /// Asks before leaving `space`; a direct message cannot be left, so that is said at
    /// once instead of after asking.
    pub(in crate::app) fn open_leave(&mut self, space: SpaceName) {
        let s = self.space(&space);
        if s.is_some_and(|s| s.kind() == crate::api::model::SpaceType::DirectMessage) {
            self.error("You can't leave a direct message.");
            return;
        }
        let label = s.map(|s| self.space_label(s)).unwrap_or_default();
        self.dialog = Some(Dialog::new(Kind::LeaveSpace { space, label }, Vec::new()));
    }

    pub(in crate::app) fn open_space_form(&mut self, space: Option<SpaceName>) {
        match space {
            None => {
                let fields = vec![
                    Field::new("Name", "", false),
                    Field::new("Description", "", true),
                    Field::new("Guidelines", "", true),
                ];
                self.dialog = Some(Dialog::new(
                    Kind::CreateSpace {
                        request_id: client_id().as_str().replace("client-gchat-", "space-"),
                    },
                    fields,
                ));
            }
            Some(name) => {
                let Some(s) = self.space(&name).cloned() else {
                    return;
                };
                if s.kind() != SpaceType::Space {
                    self.error("Only named spaces have a name and details to edit.");
                    return;
                }
                let d = s.space_details.clone().unwrap_or_default();
                let fields = vec![
                    Field::new("Name", s.display_name.as_deref().unwrap_or(""), false),
                    Field::new("Description", d.description.as_deref().unwrap_or(""), true),
                    Field::new("Guidelines", d.guidelines.as_deref().unwrap_or(""), true),
                ];
                self.dialog = Some(Dialog::new(Kind::EditSpace { space: name }, fields));
            }
        }
    }

    pub(in crate::app) fn open_delete_space(&mut self) {
        let Some(name) = self.target_space() else {
            return;
        };
        let Some(s) = self.space(&name).cloned() else {
            return;
        };
        if s.kind() != SpaceType::Space {
            self.error("Only named spaces can be deleted; leave a conversation instead.");
            return;
        }
        if !self.is_manager(&name) {
            self.error("Only space managers can delete a space.");
            return;
        }
        let display_name = self.space_label(&s);
        self.dialog = Some(Dialog::new(
            Kind::DeleteSpace {
                space: name,
                display_name,
            },
            vec![Field::new("Type the space's name to confirm", "", false)],
        ));
    }
}
