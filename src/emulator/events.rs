//! `spaces.spaceEvents`: get and list, with the documented filter (event types required,
//! `start_time` exclusive and `end_time` inclusive, at most 28 days back). Payloads carry
//! the resource as it is now, as documented.

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use super::auth::Principal;
use super::ctx::{reply, Ctx, Reply};
use super::error::{EmuError, EmuResult};
use super::query::{self, Atom};
use super::request::{decode_page_token, encode_page_token};
use super::route::{Handler, Route, Verb};
use super::store::{now, Directory, MsgRec, SpaceRec};
use super::sync::{self, EventRec, EVENT_WINDOW_DAYS};
use super::views::{find_space, membership_view, message_view, space_view};
use crate::api::model::{timestamp, DeletionMetadata, Membership, MembershipState, Message};
use crate::api::scope::Scope;
use crate::api::sync_model::{EventType, ListSpaceEventsResponse};

const EVENTS: &[Scope] = &[
    Scope::ChatAppAllMembershipsReadonly,
    Scope::ChatAppAllMessagesReadonly,
    Scope::ChatAppAllSpacesReadonly,
    Scope::ChatAppMemberships,
    Scope::ChatAppMembershipsReadonly,
    Scope::ChatAppMessagesReadonly,
    Scope::ChatAppSpaces,
    Scope::ChatAppSpacesReadonly,
    Scope::ChatMemberships,
    Scope::ChatMembershipsReadonly,
    Scope::ChatMessages,
    Scope::ChatMessagesReactions,
    Scope::ChatMessagesReactionsReadonly,
    Scope::ChatMessagesReadonly,
    Scope::ChatSpaces,
    Scope::ChatSpacesReadonly,
];

/// The API methods this file serves (see `routes.rs`).
pub(super) const ROUTES: &[Route] = &[
    Route::new(
        Verb::Get,
        "v1/spaces/{spacesId}/spaceEvents",
        "chat.spaces.spaceEvents.list",
        EVENTS,
        Handler::One(list),
    ),
    Route::new(
        Verb::Get,
        "v1/spaces/{spacesId}/spaceEvents/{spaceEventsId}",
        "chat.spaces.spaceEvents.get",
        EVENTS,
        Handler::Two(get),
    ),
];

/// The scopes that let a caller read events of this kind.
fn scopes_for(t: &EventType) -> &'static [Scope] {
    let s = t.as_str();
    if s.contains(".message.") {
        &[
            Scope::ChatMessages,
            Scope::ChatMessagesReadonly,
            Scope::ChatAppMessagesReadonly,
            Scope::ChatAppAllMessagesReadonly,
        ]
    } else if s.contains(".membership.") {
        &[
            Scope::ChatMemberships,
            Scope::ChatMembershipsReadonly,
            Scope::ChatAppMemberships,
            Scope::ChatAppMembershipsReadonly,
            Scope::ChatAppAllMembershipsReadonly,
        ]
    } else if s.contains(".reaction.") {
        &[
            Scope::ChatMessagesReactions,
            Scope::ChatMessagesReactionsReadonly,
            Scope::ChatMessages,
            Scope::ChatMessagesReadonly,
        ]
    } else {
        &[
            Scope::ChatSpaces,
            Scope::ChatSpacesReadonly,
            Scope::ChatAppSpaces,
            Scope::ChatAppSpacesReadonly,
            Scope::ChatAppAllSpacesReadonly,
        ]
    }
}

fn require_scope_for(who: &Principal, t: &EventType, method: &str) -> EmuResult<()> {
    who.require_any(scopes_for(t), method)
}

/// A parsed `spaceEvents.list` filter.
#[derive(Debug, Clone, PartialEq)]
pub struct EventFilter {
    pub types: Vec<EventType>,
    /// Exclusive.
    pub start: Option<DateTime<Utc>>,
    /// Inclusive.
    pub end: Option<DateTime<Utc>>,
}

fn bad(msg: impl Into<String>) -> EmuError {
    EmuError::invalid_field("filter", msg)
}

fn time_value(field: &str, op: &str, value: &str) -> EmuResult<DateTime<Utc>> {
    if op != "=" {
        return Err(bad(format!("{field} takes the = operator.")));
    }
    timestamp::parse(value).map_err(|_| {
        bad(format!(
            "{field} must be an RFC 3339 timestamp, not {value:?}."
        ))
    })
}

