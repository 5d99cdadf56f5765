//! Where the last frame put things, and the cache of laid-out message rows.
//!
//! A row is laid out (wrapped, styled) once per width and content revision, then reused
//! every frame: a frame costs the rows on screen, however long the history is.

use std::collections::HashMap;
use std::rc::Rc;

use ratatui::layout::Rect;
use ratatui::text::Line;

use super::timeline::Row;

/// Where the last frame put things.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Screen {
    pub spaces: Rect,
    pub messages: Rect,
    pub members: Rect,
    pub compose: Rect,
    /// The spaces list's first row, and how far it is scrolled.
    pub spaces_list: Rect,
    pub spaces_offset: usize,
    pub members_list: Rect,
    pub members_offset: usize,
    /// The help overlay's lines shown at once, and its furthest scroll.
    pub help_page: u16,
    pub help_max: u16,
}

/// A row and the revision of what it shows.
pub type Key = (Row, u64);

#[derive(Default)]
pub struct LayoutCache {
    pub(super) width: u16,
    pub(super) people: u64,
    pub(super) day: i64,
    pub(super) offset: i32,
    pub(super) lines: HashMap<Key, Rc<Vec<Line<'static>>>>,
}

impl LayoutCache {
    pub fn clear(&mut self) {
        self.lines.clear();
    }
}
