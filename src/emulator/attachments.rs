//! `spaces.messages.attachments.get`: an attachment's metadata, as its message holds it.

use super::ctx::{reply, Ctx, Reply};
use super::error::{EmuError, EmuResult};
use super::route::{Callers, Handler, Quota, Route, Verb};
use super::views::find_space;
use crate::api::scope::Scope;

/// The API methods this file serves (see `routes.rs`).
pub(super) const ROUTES: &[Route] = &[Route::new(
    Verb::Get,
    "v1/spaces/{spacesId}/messages/{messagesId}/attachments/{attachmentsId}",
    "chat.spaces.messages.attachments.get",
    &[Scope::ChatBot],
    Handler::Three(get_attachment),
)
.callers(Callers::Apps)
.quota(Quota::Read)];

/// `spaces.messages.attachments.get`.
pub fn get_attachment(
    ctx: &mut Ctx<'_>,
    space: &str,
    message: &str,
    attachment: &str,
) -> EmuResult<Reply> {
    ctx.query.only(&[])?;
    let rec = find_space(&ctx.store.spaces, ctx.who, space)?;
    let not_found = || {
        EmuError::not_found(format!(
            "Attachment spaces/{space}/messages/{message}/attachments/{attachment} not found."
        ))
    };
    let i = rec.find_message(message).ok_or_else(not_found)?;
    let m = &rec.messages[i];
    if m.deleted() || !super::views::readable(rec, m, ctx.who) {
        return Err(not_found());
    }
    let want = format!("spaces/{space}/messages/{}/attachments/{attachment}", m.id);
    let a = m
        .msg
        .attachment
        .iter()
        .find(|a| a.get("name").and_then(|n| n.as_str()) == Some(want.as_str()))
        .ok_or_else(not_found)?;
    reply(a)
}