impl EventFilter {
    pub fn parse(text: &str) -> EmuResult<Self> {
        let groups = query::parse(text)?;
        let mut f = EventFilter {
            types: Vec::new(),
            start: None,
            end: None,
        };
        let mut type_groups = 0;
        for g in &groups {
            if g.len() > 1 && !g.iter().all(|a| a.field() == "event_types") {
                return Err(bad(
                    "Only event types can be combined with OR; start_time and end_time are combined with AND.",
                ));
            }
            for a in g {
                let Atom::Term { field, op, value } = a else {
                    return Err(bad(format!(
                        "Unsupported filter term {a:?}: use event_types, start_time and end_time."
                    )));
                };
                match field.as_str() {
                    "event_types" => {
                        if op != ":" {
                            return Err(bad("event_types takes the has (:) operator."));
                        }
                        let t = EventType::from(value.as_str());
                        if !t.is_known() {
                            return Err(bad(format!("Unknown event type {value:?}.")));
                        }
                        if t.is_batch() {
                            return Err(bad(format!(
                                "Omit batch event types such as {value:?}: they are returned with their event type."
                            )));
                        }
                        if !f.types.contains(&t) {
                            f.types.push(t);
                        }
                    }
                    "start_time" | "end_time" => {
                        let t = time_value(field, op, value)?;
                        let slot = if field == "start_time" {
                            &mut f.start
                        } else {
                            &mut f.end
                        };
                        if slot.is_some() {
                            return Err(bad(format!("{field} can be given only once.")));
                        }
                        *slot = Some(t);
                    }
                    other => {
                        return Err(bad(format!(
                            "Unsupported filter field {other:?}: use event_types, start_time and end_time."
                        )))
                    }
                }
            }
            if g.iter().any(|a| a.field() == "event_types") {
                type_groups += 1;
            }
        }
        if f.types.is_empty() {
            return Err(bad(
                "The filter must name at least one event type with event_types:\"...\".",
            ));
        }
        if type_groups > 1 {
            return Err(bad("Event types can be combined only with OR, not AND."));
        }
        Ok(f)
    }
}

/// `messageCreatedEventData` for `google.workspace.chat.message.v1.created`.
fn payload_field(t: &EventType) -> String {
    let parts: Vec<&str> = t.as_str().split('.').collect();
    let (Some(kind), Some(action)) = (parts.get(3), parts.last()) else {
        return "eventData".into();
    };
    let cap = |s: &str| {
        let mut c = s.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    };
    format!("{kind}{}EventData", cap(action))
}

fn private_hidden(m: &MsgRec, who: &Principal) -> bool {
    match m
        .msg
        .private_message_viewer
        .as_ref()
        .and_then(|u| u.name.as_deref())
    {
        Some(v) => {
            !((m.sender == who.id() && m.sender_bot == who.is_app()) || v == who.user_name())
        }
        None => false,
    }
}

/// The event as the caller sees it, or `None` when it is about something the caller may
/// not see (a private message to someone else).
fn event_view(dir: &Directory, rec: &SpaceRec, e: &EventRec, who: &Principal) -> Option<Value> {
    let t = &e.event_type;
    let s = t.as_str();
    let data: Value = if let Some(p) = &e.payload {
        // A reaction on a private message is as private as the message.
        if let Ok(r) = crate::api::name::ReactionName::parse(&e.resource) {
            let found = rec.find_message(r.message().message_id());
            if found.is_some_and(|i| private_hidden(&rec.messages[i], who)) {
                return None;
            }
        }
        p.clone()
    } else if s.contains(".message.") {
        let i = rec.find_message(&e.resource)?;
        let m = &rec.messages[i];
        if private_hidden(m, who) {
            return None;
        }
        let msg = if m.deleted() {
            Message {
                name: m.msg.name.clone(),
                create_time: m.msg.create_time,
                deletion_metadata: m.msg.deletion_metadata.clone().or(Some(DeletionMetadata {
                    deletion_type: None,
                })),
                ..Default::default()
            }
        } else {
            message_view(dir, rec, m, who)
        };
        json!({ "message": msg })
    } else if s.contains(".membership.") {
        let name = format!("spaces/{}/members/{}", rec.id(), e.resource);
        let m = match rec.member(&e.resource) {
            Some(m) => serde_json::to_value(membership_view(dir, rec, m, who)).ok()?,
            None if *t == EventType::MembershipDeleted => serde_json::to_value(Membership {
                name: Some(name),
                state: Some(MembershipState::NotAMember),
                ..Default::default()
            })
            .ok()?,
            None => json!({}),
        };
        json!({ "membership": m })
    } else {
        let mut space = space_view(rec, true);
        space.permission_settings = None;
        json!({ "space": space })
    };
    Some(json!({
        "name": format!("spaces/{}/spaceEvents/{}", rec.id(), event_id(e)),
        "eventTime": e.time.map(|t| timestamp::format(&t)),
        "eventType": s,
        payload_field(t): data,
    }))
}

fn event_id(e: &EventRec) -> String {
    format!("{:016}", e.seq)
}

