//! Lean decoding of `spaces.messages.list` pages, the client's hottest path: a page of
//! 1,000 messages repeats, in every message, the whole space and the text twice more
//! (`formattedText`, `argumentText`). The client asks not to be sent them (a partial
//! response, [`LISTED_FIELDS`]), and skips them while reading when a server sends them
//! anyway. Each message is read in place into a [`Listed`]: what the app keeps at hand,
//! with the rarer fields boxed only when a message has any.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::error::Category;
use serde_json::value::RawValue;
use serde_json::Value;

use super::model::{timestamp, Message, Thread, User, UserType};
use super::name::{MessageName, SpaceName};

/// The `fields` selector `messages.list` is asked with (a partial response): every field
/// of a message but the three a list leaves out (see the module's note). A server that
/// ignores it sends them anyway, and they are skipped while reading.
pub const LISTED_FIELDS: &str = "nextPageToken,messages(name,sender,createTime,lastUpdateTime,\
deleteTime,text,cards,cardsV2,annotations,thread,fallbackText,actionResponse,slashCommand,\
attachment,matchedUrl,threadReply,clientAssignedMessageId,emojiReactionSummaries,\
privateMessageViewer,deletionMetadata,quotedMessageMetadata,attachedGifs,accessoryWidgets,\
markupSyntax,elements,silent)";

/// A `ListMessagesResponse` whose messages are read straight into [`Listed`], each name
/// checked as it is read (no second walk, no message moved after it is made).
struct LeanPage {
    messages: Vec<Listed>,
    next_page_token: Option<String>,
}

/// Reads a page of `space`, counting the messages left out in `bad`.
struct PageSeed<'a> {
    space: &'a SpaceName,
    bad: &'a mut Unreadable,
}

impl<'de> DeserializeSeed<'de> for PageSeed<'_> {
    type Value = LeanPage;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<LeanPage, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PageSeed<'_> {
    type Value = LeanPage;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a page of messages")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LeanPage, A::Error> {
        let mut page = LeanPage {
            messages: Vec::new(),
            next_page_token: None,
        };
        while let Some(k) = map.next_key::<PageKey>()? {
            match k {
                PageKey::Messages => {
                    let seed = MessagesSeed {
                        space: self.space,
                        bad: &mut *self.bad,
                        out: &mut page.messages,
                    };
                    map.next_value_seed(seed)?;
                }
                PageKey::Token => page.next_page_token = map.next_value()?,
                PageKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(page)
    }
}

enum PageKey {
    Messages,
    Token,
    Other,
}

impl<'de> Deserialize<'de> for PageKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = PageKey;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: serde::de::Error>(self, k: &str) -> Result<PageKey, E> {
                Ok(match k {
                    "messages" => PageKey::Messages,
                    "nextPageToken" | "next_page_token" => PageKey::Token,
                    _ => PageKey::Other,
                })
            }
        }
        d.deserialize_identifier(V)
    }
}

/// The messages, each pushed as it is read when its name is that of a message of the
/// listed space, else counted as left out.
struct MessagesSeed<'a> {
    space: &'a SpaceName,
    bad: &'a mut Unreadable,
    out: &'a mut Vec<Listed>,
}

impl<'de> DeserializeSeed<'de> for MessagesSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for MessagesSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of messages")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        // A page holds at most 1,000; trust a size hint no further than that.
        self.out.reserve(seq.size_hint().unwrap_or(0).min(1000));
        let mut shared = PageShared::default();
        while let Some(m) = seq.next_element_seed(ListedSeed {
            shared: &mut shared,
        })? {
            keep(m, self.space, self.bad, self.out);
        }
        Ok(())
    }
}

/// Pushes `m` onto `out` when it is a message of `space`; else counts it in `bad`.
fn keep(m: Listed, space: &SpaceName, bad: &mut Unreadable, out: &mut Vec<Listed>) {
    match m.name.as_deref() {
        Some(n) if MessageName::is_in(n, space) => out.push(m),
        Some(n) => bad.add(n.to_string(), || {
            let shown: String = n.chars().take(120).collect();
            format!("the name {shown:?} is not that of a message in {space}")
        }),
        None => {
            let id = super::events_page::digest(&Value::String(format!("{m:?}")));
            bad.add(id, || "a message without a name".to_string());
        }
    }
}

