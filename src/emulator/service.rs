//! Routing, authentication and the HTTP glue. Each request: match the path (404), find
//! the caller (401), check the token's scopes (403), then run the method's handler
//! against the store under one lock, and save what the method changed before answering.

use std::collections::{HashMap, VecDeque};
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap, Method};
use serde::{Deserialize, Serialize};

use super::auth::{parse_dev_token, Accepts, Principal};
use super::error::{EmuError, EmuResult};
use super::journal::{ChangeSet, Durable, Opener, Ticket};
use super::paths::segments;
use super::request::Query;
use super::store::Store;
use crate::api::scope::Scope;

use super::{
    attachments, blobs, events, members, messages, people, pins, reactions, readstate, search,
    sections, spaces, sync,
};

use super::ctx::{Config, Ctx, Reply};

/// A failure to inject: the next `count` calls of `method` (or of any method) answer
/// `code`, optionally with `Retry-After`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    /// A REST method id such as `chat.spaces.messages.create`; every method when absent.
    #[serde(default)]
    pub method: Option<String>,
    pub code: u16,
    #[serde(default = "one")]
    pub count: u32,
    #[serde(default)]
    pub retry_after: Option<u64>,
}

fn one() -> u32 {
    1
}

/// The methods the emulator serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    ListSpaces,
    CreateSpace,
    SetupSpace,
    FindDirectMessage,
    GetSpace(String),
    PatchSpace(String),
    DeleteSpace(String),
    ListMembers(String),
    CreateMember(String),
    GetMember(String, String),
    PatchMember(String, String),
    DeleteMember(String, String),
    ListMessages(String),
    CreateMessage(String),
    GetMessage(String, String),
    PatchMessage(String, String),
    UpdateMessage(String, String),
    DeleteMessage(String, String),
    GetPerson(String),
    BatchGetPeople,
    SearchPeople,
    ListReactions(String, String),
    CreateReaction(String, String),
    DeleteReaction(String, String, String),
    GetAttachment(String, String, String),
    ListPins(String),
    CreatePin(String),
    DeletePin(String, String),
    ListCustomEmojis,
    GetCustomEmoji(String),
    CreateCustomEmoji,
    DeleteCustomEmoji(String),
    /// (user, space)
    GetSpaceReadState(String, String),
    UpdateSpaceReadState(String, String),
    /// (user, space, thread)
    GetThreadReadState(String, String, String),
    GetNotificationSetting(String, String),
    PatchNotificationSetting(String, String),
    ListSpaceEvents(String),
    GetSpaceEvent(String, String),
    /// (parent space, `-` for every space)
    SearchMessages(String),
    ListSections(String),
    CreateSection(String),
    /// (user, section)
    PatchSection(String, String),
    DeleteSection(String, String),
    PositionSection(String, String),
    ListSectionItems(String, String),
    /// (user, section, item)
    MoveSectionItem(String, String, String),
}

