//! Keys, mouse and paste: looked up in the keymap, then carried out on the focused pane.

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Position, Rect};

use super::compose::Target;
use super::dialog::{Dialog, Field, Kind};
use super::paste;
use super::timeline::{Local, Row};
use super::view;
use super::{client_id, App, Effect, Focus, LoadKind};
use crate::api::model::{MembershipRole, MembershipState, SpaceType};
use crate::api::UserRef;
use crate::keymap::{Command, Mode};

fn inside(r: Rect, x: u16, y: u16) -> bool {
    r.contains(Position { x, y })
}

impl App {
    /// Where keys go now.
    pub fn mode(&self) -> Mode {
        if self.dialog.is_some() {
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
            let cmd = self.keymap.lookup(Mode::Messages, &k);
            match (k.code, cmd) {
                (KeyCode::Esc, _) | (_, Some(Command::Help | Command::Quit)) => self.help = None,
                (_, Some(Command::Down)) => self.help = Some(scroll.saturating_add(1)),
                (_, Some(Command::Up)) => self.help = Some(scroll.saturating_sub(1)),
                (_, Some(Command::PageDown)) => self.help = Some(scroll.saturating_add(10)),
                (_, Some(Command::PageUp)) => self.help = Some(scroll.saturating_sub(10)),
                _ => {}
            }
            return;
        }
        if self.dialog.is_some() {
            self.dialog_key(k, fx);
            return;
        }
        let mode = self.mode();
        let cmd = self.keymap.lookup(mode, &k);
        match mode {
            Mode::Compose => match cmd {
                Some(Command::Send) => self.send(fx),
                Some(Command::Newline) => self.compose.textarea.insert_newline(),
                Some(Command::Cancel) => self.leave_compose(),
                Some(Command::Quit) => self.request_quit(),
                Some(Command::Undo) => {
                    self.compose.textarea.undo();
                }
                Some(Command::Redo) => {
                    self.compose.textarea.redo();
                }
                Some(Command::Discard) => self.discard_draft(),
                _ => {
                    super::compose::edit(&mut self.compose.textarea, k);
                }
            },
            Mode::Filter => self.filter_key(k, cmd, fx),
            _ => {
                if let Some(c) = cmd {
                    self.command(c, fx);
                }
            }
        }
    }

