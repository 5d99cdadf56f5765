//! Every request the app makes, by kind: the one place that says which are quiet.
//!
//! An [`Effect`] and the [`Outcome`] that answers it both name their [`Request`], so
//! whether a request shows a spinner (counts as busy) is said once, here, for both: the
//! count goes up when the effect leaves and down when its answer comes back. A new API
//! call adds its kind here (the compiler then asks for it in both `request` matches).

use super::effect::{Effect, LoadKind, Outcome};
use super::react::{ReactEffect, ReactOutcome};

/// The kind of a request, without its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Request {
    WhoAmI,
    LoadSpaces,
    PollSpaces,
    LoadSpace,
    /// The newest page, an older one, or a whole thread.
    LoadMessages,
    /// What is new in the open space (a `LoadMessages` after a time).
    PollMessages,
    LoadMembers,
    LoadEvents,
    LoadMessage,
    LookupPeople,
    SearchPeople,
    CountUnread,
    Send,
    FetchSent,
    CheckSent,
    Edit,
    Delete,
    AddMember,
    RemoveMember,
    SetRole,
    CreateSpace,
    UpdateSpace,
    DeleteSpace,
    React,
    Unreact,
    ListMine,
    ListCustomEmoji,
    ListPins,
    Pin,
    Unpin,
    SendQuoting,
    ReadUnread,
    GetReadState,
    SetReadState,
    GetThreadReadState,
    GetMute,
    SetMute,
    LoadSections,
    MoveToSection,
    Download,
    Upload,
    CancelTransfer,
    Copy,
    Open,
    ExternalEditor,
    FindDirectMessage,
    StartConversation,
    SearchMessages,
}

impl Request {
    /// Background work that shows no spinner (a transfer shows its own progress). The
    /// only list of them.
    pub const fn quiet(self) -> bool {
        use Request::*;
        match self {
            PollMessages | CountUnread | PollSpaces | LoadEvents | LoadMessage | LoadSpace
            | SearchPeople | LookupPeople | WhoAmI | CheckSent | ReadUnread | GetReadState
            | SetReadState | GetMute | GetThreadReadState | LoadSections | Download | Upload
            | CancelTransfer | Copy | Open | ExternalEditor | ListMine | ListCustomEmoji
            | ListPins => true,
            LoadSpaces | LoadMessages | LoadMembers | Send | FetchSent | Edit | Delete
            | AddMember | RemoveMember | SetRole | CreateSpace | UpdateSpace | DeleteSpace
            | React | Unreact | Pin | Unpin | SendQuoting | SetMute | MoveToSection
            | FindDirectMessage | StartConversation | SearchMessages => false,
        }
    }
}

fn messages(kind: &LoadKind) -> Request {
    match kind {
        LoadKind::Newer { .. } => Request::PollMessages,
        LoadKind::Latest | LoadKind::Older { .. } | LoadKind::Thread { .. } => {
            Request::LoadMessages
        }
    }
}

impl Effect {
    /// Which request this is.
    pub fn request(&self) -> Request {
        use Request as R;
        match self {
            Effect::WhoAmI => R::WhoAmI,
            Effect::LoadSpaces => R::LoadSpaces,
            Effect::PollSpaces => R::PollSpaces,
            Effect::LoadSpace { .. } => R::LoadSpace,
            Effect::LoadMessages { kind, .. } => messages(kind),
            Effect::LoadMembers { .. } => R::LoadMembers,
            Effect::LoadEvents { .. } => R::LoadEvents,
            Effect::LoadMessage { .. } => R::LoadMessage,
            Effect::LookupPeople { .. } => R::LookupPeople,
            Effect::SearchPeople { .. } => R::SearchPeople,
            Effect::CountUnread { .. } => R::CountUnread,
            Effect::Send { .. } => R::Send,
            Effect::FetchSent { .. } => R::FetchSent,
            Effect::CheckSent { .. } => R::CheckSent,
            Effect::Edit { .. } => R::Edit,
            Effect::Delete { .. } => R::Delete,
            Effect::AddMember { .. } => R::AddMember,
            Effect::RemoveMember { .. } => R::RemoveMember,
            Effect::SetRole { .. } => R::SetRole,
            Effect::CreateSpace { .. } => R::CreateSpace,
            Effect::UpdateSpace { .. } => R::UpdateSpace,
            Effect::DeleteSpace { .. } => R::DeleteSpace,
            Effect::React(r) => r.request(),
            Effect::ReadUnread { .. } => R::ReadUnread,
            Effect::GetReadState { .. } => R::GetReadState,
            Effect::SetReadState { .. } => R::SetReadState,
            Effect::GetThreadReadState { .. } => R::GetThreadReadState,
            Effect::GetMute { .. } => R::GetMute,
            Effect::SetMute { .. } => R::SetMute,
            Effect::LoadSections => R::LoadSections,
            Effect::MoveToSection { .. } => R::MoveToSection,
            Effect::Download { .. } => R::Download,
            Effect::Upload { .. } => R::Upload,
            Effect::CancelTransfer { .. } => R::CancelTransfer,
            Effect::Copy { .. } => R::Copy,
            Effect::Open { .. } => R::Open,
            Effect::ExternalEditor { .. } => R::ExternalEditor,
            Effect::FindDirectMessage { .. } => R::FindDirectMessage,
            Effect::StartConversation { .. } => R::StartConversation,
            Effect::SearchMessages { .. } => R::SearchMessages,
        }
    }