/// A page of `messages.list` as the app takes it: decoded lean (see the module's note),
/// with every message's name checked to be a message of the listed space.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MessagePage {
    pub messages: Vec<Listed>,
    pub next_page_token: Option<String>,
    /// Messages the server listed that could not be read (a field of the wrong type, or
    /// a name that is not a message of the listed space): left out of `messages`.
    pub unreadable: usize,
    /// What identifies each message left out: its name, or for one without a readable
    /// name a digest of the entry.
    pub left_out: Vec<String>,
}

/// Decodes a page of `messages.list` of `space` from its body. One message that cannot
/// be read is left out and counted, and the rest kept; a body that is not such a page
/// at all (not JSON, cut short, the wrong shape around the messages) is an error.
///
/// A string that is not text (a lone surrogate escape such as `\ud800`, or bytes that
/// are not UTF-8) is read lossily, U+FFFD where the bad part was, so no other word of
/// the message is lost; a message nested deeper than the JSON reader goes is left out.
pub fn message_page(body: &[u8], space: &SpaceName) -> Result<MessagePage, serde_json::Error> {
    let mut bad = Unreadable::default();
    // The body is checked to be UTF-8 once, whole (a fast pass), so that the reader need
    // not check each string again as it reads it: most of a page is strings.
    let read = match std::str::from_utf8(body) {
        Ok(text) => {
            let mut d = serde_json::Deserializer::from_str(text);
            PageSeed {
                space,
                bad: &mut bad,
            }
            .deserialize(&mut d)
            .and_then(|page| d.end().map(|()| page))
        }
        // Not UTF-8: read as bytes, which fails where the bad bytes are, and so comes to
        // the lossy reading below when they are inside a message.
        Err(_) => {
            let mut d = serde_json::Deserializer::from_slice(body);
            PageSeed {
                space,
                bad: &mut bad,
            }
            .deserialize(&mut d)
            .and_then(|page| d.end().map(|()| page))
        }
    };
    let (messages, next_page_token) = match read {
        Ok(page) => (page.messages, page.next_page_token),
        // Some value is of the wrong type, or unreadable text, or nested too deep: read
        // the page again message by message. Only a page that holds such a message pays
        // for this.
        Err(e) if matches!(e.classify(), Category::Data | Category::Syntax) => {
            let repaired = lossy(body);
            let body = repaired.as_deref().unwrap_or(body);
            bad = Unreadable::default();
            let page = serde_json::from_slice::<LoosePage>(body).map_err(|_| e)?;
            let mut out = Vec::with_capacity(page.messages.len());
            let mut shared = PageShared::default();
            for raw in page.messages {
                let mut d = serde_json::Deserializer::from_str(raw.get());
                let seed = ListedSeed {
                    shared: &mut shared,
                };
                match seed.deserialize(&mut d).and_then(|m| d.end().map(|()| m)) {
                    Ok(m) => keep(m, space, &mut bad, &mut out),
                    Err(e) => {
                        let id = serde_json::from_str::<NameOnly>(raw.get())
                            .ok()
                            .and_then(|n| n.name)
                            .unwrap_or_else(|| {
                                super::events_page::digest(&Value::String(raw.get().into()))
                            });
                        bad.add(id, || e.to_string())
                    }
                }
            }
            (out, page.next_page_token)
        }
        Err(e) => return Err(e),
    };
    if bad.count > 0 {
        tracing::warn!(
            space = %space,
            count = bad.count,
            first = bad.first.as_deref().unwrap_or_default(),
            "messages the server listed could not be read and were left out"
        );
    }
    Ok(MessagePage {
        messages,
        next_page_token,
        unreadable: bad.count,
        left_out: bad.ids,
    })
}

/// A message's name alone, everything else skipped (without a depth limit).
#[derive(Deserialize)]
struct NameOnly {
    #[serde(default)]
    name: Option<String>,
}

