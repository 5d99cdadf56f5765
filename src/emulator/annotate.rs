//! What the server derives from a message's text: its mention annotations and its
//! argument text (the text without the Chat apps it mentions).

use super::auth::Principal;
use super::store::Directory;
use crate::api::model::*;

/// The `USER_MENTION` annotations for `<users/ID>` (and `<users/EMAIL>`) in `text`.
/// Indexes count Unicode scalar values.
pub fn mentions(dir: &Directory, text: &str, caller: &Principal) -> Vec<Annotation> {
    let mut out = Vec::new();
    let mut offset_chars = 0usize;
    let mut rest = text;
    while let Some(pos) = rest.find("<users/") {
        let before = &rest[..pos];
        offset_chars += before.chars().count();
        let tail = &rest[pos..];
        let Some(end) = tail.find('>') else { break };
        let token = &tail[..=end];
        let inner = &token["<users/".len()..token.len() - 1];
        let resolved = if inner.bytes().all(|b| b.is_ascii_digit()) && !inner.is_empty() {
            Some((inner.to_string(), dir.is_app(inner)))
        } else if inner == "app" && caller.is_app() {
            Some((caller.id().to_string(), true))
        } else if inner.contains('@') {
            dir.person_by_email(inner).map(|p| (p.id.clone(), false))
        } else {
            None
        };
        let len = token.chars().count();
        if let Some((id, bot)) = resolved {
            out.push(Annotation {
                annotation_type: Some(AnnotationType::UserMention),
                start_index: Some(offset_chars as i32),
                length: Some(len as i32),
                user_mention: Some(UserMentionMetadata {
                    user: Some(User {
                        name: Some(format!("users/{id}")),
                        user_type: Some(if bot { UserType::Bot } else { UserType::Human }),
                        ..Default::default()
                    }),
                    mention_type: Some(UserMentionType::Mention),
                }),
                ..Default::default()
            });
        }
        offset_chars += len;
        rest = &tail[end + 1..];
    }
    out
}

/// `text` with every mention of a Chat app removed.
pub(crate) fn argument_text(dir: &Directory, text: &str) -> String {
    let mut out = text.to_string();
    for app in dir.apps.keys() {
        out = out.replace(&format!("<users/{app}>"), "");
    }
    out
}
