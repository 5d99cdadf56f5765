//! One space's messages: in `createTime` order, one entry per message name, with the
//! optimistic local copies of messages being sent, and a cache of the rows the message
//! pane shows (built in `rows`).

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet, VecDeque};
use std::rc::Rc;

use chrono::{DateTime, Utc};

use crate::api::model::Message;

pub use super::item::{Item, Local, MessageId};
use super::rows::{self, Fast};
pub use super::rows::{Row, Rows, RowsKey};

/// What the timeline knows of one thread without looking through its messages.
#[derive(Debug, Default, Clone)]
struct ThreadStat {
    /// Messages in the thread (local copies too).
    items: usize,
    /// Of which replies.
    replies: usize,
    /// Its first message, when loaded.
    root: Option<String>,
}

/// The rows last built, and what changed in the messages since.
#[derive(Debug)]
struct RowsCache {
    key: RowsKey,
    rows: Rc<Rows>,
    /// Messages put in front (older pages) since the rows were built.
    front_added: usize,
    /// Anything else changed: the rows are built again.
    stale: bool,
}

#[derive(Debug, Default)]
pub struct Timeline {
    items: VecDeque<Item>,
    /// Each message's sequence number; its position is that minus `front`, so messages
    /// put in front leave every other entry alone.
    by_name: HashMap<String, i64, Fast>,
    front: i64,
    threads: HashMap<String, ThreadStat, Fast>,
    /// Changes whenever `items` does.
    pub version: u64,
    next_rev: u64,
    /// The first page has arrived.
    pub loaded: bool,
    /// Older messages may exist before the first loaded one.
    pub has_older: bool,
    pub loading_older: bool,
    /// Why the last load failed, if it did.
    pub error: Option<String>,
    /// The polling watermark: the newest `createTime` the server has *listed* (the
    /// newest page, or a poll). Messages that arrive any other way (the answer to a send,
    /// a thread, an older page, an edit) never move it, so nothing posted before them and
    /// not yet listed is skipped.
    listed_to: Option<DateTime<Utc>>,
    /// Messages deleted here: a list that was answered before the delete must not bring
    /// them back.
    gone: HashSet<String>,
    /// The rows of the whole timeline and of one thread on its own, kept apart so
    /// opening a thread and going back does not build the long one again.
    rows_cache: RefCell<[Option<RowsCache>; 2]>,
    /// Rows laid out so far (built or rebuilt), for tests of work done per change.
    rows_built: Cell<u64>,
}