/// `body` with whatever JSON text cannot hold as a string made U+FFFD: bytes that are
/// not UTF-8, and `\u` escapes of a lone surrogate. `None` when there is none.
fn lossy(body: &[u8]) -> Option<Vec<u8>> {
    let text = String::from_utf8_lossy(body);
    let b = text.as_bytes();
    let mut out: Option<Vec<u8>> = None;
    let mut copied = 0;
    let hex = |at: usize| -> Option<u32> {
        let h = b.get(at..at + 4)?;
        let h = std::str::from_utf8(h).ok()?;
        u32::from_str_radix(h, 16).ok()
    };
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        // A backslash is only ever in a string (outside one the page is bad anyway).
        if b.get(i + 1) != Some(&b'u') {
            i += 2;
            continue;
        }
        let lone = match hex(i + 2) {
            Some(0xD800..=0xDBFF) => {
                let low = (b.get(i + 6..i + 8) == Some(&b"\\u"[..]))
                    .then(|| hex(i + 8))
                    .flatten();
                if matches!(low, Some(0xDC00..=0xDFFF)) {
                    i += 12;
                    continue;
                }
                true
            }
            Some(0xDC00..=0xDFFF) => true,
            _ => false,
        };
        if lone {
            let o = out.get_or_insert_with(|| Vec::with_capacity(b.len()));
            o.extend_from_slice(&b[copied..i]);
            o.extend_from_slice(b"\\ufffd");
            copied = i + 6;
        }
        i += 6;
    }
    match out {
        Some(mut o) => {
            o.extend_from_slice(&b[copied..]);
            Some(o)
        }
        None => matches!(text, Cow::Owned(_)).then(|| b.to_vec()),
    }
}

/// What says that `n` listed messages could not be read, for the status line.
pub fn unreadable_note(n: usize) -> String {
    match n {
        1 => "1 message from the server could not be read".to_string(),
        n => format!("{n} messages from the server could not be read"),
    }
}

/// The messages of a page left out, and why the first was.
#[derive(Default)]
struct Unreadable {
    count: usize,
    first: Option<String>,
    ids: Vec<String>,
}

impl Unreadable {
    fn add(&mut self, id: String, why: impl FnOnce() -> String) {
        self.count += 1;
        self.ids.push(id);
        if self.first.is_none() {
            self.first = Some(why());
        }
    }
}

/// A page read loosely: each message's text as is, to be decoded one by one (skipped
/// over without a depth limit).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LoosePage<'a> {
    #[serde(default, borrow)]
    messages: Vec<&'a RawValue>,
    #[serde(default, alias = "next_page_token")]
    next_page_token: Option<String>,
}

/// A listed message as the app keeps it at hand: name, sender, times, text, thread,
/// whether it is a reply, and its client-assigned id; everything else it carries
/// (cards, attachments, annotations, reactions, a quote, its deletion, ...) in `rest`,
/// made only when the message has any. Read straight from the page (see
/// [`message_page`]); `space`, `formattedText` and `argumentText` are skipped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Listed {
    /// Always set in a [`MessagePage`] (a message without one is left out).
    pub name: Option<Box<str>>,
    /// Shared by the messages of one page that have the same sender (as sent).
    pub sender: Option<Arc<User>>,
    pub create_time: Option<DateTime<Utc>>,
    pub last_update_time: Option<DateTime<Utc>>,
    pub text: Option<Box<str>>,
    /// The thread's name, when the server named the thread and gave no key (any other
    /// thread is in `rest`); shared by the messages of one page in that thread.
    pub thread: Option<Arc<str>>,
    pub thread_reply: bool,
    pub client_assigned_message_id: Option<Box<str>>,
    /// The rest of the message, when it has any.
    pub rest: Option<Box<Message>>,
}

impl Listed {
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or_default()
    }

    pub fn sender(&self) -> Option<&User> {
        self.sender.as_deref()
    }

    /// The thread the server put the message in, if it said.
    pub fn thread_name(&self) -> Option<&str> {
        self.thread
            .as_deref()
            .or_else(|| self.rest.as_ref().and_then(|r| r.thread_name()))
    }

    pub fn is_deleted(&self) -> bool {
        self.rest.as_ref().is_some_and(|r| r.is_deleted())
    }

    pub fn annotations(&self) -> &[super::model::Annotation] {
        self.rest.as_ref().map_or(&[], |r| &r.annotations)
    }

    /// The message as the server sent it (less the three fields a list skips).
    pub fn into_message(self) -> Message {
        let mut m = self.rest.map(|b| *b).unwrap_or_default();
        m.name = self.name.map(String::from);
        m.sender = self.sender.map(Arc::unwrap_or_clone);
        m.create_time = self.create_time;
        m.last_update_time = self.last_update_time;
        m.text = self.text.map(String::from);
        if let Some(t) = self.thread {
            m.thread = Some(Thread {
                name: Some(t.as_ref().into()),
                thread_key: None,
            });
        }
        m.thread_reply = self.thread_reply;
        m.client_assigned_message_id = self.client_assigned_message_id.map(String::from);
        m
    }
}

