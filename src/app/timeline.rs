//! One space's messages: in `createTime` order, one entry per message name, with the
//! optimistic local copies of messages being sent, and a cache of the rows the message
//! pane shows (built in `rows`).

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet, VecDeque};
use std::rc::Rc;

use chrono::{DateTime, Utc};

use crate::api::model::Message;

use super::item::Shared;
pub use super::item::{Item, Local, MessageId};
use super::rows::Fast;
pub use super::rows::{Row, Rows, RowsKey};

mod rows_cache;
mod threads;

use rows_cache::RowsCache;
use threads::ThreadStat;

/// What a page brings to [`Timeline::merge`]: a whole message, or a listed one (taken
/// apart as it is, no whole message made on the way).
pub trait Incoming {
    fn has_name(&self) -> bool;
    #[doc(hidden)]
    fn into_item(self, shared: &mut Shared) -> Item;
}

impl Incoming for Message {
    fn has_name(&self) -> bool {
        self.name.is_some()
    }
    fn into_item(mut self, shared: &mut Shared) -> Item {
        // Fields the pane never shows: the space (we know it) and two copies of text.
        self.space = None;
        self.formatted_text = None;
        self.argument_text = None;
        Item::new(self, shared)
    }
}

impl Incoming for crate::api::Listed {
    fn has_name(&self) -> bool {
        self.name.is_some()
    }
    fn into_item(self, shared: &mut Shared) -> Item {
        Item::from_listed(self, shared)
    }
}

/// Where new server messages went.
enum Placed {
    /// All before the oldest (an older page).
    Front,
    /// All after the newest (a poll, a live message).
    End,
    Between,
}

#[derive(Debug, Default)]
pub struct Timeline {
    items: VecDeque<Item>,
    /// Each message's sequence number; its position is that minus `front`, so messages
    /// put in front leave every other entry alone.
    /// Keyed by the item's own name (shared, not a copy).
    by_name: HashMap<Rc<str>, i64, Fast>,
    front: i64,
    threads: HashMap<Rc<str>, ThreadStat, Fast>,
    /// The thread names and senders the messages share.
    shared: Shared,
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
    /// Where the listed history begins: the oldest `createTime` of the newest page and
    /// the older pages. A thread, a search hit or a pin may bring older messages, with
    /// a gap between them and this; the next older page is asked from here, so the gap
    /// is filled instead of skipped.
    listed_from: Option<DateTime<Utc>>,
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
        let thread = self.items.get(i)?.thread().to_string();
        self.touch_thread(&thread, None);
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

    /// Thread `t` changed (a message added, changed or removed) without its first
    /// message changing; `gone` is the row its group started with, if it has no message
    /// left.
    fn touch_thread(&mut self, t: &str, gone: Option<Row>) {
        self.version += 1;
        for c in self.rows_cache.get_mut().iter_mut().flatten() {
            c.touch_thread(t, gone.clone());
        }
    }