impl Timeline {
    pub fn items(&self) -> &VecDeque<Item> {
        &self.items
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn pos(&self, name: &str) -> Option<usize> {
        let s = *self.by_name.get(name)?;
        usize::try_from(s - self.front).ok()
    }

    pub fn get(&self, name: &str) -> Option<&Item> {
        self.pos(name).and_then(|i| self.items.get(i))
    }

    fn get_mut(&mut self, name: &str) -> Option<&mut Item> {
        let i = self.pos(name)?;
        self.touch();
        self.next_rev += 1;
        let rev = self.next_rev;
        let it = self.items.get_mut(i)?;
        it.rev = rev;
        Some(it)
    }

    /// Something changed that the rows cannot follow piecemeal.
    fn touch(&mut self) {
        self.version += 1;
        for c in self.rows_cache.get_mut().iter_mut().flatten() {
            c.stale = true;
        }
    }

    /// `k` messages went in front of the rest.
    fn touch_front(&mut self, k: usize) {
        self.version += 1;
        for c in self.rows_cache.get_mut().iter_mut().flatten() {
            c.front_added += k;
        }
    }

    /// The first message of `thread`, found by its index, not by a look through the
    /// timeline.
    pub fn thread_root(&self, thread: &str) -> Option<&Item> {
        self.threads
            .get(thread)
            .and_then(|t| t.root.as_deref())
            .and_then(|n| self.get(n))
    }

    /// The first loaded message of `thread`: its root, or its earliest loaded reply.
    pub fn thread_first(&self, thread: &str) -> Option<&Item> {
        if !self.threads.contains_key(thread) {
            return None;
        }
        self.thread_root(thread)
            .or_else(|| self.items.iter().find(|i| i.thread() == thread))
    }

    fn stat_add(threads: &mut HashMap<String, ThreadStat, Fast>, it: &Item) {
        let t = threads.entry(it.thread().to_string()).or_default();
        t.items += 1;
        if it.msg.thread_reply {
            t.replies += 1;
        } else if t.root.is_none() {
            t.root = Some(it.name().to_string());
        }
    }

    fn stat_del(threads: &mut HashMap<String, ThreadStat, Fast>, it: &Item) {
        let Some(t) = threads.get_mut(it.thread()) else {
            return;
        };
        t.items = t.items.saturating_sub(1);
        if it.msg.thread_reply {
            t.replies = t.replies.saturating_sub(1);
        }
        if t.root.as_deref() == Some(it.name()) {
            t.root = None;
        }
        if t.items == 0 {
            threads.remove(it.thread());
        }
    }

    /// The polling watermark: poll for messages created at or after it (ties are
    /// possible on Google; a message listed twice is merged once, by name).
    pub fn watermark(&self) -> Option<DateTime<Utc>> {
        self.listed_to
    }

    /// The server listed messages up to `t` (the newest `createTime` of a listed page).
    pub fn listed_up_to(&mut self, t: DateTime<Utc>) {
        if self.listed_to.is_none_or(|w| t > w) {
            self.listed_to = Some(t);
        }
    }

    /// The newest server message's time (whatever brought it: not a watermark).
    pub fn newest_time(&self) -> Option<DateTime<Utc>> {
        self.items
            .iter()
            .rev()
            .find(|i| !i.is_local())
            .map(Item::time)
    }

    pub fn oldest_time(&self) -> Option<DateTime<Utc>> {
        self.items.iter().find(|i| !i.is_local()).map(Item::time)
    }

    fn reindex(&mut self) {
        self.front = 0;
        self.by_name = self
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| (it.name().to_string(), i as i64))
            .collect();
        let mut threads = HashMap::default();
        for it in &self.items {
            Self::stat_add(&mut threads, it);
        }
        self.threads = threads;
    }

    /// Adds or replaces server messages. A message carrying the client id of a local
    /// copy replaces that copy. Returns how many were new.
    ///
    /// Work is proportional to the change: nothing new or different leaves the version
    /// (and so the rows and the frame) alone; new messages that all go after the newest
    /// or all before the oldest (a poll, an older page) are spliced in without moving
    /// any other message's entry in the name index.
    pub fn merge(&mut self, msgs: Vec<Message>) -> usize {
        let mut changed = false;
        let mut fresh: Vec<Item> = Vec::new();
        let mut fresh_at: HashMap<String, usize> = HashMap::new();
        for mut m in msgs {
            let Some(name) = m.name.clone() else { continue };
            // Fields the pane never shows: the space (we know it) and two copies of text.
            m.space = None;
            m.formatted_text = None;
            m.argument_text = None;
            if m.is_deleted() || self.gone.contains(&name) {
                changed |= self.remove(&name).is_some();
                if let Some(j) = fresh_at.remove(&name) {
                    fresh.remove(j);
                    for v in fresh_at.values_mut() {
                        if *v > j {
                            *v -= 1;
                        }
                    }
                }
                continue;
            }
            // Our own message coming back (from the send, or first from a poll). Local
            // copies are always last.
            if let Some(cid) = m.client_assigned_message_id.as_deref() {
                if let Some(local) = self
                    .items
                    .iter()
                    .rev()
                    .take_while(|i| i.is_local())
                    .find(|i| i.client_id.as_deref() == Some(cid))
                    .map(|i| i.name().to_string())
                {
                    self.remove(&local);
                    changed = true;
                }
            }
            match self.pos(&name) {
                // A change on its way from here (an edit, a delete) stays shown until its
                // own answer; a copy older than the one shown (listed before an edit,
                // answered after it) does not replace it.
                Some(i) if self.items[i].busy() || self.items[i].newer_than(&m) => {}
                Some(i) => {
                    if self.items[i].msg != m || self.items[i].local.is_some() {
                        self.next_rev += 1;
                        let old = &mut self.items[i];
                        Self::stat_del(&mut self.threads, old);
                        old.msg = m;
                        old.local = None;
                        old.rev = self.next_rev;
                        Self::stat_add(&mut self.threads, old);
                        self.touch();
                    }
                }
                None => {
                    if let Some(&j) = fresh_at.get(&name) {
                        // Listed twice in one batch: the later copy, unless older.
                        if !fresh[j].newer_than(&m) {
                            fresh[j].msg = m;
                        }
                        continue;
                    }
                    fresh_at.insert(name, fresh.len());
                    self.next_rev += 1;
                    fresh.push(Item {
                        msg: m,
                        local: None,
                        client_id: None,
                        rev: self.next_rev,
                    });
                }
            }
        }
        let new = fresh.len();
        if new > 0 {
            let front = self.place(fresh);
            if front && !changed {
                self.touch_front(new);
            } else {
                self.touch();
            }
        } else if changed {
            self.touch();
        }
        new
    }

