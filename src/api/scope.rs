//! OAuth scopes: the ones gchat and the emulator know by name, and the one way to read a
//! scope written either as Google's URL or by its short name.

use std::fmt;

/// The prefix of Google's OAuth scope URLs.
pub const SCOPE_PREFIX: &str = "https://www.googleapis.com/auth/";

/// `chat.bot` for `https://www.googleapis.com/auth/chat.bot` or ` chat.bot `.
pub fn short(scope: &str) -> &str {
    let s = scope.trim();
    s.strip_prefix(SCOPE_PREFIX).unwrap_or(s)
}

macro_rules! scopes {
    ($($variant:ident = $name:literal;)*) => {
        /// A scope by name. Its short name is what tokens, sign-in and the emulator
        /// compare; [`Scope::url`] is what Google's consent screen is asked for.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Scope { $($variant,)* }

        impl Scope {
            pub const ALL: &'static [Scope] = &[$(Scope::$variant,)*];

            /// `chat.spaces`.
            pub fn name(self) -> &'static str {
                match self { $(Scope::$variant => $name,)* }
            }

            /// The scope written as a URL or a short name, if it is one gchat knows.
            pub fn parse(s: &str) -> Option<Scope> {
                match short(s) { $($name => Some(Scope::$variant),)* _ => None }
            }
        }
    };
}

scopes! {
    ChatSpaces = "chat.spaces";
    ChatSpacesReadonly = "chat.spaces.readonly";
    ChatSpacesCreate = "chat.spaces.create";
    ChatMemberships = "chat.memberships";
    ChatMembershipsReadonly = "chat.memberships.readonly";
    ChatMembershipsApp = "chat.memberships.app";
    ChatMessages = "chat.messages";
    ChatMessagesReadonly = "chat.messages.readonly";
    ChatMessagesCreate = "chat.messages.create";
    ChatMessagesReactions = "chat.messages.reactions";
    ChatMessagesReactionsReadonly = "chat.messages.reactions.readonly";
    ChatDelete = "chat.delete";
    ChatUsersReadstate = "chat.users.readstate";
    ChatUsersReadstateReadonly = "chat.users.readstate.readonly";
    ChatUsersSpacesettings = "chat.users.spacesettings";
    ChatUsersSections = "chat.users.sections";
    ChatUsersSectionsReadonly = "chat.users.sections.readonly";
    ChatBot = "chat.bot";
    ChatAppSpaces = "chat.app.spaces";
    ChatAppSpacesCreate = "chat.app.spaces.create";
    ChatAppMemberships = "chat.app.memberships";
    ChatAppDelete = "chat.app.delete";
    ChatAppMessagesReadonly = "chat.app.messages.readonly";
    DirectoryReadonly = "directory.readonly";
    ContactsReadonly = "contacts.readonly";
    UserinfoProfile = "userinfo.profile";
    UserinfoEmail = "userinfo.email";
    Openid = "openid";
    ChatAdminDelete = "chat.admin.delete";
    ChatAdminMemberships = "chat.admin.memberships";
    ChatAdminMembershipsReadonly = "chat.admin.memberships.readonly";
    ChatAdminSpaces = "chat.admin.spaces";
    ChatAdminSpacesReadonly = "chat.admin.spaces.readonly";
    ChatAppAllMembershipsReadonly = "chat.app.all.memberships.readonly";
    ChatAppAllMessagesReadonly = "chat.app.all.messages.readonly";
    ChatAppAllSpacesReadonly = "chat.app.all.spaces.readonly";
    ChatAppMembershipsReadonly = "chat.app.memberships.readonly";
    ChatAppSpacesReadonly = "chat.app.spaces.readonly";
    ChatCustomemojis = "chat.customemojis";
    ChatCustomemojisReadonly = "chat.customemojis.readonly";
    ChatImport = "chat.import";
    ChatMessagesReactionsCreate = "chat.messages.reactions.create";
    ChatSpacesPins = "chat.spaces.pins";
    ChatSpacesPinsReadonly = "chat.spaces.pins.readonly";
    ChatUsersAvailability = "chat.users.availability";
    ChatUsersAvailabilityReadonly = "chat.users.availability.readonly";
    Contacts = "contacts";
    ContactsOtherReadonly = "contacts.other.readonly";
    UserAddressesRead = "user.addresses.read";
    UserBirthdayRead = "user.birthday.read";
    UserEmailsRead = "user.emails.read";
    UserGenderRead = "user.gender.read";
    UserOrganizationRead = "user.organization.read";
    UserPhonenumbersRead = "user.phonenumbers.read";
}

/// The kind of caller a scope is made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Audience {
    /// A person signed in (user authentication), acting in their own right.
    User,
    /// A Chat app (app authentication): `chat.bot`, and the `chat.app.*` scopes an
    /// administrator approves for it.
    App,
    /// A person acting as a Workspace administrator: the `chat.admin.*` scopes, which
    /// count only on a call made with `useAdminAccess=true`.
    Admin,
}

impl Scope {
    /// Who the scope is for: Google ignores a scope granted to the wrong kind of caller.
    pub fn audience(self) -> Audience {
        let n = self.name();
        if self == Scope::ChatBot || n.starts_with("chat.app.") {
            Audience::App
        } else if n.starts_with("chat.admin.") {
            Audience::Admin
        } else {
            Audience::User
        }
    }

    /// `https://www.googleapis.com/auth/chat.spaces` (OpenID's scope has no URL form).
    pub fn url(self) -> String {
        match self {
            Scope::Openid => self.name().to_string(),
            _ => format!("{SCOPE_PREFIX}{}", self.name()),
        }
    }

    /// Whether `granted` (short names or URLs) includes this scope.
    pub fn granted_in<S: AsRef<str>>(self, granted: &[S]) -> bool {
        granted.iter().any(|g| short(g.as_ref()) == self.name())
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_urls_read_back() {
        for s in Scope::ALL {
            assert_eq!(Scope::parse(s.name()), Some(*s));
            assert_eq!(Scope::parse(&s.url()), Some(*s));
        }
        assert_eq!(Scope::parse(" chat.bot "), Some(Scope::ChatBot));
        assert_eq!(Scope::parse("chat.spaces.nonsense"), None);
        assert_eq!(
            short("https://example.com/chat.bot"),
            "https://example.com/chat.bot"
        );
        assert!(Scope::ChatBot.granted_in(&["https://www.googleapis.com/auth/chat.bot"]));
        assert!(!Scope::ChatBot.granted_in(&["chat.bots"]));
    }

    #[test]
    fn audiences() {
        assert_eq!(Scope::ChatBot.audience(), Audience::App);
        assert_eq!(Scope::ChatAppSpacesCreate.audience(), Audience::App);
        assert_eq!(Scope::ChatAppAllMessagesReadonly.audience(), Audience::App);
        assert_eq!(Scope::ChatAdminSpaces.audience(), Audience::Admin);
        assert_eq!(Scope::ChatAdminDelete.audience(), Audience::Admin);
        // Lookalikes are user scopes: the person adds the app, or imports.
        assert_eq!(Scope::ChatMembershipsApp.audience(), Audience::User);
        assert_eq!(Scope::ChatImport.audience(), Audience::User);
        assert_eq!(Scope::ChatMessages.audience(), Audience::User);
        assert_eq!(Scope::DirectoryReadonly.audience(), Audience::User);
    }
}
