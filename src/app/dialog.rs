//! Dialogs: adding and removing members, confirming deletes, creating and editing
//! spaces. A dialog keeps its input when the server refuses it, and shows why.

use crate::api::SpaceName;

use tui_textarea::{CursorMove, TextArea};

use crate::clean::Clean;

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// Add a person (users/ID, an id, an email) or the Chat app (`app`).
    AddMember {
        space: SpaceName,
    },
    RemoveMember {
        space: SpaceName,
        membership: String,
        label: Clean,
    },
    DeleteMessage {
        space: SpaceName,
        message: String,
        replies: usize,
        preview: Clean,
    },
    CreateSpace {
        request_id: String,
    },
    EditSpace {
        space: SpaceName,
    },
    /// Deleting a space: type its name to confirm.
    DeleteSpace {
        space: SpaceName,
        display_name: Clean,
    },
    SpaceInfo {
        space: SpaceName,
    },
    LeaveSpace {
        space: SpaceName,
        label: Clean,
    },
    /// Quitting with messages still on their way: wait for them, or keep them for the
    /// next start. `failed_before`: how many had failed when waiting began.
    Quit {
        waiting: bool,
        failed_before: usize,
    },
    /// Quitting while the last save of drafts and unsent messages failed (`why`, briefly):
    /// quit anyway, or stay.
    QuitUnsaved {
        why: String,
    },
    /// Discarding a long draft from the compose box: `chars` characters.
    DiscardDraft {
        chars: usize,
    },
    /// Moving `space` out of section `from`: `(section, label)` to pick from (`pick`).
    MoveToSection {
        space: SpaceName,
        from: String,
        choices: Vec<(String, String)>,
    },
    /// Attaching a file to the message being written in `space`: its path.
    AttachFile {
        space: SpaceName,
    },
    /// Choosing one of a message's links or attachments.
    Pick {
        choices: Vec<Choice>,
        /// What each choice is called where the message says so (else empty).
        labels: Vec<String>,
    },
    /// A web address to open elsewhere (over SSH, or when no browser opened it): shown
    /// whole, `y` copies it. `why`: the line above it.
    Address {
        url: String,
        why: String,
    },
    /// Message a person (or several: a group chat), by name or email.
    MessagePerson {
        request_id: String,
    },
    /// Search messages: in every space, or (not `all`) in `space` only.
    Search {
        space: Option<SpaceName>,
        all: bool,
    },
}

pub struct Field {
    pub label: &'static str,
    pub input: TextArea<'static>,
    pub multiline: bool,
    /// The first wrapped line shown, kept by the drawing.
    pub scroll: std::cell::Cell<usize>,
}

impl Field {
    pub fn new(label: &'static str, value: &str, multiline: bool) -> Self {
        let mut input = if value.is_empty() {
            TextArea::default()
        } else {
            TextArea::new(value.split('\n').map(String::from).collect())
        };
        crate::app::compose::setup(&mut input);
        input.move_cursor(CursorMove::Bottom);
        input.move_cursor(CursorMove::End);
        Field {
            label,
            input,
            multiline,
            scroll: std::cell::Cell::new(0),
        }
    }

    pub fn value(&self) -> String {
        self.input.lines().join("\n")
    }
}

/// A person the directory found for the add-member dialog.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// `users/ID`.
    pub user: String,
    pub name: Clean,
    pub email: Option<Clean>,
}

pub struct Dialog {
    pub kind: Kind,
    /// Adding a member: the people matching what is typed, which one is picked, and the
    /// text they match (`None` until a search has answered).
    pub found: Vec<Found>,
    pub pick: usize,
    pub searched: Option<String>,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Why the last attempt failed, or why the input is not acceptable.
    pub error: Option<String>,
    /// A request is on its way.
    pub busy: bool,
    /// Searching messages: what was found.
    pub results: Results,
}

impl Dialog {
    pub fn new(kind: Kind, fields: Vec<Field>) -> Self {
        Dialog {
            kind,
            fields,
            found: Vec::new(),
            pick: 0,
            searched: None,
            focus: 0,
            error: None,
            busy: false,
            results: Default::default(),
        }
    }

    pub fn title(&self) -> &'static str {
        match self.kind {
            Kind::AddMember { .. } => "Add a member",
            Kind::RemoveMember { .. } => "Remove member",
            Kind::DeleteMessage { .. } => "Delete message",
            Kind::CreateSpace { .. } => "Create a space",
            Kind::EditSpace { .. } => "Edit space",
            Kind::DeleteSpace { .. } => "Delete space",
            Kind::SpaceInfo { .. } => "Space details",
            Kind::LeaveSpace { .. } => "Leave space",
            Kind::Quit { .. } | Kind::QuitUnsaved { .. } => "Quit gchat?",
            Kind::DiscardDraft { .. } => "Discard draft",
            Kind::MoveToSection { .. } => "Move to section",
            Kind::AttachFile { .. } => "Attach a file",
            Kind::Pick { .. } => "Choose",
            Kind::Address { .. } => "Web address",
            Kind::MessagePerson { .. } => "Message a person",
            Kind::Search { .. } => "Search messages",
        }
    }

    pub fn field(&self, i: usize) -> String {
        self.fields.get(i).map(Field::value).unwrap_or_default()
    }

    pub fn focused_mut(&mut self) -> Option<&mut Field> {
        self.fields.get_mut(self.focus)
    }

    /// Yes/no dialogs have no fields.
    pub fn is_confirm(&self) -> bool {
        matches!(
            self.kind,
            Kind::RemoveMember { .. }
                | Kind::DeleteMessage { .. }
                | Kind::LeaveSpace { .. }
                | Kind::DiscardDraft { .. }
        )
    }
}

/// One thing a picker offers: what it shows, and what picking it does.
#[derive(Debug, Clone, PartialEq)]
pub enum Choice {
    /// Open this (already checked) web address.
    Link(String),
    /// Save this attachment (its media resource name, and the name to save it under).
    Save { media: String, name: String },
}

/// What a search found, for the filter it was made with.
#[derive(Debug, Clone, Default)]
pub struct Results {
    /// The filter of the results shown (or being fetched).
    pub filter: Option<String>,
    pub hits: Vec<crate::api::model::Message>,
    pub pick: usize,
    /// The next page's token, while there is one.
    pub next: Option<String>,
    pub loading: bool,
    /// The first page has answered.
    pub answered: bool,
}