    /// Puts new server messages in `createTime` order, before the local copies.
    /// Returns whether they all went in front of the messages already here.
    fn place(&mut self, mut fresh: Vec<Item>) -> bool {
        fresh.sort_by_key(Item::time);
        for it in &fresh {
            Self::stat_add(&mut self.threads, it);
        }
        let locals = self.items.iter().rev().take_while(|i| i.is_local()).count();
        let servers = self.items.len() - locals;
        let (first, last) = (fresh.first().map(Item::time), fresh.last().map(Item::time));
        if servers > 0 && last.is_some_and(|t| t < self.items[0].time()) {
            // An older page: in front, numbered down from the first.
            for it in fresh.into_iter().rev() {
                self.front -= 1;
                self.by_name.insert(it.name().to_string(), self.front);
                self.items.push_front(it);
            }
            self.shrink();
            true
        } else if servers == 0 || first.is_some_and(|t| t >= self.items[servers - 1].time()) {
            // The usual poll or live event: after the newest, before the local copies.
            let locals: Vec<Item> = self.items.drain(servers..).collect();
            for it in fresh.into_iter().chain(locals) {
                self.by_name
                    .insert(it.name().to_string(), self.front + self.items.len() as i64);
                self.items.push_back(it);
            }
            false
        } else {
            // Interleaved: merge the two sorted runs (stable: on a tie, what was here
            // first stays first), then index again.
            let locals: Vec<Item> = self.items.drain(servers..).collect();
            let old = std::mem::take(&mut self.items);
            let mut out = VecDeque::with_capacity(old.len() + fresh.len() + locals.len());
            let mut a = old.into_iter().peekable();
            let mut b = fresh.into_iter().peekable();
            loop {
                let take_a = match (a.peek(), b.peek()) {
                    (Some(x), Some(y)) => x.time() <= y.time(),
                    (Some(_), None) => true,
                    (None, Some(_)) => false,
                    (None, None) => break,
                };
                out.extend(if take_a { a.next() } else { b.next() });
            }
            out.extend(locals);
            self.items = out;
            self.reindex();
            false
        }
    }

    /// Returns to the allocator what a grown deque holds beyond twice its messages.
    fn shrink(&mut self) {
        if self.items.capacity() > 2 * self.items.len() + 64 {
            self.items.shrink_to_fit();
        }
    }

    /// Adds a local copy of a message being sent.
    pub fn add_local(&mut self, msg: Message, client_id: String) {
        self.next_rev += 1;
        let name = msg.name.clone().unwrap_or_default();
        let it = Item {
            msg,
            local: Some(Local::Sending),
            client_id: Some(client_id),
            rev: self.next_rev,
        };
        Self::stat_add(&mut self.threads, &it);
        self.items.push_back(it);
        self.by_name
            .insert(name, self.front + self.items.len() as i64 - 1);
        self.touch();
    }

    pub fn set_local(&mut self, name: &str, state: Option<Local>) {
        if let Some(it) = self.get_mut(name) {
            it.local = state;
        }
    }

    pub fn set_text(&mut self, name: &str, text: &str) {
        if let Some(it) = self.get_mut(name) {
            it.msg.text = Some(text.to_string());
        }
    }

