//! Starting a new message, a reply, an edit or a delete from the message pane.

use crate::api::SpaceName;
use crate::app::compose::Target;
use crate::app::dialog::{Dialog, Kind};
use crate::app::timeline::{Local, MessageId};
use crate::app::{App, Focus};

impl App {
    /// Typing where one is: a new message in the space, or a reply inside a thread (what
    /// the idle box's title says).
    pub(in crate::app) fn start_compose(&mut self, space: &str) {
        if self.views.get(space).is_some_and(|v| v.thread.is_some()) {
            self.start_reply(space);
        } else {
            self.compose.switch(space, Target::New, None, None);
            self.focus = Focus::Compose;
        }
    }

    pub(in crate::app) fn start_reply(&mut self, space: &str) {
        let Some(thread) = self.selected_thread() else {
            self.error("Select a message to reply to.");
            return;
        };
        if MessageId::is_local(&thread) {
            self.error("That message is still being sent; reply once it is.");
            return;
        }
        let tl = self.store.timeline(space);
        let root = tl.and_then(|t| crate::app::compose::thread_root(t.items(), &thread));
        let to = root
            .and_then(|r| r.sender())
            .map(|u| self.member_label(u).into_string());
        self.compose
            .switch(space, Target::Reply { thread }, to, None);
        self.focus = Focus::Compose;
    }

    pub(in crate::app) fn start_edit(&mut self, space: &SpaceName) {
        let Some(item) = self.selected_item().cloned() else {
            self.error("Select one of your messages to edit it.");
            return;
        };
        match &item.local {
            Some(Local::Failed(_)) => {
                // Take the unsent text back into the box.
                let target = match (item.is_reply(), item.thread_name()) {
                    (true, Some(t)) => Target::Reply {
                        thread: t.to_string(),
                    },
                    _ => Target::New,
                };
                self.compose.switch(space, target, None, None);
                let mut text = self.compose.text();
                if !text.trim().is_empty() {
                    text.push('\n');
                }
                text.push_str(item.text().unwrap_or(""));
                self.compose.set_text(&text);
                self.requote(space, item.quoted());
                if let Some(t) = self.store.timeline_mut(space) {
                    t.remove(item.name());
                }
                self.focus = Focus::Compose;
                self.note("The unsent message is back in the box: edit it and press Enter.");
            }
            Some(_) => self.error("That message is still on its way; edit it once it has arrived."),
            None if !self.is_mine_item(&item) => self.error("You can edit only your own messages."),
            None if !item.cards_v2().is_empty() && item.text().is_none() => {
                self.error("Cards can't be edited from here.")
            }
            None => {
                let message = item.name().to_string();
                let raw = item.text().map(String::from).unwrap_or_default();
                let text = crate::app::mentions::show(&raw, &self.mentions_of(&raw));
                self.compose
                    .switch(space, Target::Edit { message }, None, Some(&text));
                self.focus = Focus::Compose;
            }
        }
    }

    pub(in crate::app) fn start_delete(&mut self, space: &SpaceName) {
        let Some(item) = self.selected_item().cloned() else {
            self.error("Select a message to delete it.");
            return;
        };
        if matches!(
            item.local,
            Some(Local::Sending | Local::Saving | Local::Deleting)
        ) {
            self.error("That message is still on its way; wait a moment.");
            return;
        }
        let mine = self.is_mine_item(&item) || item.is_local();
        if !mine && !self.is_manager(space) {
            self.error("You can delete only your own messages (space managers can delete any).");
            return;
        }
        let replies = self
            .store
            .timeline(space)
            .map_or(0, |t| t.reply_count(&item));
        let preview = crate::markup::plain_preview(item.text().unwrap_or("(card)"), self, 60);
        self.dialog = Some(Dialog::new(
            Kind::DeleteMessage {
                space: space.clone(),
                message: item.name().to_string(),
                replies,
                preview,
            },
            Vec::new(),
        ));
    }
}
