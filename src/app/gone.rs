//! Spaces that go away under the user: deleted by someone else, or the user removed
//! from them. The API answers both with 404 (it does not say which), or leaves the space
//! out of the list. gchat says so plainly, takes the space out of the list and leaves
//! it; what the user wrote there and could not send is kept as a draft, never dropped.

use super::compose::Target;
use super::timeline::Local;
use super::{App, Effect, Focus};
use crate::api::{ApiError, SpaceName};

impl App {
    /// Whether a space-level request failing with `e` means the space is gone for us.
    pub(super) fn means_gone(&self, space: &str, e: &ApiError) -> bool {
        e.is_not_found() && self.knows_space(space)
    }

    /// A space still shown (listed, or kept unlisted) or open here. An answer for any
    /// other space arrived after it went: it is dropped, not let recreate its state.
    pub(super) fn knows_space(&self, space: &str) -> bool {
        self.space(space).is_some() || self.current.as_deref() == Some(space)
    }

    /// Forgets everything held about `space`: it leaves the list, its messages, members,
    /// read marks, view and background requests.
    pub(super) fn forget_space_state(&mut self, space: &str) {
        self.spaces.forget(space);
        self.store.forget(space);
        self.views.remove(space);
        self.polls.forget(space);
        self.react.forget(space);
    }

    /// Takes `gone` (spaces no longer the user's) out of everything, says so, and keeps
    /// their unsent words as drafts. The open space, if gone, is left.
    pub(super) fn spaces_gone(&mut self, gone: &[SpaceName], _fx: &mut Vec<Effect>) {
        let gone: Vec<&SpaceName> = gone.iter().filter(|s| self.knows_space(s)).collect();
        if gone.is_empty() {
            return;
        }
        let mut said = Vec::new();
        let mut kept = 0;
        let mut open_label = None;
        for space in &gone {
            let label = self
                .space(space)
                .map(|s| self.space_label(s).into_string())
                .filter(|l| !l.is_empty())
                .unwrap_or_else(|| "A space".to_string());
            kept += self.keep_unsent(space);
            let draft = self.compose.draft(space, &Target::New).is_some();
            if self.current.as_deref() == Some(space.as_str()) {
                open_label = Some(label.clone());
            }
            said.push((label, draft));
            self.forget_space_state(space);
        }
        let was_open = self.current.as_ref().is_some_and(|c| gone.contains(&c));
        if was_open {
            self.compose.save_draft();
            self.current = None;
            self.polls.next_open = None;
            self.focus = Focus::Spaces;
            self.dialog = None;
            // The next space is selected, never opened: opening would mark it read, and
            // the user has not looked at it.
            self.spaces.selected = self.visible_spaces().first().and_then(|s| s.name.clone());
            self.status.left = open_label;
            self.focus = Focus::Spaces;
        } else if self.spaces.selected.is_none() {
            self.spaces.selected = self.current.clone().map(String::from);
        }
        let names: Vec<&str> = said.iter().map(|(l, _)| l.as_str()).collect();
        let mut text = match names.as_slice() {
            [one] => {
                format!("{one} is no longer yours: it was deleted, or you were removed from it.")
            }
            many => format!(
                "{} are no longer yours: deleted, or you were removed.",
                many.join(", ")
            ),
        };
        let drafts = said.iter().filter(|(_, d)| *d).count();
        if kept > 0 {
            text.push_str(&format!(
                " {kept} unsent message{} kept as a draft there.",
                if kept == 1 { " was" } else { "s were" }
            ));
        } else if drafts > 0 {
            text.push_str(" Your draft there is kept.");
        }
        self.error(text);
    }

    /// Moves the messages sent in `space` and not confirmed (and edits on their way)
    /// into its drafts; how many.
    fn keep_unsent(&mut self, space: &str) -> usize {
        let Some(tl) = self.store.timeline(space) else {
            return 0;
        };
        let mut words = Vec::new();
        for it in tl.items() {
            let target = match &it.local {
                Some(Local::Sending | Local::Failed(_)) if it.is_local() => {
                    match (it.is_reply(), it.thread_name()) {
                        (true, Some(t)) => Target::Reply {
                            thread: t.to_string(),
                        },
                        _ => Target::New,
                    }
                }
                Some(Local::Saving) => Target::Edit {
                    message: it.name().to_string(),
                },
                _ => continue,
            };
            let local = it.name().to_string();
            words.push((
                target,
                it.text().map(String::from).unwrap_or_default(),
                local,
            ));
        }
        let n = words.len();
        for (target, text, local) in words {
            self.unsure.settle(&local);
            self.compose.keep(space, target, &text);
        }
        n
    }
}