    /// Changes a message in place (its reactions, say) and lays it out again.
    pub fn update_msg(&mut self, name: &str, f: impl FnOnce(&mut Message)) {
        let Some(i) = self.pos(name) else { return };
        if let Some(it) = self.items.get(i) {
            Self::stat_del(&mut self.threads, it);
        }
        if let Some(it) = self.get_mut(name) {
            f(&mut it.msg);
        }
        if let Some(it) = self.items.get(i) {
            Self::stat_add(&mut self.threads, it);
        }
    }

    /// Removes a message: the messages on the nearer side of it move up one, and only
    /// their entries in the name index change.
    pub fn remove(&mut self, name: &str) -> Option<Item> {
        let i = self.pos(name)?;
        let it = self.items.remove(i)?;
        self.by_name.remove(name);
        if i < self.items.len() / 2 {
            // Those before it move down one place number; the front follows.
            for before in self.items.range(..i) {
                if let Some(s) = self.by_name.get_mut(before.name()) {
                    *s += 1;
                }
            }
            self.front += 1;
        } else {
            for after in self.items.range(i..) {
                if let Some(s) = self.by_name.get_mut(after.name()) {
                    *s -= 1;
                }
            }
        }
        Self::stat_del(&mut self.threads, &it);
        self.touch();
        Some(it)
    }

    /// Removes a message the server deleted; a late list cannot bring it back.
    pub fn deleted(&mut self, name: &str) {
        self.gone.insert(name.to_string());
        self.remove(name);
    }

    /// Removes a thread root and its replies (a forced delete).
    pub fn remove_thread(&mut self, thread: &str) {
        let gone: Vec<String> = self
            .items
            .iter()
            .filter(|i| i.thread() == thread && !i.is_local())
            .map(|i| i.name().to_string())
            .collect();
        self.gone.extend(gone);
        self.items.retain(|i| i.thread() != thread);
        self.reindex();
        self.touch();
    }

    /// Live replies to the thread `root` starts (from the thread index).
    pub fn reply_count(&self, root: &Item) -> usize {
        if root.msg.thread_reply {
            return 0;
        }
        self.threads.get(root.thread()).map_or(0, |t| t.replies)
    }

    /// A thread's messages in order, from its first one on (not the whole timeline).
    fn thread_items(&self, thread: &str) -> Vec<&Item> {
        let Some(n) = self.threads.get(thread).map(|t| t.items) else {
            return Vec::new();
        };
        let Some(from) = self.thread_first(thread).and_then(|f| self.pos(f.name())) else {
            return Vec::new();
        };
        self.items
            .range(from..)
            .filter(|i| i.thread() == thread)
            .take(n)
            .collect()
    }

    /// How many rows have been laid out (built or rebuilt) so far.
    pub fn rows_built(&self) -> u64 {
        self.rows_built.get()
    }

