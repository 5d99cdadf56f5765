//! Resource names, parsed once at the edge.
//!
//! Every name that gchat sends to the Chat API goes through one of these types, so a
//! malformed name is refused before a request leaves the machine, with a message that
//! says what the valid form is.

use std::fmt;
use std::str::FromStr;

/// A resource name (or client message id) that does not have the documented form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what} {input:?}: expected {expected}")]
pub struct NameError {
    pub what: &'static str,
    pub input: String,
    pub expected: &'static str,
}

pub(super) fn err(what: &'static str, input: &str, expected: &'static str) -> NameError {
    NameError {
        what,
        input: input.to_string(),
        expected,
    }
}

/// Server-assigned ids are opaque, but in practice URL-safe base64 plus dots.
pub(super) fn is_opaque_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
}

pub(super) fn is_numeric_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 32 && s.bytes().all(|b| b.is_ascii_digit())
}

/// A plausible email address: one `@`, both sides non-empty, a dot in the domain, and
/// nothing that would break a URL path.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    s.len() <= 254
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || matches!(c, '/' | '?' | '#' | '<' | '>' | '%' | '"' | ',' | ';')
        })
}

const SPACE_FORM: &str = "spaces/{space}, for example spaces/AAAAMpdlehY";
const MESSAGE_FORM: &str =
    "spaces/{space}/messages/{message}, where {message} is a server id or a client-... id";
const MEMBER_FORM: &str =
    "spaces/{space}/members/{member}, where {member} is a user id, an email address or app";
const THREAD_FORM: &str = "spaces/{space}/threads/{thread}";
const USER_FORM: &str =
    "users/{user}, where {user} is a numeric id or an email address, or users/app for the calling app";
const CLIENT_ID_FORM: &str =
    "client- followed by up to 56 lowercase letters, digits or hyphens (63 characters at most)";

/// `spaces/{space}`, held whole: it hashes and compares as its `&str` form, so a map
/// keyed by it is looked up with a name as the server wrote it (see [`Borrow`]).
///
/// [`Borrow`]: std::borrow::Borrow
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpaceName(String);

const SPACES: &str = "spaces/";

impl SpaceName {
    /// Accepts `spaces/ID` or a bare `ID`.
    pub fn parse(s: &str) -> Result<Self, NameError> {
        let id = s.strip_prefix(SPACES).unwrap_or(s);
        if is_opaque_id(id) && !id.contains('.') {
            Ok(SpaceName(format!("{SPACES}{id}")))
        } else {
            Err(err("space name", s, SPACE_FORM))
        }
    }
    pub fn id(&self) -> &str {
        &self.0[SPACES.len()..]
    }
    /// `spaces/ID`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The address of the space in the Chat web app, made from its id alone; with the
    /// space itself at hand, `api::web::space_url` prefers the server's `spaceUri`.
    pub fn web_url(&self) -> String {
        format!("https://chat.google.com/room/{}", self.id())
    }
}

impl fmt::Display for SpaceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::borrow::Borrow<str> for SpaceName {
    fn borrow(&self) -> &str {
        &self.0
    }
}

