//! Rows brought up to date piecemeal are the rows a full build makes, and a change lays
//! out rows in proportion to itself: a message at the end, a reply into an old thread, a
//! send confirmed, the divider moved, news at the bottom.

use chrono::{TimeZone, Utc};

use super::*;
use crate::api::model::{Message, Thread, User};
use crate::app::item::MessageId;
use crate::app::timeline::Timeline;

const T0: i64 = 1_735_689_600; // 2025-01-01 00:00 UTC

fn thread_name(t: &str) -> String {
    format!("spaces/S/threads/{t}")
}

fn msg_name(id: &str) -> String {
    format!("spaces/S/messages/{id}")
}

fn message(id: &str, thread: &str, reply: bool, secs: i64, who: usize) -> Message {
    Message {
        name: Some(msg_name(id)),
        sender: Some(User {
            name: Some(format!("users/{}", 1001 + who)),
            ..Default::default()
        }),
        create_time: Some(Utc.timestamp_opt(T0 + secs, 0).unwrap()),
        text: Some(id.to_string()),
        thread: Some(Thread {
            name: Some(thread_name(thread)),
            thread_key: None,
        }),
        thread_reply: reply,
        ..Default::default()
    }
}

/// Threads of one to six, a few senders, a message every 30 seconds (over days).
fn history(n: usize) -> Vec<Message> {
    let mut out = Vec::with_capacity(n);
    let mut thread = String::new();
    for i in 0..n {
        let root = i % 6 == 0 || i % 7 == 3;
        let id = format!("m{i:07}");
        if root {
            thread = id.clone();
        }
        out.push(message(&id, &thread, !root, i as i64 * 30, (i * 7 / 3) % 3));
    }
    out
}

fn key_of(t: &Timeline, view: &RowsKey) -> RowsKey {
    RowsKey {
        version: t.version,
        ..view.clone()
    }
}

/// The rows as they stand are the rows a full build makes, positions and headers too.
fn same_as_full_build(t: &Timeline, key: &RowsKey) {
    let rows = t.rows(key);
    let full = build(t.items().iter(), key);
    assert_eq!(rows.rows, full.rows, "rows");
    assert_eq!(rows.continued, full.continued, "continued");
    for (i, r) in full.rows.iter().enumerate() {
        assert_eq!(rows.pos(r), Some(i), "position of {r:?}");
    }
}

/// Rows laid out by bringing `t`'s rows up to date for `view`.
fn laid(t: &Timeline, view: &RowsKey) -> u64 {
    let before = t.rows_built();
    same_as_full_build(t, &key_of(t, view));
    t.rows_built() - before
}

fn big() -> (Timeline, RowsKey, usize) {
    let mut t = Timeline::default();
    t.merge(history(20_000));
    let view = RowsKey::default();
    let n = t.rows(&key_of(&t, &view)).rows.len();
    (t, view, n)
}

#[test]
fn a_new_message_at_the_end_lays_out_its_own_rows() {
    let (mut t, view, n) = big();
    // A new thread, a reply to the last one, and one from the next day.
    t.merge(vec![message("new1", "new1", false, 20_000 * 30, 0)]);
    let a = laid(&t, &view);
    t.merge(vec![message("new2", "new1", true, 20_001 * 30, 0)]);
    let b = laid(&t, &view);
    t.merge(vec![message(
        "new3",
        "new3",
        false,
        20_000 * 30 + 86_400,
        1,
    )]);
    let c = laid(&t, &view);
    for (what, k) in [("a new thread", a), ("a reply", b), ("a new day", c)] {
        assert!(k <= 8, "{what} at the end laid out {k} of {n} rows");
    }
}

#[test]
fn a_reply_into_an_old_thread_lays_out_that_thread() {
    let (mut t, mut view, n) = big();
    let old = "m0010002";
    let r = message("late", old, true, 20_000 * 30, 2);
    view.surfaced = vec![thread_name(old)];
    t.merge(vec![r]);
    let k = laid(&t, &view);
    assert!(
        k <= 12,
        "a reply into an old thread laid out {k} of {n} rows"
    );
    // Expanded: all its replies, still not the timeline.
    view.expanded = vec![thread_name(old)];
    t.merge(vec![message("late2", old, true, 20_001 * 30, 1)]);
    let k = laid(&t, &view);
    assert!(
        k <= 12,
        "a reply into an expanded thread laid out {k} of {n} rows"
    );
}

