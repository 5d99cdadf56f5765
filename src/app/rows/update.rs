//! Rows brought up to date piecemeal for changes at the end and in place: a message
//! added at the end lays out its thread (or its own new group); a reply, an edit or a
//! send's state redoes its thread's group; the divider moving redoes the two threads it
//! leaves and enters; news at the bottom is said again. `None` asks for a full build.

use std::collections::{HashMap, HashSet};

use super::incremental::regroup;
use super::*;

/// Groups a thread new at the end may be placed before, looking back from the end,
/// before a full build is cheaper.
const MAX_BACK: usize = 64;

/// `rows` (built for `old`) brought up to date for `key`, where the threads in
/// `touched` changed without their first message changing (each with the row its group
/// started with, when it has no message left). Returns the rows laid out.
pub fn update<'a>(
    rows: &mut Rows,
    old: &RowsKey,
    key: &RowsKey,
    touched: &HashMap<String, Option<Row>, Fast>,
    lk: &Lookup<'a>,
) -> Option<usize> {
    if key.thread.is_some() || old.thread.is_some() || old.utc_offset_secs != key.utc_offset_secs {
        return None;
    }
    // Threads to lay out again: changed, expanded or collapsed, or where the divider
    // was or goes.
    let mut redo: Vec<String> = touched.keys().cloned().collect();
    let a: HashSet<&String> = old.expanded.iter().collect();
    let b: HashSet<&String> = key.expanded.iter().collect();
    redo.extend(a.symmetric_difference(&b).map(|t| t.to_string()));
    if old.unread_from != key.unread_from {
        for n in [&old.unread_from, &key.unread_from].into_iter().flatten() {
            if let Some(it) = (lk.get)(n) {
                redo.push(it.thread().to_string());
            } else if rows.contains(&Row::Unread) && old.unread_from.as_ref() == Some(n) {
                // The divider stands above a message no longer here.
                return None;
            }
        }
    }
    redo.sort();
    redo.dedup();
    // The end of the threads' groups: the news below them.
    let tail = rows.rows.len()
        - rows
            .rows
            .iter()
            .rev()
            .take_while(|r| matches!(r, Row::NewReplies { .. }))
            .count();
    // Each thread: in place (its group is there and stays), new (no group yet), or gone.
    let mut in_place: Vec<(usize, &str)> = Vec::new();
    let mut new: Vec<&str> = Vec::new();
    let mut cut = tail;
    for t in &redo {
        let has = (lk.thread)(t).is_some();
        let start = group_head(rows, t, lk, has).or_else(|| {
            touched
                .get(t)
                .and_then(|g| g.as_ref())
                .and_then(|r| rows.pos(r))
        });
        match (has, start) {
            (true, Some(s)) => in_place.push((s, t.as_str())),
            (true, None) => new.push(t.as_str()),
            (false, Some(s)) => cut = cut.min(s),
            (false, None) => {}
        }
    }
    // Threads new here go after every group whose first message is older: step back
    // from the end until the group before the cut is older than all of them.
    if !new.is_empty() {
        let mut first_new = usize::MAX;
        for t in &new {
            let g = (lk.items)(t);
            first_new = first_new.min((lk.index)(g.first()?.name())?);
        }
        let mut back = 0;
        while let Some((head, first)) = group_before(rows, cut, lk) {
            if first < first_new {
                break;
            }
            cut = head;
            back += 1;
            if back > MAX_BACK {
                return None;
            }
        }
    }
    let cut = group_start(rows, cut);
    // The groups from the cut down go again, in the order of their first message.
    let mut order: Vec<(usize, &str)> = Vec::new();
    for r in rows.rows.range(cut..tail) {
        let t = match r {
            Row::EarlierThread { thread } => (lk.thread)(thread).map(|x| x.0),
            Row::Msg { name, reply: false } => (lk.get)(name).map(|i| i.thread()),
            _ => continue,
        };
        let Some(t) = t else { continue };
        let g = (lk.items)(t);
        order.push(((lk.index)(g.first()?.name())?, (lk.thread)(t)?.0));
    }
    for t in &new {
        let g = (lk.items)(t);
        order.push(((lk.index)(g.first()?.name())?, (lk.thread)(t)?.0));
    }
    order.sort();
    order.dedup();
    let mut laid = relay_tail(rows, cut, &order, key, lk)?;
    // Then the groups above the cut, each in place.
    let in_tail: HashSet<&str> = order.iter().map(|x| x.1).collect();
    for (_, t) in in_place {
        if in_tail.contains(t) {
            continue;
        }
        let g = (lk.items)(t);
        if g.is_empty() {
            continue;
        }
        laid += regroup(rows, t, &g, key, lk)?;
    }
    Some(laid)
}

