//! What the emulator keeps per user and per space to stay in sync with other clients:
//! read states, notification settings, sections, and every space's event log. All of it
//! lives in one tracked map (`Store::sync`), so a change is journaled as the one record it
//! touches and undone exactly when saving fails.
//!
//! Keys: `read/{user}/{space}`, `thread/{user}/{space}/{thread}`, `notify/{user}/{space}`,
//! `sections/{user}`, `event/{space}/{seq}` (the sequence zero-padded, so that keys sort
//! in the order the events happened).
//!
//! Events are not written by the methods: after a method succeeds, [`derive`] compares
//! what it changed (the store's change logs) with what was there before, and records one
//! event per created, updated or deleted message and membership and per updated space.
//! Methods the comparison cannot see (reactions) call [`record_event`].

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};

use serde_json::Value;

use super::space_rec::SpaceEvent as Logged;
use super::store::{now, Store};
use crate::api::model::SpaceType;
use crate::api::sync_model::{EventType, MuteSetting, NotificationSetting, SectionType};

/// How far back `spaceEvents` reach.
pub const EVENT_WINDOW_DAYS: i64 = 28;

pub use super::sync_rec::{
    EventRec, SectionRec, SyncRec, UserSections, DEFAULT_APPS, DEFAULT_DMS, DEFAULT_SPACES,
};

/// The default section a space belongs to.
pub fn default_section(kind: &SpaceType, app_dm: bool) -> &'static str {
    if app_dm {
        DEFAULT_APPS
    } else if *kind == SpaceType::Space {
        DEFAULT_SPACES
    } else {
        DEFAULT_DMS
    }
}

pub fn read_key(user: &str, space: &str) -> String {
    format!("read/{user}/{space}")
}

pub fn thread_key(user: &str, space: &str, thread: &str) -> String {
    format!("thread/{user}/{space}/{thread}")
}

pub fn notify_key(user: &str, space: &str) -> String {
    format!("notify/{user}/{space}")
}

pub fn sections_key(user: &str) -> String {
    format!("sections/{user}")
}

pub fn event_key(space: &str, seq: u64) -> String {
    format!("event/{space}/{seq:016}")
}

/// A stored read time.
pub fn read_time(store: &Store, key: &str) -> Option<DateTime<Utc>> {
    match store.sync.get(key) {
        Some(SyncRec::Read { time }) => *time,
        _ => None,
    }
}

/// Whether `user` has muted `space`.
pub fn is_muted(store: &Store, user: &str, space: &str) -> bool {
    matches!(
        store.sync.get(&notify_key(user, space)),
        Some(SyncRec::Notify {
            mute: MuteSetting::Muted,
            ..
        })
    )
}

/// The events of a space after event `after` (all when 0), oldest first. A range of the
/// map: finding where to start costs a lookup, not a scan.
pub fn events_after<'a>(
    store: &'a Store,
    space: &str,
    after: u64,
) -> impl DoubleEndedIterator<Item = &'a EventRec> + 'a {
    // '0' follows '/': the end of this space's keys.
    let end = format!("event/{space}0");
    let start = match after.checked_add(1) {
        Some(n) => event_key(space, n),
        None => end.clone(),
    };
    store.sync.range(start..end).filter_map(|(_, v)| match v {
        SyncRec::Event(e) => Some(e),
        _ => None,
    })
}

/// The events of a space, oldest first.
pub fn events<'a>(
    store: &'a Store,
    space: &str,
) -> impl DoubleEndedIterator<Item = &'a EventRec> + 'a {
    events_after(store, space, 0)
}

/// One event of a space, by sequence number.
pub fn event<'a>(store: &'a Store, space: &str, seq: u64) -> Option<&'a EventRec> {
    match store.sync.get(&event_key(space, seq)) {
        Some(SyncRec::Event(e)) => Some(e),
        _ => None,
    }
}

/// Records an event in `space`: the hook for changes that [`derive`] cannot see (such as
/// reactions). `resource` is the changed resource's name; `payload` is the event's
/// `...EventData` object as the API returns it (e.g. `{"reaction": {...}}`).
pub fn record_event(
    store: &mut Store,
    space: &str,
    event_type: EventType,
    resource: &str,
    payload: Option<Value>,
) {
    let last = events(store, space).next_back().map(|e| (e.seq, e.time));
    let (seq, time) = match last {
        Some((seq, Some(t))) => (seq + 1, Some(now().max(t + Duration::microseconds(1)))),
        Some((seq, None)) => (seq + 1, Some(now())),
        None => (1, Some(now())),
    };
    store.sync.insert(
        event_key(space, seq),
        SyncRec::Event(EventRec {
            seq,
            time,
            event_type,
            resource: resource.to_string(),
            payload,
        }),
    );
}

/// Moves `key`'s read time forward to `t` (never back).
fn advance(store: &mut Store, key: String, t: DateTime<Utc>) {
    if read_time(store, &key).is_some_and(|old| old >= t) {
        return;
    }
    store.sync.insert(key, SyncRec::Read { time: Some(t) });
}

/// Whether two versions of a message differ only in their reaction summaries: reactions
/// are events of their own (through [`record_event`]), not message updates.
fn same_content(a: &crate::api::model::Message, b: &crate::api::model::Message) -> bool {
    if a.emoji_reaction_summaries == b.emoji_reaction_summaries {
        return a == b;
    }
    let mut a = a.clone();
    a.emoji_reaction_summaries = b.emoji_reaction_summaries.clone();
    a == *b
}

