//! The rows the message pane shows for a timeline: thread roots in time order, replies
//! grouped under them, long threads collapsed, dates between days, and the marks for
//! unread messages and new replies.

use std::collections::{HashMap, HashSet, VecDeque};
use std::rc::Rc;

/// Rows are indexed by value on every rebuild (100,000 of them in a big space): a fast
/// hasher, still seeded per process.
pub type Fast = foldhash::fast::RandomState;

use chrono::{NaiveDate, Utc};

use super::item::Item;

mod incremental;
#[cfg(test)]
mod tests;
mod update;

pub use incremental::{prepend, Lookup};
pub use update::update;

/// A row of the message pane.
// Equality below is the derived one with a shortcut (same pointer, same text), so the
// derived hash still agrees with it.
#[allow(clippy::derived_hash_with_manual_eq)]
#[derive(Debug, Clone, Eq, Hash)]
pub enum Row {
    /// The start of the loaded history ("beginning of the space" or "loading older").
    Top,
    Date(NaiveDate),
    /// A message (index into the timeline), and whether it is a reply.
    Msg {
        name: Rc<str>,
        reply: bool,
    },
    /// Replies hidden in a collapsed thread.
    Collapsed {
        thread: String,
        hidden: usize,
    },
    /// A thread whose first message is older than what is loaded.
    EarlierThread {
        thread: String,
    },
    /// "New messages": above the first message not read when the space was opened.
    Unread,
    /// At the bottom: a thread higher up got a reply since the space was opened.
    NewReplies {
        thread: String,
    },
}

/// As derived, but a message row's name is first compared by its pointer: rows share
/// the timeline's names, and `Rc<str>`'s own equality always compares the text (a
/// whole pane's rows compared took tens of milliseconds at 100,000 messages).
impl PartialEq for Row {
    fn eq(&self, other: &Row) -> bool {
        match (self, other) {
            (Row::Msg { name: a, reply: x }, Row::Msg { name: b, reply: y }) => {
                x == y && (Rc::ptr_eq(a, b) || a == b)
            }
            (Row::Top, Row::Top) | (Row::Unread, Row::Unread) => true,
            (Row::Date(a), Row::Date(b)) => a == b,
            (
                Row::Collapsed {
                    thread: a,
                    hidden: x,
                },
                Row::Collapsed {
                    thread: b,
                    hidden: y,
                },
            ) => x == y && a == b,
            (Row::EarlierThread { thread: a }, Row::EarlierThread { thread: b })
            | (Row::NewReplies { thread: a }, Row::NewReplies { thread: b }) => a == b,
            _ => false,
        }
    }
}

impl Row {
    pub fn is_selectable(&self) -> bool {
        matches!(
            self,
            Row::Msg { .. } | Row::Collapsed { .. } | Row::NewReplies { .. }
        )
    }
}

/// Messages from one sender this close together share one header.
pub const GROUP_WITHIN_SECS: i64 = 5 * 60;

/// Replies a thread shows before it collapses, and how many it shows when collapsed.
pub const COLLAPSE_OVER: usize = 4;
pub const SHOW_WHEN_COLLAPSED: usize = 2;

/// What the rows depend on besides the messages.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct RowsKey {
    pub version: u64,
    pub thread: Option<String>,
    pub expanded: Vec<String>,
    pub utc_offset_secs: i32,
    /// The first unread message, with the "New messages" divider above it.
    pub unread_from: Option<String>,
    /// Threads with replies to surface at the bottom, oldest news first.
    pub surfaced: Vec<String>,
}

impl RowsKey {
    /// The same but for the version of the messages.
    pub fn same_view(&self, other: &RowsKey) -> bool {
        self.thread == other.thread
            && self.expanded == other.expanded
            && self.utc_offset_secs == other.utc_offset_secs
            && self.unread_from == other.unread_from
            && self.surfaced == other.surfaced
    }
}

/// The rows of the message pane, with each row's position.
///
/// Positions are kept as sequence numbers counted from a moving front, so rows put in
/// front (an older page) leave every other row's entry alone.
#[derive(Debug, Default, Clone)]
pub struct Rows {
    pub rows: VecDeque<Row>,
    /// Each row's sequence number; its position is that minus `front`.
    index: HashMap<Row, i64, Fast>,
    front: i64,
    /// Messages that continue the one above (same sender, moments later): no header.
    pub continued: HashSet<Rc<str>, Fast>,
}

impl Rows {
    /// Whether row `i` is a message shown under the header of the one above it.
    pub fn continues(&self, i: usize) -> bool {
        matches!(self.rows.get(i), Some(Row::Msg { name, .. }) if self.continued.contains(name))
    }

    /// Where `row` is, if it is shown.
    pub fn pos(&self, row: &Row) -> Option<usize> {
        self.index
            .get(row)
            .and_then(|&s| usize::try_from(s - self.front).ok())
            .filter(|&i| i < self.rows.len())
    }

    pub fn contains(&self, row: &Row) -> bool {
        self.pos(row).is_some()
    }

    /// Rows taken out whose index entry went with them: a day said twice elsewhere (a
    /// send on its way across midnight) gets its entry back.
    fn index_again(&mut self, gone: Vec<Row>) {
        for r in gone {
            if matches!(r, Row::Date(_)) && !self.index.contains_key(&r) {
                if let Some(i) = self.rows.iter().rposition(|x| *x == r) {
                    self.index.insert(r, self.front + i as i64);
                }
            }
        }
    }

