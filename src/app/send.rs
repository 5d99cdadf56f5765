//! Sending a message, and what its answer does; retries of sends that ended unsure.

use std::time::Instant;

use crate::api::model::Message;
use crate::api::{ApiError, ClientMessageId, MessageName, SpaceName, ThreadName};
use crate::app::compose::Target;
use crate::app::permissions::Task;
use crate::app::react::ReactEffect;
use crate::app::timeline::MessageId;
use crate::app::timeline::{Local, Row};
use crate::app::{client_id, compose, mentions, reconcile, App, Effect, Focus};

impl App {
    pub(super) fn on_sent(
        &mut self,
        space: SpaceName,
        local: String,
        client_id: ClientMessageId,
        result: Result<Message, ApiError>,
        fx: &mut Vec<Effect>,
    ) {
        if result.is_ok() {
            self.unsure.settle(&local);
        }
        let tl = self.store.timeline_entry(&space);
        match result {
            Ok(m) => {
                if self.me.is_app && self.me.user.is_none() {
                    // The app learns its own user id from its first message.
                    self.me.user = m.sender.as_ref().and_then(|u| u.name.clone());
                }
                let (name, reply) = (m.name.clone().unwrap_or_default(), m.thread_reply);
                tl.merge(vec![m]);
                // The selection follows the message from its local copy to the real one.
                if let Some(v) = self.views.get_mut(space.as_str()) {
                    let was_local =
                        matches!(&v.selected, Some(Row::Msg { name: n, .. }) if **n == *local);
                    if was_local {
                        v.selected = Some(Row::Msg {
                            name: name.into(),
                            reply,
                        });
                    }
                }
            }
            // The first attempt did arrive (its answer was lost): fetch it by its id.
            Err(e) if e.code() == Some(409) => {
                fx.push(Effect::Messages(crate::app::MessagesEffect::FetchSent {
                    space,
                    local,
                    client_id,
                }))
            }
            Err(_) if tl.get(&local).is_none() => {
                // The server's copy came meanwhile (a poll): nothing is unsent.
                self.unsure.settle(&local);
            }
            // It may have arrived, or may yet: send it again later, with the same id.
            Err(e) if reconcile::is_unsure(&e) => {
                let wait = self.unsure.schedule(&space, &local, &e, Instant::now());
                let why = self.why(&e, Task::Send);
                self.note(format!(
                    "Sending is not confirmed yet: {why} gchat will try again in {} s, with the same id, so it cannot be posted twice.",
                    wait.as_secs().max(1)
                ));
            }
            // Refused, after an attempt that may have stored it: look before saying so.
            Err(e)
                if self.unsure.was_unsure(&local)
                    && !self.unsure.is_checking(&local)
                    && !e.is_not_found() =>
            {
                let why = self.why(&e, Task::Send);
                self.unsure.checking(&local, why);
                fx.push(Effect::Messages(crate::app::MessagesEffect::FetchSent {
                    space,
                    local,
                    client_id,
                }));
            }
            Err(e) => {
                // A check that found nothing gives the refusal that prompted it.
                let why = match self.unsure.settle(&local) {
                    Some(refusal) => refusal,
                    None => self.why(&e, Task::Send),
                };
                let tl = self.store.timeline_entry(&space);
                tl.set_local(&local, Some(Local::Failed(why.clone())));
                let (retry, edit) = (
                    self.keymap
                        .label(crate::keymap::Mode::Messages, crate::keymap::Command::Retry),
                    self.keymap
                        .label(crate::keymap::Mode::Messages, crate::keymap::Command::Edit),
                );
                self.error(format!(
                    "Not sent: {why} Press {retry} to retry or {edit} to edit it."
                ));
            }
        }
    }

