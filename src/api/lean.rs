//! Lean decoding of `spaces.messages.list` pages, the client's hottest path: a page of
//! 1,000 messages repeats, in every message, the whole space and the text twice more
//! (`formattedText`, `argumentText`). Those are skipped while reading (never built and
//! then thrown away); everything else becomes the usual [`Message`].

use chrono::{DateTime, Utc};
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::error::Category;
use serde_json::Value;

use super::model::{
    timestamp, Annotation, CardWithId, DeletionMetadata, MarkupSyntax, Message, Thread, User,
};
use super::name::{MessageName, SpaceName};

/// The `fields` selector `messages.list` is asked with (a partial response): every field
/// of a message but the three a list leaves out (see the module's note). A server that
/// ignores it sends them anyway, and they are skipped while reading.
pub const LISTED_FIELDS: &str = "nextPageToken,messages(name,sender,createTime,lastUpdateTime,\
deleteTime,text,cards,cardsV2,annotations,thread,fallbackText,actionResponse,slashCommand,\
attachment,matchedUrl,threadReply,clientAssignedMessageId,emojiReactionSummaries,\
privateMessageViewer,deletionMetadata,quotedMessageMetadata,attachedGifs,accessoryWidgets,\
markupSyntax,elements,silent)";

/// A `ListMessagesResponse` whose messages leave out `space`, `formattedText` and
/// `argumentText` (the caller knows the space it listed; the app reads `text`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LeanPage {
    #[serde(default)]
    messages: Messages,
    #[serde(default, alias = "next_page_token")]
    next_page_token: Option<String>,
}

/// The messages, each made a [`Message`] as it is read: no second list of them.
#[derive(Default)]
struct Messages(Vec<Message>);

impl<'de> Deserialize<'de> for Messages {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Messages;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of messages")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Messages, A::Error> {
                // A page holds at most 1,000; trust a size hint no further than that.
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1000));
                while let Some(m) = seq.next_element::<LeanMessage>()? {
                    out.push(Message::from(m));
                }
                Ok(Messages(out))
            }
        }
        d.deserialize_seq(V)
    }
}

/// A page of `messages.list` as the app takes it: decoded lean (see the module's note),
/// with every message's name checked to be a message of the listed space.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MessagePage {
    pub messages: Vec<Message>,
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
pub fn message_page(body: &[u8], space: &SpaceName) -> Result<MessagePage, serde_json::Error> {
    let mut bad = Unreadable::default();
    let (mut messages, next_page_token) = match serde_json::from_slice::<LeanPage>(body) {
        Ok(page) => (page.messages.0, page.next_page_token),
        // Some value is of the wrong type: read the page again message by message. Only
        // a page that holds such a message pays for this.
        Err(e) if e.classify() == Category::Data => {
            let page = serde_json::from_slice::<LoosePage>(body)?;
            let mut out = Vec::with_capacity(page.messages.len());
            for v in page.messages {
                match LeanMessage::deserialize(&v) {
                    Ok(m) => out.push(Message::from(m)),
                    Err(e) => {
                        let id = v
                            .get("name")
                            .and_then(Value::as_str)
                            .map_or_else(|| super::events_page::digest(&v), str::to_string);
                        bad.add(id, || e.to_string())
                    }
                }
            }
            (out, page.next_page_token)
        }
        Err(e) => return Err(e),
    };
    messages.retain(|m| match m.name.as_deref() {
        Some(n) if MessageName::is_in(n, space) => true,
        Some(n) => {
            bad.add(n.to_string(), || {
                let shown: String = n.chars().take(120).collect();
                format!("the name {shown:?} is not that of a message in {space}")
            });
            false
        }
        None => {
            let id = super::events_page::digest(&Value::String(format!("{m:?}")));
            bad.add(id, || "a message without a name".to_string());
            false
        }
    });
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

/// A page read loosely: each message whole as JSON, to be decoded one by one.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LoosePage {
    #[serde(default)]
    messages: Vec<Value>,
    #[serde(default, alias = "next_page_token")]
    next_page_token: Option<String>,
}

