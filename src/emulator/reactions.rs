//! `spaces.messages.reactions`: create, list, delete; and `customEmojis` list and get.
//! A message's `emojiReactionSummaries` are computed from its reactions when it is read,
//! so they can never disagree with them.

use super::auth::Principal;
use super::ctx::{reply, Ctx, Reply};
use super::error::{EmuError, EmuResult};
use super::request::{decode_page_token, encode_page_token, parse_body};
use super::route::{Callers, Handler, Quota, Route, Verb};
use super::store::{now, random_id, CustomEmojiRec, Directory, MsgRec, ReactionRec, SpaceRec};
use super::views::{detail_for, emoji_key, find_space, find_space_mut, readable};
use crate::api::model::*;
use crate::api::scope::Scope;
use crate::api::sync_model::EventType;

/// The API methods this file serves (see `routes.rs`).
pub(super) const ROUTES: &[Route] = &[
    Route::new(
        Verb::Get,
        "v1/spaces/{spacesId}/messages/{messagesId}/reactions",
        "chat.spaces.messages.reactions.list",
        &[
            Scope::ChatAppMessagesReadonly,
            Scope::ChatBot,
            Scope::ChatMessages,
            Scope::ChatMessagesReactions,
            Scope::ChatMessagesReactionsReadonly,
            Scope::ChatMessagesReadonly,
        ],
        Handler::Two(list),
    )
    .quota(Quota::Read),
    Route::new(
        Verb::Post,
        "v1/spaces/{spacesId}/messages/{messagesId}/reactions",
        "chat.spaces.messages.reactions.create",
        &[
            Scope::ChatBot,
            Scope::ChatImport,
            Scope::ChatMessages,
            Scope::ChatMessagesReactions,
            Scope::ChatMessagesReactionsCreate,
        ],
        Handler::Two(create),
    )
    .quota(Quota::Write),
    Route::new(
        Verb::Delete,
        "v1/spaces/{spacesId}/messages/{messagesId}/reactions/{reactionsId}",
        "chat.spaces.messages.reactions.delete",
        &[
            Scope::ChatBot,
            Scope::ChatImport,
            Scope::ChatMessages,
            Scope::ChatMessagesReactions,
        ],
        Handler::Three(delete),
    )
    .quota(Quota::Write),
    Route::new(
        Verb::Get,
        "v1/customEmojis",
        "chat.customEmojis.list",
        &[Scope::ChatCustomemojis, Scope::ChatCustomemojisReadonly],
        Handler::Zero(list_custom_emojis),
    )
    .callers(Callers::Users),
    Route::new(
        Verb::Get,
        "v1/customEmojis/{customEmojisId}",
        "chat.customEmojis.get",
        &[Scope::ChatCustomemojis, Scope::ChatCustomemojisReadonly],
        Handler::One(get_custom_emoji),
    )
    .callers(Callers::Users),
    Route::new(
        Verb::Post,
        "v1/customEmojis",
        "chat.customEmojis.create",
        &[Scope::ChatCustomemojis],
        Handler::Zero(create_custom_emoji),
    )
    .callers(Callers::Users),
    Route::new(
        Verb::Delete,
        "v1/customEmojis/{customEmojisId}",
        "chat.customEmojis.delete",
        &[Scope::ChatCustomemojis],
        Handler::One(delete_custom_emoji),
    )
    .callers(Callers::Users),
];

fn message_not_found(id: &str) -> EmuError {
    EmuError::not_found(format!("Message {id} not found."))
}

/// Whether `s` is one emoji (with its modifiers, joiners and variation selectors): the
/// API refuses text that is not.
pub fn is_emoji(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() || chars.len() > 16 {
        return false;
    }
    let mut pictographic = false;
    for (i, &c) in chars.iter().enumerate() {
        let u = c as u32;
        let keycap_base = matches!(c, '0'..='9' | '#' | '*')
            && chars
                .get(i + 1..)
                .is_some_and(|rest| rest.iter().take(2).any(|&n| n == '\u{20E3}'));
        let ok = match u {
            0x200D | 0xFE0E | 0xFE0F | 0x20E3 => true,
            0xE0020..=0xE007F => true,
            0x00A9 | 0x00AE | 0x203C | 0x2049 | 0x2122 | 0x2139 | 0x3030 | 0x303D | 0x3297
            | 0x3299 => {
                pictographic = true;
                true
            }
            0x2190..=0x21FF
            | 0x2300..=0x23FF
            | 0x24C2
            | 0x25A0..=0x27BF
            | 0x2900..=0x297F
            | 0x2B00..=0x2BFF
            | 0x1F000..=0x1FAFF => {
                pictographic = true;
                true
            }
            _ => keycap_base,
        };
        if !ok {
            return false;
        }
        if keycap_base {
            pictographic = true;
        }
    }
    pictographic
}

