//! The timeline's thread index: each thread's message and reply counts and its root, so
//! a reply finds its root and a thread its messages without a look through the timeline.

use std::collections::HashMap;
use std::rc::Rc;

use super::{Fast, Item, Timeline};

/// What the timeline knows of one thread without looking through its messages.
#[derive(Debug, Default, Clone)]
pub(super) struct ThreadStat {
    /// Messages in the thread (local copies too).
    pub(super) items: usize,
    /// Of which replies.
    pub(super) replies: usize,
    /// Its first message, when loaded.
    pub(super) root: Option<Rc<str>>,
}

impl Timeline {
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

    pub(super) fn stat_add(threads: &mut HashMap<Rc<str>, ThreadStat, Fast>, it: &Item) {
        if !threads.contains_key(it.thread()) {
            threads.insert(it.shared_thread(), ThreadStat::default());
        }
        let Some(t) = threads.get_mut(it.thread()) else {
            return;
        };
        t.items += 1;
        if it.is_reply() {
            t.replies += 1;
        } else if t.root.is_none() {
            t.root = Some(it.shared_name().clone());
        }
    }

    pub(super) fn stat_del(threads: &mut HashMap<Rc<str>, ThreadStat, Fast>, it: &Item) {
        let Some(t) = threads.get_mut(it.thread()) else {
            return;
        };
        t.items = t.items.saturating_sub(1);
        if it.is_reply() {
            t.replies = t.replies.saturating_sub(1);
        }
        if t.root.as_deref() == Some(it.name()) {
            t.root = None;
        }
        if t.items == 0 {
            threads.remove(it.thread());
        }
    }

    /// Live replies to the thread `root` starts (from the thread index).
    pub fn reply_count(&self, root: &Item) -> usize {
        if root.is_reply() {
            return 0;
        }
        self.threads.get(root.thread()).map_or(0, |t| t.replies)
    }

    /// A thread's messages in order, from its first one on (not the whole timeline).
    pub(super) fn thread_items(&self, thread: &str) -> Vec<&Item> {
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
}
