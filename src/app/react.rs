//! Reactions, quotes and pins in the message pane: the emoji picker, the pinned list,
//! which reactions are the user's own, and the requests for them. Reactions and pins are
//! shown at once and put back if the server refuses them.

use std::collections::{HashMap, HashSet};

use crate::api::model::{CustomEmoji, Emoji, EmojiReactionSummary, Message, MessagePin};
use crate::api::model::{MessageReplyOption, Reaction, Thread};
use crate::api::{
    client, ApiError, ClientMessageId, CreateMessage, MessageName, MessagePinName, ReactionName,
    SpaceName, ThreadName, UserRef,
};
use crate::clean::Clean;

use super::declare::requests;

/// Emoji offered first when nothing in the space says otherwise.
pub const COMMON: &[&str] = &[
    "👍", "❤️", "😂", "🎉", "👀", "🙏", "✅", "🔥", "😮", "😢", "🚀", "👏", "💯", "🤔", "👌", "😄",
];

/// Most entries the picker lists.
pub const PICKER_MAX: usize = 60;

/// How many of the user's own reactions are asked for at a time.
const MINE_IN_FLIGHT: usize = 4;

/// One emoji as the API names it: Unicode, or a custom emoji by its uid.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EmojiKey {
    Unicode(String),
    Custom { uid: String },
}

impl EmojiKey {
    pub fn of(e: &Emoji) -> Option<Self> {
        if let Some(u) = e.unicode.as_deref().filter(|u| !u.is_empty()) {
            return Some(EmojiKey::Unicode(u.to_string()));
        }
        let uid = e.custom_emoji.as_ref()?.uid.as_deref()?;
        Some(EmojiKey::Custom {
            uid: uid.to_string(),
        })
    }

    pub fn to_emoji(&self) -> Emoji {
        match self {
            EmojiKey::Unicode(u) => Emoji::unicode(u.clone()),
            EmojiKey::Custom { uid } => Emoji::custom_uid(uid.clone()),
        }
    }
}

/// How an emoji is shown: itself, or a custom one as `:name:`; cleaned.
/// A Unicode emoji as drawn: cleaned, without the emoji-presentation selector (U+FE0F).
/// Terminals disagree on how wide `❤️` is (one cell or two) and ratatui counts one, so
/// the selector would leave stray characters beside it; without it every terminal and
/// ratatui agree on the width.
pub fn emoji_glyph(u: &str) -> Clean {
    Clean::line(&u.replace('\u{FE0F}', ""))
}

pub fn emoji_label(e: &Emoji, custom: &[CustomEmoji]) -> Clean {
    if let Some(u) = e.unicode.as_deref().filter(|u| !u.is_empty()) {
        return emoji_glyph(u);
    }
    let c = e.custom_emoji.as_ref();
    let name = c.and_then(|c| c.emoji_name.clone()).or_else(|| {
        let uid = c.and_then(|c| c.uid.as_deref())?;
        custom
            .iter()
            .find(|x| x.uid.as_deref() == Some(uid))
            .and_then(|x| x.emoji_name.clone())
    });
    match name {
        Some(n) if n.starts_with(':') && n.ends_with(':') && n.len() > 1 => Clean::line(&n),
        Some(n) => Clean::line(&format!(":{n}:")),
        None => Clean::line(":custom:"),
    }
}

/// One entry of the picker.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub key: EmojiKey,
    /// What the cell shows (the emoji, or `:name:`).
    pub glyph: Clean,
    /// Its name, to filter by.
    pub name: String,
    /// The user has reacted so to the message.
    pub given: bool,
}

/// The emoji picker, for one message.
#[derive(Debug, Clone, PartialEq)]
pub struct Picker {
    pub space: SpaceName,
    pub message: String,
    pub filter: String,
    pub pick: usize,
    /// Every candidate, frequent first; [`Picker::shown`] filters them.
    pub all: Vec<Choice>,
}

impl Picker {
    /// The entries matching the filter (every word, in the name or the glyph).
    pub fn shown(&self) -> Vec<&Choice> {
        let f = self.filter.trim().to_lowercase();
        let words: Vec<&str> = f.split_whitespace().collect();
        let mut v: Vec<&Choice> = self
            .all
            .iter()
            .filter(|c| {
                words
                    .iter()
                    .all(|w| c.name.to_lowercase().contains(w) || c.glyph.as_str().contains(w))
            })
            .collect();
        if words.is_empty() {
            v.truncate(PICKER_MAX);
        }
        v.truncate(PICKER_MAX * 4);
        v
    }

