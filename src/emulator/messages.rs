//! `spaces.messages`: list, get, create, patch/update, delete.

use chrono::Duration;

use super::annotate::{argument_text, mentions};
use super::auth::Principal;
use super::ctx::{reply, Ctx, Reply};
use super::error::{EmuError, EmuResult};
use super::filter::MessageFilter;
use super::request::{
    decode_page_token, encode_page_token, parse_body, unsupported_mask, update_mask,
};
use super::route::{Handler, Quota, Route, Verb};
use super::store::{now, random_id, Directory, MemberRec, MsgRec, RequestRec, ThreadRec};
use super::views::{find_space, find_space_mut, message_view, permitted, private_ok, readable};
use crate::api::model::*;
use crate::api::name::{is_client_message_id, ThreadName};
use crate::api::scope::Scope;

const WRITE: &[Scope] = &[Scope::ChatBot, Scope::ChatImport, Scope::ChatMessages];

/// The API methods this file serves (see `routes.rs`).
pub(super) const ROUTES: &[Route] = &[
    Route::new(
        Verb::Get,
        "v1/spaces/{spacesId}/messages",
        "chat.spaces.messages.list",
        &[
            Scope::ChatAppMessagesReadonly,
            Scope::ChatImport,
            Scope::ChatMessages,
            Scope::ChatMessagesReadonly,
        ],
        Handler::One(list),
    )
    .quota(Quota::Read),
    Route::new(
        Verb::Post,
        "v1/spaces/{spacesId}/messages",
        "chat.spaces.messages.create",
        &[
            Scope::ChatBot,
            Scope::ChatImport,
            Scope::ChatMessages,
            Scope::ChatMessagesCreate,
        ],
        Handler::One(create),
    )
    .quota(Quota::Write),
    Route::new(
        Verb::Get,
        "v1/spaces/{spacesId}/messages/{messagesId}",
        "chat.spaces.messages.get",
        &[
            Scope::ChatAppMessagesReadonly,
            Scope::ChatBot,
            Scope::ChatMessages,
            Scope::ChatMessagesReadonly,
        ],
        Handler::Two(get),
    )
    .quota(Quota::Read),
    Route::new(
        Verb::Patch,
        "v1/spaces/{spacesId}/messages/{messagesId}",
        "chat.spaces.messages.patch",
        WRITE,
        Handler::Two(patch),
    )
    .quota(Quota::Write),
    Route::new(
        Verb::Put,
        "v1/spaces/{spacesId}/messages/{messagesId}",
        "chat.spaces.messages.update",
        WRITE,
        Handler::Two(patch),
    )
    .quota(Quota::Write),
    Route::new(
        Verb::Delete,
        "v1/spaces/{spacesId}/messages/{messagesId}",
        "chat.spaces.messages.delete",
        WRITE,
        Handler::Two(delete),
    )
    .quota(Quota::Write),
];

/// Text plus cards may not exceed this many bytes.
const MAX_MESSAGE_BYTES: usize = 32_000;
const MAX_THREAD_KEY: usize = 4000;

fn message_not_found(id: &str) -> EmuError {
    EmuError::not_found(format!("Message {id} not found."))
}

/// Sets `text` and everything derived from it.
fn set_text(dir: &Directory, msg: &mut Message, text: Option<String>, caller: &Principal) {
    match text.filter(|t| !t.is_empty()) {
        Some(t) => {
            msg.annotations = mentions(dir, &t, caller);
            msg.annotations.extend(super::format::rich_links(&t));
            msg.argument_text = Some(argument_text(dir, &t));
            msg.formatted_text = Some(t.clone());
            msg.text = Some(t);
        }
        None => {
            msg.annotations.clear();
            msg.argument_text = None;
            msg.formatted_text = None;
            msg.text = None;
        }
    }
}

/// The text as the server reads it: Markdown (`markupSyntax: MARKUP_SYNTAX_MARKDOWN`)
/// becomes Chat's own markup.
/// Refuses text over the limit before any of it is read, so that no reading of a
/// long hostile text can hold the server.
fn read_text(input: &Message, ctx: &Ctx<'_>) -> EmuResult<Option<String>> {
    if let Some(t) = &input.text {
        check_text_length(t, ctx)?;
    }
    Ok(match (&input.text, &input.markup_syntax) {
        (Some(t), Some(MarkupSyntax::Markdown)) => Some(super::format::markdown_to_chat(t)),
        (t, _) => t.clone(),
    })
}

