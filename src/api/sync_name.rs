//! Resource names of the per-user and per-space sync resources: read states, notification
//! settings, space events, sections and section items. Parsed once at the edge, like the
//! names in `name`.

use std::fmt;

use super::name::{err, is_email, is_numeric_id, is_opaque_id, NameError, SpaceName, ThreadName};

const READ_STATE_FORM: &str = "users/{user}/spaces/{space}/spaceReadState";
const THREAD_READ_STATE_FORM: &str = "users/{user}/spaces/{space}/threads/{thread}/threadReadState";
const NOTIFICATION_FORM: &str = "users/{user}/spaces/{space}/spaceNotificationSetting";
const EVENT_FORM: &str = "spaces/{space}/spaceEvents/{spaceEvent}";
const SECTION_FORM: &str = "users/{user}/sections/{section}";
const ITEM_FORM: &str = "users/{user}/sections/{section}/items/{item}";

/// The `{user}` of a `users/{user}/...` name: `me`, a numeric id or an email address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserSegment(String);

impl UserSegment {
    /// `me`: the calling user.
    pub fn me() -> Self {
        UserSegment("me".into())
    }
    pub fn parse(s: &str) -> Option<Self> {
        (s == "me" || is_numeric_id(s) || is_email(s)).then(|| UserSegment(s.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserSegment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Splits `users/{user}/spaces/{space}/{tail}` into its user and space.
fn user_space<'a>(s: &'a str, tail: &str) -> Option<(UserSegment, SpaceName, &'a str)> {
    let rest = s.strip_prefix("users/")?;
    let (user, rest) = rest.split_once("/spaces/")?;
    let (space, after) = rest.split_once('/')?;
    let after = after.strip_suffix(tail)?;
    Some((
        UserSegment::parse(user)?,
        SpaceName::parse(space).ok()?,
        after,
    ))
}

/// `users/{user}/spaces/{space}/spaceReadState`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SpaceReadStateName {
    pub user: UserSegment,
    pub space: SpaceName,
}

impl SpaceReadStateName {
    /// The calling user's read state of `space`.
    pub fn me(space: &SpaceName) -> Self {
        SpaceReadStateName {
            user: UserSegment::me(),
            space: space.clone(),
        }
    }
    pub fn parse(s: &str) -> Result<Self, NameError> {
        match user_space(s, "spaceReadState") {
            Some((user, space, "")) => Ok(SpaceReadStateName { user, space }),
            _ => Err(err("space read state name", s, READ_STATE_FORM)),
        }
    }
}

impl fmt::Display for SpaceReadStateName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "users/{}/{}/spaceReadState", self.user, self.space)
    }
}

/// `users/{user}/spaces/{space}/threads/{thread}/threadReadState`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ThreadReadStateName {
    pub user: UserSegment,
    pub thread: ThreadName,
}

impl ThreadReadStateName {
    pub fn me(thread: &ThreadName) -> Self {
        ThreadReadStateName {
            user: UserSegment::me(),
            thread: thread.clone(),
        }
    }
    pub fn parse(s: &str) -> Result<Self, NameError> {
        let bad = || err("thread read state name", s, THREAD_READ_STATE_FORM);
        let (user, space, mid) = user_space(s, "/threadReadState").ok_or_else(bad)?;
        let thread = mid.strip_prefix("threads/").ok_or_else(bad)?;
        let thread = ThreadName::parse(&format!("{space}/threads/{thread}")).map_err(|_| bad())?;
        Ok(ThreadReadStateName { user, thread })
    }
}

impl fmt::Display for ThreadReadStateName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "users/{}/{}/threadReadState", self.user, self.thread)
    }
}

/// `users/{user}/spaces/{space}/spaceNotificationSetting`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NotificationSettingName {
    pub user: UserSegment,
    pub space: SpaceName,
}

impl NotificationSettingName {
    pub fn me(space: &SpaceName) -> Self {
        NotificationSettingName {
            user: UserSegment::me(),
            space: space.clone(),
        }
    }
    pub fn parse(s: &str) -> Result<Self, NameError> {
        match user_space(s, "spaceNotificationSetting") {
            Some((user, space, "")) => Ok(NotificationSettingName { user, space }),
            _ => Err(err("notification setting name", s, NOTIFICATION_FORM)),
        }
    }
}

impl fmt::Display for NotificationSettingName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "users/{}/{}/spaceNotificationSetting",
            self.user, self.space
        )
    }
}

/// `spaces/{space}/spaceEvents/{spaceEvent}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SpaceEventName {
    pub space: SpaceName,
    id: String,
}

