//! Names, not ids: resource names in what the user reads (a server's error, a note) are
//! shown as the people and spaces they stand for.

use super::App;
use crate::clean::Clean;
use crate::markup::Names;

/// A resource-name character (`spaces/AAAA/members/1002`, `users/a@b.c`).
fn in_name(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '@' | '.')
}

impl App {
    /// `text` with every `spaces/…` and `users/…` named for people.
    pub fn named(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        while i < text.len() {
            let rest = &text[i..];
            let starts = (rest.starts_with("spaces/") || rest.starts_with("users/"))
                && text[..i].chars().next_back().is_none_or(|c| !in_name(c));
            if starts {
                let len = rest.find(|c: char| !in_name(c)).unwrap_or(rest.len());
                // A sentence's full stop is not part of the name.
                let token = rest[..len].trim_end_matches('.');
                if let Some(label) = self.name_of(token) {
                    out.push_str(&label);
                    i += token.len();
                    continue;
                }
            }
            let Some(c) = rest.chars().next() else { break };
            out.push(c);
            i += c.len_utf8();
        }
        out
    }

    /// What a resource name means to a person, if it is one gchat can name.
    fn name_of(&self, token: &str) -> Option<String> {
        let parts: Vec<&str> = token.split('/').collect();
        match parts.as_slice() {
            ["users", id] if !id.is_empty() => Some(self.person_named(id)),
            ["spaces", id] if !id.is_empty() => Some(self.space_named(token)),
            ["spaces", id, "members", m] if !id.is_empty() && !m.is_empty() => Some(format!(
                "{} in {}",
                self.person_named(m),
                self.space_named(&format!("spaces/{id}"))
            )),
            ["spaces", id, "messages", ..] if !id.is_empty() => Some(format!(
                "a message in {}",
                self.space_named(&format!("spaces/{id}"))
            )),
            _ => None,
        }
    }

    fn person_named(&self, id: &str) -> String {
        if id == "app" {
            return "the Chat app".into();
        }
        let user = format!("users/{id}");
        if self.is_me(&user) {
            return "you".into();
        }
        if let Some(n) = self.people.name(&user) {
            return n.into_string();
        }
        if id.contains('@') {
            return id.to_string();
        }
        format!("a person gchat can't name (id {id})")
    }

    fn space_named(&self, space: &str) -> String {
        self.space(space)
            .map(|s| self.space_label(s).into_string())
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| "a space you are not in".into())
    }
}

impl Names for App {
    fn display_name(&self, user: &str) -> Option<Clean> {
        self.people.name(user)
    }
    fn is_me(&self, user: &str) -> bool {
        App::is_me(self, user)
    }
}
