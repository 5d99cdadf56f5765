use super::*;
use crate::api::model::Thread;
use crate::app::rows;
use chrono::TimeZone;

/// A client message id the test writes out (valid by its form).
fn cid(s: &str) -> crate::api::ClientMessageId {
    crate::api::ClientMessageId::parse(s).expect("a valid client message id")
}

pub(super) fn msg(name: &str, thread: &str, reply: bool, minute: u32) -> Message {
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
    t.add_local(local, cid("client-abc"));
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
        .map(|i| i.text().unwrap().to_string())
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
                let scan_root = t.items().iter().find(|i| i.thread() == th && !i.is_reply());
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
                        .filter(|i| i.thread() == th && i.is_reply())
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
        local.name = Some(MessageId::local_name("client-c1"));
        local.thread = all[598].thread.clone();
        local.thread_reply = true;
        t.add_local(local, cid("client-c1"));
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
        answer.client_assigned_message_id = Some("client-c1".into());
        t.merge(vec![answer]);
        check(&t);
        assert!(t.get(&MessageId::local_name("client-c1")).is_none());
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
        local.name = Some(MessageId::local_name("client-c9"));
        local.create_time = Some(Utc.with_ymd_and_hms(2031, 1, 1, 0, 0, 0).unwrap());
        t.add_local(local, cid("client-c9"));
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

    const COLLAPSE: usize = crate::app::rows::COLLAPSE_OVER + 1;
}
