//! The rows last laid out for a timeline, kept per view (the whole timeline, one thread)
//! and brought up to date piecemeal where the change allows: an older page lays out only
//! its own rows, expanding a thread only that thread.

use std::collections::HashMap;
use std::rc::Rc;

use super::super::rows;
use super::{Fast, Row, Rows, RowsKey, Timeline};

/// Past this many threads changed, the rows are built again.
const MAX_TOUCHED: usize = 256;

/// The rows last built, and what changed in the messages since.
#[derive(Debug)]
pub(super) struct RowsCache {
    pub(super) key: RowsKey,
    pub(super) rows: Rc<Rows>,
    /// Messages put in front (older pages) since the rows were built.
    pub(super) front_added: usize,
    /// Threads changed since (new, with messages added, changed or removed), each with
    /// the row its group started with if it has no message left.
    pub(super) touched: HashMap<String, Option<Row>, Fast>,
    /// Anything else changed: the rows are built again.
    pub(super) stale: bool,
}

impl RowsCache {
    pub(super) fn touch_thread(&mut self, t: &str, gone: Option<Row>) {
        if self.stale {
            return;
        }
        if self.touched.len() >= MAX_TOUCHED {
            self.stale = true;
            self.touched.clear();
            return;
        }
        let e = self.touched.entry(t.to_string()).or_default();
        if gone.is_some() {
            *e = gone;
        }
    }
}

impl Timeline {
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
            if c.key == *key && !c.stale && c.front_added == 0 && c.touched.is_empty() {
                return c.rows.clone();
            }
            let get = |n: &str| self.get(n);
            let thread = |t: &str| self.threads.get_key_value(t).map(|(k, s)| (&**k, s.items));
            let items = |t: &str| self.thread_items(t);
            let index = |n: &str| self.pos(n);
            let lookup = rows::Lookup {
                get: &get,
                thread: &thread,
                items: &items,
                index: &index,
            };
            if !c.stale && c.front_added == 0 && key.thread.is_none() {
                if let Some(rows) = Rc::get_mut(&mut c.rows) {
                    if let Some(laid) = rows::update(rows, &c.key, key, &c.touched, &lookup) {
                        self.rows_built.set(self.rows_built.get() + laid as u64);
                        c.key = key.clone();
                        c.touched.clear();
                        return c.rows.clone();
                    }
                }
            }
            if !c.stale && c.front_added > 0 && c.touched.is_empty() && c.key.same_view(key) {
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
        let rows = Rc::new(match &key.thread {
            // One thread: its messages by the thread index, not a look through all.
            Some(t) => rows::build(self.thread_items(t).into_iter(), key),
            None => rows::build(self.items.iter(), key),
        });
        self.rows_built
            .set(self.rows_built.get() + rows.rows.len() as u64);
        *cache = Some(RowsCache {
            key: key.clone(),
            rows: rows.clone(),
            front_added: 0,
            touched: HashMap::default(),
            stale: false,
        });
        rows
    }
}