    /// The answer to [`MessagesEffect::FetchSent`](crate::app::MessagesEffect::FetchSent).
    /// After a 409 (the server had the message), not found means someone deleted it
    /// since: it was sent, so nothing is left to retry. After a refusal that prompted a
    /// check, not found means it never arrived: the send failed as refused.
    pub(super) fn on_fetched_sent(
        &mut self,
        space: SpaceName,
        local: String,
        client_id: ClientMessageId,
        result: Result<Message, ApiError>,
        fx: &mut Vec<Effect>,
    ) {
        let gone = result.as_ref().is_err_and(ApiError::is_not_found);
        if !gone || self.unsure.is_checking(&local) {
            return self.on_sent(space, local, client_id, result, fx);
        }
        self.unsure.settle(&local);
        let next = self.neighbour_after_delete(&space, &local, false);
        let Some(tl) = self.store.timeline_mut(&space) else {
            return;
        };
        if tl.remove(&local).is_none() {
            return;
        }
        self.select_instead(&space, next);
        self.note("Your message was sent, then deleted (by someone else or elsewhere): there is nothing to send again.");
    }

    /// Whether `text` is too long to send; if so the user is told by how much, and the
    /// text stays in the box.
    fn over_limit(&mut self, text: &str) -> bool {
        let n = text.chars().count();
        let limit = compose::LIMIT;
        if n <= limit {
            return false;
        }
        let g = compose::grouped;
        self.error(format!(
            "Not sent: the message is {} characters and Google Chat takes at most {}; shorten it by {}.",
            g(n),
            g(limit),
            g(n - limit)
        ));
        true
    }

    /// Sends what is in the compose box.
    pub(super) fn send(&mut self, fx: &mut Vec<Effect>) {
        let Some(space) = self.compose.space.as_deref().and_then(Self::space_name) else {
            return;
        };
        let mut text = self.compose.text();
        let with_files = !matches!(self.compose.target, Target::Edit { .. })
            && self.files.chips_for(Some(&space)).next().is_some();
        if text.trim().is_empty() && !with_files {
            self.error("Nothing to send: the message is empty.");
            return;
        }
        match self.compose.target.clone() {
            Target::Edit { message } => {
                // The box keeps the text when the message cannot be named.
                let name = match MessageName::parse(&message) {
                    Ok(n) => n,
                    Err(e) => {
                        self.error(format!("That message cannot be edited: {e}"));
                        return;
                    }
                };
                let tl = self.store.timeline_entry(&space);
                let previous = tl
                    .get(&message)
                    .and_then(|i| i.text().map(String::from))
                    .unwrap_or_default();
                let mut known = self.mentions_of(&previous);
                known.extend(self.compose.picked.iter().cloned());
                text = mentions::send(&text, &known);
                if self.over_limit(&text) {
                    return;
                }
                let tl = self.store.timeline_entry(&space);
                if previous == text {
                    self.compose.clear();
                    self.compose.switch(&space, Target::New, None, None);
                    self.focus = Focus::Messages;
                    self.note("No change to save.");
                    return;
                }
                tl.set_text(&message, &text);
                tl.set_local(&message, Some(Local::Saving));
                self.compose.clear();
                self.compose.switch(&space, Target::New, None, None);
                self.focus = Focus::Messages;
                fx.push(Effect::Messages(crate::app::MessagesEffect::Edit {
                    space,
                    message: name,
                    text,
                    previous,
                }));
            }
            target => {
                text = mentions::send(&text, &self.compose.picked);
                if self.over_limit(&text) {
                    return;
                }
                // A thread's name as the server gave it: the box keeps the text when it is
                // not one.
                let thread = match &target {
                    Target::Reply { thread } => match ThreadName::parse(thread) {
                        Ok(t) => Some(t),
                        Err(e) => {
                            self.error(format!("That thread cannot be replied to: {e}"));
                            return;
                        }
                    },
                    _ => None,
                };
                let cid = client_id();
                let local = MessageId::local_name(cid.as_str());
                let quote = self.quote_shown().map(|q| q.meta.clone());
                let mut msg = self.local_message(&cid, &text, thread.clone(), self.settings.now());
                if let Some(q) = &quote {
                    msg.set_quoted(q);
                    self.react.quote = None;
                }
                msg.attachment = self
                    .take_chips(&space)
                    .iter()
                    .filter_map(super::files::Chip::as_attachment)
                    .collect();
                let attachment = super::files::wire_attachments(&msg);
                self.store
                    .timeline_entry(&space)
                    .add_local(msg, cid.clone());
                self.compose.clear();
                let v = self.views.entry(space.to_string()).or_default();
                v.selected = Some(Row::Msg {
                    name: local.as_str().into(),
                    reply: thread.is_some(),
                });
                v.anchor = None;
                fx.push(match quote {
                    Some(quote) => Effect::React(ReactEffect::SendQuoting {
                        space,
                        local,
                        client_id: cid,
                        text,
                        thread,
                        quote,
                        attachment,
                    }),
                    None => Effect::Messages(crate::app::MessagesEffect::Send {
                        space,
                        local,
                        client_id: cid,
                        text,
                        thread,
                        attachment,
                    }),
                });
                self.poll_soon();
            }
        }
    }

