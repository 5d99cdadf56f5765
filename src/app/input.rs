//! Keys, mouse and paste: looked up in the keymap, then carried out on the focused pane.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::paste;
use super::undo_runs::Edit;
use super::{App, Effect, Focus, LoadKind};
use crate::keymap::{Command, Mode};

impl App {
    /// Where keys go now.
    pub fn mode(&self) -> Mode {
        if self.dialog.is_some() || self.react.overlay_open() {
            return Mode::Dialog;
        }
        match self.focus {
            Focus::Compose => Mode::Compose,
            Focus::Spaces if self.spaces.filtering => Mode::Filter,
            Focus::Spaces => Mode::Spaces,
            Focus::Messages => Mode::Messages,
            Focus::Members => Mode::Members,
        }
    }

    pub(super) fn on_key(&mut self, k: KeyEvent, fx: &mut Vec<Effect>) {
        if k.kind == KeyEventKind::Release {
            return;
        }
        self.dirty = true;
        self.poll_soon();
        if self.status.note.as_ref().is_some_and(|n| n.error) && self.dialog.is_none() {
            self.status.note = None;
        }
        if let Some(scroll) = self.help {
            // The overlay closes like a dialog, and scrolls like the message pane.
            let closes = self.keymap.lookup(Mode::Dialog, &k) == Some(Command::Cancel);
            match self.keymap.lookup(Mode::Messages, &k) {
                _ if closes => self.help = None,
                Some(Command::Help | Command::Quit) => self.help = None,
                Some(c) => {
                    // Scrolls by the overlay's height as last drawn, never past its end.
                    let s = self.screen.get();
                    let (page, max) = match s.help_page {
                        0 => (10, u16::MAX), // not drawn yet: drawing clamps
                        page => (page, s.help_max),
                    };
                    let scroll = scroll.min(max);
                    self.help = Some(match c {
                        Command::Down => scroll.saturating_add(1).min(max),
                        Command::Up => scroll.saturating_sub(1),
                        Command::PageDown => scroll.saturating_add(page).min(max),
                        Command::PageUp => scroll.saturating_sub(page),
                        Command::Bottom => max,
                        Command::Top => 0,
                        _ => scroll,
                    });
                }
                _ => {}
            }
            return;
        }
        if self.react.overlay_open() {
            self.react_overlay_key(k, fx);
            return;
        }
        if self.dialog.is_some() {
            self.dialog_key(k, fx);
            return;
        }
        let mode = self.mode();
        if mode == Mode::Compose && (self.space_after_mention(k) || self.mention_key(k)) {
            return;
        }
        let cmd = self.keymap.lookup(mode, &k);
        // A file's keys come first in the messages pane while they apply: opening the
        // one just saved, stopping one saving or uploading.
        let file_cmd = self.keymap.lookup(Mode::Files, &k);
        if mode == Mode::Messages && self.take_offer(file_cmd, fx) {
            return;
        }
        self.files.offer_open = None;
        if mode == Mode::Messages
            && file_cmd == Some(Command::CancelTransfer)
            && self.cancel_transfer(fx)
        {
            return;
        }
        match mode {
            Mode::Compose => {
                let editor_note = self
                    .status
                    .note
                    .as_ref()
                    .is_some_and(|n| n.text == super::files::EDITOR_NOTE);
                let before = editor_note.then(|| self.compose.text());
                self.compose_key(k, cmd, fx);
                // Sent or changed: the editor's note no longer holds.
                if before.is_some_and(|b| b != self.compose.text()) {
                    self.status.note = None;
                }
                self.mention_typed();
            }
            Mode::Filter => self.filter_key(k, cmd, fx),
            _ => {
                // Moving down from the beginning: the note saying so no longer holds.
                if matches!(
                    cmd,
                    Some(Command::Bottom | Command::Down | Command::PageDown)
                ) && self
                    .status
                    .note
                    .as_ref()
                    .is_some_and(|n| !n.error && n.text.starts_with(super::history::BEGINNING_NOTE))
                {
                    self.status.note = None;
                }
                if let Some(c) = cmd {
                    self.command(c, fx);
                }
            }
        }
    }

    fn compose_key(&mut self, k: KeyEvent, cmd: Option<Command>, fx: &mut Vec<Effect>) {
        {
            match cmd {
                Some(Command::Send) => self.send(fx),
                Some(Command::Newline) => {
                    self.compose.textarea.insert_newline();
                    self.compose.runs.record(Edit::Other);
                }
                Some(Command::Cancel) => {
                    self.compose.runs.end_run();
                    self.leave_compose();
                }
                Some(Command::Quit) => self.request_quit(),
                Some(Command::Undo) => {
                    let c = &mut self.compose;
                    c.runs.undo(&mut c.textarea);
                }
                Some(Command::Redo) => {
                    let c = &mut self.compose;
                    c.runs.redo(&mut c.textarea);
                }
                Some(Command::Discard) if self.drop_quote() => {}
                Some(Command::Discard) => self.discard_draft(),
                Some(Command::Attach) => {
                    self.compose.runs.end_run();
                    self.attach_prompt();
                }
                Some(Command::ExternalEditor) => {
                    self.compose.runs.end_run();
                    self.external_editor(fx);
                }
                _ if matches!(k.code, KeyCode::Up | KeyCode::Down)
                    && !k
                        .modifiers
                        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
                {
                    self.compose.runs.end_run();
                    self.compose_vertical(k.code == KeyCode::Down);
                }
                _ if k.code == KeyCode::Backspace
                    && k.modifiers.is_empty()
                    && self.backspace_mention() => {}
                _ => {
                    let plain = !k
                        .modifiers
                        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
                    let kind = match k.code {
                        KeyCode::Char(c) if plain => Edit::Typed(c),
                        KeyCode::Backspace | KeyCode::Delete if plain => Edit::Deleted,
                        _ => Edit::Other,
                    };
                    if super::compose::edit(&mut self.compose.textarea, k) {
                        self.compose.runs.record(kind);
                    } else {
                        // A move: the next edit starts a run.
                        self.compose.runs.end_run();
                    }
                }
            }
        }
    }

