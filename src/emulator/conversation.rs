//! What a new message may carry beyond its text: a quoted message
//! (`quotedMessageMetadata`) and uploaded attachments (`attachment[]` by
//! `attachmentDataRef.attachmentUploadToken`).

use super::auth::Principal;
use super::error::{EmuError, EmuResult};
use super::store::{random_id, SpaceRec, UploadRec};
use crate::api::model::*;
use crate::api::name::MessageName;

/// The most attachments one message may carry.
pub const MAX_ATTACHMENTS: usize = 10;

fn bad_quote(why: impl Into<String>) -> EmuError {
    EmuError::invalid_field("message.quoted_message_metadata", why)
}

/// Checks the message a new message quotes and returns what to store. `thread`: the
/// thread the new message replies in, or `None` when it starts one.
pub fn check_quote(
    rec: &SpaceRec,
    input: &Message,
    thread: Option<&str>,
    who: &Principal,
) -> EmuResult<Option<serde_json::Value>> {
    let Some(raw) = &input.quoted_message_metadata else {
        return Ok(None);
    };
    let q: QuotedMessageMetadata = serde_json::from_value(raw.clone())
        .map_err(|e| bad_quote(format!("Invalid quotedMessageMetadata: {e}")))?;
    let name = q
        .name
        .as_deref()
        .filter(|n| !n.is_empty())
        .ok_or_else(|| bad_quote("quotedMessageMetadata.name is required."))?;
    let name = MessageName::parse(name).map_err(|e| bad_quote(e.to_string()))?;
    if name.space().id() != rec.id() {
        return Err(bad_quote(format!(
            "The quoted message {name} is in another space; only messages of the same space can be quoted."
        )));
    }
    match q.quote_type.as_deref() {
        None | Some("") | Some("QUOTE_TYPE_UNSPECIFIED") | Some("REPLY") => {}
        Some(other) => {
            return Err(bad_quote(format!(
                "quoteType {other} cannot be set on a new message; use REPLY."
            )))
        }
    }
    let i = rec
        .find_message(name.message_id())
        .ok_or_else(|| EmuError::not_found(format!("Quoted message {name} not found.")))?;
    let m = &rec.messages[i];
    if m.deleted() || !super::views::readable(rec, m, who) {
        return Err(EmuError::not_found(format!(
            "Quoted message {name} not found."
        )));
    }
    // A quote shows the quoted text to everyone in the space.
    if m.msg.private_message_viewer.is_some() {
        return Err(bad_quote(format!(
            "{name} is a private message; private messages cannot be quoted."
        )));
    }
    let current = m.msg.last_update_time.or(m.msg.create_time);
    let Some(given) = q.last_update_time else {
        return Err(bad_quote(
            "quotedMessageMetadata.lastUpdateTime is required: the quoted message's lastUpdateTime, or its createTime if it was never edited.",
        ));
    };
    if Some(given) != current {
        return Err(bad_quote(format!(
            "quotedMessageMetadata.lastUpdateTime {} does not match the latest version of {name} ({}): it was edited since.",
            timestamp::format(&given),
            current.map(|t| timestamp::format(&t)).unwrap_or_default()
        )));
    }
    match thread {
        Some(t) if m.thread_id != t => {
            return Err(bad_quote(
                "A reply can quote only messages of its own thread.",
            ))
        }
        None if m.is_reply() => {
            return Err(bad_quote(
                "A reply from another thread cannot be quoted; quote it from within its thread.",
            ))
        }
        _ => {}
    }
    let stored = QuotedMessageMetadata {
        name: m.msg.name.clone(),
        last_update_time: current,
        quote_type: Some("REPLY".into()),
        quoted_message_snapshot: Some(serde_json::json!({
            "sender": format!("users/{}", m.sender),
            "text": m.msg.text.clone().unwrap_or_default(),
        })),
    };
    serde_json::to_value(stored)
        .map(Some)
        .map_err(|e| EmuError::internal(format!("could not encode the quote: {e}")))
}

/// The uploads a new message attaches, by their upload tokens. Only the uploader can
/// attach them, in the space they were uploaded to.
pub fn resolve_attachments(
    rec: &SpaceRec,
    input: &Message,
    who: &Principal,
) -> EmuResult<Vec<UploadRec>> {
    if input.attachment.len() > MAX_ATTACHMENTS {
        return Err(EmuError::invalid_field(
            "message.attachment",
            format!("A message can carry at most {MAX_ATTACHMENTS} attachments."),
        ));
    }
    let mut out: Vec<UploadRec> = Vec::new();
    for (i, raw) in input.attachment.iter().enumerate() {
        let field = format!("message.attachment[{i}].attachment_data_ref");
        let a: Attachment = serde_json::from_value(raw.clone())
            .map_err(|e| EmuError::invalid_field(&field, format!("Invalid attachment: {e}")))?;
        let token = a
            .attachment_data_ref
            .as_ref()
            .and_then(|d| d.attachment_upload_token.as_deref())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                EmuError::invalid_field(
                    &field,
                    "An attachment needs attachmentDataRef.attachmentUploadToken from media.upload.",
                )
            })?;
        let up = rec
            .uploads
            .values()
            .find(|u| u.token == token && u.uploader == who.user_name())
            .ok_or_else(|| {
                EmuError::invalid_field(
                    &field,
                    "The attachmentUploadToken is not one this caller uploaded to this space.",
                )
            })?;
        if out.iter().any(|u| u.id == up.id) {
            return Err(EmuError::invalid_field(
                &field,
                "The same upload is attached twice.",
            ));
        }
        out.push(up.clone());
    }
    Ok(out)
}

/// Where a person downloads attachment data in a browser (the API's `downloadUri`).
pub fn download_uri(resource: &str) -> String {
    format!("https://chat.google.com/api/get_attachment_url?url_type=DOWNLOAD_URL&attachment_token={resource}")
}

/// The attachments as stored on message `message_name`, and the uploads marked as
/// attached to it.
pub fn attach(
    rec: &mut SpaceRec,
    message_name: &str,
    message_id: &str,
    uploads: &[UploadRec],
) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    for up in uploads {
        let preview =
            up.content_type.starts_with("image/") || up.content_type.starts_with("video/");
        let a = Attachment {
            name: Some(format!("{message_name}/attachments/{}", random_id(16))),
            content_name: Some(up.content_name.clone()),
            content_type: Some(up.content_type.clone()),
            attachment_data_ref: Some(AttachmentDataRef {
                resource_name: Some(up.id.clone()),
                attachment_upload_token: None,
            }),
            drive_data_ref: None,
            thumbnail_uri: preview.then(|| {
                format!("https://chat.google.com/api/get_attachment_url?url_type=FIFE_URL&sz=w512&attachment_token={}", up.id)
            }),
            download_uri: Some(download_uri(&up.id)),
            source: Some(AttachmentSource::UploadedContent),
        };
        if let Ok(v) = serde_json::to_value(&a) {
            out.push(v);
        }
        let mut marked = up.clone();
        marked.messages.push(message_id.to_string());
        rec.uploads.insert(up.id.clone(), marked);
    }
    out
}
