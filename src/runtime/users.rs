//! Running the effects about the user's own state: read state, notification settings
//! and sections (`users.*`).

use crate::api::sync_name::{SectionItemName, SectionName};
use crate::api::{client, ApiError, Client, ListMessages, SpaceName};
use crate::app::{Effect, Outcome};

fn space(name: &str) -> Result<SpaceName, ApiError> {
    Ok(SpaceName::parse(name)?)
}

fn section(name: &str) -> Result<SectionName, ApiError> {
    SectionName::parse(name).map_err(|e| ApiError::InvalidArgument(e.to_string()))
}

/// Runs `effect` if it is one of the `users.*` effects; any other is handed back.
pub async fn execute(client: &Client, effect: Effect) -> Result<Outcome, Effect> {
    Ok(match effect {
        Effect::ReadUnread { space: s, after } => {
            let read = async {
                let st = client.get_space_read_state(&space(&s)?).await?;
                Ok(st.last_read_time)
            }
            .await;
            // Counted from what is read here or in another client, whichever is later;
            // never from a time not yet come (a clock ahead would hide everything).
            let now = chrono::Utc::now();
            let server = read.as_ref().ok().copied().flatten().map(|t| t.min(now));
            let from = after.max(server);
            let result = async {
                let mut p = ListMessages::default().with_page_size(100).newest_first();
                if let Some(t) = &from {
                    p = p.with_filter(client::created_after(t));
                }
                Ok(client.list_messages(&space(&s)?, &p).await?.messages)
            }
            .await;
            Outcome::ReadUnread {
                space: s,
                read,
                result,
            }
        }
        Effect::GetReadState { space: s } => {
            let result = async {
                Ok(client
                    .get_space_read_state(&space(&s)?)
                    .await?
                    .last_read_time)
            }
            .await;
            Outcome::ReadState {
                space: s,
                set: None,
                result,
            }
        }
        Effect::SetReadState { space: s, time } => {
            let result = async {
                Ok(client
                    .update_space_read_state(&space(&s)?, time)
                    .await?
                    .last_read_time)
            }
            .await;
            Outcome::ReadState {
                space: s,
                set: Some(time),
                result,
            }
        }
        Effect::GetMute { space: s } => {
            let result = async {
                Ok(client
                    .get_notification_setting(&space(&s)?)
                    .await?
                    .is_muted())
            }
            .await;
            Outcome::Muted {
                space: s,
                asked: None,
                result,
            }
        }
        Effect::SetMute { space: s, muted } => {
            let result = async { Ok(client.set_muted(&space(&s)?, muted).await?.is_muted()) }.await;
            Outcome::Muted {
                space: s,
                asked: Some(muted),
                result,
            }
        }
        Effect::LoadSections => Outcome::Sections(
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
        ),
        Effect::MoveToSection { space: s, from, to } => {
            let result = async {
                let sn = space(&s)?;
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
        other => return Err(other),
    })
}
