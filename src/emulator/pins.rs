//! `spaces.messagePins`: list, create, delete. A pin's id is its message's id, so a
//! message is pinned at most once; the pin goes when the message is deleted.

use super::ctx::{reply, Ctx, Reply};
use super::error::{EmuError, EmuResult};
use super::request::{decode_page_token, encode_page_token, parse_body};
use super::route::{Callers, Handler, Quota, Route, Verb};
use super::store::{now, PinRec, SpaceRec};
use super::views::{find_space, find_space_mut};
use crate::api::model::*;
use crate::api::name::MessageName;
use crate::api::scope::Scope;

/// The API methods this file serves (see `routes.rs`).
pub(super) const ROUTES: &[Route] = &[
    Route::new(
        Verb::Get,
        "v1/spaces/{spacesId}/messagePins",
        "chat.spaces.messagePins.list",
        &[
            Scope::ChatSpaces,
            Scope::ChatSpacesPins,
            Scope::ChatSpacesPinsReadonly,
            Scope::ChatSpacesReadonly,
        ],
        Handler::One(list),
    )
    .callers(Callers::Users)
    .quota(Quota::Read),
    Route::new(
        Verb::Post,
        "v1/spaces/{spacesId}/messagePins",
        "chat.spaces.messagePins.create",
        &[Scope::ChatSpaces, Scope::ChatSpacesPins],
        Handler::One(create),
    )
    .callers(Callers::Users)
    .quota(Quota::Write),
    Route::new(
        Verb::Delete,
        "v1/spaces/{spacesId}/messagePins/{messagePinsId}",
        "chat.spaces.messagePins.delete",
        &[Scope::ChatSpaces, Scope::ChatSpacesPins],
        Handler::Two(delete),
    )
    .callers(Callers::Users)
    .quota(Quota::Write),
];

/// The most messages a space may have pinned at once.
pub const MAX_PINS: usize = 100;

fn pin_view(rec: &SpaceRec, i: usize) -> MessagePin {
    let m = &rec.messages[i];
    MessagePin {
        name: Some(format!("spaces/{}/messagePins/{}", rec.id(), m.id)),
        message: m.msg.name.clone(),
    }
}

/// Indexes of the pinned messages, oldest pin first.
fn pinned(rec: &SpaceRec) -> Vec<usize> {
    let mut v: Vec<usize> = rec
        .messages
        .iter()
        .enumerate()
        .filter(|(_, m)| m.pin.is_some() && !m.deleted())
        .map(|(i, _)| i)
        .collect();
    v.sort_by_key(|&i| (rec.messages[i].pin.as_ref().map(|p| p.create_time), i));
    v
}

pub fn list(ctx: &mut Ctx<'_>, space: &str) -> EmuResult<Reply> {
    ctx.query.only(&["pageSize", "pageToken"])?;
    let size = ctx.query.page_size(25)?.min(100);
    let list_key = format!("messagePins/{space}");
    let cursor = match ctx.query.string("pageToken") {
        Some(t) => decode_page_token(t, &list_key, "")?
            .parse::<usize>()
            .map_err(|_| EmuError::invalid_field("page_token", "The page token is invalid."))?,
        None => 0,
    };
    let rec = find_space(&ctx.store.spaces, ctx.who, space)?;
    let all = pinned(rec);
    let page: Vec<MessagePin> = all
        .iter()
        .skip(cursor)
        .take(size)
        .map(|&i| pin_view(rec, i))
        .collect();
    let next = (cursor + size < all.len()).then(|| cursor + size);
    reply(&ListMessagePinsResponse {
        message_pins: page,
        next_page_token: next.map(|c| encode_page_token(&list_key, "", &c.to_string())),
    })
}

pub fn create(ctx: &mut Ctx<'_>, space: &str) -> EmuResult<Reply> {
    ctx.query.only(&[])?;
    let input: MessagePin = parse_body(ctx.body, "message_pin")?;
    let Some(message) = input.message.as_deref().filter(|m| !m.is_empty()) else {
        return Err(EmuError::invalid_field(
            "message_pin.message",
            "A pin needs the message to pin, as spaces/{space}/messages/{message}.",
        ));
    };
    let name = MessageName::parse(message)
        .map_err(|e| EmuError::invalid_field("message_pin.message", e.to_string()))?;
    if name.space().id() != space {
        return Err(EmuError::invalid_field(
            "message_pin.message",
            format!("The message {message} is not in spaces/{space}."),
        ));
    }
    let who = ctx.who;
    let rec = find_space(&ctx.store.spaces, who, space)?;
    let not_found = || EmuError::not_found(format!("Message {message} not found."));
    let i = rec.find_message(name.message_id()).ok_or_else(not_found)?;
    let m = &rec.messages[i];
    if m.deleted() || !super::views::readable(rec, m, who) {
        return Err(not_found());
    }
    if m.msg.private_message_viewer.is_some() {
        return Err(EmuError::invalid_field(
            "message_pin.message",
            "A private message cannot be pinned.",
        ));
    }
    if m.pin.is_some() {
        return Err(EmuError::already_exists(format!(
            "The message {message} is already pinned."
        )));
    }
    if pinned(rec).len() >= MAX_PINS {
        return Err(EmuError::failed_precondition(format!(
            "A space can have at most {MAX_PINS} pinned messages; unpin one first."
        )));
    }
    let rec = find_space_mut(&mut ctx.store.spaces, who, space)?;
    let t = rec.next_time(now());
    rec.messages[i].pin = Some(PinRec {
        by: who.id().to_string(),
        create_time: t,
    });
    reply(&pin_view(&ctx.store.spaces[space], i))
}

pub fn delete(ctx: &mut Ctx<'_>, space: &str, pin: &str) -> EmuResult<Reply> {
    ctx.query.only(&[])?;
    let who = ctx.who;
    let rec = find_space(&ctx.store.spaces, who, space)?;
    let not_found = || {
        EmuError::not_found(format!(
            "Message pin spaces/{space}/messagePins/{pin} not found."
        ))
    };
    let i = rec.find_message(pin).ok_or_else(not_found)?;
    let m = &rec.messages[i];
    if m.pin.is_none() || m.deleted() || !super::views::readable(rec, m, who) {
        return Err(not_found());
    }
    let rec = find_space_mut(&mut ctx.store.spaces, who, space)?;
    rec.messages[i].pin = None;
    reply(&Empty {})
}
