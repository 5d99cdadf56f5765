//! Reading history: keeping the reader's place when older pages arrive, `g` loading
//! to the beginning, the neighbour selected after a delete, what arrived while the reader
//! was elsewhere (the count below, the unread divider, replies to threads higher up), and
//! the selected message's full date and time.

use chrono::{DateTime, Utc};

use super::timeline::{Row, Rows};
use super::view;
use super::{App, Effect};
use crate::api::model::{Message, User};
use crate::api::{Listed, SpaceName};

/// A message arriving, whole (from an event) or as listed (from a poll).
pub(super) trait Arrival {
    fn arrival_name(&self) -> Option<&str>;
    fn arrival_deleted(&self) -> bool;
    fn arrival_sender(&self) -> Option<&User>;
    fn arrival_reply(&self) -> bool;
    fn arrival_thread(&self) -> Option<&str>;
}

impl Arrival for Message {
    fn arrival_name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn arrival_deleted(&self) -> bool {
        self.is_deleted()
    }
    fn arrival_sender(&self) -> Option<&User> {
        self.sender.as_ref()
    }
    fn arrival_reply(&self) -> bool {
        self.thread_reply
    }
    fn arrival_thread(&self) -> Option<&str> {
        self.thread_name()
    }
}

impl Arrival for Listed {
    fn arrival_name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn arrival_deleted(&self) -> bool {
        self.is_deleted()
    }
    fn arrival_sender(&self) -> Option<&User> {
        self.sender()
    }
    fn arrival_reply(&self) -> bool {
        self.thread_reply
    }
    fn arrival_thread(&self) -> Option<&str> {
        self.thread_name()
    }
}

/// A row and the screen line its first line is on (negative: above the screen).
pub(super) struct Place {
    row: Row,
    y: i64,
}

/// How the note at the beginning of a space starts.
pub(super) const BEGINNING_NOTE: &str = "This is the beginning of ";
impl App {
    /// Where the view is, when it is scrolled (pinned to the bottom, it stays there by
    /// itself): the selected row if it is on screen, else the first row below the top.
    pub(super) fn capture_place(&self, space: &str) -> Option<Place> {
        let v = self.views.get(space)?;
        v.anchor.as_ref()?;
        let (w, h) = self.message_area();
        let (rows, win) = self.message_window(space, w, h);
        let shown: usize = win.parts.iter().map(|p| p.2).sum();
        let pad = if win.at_bottom {
            (h as usize).saturating_sub(shown) as i64
        } else {
            0
        };
        let lines: Vec<(usize, i64)> = win
            .layout()
            .into_iter()
            .zip(&win.parts)
            .map(|((r, at, _), &(_, skip, _))| (r, pad + at as i64 - skip as i64))
            .collect();
        let sel = v.selected.as_ref().and_then(|s| rows.pos(s));
        let (r, y) = lines
            .iter()
            .find(|(r, _)| Some(*r) == sel)
            .or_else(|| {
                lines
                    .iter()
                    .find(|(r, _)| matches!(rows.rows[*r], Row::Msg { .. }))
            })
            .copied()?;
        Some(Place {
            row: rows.rows[r].clone(),
            y,
        })
    }

    /// Puts `place`'s row back on its screen line, whatever arrived above it.
    pub(super) fn restore_place(&mut self, space: &str, place: Place) {
        let (w, _) = self.message_area();
        let rows = self.rows_for(space);
        let Some(i) = rows.pos(&place.row) else {
            return;
        };
        let (r, skip) = if place.y >= 0 {
            let mut height = |j: usize| self.row_lines(space, &rows, j, w).len();
            view::scroll_up(i, 0, place.y as usize, &mut height)
        } else {
            (i, place.y.unsigned_abs() as usize)
        };
        if let Some(v) = self.views.get_mut(space) {
            v.anchor = Some((rows.rows[r].clone(), skip));
        }
    }

    /// `g`: the oldest loaded message, and older pages until the beginning.
    pub(super) fn go_to_beginning(&mut self, space: &SpaceName, fx: &mut Vec<Effect>) {
        let rows = self.rows_for(space);
        let first = rows.rows.iter().find(|r| r.is_selectable()).cloned();
        let in_thread = self
            .views
            .get(space.as_str())
            .is_some_and(|v| v.thread.is_some());
        let more = self.store.timeline(space).is_some_and(|t| t.has_older);
        let v = self.views.entry(space.to_string()).or_default();
        v.selected = first;
        v.anchor = Some((Row::Top, 0));
        if more && !in_thread {
            v.to_beginning = true;
            self.note("Loading older… (Esc stops)");
        }
        self.load_older(space, fx);
    }

