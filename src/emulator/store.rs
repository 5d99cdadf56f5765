//! The emulator's state: people, apps, spaces with their members and messages. One owner
//! (a mutex in the server). The containers remember what a request changed (see
//! `tracked`), so that `journal` can save just that, or undo it.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

pub use super::ids::{now, random_id};
use super::tracked::{GrowMap, Messages, Spaces};
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

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpaceRec {
    /// Stored fields of the space; counts and URIs are computed when read.
    pub space: Space,
    /// `users/<id>` of the person or app that created it.
    pub creator: String,
    #[serde(default)]
    pub members: Vec<MemberRec>,
    /// In creation order, which is `createTime` order. Deleted messages stay as tombstones.
    #[serde(default)]
    pub messages: Messages,
    #[serde(default)]
    pub threads: GrowMap<ThreadRec>,
    /// `users/<caller>|<threadKey>` -> thread id: keys are scoped to who set them.
    #[serde(default)]
    pub thread_keys: GrowMap<String>,
    /// client-assigned id -> message id.
    #[serde(default)]
    pub client_ids: GrowMap<String>,
    /// requestId -> who sent it and the message it created.
    #[serde(default)]
    pub request_ids: GrowMap<RequestRec>,
    /// Uploaded attachment data by id.
    #[serde(default)]
    pub uploads: GrowMap<UploadRec>,
    /// The last timestamp handed out in this space: they strictly increase.
    #[serde(default, with = "timestamp")]
    pub last_time: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub index: HashMap<String, usize>,
}

impl SpaceRec {
    pub fn new(space: Space, creator: String) -> Self {
        SpaceRec {
            space,
            creator,
            members: Vec::new(),
            messages: Messages::default(),
            threads: GrowMap::default(),
            thread_keys: GrowMap::default(),
            client_ids: GrowMap::default(),
            request_ids: GrowMap::default(),
            uploads: GrowMap::default(),
            last_time: None,
            index: HashMap::new(),
        }
    }

    pub fn id(&self) -> &str {
        self.space
            .name
            .as_deref()
            .and_then(|n| n.strip_prefix("spaces/"))
            .unwrap_or("")
    }

    pub fn kind(&self) -> SpaceType {
        self.space.kind()
    }

    /// A timestamp later than any handed out before in this space.
    pub fn next_time(&mut self, now: DateTime<Utc>) -> DateTime<Utc> {
        let t = match self.last_time {
            Some(last) if now <= last => last + Duration::microseconds(1),
            _ => now,
        };
        self.last_time = Some(t);
        t
    }

    pub fn member(&self, user_id: &str) -> Option<&MemberRec> {
        self.members.iter().find(|m| m.user_id == user_id)
    }

    pub fn member_mut(&mut self, user_id: &str) -> Option<&mut MemberRec> {
        self.members.iter_mut().find(|m| m.user_id == user_id)
    }

    pub fn is_joined(&self, user_id: &str) -> bool {
        self.member(user_id).is_some_and(|m| m.joined())
    }

    pub fn joined_managers(&self) -> usize {
        self.members.iter().filter(|m| m.is_manager()).count()
    }

    pub fn rebuild_index(&mut self) {
        self.index = self
            .messages
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.clone(), i))
            .collect();
    }

    /// A message by server id or client-assigned id, deleted or not.
    pub fn find_message(&self, id: &str) -> Option<usize> {
        let id = self.client_ids.get(id).map(String::as_str).unwrap_or(id);
        self.index.get(id).copied()
    }

    pub fn push_message(&mut self, rec: MsgRec) -> usize {
        let i = self.messages.len();
        self.index.insert(rec.id.clone(), i);
        self.messages.push(rec);
        i
    }

    /// Forgets what was changed (after loading or building).
    pub fn clear_logs(&mut self) {
        self.messages.take_log();
        self.threads.take_log();
        self.thread_keys.take_log();
        self.client_ids.take_log();
        self.request_ids.take_log();
        self.uploads.take_log();
    }

    /// Live replies in the thread that `root` starts.
    pub fn live_replies(&self, thread_id: &str) -> Vec<usize> {
        self.messages
            .iter()
            .enumerate()
            .filter(|(_, m)| m.thread_id == thread_id && m.is_reply() && !m.deleted())
            .map(|(i, _)| i)
            .collect()
    }

    pub fn has_messages(&self) -> bool {
        !self.messages.is_empty()
    }
}