    fn leave_compose(&mut self) {
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
    fn discard_draft(&mut self) {
        if self.compose.is_blank() {
            super::compose::discard_all(&mut self.compose.textarea);
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
        let undo = self.keymap.label(Mode::Compose, Command::Undo);
        self.note(format!("Draft discarded; {undo} brings it back."));
    }

    fn filter_key(&mut self, k: KeyEvent, cmd: Option<Command>, fx: &mut Vec<Effect>) {
        match cmd {
            Some(Command::Submit) => {
                self.spaces.filtering = false;
                if let Some(s) = self.spaces.selected.clone() {
                    self.leaving_for(&s);
                    self.open_space(&s, fx);
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
        if self.help.is_some() {
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
                self.compose.textarea.insert_str(paste::normalize(s));
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
            Command::Refresh => {
                fx.push(Effect::LoadSpaces);
                if let Some(s) = self.current.clone() {
                    fx.push(Effect::LoadMessages {
                        space: s.clone(),
                        kind: LoadKind::Latest,
                    });
                    fx.push(Effect::LoadMembers { space: s });
                }
                self.begin_refresh(fx);
            }
            _ if self.unavailable(c).is_some() => {
                let why = self.unavailable(c).unwrap_or_default();
                self.error(format!("{}: unavailable, {why}.", c.description()));
            }
            _ => match self.focus {
                Focus::Spaces => self.spaces_command(c, fx),
                Focus::Messages => self.messages_command(c, fx),
                Focus::Members => self.members_command(c, fx),
                Focus::Compose => {}
            },
        }
    }

    // ---------------------------------------------------------------- spaces pane

    fn move_space(&mut self, delta: i64) {
        let names: Vec<String> = self
            .visible_spaces()
            .iter()
            .filter_map(|s| s.name.clone())
            .collect();
        if names.is_empty() {
            return;
        }
        let cur = self
            .spaces
            .selected
            .as_ref()
            .and_then(|s| names.iter().position(|n| n == s));
        let next = match cur {
            Some(i) => (i as i64 + delta).clamp(0, names.len() as i64 - 1) as usize,
            None => 0,
        };
        self.spaces.selected = Some(names[next].clone());
    }

    /// The space the spaces pane is pointing at (else the open one).
    pub(super) fn target_space(&self) -> Option<String> {
        if self.focus == Focus::Spaces {
            self.spaces
                .selected
                .clone()
                .or_else(|| self.current.clone())
        } else {
            self.current.clone()
        }
    }

    fn spaces_command(&mut self, c: Command, fx: &mut Vec<Effect>) {
        match c {
            Command::Up => self.move_space(-1),
            Command::Down => self.move_space(1),
            Command::Top => self.move_space(i64::MIN / 2),
            Command::Bottom => self.move_space(i64::MAX / 2),
            Command::Open => {
                if let Some(s) = self.spaces.selected.clone() {
                    self.leaving_for(&s);
                    self.open_space(&s, fx);
                    self.focus = Focus::Messages;
                }
            }
            Command::Filter => self.spaces.filtering = true,
            Command::CreateSpace => self.open_space_form(None),
            Command::EditSpace => {
                if let Some(s) = self.target_space() {
                    self.open_space_form(Some(s));
                }
            }
            Command::DeleteSpace => self.open_delete_space(),
            Command::LeaveSpace => {
                if let Some(space) = self.target_space() {
                    let label = self
                        .space(&space)
                        .map(|s| self.space_label(s))
                        .unwrap_or_default();
                    self.dialog = Some(Dialog::new(Kind::LeaveSpace { space, label }, Vec::new()));
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

    fn open_space_form(&mut self, space: Option<String>) {
        match space {
            None => {
                let fields = vec![
                    Field::new("Name", "", false),
                    Field::new("Description", "", true),
                    Field::new("Guidelines", "", true),
                ];
                self.dialog = Some(Dialog::new(
                    Kind::CreateSpace {
                        request_id: client_id().replace("client-gchat-", "space-"),
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

    fn open_delete_space(&mut self) {
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

    // ---------------------------------------------------------------- messages pane

    /// The selected row's message, if it is one.
    pub fn selected_item(&self) -> Option<&super::timeline::Item> {
        let space = self.current.as_deref()?;
        match self.views.get(space)?.selected.as_ref()? {
            Row::Msg { name, .. } => self.timelines.get(space)?.get(name),
            _ => None,
        }
    }

    /// The thread of the selected row (a message or a collapsed run of replies).
    fn selected_thread(&self) -> Option<String> {
        let space = self.current.as_deref()?;
        match self.views.get(space)?.selected.as_ref()? {
            Row::Collapsed { thread, .. }
            | Row::EarlierThread { thread }
            | Row::NewReplies { thread } => Some(thread.clone()),
            Row::Msg { name, .. } => {
                let it = self.timelines.get(space)?.get(name)?;
                it.msg.thread_name().map(String::from)
            }
            _ => None,
        }
    }

    fn messages_command(&mut self, c: Command, fx: &mut Vec<Effect>) {
        let Some(space) = self.current.clone() else {
            if c == Command::Back {
                self.focus = Focus::Spaces;
            }
            return;
        };
        let (_, h) = self.message_area();
        match c {
            Command::Up => self.move_selection(&space, -1, fx),
            Command::Down => self.move_selection(&space, 1, fx),
            Command::PageUp => {
                self.scroll_messages(&space, -(h.saturating_sub(2).max(1) as i64), true, fx)
            }
            Command::PageDown => {
                self.scroll_messages(&space, h.saturating_sub(2).max(1) as i64, true, fx)
            }
            Command::Top => self.go_to_beginning(&space, fx),
            Command::FullTime => self.show_full_time(),
            Command::Bottom => self.select_last(&space),
            Command::Compose => self.start_compose(&space),
            Command::Reply => self.start_reply(&space),
            Command::Edit => self.start_edit(&space),
            Command::Delete => self.start_delete(&space),
            Command::OpenThread => self.open_thread(&space, fx),
            Command::Back if self.stop_loading_older(&space) => {}
            Command::Back => {
                let v = self.views.entry(space.clone()).or_default();
                if v.thread.is_some() {
                    v.thread = None;
                    if let Some(saved) = v.saved.take() {
                        v.selected = saved.0;
                        v.anchor = saved.1;
                    }
                } else {
                    self.focus = Focus::Spaces;
                }
            }
            Command::ExpandThread => {
                if let Some(t) = self.selected_thread() {
                    let v = self.views.entry(space.clone()).or_default();
                    if !v.expanded.remove(&t) {
                        v.expanded.insert(t);
                    }
                    // A collapsed row selected before becomes the thread's first reply.
                    let rows = self.rows_for(&space);
                    let v = self.views.entry(space).or_default();
                    if v.selected
                        .as_ref()
                        .is_some_and(|s| !rows.index.contains_key(s))
                    {
                        v.selected = rows
                            .rows
                            .iter()
                            .find(|r| matches!(r, Row::Msg { reply: true, .. }))
                            .cloned();
                    }
                }
            }
            Command::Retry => match self
                .selected_item()
                .map(|i| (i.name().to_string(), i.local.clone()))
            {
                Some((name, Some(Local::Failed(_)))) => self.retry(&space, &name, fx),
                _ => self.error("Only a message that failed to send can be retried."),
            },
            Command::AddMember => self.open_add_member(),
            Command::SpaceInfo => {
                self.dialog = Some(Dialog::new(Kind::SpaceInfo { space }, Vec::new()));
            }
            _ => {}
        }
    }

    /// Typing where one is: a new message in the space, or a reply inside a thread (what
    /// the idle box's title says).
    fn start_compose(&mut self, space: &str) {
        if self.views.get(space).is_some_and(|v| v.thread.is_some()) {
            self.start_reply(space);
        } else {
            self.compose.switch(space, Target::New, None, None);
            self.focus = Focus::Compose;
        }
    }

    fn start_reply(&mut self, space: &str) {
        let Some(thread) = self.selected_thread() else {
            self.error("Select a message to reply to.");
            return;
        };
        if thread.starts_with("local/") {
            self.error("That message is still being sent; reply once it is.");
            return;
        }
        let tl = self.timelines.get(space);
        let root = tl.and_then(|t| t.items().iter().find(|i| i.thread() == thread));
        let to = root
            .and_then(|r| r.msg.sender.as_ref())
            .map(|u| self.member_label(u).into_string());
        self.compose
            .switch(space, Target::Reply { thread }, to, None);
        self.focus = Focus::Compose;
    }

    fn start_edit(&mut self, space: &str) {
        let Some(item) = self.selected_item().cloned() else {
            self.error("Select one of your messages to edit it.");
            return;
        };
        match &item.local {
            Some(Local::Failed(_)) => {
                // Take the unsent text back into the box.
                let target = match (item.msg.thread_reply, item.msg.thread_name()) {
                    (true, Some(t)) => Target::Reply {
                        thread: t.to_string(),
                    },
                    _ => Target::New,
                };
                self.compose.switch(space, target, None, None);
                let mut text = self.compose.text();
                if !text.trim().is_empty() {
                    text.push('\n');
                }
                text.push_str(item.msg.text.as_deref().unwrap_or(""));
                self.compose.set_text(&text);
                if let Some(t) = self.timelines.get_mut(space) {
                    t.remove(item.name());
                }
                self.focus = Focus::Compose;
                self.note("The unsent message is back in the box: edit it and press Enter.");
            }
            Some(_) => self.error("That message is still on its way; edit it once it has arrived."),
            None if !self.is_mine(&item.msg) => self.error("You can edit only your own messages."),
            None if !item.msg.cards_v2.is_empty() && item.msg.text.is_none() => {
                self.error("Cards can't be edited from here.")
            }
            None => {
                let message = item.name().to_string();
                let raw = item.msg.text.clone().unwrap_or_default();
                let text = super::mentions::show(&raw, &self.mentions_of(&raw));
                self.compose
                    .switch(space, Target::Edit { message }, None, Some(&text));
                self.focus = Focus::Compose;
            }
        }
    }

    fn start_delete(&mut self, space: &str) {
        let Some(item) = self.selected_item().cloned() else {
            self.error("Select a message to delete it.");
            return;
        };
        if matches!(
            item.local,
            Some(Local::Sending | Local::Saving | Local::Deleting)
        ) {
            self.error("That message is still on its way; wait a moment.");
            return;
        }
        let mine = self.is_mine(&item.msg) || item.is_local();
        if !mine && !self.is_manager(space) {
            self.error("You can delete only your own messages (space managers can delete any).");
            return;
        }
        let replies = self
            .timelines
            .get(space)
            .map_or(0, |t| t.reply_count(&item));
        let preview =
            crate::markup::plain_preview(item.msg.text.as_deref().unwrap_or("(card)"), self, 60);
        self.dialog = Some(Dialog::new(
            Kind::DeleteMessage {
                space: space.to_string(),
                message: item.name().to_string(),
                replies,
                preview,
            },
            Vec::new(),
        ));
    }

    fn open_thread(&mut self, space: &str, fx: &mut Vec<Effect>) {
        let Some(thread) = self.selected_thread() else {
            return;
        };
        if thread.starts_with("local/") {
            return;
        }
        let v = self.views.entry(space.to_string()).or_default();
        if v.thread.as_deref() == Some(thread.as_str()) {
            return;
        }
        v.saved = Some(Box::new((v.selected.clone(), v.anchor.clone())));
        v.surfaced.retain(|t| *t != thread);
        v.thread = Some(thread.clone());
        v.anchor = None;
        self.select_last(space);
        if !self.me.is_app {
            fx.push(Effect::LoadMessages {
                space: space.to_string(),
                kind: LoadKind::Thread { thread },
            });
        }
    }

    pub(super) fn load_older(&mut self, space: &str, fx: &mut Vec<Effect>) {
        if self.views.get(space).is_some_and(|v| v.thread.is_some()) {
            return;
        }
        let Some(tl) = self.timelines.get_mut(space) else {
            return;
        };
        if !tl.loaded || !tl.has_older || tl.loading_older {
            return;
        }
        let Some(before) = tl.oldest_time() else {
            return;
        };
        tl.loading_older = true;
        fx.push(Effect::LoadMessages {
            space: space.to_string(),
            kind: LoadKind::Older { before },
        });
    }

    fn move_selection(&mut self, space: &str, delta: i64, fx: &mut Vec<Effect>) {
        let rows = self.rows_for(space);
        let n = rows.rows.len();
        let cur = self
            .views
            .get(space)
            .and_then(|v| v.selected.as_ref())
            .and_then(|s| rows.index.get(s))
            .copied();
        // Walk from the selection: the cost is the distance moved, not the history.
        let next = match cur {
            Some(i) if delta < 0 => (0..i).rev().find(|&j| rows.rows[j].is_selectable()),
            Some(i) => (i + 1..n).find(|&j| rows.rows[j].is_selectable()),
            None => (0..n).rev().find(|&j| rows.rows[j].is_selectable()),
        };
        let Some(next) = next else {
            if delta < 0 {
                // Already at the oldest loaded message: show the top, fetch older ones.
                self.views.entry(space.to_string()).or_default().anchor = Some((Row::Top, 0));
                self.load_older(space, fx);
            }
            return;
        };
        self.views.entry(space.to_string()).or_default().selected = Some(rows.rows[next].clone());
        self.reveal_selected(space, fx);
    }

    /// Scrolls so the selected row is wholly on screen, and fetches older messages when
    /// the top of the history comes into view.
    fn reveal_selected(&mut self, space: &str, fx: &mut Vec<Effect>) {
        let (w, h) = self.message_area();
        let (rows, win) = self.message_window(space, w, h);
        let Some(sel) = self
            .views
            .get(space)
            .and_then(|v| v.selected.as_ref())
            .and_then(|s| rows.index.get(s))
            .copied()
        else {
            return;
        };
        let n = rows.rows.len();
        let last_selectable = (0..n).rev().find(|&i| rows.rows[i].is_selectable());
        let first_selectable = (0..n).find(|&i| rows.rows[i].is_selectable());
        let anchor = if Some(sel) == last_selectable {
            None
        } else if win.contains_whole(sel) {
            return self.after_scroll(space, fx);
        } else if win.first_row().is_none_or(|f| sel <= f) {
            // Scrolling up: the row at the top (with the history start above the oldest).
            if Some(sel) == first_selectable {
                Some((Row::Top, 0))
            } else {
                Some((rows.rows[sel].clone(), 0))
            }
        } else {
            let mut height = |i: usize| self.row_lines(space, &rows, i, w).len();
            let (top, skip) = view::anchor_bottom_at(sel, h as usize, &mut height);
            Some((rows.rows[top].clone(), skip))
        };
        self.views.entry(space.to_string()).or_default().anchor = anchor;
        self.after_scroll(space, fx);
    }

    fn after_scroll(&mut self, space: &str, fx: &mut Vec<Effect>) {
        let (w, h) = self.message_area();
        let (_, win) = self.message_window(space, w, h);
        if win.at_top {
            self.load_older(space, fx);
        }
    }

    /// Scrolls the message pane by `lines` (negative: up). With `drag_selection`, the
    /// selection moves along when it leaves the screen.
    pub(super) fn scroll_messages(
        &mut self,
        space: &str,
        lines: i64,
        drag_selection: bool,
        fx: &mut Vec<Effect>,
    ) {
        let (w, h) = self.message_area();
        let (rows, win) = self.message_window(space, w, h);
        let n = rows.rows.len();
        let Some((top, skip)) = win.top() else { return };
        let anchor = {
            let mut height = |i: usize| self.row_lines(space, &rows, i, w).len();
            if lines < 0 {
                let (r, s) = view::scroll_up(top, skip, lines.unsigned_abs() as usize, &mut height);
                Some((rows.rows[r].clone(), s))
            } else {
                view::scroll_down(n, h as usize, top, skip, lines as usize, &mut height)
                    .map(|(r, s)| (rows.rows[r].clone(), s))
            }
        };
        self.views.entry(space.to_string()).or_default().anchor = anchor;
        let (rows, win) = self.message_window(space, w, h);
        if drag_selection {
            let sel = self
                .views
                .get(space)
                .and_then(|v| v.selected.as_ref())
                .and_then(|s| rows.index.get(s))
                .copied();
            let visible: Vec<usize> = win
                .parts
                .iter()
                .map(|p| p.0)
                .filter(|&i| rows.rows[i].is_selectable())
                .collect();
            if sel.is_none_or(|s| !visible.contains(&s)) {
                let pick = if lines < 0 {
                    visible.first()
                } else {
                    visible.last()
                };
                if let Some(&i) = pick {
                    self.views.entry(space.to_string()).or_default().selected =
                        Some(rows.rows[i].clone());
                }
            }
        }
        if win.at_top {
            self.load_older(space, fx);
        }
    }

    // ---------------------------------------------------------------- members pane

    fn members_command(&mut self, c: Command, fx: &mut Vec<Effect>) {
        let Some(space) = self.current.clone() else {
            return;
        };
        let n = self.members_sorted(&space).len();
        match c {
            Command::Up => self.member_sel = self.member_sel.saturating_sub(1),
            Command::Down => self.member_sel = (self.member_sel + 1).min(n.saturating_sub(1)),
            Command::Top => self.member_sel = 0,
            Command::Bottom => self.member_sel = n.saturating_sub(1),
            Command::AddMember => self.open_add_member(),
            Command::RemoveMember => {
                let Some(m) = self.selected_member().cloned() else {
                    return;
                };
                let label = self.membership_label(&m);
                let Some(membership) = m.name.clone() else {
                    return;
                };
                if self.is_own_membership(&membership) {
                    // Removing oneself is leaving.
                    let label = self
                        .space(&space)
                        .map(|s| self.space_label(s))
                        .unwrap_or_default();
                    self.dialog = Some(Dialog::new(Kind::LeaveSpace { space, label }, Vec::new()));
                    return;
                }
                self.dialog = Some(Dialog::new(
                    Kind::RemoveMember {
                        space,
                        membership,
                        label,
                    },
                    Vec::new(),
                ));
            }
            Command::ToggleManager => {
                let Some(m) = self.selected_member().cloned() else {
                    return;
                };
                let label = self.membership_label(&m);
                if self
                    .space(&space)
                    .is_some_and(|s| s.kind() != SpaceType::Space)
                {
                    self.error("Group chats and DMs have no managers.");
                } else if m.member.as_ref().is_some_and(|u| u.is_bot()) {
                    self.error("Chat apps can't be space managers.");
                } else if m.state == Some(MembershipState::Invited) {
                    self.error(format!(
                        "{label} hasn't joined yet; roles change once they do."
                    ));
                } else if let Some(membership) = m.name.clone() {
                    let manager = m.role != Some(MembershipRole::Manager);
                    fx.push(Effect::SetRole {
                        space,
                        membership,
                        manager,
                    });
                }
            }
            _ => {}
        }
    }

    fn open_add_member(&mut self) {
        let Some(space) = self.current.clone() else {
            return;
        };
        if self
            .space(&space)
            .is_some_and(|s| s.kind() == SpaceType::DirectMessage)
        {
            self.error("People can't be added to a direct message; create a space instead.");
            return;
        }
        self.dialog = Some(Dialog::new(
            Kind::AddMember { space },
            vec![Field::new("Person or app", "", false)],
        ));
    }

    // ---------------------------------------------------------------- dialogs

    fn dialog_key(&mut self, k: KeyEvent, fx: &mut Vec<Effect>) {
        let cmd = self.keymap.lookup(Mode::Dialog, &k);
        let Some(d) = self.dialog.as_mut() else {
            return;
        };
        if cmd == Some(Command::Quit) {
            self.dialog = None;
            self.request_quit();
            return;
        }
        if cmd == Some(Command::Cancel) {
            self.dialog = None;
            return;
        }
        if matches!(d.kind, Kind::QuitUnsaved { .. }) {
            if cmd == Some(Command::KeepSends) {
                self.quit = true;
            }
            return;
        }
        if matches!(d.kind, Kind::Quit { .. }) {
            match cmd {
                Some(Command::Submit | Command::WaitSends) => self.answer_quit(true),
                Some(Command::KeepSends) => self.answer_quit(false),
                _ => {}
            }
            return;
        }
        if matches!(d.kind, Kind::SpaceInfo { .. }) {
            if cmd == Some(Command::Submit) || k.code == KeyCode::Char('q') {
                self.dialog = None;
            }
            return;
        }
        if d.is_confirm() {
            match (cmd, k.code) {
                (Some(Command::Submit), _) | (_, KeyCode::Char('y' | 'Y')) => {
                    self.confirm_dialog(fx)
                }
                (_, KeyCode::Char('n' | 'N')) => self.dialog = None,
                _ => {}
            }
            return;
        }
        match cmd {
            _ if matches!(d.kind, Kind::AddMember { .. })
                && matches!(k.code, KeyCode::Up | KeyCode::Down) =>
            {
                let n = d.found.len();
                if n > 0 {
                    d.pick = if k.code == KeyCode::Up {
                        (d.pick + n - 1) % n
                    } else {
                        (d.pick + 1) % n
                    };
                }
            }
            Some(Command::Submit) => self.confirm_dialog(fx),
            Some(Command::NextField) if !d.fields.is_empty() => {
                d.focus = (d.focus + 1) % d.fields.len()
            }
            Some(Command::PrevField) if !d.fields.is_empty() => {
                d.focus = (d.focus + d.fields.len() - 1) % d.fields.len()
            }
            Some(Command::Newline) => {
                if let Some(f) = d.focused_mut().filter(|f| f.multiline) {
                    f.input.insert_newline();
                }
            }
            Some(c @ (Command::Undo | Command::Redo | Command::Discard)) => {
                if let Some(f) = d.focused_mut() {
                    match c {
                        Command::Undo => f.input.undo(),
                        Command::Redo => f.input.redo(),
                        _ => super::compose::discard_all(&mut f.input),
                    };
                }
                d.error = None;
                self.add_member_typed(fx);
            }
            _ => {
                if let Some(f) = d.focused_mut() {
                    if f.multiline || k.code != KeyCode::Enter {
                        super::compose::edit(&mut f.input, k);
                    }
                }
                d.error = None;
                self.add_member_typed(fx);
            }
        }
    }

    fn confirm_dialog(&mut self, fx: &mut Vec<Effect>) {
        let Some(d) = self.dialog.as_mut() else {
            return;
        };
        if d.busy {
            return;
        }
        match d.kind.clone() {
            Kind::AddMember { space } => {
                let input = d.field(0);
                if let Some(user) = d
                    .found
                    .get(d.pick)
                    .filter(|_| d.searched.as_deref() == Some(input.trim()))
                    .filter(|_| UserRef::parse_loose(&input).is_err())
                    .and_then(|f| UserRef::parse_loose(&f.user).ok())
                {
                    d.busy = true;
                    d.error = None;
                    fx.push(Effect::AddMember { space, user });
                    return;
                }
                if d.searched.as_deref() == Some(input.trim())
                    && UserRef::parse_loose(&input).is_err()
                {
                    d.error = Some(format!(
                        "No one in your directory matches \"{}\"; type their email address to invite them.",
                        input.trim()
                    ));
                    return;
                }
                match UserRef::parse_loose(&input) {
                    Ok(user) => {
                        d.busy = true;
                        d.error = None;
                        fx.push(Effect::AddMember { space, user });
                    }
                    Err(_) => {
                        d.error = Some(format!(
                            "{:?} is not a person or app: type a user id (users/123 or 123), an email address, or app for the Chat app.",
                            input.trim()
                        ))
                    }
                }
            }
            Kind::RemoveMember {
                space, membership, ..
            } => {
                d.busy = true;
                fx.push(Effect::RemoveMember { space, membership });
            }
            Kind::DeleteMessage {
                space,
                message,
                replies,
                ..
            } => {
                if message.starts_with("local/") {
                    if let Some(t) = self.timelines.get_mut(&space) {
                        t.remove(&message);
                    }
                    self.dialog = None;
                    self.note("The unsent message was discarded.");
                    return;
                }
                d.busy = true;
                if let Some(t) = self.timelines.get_mut(&space) {
                    t.set_local(&message, Some(Local::Deleting));
                }
                fx.push(Effect::Delete {
                    space,
                    message,
                    force: replies > 0,
                });
            }
            Kind::CreateSpace { request_id } => {
                let name = d.field(0).trim().to_string();
                if name.is_empty() {
                    d.error = Some("A space needs a name.".into());
                    return;
                }
                if name.chars().count() > 128 {
                    d.error = Some(format!(
                        "The name is {} characters; the limit is 128.",
                        name.chars().count()
                    ));
                    return;
                }
                d.busy = true;
                d.error = None;
                fx.push(Effect::CreateSpace {
                    request_id,
                    name,
                    description: d.field(1),
                    guidelines: d.field(2),
                });
            }
            Kind::EditSpace { space } => {
                let name = d.field(0).trim().to_string();
                let (description, guidelines) = (d.field(1), d.field(2));
                if name.is_empty() {
                    d.error = Some("A space needs a name.".into());
                    return;
                }
                let old = self.space(&space).cloned().unwrap_or_default();
                let old_d = old.space_details.clone().unwrap_or_default();
                let mut mask = Vec::new();
                if old.display_name.as_deref() != Some(name.as_str()) {
                    mask.push("display_name");
                }
                if old_d.description.as_deref().unwrap_or("") != description
                    || old_d.guidelines.as_deref().unwrap_or("") != guidelines
                {
                    mask.push("space_details");
                }
                let Some(d) = self.dialog.as_mut() else {
                    return;
                };
                if mask.is_empty() {
                    self.dialog = None;
                    self.note("Nothing changed.");
                    return;
                }
                d.busy = true;
                d.error = None;
                fx.push(Effect::UpdateSpace {
                    space,
                    name,
                    description,
                    guidelines,
                    mask: mask.join(","),
                });
            }
            Kind::DeleteSpace {
                space,
                display_name,
            } => {
                if d.field(0).trim() != display_name.as_str() {
                    d.error = Some(format!("Type {display_name} exactly to delete the space."));
                    return;
                }
                d.busy = true;
                fx.push(Effect::DeleteSpace { space });
            }
            Kind::SpaceInfo { .. } => self.dialog = None,
            Kind::Quit { .. } => self.answer_quit(true),
            Kind::QuitUnsaved { .. } => {}
            Kind::DiscardDraft { .. } => {
                self.dialog = None;
                self.compose.discard();
                let undo = self.keymap.label(Mode::Compose, Command::Undo);
                self.note(format!("Draft discarded; {undo} brings it back."));
            }
            Kind::LeaveSpace { space, .. } => {
                // People leave by their own membership; the app by the `app` alias.
                let me = if self.me.is_app {
                    Some("app".to_string())
                } else {
                    self.me
                        .user
                        .as_deref()
                        .and_then(|u| u.strip_prefix("users/"))
                        .map(String::from)
                };
                let Some(me) = me else {
                    self.error("gchat doesn't know who you are yet; try again in a moment.");
                    return;
                };
                d.busy = true;
                fx.push(Effect::RemoveMember {
                    membership: format!("{space}/members/{me}"),
                    space,
                });
            }
        }
    }

    // ---------------------------------------------------------------- mouse

    pub(super) fn on_mouse(&mut self, m: MouseEvent, fx: &mut Vec<Effect>) {
        if self.dialog.is_some() || self.help.is_some() {
            return;
        }
        let s = self.screen.get();
        let (x, y) = (m.column, m.row);
        match m.kind {
            MouseEventKind::ScrollUp | MouseEventKind::ScrollDown => {
                let up = m.kind == MouseEventKind::ScrollUp;
                self.dirty = true;
                if inside(s.messages, x, y) {
                    if let Some(space) = self.current.clone() {
                        self.scroll_messages(&space, if up { -3 } else { 3 }, false, fx);
                    }
                } else if inside(s.spaces, x, y) {
                    self.move_space(if up { -1 } else { 1 });
                } else if inside(s.members, x, y) {
                    self.members_command(if up { Command::Up } else { Command::Down }, fx);
                }
            }
            MouseEventKind::Down(MouseButton::Left) => {
                self.dirty = true;
                if inside(s.spaces, x, y) {
                    self.focus = Focus::Spaces;
                    if inside(s.spaces_list, x, y) {
                        let i = (y - s.spaces_list.y) as usize + s.spaces_offset;
                        if let Some(name) =
                            self.visible_spaces().get(i).and_then(|sp| sp.name.clone())
                        {
                            self.spaces.selected = Some(name.clone());
                            self.leaving_for(&name);
                            self.open_space(&name, fx);
                            // As Enter does: what you clicked is what you read next.
                            self.focus = Focus::Messages;
                        }
                    }
                } else if inside(s.compose, x, y)
                    && self
                        .current
                        .as_deref()
                        .is_some_and(|c| self.posting_refused(c).is_none())
                {
                    // As the idle box's title says: a new message, or a reply in the
                    // thread on screen (unless this space's box is being typed in).
                    if let Some(space) = self.current.clone() {
                        if self.focus != Focus::Compose
                            || self.compose.space.as_deref() != Some(space.as_str())
                        {
                            self.start_compose(&space);
                        }
                    }
                } else if inside(s.messages, x, y) {
                    self.focus = Focus::Messages;
                    self.click_message(y - s.messages.y);
                } else if inside(s.members, x, y) {
                    self.focus = Focus::Members;
                    if inside(s.members_list, x, y) {
                        let i = (y - s.members_list.y) as usize + s.members_offset;
                        if let Some(space) = &self.current {
                            if i < self.members_sorted(space).len() {
                                self.member_sel = i;
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn click_message(&mut self, row_y: u16) {
        let Some(space) = self.current.clone() else {
            return;
        };
        let (w, h) = self.message_area();
        let (rows, win) = self.message_window(&space, w, h);
        for (i, at, take) in win.layout() {
            if (at..at + take).contains(&(row_y as usize)) && rows.rows[i].is_selectable() {
                self.views.entry(space).or_default().selected = Some(rows.rows[i].clone());
                return;
            }
        }
    }
}
