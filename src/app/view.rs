//! Which rows of the message pane are on screen.
//!
//! The pane is either pinned to the bottom (the newest message), or anchored to a row:
//! that row's line `skip` is the first line shown. Rows are identified by what they
//! show, not by position, so messages arriving above or below never move what the
//! reader is looking at. Only visible rows are ever laid out.

use std::collections::HashSet;

use super::timeline::Row;

/// Where the view was: the selection and the anchor.
pub type Place = (Option<Row>, Option<(Row, usize)>);

/// Per space: what is selected, where the view is, which threads are open.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ViewState {
    pub selected: Option<Row>,
    /// `None`: pinned to the bottom.
    pub anchor: Option<(Row, usize)>,
    /// A thread shown on its own.
    pub thread: Option<String>,
    /// Threads shown with every reply.
    pub expanded: HashSet<String>,
    /// The view in the main timeline, kept while a thread is open.
    pub saved: Option<Box<Place>>,
    /// `g` is loading older pages until the beginning (Esc stops it).
    pub to_beginning: bool,
    /// Messages that arrived below while the view was scrolled up.
    pub new_below: usize,
    /// Messages just arrived while scrolled up, counted once their rows are placed.
    pub arrived: Vec<String>,
    /// Opened with unread messages: read up to this time, until the messages are there
    /// to place the divider.
    pub unread_pending: Option<chrono::DateTime<chrono::Utc>>,
    /// The first message not read when the space was opened.
    pub unread_from: Option<String>,
    /// Threads higher up that got replies while the space was open.
    pub surfaced: Vec<String>,
    /// The screen line of the selection when a thread was opened on its own: where the
    /// selection comes back to on leaving it, when the thread's rows moved away.
    pub thread_from: Option<usize>,
    /// A search result opened in its thread, until the thread is loaded to show it.
    pub hit: Option<String>,
    /// The selected row and its lines after the last update: a selected message that
    /// grows (a reaction row, a longer edit) is kept wholly in view.
    pub selected_lines: Option<(Row, usize)>,
}

/// The visible part: `(row, first line, lines)` for each row on screen, top first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Window {
    pub parts: Vec<(usize, usize, usize)>,
    /// The first row (the top of the loaded history) is on screen.
    pub at_top: bool,
    /// The last row is on screen.
    pub at_bottom: bool,
}

impl Window {
    /// The row and line at the top of the screen.
    pub fn top(&self) -> Option<(usize, usize)> {
        self.parts.first().map(|&(r, skip, _)| (r, skip))
    }

    pub fn contains_whole(&self, row: usize) -> bool {
        self.parts.iter().any(|&(r, _, _)| r == row)
            && self
                .parts
                .first()
                .is_none_or(|&(r, skip, _)| r != row || skip == 0)
    }

    pub fn first_row(&self) -> Option<usize> {
        self.parts.first().map(|p| p.0)
    }

    /// The screen line each row starts on: (row, first screen line, lines).
    pub fn layout(&self) -> Vec<(usize, usize, usize)> {
        let mut y = 0;
        self.parts
            .iter()
            .map(|&(r, _, take)| {
                let at = y;
                y += take;
                (r, at, take)
            })
            .collect()
    }
}

/// Lays out from the bottom: the newest rows, filling `h` lines upward.
pub fn from_bottom(n: usize, h: usize, height: &mut dyn FnMut(usize) -> usize) -> Window {
    let mut parts = Vec::new();
    let mut remaining = h;
    for i in (0..n).rev() {
        if remaining == 0 {
            break;
        }
        let ht = height(i);
        if ht == 0 {
            continue;
        }
        let take = ht.min(remaining);
        parts.push((i, ht - take, take));
        remaining -= take;
    }
    parts.reverse();
    Window {
        at_top: parts.first().is_none_or(|&(r, s, _)| r == 0 && s == 0),
        at_bottom: true,
        parts,
    }
}

