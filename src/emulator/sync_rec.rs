//! The records the emulator keeps to stay in sync with other clients (read states,
//! notification settings, sections, space events): the values of `Store::sync`. What
//! reads and writes them is `sync`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::model::timestamp;
use crate::api::sync_model::{EventType, MuteSetting, NotificationSetting, SectionType};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum SyncRec {
    /// A space's or a thread's read state.
    Read {
        #[serde(default, with = "timestamp")]
        time: Option<DateTime<Utc>>,
    },
    Notify {
        mute: MuteSetting,
        notification: NotificationSetting,
    },
    Sections(UserSections),
    Event(EventRec),
}

/// One change in a space.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventRec {
    pub seq: u64,
    #[serde(default, with = "timestamp")]
    pub time: Option<DateTime<Utc>>,
    pub event_type: EventType,
    /// What changed: a message id, a member's user id, or the space's id; for events
    /// recorded by [`record_event`], the resource's name.
    pub resource: String,
    /// The payload as it was recorded, for resources the emulator cannot look up later
    /// (reactions): the `...EventData` object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<Value>,
}

/// A user's sections and which section each space is in (spaces not listed are in their
/// default section).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserSections {
    /// In display order.
    pub sections: Vec<SectionRec>,
    /// space id -> custom section id.
    #[serde(default)]
    pub items: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SectionRec {
    pub id: String,
    pub kind: SectionType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

pub const DEFAULT_DMS: &str = "default-direct-messages";
pub const DEFAULT_SPACES: &str = "default-spaces";
pub const DEFAULT_APPS: &str = "default-apps";

impl Default for UserSections {
    fn default() -> Self {
        let d = |id: &str, kind| SectionRec {
            id: id.to_string(),
            kind,
            display_name: None,
        };
        UserSections {
            sections: vec![
                d(DEFAULT_DMS, SectionType::DefaultDirectMessages),
                d(DEFAULT_SPACES, SectionType::DefaultSpaces),
                d(DEFAULT_APPS, SectionType::DefaultApps),
            ],
            items: BTreeMap::new(),
        }
    }
}
