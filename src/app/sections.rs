//! The user's sections (`users.sections`): the spaces list grouped as in Chat's web
//! client, each group collapsible, and a space moved between them from the keyboard.

use std::collections::{HashMap, HashSet};

use crate::api::model::{Space, SpaceType};
use crate::api::scope::Scope;
use crate::api::sync_model::{Section, SectionType};
use crate::api::{ApiError, SpaceName};
use crate::app::dialog::{Dialog, Kind};
use crate::app::user_requests::SectionsListed;
use crate::app::user_requests::UserEffect;
use crate::app::{App, Effect};
use crate::clean::Clean;

#[derive(Debug, Default)]
pub struct Sections {
    /// Listed from the server: the spaces list is grouped.
    pub loaded: bool,
    /// In display order.
    pub list: Vec<Section>,
    /// Space name -> section name.
    pub of_space: HashMap<SpaceName, String>,
    /// Sections shown folded (by name), kept while gchat runs.
    pub collapsed: HashSet<String>,
    /// The section header selected in the spaces pane (instead of a space).
    pub header: Option<String>,
    /// Why sections are not shown, when they are not.
    pub off: Option<String>,
    /// A listing is out.
    pub loading: bool,
}

/// One line of the spaces list.
#[derive(Debug, Clone, PartialEq)]
pub enum SpaceRow<'a> {
    Header {
        section: String,
        label: String,
        collapsed: bool,
        /// Unread messages in the section's spaces (shown when folded).
        unread: usize,
        /// Unread mentions of the user there (marked when folded).
        mentions: usize,
    },
    Space(&'a Space),
}

