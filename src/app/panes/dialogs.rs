//! Keys in a dialog, and what confirming each dialog does: it checks its fields and
//! returns the request to make.

use crossterm::event::{KeyCode, KeyEvent};

use crate::api::{MembershipName, MessageName, UserRef};
use crate::app::dialog::Kind;
use crate::app::member_requests::MemberEffect;
use crate::app::space_requests::SpaceEffect;
use crate::app::timeline::Local;
use crate::app::timeline::MessageId;
use crate::app::{App, Effect};
use crate::keymap::{Command, Mode};

impl App {
    pub(in crate::app) fn dialog_key(&mut self, k: KeyEvent, fx: &mut Vec<Effect>) {
        let cmd = self.keymap.lookup(Mode::Dialog, &k);
        let Some(d) = self.dialog.as_mut() else {
            return;
        };
        if cmd == Some(Command::Quit) {
            self.dialog = None;
            self.request_quit();
            return;
        }
        if cmd == Some(Command::Cancel) {
            self.dialog = None;
            return;
        }
        if matches!(d.kind, Kind::QuitUnsaved { .. }) {
            if cmd == Some(Command::KeepSends) {
                self.quit = true;
            }
            return;
        }
        if matches!(d.kind, Kind::Quit { .. }) {
            match cmd {
                Some(Command::Submit | Command::WaitSends) => self.answer_quit(true),
                Some(Command::KeepSends) => self.answer_quit(false),
                _ => {}
            }
            return;
        }
        if let Kind::MoveToSection { .. } = d.kind {
            self.section_picker_key(k, cmd, fx);
            return;
        }
        if matches!(d.kind, Kind::Pick { .. }) {
            self.pick_key(k, fx);
            return;
        }
        if let Kind::AttachFile { space } = d.kind.clone() {
            match cmd {
                Some(Command::Submit) => return self.submit_attach(space, fx),
                // One field: moving to the next completes the path instead.
                Some(Command::NextField) => return self.complete_attach_path(),
                Some(Command::Discard) if d.field(0).is_empty() => {
                    if !self.remove_last_chip(&space) {
                        if let Some(d) = self.dialog.as_mut() {
                            d.error = Some("No file is attached.".into());
                        }
                    }
                    return;
                }
                _ => {}
            }
        }
        if let Kind::Address { url, .. } = &d.kind {
            if cmd == Some(Command::Yes) {
                let text = url.clone();
                self.dialog = None;
                fx.push(Effect::Copy { text });
                self.note("Copied the address (through the terminal: OSC 52).");
            } else if matches!(cmd, Some(Command::Submit | Command::Close)) {
                self.dialog = None;
            }
            return;
        }
        if matches!(d.kind, Kind::SpaceInfo { .. }) {
            if matches!(cmd, Some(Command::Submit | Command::Close)) {
                self.dialog = None;
            }
            return;
        }
        if d.is_confirm() {
            match cmd {
                Some(Command::Submit | Command::Yes) => self.confirm_dialog(fx),
                Some(Command::No) => self.dialog = None,
                _ => {}
            }
            return;
        }
        if matches!(d.kind, Kind::Search { .. }) && self.search_key(k, cmd, fx) {
            return;
        }
        let Some(d) = self.dialog.as_mut() else {
            return;
        };
        if matches!(d.kind, Kind::MessagePerson { .. })
            && cmd == Some(Command::NextField)
            && self.complete_person()
        {
            return;
        }
        let Some(d) = self.dialog.as_mut() else {
            return;
        };
        let list_cmd = self.keymap.lookup(Mode::List, &k);
        match cmd {
            _ if matches!(d.kind, Kind::AddMember { .. } | Kind::MessagePerson { .. })
                && matches!(list_cmd, Some(Command::Up | Command::Down)) =>
            {
                let n = d.found.len();
                if n > 0 {
                    d.pick = if list_cmd == Some(Command::Up) {
                        (d.pick + n - 1) % n
                    } else {
                        (d.pick + 1) % n
                    };
                }
            }
            Some(Command::Submit) => self.confirm_dialog(fx),
            Some(Command::NextField) if !d.fields.is_empty() => {
                d.focus = (d.focus + 1) % d.fields.len()
            }
            Some(Command::PrevField) if !d.fields.is_empty() => {
                d.focus = (d.focus + d.fields.len() - 1) % d.fields.len()
            }
            Some(Command::Newline) => {
                if let Some(f) = d.focused_mut().filter(|f| f.multiline) {
                    f.input.insert_newline();
                }
            }
            Some(c @ (Command::Undo | Command::Redo | Command::Discard)) => {
                if let Some(f) = d.focused_mut() {
                    match c {
                        Command::Undo => f.input.undo(),
                        Command::Redo => f.input.redo(),
                        _ => crate::app::compose::discard_all(&mut f.input),
                    };
                }
                d.error = None;
                self.dialog_typed(fx);
            }
            _ => {
                if let Some(f) = d.focused_mut() {
                    if f.multiline || k.code != KeyCode::Enter {
                        crate::app::compose::edit(&mut f.input, k);
                    }
                }
                d.error = None;
                self.dialog_typed(fx);
            }
        }
    }

    /// A dialog's field changed: what it suggests follows.
    fn dialog_typed(&mut self, fx: &mut Vec<Effect>) {
        self.add_member_typed(fx);
        self.message_person_typed(fx);
    }

