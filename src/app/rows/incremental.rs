//! Rows brought up to date piecemeal: an older page put in front lays out only its own
//! rows and the threads it joins; a thread changed in place redoes that thread.
//! Each answers `None` when the change needs a full build instead.

use std::collections::VecDeque;

use super::*;

/// Whether row `i` starts a thread's rows (or a day, or the news at the bottom): the
/// end of the group before it.
pub(super) fn starts_group(rows: &VecDeque<Row>, i: usize) -> bool {
    match rows.get(i) {
        None => true,
        Some(Row::Date(_) | Row::NewReplies { .. } | Row::EarlierThread { .. } | Row::Top) => true,
        Some(Row::Msg { reply, .. }) => !reply,
        Some(Row::Unread) => matches!(rows.get(i + 1), Some(Row::Msg { reply: false, .. })),
        Some(Row::Collapsed { .. }) => false,
    }
}

/// What an incremental update needs to know of the timeline.
pub struct Lookup<'a> {
    /// A message by name.
    pub get: &'a dyn Fn(&str) -> Option<&'a Item>,
    /// A thread's name as the timeline holds it, and how many messages it has.
    pub thread: &'a dyn Fn(&str) -> Option<(&'a str, usize)>,
    /// A thread's messages in order.
    pub items: &'a dyn Fn(&str) -> Vec<&'a Item>,
    /// A message's place in the timeline.
    pub index: &'a dyn Fn(&str) -> Option<usize>,
}

/// `rows` (built for `items[k..]`) updated for `items`, whose first `k` are new and
/// older than the rest (an older page): only the new messages' rows and those of the
/// threads they join are laid out. Returns how many rows were laid out, or `None` when
/// this change needs a full rebuild.
pub fn prepend<'a>(
    rows: &mut Rows,
    items: &'a VecDeque<Item>,
    k: usize,
    key: &RowsKey,
    lookup: &Lookup<'a>,
) -> Option<usize> {
    if key.thread.is_some() || k == 0 || k > items.len() {
        return None;
    }
    let date_of = date_fn(key);
    let (order_p, mut groups) = group_items(items.range(..k));
    // Where the groups of threads this page joins end in the old rows.
    let mut cut = 1;
    let mut need: HashMap<&str, usize, Fast> = HashMap::default();
    for &t in &order_p {
        let older = (lookup.thread)(t)?.1.checked_sub(groups[t].len())?;
        if older == 0 {
            // A thread new with this page: surfaced news must appear for it.
            if key.surfaced.iter().any(|s| s == t) {
                return None;
            }
            continue;
        }
        // Its loaded messages were all replies (else its first message is not in
        // this page): its group starts with the "earlier" note.
        let start = rows.pos(&Row::EarlierThread {
            thread: t.to_string(),
        })?;
        let mut end = start + 1;
        while !starts_group(&rows.rows, end) {
            end += 1;
        }
        cut = cut.max(end);
        need.insert(t, older);
    }
    // Other groups before the cut are laid out again after the new ones.
    let mut old_order: Vec<&str> = Vec::new();
    for i in 1..cut {
        let (t, count) = match &rows.rows[i] {
            Row::EarlierThread { thread } => (lookup.thread)(thread)?,
            Row::Msg { name, reply: false } => (lookup.thread)((lookup.get)(name)?.thread())?,
            _ => continue,
        };
        if need.contains_key(t) {
            continue;
        }
        need.insert(t, count);
        old_order.push(t);
    }
    // The date the old rows show at the cut (its group's, if the cut has no date).
    let cut_date = (1..cut).rev().find_map(|i| match rows.rows[i] {
        Row::Date(d) => Some(d),
        _ => None,
    });
    // Their older messages, in order (a thread's last reply may be far below).
    let mut left: usize = need.values().sum();
    for it in items.range(k..) {
        if left == 0 {
            break;
        }
        if let Some(n) = need.get_mut(it.thread()) {
            if *n > 0 {
                *n -= 1;
                left -= 1;
                groups.entry(it.thread()).or_default().push(it);
            }
        }
    }
    if left > 0 {
        return None;
    }
    let expanded: HashSet<&str> = key.expanded.iter().map(String::as_str).collect();
    let mut b = Builder::new(2 * k + 4, key);
    for t in order_p.iter().chain(&old_order).copied() {
        b.group(t, &groups[t], &expanded, &date_of);
    }
    // The seam: a day shown twice goes, a day the new rows leave unsaid is said, and the
    // first message after it may now continue the one above.
    let mut drop = cut;
    match rows.rows.get(cut) {
        Some(Row::Date(d)) if b.last_date == Some(*d) => drop += 1,
        Some(Row::Date(_)) | Some(Row::NewReplies { .. }) | None => {}
        Some(_) => {
            if let Some(d) = cut_date {
                b.date(d);
            }
        }
    }
    let mut next_continues = None;
    if let Some(Row::Msg { name, .. }) = rows.rows.get(drop) {
        let it = (lookup.get)(name)?;
        next_continues = Some((name.clone(), b.last.is_some_and(|p| continues(p, it))));
    }
    // Out with the old front rows, in with the new.
    for r in rows.rows.drain(..drop) {
        if let Row::Msg { name, .. } = &r {
            rows.continued.remove(name);
        }
        if let Some(&s) = rows.index.get(&r) {
            if s - rows.front < drop as i64 {
                rows.index.remove(&r);
            }
        }
    }
    let laid = b.rows.len();
    rows.front = rows.front + drop as i64 - laid as i64;
    for (j, r) in b.rows.iter().enumerate() {
        rows.index.insert(r.clone(), rows.front + j as i64);
    }
    for r in b.rows.into_iter().rev() {
        rows.rows.push_front(r);
    }
    rows.continued.extend(b.continued);
    if let Some((name, yes)) = next_continues {
        if yes {
            rows.continued.insert(name);
        } else {
            rows.continued.remove(&name);
        }
    }
    Some(laid)
}