fn check_text_length(text: &str, ctx: &Ctx<'_>) -> EmuResult<()> {
    let chars = text.chars().count();
    if chars > ctx.config.text_limit {
        return Err(EmuError::invalid_field(
            "message.text",
            format!(
                "The message text is {chars} characters long; the maximum is {}.",
                ctx.config.text_limit
            ),
        ));
    }
    Ok(())
}

const HUMAN_CARDS: &str = "Message cannot have cards for requests carrying human credentials.";

/// Size, emptiness and card rules for a message about to be stored.
fn check_content(msg: &Message, ctx: &Ctx<'_>) -> EmuResult<()> {
    let text = msg.text.as_deref().unwrap_or("");
    let has_cards = !msg.cards_v2.is_empty() || !msg.cards.is_empty();
    if text.trim().is_empty() && !has_cards && msg.attachment.is_empty() {
        return Err(EmuError::invalid_field(
            "message",
            "Message cannot be empty. Discarding empty message.",
        ));
    }
    check_text_length(text, ctx)?;
    if msg.cards_v2.len() > 1
        && msg
            .cards_v2
            .iter()
            .any(|c| c.card_id.as_deref().is_none_or(str::is_empty))
    {
        return Err(EmuError::invalid_field(
            "message.cards_v2.card_id",
            "Each card needs a cardId when a message has more than one card.",
        ));
    }
    for (i, c) in msg.cards_v2.iter().enumerate() {
        if !c.card.as_ref().is_some_and(|v| v.is_object()) {
            return Err(EmuError::invalid_field(
                &format!("message.cards_v2[{i}].card"),
                "Each entry of cardsV2 needs a card object.",
            ));
        }
    }
    let card_bytes = serde_json::to_vec(&msg.cards_v2).map_or(0, |v| v.len())
        + serde_json::to_vec(&msg.cards).map_or(0, |v| v.len())
        + serde_json::to_vec(&msg.accessory_widgets).map_or(0, |v| v.len());
    let total = text.len() + if has_cards { card_bytes } else { 0 };
    if total > MAX_MESSAGE_BYTES {
        return Err(EmuError::invalid_field(
            "message",
            format!("The message is {total} bytes; the limit for text and cards together is {MAX_MESSAGE_BYTES}."),
        ));
    }
    Ok(())
}

fn refuse_human_cards(input: &Message, who: &Principal) -> EmuResult<()> {
    if !who.is_app()
        && (!input.cards_v2.is_empty()
            || !input.cards.is_empty()
            || !input.accessory_widgets.is_empty()
            || input.private_message_viewer.is_some())
    {
        return Err(EmuError::invalid_field("message", HUMAN_CARDS));
    }
    Ok(())
}

fn refuse_attachments(input: &Message) -> EmuResult<()> {
    if !input.attachment.is_empty() {
        return Err(EmuError::invalid_field(
            "message.attachment",
            "An update can remove attachments but not add them; attach uploads to a new message.",
        ));
    }
    Ok(())
}

/// The query parameters of a create.
struct CreateParams {
    message_id: Option<String>,
    request_id: Option<String>,
    reply_option: MessageReplyOption,
    thread_key: Option<String>,
}

pub fn create(ctx: &mut Ctx<'_>, space: &str) -> EmuResult<Reply> {
    ctx.query.only(&[
        "messageId",
        "requestId",
        "messageReplyOption",
        "threadKey",
        "createMessageNotificationOptions.notificationType",
    ])?;
    let reply_option = match ctx.query.string("messageReplyOption") {
        None => MessageReplyOption::Unspecified,
        Some(v) => {
            let o = MessageReplyOption::from(v);
            if !o.is_known() {
                return Err(EmuError::invalid_field(
                    "message_reply_option",
                    format!("Invalid value at 'message_reply_option', \"{v}\": use REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD or REPLY_MESSAGE_OR_FAIL."),
                ));
            }
            o
        }
    };
    if let Some(n) = ctx
        .query
        .string("createMessageNotificationOptions.notificationType")
    {
        match n {
            "NOTIFICATION_TYPE_NONE" => {}
            "NOTIFICATION_TYPE_FORCE_NOTIFY" | "NOTIFICATION_TYPE_SILENT" if ctx.who.is_app() => {}
            "NOTIFICATION_TYPE_FORCE_NOTIFY" | "NOTIFICATION_TYPE_SILENT" => {
                return Err(EmuError::invalid_field(
                    "create_message_notification_options.notification_type",
                    format!("{n} requires app authentication."),
                ))
            }
            other => {
                return Err(EmuError::invalid_field(
                    "create_message_notification_options.notification_type",
                    format!("Invalid notification type \"{other}\"."),
                ))
            }
        }
    }
    let params = CreateParams {
        message_id: ctx.query.string("messageId").map(String::from),
        request_id: ctx.query.string("requestId").map(String::from),
        reply_option,
        thread_key: ctx.query.string("threadKey").map(String::from),
    };
    let input: Message = parse_body(ctx.body, "message")?;
    let view = create_message(ctx, space, input, params)?;
    reply(&view)
}