    pub fn selected(&self) -> Option<&Choice> {
        let shown = self.shown();
        shown
            .get(self.pick.min(shown.len().saturating_sub(1)))
            .copied()
    }
}

/// The pinned messages of the open space, to jump to one.
#[derive(Debug, Clone, PartialEq)]
pub struct PinList {
    pub space: SpaceName,
    pub pick: usize,
}

/// The message quoted in the compose box.
#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    pub space: SpaceName,
    pub message: String,
    /// The quoted message's `lastUpdateTime` (or `createTime`), as the API asks.
    pub meta: crate::api::model::QuotedMessageMetadata,
    pub who: Clean,
    pub preview: Clean,
}

/// A user's reaction: which emoji, and its name once the server has said.
#[derive(Debug, Clone, PartialEq)]
pub struct Mine {
    pub key: EmojiKey,
    pub name: Option<String>,
}

#[derive(Debug, Default)]
pub struct ReactState {
    pub picker: Option<Picker>,
    pub pins_list: Option<PinList>,
    /// Messages whose pin request is on its way.
    pub pinning: HashSet<String>,
    /// Per message: the user's own reactions, once known.
    pub mine: HashMap<String, Vec<Mine>>,
    /// Messages whose own reactions have been asked for.
    pub mine_asked: HashSet<String>,
    mine_in_flight: usize,
    /// The space and timeline version last looked through for messages whose own
    /// reactions are unknown (so an idle tick does not walk a long history again).
    pub(crate) mine_scanned: Option<(SpaceName, u64)>,
    /// The organization's custom emoji, once listed.
    pub custom: Vec<CustomEmoji>,
    pub custom_asked: bool,
    /// The user's reactions from here, most recent first.
    pub recent: Vec<EmojiKey>,
    pub quote: Option<Quote>,
    /// A pinned message being looked for in older pages.
    pub seek: Option<(SpaceName, String)>,
    /// Changes whose answer was lost (message, emoji, whether it was an add), shown as
    /// not made until the user's own reactions, listed again, say whether they were.
    pub unsure: HashSet<(String, EmojiKey, bool)>,
    /// Changes made here and not yet answered (message, emoji): a list answered
    /// meanwhile does not undo them.
    pub pending: HashSet<(String, EmojiKey)>,
}

impl ReactState {
    /// Forgets what the server said of `space`'s pins and of the user's reactions in it
    /// (the space was left or is gone). Requests still out settle with their answers.
    pub fn forget(&mut self, space: &str) {
        let prefix = format!("{space}/messages/");
        self.mine.retain(|m, _| !m.starts_with(&prefix));
        self.mine_asked.retain(|m| !m.starts_with(&prefix));
        if self.seek.as_ref().is_some_and(|(s, _)| s == space) {
            self.seek = None;
        }
        if self.mine_scanned.as_ref().is_some_and(|(s, _)| s == space) {
            self.mine_scanned = None;
        }
        if self.pins_list.as_ref().is_some_and(|l| l.space == space) {
            self.pins_list = None;
        }
    }

    pub fn given(&self, message: &str, key: &EmojiKey) -> bool {
        self.mine
            .get(message)
            .is_some_and(|m| m.iter().any(|x| &x.key == key))
    }

    pub fn overlay_open(&self) -> bool {
        self.picker.is_some() || self.pins_list.is_some()
    }

    pub(crate) fn mine_started(&mut self) {
        self.mine_in_flight += 1;
    }

    pub(crate) fn mine_done(&mut self) {
        self.mine_in_flight = self.mine_in_flight.saturating_sub(1);
        self.mine_scanned = None;
    }

    pub(crate) fn mine_room(&self) -> usize {
        MINE_IN_FLIGHT.saturating_sub(self.mine_in_flight)
    }

    pub(crate) fn used(&mut self, key: &EmojiKey) {
        self.recent.retain(|k| k != key);
        self.recent.insert(0, key.clone());
        self.recent.truncate(24);
    }
}

/// Adds `delta` to the count of `key` in a message's reaction summaries: a summary at
/// zero goes, a new one is added at the end.
pub fn bump_summary(m: &mut Message, key: &EmojiKey, delta: i32) {
    let mut sums: Vec<EmojiReactionSummary> = m.reaction_summaries();
    match sums
        .iter_mut()
        .find(|s| s.emoji.as_ref().and_then(EmojiKey::of).as_ref() == Some(key))
    {
        Some(s) => s.reaction_count = Some((s.reaction_count.unwrap_or(0) + delta).max(0)),
        None if delta > 0 => sums.push(EmojiReactionSummary {
            emoji: Some(key.to_emoji()),
            reaction_count: Some(delta),
        }),
        None => {}
    }
    sums.retain(|s| s.reaction_count.unwrap_or(0) > 0);
    m.emoji_reaction_summaries = sums
        .iter()
        .filter_map(|s| serde_json::to_value(s).ok())
        .collect();
}