/// Lays out from row `top`, line `skip`, downward. Falls back to the bottom when the
/// rows below cannot fill the screen.
pub fn from_anchor(
    n: usize,
    h: usize,
    top: usize,
    skip: usize,
    height: &mut dyn FnMut(usize) -> usize,
) -> Window {
    if top >= n {
        return from_bottom(n, h, height);
    }
    let mut parts = Vec::new();
    let mut remaining = h;
    let mut i = top;
    let mut skip = skip.min(height(top).saturating_sub(1));
    while i < n && remaining > 0 {
        let ht = height(i).saturating_sub(skip);
        if ht > 0 {
            let take = ht.min(remaining);
            parts.push((i, skip, take));
            remaining -= take;
        }
        skip = 0;
        i += 1;
    }
    if remaining > 0 {
        return from_bottom(n, h, height);
    }
    let last = parts.last().map(|p| p.0).unwrap_or(0);
    let last_done = parts.last().is_some_and(|&(r, s, t)| s + t >= height(r));
    Window {
        at_top: top == 0 && parts.first().is_some_and(|p| p.1 == 0),
        at_bottom: last + 1 >= n && last_done,
        parts,
    }
}

/// The anchor `lines` above `(row, skip)`.
pub fn scroll_up(
    row: usize,
    skip: usize,
    lines: usize,
    height: &mut dyn FnMut(usize) -> usize,
) -> (usize, usize) {
    let (mut row, mut skip, mut lines) = (row, skip, lines);
    loop {
        if skip >= lines {
            return (row, skip - lines);
        }
        lines -= skip;
        if row == 0 {
            return (0, 0);
        }
        row -= 1;
        skip = height(row);
    }
}

/// The anchor `lines` below `(row, skip)`, or `None` when that reaches the bottom.
pub fn scroll_down(
    n: usize,
    h: usize,
    row: usize,
    skip: usize,
    lines: usize,
    height: &mut dyn FnMut(usize) -> usize,
) -> Option<(usize, usize)> {
    let (mut row, mut skip) = (row, skip + lines);
    while row < n && skip >= height(row) {
        skip -= height(row);
        row += 1;
    }
    if row >= n {
        return None;
    }
    let w = from_anchor(n, h, row, skip, height);
    if w.at_bottom && w.top() != Some((row, skip)) {
        return None;
    }
    Some((row, skip))
}

/// The anchor that shows row `row` entirely at the bottom of the screen.
pub fn anchor_bottom_at(
    row: usize,
    h: usize,
    height: &mut dyn FnMut(usize) -> usize,
) -> (usize, usize) {
    let mut total = 0;
    let mut i = row + 1;
    while i > 0 {
        i -= 1;
        total += height(i);
        if total >= h {
            return (i, total - h);
        }
    }
    (0, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(heights: &'static [usize]) -> impl FnMut(usize) -> usize {
        move |i| heights[i]
    }

    #[test]
    fn bottom_fills_upward() {
        let w = from_bottom(4, 5, &mut h(&[3, 2, 2, 2]));
        assert_eq!(w.parts, vec![(1, 1, 1), (2, 0, 2), (3, 0, 2)]);
        assert!(!w.at_top && w.at_bottom);
        let short = from_bottom(2, 10, &mut h(&[3, 2]));
        assert!(short.at_top && short.at_bottom);
        assert_eq!(short.parts, vec![(0, 0, 3), (1, 0, 2)]);
    }

    #[test]
    fn anchors_fill_downward_and_fall_back_to_the_bottom() {
        let w = from_anchor(4, 4, 0, 1, &mut h(&[3, 2, 2, 2]));
        assert_eq!(w.parts, vec![(0, 1, 2), (1, 0, 2)]);
        assert!(!w.at_top && !w.at_bottom);
        let end = from_anchor(4, 4, 3, 0, &mut h(&[3, 2, 2, 2]));
        assert_eq!(end, from_bottom(4, 4, &mut h(&[3, 2, 2, 2])));
    }

    #[test]
    fn scrolling_moves_by_lines() {
        let hs: &'static [usize] = &[3, 2, 2, 2];
        assert_eq!(scroll_up(2, 1, 3, &mut h(hs)), (1, 0));
        assert_eq!(scroll_up(1, 0, 10, &mut h(hs)), (0, 0));
        assert_eq!(scroll_down(4, 3, 0, 0, 4, &mut h(hs)), Some((1, 1)));
        assert_eq!(
            scroll_down(4, 3, 0, 0, 7, &mut h(hs)),
            None,
            "that is the bottom"
        );
        assert_eq!(anchor_bottom_at(2, 3, &mut h(hs)), (1, 1));
    }
}
