//! `spaces.messages.search`: the calling user's messages across every space they are in
//! (`parent` `spaces/-`), with the documented filter syntax and exclusions (no private
//! messages, no messages from Chat apps, no app DMs, no muted spaces), newest first.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use super::ctx::{reply, Ctx, Reply};
use super::error::{EmuError, EmuResult};
use super::query::{self, Atom};
use super::request::{decode_page_token, encode_page_token, parse_body};
use super::route::{Handler, Route, Verb};
use super::store::{MsgRec, SpaceRec, Store};
use super::sync::{self, read_key, thread_key};
use super::views::message_view;
use crate::api::model::{timestamp, SpaceType};
use crate::api::name::UserRef;
use crate::api::scope::Scope;
use crate::api::sync_model::*;

/// The API methods this file serves (see `routes.rs`).
pub(super) const ROUTES: &[Route] = &[Route::new(
    Verb::Post,
    "v1/spaces/{spacesId}/messages:search",
    "chat.spaces.messages.search",
    &[Scope::ChatMessages, Scope::ChatMessagesReadonly],
    Handler::One(search),
)];

/// The longest query accepted, in characters.
pub const MAX_QUERY: usize = 1000;
/// At most this many spaces match `space.display_name`.
const DISPLAY_NAME_SPACES: usize = 5;

fn bad(msg: impl Into<String>) -> EmuError {
    EmuError::invalid_field("filter", msg)
}

/// One condition, ready to test.
#[derive(Debug, Clone)]
enum Cond {
    Keyword(String),
    CreatedAtOrAfter(DateTime<Utc>),
    CreatedBefore(DateTime<Utc>),
    Sender(String),
    Space(String),
    SpaceName(String),
    SpaceType(SpaceType),
    Attachment,
    Mentions(String),
    HasLink,
    Unread,
}

const SPACE_SCOPES: &[Scope] = &[Scope::ChatSpaces, Scope::ChatSpacesReadonly];
const READSTATE_SCOPES: &[Scope] = &[Scope::ChatUsersReadstate, Scope::ChatUsersReadstateReadonly];

/// `users/ID`, `users/EMAIL` or `users/me`, to a user id.
fn user_id(store: &Store, me: &str, value: &str, field: &str) -> EmuResult<String> {
    let seg = value.strip_prefix("users/").unwrap_or("");
    if seg == "me" {
        return Ok(me.to_string());
    }
    match UserRef::parse(value) {
        Ok(UserRef::Id(id)) => Ok(id),
        // An address nobody has matches nothing.
        Ok(UserRef::Email(e)) => Ok(store
            .directory
            .person_by_email(&e)
            .map(|p| p.id.clone())
            .unwrap_or_default()),
        _ => Err(bad(format!(
            "{field} takes users/{{user}} (an id, an email address or me), not {value:?}."
        ))),
    }
}