    fn from_rows(rows: Vec<Row>, continued: HashSet<Rc<str>, Fast>) -> Rows {
        let mut index = HashMap::with_capacity_and_hasher(rows.len(), Fast::default());
        index.extend(rows.iter().enumerate().map(|(i, r)| (r.clone(), i as i64)));
        Rows {
            rows: rows.into(),
            index,
            front: 0,
            continued,
        }
    }
}

/// Builds rows, noting which messages continue the one right above them.
struct Builder<'a> {
    rows: Vec<Row>,
    continued: HashSet<Rc<str>, Fast>,
    /// The last row pushed, when it is a message.
    last: Option<&'a Item>,
    unread_from: Option<&'a str>,
    last_date: Option<NaiveDate>,
}

impl<'a> Builder<'a> {
    fn new(capacity: usize, key: &'a RowsKey) -> Self {
        let mut rows = Vec::with_capacity(capacity);
        rows.push(Row::Top);
        Builder {
            rows,
            continued: HashSet::default(),
            last: None,
            unread_from: key.unread_from.as_deref(),
            last_date: None,
        }
    }

    fn push(&mut self, row: Row) {
        self.last = None;
        self.rows.push(row);
    }

    fn date(&mut self, d: NaiveDate) {
        if self.last_date != Some(d) {
            self.push(Row::Date(d));
            self.last_date = Some(d);
        }
    }

    fn push_msg(&mut self, it: &'a Item, reply: bool) {
        if self.unread_from == Some(it.name()) {
            self.push(Row::Unread);
        }
        if let Some(prev) = self.last {
            if continues(prev, it) {
                self.continued.insert(it.shared_name().clone());
            }
        }
        self.rows.push(Row::Msg {
            name: it.shared_name().clone(),
            reply,
        });
        self.last = Some(it);
    }

    /// One thread's rows: its first loaded message (or a note that it started
    /// earlier), and its replies, collapsed when there are many.
    fn group(
        &mut self,
        t: &str,
        g: &[&'a Item],
        expanded: &HashSet<&str>,
        date: impl Fn(&Item) -> NaiveDate,
    ) {
        let Some(first) = g.first() else { return };
        self.date(date(first));
        let (root, replies): (Option<&Item>, &[&Item]) = if first.is_reply() {
            self.push(Row::EarlierThread {
                thread: t.to_string(),
            });
            (None, g)
        } else {
            (Some(first), &g[1..])
        };
        if let Some(r) = root {
            self.push_msg(r, false);
        }
        let collapse = replies.len() > COLLAPSE_OVER && !expanded.contains(t);
        let shown = if collapse {
            self.push(Row::Collapsed {
                thread: t.to_string(),
                hidden: replies.len() - SHOW_WHEN_COLLAPSED,
            });
            &replies[replies.len() - SHOW_WHEN_COLLAPSED..]
        } else {
            replies
        };
        // A root and a reply never share a header (`continues` checks).
        for r in shown {
            self.push_msg(r, true);
        }
    }
}

/// Whether `it` can go under `prev`'s header: same sender, both thread starts or both
/// replies in one thread, a few minutes apart, and nothing `it`'s header must say.
fn continues(prev: &Item, it: &Item) -> bool {
    // Borrowed, not cloned: this runs for every message each time the rows are built.
    fn sender(i: &Item) -> Option<&str> {
        i.sender().and_then(|u| u.name.as_deref())
    }
    let gap = (it.time() - prev.time()).num_seconds();
    sender(prev).is_some()
        && sender(prev) == sender(it)
        && prev.is_reply() == it.is_reply()
        && (!it.is_reply() || prev.thread() == it.thread())
        && (0..=GROUP_WITHIN_SECS).contains(&gap)
        && it.local.is_none()
        && it.updated().is_none()
}

fn date_fn(key: &RowsKey) -> impl Fn(&Item) -> NaiveDate {
    let offset = chrono::FixedOffset::east_opt(key.utc_offset_secs)
        .unwrap_or_else(|| chrono::Offset::fix(&Utc));
    move |it: &Item| it.time().with_timezone(&offset).date_naive()
}

/// Threads in the order of their first message among `items`, each with its messages.
fn group_items<'a>(
    items: impl Iterator<Item = &'a Item>,
) -> (Vec<&'a str>, HashMap<&'a str, Vec<&'a Item>, Fast>) {
    let mut order: Vec<&str> = Vec::new();
    let mut groups: HashMap<&str, Vec<&Item>, Fast> = HashMap::default();
    for it in items {
        let t = it.thread();
        groups
            .entry(t)
            .or_insert_with(|| {
                order.push(t);
                Vec::new()
            })
            .push(it);
    }
    (order, groups)
}

/// The rows for `items` (in `createTime` order) as `key` asks.
pub fn build<'a>(items: impl ExactSizeIterator<Item = &'a Item> + Clone, key: &RowsKey) -> Rows {
    let date_of = date_fn(key);
    let n = items.len();
    let mut b = Builder::new(n + n / 8 + 2, key);
    if let Some(thread) = &key.thread {
        // One thread on its own: every message, no collapsing.
        for it in items.filter(|i| i.thread() == thread) {
            b.date(date_of(it));
            b.push_msg(it, it.is_reply());
        }
    } else {
        // Threads in the order of their first loaded message.
        let (order, groups) = group_items(items);
        let expanded: HashSet<&str> = key.expanded.iter().map(String::as_str).collect();
        for t in order.iter().copied() {
            b.group(t, &groups[t], &expanded, &date_of);
        }
        for t in &key.surfaced {
            if groups.contains_key(t.as_str()) {
                b.push(Row::NewReplies { thread: t.clone() });
            }
        }
    }
    Rows::from_rows(b.rows, b.continued)
}