    /// The rows to show, recomputed only when the messages or `key` change; an older
    /// page only lays out its own rows and those of the threads it joins.
    pub fn rows(&self, key: &RowsKey) -> Rc<Rows> {
        let mut caches = self.rows_cache.borrow_mut();
        let cache = &mut caches[key.thread.is_some() as usize];
        if let Some(c) = cache.as_mut() {
            if c.key == *key && !c.stale && c.front_added == 0 {
                return c.rows.clone();
            }
            if !c.stale && c.front_added == 0 && c.key.version == key.version {
                if let Some(ts) = rows::toggled(&c.key, key) {
                    if let Some(rows) = Rc::get_mut(&mut c.rows) {
                        let mut laid = Some(0);
                        for t in ts {
                            let g = self.thread_items(&t);
                            // A thread with nothing loaded shows no rows either way.
                            let n = if g.is_empty() {
                                Some(0)
                            } else {
                                rows::regroup(rows, &t, &g, key)
                            };
                            laid = laid.zip(n).map(|(a, b)| a + b);
                        }
                        if let Some(laid) = laid {
                            self.rows_built.set(self.rows_built.get() + laid as u64);
                            c.key = key.clone();
                            return c.rows.clone();
                        }
                    }
                }
            }
            if !c.stale && c.front_added > 0 && c.key.same_view(key) {
                let get = |n: &str| self.get(n);
                let thread = |t: &str| {
                    self.threads
                        .get_key_value(t)
                        .map(|(k, s)| (k.as_str(), s.items))
                };
                let lookup = rows::Lookup {
                    get: &get,
                    thread: &thread,
                };
                let k = c.front_added;
                if let Some(rows) = Rc::get_mut(&mut c.rows) {
                    if let Some(laid) = rows::prepend(rows, &self.items, k, key, &lookup) {
                        self.rows_built.set(self.rows_built.get() + laid as u64);
                        c.key = key.clone();
                        c.front_added = 0;
                        return c.rows.clone();
                    }
                }
            }
        }
        // Dropped before the new rows are built: the two never take memory at once.
        *cache = None;
        let rows = Rc::new(rows::build(self.items.iter(), key));
        self.rows_built
            .set(self.rows_built.get() + rows.rows.len() as u64);
        *cache = Some(RowsCache {
            key: key.clone(),
            rows: rows.clone(),
            front_added: 0,
            stale: false,
        });
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::Thread;
    use chrono::TimeZone;

    fn msg(name: &str, thread: &str, reply: bool, minute: u32) -> Message {
        Message {
            name: Some(format!("spaces/S/messages/{name}")),
            text: Some(name.to_string()),
            create_time: Some(Utc.with_ymd_and_hms(2026, 11, 20, 10, minute, 0).unwrap()),
            thread: Some(Thread {
                name: Some(format!("spaces/S/threads/{thread}")),
                thread_key: None,
            }),
            thread_reply: reply,
            ..Default::default()
        }
    }

    fn names(rows: &Rows) -> Vec<String> {
        rows.rows
            .iter()
            .map(|r| match r {
                Row::Top => "top".into(),
                Row::Date(_) => "date".into(),
                Row::Msg { name, reply } => format!(
                    "{}{}",
                    if *reply { "  " } else { "" },
                    name.rsplit('/').next().unwrap()
                ),
                Row::Collapsed { hidden, .. } => format!("  +{hidden}"),
                Row::EarlierThread { .. } => "earlier".into(),
                Row::Unread => "unread".into(),
                Row::NewReplies { .. } => "news".into(),
            })
            .collect()
    }

    #[test]
    fn replies_group_under_their_root_and_long_threads_collapse() {
        let mut t = Timeline::default();
        t.merge(vec![
            msg("a", "A", false, 1),
            msg("b", "B", false, 2),
            msg("a1", "A", true, 3),
            msg("b1", "B", true, 4),
            msg("a2", "A", true, 5),
            msg("a3", "A", true, 6),
            msg("a4", "A", true, 7),
            msg("a5", "A", true, 8),
        ]);
        let rows = t.rows(&RowsKey {
            version: t.version,
            ..Default::default()
        });
        assert_eq!(
            names(&rows),
            ["top", "date", "a", "  +3", "  a4", "  a5", "b", "  b1"]
        );
        let expanded = t.rows(&RowsKey {
            version: t.version,
            expanded: vec!["spaces/S/threads/A".into()],
            ..Default::default()
        });
        assert_eq!(names(&expanded).len(), 10);
        let thread = t.rows(&RowsKey {
            version: t.version,
            thread: Some("spaces/S/threads/B".into()),
            ..Default::default()
        });
        assert_eq!(names(&thread), ["top", "date", "b", "  b1"]);
    }

    #[test]
    fn merging_dedupes_sorts_and_replaces_local_copies() {
        let mut t = Timeline::default();
        assert_eq!(
            t.merge(vec![msg("b", "B", false, 2), msg("a", "A", false, 1)]),
            2
        );
        assert_eq!(t.merge(vec![msg("a", "A", false, 1)]), 0, "already there");
        let mut local = msg("local/1", "L", false, 59);
        local.name = Some("local/1".into());
        t.add_local(local, "client-abc".into());
        let mut back = msg("c", "C", false, 3);
        back.client_assigned_message_id = Some("client-abc".into());
        assert_eq!(t.merge(vec![back]), 1);
        assert!(
            t.get("local/1").is_none(),
            "the server's copy replaced the local one"
        );
        let order: Vec<_> = t
            .items()
            .iter()
            .map(|i| i.msg.text.clone().unwrap())
            .collect();
        assert_eq!(order, ["a", "b", "c"]);
        assert_eq!(
            t.newest_time(),
            Some(Utc.with_ymd_and_hms(2026, 11, 20, 10, 3, 0).unwrap())
        );
    }

    #[test]
    fn runs_from_one_sender_share_a_header_within_threads_and_minutes() {
        let from = |mut m: Message, who: &str| {
            m.sender = Some(crate::api::model::User {
                name: Some(format!("users/{who}")),
                ..Default::default()
            });
            m
        };
        let mut edited = from(msg("e", "E", false, 20), "1");
        edited.last_update_time = edited.create_time;
        let mut t = Timeline::default();
        t.merge(vec![
            from(msg("a", "A", false, 1), "1"),
            from(msg("b", "B", false, 3), "1"),
            from(msg("b1", "B", true, 4), "1"),
            from(msg("b2", "B", true, 5), "1"),
            from(msg("c", "C", false, 6), "1"),
            from(msg("d", "D", false, 19), "1"),
            edited,
            from(msg("f", "F", false, 21), "2"),
        ]);
        let rows = t.rows(&RowsKey::default());
        let mut cont: Vec<&str> = rows
            .continued
            .iter()
            .map(|n| n.rsplit('/').next().unwrap())
            .collect();
        cont.sort();
        // b under a; b2 under b1 (a root and its reply never); c not after replies; d
        // 13 minutes later; an edit shows its mark; another sender.
        assert_eq!(cont, ["b", "b2"]);
    }

    #[test]
    fn replies_whose_root_is_not_loaded_say_so() {
        let mut t = Timeline::default();
        t.merge(vec![msg("x1", "X", true, 1), msg("y", "Y", false, 2)]);
        let rows = t.rows(&RowsKey::default());
        assert_eq!(names(&rows), ["top", "date", "earlier", "  x1", "y"]);
    }
}

#[cfg(test)]
mod scale_tests {
    use super::*;
    use crate::api::model::{Thread, User};
    use chrono::TimeZone;