    pub(in crate::app) fn confirm_dialog(&mut self, fx: &mut Vec<Effect>) {
        let Some(d) = self.dialog.as_mut() else {
            return;
        };
        if d.busy {
            return;
        }
        match d.kind.clone() {
            Kind::AddMember { space } => {
                let input = d.field(0);
                if let Some(user) = d
                    .found
                    .get(d.pick)
                    .filter(|_| d.searched.as_deref() == Some(input.trim()))
                    .filter(|_| UserRef::parse_loose(&input).is_err())
                    .and_then(|f| UserRef::parse_loose(&f.user).ok())
                {
                    d.busy = true;
                    d.error = None;
                    fx.push(Effect::Members(MemberEffect::AddMember { space, user }));
                    return;
                }
                if d.searched.as_deref() == Some(input.trim())
                    && UserRef::parse_loose(&input).is_err()
                {
                    d.error = Some(format!(
                        "No one in your directory matches \"{}\"; type their email address to invite them.",
                        input.trim()
                    ));
                    return;
                }
                match UserRef::parse_loose(&input) {
                    Ok(user) => {
                        d.busy = true;
                        d.error = None;
                        fx.push(Effect::Members(MemberEffect::AddMember { space, user }));
                    }
                    Err(_) => {
                        d.error = Some(format!(
                            "{:?} is not a person or app: type a user id (users/123 or 123), an email address, or app for the Chat app.",
                            input.trim()
                        ))
                    }
                }
            }
            Kind::MessagePerson { request_id } => self.confirm_message_person(request_id, fx),
            Kind::Search { .. } => self.confirm_search(fx),
            Kind::RemoveMember {
                space, membership, ..
            } => match MembershipName::parse(&membership) {
                Ok(membership) => {
                    d.busy = true;
                    fx.push(Effect::Members(MemberEffect::RemoveMember {
                        space,
                        membership,
                    }));
                }
                Err(e) => d.error = Some(format!("That member cannot be removed: {e}")),
            },
            Kind::DeleteMessage {
                space,
                message,
                replies,
                ..
            } => {
                if MessageId::is_local(&message) {
                    if let Some(t) = self.store.timeline_mut(&space) {
                        t.remove(&message);
                    }
                    self.dialog = None;
                    self.note("The unsent message was discarded.");
                    return;
                }
                let name = match MessageName::parse(&message) {
                    Ok(n) => n,
                    Err(e) => {
                        d.error = Some(format!("That message cannot be deleted: {e}"));
                        return;
                    }
                };
                d.busy = true;
                if let Some(t) = self.store.timeline_mut(&space) {
                    t.set_local(&message, Some(Local::Deleting));
                }
                fx.push(Effect::Messages(crate::app::MessagesEffect::Delete {
                    space,
                    message: name,
                    force: replies > 0,
                }));
            }
            Kind::CreateSpace { request_id } => {
                let name = d.field(0).trim().to_string();
                if name.is_empty() {
                    d.error = Some("A space needs a name.".into());
                    return;
                }
                if name.chars().count() > 128 {
                    d.error = Some(format!(
                        "The name is {} characters; the limit is 128.",
                        name.chars().count()
                    ));
                    return;
                }
                d.busy = true;
                d.error = None;
                fx.push(Effect::Space(SpaceEffect::CreateSpace {
                    request_id,
                    name,
                    description: d.field(1),
                    guidelines: d.field(2),
                }));
            }
            Kind::EditSpace { space } => {
                let name = d.field(0).trim().to_string();
                let (description, guidelines) = (d.field(1), d.field(2));
                if name.is_empty() {
                    d.error = Some("A space needs a name.".into());
                    return;
                }
                let old = self.space(&space).cloned().unwrap_or_default();
                let old_d = old.space_details.clone().unwrap_or_default();
                let mut mask = Vec::new();
                if old.display_name.as_deref() != Some(name.as_str()) {
                    mask.push("display_name");
                }
                if old_d.description.as_deref().unwrap_or("") != description
                    || old_d.guidelines.as_deref().unwrap_or("") != guidelines
                {
                    mask.push("space_details");
                }
                let Some(d) = self.dialog.as_mut() else {
                    return;
                };
                if mask.is_empty() {
                    self.dialog = None;
                    self.note("Nothing changed.");
                    return;
                }
                d.busy = true;
                d.error = None;
                fx.push(Effect::Space(SpaceEffect::UpdateSpace {
                    space,
                    name,
                    description,
                    guidelines,
                    mask: mask.join(","),
                }));
            }
            Kind::DeleteSpace {
                space,
                display_name,
            } => {
                if d.field(0).trim() != display_name.as_str() {
                    d.error = Some(format!("Type {display_name} exactly to delete the space."));
                    return;
                }
                d.busy = true;
                fx.push(Effect::Space(SpaceEffect::DeleteSpace { space }));
            }
            Kind::SpaceInfo { .. } | Kind::MoveToSection { .. } | Kind::Address { .. } => {
                self.dialog = None
            }
            Kind::Quit { .. } => self.answer_quit(true),
            Kind::QuitUnsaved { .. } => {}
            Kind::AttachFile { space } => self.submit_attach(space, fx),
            Kind::Pick { choices, .. } => {
                if let Some(c) = choices.get(d.pick).cloned() {
                    self.picked(c, fx);
                }
            }
            Kind::DiscardDraft { .. } => {
                self.dialog = None;
                self.compose.discard();
                self.note_discarded();
            }
            Kind::LeaveSpace { space, .. } => {
                // People leave by their own membership; the app by the `app` alias.
                let me = if self.me.is_app {
                    Some(UserRef::App)
                } else {
                    self.me.user.as_deref().and_then(|u| UserRef::parse(u).ok())
                };
                let Some(me) = me else {
                    self.error("gchat doesn't know who you are yet; try again in a moment.");
                    return;
                };
                d.busy = true;
                fx.push(Effect::Members(MemberEffect::RemoveMember {
                    membership: MembershipName::new(&space, me),
                    space,
                }));
            }
        }
    }
}