/// Creates a message (from `create`, or from a patch with `allowMissing`).
fn create_message(
    ctx: &mut Ctx<'_>,
    space: &str,
    input: Message,
    p: CreateParams,
) -> EmuResult<Message> {
    if let Some(id) = &p.message_id {
        if !is_client_message_id(id) {
            return Err(EmuError::invalid_field(
                "message_id",
                format!("Invalid messageId {id:?}: a custom message id starts with client-, has at most 63 characters, and uses only lowercase letters, digits and hyphens."),
            ));
        }
    }
    let who = ctx.who;
    let caller = who.user_name();
    let rec = find_space(&ctx.store.spaces, who, space)?;
    if let Some(rid) = &p.request_id {
        if let Some(r) = rec.request_ids.get(rid) {
            if r.caller != caller {
                return Err(EmuError::already_exists(format!(
                    "The requestId {rid:?} was already used by another caller."
                )));
            }
            if let Some(i) = rec.find_message(&r.target) {
                return Ok(message_view(
                    &ctx.store.directory,
                    rec,
                    &rec.messages[i],
                    who,
                ));
            }
        }
    }
    if let Some(id) = &p.message_id {
        if rec.client_ids.contains_key(id) {
            return Err(EmuError::already_exists(format!(
                "A message with the custom id {id} already exists in this space."
            )));
        }
    }
    refuse_human_cards(&input, who)?;
    let uploads = super::conversation::resolve_attachments(rec, &input, who)?;
    if let Some(viewer) = &input.private_message_viewer {
        let ok = viewer
            .name
            .as_deref()
            .and_then(|n| n.strip_prefix("users/"))
            .is_some_and(|id| rec.is_joined(id) && !ctx.store.directory.is_app(id));
        if !ok {
            return Err(EmuError::invalid_field(
                "message.private_message_viewer",
                "privateMessageViewer must name a person who is a member of the space, as users/{user}.",
            ));
        }
    }

    // Which thread: a reply, or a new thread.
    let thread = input.thread.clone().unwrap_or_default();
    let key = thread
        .thread_key
        .clone()
        .or(p.thread_key.clone())
        .filter(|k| !k.is_empty());
    if key
        .as_ref()
        .is_some_and(|k| k.chars().count() > MAX_THREAD_KEY)
    {
        return Err(EmuError::invalid_field(
            "message.thread.thread_key",
            format!("A threadKey has at most {MAX_THREAD_KEY} characters."),
        ));
    }
    let named = match thread.name.as_deref().filter(|n| !n.is_empty()) {
        Some(n) => Some(ThreadName::parse(n).map_err(|_| {
            EmuError::invalid_field(
                "message.thread.name",
                "The request contains an invalid thread resource name.",
            )
        })?),
        None => None,
    };
    let threads_supported =
        rec.space.space_threading_state != Some(SpaceThreadingState::UnthreadedMessages);
    let key_slot = key.as_ref().map(|k| format!("{caller}|{k}"));
    let existing_by_name = named.as_ref().and_then(|t| {
        (t.space().id() == space && rec.threads.contains_key(t.thread_id()))
            .then(|| t.thread_id().to_string())
    });
    let existing_by_key = key_slot
        .as_ref()
        .and_then(|s| rec.thread_keys.get(s).cloned());
    // (thread to reply in, key to give a new thread)
    let (reply_to, new_key): (Option<String>, Option<String>) = if !threads_supported {
        (None, None)
    } else {
        match p.reply_option {
            MessageReplyOption::FallbackToNewThread => {
                if named.is_some() {
                    (existing_by_name, None)
                } else {
                    (
                        existing_by_key.clone(),
                        if existing_by_key.is_none() {
                            key.clone()
                        } else {
                            None
                        },
                    )
                }
            }
            MessageReplyOption::OrFail => {
                if let Some(t) = &named {
                    match existing_by_name {
                        Some(id) => (Some(id), None),
                        None => {
                            return Err(EmuError::not_found(format!(
                            "Thread {t} not found, so the message could not be posted as a reply."
                        )))
                        }
                    }
                } else if key.is_some() {
                    (
                        existing_by_key.clone(),
                        if existing_by_key.is_none() {
                            key.clone()
                        } else {
                            None
                        },
                    )
                } else {
                    return Err(EmuError::invalid_field(
                        "message.thread",
                        "REPLY_MESSAGE_OR_FAIL needs thread.name or thread.threadKey.",
                    ));
                }
            }
            // The default starts a new thread and ignores thread.name and threadKey.
            _ => (None, None),
        }
    };

    let quoted = super::conversation::check_quote(rec, &input, reply_to.as_deref(), who)?;
    let me: Option<MemberRec> = rec.member(who.id()).cloned();
    if !who.is_app() {
        let setting = if reply_to.is_some() {
            "replyMessages"
        } else {
            "postMessages"
        };
        if !permitted(rec, setting, me.as_ref()) {
            return Err(EmuError::permission(
                "Only space managers can post in this announcement space.",
            ));
        }
    }

    let mut msg = Message {
        cards_v2: input.cards_v2.clone(),
        cards: input.cards.clone(),
        accessory_widgets: input.accessory_widgets.clone(),
        private_message_viewer: input.private_message_viewer.as_ref().map(|u| {
            Box::new(User {
                name: u.name.clone(),
                user_type: Some(UserType::Human),
                ..Default::default()
            })
        }),
        fallback_text: input.fallback_text.clone().filter(|t| !t.is_empty()),
        client_assigned_message_id: p.message_id.clone(),
        ..Default::default()
    };
    let text = read_text(&input, ctx)?;
    set_text(&ctx.store.directory, &mut msg, text, who);
    msg.quoted_message_metadata = quoted;
    // Stands for the attachments (named below, once the message has its id).
    msg.attachment = input.attachment.clone();
    check_content(&msg, ctx)?;

    let rec = find_space_mut(&mut ctx.store.spaces, who, space)?;
    let is_reply = reply_to.is_some();
    // 66 random bits: a clash is all but impossible, but cheap to rule out.
    let (thread_id, full_id) = loop {
        let id = random_id(11);
        let thread_id = reply_to.clone().unwrap_or_else(|| id.clone());
        let full_id = format!("{thread_id}.{id}");
        if !rec.index.contains_key(&full_id) && (is_reply || !rec.threads.contains_key(&id)) {
            break (thread_id, full_id);
        }
    };
    let t = rec.next_time(now());
    if !is_reply {
        if let (Some(_), Some(slot)) = (&new_key, &key_slot) {
            rec.thread_keys.insert(slot.clone(), thread_id.clone());
        }
        rec.threads.insert(
            thread_id.clone(),
            ThreadRec {
                root: full_id.clone(),
                key: new_key,
            },
        );
    }
    let thread_key = rec.threads.get(&thread_id).and_then(|t| t.key.clone());
    let message_name = format!("spaces/{space}/messages/{full_id}");
    msg.attachment = super::conversation::attach(rec, &message_name, &full_id, &uploads);
    msg.name = Some(message_name);
    msg.sender = Some(User {
        name: Some(caller.clone()),
        user_type: Some(if who.is_app() {
            UserType::Bot
        } else {
            UserType::Human
        }),
        ..Default::default()
    });
    msg.create_time = Some(t);
    msg.thread = Some(Thread {
        name: Some(format!("spaces/{space}/threads/{thread_id}")),
        thread_key,
    });
    msg.thread_reply = is_reply;
    rec.push_message(MsgRec {
        id: full_id.clone(),
        thread_id,
        sender: who.id().to_string(),
        sender_bot: who.is_app(),
        msg,
        reactions: Vec::new(),
        pin: None,
    });
    if let Some(cid) = p.message_id {
        rec.client_ids.insert(cid, full_id.clone());
    }
    if let Some(rid) = p.request_id {
        rec.request_ids.insert(
            rid,
            RequestRec {
                caller,
                target: full_id.clone(),
            },
        );
    }
    let rec = &ctx.store.spaces[space];
    let i = rec
        .find_message(&full_id)
        .ok_or_else(|| EmuError::internal("message vanished"))?;
    Ok(message_view(
        &ctx.store.directory,
        rec,
        &rec.messages[i],
        who,
    ))
}

