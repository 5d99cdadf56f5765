//! Status notes that go when they no longer apply: "Refreshing…" when the refresh is
//! done, an error when the user moves to another space or after a while.

use std::time::Duration;

use super::member_requests::{MemberEffect, MemberOutcome};
use super::{App, Effect, LoadKind, Outcome};

/// What the refresh key says while its requests are out.
pub const REFRESHING: &str = "Refreshing…";
/// How long a note stays: errors longer, to be read, but not forever.
pub const NOTE_FOR: Duration = Duration::from_secs(8);
pub const ERROR_FOR: Duration = Duration::from_secs(30);

/// Whether `o` answers `e`, for the loads a refresh makes.
fn answers(o: &Outcome, e: &Effect) -> bool {
    match (o, e) {
        (
            Outcome::Directory(crate::app::DirectoryOutcome::Spaces { result: _ }),
            Effect::Directory(crate::app::DirectoryEffect::LoadSpaces {}),
        ) => true,
        (
            Outcome::Messages(crate::app::MessagesOutcome::Messages {
                space,
                kind: LoadKind::Latest,
                ..
            }),
            Effect::Messages(crate::app::MessagesEffect::LoadMessages {
                space: s,
                kind: LoadKind::Latest,
            }),
        ) => space == s,
        (
            Outcome::Members(MemberOutcome::Members { space, .. }),
            Effect::Members(MemberEffect::LoadMembers { space: s, .. }),
        ) => space == s,
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
                    Effect::Directory(crate::app::DirectoryEffect::LoadSpaces {})
                        | Effect::Messages(crate::app::MessagesEffect::LoadMessages { .. })
                        | Effect::Members(MemberEffect::LoadMembers { .. })
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

/// A state a note is about: the note goes (or is said again) when the state ends.
#[derive(Debug, Clone, PartialEq)]
pub enum Tie {
    /// "Quoting the message…": while a quote waits above the box.
    Quote,
    /// "… is attached": while that file waits to go with the next message.
    Attached {
        space: crate::api::SpaceName,
        name: crate::clean::Clean,
    },
    /// "… not sent before gchat closed": while these (space, local name) copies from an
    /// earlier run are still unsent here.
    Kept(Vec<(String, String)>),
}

impl App {
    /// The note now showing is about `tie`: it lasts no longer than what it describes.
    pub(super) fn tie_note(&mut self, tie: Tie) {
        self.status.tied = self.status.note.as_ref().map(|n| (n.text.clone(), tie));
    }

    /// A note tied to a state goes once the state has ended: the quote was sent or taken
    /// off, the file went with a message or was removed. The note about messages kept
    /// from an earlier run counts only those still unsent, and says so when the server
    /// turns out to have had them all along.
    pub(super) fn settle_tied_note(&mut self) {
        let Some((text, tie)) = self.status.tied.take() else {
            return;
        };
        let showing = self.status.note.as_ref().is_some_and(|n| n.text == text);
        if !showing {
            return;
        }
        match tie {
            Tie::Quote if self.react.quote.is_some() => {
                self.status.tied = Some((text, Tie::Quote));
            }
            Tie::Attached { space, name }
                if self
                    .files
                    .chips
                    .iter()
                    .any(|c| c.space == space && c.name == name) =>
            {
                self.status.tied = Some((text, Tie::Attached { space, name }));
            }
            Tie::Quote | Tie::Attached { .. } => {
                self.status.note = None;
                self.dirty = true;
            }
            Tie::Kept(kept) => self.settle_kept_note(kept),
        }
    }

    fn settle_kept_note(&mut self, kept: Vec<(String, String)>) {
        use super::timeline::Local;
        let mut unsent = Vec::new();
        let mut arrived = 0usize;
        for (space, local) in kept {
            let item = self.store.timeline(&space).and_then(|tl| tl.get(&local));
            match item.map(|it| &it.local) {
                Some(Some(Local::Failed(_))) => unsent.push((space, local)),
                // Sent again, or taken back to edit: no longer waiting for R.
                Some(_) => {}
                // Replaced by the server's copy (the same client id): it had arrived.
                None => arrived += 1,
            }
        }
        if unsent.is_empty() {
            match arrived {
                0 => self.status.note = None,
                1 => self.note("A message kept at quit had been sent after all."),
                n => self.note(format!(
                    "{n} messages kept at quit had been sent after all."
                )),
            }
            self.dirty = true;
            return;
        }
        self.say_kept(unsent);
    }

    /// "A message was not sent before gchat closed…", for `kept` (not empty), tied to them.
    pub(super) fn say_kept(&mut self, kept: Vec<(String, String)>) {
        let retry = self
            .keymap
            .label(crate::keymap::Mode::Messages, crate::keymap::Command::Retry);
        let n = kept.len();
        let text = if n == 1 {
            format!("A message was not sent before gchat closed; select it and press {retry} to send it.")
        } else {
            format!("{n} messages were not sent before gchat closed; select one and press {retry} to send it.")
        };
        let same = self
            .status
            .note
            .as_ref()
            .is_some_and(|note| note.error && note.text == text);
        if !same {
            self.error(text);
        }
        self.tie_note(Tie::Kept(kept));
    }
}

impl App {
    /// Messages listed in these spaces that could not be read and were left out (how
    /// many in each): said with the spaces' names, so the user knows where something
    /// may be missing.
    pub fn note_unreadable(&mut self, left_out: Vec<(crate::api::SpaceName, usize)>) {
        let n: usize = left_out.iter().map(|(_, n)| n).sum();
        if n == 0 {
            return;
        }
        let names: Vec<String> = left_out
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(space, _)| {
                self.space(space)
                    .map(|s| self.space_label(s).into_string())
                    .unwrap_or_else(|| space.to_string())
            })
            .collect();
        let what = match n {
            1 => "1 message".to_string(),
            n => format!("{n} messages"),
        };
        self.note(format!(
            "{what} from the server could not be read, in {}",
            names.join(", ")
        ));
    }
}

impl App {
    /// Problems found in the config and keymap files: each kept whole for the help (`?`
    /// lists them first), and on the status line how many there are.
    pub fn config_problems(&mut self, problems: Vec<String>) {
        if problems.is_empty() {
            return;
        }
        let help = self
            .keymap
            .label(crate::keymap::Mode::Global, crate::keymap::Command::Help);
        let text = match problems.as_slice() {
            [one] => format!("1 problem in the settings files ({help} shows it whole): {one}"),
            many => format!(
                "{} problems in the settings files; {help} lists them",
                many.len()
            ),
        };
        self.settings.problems = problems;
        self.error(text);
    }
}