/// Read as its `spaces/ID` text wherever a `&str` is asked for (it cannot be changed
/// through it, so it stays valid).
impl std::ops::Deref for SpaceName {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<SpaceName> for String {
    fn from(n: SpaceName) -> String {
        n.0
    }
}

/// Written as its `spaces/ID` text; read back only if it is a valid space name.
impl serde::Serialize for SpaceName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for SpaceName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        SpaceName::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl AsRef<str> for SpaceName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for SpaceName {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for SpaceName {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for SpaceName {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl PartialEq<SpaceName> for str {
    fn eq(&self, other: &SpaceName) -> bool {
        self == other.0
    }
}

impl PartialEq<SpaceName> for String {
    fn eq(&self, other: &SpaceName) -> bool {
        *self == other.0
    }
}

impl FromStr for SpaceName {
    type Err = NameError;
    fn from_str(s: &str) -> Result<Self, NameError> {
        Self::parse(s)
    }
}

/// A client-assigned message id: `client-` plus lowercase letters, digits and hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientMessageId(String);

impl ClientMessageId {
    pub fn parse(s: &str) -> Result<Self, NameError> {
        if is_client_message_id(s) {
            Ok(ClientMessageId(s.to_string()))
        } else {
            Err(err("client message id", s, CLIENT_ID_FORM))
        }
    }
    /// A fresh id: `client-gchat-` and 20 random lowercase letters and digits (valid by
    /// construction, so it needs no parse).
    pub fn random() -> Self {
        use rand::Rng;
        const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        let mut rng = rand::thread_rng();
        let tail: String = (0..20)
            .map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char)
            .collect();
        ClientMessageId(format!("client-gchat-{tail}"))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClientMessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `^client-[a-z0-9-]{0,56}$`
pub fn is_client_message_id(s: &str) -> bool {
    match s.strip_prefix("client-") {
        Some(rest) => {
            rest.len() <= 56
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        }
        None => false,
    }
}

/// A server-assigned message id, or a client-assigned one (`client-…`).
fn is_message_id(message: &str) -> bool {
    if message.starts_with("client-") {
        is_client_message_id(message)
    } else {
        is_opaque_id(message)
    }
}

/// `spaces/{space}/messages/{message}`; `{message}` may be a client-assigned id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MessageName {
    space: SpaceName,
    message: String,
}

impl MessageName {
    pub fn parse(s: &str) -> Result<Self, NameError> {
        let bad = || err("message name", s, MESSAGE_FORM);
        let rest = s.strip_prefix("spaces/").ok_or_else(bad)?;
        let (space, message) = rest.split_once("/messages/").ok_or_else(bad)?;
        let space = SpaceName::parse(space).map_err(|_| bad())?;
        Self::new(&space, message).map_err(|_| bad())
    }
    pub fn new(space: &SpaceName, message: &str) -> Result<Self, NameError> {
        if is_message_id(message) {
            Ok(MessageName {
                space: space.clone(),
                message: message.to_string(),
            })
        } else {
            Err(err("message id", message, MESSAGE_FORM))
        }
    }
    /// Whether `s` is the name of a message in `space`, checked as [`Self::parse`] does
    /// but without making one (a listed page checks every name it holds).
    pub fn is_in(s: &str, space: &SpaceName) -> bool {
        s.strip_prefix(space.as_str())
            .and_then(|rest| rest.strip_prefix("/messages/"))
            .is_some_and(is_message_id)
    }
    /// The name of a message by its client-assigned id.
    pub fn from_client_id(space: &SpaceName, id: &ClientMessageId) -> Self {
        MessageName {
            space: space.clone(),
            message: id.0.clone(),
        }
    }
    pub fn space(&self) -> &SpaceName {
        &self.space
    }
    pub fn message_id(&self) -> &str {
        &self.message
    }
    pub fn is_client_id(&self) -> bool {
        self.message.starts_with("client-")
    }
}

impl fmt::Display for MessageName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/messages/{}", self.space, self.message)
    }
}

impl FromStr for MessageName {
    type Err = NameError;
    fn from_str(s: &str) -> Result<Self, NameError> {
        Self::parse(s)
    }
}

/// `spaces/{space}/threads/{thread}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ThreadName {
    space: SpaceName,
    thread: String,
}

impl ThreadName {
    pub fn parse(s: &str) -> Result<Self, NameError> {
        let bad = || err("thread name", s, THREAD_FORM);
        let rest = s.strip_prefix("spaces/").ok_or_else(bad)?;
        let (space, thread) = rest.split_once("/threads/").ok_or_else(bad)?;
        let space = SpaceName::parse(space).map_err(|_| bad())?;
        if !is_opaque_id(thread) {
            return Err(bad());
        }
        Ok(ThreadName {
            space,
            thread: thread.to_string(),
        })
    }
    pub fn space(&self) -> &SpaceName {
        &self.space
    }
    pub fn thread_id(&self) -> &str {
        &self.thread
    }
}

impl fmt::Display for ThreadName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/threads/{}", self.space, self.thread)
    }
}