fn custom_view(c: &CustomEmojiRec) -> CustomEmoji {
    CustomEmoji {
        name: Some(format!("customEmojis/{}", c.id)),
        uid: Some(c.uid.clone()),
        emoji_name: Some(c.emoji_name.clone()),
        ..Default::default()
    }
}

/// Finds a custom emoji by `uid`, `name` or `emojiName`, whichever the request gives.
fn find_custom<'a>(dir: &'a Directory, c: &CustomEmoji) -> Option<&'a CustomEmojiRec> {
    dir.custom_emojis.values().find(|r| {
        c.uid.as_deref() == Some(r.uid.as_str())
            || c.name.as_deref() == Some(format!("customEmojis/{}", r.id).as_str())
            || c.emoji_name.as_deref() == Some(r.emoji_name.as_str())
    })
}

/// The emoji as stored: a Unicode emoji, or a custom emoji by its uid and names.
fn checked_emoji(dir: &Directory, e: Option<Emoji>) -> EmuResult<Emoji> {
    let Some(e) = e else {
        return Err(EmuError::invalid_field(
            "reaction.emoji",
            "A reaction needs an emoji.",
        ));
    };
    match (
        e.unicode.as_deref().filter(|u| !u.is_empty()),
        &e.custom_emoji,
    ) {
        (Some(_), Some(_)) => Err(EmuError::invalid_field(
            "reaction.emoji",
            "An emoji is either unicode or customEmoji, not both.",
        )),
        (Some(u), None) => {
            if is_emoji(u) {
                Ok(Emoji::unicode(u))
            } else {
                Err(EmuError::invalid_field(
                    "reaction.emoji.unicode",
                    format!("{u:?} is not an emoji."),
                ))
            }
        }
        (None, Some(c)) => {
            let rec = find_custom(dir, c).ok_or_else(|| {
                EmuError::not_found("Custom emoji not found (give its uid, name or emojiName).")
            })?;
            Ok(Emoji {
                unicode: None,
                custom_emoji: Some(custom_view(rec)),
            })
        }
        (None, None) => Err(EmuError::invalid_field(
            "reaction.emoji",
            "A reaction needs emoji.unicode or emoji.customEmoji.",
        )),
    }
}

/// The message `message` of `space` as the caller may react to or read it.
fn message_index(rec: &SpaceRec, message: &str, who: &Principal) -> EmuResult<usize> {
    let i = rec
        .find_message(message)
        .ok_or_else(|| message_not_found(message))?;
    let m = &rec.messages[i];
    if m.deleted() || !readable(rec, m, who) {
        return Err(message_not_found(message));
    }
    Ok(i)
}

fn reaction_view(
    dir: &Directory,
    rec: &SpaceRec,
    m: &MsgRec,
    r: &ReactionRec,
    who: &Principal,
) -> Reaction {
    let base = m.msg.name.clone().unwrap_or_default();
    Reaction {
        name: Some(format!("{base}/reactions/{}", r.id)),
        user: Some(dir.user_view(&r.user, r.bot, detail_for(rec, who, &r.user))),
        emoji: Some(r.emoji.clone()),
    }
}

pub fn create(ctx: &mut Ctx<'_>, space: &str, message: &str) -> EmuResult<Reply> {
    ctx.query.only(&[])?;
    let input: Reaction = parse_body(ctx.body, "reaction")?;
    let who = ctx.who;
    let rec = find_space(&ctx.store.spaces, who, space)?;
    let i = message_index(rec, message, who)?;
    let emoji = checked_emoji(&ctx.store.directory, input.emoji)?;
    let key = emoji_key(&emoji);
    let m = &rec.messages[i];
    if m.reactions
        .iter()
        .any(|r| r.user == who.id() && r.bot == who.is_app() && emoji_key(&r.emoji) == key)
    {
        return Err(EmuError::already_exists(
            "The caller has already reacted to this message with this emoji.",
        ));
    }
    let rec = find_space_mut(&mut ctx.store.spaces, who, space)?;
    let t = rec.next_time(now());
    let r = ReactionRec {
        id: random_id(11),
        user: who.id().to_string(),
        bot: who.is_app(),
        emoji,
        create_time: t,
    };
    rec.messages[i].reactions.push(r.clone());
    let rec = &ctx.store.spaces[space];
    let view = reaction_view(&ctx.store.directory, rec, &rec.messages[i], &r, who);
    record_reaction_event(ctx.store, space, EventType::ReactionCreated, &view);
    reply(&view)
}