impl Route {
    pub fn resolve(method: &Method, segs: &[String]) -> Option<Route> {
        let s: Vec<&str> = segs.iter().map(String::as_str).collect();
        let m = method.as_str();
        let own = |x: &str| x.to_string();
        Some(match (m, s.as_slice()) {
            ("GET", ["v1", "spaces"]) => Route::ListSpaces,
            ("POST", ["v1", "spaces"]) => Route::CreateSpace,
            ("POST", ["v1", "spaces:setup"]) => Route::SetupSpace,
            ("GET", ["v1", "spaces:findDirectMessage"]) => Route::FindDirectMessage,
            ("GET", ["v1", "spaces", id]) => Route::GetSpace(own(id)),
            ("PATCH", ["v1", "spaces", id]) => Route::PatchSpace(own(id)),
            ("DELETE", ["v1", "spaces", id]) => Route::DeleteSpace(own(id)),
            ("GET", ["v1", "spaces", id, "members"]) => Route::ListMembers(own(id)),
            ("POST", ["v1", "spaces", id, "members"]) => Route::CreateMember(own(id)),
            ("GET", ["v1", "spaces", id, "members", mem]) => Route::GetMember(own(id), own(mem)),
            ("PATCH", ["v1", "spaces", id, "members", mem]) => {
                Route::PatchMember(own(id), own(mem))
            }
            ("DELETE", ["v1", "spaces", id, "members", mem]) => {
                Route::DeleteMember(own(id), own(mem))
            }
            ("GET", ["v1", "spaces", id, "messages"]) => Route::ListMessages(own(id)),
            ("POST", ["v1", "spaces", id, "messages"]) => Route::CreateMessage(own(id)),
            ("GET", ["v1", "spaces", id, "messages", msg]) => Route::GetMessage(own(id), own(msg)),
            ("PATCH", ["v1", "spaces", id, "messages", msg]) => {
                Route::PatchMessage(own(id), own(msg))
            }
            ("PUT", ["v1", "spaces", id, "messages", msg]) => {
                Route::UpdateMessage(own(id), own(msg))
            }
            ("DELETE", ["v1", "spaces", id, "messages", msg]) => {
                Route::DeleteMessage(own(id), own(msg))
            }
            ("GET", ["v1", "spaces", id, "messages", msg, "reactions"]) => {
                Route::ListReactions(own(id), own(msg))
            }
            ("POST", ["v1", "spaces", id, "messages", msg, "reactions"]) => {
                Route::CreateReaction(own(id), own(msg))
            }
            ("DELETE", ["v1", "spaces", id, "messages", msg, "reactions", r]) => {
                Route::DeleteReaction(own(id), own(msg), own(r))
            }
            ("GET", ["v1", "spaces", id, "messages", msg, "attachments", a]) => {
                Route::GetAttachment(own(id), own(msg), own(a))
            }
            ("GET", ["v1", "spaces", id, "messagePins"]) => Route::ListPins(own(id)),
            ("POST", ["v1", "spaces", id, "messagePins"]) => Route::CreatePin(own(id)),
            ("DELETE", ["v1", "spaces", id, "messagePins", p]) => Route::DeletePin(own(id), own(p)),
            ("GET", ["v1", "customEmojis"]) => Route::ListCustomEmojis,
            ("GET", ["v1", "customEmojis", id]) => Route::GetCustomEmoji(own(id)),
            ("POST", ["v1", "customEmojis"]) => Route::CreateCustomEmoji,
            ("DELETE", ["v1", "customEmojis", id]) => Route::DeleteCustomEmoji(own(id)),
            ("GET", ["v1", "people:batchGet"]) => Route::BatchGetPeople,
            ("GET", ["v1", "people:searchDirectoryPeople"]) => Route::SearchPeople,
            ("GET", ["v1", "people", id]) => Route::GetPerson(own(id)),
            ("GET", ["v1", "users", u, "spaces", s, "spaceReadState"]) => {
                Route::GetSpaceReadState(own(u), own(s))
            }
            ("PATCH", ["v1", "users", u, "spaces", s, "spaceReadState"]) => {
                Route::UpdateSpaceReadState(own(u), own(s))
            }
            ("GET", ["v1", "users", u, "spaces", s, "threads", t, "threadReadState"]) => {
                Route::GetThreadReadState(own(u), own(s), own(t))
            }
            ("GET", ["v1", "users", u, "spaces", s, "spaceNotificationSetting"]) => {
                Route::GetNotificationSetting(own(u), own(s))
            }
            ("PATCH", ["v1", "users", u, "spaces", s, "spaceNotificationSetting"]) => {
                Route::PatchNotificationSetting(own(u), own(s))
            }
            ("GET", ["v1", "spaces", id, "spaceEvents"]) => Route::ListSpaceEvents(own(id)),
            ("GET", ["v1", "spaces", id, "spaceEvents", e]) => {
                Route::GetSpaceEvent(own(id), own(e))
            }
            ("POST", ["v1", "spaces", id, "messages:search"]) => Route::SearchMessages(own(id)),
            ("GET", ["v1", "users", u, "sections"]) => Route::ListSections(own(u)),
            ("POST", ["v1", "users", u, "sections"]) => Route::CreateSection(own(u)),
            ("PATCH", ["v1", "users", u, "sections", sec]) => Route::PatchSection(own(u), own(sec)),
            ("DELETE", ["v1", "users", u, "sections", sec]) => {
                Route::DeleteSection(own(u), own(sec))
            }
            ("POST", ["v1", "users", u, "sections", sec]) if sec.ends_with(":position") => {
                Route::PositionSection(own(u), own(sec.strip_suffix(":position").unwrap_or(sec)))
            }
            ("GET", ["v1", "users", u, "sections", sec, "items"]) => {
                Route::ListSectionItems(own(u), own(sec))
            }
            ("POST", ["v1", "users", u, "sections", sec, "items", item])
                if item.ends_with(":move") =>
            {
                Route::MoveSectionItem(
                    own(u),
                    own(sec),
                    own(item.strip_suffix(":move").unwrap_or(item)),
                )
            }
            _ => return None,
        })
    }