/// Who a `users/...` name refers to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum UserRef {
    /// `users/123456789`: a person (or an app) by its numeric id.
    Id(String),
    /// `users/someone@example.com`: a person by email alias.
    Email(String),
    /// `users/app`: the calling Chat app.
    App,
}

impl UserRef {
    /// Accepts `users/ID`, `users/EMAIL`, `users/app`.
    pub fn parse(s: &str) -> Result<Self, NameError> {
        let rest = s
            .strip_prefix("users/")
            .ok_or_else(|| err("user name", s, USER_FORM))?;
        Self::parse_member_id(rest).map_err(|_| err("user name", s, USER_FORM))
    }

    /// Accepts what a person types to name someone: `users/ID`, a bare numeric id, an
    /// email address, or `app` for the Chat app.
    pub fn parse_loose(s: &str) -> Result<Self, NameError> {
        let t = s.trim();
        if t.starts_with("users/") {
            return Self::parse(t);
        }
        Self::parse_member_id(t).map_err(|_| err("user", s, USER_FORM))
    }

    /// The `{member}` segment of a membership name, or the `{user}` part of a user name.
    pub fn parse_member_id(s: &str) -> Result<Self, NameError> {
        if s == "app" {
            Ok(UserRef::App)
        } else if is_numeric_id(s) {
            Ok(UserRef::Id(s.to_string()))
        } else if is_email(s) {
            Ok(UserRef::Email(s.to_string()))
        } else {
            Err(err("member id", s, MEMBER_FORM))
        }
    }

    /// The segment after `users/` (or after `members/`).
    pub fn segment(&self) -> &str {
        match self {
            UserRef::Id(id) => id,
            UserRef::Email(e) => e,
            UserRef::App => "app",
        }
    }
}

impl fmt::Display for UserRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "users/{}", self.segment())
    }
}

impl FromStr for UserRef {
    type Err = NameError;
    fn from_str(s: &str) -> Result<Self, NameError> {
        Self::parse(s)
    }
}

/// `spaces/{space}/members/{member}`; `{member}` is a user id, an email, or `app`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MembershipName {
    space: SpaceName,
    member: UserRef,
}

impl MembershipName {
    pub fn parse(s: &str) -> Result<Self, NameError> {
        let bad = || err("membership name", s, MEMBER_FORM);
        let rest = s.strip_prefix("spaces/").ok_or_else(bad)?;
        let (space, member) = rest.split_once("/members/").ok_or_else(bad)?;
        let space = SpaceName::parse(space).map_err(|_| bad())?;
        let member = UserRef::parse_member_id(member).map_err(|_| bad())?;
        Ok(MembershipName { space, member })
    }
    pub fn new(space: &SpaceName, member: UserRef) -> Self {
        MembershipName {
            space: space.clone(),
            member,
        }
    }
    pub fn space(&self) -> &SpaceName {
        &self.space
    }
    pub fn member(&self) -> &UserRef {
        &self.member
    }
}

impl fmt::Display for MembershipName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/members/{}", self.space, self.member.segment())
    }
}

impl FromStr for MembershipName {
    type Err = NameError;
    fn from_str(s: &str) -> Result<Self, NameError> {
        Self::parse(s)
    }
}

const REACTION_FORM: &str = "spaces/{space}/messages/{message}/reactions/{reaction}";
const ATTACHMENT_FORM: &str = "spaces/{space}/messages/{message}/attachments/{attachment}";
const PIN_FORM: &str = "spaces/{space}/messagePins/{messagePin}";
const CUSTOM_EMOJI_FORM: &str = "customEmojis/{customEmoji}";
const MEDIA_FORM: &str =
    "an attachment's attachmentDataRef.resourceName (letters, digits, '_', '-', '.', '/')";

/// Splits `{message name}/{kind}/{id}` into the message and the id.
fn child_of_message(
    s: &str,
    kind: &str,
    what: &'static str,
    form: &'static str,
) -> Result<(MessageName, String), NameError> {
    let bad = || err(what, s, form);
    let (message, id) = s.rsplit_once(kind).ok_or_else(bad)?;
    let message = MessageName::parse(message).map_err(|_| bad())?;
    if !is_opaque_id(id) {
        return Err(bad());
    }
    Ok((message, id.to_string()))
}

