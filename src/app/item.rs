//! One message as the app holds it: the server's copy, or a local one on its way.
//!
//! Held compactly, with what the screen needs at hand: the name, the thread's name and
//! the sender shared (one allocation each however many places refer to them), times as
//! integers, the text boxed to its length, and whatever else the message carries (cards,
//! attachments, reactions, annotations, a quote, ...) in one boxed remainder that most
//! messages do not have. Nothing is lost: [`Item::to_message`] gives back the message as
//! the server sent it.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::api::model::{
    Annotation, Attachment, CardWithId, EmojiReactionSummary, Message, QuotedMessageMetadata,
    Thread, User,
};
use crate::api::Listed;

/// What a message's name in a timeline stands for: a message on the server, or the
/// local copy of one being sent (named after its client-assigned id until the server
/// answers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageId<'a> {
    Local { client_id: &'a str },
    Server(&'a str),
}

const LOCAL: &str = "local/";

impl<'a> MessageId<'a> {
    pub fn of(name: &'a str) -> Self {
        match name.strip_prefix(LOCAL) {
            Some(client_id) => MessageId::Local { client_id },
            None => MessageId::Server(name),
        }
    }

    /// The name of the local copy of a message sent with `client_id`.
    pub fn local_name(client_id: &str) -> String {
        format!("{LOCAL}{client_id}")
    }

    pub fn is_local(name: &str) -> bool {
        matches!(MessageId::of(name), MessageId::Local { .. })
    }
}

/// What happens to a message on this side of the network.
#[derive(Debug, Clone, PartialEq)]
pub enum Local {
    /// Being sent; shown at once.
    Sending,
    /// Not sent: the reason, and the message can be retried or taken back to edit.
    Failed(String),
    /// An edit is on its way; the text shown is the new one.
    Saving,
    /// Being deleted.
    Deleting,
}

/// A time as nanoseconds since the epoch; `NO_TIME` when there is none.
type Nanos = i64;
const NO_TIME: Nanos = Nanos::MIN;

/// `t` as an integer when it round-trips exactly (taken out of `t`), else `NO_TIME`
/// (and `t` stays where it is, in the remainder).
fn pack_time(t: &mut Option<DateTime<Utc>>) -> Nanos {
    let Some(v) = *t else { return NO_TIME };
    match v.timestamp_nanos_opt() {
        Some(n) if n != NO_TIME && DateTime::from_timestamp_nanos(n) == v => {
            *t = None;
            n
        }
        _ => NO_TIME,
    }
}

fn unpack_time(n: Nanos, rest: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    if n == NO_TIME {
        rest
    } else {
        Some(DateTime::from_timestamp_nanos(n))
    }
}

/// Strings and senders shared by the messages of one timeline: a message name, a thread
/// name or a sender is held once however many messages, indexes and rows refer to it.
#[derive(Debug, Default)]
pub struct Shared {
    senders: HashMap<Box<str>, Rc<User>, foldhash::fast::RandomState>,
    threads: HashMap<Rc<str>, (), foldhash::fast::RandomState>,
}

impl Shared {
    fn sender(&mut self, u: User) -> Rc<User> {
        let Some(name) = u.name.as_deref() else {
            return Rc::new(u);
        };
        match self.senders.get(name) {
            Some(known) if **known == u => known.clone(),
            _ => {
                let rc = Rc::new(u);
                if let Some(name) = rc.name.as_deref() {
                    self.senders.insert(name.into(), rc.clone());
                }
                rc
            }
        }
    }

    /// `u` as this timeline holds it: the earlier copy of the same sender, else `u`
    /// made an `Rc` (copied only when some other message of its page still shares it).
    fn listed_sender(&mut self, u: Arc<User>) -> Rc<User> {
        let Some(name) = u.name.as_deref() else {
            return Rc::new(Arc::unwrap_or_clone(u));
        };
        match self.senders.get(name) {
            Some(known) if **known == *u => known.clone(),
            _ => self.sender(Arc::unwrap_or_clone(u)),
        }
    }

    fn thread_str(&mut self, name: &str) -> Rc<str> {
        if let Some((k, _)) = self.threads.get_key_value(name) {
            return k.clone();
        }
        let rc: Rc<str> = name.into();
        self.threads.insert(rc.clone(), ());
        rc
    }

    fn thread(&mut self, name: String) -> Rc<str> {
        if let Some((k, _)) = self.threads.get_key_value(name.as_str()) {
            return k.clone();
        }
        let rc: Rc<str> = name.into();
        self.threads.insert(rc.clone(), ());
        rc
    }

    /// Forgets thread names no message refers to any more.
    pub(super) fn sweep(&mut self) {
        self.threads.retain(|k, _| Rc::strong_count(k) > 1);
        self.senders.retain(|_, u| Rc::strong_count(u) > 1);
    }
}

#[derive(Debug, Clone)]
pub struct Item {
    name: Rc<str>,
    /// The thread's name as the server gave it (when it had no key either).
    thread: Option<Rc<str>>,
    sender: Option<Rc<User>>,
    created: Nanos,
    updated: Nanos,
    text: Option<Box<str>>,
    reply: bool,
    /// Everything else the message carries, when it carries anything else.
    pub(super) rest: Option<Box<Message>>,
    pub local: Option<Local>,
    /// For messages sent from here: the client-assigned id (a retry reuses it, so the
    /// server can never store the message twice).
    pub client_id: Option<crate::api::ClientMessageId>,
    /// Bumped on every change, so cached layout knows to redo this message.
    pub rev: u64,
}

static NO_MESSAGE: std::sync::OnceLock<Message> = std::sync::OnceLock::new();

impl Item {
    /// `m` held compactly, its strings and sender shared through `shared`.
    pub(super) fn new(mut m: Message, shared: &mut Shared) -> Item {
        let name: Rc<str> = m.name.take().unwrap_or_default().into();
        let thread = match &mut m.thread {
            Some(Thread {
                name: n @ Some(_),
                thread_key: None,
            }) => {
                let t = n.take().map(|n| shared.thread(n));
                m.thread = None;
                t
            }
            _ => None,
        };
        let sender = m.sender.take().map(|u| shared.sender(u));
        let created = pack_time(&mut m.create_time);
        let updated = pack_time(&mut m.last_update_time);
        let text = m.text.take().map(String::into_boxed_str);
        let reply = std::mem::take(&mut m.thread_reply);
        let rest = (m != Message::default()).then(|| Box::new(m));
        Item {
            name,
            thread,
            sender,
            created,
            updated,
            text,
            reply,
            rest,
            local: None,
            client_id: None,
            rev: 0,
        }
    }

    /// A listed message held compactly, taken apart as it is (no [`Message`] made on
    /// the way): the same item as [`Item::new`] makes of [`Listed::into_message`].
    pub(super) fn from_listed(l: Listed, shared: &mut Shared) -> Item {
        let mut rest = l.rest;
        let mut create_time = l.create_time;
        let mut last_update_time = l.last_update_time;
        let created = pack_time(&mut create_time);
        let updated = pack_time(&mut last_update_time);
        // What the compact form cannot hold goes in the rest, as `Item::new` leaves it.
        if create_time.is_some() {
            rest.get_or_insert_with(Default::default).create_time = create_time;
        }
        if last_update_time.is_some() {
            rest.get_or_insert_with(Default::default).last_update_time = last_update_time;
        }
        if let Some(id) = l.client_assigned_message_id {
            rest.get_or_insert_with(Default::default)
                .client_assigned_message_id = Some(id.into());
        }
        Item {
            name: l.name.map(Rc::from).unwrap_or_else(|| "".into()),
            thread: l.thread.map(|t| shared.thread_str(&t)),
            sender: l.sender.map(|u| shared.listed_sender(u)),
            created,
            updated,
            text: l.text,
            reply: l.thread_reply,
            rest,
            local: None,
            client_id: None,
            rev: 0,
        }
    }

    /// The message as the server sent it (for a request that sends it again, or a
    /// view that shows all of it).
    pub fn to_message(&self) -> Message {
        let mut m = self.rest.as_deref().cloned().unwrap_or_default();
        m.name = Some(self.name.to_string());
        if let Some(t) = &self.thread {
            m.thread = Some(Thread {
                name: Some(t.to_string()),
                thread_key: None,
            });
        }
        m.sender = self.sender.as_deref().cloned().or(m.sender);
        m.create_time = self.created();
        m.last_update_time = self.updated();
        m.text = self.text.as_deref().map(String::from).or(m.text);
        m.thread_reply = self.reply;
        m
    }

    pub fn into_message(self) -> Message {
        self.to_message()
    }

    /// The same message, as far as what the server said goes (not its local state).
    pub(super) fn same_message(&self, o: &Item) -> bool {
        self.name == o.name
            && self.thread == o.thread
            && self.sender == o.sender
            && self.created == o.created
            && self.updated == o.updated
            && self.text == o.text
            && self.reply == o.reply
            && self.rest == o.rest
    }

    /// Takes `old`'s name (the one allocation the indexes and rows share).
    pub(super) fn keep_name(&mut self, old: &Item) {
        self.name = old.name.clone();
    }

    fn rest(&self) -> &Message {
        self.rest
            .as_deref()
            .unwrap_or_else(|| NO_MESSAGE.get_or_init(Message::default))
    }

    pub fn name(&self) -> &str {
        &self.name
    }
    /// The name, shared (not copied) with the indexes and rows that refer to it.
    pub fn shared_name(&self) -> &Rc<str> {
        &self.name
    }
    pub fn time(&self) -> DateTime<Utc> {
        self.created().unwrap_or_default()
    }
    pub fn created(&self) -> Option<DateTime<Utc>> {
        unpack_time(self.created, self.rest().create_time)
    }
    pub fn thread(&self) -> &str {
        self.thread_name().unwrap_or_else(|| self.name())
    }
    /// The thread the server put the message in, if it said.
    pub fn thread_name(&self) -> Option<&str> {
        self.thread.as_deref().or_else(|| self.rest().thread_name())
    }
    /// The thread's name (the message's own for one the server put in no thread), shared
    /// where it can be.
    pub(super) fn shared_thread(&self) -> Rc<str> {
        match (&self.thread, self.rest().thread_name()) {
            (Some(t), _) => t.clone(),
            (None, Some(t)) => t.into(),
            (None, None) => self.name.clone(),
        }
    }
    /// A reply in a thread (not the thread's first message).
    pub fn is_reply(&self) -> bool {
        self.reply
    }
    /// When the message was last edited, if it was.
    pub fn updated(&self) -> Option<DateTime<Utc>> {
        unpack_time(self.updated, self.rest().last_update_time)
    }
    /// Whether the server said it is deleted (such a message is not kept).
    pub fn is_deleted(&self) -> bool {
        self.rest().is_deleted()
    }
    pub fn text(&self) -> Option<&str> {
        self.text.as_deref().or(self.rest().text.as_deref())
    }
    pub(super) fn set_text(&mut self, text: &str) {
        self.text = Some(text.into());
    }
    pub fn sender(&self) -> Option<&User> {
        self.sender.as_deref().or(self.rest().sender.as_ref())
    }
    pub fn sender_name(&self) -> Option<&str> {
        self.sender().and_then(|u| u.name.as_deref())
    }
    /// Legacy cards (`cards`), as JSON.
    pub fn cards(&self) -> &[Value] {
        &self.rest().cards
    }
    pub fn cards_v2(&self) -> &[CardWithId] {
        &self.rest().cards_v2
    }
    pub fn annotations(&self) -> &[Annotation] {
        &self.rest().annotations
    }
    /// The attachments as the server sent them (JSON).
    pub fn attachment_json(&self) -> &[Value] {
        &self.rest().attachment
    }
    pub fn attachments(&self) -> Vec<Attachment> {
        self.rest().attachments()
    }
    pub fn has_reactions(&self) -> bool {
        !self.rest().emoji_reaction_summaries.is_empty()
    }
    pub fn reaction_summaries(&self) -> Vec<EmojiReactionSummary> {
        self.rest().reaction_summaries()
    }
    /// The message this one quotes, if any.
    pub fn quoted(&self) -> Option<QuotedMessageMetadata> {
        self.rest().quoted()
    }
    /// The client-assigned id the server holds for this message, if any.
    pub fn client_assigned_id(&self) -> Option<&str> {
        self.rest().client_assigned_message_id.as_deref()
    }

    pub fn is_local(&self) -> bool {
        MessageId::is_local(self.name())
    }
    /// An edit or a delete of this message is on its way.
    pub(super) fn busy(&self) -> bool {
        matches!(self.local, Some(Local::Saving | Local::Deleting))
    }
    /// Whether this copy was updated later than `o` was.
    pub(super) fn newer_than(&self, o: &Item) -> bool {
        match (self.updated(), o.updated()) {
            (Some(shown), Some(other)) => shown > other,
            (Some(_), None) => true,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::lean::message_page;
    use crate::api::SpaceName;
    use serde_json::json;

    fn page(messages: serde_json::Value) -> Vec<Listed> {
        let body = json!({ "messages": messages }).to_string();
        let space = SpaceName::parse("spaces/S").unwrap();
        let page = message_page(body.as_bytes(), &space).unwrap();
        assert_eq!(page.unreadable, 0, "{:?}", page.left_out);
        page.messages
    }

    fn same(a: &Item, b: &Item) {
        assert_eq!(a.to_message(), b.to_message());
        assert!(a.same_message(b), "{a:?}\n{b:?}");
        assert_eq!(a.name(), b.name());
        assert_eq!(a.thread_name(), b.thread_name());
        assert_eq!(a.sender(), b.sender());
        assert_eq!(a.created(), b.created());
        assert_eq!(a.updated(), b.updated());
        assert_eq!(a.text(), b.text());
        assert_eq!(a.is_reply(), b.is_reply());
        assert_eq!(a.client_assigned_id(), b.client_assigned_id());
        assert_eq!(a.annotations(), b.annotations());
        assert_eq!(a.cards_v2(), b.cards_v2());
        assert_eq!(a.is_deleted(), b.is_deleted());
    }

    #[test]
    fn a_listed_message_makes_the_item_its_whole_message_makes() {
        let listed = page(json!([
            {
                "name": "spaces/S/messages/A.B",
                "sender": {"name": "users/1", "displayName": "Ann", "type": "HUMAN", "email": "a@x"},
                "createTime": "2024-05-01T10:11:12.345678Z",
                "lastUpdateTime": "2024-05-01T10:12:00Z",
                "text": "hi <users/2>",
                "cardsV2": [{"cardId": "c1", "card": {"header": {"title": "T"}}}],
                "annotations": [{"type": "USER_MENTION", "startIndex": 3, "length": 9,
                    "userMention": {"user": {"name": "users/2", "type": "HUMAN"}, "type": "MENTION"}}],
                "thread": {"name": "spaces/S/threads/A"},
                "attachment": [{"name": "spaces/S/messages/A.B/attachments/X"}],
                "threadReply": true,
                "clientAssignedMessageId": "client-x",
                "emojiReactionSummaries": [{"emoji": {"unicode": "👍"}, "reactionCount": 2}],
                "quotedMessageMetadata": {"name": "spaces/S/messages/A.A"},
                "deleteTime": "2024-05-02T00:00:00Z",
                "silent": true
            },
            // Times an integer of nanoseconds cannot hold stay in the rest.
            {"name": "spaces/S/messages/far", "createTime": "2500-01-01T00:00:00Z",
             "lastUpdateTime": "1200-01-01T00:00:00Z", "text": "far"},
            {"name": "spaces/S/messages/keyed",
             "thread": {"name": "spaces/S/threads/K", "threadKey": "k"}},
            {"name": "spaces/S/messages/bare"},
        ]));
        for l in listed {
            let (mut a, mut b) = (Shared::default(), Shared::default());
            let lean = Item::from_listed(l.clone(), &mut a);
            let whole = Item::new(l.into_message(), &mut b);
            same(&lean, &whole);
        }
    }

    #[test]
    fn one_sender_is_one_rc_across_pages_until_it_changes() {
        let m = |id: &str, who: &str| {
            json!({"name": format!("spaces/S/messages/{id}"), "text": id,
                   "sender": {"name": "users/1", "displayName": who},
                   "thread": {"name": "spaces/S/threads/T"}})
        };
        let mut shared = Shared::default();
        let mut items: Vec<Item> = page(json!([m("a", "Ann"), m("b", "Ann")]))
            .into_iter()
            .chain(page(json!([m("c", "Ann"), m("d", "Ann B")])))
            .map(|l| Item::from_listed(l, &mut shared))
            .collect();
        let who = |i: &Item| i.sender.clone().unwrap();
        assert!(Rc::ptr_eq(&who(&items[0]), &who(&items[1])));
        // Another page's copy of the same sender is the one already held.
        assert!(Rc::ptr_eq(&who(&items[0]), &who(&items[2])));
        assert!(!Rc::ptr_eq(&who(&items[0]), &who(&items[3])));
        assert_eq!(who(&items[3]).display_name.as_deref(), Some("Ann B"));
        let thread = |i: &Item| i.thread.clone().unwrap();
        assert!(Rc::ptr_eq(&thread(&items[0]), &thread(&items[3])));
        // What the whole message makes shares them too.
        let again = page(json!([m("e", "Ann B")])).remove(0).into_message();
        items.push(Item::new(again, &mut shared));
        assert!(Rc::ptr_eq(&who(&items[3]), &who(&items[4])));
        assert!(Rc::ptr_eq(&thread(&items[0]), &thread(&items[4])));
    }
}