    /// Threads of one to six, five senders, a message every 30 seconds; some threads
    /// get a late reply (far below their root).
    fn history(n: usize) -> Vec<Message> {
        let t0 = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
        let mut out = Vec::with_capacity(n);
        let mut thread = String::new();
        let mut roots: Vec<String> = Vec::new();
        for i in 0..n {
            let root = i % 6 == 0 || i % 7 == 3;
            let id = format!("m{i:07}");
            // Every 97th message replies to a thread started long before.
            let late = i % 97 == 50 && roots.len() > 40;
            let t = if late {
                roots[roots.len() - 40].clone()
            } else {
                if root {
                    thread = id.clone();
                    roots.push(id.clone());
                }
                thread.clone()
            };
            out.push(Message {
                name: Some(format!("spaces/S/messages/{id}")),
                sender: Some(User {
                    name: Some(format!("users/{}", 1001 + (i * 7 / 3) % 5)),
                    ..Default::default()
                }),
                create_time: Some(t0 + chrono::Duration::seconds(i as i64 * 30)),
                text: Some(id.clone()),
                thread: Some(Thread {
                    name: Some(format!("spaces/S/threads/{t}")),
                    thread_key: None,
                }),
                thread_reply: late || !root,
                ..Default::default()
            });
        }
        out
    }

    fn key(t: &Timeline) -> RowsKey {
        RowsKey {
            version: t.version,
            ..Default::default()
        }
    }

    #[test]
    fn an_older_page_lays_out_rows_for_the_page_not_the_whole_history() {
        const PAGE: usize = 100;
        let all = history(20_000);
        let mut t = Timeline::default();
        t.merge(all[all.len() - PAGE..].to_vec());
        t.rows(&key(&t));
        let mut end = all.len() - PAGE;
        let mut worst = 0;
        while end > 0 {
            let start = end - PAGE;
            t.merge(all[start..end].to_vec());
            let before = t.rows_built();
            t.rows(&key(&t));
            worst = worst.max(t.rows_built() - before);
            end = start;
        }
        assert_eq!(t.len(), all.len());
        // A page of 100 brings at most its own rows, a date and the groups it joins.
        assert!(
            worst <= 4 * PAGE as u64,
            "an older page laid out {worst} rows"
        );
    }

