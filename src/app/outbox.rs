//! The outbox: messages sent from here that the server has not confirmed (on their way,
//! or failed), kept on disk as they change so that neither quitting nor a crash loses
//! them. They come back on the next start as failed, ready to retry with the same client
//! message id (so a retry can never post twice), after asking the server whether each
//! arrived after all. Quitting while some are on their way asks first.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::compose::{Draft, Target};
use super::dialog::{Dialog, Kind};
use super::timeline::{Item, Local};
use super::{App, Effect};
use crate::api::model::{Message, Thread, User, UserType};
use crate::api::{ApiError, ClientMessageId, SpaceName, ThreadName};
use crate::app::timeline::MessageId;

/// A message not (known to be) on the server, as kept on disk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unsent {
    pub space: SpaceName,
    /// The client-assigned message id every attempt carries.
    pub client_id: String,
    pub text: String,
    /// The thread it replies in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread: Option<String>,
    pub created: DateTime<Utc>,
    /// Uploaded files it is sent with (their data references).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachment: Vec<serde_json::Value>,
}

/// Why a message from an earlier run shows as not sent.
pub const NOT_SENT_LAST_TIME: &str = "gchat closed before the server confirmed it.";

/// Why a message from an earlier run comes back with a new client id.
const ID_DAMAGED: &str =
    "Its kept id was damaged in the file, so it was given a new one: check it is not posted already before retrying.";

/// Why a reply from an earlier run comes back outside its thread.
const THREAD_DAMAGED: &str =
    "The name of the thread it replied in was damaged, so a retry sends it as a new message; edit it to move the words.";

impl App {
    /// The local copy of a message being sent from here.
    pub(super) fn local_message(
        &self,
        client_id: &ClientMessageId,
        text: &str,
        thread: Option<ThreadName>,
        created: DateTime<Utc>,
    ) -> Message {
        Message {
            name: Some(MessageId::local_name(client_id.as_str())),
            text: Some(text.to_string()),
            sender: Some(User {
                name: self.me.user.clone().or(Some("users/app".into())),
                display_name: self.me.name.clone(),
                user_type: Some(if self.me.is_app {
                    UserType::Bot
                } else {
                    UserType::Human
                }),
                ..Default::default()
            }),
            create_time: Some(created),
            thread_reply: thread.is_some(),
            thread: thread.map(|t| Thread {
                name: Some(t.to_string()),
                thread_key: None,
            }),
            ..Default::default()
        }
    }

    /// The local copies of messages sent from here that the server has not confirmed,
    /// with their spaces and client ids, oldest first (then by id).
    fn unconfirmed(&self) -> Vec<(&SpaceName, &Item, &ClientMessageId)> {
        let mut v: Vec<_> = self
            .store
            .timelines()
            .flat_map(|(space, tl)| {
                tl.items().iter().filter_map(move |it| {
                    let sending_or_failed =
                        matches!(it.local, Some(Local::Sending | Local::Failed(_)));
                    if !it.is_local() || !sending_or_failed {
                        return None;
                    }
                    Some((space, it, it.client_id.as_ref()?))
                })
            })
            .collect();
        v.sort_by(|a, b| (a.1.time(), a.2.as_str()).cmp(&(b.1.time(), b.2.as_str())));
        v
    }

    /// Every message sent from here that the server has not confirmed, oldest first.
    pub fn unsent(&self) -> Vec<Unsent> {
        self.unconfirmed()
            .into_iter()
            .map(|(space, it, client_id)| Unsent {
                space: space.clone(),
                client_id: client_id.to_string(),
                text: it.text().map(String::from).unwrap_or_default(),
                thread: if it.is_reply() {
                    it.thread_name().map(String::from)
                } else {
                    None
                },
                created: it.time(),
                attachment: it.attachment_json().to_vec(),
            })
            .collect()
    }

    /// Edits on their way, as drafts: if gchat stops before the answer, the words stay.
    pub fn edits_in_flight(&self) -> Vec<Draft> {
        let mut v: Vec<Draft> = self
            .store
            .timelines()
            .flat_map(|(space, tl)| {
                tl.items()
                    .iter()
                    .filter(|it| it.local == Some(Local::Saving))
                    .map(|it| Draft {
                        space: space.to_string(),
                        target: Target::Edit {
                            message: it.name().to_string(),
                        },
                        text: it.text().map(String::from).unwrap_or_default(),
                    })
            })
            .collect();
        v.sort_by(|a, b| (&a.space, &a.target).cmp(&(&b.space, &b.target)));
        v
    }

