//! Chat API v1 and People API v1 resources, named as in Google's discovery documents.
//!
//! On the wire: camelCase field names, default-valued fields omitted (proto3 JSON). Input
//! also accepts the snake_case spellings Google's front end accepts. Cards and other
//! nested structures that gchat does not interpret are kept as JSON values so a read,
//! modify, write cycle never loses anything.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::fmt;

/// RFC 3339 timestamps in UTC with a `Z` suffix and only as many fractional digits as
/// needed (0, 3, 6 or 9), so a timestamp read from the server is written back unchanged.
pub mod timestamp {
    use super::*;

    pub fn format(t: &DateTime<Utc>) -> String {
        t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }

    pub fn parse(s: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
        match utc(s.as_bytes()) {
            Some(t) => Ok(t),
            None => DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)),
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS[.F]Z` with 1 to 9 fraction digits: the form the API sends,
    /// read without chrono's general parser (a page of messages holds two per message).
    /// `None` for any other form, which chrono then reads or refuses.
    fn utc(b: &[u8]) -> Option<DateTime<Utc>> {
        if !(20..=30).contains(&b.len())
            || b[4] != b'-'
            || b[7] != b'-'
            || b[10] != b'T'
            || b[13] != b':'
            || b[16] != b':'
        {
            return None;
        }
        let digit = |i: usize| {
            let d = b[i].wrapping_sub(b'0');
            (d < 10).then_some(u32::from(d))
        };
        let two = |i: usize| Some(digit(i)? * 10 + digit(i + 1)?);
        let year = two(0)? * 100 + two(2)?;
        let (month, day) = (two(5)?, two(8)?);
        let (hour, minute, second) = (two(11)?, two(14)?, two(17)?);
        let mut i = 19;
        let mut nano = 0;
        if b[i] == b'.' {
            i += 1;
            let start = i;
            while let Some(d) = b.get(i).and_then(|_| digit(i)) {
                nano = nano * 10 + d;
                i += 1;
            }
            let digits = i - start;
            if digits == 0 || digits > 9 {
                return None;
            }
            nano *= 10u32.pow((9 - digits) as u32);
        }
        // A leap second (:60) is left to chrono.
        if i + 1 != b.len() || b[i] != b'Z' || second > 59 {
            return None;
        }
        let date = chrono::NaiveDate::from_ymd_opt(year as i32, month, day)?;
        let time = chrono::NaiveTime::from_hms_nano_opt(hour, minute, second, nano)?;
        Some(date.and_time(time).and_utc())
    }

    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&format(t)),
            None => s.serialize_none(),
        }
    }

    /// Parsed straight from the text as read (no owned copy of it first).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        d.deserialize_option(OptionalTime)
    }

    struct OptionalTime;

    impl<'de> serde::de::Visitor<'de> for OptionalTime {
        type Value = Option<DateTime<Utc>>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an RFC 3339 timestamp or null")
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_str(Time).map(Some)
        }
    }

    struct Time;

    impl serde::de::Visitor<'_> for Time {
        type Value = DateTime<Utc>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an RFC 3339 timestamp")
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
            parse(s).map_err(|e| E::custom(format!("invalid RFC 3339 timestamp {s:?}: {e}")))
        }
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_zero(n: &i32) -> bool {
    *n == 0
}

/// A string enum from the discovery document. Values this build does not know are kept
/// verbatim in `Other`, so nothing Google adds later is lost or rejected by the client.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $wire:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)*
            /// A value this build of gchat does not know.
            Other(String),
        }

        impl $name {
            /// Every value the discovery document lists.
            pub const KNOWN: &'static [&'static str] = &[$($wire),*];

            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Other(s) => s,
                }
            }

            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Other(_))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($wire => Self::$variant,)*
                    other => Self::Other(other.to_string()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            /// Known values from the text as read: no owned copy unless it is unknown.
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " string"))
                    }
                    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<$name, E> {
                        Ok($name::from(s))
                    }
                }
                d.deserialize_str(V)
            }
        }
    };
}
pub(crate) use string_enum;

string_enum!(SpaceType {
    Unspecified = "SPACE_TYPE_UNSPECIFIED",
    Space = "SPACE",
    GroupChat = "GROUP_CHAT",
    DirectMessage = "DIRECT_MESSAGE",
});

string_enum!(
    /// The deprecated `Space.type`.
    LegacySpaceType {
        Unspecified = "TYPE_UNSPECIFIED",
        Room = "ROOM",
        Dm = "DM",
    }
);

string_enum!(SpaceThreadingState {
    Unspecified = "SPACE_THREADING_STATE_UNSPECIFIED",
    ThreadedMessages = "THREADED_MESSAGES",
    GroupedMessages = "GROUPED_MESSAGES",
    UnthreadedMessages = "UNTHREADED_MESSAGES",
});

string_enum!(HistoryState {
    Unspecified = "HISTORY_STATE_UNSPECIFIED",
    HistoryOff = "HISTORY_OFF",
    HistoryOn = "HISTORY_ON",
});

string_enum!(PredefinedPermissionSettings {
    Unspecified = "PREDEFINED_PERMISSION_SETTINGS_UNSPECIFIED",
    CollaborationSpace = "COLLABORATION_SPACE",
    AnnouncementSpace = "ANNOUNCEMENT_SPACE",
});

string_enum!(MembershipState {
    Unspecified = "MEMBERSHIP_STATE_UNSPECIFIED",
    Joined = "JOINED",
    Invited = "INVITED",
    NotAMember = "NOT_A_MEMBER",
});

string_enum!(MembershipRole {
    Unspecified = "MEMBERSHIP_ROLE_UNSPECIFIED",
    Member = "ROLE_MEMBER",
    Manager = "ROLE_MANAGER",
    AssistantManager = "ROLE_ASSISTANT_MANAGER",
});

string_enum!(Affiliation {
    Unspecified = "AFFILIATION_UNSPECIFIED",
    Internal = "INTERNAL",
    External = "EXTERNAL",
    ManagedExternal = "MANAGED_EXTERNAL",
});

string_enum!(UserType {
    Unspecified = "TYPE_UNSPECIFIED",
    Human = "HUMAN",
    Bot = "BOT",
});

string_enum!(AnnotationType {
    Unspecified = "ANNOTATION_TYPE_UNSPECIFIED",
    UserMention = "USER_MENTION",
    SlashCommand = "SLASH_COMMAND",
    RichLink = "RICH_LINK",
    CustomEmoji = "CUSTOM_EMOJI",
});

string_enum!(UserMentionType {
    Unspecified = "TYPE_UNSPECIFIED",
    Add = "ADD",
    Mention = "MENTION",
});

string_enum!(DeletionType {
    Unspecified = "DELETION_TYPE_UNSPECIFIED",
    Creator = "CREATOR",
    SpaceOwner = "SPACE_OWNER",
    Admin = "ADMIN",
    AppMessageExpiry = "APP_MESSAGE_EXPIRY",
    CreatorViaApp = "CREATOR_VIA_APP",
    SpaceOwnerViaApp = "SPACE_OWNER_VIA_APP",
    SpaceMember = "SPACE_MEMBER",
});

string_enum!(MarkupSyntax {
    Unspecified = "MARKUP_SYNTAX_UNSPECIFIED",
    Chat = "MARKUP_SYNTAX_CHAT",
    Markdown = "MARKUP_SYNTAX_MARKDOWN",
});

string_enum!(
    /// `messages.create`'s `messageReplyOption` query parameter.
    MessageReplyOption {
        Unspecified = "MESSAGE_REPLY_OPTION_UNSPECIFIED",
        FallbackToNewThread = "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD",
        OrFail = "REPLY_MESSAGE_OR_FAIL",
    }
);

/// A space: a named space, a group chat, or a direct message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Space {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub legacy_type: Option<LegacySpaceType>,
    #[serde(default, alias = "space_type", skip_serializing_if = "Option::is_none")]
    pub space_type: Option<SpaceType>,
    #[serde(
        default,
        alias = "single_user_bot_dm",
        skip_serializing_if = "is_false"
    )]
    pub single_user_bot_dm: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub threaded: bool,
    #[serde(
        default,
        alias = "display_name",
        skip_serializing_if = "Option::is_none"
    )]
    pub display_name: Option<String>,
    #[serde(
        default,
        alias = "external_user_allowed",
        skip_serializing_if = "is_false"
    )]
    pub external_user_allowed: bool,
    #[serde(
        default,
        alias = "space_threading_state",
        skip_serializing_if = "Option::is_none"
    )]
    pub space_threading_state: Option<SpaceThreadingState>,
    #[serde(
        default,
        alias = "space_details",
        skip_serializing_if = "Option::is_none"
    )]
    pub space_details: Option<SpaceDetails>,
    #[serde(
        default,
        alias = "space_history_state",
        skip_serializing_if = "Option::is_none"
    )]
    pub space_history_state: Option<HistoryState>,
    #[serde(default, alias = "import_mode", skip_serializing_if = "is_false")]
    pub import_mode: bool,
    #[serde(
        default,
        alias = "create_time",
        with = "timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub create_time: Option<DateTime<Utc>>,
    #[serde(
        default,
        alias = "last_active_time",
        with = "timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_active_time: Option<DateTime<Utc>>,
    #[serde(default, alias = "admin_installed", skip_serializing_if = "is_false")]
    pub admin_installed: bool,
    #[serde(
        default,
        alias = "membership_count",
        skip_serializing_if = "Option::is_none"
    )]
    pub membership_count: Option<MembershipCount>,
    #[serde(
        default,
        alias = "access_settings",
        skip_serializing_if = "Option::is_none"
    )]
    pub access_settings: Option<Value>,
    #[serde(default, alias = "space_uri", skip_serializing_if = "Option::is_none")]
    pub space_uri: Option<String>,
    #[serde(
        default,
        alias = "predefined_permission_settings",
        skip_serializing_if = "Option::is_none"
    )]
    pub predefined_permission_settings: Option<PredefinedPermissionSettings>,
    #[serde(
        default,
        alias = "permission_settings",
        skip_serializing_if = "Option::is_none"
    )]
    pub permission_settings: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    #[serde(
        default,
        alias = "import_mode_expire_time",
        with = "timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub import_mode_expire_time: Option<DateTime<Utc>>,
}

impl Space {
    pub fn kind(&self) -> SpaceType {
        self.space_type.clone().unwrap_or(SpaceType::Unspecified)
    }
    pub fn is_dm(&self) -> bool {
        self.kind() == SpaceType::DirectMessage
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpaceDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guidelines: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MembershipCount {
    #[serde(
        default,
        alias = "joined_direct_human_user_count",
        skip_serializing_if = "is_zero"
    )]
    pub joined_direct_human_user_count: i32,
    #[serde(default, alias = "joined_group_count", skip_serializing_if = "is_zero")]
    pub joined_group_count: i32,
}

/// A person or an app.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(
        default,
        alias = "display_name",
        skip_serializing_if = "Option::is_none"
    )]
    pub display_name: Option<String>,
    #[serde(default, alias = "domain_id", skip_serializing_if = "Option::is_none")]
    pub domain_id: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub user_type: Option<UserType>,
    #[serde(default, alias = "is_anonymous", skip_serializing_if = "is_false")]
    pub is_anonymous: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, alias = "avatar_url", skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
}

impl User {
    pub fn is_bot(&self) -> bool {
        self.user_type == Some(UserType::Bot)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A user's or app's membership in a space.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Membership {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<MembershipState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<MembershipRole>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<User>,
    #[serde(
        default,
        alias = "group_member",
        skip_serializing_if = "Option::is_none"
    )]
    pub group_member: Option<Group>,
    #[serde(
        default,
        alias = "create_time",
        with = "timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub create_time: Option<DateTime<Utc>>,
    #[serde(
        default,
        alias = "delete_time",
        with = "timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub delete_time: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<Affiliation>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Thread {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, alias = "thread_key", skip_serializing_if = "Option::is_none")]
    pub thread_key: Option<String>,
}

/// A card (`cardsV2`), kept as structured JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CardWithId {
    #[serde(default, alias = "card_id", skip_serializing_if = "Option::is_none")]
    pub card_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<Value>,
    #[serde(default, alias = "owner_user", skip_serializing_if = "Option::is_none")]
    pub owner_user: Option<User>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserMentionMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub mention_type: Option<UserMentionType>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Annotation {
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub annotation_type: Option<AnnotationType>,
    #[serde(
        default,
        alias = "start_index",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_index: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<i32>,
    #[serde(
        default,
        alias = "user_mention",
        skip_serializing_if = "Option::is_none"
    )]
    pub user_mention: Option<UserMentionMetadata>,
    #[serde(
        default,
        alias = "slash_command",
        skip_serializing_if = "Option::is_none"
    )]
    pub slash_command: Option<Value>,
    #[serde(
        default,
        alias = "rich_link_metadata",
        skip_serializing_if = "Option::is_none"
    )]
    pub rich_link_metadata: Option<Value>,
    #[serde(
        default,
        alias = "custom_emoji_metadata",
        skip_serializing_if = "Option::is_none"
    )]
    pub custom_emoji_metadata: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeletionMetadata {
    #[serde(
        default,
        alias = "deletion_type",
        skip_serializing_if = "Option::is_none"
    )]
    pub deletion_type: Option<DeletionType>,
}

/// A message in a space.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<User>,
    #[serde(
        default,
        alias = "create_time",
        with = "timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub create_time: Option<DateTime<Utc>>,
    #[serde(
        default,
        alias = "last_update_time",
        with = "timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_update_time: Option<DateTime<Utc>>,
    #[serde(
        default,
        alias = "delete_time",
        with = "timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub delete_time: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(
        default,
        alias = "formatted_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub formatted_text: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cards: Vec<Value>,
    #[serde(default, alias = "cards_v2", skip_serializing_if = "Vec::is_empty")]
    pub cards_v2: Vec<CardWithId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<Annotation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread: Option<Thread>,
    /// Boxed: a Space is large, and a list of messages repeats it in each one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub space: Option<Box<Space>>,
    #[serde(
        default,
        alias = "fallback_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub fallback_text: Option<String>,
    #[serde(
        default,
        alias = "action_response",
        skip_serializing_if = "Option::is_none"
    )]
    pub action_response: Option<Value>,
    #[serde(
        default,
        alias = "argument_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub argument_text: Option<String>,
    #[serde(
        default,
        alias = "slash_command",
        skip_serializing_if = "Option::is_none"
    )]
    pub slash_command: Option<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachment: Vec<Value>,
    #[serde(
        default,
        alias = "matched_url",
        skip_serializing_if = "Option::is_none"
    )]
    pub matched_url: Option<Value>,
    #[serde(default, alias = "thread_reply", skip_serializing_if = "is_false")]
    pub thread_reply: bool,
    #[serde(
        default,
        alias = "client_assigned_message_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub client_assigned_message_id: Option<String>,
    #[serde(
        default,
        alias = "emoji_reaction_summaries",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub emoji_reaction_summaries: Vec<Value>,
    #[serde(
        default,
        alias = "private_message_viewer",
        skip_serializing_if = "Option::is_none"
    )]
    pub private_message_viewer: Option<Box<User>>,
    #[serde(
        default,
        alias = "deletion_metadata",
        skip_serializing_if = "Option::is_none"
    )]
    pub deletion_metadata: Option<DeletionMetadata>,
    #[serde(
        default,
        alias = "quoted_message_metadata",
        skip_serializing_if = "Option::is_none"
    )]
    pub quoted_message_metadata: Option<Value>,
    #[serde(
        default,
        alias = "attached_gifs",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub attached_gifs: Vec<Value>,
    #[serde(
        default,
        alias = "accessory_widgets",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub accessory_widgets: Vec<Value>,
    #[serde(
        default,
        alias = "markup_syntax",
        skip_serializing_if = "Option::is_none"
    )]
    pub markup_syntax: Option<MarkupSyntax>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elements: Option<Value>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub silent: bool,
}

impl Message {
    /// A text-only message.
    pub fn text(text: impl Into<String>) -> Self {
        Message {
            text: Some(text.into()),
            ..Default::default()
        }
    }
    pub fn thread_name(&self) -> Option<&str> {
        self.thread.as_ref().and_then(|t| t.name.as_deref())
    }
    pub fn sender_name(&self) -> Option<&str> {
        self.sender.as_ref().and_then(|u| u.name.as_deref())
    }
    pub fn is_deleted(&self) -> bool {
        self.delete_time.is_some()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListSpacesResponse {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spaces: Vec<Space>,
    #[serde(
        default,
        alias = "next_page_token",
        skip_serializing_if = "Option::is_none"
    )]
    pub next_page_token: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListMembershipsResponse {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub memberships: Vec<Membership>,
    #[serde(
        default,
        alias = "next_page_token",
        skip_serializing_if = "Option::is_none"
    )]
    pub next_page_token: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListMessagesResponse {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<Message>,
    #[serde(
        default,
        alias = "next_page_token",
        skip_serializing_if = "Option::is_none"
    )]
    pub next_page_token: Option<String>,
}

/// The body of `spaces.setup`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetUpSpaceRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub space: Option<Space>,
    #[serde(default, alias = "request_id", skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub memberships: Vec<Membership>,
}

/// The empty response of deletes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Empty {}

// ---- People API (only what gchat reads) ----

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<PersonName>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub email_addresses: Vec<EmailAddress>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<Value>,
}

impl Person {
    /// The primary display name, or the first one.
    pub fn display_name(&self) -> Option<&str> {
        let primary = self
            .names
            .iter()
            .find(|n| n.metadata.as_ref().is_some_and(|m| m.primary));
        primary
            .or(self.names.first())
            .and_then(|n| n.display_name.as_deref())
    }
    pub fn email(&self) -> Option<&str> {
        self.email_addresses
            .first()
            .and_then(|e| e.value.as_deref())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldMetadata {
    #[serde(default, skip_serializing_if = "is_false")]
    pub primary: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonName {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<FieldMetadata>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name_last_first: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unstructured_name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailAddress {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<FieldMetadata>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub email_type: Option<String>,
}

/// `google.rpc.Status` as the People API embeds it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RpcStatus {
    #[serde(default, skip_serializing_if = "is_zero")]
    pub code: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_resource_name: Option<String>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub http_status_code: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<Person>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<RpcStatus>,
}

/// The People API's answer to `people:searchDirectoryPeople`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchDirectoryPeopleResponse {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub people: Vec<Person>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_size: Option<i32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetPeopleResponse {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub responses: Vec<PersonResponse>,
}

// ---- reactions, attachments, quotes, pins, custom emoji ----

/// A custom emoji (`customEmojis/{customEmoji}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomEmoji {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    #[serde(default, alias = "emoji_name", skip_serializing_if = "Option::is_none")]
    pub emoji_name: Option<String>,
    #[serde(
        default,
        alias = "temporary_image_uri",
        skip_serializing_if = "Option::is_none"
    )]
    pub temporary_image_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<Value>,
}