pub fn get(ctx: &mut Ctx<'_>, space: &str, message: &str) -> EmuResult<Reply> {
    ctx.query.only(&["markupSyntax"])?;
    check_markup(ctx)?;
    let rec = find_space(&ctx.store.spaces, ctx.who, space)?;
    let i = rec
        .find_message(message)
        .ok_or_else(|| message_not_found(message))?;
    let m = &rec.messages[i];
    if m.deleted() || !readable(rec, m, ctx.who) {
        return Err(message_not_found(message));
    }
    reply(&message_view(&ctx.store.directory, rec, m, ctx.who))
}

fn check_markup(ctx: &Ctx<'_>) -> EmuResult<()> {
    if let Some(v) = ctx.query.string("markupSyntax") {
        if !MarkupSyntax::from(v).is_known() {
            return Err(EmuError::invalid_field(
                "markup_syntax",
                format!("Invalid value at 'markup_syntax', \"{v}\"."),
            ));
        }
    }
    Ok(())
}

/// `orderBy`: `ASC`, `DESC`, or `create_time`/`createTime` followed by either.
fn descending(order: &str) -> EmuResult<bool> {
    let words: Vec<String> = order
        .split_whitespace()
        .map(|w| w.to_ascii_lowercase())
        .collect();
    let dir = match words.as_slice() {
        [] => "asc",
        [d] => d.as_str(),
        [f, d] if f == "create_time" || f == "createtime" => d.as_str(),
        _ => "",
    };
    match dir {
        "asc" => Ok(false),
        "desc" => Ok(true),
        _ => Err(EmuError::invalid_field(
            "order_by",
            format!("Invalid orderBy {order:?}: use ASC or DESC (optionally after create_time)."),
        )),
    }
}