fn compile(ctx: &Ctx<'_>, text: &str) -> EmuResult<Vec<Vec<Cond>>> {
    let groups = query::parse(text)?;
    if groups.is_empty() {
        return Err(bad("The search query is empty."));
    }
    let me = ctx.who.id().to_string();
    // field -> (groups it is in, whether one of them is an OR)
    let mut seen: Vec<(String, usize, bool)> = Vec::new();
    let mut out = Vec::new();
    for g in &groups {
        let field = g[0].field().to_string();
        if g.iter().any(|a| a.field() != field) {
            return Err(bad(
                "Across different fields only AND is supported; use parentheses and AND.",
            ));
        }
        match seen.iter_mut().find(|(f, ..)| *f == field) {
            Some(s) => {
                s.1 += 1;
                s.2 |= g.len() > 1;
            }
            None => seen.push((field.clone(), 1, g.len() > 1)),
        }
        let mut alts = Vec::new();
        for a in g {
            alts.push(match a {
                Atom::Word(w) => Cond::Keyword(w.to_lowercase()),
                Atom::Func(f) => match f.as_str() {
                    "has_link" => Cond::HasLink,
                    "is_unread" => {
                        ctx.who
                            .require_any(READSTATE_SCOPES, "chat.spaces.messages.search")?;
                        Cond::Unread
                    }
                    other => return Err(bad(format!("Unknown function {other}()."))),
                },
                Atom::Term { field, op, value } => match (field.as_str(), op.as_str()) {
                    ("create_time", ">=" | "<") => {
                        let t = timestamp::parse(value).map_err(|_| {
                            bad(format!("create_time takes an RFC 3339 timestamp, not {value:?}."))
                        })?;
                        if op == ">=" {
                            Cond::CreatedAtOrAfter(t)
                        } else {
                            Cond::CreatedBefore(t)
                        }
                    }
                    ("create_time", _) => {
                        return Err(bad("create_time supports only the < and >= operators."))
                    }
                    ("sender.name", "=") => {
                        Cond::Sender(user_id(ctx.store, &me, value, "sender.name")?)
                    }
                    ("space.name", "=") => match value.strip_prefix("spaces/") {
                        Some(id) if !id.is_empty() && !id.contains('/') => {
                            Cond::Space(id.to_string())
                        }
                        _ => return Err(bad(format!("space.name takes spaces/{{space}}, not {value:?}."))),
                    },
                    ("space.display_name", ":") => {
                        ctx.who.require_any(SPACE_SCOPES, "chat.spaces.messages.search")?;
                        Cond::SpaceName(value.to_lowercase())
                    }
                    ("space.space_type", "=") => {
                        ctx.who.require_any(SPACE_SCOPES, "chat.spaces.messages.search")?;
                        match value.as_str() {
                            "DIRECT_MESSAGE" => Cond::SpaceType(SpaceType::DirectMessage),
                            "GROUP_CHAT" => Cond::SpaceType(SpaceType::GroupChat),
                            "SPACE" => Cond::SpaceType(SpaceType::Space),
                            _ => return Err(bad(format!(
                                "space.space_type is DIRECT_MESSAGE, GROUP_CHAT or SPACE, not {value:?}."
                            ))),
                        }
                    }
                    ("attachment", ":") if value == "*" => Cond::Attachment,
                    ("annotations.user_mentions.user.name", ":") => Cond::Mentions(user_id(
                        ctx.store,
                        &me,
                        value,
                        "annotations.user_mentions.user.name",
                    )?),
                    (
                        "sender.name" | "space.name" | "space.display_name" | "space.space_type"
                        | "attachment" | "annotations.user_mentions.user.name",
                        _,
                    ) => return Err(bad(format!("{field} does not support the {op} operator."))),
                    _ => return Err(bad(format!("Unsupported search field {field:?}."))),
                },
            });
        }
        out.push(alts);
    }
    for (field, count, any_or) in &seen {
        let only_or = ["sender.name", "space.name", "space.space_type"];
        let no_mix = ["space.display_name", "annotations.user_mentions.user.name"];
        if field == "create_time" && *any_or {
            return Err(bad("create_time supports only AND."));
        }
        if only_or.contains(&field.as_str()) && *count > 1 {
            return Err(bad(format!("{field} supports only OR.")));
        }
        if no_mix.contains(&field.as_str()) && *any_or && *count > 1 {
            return Err(bad(format!(
                "{field} supports AND or OR, but not a mix of both."
            )));
        }
    }
    Ok(out)
}

fn has_link(text: &str) -> bool {
    let t = text.to_lowercase();
    t.contains("http://") || t.contains("https://")
}

struct Candidate<'a> {
    rec: &'a SpaceRec,
    m: &'a MsgRec,
}

fn unread(store: &Store, me: &str, c: &Candidate<'_>) -> bool {
    if c.m.sender == me && !c.m.sender_bot {
        return false;
    }
    let sid = c.rec.id();
    let key = if c.m.is_reply() {
        thread_key(me, sid, &c.m.thread_id)
    } else {
        read_key(me, sid)
    };
    let read = sync::read_time(store, &key).or(c.rec.member(me).map(|m| m.create_time));
    read.is_none_or(|r| c.m.create_time() > r)
}

fn matches(
    store: &Store,
    me: &str,
    c: &Candidate<'_>,
    cond: &Cond,
    named_spaces: &HashSet<&str>,
) -> bool {
    let text = c.m.msg.text.as_deref().unwrap_or("");
    match cond {
        Cond::Keyword(w) => text.to_lowercase().contains(w.as_str()),
        Cond::CreatedAtOrAfter(t) => c.m.create_time() >= *t,
        Cond::CreatedBefore(t) => c.m.create_time() < *t,
        Cond::Sender(id) => c.m.sender == *id && !c.m.sender_bot,
        Cond::Space(id) => c.rec.id() == id,
        Cond::SpaceName(_) => named_spaces.contains(c.rec.id()),
        Cond::SpaceType(t) => c.rec.kind() == *t,
        Cond::Attachment => !c.m.msg.attachment.is_empty(),
        Cond::Mentions(id) => c.m.msg.annotations.iter().any(|a| {
            a.user_mention
                .as_ref()
                .and_then(|u| u.user.as_ref())
                .and_then(|u| u.name.as_deref())
                .is_some_and(|n| n.strip_prefix("users/") == Some(id.as_str()))
        }),
        Cond::HasLink => has_link(text),
        Cond::Unread => unread(store, me, c),
    }
}

