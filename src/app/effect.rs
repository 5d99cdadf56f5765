//! The app's requests ([`Effect`]), their answers ([`Outcome`]) and its input
//! ([`Action`]).

use std::time::Instant;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyEvent, MouseEvent};

use crate::api::model::{Membership, Message, Person, Space};
use crate::api::{ApiError, UserRef};

/// Which page of messages to load.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadKind {
    /// The newest page.
    Latest,
    /// The page before `before`.
    Older { before: DateTime<Utc> },
    /// Everything after `after` (polling).
    Newer { after: DateTime<Utc> },
    /// One thread, whole.
    Thread { thread: String },
}

/// Work to do outside: each becomes one API call (or a few) on its own task.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    WhoAmI,
    LoadSpaces,
    /// One space whole, with its permission settings (which lists leave out).
    LoadSpace {
        space: String,
    },
    LoadMessages {
        space: String,
        kind: LoadKind,
    },
    LoadMembers {
        space: String,
    },
    LookupPeople {
        users: Vec<String>,
    },
    /// People of the user's directory whose names or addresses start with `query`.
    SearchPeople {
        query: String,
    },
    CountUnread {
        space: String,
        after: Option<DateTime<Utc>>,
    },
    /// Post `text` with the client-assigned `client_id` (a retry reuses it).
    Send {
        space: String,
        local: String,
        client_id: String,
        text: String,
        thread: Option<String>,
    },
    /// Fetch a sent message by its client id (after a 409: it did arrive).
    FetchSent {
        space: String,
        local: String,
        client_id: String,
    },
    /// Ask whether a message left unsent by an earlier run arrived after all.
    CheckSent {
        space: String,
        local: String,
        client_id: String,
    },
    Edit {
        space: String,
        message: String,
        text: String,
        previous: String,
    },
    Delete {
        space: String,
        message: String,
        force: bool,
    },
    AddMember {
        space: String,
        user: UserRef,
    },
    RemoveMember {
        space: String,
        membership: String,
    },
    SetRole {
        space: String,
        membership: String,
        manager: bool,
    },
    CreateSpace {
        request_id: String,
        name: String,
        description: String,
        guidelines: String,
    },
    UpdateSpace {
        space: String,
        name: String,
        description: String,
        guidelines: String,
        mask: String,
    },
    DeleteSpace {
        space: String,
    },
    /// The direct message with `user`, if there is one (`spaces.findDirectMessage`).
    FindDirectMessage {
        user: UserRef,
    },
    /// Set up a direct message (one person) or a group chat (several) (`spaces.setup`).
    StartConversation {
        request_id: String,
        people: Vec<UserRef>,
    },
    /// A page of `spaces.messages.search` across every space, with `filter`.
    SearchMessages {
        filter: String,
        page_token: Option<String>,
    },
}

impl Effect {
    /// Background work that shows no spinner.
    pub fn quiet(&self) -> bool {
        matches!(
            self,
            Effect::LoadMessages {
                kind: LoadKind::Newer { .. },
                ..
            } | Effect::CountUnread { .. }
                | Effect::LoadSpace { .. }
                | Effect::SearchPeople { .. }
                | Effect::LookupPeople { .. }
                | Effect::WhoAmI
                | Effect::CheckSent { .. }
        )
    }
}

/// What came back from an [`Effect`].
#[derive(Debug, Clone)]
pub enum Outcome {
    Me(Result<(String, Option<String>), ApiError>),
    Spaces(Result<Vec<Space>, ApiError>),
    Space {
        space: String,
        result: Result<Space, ApiError>,
    },
    Messages {
        space: String,
        kind: LoadKind,
        result: Result<(Vec<Message>, bool), ApiError>,
    },
    Members {
        space: String,
        result: Result<Vec<Membership>, ApiError>,
    },
    People {
        users: Vec<String>,
        result: Result<Vec<(String, Person)>, ApiError>,
    },
    Found {
        query: String,
        result: Result<Vec<Person>, ApiError>,
    },
    Unread {
        space: String,
        result: Result<Vec<Message>, ApiError>,
    },
    Sent {
        space: String,
        local: String,
        client_id: String,
        result: Result<Message, ApiError>,
    },
    /// The answer to [`Effect::CheckSent`]: the message if it is on the server.
    Checked {
        space: String,
        local: String,
        client_id: String,
        result: Result<Option<Message>, ApiError>,
    },
    Edited {
        space: String,
        message: String,
        text: String,
        previous: String,
        result: Result<Message, ApiError>,
    },
    Deleted {
        space: String,
        message: String,
        force: bool,
        result: Result<(), ApiError>,
    },
    MemberAdded {
        space: String,
        user: UserRef,
        result: Result<Membership, ApiError>,
    },
    MemberRemoved {
        space: String,
        membership: String,
        result: Result<Membership, ApiError>,
    },
    RoleSet {
        space: String,
        membership: String,
        manager: bool,
        result: Result<Membership, ApiError>,
    },
    SpaceCreated {
        request_id: String,
        result: Result<Space, ApiError>,
    },
    SpaceUpdated {
        space: String,
        result: Result<Space, ApiError>,
    },
    SpaceDeleted {
        space: String,
        result: Result<(), ApiError>,
    },
    DirectMessage {
        user: UserRef,
        result: Result<Space, ApiError>,
    },
    ConversationStarted {
        people: Vec<UserRef>,
        result: Result<Space, ApiError>,
    },
    Searched {
        filter: String,
        page_token: Option<String>,
        result: Result<crate::api::sync_model::SearchMessagesResponse, ApiError>,
    },
}

impl Outcome {
    /// The answer to a quiet [`Effect`]: the two lists must name the same requests.
    pub(super) fn quiet(&self) -> bool {
        matches!(
            self,
            Outcome::Messages {
                kind: LoadKind::Newer { .. },
                ..
            } | Outcome::Unread { .. }
                | Outcome::Space { .. }
                | Outcome::Found { .. }
                | Outcome::People { .. }
                | Outcome::Me(_)
                | Outcome::Checked { .. }
        )
    }
}

/// Everything the loop feeds `update`.
#[derive(Debug, Clone)]
pub enum Action {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
    Resize(u16, u16),
    Tick(Instant),
    Done(Box<Outcome>),
}