/// Records the events for what the current request changed, and advances the read state
/// of whoever posted. Call after a method succeeds, before its changes are taken.
pub fn derive(store: &mut Store) {
    type Found = (String, EventType, String);
    let mut found: Vec<Found> = Vec::new();
    // (user, space, thread, is a reply, time)
    let mut posted: Vec<(String, String, String, bool, DateTime<Utc>)> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for e in store.spaces.log() {
        match e {
            Logged::Touched(id, head) => {
                if !seen.insert(id.as_str()) {
                    continue;
                }
                let Some(rec) = store.spaces.get(id) else {
                    continue;
                };
                for m in &rec.members {
                    match head.members.iter().find(|b| b.user_id == m.user_id) {
                        None => found.push((
                            id.clone(),
                            EventType::MembershipCreated,
                            m.user_id.clone(),
                        )),
                        Some(b) if b.state != m.state || b.role != m.role => found.push((
                            id.clone(),
                            EventType::MembershipUpdated,
                            m.user_id.clone(),
                        )),
                        Some(_) => {}
                    }
                }
                for b in &head.members {
                    if rec.member(&b.user_id).is_none() {
                        found.push((id.clone(), EventType::MembershipDeleted, b.user_id.clone()));
                    }
                }
                let mut before = head.space.clone();
                let mut after = rec.space.clone();
                before.last_active_time = None;
                after.last_active_time = None;
                if before != after {
                    found.push((id.clone(), EventType::SpaceUpdated, id.clone()));
                }
                let mut firsts: Vec<(usize, bool)> = Vec::new();
                for (i, b) in rec.messages.log() {
                    if firsts.iter().any(|(j, _)| j == i) {
                        continue;
                    }
                    firsts.push((*i, b.as_ref().is_some_and(|b| b.deleted())));
                    let Some(m) = rec.messages.get(*i) else {
                        continue;
                    };
                    let kind = match b {
                        None if m.deleted() => continue,
                        None => {
                            if !m.sender_bot {
                                posted.push((
                                    m.sender.clone(),
                                    id.clone(),
                                    m.thread_id.clone(),
                                    m.is_reply(),
                                    m.create_time(),
                                ));
                            }
                            EventType::MessageCreated
                        }
                        Some(b) if b.deleted() => continue,
                        Some(_) if m.deleted() => EventType::MessageDeleted,
                        Some(b) if !same_content(&b.msg, &m.msg) => EventType::MessageUpdated,
                        Some(_) => continue,
                    };
                    found.push((id.clone(), kind, m.id.clone()));
                }
            }
            Logged::Inserted(id, None) => {
                if !seen.insert(id.as_str()) {
                    continue;
                }
                if let Some(rec) = store.spaces.get(id) {
                    for m in &rec.members {
                        found.push((id.clone(), EventType::MembershipCreated, m.user_id.clone()));
                    }
                }
            }
            Logged::Inserted(..) | Logged::Removed(..) => {}
        }
    }
    for (space, kind, resource) in found {
        // A space deleted later in the same request has no events to keep.
        if store.spaces.contains_key(&space) {
            record_event(store, &space, kind, &resource, None);
        }
    }
    for (user, space, thread, reply, t) in posted {
        if !reply {
            advance(store, read_key(&user, &space), t);
        }
        advance(store, thread_key(&user, &space, &thread), t);
    }
}

/// The demo user's sync state: read states that leave a few messages unread in some
/// spaces, the CI firehose muted, and a custom section "Projects" holding two spaces.
pub fn demo(store: &mut Store, user: &str) {
    // space -> how many of its newest messages are still unread
    let unread = [
        ("AAAATeamRst", 3),
        ("AAAAEngDept", 0),
        ("AAAAAnnounc", 0),
        ("AAAAFirehos", 40),
        ("AAAAGroupCh", 1),
        ("AAAADmBobLi", 1),
        ("AAAADmWangF", 0),
        ("AAAADmRelBt", 0),
    ];
    let mut reads = Vec::new();
    for (space, n) in unread {
        let Some(rec) = store.spaces.get(space) else {
            continue;
        };
        let top: Vec<DateTime<Utc>> = rec
            .messages
            .iter()
            .filter(|m| !m.is_reply() && !m.deleted())
            .map(|m| m.create_time())
            .collect();
        let read = if n < top.len() {
            top.get(top.len() - 1 - n).copied()
        } else {
            rec.member(user).map(|m| m.create_time)
        };
        if let Some(t) = read {
            reads.push((read_key(user, space), t));
        }
        // Threads: read up to their latest reply.
        for (tid, _) in rec.threads.iter() {
            let last = rec
                .messages
                .iter()
                .filter(|m| &m.thread_id == tid && !m.deleted())
                .map(|m| m.create_time())
                .max();
            if let (Some(last), 0) = (last, n) {
                reads.push((thread_key(user, space, tid), last));
            }
        }
    }
    for (k, t) in reads {
        store.sync.insert(k, SyncRec::Read { time: Some(t) });
    }
    store.sync.insert(
        notify_key(user, "AAAAFirehos"),
        SyncRec::Notify {
            mute: MuteSetting::Muted,
            notification: NotificationSetting::All,
        },
    );
    let mut sections = UserSections::default();
    sections.sections.insert(
        0,
        SectionRec {
            id: "projects".into(),
            kind: SectionType::Custom,
            display_name: Some("Projects".into()),
        },
    );
    for s in ["AAAATeamRst", "AAAAEngDept"] {
        if store.spaces.contains_key(s) {
            sections.items.insert(s.into(), "projects".into());
        }
    }
    store
        .sync
        .insert(sections_key(user), SyncRec::Sections(sections));
}