/// The emoji of a reaction: a Unicode emoji or a custom one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Emoji {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unicode: Option<String>,
    #[serde(
        default,
        alias = "custom_emoji",
        skip_serializing_if = "Option::is_none"
    )]
    pub custom_emoji: Option<CustomEmoji>,
}

impl Emoji {
    pub fn unicode(s: impl Into<String>) -> Self {
        Emoji {
            unicode: Some(s.into()),
            custom_emoji: None,
        }
    }
    /// A custom emoji by its `uid`.
    pub fn custom_uid(uid: impl Into<String>) -> Self {
        Emoji {
            unicode: None,
            custom_emoji: Some(CustomEmoji {
                uid: Some(uid.into()),
                ..Default::default()
            }),
        }
    }
}

/// A reaction to a message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reaction {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emoji: Option<Emoji>,
}

/// How many people reacted to a message with one emoji.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmojiReactionSummary {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emoji: Option<Emoji>,
    #[serde(
        default,
        alias = "reaction_count",
        skip_serializing_if = "Option::is_none"
    )]
    pub reaction_count: Option<i32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListReactionsResponse {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reactions: Vec<Reaction>,
    #[serde(
        default,
        alias = "next_page_token",
        skip_serializing_if = "Option::is_none"
    )]
    pub next_page_token: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListCustomEmojisResponse {
    #[serde(
        default,
        alias = "custom_emojis",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub custom_emojis: Vec<CustomEmoji>,
    #[serde(
        default,
        alias = "next_page_token",
        skip_serializing_if = "Option::is_none"
    )]
    pub next_page_token: Option<String>,
}

