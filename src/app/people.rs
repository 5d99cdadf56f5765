//! Who `users/123` is: names from the Chat API where it gives them, the People API for the
//! rest, remembered for the session.

use std::collections::{HashMap, HashSet};

use crate::api::model::{Person, User};
use crate::clean::Clean;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PersonInfo {
    pub name: Option<String>,
    pub email: Option<String>,
    pub bot: bool,
}

#[derive(Debug, Default)]
pub struct People {
    known: HashMap<String, PersonInfo>,
    /// Asked of the People API, no answer yet.
    pending: HashSet<String>,
    /// The People API does not know them: stop asking.
    unknown: HashSet<String>,
    /// Bumped when a name changes, so cached layout is redone.
    pub version: u64,
}

impl People {
    /// Learns from a `User` in an API answer.
    pub fn learn(&mut self, u: &User) {
        let Some(name) = u.name.as_deref() else {
            return;
        };
        let entry = self.known.entry(name.to_string()).or_default();
        let mut changed = false;
        if let Some(d) = u.display_name.as_deref().filter(|d| !d.is_empty()) {
            if entry.name.as_deref() != Some(d) {
                entry.name = Some(d.to_string());
                changed = true;
            }
        }
        if let Some(e) = u.email.as_deref().filter(|e| !e.is_empty()) {
            if entry.email.as_deref() != Some(e) {
                entry.email = Some(e.to_string());
                changed = true;
            }
        }
        if u.is_bot() && !entry.bot {
            entry.bot = true;
            changed = true;
        }
        if changed {
            self.version += 1;
        }
    }

    /// Learns from a People API answer for `users/ID`.
    pub fn learn_person(&mut self, user: &str, p: &Person) {
        let entry = self.known.entry(user.to_string()).or_default();
        if let Some(n) = p.display_name() {
            entry.name = Some(n.to_string());
        }
        if let Some(e) = p.email() {
            entry.email = Some(e.to_string());
        }
        self.pending.remove(user);
        self.version += 1;
    }

    /// Asked for but not found.
    pub fn not_found(&mut self, users: &[String]) {
        for u in users {
            self.pending.remove(u);
            if self.known.get(u).is_none_or(|i| i.name.is_none()) {
                self.unknown.insert(u.clone());
            }
        }
    }

    /// The lookup failed; forget it was asked, so it is asked again later.
    pub fn lookup_failed(&mut self, users: &[String]) {
        for u in users {
            self.pending.remove(u);
        }
    }

    /// Everyone known by id, in no particular order.
    pub fn known(&self) -> impl Iterator<Item = (&str, &PersonInfo)> {
        self.known.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub fn get(&self, user: &str) -> Option<&PersonInfo> {
        self.known.get(user)
    }

    /// The person's name, to show.
    pub fn name(&self, user: &str) -> Option<Clean> {
        self.known
            .get(user)
            .and_then(|i| i.name.as_deref())
            .map(Clean::line)
    }

    /// The label of a member: the name the API gave, the one looked up, their email
    /// (someone invited by address), or the id.
    pub fn user_label(&self, u: &User) -> Clean {
        let id = u.name.as_deref().unwrap_or("");
        let known = self.known.get(id);
        u.display_name
            .as_deref()
            .or_else(|| known.and_then(|i| i.name.as_deref()))
            .or_else(|| known.and_then(|i| i.email.as_deref()))
            .map_or_else(|| Clean::line(id), Clean::line)
    }

    /// The directory does not know `user` (asked, and not found).
    pub fn is_unknown(&self, user: &str) -> bool {
        self.unknown.contains(user)
    }

    /// A name to show: the person's name, or the id when it cannot be known.
    pub fn label(&self, user: &str) -> Clean {
        self.name(user).unwrap_or_else(|| Clean::line(user))
    }

    /// People among `users` whose names are not known and not being looked up; marks
    /// them as being looked up. Apps are never looked up (the People API has no apps).
    pub fn to_look_up<'a>(&mut self, users: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        let mut out = Vec::new();
        for u in users {
            let numeric = u
                .strip_prefix("users/")
                .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()));
            let known = self.known.get(u).is_some_and(|i| i.name.is_some() || i.bot);
            if numeric && !known && !self.pending.contains(u) && !self.unknown.contains(u) {
                self.pending.insert(u.to_string());
                out.push(u.to_string());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::UserType;

    #[test]
    fn names_come_from_the_chat_api_or_a_lookup() {
        let mut p = People::default();
        p.learn(&User {
            name: Some("users/1".into()),
            display_name: Some("Alice".into()),
            ..Default::default()
        });
        p.learn(&User {
            name: Some("users/9".into()),
            user_type: Some(UserType::Bot),
            ..Default::default()
        });
        let ask = p.to_look_up(["users/1", "users/2", "users/2", "users/9", "users/app"]);
        assert_eq!(ask, ["users/2"]);
        assert!(p.to_look_up(["users/2"]).is_empty(), "already asked");
        assert_eq!(p.label("users/2"), "users/2");
        let person: Person =
            serde_json::from_value(serde_json::json!({"names": [{"displayName": "Bob"}]})).unwrap();
        p.learn_person("users/2", &person);
        assert_eq!(p.label("users/2"), "Bob");
        p.not_found(&["users/3".into()]);
        assert!(
            p.to_look_up(["users/3"]).is_empty(),
            "unknown people are not asked again"
        );
    }
}