/// People and apps: who exists, by id and by email.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Directory {
    /// The workspace's email domain.
    pub domain: String,
    pub customer: String,
    pub people: BTreeMap<String, PersonRec>,
    pub apps: BTreeMap<String, AppRec>,
    /// The app an `app` token and `users/app` stand for.
    pub primary_app: String,
    #[serde(default)]
    pub next_person_id: u64,
    /// The directory lists every person in the workspace (the demo's does): an id it
    /// does not hold is no one, as on Google. A plain emulator's starts empty and
    /// accepts any id, since it cannot know who exists.
    #[serde(default)]
    pub complete: bool,
    /// The organization's custom emoji by id.
    #[serde(default)]
    pub custom_emojis: BTreeMap<String, CustomEmojiRec>,
    #[serde(skip)]
    email_index: HashMap<String, String>,
    /// The directory before the current request changed it.
    #[serde(skip)]
    before: Option<Box<Directory>>,
}

impl Directory {
    /// Keeps a copy of the directory as it is, before its first change in a request.
    fn remember(&mut self) {
        if self.before.is_none() {
            let mut copy = self.clone();
            copy.before = None;
            self.before = Some(Box::new(copy));
        }
    }

    /// The directory as it was before this request's changes, if it changed.
    pub(crate) fn take_before(&mut self) -> Option<Box<Directory>> {
        self.before.take()
    }

    pub fn rebuild_index(&mut self) {
        self.email_index = self
            .people
            .values()
            .filter_map(|p| p.email.as_ref().map(|e| (e.to_lowercase(), p.id.clone())))
            .collect();
    }

    pub fn add_person(&mut self, p: PersonRec) {
        self.remember();
        if let Some(e) = &p.email {
            self.email_index.insert(e.to_lowercase(), p.id.clone());
        }
        self.people.insert(p.id.clone(), p);
    }

    pub fn add_custom_emoji(&mut self, c: CustomEmojiRec) {
        self.remember();
        self.custom_emojis.insert(c.id.clone(), c);
    }

    pub fn remove_custom_emoji(&mut self, id: &str) -> Option<CustomEmojiRec> {
        self.remember();
        self.custom_emojis.remove(id)
    }

    /// A plain emulator's directory starts empty, yet whoever signs in is a person of
    /// the workspace: the first request of a user it does not hold adds them, named
    /// after their id (`User 1001`, `user1001@DOMAIN`), so the People API, member lists
    /// and mentions know the caller. A complete directory (the demo's) is left alone.
    pub fn know_caller(&mut self, user_id: &str) {
        if self.complete
            || self.people.contains_key(user_id)
            || user_id.is_empty()
            || !user_id.bytes().all(|b| b.is_ascii_digit())
        {
            return;
        }
        let email = format!("user{user_id}@{}", self.domain);
        if self.person_by_email(&email).is_some() {
            return;
        }
        self.add_person(PersonRec {
            id: user_id.to_string(),
            display_name: Some(format!("User {user_id}")),
            given_name: Some("User".into()),
            family_name: Some(user_id.to_string()),
            email: Some(email),
            auto_accept: true,
            external: false,
        });
    }

    pub fn person_by_email(&self, email: &str) -> Option<&PersonRec> {
        self.email_index
            .get(&email.to_lowercase())
            .and_then(|id| self.people.get(id))
    }