    /// The REST method id, as in the discovery document.
    pub fn method_id(&self) -> &'static str {
        match self {
            Route::ListSpaces => "chat.spaces.list",
            Route::CreateSpace => "chat.spaces.create",
            Route::SetupSpace => "chat.spaces.setup",
            Route::FindDirectMessage => "chat.spaces.findDirectMessage",
            Route::GetSpace(_) => "chat.spaces.get",
            Route::PatchSpace(_) => "chat.spaces.patch",
            Route::DeleteSpace(_) => "chat.spaces.delete",
            Route::ListMembers(_) => "chat.spaces.members.list",
            Route::CreateMember(_) => "chat.spaces.members.create",
            Route::GetMember(..) => "chat.spaces.members.get",
            Route::PatchMember(..) => "chat.spaces.members.patch",
            Route::DeleteMember(..) => "chat.spaces.members.delete",
            Route::ListMessages(_) => "chat.spaces.messages.list",
            Route::CreateMessage(_) => "chat.spaces.messages.create",
            Route::GetMessage(..) => "chat.spaces.messages.get",
            Route::PatchMessage(..) => "chat.spaces.messages.patch",
            Route::UpdateMessage(..) => "chat.spaces.messages.update",
            Route::DeleteMessage(..) => "chat.spaces.messages.delete",
            Route::GetPerson(_) => "people.people.get",
            Route::BatchGetPeople => "people.people.getBatchGet",
            Route::SearchPeople => "people.people.searchDirectoryPeople",
            Route::ListReactions(..) => "chat.spaces.messages.reactions.list",
            Route::CreateReaction(..) => "chat.spaces.messages.reactions.create",
            Route::DeleteReaction(..) => "chat.spaces.messages.reactions.delete",
            Route::GetAttachment(..) => "chat.spaces.messages.attachments.get",
            Route::ListPins(_) => "chat.spaces.messagePins.list",
            Route::CreatePin(_) => "chat.spaces.messagePins.create",
            Route::DeletePin(..) => "chat.spaces.messagePins.delete",
            Route::ListCustomEmojis => "chat.customEmojis.list",
            Route::GetCustomEmoji(_) => "chat.customEmojis.get",
            Route::CreateCustomEmoji => "chat.customEmojis.create",
            Route::DeleteCustomEmoji(_) => "chat.customEmojis.delete",
            Route::GetSpaceReadState(..) => "chat.users.spaces.getSpaceReadState",
            Route::UpdateSpaceReadState(..) => "chat.users.spaces.updateSpaceReadState",
            Route::GetThreadReadState(..) => "chat.users.spaces.threads.getThreadReadState",
            Route::GetNotificationSetting(..) => "chat.users.spaces.spaceNotificationSetting.get",
            Route::PatchNotificationSetting(..) => {
                "chat.users.spaces.spaceNotificationSetting.patch"
            }
            Route::ListSpaceEvents(_) => "chat.spaces.spaceEvents.list",
            Route::GetSpaceEvent(..) => "chat.spaces.spaceEvents.get",
            Route::SearchMessages(_) => "chat.spaces.messages.search",
            Route::ListSections(_) => "chat.users.sections.list",
            Route::CreateSection(_) => "chat.users.sections.create",
            Route::PatchSection(..) => "chat.users.sections.patch",
            Route::DeleteSection(..) => "chat.users.sections.delete",
            Route::PositionSection(..) => "chat.users.sections.position",
            Route::ListSectionItems(..) => "chat.users.sections.items.list",
            Route::MoveSectionItem(..) => "chat.users.sections.items.move",
        }
    }

    /// The method's accepted scopes, split by the kind of caller each admits.
    pub fn accepts(&self) -> Accepts {
        Accepts::split(self.scopes())
    }

    /// The OAuth scopes the method's reference lists, for every kind of caller together:
    /// see [`Route::accepts`] for which admit whom.
    pub fn scopes(&self) -> &'static [Scope] {
        const PEOPLE: &[Scope] = &[
            Scope::Contacts,
            Scope::ContactsOtherReadonly,
            Scope::ContactsReadonly,
            Scope::DirectoryReadonly,
            Scope::UserEmailsRead,
            Scope::UserinfoEmail,
            Scope::UserinfoProfile,
        ];
        match self {
            Route::ListSpaces => &[Scope::ChatBot, Scope::ChatSpaces, Scope::ChatSpacesReadonly],
            Route::GetSpace(_) => &[
                Scope::ChatAdminSpaces,
                Scope::ChatAdminSpacesReadonly,
                Scope::ChatAppSpaces,
                Scope::ChatBot,
                Scope::ChatSpaces,
                Scope::ChatSpacesReadonly,
            ],
            Route::CreateSpace => &[
                Scope::ChatAppSpaces,
                Scope::ChatAppSpacesCreate,
                Scope::ChatImport,
                Scope::ChatSpaces,
                Scope::ChatSpacesCreate,
            ],
            Route::PatchSpace(_) => &[
                Scope::ChatAdminSpaces,
                Scope::ChatAppSpaces,
                Scope::ChatImport,
                Scope::ChatSpaces,
            ],
            Route::DeleteSpace(_) => &[
                Scope::ChatAdminDelete,
                Scope::ChatAppDelete,
                Scope::ChatDelete,
                Scope::ChatImport,
            ],
            Route::SetupSpace => &[Scope::ChatSpaces, Scope::ChatSpacesCreate],
            Route::FindDirectMessage => {
                &[Scope::ChatBot, Scope::ChatSpaces, Scope::ChatSpacesReadonly]
            }
            Route::ListMembers(_) => &[
                Scope::ChatAdminMemberships,
                Scope::ChatAdminMembershipsReadonly,
                Scope::ChatAppMemberships,
                Scope::ChatBot,
                Scope::ChatImport,
                Scope::ChatMemberships,
                Scope::ChatMembershipsReadonly,
            ],
            Route::GetMember(..) => &[
                Scope::ChatAdminMemberships,
                Scope::ChatAdminMembershipsReadonly,
                Scope::ChatAppMemberships,
                Scope::ChatBot,
                Scope::ChatMemberships,
                Scope::ChatMembershipsReadonly,
            ],
            Route::CreateMember(_) | Route::DeleteMember(..) => &[
                Scope::ChatAdminMemberships,
                Scope::ChatAppMemberships,
                Scope::ChatImport,
                Scope::ChatMemberships,
                Scope::ChatMembershipsApp,
            ],
            Route::PatchMember(..) => &[
                Scope::ChatAdminMemberships,
                Scope::ChatAppMemberships,
                Scope::ChatImport,
                Scope::ChatMemberships,
            ],
            Route::CreateMessage(_) => &[
                Scope::ChatBot,
                Scope::ChatImport,
                Scope::ChatMessages,
                Scope::ChatMessagesCreate,
            ],
            Route::GetMessage(..) => &[
                Scope::ChatAppMessagesReadonly,
                Scope::ChatBot,
                Scope::ChatMessages,
                Scope::ChatMessagesReadonly,
            ],
            Route::ListMessages(_) => &[
                Scope::ChatAppMessagesReadonly,
                Scope::ChatImport,
                Scope::ChatMessages,
                Scope::ChatMessagesReadonly,
            ],
            Route::PatchMessage(..) | Route::UpdateMessage(..) | Route::DeleteMessage(..) => {
                &[Scope::ChatBot, Scope::ChatImport, Scope::ChatMessages]
            }
            Route::GetPerson(_) | Route::BatchGetPeople => PEOPLE,
            Route::SearchPeople => &[Scope::DirectoryReadonly],
            Route::ListReactions(..) => &[
                Scope::ChatAppMessagesReadonly,
                Scope::ChatBot,
                Scope::ChatMessages,
                Scope::ChatMessagesReactions,
                Scope::ChatMessagesReactionsReadonly,
                Scope::ChatMessagesReadonly,
            ],
            Route::CreateReaction(..) => &[
                Scope::ChatBot,
                Scope::ChatImport,
                Scope::ChatMessages,
                Scope::ChatMessagesReactions,
                Scope::ChatMessagesReactionsCreate,
            ],
            Route::DeleteReaction(..) => &[
                Scope::ChatBot,
                Scope::ChatImport,
                Scope::ChatMessages,
                Scope::ChatMessagesReactions,
            ],
            Route::GetAttachment(..) => &[Scope::ChatBot],
            Route::ListPins(_) => &[
                Scope::ChatSpaces,
                Scope::ChatSpacesPins,
                Scope::ChatSpacesPinsReadonly,
                Scope::ChatSpacesReadonly,
            ],
            Route::CreatePin(_) | Route::DeletePin(..) => {
                &[Scope::ChatSpaces, Scope::ChatSpacesPins]
            }
            Route::ListCustomEmojis | Route::GetCustomEmoji(_) => {
                &[Scope::ChatCustomemojis, Scope::ChatCustomemojisReadonly]
            }
            Route::CreateCustomEmoji | Route::DeleteCustomEmoji(_) => &[Scope::ChatCustomemojis],
            Route::GetSpaceReadState(..) | Route::GetThreadReadState(..) => {
                &[Scope::ChatUsersReadstate, Scope::ChatUsersReadstateReadonly]
            }
            Route::UpdateSpaceReadState(..) => &[Scope::ChatUsersReadstate],
            Route::GetNotificationSetting(..) | Route::PatchNotificationSetting(..) => {
                &[Scope::ChatUsersSpacesettings]
            }
            Route::ListSpaceEvents(_) | Route::GetSpaceEvent(..) => &[
                Scope::ChatAppAllMembershipsReadonly,
                Scope::ChatAppAllMessagesReadonly,
                Scope::ChatAppAllSpacesReadonly,
                Scope::ChatAppMemberships,
                Scope::ChatAppMembershipsReadonly,
                Scope::ChatAppMessagesReadonly,
                Scope::ChatAppSpaces,
                Scope::ChatAppSpacesReadonly,
                Scope::ChatMemberships,
                Scope::ChatMembershipsReadonly,
                Scope::ChatMessages,
                Scope::ChatMessagesReactions,
                Scope::ChatMessagesReactionsReadonly,
                Scope::ChatMessagesReadonly,
                Scope::ChatSpaces,
                Scope::ChatSpacesReadonly,
            ],
            Route::SearchMessages(_) => &[Scope::ChatMessages, Scope::ChatMessagesReadonly],
            Route::ListSections(_) | Route::ListSectionItems(..) => {
                &[Scope::ChatUsersSections, Scope::ChatUsersSectionsReadonly]
            }
            Route::CreateSection(_)
            | Route::PatchSection(..)
            | Route::DeleteSection(..)
            | Route::PositionSection(..)
            | Route::MoveSectionItem(..) => &[Scope::ChatUsersSections],
        }
    }

    pub fn mutates(&self) -> bool {
        matches!(
            self,
            Route::CreateSpace
                | Route::SetupSpace
                | Route::PatchSpace(_)
                | Route::DeleteSpace(_)
                | Route::CreateMember(_)
                | Route::PatchMember(..)
                | Route::DeleteMember(..)
                | Route::CreateMessage(_)
                | Route::PatchMessage(..)
                | Route::UpdateMessage(..)
                | Route::DeleteMessage(..)
                | Route::CreateReaction(..)
                | Route::DeleteReaction(..)
                | Route::CreatePin(_)
                | Route::DeletePin(..)
                | Route::CreateCustomEmoji
                | Route::DeleteCustomEmoji(_)
                | Route::UpdateSpaceReadState(..)
                | Route::PatchNotificationSetting(..)
                | Route::CreateSection(_)
                | Route::PatchSection(..)
                | Route::DeleteSection(..)
                | Route::PositionSection(..)
                | Route::MoveSectionItem(..)
        )
    }

    /// Methods that take user authentication only, whatever scopes an app's token has.
    pub fn user_only(&self) -> bool {
        matches!(
            self,
            Route::ListPins(_)
                | Route::CreatePin(_)
                | Route::DeletePin(..)
                | Route::ListCustomEmojis
                | Route::GetCustomEmoji(_)
                | Route::CreateCustomEmoji
                | Route::DeleteCustomEmoji(_)
        )
    }

    /// Methods that take app authentication only.
    pub fn app_only(&self) -> bool {
        matches!(self, Route::GetAttachment(..))
    }

    /// The space whose per-space quota the call counts against.
    fn quota_space(&self) -> Option<&str> {
        match self {
            Route::GetSpace(s)
            | Route::PatchSpace(s)
            | Route::DeleteSpace(s)
            | Route::ListMembers(s)
            | Route::GetMember(s, _)
            | Route::ListMessages(s)
            | Route::CreateMessage(s)
            | Route::GetMessage(s, _)
            | Route::PatchMessage(s, _)
            | Route::UpdateMessage(s, _)
            | Route::DeleteMessage(s, _)
            | Route::ListReactions(s, _)
            | Route::CreateReaction(s, _)
            | Route::DeleteReaction(s, ..)
            | Route::GetAttachment(s, ..)
            | Route::ListPins(s)
            | Route::CreatePin(s)
            | Route::DeletePin(s, _) => Some(s),
            _ => None,
        }
    }

    /// Whether the call counts as a per-space write (else a read).
    fn quota_write(&self) -> bool {
        matches!(
            self,
            Route::PatchSpace(_)
                | Route::DeleteSpace(_)
                | Route::CreateMessage(_)
                | Route::PatchMessage(..)
                | Route::UpdateMessage(..)
                | Route::DeleteMessage(..)
                | Route::CreateReaction(..)
                | Route::DeleteReaction(..)
                | Route::CreatePin(_)
                | Route::DeletePin(..)
        )
    }
}

