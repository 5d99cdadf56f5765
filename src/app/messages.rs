//! The requests for messages: pages of a space's history and polls for what is new, a
//! space's events, one message, sending (and learning whether a send arrived), editing,
//! deleting, and searching. What their answers do is in `message_answers`.

use chrono::{DateTime, Utc};

use crate::api::model::{Message, MessageReplyOption, Thread};
use crate::api::sync_model::{SearchMessagesRequest, SearchMessagesResponse, SpaceEvent};
use crate::api::{
    client, ApiError, Client, ClientMessageId, CreateMessage, ListMessages, Listed, MessageName,
    SpaceName, ThreadName,
};

use super::declare::requests;

/// How many messages a page of history holds.
const PAGE: i32 = 100;

/// How far before the polling watermark a poll asks from.
const POLL_OVERLAP: chrono::TimeDelta = chrono::TimeDelta::seconds(1);

/// Results asked for per page of a search.
const SEARCH_PAGE: i32 = 25;

/// Which page of messages to load.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadKind {
    /// The newest page.
    Latest,
    /// The page before `before`.
    Older { before: DateTime<Utc> },
    /// Everything after `after` (polling).
    Newer { after: DateTime<Utc> },
    /// One thread, whole.
    Thread { thread: ThreadName },
}

requests! {
    /// Messages: read, sent, changed, searched.
    pub enum MessagesEffect => MessagesOutcome, MessagesKind;
    /// The newest page, an older one, or a whole thread; with whether there is more.
    LoadMessages => Messages { space: SpaceName, kind: LoadKind } -> (Vec<Listed>, bool),
        quiet: false,
        |client| load(client, space, kind).await;
    /// What is new in the open space since `after`, in the background.
    PollMessages => Polled { space: SpaceName, after: DateTime<Utc> } -> Vec<Listed>,
        quiet: true,
        |client| poll(client, space, after).await;
    /// The open space's events after `since` (exclusive), every page.
    LoadEvents => Events { space: SpaceName, since: DateTime<Utc> } -> Vec<SpaceEvent>,
        quiet: true,
        |client| {
            let filter = crate::api::sync_client::events_filter(super::LIVE_TYPES, Some(since));
            client.list_all_space_events(space, &filter).await
        };
    /// One message again (its reactions changed, or an edit's answer was lost).
    LoadMessage => Message { space: SpaceName, message: MessageName } -> Message,
        quiet: true,
        |client| client.get_message(message).await;
    /// Post `text` with the client-assigned `client_id` (a retry reuses it).
    Send => Sent {
        space: SpaceName,
        local: String,
        client_id: ClientMessageId,
        text: String,
        thread: Option<ThreadName>,
        /// Uploaded files sent with it (`Attachment`s with only their data reference).
        attachment: Vec<serde_json::Value>,
    } -> Message, quiet: false,
        |client| send(client, space, client_id, text, thread, attachment).await;
    /// Fetch a sent message by its client id (after a 409: it did arrive).
    FetchSent => Fetched { space: SpaceName, local: String, client_id: ClientMessageId }
        -> Message, quiet: false,
        |client| client.get_message(&MessageName::from_client_id(space, client_id)).await;
    /// Ask whether a message left unsent by an earlier run arrived after all.
    CheckSent => Checked { space: SpaceName, local: String, client_id: ClientMessageId }
        -> Option<Message>, quiet: true,
        |client| check(client, space, client_id).await;
    Edit => Edited {
        space: SpaceName,
        message: MessageName,
        text: String,
        previous: String,
    } -> Message, quiet: false,
        |client| client.patch_message(message, &Message::text(text.clone()), "text", false).await;
    Delete => Deleted { space: SpaceName, message: MessageName, force: bool } -> (),
        quiet: false,
        |client| client.delete_message(message, *force).await;
    /// A page of `spaces.messages.search` across every space, with `filter`.
    SearchMessages => Searched { filter: String, page_token: Option<String> }
        -> SearchMessagesResponse, quiet: false,
        |client| search(client, filter, page_token).await;
}

async fn load(
    client: &Client,
    space: &SpaceName,
    kind: &LoadKind,
) -> Result<(Vec<Listed>, bool), ApiError> {
    match kind {
        LoadKind::Latest | LoadKind::Older { .. } => {
            let mut p = ListMessages::default().with_page_size(PAGE).newest_first();
            if let LoadKind::Older { before } = kind {
                p = p.with_filter(client::created_before(before));
            }
            let page = client.list_messages(space, &p).await?;
            let more = page.next_page_token.is_some();
            let mut msgs = page.messages;
            msgs.reverse();
            Ok((msgs, more))
        }
        LoadKind::Newer { after } => Ok((poll(client, space, after).await?, false)),
        LoadKind::Thread { thread } => {
            let p = ListMessages::default().with_filter(format!("thread.name = {thread}"));
            Ok((client.list_all_listed(space, &p).await?, false))
        }
    }
}

/// The API has only `>`: ask from a little before the watermark, so a message created in
/// the same instant as the newest one listed (or stored a moment late) is not skipped.
/// The timeline merges what is listed again by name.
async fn poll(
    client: &Client,
    space: &SpaceName,
    after: &DateTime<Utc>,
) -> Result<Vec<Listed>, ApiError> {
    let since = *after - POLL_OVERLAP;
    let p = ListMessages::default().with_filter(client::created_after(&since));
    client.list_all_listed(space, &p).await
}

async fn send(
    client: &Client,
    space: &SpaceName,
    client_id: &ClientMessageId,
    text: &str,
    thread: &Option<ThreadName>,
    attachment: &[serde_json::Value],
) -> Result<Message, ApiError> {
    let body = Message {
        text: Some(text.to_string()).filter(|t| !t.is_empty() || attachment.is_empty()),
        attachment: attachment.to_vec(),
        thread: thread.as_ref().map(|t| Thread {
            name: Some(t.to_string()),
            thread_key: None,
        }),
        ..Default::default()
    };
    let p = CreateMessage {
        message_id: Some(client_id.clone()),
        reply_option: thread
            .as_ref()
            .map(|_| MessageReplyOption::FallbackToNewThread),
        ..Default::default()
    };
    client.create_message(space, &body, &p).await
}

/// The message sent with `client_id`, or none if the server does not have it.
async fn check(
    client: &Client,
    space: &SpaceName,
    client_id: &ClientMessageId,
) -> Result<Option<Message>, ApiError> {
    let name = MessageName::from_client_id(space, client_id);
    match client.get_message(&name).await {
        Ok(m) => Ok(Some(m)),
        Err(e) if e.code() == Some(404) => Ok(None),
        Err(e) => Err(e),
    }
}

async fn search(
    client: &Client,
    filter: &str,
    page_token: &Option<String>,
) -> Result<SearchMessagesResponse, ApiError> {
    let req = SearchMessagesRequest {
        filter: Some(filter.to_string()),
        page_size: Some(SEARCH_PAGE),
        page_token: page_token.clone(),
        ..Default::default()
    };
    client.search_messages(&req).await
}