/// Where an uploaded attachment's data is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentDataRef {
    #[serde(
        default,
        alias = "resource_name",
        skip_serializing_if = "Option::is_none"
    )]
    pub resource_name: Option<String>,
    #[serde(
        default,
        alias = "attachment_upload_token",
        skip_serializing_if = "Option::is_none"
    )]
    pub attachment_upload_token: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DriveDataRef {
    #[serde(
        default,
        alias = "drive_file_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub drive_file_id: Option<String>,
}

string_enum!(AttachmentSource {
    Unspecified = "SOURCE_UNSPECIFIED",
    DriveFile = "DRIVE_FILE",
    UploadedContent = "UPLOADED_CONTENT",
});

/// A message's attachment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(
        default,
        alias = "content_name",
        skip_serializing_if = "Option::is_none"
    )]
    pub content_name: Option<String>,
    #[serde(
        default,
        alias = "content_type",
        skip_serializing_if = "Option::is_none"
    )]
    pub content_type: Option<String>,
    #[serde(
        default,
        alias = "attachment_data_ref",
        skip_serializing_if = "Option::is_none"
    )]
    pub attachment_data_ref: Option<AttachmentDataRef>,
    #[serde(
        default,
        alias = "drive_data_ref",
        skip_serializing_if = "Option::is_none"
    )]
    pub drive_data_ref: Option<DriveDataRef>,
    #[serde(
        default,
        alias = "thumbnail_uri",
        skip_serializing_if = "Option::is_none"
    )]
    pub thumbnail_uri: Option<String>,
    #[serde(
        default,
        alias = "download_uri",
        skip_serializing_if = "Option::is_none"
    )]
    pub download_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<AttachmentSource>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadAttachmentRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadAttachmentResponse {
    #[serde(
        default,
        alias = "attachment_data_ref",
        skip_serializing_if = "Option::is_none"
    )]
    pub attachment_data_ref: Option<AttachmentDataRef>,
}

