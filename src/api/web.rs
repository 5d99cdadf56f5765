//! Addresses of spaces and messages in the Chat web app: the one place that makes them,
//! for the terminal client and the command line alike.
//!
//! A space's own address is the server's `Space.spaceUri` ("the URI for a user to access
//! the space"); only when the server gives none (an older answer, a trimmed field mask)
//! is it made from the space's id in the same form.

use super::model::{Message, Space};
use super::name::{MessageName, SpaceName};

/// The web address for a space known only by name: `https://chat.google.com/room/ID`.
pub fn space_url_from_name(name: &SpaceName) -> String {
    name.web_url()
}

/// The web address of `space`: its `spaceUri` when the server gave a web (https) one,
/// else one made from its name; none when it has neither.
pub fn space_url(space: &Space) -> Option<String> {
    if let Some(uri) = space.space_uri.as_deref().map(str::trim) {
        if is_web_address(uri) {
            return Some(uri.to_string());
        }
    }
    let name = SpaceName::parse(space.name.as_deref()?).ok()?;
    Some(space_url_from_name(&name))
}

/// The web address of a message: its space's address (from `space` when given, for its
/// `spaceUri`), then the thread and the message; none for a message without a valid name.
pub fn message_url(space: Option<&Space>, message: &Message) -> Option<String> {
    let name = MessageName::parse(message.name.as_deref()?).ok()?;
    let base = space
        .filter(|s| {
            s.name
                .as_deref()
                .and_then(|n| SpaceName::parse(n).ok())
                .as_ref()
                == Some(name.space())
        })
        .and_then(space_url)
        .unwrap_or_else(|| space_url_from_name(name.space()));
    let base = base
        .split(['?', '#'])
        .next()
        .unwrap_or(&base)
        .trim_end_matches('/');
    let thread = message
        .thread_name()
        .and_then(|t| t.rsplit('/').next())
        .filter(|t| !t.is_empty())
        .unwrap_or(name.message_id());
    Some(format!("{base}/{thread}/{}", name.message_id()))
}

/// An absolute https address with nothing that could act on a terminal.
fn is_web_address(s: &str) -> bool {
    s.starts_with("https://")
        && s.len() > "https://".len()
        && !s.chars().any(|c| c.is_control() || c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn space(name: &str, uri: Option<&str>) -> Space {
        Space {
            name: Some(name.into()),
            space_uri: uri.map(String::from),
            ..Default::default()
        }
    }

    #[test]
    fn the_servers_space_uri_wins_and_a_missing_one_is_made_from_the_name() {
        let given = "https://chat.google.com/room/AAAA1?cls=11";
        assert_eq!(
            space_url(&space("spaces/AAAA1", Some(given))).as_deref(),
            Some(given)
        );
        for bad in [
            None,
            Some(""),
            Some("javascript:alert(1)"),
            Some("https://x/\x1b[2J"),
        ] {
            assert_eq!(
                space_url(&space("spaces/AAAA1", bad)).as_deref(),
                Some("https://chat.google.com/room/AAAA1"),
                "{bad:?}"
            );
        }
        assert_eq!(space_url(&Space::default()), None);
    }

    #[test]
    fn a_message_address_sits_under_its_space_and_thread() {
        let m = Message {
            name: Some("spaces/AAAA1/messages/m1.m1".into()),
            ..Default::default()
        };
        let s = space(
            "spaces/AAAA1",
            Some("https://chat.google.com/room/AAAA1?cls=11"),
        );
        assert_eq!(
            message_url(Some(&s), &m).as_deref(),
            Some("https://chat.google.com/room/AAAA1/m1.m1/m1.m1")
        );
        // Another space's address is not borrowed.
        let other = space("spaces/BBBB2", Some("https://chat.google.com/room/BBBB2"));
        assert_eq!(
            message_url(Some(&other), &m).as_deref(),
            Some("https://chat.google.com/room/AAAA1/m1.m1/m1.m1")
        );
        assert_eq!(message_url(None, &Message::default()), None);
    }
}