/// Reactions are space events of their own (`google.workspace.chat.reaction.v1.*`).
fn record_reaction_event(
    store: &mut super::store::Store,
    space: &str,
    kind: EventType,
    view: &Reaction,
) {
    let name = view.name.clone().unwrap_or_default();
    let payload = serde_json::to_value(view)
        .ok()
        .map(|r| serde_json::json!({ "reaction": r }));
    super::sync::record_event(store, space, kind, &name, payload);
}

pub fn delete(ctx: &mut Ctx<'_>, space: &str, message: &str, reaction: &str) -> EmuResult<Reply> {
    ctx.query.only(&[])?;
    let who = ctx.who;
    let rec = find_space(&ctx.store.spaces, who, space)?;
    let i = message_index(rec, message, who)?;
    let not_found = || EmuError::not_found(format!("Reaction {reaction} not found."));
    let j = rec.messages[i]
        .reactions
        .iter()
        .position(|r| r.id == reaction)
        .ok_or_else(not_found)?;
    let r = &rec.messages[i].reactions[j];
    if r.user != who.id() || r.bot != who.is_app() {
        return Err(EmuError::permission(
            "A reaction can be deleted only by whoever added it.",
        ));
    }
    let view = reaction_view(&ctx.store.directory, rec, &rec.messages[i], r, who);
    let rec = find_space_mut(&mut ctx.store.spaces, who, space)?;
    rec.messages[i].reactions.remove(j);
    record_reaction_event(ctx.store, space, EventType::ReactionDeleted, &view);
    reply(&Empty {})
}

/// One `field = "value"` of a reactions filter.
#[derive(Debug, Clone, PartialEq)]
enum Term {
    Unicode(String),
    CustomUid(String),
    User(String),
}

impl Term {
    fn is_emoji(&self) -> bool {
        !matches!(self, Term::User(_))
    }
    fn matches(&self, r: &ReactionRec) -> bool {
        match self {
            Term::Unicode(u) => r.emoji.unicode.as_deref() == Some(u.as_str()),
            Term::CustomUid(u) => {
                r.emoji.custom_emoji.as_ref().and_then(|c| c.uid.as_deref()) == Some(u.as_str())
            }
            Term::User(n) => {
                let id = n.strip_prefix("users/").unwrap_or("");
                !r.bot && r.user == id || (r.bot && n == "users/app")
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Eq,
    Open,
    Close,
}

fn bad_filter(filter: &str, why: &str) -> EmuError {
    EmuError::invalid_field("filter", format!("Invalid filter {filter:?}: {why}"))
}

fn lex(filter: &str) -> EmuResult<Vec<Tok>> {
    let chars: Vec<char> = filter.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '=' => {
                out.push(Tok::Eq);
                i += 1;
            }
            '(' => {
                out.push(Tok::Open);
                i += 1;
            }
            ')' => {
                out.push(Tok::Close);
                i += 1;
            }
            '"' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(bad_filter(filter, "unterminated string")),
                        Some('"') => {
                            i += 1;
                            break;
                        }
                        Some('\\') => {
                            let Some(&e) = chars.get(i + 1) else {
                                return Err(bad_filter(filter, "unterminated string"));
                            };
                            s.push(e);
                            i += 2;
                        }
                        Some(&ch) => {
                            s.push(ch);
                            i += 1;
                        }
                    }
                }
                out.push(Tok::Str(s));
            }
            _ => {
                let start = i;
                while i < chars.len()
                    && !chars[i].is_whitespace()
                    && !matches!(chars[i], '"' | '=' | '(' | ')')
                {
                    i += 1;
                }
                out.push(Tok::Word(chars[start..i].iter().collect()));
            }
        }
    }
    Ok(out)
}

/// A reactions filter: a conjunction of at most one emoji group and one user group,
/// each a disjunction of terms of its kind. `AND` and `OR` together need parentheses.
#[derive(Debug, Default, PartialEq)]
pub struct ReactionFilter {
    groups: Vec<Vec<Term>>,
}

