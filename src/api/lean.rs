//! Lean decoding of `spaces.messages.list` pages, the client's hottest path: a page of
//! 1,000 messages repeats, in every message, the whole space and the text twice more
//! (`formattedText`, `argumentText`). Those are skipped while reading (never built and
//! then thrown away); everything else becomes the usual [`Message`].

use chrono::{DateTime, Utc};
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::Value;

use super::model::{
    timestamp, Annotation, CardWithId, DeletionMetadata, ListMessagesResponse, MarkupSyntax,
    Message, Thread, User,
};

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

/// A page of `messages.list`, decoded lean (see the module's note).
pub struct LeanMessages(pub ListMessagesResponse);

impl<'de> Deserialize<'de> for LeanMessages {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let page = LeanPage::deserialize(d)?;
        Ok(LeanMessages(ListMessagesResponse {
            messages: page.messages.0,
            next_page_token: page.next_page_token,
        }))
    }
}

/// Decodes a page of `messages.list` from its body.
pub fn message_page(body: &[u8]) -> Result<ListMessagesResponse, serde_json::Error> {
    serde_json::from_slice::<LeanMessages>(body).map(|p| p.0)
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
    use serde_json::json;

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
        let lean = message_page(&body).unwrap();
        let mut full: ListMessagesResponse = serde_json::from_slice(&body).unwrap();
        for m in &mut full.messages {
            m.space = None;
            m.formatted_text = None;
            m.argument_text = None;
        }
        assert_eq!(lean, full);
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
        assert_eq!(
            message_page(b"{}").unwrap(),
            ListMessagesResponse::default()
        );
        let lean = message_page(
            br#"{"messages":[{"create_time":"2024-05-01T10:11:12Z","thread_reply":true,"space":null,"formatted_text":null}],"next_page_token":"n"}"#,
        )
        .unwrap();
        assert!(lean.messages[0].create_time.is_some() && lean.messages[0].thread_reply);
        assert_eq!(lean.next_page_token.as_deref(), Some("n"));
    }

    #[test]
    fn bad_timestamps_and_shapes_are_errors_not_panics() {
        for body in [
            &br#"{"messages":[{"createTime":"yesterday"}]}"#[..],
            br#"{"messages":[{"createTime":12}]}"#,
            br#"{"messages":{"name":"x"}}"#,
            br#"{"messages":[{"space":{"name":"unterminated}]}"#,
            b"7",
            b"",
        ] {
            let e = message_page(body).expect_err("a bad page");
            assert!(!e.to_string().is_empty());
        }
        let e = message_page(br#"{"messages":[{"createTime":"yesterday"}]}"#).unwrap_err();
        assert!(e.to_string().contains("yesterday"), "{e}");
    }

    #[test]
    fn a_null_timestamp_is_none() {
        let lean = message_page(br#"{"messages":[{"createTime":null}]}"#).unwrap();
        assert_eq!(lean.messages[0].create_time, None);
    }
}
