//! Chat API v1 resources for staying in sync with the user's other clients: read state,
//! space events, message search, notification settings and sections. Named as in
//! Google's discovery document; on the wire as in `model`.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::model::{string_enum, timestamp, Membership, Message, Space};

/// `users/{user}/spaces/{space}/spaceReadState`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpaceReadState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(
        default,
        alias = "last_read_time",
        with = "timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_read_time: Option<DateTime<Utc>>,
}

/// `users/{user}/spaces/{space}/threads/{thread}/threadReadState`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadReadState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(
        default,
        alias = "last_read_time",
        with = "timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_read_time: Option<DateTime<Utc>>,
}

string_enum!(EventType {
    MessageCreated = "google.workspace.chat.message.v1.created",
    MessageUpdated = "google.workspace.chat.message.v1.updated",
    MessageDeleted = "google.workspace.chat.message.v1.deleted",
    MessageBatchCreated = "google.workspace.chat.message.v1.batchCreated",
    MessageBatchUpdated = "google.workspace.chat.message.v1.batchUpdated",
    MessageBatchDeleted = "google.workspace.chat.message.v1.batchDeleted",
    MembershipCreated = "google.workspace.chat.membership.v1.created",
    MembershipUpdated = "google.workspace.chat.membership.v1.updated",
    MembershipDeleted = "google.workspace.chat.membership.v1.deleted",
    MembershipBatchCreated = "google.workspace.chat.membership.v1.batchCreated",
    MembershipBatchUpdated = "google.workspace.chat.membership.v1.batchUpdated",
    MembershipBatchDeleted = "google.workspace.chat.membership.v1.batchDeleted",
    ReactionCreated = "google.workspace.chat.reaction.v1.created",
    ReactionDeleted = "google.workspace.chat.reaction.v1.deleted",
    ReactionBatchCreated = "google.workspace.chat.reaction.v1.batchCreated",
    ReactionBatchDeleted = "google.workspace.chat.reaction.v1.batchDeleted",
    SpaceUpdated = "google.workspace.chat.space.v1.updated",
    SpaceBatchUpdated = "google.workspace.chat.space.v1.batchUpdated",
});

impl EventType {
    /// The event types a `spaceEvents.list` filter may name (batch types may not be).
    pub const FILTERABLE: &'static [EventType] = &[
        EventType::MessageCreated,
        EventType::MessageUpdated,
        EventType::MessageDeleted,
        EventType::MembershipCreated,
        EventType::MembershipUpdated,
        EventType::MembershipDeleted,
        EventType::ReactionCreated,
        EventType::ReactionDeleted,
        EventType::SpaceUpdated,
    ];

    pub fn is_batch(&self) -> bool {
        self.as_str()
            .rsplit('.')
            .next()
            .is_some_and(|last| last.starts_with("batch"))
    }
}

/// `{"message": Message}`: the payload of message events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MessageEventData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
}

/// `{"membership": Membership}`: the payload of membership events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MembershipEventData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub membership: Option<Membership>,
}

/// `{"space": Space}`: the payload of space events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SpaceEventData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub space: Option<Space>,
}

/// A change in a space (`spaces/{space}/spaceEvents/{spaceEvent}`). The payloads gchat
/// reads are typed; any other (reactions, batches) is kept as JSON in `other`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpaceEvent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(
        default,
        alias = "event_time",
        with = "timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_time: Option<DateTime<Utc>>,
    #[serde(default, alias = "event_type", skip_serializing_if = "Option::is_none")]
    pub event_type: Option<EventType>,
    #[serde(
        default,
        alias = "message_created_event_data",
        skip_serializing_if = "Option::is_none"
    )]
    pub message_created_event_data: Option<MessageEventData>,
    #[serde(
        default,
        alias = "message_updated_event_data",
        skip_serializing_if = "Option::is_none"
    )]
    pub message_updated_event_data: Option<MessageEventData>,
    #[serde(
        default,
        alias = "message_deleted_event_data",
        skip_serializing_if = "Option::is_none"
    )]
    pub message_deleted_event_data: Option<MessageEventData>,
    #[serde(
        default,
        alias = "membership_created_event_data",
        skip_serializing_if = "Option::is_none"
    )]
    pub membership_created_event_data: Option<MembershipEventData>,
    #[serde(
        default,
        alias = "membership_updated_event_data",
        skip_serializing_if = "Option::is_none"
    )]
    pub membership_updated_event_data: Option<MembershipEventData>,
    #[serde(
        default,
        alias = "membership_deleted_event_data",
        skip_serializing_if = "Option::is_none"
    )]
    pub membership_deleted_event_data: Option<MembershipEventData>,
    #[serde(
        default,
        alias = "space_updated_event_data",
        skip_serializing_if = "Option::is_none"
    )]
    pub space_updated_event_data: Option<SpaceEventData>,
    /// Payloads not typed above (reactions, batch events), by field name.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

impl SpaceEvent {
    /// The message a message event carries.
    pub fn message(&self) -> Option<&Message> {
        [
            &self.message_created_event_data,
            &self.message_updated_event_data,
            &self.message_deleted_event_data,
        ]
        .into_iter()
        .find_map(|d| d.as_ref().and_then(|d| d.message.as_ref()))
    }