/// The names a Unicode emoji is found by: its CLDR name and its shortcodes.
pub fn unicode_name(u: &str) -> String {
    match emojis::get(u) {
        Some(e) => {
            let mut n = e.name().to_string();
            for s in e.shortcodes() {
                n.push_str(" :");
                n.push_str(s);
                n.push(':');
            }
            n
        }
        None => String::new(),
    }
}

requests! {
    /// Work for the network about reactions, quotes and pins.
    pub enum ReactEffect => ReactOutcome, ReactKind;

    React => Reacted { space: SpaceName, message: MessageName, emoji: EmojiKey }
        // The new reaction's name.
        -> Option<String>, quiet: false,
        |c| c.create_reaction(message, &emoji.to_emoji()).await.map(|r| r.name);

    Unreact => Unreacted {
        space: SpaceName,
        message: MessageName,
        emoji: EmojiKey,
        /// The reaction's name, or `None` to look it up first (by `user`).
        reaction: Option<ReactionName>,
        user: Option<UserRef>,
    } -> (), quiet: false,
        |c| {
            let name = match reaction {
                Some(r) => r.clone(),
                // Not known here yet: the server's list of the user's own says.
                None => {
                    let me = user.as_ref().ok_or_else(|| {
                        ApiError::InvalidArgument(
                            "who is signed in is not known yet; try again in a moment".into(),
                        )
                    })?;
                    let filter = format!(
                        "{} AND user.name = \"{me}\"",
                        client::emoji_filter(&emoji.to_emoji()).unwrap_or_default(),
                    );
                    let found = c.list_all_reactions(message, Some(&filter)).await?;
                    match found.into_iter().find_map(|r| r.name) {
                        Some(n) => ReactionName::parse(&n)?,
                        // Nothing to take back: it is gone already.
                        None => return Ok(()),
                    }
                }
            };
            c.delete_reaction(&name).await
        };

    /// The user's own reactions to `message`.
    ListMine => Mine { space: SpaceName, message: MessageName, user: UserRef }
        -> Vec<Reaction>, quiet: true,
        |c| c.list_all_reactions(message, Some(&format!("user.name = \"{user}\""))).await;

    ListCustomEmoji => CustomEmoji {} -> Vec<CustomEmoji>, quiet: true,
        |c| c.list_all_custom_emojis().await;

    ListPins => Pins { space: SpaceName } -> Vec<MessagePin>, quiet: true,
        |c| c.list_all_message_pins(space).await;

    Pin => Pinned { space: SpaceName, message: MessageName } -> MessagePin, quiet: false,
        |c| c.pin_message(message).await;

    Unpin => Unpinned { space: SpaceName, message: MessageName, pin: MessagePinName }
        -> (), quiet: false,
        |c| c.unpin_message(pin).await;

    /// A new message quoting another (a retry reuses the client id).
    SendQuoting => QuotingSent {
        space: SpaceName,
        local: String,
        client_id: ClientMessageId,
        text: String,
        thread: Option<ThreadName>,
        quote: crate::api::model::QuotedMessageMetadata,
        /// Files uploaded for it (`attachment` as sent).
        attachment: Vec<serde_json::Value>,
    } -> Message, quiet: false,
        |c| {
            let mut body = Message {
                text: Some(text.clone()).filter(|t| !t.is_empty() || attachment.is_empty()),
                attachment: attachment.clone(),
                thread: thread.as_ref().map(|t| Thread {
                    name: Some(t.to_string()),
                    thread_key: None,
                }),
                ..Default::default()
            };
            // Only the name and the time go: the server fills the snapshot in.
            body.set_quoted(&crate::api::model::QuotedMessageMetadata {
                name: quote.name.clone(),
                last_update_time: quote.last_update_time,
                ..Default::default()
            });
            let p = CreateMessage {
                message_id: Some(client_id.clone()),
                reply_option: thread.as_ref().map(|_| MessageReplyOption::FallbackToNewThread),
                ..Default::default()
            };
            c.create_message(space, &body, &p).await
        };
}