    /// Each space's timeline and its version: while these are unchanged, so are
    /// [`App::unsent`] and [`App::edits_in_flight`] (cheap to compare on every event).
    pub fn timeline_versions(&self) -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = self
            .store
            .timelines()
            .map(|(s, tl)| (s.to_string(), tl.version))
            .collect();
        v.sort_unstable();
        v
    }

    /// Messages (and edits) still on their way to the server.
    pub fn in_flight(&self) -> usize {
        self.store
            .timelines()
            .map(|(_, t)| t)
            .flat_map(|tl| tl.items())
            .filter(|it| matches!(it.local, Some(Local::Sending | Local::Saving)))
            .count()
    }

    fn failed_count(&self) -> usize {
        self.store
            .timelines()
            .map(|(_, t)| t)
            .flat_map(|tl| tl.items())
            .filter(|it| matches!(it.local, Some(Local::Failed(_))))
            .count()
    }

    /// Brings back what an earlier run left unsent: shown as failed, ready to retry. What
    /// was typed is never dropped for a damaged part: an id that is not one (the server
    /// refuses such ids, so it never stored the message under it) is replaced by a fresh
    /// one, and a reply whose thread's name is not one comes back as a new message. Each
    /// is logged, and the message's reason for not being sent says so.
    pub fn restore_unsent(&mut self, list: Vec<Unsent>) {
        let mut restored = Vec::new();
        for u in list {
            let space = u.space.to_string();
            let mut why = NOT_SENT_LAST_TIME.to_string();
            let client_id = match ClientMessageId::parse(&u.client_id) {
                Ok(id) => id,
                Err(e) => {
                    tracing::warn!(space = %u.space, error = %e, "an unsent message's kept id is not well formed: given a new one");
                    why = format!("{why} {ID_DAMAGED}");
                    super::client_id()
                }
            };
            let thread = match u.thread.as_deref().map(ThreadName::parse).transpose() {
                Ok(t) => t,
                Err(e) => {
                    tracing::warn!(space = %u.space, error = %e, "an unsent reply's thread is not well formed: kept as a new message");
                    why = format!("{why} {THREAD_DAMAGED}");
                    None
                }
            };
            let local = MessageId::local_name(client_id.as_str());
            if self
                .store
                .timeline(&space)
                .is_some_and(|tl| tl.get(&local).is_some())
            {
                continue;
            }
            let mut msg = self.local_message(&client_id, &u.text, thread, u.created);
            msg.attachment = u.attachment;
            let tl = self.store.timeline_entry(&space);
            tl.add_local(msg, client_id);
            tl.set_local(&local, Some(Local::Failed(why)));
            restored.push((space, local));
        }
        if !restored.is_empty() {
            self.say_kept(restored);
        }
    }

    /// On start: asks the server whether each message from an earlier run arrived after
    /// all (its answer may have been lost), by its client id.
    pub(super) fn check_unsent(&self) -> Vec<Effect> {
        self.unconfirmed()
            .into_iter()
            .map(|(space, _, client_id)| {
                Effect::Messages(crate::app::MessagesEffect::CheckSent {
                    local: MessageId::local_name(client_id.as_str()),
                    space: space.clone(),
                    client_id: client_id.clone(),
                })
            })
            .collect()
    }

    /// The server's answer to [`MessagesEffect::CheckSent`](crate::app::MessagesEffect::CheckSent): there, it replaces the local copy;
    /// not there (or no answer), the message stays ready to retry.
    pub(super) fn on_checked(
        &mut self,
        space: SpaceName,
        local: String,
        client_id: ClientMessageId,
        result: Result<Option<Message>, ApiError>,
        fx: &mut Vec<Effect>,
    ) {
        match result {
            Ok(Some(m)) => {
                let still_local = self
                    .store
                    .timeline(&space)
                    .is_some_and(|tl| tl.get(&local).is_some());
                if still_local {
                    self.on_sent(space, local, client_id, Ok(m), fx);
                }
            }
            Ok(None) => {}
            Err(e) => tracing::info!(error = %e, "could not check an unsent message"),
        }
    }

    /// Quit, unless messages are still on their way: then ask.
    pub(super) fn request_quit(&mut self) {
        if self.in_flight() == 0 {
            let to_lose = !self.unsent().is_empty() || !self.compose.snapshot().is_empty();
            match &self.status.not_saving {
                Some(why) if self.status.save_failing && to_lose => {
                    self.dialog = Some(Dialog::new(
                        Kind::QuitUnsaved { why: why.clone() },
                        Vec::new(),
                    ));
                }
                _ => self.quit = true,
            }
            return;
        }
        let failed_before = self.failed_count();
        self.dialog = Some(Dialog::new(
            Kind::Quit {
                waiting: false,
                failed_before,
            },
            Vec::new(),
        ));
    }

    /// The quit question's answer: wait for the sends, or keep them for next time.
    pub(super) fn answer_quit(&mut self, wait: bool) {
        let waiting = matches!(
            self.dialog.as_ref().map(|d| &d.kind),
            Some(Kind::Quit { waiting: true, .. })
        );
        if wait && waiting {
            return;
        }
        if !wait || self.in_flight() == 0 {
            self.quit = true;
            return;
        }
        let failed_before = self.failed_count();
        if let Some(d) = self.dialog.as_mut() {
            d.kind = Kind::Quit {
                waiting: true,
                failed_before,
            };
        }
    }

    /// While the quit question is open: quit once nothing is on its way (the person
    /// asked to quit; the sends were all that stood in the way, whether or not they chose
    /// to wait yet), unless something failed meanwhile (then say so and stay).
    pub(super) fn quit_when_sent(&mut self) {
        let Some(Kind::Quit { failed_before, .. }) = self.dialog.as_ref().map(|d| d.kind.clone())
        else {
            return;
        };
        if self.in_flight() > 0 {
            return;
        }
        if self.failed_count() > failed_before {
            self.dialog = None;
            self.error("A message could not be sent, so gchat did not quit. It is kept for the next start too.");
        } else {
            self.quit = true;
        }
    }
}
