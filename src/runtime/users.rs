//! Running the effects about the user's own state: read state, notification settings
//! and sections (`users.*`).

use chrono::{DateTime, Utc};

use crate::api::name::ThreadName;
use crate::api::sync_name::{SectionItemName, SectionName};
use crate::api::{client, ApiError, Client, ListMessages, SpaceName};
use crate::app::Outcome;

fn section(name: &str) -> Result<SectionName, ApiError> {
    SectionName::parse(name).map_err(|e| ApiError::InvalidArgument(e.to_string()))
}

/// The server's read state of `s`, then the messages after the later of it and `after`.
pub async fn read_unread(client: &Client, s: SpaceName, after: Option<DateTime<Utc>>) -> Outcome {
    let read = async {
        let st = client.get_space_read_state(&s).await?;
        Ok(st.last_read_time)
    }
    .await;
    // Counted from what is read here or in another client, whichever is later; never
    // from a time not yet come (a clock ahead would hide everything).
    let now = Utc::now();
    let server = read.as_ref().ok().copied().flatten().map(|t| t.min(now));
    let from = after.max(server);
    let result = async {
        let mut p = ListMessages::default().with_page_size(100).newest_first();
        if let Some(t) = &from {
            p = p.with_filter(client::created_after(t));
        }
        let page = client.list_messages(&s, &p).await?;
        Ok(page
            .messages
            .into_iter()
            .map(crate::api::Listed::into_message)
            .collect())
    }
    .await;
    Outcome::ReadUnread {
        space: s,
        read,
        result,
    }
}

/// The server's read time of `thread` in `s`.
pub async fn thread_read_state(client: &Client, s: SpaceName, thread: ThreadName) -> Outcome {
    let result = client
        .get_thread_read_state(&thread)
        .await
        .map(|st| st.last_read_time);
    Outcome::ThreadReadState {
        space: s,
        thread,
        result,
    }
}

/// The server's read state of `s`, after setting it to `set` when given.
pub async fn read_state(client: &Client, s: SpaceName, set: Option<DateTime<Utc>>) -> Outcome {
    let result = async {
        let sn = &s;
        let st = match set {
            Some(t) => client.update_space_read_state(sn, t).await?,
            None => client.get_space_read_state(sn).await?,
        };
        Ok(st.last_read_time)
    }
    .await;
    Outcome::ReadState {
        space: s,
        set,
        result,
    }
}

/// Whether `s` is muted, after muting or unmuting it when `asked`.
pub async fn mute(client: &Client, s: SpaceName, asked: Option<bool>) -> Outcome {
    let result = async {
        let sn = &s;
        let st = match asked {
            Some(m) => client.set_muted(sn, m).await?,
            None => client.get_notification_setting(sn).await?,
        };
        Ok(st.is_muted())
    }
    .await;
    Outcome::Muted {
        space: s,
        asked,
        result,
    }
}

/// The user's sections in order, and the spaces placed in each.
pub async fn sections(client: &Client) -> Outcome {
    Outcome::Sections(
        async {
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
        .await,
    )
}

/// Moves `s` from section `from` to section `to`.
pub async fn move_to_section(client: &Client, s: SpaceName, from: String, to: String) -> Outcome {
    let result = async {
        let sn = &s;
        let id = sn.to_string();
        let id = id.strip_prefix("spaces/").unwrap_or(&id).to_string();
        let item = SectionItemName::new(&section(&from)?, &id)
            .map_err(|e| ApiError::InvalidArgument(e.to_string()))?;
        client.move_section_item(&item, &section(&to)?).await?;
        Ok(())
    }
    .await;
    Outcome::Moved {
        space: s,
        from,
        to,
        result,
    }
}