/// A whole message held as a listed one (`space`, `formattedText` and `argumentText`
/// dropped, as a list skips them).
impl From<Message> for Listed {
    fn from(mut m: Message) -> Listed {
        m.space = None;
        m.formatted_text = None;
        m.argument_text = None;
        let thread = match &mut m.thread {
            Some(Thread {
                name: n @ Some(_),
                thread_key: None,
            }) => {
                let t = n.take().map(Arc::from);
                m.thread = None;
                t
            }
            _ => None,
        };
        Listed {
            name: boxed(m.name.take()),
            sender: m.sender.take().map(Arc::new),
            create_time: m.create_time.take(),
            last_update_time: m.last_update_time.take(),
            text: boxed(m.text.take()),
            thread,
            thread_reply: std::mem::take(&mut m.thread_reply),
            client_assigned_message_id: boxed(m.client_assigned_message_id.take()),
            rest: (m != Message::default()).then(|| Box::new(m)),
        }
    }
}

/// A message's field names, as [`Message`] reads them (camelCase, or snake_case).
enum Key {
    Name,
    Sender,
    CreateTime,
    LastUpdateTime,
    DeleteTime,
    Text,
    Cards,
    CardsV2,
    Annotations,
    Thread,
    FallbackText,
    ActionResponse,
    SlashCommand,
    Attachment,
    MatchedUrl,
    ThreadReply,
    ClientId,
    Reactions,
    PrivateViewer,
    Deletion,
    Quoted,
    Gifs,
    Accessory,
    Markup,
    Elements,
    Silent,
    /// `space`, `formattedText`, `argumentText`, and any field this client does not know.
    Skip,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Key;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: serde::de::Error>(self, k: &str) -> Result<Key, E> {
                Ok(match k {
                    "name" => Key::Name,
                    "sender" => Key::Sender,
                    "createTime" | "create_time" => Key::CreateTime,
                    "lastUpdateTime" | "last_update_time" => Key::LastUpdateTime,
                    "deleteTime" | "delete_time" => Key::DeleteTime,
                    "text" => Key::Text,
                    "cards" => Key::Cards,
                    "cardsV2" | "cards_v2" => Key::CardsV2,
                    "annotations" => Key::Annotations,
                    "thread" => Key::Thread,
                    "fallbackText" | "fallback_text" => Key::FallbackText,
                    "actionResponse" | "action_response" => Key::ActionResponse,
                    "slashCommand" | "slash_command" => Key::SlashCommand,
                    "attachment" => Key::Attachment,
                    "matchedUrl" | "matched_url" => Key::MatchedUrl,
                    "threadReply" | "thread_reply" => Key::ThreadReply,
                    "clientAssignedMessageId" | "client_assigned_message_id" => Key::ClientId,
                    "emojiReactionSummaries" | "emoji_reaction_summaries" => Key::Reactions,
                    "privateMessageViewer" | "private_message_viewer" => Key::PrivateViewer,
                    "deletionMetadata" | "deletion_metadata" => Key::Deletion,
                    "quotedMessageMetadata" | "quoted_message_metadata" => Key::Quoted,
                    "attachedGifs" | "attached_gifs" => Key::Gifs,
                    "accessoryWidgets" | "accessory_widgets" => Key::Accessory,
                    "markupSyntax" | "markup_syntax" => Key::Markup,
                    "elements" => Key::Elements,
                    "silent" => Key::Silent,
                    _ => Key::Skip,
                })
            }
        }
        d.deserialize_identifier(V)
    }
}

/// A timestamp field, read from the text in place.
struct Time(Option<DateTime<Utc>>);

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        timestamp::deserialize(d).map(Time)
    }
}

/// Puts `v` in the rest's field (made then) unless it is the field's default.
fn set<T: PartialEq + Default>(
    rest: &mut Option<Box<Message>>,
    v: T,
    field: impl FnOnce(&mut Message) -> &mut T,
) {
    if v != T::default() {
        *field(rest.get_or_insert_with(Default::default)) = v;
    }
}

fn boxed(s: Option<String>) -> Option<Box<str>> {
    s.map(String::into_boxed_str)
}

/// What the messages of one page share: each sender and each thread's name is made
/// once, however many of the page's messages have it.
#[derive(Default)]
struct PageShared {
    senders: HashMap<Box<str>, Arc<User>, foldhash::fast::RandomState>,
    threads: HashSet<Arc<str>, foldhash::fast::RandomState>,
}

