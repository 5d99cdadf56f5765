//! The requests about the user's own state: unread counts, read state, notification
//! settings and sections (`users.*`). Declared once with their calls; what their answers
//! do is in `readsync_answers` and `sections`.

use chrono::{DateTime, Utc};

use crate::api::model::Message;
use crate::api::name::ThreadName;
use crate::api::sync_name::{SectionItemName, SectionName};
use crate::api::{client, ApiError, Client, ListMessages, SpaceName};

use super::declare::requests;

/// How many messages an unread count asks for at most.
const PAGE: i32 = 100;

/// The user's sections in order, and which section each space is in.
pub type SectionsListed = (Vec<crate::api::sync_model::Section>, Vec<(String, String)>);

/// The answer to a `ReadUnread`: the server's read time, and the messages after what is
/// read; each may fail apart from the other.
#[derive(Debug, Clone)]
pub struct ReadAndUnread {
    pub read: Result<Option<DateTime<Utc>>, ApiError>,
    pub unread: Result<Vec<Message>, ApiError>,
}

requests! {
    /// Unread counts, read state, mute settings and sections.
    pub enum UserEffect => UserOutcome, UserKind;
    /// The messages of `space` after `after` (all, when none), newest first, a page.
    CountUnread => Unread { space: SpaceName, after: Option<DateTime<Utc>> } -> Vec<Message>,
        quiet: true,
        |client| count_unread(client, space, *after).await;
    /// The server's read state of `space`, then the messages after it (the unread ones,
    /// counted from the later of it and `after`).
    ReadUnread => ReadUnread { space: SpaceName, after: Option<DateTime<Utc>> } => ReadAndUnread,
        quiet: true,
        |client| read_unread(client, space, *after).await;
    /// The server's read time of `space` (opened).
    GetReadState => ReadState { space: SpaceName } -> Option<DateTime<Utc>>, quiet: true,
        |client| Ok(client.get_space_read_state(space).await?.last_read_time);
    /// Moves the server's read state of `space` to `time`; answers the time it holds.
    SetReadState => ReadStateSet { space: SpaceName, time: DateTime<Utc> }
        -> Option<DateTime<Utc>>, quiet: true,
        |client| Ok(client.update_space_read_state(space, *time).await?.last_read_time);
    /// The server's read time of one thread of `space` (one marked as having new
    /// replies: read in another client, it is not).
    GetThreadReadState => ThreadReadState { space: SpaceName, thread: ThreadName }
        -> Option<DateTime<Utc>>, quiet: true,
        |client| Ok(client.get_thread_read_state(thread).await?.last_read_time);
    /// Whether `space` is muted.
    GetMute => Muted { space: SpaceName } -> bool, quiet: true,
        |client| Ok(client.get_notification_setting(space).await?.is_muted());
    /// Mutes or unmutes `space`; answers whether it is muted.
    SetMute => MuteSet { space: SpaceName, muted: bool } -> bool, quiet: false,
        |client| Ok(client.set_muted(space, *muted).await?.is_muted());
    /// The user's sections, and which section each space is in.
    LoadSections => Sections {} -> SectionsListed, quiet: true,
        |client| sections(client).await;
    /// Moves `space` from section `from` to section `to`.
    MoveToSection => Moved { space: SpaceName, from: String, to: String } -> (), quiet: false,
        |client| move_to_section(client, space, from, to).await;
}

fn section(name: &str) -> Result<SectionName, ApiError> {
    SectionName::parse(name).map_err(|e| ApiError::InvalidArgument(e.to_string()))
}

async fn count_unread(
    client: &Client,
    s: &SpaceName,
    after: Option<DateTime<Utc>>,
) -> Result<Vec<Message>, ApiError> {
    let mut p = ListMessages::default().with_page_size(PAGE).newest_first();
    if let Some(after) = &after {
        p = p.with_filter(client::created_after(after));
    }
    let page = client.list_messages(s, &p).await?;
    Ok(page
        .messages
        .into_iter()
        .map(crate::api::Listed::into_message)
        .collect())
}

/// The server's read state of `s`, then the messages after the later of it and `after`.
async fn read_unread(
    client: &Client,
    s: &SpaceName,
    after: Option<DateTime<Utc>>,
) -> ReadAndUnread {
    let read = async { Ok(client.get_space_read_state(s).await?.last_read_time) }.await;
    // Counted from what is read here or in another client, whichever is later; never
    // from a time not yet come (a clock ahead would hide everything).
    let now = Utc::now();
    let server = read.as_ref().ok().copied().flatten().map(|t| t.min(now));
    let unread = count_unread(client, s, after.max(server)).await;
    ReadAndUnread { read, unread }
}

/// The user's sections in order, and the spaces placed in each.
async fn sections(client: &Client) -> Result<SectionsListed, ApiError> {
    let sections = client.list_all_sections().await?;
    let mut placed = Vec::new();
    for sec in &sections {
        let Some(name) = &sec.name else { continue };
        for item in client.list_all_section_items(&section(name)?).await? {
            if let Some(sp) = item.space {
                placed.push((sp, name.clone()));
            }
        }
    }
    Ok((sections, placed))
}

/// Moves `s` from section `from` to section `to`.
async fn move_to_section(
    client: &Client,
    s: &SpaceName,
    from: &str,
    to: &str,
) -> Result<(), ApiError> {
    let id = s.to_string();
    let id = id.strip_prefix("spaces/").unwrap_or(&id).to_string();
    let item = SectionItemName::new(&section(from)?, &id)
        .map_err(|e| ApiError::InvalidArgument(e.to_string()))?;
    client.move_section_item(&item, &section(to)?).await?;
    Ok(())
}