    /// Esc while `g` loads: stops after the page on its way. Whether it was loading.
    pub(super) fn stop_loading_older(&mut self, space: &str) -> bool {
        let Some(v) = self.views.get_mut(space).filter(|v| v.to_beginning) else {
            return false;
        };
        v.to_beginning = false;
        self.note("Stopped loading older messages.");
        true
    }

    /// An older page arrived (`more`: there are older still): `g` goes on or is done.
    pub(super) fn older_page_arrived(
        &mut self,
        space: &SpaceName,
        more: bool,
        fx: &mut Vec<Effect>,
    ) {
        if !self
            .views
            .get(space.as_str())
            .is_some_and(|v| v.to_beginning)
        {
            return;
        }
        let here = self.current.as_deref() == Some(space);
        if more {
            let n = self.store.timeline(space).map_or(0, |t| t.len());
            if here {
                self.note(format!("Loading older… (Esc stops) · {n} loaded"));
            }
            self.load_older(space, fx);
            return;
        }
        let rows = self.rows_for(space);
        let first = rows.rows.iter().find(|r| r.is_selectable()).cloned();
        if let Some(v) = self.views.get_mut(space.as_str()) {
            v.to_beginning = false;
            v.selected = first;
            v.anchor = Some((Row::Top, 0));
        }
        if here {
            let label = self
                .space(space)
                .map(|s| self.space_label(s).into_string())
                .unwrap_or_else(|| "the space".into());
            self.note(format!("{BEGINNING_NOTE}{label}."));
        }
    }

    /// Loading older messages failed: `g` stops.
    pub(super) fn older_page_failed(&mut self, space: &str) {
        if let Some(v) = self.views.get_mut(space) {
            v.to_beginning = false;
        }
    }

    /// Before a poll's messages are merged: counts what arrives below a scrolled-up
    /// view, and surfaces replies to threads higher up.
    pub(super) fn note_arrivals<M: Arrival>(&mut self, space: &str, msgs: &[M]) {
        let Some(tl) = self.store.timeline(space) else {
            return;
        };
        let last_thread = tl
            .items()
            .iter()
            .rev()
            .find(|i| !i.is_reply() && !i.is_local())
            .map(|i| i.thread().to_string());
        let fresh: Vec<&M> = msgs
            .iter()
            .filter(|m| {
                m.arrival_name().is_some_and(|n| tl.get(n).is_none())
                    && !m.arrival_deleted()
                    && !self.me.sent_by(m.arrival_sender())
            })
            .collect();
        let threads: Vec<String> = fresh
            .iter()
            .filter(|m| m.arrival_reply())
            .filter_map(|m| m.arrival_thread().map(String::from))
            .filter(|t| Some(t) != last_thread.as_ref())
            // A thread none of whose messages is held shows where its replies land (at
            // the bottom, under "Replies to an earlier message"): said once, not twice.
            .filter(|t| tl.thread_first(t).is_some())
            .collect();
        let Some(v) = self.views.get_mut(space) else {
            return;
        };
        if v.anchor.is_some() {
            // In the open space only what lands below the screen counts (once placed).
            if self.current.as_ref().is_some_and(|c| c.as_str() == space) {
                v.arrived.extend(
                    fresh
                        .iter()
                        .filter_map(|m| m.arrival_name().map(String::from)),
                );
            } else {
                v.new_below += fresh.len();
            }
        }
        for t in threads {
            if v.thread.as_deref() == Some(t.as_str()) {
                continue;
            }
            v.surfaced.retain(|s| *s != t);
            v.surfaced.push(t);
        }
    }

    /// Counts the messages just arrived in the open space that land below the screen: a
    /// reply into a thread on screen (expanded, or open on its own) is seen, not news.
    pub(super) fn settle_arrivals(&mut self) {
        let Some(space) = self.current.as_ref().map(|s| s.as_str().to_string()) else {
            return;
        };
        let Some(v) = self.views.get_mut(&space) else {
            return;
        };
        let names = std::mem::take(&mut v.arrived);
        if names.is_empty() || v.anchor.is_none() {
            return;
        }
        let (w, h) = self.message_area();
        let (rows, win) = self.message_window(&space, w, h);
        let last = match win.parts.last() {
            Some(&(r, _, _)) if !win.at_bottom => r,
            // Nothing is below the screen.
            _ => return,
        };
        let tl = self.store.timeline(&space);
        let below = names
            .iter()
            .filter_map(|n| tl.and_then(|t| t.get(n)))
            .filter(|it| {
                let row = Row::Msg {
                    name: it.shared_name().clone(),
                    reply: it.is_reply(),
                };
                let news = Row::NewReplies {
                    thread: it.thread().to_string(),
                };
                // Shown where it is, else said at the bottom, else not in this view.
                rows.pos(&row)
                    .or_else(|| rows.pos(&news))
                    .is_some_and(|i| i > last)
            })
            .count();
        if let Some(v) = self.views.get_mut(&space) {
            v.new_below += below;
        }
    }