impl PageShared {
    /// The page's earlier copy of `u` when it is the same, else a new one (which later
    /// messages then share).
    fn sender(&mut self, u: UserText) -> Arc<User> {
        let Some(name) = u.name.as_ref().map(|t| &*t.0) else {
            return Arc::new(u.into_user());
        };
        if let Some(known) = self.senders.get(name) {
            if u.is(known) {
                return known.clone();
            }
        }
        let user = Arc::new(u.into_user());
        if let Some(name) = user.name.as_deref() {
            self.senders.insert(name.into(), user.clone());
        }
        user
    }

    fn thread(&mut self, name: &str) -> Arc<str> {
        if let Some(t) = self.threads.get(name) {
            return t.clone();
        }
        let t: Arc<str> = name.into();
        self.threads.insert(t.clone());
        t
    }
}

/// A string as read: borrowed from the page unless it had escapes.
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, s: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(s)))
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(s.to_string())))
            }
            fn visit_string<E: serde::de::Error>(self, s: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

fn owned(t: Option<Text>) -> Option<String> {
    t.map(|t| t.0.into_owned())
}

fn same(a: &Option<Text>, b: &Option<String>) -> bool {
    a.as_ref().map(|t| &*t.0) == b.as_deref()
}

/// A sender as read, before it is made a [`User`] (or found to be one the page already
/// has); read as [`User`] reads it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserText<'a> {
    #[serde(default, borrow)]
    name: Option<Text<'a>>,
    #[serde(default, borrow, alias = "display_name")]
    display_name: Option<Text<'a>>,
    #[serde(default, borrow, alias = "domain_id")]
    domain_id: Option<Text<'a>>,
    #[serde(default, rename = "type")]
    user_type: Option<UserType>,
    #[serde(default, alias = "is_anonymous")]
    is_anonymous: bool,
    #[serde(default, borrow)]
    email: Option<Text<'a>>,
    #[serde(default, borrow, alias = "avatar_url")]
    avatar_url: Option<Text<'a>>,
}

impl UserText<'_> {
    fn is(&self, u: &User) -> bool {
        same(&self.name, &u.name)
            && same(&self.display_name, &u.display_name)
            && same(&self.domain_id, &u.domain_id)
            && self.user_type == u.user_type
            && self.is_anonymous == u.is_anonymous
            && same(&self.email, &u.email)
            && same(&self.avatar_url, &u.avatar_url)
    }

    fn into_user(self) -> User {
        User {
            name: owned(self.name),
            display_name: owned(self.display_name),
            domain_id: owned(self.domain_id),
            user_type: self.user_type,
            is_anonymous: self.is_anonymous,
            email: owned(self.email),
            avatar_url: owned(self.avatar_url),
        }
    }
}

/// A thread as read, as [`Thread`] reads it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ThreadText<'a> {
    #[serde(default, borrow)]
    name: Option<Text<'a>>,
    #[serde(default, borrow, alias = "thread_key")]
    thread_key: Option<Text<'a>>,
}

impl<'de> Deserialize<'de> for Listed {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        ListedSeed {
            shared: &mut PageShared::default(),
        }
        .deserialize(d)
    }
}

/// Reads one listed message, sharing its sender and thread with the page's others.
struct ListedSeed<'a> {
    shared: &'a mut PageShared,
}