impl SpaceRow<'_> {
    /// What selecting the row selects.
    pub fn key(&self) -> RowKey {
        match self {
            SpaceRow::Header { section, .. } => RowKey::Header(section.clone()),
            SpaceRow::Space(s) => RowKey::Space(s.name.clone().unwrap_or_default()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowKey {
    Header(String),
    Space(String),
}

/// A section as people call it.
pub fn section_label(s: &Section) -> String {
    match s.section_type {
        Some(SectionType::DefaultDirectMessages) => "Direct messages".into(),
        Some(SectionType::DefaultSpaces) => "Spaces".into(),
        Some(SectionType::DefaultApps) => "Apps".into(),
        _ => Clean::line(s.display_name.as_deref().unwrap_or("Section")).into_string(),
    }
}

impl Sections {
    /// The section `space` is in: the one the server placed it in, else its kind's
    /// default.
    pub fn section_of(&self, space: &Space) -> Option<String> {
        let name = space.name.as_deref()?;
        if let Some(s) = self.of_space.get(name) {
            if self.list.iter().any(|x| x.name.as_deref() == Some(s)) {
                return Some(s.clone());
            }
        }
        let want = match (space.kind(), space.single_user_bot_dm) {
            (_, true) => SectionType::DefaultApps,
            (SpaceType::Space, _) => SectionType::DefaultSpaces,
            _ => SectionType::DefaultDirectMessages,
        };
        self.list
            .iter()
            .find(|x| x.section_type.as_ref() == Some(&want))
            .and_then(|x| x.name.clone())
    }
}

impl App {
    fn sections_granted(&self) -> bool {
        !self.me.is_app
            && self.me.scopes.as_ref().is_none_or(|h| {
                Scope::ChatUsersSections.granted_in(h)
                    || Scope::ChatUsersSectionsReadonly.granted_in(h)
            })
    }

    /// Why spaces cannot be moved between sections, for `?` and the refusal.
    pub fn sections_unavailable(&self) -> Option<String> {
        if self.me.is_app {
            return Some("a Chat app has no sections".into());
        }
        if self.sections.loaded {
            return None;
        }
        if let Some(why) = &self.sections.off {
            return Some(why.clone());
        }
        self.needs(&[Scope::ChatUsersSections, Scope::ChatUsersSectionsReadonly])
    }

    /// The first spaces list: the sections too.
    pub(super) fn sections_on_spaces(&mut self, fx: &mut Vec<Effect>) {
        if self.sections_granted() && !self.sections.loading {
            self.sections.loading = true;
            fx.push(Effect::User(UserEffect::LoadSections {}));
        }
    }

    /// The spaces list as shown: grouped by section when sections are known (a filter
    /// shows matches in every section, folded or not), else flat.
    pub fn space_rows(&self) -> Vec<SpaceRow<'_>> {
        let visible = self.visible_spaces();
        if !self.sections.loaded {
            return visible.into_iter().map(SpaceRow::Space).collect();
        }
        let filtering = !self.spaces.filter.is_empty();
        let mut rows = Vec::new();
        let mut placed: HashSet<&str> = HashSet::new();
        for sec in &self.sections.list {
            let Some(name) = sec.name.as_deref() else {
                continue;
            };
            let members: Vec<&Space> = visible
                .iter()
                .copied()
                .filter(|s| self.sections.section_of(s).as_deref() == Some(name))
                .collect();
            let custom = sec.section_type == Some(SectionType::Custom);
            if members.is_empty() && (filtering || !custom) {
                continue;
            }
            let collapsed = !filtering && self.sections.collapsed.contains(name);
            let unread = members
                .iter()
                .filter_map(|s| s.name.as_deref())
                .map(|n| self.unread(n))
                .sum();
            let mentions = members
                .iter()
                .filter_map(|s| s.name.as_deref())
                .map(|n| self.store.mentions_in(n))
                .sum();
            rows.push(SpaceRow::Header {
                section: name.to_string(),
                label: section_label(sec),
                collapsed,
                unread,
                mentions,
            });
            for s in members {
                if let Some(n) = s.name.as_deref() {
                    placed.insert(n);
                }
                if !collapsed {
                    rows.push(SpaceRow::Space(s));
                }
            }
        }
        // Spaces no section claims (none of their kind's default listed): at the end.
        for s in visible {
            if s.name.as_deref().is_some_and(|n| !placed.contains(n)) {
                rows.push(SpaceRow::Space(s));
            }
        }
        rows
    }

    /// The selected row of the spaces list.
    pub fn selected_row(&self) -> Option<RowKey> {
        if let Some(h) = &self.sections.header {
            return Some(RowKey::Header(h.clone()));
        }
        self.spaces.selected.clone().map(RowKey::Space)
    }

    /// Selects `key` in the spaces list.
    pub(super) fn select_row(&mut self, key: RowKey) {
        match key {
            RowKey::Header(h) => {
                self.sections.header = Some(h);
            }
            RowKey::Space(s) => {
                self.sections.header = None;
                self.spaces.selected = Some(s);
            }
        }
    }

    /// Space/Enter on a section header: folds or unfolds it.
    pub(super) fn toggle_section(&mut self) -> bool {
        let Some(h) = self.sections.header.clone() else {
            return false;
        };
        if !self.sections.collapsed.remove(&h) {
            self.sections.collapsed.insert(h);
        }
        self.dirty = true;
        true
    }

    pub(super) fn on_sections(&mut self, r: Result<SectionsListed, ApiError>) {
        self.sections.loading = false;
        match r {
            Ok((list, placed)) => {
                self.sections.list = list;
                self.sections.of_space = placed
                    .into_iter()
                    .filter_map(|(s, sec)| Some((Self::space_name(&s)?, sec)))
                    .collect();
                self.sections.loaded = true;
                self.sections.off = None;
                // A folded or selected section deleted elsewhere: forgotten.
                let known: HashSet<String> = self
                    .sections
                    .list
                    .iter()
                    .filter_map(|s| s.name.clone())
                    .collect();
                self.sections.collapsed.retain(|c| known.contains(c));
                if self
                    .sections
                    .header
                    .as_ref()
                    .is_some_and(|h| !known.contains(h))
                {
                    self.sections.header = None;
                }
            }
            Err(e) => {
                let why = self.named(&crate::app::explain_needing(
                    &e,
                    Scope::ChatUsersSections.name(),
                    &self.settings.profile,
                ));
                tracing::info!(%why, "sections not listed");
                self.sections.off = Some(why);
            }
        }
        self.dirty = true;
    }

    /// `S`: a picker of the sections to move the selected space to.
    pub(super) fn open_move_to_section(&mut self) {
        if !self.sections.loaded {
            let why = self
                .sections_unavailable()
                .unwrap_or_else(|| "the sections are still loading".into());
            self.error(format!("Move to section: unavailable, {why}."));
            return;
        }
        let Some(space) = self
            .spaces
            .selected
            .as_deref()
            .and_then(Self::space_name)
            .filter(|_| self.sections.header.is_none())
        else {
            self.note("Select a space to move.");
            return;
        };
        let Some(from) = self.space(&space).and_then(|s| self.sections.section_of(s)) else {
            return;
        };
        let home = self.space(&space).map(|s| {
            if s.single_user_bot_dm {
                SectionType::DefaultApps
            } else if s.kind() == crate::api::model::SpaceType::Space {
                SectionType::DefaultSpaces
            } else {
                SectionType::DefaultDirectMessages
            }
        });
        let choices: Vec<(String, String)> = self
            .sections
            .list
            .iter()
            .filter(|s| s.name.as_deref() != Some(from.as_str()))
            // A space may go to a custom section, or back to the one system section it
            // belongs in; the server refuses the other system sections.
            .filter(|s| s.section_type == Some(SectionType::Custom) || s.section_type == home)
            .filter_map(|s| Some((s.name.clone()?, section_label(s))))
            .collect();
        if choices.is_empty() {
            self.note("There is no other section to move it to.");
            return;
        }
        self.dialog = Some(Dialog::new(
            Kind::MoveToSection {
                space,
                from,
                choices,
            },
            Vec::new(),
        ));
    }

    /// The space and the section a move is about, as the user knows them.
    fn move_words(&self, space: &SpaceName, to: &str) -> (String, String) {
        let what = self.space(space).map_or_else(
            || "the space".to_string(),
            |s| self.space_label(s).into_string(),
        );
        let where_to = self
            .sections
            .list
            .iter()
            .find(|s| s.name.as_deref() == Some(to))
            .map_or_else(|| "the section".to_string(), section_label);
        (what, where_to)
    }

    pub(super) fn on_moved(
        &mut self,
        space: SpaceName,
        _from: String,
        to: String,
        result: Result<(), ApiError>,
        fx: &mut Vec<Effect>,
    ) {
        let (what, where_to) = self.move_words(&space, &to);
        match result {
            Ok(()) => {
                self.sections.of_space.insert(space, to);
                self.note(format!("Moved {what} to {where_to}."));
            }
            Err(e) => {
                let why = self.named(&crate::app::explain_needing(
                    &e,
                    Scope::ChatUsersSections.name(),
                    &self.settings.profile,
                ));
                self.error(format!("Could not move {what} to {where_to}: {why}"));
                // The sections may have changed elsewhere (one deleted, say): list again.
                self.sections_on_spaces(fx);
            }
        }
        self.dirty = true;
    }
}

impl App {
    /// Keys in the section picker: up and down pick, Enter moves.
    pub(super) fn section_picker_key(
        &mut self,
        k: crossterm::event::KeyEvent,
        cmd: Option<crate::keymap::Command>,
        fx: &mut Vec<Effect>,
    ) {
        use crate::keymap::{Command, Mode};
        let Some(d) = self.dialog.as_mut() else {
            return;
        };
        let Kind::MoveToSection {
            space,
            from,
            choices,
        } = d.kind.clone()
        else {
            return;
        };
        let n = choices.len().max(1);
        let cmd = self.keymap.lookup(Mode::Picker, &k).or(cmd);
        match cmd {
            Some(Command::Up | Command::PrevField) => d.pick = (d.pick + n - 1) % n,
            Some(Command::Down | Command::NextField) => d.pick = (d.pick + 1) % n,
            Some(Command::Submit) => {
                if let Some((to, label)) = choices.get(d.pick) {
                    let what = self.move_words(&space, to).0;
                    self.note(format!("Moving {what} to {label}…"));
                    fx.push(Effect::User(UserEffect::MoveToSection {
                        space,
                        from,
                        to: to.clone(),
                    }));
                }
                self.dialog = None;
            }
            _ => {}
        }
    }
}