/// What to wait for before answering: the request's changes (or, for a read, the changes
/// it saw) reaching the disk.
pub type Snapshot = Ticket;

/// Sliding one-minute windows per space, for the optional quotas.
#[derive(Default)]
struct Quotas {
    windows: HashMap<(String, bool), VecDeque<Instant>>,
}

impl Quotas {
    fn admit(&mut self, space: &str, write: bool) -> Result<(), EmuError> {
        let limit = if write { 60 } else { 900 };
        let now = Instant::now();
        let w = self.windows.entry((space.to_string(), write)).or_default();
        while w
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(60))
        {
            w.pop_front();
        }
        if w.len() >= limit {
            let wait = w
                .front()
                .map(|t| {
                    60u64
                        .saturating_sub(now.duration_since(*t).as_secs())
                        .max(1)
                })
                .unwrap_or(1);
            let mut e = EmuError::exhausted(format!(
                "Quota exceeded for quota metric '{}' and limit 'per minute per space' of service 'chat.googleapis.com'.",
                if write { "Write requests per space" } else { "Read requests per space" }
            ));
            e.retry_after = Some(wait);
            return Err(e);
        }
        w.push_back(now);
        Ok(())
    }
}

/// The emulator: its state and how to serve it.
pub struct Service {
    store: Arc<Mutex<Store>>,
    persister: Option<Durable>,
    pub config: Config,
    faults: Mutex<Vec<Fault>>,
    quotas: Mutex<Quotas>,
    /// Attachment bytes and resumable upload sessions.
    pub(crate) media: blobs::Media,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A handler that panicked is answered with a 500; the state it left is still usable.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

const NO_CREDENTIALS: &str = "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.";
const BAD_CREDENTIALS: &str = "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.";

impl Service {
    pub fn new(
        mut store: Store,
        persister: Option<Opener>,
        config: Config,
    ) -> anyhow::Result<Self> {
        store.clear_logs();
        let uploads: std::collections::HashSet<String> = store
            .spaces
            .values()
            .flat_map(|r| r.uploads.keys().cloned())
            .collect();
        let store = Arc::new(Mutex::new(store));
        let persister = match persister {
            Some(p) => Some(p.start(store.clone())?),
            None => None,
        };
        let media = blobs::Media::new(persister.as_ref().map(Durable::path), &|id| {
            uploads.contains(id)
        });
        Ok(Service {
            media,
            store,
            persister,
            config,
            faults: Mutex::new(Vec::new()),
            quotas: Mutex::new(Quotas::default()),
        })
    }