    /// The membership a membership event carries.
    pub fn membership(&self) -> Option<&Membership> {
        [
            &self.membership_created_event_data,
            &self.membership_updated_event_data,
            &self.membership_deleted_event_data,
        ]
        .into_iter()
        .find_map(|d| d.as_ref().and_then(|d| d.membership.as_ref()))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListSpaceEventsResponse {
    #[serde(default, alias = "space_events", skip_serializing_if = "Vec::is_empty")]
    pub space_events: Vec<SpaceEvent>,
    #[serde(
        default,
        alias = "next_page_token",
        skip_serializing_if = "Option::is_none"
    )]
    pub next_page_token: Option<String>,
}

string_enum!(MuteSetting {
    Unspecified = "MUTE_SETTING_UNSPECIFIED",
    Unmuted = "UNMUTED",
    Muted = "MUTED",
});

string_enum!(NotificationSetting {
    Unspecified = "NOTIFICATION_SETTING_UNSPECIFIED",
    All = "ALL",
    MainConversations = "MAIN_CONVERSATIONS",
    ForYou = "FOR_YOU",
    Off = "OFF",
});

/// `users/{user}/spaces/{space}/spaceNotificationSetting`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpaceNotificationSetting {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(
        default,
        alias = "mute_setting",
        skip_serializing_if = "Option::is_none"
    )]
    pub mute_setting: Option<MuteSetting>,
    #[serde(
        default,
        alias = "notification_setting",
        skip_serializing_if = "Option::is_none"
    )]
    pub notification_setting: Option<NotificationSetting>,
}

impl SpaceNotificationSetting {
    pub fn is_muted(&self) -> bool {
        self.mute_setting == Some(MuteSetting::Muted)
    }
}

string_enum!(SectionType {
    Unspecified = "SECTION_TYPE_UNSPECIFIED",
    Custom = "CUSTOM_SECTION",
    DefaultDirectMessages = "DEFAULT_DIRECT_MESSAGES",
    DefaultSpaces = "DEFAULT_SPACES",
    DefaultApps = "DEFAULT_APPS",
});

/// A section of the user's list of conversations (`users/{user}/sections/{section}`;
/// `GoogleChatV1Section` in the discovery document).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Section {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(
        default,
        alias = "display_name",
        skip_serializing_if = "Option::is_none"
    )]
    pub display_name: Option<String>,
    #[serde(default, alias = "sort_order", skip_serializing_if = "Option::is_none")]
    pub sort_order: Option<i32>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub section_type: Option<SectionType>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListSectionsResponse {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<Section>,
    #[serde(
        default,
        alias = "next_page_token",
        skip_serializing_if = "Option::is_none"
    )]
    pub next_page_token: Option<String>,
}

/// A space in a section (`users/{user}/sections/{section}/items/{item}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SectionItem {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub space: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListSectionItemsResponse {
    #[serde(
        default,
        alias = "section_items",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub section_items: Vec<SectionItem>,
    #[serde(
        default,
        alias = "next_page_token",
        skip_serializing_if = "Option::is_none"
    )]
    pub next_page_token: Option<String>,
}

string_enum!(RelativePosition {
    Unspecified = "POSITION_UNSPECIFIED",
    Start = "START",
    End = "END",
});

/// The body of `users.sections.position`: one of the two.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PositionSectionRequest {
    #[serde(default, alias = "sort_order", skip_serializing_if = "Option::is_none")]
    pub sort_order: Option<i32>,
    #[serde(
        default,
        alias = "relative_position",
        skip_serializing_if = "Option::is_none"
    )]
    pub relative_position: Option<RelativePosition>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PositionSectionResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<Section>,
}

/// The body of `users.sections.items.move`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MoveSectionItemRequest {
    #[serde(
        default,
        alias = "target_section",
        skip_serializing_if = "Option::is_none"
    )]
    pub target_section: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MoveSectionItemResponse {
    #[serde(
        default,
        alias = "section_item",
        skip_serializing_if = "Option::is_none"
    )]
    pub section_item: Option<SectionItem>,
}

/// The body of `spaces.messages.search`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchMessagesRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    #[serde(default, alias = "order_by", skip_serializing_if = "Option::is_none")]
    pub order_by: Option<String>,
    #[serde(default, alias = "page_size", skip_serializing_if = "Option::is_none")]
    pub page_size: Option<i32>,
    #[serde(default, alias = "page_token", skip_serializing_if = "Option::is_none")]
    pub page_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<String>,
    #[serde(
        default,
        alias = "markup_syntax",
        skip_serializing_if = "Option::is_none"
    )]
    pub markup_syntax: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchMessageResult {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read: Option<bool>,
    #[serde(
        default,
        alias = "space_mute_setting",
        skip_serializing_if = "Option::is_none"
    )]
    pub space_mute_setting: Option<MuteSetting>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchMessagesResponse {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub results: Vec<SearchMessageResult>,
    #[serde(
        default,
        alias = "next_page_token",
        skip_serializing_if = "Option::is_none"
    )]
    pub next_page_token: Option<String>,
}