/// Where thread `t`'s group starts in `rows` (its first message or the note that it
/// started earlier), if it has one.
fn group_head(rows: &Rows, t: &str, lk: &Lookup, has: bool) -> Option<usize> {
    if !has {
        return None;
    }
    rows.pos(&Row::EarlierThread {
        thread: t.to_string(),
    })
    .or_else(|| {
        let g = (lk.items)(t);
        let first = g.first()?;
        if first.is_reply() {
            return None;
        }
        rows.pos(&Row::Msg {
            name: first.shared_name().clone(),
            reply: false,
        })
    })
}

/// The first row of the group headed at `head`: with the divider above its first
/// message and the date above the group, when they are there.
fn group_start(rows: &Rows, mut at: usize) -> usize {
    if matches!(rows.rows.get(at), Some(Row::Msg { reply: false, .. }))
        && at > 1
        && rows.rows[at - 1] == Row::Unread
    {
        at -= 1;
    }
    if at > 1 && matches!(rows.rows[at - 1], Row::Date(_)) {
        at -= 1;
    }
    at
}

/// The group that ends right before row `at`: where it is headed, and the place of its
/// first message in the timeline.
fn group_before(rows: &Rows, at: usize, lk: &Lookup) -> Option<(usize, usize)> {
    let mut i = at;
    while i > 1 {
        i -= 1;
        match &rows.rows[i] {
            Row::EarlierThread { thread } => {
                let g = (lk.items)(thread);
                return Some((i, (lk.index)(g.first()?.name())?));
            }
            Row::Msg { name, reply: false } => return Some((i, (lk.index)(name)?)),
            _ => {}
        }
    }
    None
}

/// Lays out the groups of `order` (threads by their first message) in place of the rows
/// from `cut` to the end, news at the bottom after them.
fn relay_tail(
    rows: &mut Rows,
    cut: usize,
    order: &[(usize, &str)],
    key: &RowsKey,
    lk: &Lookup,
) -> Option<usize> {
    let date_of = date_fn(key);
    let expanded: HashSet<&str> = key.expanded.iter().map(String::as_str).collect();
    let last_date = rows.rows.range(..cut).rev().find_map(|r| match r {
        Row::Date(d) => Some(*d),
        _ => None,
    });
    let last = match cut.checked_sub(1).and_then(|i| rows.rows.get(i)) {
        Some(Row::Msg { name, .. }) => Some((lk.get)(name)?),
        _ => None,
    };
    let groups: Vec<Vec<&Item>> = order.iter().map(|(_, t)| (lk.items)(t)).collect();
    let mut b = Builder {
        rows: Vec::new(),
        continued: HashSet::default(),
        last,
        unread_from: key.unread_from.as_deref(),
        last_date,
    };
    for ((_, t), g) in order.iter().zip(&groups) {
        b.group(t, g, &expanded, &date_of);
    }
    for t in &key.surfaced {
        if (lk.thread)(t).is_some() {
            b.push(Row::NewReplies { thread: t.clone() });
        }
    }
    let mut dropped = Vec::new();
    for (i, r) in rows.rows.range(cut..).enumerate() {
        if let Row::Msg { name, .. } = r {
            rows.continued.remove(name);
        }
        if rows.index.get(r) == Some(&(rows.front + (cut + i) as i64)) {
            rows.index.remove(r);
            dropped.push(r.clone());
        }
    }
    rows.rows.truncate(cut);
    let laid = b.rows.len();
    for r in b.rows {
        rows.index
            .insert(r.clone(), rows.front + rows.rows.len() as i64);
        rows.rows.push_back(r);
    }
    rows.continued.extend(b.continued);
    rows.index_again(dropped);
    Some(laid)
}