    /// Test hook: the next `n` saves fail halfway through, as on a full disk.
    pub fn fail_saves(&self, n: u32) {
        if let Some(p) = &self.persister {
            p.fail_writes(n);
        }
    }

    /// Queues what the request changed to be saved (or undoes it when there is nothing to
    /// save it to: then it just forgets the change log). Call with the store locked.
    fn record(&self, store: &mut Store, changes: ChangeSet) -> EmuResult<Option<Ticket>> {
        let Some(p) = &self.persister else {
            return Ok(None);
        };
        if changes.is_empty() {
            return Ok(p.read_ticket());
        }
        p.append(changes).map(Some).map_err(|(e, undo)| {
            undo.apply(store);
            EmuError::internal(format!("The emulator could not save its state: {e}"))
        })
    }

    /// Runs `f` on the state (tests inspect what the emulator holds this way).
    /// What it changes is saved like a request's changes, without waiting for the disk.
    pub fn with_store<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        let mut store = lock(&self.store);
        let before = self.persister.as_ref().map(|_| store.oauth.clone());
        let r = f(&mut store);
        super::sync::derive(&mut store);
        let changed = before
            .filter(|b| serde_json::to_value(b).ok() != serde_json::to_value(&store.oauth).ok());
        let changes = ChangeSet::take(&mut store, changed);
        if let Err(e) = self.record(&mut store, changes) {
            tracing::error!(error = %e.message, "could not save a change made outside a request");
        }
        r
    }