pub fn search(ctx: &mut Ctx<'_>, parent: &str) -> EmuResult<Reply> {
    ctx.query.only(&[])?;
    if parent != "-" {
        return Err(EmuError::invalid_field(
            "parent",
            "To search, set parent to spaces/-; limit the search to spaces with space.name or space.display_name in the filter.",
        ));
    }
    let req: SearchMessagesRequest = parse_body(ctx.body, "search_messages_request")?;
    let text = req.filter.clone().unwrap_or_default();
    if text.trim().is_empty() {
        return Err(bad("A search query (filter) is required."));
    }
    if text.chars().count() > MAX_QUERY {
        return Err(bad(format!(
            "The search query has at most {MAX_QUERY} characters."
        )));
    }
    let order = req.order_by.as_deref().map(|o| o.trim().to_lowercase());
    match order.as_deref() {
        None
        | Some("")
        | Some("create_time desc")
        | Some("createtime desc")
        | Some("relevance desc") => {}
        Some(o) => {
            return Err(EmuError::invalid_field(
                "order_by",
                format!("Invalid order {o:?}: use create_time desc or relevance desc."),
            ))
        }
    }
    let full = match req.view.as_deref() {
        None | Some("SEARCH_MESSAGES_VIEW_UNSPECIFIED") | Some("SEARCH_MESSAGES_VIEW_BASIC") => {
            false
        }
        Some("SEARCH_MESSAGES_VIEW_FULL") => true,
        Some(v) => {
            return Err(EmuError::invalid_field(
                "view",
                format!("Invalid view {v:?}."),
            ))
        }
    };
    let size = match req.page_size {
        Some(n) if n < 0 => {
            return Err(EmuError::invalid_field(
                "page_size",
                "The page size must not be negative.",
            ))
        }
        None | Some(0) => 25,
        Some(n) => (n as usize).min(100),
    };
    let params = format!("{text}|{}|{full}", order.as_deref().unwrap_or(""));
    let after = match req.page_token.as_deref().filter(|t| !t.is_empty()) {
        Some(t) => Some(decode_page_token(t, "search", &params)?),
        None => None,
    };
    let conds = compile(ctx, &text)?;
    let store: &Store = ctx.store;
    let me = ctx.who.id().to_string();
    let spaces: Vec<&SpaceRec> = store
        .spaces
        .values()
        .filter(|r| r.is_joined(&me))
        .filter(|r| !r.space.single_user_bot_dm)
        .filter(|r| !sync::is_muted(store, &me, r.id()))
        .collect();
    // space.display_name picks at most five spaces (each display-name group, AND-ed).
    let name_groups: Vec<Vec<&str>> = conds
        .iter()
        .filter_map(|g| {
            let names: Vec<&str> = g
                .iter()
                .filter_map(|c| match c {
                    Cond::SpaceName(n) => Some(n.as_str()),
                    _ => None,
                })
                .collect();
            (!names.is_empty()).then_some(names)
        })
        .collect();
    let named_spaces: HashSet<&str> = spaces
        .iter()
        .filter(|r| {
            let dn = r.space.display_name.as_deref().unwrap_or("").to_lowercase();
            !name_groups.is_empty() && name_groups.iter().all(|g| g.iter().any(|n| dn.contains(n)))
        })
        .take(DISPLAY_NAME_SPACES)
        .map(|r| r.id())
        .collect();
    let mut hits: Vec<(String, Candidate<'_>)> = Vec::new();
    for rec in &spaces {
        for m in rec.messages.iter() {
            if m.deleted() || m.sender_bot || m.msg.private_message_viewer.is_some() {
                continue;
            }
            let c = Candidate { rec, m };
            if conds.iter().all(|g| {
                g.iter()
                    .any(|cond| matches(store, &me, &c, cond, &named_spaces))
            }) {
                // Fixed-width microseconds first: the keys sort as the times do.
                let micros = m.create_time().timestamp_micros().max(0);
                let key = format!("{micros:020}|{}|{}", rec.id(), m.id);
                hits.push((key, c));
            }
        }
    }
    // Newest first. A page token holds the last key returned: the next page starts after
    // it even if that message has since been deleted.
    hits.sort_by(|a, b| b.0.cmp(&a.0));
    let start = match &after {
        Some(cursor) => hits.partition_point(|(k, _)| k >= cursor),
        None => 0,
    };
    let page: Vec<&(String, Candidate<'_>)> = hits.iter().skip(start).take(size).collect();
    let more = start + page.len() < hits.len();
    let readstate = ctx.who.has_any(READSTATE_SCOPES);
    let settings = ctx.who.has_scope(Scope::ChatUsersSpacesettings);
    let resp = SearchMessagesResponse {
        results: page
            .iter()
            .map(|(_, c)| SearchMessageResult {
                message: Some(message_view(&store.directory, c.rec, c.m, ctx.who)),
                read: (full && readstate).then(|| !unread(store, &me, c)),
                space_mute_setting: (full && settings).then_some(MuteSetting::Unmuted),
            })
            .collect(),
        next_page_token: match (more, page.last()) {
            (true, Some((k, _))) => Some(encode_page_token("search", &params, k)),
            _ => None,
        },
    };
    reply(&resp)
}