pub fn list(ctx: &mut Ctx<'_>, space: &str) -> EmuResult<Reply> {
    ctx.query.only(&[
        "pageSize",
        "pageToken",
        "filter",
        "orderBy",
        "showDeleted",
        "markupSyntax",
    ])?;
    check_markup(ctx)?;
    let size = ctx.query.page_size(25)?;
    let filter_text = ctx.query.get("filter").unwrap_or("");
    let filter = MessageFilter::parse(Some(filter_text))?;
    let order = ctx.query.get("orderBy").unwrap_or("");
    let desc = descending(order)?;
    let show_deleted = ctx.query.bool("showDeleted")?;
    let params = format!("{filter_text}|{desc}|{show_deleted}");
    let list_key = format!("messages/{space}");
    let cursor = match ctx.query.string("pageToken") {
        Some(t) => Some(
            decode_page_token(t, &list_key, &params)?
                .parse::<usize>()
                .map_err(|_| EmuError::invalid_field("page_token", "The page token is invalid."))?,
        ),
        None => None,
    };
    let rec = find_space(&ctx.store.spaces, ctx.who, space)?;
    let msgs = &rec.messages;
    // Messages are stored in createTime order, so the time bounds are binary searches.
    let lo = filter
        .after
        .map_or(0, |a| msgs.partition_point(|m| m.create_time() <= a));
    let hi = filter.before.map_or(msgs.len(), |b| {
        msgs.partition_point(|m| m.create_time() < b)
    });
    let thread_id = filter.thread.as_deref().map(|t| {
        ThreadName::parse(t)
            .ok()
            .filter(|n| n.space().id() == space)
            .map(|n| n.thread_id().to_string())
    });
    let keep = |m: &MsgRec| {
        (show_deleted || !m.deleted())
            && match &thread_id {
                None => true,
                Some(Some(t)) => &m.thread_id == t,
                Some(None) => false,
            }
            && readable(rec, m, ctx.who)
            && !(ctx.who.is_app() && m.msg.private_message_viewer.is_some())
    };
    let indexes: Box<dyn Iterator<Item = usize>> = if lo >= hi {
        Box::new(std::iter::empty())
    } else if desc {
        let top = cursor.map_or(hi, |c| c.min(hi));
        Box::new((lo..top).rev())
    } else {
        let bottom = cursor.map_or(lo, |c| c.max(lo));
        Box::new(bottom..hi)
    };
    let mut page: Vec<usize> = Vec::new();
    let mut next: Option<usize> = None;
    for i in indexes {
        if !keep(&msgs[i]) {
            continue;
        }
        if page.len() == size {
            // One more match exists: the next page starts here.
            next = Some(i);
            break;
        }
        page.push(i);
    }
    let next_cursor = next.map(|i| if desc { i + 1 } else { i });
    let resp = ListMessagesResponse {
        messages: page
            .iter()
            .map(|&i| message_view(&ctx.store.directory, rec, &msgs[i], ctx.who))
            .collect(),
        next_page_token: next_cursor.map(|c| encode_page_token(&list_key, &params, &c.to_string())),
    };
    reply(&resp)
}