    fn filter_key(&mut self, k: KeyEvent, cmd: Option<Command>, fx: &mut Vec<Effect>) {
        match cmd {
            Some(Command::Submit) => {
                self.spaces.filtering = false;
                if let Some(s) = self.spaces.selected.clone() {
                    self.leaving_for(&s);
                    self.open_listed(&s, fx);
                    self.focus = Focus::Messages;
                }
            }
            Some(Command::Cancel) => {
                self.spaces.filtering = false;
                self.spaces.filter.clear();
            }
            Some(Command::Up) => self.move_space(-1),
            Some(Command::Down) => self.move_space(1),
            Some(Command::Quit) => self.request_quit(),
            _ => {
                let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
                let f = &mut self.spaces.filter;
                match k.code {
                    KeyCode::Backspace => {
                        f.pop();
                    }
                    // As in a shell: Ctrl-u empties the line, Ctrl-w deletes a word back.
                    KeyCode::Char('u') if ctrl => f.clear(),
                    KeyCode::Char('w') if ctrl => {
                        let kept = f.trim_end().len();
                        let cut = f[..kept].rfind(char::is_whitespace).map_or(0, |i| i + 1);
                        f.truncate(cut);
                    }
                    KeyCode::Char(c) if !ctrl && !k.modifiers.contains(KeyModifiers::ALT) => {
                        f.push(c)
                    }
                    _ => return,
                }
                self.spaces.selected = self.visible_spaces().first().and_then(|s| s.name.clone());
            }
        }
    }

    /// A paste is text for the box or field being typed in, as one edit; it is never
    /// read as keys (a pasted line break does not send, submit or run a command).
    pub(super) fn on_paste(&mut self, s: &str) {
        self.dirty = true;
        if self.help.is_some() || self.react_paste(s) {
            return;
        }
        if let Some(d) = &mut self.dialog {
            if let Some(f) = d.focused_mut() {
                let text = if f.multiline {
                    paste::normalize(s)
                } else {
                    paste::one_line(s)
                };
                f.input.insert_str(text);
            }
            return;
        }
        match self.mode() {
            Mode::Compose => {
                // Tabs as the sent message will show them, from the caret's column.
                let t = &self.compose.textarea;
                let (row, col) = t.cursor();
                let before: String = t
                    .lines()
                    .get(row)
                    .map(|l| l.chars().take(col).collect())
                    .unwrap_or_default();
                let at = unicode_width::UnicodeWidthStr::width(before.as_str());
                let text = paste::expand_tabs(&paste::normalize(s), at);
                let changed = self.compose.textarea.insert_str(text);
                if changed {
                    self.compose.runs.record(Edit::Other);
                }
            }
            Mode::Filter => {
                let text = paste::normalize(s);
                self.spaces
                    .filter
                    .push_str(text.lines().next().unwrap_or(""));
                self.spaces.selected = self.visible_spaces().first().and_then(|s| s.name.clone());
            }
            _ => {}
        }
    }

    fn panes(&self) -> Vec<Focus> {
        let mut v = vec![Focus::Spaces, Focus::Messages];
        if self.show_members {
            v.push(Focus::Members);
        }
        v
    }

    fn command(&mut self, c: Command, fx: &mut Vec<Effect>) {
        match c {
            Command::Quit => self.request_quit(),
            Command::Help => self.help = Some(0),
            Command::FocusNext | Command::FocusPrev => {
                let panes = self.panes();
                let cur = panes.iter().position(|p| *p == self.focus).unwrap_or(0);
                let n = panes.len();
                let next = if c == Command::FocusNext {
                    (cur + 1) % n
                } else {
                    (cur + n - 1) % n
                };
                self.focus = panes[next];
            }
            Command::FocusSpaces => self.focus = Focus::Spaces,
            Command::FocusMessages => self.focus = Focus::Messages,
            Command::FocusMembers => {
                self.show_members = true;
                self.focus = Focus::Members;
            }
            Command::ToggleMembers => {
                self.show_members = !self.show_members;
                if !self.show_members && self.focus == Focus::Members {
                    self.focus = Focus::Messages;
                }
            }
            Command::Zoom => self.zoom = !self.zoom,
            Command::NextUnread => self.next_unread_space(fx),
            Command::Refresh => {
                // The user asked: a server's request to slow down gives way to them
                // (typing does not: it would undo every Retry-After).
                self.polls.release();
                fx.push(Effect::Directory(
                    crate::app::DirectoryEffect::LoadSpaces {},
                ));
                if let Some(s) = self.current.clone() {
                    fx.push(Effect::Messages(crate::app::MessagesEffect::LoadMessages {
                        space: s.clone(),
                        kind: LoadKind::Latest,
                    }));
                    self.react_refresh(&s, fx);
                    fx.push(self.load_members(s));
                }
                self.begin_refresh(fx);
                self.refresh_user_state(fx);
            }
            _ if self.unavailable(c).is_some() => {
                let why = self.unavailable(c).unwrap_or_default();
                self.error(format!("{}: unavailable, {why}.", c.description()));
            }
            Command::MessagePerson => self.open_message_person(),
            Command::Search => self.open_search(),
            _ => match self.focus {
                Focus::Spaces => self.spaces_command(c, fx),
                Focus::Messages => self.messages_command(c, fx),
                Focus::Members => self.members_command(c, fx),
                Focus::Compose => {}
            },
        }
    }
}
