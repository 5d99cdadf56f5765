//! Status notes that go when they no longer apply: "Refreshing…" when the refresh is
//! done, an error when the user moves to another space or after a while.

use std::time::Duration;

use super::{App, Effect, LoadKind, Outcome};

/// What the refresh key says while its requests are out.
pub const REFRESHING: &str = "Refreshing…";
/// How long a note stays: errors longer, to be read, but not forever.
pub const NOTE_FOR: Duration = Duration::from_secs(8);
pub const ERROR_FOR: Duration = Duration::from_secs(30);

/// Whether `o` answers `e`, for the loads a refresh makes.
fn answers(o: &Outcome, e: &Effect) -> bool {
    match (o, e) {
        (Outcome::Spaces(_), Effect::LoadSpaces) => true,
        (
            Outcome::Messages {
                space,
                kind: LoadKind::Latest,
                ..
            },
            Effect::LoadMessages {
                space: s,
                kind: LoadKind::Latest,
            },
        ) => space == s,
        (Outcome::Members { space, .. }, Effect::LoadMembers { space: s }) => space == s,
        _ => false,
    }
}

impl App {
    /// A refresh sent `fx`: "Refreshing…" until they have all come back.
    pub(super) fn begin_refresh(&mut self, fx: &[Effect]) {
        self.status.refreshing = fx
            .iter()
            .filter(|e| {
                matches!(
                    e,
                    Effect::LoadSpaces | Effect::LoadMessages { .. } | Effect::LoadMembers { .. }
                )
            })
            .cloned()
            .collect();
        self.note(REFRESHING);
    }

    /// `o` came back: when it was the refresh's last, its note goes (an error the
    /// outcome then reports takes its place).
    pub(super) fn settle_refresh(&mut self, o: &Outcome) {
        if self.status.refreshing.is_empty() {
            return;
        }
        if let Some(i) = self.status.refreshing.iter().position(|e| answers(o, e)) {
            self.status.refreshing.remove(i);
        }
        if self.status.refreshing.is_empty()
            && self
                .status
                .note
                .as_ref()
                .is_some_and(|n| !n.error && n.text == REFRESHING)
        {
            self.status.note = None;
            self.dirty = true;
        }
    }

    /// The user is opening `next`: an error about the space they leave no longer applies.
    pub(super) fn leaving_for(&mut self, next: &str) {
        if self.current.as_deref() != Some(next)
            && self.status.note.as_ref().is_some_and(|n| n.error)
        {
            self.status.note = None;
            self.dirty = true;
        }
    }

    /// "Draft discarded" with its undo hint, said about the box as it is now.
    pub(super) fn note_discarded(&mut self) {
        let undo = self
            .keymap
            .label(crate::keymap::Mode::Compose, crate::keymap::Command::Undo);
        self.note(format!("Draft discarded; {undo} brings it back."));
        self.status.discarded = Some((self.compose.space.clone(), self.compose.target.clone()));
    }

    /// The discard note applies while the box it was about is still empty: typing,
    /// pasting, undoing or sending in it, or moving it to another space or thread, ends it.
    pub(super) fn settle_discard_note(&mut self) {
        let Some((space, target)) = &self.status.discarded else {
            return;
        };
        let same = self.compose.space == *space && self.compose.target == *target;
        if same && self.compose.textarea.is_empty() {
            return;
        }
        self.status.discarded = None;
        if self
            .status
            .note
            .as_ref()
            .is_some_and(|n| !n.error && n.text.starts_with("Draft discarded"))
        {
            self.status.note = None;
            self.dirty = true;
        }
    }
}
