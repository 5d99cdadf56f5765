//! What the signed-in identity may do, from its OAuth scopes and from what Chat apps can
//! do at all. Unavailable actions are refused with the reason before any request, and
//! shown as unavailable in the help overlay.

use super::{App, Identity};
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

/// The scope that does what a failed call tried, for "sign in again to grant it".
pub fn scope_for(what: &str, is_app: bool) -> &'static str {
    match (what, is_app) {
        ("messages", true) | ("send", true) => "chat.bot",
        ("messages", false) => "chat.messages",
        ("send", false) => "chat.messages",
        ("members", true) => "chat.app.memberships",
        ("members", false) => "chat.memberships",
        ("app", _) => "chat.memberships.app",
        ("spaces", true) => "chat.app.spaces",
        ("spaces", false) => "chat.spaces",
        ("delete_space", true) => "chat.app.delete",
        ("delete_space", false) => "chat.delete",
        _ => "chat.spaces",
    }
}

impl App {
    fn has_any(&self, scopes: &[&str]) -> bool {
        match &self.me.scopes {
            None => true,
            Some(have) => scopes.iter().any(|s| have.iter().any(|h| h == s)),
        }
    }

    fn needs(&self, scopes: &[&str]) -> Option<String> {
        (!self.has_any(scopes)).then(|| {
            let list = scopes.join(" or ");
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
        if self.me.is_app {
            return match cmd {
                Compose | Reply | Retry | Edit | Delete => self.needs(&["chat.bot"]),
                AddMember => {
                    if self.has_any(&["chat.app.memberships"]) {
                        None
                    } else {
                        Some("a Chat app can't add itself, and adding people needs the admin-approved chat.app.memberships scope".into())
                    }
                }
                RemoveMember | ToggleManager | LeaveSpace => self.needs(&["chat.app.memberships"]),
                CreateSpace => self.needs(&["chat.app.spaces", "chat.app.spaces.create"]),
                EditSpace => self.needs(&["chat.app.spaces"]),
                DeleteSpace => self.needs(&["chat.app.delete"]),
                _ => None,
            };
        }
        let by_scope = match cmd {
            Compose | Reply | Retry => self.needs(&["chat.messages", "chat.messages.create"]),
            Edit | Delete => self.needs(&["chat.messages"]),
            AddMember => self.needs(&["chat.memberships", "chat.memberships.app"]),
            RemoveMember | ToggleManager | LeaveSpace => self.needs(&["chat.memberships"]),
            CreateSpace => self.needs(&["chat.spaces", "chat.spaces.create"]),
            EditSpace => self.needs(&["chat.spaces"]),
            DeleteSpace => self.needs(&["chat.delete"]),
            _ => None,
        };
        by_scope.or_else(|| self.refused_by_role(cmd))
    }
}
