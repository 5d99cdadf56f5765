//! The compact item: what it holds, what it shares, and that it gives back what the
//! server sent.

use super::tests::msg;
use super::*;
use crate::api::model::Thread;
use chrono::TimeZone;
use std::rc::Rc;

#[test]
fn an_item_holds_what_the_screen_needs_not_the_api_message() {
    // The whole API message inline was 832 bytes an item.
    assert!(
        std::mem::size_of::<Item>() <= 160,
        "an item is {} bytes",
        std::mem::size_of::<Item>()
    );
}

#[test]
fn a_name_is_held_once_by_the_item_the_name_index_and_the_thread_index() {
    let mut t = Timeline::default();
    t.merge(vec![
        msg("a", "A", false, 1),
        msg("a1", "A", true, 2),
        msg("b", "B", false, 3),
    ]);
    t.merge(vec![msg("z", "Z", false, 0)]); // an older page, put in front
    for it in t.items() {
        let (key, _) = t.by_name.get_key_value(it.name()).unwrap();
        assert!(Rc::ptr_eq(key, it.shared_name()), "{}", it.name());
    }
    let (a, a1) = (
        t.get("spaces/S/messages/a").unwrap(),
        t.get("spaces/S/messages/a1").unwrap(),
    );
    assert!(Rc::ptr_eq(&a.shared_thread(), &a1.shared_thread()));
    let (tk, stat) = t.threads.get_key_value("spaces/S/threads/A").unwrap();
    assert!(Rc::ptr_eq(tk, &a.shared_thread()));
    assert!(Rc::ptr_eq(stat.root.as_ref().unwrap(), a.shared_name()));
    // A changed copy (an edit, a reaction) keeps the one name.
    let mut edited = msg("a", "A", false, 1);
    edited.text = Some("edited".into());
    edited.last_update_time = Some(Utc.with_ymd_and_hms(2026, 11, 20, 11, 0, 0).unwrap());
    t.merge(vec![edited]);
    t.update_msg("spaces/S/messages/b", |m| {
        m.emoji_reaction_summaries = vec![serde_json::json!({"reactionCount": 1})];
    });
    for n in ["spaces/S/messages/a", "spaces/S/messages/b"] {
        let it = t.get(n).unwrap();
        let (key, _) = t.by_name.get_key_value(n).unwrap();
        assert!(Rc::ptr_eq(key, it.shared_name()), "{n}");
    }
    assert_eq!(t.get("spaces/S/messages/a").unwrap().text(), Some("edited"));
    assert!(t.get("spaces/S/messages/b").unwrap().has_reactions());
}

#[test]
fn senders_are_shared_and_a_renamed_sender_shows_its_new_name() {
    let from = |mut m: Message, shown: &str| {
        m.sender = Some(crate::api::model::User {
            name: Some("users/1".into()),
            display_name: Some(shown.into()),
            ..Default::default()
        });
        m
    };
    let mut t = Timeline::default();
    t.merge(vec![
        from(msg("a", "A", false, 1), "Ann"),
        from(msg("b", "B", false, 2), "Ann"),
        from(msg("c", "C", false, 3), "Ann Lee"),
    ]);
    let who = |n: &str| {
        t.get(&format!("spaces/S/messages/{n}"))
            .unwrap()
            .sender()
            .unwrap()
    };
    assert!(std::ptr::eq(who("a"), who("b")), "one sender, held once");
    assert_eq!(who("a").display_name.as_deref(), Some("Ann"));
    assert_eq!(who("c").display_name.as_deref(), Some("Ann Lee"));
}

/// A message carrying every field: what the server sent comes back whole.
fn everything() -> Message {
    use crate::api::model::{Annotation, AnnotationType, CardWithId, User, UserMentionMetadata};
    let t = |s: &str| crate::api::model::timestamp::parse(s).unwrap();
    Message {
        name: Some("spaces/S/messages/full".into()),
        sender: Some(User {
            name: Some("users/7".into()),
            display_name: Some("Zoë <b>".into()),
            user_type: Some(crate::api::model::UserType::Bot),
            ..Default::default()
        }),
        // Nanoseconds, and a time too late for an integer of them.
        create_time: Some(t("2026-11-20T10:00:00.123456789Z")),
        last_update_time: Some(t("2999-01-01T00:00:00Z")),
        text: Some("hi <users/8> \u{202e}".into()),
        cards: vec![serde_json::json!({"header": {"title": "old card"}})],
        cards_v2: vec![CardWithId {
            card_id: Some("c1".into()),
            card: Some(serde_json::json!({"sections": [{"widgets": []}]})),
            owner_user: None,
        }],
        annotations: vec![Annotation {
            annotation_type: Some(AnnotationType::UserMention),
            start_index: Some(3),
            length: Some(9),
            user_mention: Some(UserMentionMetadata {
                user: Some(User {
                    name: Some("users/8".into()),
                    ..Default::default()
                }),
                mention_type: None,
            }),
            ..Default::default()
        }],
        thread: Some(Thread {
            name: Some("spaces/S/threads/T".into()),
            thread_key: Some("key-1".into()),
        }),
        fallback_text: Some("fallback".into()),
        attachment: vec![serde_json::json!({"name": "a/1", "contentName": "x.pdf"})],
        thread_reply: true,
        client_assigned_message_id: Some("client-x".into()),
        emoji_reaction_summaries: vec![
            serde_json::json!({"emoji": {"unicode": "👍"}, "reactionCount": 2}),
        ],
        quoted_message_metadata: Some(serde_json::json!({"name": "spaces/S/messages/q"})),
        accessory_widgets: vec![serde_json::json!({"buttonList": {}})],
        markup_syntax: Some(crate::api::model::MarkupSyntax::Markdown),
        silent: true,
        ..Default::default()
    }
}

#[test]
fn the_compact_form_gives_back_everything_the_server_sent() {
    let mut t = Timeline::default();
    let m = everything();
    t.merge(vec![m.clone()]);
    let it = t.get("spaces/S/messages/full").unwrap();
    assert_eq!(it.to_message(), m);
    assert_eq!(it.text(), m.text.as_deref());
    assert_eq!(it.sender(), m.sender.as_ref());
    assert_eq!(it.created(), m.create_time);
    assert_eq!(it.updated(), m.last_update_time);
    assert_eq!(it.thread(), "spaces/S/threads/T");
    assert!(it.is_reply());
    assert_eq!(it.annotations(), &m.annotations[..]);
    assert_eq!(it.cards(), &m.cards[..]);
    assert_eq!(it.cards_v2(), &m.cards_v2[..]);
    assert_eq!(it.attachments().len(), 1);
    assert_eq!(it.reaction_summaries().len(), 1);
    assert_eq!(
        it.quoted().and_then(|q| q.name).as_deref(),
        Some("spaces/S/messages/q")
    );
    // And a plain one, with nothing else: nothing else held.
    let plain = msg("p", "P", false, 4);
    t.merge(vec![plain.clone()]);
    let it = t.get("spaces/S/messages/p").unwrap();
    assert_eq!(it.to_message(), plain);
    assert!(it.rest.is_none());
    // An item made from what it gives back is the same message.
    let mut shared = Shared::default();
    let again = Item::new(it.to_message(), &mut shared);
    assert!(again.same_message(it));
}