pub fn get(ctx: &mut Ctx<'_>, space: &str, event: &str) -> EmuResult<Reply> {
    ctx.query.only(&[])?;
    let rec = find_space(&ctx.store.spaces, ctx.who, space)?;
    let not_found = || {
        EmuError::not_found(format!(
            "Space event spaces/{space}/spaceEvents/{event} not found."
        ))
    };
    let seq: u64 = event.parse().map_err(|_| not_found())?;
    let e = sync::event(ctx.store, space, seq).ok_or_else(not_found)?;
    if e.time
        .is_some_and(|t| t <= now() - Duration::days(EVENT_WINDOW_DAYS))
    {
        return Err(not_found());
    }
    require_scope_for(ctx.who, &e.event_type, "chat.spaces.spaceEvents.get")?;
    let view = event_view(&ctx.store.directory, rec, e, ctx.who).ok_or_else(not_found)?;
    reply(&view)
}

pub fn list(ctx: &mut Ctx<'_>, space: &str) -> EmuResult<Reply> {
    ctx.query.only(&["filter", "pageSize", "pageToken"])?;
    let text = ctx.query.get("filter").unwrap_or("").to_string();
    if text.trim().is_empty() {
        return Err(bad(
            "A filter is required: name at least one event type with event_types:\"...\".",
        ));
    }
    let f = EventFilter::parse(&text)?;
    for t in &f.types {
        require_scope_for(ctx.who, t, "chat.spaces.spaceEvents.list")?;
    }
    let size = ctx.query.page_size(100)?;
    let list_key = format!("spaceEvents/{space}");
    let after: Option<u64> = match ctx.query.string("pageToken") {
        Some(t) => Some(
            decode_page_token(t, &list_key, &text)?
                .parse()
                .map_err(|_| EmuError::invalid_field("page_token", "The page token is invalid."))?,
        ),
        None => None,
    };
    let t_now = now();
    let oldest = t_now - Duration::days(EVENT_WINDOW_DAYS);
    if f.start.is_some_and(|s| s < oldest) {
        return Err(bad(format!(
            "start_time must be within the last {EVENT_WINDOW_DAYS} days."
        )));
    }
    if let (Some(s), Some(e)) = (f.start, f.end) {
        if e < s {
            return Err(bad("end_time must not be earlier than start_time."));
        }
    }
    let start = f.start.unwrap_or(oldest);
    let end = f.end.unwrap_or(t_now);
    let rec = find_space(&ctx.store.spaces, ctx.who, space)?;
    let mut out = Vec::new();
    let mut last_seq = None;
    let mut more = false;
    for e in sync::events_after(ctx.store, space, after.unwrap_or(0)) {
        let Some(t) = e.time else { continue };
        if t <= start || t > end || !f.types.contains(&e.event_type) {
            continue;
        }
        let Some(v) = event_view(&ctx.store.directory, rec, e, ctx.who) else {
            continue;
        };
        if out.len() == size {
            more = true;
            break;
        }
        out.push(v);
        last_seq = Some(e.seq);
    }
    let resp = ListSpaceEventsResponse {
        space_events: Vec::new(),
        next_page_token: match (more, last_seq) {
            (true, Some(s)) => Some(encode_page_token(&list_key, &text, &s.to_string())),
            _ => None,
        },
    };
    // The events go out as built (their payload fields are named per type).
    let mut body = serde_json::to_value(&resp)
        .map_err(|e| EmuError::internal(format!("could not encode the response: {e}")))?;
    if !out.is_empty() {
        body["spaceEvents"] = Value::Array(out);
    }
    reply(&body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_filters_parse_and_invalid_ones_are_refused() {
        let f = EventFilter::parse(
            r#"start_time="2023-08-23T19:20:33+00:00" AND (event_types:"google.workspace.chat.space.v1.updated" OR event_types:"google.workspace.chat.message.v1.created")"#,
        )
        .unwrap();
        assert_eq!(
            f.types,
            vec![EventType::SpaceUpdated, EventType::MessageCreated]
        );
        assert!(f.start.is_some() && f.end.is_none());
        for bad in [
            r#"start_time="2023-08-23T19:20:33+00:00" OR end_time="2023-08-23T19:21:54+00:00""#,
            r#"event_types:"google.workspace.chat.space.v1.updated" AND event_types:"google.workspace.chat.message.v1.created""#,
            r#"start_time="2023-08-23T19:20:33+00:00""#,
            r#"event_types:"google.workspace.chat.message.v1.batchCreated""#,
            r#"event_types:"google.workspace.chat.nothing.v1.created""#,
            r#"event_types="google.workspace.chat.message.v1.created""#,
            r#"event_types:"google.workspace.chat.message.v1.created" AND start_time="yesterday""#,
            r#"event_types:"google.workspace.chat.message.v1.created" OR start_time="2023-08-23T19:20:33Z""#,
            r#"event_types:"google.workspace.chat.message.v1.created" colour="red""#,
        ] {
            assert!(EventFilter::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn payload_fields_are_named_per_type() {
        assert_eq!(
            payload_field(&EventType::MessageCreated),
            "messageCreatedEventData"
        );
        assert_eq!(
            payload_field(&EventType::MembershipBatchDeleted),
            "membershipBatchDeletedEventData"
        );
        assert_eq!(
            payload_field(&EventType::ReactionCreated),
            "reactionCreatedEventData"
        );
    }
}