    /// Reads the state (no changes) under the lock.
    pub(crate) fn read_store<R>(&self, f: impl FnOnce(&Store) -> R) -> R {
        f(&lock(&self.store))
    }

    pub fn inject(&self, fault: Fault) {
        lock(&self.faults).push(fault);
    }

    /// Faults not yet used up.
    pub fn pending_faults(&self) -> Vec<Fault> {
        lock(&self.faults).clone()
    }

    pub fn clear_faults(&self) {
        lock(&self.faults).clear();
    }

    pub(crate) fn take_fault(&self, method: &str) -> Option<EmuError> {
        let mut faults = lock(&self.faults);
        let i = faults
            .iter()
            .position(|f| f.count > 0 && f.method.as_deref().is_none_or(|m| m == method))?;
        let f = &mut faults[i];
        f.count -= 1;
        let mut e = EmuError::with_code(f.code, format!("Injected failure for {method}."));
        e.retry_after = f.retry_after;
        if f.count == 0 {
            faults.remove(i);
        }
        Some(e)
    }

    /// Who the request comes from: a bearer token in the header, or `access_token`.
    pub(crate) fn principal(&self, headers: &HeaderMap, query: &Query) -> EmuResult<Principal> {
        let header_token = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, token) = v.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            });
        let token = header_token
            .or_else(|| query.string("access_token"))
            .ok_or_else(|| EmuError::unauthenticated(NO_CREDENTIALS))?;
        let store = lock(&self.store);
        let p = parse_dev_token(token, &store.directory.primary_app)
            .or_else(|| store.oauth.principal(token, super::store::now()))
            .ok_or_else(|| EmuError::unauthenticated(BAD_CREDENTIALS))?;
        if p.is_app() && !store.directory.is_app(p.id()) {
            return Err(EmuError::unauthenticated(BAD_CREDENTIALS));
        }
        Ok(p)
    }

    /// Answers one request. Returns the answer and, when state is saved, what must be on
    /// disk before answering: the request's changes, or the unsaved changes of others
    /// that it saw (even an error, such as a conflict, can reveal them).
    pub fn dispatch(
        &self,
        method: &Method,
        path: &str,
        raw_query: Option<&str>,
        headers: &HeaderMap,
        body: &[u8],
    ) -> (EmuResult<Reply>, Option<Snapshot>) {
        let mut ticket = None;
        let r = self.dispatch_inner(method, path, raw_query, headers, body, &mut ticket);
        (r, ticket)
    }

    fn dispatch_inner(
        &self,
        method: &Method,
        path: &str,
        raw_query: Option<&str>,
        headers: &HeaderMap,
        body: &[u8],
        ticket: &mut Option<Snapshot>,
    ) -> EmuResult<Reply> {
        let segs = segments(path);
        let route = Route::resolve(method, &segs).ok_or_else(|| {
            EmuError::not_found(format!(
                "The requested URL {path} was not found on this server (method {method})."
            ))
        })?;
        if let Some(e) = self.take_fault(route.method_id()) {
            return Err(e);
        }
        let query = Query::parse(raw_query);
        let who = self.principal(headers, &query)?;
        // A malformed useAdminAccess is the handler's 400; it is no admin access here.
        let admin_access = query.bool("useAdminAccess").unwrap_or(false);
        if !who.admits(&route.accepts(), admin_access) {
            return Err(EmuError::scope_insufficient(route.method_id()));
        }
        if route.user_only() && who.is_app() {
            return Err(EmuError::permission(format!(
                "{} requires user authentication; Chat apps cannot call it.",
                route.method_id()
            )));
        }
        if route.app_only() && !who.is_app() {
            return Err(EmuError::permission(format!(
                "{} requires app authentication (the chat.bot scope).",
                route.method_id()
            )));
        }
        if self.config.quotas {
            if let Some(space) = route.quota_space() {
                lock(&self.quotas).admit(space, route.quota_write())?;
            }
        }
        let mut store = lock(&self.store);
        if !who.is_app() {
            store.directory.know_caller(who.id());
        }
        let mut ctx = Ctx {
            store: &mut store,
            who: &who,
            query: &query,
            body,
            config: &self.config,
        };
        let out = std::panic::catch_unwind(AssertUnwindSafe(|| handle(&route, &mut ctx)))
            .unwrap_or_else(|_| {
                Err(EmuError::internal(
                    "The emulator failed while handling this request.",
                ))
            });
        if out.is_ok() {
            sync::derive(&mut store);
        }
        let changes = ChangeSet::take(&mut store, None);
        match out {
            Ok(out) => {
                *ticket = self.record(&mut store, changes)?;
                Ok(out)
            }
            Err(e) => {
                // A method that fails changes nothing, even halfway.
                changes.undo.apply(&mut store);
                *ticket = self.persister.as_ref().and_then(Durable::read_ticket);
                Err(e)
            }
        }
    }

    /// Changes the store outside the API methods (OAuth), with the snapshot to save.
    pub(crate) fn mutate<R>(
        &self,
        f: impl FnOnce(&mut Store) -> (R, bool),
    ) -> (EmuResult<R>, Option<Snapshot>) {
        let mut store = lock(&self.store);
        let before = self.persister.as_ref().map(|_| store.oauth.clone());
        let (r, changed) = f(&mut store);
        let changes = ChangeSet::take(&mut store, before.filter(|_| changed));
        match self.record(&mut store, changes) {
            Ok(t) => (Ok(r), t),
            Err(e) => (Err(e), None),
        }
    }

    /// Waits until what the request changed (or saw) is on disk.
    pub(crate) async fn save(self: &Arc<Self>, snapshot: Option<Snapshot>) -> EmuResult<()> {
        let (Some(ticket), Some(p)) = (snapshot, &self.persister) else {
            return Ok(());
        };
        if p.wait(ticket).await {
            Ok(())
        } else {
            Err(EmuError::with_code(
                503,
                "The emulator could not save its state, so this request was not applied; it can be retried.",
            ))
        }
    }
}