impl<'de> DeserializeSeed<'de> for ListedSeed<'_> {
    type Value = Listed;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Listed, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ListedSeed<'_> {
    type Value = Listed;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a message")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Listed, A::Error> {
        let mut m = Listed::default();
        // A field of the rest, set only when it holds something.
        macro_rules! rest {
            ($field:ident) => {{
                let v = map.next_value()?;
                set(&mut m.rest, v, |r| &mut r.$field);
            }};
        }
        while let Some(k) = map.next_key::<Key>()? {
            match k {
                Key::Name => m.name = boxed(map.next_value()?),
                Key::Sender => {
                    m.sender = map
                        .next_value::<Option<UserText>>()?
                        .map(|u| self.shared.sender(u))
                }
                Key::CreateTime => m.create_time = map.next_value::<Time>()?.0,
                Key::LastUpdateTime => m.last_update_time = map.next_value::<Time>()?.0,
                Key::DeleteTime => {
                    let t = map.next_value::<Time>()?.0;
                    if t.is_some() {
                        m.rest.get_or_insert_with(Default::default).delete_time = t;
                    }
                }
                Key::Text => m.text = boxed(map.next_value()?),
                Key::Thread => match map.next_value::<Option<ThreadText>>()? {
                    Some(ThreadText {
                        name: Some(n),
                        thread_key: None,
                    }) => m.thread = Some(self.shared.thread(&n.0)),
                    Some(t) => {
                        m.rest.get_or_insert_with(Default::default).thread = Some(Thread {
                            name: owned(t.name),
                            thread_key: owned(t.thread_key),
                        })
                    }
                    None => {}
                },
                Key::ThreadReply => m.thread_reply = map.next_value()?,
                Key::ClientId => m.client_assigned_message_id = boxed(map.next_value()?),
                Key::Cards => rest!(cards),
                Key::CardsV2 => rest!(cards_v2),
                Key::Annotations => rest!(annotations),
                Key::FallbackText => rest!(fallback_text),
                Key::ActionResponse => rest!(action_response),
                Key::SlashCommand => rest!(slash_command),
                Key::Attachment => rest!(attachment),
                Key::MatchedUrl => rest!(matched_url),
                Key::Reactions => rest!(emoji_reaction_summaries),
                Key::PrivateViewer => rest!(private_message_viewer),
                Key::Deletion => rest!(deletion_metadata),
                Key::Quoted => rest!(quoted_message_metadata),
                Key::Gifs => rest!(attached_gifs),
                Key::Accessory => rest!(accessory_widgets),
                Key::Markup => rest!(markup_syntax),
                Key::Elements => rest!(elements),
                Key::Silent => rest!(silent),
                Key::Skip => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::{ListMessagesResponse, MarkupSyntax};
    use serde_json::json;

    fn s() -> SpaceName {
        SpaceName::parse("spaces/S").unwrap()
    }

    /// A message as the server sends it in a list, with every field the app reads.
    fn wire() -> Value {
        json!({
            "name": "spaces/S/messages/A.B",
            "sender": {"name": "users/1", "displayName": "Ann \u{1b}[2J", "type": "HUMAN", "email": "a@x"},
            "createTime": "2024-05-01T10:11:12.345678Z",
            "lastUpdateTime": "2024-05-01T10:12:00Z",
            "text": "hi <users/2> \"quoted\" \\ back",
            "formattedText": "hi <users/2>",
            "argumentText": "hi",
            "cardsV2": [{"cardId": "c1", "card": {"header": {"title": "T"}}}],
            "annotations": [{"type": "USER_MENTION", "startIndex": 3, "length": 9,
                "userMention": {"user": {"name": "users/2", "type": "HUMAN"}, "type": "MENTION"}}],
            "thread": {"name": "spaces/S/threads/A"},
            "space": {"name": "spaces/S", "type": "ROOM", "spaceType": "SPACE", "displayName": "S",
                "spaceDetails": {"description": "d"}},
            "attachment": [{"name": "spaces/S/messages/A.B/attachments/X", "contentName": "a.png"}],
            "threadReply": true,
            "clientAssignedMessageId": "client-x",
            "emojiReactionSummaries": [{"emoji": {"unicode": "👍"}, "reactionCount": 2}],
            "quotedMessageMetadata": {"name": "spaces/S/messages/A.A"},
            "markupSyntax": "SOMETHING_NEW",
            "futureField": {"deep": [1, 2, {"x": null}]},
            "deleteTime": "2024-05-02T00:00:00Z",
            "cards": [{"header": {"title": "old"}}],
            "fallbackText": "fb",
            "actionResponse": {"type": "NEW_MESSAGE"},
            "slashCommand": {"commandId": "7"},
            "matchedUrl": {"url": "https://x"},
            "privateMessageViewer": {"name": "users/3"},
            "deletionMetadata": {"deletionType": "CREATOR"},
            "attachedGifs": [{"uri": "https://g"}],
            "accessoryWidgets": [{"buttonList": {}}],
            "elements": {"e": 1},
            "silent": true
        })
    }

    #[test]
    fn a_lean_page_is_the_full_page_less_the_skipped_fields() {
        let page =
            json!({"messages": [wire(), {"name": "spaces/S/messages/C.C"}], "nextPageToken": "t"});
        let body = serde_json::to_vec(&page).unwrap();
        let lean = message_page(&body, &s()).unwrap();
        let mut full: ListMessagesResponse = serde_json::from_slice(&body).unwrap();
        for m in &mut full.messages {
            m.space = None;
            m.formatted_text = None;
            m.argument_text = None;
        }
        assert_eq!(lean.unreadable, 0);
        assert_eq!(lean.next_page_token.as_deref(), Some("t"));
        // Every field the full reading has, the listed message gives back exactly.
        let back: Vec<Message> = lean
            .messages
            .iter()
            .cloned()
            .map(Listed::into_message)
            .collect();
        assert_eq!(back, full.messages);
        let every = serde_json::to_value(&back[0]).unwrap();
        let n = every.as_object().unwrap().len();
        assert_eq!(n, 26, "every field but the three skipped: {every}");
        let m = &back[0];
        assert_eq!(m.text.as_deref(), Some("hi <users/2> \"quoted\" \\ back"));
        assert_eq!(
            m.markup_syntax,
            Some(MarkupSyntax::Other("SOMETHING_NEW".into()))
        );
        assert_eq!(m.annotations.len(), 1);
        assert!(m.thread_reply);
    }

    #[test]
    fn empty_and_snake_case_pages_decode() {
        assert_eq!(message_page(b"{}", &s()).unwrap(), MessagePage::default());
        let lean = message_page(
            br#"{"messages":[{"name":"spaces/S/messages/a","create_time":"2024-05-01T10:11:12Z","thread_reply":true,"space":null,"formatted_text":null}],"next_page_token":"n"}"#,
            &s(),
        )
        .unwrap();
        assert!(lean.messages[0].create_time.is_some() && lean.messages[0].thread_reply);
        assert_eq!(lean.next_page_token.as_deref(), Some("n"));
    }

    #[test]
    fn bad_shapes_are_errors_not_panics() {
        for body in [
            &br#"{"messages":{"name":"x"}}"#[..],
            br#"{"messages":[{"space":{"name":"unterminated}]}"#,
            br#"{"messages":[{"name":"spaces/S/messages/a"}"#,
            br#"{"messages":[],"nextPageToken":{}}"#,
            br#"{"messages":null}"#,
            b"7",
            b"",
        ] {
            let e = message_page(body, &s()).expect_err("a bad page");
            assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn a_message_that_cannot_be_read_is_left_out_and_counted() {
        let ok = |id: &str| json!({"name": format!("spaces/S/messages/{id}"), "text": id});
        let bad = |field: &str, v: Value| {
            let mut m = ok("bad");
            m[field] = v;
            m
        };
        let page = json!({"messages": [
            ok("a"),
            bad("createTime", json!("yesterday")),
            bad("createTime", json!(12)),
            bad("annotations", json!("x")),
            bad("thread", json!([1])),
            bad("threadReply", json!("yes")),
            bad("name", json!(5)),
            bad("cardsV2", json!({"card": 1})),
            ok("b"),
            json!(7),
            json!(null),
        ], "nextPageToken": "t"});
        let got = message_page(page.to_string().as_bytes(), &s()).unwrap();
        let names: Vec<_> = got.messages.iter().map(|m| m.text.as_deref()).collect();
        assert_eq!(names, [Some("a"), Some("b")]);
        assert_eq!(got.unreadable, 9);
        assert_eq!(got.next_page_token.as_deref(), Some("t"));
    }

    #[test]
    fn the_note_counts_in_words() {
        assert_eq!(
            unreadable_note(1),
            "1 message from the server could not be read"
        );
        assert_eq!(
            unreadable_note(1000),
            "1000 messages from the server could not be read"
        );
    }

    #[test]
    fn a_null_timestamp_is_none() {
        let lean = message_page(
            br#"{"messages":[{"name":"spaces/S/messages/a","createTime":null}]}"#,
            &s(),
        )
        .unwrap();
        assert_eq!(lean.messages[0].create_time, None);
    }

    #[test]
    fn the_rest_is_made_only_for_a_message_that_has_any() {
        let page = json!({"messages": [
            {"name": "spaces/S/messages/a", "text": "hi", "createTime": "2024-05-01T10:11:12Z",
             "sender": {"name": "users/1"}, "thread": {"name": "spaces/S/threads/a"},
             "threadReply": true, "clientAssignedMessageId": "client-1",
             "space": {"name": "spaces/S"}, "formattedText": "hi", "argumentText": "hi",
             "cards": [], "annotations": [], "quotedMessageMetadata": null, "silent": false},
            {"name": "spaces/S/messages/b", "thread": {"name": "spaces/S/threads/b", "threadKey": "k"}},
            {"name": "spaces/S/messages/c", "annotations": [{"type": "USER_MENTION"}]},
        ]});
        let got = message_page(page.to_string().as_bytes(), &s()).unwrap();
        let [a, b, c] = &got.messages[..] else {
            panic!("three messages: {got:?}")
        };
        assert!(a.rest.is_none(), "{a:?}");
        assert_eq!(a.thread.as_deref(), Some("spaces/S/threads/a"));
        assert_eq!(a.client_assigned_message_id.as_deref(), Some("client-1"));
        // A thread with a key is kept whole, in the rest.
        assert_eq!(b.thread, None);
        let t = b.rest.as_ref().and_then(|r| r.thread.as_ref()).unwrap();
        assert_eq!(t.thread_key.as_deref(), Some("k"));
        assert_eq!(c.rest.as_ref().unwrap().annotations.len(), 1);
    }

    #[test]
    fn names_are_checked_as_they_are_read() {
        let page = json!({"messages": [
            {"name": "spaces/S/messages/a"},
            {"name": "spaces/OTHER/messages/b"},
            {"text": "no name"},
            {"name": "spaces/S/messages/c"},
        ], "nextPageToken": "t"});
        let got = message_page(page.to_string().as_bytes(), &s()).unwrap();
        let names: Vec<_> = got.messages.iter().map(Listed::name).collect();
        assert_eq!(names, ["spaces/S/messages/a", "spaces/S/messages/c"]);
        assert_eq!(got.unreadable, 2);
        assert_eq!(got.left_out[0], "spaces/OTHER/messages/b");
        assert_eq!(got.next_page_token.as_deref(), Some("t"));
    }

    #[test]
    fn trailing_bytes_after_the_page_are_an_error() {
        assert!(message_page(br#"{"messages":[]} x"#, &s()).is_err());
        assert!(message_page(b"{} {}", &s()).is_err());
    }

    #[test]
    fn a_page_makes_each_sender_and_thread_once() {
        let m = |id: &str, sender: Value, thread: &str| {
            json!({"name": format!("spaces/S/messages/{id}"), "sender": sender,
                   "thread": {"name": format!("spaces/S/threads/{thread}")}})
        };
        let ann = json!({"name": "users/1", "displayName": "Ann", "type": "HUMAN"});
        let ann_renamed = json!({"name": "users/1", "displayName": "Ann B", "type": "HUMAN"});
        let bob = json!({"name": "users/2", "display_name": "Bob \"B\""});
        let page = json!({"messages": [
            m("a", ann.clone(), "t"),
            m("b", bob.clone(), "t"),
            m("c", ann.clone(), "u"),
            m("d", ann_renamed, "u"),
            m("e", bob, "t"),
            m("f", json!({"displayName": "no name"}), "t"),
        ]});
        let got = message_page(page.to_string().as_bytes(), &s()).unwrap();
        let [a, b, c, d, e, f] = &got.messages[..] else {
            panic!("six messages: {got:?}")
        };
        let who = |l: &Listed| l.sender.clone().unwrap();
        assert!(Arc::ptr_eq(&who(a), &who(c)));
        assert!(Arc::ptr_eq(&who(b), &who(e)));
        // A sender whose fields changed within the page is a new one, as sent.
        assert!(!Arc::ptr_eq(&who(a), &who(d)));
        assert_eq!(who(d).display_name.as_deref(), Some("Ann B"));
        assert_eq!(who(b).display_name.as_deref(), Some("Bob \"B\""));
        assert_eq!(who(f).display_name.as_deref(), Some("no name"));
        let thread = |l: &Listed| l.thread.clone().unwrap();
        assert!(Arc::ptr_eq(&thread(a), &thread(b)));
        assert!(Arc::ptr_eq(&thread(a), &thread(e)));
        assert!(Arc::ptr_eq(&thread(c), &thread(d)));
        assert_eq!(&*thread(c), "spaces/S/threads/u");
        // Each as the full reading has it.
        let full: ListMessagesResponse = serde_json::from_value(page).unwrap();
        let back: Vec<Message> = got.messages.into_iter().map(Listed::into_message).collect();
        assert_eq!(back, full.messages);
    }
}
