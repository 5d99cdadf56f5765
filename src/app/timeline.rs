//! One space's messages: in `createTime` order, one entry per message name, with the
//! optimistic local copies of messages being sent, and a cache of the rows the message
//! pane shows (built in `rows`).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use chrono::{DateTime, Utc};

use crate::api::model::Message;

pub use super::item::{Item, Local, MessageId};
use super::rows;
pub use super::rows::{Row, Rows, RowsKey};

#[derive(Debug, Default)]
pub struct Timeline {
    items: Vec<Item>,
    by_name: HashMap<String, usize, super::rows::Fast>,
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
    rows_cache: RefCell<Option<(RowsKey, Rc<Rows>)>>,
}

impl Timeline {
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn get(&self, name: &str) -> Option<&Item> {
        self.by_name.get(name).map(|&i| &self.items[i])
    }

    fn get_mut(&mut self, name: &str) -> Option<&mut Item> {
        let i = *self.by_name.get(name)?;
        self.touch();
        self.next_rev += 1;
        let rev = self.next_rev;
        let it = &mut self.items[i];
        it.rev = rev;
        Some(it)
    }

    fn touch(&mut self) {
        self.version += 1;
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
        self.by_name = self
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| (it.name().to_string(), i))
            .collect();
    }

    /// Adds or replaces server messages. A message carrying the client id of a local
    /// copy replaces that copy. Returns how many were new.
    ///
    /// Work is proportional to the change: nothing new or different leaves the version
    /// (and so the rows and the frame) alone; new messages that all go after the newest
    /// or all before the oldest (a poll, an older page) are spliced in, and only the
    /// positions after the splice are shifted in the name index.
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
            match self.by_name.get(&name) {
                // A change on its way from here (an edit, a delete) stays shown until its
                // own answer; a copy older than the one shown (listed before an edit,
                // answered after it) does not replace it.
                Some(&i) if self.items[i].busy() || self.items[i].newer_than(&m) => {}
                Some(&i) => {
                    if self.items[i].msg != m || self.items[i].local.is_some() {
                        self.next_rev += 1;
                        let old = &mut self.items[i];
                        old.msg = m;
                        old.local = None;
                        old.rev = self.next_rev;
                        changed = true;
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
            self.place(fresh);
            changed = true;
        }
        if changed {
            self.touch();
        }
        new
    }

    /// Puts new server messages in `createTime` order, before the local copies.
    fn place(&mut self, mut fresh: Vec<Item>) {
        fresh.sort_by_key(Item::time);
        let locals = self.items.iter().rev().take_while(|i| i.is_local()).count();
        let servers = self.items.len() - locals;
        let (first, last) = (fresh.first().map(Item::time), fresh.last().map(Item::time));
        let at = if servers == 0 || last.is_some_and(|t| t < self.items[0].time()) {
            // An older page (or the first): at the front.
            Some(0)
        } else if first.is_some_and(|t| t >= self.items[servers - 1].time()) {
            // The usual poll or live event: after the newest.
            Some(servers)
        } else {
            None
        };
        match at {
            Some(at) => {
                let k = fresh.len();
                for v in self.by_name.values_mut() {
                    if *v >= at {
                        *v += k;
                    }
                }
                for (j, it) in fresh.iter().enumerate() {
                    self.by_name.insert(it.name().to_string(), at + j);
                }
                self.items.splice(at..at, fresh);
            }
            None => {
                // Interleaved: merge the two sorted runs (stable: on a tie, what was
                // here first stays first), then index again.
                let locals = self.items.split_off(servers);
                let old = std::mem::take(&mut self.items);
                let mut out = Vec::with_capacity(old.len() + fresh.len() + locals.len());
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
            }
        }
    }

    /// Adds a local copy of a message being sent.
    pub fn add_local(&mut self, msg: Message, client_id: String) {
        self.next_rev += 1;
        let name = msg.name.clone().unwrap_or_default();
        self.items.push(Item {
            msg,
            local: Some(Local::Sending),
            client_id: Some(client_id),
            rev: self.next_rev,
        });
        self.by_name.insert(name, self.items.len() - 1);
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
        if let Some(it) = self.get_mut(name) {
            f(&mut it.msg);
        }
    }

    pub fn remove(&mut self, name: &str) -> Option<Item> {
        let i = self.by_name.remove(name)?;
        let it = self.items.remove(i);
        for v in self.by_name.values_mut() {
            if *v > i {
                *v -= 1;
            }
        }
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

    /// Live replies to the thread `root` starts.
    pub fn reply_count(&self, root: &Item) -> usize {
        if root.msg.thread_reply {
            return 0;
        }
        let t = root.thread();
        self.items
            .iter()
            .filter(|i| i.thread() == t && i.msg.thread_reply)
            .count()
    }

    /// The rows to show, recomputed only when the messages or `key` change.
    pub fn rows(&self, key: &RowsKey) -> Rc<Rows> {
        if let Some((k, rows)) = self.rows_cache.borrow().as_ref() {
            if k == key {
                return rows.clone();
            }
        }
        let rows = Rc::new(rows::build(&self.items, key));
        *self.rows_cache.borrow_mut() = Some((key.clone(), rows.clone()));
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