    /// Background work that shows no spinner: see [`Request::quiet`].
    pub fn quiet(&self) -> bool {
        self.request().quiet()
    }
}

impl Outcome {
    /// Which request this answers. Where two requests share an answer, its fields
    /// tell them apart; those that do not (a send and its fetch after a 409, a
    /// transfer's progress) are alike in being quiet or not.
    pub fn request(&self) -> Request {
        use Request as R;
        match self {
            Outcome::Me(_) => R::WhoAmI,
            Outcome::Spaces(_) => R::LoadSpaces,
            Outcome::PolledSpaces(_) => R::PollSpaces,
            Outcome::Space { .. } => R::LoadSpace,
            Outcome::Messages { kind, .. } => messages(kind),
            Outcome::Members { .. } => R::LoadMembers,
            Outcome::Events { .. } => R::LoadEvents,
            Outcome::Message { .. } => R::LoadMessage,
            Outcome::People { .. } => R::LookupPeople,
            Outcome::Found { .. } => R::SearchPeople,
            Outcome::Unread { .. } => R::CountUnread,
            Outcome::Sent { .. } => R::Send,
            Outcome::Checked { .. } => R::CheckSent,
            Outcome::Edited { .. } => R::Edit,
            Outcome::Deleted { .. } => R::Delete,
            Outcome::MemberAdded { .. } => R::AddMember,
            Outcome::MemberRemoved { .. } => R::RemoveMember,
            Outcome::RoleSet { .. } => R::SetRole,
            Outcome::SpaceCreated { .. } => R::CreateSpace,
            Outcome::SpaceUpdated { .. } => R::UpdateSpace,
            Outcome::SpaceDeleted { .. } => R::DeleteSpace,
            Outcome::React(r) => r.request(),
            Outcome::ReadUnread { .. } => R::ReadUnread,
            Outcome::ReadState { set: None, .. } => R::GetReadState,
            Outcome::ReadState { set: Some(_), .. } => R::SetReadState,
            Outcome::ThreadReadState { .. } => R::GetThreadReadState,
            Outcome::Muted { asked: None, .. } => R::GetMute,
            Outcome::Muted { asked: Some(_), .. } => R::SetMute,
            Outcome::Sections(_) => R::LoadSections,
            Outcome::Moved { .. } => R::MoveToSection,
            Outcome::Progress { .. } | Outcome::Downloaded { .. } => R::Download,
            Outcome::Uploaded { .. } => R::Upload,
            Outcome::EditorDone { .. } => R::ExternalEditor,
            Outcome::OpenFailed { .. } => R::Open,
            Outcome::DirectMessage { .. } => R::FindDirectMessage,
            Outcome::ConversationStarted { .. } => R::StartConversation,
            Outcome::Searched { .. } => R::SearchMessages,
        }
    }

    /// The answer to a quiet request: see [`Request::quiet`].
    pub fn quiet(&self) -> bool {
        self.request().quiet()
    }
}

impl ReactEffect {
    pub fn request(&self) -> Request {
        match self {
            ReactEffect::React { .. } => Request::React,
            ReactEffect::Unreact { .. } => Request::Unreact,
            ReactEffect::ListMine { .. } => Request::ListMine,
            ReactEffect::ListCustomEmoji => Request::ListCustomEmoji,
            ReactEffect::ListPins { .. } => Request::ListPins,
            ReactEffect::Pin { .. } => Request::Pin,
            ReactEffect::Unpin { .. } => Request::Unpin,
            ReactEffect::SendQuoting { .. } => Request::SendQuoting,
        }
    }
}

impl ReactOutcome {
    pub fn request(&self) -> Request {
        match self {
            ReactOutcome::Reacted { .. } => Request::React,
            ReactOutcome::Unreacted { .. } => Request::Unreact,
            ReactOutcome::Mine { .. } => Request::ListMine,
            ReactOutcome::CustomEmoji(_) => Request::ListCustomEmoji,
            ReactOutcome::Pins { .. } => Request::ListPins,
            ReactOutcome::Pinned { .. } => Request::Pin,
            ReactOutcome::Unpinned { .. } => Request::Unpin,
        }
    }
}
