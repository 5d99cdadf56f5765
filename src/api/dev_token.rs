//! Development tokens: the bearer tokens the emulator accepts without signing in, read in
//! one place by the emulator (who is calling) and by gchat (who am I).
//!
//! - `user:<id>`: the person `users/<id>`, with every user scope;
//! - `app`: the workspace's Chat app, with `chat.bot`;
//! - `app:<id>`: the Chat app whose bot user is `users/<id>`, with `chat.bot`;
//! - any of them followed by `;scopes=<scope>,<scope>...` to name the scopes exactly
//!   (short names such as `chat.spaces`, or full URLs).
//!
//! Ids are canonical decimal numbers (`1001`, never `01001` or `+1001`): a person has one
//! token, not one per spelling of the id, so an id is never a second identity.

use super::scope::short;
pub use super::scope::SCOPE_PREFIX;

/// The longest id accepted, in digits.
const MAX_ID_DIGITS: usize = 32;

/// Whom a development token names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DevHolder {
    /// A person, by canonical numeric id.
    User(String),
    /// `app`: the workspace's own Chat app, whatever its id.
    PrimaryApp,
    /// `app:<id>`: a Chat app by the canonical numeric id of its bot user.
    App(String),
}

/// A development token, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevToken {
    pub holder: DevHolder,
    /// Short scope names (`chat.spaces`) in the order given, when the token narrows them.
    pub scopes: Option<Vec<String>>,
}

/// `1001`: ASCII digits, no leading zero, at most 32 digits.
pub fn is_canonical_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_DIGITS
        && id.bytes().all(|b| b.is_ascii_digit())
        && !id.starts_with('0')
}

/// Reads a development token; `None` when `token` is not one (it may still be a real
/// OAuth access token).
pub fn parse(token: &str) -> Option<DevToken> {
    let (who, scopes) = match token.split_once(';') {
        Some((who, rest)) => {
            let list = rest.strip_prefix("scopes=")?;
            if list.contains(';') {
                return None;
            }
            let scopes = list
                .split(',')
                .map(short)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
            (who, Some(scopes))
        }
        None => (token, None),
    };
    let holder = if let Some(id) = who.strip_prefix("user:") {
        DevHolder::User(is_canonical_id(id).then(|| id.to_string())?)
    } else if who == "app" {
        DevHolder::PrimaryApp
    } else if let Some(id) = who.strip_prefix("app:") {
        DevHolder::App(is_canonical_id(id).then(|| id.to_string())?)
    } else {
        return None;
    };
    Some(DevToken { holder, scopes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_and_apps() {
        assert_eq!(
            parse("user:1001"),
            Some(DevToken {
                holder: DevHolder::User("1001".into()),
                scopes: None
            })
        );
        assert_eq!(parse("app").unwrap().holder, DevHolder::PrimaryApp);
        assert_eq!(
            parse("app:9001").unwrap().holder,
            DevHolder::App("9001".into())
        );
    }

    #[test]
    fn scopes_are_short_names_in_order() {
        let t = parse(
            "user:1001;scopes=chat.memberships.app,https://www.googleapis.com/auth/chat.spaces,,",
        )
        .unwrap();
        assert_eq!(
            t.scopes.unwrap(),
            vec!["chat.memberships.app", "chat.spaces"]
        );
        assert_eq!(parse("app;scopes=").unwrap().scopes, Some(vec![]));
    }

    #[test]
    fn only_canonical_ids_name_someone() {
        for bad in [
            "",
            "user:",
            "user:abc",
            "user:0001001",
            "user:01001",
            "user:0",
            "user:+1001",
            "user:1001 ",
            " user:1001",
            "user:１００１",
            "User:1001",
            "robot",
            "apps",
            "app:",
            "app:x",
            "app:09000",
            "user:1;foo=bar",
            "user:1;scopes=a;scopes=b",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        assert!(parse(&format!("user:{}", "9".repeat(32))).is_some());
        assert!(parse(&format!("user:{}", "9".repeat(33))).is_none());
    }
}
