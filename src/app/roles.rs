//! What the user's role lets them do in a space, known before they try: posting in an
//! announcement space, editing the space, managing people and roles. The rules are the
//! space's permission settings (from `spaces.get`; lists leave them out), or Google's
//! defaults until those are known. Refused commands are greyed in `?` with the reason
//! and refused before any request; the server stays the judge of anything else.

use serde_json::Value;

use super::{App, Effect};
use crate::api::model::{MembershipRole, MembershipState, Space, SpaceType};
use crate::api::{ApiError, SpaceName};
use crate::app::polls::Poll;
use crate::app::space_requests::SpaceEffect;
use crate::keymap::Command;

/// Whether members (not only managers) may do what `setting` governs in a space whose
/// settings gchat has not seen: Google's defaults for a space that is not an
/// announcement space.
fn members_by_default(setting: &str) -> bool {
    !matches!(setting, "modifySpaceDetails")
}

impl App {
    /// Asks for a named space's permission settings once.
    pub(super) fn learn_permissions(&mut self, space: &SpaceName, fx: &mut Vec<Effect>) {
        let named = self
            .space(space)
            .is_some_and(|s| s.kind() == SpaceType::Space);
        if self.me.is_app
            || !named
            || self.store.permissions(space).is_some()
            || self.polls.busy(&Poll::Space(space.clone()))
        {
            return;
        }
        self.polls.start(Poll::Space(space.clone()));
        fx.push(Effect::Space(SpaceEffect::LoadSpace {
            space: space.clone(),
        }));
    }

    pub(super) fn on_space(
        &mut self,
        space: SpaceName,
        result: Result<Space, ApiError>,
        fx: &mut Vec<Effect>,
    ) {
        self.polls.done(&Poll::Space(space.clone()));
        match result {
            Ok(s) => {
                if self.space(&space).is_none() {
                    return;
                }
                let rules = s
                    .permission_settings
                    .clone()
                    .unwrap_or_else(|| Value::Object(Default::default()));
                self.store.set_permissions(&space, rules);
                self.spaces.upsert(s);
            }
            Err(e) if self.means_gone(&space, &e) => self.spaces_gone(&[space], fx),
            Err(e) => tracing::info!(error = %e, "could not load a space's permission settings"),
        }
    }

    /// Whether the signed-in person may do what `setting` governs in `space`; `None`
    /// while their membership is not known (the server decides then).
    pub(super) fn allowed(&self, space: &str, setting: &str) -> Option<bool> {
        let me = self.me.user.as_deref()?;
        let mine = self.store.members(space)?.iter().find(|m| {
            m.member.as_ref().and_then(|u| u.name.as_deref()) == Some(me)
                && m.state != Some(MembershipState::Invited)
        })?;
        let role = mine.role.clone().unwrap_or(MembershipRole::Member);
        let manager = role == MembershipRole::Manager;
        let Some(rules) = self.store.permissions(space) else {
            return Some(manager || members_by_default(setting));
        };
        let Some(rule) = rules.get(setting) else {
            return Some(true);
        };
        let flag = |k: &str| rule.get(k).and_then(Value::as_bool).unwrap_or(false);
        Some(match role {
            MembershipRole::Manager => flag("managersAllowed"),
            MembershipRole::AssistantManager => {
                flag("assistantManagersAllowed") || flag("managersAllowed")
            }
            _ => flag("membersAllowed"),
        })
    }

    /// Whether the signed-in person manages `space`; `None` while not known.
    fn manages(&self, space: &str) -> Option<bool> {
        self.allowed(space, "modifySpaceDetails")?;
        Some(self.is_manager(space))
    }

    /// Why the user's role in the space `cmd` acts on does not allow it.
    pub(super) fn refused_by_role(&self, cmd: Command) -> Option<String> {
        use Command::*;
        if self.me.is_app {
            return None;
        }
        let space = match cmd {
            EditSpace | DeleteSpace => self.target_space(),
            _ => self.current.clone(),
        }?;
        let s = self.space(&space)?;
        if cmd == AddMember && s.kind() == SpaceType::DirectMessage {
            return Some(
                "people can't be added to a direct message; create a space instead".into(),
            );
        }
        if s.kind() != SpaceType::Space {
            return None;
        }
        let label = self.space_label(s);
        let no = |ok: Option<bool>, why: String| (ok == Some(false)).then_some(why);
        let in_thread = self
            .views
            .get(space.as_str())
            .is_some_and(|v| v.thread.is_some());
        match cmd {
            Compose if !in_thread => no(
                self.allowed(&space, "postMessages"),
                format!("only managers can post in {label}"),
            ),
            Compose | Reply => no(
                self.allowed(&space, "replyMessages"),
                format!("only managers can reply in {label}"),
            ),
            EditSpace => no(
                self.allowed(&space, "modifySpaceDetails"),
                format!("only managers can change {label}'s name and details"),
            ),
            DeleteSpace => no(
                self.manages(&space),
                format!("only managers can delete {label}"),
            ),
            ToggleManager => no(
                self.manages(&space),
                format!("only managers of {label} can change roles"),
            ),
            AddMember => {
                let people = self.allowed(&space, "manageMembersAndGroups");
                let apps = self.allowed(&space, "manageApps");
                no(
                    people.zip(apps).map(|(p, a)| p || a),
                    format!("only managers can add people to {label}"),
                )
            }
            RemoveMember => {
                let m = self.selected_member()?;
                let name = m.name.as_deref()?;
                if self.is_own_membership(name) {
                    return None; // leaving: anyone may
                }
                let bot = m.member.as_ref().is_some_and(|u| u.is_bot());
                let setting = if bot {
                    "manageApps"
                } else {
                    "manageMembersAndGroups"
                };
                let target_manager = m.role == Some(MembershipRole::Manager);
                no(
                    self.allowed(&space, setting),
                    format!("only managers can remove people from {label}"),
                )
                .or_else(|| {
                    no(
                        self.manages(&space).map(|me| me || !target_manager),
                        format!("only managers of {label} can remove a manager"),
                    )
                })
            }
            _ => None,
        }
    }

    /// Why the compose box of the open `space` is not there for a new message: the
    /// user may not post in it (they may still reply in a thread).
    pub fn posting_refused(&self, space: &str) -> Option<String> {
        if self.current.as_deref() != Some(space) {
            return None;
        }
        let writing_here = self.compose.space.as_deref() == Some(space)
            && self.compose.target != super::compose::Target::New;
        if writing_here {
            return None;
        }
        self.refused_by_role(Command::Compose)
    }
}