fn handle(route: &Route, ctx: &mut Ctx<'_>) -> EmuResult<Reply> {
    match route {
        Route::ListSpaces => spaces::list(ctx),
        Route::CreateSpace => spaces::create(ctx),
        Route::SetupSpace => spaces::setup(ctx),
        Route::FindDirectMessage => spaces::find_direct_message(ctx),
        Route::GetSpace(id) => spaces::get(ctx, id),
        Route::PatchSpace(id) => spaces::patch(ctx, id),
        Route::DeleteSpace(id) => spaces::delete(ctx, id),
        Route::ListMembers(s) => members::list(ctx, s),
        Route::CreateMember(s) => members::create(ctx, s),
        Route::GetMember(s, m) => members::get(ctx, s, m),
        Route::PatchMember(s, m) => members::patch(ctx, s, m),
        Route::DeleteMember(s, m) => members::delete(ctx, s, m),
        Route::ListMessages(s) => messages::list(ctx, s),
        Route::CreateMessage(s) => messages::create(ctx, s),
        Route::GetMessage(s, m) => messages::get(ctx, s, m),
        Route::PatchMessage(s, m) | Route::UpdateMessage(s, m) => messages::patch(ctx, s, m),
        Route::DeleteMessage(s, m) => messages::delete(ctx, s, m),
        Route::GetPerson(id) => people::get(ctx, id),
        Route::BatchGetPeople => people::batch_get(ctx),
        Route::SearchPeople => people::search(ctx),
        Route::ListReactions(s, m) => reactions::list(ctx, s, m),
        Route::CreateReaction(s, m) => reactions::create(ctx, s, m),
        Route::DeleteReaction(s, m, r) => reactions::delete(ctx, s, m, r),
        Route::GetAttachment(s, m, a) => attachments::get_attachment(ctx, s, m, a),
        Route::ListPins(s) => pins::list(ctx, s),
        Route::CreatePin(s) => pins::create(ctx, s),
        Route::DeletePin(s, p) => pins::delete(ctx, s, p),
        Route::ListCustomEmojis => reactions::list_custom_emojis(ctx),
        Route::GetCustomEmoji(id) => reactions::get_custom_emoji(ctx, id),
        Route::CreateCustomEmoji => reactions::create_custom_emoji(ctx),
        Route::DeleteCustomEmoji(id) => reactions::delete_custom_emoji(ctx, id),
        Route::GetSpaceReadState(u, s) => readstate::get_space(ctx, u, s),
        Route::UpdateSpaceReadState(u, s) => readstate::update_space(ctx, u, s),
        Route::GetThreadReadState(u, s, t) => readstate::get_thread(ctx, u, s, t),
        Route::GetNotificationSetting(u, s) => readstate::get_notification(ctx, u, s),
        Route::PatchNotificationSetting(u, s) => readstate::patch_notification(ctx, u, s),
        Route::ListSpaceEvents(s) => events::list(ctx, s),
        Route::GetSpaceEvent(s, e) => events::get(ctx, s, e),
        Route::SearchMessages(p) => search::search(ctx, p),
        Route::ListSections(u) => sections::list(ctx, u),
        Route::CreateSection(u) => sections::create(ctx, u),
        Route::PatchSection(u, s) => sections::patch(ctx, u, s),
        Route::DeleteSection(u, s) => sections::delete(ctx, u, s),
        Route::PositionSection(u, s) => sections::position(ctx, u, s),
        Route::ListSectionItems(u, s) => sections::list_items(ctx, u, s),
        Route::MoveSectionItem(u, s, i) => sections::move_item(ctx, u, s, i),
    }
}
