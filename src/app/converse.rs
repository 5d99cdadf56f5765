//! Messaging a person: a dialog with one field of people (names or addresses, commas
//! between several), suggestions from people already known and from the directory. One
//! person: their direct message (`spaces.findDirectMessage`), set up when there is none
//! yet; several: a new group chat (`spaces.setup`). The conversation is listed, opened,
//! and the compose box is ready.

use super::dialog::{Dialog, Field, Found, Kind};
use super::mention_pick::{fold, rank};
use super::permissions::Task;
use super::{client_id, App, Effect, Focus};
use crate::api::model::Space;
use crate::api::{ApiError, UserRef};
use crate::app::space_requests::SpaceEffect;
use crate::clean::Clean;

/// Suggestions listed at most.
pub const SUGGESTED: usize = 6;

/// The part after the last comma: the person being typed.
pub fn last_part(s: &str) -> &str {
    s.rsplit(',').next().unwrap_or("").trim()
}

impl App {
    pub(super) fn open_message_person(&mut self) {
        self.dialog = Some(Dialog::new(
            Kind::MessagePerson {
                request_id: format!("gchat-{}", client_id()),
            },
            vec![Field::new("People", "", false)],
        ));
    }

    /// Known people matching `q` (not oneself, not apps), best first.
    pub(super) fn known_matching(&self, q: &str) -> Vec<Found> {
        let q = fold(q);
        if q.is_empty() {
            return Vec::new();
        }
        let mut v: Vec<(u8, Found)> = self
            .people
            .known()
            .filter(|(id, info)| !info.bot && !self.is_me(id))
            .filter_map(|(id, info)| {
                let name = info.name.as_deref()?;
                let r = rank(&q, name, info.email.as_deref())?;
                Some((
                    r,
                    Found {
                        user: id.to_string(),
                        name: Clean::line(name),
                        email: info.email.as_deref().map(Clean::line),
                    },
                ))
            })
            .collect();
        v.sort_by(|a, b| (a.0, a.1.name.as_str()).cmp(&(b.0, b.1.name.as_str())));
        v.into_iter().take(SUGGESTED).map(|(_, f)| f).collect()
    }

    /// The people field changed: suggest who the last part may be.
    pub(super) fn message_person_typed(&mut self, fx: &mut Vec<Effect>) {
        let Some(d) = self
            .dialog
            .as_ref()
            .filter(|d| matches!(d.kind, Kind::MessagePerson { .. }))
        else {
            return;
        };
        let q = last_part(&d.field(0)).to_string();
        let local = self.known_matching(&q);
        let by_address = UserRef::parse_loose(&q).is_ok();
        if let Some(d) = self.dialog.as_mut() {
            d.pick = 0;
            d.found = local;
            d.searched = None;
        }
        if !q.is_empty() && !by_address {
            self.search_directory(q, fx);
        }
    }

    /// Directory matches for the message-person dialog, after the known people.
    pub(super) fn merge_found(&mut self, query: &str, found: Vec<Found>) {
        let mut merged = self.known_matching(query);
        for f in found {
            if !merged.iter().any(|m| m.user == f.user) && !self.is_me(&f.user) {
                merged.push(f);
            }
        }
        merged.truncate(SUGGESTED);
        if let Some(d) = self.dialog.as_mut() {
            d.found = merged;
            d.pick = 0;
            d.searched = Some(query.to_string());
        }
    }

    /// Tab in the dialog: the last part becomes the suggested person's address (or id),
    /// ready for a comma and another.
    pub(super) fn complete_person(&mut self) -> bool {
        let Some(d) = self.dialog.as_mut() else {
            return false;
        };
        let Some(f) = d.found.get(d.pick).cloned() else {
            return false;
        };
        let text = d.field(0);
        let head = match text.rfind(',') {
            Some(i) => format!("{}, ", text[..i].trim_end()),
            None => String::new(),
        };
        let who = f
            .email
            .as_ref()
            .map(|e| e.as_str().to_string())
            .unwrap_or_else(|| f.user.clone());
        let value = format!("{head}{who}, ");
        if let Some(field) = d.fields.get_mut(0) {
            *field = Field::new(field.label, &value, false);
        }
        d.found.clear();
        d.pick = 0;
        d.searched = None;
        true
    }

    /// Who a part of the field is: an id or address as typed, else the suggestion picked
    /// (for the part being typed) or the one known person of exactly that name.
    fn resolve(&self, part: &str, last: bool, d: &Dialog) -> Result<UserRef, String> {
        if let Ok(u) = UserRef::parse_loose(part) {
            return match u {
                UserRef::App => Err("The Chat app can't be messaged this way.".into()),
                u => Ok(u),
            };
        }
        if last {
            if let Some(f) = d.found.get(d.pick) {
                return UserRef::parse_loose(&f.user).map_err(|e| e.to_string());
            }
        }
        let exact: Vec<&str> = self
            .people
            .known()
            .filter(|(id, i)| !i.bot && !self.is_me(id))
            .filter(|(_, i)| i.name.as_deref().is_some_and(|n| fold(n) == fold(part)))
            .map(|(id, _)| id)
            .collect();
        let like = self.known_matching(part);
        match exact.as_slice() {
            [one] => UserRef::parse_loose(one).map_err(|e| e.to_string()),
            // The one known person a name or its start can be.
            [] if like.len() == 1 => UserRef::parse_loose(&like[0].user).map_err(|e| e.to_string()),
            [] if like.len() > 1 => Err(format!(
                "\"{}\" could be several people: pick from the suggestions, or type their email address.",
                Clean::line(part)
            )),
            [] => Err(format!(
                "No one known as \"{}\": pick from the suggestions, or type their email address.",
                Clean::line(part)
            )),
            _ => Err(format!(
                "Several people are called \"{}\": type their email address.",
                Clean::line(part)
            )),
        }
    }

