//! Who is calling, and with which OAuth scopes.
//!
//! Development tokens: `user:<id>` acts as the person `users/<id>` with every user scope;
//! `app` acts as the Chat app with `chat.bot`; `app:<id>` names another app of the
//! workspace. Any of them may end in `;scopes=<short names, comma-separated>` to narrow
//! the scopes, e.g. `user:1001;scopes=chat.memberships.app`. Tokens issued by the
//! emulator's OAuth endpoints map to the same identities.

use std::collections::BTreeSet;

use super::error::EmuError;
use crate::api::dev_token::{self, DevHolder};
use crate::api::scope::{Audience, Scope};

pub use crate::api::dev_token::SCOPE_PREFIX;

/// Every scope a signed-in person has with a `user:<id>` development token.
pub const USER_SCOPES: &[Scope] = &[
    Scope::ChatSpaces,
    Scope::ChatSpacesReadonly,
    Scope::ChatSpacesCreate,
    Scope::ChatMemberships,
    Scope::ChatMembershipsReadonly,
    Scope::ChatMembershipsApp,
    Scope::ChatMessages,
    Scope::ChatMessagesReadonly,
    Scope::ChatMessagesCreate,
    Scope::ChatMessagesReactions,
    Scope::ChatMessagesReactionsReadonly,
    Scope::ChatMessagesReactionsCreate,
    Scope::ChatSpacesPins,
    Scope::ChatSpacesPinsReadonly,
    Scope::ChatCustomemojis,
    Scope::ChatCustomemojisReadonly,
    Scope::ChatDelete,
    Scope::ChatUsersReadstate,
    Scope::ChatUsersReadstateReadonly,
    Scope::ChatUsersSpacesettings,
    Scope::ChatUsersSections,
    Scope::ChatUsersSectionsReadonly,
    Scope::DirectoryReadonly,
    Scope::ContactsReadonly,
    Scope::UserinfoProfile,
    Scope::UserinfoEmail,
    Scope::Openid,
];

/// The scopes an `app` development token has.
pub const APP_SCOPES: &[Scope] = &[Scope::ChatBot];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    /// A person, by numeric id.
    User(String),
    /// A Chat app, by the numeric id of its bot user.
    App(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub who: Who,
    /// The scopes the token carries that the emulator knows (others grant nothing).
    pub scopes: BTreeSet<Scope>,
}

impl Principal {
    pub fn user(id: &str) -> Self {
        Principal {
            who: Who::User(id.to_string()),
            scopes: USER_SCOPES.iter().copied().collect(),
        }
    }

    pub fn app(id: &str) -> Self {
        Principal {
            who: Who::App(id.to_string()),
            scopes: APP_SCOPES.iter().copied().collect(),
        }
    }

    pub fn is_app(&self) -> bool {
        matches!(self.who, Who::App(_))
    }

    /// The numeric id of the person or of the app's bot user.
    pub fn id(&self) -> &str {
        match &self.who {
            Who::User(id) | Who::App(id) => id,
        }
    }

    /// `users/<id>`: the key for request ids, thread keys and authorship.
    pub fn user_name(&self) -> String {
        format!("users/{}", self.id())
    }

    /// Whether the token carries `scope` and the scope is made for this kind of caller:
    /// an app's user scopes and a person's app scopes grant nothing, and an admin scope
    /// counts only through [`Principal::admits`] with admin access.
    pub fn has_scope(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope) && self.audience() == scope.audience()
    }

    /// The audience of the scopes this caller's token can use without admin access.
    fn audience(&self) -> Audience {
        match self.who {
            Who::User(_) => Audience::User,
            Who::App(_) => Audience::App,
        }
    }

    pub fn has_any(&self, scopes: &[Scope]) -> bool {
        scopes.iter().any(|s| self.has_scope(*s))
    }

    /// 403 unless the token carries one of `scopes` that is made for this caller.
    pub fn require_any(&self, scopes: &[Scope], method: &str) -> Result<(), EmuError> {
        if self.has_any(scopes) {
            Ok(())
        } else {
            Err(EmuError::scope_insufficient(method))
        }
    }

    /// Whether a method that accepts `accepts` admits this caller. With `admin_access`
    /// (`useAdminAccess=true`) only a person's administrator scopes count, as Google
    /// documents; without it, only the scopes made for the caller's kind.
    pub fn admits(&self, accepts: &Accepts, admin_access: bool) -> bool {
        let (wanted, kind) = match (&self.who, admin_access) {
            (Who::App(_), true) => return false,
            (Who::App(_), false) => (&accepts.app, Audience::App),
            (Who::User(_), false) => (&accepts.user, Audience::User),
            (Who::User(_), true) => (&accepts.admin, Audience::Admin),
        };
        wanted
            .iter()
            .any(|s| s.audience() == kind && self.scopes.contains(s))
    }
}

/// A method's accepted scopes, split by the kind of caller each is for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Accepts {
    /// Scopes a person's token may carry (user authentication).
    pub user: Vec<Scope>,
    /// Scopes a Chat app's token may carry (app authentication).
    pub app: Vec<Scope>,
    /// Scopes that admit a person only with `useAdminAccess=true`.
    pub admin: Vec<Scope>,
}

impl Accepts {
    /// Splits a method's scopes (as its reference lists them) by audience.
    pub fn split(scopes: &[Scope]) -> Self {
        let mut a = Accepts::default();
        for s in scopes {
            match s.audience() {
                Audience::User => a.user.push(*s),
                Audience::App => a.app.push(*s),
                Audience::Admin => a.admin.push(*s),
            }
        }
        a
    }
}

/// Reads a development token (see [`crate::api::dev_token`]). `None` when it is not one
/// (it may still be an issued token); ids are canonical, so `user:01001` is not one.
pub fn parse_dev_token(token: &str, primary_app: &str) -> Option<Principal> {
    let t = dev_token::parse(token)?;
    let mut p = match &t.holder {
        DevHolder::User(id) => Principal::user(id),
        DevHolder::PrimaryApp => Principal::app(primary_app),
        DevHolder::App(id) => Principal::app(id),
    };
    if let Some(scopes) = t.scopes {
        p.scopes = scopes.iter().filter_map(|s| Scope::parse(s)).collect();
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_tokens() {
        let u = parse_dev_token("user:1001", "9000").unwrap();
        assert_eq!(u.who, Who::User("1001".into()));
        assert!(u.has_scope(Scope::ChatMessages));
        assert!(!u.has_scope(Scope::ChatBot));
        let a = parse_dev_token("app", "9000").unwrap();
        assert_eq!(a.who, Who::App("9000".into()));
        assert!(a.has_scope(Scope::ChatBot));
        let n = parse_dev_token(
            "user:1001;scopes=chat.memberships.app,https://www.googleapis.com/auth/chat.spaces,chat.nonsense",
            "9000",
        )
        .unwrap();
        assert_eq!(
            n.scopes.iter().cloned().collect::<Vec<_>>(),
            vec![Scope::ChatSpaces, Scope::ChatMembershipsApp],
            "known scopes are read in either form; unknown ones grant nothing"
        );
        for bad in [
            "",
            "user:",
            "user:abc",
            "robot",
            "user:1;foo=bar",
            "app:x",
            "user:0001001",
            "app:09000",
        ] {
            assert!(parse_dev_token(bad, "9000").is_none(), "{bad}");
        }
    }
}