/// [`Message`]'s fields as read from a list: the same names and aliases, with the three
/// it skips read as nothing.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LeanMessage {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    sender: Option<User>,
    #[serde(default, alias = "create_time", with = "timestamp")]
    create_time: Option<DateTime<Utc>>,
    #[serde(default, alias = "last_update_time", with = "timestamp")]
    last_update_time: Option<DateTime<Utc>>,
    #[serde(default, alias = "delete_time", with = "timestamp")]
    delete_time: Option<DateTime<Utc>>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default, alias = "formatted_text")]
    #[allow(dead_code)]
    formatted_text: IgnoredAny,
    #[serde(default)]
    cards: Vec<Value>,
    #[serde(default, alias = "cards_v2")]
    cards_v2: Vec<CardWithId>,
    #[serde(default)]
    annotations: Vec<Annotation>,
    #[serde(default)]
    thread: Option<Thread>,
    #[serde(default)]
    #[allow(dead_code)]
    space: IgnoredAny,
    #[serde(default, alias = "fallback_text")]
    fallback_text: Option<String>,
    #[serde(default, alias = "action_response")]
    action_response: Option<Value>,
    #[serde(default, alias = "argument_text")]
    #[allow(dead_code)]
    argument_text: IgnoredAny,
    #[serde(default, alias = "slash_command")]
    slash_command: Option<Value>,
    #[serde(default)]
    attachment: Vec<Value>,
    #[serde(default, alias = "matched_url")]
    matched_url: Option<Value>,
    #[serde(default, alias = "thread_reply")]
    thread_reply: bool,
    #[serde(default, alias = "client_assigned_message_id")]
    client_assigned_message_id: Option<String>,
    #[serde(default, alias = "emoji_reaction_summaries")]
    emoji_reaction_summaries: Vec<Value>,
    #[serde(default, alias = "private_message_viewer")]
    private_message_viewer: Option<Box<User>>,
    #[serde(default, alias = "deletion_metadata")]
    deletion_metadata: Option<DeletionMetadata>,
    #[serde(default, alias = "quoted_message_metadata")]
    quoted_message_metadata: Option<Value>,
    #[serde(default, alias = "attached_gifs")]
    attached_gifs: Vec<Value>,
    #[serde(default, alias = "accessory_widgets")]
    accessory_widgets: Vec<Value>,
    #[serde(default, alias = "markup_syntax")]
    markup_syntax: Option<MarkupSyntax>,
    #[serde(default)]
    elements: Option<Value>,
    #[serde(default)]
    silent: bool,
}

impl From<LeanMessage> for Message {
    fn from(m: LeanMessage) -> Message {
        // Spelled out, not `..Default::default()`: a field added to `Message` and not
        // here fails to build instead of being dropped from lists.
        Message {
            name: m.name,
            sender: m.sender,
            create_time: m.create_time,
            last_update_time: m.last_update_time,
            delete_time: m.delete_time,
            text: m.text,
            formatted_text: None,
            cards: m.cards,
            cards_v2: m.cards_v2,
            annotations: m.annotations,
            thread: m.thread,
            space: None,
            fallback_text: m.fallback_text,
            action_response: m.action_response,
            argument_text: None,
            slash_command: m.slash_command,
            attachment: m.attachment,
            matched_url: m.matched_url,
            thread_reply: m.thread_reply,
            client_assigned_message_id: m.client_assigned_message_id,
            emoji_reaction_summaries: m.emoji_reaction_summaries,
            private_message_viewer: m.private_message_viewer,
            deletion_metadata: m.deletion_metadata,
            quoted_message_metadata: m.quoted_message_metadata,
            attached_gifs: m.attached_gifs,
            accessory_widgets: m.accessory_widgets,
            markup_syntax: m.markup_syntax,
            elements: m.elements,
            silent: m.silent,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::ListMessagesResponse;
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
            "futureField": {"deep": [1, 2, {"x": null}]}
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
        assert_eq!(lean.messages, full.messages);
        assert_eq!(lean.unreadable, 0);
        assert_eq!(lean.next_page_token.as_deref(), Some("t"));
        let m = &lean.messages[0];
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
}
