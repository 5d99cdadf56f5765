//! The app's requests ([`Effect`]), their answers ([`Outcome`]) and its input
//! ([`Action`]). Both name their kind of request (`request.rs`), which alone says
//! whether it is quiet.

use std::time::Instant;

use crossterm::event::{KeyEvent, MouseEvent};

use crate::api::SpaceName;

pub use super::messages::LoadKind;

/// Work to do outside: each becomes one API call (or a few) on its own task.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Who the user is, the spaces, and people.
    Directory(super::directory::DirectoryEffect),
    /// Messages: read, sent, changed, searched.
    Messages(super::messages::MessagesEffect),
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
    CancelTransfer { id: u64 },
    /// Puts `text` on the terminal's clipboard (OSC 52).
    Copy { text: String },
    /// Opens a web address or a saved file with the desktop's handler.
    Open { target: String },
    /// Hands the terminal to `$VISUAL`/`$EDITOR` with `text`, and takes the result back.
    ExternalEditor { text: String },
}

/// What came back from an [`Effect`].
#[derive(Debug, Clone)]
pub enum Outcome {
    Directory(super::directory::DirectoryOutcome),
    Messages(super::messages::MessagesOutcome),
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
