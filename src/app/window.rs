//! The window of message rows on screen: rows laid out once per width and content
//! revision, then reused every frame, so a frame costs the rows on screen, however long
//! the history is.

use std::rc::Rc;

use chrono::Datelike;
use ratatui::text::Line;

use super::row_lines::{render_row, RowCtx};
use super::timeline::{Row, Rows, RowsKey};
use super::view::{self, Window};
use super::App;

/// Past this many laid-out rows, the cache starts over (bounded memory).
const MAX_CACHED: usize = 20_000;

impl App {
    pub fn rows_key(&self, space: &str) -> RowsKey {
        let v = self.views.get(space);
        let mut expanded: Vec<String> = v
            .map(|v| v.expanded.iter().cloned().collect())
            .unwrap_or_default();
        expanded.sort();
        RowsKey {
            version: self.store.timeline(space).map_or(0, |t| t.version),
            thread: v.and_then(|v| v.thread.clone()),
            expanded,
            utc_offset_secs: self.settings.offset(self.settings.now()).local_minus_utc(),
            unread_from: v.and_then(|v| v.unread_from.clone()),
            surfaced: v.map(|v| v.surfaced.clone()).unwrap_or_default(),
        }
    }

    /// The rows of `space`'s message pane.
    pub fn rows_for(&self, space: &str) -> Rc<Rows> {
        match self.store.timeline(space) {
            Some(t) => t.rows(&self.rows_key(space)),
            None => Rc::new(Rows::default()),
        }
    }

    fn revision(&self, space: &str, row: &Row, continued: bool) -> u64 {
        let tl = self.store.timeline(space);
        let view = self.views.get(space);
        match row {
            // A reply reads differently in its thread on its own (no date by the time).
            Row::Msg { name, .. } => tl.and_then(|t| t.get(name)).map_or(0, |i| {
                let news = self.has_new_reply(space, i.thread());
                let in_thread = view.is_some_and(|v| v.thread.is_some());
                i.rev << 3 | (in_thread as u64) << 2 | (news as u64) << 1 | continued as u64
            }),
            // The top names the space: the same row in another space is another line.
            Row::Top => {
                use std::hash::{Hash, Hasher};
                let mut h = std::collections::hash_map::DefaultHasher::new();
                space.hash(&mut h);
                self.space(space)
                    .map(|s| self.space_label(s))
                    .unwrap_or_default()
                    .hash(&mut h);
                let flags = tl.map_or(0, |t| {
                    (t.loaded as u64)
                        | (t.has_older as u64) << 1
                        | (t.loading_older as u64) << 2
                        | (t.error.is_some() as u64) << 3
                        | (view.is_some_and(|v| v.thread.is_some()) as u64) << 4
                        | (view.is_some_and(|v| v.to_beginning) as u64) << 5
                });
                h.finish() << 6 | flags
            }
            // Says who replied last: redone when the messages change.
            Row::NewReplies { .. } => tl.map_or(0, |t| t.version),
            _ => 0,
        }
    }

    /// Starts the cache over when what every row depends on has changed: the width, the
    /// names of people, today's date ("Today"/"Yesterday") and the UTC offset. Checked
    /// once per window, not per row.
    fn refresh_layout(&self, width: u16) {
        let now = self.settings.now();
        let day = self.settings.local(now).date_naive().num_days_from_ce() as i64;
        let offset = self.settings.offset(now).local_minus_utc();
        let mut cache = self.layout.borrow_mut();
        if cache.width != width
            || cache.people != self.people.version
            || cache.day != day
            || cache.offset != offset
            || cache.lines.len() > MAX_CACHED
        {
            cache.lines.clear();
            cache.width = width;
            cache.people = self.people.version;
            cache.day = day;
            cache.offset = offset;
        }
    }

    /// Row `i`'s lines at `width`, laid out once and cached. Call after `message_window`
    /// for the same width (which keeps the cache current).
    pub fn row_lines(
        &self,
        space: &str,
        rows: &Rows,
        i: usize,
        width: u16,
    ) -> Rc<Vec<Line<'static>>> {
        let row = &rows.rows[i];
        let continued = rows.continues(i);
        let key = (row.clone(), self.revision(space, row, continued));
        {
            let cache = self.layout.borrow();
            if cache.width == width && cache.people == self.people.version {
                if let Some(l) = cache.lines.get(&key) {
                    return l.clone();
                }
            }
        }
        let lines = Rc::new(render_row(&self.row_ctx(space), row, continued, width));
        let mut cache = self.layout.borrow_mut();
        if cache.width == width && cache.people == self.people.version {
            cache.lines.insert(key, lines.clone());
        }
        lines
    }

    /// What laying out `space`'s rows needs.
    fn row_ctx(&self, space: &str) -> RowCtx<'_> {
        RowCtx {
            label: self
                .space(space)
                .map(|s| {
                    use crate::api::model::SpaceType;
                    let name = self.space_label(s);
                    // A conversation is not a place: "the beginning of Bob Li" reads wrong.
                    if matches!(s.kind(), SpaceType::DirectMessage | SpaceType::GroupChat) {
                        crate::clean::Clean::line(&format!("your conversation with {name}"))
                    } else {
                        name
                    }
                })
                .unwrap_or_default(),
            timeline: self.store.timeline(space),
            view: self.views.get(space),
            me: &self.me,
            people: &self.people,
            settings: &self.settings,
            keymap: &self.keymap,
            unsure: &self.unsure,
            react: &self.react,
            pins: self.store.pins(space),
            sizes: &self.files.sizes,
        }
    }

    /// The message pane's size in the last frame (a sensible one before the first).
    pub fn message_area(&self) -> (u16, u16) {
        let r = self.screen.get().messages;
        if r.width == 0 || r.height == 0 {
            (60, 20)
        } else {
            (r.width, r.height)
        }
    }

    /// Which rows of `space` are on a `width` x `height` screen.
    pub fn message_window(&self, space: &str, width: u16, height: u16) -> (Rc<Rows>, Window) {
        self.refresh_layout(width);
        let rows = self.rows_for(space);
        let n = rows.rows.len();
        let mut height_of = |i: usize| self.row_lines(space, &rows, i, width).len();
        let anchor = self
            .views
            .get(space)
            .and_then(|v| v.anchor.as_ref())
            .and_then(|(row, skip)| rows.pos(row).map(|i| (i, *skip)));
        let w = match anchor {
            Some((i, skip)) => view::from_anchor(n, height as usize, i, skip, &mut height_of),
            None => view::from_bottom(n, height as usize, &mut height_of),
        };
        (rows, w)
    }
}