/// Lays out thread `t` (its messages `g`, in order) again in place, as `key` asks (a
/// thread expanded or collapsed, a message added, changed or gone, the divider come or
/// gone): only its rows change, whether its first message and the one after it continue
/// the row above them, and the index entries of the rows on the nearer side. Returns
/// the rows laid out, or `None` for a full rebuild.
pub(super) fn regroup<'a>(
    rows: &mut Rows,
    t: &str,
    g: &[&'a Item],
    key: &RowsKey,
    lk: &Lookup<'a>,
) -> Option<usize> {
    let first = g.first()?;
    let head = if first.is_reply() {
        rows.pos(&Row::EarlierThread {
            thread: t.to_string(),
        })?
    } else {
        rows.pos(&Row::Msg {
            name: first.shared_name().clone(),
            reply: false,
        })?
    };
    let mut end = head + 1;
    while !starts_group(&rows.rows, end) {
        end += 1;
    }
    // The divider above its first message is the group's too.
    let start = if head > 1 && rows.rows[head - 1] == Row::Unread {
        head - 1
    } else {
        head
    };
    let date_of = date_fn(key);
    let expanded: HashSet<&str> = key.expanded.iter().map(String::as_str).collect();
    let last = match start.checked_sub(1).and_then(|i| rows.rows.get(i)) {
        Some(Row::Msg { name, .. }) => Some((lk.get)(name)?),
        _ => None,
    };
    let mut b = Builder {
        rows: Vec::new(),
        continued: HashSet::default(),
        last,
        unread_from: key.unread_from.as_deref(),
        last_date: Some(date_of(first)),
    };
    b.group(t, g, &expanded, &date_of);
    let last_new = b.last;
    for r in rows.rows.range(start..end) {
        if let Row::Msg { name, .. } = r {
            rows.continued.remove(name);
        }
    }
    let mut dropped = Vec::new();
    for (i, r) in rows.rows.range(start..end).enumerate() {
        if rows.index.get(r) == Some(&(rows.front + (start + i) as i64)) {
            rows.index.remove(r);
            dropped.push(r.clone());
        }
    }
    let (old_len, new_len) = (end - start, b.rows.len());
    if old_len == new_len {
        for (i, r) in b.rows.into_iter().enumerate() {
            rows.index
                .insert(r.clone(), rows.front + (start + i) as i64);
            rows.rows[start + i] = r;
        }
    } else {
        let tail = rows.rows.split_off(end);
        rows.rows.truncate(start);
        rows.rows.extend(b.rows);
        rows.rows.extend(tail);
        // Renumbers the rows in `range` whose entry was `was` off.
        fn renumber(rows: &mut Rows, range: std::ops::Range<usize>, was: i64) {
            for i in range {
                let now = rows.front + i as i64;
                let r = &rows.rows[i];
                match rows.index.get_mut(r) {
                    Some(s) if *s == now + was => *s = now,
                    Some(_) => {}
                    None => {
                        rows.index.insert(r.clone(), now);
                    }
                }
            }
        }
        let shift = new_len as i64 - old_len as i64;
        if start < rows.rows.len() - (start + new_len) {
            // Fewer rows above: they move, the front with them; those below keep theirs.
            rows.front -= shift;
            renumber(rows, 0..start, shift);
            for i in start..start + new_len {
                rows.index
                    .insert(rows.rows[i].clone(), rows.front + i as i64);
            }
        } else {
            for i in start..start + new_len {
                rows.index
                    .insert(rows.rows[i].clone(), rows.front + i as i64);
            }
            renumber(rows, start + new_len..rows.rows.len(), -shift);
        }
    }
    rows.continued.extend(b.continued);
    rows.index_again(dropped);
    // The row after the group may now continue its last message, or no longer.
    if let Some(Row::Msg { name, .. }) = rows.rows.get(start + new_len) {
        let next = (lk.get)(name)?;
        if last_new.is_some_and(|p| continues(p, next)) {
            rows.continued.insert(name.clone());
        } else {
            rows.continued.remove(name);
        }
    }
    Some(new_len)
}