    /// The rows as they stand, and as a full build makes them.
    fn same_as_full_build(t: &Timeline, key: &RowsKey) {
        let rows = t.rows(key);
        let full = rows::build(t.items().iter(), key);
        assert_eq!(rows.rows, full.rows, "rows");
        assert_eq!(rows.continued, full.continued, "continued");
        for (i, r) in full.rows.iter().enumerate() {
            assert_eq!(rows.pos(r), full.pos(r), "position of {r:?} (row {i})");
            assert_eq!(rows.pos(r), Some(i), "{r:?}");
        }
    }

    #[test]
    fn rows_after_older_pages_are_the_rows_a_full_build_makes() {
        let all = history(1_500);
        // Pages of odd sizes, so they cut threads, runs and days anywhere; the views a
        // reader may have: threads expanded, an unread divider, news at the bottom.
        for (page, view) in [(37usize, 0), (100, 1), (7, 2), (250, 3), (3, 0)] {
            let mut key = RowsKey::default();
            match view {
                1 => key.expanded = vec!["spaces/S/threads/m0001242".into()],
                2 => key.unread_from = Some("spaces/S/messages/m0001000".into()),
                3 => key.surfaced = vec!["spaces/S/threads/m0001476".into()],
                _ => {}
            }
            let mut t = Timeline::default();
            let mut end = all.len() - page.min(all.len());
            t.merge(all[end..].to_vec());
            while end > 0 {
                let start = end.saturating_sub(page);
                t.merge(all[start..end].to_vec());
                let k = RowsKey {
                    version: t.version,
                    ..key.clone()
                };
                same_as_full_build(&t, &k);
                end = start;
            }
        }
    }

    #[test]
    fn thread_roots_and_counts_come_from_the_index_through_every_change() {
        let all = history(600);
        let mut t = Timeline::default();
        let mut end = all.len() - 50;
        t.merge(all[end..].to_vec());
        let check = |t: &Timeline| {
            for it in t.items() {
                let th = it.thread();
                let scan_root = t
                    .items()
                    .iter()
                    .find(|i| i.thread() == th && !i.msg.thread_reply);
                assert_eq!(
                    t.thread_root(th).map(Item::name),
                    scan_root.map(Item::name),
                    "root of {th}"
                );
                let first = t.items().iter().find(|i| i.thread() == th);
                assert_eq!(t.thread_first(th).map(Item::name), first.map(Item::name));
                if let Some(r) = scan_root {
                    let replies = t
                        .items()
                        .iter()
                        .filter(|i| i.thread() == th && i.msg.thread_reply)
                        .count();
                    assert_eq!(t.reply_count(r), replies, "replies in {th}");
                }
                assert_eq!(t.get(it.name()).map(Item::name), Some(it.name()));
            }
        };
        // Older pages, a local send and its answer, removals near each end, a thread
        // forced away, a message placed between others.
        while end > 0 {
            let start = end.saturating_sub(73);
            t.merge(all[start..end].to_vec());
            check(&t);
            end = start;
        }
        let mut local = all[599].clone();
        local.name = Some(MessageId::local_name("c1"));
        local.thread = all[598].thread.clone();
        local.thread_reply = true;
        t.add_local(local, "c1".into());
        check(&t);
        t.remove("spaces/S/messages/m0000001");
        t.remove("spaces/S/messages/m0000597");
        t.remove("spaces/S/messages/m0000300");
        check(&t);
        let root = t.items()[10].thread().to_string();
        t.remove_thread(&root);
        check(&t);
        let mut back = all[300].clone();
        back.last_update_time = back.create_time;
        t.merge(vec![back]);
        check(&t);
        assert!(t.get("spaces/S/messages/m0000300").is_some());
        let mut answer = all[599].clone();
        answer.name = Some("spaces/S/messages/sent".into());
        answer.create_time = Some(Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap());
        answer.thread = all[598].thread.clone();
        answer.thread_reply = true;
        answer.client_assigned_message_id = Some("c1".into());
        t.merge(vec![answer]);
        check(&t);
        assert!(t.get(&MessageId::local_name("c1")).is_none());
        let rows = t.rows(&RowsKey {
            version: t.version,
            ..Default::default()
        });
        same_as_full_build(
            &t,
            &RowsKey {
                version: t.version,
                ..Default::default()
            },
        );
        drop(rows);
    }

