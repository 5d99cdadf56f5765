//! What the signed-in identity may do, from its OAuth scopes and from what Chat apps can
//! do at all. Unavailable actions are refused with the reason before any request, and
//! shown as unavailable in the help overlay.

use super::{App, Identity};
use crate::api::Scope;
use crate::api::Scope::*;
use crate::auth::profile::{Account, AccountKind};
use crate::keymap::Command;

impl Identity {
    /// Who a signed-in profile is, with the scopes its sign-in was actually granted.
    pub fn signed_in(account: &Account) -> Identity {
        let is_app = account.kind == AccountKind::ServiceAccount;
        Identity {
            user: account.identity.user.clone(),
            name: account.identity.name.clone().filter(|_| !is_app),
            is_app,
            scopes: Some(
                account
                    .scopes
                    .iter()
                    .map(|s| crate::auth::short(s).to_string())
                    .collect(),
            ),
        }
    }
}

/// What a failed call was doing, for naming the scope it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    Spaces,
    Messages,
    Send,
    Members,
    DeleteSpace,
}

/// The scope that does `task`, for "sign in again to grant it".
pub fn scope_for(task: Task, is_app: bool) -> Scope {
    match (task, is_app) {
        (Task::Messages | Task::Send, true) => Scope::ChatBot,
        (Task::Messages | Task::Send, false) => Scope::ChatMessages,
        (Task::Members, true) => Scope::ChatAppMemberships,
        (Task::Members, false) => Scope::ChatMemberships,
        (Task::Spaces, true) => Scope::ChatAppSpaces,
        (Task::Spaces, false) => Scope::ChatSpaces,
        (Task::DeleteSpace, true) => Scope::ChatAppDelete,
        (Task::DeleteSpace, false) => Scope::ChatDelete,
    }
}

impl App {
    fn has_any(&self, scopes: &[Scope]) -> bool {
        match &self.me.scopes {
            None => true,
            Some(have) => scopes.iter().any(|s| s.granted_in(have)),
        }
    }

    pub(super) fn needs(&self, scopes: &[Scope]) -> Option<String> {
        (!self.has_any(scopes)).then(|| {
            let list = scopes
                .iter()
                .map(|s| s.name())
                .collect::<Vec<_>>()
                .join(" or ");
            if self.me.is_app {
                format!("needs the {list} scope, which an administrator must approve for the app")
            } else {
                format!(
                    "needs the {list} scope; run `gchat auth login{}` to grant it",
                    crate::auth::profile_flag(&self.settings.profile)
                )
            }
        })
    }

    /// Why `cmd` cannot be done by whoever is signed in, or `None` when it can.
    pub fn unavailable(&self, cmd: Command) -> Option<String> {
        use Command::*;
        match cmd {
            Mute => return self.mute_unavailable(),
            MoveToSection => return self.sections_unavailable(),
            _ => {}
        }
        if self.me.is_app {
            return match cmd {
                Compose | Reply | Retry | Edit | Delete => self.needs(&[ChatBot]),
                AddMember => {
                    if self.has_any(&[ChatAppMemberships]) {
                        None
                    } else {
                        Some("a Chat app can't add itself, and adding people needs the admin-approved chat.app.memberships scope".into())
                    }
                }
                RemoveMember | ToggleManager | LeaveSpace => self.needs(&[ChatAppMemberships]),
                CreateSpace => self.needs(&[ChatAppSpaces, ChatAppSpacesCreate]),
                EditSpace => self.needs(&[ChatAppSpaces]),
                DeleteSpace => self.needs(&[ChatAppDelete]),
                React => self.needs(&[ChatBot]),
                Quote => self.needs(&[ChatBot]),
                Pin | Pins => Some(
                    "pins need user authentication (messagePins takes only user scopes)".into(),
                ),
                SaveAttachment => self.needs(&[ChatBot]),
                Attach => Some("Google Chat takes uploads only from people signed in (user authentication), not from a Chat app".into()),
                MessagePerson => Some("a Chat app can't start a conversation for a person: that needs signing in as a user".into()),
                Search => Some("searching messages needs signing in as a user; a Chat app can't search".into()),
                _ => None,
            };
        }
        let by_scope = match cmd {
            Compose | Reply | Retry => self.needs(&[ChatMessages, ChatMessagesCreate]),
            Edit | Delete => self.needs(&[ChatMessages]),
            AddMember => self.needs(&[ChatMemberships, ChatMembershipsApp]),
            RemoveMember | ToggleManager | LeaveSpace => self.needs(&[ChatMemberships]),
            CreateSpace => self.needs(&[ChatSpaces, ChatSpacesCreate]),
            EditSpace => self.needs(&[ChatSpaces]),
            DeleteSpace => self.needs(&[ChatDelete]),
            React => self.needs(&[ChatMessages, ChatMessagesReactions]),
            Quote => self.needs(&[ChatMessages, ChatMessagesCreate]),
            Pin => self.needs(&[ChatSpaces]),
            Pins => self.needs(&[ChatSpaces, ChatSpacesReadonly]),
            SaveAttachment => self.needs(&[ChatMessages, ChatMessagesReadonly]),
            Attach => self.needs(&[ChatMessages, ChatMessagesCreate]),
            MessagePerson => self.needs(&[ChatSpaces, ChatSpacesCreate]),
            Search => self.needs(&[ChatMessages, ChatMessagesReadonly]),
            _ => None,
        };
        by_scope.or_else(|| self.refused_by_role(cmd))
    }
}