impl SpaceEventName {
    pub fn parse(s: &str) -> Result<Self, NameError> {
        let bad = || err("space event name", s, EVENT_FORM);
        let rest = s.strip_prefix("spaces/").ok_or_else(bad)?;
        let (space, id) = rest.split_once("/spaceEvents/").ok_or_else(bad)?;
        let space = SpaceName::parse(space).map_err(|_| bad())?;
        if !is_opaque_id(id) {
            return Err(bad());
        }
        Ok(SpaceEventName {
            space,
            id: id.to_string(),
        })
    }
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl fmt::Display for SpaceEventName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/spaceEvents/{}", self.space, self.id)
    }
}

/// `users/{user}/sections/{section}`; `{section}` may be `-` (every section) where a
/// method allows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SectionName {
    pub user: UserSegment,
    section: String,
}

fn is_section_id(s: &str) -> bool {
    s == "-" || is_opaque_id(s)
}

impl SectionName {
    /// One of the calling user's sections, by id.
    pub fn me(section: &str) -> Result<Self, NameError> {
        Self::parse(&format!("users/me/sections/{section}"))
    }
    pub fn parse(s: &str) -> Result<Self, NameError> {
        let bad = || err("section name", s, SECTION_FORM);
        let rest = s.strip_prefix("users/").ok_or_else(bad)?;
        let (user, section) = rest.split_once("/sections/").ok_or_else(bad)?;
        let user = UserSegment::parse(user).ok_or_else(bad)?;
        if !is_section_id(section) {
            return Err(bad());
        }
        Ok(SectionName {
            user,
            section: section.to_string(),
        })
    }
    pub fn id(&self) -> &str {
        &self.section
    }
}

impl fmt::Display for SectionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "users/{}/sections/{}", self.user, self.section)
    }
}

/// `users/{user}/sections/{section}/items/{item}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SectionItemName {
    pub section: SectionName,
    item: String,
}

impl SectionItemName {
    pub fn new(section: &SectionName, item: &str) -> Result<Self, NameError> {
        Self::parse(&format!("{section}/items/{item}"))
    }
    pub fn parse(s: &str) -> Result<Self, NameError> {
        let bad = || err("section item name", s, ITEM_FORM);
        let (section, item) = s.split_once("/items/").ok_or_else(bad)?;
        let section = SectionName::parse(section).map_err(|_| bad())?;
        if !is_opaque_id(item) || section.id() == "-" {
            return Err(bad());
        }
        Ok(SectionItemName {
            section,
            item: item.to_string(),
        })
    }
    pub fn item(&self) -> &str {
        &self.item
    }
}

impl fmt::Display for SectionItemName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/items/{}", self.section, self.item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_refuse_what_is_not_documented() {
        for ok in [
            "users/me/spaces/AAAA1/spaceReadState",
            "users/12/spaces/AAAA1/spaceReadState",
            "users/a@example.com/spaces/AAAA1/spaceReadState",
        ] {
            assert_eq!(SpaceReadStateName::parse(ok).unwrap().to_string(), ok);
        }
        for bad in [
            "users/me/spaces/AAAA1/spaceReadStat",
            "users/me/spaces/AAAA1/x/spaceReadState",
            "users/bob/spaces/AAAA1/spaceReadState",
            "users/me/spaces//spaceReadState",
            "spaces/AAAA1/spaceReadState",
        ] {
            assert!(SpaceReadStateName::parse(bad).is_err(), "{bad}");
        }
        let t = "users/me/spaces/AAAA1/threads/T1/threadReadState";
        assert_eq!(ThreadReadStateName::parse(t).unwrap().to_string(), t);
        assert!(
            ThreadReadStateName::parse("users/me/spaces/AAAA1/threads//threadReadState").is_err()
        );
        let n = "users/me/spaces/AAAA1/spaceNotificationSetting";
        assert_eq!(NotificationSettingName::parse(n).unwrap().to_string(), n);
        let e = "spaces/AAAA1/spaceEvents/0000000000000001";
        assert_eq!(SpaceEventName::parse(e).unwrap().to_string(), e);
        assert!(SpaceEventName::parse("spaces/AAAA1/spaceEvents/a/b").is_err());
        let s = "users/me/sections/default-spaces";
        assert_eq!(SectionName::parse(s).unwrap().to_string(), s);
        assert!(SectionName::parse("users/me/sections/a/b").is_err());
        let i = "users/me/sections/default-spaces/items/AAAA1";
        assert_eq!(SectionItemName::parse(i).unwrap().to_string(), i);
        assert!(SectionItemName::parse("users/me/sections/-/items/AAAA1").is_err());
    }
}
