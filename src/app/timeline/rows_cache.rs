//! The rows last laid out for a timeline, kept per view (the whole timeline, one thread)
//! and brought up to date piecemeal where the change allows: an older page lays out only
//! its own rows, expanding a thread only that thread.

use std::rc::Rc;

use super::super::rows;
use super::{Rows, RowsKey, Timeline};

/// The rows last built, and what changed in the messages since.
#[derive(Debug)]
pub(super) struct RowsCache {
    pub(super) key: RowsKey,
    pub(super) rows: Rc<Rows>,
    /// Messages put in front (older pages) since the rows were built.
    pub(super) front_added: usize,
    /// Anything else changed: the rows are built again.
    pub(super) stale: bool,
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
                let thread = |t: &str| self.threads.get_key_value(t).map(|(k, s)| (&**k, s.items));
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
