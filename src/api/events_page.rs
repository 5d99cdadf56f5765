//! Lenient decoding of `spaces.spaceEvents.list` pages, by the same rule as a page of
//! messages: a message the client cannot read (a field of the wrong type) or whose name
//! is not that of a message in the listed space is left out and counted, and the rest of
//! the page kept. The event that carried it stays, without the message, so its time
//! still moves the cursor past it.

use serde::Deserialize;
use serde_json::Value;

use super::name::{MessageName, SpaceName};
use super::sync_model::{ListSpaceEventsResponse, SpaceEvent};

/// The payload fields of an event that carry one message.
const ONE_MESSAGE: [&str; 6] = [
    "messageCreatedEventData",
    "messageUpdatedEventData",
    "messageDeletedEventData",
    "message_created_event_data",
    "message_updated_event_data",
    "message_deleted_event_data",
];

/// A page read loosely: each event whole as JSON, to be decoded one by one.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LoosePage {
    #[serde(default, alias = "space_events")]
    space_events: Vec<Value>,
    #[serde(default, alias = "next_page_token")]
    next_page_token: Option<String>,
}

/// A page of space events as the app takes it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventsPage {
    pub page: ListSpaceEventsResponse,
    /// What identifies each message left out: its name, or for one without a readable
    /// name a digest of the entry as sent.
    pub left_out: Vec<String>,
}

/// Decodes a page of `spaceEvents.list` of `space`. A body that is not such a page at
/// all is an error; one bad message in it is not.
pub fn events_page(body: &[u8], space: &SpaceName) -> Result<EventsPage, serde_json::Error> {
    let loose: LoosePage = serde_json::from_slice(body)?;
    let mut left_out = Vec::new();
    let mut events = Vec::with_capacity(loose.space_events.len());
    for mut v in loose.space_events {
        if let Some(obj) = v.as_object_mut() {
            for key in ONE_MESSAGE {
                if let Some(data) = obj.get_mut(key).and_then(Value::as_object_mut) {
                    if let Some(m) = data.get("message") {
                        if let Err(id) = readable_in(m, space) {
                            left_out.push(id);
                            data.remove("message");
                        }
                    }
                }
            }
            // Batch forms: each message of the batch on its own.
            for (key, data) in obj.iter_mut() {
                if !key.to_ascii_lowercase().contains("batch") {
                    continue;
                }
                let Some(list) = data.get_mut("messages").and_then(Value::as_array_mut) else {
                    continue;
                };
                list.retain(|entry| {
                    let m = entry.get("message").unwrap_or(entry);
                    match readable_in(m, space) {
                        Ok(()) => true,
                        Err(id) => {
                            left_out.push(id);
                            false
                        }
                    }
                });
            }
        }
        match SpaceEvent::deserialize(&v) {
            Ok(e) => events.push(e),
            Err(e) => {
                tracing::warn!(space = %space, error = %e, "a space event could not be read");
                left_out.push(digest(&v));
            }
        }
    }
    if !left_out.is_empty() {
        tracing::warn!(
            space = %space,
            count = left_out.len(),
            "messages in space events could not be read and were left out"
        );
    }
    Ok(EventsPage {
        page: ListSpaceEventsResponse {
            space_events: events,
            next_page_token: loose.next_page_token,
        },
        left_out,
    })
}

/// Whether the message `m` (as JSON) can be read and is one of `space`; if not, what
/// identifies it.
fn readable_in(m: &Value, space: &SpaceName) -> Result<(), String> {
    let name = m.get("name").and_then(Value::as_str);
    let id = || name.map_or_else(|| digest(m), str::to_string);
    if !name.is_some_and(|n| MessageName::is_in(n, space)) {
        return Err(id());
    }
    match super::model::Message::deserialize(m) {
        Ok(_) => Ok(()),
        Err(_) => Err(id()),
    }
}

/// A short stable digest of an entry, for one that has no usable name.
pub(crate) fn digest(v: &Value) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    v.to_string().hash(&mut h);
    format!("#{:016x}", h.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn s() -> SpaceName {
        SpaceName::parse("spaces/AAAA").unwrap()
    }

    fn created(name: &str, extra: Value) -> Value {
        let mut m = json!({"name": name, "text": "hi", "createTime": "2026-11-21T10:00:00Z"});
        if let (Some(m), Some(extra)) = (m.as_object_mut(), extra.as_object()) {
            for (k, v) in extra {
                m.insert(k.clone(), v.clone());
            }
        }
        json!({
            "name": "spaces/AAAA/spaceEvents/e",
            "eventTime": "2026-11-21T10:00:00Z",
            "eventType": "google.workspace.chat.message.v1.created",
            "messageCreatedEventData": {"message": m},
        })
    }

    fn page(events: Vec<Value>) -> Vec<u8> {
        json!({"spaceEvents": events}).to_string().into_bytes()
    }

    #[test]
    fn a_bad_or_foreign_message_is_left_out_and_the_rest_kept() {
        let body = page(vec![
            created("spaces/AAAA/messages/a.a", json!({})),
            created("spaces/AAAA/messages/b.b", json!({"annotations": "x"})),
            created(
                "spaces/AAAA/messages/c.c",
                json!({"createTime": "yesterday"}),
            ),
            created("spaces/ZZZ/messages/x.y", json!({})),
            created("spaces/AAAA/messages/d.d", json!({})),
        ]);
        let got = events_page(&body, &s()).expect("the page is read");
        let names: Vec<_> = got
            .page
            .space_events
            .iter()
            .filter_map(|e| e.message().and_then(|m| m.name.clone()))
            .collect();
        assert_eq!(
            names,
            ["spaces/AAAA/messages/a.a", "spaces/AAAA/messages/d.d"]
        );
        // Every event stays (its time moves the cursor), four without their message.
        assert_eq!(got.page.space_events.len(), 5);
        assert_eq!(
            got.left_out,
            [
                "spaces/AAAA/messages/b.b",
                "spaces/AAAA/messages/c.c",
                "spaces/ZZZ/messages/x.y"
            ]
        );
    }

    #[test]
    fn a_foreign_message_in_a_batch_is_left_out() {
        let body = page(vec![json!({
            "name": "spaces/AAAA/spaceEvents/b",
            "eventTime": "2026-11-21T10:00:00Z",
            "eventType": "google.workspace.chat.message.v1.batchCreated",
            "messageBatchCreatedEventData": {"messages": [
                {"message": {"name": "spaces/AAAA/messages/a.a"}},
                {"message": {"name": "spaces/ZZZ/messages/x.y"}},
            ]},
        })]);
        let got = events_page(&body, &s()).expect("the page is read");
        assert_eq!(got.left_out, ["spaces/ZZZ/messages/x.y"]);
        let batch = &got.page.space_events[0].other["messageBatchCreatedEventData"];
        assert_eq!(batch["messages"].as_array().map(Vec::len), Some(1));
    }

    #[test]
    fn a_page_that_is_not_one_is_an_error() {
        assert!(events_page(b"{\"spaceEvents\": 3}", &s()).is_err());
        assert!(events_page(b"not json", &s()).is_err());
    }
}
