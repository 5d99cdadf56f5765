//! The app's requests ([`Effect`]), their answers ([`Outcome`]) and its input
//! ([`Action`]). Both name their kind of request (`request.rs`), which alone says
//! whether it is quiet.

use std::time::Instant;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyEvent, MouseEvent};

use crate::api::model::{Message, Person, Space};
use crate::api::sync_model::SpaceEvent;
use crate::api::{ApiError, MessageName, SpaceName, ThreadName};

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
    Thread { thread: ThreadName },
}

/// Work to do outside: each becomes one API call (or a few) on its own task.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    WhoAmI,
    LoadSpaces,
    /// The spaces list again, in the background (which spaces moved): no spinner.
    PollSpaces,
    LoadMessages {
        space: SpaceName,
        kind: LoadKind,
    },
    /// The open space's events after `since` (exclusive), every page.
    LoadEvents {
        space: SpaceName,
        since: DateTime<Utc>,
    },
    /// One message again (its reactions changed).
    LoadMessage {
        space: SpaceName,
        message: MessageName,
    },
    LookupPeople {
        users: Vec<String>,
    },
    /// People of the user's directory whose names or addresses start with `query`.
    SearchPeople {
        query: String,
    },
    /// Post `text` with the client-assigned `client_id` (a retry reuses it).
    Send {
        space: SpaceName,
        local: String,
        client_id: String,
        text: String,
        thread: Option<String>,
        /// Uploaded files sent with it (`Attachment`s with only their data reference).
        attachment: Vec<serde_json::Value>,
    },
    /// Fetch a sent message by its client id (after a 409: it did arrive).
    FetchSent {
        space: SpaceName,
        local: String,
        client_id: String,
    },
    /// Ask whether a message left unsent by an earlier run arrived after all.
    CheckSent {
        space: SpaceName,
        local: String,
        client_id: String,
    },
    Edit {
        space: SpaceName,
        message: MessageName,
        text: String,
        previous: String,
    },
    Delete {
        space: SpaceName,
        message: MessageName,
        force: bool,
    },
    /// Reactions, quotes and pins.
    React(super::react::ReactEffect),
    /// A space's members.
    Members(super::member_requests::MemberEffect),
    /// Spaces themselves, and conversations with people.
    Space(super::space_requests::SpaceEffect),
    /// The user's unread counts, read state, mute settings and sections.
    User(super::user_requests::UserEffect),
    /// `media.download` of `media` into `dir` as `name` (or `name (1)`, …), with progress.
    Download {
        id: u64,
        media: String,
        name: String,
        dir: std::path::PathBuf,
    },
    /// `media.upload` of the file at `path` to `space`, with progress.
    Upload {
        id: u64,
        space: SpaceName,
        path: std::path::PathBuf,
    },
    /// Stops a download or upload (a partial file is removed).
    CancelTransfer {
        id: u64,
    },
    /// Puts `text` on the terminal's clipboard (OSC 52).
    Copy {
        text: String,
    },
    /// Opens a web address or a saved file with the desktop's handler.
    Open {
        target: String,
    },
    /// Hands the terminal to `$VISUAL`/`$EDITOR` with `text`, and takes the result back.
    ExternalEditor {
        text: String,
    },
    /// A page of `spaces.messages.search` across every space, with `filter`.
    SearchMessages {
        filter: String,
        page_token: Option<String>,
    },
}

/// What came back from an [`Effect`].
#[derive(Debug, Clone)]
pub enum Outcome {
    Me(Result<(String, Option<String>), ApiError>),
    Spaces(Result<Vec<Space>, ApiError>),
    /// The answer to [`Effect::PollSpaces`].
    PolledSpaces(Result<Vec<Space>, ApiError>),
    Messages {
        space: SpaceName,
        kind: LoadKind,
        result: Result<(Vec<Message>, bool), ApiError>,
    },
    Events {
        space: SpaceName,
        result: Result<Vec<SpaceEvent>, ApiError>,
    },
    /// The answer to [`Effect::LoadMessage`].
    Message {
        space: SpaceName,
        result: Result<Message, ApiError>,
    },
    People {
        users: Vec<String>,
        result: Result<Vec<(String, Person)>, ApiError>,
    },
    Found {
        query: String,
        result: Result<Vec<Person>, ApiError>,
    },
    Sent {
        space: SpaceName,
        local: String,
        client_id: String,
        result: Result<Message, ApiError>,
    },
    /// The answer to [`Effect::CheckSent`]: the message if it is on the server.
    Checked {
        space: SpaceName,
        local: String,
        client_id: String,
        result: Result<Option<Message>, ApiError>,
    },
    Edited {
        space: SpaceName,
        message: MessageName,
        text: String,
        previous: String,
        result: Result<Message, ApiError>,
    },
    Deleted {
        space: SpaceName,
        message: MessageName,
        force: bool,
        result: Result<(), ApiError>,
    },
    React(super::react::ReactOutcome),
    Members(super::member_requests::MemberOutcome),
    Space(super::space_requests::SpaceOutcome),
    User(super::user_requests::UserOutcome),
    /// Bytes moved so far by a download or upload.
    Progress {
        id: u64,
        done: u64,
        total: u64,
    },
    /// Where the file was saved and its size, or why not.
    Downloaded {
        id: u64,
        result: Result<(std::path::PathBuf, u64), String>,
    },
    /// The uploaded file's reference and size, or why not.
    Uploaded {
        id: u64,
        space: SpaceName,
        result: Result<(crate::api::model::AttachmentDataRef, u64), String>,
    },
    /// The editor's text (`None`: it failed, the draft stays), or why none started.
    EditorDone {
        result: Result<Option<String>, String>,
    },
    /// Opening a link or file failed.
    OpenFailed {
        target: String,
        why: String,
    },
    Searched {
        filter: String,
        page_token: Option<String>,
        result: Result<crate::api::sync_model::SearchMessagesResponse, ApiError>,
    },
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