impl ReactionFilter {
    pub fn parse(filter: &str) -> EmuResult<Self> {
        let toks = lex(filter)?;
        if toks.is_empty() {
            return Ok(ReactionFilter::default());
        }
        // Split at top-level ANDs.
        let mut parts: Vec<(bool, Vec<Tok>)> = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            let (paren, body, next) = if toks[i] == Tok::Open {
                let close = toks[i..]
                    .iter()
                    .position(|t| *t == Tok::Close)
                    .map(|p| p + i)
                    .ok_or_else(|| bad_filter(filter, "unbalanced parentheses"))?;
                (true, toks[i + 1..close].to_vec(), close + 1)
            } else {
                let end = toks[i..]
                    .iter()
                    .position(|t| *t == Tok::Word("AND".into()))
                    .map_or(toks.len(), |p| p + i);
                (false, toks[i..end].to_vec(), end)
            };
            if body.contains(&Tok::Open) || body.contains(&Tok::Close) {
                return Err(bad_filter(filter, "unbalanced or nested parentheses"));
            }
            parts.push((paren, body));
            i = next;
            match toks.get(i) {
                None => {}
                Some(Tok::Word(w)) if w == "AND" => {
                    i += 1;
                    if i >= toks.len() {
                        return Err(bad_filter(filter, "AND needs a condition after it"));
                    }
                }
                Some(_) => return Err(bad_filter(filter, "expected AND")),
            }
        }
        let mut groups = Vec::new();
        for (paren, body) in &parts {
            let terms = Self::or_list(filter, body)?;
            if parts.len() > 1 && terms.len() > 1 && !paren {
                return Err(bad_filter(
                    filter,
                    "group OR conditions in parentheses when the query also uses AND",
                ));
            }
            let kind = terms[0].is_emoji();
            if terms.iter().any(|t| t.is_emoji() != kind) {
                return Err(bad_filter(
                    filter,
                    "OR joins conditions on the same field (emoji or user.name)",
                ));
            }
            groups.push(terms);
        }
        if groups.len() > 2
            || (groups.len() == 2 && groups[0][0].is_emoji() == groups[1][0].is_emoji())
        {
            return Err(bad_filter(
                filter,
                "AND joins one emoji condition and one user.name condition",
            ));
        }
        Ok(ReactionFilter { groups })
    }

    fn or_list(filter: &str, toks: &[Tok]) -> EmuResult<Vec<Term>> {
        let mut out = Vec::new();
        let mut i = 0;
        loop {
            let (Some(Tok::Word(field)), Some(Tok::Eq), Some(Tok::Str(v))) =
                (toks.get(i), toks.get(i + 1), toks.get(i + 2))
            else {
                return Err(bad_filter(filter, "expected field = \"value\""));
            };
            out.push(match field.as_str() {
                "emoji.unicode" => Term::Unicode(v.clone()),
                "emoji.custom_emoji.uid" => Term::CustomUid(v.clone()),
                "user.name" => Term::User(v.clone()),
                other => {
                    return Err(bad_filter(
                        filter,
                        &format!("unknown field {other}: use emoji.unicode, emoji.custom_emoji.uid or user.name"),
                    ))
                }
            });
            i += 3;
            match toks.get(i) {
                None => return Ok(out),
                Some(Tok::Word(w)) if w == "OR" => i += 1,
                Some(_) => return Err(bad_filter(filter, "expected OR")),
            }
        }
    }

    pub fn matches(&self, r: &ReactionRec) -> bool {
        self.groups.iter().all(|g| g.iter().any(|t| t.matches(r)))
    }
}

pub fn list(ctx: &mut Ctx<'_>, space: &str, message: &str) -> EmuResult<Reply> {
    ctx.query.only(&["pageSize", "pageToken", "filter"])?;
    let size = ctx.query.page_size(25)?.min(200);
    let filter_text = ctx.query.get("filter").unwrap_or("");
    let filter = ReactionFilter::parse(filter_text)?;
    let list_key = format!("reactions/{space}/{message}");
    let cursor = match ctx.query.string("pageToken") {
        Some(t) => decode_page_token(t, &list_key, filter_text)?
            .parse::<usize>()
            .map_err(|_| EmuError::invalid_field("page_token", "The page token is invalid."))?,
        None => 0,
    };
    let who = ctx.who;
    let rec = find_space(&ctx.store.spaces, who, space)?;
    let i = message_index(rec, message, who)?;
    let m = &rec.messages[i];
    let mut out = Vec::new();
    let mut next = None;
    for (j, r) in m.reactions.iter().enumerate().skip(cursor) {
        if !filter.matches(r) {
            continue;
        }
        if out.len() == size {
            next = Some(j);
            break;
        }
        out.push(reaction_view(&ctx.store.directory, rec, m, r, who));
    }
    reply(&ListReactionsResponse {
        reactions: out,
        next_page_token: next.map(|j| encode_page_token(&list_key, filter_text, &j.to_string())),
    })
}