/// `spaces/{space}/messages/{message}/reactions/{reaction}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReactionName {
    message: MessageName,
    reaction: String,
}

impl ReactionName {
    pub fn parse(s: &str) -> Result<Self, NameError> {
        let (message, reaction) =
            child_of_message(s, "/reactions/", "reaction name", REACTION_FORM)?;
        Ok(ReactionName { message, reaction })
    }
    pub fn message(&self) -> &MessageName {
        &self.message
    }
    pub fn reaction_id(&self) -> &str {
        &self.reaction
    }
}

impl fmt::Display for ReactionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/reactions/{}", self.message, self.reaction)
    }
}

/// `spaces/{space}/messages/{message}/attachments/{attachment}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AttachmentName {
    message: MessageName,
    attachment: String,
}

impl AttachmentName {
    pub fn parse(s: &str) -> Result<Self, NameError> {
        let (message, attachment) =
            child_of_message(s, "/attachments/", "attachment name", ATTACHMENT_FORM)?;
        Ok(AttachmentName {
            message,
            attachment,
        })
    }
    pub fn message(&self) -> &MessageName {
        &self.message
    }
    pub fn attachment_id(&self) -> &str {
        &self.attachment
    }
}

impl fmt::Display for AttachmentName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/attachments/{}", self.message, self.attachment)
    }
}

/// `spaces/{space}/messagePins/{messagePin}`: its id is the pinned message's id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MessagePinName {
    space: SpaceName,
    pin: String,
}

impl MessagePinName {
    pub fn parse(s: &str) -> Result<Self, NameError> {
        let bad = || err("message pin name", s, PIN_FORM);
        let rest = s.strip_prefix("spaces/").ok_or_else(bad)?;
        let (space, pin) = rest.split_once("/messagePins/").ok_or_else(bad)?;
        let space = SpaceName::parse(space).map_err(|_| bad())?;
        if !is_opaque_id(pin) {
            return Err(bad());
        }
        Ok(MessagePinName {
            space,
            pin: pin.to_string(),
        })
    }
    /// The pin of `message`.
    pub fn for_message(message: &MessageName) -> Self {
        MessagePinName {
            space: message.space().clone(),
            pin: message.message_id().to_string(),
        }
    }
    pub fn space(&self) -> &SpaceName {
        &self.space
    }
    pub fn pin_id(&self) -> &str {
        &self.pin
    }
}

impl fmt::Display for MessagePinName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/messagePins/{}", self.space, self.pin)
    }
}

/// `customEmojis/{customEmoji}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CustomEmojiName(String);

impl CustomEmojiName {
    pub fn parse(s: &str) -> Result<Self, NameError> {
        let id = s.strip_prefix("customEmojis/").unwrap_or(s);
        if is_opaque_id(id) {
            Ok(CustomEmojiName(id.to_string()))
        } else {
            Err(err("custom emoji name", s, CUSTOM_EMOJI_FORM))
        }
    }
    pub fn id(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CustomEmojiName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "customEmojis/{}", self.0)
    }
}

/// The resource name of attachment data, for `media.download`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MediaName(String);