    fn is_me_ref(&self, u: &UserRef) -> bool {
        match u {
            UserRef::Id(_) => self.is_me(&u.to_string()),
            UserRef::Email(e) => self
                .me
                .user
                .as_deref()
                .and_then(|me| self.people.get(me))
                .and_then(|i| i.email.as_deref())
                .is_some_and(|mine| mine.eq_ignore_ascii_case(e)),
            UserRef::App => false,
        }
    }

    pub(super) fn confirm_message_person(&mut self, request_id: String, fx: &mut Vec<Effect>) {
        let Some(d) = self.dialog.as_ref() else {
            return;
        };
        let text = d.field(0);
        let parts: Vec<&str> = text
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let typed_last = !last_part(&text).is_empty();
        let mut people: Vec<UserRef> = Vec::new();
        let mut error = None;
        for (i, p) in parts.iter().enumerate() {
            let last = typed_last && i + 1 == parts.len();
            match self.resolve(p, last, d) {
                Ok(u) if self.is_me_ref(&u) => {
                    error = Some(
                        "That is you: choose someone else to message (your own space is not a conversation).".to_string(),
                    );
                    break;
                }
                Ok(u) => {
                    if !people.contains(&u) {
                        people.push(u);
                    }
                }
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        if error.is_none() && people.is_empty() {
            error = Some("Type a name or an email address (commas between several people).".into());
        }
        let Some(d) = self.dialog.as_mut() else {
            return;
        };
        if let Some(e) = error {
            d.error = Some(e);
            return;
        }
        d.busy = true;
        d.error = None;
        if people.len() == 1 {
            fx.push(Effect::Space(SpaceEffect::FindDirectMessage {
                user: people.remove(0),
            }));
        } else {
            fx.push(Effect::Space(SpaceEffect::StartConversation {
                request_id,
                people,
            }));
        }
    }

    pub(super) fn on_direct_message(
        &mut self,
        user: UserRef,
        result: Result<Space, ApiError>,
        fx: &mut Vec<Effect>,
    ) {
        match result {
            Ok(s) => self.conversation_ready(s, false, fx),
            // None yet: set one up.
            // None yet: set one up, unless the dialog was closed meanwhile (nothing
            // has been created; closing it cancelled).
            Err(e) if e.is_not_found() => {
                if let Some(Kind::MessagePerson { request_id }) =
                    self.dialog.as_ref().map(|d| &d.kind)
                {
                    fx.push(Effect::Space(SpaceEffect::StartConversation {
                        request_id: request_id.clone(),
                        people: vec![user],
                    }));
                }
            }
            Err(e) => self.fail_dialog_or_note(
                &e,
                |k| matches!(k, Kind::MessagePerson { .. }),
                "Could not find the conversation",
                Task::Spaces,
            ),
        }
    }

    pub(super) fn on_conversation(
        &mut self,
        _people: Vec<UserRef>,
        result: Result<Space, ApiError>,
        fx: &mut Vec<Effect>,
    ) {
        match result {
            Ok(s) => self.conversation_ready(s, true, fx),
            Err(e) => self.fail_dialog_or_note(
                &e,
                |k| matches!(k, Kind::MessagePerson { .. }),
                "The conversation was not started",
                Task::Spaces,
            ),
        }
    }

    /// Lists and opens the conversation, ready to write in.
    fn conversation_ready(&mut self, s: Space, new: bool, fx: &mut Vec<Effect>) {
        let Some(name) = s.name.clone() else {
            self.fail_note("The server answered without the conversation's name.");
            return;
        };
        let known = self.space(&name).is_some();
        // Not listed by the server until its first message: kept here till then.
        self.spaces.keep_unlisted(&name);
        if !known || new {
            self.spaces.upsert(s);
            self.store.note_activity(&name, self.settings.now());
        }
        let asked = self
            .dialog
            .as_ref()
            .is_some_and(|d| matches!(d.kind, Kind::MessagePerson { .. }));
        if !asked {
            // Closed while on its way: it is listed, and the user stays where they are.
            if new {
                self.note("The conversation you started is in your spaces list.");
            }
            return;
        }
        self.dialog = None;
        self.spaces.selected = Some(name.clone());
        self.leaving_for(&name);
        if let Some(space) = Self::space_name(&name) {
            self.open_space(&space, fx);
            fx.push(self.load_members(space));
        }
        self.focus = Focus::Compose;
        self.note(if new {
            "Conversation started: write your first message."
        } else {
            "Your conversation is open."
        });
    }

    fn fail_note(&mut self, text: &str) {
        if let Some(d) = self.dialog.as_mut() {
            d.busy = false;
            d.error = Some(text.to_string());
        } else {
            self.error(text);
        }
    }
}