const MESSAGE_MASK_PATHS: &str =
    "text, attachment, cards, cards_v2, accessory_widgets, quoted_message_metadata, *";

pub fn patch(ctx: &mut Ctx<'_>, space: &str, message: &str) -> EmuResult<Reply> {
    ctx.query.only(&["updateMask", "allowMissing"])?;
    let allow_missing = ctx.query.bool("allowMissing")?;
    let input: Message = parse_body(ctx.body, "message")?;
    let who = ctx.who;
    let rec = find_space(&ctx.store.spaces, who, space)?;
    let Some(i) = rec.find_message(message) else {
        if !allow_missing {
            return Err(message_not_found(message));
        }
        if !is_client_message_id(message) {
            return Err(EmuError::invalid_field(
                "message.name",
                "allowMissing creates the message only when its name ends in a custom id (client-...).",
            ));
        }
        // The message does not exist: create it; the update mask is ignored.
        let params = CreateParams {
            message_id: Some(message.to_string()),
            request_id: None,
            reply_option: MessageReplyOption::Unspecified,
            thread_key: None,
        };
        let view = create_message(ctx, space, input, params)?;
        return reply(&view);
    };
    let paths = update_mask(ctx.query)?;
    let m = &rec.messages[i];
    if m.deleted() || !private_ok(m, who) {
        return Err(message_not_found(message));
    }
    let own = m.sender == who.id() && m.sender_bot == who.is_app();
    if !own {
        return Err(EmuError::permission(if who.is_app() {
            "A Chat app can update only messages it created."
        } else {
            "Only the sender can edit a message."
        }));
    }
    let all = paths.iter().any(|p| p == "*");
    for p in &paths {
        if !matches!(
            p.as_str(),
            "*" | "text"
                | "attachment"
                | "cards"
                | "cards_v2"
                | "accessory_widgets"
                | "quoted_message_metadata"
        ) {
            return Err(unsupported_mask(p, MESSAGE_MASK_PATHS));
        }
    }
    let has = |p: &str| all || paths.iter().any(|x| x == p);
    let card_paths = ["cards", "cards_v2", "accessory_widgets"];
    if !who.is_app() {
        let asks_cards = paths.iter().any(|p| card_paths.contains(&p.as_str()));
        if asks_cards || (all && (!input.cards_v2.is_empty() || !input.cards.is_empty())) {
            return Err(EmuError::invalid_field("message", HUMAN_CARDS));
        }
    }
    if has("attachment") {
        refuse_attachments(&input)?;
    }
    if paths.iter().any(|p| p == "quoted_message_metadata")
        && input.quoted_message_metadata.is_some()
    {
        return Err(EmuError::invalid_field(
            "message.quoted_message_metadata",
            "quoted_message_metadata can only be removed: leave it out of the body.",
        ));
    }
    let mut updated = m.msg.clone();
    if has("text") {
        let text = read_text(&input, ctx)?;
        set_text(&ctx.store.directory, &mut updated, text, who);
    }
    if has("cards_v2") && (who.is_app() || !all) {
        updated.cards_v2 = input.cards_v2.clone();
    }
    if has("cards") && (who.is_app() || !all) {
        updated.cards = input.cards.clone();
    }
    if has("accessory_widgets") && (who.is_app() || !all) {
        updated.accessory_widgets = input.accessory_widgets.clone();
    }
    if has("attachment") {
        updated.attachment.clear();
    }
    if has("quoted_message_metadata") {
        updated.quoted_message_metadata = None;
    }
    check_content(&updated, ctx)?;
    let rec = find_space_mut(&mut ctx.store.spaces, who, space)?;
    let floor = updated
        .last_update_time
        .or(updated.create_time)
        .map(|t| t + Duration::microseconds(1));
    let t = now();
    updated.last_update_time = Some(match floor {
        Some(f) if t < f => f,
        _ => t,
    });
    rec.messages[i].msg = updated;
    let rec = &ctx.store.spaces[space];
    reply(&message_view(
        &ctx.store.directory,
        rec,
        &rec.messages[i],
        who,
    ))
}

