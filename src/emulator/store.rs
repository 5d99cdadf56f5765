//! The emulator's state: people, apps, spaces with their members and messages. One owner
//! (a mutex in the server). The containers remember what a request changed (see
//! `tracked`), so that `journal` can save just that, or undo it.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

pub use super::ids::{now, random_id};
pub use super::records::*;
pub use super::space_rec::{SpaceEvent, SpaceHead, SpaceRec, Spaces};
use super::tracked::GrowMap;
use crate::api::model::*;

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
    pub sync: GrowMap<super::sync_rec::SyncRec>,
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