    /// The id for `email`, adding an external person if nobody has it.
    pub fn resolve_email(&mut self, email: &str) -> String {
        if let Some(p) = self.person_by_email(email) {
            return p.id.clone();
        }
        self.remember();
        self.next_person_id += 1;
        let id = self.next_person_id.to_string();
        let internal = email
            .rsplit_once('@')
            .is_some_and(|(_, d)| d.eq_ignore_ascii_case(&self.domain));
        self.add_person(PersonRec {
            id: id.clone(),
            display_name: None,
            given_name: None,
            family_name: None,
            email: Some(email.to_string()),
            auto_accept: internal,
            external: !internal,
        });
        id
    }

    pub fn is_app(&self, user_id: &str) -> bool {
        self.apps.contains_key(user_id)
    }

    pub fn is_external(&self, user_id: &str) -> bool {
        self.people.get(user_id).is_some_and(|p| p.external)
    }

    /// The `User` for `user_id`, with as much as `detail` allows.
    pub fn user_view(&self, user_id: &str, bot: bool, detail: Detail) -> User {
        let mut u = User {
            name: Some(format!("users/{user_id}")),
            user_type: Some(if bot { UserType::Bot } else { UserType::Human }),
            ..Default::default()
        };
        if bot {
            u.display_name = self.apps.get(user_id).map(|a| a.display_name.clone());
            return u;
        }
        if detail == Detail::Bare {
            return u;
        }
        if let Some(p) = self.people.get(user_id) {
            u.display_name = p.display_name.clone();
            if !p.external {
                u.domain_id = Some(self.customer.trim_start_matches("customers/").to_string());
            }
            if detail == Detail::Full {
                u.email = p.email.clone();
            }
        }
        u
    }
}

/// Everything the emulator knows.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Store {
    pub directory: Directory,
    pub spaces: Spaces,
    /// requestId -> who sent it and the space it created.
    #[serde(default)]
    pub space_requests: GrowMap<RequestRec>,
    /// OAuth clients, service accounts and the tokens issued to them.
    #[serde(default)]
    pub oauth: super::oauth_state::OAuthState,
    /// Read states, notification settings, sections and space events (see `sync`).
    #[serde(default)]
    pub sync: GrowMap<super::sync::SyncRec>,
}

impl Store {
    /// An empty workspace with one Chat app.
    pub fn empty() -> Self {
        let mut apps = BTreeMap::new();
        apps.insert(
            "9000".to_string(),
            AppRec {
                id: "9000".into(),
                display_name: "gchat app".into(),
            },
        );
        let mut s = Store {
            directory: Directory {
                domain: "example.com".into(),
                customer: "customers/C00gchat".into(),
                people: BTreeMap::new(),
                apps,
                primary_app: "9000".into(),
                next_person_id: 5_000_000,
                complete: false,
                custom_emojis: BTreeMap::new(),
                email_index: HashMap::new(),
                before: None,
            },
            spaces: Spaces::default(),
            space_requests: GrowMap::default(),
            oauth: Default::default(),
            sync: GrowMap::default(),
        };
        s.rebuild_indexes();
        s
    }

    pub fn rebuild_indexes(&mut self) {
        self.directory.rebuild_index();
        for s in self.spaces.values_mut_untracked() {
            s.rebuild_index();
        }
    }

    /// Forgets what was changed (after loading or building): the next request's changes
    /// start from here.
    pub fn clear_logs(&mut self) {
        self.spaces.take_log();
        for s in self.spaces.values_mut_untracked() {
            s.clear_logs();
        }
        self.space_requests.take_log();
        self.sync.take_log();
        self.directory.before = None;
    }

    pub fn new_space_id(&self) -> String {
        loop {
            let id = format!("AAAA{}", random_id(7));
            if !self.spaces.contains_key(&id) {
                return id;
            }
        }
    }
}

/// How much of a `User` a caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// `name` and `type` only.
    Bare,
    /// Plus `displayName` (app callers).
    Name,
    /// Plus `email` (people who share the space).
    Full,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_strictly_increase_within_a_space() {
        let mut s = SpaceRec::new(Space::default(), "users/1".into());
        let t = now();
        let a = s.next_time(t);
        let b = s.next_time(t);
        let c = s.next_time(t - Duration::seconds(5));
        assert!(a < b && b < c);
    }
}
