//! The rows the message pane shows for a timeline: thread roots in time order, replies
//! grouped under them, long threads collapsed, dates between days, and the marks for
//! unread messages and new replies.

use std::collections::{HashMap, HashSet};

/// Rows are indexed by value on every rebuild (100,000 of them in a big space): a fast
/// hasher, still seeded per process.
pub type Fast = foldhash::fast::RandomState;

use chrono::{NaiveDate, Utc};

use super::item::Item;

/// A row of the message pane.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Row {
    /// The start of the loaded history ("beginning of the space" or "loading older").
    Top,
    Date(NaiveDate),
    /// A message (index into the timeline), and whether it is a reply.
    Msg {
        name: String,
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

#[derive(Debug, Default)]
pub struct Rows {
    pub rows: Vec<Row>,
    pub index: HashMap<Row, usize, Fast>,
    /// Messages that continue the one above (same sender, moments later): no header.
    pub continued: HashSet<String, Fast>,
}

impl Rows {
    /// Whether row `i` is a message shown under the header of the one above it.
    pub fn continues(&self, i: usize) -> bool {
        matches!(self.rows.get(i), Some(Row::Msg { name, .. }) if self.continued.contains(name))
    }
}

/// Builds rows, noting which messages continue the one right above them.
struct Builder<'a> {
    rows: Vec<Row>,
    continued: HashSet<String, Fast>,
    /// The last row pushed, when it is a message.
    last: Option<&'a Item>,
    unread_from: Option<&'a str>,
}

impl<'a> Builder<'a> {
    fn push(&mut self, row: Row) {
        self.last = None;
        self.rows.push(row);
    }

    fn push_msg(&mut self, it: &'a Item, reply: bool) {
        if self.unread_from == Some(it.name()) {
            self.push(Row::Unread);
        }
        if let Some(prev) = self.last {
            if continues(prev, it) {
                self.continued.insert(it.name().to_string());
            }
        }
        self.rows.push(Row::Msg {
            name: it.name().to_string(),
            reply,
        });
        self.last = Some(it);
    }
}

/// Whether `it` can go under `prev`'s header: same sender, both thread starts or both
/// replies in one thread, a few minutes apart, and nothing `it`'s header must say.
fn continues(prev: &Item, it: &Item) -> bool {
    // Borrowed, not cloned: this runs for every message each time the rows are built.
    fn sender(i: &Item) -> Option<&str> {
        i.msg.sender.as_ref().and_then(|u| u.name.as_deref())
    }
    let gap = (it.time() - prev.time()).num_seconds();
    sender(prev).is_some()
        && sender(prev) == sender(it)
        && prev.msg.thread_reply == it.msg.thread_reply
        && (!it.msg.thread_reply || prev.thread() == it.thread())
        && (0..=GROUP_WITHIN_SECS).contains(&gap)
        && it.local.is_none()
        && it.msg.last_update_time.is_none()
}

/// The rows for `items` (in `createTime` order) as `key` asks.
pub fn build(items: &[Item], key: &RowsKey) -> Rows {
    let offset = chrono::FixedOffset::east_opt(key.utc_offset_secs)
        .unwrap_or_else(|| chrono::Offset::fix(&Utc));
    let date_of = |it: &Item| it.time().with_timezone(&offset).date_naive();
    let mut rows = Vec::with_capacity(items.len() + items.len() / 8 + 2);
    rows.push(Row::Top);
    let mut b = Builder {
        rows,
        continued: HashSet::default(),
        last: None,
        unread_from: key.unread_from.as_deref(),
    };
    if let Some(thread) = &key.thread {
        // One thread on its own: every message, no collapsing.
        let mut last_date = None;
        for it in items.iter().filter(|i| i.thread() == thread) {
            let d = date_of(it);
            if last_date != Some(d) {
                b.push(Row::Date(d));
                last_date = Some(d);
            }
            b.push_msg(it, it.msg.thread_reply);
        }
    } else {
        // Threads in the order of their first loaded message.
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
        let expanded: HashSet<&str> = key.expanded.iter().map(String::as_str).collect();
        let mut last_date = None;
        for t in order.iter().copied() {
            let g = &groups[t];
            let d = date_of(g[0]);
            if last_date != Some(d) {
                b.push(Row::Date(d));
                last_date = Some(d);
            }
            let (root, replies): (Option<&Item>, &[&Item]) = if g[0].msg.thread_reply {
                b.push(Row::EarlierThread {
                    thread: t.to_string(),
                });
                (None, &g[..])
            } else {
                (Some(g[0]), &g[1..])
            };
            if let Some(r) = root {
                b.push_msg(r, false);
            }
            let collapse = replies.len() > COLLAPSE_OVER && !expanded.contains(t);
            let shown = if collapse {
                b.push(Row::Collapsed {
                    thread: t.to_string(),
                    hidden: replies.len() - SHOW_WHEN_COLLAPSED,
                });
                &replies[replies.len() - SHOW_WHEN_COLLAPSED..]
            } else {
                replies
            };
            // A root and a reply never share a header (`continues` checks).
            for r in shown {
                b.push_msg(r, true);
            }
        }
        for t in &key.surfaced {
            if groups.contains_key(t.as_str()) {
                b.push(Row::NewReplies { thread: t.clone() });
            }
        }
    }
    let mut index = HashMap::with_capacity_and_hasher(b.rows.len(), Fast::default());
    index.extend(b.rows.iter().enumerate().map(|(i, r)| (r.clone(), i)));
    Rows {
        rows: b.rows,
        index,
        continued: b.continued,
    }
}