/// The message another message quotes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuotedMessageMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(
        default,
        alias = "last_update_time",
        with = "timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_update_time: Option<DateTime<Utc>>,
    #[serde(default, alias = "quote_type", skip_serializing_if = "Option::is_none")]
    pub quote_type: Option<String>,
    #[serde(
        default,
        alias = "quoted_message_snapshot",
        skip_serializing_if = "Option::is_none"
    )]
    pub quoted_message_snapshot: Option<Value>,
}

/// A pin on a message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessagePin {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListMessagePinsResponse {
    #[serde(default, alias = "message_pins", skip_serializing_if = "Vec::is_empty")]
    pub message_pins: Vec<MessagePin>,
    #[serde(
        default,
        alias = "next_page_token",
        skip_serializing_if = "Option::is_none"
    )]
    pub next_page_token: Option<String>,
}

/// Typed views of the fields `Message` keeps as JSON (so that what this build does not
/// know survives a read-modify-write). Entries that do not parse are skipped.
impl Message {
    pub fn attachments(&self) -> Vec<Attachment> {
        self.attachment
            .iter()
            .filter_map(|v| serde_json::from_value(v.clone()).ok())
            .collect()
    }
    pub fn reaction_summaries(&self) -> Vec<EmojiReactionSummary> {
        self.emoji_reaction_summaries
            .iter()
            .filter_map(|v| serde_json::from_value(v.clone()).ok())
            .collect()
    }
    pub fn quoted(&self) -> Option<QuotedMessageMetadata> {
        self.quoted_message_metadata
            .as_ref()
            .and_then(|v| serde_json::from_value(v.clone()).ok())
    }
    /// Sets the message to quote (for a create).
    pub fn set_quoted(&mut self, q: &QuotedMessageMetadata) {
        self.quoted_message_metadata = serde_json::to_value(q).ok();
    }
    /// Attaches uploaded data (for a create).
    pub fn add_attachment(&mut self, data: &AttachmentDataRef) {
        if let Ok(v) = serde_json::to_value(Attachment {
            attachment_data_ref: Some(data.clone()),
            ..Default::default()
        }) {
            self.attachment.push(v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_fields_are_omitted() {
        let s = Space::default();
        assert_eq!(serde_json::to_string(&s).unwrap(), "{}");
        assert_eq!(
            serde_json::to_string(&ListMessagesResponse::default()).unwrap(),
            "{}"
        );
    }

    #[test]
    fn unknown_enum_values_survive_a_round_trip() {
        let s: Space = serde_json::from_value(json!({"spaceType": "FUTURE_KIND"})).unwrap();
        assert_eq!(s.space_type, Some(SpaceType::Other("FUTURE_KIND".into())));
        assert_eq!(
            serde_json::to_value(&s).unwrap(),
            json!({"spaceType": "FUTURE_KIND"})
        );
    }

    #[test]
    fn cards_round_trip_unchanged() {
        let v = json!({
            "name": "spaces/S/messages/A.A",
            "cardsV2": [{"cardId": "c1", "card": {"header": {"title": "T", "imageType": "CIRCLE"},
              "sections": [{"widgets": [{"buttonList": {"buttons": [{"text": "Docs",
              "onClick": {"openLink": {"url": "https://developers.google.com/chat"}}}]}}]}]}}],
            "createTime": "2024-05-01T10:11:12.345678Z",
            "thread": {"name": "spaces/S/threads/A"}
        });
        let m: Message = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(serde_json::to_value(&m).unwrap(), v);
    }

    #[test]
    fn timestamps_read_as_chrono_reads_them() {
        let chrono = |s: &str| DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc));
        let mut forms = vec![
            "2024-05-01T10:11:12Z".to_string(),
            "2024-05-01T10:11:12.3Z".into(),
            "2024-05-01T10:11:12.345Z".into(),
            "2024-05-01T10:11:12.345678Z".into(),
            "2024-05-01T10:11:12.123456789Z".into(),
            "2024-05-01T10:11:12.000000000Z".into(),
            "2024-05-01T10:11:12.1234567891Z".into(),
            "2024-05-01T10:11:12+05:30".into(),
            "2024-05-01T10:11:12.5-08:00".into(),
            "2024-05-01T10:11:12.5+00:00".into(),
            "2024-05-01t10:11:12z".into(),
            "2024-05-01 10:11:12Z".into(),
            "2016-12-31T23:59:60Z".into(),
            "2024-02-29T00:00:00Z".into(),
            "2023-02-29T00:00:00Z".into(),
            "2024-04-31T00:00:00Z".into(),
            "2024-13-01T00:00:00Z".into(),
            "2024-00-01T00:00:00Z".into(),
            "2024-05-01T24:00:00Z".into(),
            "2024-05-01T23:60:00Z".into(),
            "0000-01-01T00:00:00Z".into(),
            "9999-12-31T23:59:59.999999999Z".into(),
            "2024-05-01T10:11:12.Z".into(),
            "2024-05-01T10:11:12".into(),
            "2024-05-01T10:11:12ZZ".into(),
            "2024-05-01T10:11:12.5 Z".into(),
            "2024-5-01T10:11:12Z".into(),
            "+2024-05-01T10:11:1Z".into(),
            "2024-05-01T10:1a:12Z".into(),
            "２０２４-05-01T10:11:12Z".into(),
            "yesterday".into(),
            String::new(),
        ];
        // And a spread of valid times at every precision the API writes.
        let mut t = DateTime::from_timestamp(0, 0).unwrap();
        for i in 0..2000u32 {
            t += chrono::TimeDelta::nanoseconds(i64::from(i) * 987_654_321_123 + 7);
            forms.push(timestamp::format(&t));
            forms.push(t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
        }
        for s in &forms {
            match (timestamp::parse(s), chrono(s)) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{s:?}"),
                (Err(_), Err(_)) => {}
                (a, b) => panic!("{s:?}: ours {a:?}, chrono's {b:?}"),
            }
        }
        assert_eq!(
            timestamp::parse("2024-05-01T10:11:12.5-08:00").unwrap(),
            timestamp::parse("2024-05-01T18:11:12.500Z").unwrap()
        );
    }

    #[test]
    fn timestamps_keep_their_precision() {
        for s in [
            "2024-05-01T10:11:12Z",
            "2024-05-01T10:11:12.345Z",
            "2024-05-01T10:11:12.345678Z",
            "2024-05-01T10:11:12.345678912Z",
        ] {
            let t = timestamp::parse(s).unwrap();
            assert_eq!(timestamp::format(&t), s);
        }
        let t = timestamp::parse("2023-04-21T11:30:00-04:00").unwrap();
        assert_eq!(timestamp::format(&t), "2023-04-21T15:30:00Z");
    }

    #[test]
    fn snake_case_input_is_accepted() {
        let s: Space = serde_json::from_value(
            json!({"space_type": "SPACE", "display_name": "x", "space_details": {"description": "d"}}),
        )
        .unwrap();
        assert_eq!(s.display_name.as_deref(), Some("x"));
        assert_eq!(s.kind(), SpaceType::Space);
    }
}
