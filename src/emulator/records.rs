//! The flat records the store keeps: people, apps, members, messages and what hangs
//! off them. They know nothing of the containers that hold them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::api::model::*;

/// A person in the directory.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonRec {
    pub id: String,
    pub display_name: Option<String>,
    #[serde(default)]
    pub given_name: Option<String>,
    #[serde(default)]
    pub family_name: Option<String>,
    pub email: Option<String>,
    /// Off: adding this person to a space invites them instead.
    #[serde(default = "yes")]
    pub auto_accept: bool,
    /// Outside the workspace's domain.
    #[serde(default)]
    pub external: bool,
}

fn yes() -> bool {
    true
}

/// A Chat app.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppRec {
    pub id: String,
    pub display_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberRec {
    pub user_id: String,
    pub bot: bool,
    pub role: MembershipRole,
    pub state: MembershipState,
    #[serde(with = "timestamp_req")]
    pub create_time: DateTime<Utc>,
}

impl MemberRec {
    pub fn joined(&self) -> bool {
        self.state == MembershipState::Joined
    }
    pub fn is_manager(&self) -> bool {
        self.joined() && self.role == MembershipRole::Manager
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadRec {
    /// The message that started the thread.
    pub root: String,
    pub key: Option<String>,
}

/// What a `requestId` was first used for, and by whom.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestRec {
    /// `users/<id>` of the caller.
    pub caller: String,
    /// The id of the space or message it created.
    pub target: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MsgRec {
    /// The `{message}` part of the name.
    pub id: String,
    pub thread_id: String,
    /// The sender's user id, and whether it is an app.
    pub sender: String,
    pub sender_bot: bool,
    /// Stored output fields; `sender` holds only `name` and `type`, and is filled in for
    /// each caller when read.
    pub msg: Message,
    /// Reactions, oldest first (`emojiReactionSummaries` is computed from them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reactions: Vec<ReactionRec>,
    /// The message's pin, if it is pinned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<PinRec>,
}

/// One person's (or app's) reaction with one emoji.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReactionRec {
    pub id: String,
    pub user: String,
    #[serde(default)]
    pub bot: bool,
    pub emoji: Emoji,
    #[serde(with = "timestamp_req")]
    pub create_time: DateTime<Utc>,
}

/// Who pinned a message, and when.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PinRec {
    pub by: String,
    #[serde(with = "timestamp_req")]
    pub create_time: DateTime<Utc>,
}

/// Uploaded attachment data (`media.upload`); its bytes are kept by the media store
/// under `id`, which is also its `attachmentDataRef.resourceName`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadRec {
    pub id: String,
    /// The opaque `attachmentUploadToken` that attaches it to a message.
    pub token: String,
    /// `users/<id>` of the uploader.
    pub uploader: String,
    pub content_name: String,
    pub content_type: String,
    pub size: u64,
    #[serde(with = "timestamp_req")]
    pub create_time: DateTime<Utc>,
    /// Ids of the messages it is attached to.
    #[serde(default)]
    pub messages: Vec<String>,
}

/// A custom emoji of the organization.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomEmojiRec {
    /// The `{customEmoji}` of its name.
    pub id: String,
    pub uid: String,
    /// `:like-this:`.
    pub emoji_name: String,
    /// `users/<id>` of its creator.
    pub creator: String,
}

impl MsgRec {
    pub fn deleted(&self) -> bool {
        self.msg.delete_time.is_some()
    }
    pub fn create_time(&self) -> DateTime<Utc> {
        self.msg.create_time.unwrap_or_default()
    }
    pub fn is_reply(&self) -> bool {
        self.msg.thread_reply
    }
}

/// Serde for required timestamps in the store file.
mod timestamp_req {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&timestamp::format(t))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let s = String::deserialize(d)?;
        timestamp::parse(&s).map_err(serde::de::Error::custom)
    }
}