    /// `k` messages went in front of the rest.
    fn touch_front(&mut self, k: usize) {
        self.version += 1;
        for c in self.rows_cache.get_mut().iter_mut().flatten() {
            c.front_added += k;
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

    /// The server listed history back to `t` (the oldest `createTime` of a page of it).
    pub fn listed_down_to(&mut self, t: DateTime<Utc>) {
        if self.listed_from.is_none_or(|w| t < w) {
            self.listed_from = Some(t);
        }
    }

    /// Where the next older page of history ends: the start of the listed history (or,
    /// before any page was listed, the oldest message held).
    pub fn history_start(&self) -> Option<DateTime<Utc>> {
        self.listed_from.or_else(|| self.oldest_time())
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
            .map(|(i, it)| (it.shared_name().clone(), i as i64))
            .collect();
        let mut threads = HashMap::default();
        for it in &self.items {
            Self::stat_add(&mut threads, it);
        }
        self.threads = threads;
        self.shared.sweep();
    }

    /// Adds or replaces server messages. A message carrying the client id of a local
    /// copy replaces that copy. Returns how many were new.
    ///
    /// Work is proportional to the change: nothing new or different leaves the version
    /// (and so the rows and the frame) alone; new messages that all go after the newest
    /// or all before the oldest (a poll, an older page) are spliced in without moving
    /// any other message's entry in the name index.
    pub fn merge<M: Incoming>(&mut self, msgs: Vec<M>) -> usize {
        let mut changed = false;
        let mut fresh: Vec<Item> = Vec::new();
        let mut fresh_at: HashMap<Rc<str>, usize> = HashMap::new();
        for m in msgs {
            if !m.has_name() {
                continue;
            }
            let mut it = m.into_item(&mut self.shared);
            let name = it.shared_name().clone();
            if it.is_deleted() || self.gone.contains(&*name) {
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
            if let Some(cid) = it.client_assigned_id() {
                if let Some(local) = self
                    .items
                    .iter()
                    .rev()
                    .take_while(|i| i.is_local())
                    .find(|i| i.client_id.as_ref().map(|c| c.as_str()) == Some(cid))
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
                Some(i) if self.items[i].busy() || self.items[i].newer_than(&it) => {}
                Some(i) => {
                    if !self.items[i].same_message(&it) || self.items[i].local.is_some() {
                        self.next_rev += 1;
                        let old = &mut self.items[i];
                        let same_thread = old.thread() == it.thread();
                        Self::stat_del(&mut self.threads, old);
                        it.client_id = old.client_id.take();
                        it.keep_name(old);
                        it.rev = self.next_rev;
                        *old = it;
                        Self::stat_add(&mut self.threads, old);
                        if same_thread {
                            let t = old.thread().to_string();
                            self.touch_thread(&t, None);
                        } else {
                            self.touch();
                        }
                    }
                }
                None => {
                    if let Some(&j) = fresh_at.get(&name) {
                        // Listed twice in one batch: the later copy, unless older.
                        if !fresh[j].newer_than(&it) {
                            it.rev = fresh[j].rev;
                            fresh[j] = it;
                        }
                        continue;
                    }
                    fresh_at.insert(name, fresh.len());
                    self.next_rev += 1;
                    it.rev = self.next_rev;
                    fresh.push(it);
                }
            }
        }
        let new = fresh.len();
        if new > 0 {
            let threads: Vec<String> = fresh.iter().map(|i| i.thread().to_string()).collect();
            // A reply placed before local copies may come before its thread's first.
            let locals = self.items.back().is_some_and(Item::is_local);
            match self.place(fresh) {
                Placed::Front if !changed => self.touch_front(new),
                Placed::End
                    if !locals
                        || threads.iter().all(|t| {
                            self.threads
                                .get(t.as_str())
                                .is_some_and(|s| s.root.is_some())
                        }) =>
                {
                    for t in threads {
                        self.touch_thread(&t, None);
                    }
                }
                _ => self.touch(),
            }
        }
        new
    }

    /// Puts new server messages in `createTime` order, before the local copies.
    /// Says where they went.
    fn place(&mut self, mut fresh: Vec<Item>) -> Placed {
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
                self.by_name.insert(it.shared_name().clone(), self.front);
                self.items.push_front(it);
            }
            self.shrink();
            Placed::Front
        } else if servers == 0 || first.is_some_and(|t| t >= self.items[servers - 1].time()) {
            // The usual poll or live event: after the newest, before the local copies.
            let locals: Vec<Item> = self.items.drain(servers..).collect();
            for it in fresh.into_iter().chain(locals) {
                self.by_name.insert(
                    it.shared_name().clone(),
                    self.front + self.items.len() as i64,
                );
                self.items.push_back(it);
            }
            Placed::End
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
            Placed::Between
        }
    }

    /// Returns to the allocator what a grown deque holds beyond twice its messages.
    fn shrink(&mut self) {
        if self.items.capacity() > 2 * self.items.len() + 64 {
            self.items.shrink_to_fit();
        }
    }

    /// Adds a local copy of a message being sent.
    pub fn add_local(&mut self, msg: Message, client_id: crate::api::ClientMessageId) {
        self.next_rev += 1;
        let mut it = Item::new(msg, &mut self.shared);
        it.local = Some(Local::Sending);
        it.client_id = Some(client_id);
        it.rev = self.next_rev;
        let name = it.shared_name().clone();
        Self::stat_add(&mut self.threads, &it);
        let thread = it.thread().to_string();
        self.items.push_back(it);
        self.by_name
            .insert(name, self.front + self.items.len() as i64 - 1);
        self.touch_thread(&thread, None);
    }

    pub fn set_local(&mut self, name: &str, state: Option<Local>) {
        if let Some(it) = self.get_mut(name) {
            it.local = state;
        }
    }

    pub fn set_text(&mut self, name: &str, text: &str) {
        if let Some(it) = self.get_mut(name) {
            it.set_text(text);
        }
    }

    /// Changes a message in place (its reactions, say) and lays it out again.
    pub fn update_msg(&mut self, name: &str, f: impl FnOnce(&mut Message)) {
        let Some(i) = self.pos(name) else { return };
        let Some(old) = self.items.get(i) else { return };
        let mut m = old.to_message();
        f(&mut m);
        let mut it = Item::new(m, &mut self.shared);
        // Under the name it is known by (the same allocation), whatever `f` did to it.
        it.keep_name(old);
        it.local = old.local.clone();
        it.client_id = old.client_id.clone();
        Self::stat_del(&mut self.threads, old);
        self.touch();
        self.next_rev += 1;
        it.rev = self.next_rev;
        Self::stat_add(&mut self.threads, &it);
        self.items[i] = it;
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
        // Its thread's group changes in place, unless the message started it.
        let t = it.thread();
        if !self.threads.contains_key(t) {
            let row = if it.is_reply() {
                Row::EarlierThread {
                    thread: t.to_string(),
                }
            } else {
                Row::Msg {
                    name: it.shared_name().clone(),
                    reply: false,
                }
            };
            self.touch_thread(t, Some(row));
        } else if it.is_reply() && self.threads[t].root.is_some() {
            self.touch_thread(t, None);
        } else {
            self.touch();
        }
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
}

#[cfg(test)]
mod compact_tests;
#[cfg(test)]
#[path = "timeline/tests.rs"]
mod tests;