    /// Whether `thread` in `space` got a reply while the space was open, not yet seen.
    pub fn has_new_reply(&self, space: &str, thread: &str) -> bool {
        self.views
            .get(space)
            .is_some_and(|v| v.surfaced.iter().any(|t| t == thread))
    }

    /// Opening `space`: remembers where reading stopped, when there is something unread
    /// there and it was read before, for the divider.
    pub(super) fn remember_unread(&mut self, space: &str) {
        let unread = self.store.unread_count(space);
        let read = self.store.last_read(space);
        let v = self.views.entry(space.to_string()).or_default();
        v.unread_from = None;
        v.new_below = 0;
        v.unread_pending = read.filter(|_| unread > 0);
    }

    /// Once messages are there: the divider above the first unread one, selected, and
    /// the view starting at the divider.
    pub(super) fn place_unread(&mut self, space: &str) {
        let Some(read) = self.views.get(space).and_then(|v| v.unread_pending) else {
            return;
        };
        let Some(tl) = self.store.timeline(space).filter(|t| t.loaded) else {
            return;
        };
        // Only where something was read before: a space never opened has no place to
        // start but the newest (a count alone may be a capped page, "everything").
        let first = tl
            .items()
            .iter()
            .find(|i| !i.is_local() && !self.is_mine_item(i) && i.time() > read)
            .map(|i| i.name().to_string());
        let v = self.views.entry(space.to_string()).or_default();
        // Nothing unread shown yet (the space opened from what was already here): the
        // divider waits for the fetch that opening asked for.
        let Some(first) = first else { return };
        v.unread_pending = None;
        v.unread_from = Some(first.clone());
        let rows = self.rows_for(space);
        let sel = rows
            .rows
            .iter()
            .find(|r| matches!(r, Row::Msg { name, .. } if **name == *first))
            .cloned();
        let v = self.views.entry(space.to_string()).or_default();
        if let Some(sel) = sel {
            v.selected = Some(sel);
            v.anchor = Some((Row::Unread, 0));
        }
    }

    /// The fetch that opening asked for answered: the divider goes where it belongs, or
    /// nowhere (nothing unread came), and is not placed later by what arrives after.
    pub(super) fn settle_unread(&mut self, space: &str) {
        self.place_unread(space);
        if let Some(v) = self.views.get_mut(space) {
            v.unread_pending = None;
        }
    }

    /// After `gone` is deleted: the row to select instead (the next message, or the one
    /// before at the end), from the rows as they were.
    pub(super) fn neighbour_of(&self, rows: &Rows, gone: &dyn Fn(&str) -> bool) -> Option<Row> {
        let space = self.current.as_deref()?;
        let sel = self.views.get(space)?.selected.as_ref()?;
        let i = rows.pos(sel)?;
        let ok = |r: &Row| match r {
            Row::Msg { name, .. } => !gone(name),
            _ => false,
        };
        rows.rows
            .range(i + 1..)
            .find(|r| ok(r))
            .or_else(|| rows.rows.range(..i).rev().find(|r| ok(r)))
            .cloned()
    }

    /// Before `message` (forced: its thread) is deleted from the open space: the row to
    /// select if the selection goes with it.
    pub(super) fn neighbour_after_delete(
        &self,
        space: &str,
        message: &str,
        force: bool,
    ) -> Option<Row> {
        if self.current.as_deref() != Some(space) {
            return None;
        }
        let tl = self.store.timeline(space)?;
        let thread = tl.get(message).map(|i| i.thread().to_string());
        let gone = |n: &str| {
            n == message
                || (force
                    && tl
                        .get(n)
                        .is_some_and(|i| Some(i.thread()) == thread.as_deref()))
        };
        self.neighbour_of(&self.rows_for(space), &gone)
    }

    /// Selects `next` when the selected row is gone.
    pub(super) fn select_instead(&mut self, space: &str, next: Option<Row>) {
        let rows = self.rows_for(space);
        if let Some(v) = self.views.get_mut(space) {
            if v.selected.as_ref().is_none_or(|s| !rows.contains(s)) {
                v.selected = next.filter(|r| rows.contains(r));
            }
        }
    }

    /// The selected message's full date and time, with its zone, for the status bar.
    pub(super) fn show_full_time(&mut self) {
        let Some(item) = self.selected_item() else {
            self.error("Select a message to see when it was sent.");
            return;
        };
        let fmt = |t: DateTime<Utc>| {
            self.settings
                .local(t)
                .format("%A %-d %B %Y, %H:%M:%S UTC%:z")
                .to_string()
        };
        let mut text = format!("Sent {}", fmt(item.time()));
        if let Some(t) = item.updated() {
            text.push_str(&format!(" · edited {}", fmt(t)));
        }
        self.note(text);
    }
}