/// Turns a message into a tombstone: its content goes; name, times and thread stay.
fn tombstone(m: &mut MsgRec, kind: DeletionType) {
    let created = m.msg.create_time;
    let t = now();
    let when = match created {
        Some(c) if t <= c => c + Duration::microseconds(1),
        _ => t,
    };
    let kept = Message {
        name: m.msg.name.take(),
        sender: m.msg.sender.take(),
        create_time: created,
        last_update_time: m.msg.last_update_time,
        delete_time: Some(when),
        thread: m.msg.thread.take(),
        thread_reply: m.msg.thread_reply,
        client_assigned_message_id: m.msg.client_assigned_message_id.take(),
        private_message_viewer: m.msg.private_message_viewer.take(),
        deletion_metadata: Some(DeletionMetadata {
            deletion_type: Some(kind),
        }),
        ..Default::default()
    };
    m.msg = kept;
    m.reactions.clear();
    m.pin = None;
}

pub fn delete(ctx: &mut Ctx<'_>, space: &str, message: &str) -> EmuResult<Reply> {
    ctx.query.only(&["force"])?;
    let force = ctx.query.bool("force")?;
    let who = ctx.who;
    let rec = find_space_mut(&mut ctx.store.spaces, who, space)?;
    let i = rec
        .find_message(message)
        .ok_or_else(|| message_not_found(message))?;
    let (deleted, visible) = {
        let m = &rec.messages[i];
        (m.deleted(), private_ok(m, who))
    };
    if deleted || !visible {
        return Err(message_not_found(message));
    }
    let m = &rec.messages[i];
    let own = m.sender == who.id() && m.sender_bot == who.is_app();
    let kind = if own {
        DeletionType::Creator
    } else if who.is_app() {
        return Err(EmuError::permission(
            "A Chat app can delete only messages it created.",
        ));
    } else if rec.member(who.id()).is_some_and(MemberRec::is_manager) {
        DeletionType::SpaceOwner
    } else {
        return Err(EmuError::permission(
            "Only the sender or a space manager can delete this message.",
        ));
    };
    let replies = if m.is_reply() {
        Vec::new()
    } else {
        rec.live_replies(&m.thread_id)
    };
    if !replies.is_empty() && !who.is_app() {
        if !force {
            return Err(EmuError::failed_precondition(format!(
                "The message has {} repl{}; delete with force=true to delete it and its replies.",
                replies.len(),
                if replies.len() == 1 { "y" } else { "ies" }
            )));
        }
        for r in replies {
            tombstone(&mut rec.messages[r], kind.clone());
        }
    }
    tombstone(&mut rec.messages[i], kind);
    reply(&Empty {})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::store::Store;

    #[test]
    fn mention_annotations_count_characters() {
        let mut store = Store::empty();
        store
            .directory
            .add_person(crate::emulator::store::PersonRec {
                id: "7".into(),
                display_name: Some("王芳".into()),
                given_name: None,
                family_name: None,
                email: Some("wf@example.com".into()),
                auto_accept: true,
                external: false,
            });
        let who = Principal::user("1");
        let a = mentions(
            &store.directory,
            "你好 <users/7> and <users/wf@example.com>! <users/bogus>",
            &who,
        );
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].start_index, Some(3));
        assert_eq!(a[0].length, Some(9));
        assert_eq!(a[1].start_index, Some(17));
        let u = a[1].user_mention.as_ref().unwrap().user.as_ref().unwrap();
        assert_eq!(u.name.as_deref(), Some("users/7"));
    }

    #[test]
    fn order_by_forms() {
        assert!(!descending("").unwrap());
        assert!(descending("DESC").unwrap());
        assert!(descending("createTime desc").unwrap());
        assert!(!descending("create_time ASC").unwrap());
        assert!(descending("text desc").is_err());
        assert!(descending("sideways").is_err());
    }
}