    #[test]
    fn an_older_page_interleaved_with_sends_and_live_messages_keeps_time_order() {
        let all = history(400);
        let mut t = Timeline::default();
        t.merge(all[300..].to_vec());
        let key = |t: &Timeline| RowsKey {
            version: t.version,
            ..Default::default()
        };
        t.rows(&key(&t));
        let mut local = Message::text("on its way");
        local.name = Some(MessageId::local_name("c9"));
        local.create_time = Some(Utc.with_ymd_and_hms(2031, 1, 1, 0, 0, 0).unwrap());
        t.add_local(local, "c9".into());
        t.merge(all[200..300].to_vec());
        // A live message newer than all, and one from the middle (a late list).
        let mut live = all[399].clone();
        live.name = Some("spaces/S/messages/live".into());
        live.create_time = Some(Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap());
        t.merge(vec![live]);
        t.merge(all[100..200].to_vec());
        t.rows(&key(&t));
        t.merge(vec![all[150].clone(), all[50].clone()]);
        t.merge(all[0..100].to_vec());
        same_as_full_build(&t, &key(&t));
        let servers: Vec<_> = t.items().iter().filter(|i| !i.is_local()).collect();
        assert!(servers.windows(2).all(|w| w[0].time() <= w[1].time()));
        assert_eq!(servers.len(), 401);
        assert!(
            t.items().back().is_some_and(Item::is_local),
            "local copies last"
        );
        for (i, it) in t.items().iter().enumerate() {
            assert_eq!(t.pos(it.name()), Some(i), "{}", it.name());
        }
    }

    #[test]
    fn going_back_from_a_thread_keeps_the_long_rows() {
        let all = history(5_000);
        let mut t = Timeline::default();
        t.merge(all);
        let main = key(&t);
        let long = t.rows(&main).rows.len() as u64;
        let thread = RowsKey {
            thread: Some("spaces/S/threads/m0004998".into()),
            ..key(&t)
        };
        let before = t.rows_built();
        t.rows(&thread);
        t.rows(&main);
        let laid = t.rows_built() - before;
        assert!(
            laid < long / 10,
            "{laid} rows laid out to open a thread and go back"
        );
        // A change while in the thread is seen on the way back.
        t.remove("spaces/S/messages/m0004999");
        let back = t.rows(&key(&t));
        assert!(back
            .pos(&Row::Msg {
                name: "spaces/S/messages/m0004999".into(),
                reply: true
            })
            .is_none());
        same_as_full_build(&t, &key(&t));
    }

    #[test]
    fn expanding_a_thread_lays_out_that_thread_only() {
        let all = history(6_000);
        let mut t = Timeline::default();
        // The oldest thread starts with a reply whose root is not loaded.
        t.merge(all[1..].to_vec());
        let mut key = key(&t);
        let long = t.rows(&key).rows.len() as u64;
        let mut worst = 0;
        // Long threads near the top, the middle and the bottom (late replies make some
        // long), opened and closed in turn, and two at once.
        let threads: Vec<String> = t
            .items()
            .iter()
            .filter(|i| t.threads[i.thread()].items > COLLAPSE)
            .map(|i| i.thread().to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        assert!(threads.len() > 3);
        let picks = [
            threads[0].clone(),
            threads[threads.len() / 2].clone(),
            threads[threads.len() - 1].clone(),
            "spaces/S/threads/m0000000".to_string(),
            "spaces/S/threads/not-loaded".to_string(),
        ];
        for step in 0..10 {
            let th = &picks[step % picks.len()];
            if let Some(i) = key.expanded.iter().position(|e| e == th) {
                key.expanded.remove(i);
            } else {
                key.expanded.push(th.clone());
                key.expanded.sort();
            }
            let before = t.rows_built();
            same_as_full_build(&t, &key);
            worst = worst.max(t.rows_built() - before);
        }
        assert!(
            worst < long / 10,
            "a toggle laid out {worst} of {long} rows"
        );
    }

    const COLLAPSE: usize = super::rows::COLLAPSE_OVER + 1;
}
