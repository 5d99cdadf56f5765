//! What laying out a space's message rows needs, and nothing of the app's other state:
//! shared by the row layout and the parts of a row (reactions, quotes, pins, chips).

use std::time::{Duration, Instant};

use super::people::People;
use super::reconcile::Unsure;
use super::settings::{Identity, Settings};
use super::timeline::Timeline;
use super::view::ViewState;
use crate::api::model::User;
use crate::clean::Clean;
use crate::keymap::Keymap;
use crate::markup::Names;

/// What laying out one space's rows needs: its messages and view, who reads them, and how
/// names, times and keys are shown. Nothing of the app's other state.
pub struct RowCtx<'a> {
    /// How the space is named, for the row at the top.
    pub label: Clean,
    pub timeline: Option<&'a Timeline>,
    pub view: Option<&'a ViewState>,
    pub me: &'a Identity,
    pub people: &'a People,
    pub settings: &'a Settings,
    pub keymap: &'a Keymap,
    /// Sends whose outcome is not known yet, for "next try in".
    pub unsure: &'a Unsure,
    /// Pins and the user's own reactions.
    pub react: &'a super::react::ReactState,
    /// The space's pins.
    pub pins: Option<&'a super::store::Pins>,
    /// Attachment sizes known here (saved or sent from here), by media resource name.
    pub sizes: &'a std::collections::HashMap<String, u64>,
}

impl RowCtx<'_> {
    pub(super) fn is_mine(&self, it: &super::item::Item) -> bool {
        self.me.sent_by(it.sender())
    }

    pub(super) fn member_label(&self, u: &User) -> Clean {
        self.people.user_label(u)
    }

    pub(super) fn has_new_reply(&self, thread: &str) -> bool {
        self.view
            .is_some_and(|v| v.surfaced.iter().any(|t| t == thread))
    }

    pub(super) fn next_try(&self, local: &str) -> Option<Duration> {
        self.unsure.next_try(local, Instant::now())
    }
}

impl Names for RowCtx<'_> {
    fn display_name(&self, user: &str) -> Option<Clean> {
        self.people.name(user)
    }
    fn is_me(&self, user: &str) -> bool {
        self.me.is(user)
    }
}
