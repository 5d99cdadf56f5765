//! The mouse: wheel scrolling and clicks that select or focus a pane.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use crate::app::{App, Effect, Focus};
use crate::keymap::Command;

fn inside(r: Rect, x: u16, y: u16) -> bool {
    r.contains(Position { x, y })
}

impl App {
    pub(in crate::app) fn on_mouse(&mut self, m: MouseEvent, fx: &mut Vec<Effect>) {
        if self.dialog.is_some() || self.help.is_some() || self.react.overlay_open() {
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
                        let row = self.space_rows().get(i).map(|r| r.key());
                        if let Some(h @ crate::app::sections::RowKey::Header(_)) = row.clone() {
                            self.select_row(h);
                            self.toggle_section();
                        } else if let Some(crate::app::sections::RowKey::Space(name)) = row {
                            self.sections.header = None;
                            self.spaces.selected = Some(name.clone());
                            self.leaving_for(&name);
                            self.open_listed(&name, fx);
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

    pub(in crate::app) fn click_message(&mut self, row_y: u16) {
        let Some(space) = self.current.clone() else {
            return;
        };
        let (w, h) = self.message_area();
        let (rows, win) = self.message_window(&space, w, h);
        for (i, at, take) in win.layout() {
            if (at..at + take).contains(&(row_y as usize)) && rows.rows[i].is_selectable() {
                self.views.entry(space.into()).or_default().selected = Some(rows.rows[i].clone());
                return;
            }
        }
    }
}