impl MediaName {
    pub fn parse(s: &str) -> Result<Self, NameError> {
        let ok = !s.is_empty()
            && s.len() <= 512
            && !s.starts_with('/')
            && !s
                .split('/')
                .any(|seg| seg.is_empty() || seg == "." || seg == "..")
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/'));
        if ok {
            Ok(MediaName(s.to_string()))
        } else {
            Err(err("attachment data name", s, MEDIA_FORM))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MediaName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn space_names() {
        assert_eq!(
            SpaceName::parse("spaces/AAAAMpdlehY").unwrap().to_string(),
            "spaces/AAAAMpdlehY"
        );
        assert_eq!(SpaceName::parse("AAAA").unwrap().id(), "AAAA");
        for bad in [
            "",
            "spaces/",
            "spaces/a/b",
            "rooms/x",
            "spaces/a b",
            "spaces/a.b",
        ] {
            let e = SpaceName::parse(bad).unwrap_err();
            assert!(e.to_string().contains("spaces/{space}"), "{e}");
        }
    }

    #[test]
    fn client_ids() {
        assert!(ClientMessageId::parse("client-custom-name").is_ok());
        assert!(ClientMessageId::parse("client-").is_ok());
        let max = format!("client-{}", "a".repeat(56));
        assert_eq!(max.len(), 63);
        assert!(ClientMessageId::parse(&max).is_ok());
        let too_long = format!("client-{}", "a".repeat(57));
        assert!(ClientMessageId::parse(&too_long).is_err());
        for _ in 0..200 {
            let r = ClientMessageId::random();
            assert_eq!(ClientMessageId::parse(r.as_str()), Ok(r.clone()));
            assert_ne!(ClientMessageId::random(), r);
        }
        for bad in [
            "custom-name",
            "client-Upper",
            "client-under_score",
            "client-ü",
        ] {
            let e = ClientMessageId::parse(bad).unwrap_err();
            assert!(e.to_string().contains("63 characters"), "{e}");
        }
    }

    #[test]
    fn message_names() {
        let m = MessageName::parse("spaces/S1/messages/abc.def").unwrap();
        assert_eq!(m.space().id(), "S1");
        assert_eq!(m.message_id(), "abc.def");
        assert!(!m.is_client_id());
        let c = MessageName::parse("spaces/S1/messages/client-x").unwrap();
        assert!(c.is_client_id());
        assert!(MessageName::parse("spaces/S1/messages/client-X").is_err());
        assert!(MessageName::parse("spaces/S1/messages/").is_err());
        assert!(MessageName::parse("spaces/S1/threads/x").is_err());
    }

    #[test]
    fn a_message_of_a_space_is_checked_as_parse_does() {
        let s = SpaceName::parse("spaces/S1").unwrap();
        for good in ["spaces/S1/messages/abc.def", "spaces/S1/messages/client-x"] {
            assert!(MessageName::is_in(good, &s), "{good}");
            assert_eq!(MessageName::parse(good).unwrap().space(), &s);
        }
        for bad in [
            "users/1002",
            "spaces/S1/messages/",
            "spaces/S1/messages",
            "spaces/S1",
            "spaces/S2/messages/abc",
            "spaces/S10/messages/abc",
            "spaces/S/messages/abc",
            "spaces/S1/threads/abc",
            "spaces/S1/messages/a/b",
            "spaces/S1/messages/client-X",
            "spaces/S1/messages/ab c",
            "spaces/S1/messages/a\u{1b}[2J",
            " spaces/S1/messages/abc",
            "",
        ] {
            assert!(!MessageName::is_in(bad, &s), "{bad:?}");
        }
    }

    #[test]
    fn users_and_members() {
        assert_eq!(
            UserRef::parse("users/123").unwrap(),
            UserRef::Id("123".into())
        );
        assert_eq!(UserRef::parse("users/app").unwrap(), UserRef::App);
        assert_eq!(
            UserRef::parse("users/a@example.com").unwrap(),
            UserRef::Email("a@example.com".into())
        );
        for bad in [
            "123",
            "users/",
            "users/abc",
            "users/a@b",
            "users/a b@c.d",
            "users/@x.y",
        ] {
            assert!(UserRef::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            UserRef::parse_loose(" 42 ").unwrap(),
            UserRef::Id("42".into())
        );
        assert_eq!(UserRef::parse_loose("app").unwrap(), UserRef::App);
        let m = MembershipName::parse("spaces/S/members/app").unwrap();
        assert_eq!(m.member(), &UserRef::App);
        assert_eq!(m.to_string(), "spaces/S/members/app");
        assert!(MembershipName::parse("spaces/S/members/x y").is_err());
    }

    #[test]
    fn threads() {
        let t = ThreadName::parse("spaces/S/threads/T1").unwrap();
        assert_eq!(t.thread_id(), "T1");
        assert!(ThreadName::parse("spaces/S/threads/").is_err());
        assert!(ThreadName::parse("threads/T").is_err());
    }

    #[test]
    fn web_url() {
        let s = SpaceName::parse("spaces/1234567").unwrap();
        assert_eq!(s.web_url(), "https://chat.google.com/room/1234567");
    }
}
