//! The message pane's commands: selection, scrolling, threads, and starting a reply,
//! an edit or a delete.

use crate::api::{SpaceName, ThreadName};

use crate::app::dialog::{Dialog, Kind};
use crate::app::timeline::MessageId;
use crate::app::timeline::{Local, Row};
use crate::app::{view, App, Effect, Focus, LoadKind};
use crate::keymap::Command;

impl App {
    pub(in crate::app) fn load_older(&mut self, space: &SpaceName, fx: &mut Vec<Effect>) {
        if self
            .views
            .get(space.as_str())
            .is_some_and(|v| v.thread.is_some())
        {
            return;
        }
        let Some(tl) = self.store.timeline_mut(space) else {
            return;
        };
        if !tl.loaded || !tl.has_older || tl.loading_older {
            return;
        }
        let Some(before) = tl.history_start() else {
            return;
        };
        tl.loading_older = true;
        fx.push(Effect::Messages(crate::app::MessagesEffect::LoadMessages {
            space: space.clone(),
            kind: LoadKind::Older { before },
        }));
    }

    /// Scrolls the message pane by `lines` (negative: up). With `drag_selection`, the
    /// selection moves along when it leaves the screen.
    pub(in crate::app) fn scroll_messages(
        &mut self,
        space: &SpaceName,
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
                .get(space.as_str())
                .and_then(|v| v.selected.as_ref())
                .and_then(|s| rows.pos(s));
            // A page moves the selection a page too: to the first (up) or last (down)
            // row shown whole, header and all; a row taller than the screen is shown
            // from its header.
            let selectable = |&&(i, _, _): &&(usize, usize, usize)| rows.rows[i].is_selectable();
            let whole: Vec<usize> = win
                .parts
                .iter()
                .filter(selectable)
                .filter(|&&(i, skip, take)| {
                    skip == 0 && take >= self.row_lines(space, &rows, i, w).len()
                })
                .map(|p| p.0)
                .collect();
            let pick = if lines < 0 {
                whole.first()
            } else {
                whole.last()
            };
            let v = self.views.entry(space.to_string()).or_default();
            match pick {
                Some(&i) => v.selected = Some(rows.rows[i].clone()),
                None => {
                    let part = win.parts.iter().filter(selectable).map(|p| p.0);
                    let part: Vec<usize> = part.collect();
                    let tall = if lines < 0 { part.first() } else { part.last() };
                    if let Some(&i) = tall {
                        if sel != Some(i) {
                            v.selected = Some(rows.rows[i].clone());
                        }
                        if !win.at_bottom || lines < 0 {
                            v.anchor = Some((rows.rows[i].clone(), 0));
                        }
                    }
                }
            }
        }
        if win.at_top {
            self.load_older(space, fx);
        }
    }

    /// The selected row's message, if it is one.
    pub fn selected_item(&self) -> Option<&crate::app::timeline::Item> {
        let space = self.current.as_deref()?;
        match self.views.get(space)?.selected.as_ref()? {
            Row::Msg { name, .. } => self.store.timeline(space)?.get(name),
            _ => None,
        }
    }

    /// The thread of the selected row (a message or a collapsed run of replies).
    pub(in crate::app) fn selected_thread(&self) -> Option<String> {
        let space = self.current.as_deref()?;
        match self.views.get(space)?.selected.as_ref()? {
            Row::Collapsed { thread, .. }
            | Row::EarlierThread { thread }
            | Row::NewReplies { thread } => Some(thread.clone()),
            Row::Msg { name, .. } => {
                let it = self.store.timeline(space)?.get(name)?;
                it.thread_name().map(String::from)
            }
            _ => None,
        }
    }

    pub(in crate::app) fn messages_command(&mut self, c: Command, fx: &mut Vec<Effect>) {
        let Some(space) = self.current.clone() else {
            match c {
                Command::Back => self.focus = Focus::Spaces,
                Command::Up
                | Command::Down
                | Command::PageUp
                | Command::PageDown
                | Command::Top
                | Command::Bottom => {}
                _ => self.note("Open a space first."),
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
            Command::FirstUnread => self.first_unread(),
            Command::Bottom => self.select_last(&space),
            Command::Compose => self.start_compose(&space),
            Command::Reply => self.start_reply(&space),
            Command::Edit => self.start_edit(&space),
            Command::Delete => self.start_delete(&space),
            Command::OpenThread => self.open_thread(&space, fx),
            Command::Back if self.react.seek.take().is_some() => {
                self.stop_loading_older(&space);
            }
            Command::Back if self.stop_loading_older(&space) => {}
            Command::Back => {
                let v = self.views.entry(space.to_string()).or_default();
                if let Some(closed) = v.thread.take() {
                    if let Some(saved) = v.saved.take() {
                        v.selected = saved.0;
                        v.anchor = saved.1;
                    }
                    self.show_selection_after_thread(&space, &closed, fx);
                } else {
                    self.focus = Focus::Spaces;
                }
            }
            Command::ExpandThread => {
                let Some(t) = self.no_thread_note("expand its thread") else {
                    return;
                };
                {
                    // Expanding changes only whether the thread's replies are folded
                    // behind a "more replies" row: nothing changes when there is such a
                    // row neither before nor after. (The shared rows are not held across
                    // the toggle: while held, it could not be laid out in place, and every
                    // row of the space would be built again.)
                    let folded = |rows: &crate::app::rows::Rows| {
                        rows.rows
                            .iter()
                            .any(|r| matches!(r, Row::Collapsed { thread, .. } if *thread == t))
                    };
                    let before = folded(&self.rows_for(&space));
                    let v = self.views.entry(space.to_string()).or_default();
                    if !v.expanded.remove(&t) {
                        v.expanded.insert(t.clone());
                    }
                    if !before && !folded(&self.rows_for(&space)) {
                        // Nothing to show or hide: left as it was, and said.
                        let v = self.views.entry(space.to_string()).or_default();
                        if !v.expanded.remove(&t) {
                            v.expanded.insert(t.clone());
                        }
                        let replies = self.selected_item().filter(|it| !it.is_reply()).map(|it| {
                            self.store
                                .timeline(&space)
                                .map_or(0, |tl| tl.reply_count(it))
                        });
                        self.note(match replies {
                            Some(0) => "This message has no replies to show.",
                            _ => "This thread's replies are all shown.",
                        });
                        return;
                    }
                    // A collapsed row selected before becomes the first reply of that
                    // thread (not of whichever thread comes first).
                    let rows = self.rows_for(&space);
                    let gone = self
                        .views
                        .get(space.as_str())
                        .and_then(|v| v.selected.as_ref())
                        .is_some_and(|s| !rows.contains(s));
                    if gone {
                        let timeline = self.store.timeline(&space);
                        let in_thread = |name: &str| {
                            timeline
                                .and_then(|tl| tl.get(name))
                                .and_then(|it| it.thread_name())
                                == Some(t.as_str())
                        };
                        let first = rows
                            .rows
                            .iter()
                            .find(
                                |r| matches!(r, Row::Msg { name, reply: true } if in_thread(name)),
                            )
                            .cloned();
                        self.views.entry(space.into()).or_default().selected = first;
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
            Command::React | Command::Quote | Command::Pin | Command::Pins => {
                self.react_command(c, &space, fx)
            }
            Command::AddMember => self.open_add_member(),
            Command::SaveAttachment => self.save_attachment(fx),
            Command::OpenLink => self.open_link(fx),
            Command::CopyText => self.copy(false, fx),
            Command::CopyLink => self.copy(true, fx),
            Command::SpaceInfo => {
                self.dialog = Some(Dialog::new(Kind::SpaceInfo { space }, Vec::new()));
            }
            _ => {}
        }
    }

    /// The selected row's thread, or a note saying why there is none to `what` (a
    /// message in no thread, nothing selected, a message still being sent).
    fn no_thread_note(&mut self, what: &str) -> Option<String> {
        let Some(thread) = self.selected_thread() else {
            if self.selected_item().is_some() {
                self.note("This message has no thread.");
            } else {
                self.note(format!("Select a message to {what}."));
            }
            return None;
        };
        if MessageId::is_local(&thread) {
            self.note(format!(
                "That message is still being sent; {what} once it is."
            ));
            return None;
        }
        Some(thread)
    }

    pub(in crate::app) fn open_thread(&mut self, space: &SpaceName, fx: &mut Vec<Effect>) {
        let Some(thread) = self.no_thread_note("open its thread") else {
            return;
        };
        let typed = match ThreadName::parse(&thread) {
            Ok(t) => t,
            Err(e) => {
                self.error(format!("That thread cannot be opened: {e}"));
                return;
            }
        };
        let v = self.views.entry(space.to_string()).or_default();
        if v.thread.as_deref() == Some(thread.as_str()) {
            let back = self
                .keymap
                .label(crate::keymap::Mode::Messages, Command::Back);
            self.note(format!("This thread is open; {back} goes back."));
            return;
        }
        let from = self.selected_screen_line(space);
        let v = self.views.entry(space.to_string()).or_default();
        v.thread_from = from;
        v.saved = Some(Box::new((v.selected.clone(), v.anchor.clone())));
        v.surfaced.retain(|t| *t != thread);
        v.thread = Some(thread.clone());
        v.anchor = None;
        self.select_last(space);
        if !self.me.is_app {
            fx.push(Effect::Messages(crate::app::MessagesEffect::LoadMessages {
                space: space.clone(),
                kind: LoadKind::Thread { thread: typed },
            }));
        }
    }

    /// Back from `closed` (a thread open on its own): the selection from before is
    /// brought on screen. The thread's load may have moved it (a root older than the
    /// history puts the thread's rows at the top), and a row it stood on may be gone
    /// (the news of a reply, once the thread was read): then the thread's newest row
    /// in the space is selected, else the newest message. When the selection is no
    /// longer on the screen the user left, the row nearest the line the thread was
    /// opened from is selected instead: the user comes back where they were.
    fn show_selection_after_thread(
        &mut self,
        space: &SpaceName,
        closed: &str,
        fx: &mut Vec<Effect>,
    ) {
        let from = self
            .views
            .get_mut(space.as_str())
            .and_then(|v| v.thread_from.take());
        let rows = self.rows_for(space);
        let (w, h) = self.message_area();
        let (_, win) = self.message_window(space, w, h);
        let on_screen = |i: usize| win.parts.iter().any(|p| p.0 == i);
        let tl = self.store.timeline(space.as_str());
        let of_thread = |r: &Row| match r {
            Row::Msg { name, .. } => tl
                .and_then(|t| t.get(name))
                .is_some_and(|it| it.thread() == closed),
            _ => false,
        };
        let v = self.views.entry(space.to_string()).or_default();
        let sel = v.selected.as_ref().and_then(|s| rows.pos(s));
        // The thread's rows moved out of the screen the user left (its root, older than
        // the history, took them to the top): the row now nearest the line the thread
        // was opened from is selected, there, rather than the history scrolled away.
        let stays = match sel {
            Some(i) => on_screen(i),
            // Gone: the thread's row on screen stands for it (below).
            None => win.parts.iter().any(|p| of_thread(&rows.rows[p.0])),
        };
        if let (false, Some(y)) = (stays, from) {
            let nearest = win
                .layout()
                .into_iter()
                .filter(|&(r, _, _)| rows.rows[r].is_selectable())
                .min_by_key(|&(_, at, _)| at.abs_diff(y))
                .map(|(r, _, _)| rows.rows[r].clone());
            if let Some(row) = nearest {
                let v = self.views.entry(space.to_string()).or_default();
                v.selected = Some(row);
                return self.reveal_selected(space, fx);
            }
        }
        let v = self.views.entry(space.to_string()).or_default();
        if v.selected.as_ref().and_then(|s| rows.pos(s)).is_none() {
            let tl = self.store.timeline(space.as_str());
            let of_thread = rows.rows.iter().rev().find(|r| match r {
                Row::Msg { name, .. } => tl
                    .and_then(|t| t.get(name))
                    .is_some_and(|it| it.thread() == closed),
                _ => false,
            });
            match of_thread.cloned() {
                Some(row) => {
                    let v = self.views.entry(space.to_string()).or_default();
                    v.selected = Some(row);
                    v.anchor = None;
                }
                None => self.select_last(space),
            }
        }
        self.reveal_selected(space, fx);
    }

    /// The screen line the selected row starts on, when it is on screen.
    fn selected_screen_line(&self, space: &SpaceName) -> Option<usize> {
        let selected = self.views.get(space.as_str())?.selected.clone()?;
        let (w, h) = self.message_area();
        let (rows, win) = self.message_window(space, w, h);
        let i = rows.pos(&selected)?;
        win.layout()
            .into_iter()
            .find(|&(r, _, _)| r == i)
            .map(|(_, at, _)| at)
    }

    pub(in crate::app) fn move_selection(
        &mut self,
        space: &SpaceName,
        delta: i64,
        fx: &mut Vec<Effect>,
    ) {
        let rows = self.rows_for(space);
        let n = rows.rows.len();
        let cur = self
            .views
            .get(space.as_str())
            .and_then(|v| v.selected.as_ref())
            .and_then(|s| rows.pos(s));
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
    pub(in crate::app) fn reveal_selected(&mut self, space: &SpaceName, fx: &mut Vec<Effect>) {
        let (w, h) = self.message_area();
        let (rows, win) = self.message_window(space, w, h);
        let Some(sel) = self
            .views
            .get(space.as_str())
            .and_then(|v| v.selected.as_ref())
            .and_then(|s| rows.pos(s))
        else {
            return;
        };
        let n = rows.rows.len();
        let last_selectable = (0..n).rev().find(|&i| rows.rows[i].is_selectable());
        let first_selectable = (0..n).find(|&i| rows.rows[i].is_selectable());
        let anchor = if Some(sel) == last_selectable {
            None
        } else if win.contains_whole(sel) {
            // Off the newest message, the screen stays where it is: what arrives then
            // goes below (counted), and the selected message keeps its screen line.
            let v = self.views.entry(space.to_string()).or_default();
            if v.anchor.is_none() && v.thread.is_none() {
                v.anchor = win.top().map(|(top, skip)| (rows.rows[top].clone(), skip));
            }
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

    /// After an update: a selected message that was wholly on screen and grew (a
    /// reaction row, an edit making it longer) is scrolled back wholly into view, as
    /// moving the selection onto it would.
    pub(in crate::app) fn keep_grown_selection_whole(&mut self) {
        let Some(space) = self.current.clone() else {
            return;
        };
        let Some(row) = self
            .views
            .get(space.as_str())
            .and_then(|v| v.selected.clone())
        else {
            return;
        };
        let (w, h) = self.message_area();
        let (rows, win) = self.message_window(&space, w, h);
        let Some(sel) = rows.pos(&row) else {
            return;
        };
        let lines = self.row_lines(&space, &rows, sel, w).len();
        let anchor = {
            let v = self.views.entry(space.to_string()).or_default();
            let before = v.selected_lines.replace((row.clone(), lines));
            let Some((was_row, was)) = before else {
                return;
            };
            if was_row != row || lines <= was || v.anchor.is_none() {
                return;
            }
            // Whole before: its first line on screen and as many lines as it had.
            let Some(&(_, skip, take)) = win.parts.iter().find(|p| p.0 == sel) else {
                return;
            };
            if skip != 0 || take >= lines || take < was {
                return;
            }
            if lines >= h as usize {
                (row, 0)
            } else {
                let mut height = |i: usize| self.row_lines(&space, &rows, i, w).len();
                let (top, skip) = view::anchor_bottom_at(sel, h as usize, &mut height);
                (rows.rows[top].clone(), skip)
            }
        };
        self.views.entry(space.to_string()).or_default().anchor = Some(anchor);
    }

    pub(in crate::app) fn after_scroll(&mut self, space: &SpaceName, fx: &mut Vec<Effect>) {
        let (w, h) = self.message_area();
        let (_, win) = self.message_window(space, w, h);
        if win.at_top {
            self.load_older(space, fx);
        }
    }
}