    /// Sends a failed message again, with the same client id.
    pub(super) fn retry(&mut self, space: &SpaceName, local: &str, fx: &mut Vec<Effect>) {
        let Some(tl) = self.store.timeline_mut(space) else {
            return;
        };
        let Some(item) = tl.get(local).cloned() else {
            return;
        };
        if !matches!(item.local, Some(Local::Failed(_))) {
            return;
        }
        tl.set_local(local, Some(Local::Sending));
        self.send_again(space, local, fx);
    }

    /// Sends a local copy again with its client id (a retry, or after an unsure attempt).
    pub(super) fn send_again(&mut self, space: &SpaceName, local: &str, fx: &mut Vec<Effect>) {
        let Some(item) = self
            .store
            .timeline(space)
            .and_then(|t| t.get(local))
            .cloned()
        else {
            // The server's copy arrived meanwhile and replaced it.
            self.unsure.settle(local);
            return;
        };
        if !item.is_local() || item.local != Some(Local::Sending) {
            self.unsure.settle(local);
            return;
        }
        // Of the quoted message as loaded now: a quote refused as stale (the message
        // was edited since) succeeds on the retry once the edit has arrived.
        let quote = item.quoted().map(|q| {
            q.name
                .as_deref()
                .and_then(|n| self.store.timeline(space)?.get(n))
                .and_then(|i| crate::api::client::quote_of(&i.to_message()))
                .unwrap_or(q)
        });
        let attachment = super::files::wire_attachments(&item.to_message());
        let (space, local) = (space.clone(), local.to_string());
        let text = item.text().map(String::from).unwrap_or_default();
        // The thread was checked when the send was first built (or read back from the
        // outbox); a copy changed since is refused, not sent elsewhere.
        let thread = match item.thread_name().filter(|_| item.is_reply()) {
            Some(t) => match ThreadName::parse(t) {
                Ok(t) => Some(t),
                Err(e) => {
                    let why = format!("its thread cannot be replied to: {e}");
                    self.unsure.settle(&local);
                    if let Some(tl) = self.store.timeline_mut(&space) {
                        tl.set_local(&local, Some(Local::Failed(why.clone())));
                    }
                    self.error(format!("Not sent: {why}"));
                    return;
                }
            },
            None => None,
        };
        let client_id = item.client_id.unwrap_or_else(client_id);
        fx.push(match quote {
            // A quote goes with every attempt.
            Some(quote) => Effect::React(ReactEffect::SendQuoting {
                space,
                local,
                client_id,
                text,
                thread,
                quote,
                attachment,
            }),
            None => Effect::Messages(crate::app::MessagesEffect::Send {
                space,
                local,
                client_id,
                text,
                thread,
                attachment,
            }),
        });
    }
}
