//! Rows brought up to date piecemeal: an older page put in front lays out only its own
//! rows and the threads it joins; expanding or collapsing a thread redoes that thread.
//! Each answers `None` when the change needs a full build instead.

use std::collections::VecDeque;

use super::*;

/// Whether row `i` starts a thread's rows (or a day, or the news at the bottom): the
/// end of the group before it.
fn starts_group(rows: &VecDeque<Row>, i: usize) -> bool {
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

/// The threads expanded or collapsed between `old` and `new`, when nothing else
/// differs (the main timeline, the same messages).
pub fn toggled(old: &RowsKey, new: &RowsKey) -> Option<Vec<String>> {
    if old.thread.is_some()
        || new.thread.is_some()
        || old.version != new.version
        || old.utc_offset_secs != new.utc_offset_secs
        || old.unread_from != new.unread_from
        || old.surfaced != new.surfaced
    {
        return None;
    }
    let a: HashSet<&String> = old.expanded.iter().collect();
    let b: HashSet<&String> = new.expanded.iter().collect();
    let ts: Vec<String> = a.symmetric_difference(&b).map(|t| t.to_string()).collect();
    (!ts.is_empty()).then_some(ts)
}

/// Lays out thread `t` (its messages `g`, in order) again in place, as `key` asks (a
/// thread expanded or collapsed): only its rows change, and the index entries of the
/// rows on the nearer side. Returns the rows laid out, or `None` for a full rebuild.
pub fn regroup(rows: &mut Rows, t: &str, g: &[&Item], key: &RowsKey) -> Option<usize> {
    let first = g.first()?;
    if g.iter()
        .any(|i| key.unread_from.as_deref() == Some(i.name()))
    {
        return None;
    }
    let start = if first.is_reply() {
        rows.pos(&Row::EarlierThread {
            thread: t.to_string(),
        })?
    } else {
        rows.pos(&Row::Msg {
            name: first.name().to_string(),
            reply: false,
        })?
    };
    let mut end = start + 1;
    while !starts_group(&rows.rows, end) {
        end += 1;
    }
    let date_of = date_fn(key);
    let expanded: HashSet<&str> = key.expanded.iter().map(String::as_str).collect();
    let mut b = Builder {
        rows: Vec::new(),
        continued: HashSet::default(),
        last: None,
        unread_from: None,
        last_date: Some(date_of(first)),
    };
    b.group(t, g, &expanded, &date_of);
    // The first row keeps whether it continues the row above; the rest are redone.
    for r in rows.rows.range(start + 1..end) {
        if let Row::Msg { name, .. } = r {
            rows.continued.remove(name);
        }
    }
    for (i, r) in rows.rows.range(start..end).enumerate() {
        if rows.index.get(r) == Some(&(rows.front + (start + i) as i64)) {
            rows.index.remove(r);
        }
    }
    let (old_len, new_len) = (end - start, b.rows.len());
    let tail = rows.rows.split_off(end);
    rows.rows.truncate(start);
    rows.rows.extend(b.rows);
    rows.rows.extend(tail);
    if start < rows.rows.len() - (start + new_len) {
        // Fewer rows above: they move, the front with them; those below keep theirs.
        rows.front = rows.front + old_len as i64 - new_len as i64;
        for (i, r) in rows.rows.range(..start + new_len).enumerate() {
            rows.index.insert(r.clone(), rows.front + i as i64);
        }
    } else {
        for (i, r) in rows.rows.range(start..).enumerate() {
            rows.index
                .insert(r.clone(), rows.front + (start + i) as i64);
        }
    }
    rows.continued.extend(b.continued);
    Some(new_len)
}