pub fn list_custom_emojis(ctx: &mut Ctx<'_>) -> EmuResult<Reply> {
    ctx.query.only(&["pageSize", "pageToken", "filter"])?;
    let size = ctx.query.page_size(25)?.min(200);
    let filter_text = ctx.query.get("filter").unwrap_or("").trim();
    let compact: String = filter_text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mine: Option<bool> = match compact.as_str() {
        "" => None,
        "creator(\"users/me\")" => Some(true),
        "NOT creator(\"users/me\")" => Some(false),
        _ => {
            return Err(bad_filter(
                filter_text,
                "only creator(\"users/me\") and NOT creator(\"users/me\") are supported",
            ))
        }
    };
    let list_key = "customEmojis";
    let cursor = match ctx.query.string("pageToken") {
        Some(t) => Some(decode_page_token(t, list_key, &compact)?),
        None => None,
    };
    let me = ctx.who.user_name();
    let mut out = Vec::new();
    let mut next = None;
    for (id, c) in ctx.store.directory.custom_emojis.iter() {
        if cursor.as_deref().is_some_and(|cur| id.as_str() < cur) {
            continue;
        }
        if mine.is_some_and(|m| (c.creator == me) != m) {
            continue;
        }
        if out.len() == size {
            next = Some(id.clone());
            break;
        }
        out.push(custom_view(c));
    }
    reply(&ListCustomEmojisResponse {
        custom_emojis: out,
        next_page_token: next.map(|id| encode_page_token(list_key, &compact, &id)),
    })
}

pub fn get_custom_emoji(ctx: &mut Ctx<'_>, id: &str) -> EmuResult<Reply> {
    ctx.query.only(&[])?;
    let c =
        ctx.store.directory.custom_emojis.get(id).ok_or_else(|| {
            EmuError::not_found(format!("Custom emoji customEmojis/{id} not found."))
        })?;
    let mut v = custom_view(c);
    v.temporary_image_uri = Some(format!(
        "https://lh3.googleusercontent.com/chat-custom-emoji/{}",
        c.uid
    ));
    reply(&v)
}

/// `:lowercase-words_like_this:`: alphanumerics joined by single hyphens or underscores.
pub fn valid_emoji_name(n: &str) -> bool {
    let Some(inner) = n.strip_prefix(':').and_then(|r| r.strip_suffix(':')) else {
        return false;
    };
    !inner.is_empty()
        && inner.len() <= 64
        && inner.split(['-', '_']).all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// The most bytes a custom emoji's image may have.
const MAX_EMOJI_IMAGE: usize = 256 * 1024;

pub fn create_custom_emoji(ctx: &mut Ctx<'_>) -> EmuResult<Reply> {
    use base64::Engine;
    ctx.query.only(&[])?;
    let input: CustomEmoji = parse_body(ctx.body, "custom_emoji")?;
    let name = input.emoji_name.as_deref().unwrap_or("");
    if !valid_emoji_name(name) {
        return Err(EmuError::invalid_field(
            "custom_emoji.emoji_name",
            "emojiName must start and end with colons and use lowercase letters and digits, with single hyphens or underscores between words, e.g. :party-parrot:.",
        ));
    }
    let payload = input.payload.as_ref().ok_or_else(|| {
        EmuError::invalid_field(
            "custom_emoji.payload",
            "payload (fileContent and filename) is required.",
        )
    })?;
    let filename = payload
        .get("filename")
        .and_then(|v| v.as_str())
        .unwrap_or("");
    let ext_ok = filename.rsplit_once('.').is_some_and(|(_, e)| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "png" | "jpg" | "jpeg" | "gif"
        )
    });
    if !ext_ok {
        return Err(EmuError::invalid_field(
            "custom_emoji.payload.filename",
            "The image must be a .png, .jpg or .gif file.",
        ));
    }
    let content = payload
        .get("fileContent")
        .and_then(|v| v.as_str())
        .unwrap_or("");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(content)
        .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(content))
        .map_err(|_| {
            EmuError::invalid_field(
                "custom_emoji.payload.file_content",
                "fileContent must be base64.",
            )
        })?;
    if bytes.is_empty() || bytes.len() >= MAX_EMOJI_IMAGE {
        return Err(EmuError::invalid_field(
            "custom_emoji.payload.file_content",
            format!("The image must be under {MAX_EMOJI_IMAGE} bytes."),
        ));
    }
    let dir = &mut ctx.store.directory;
    if dir.custom_emojis.values().any(|c| c.emoji_name == name) {
        return Err(EmuError::already_exists(format!(
            "A custom emoji named {name} already exists in the organization."
        )));
    }
    let id = loop {
        let id = random_id(12);
        if !dir.custom_emojis.contains_key(&id) {
            break id;
        }
    };
    let rec = CustomEmojiRec {
        id: id.clone(),
        uid: random_id(20),
        emoji_name: name.to_string(),
        creator: ctx.who.user_name(),
    };
    let view = custom_view(&rec);
    dir.add_custom_emoji(rec);
    reply(&view)
}

