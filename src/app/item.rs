//! One message as the app holds it: the server's copy, or a local one on its way.

use chrono::{DateTime, Utc};

use serde_json::Value;

use crate::api::model::{
    Annotation, Attachment, CardWithId, EmojiReactionSummary, Message, QuotedMessageMetadata, User,
};

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

#[derive(Debug, Clone)]
pub struct Item {
    pub msg: Message,
    pub local: Option<Local>,
    /// For messages sent from here: the client-assigned id (a retry reuses it, so the
    /// server can never store the message twice).
    pub client_id: Option<String>,
    /// Bumped on every change, so cached layout knows to redo this message.
    pub rev: u64,
}

impl Item {
    pub fn name(&self) -> &str {
        self.msg.name.as_deref().unwrap_or("")
    }
    pub fn time(&self) -> DateTime<Utc> {
        self.msg.create_time.unwrap_or_default()
    }
    pub fn thread(&self) -> &str {
        self.thread_name().unwrap_or_else(|| self.name())
    }
    /// The thread the server put the message in, if it said.
    pub fn thread_name(&self) -> Option<&str> {
        self.msg.thread_name()
    }
    /// A reply in a thread (not the thread's first message).
    pub fn is_reply(&self) -> bool {
        self.msg.thread_reply
    }
    /// When the message was last edited, if it was.
    pub fn updated(&self) -> Option<DateTime<Utc>> {
        self.msg.last_update_time
    }
    /// Whether the server said it is deleted (such a message is not kept).
    pub fn is_deleted(&self) -> bool {
        self.msg.is_deleted()
    }
    pub fn text(&self) -> Option<&str> {
        self.msg.text.as_deref()
    }
    pub fn sender(&self) -> Option<&User> {
        self.msg.sender.as_ref()
    }
    pub fn sender_name(&self) -> Option<&str> {
        self.msg.sender_name()
    }
    /// Legacy cards (`cards`), as JSON.
    pub fn cards(&self) -> &[Value] {
        &self.msg.cards
    }
    pub fn cards_v2(&self) -> &[CardWithId] {
        &self.msg.cards_v2
    }
    pub fn annotations(&self) -> &[Annotation] {
        &self.msg.annotations
    }
    /// The attachments as the server sent them (JSON).
    pub fn attachment_json(&self) -> &[Value] {
        &self.msg.attachment
    }
    pub fn attachments(&self) -> Vec<Attachment> {
        self.msg.attachments()
    }
    pub fn has_reactions(&self) -> bool {
        !self.msg.emoji_reaction_summaries.is_empty()
    }
    pub fn reaction_summaries(&self) -> Vec<EmojiReactionSummary> {
        self.msg.reaction_summaries()
    }
    /// The message this one quotes, if any.
    pub fn quoted(&self) -> Option<QuotedMessageMetadata> {
        self.msg.quoted()
    }
    /// The whole API message again (for a request that sends it, or shows it all).
    pub fn to_message(&self) -> Message {
        self.msg.clone()
    }
    pub fn into_message(self) -> Message {
        self.msg
    }
    pub fn is_local(&self) -> bool {
        MessageId::is_local(self.name())
    }
    /// An edit or a delete of this message is on its way.
    pub(super) fn busy(&self) -> bool {
        matches!(self.local, Some(Local::Saving | Local::Deleting))
    }
    /// Whether this copy was updated later than `m` was.
    pub(super) fn newer_than(&self, m: &Message) -> bool {
        match (self.msg.last_update_time, m.last_update_time) {
            (Some(shown), Some(other)) => shown > other,
            (Some(_), None) => true,
            _ => false,
        }
    }
}