#[test]
fn moving_the_unread_divider_touches_the_two_places() {
    let (t, mut view, n) = big();
    for at in ["m0005000", "m0015001", "m0019999", "m0000000"] {
        view.unread_from = Some(msg_name(at));
        let k = laid(&t, &view);
        assert!(
            k <= 16,
            "the divider moving to {at} laid out {k} of {n} rows"
        );
    }
    view.unread_from = None;
    let k = laid(&t, &view);
    assert!(k <= 16, "the divider going laid out {k} of {n} rows");
}

#[test]
fn a_send_and_its_answer_lay_out_the_end_only() {
    let (mut t, view, n) = big();
    let mut local = message("x", "x", false, 20_000 * 30, 0);
    local.name = Some(MessageId::local_name("client-c1"));
    local.thread = None;
    t.add_local(local, cid("client-c1"));
    let a = laid(&t, &view);
    let mut back = message("sent", "sent", false, 20_000 * 30 + 1, 0);
    back.client_assigned_message_id = Some("client-c1".into());
    t.merge(vec![back]);
    let b = laid(&t, &view);
    for (what, k) in [("the local copy", a), ("the answer", b)] {
        assert!(k <= 8, "{what} laid out {k} of {n} rows");
    }
}

/// A small deterministic generator (xorshift), so a failing seed can be run again.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Random interleavings of everything that changes the rows: live messages and
/// replies, sends that are confirmed, fail or are taken back, deletes, edits, the
/// divider moving, news surfacing, older pages, threads toggled, a thread opened. After
/// every step the rows are the rows a full build makes.
fn interleave(seed: u64, steps: usize) {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let all = history(600);
    let mut t = Timeline::default();
    let mut end = 450;
    t.merge(all[end..].to_vec());
    let mut view = RowsKey::default();
    let mut clock = 600 * 30;
    let mut sends: Vec<String> = Vec::new();
    let mut fresh = 0;
    for step in 0..steps {
        let names: Vec<String> = t.items().iter().map(|i| i.name().to_string()).collect();
        let pick = |rng: &mut Rng| names[rng.below(names.len())].clone();
        let thread_of = |t: &Timeline, n: &str| {
            t.get(n)
                .map(|i| i.thread().rsplit('/').next().unwrap_or("").to_string())
        };
        // Moments apart mostly (headers shared), sometimes the next day.
        clock += match rng.below(10) {
            0 => 86_400,
            1..=3 => 600,
            _ => 20,
        };
        let who = rng.below(3);
        fresh += 1;
        let id = format!("n{seed}x{fresh}");
        match rng.below(14) {
            0 | 1 => {
                t.merge(vec![message(&id, &id, false, clock, who)]);
            }
            2 | 3 if !names.is_empty() => {
                let n = pick(&mut rng);
                if let Some(th) = thread_of(&t, &n).filter(|th| !th.starts_with("local")) {
                    t.merge(vec![message(&id, &th, true, clock, who)]);
                }
            }
            4 => {
                // A send: a new thread or a reply.
                let mut m = message(&id, &id, false, clock, 0);
                let client = format!("client-{id}");
                m.name = Some(MessageId::local_name(&client));
                if rng.below(2) == 0 && !names.is_empty() {
                    if let Some(th) = thread_of(&t, &pick(&mut rng)) {
                        if !th.starts_with("local") {
                            m.thread = Some(Thread {
                                name: Some(thread_name(&th)),
                                thread_key: None,
                            });
                            m.thread_reply = true;
                        }
                    }
                } else {
                    m.thread = None;
                }
                let reply_to = m.thread.clone();
                t.add_local(m, cid(&client));
                sends.push(format!(
                    "{client}|{}",
                    reply_to.and_then(|x| x.name).unwrap_or_default()
                ));
            }
            5 if !sends.is_empty() => {
                let s = sends.remove(rng.below(sends.len()));
                let (cid, th) = s.split_once('|').unwrap_or((&s, ""));
                match rng.below(4) {
                    0 => t.set_local(
                        &MessageId::local_name(cid),
                        Some(crate::app::item::Local::Failed("no".into())),
                    ),
                    1 => {
                        t.remove(&MessageId::local_name(cid));
                    }
                    _ => {
                        let reply = !th.is_empty();
                        let th = if reply {
                            th.rsplit('/').next().unwrap_or("").to_string()
                        } else {
                            format!("s{cid}")
                        };
                        let mut back = message(&format!("s{cid}"), &th, reply, clock, 0);
                        back.client_assigned_message_id = Some(cid.to_string());
                        t.merge(vec![back]);
                    }
                }
            }
            6 if !names.is_empty() => {
                t.deleted(&pick(&mut rng));
            }
            7 if !names.is_empty() => {
                let n = pick(&mut rng);
                if let Some(it) = t.get(&n).filter(|i| !i.is_local()) {
                    let mut m = it.to_message();
                    m.text = Some(format!("{n} edited"));
                    m.last_update_time = Some(Utc.timestamp_opt(T0 + clock, 0).unwrap());
                    t.merge(vec![m]);
                }
            }
            8 => {
                view.unread_from = match rng.below(4) {
                    0 => None,
                    1 => Some(msg_name("not-loaded")),
                    _ => names.get(rng.below(names.len())).cloned(),
                };
            }
            9 if !names.is_empty() => {
                if let Some(th) = thread_of(&t, &pick(&mut rng)) {
                    let th = thread_name(&th);
                    view.surfaced.retain(|s| *s != th);
                    view.surfaced.push(th);
                }
            }
            10 if end > 0 => {
                let start = end.saturating_sub(1 + rng.below(60));
                t.merge(all[start..end].to_vec());
                end = start;
            }
            11 if !names.is_empty() => {
                if let Some(th) = t.get(&pick(&mut rng)).map(|i| i.thread().to_string()) {
                    if let Some(i) = view.expanded.iter().position(|e| *e == th) {
                        view.expanded.remove(i);
                    } else {
                        view.expanded.push(th);
                        view.expanded.sort();
                    }
                }
            }
            12 if !names.is_empty() => {
                // A thread opened and closed again.
                if let Some(th) = t.get(&pick(&mut rng)).map(|i| i.thread().to_string()) {
                    let open = RowsKey {
                        thread: Some(th),
                        ..key_of(&t, &view)
                    };
                    let rows = t.rows(&open);
                    let full = build(t.items().iter(), &open);
                    assert_eq!(rows.rows, full.rows, "seed {seed} step {step}: thread view");
                }
            }
            13 if !names.is_empty() => {
                // Reactions or a send's state: a message changed in place.
                let n = pick(&mut rng);
                t.update_msg(&n, |m| m.text = Some("reacted".into()));
            }
            _ => {}
        }
        let k = key_of(&t, &view);
        let rows = t.rows(&k);
        let full = build(t.items().iter(), &k);
        assert_eq!(rows.rows, full.rows, "seed {seed} step {step}: rows");
        assert_eq!(
            rows.continued, full.continued,
            "seed {seed} step {step}: continued"
        );
        for (i, r) in full.rows.iter().enumerate() {
            // A day said twice (a send still on its way across midnight): either place.
            if full.pos(r) == Some(i) && full.rows.iter().filter(|x| *x == r).count() == 1 {
                assert_eq!(
                    rows.pos(r),
                    Some(i),
                    "seed {seed} step {step}: position of {r:?}"
                );
            } else {
                let p = rows.pos(r).expect("indexed");
                assert_eq!(&rows.rows[p], r, "seed {seed} step {step}: {r:?}");
            }
        }
    }
}