pub fn delete_custom_emoji(ctx: &mut Ctx<'_>, id: &str) -> EmuResult<Reply> {
    ctx.query.only(&[])?;
    let c =
        ctx.store.directory.custom_emojis.get(id).ok_or_else(|| {
            EmuError::not_found(format!("Custom emoji customEmojis/{id} not found."))
        })?;
    if c.creator != ctx.who.user_name() {
        return Err(EmuError::permission(
            "Only the person who created a custom emoji (or an emoji manager) can delete it.",
        ));
    }
    ctx.store.directory.remove_custom_emoji(id);
    reply(&Empty {})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_emoji_names() {
        for good in [":a:", ":party-parrot:", ":ship_it2:"] {
            assert!(valid_emoji_name(good), "{good}");
        }
        for bad in ["party", ":Party:", "::", ":a--b:", ":-a:", ":a b:", ":a_:"] {
            assert!(!valid_emoji_name(bad), "{bad}");
        }
    }

    #[test]
    fn emoji_check() {
        for good in ["👍", "❤️", "🙂", "👍🏽", "👨‍👩‍👧", "🇯🇵", "1️⃣", "©️", "🫠"]
        {
            assert!(is_emoji(good), "{good}");
        }
        for bad in [
            "",
            "a",
            ":+1:",
            "👍 ",
            "ok👍",
            "1",
            "<users/1>",
            "中",
            "\u{200D}",
        ] {
            assert!(!is_emoji(bad), "{bad}");
        }
    }

    #[test]
    fn filters_follow_the_documented_grammar() {
        for good in [
            "",
            r#"user.name = "users/1""#,
            r#"emoji.unicode = "🙂""#,
            r#"emoji.custom_emoji.uid = "u1""#,
            r#"emoji.unicode = "🙂" OR emoji.unicode = "👍""#,
            r#"emoji.unicode = "🙂" OR emoji.custom_emoji.uid = "u1""#,
            r#"emoji.unicode = "🙂" AND user.name = "users/1""#,
            r#"(emoji.unicode = "🙂" OR emoji.custom_emoji.uid = "u1") AND user.name = "users/1""#,
        ] {
            assert!(ReactionFilter::parse(good).is_ok(), "{good}");
        }
        for bad in [
            r#"emoji.unicode = "🙂" AND emoji.unicode = "👍""#,
            r#"emoji.unicode = "🙂" AND emoji.custom_emoji.uid = "u1""#,
            r#"emoji.unicode = "🙂" OR user.name = "users/1""#,
            r#"emoji.unicode = "🙂" OR emoji.custom_emoji.uid = "u1" OR user.name = "users/1""#,
            r#"emoji.unicode = "🙂" OR emoji.custom_emoji.uid = "u1" AND user.name = "users/1""#,
            r#"text = "x""#,
            r#"emoji.unicode = "🙂" AND"#,
            r#"(emoji.unicode = "🙂""#,
            r#"emoji.unicode = 🙂"#,
        ] {
            assert!(ReactionFilter::parse(bad).is_err(), "{bad}");
        }
    }
}