#[test]
fn piecemeal_rows_are_the_rows_a_full_build_makes_through_random_changes() {
    let seeds: u64 = std::env::var("ROWS_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(6);
    for seed in 1..=seeds {
        interleave(seed, 150);
    }
}

/// A client message id the test writes out (valid by its form).
fn cid(s: &str) -> crate::api::ClientMessageId {
    crate::api::ClientMessageId::parse(s).expect("a valid client message id")
}

#[test]
fn rows_are_equal_by_what_they_show_whatever_copy_of_a_name_they_hold() {
    let (a, b): (Rc<str>, Rc<str>) = ("spaces/S/messages/A".into(), "spaces/S/messages/A".into());
    let msg = |name: &Rc<str>, reply| Row::Msg {
        name: name.clone(),
        reply,
    };
    assert!(!Rc::ptr_eq(&a, &b));
    assert_eq!(msg(&a, false), msg(&b, false));
    assert_eq!(msg(&a, true), msg(&a, true));
    assert_ne!(msg(&a, false), msg(&a, true));
    assert_ne!(msg(&a, false), msg(&"spaces/S/messages/B".into(), false));
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let t = |s: &str| s.to_string();
    let all = [
        Row::Top,
        Row::Unread,
        Row::Date(day),
        Row::Date(day.succ_opt().unwrap()),
        Row::Collapsed {
            thread: t("T"),
            hidden: 2,
        },
        Row::Collapsed {
            thread: t("T"),
            hidden: 3,
        },
        Row::Collapsed {
            thread: t("U"),
            hidden: 2,
        },
        Row::EarlierThread { thread: t("T") },
        Row::NewReplies { thread: t("T") },
        msg(&a, false),
    ];
    for (i, x) in all.iter().enumerate() {
        for (j, y) in all.iter().enumerate() {
            assert_eq!(x == y, i == j, "{x:?} against {y:?}");
            assert_eq!(x.clone() == *y, i == j);
        }
    }
}
