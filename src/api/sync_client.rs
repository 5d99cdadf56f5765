//! Client methods for read state, space events, message search, notification settings
//! and sections. They act for the calling user (`users/me`).

use chrono::{DateTime, Utc};
use reqwest::Method;

use super::client::{collect_pages, Call, Client};
use super::error::ApiError;
use super::model::{timestamp, Empty};
use super::name::{SpaceName, ThreadName};
use super::sync_model::*;
use super::sync_name::{
    NotificationSettingName, SectionItemName, SectionName, SpaceEventName, SpaceReadStateName,
    ThreadReadStateName,
};

/// `spaces.spaceEvents.list` parameters.
#[derive(Debug, Clone, Default)]
pub struct ListSpaceEvents {
    /// Required: see [`events_filter`].
    pub filter: String,
    pub page_size: Option<i32>,
    pub page_token: Option<String>,
}

/// A `spaceEvents.list` filter for `types` (at least one), after `start` (exclusive).
pub fn events_filter(types: &[EventType], start: Option<&DateTime<Utc>>) -> String {
    let types = types
        .iter()
        .map(|t| format!("event_types:\"{t}\""))
        .collect::<Vec<_>>()
        .join(" OR ");
    match start {
        Some(s) => format!("start_time=\"{}\" AND ({types})", timestamp::format(s)),
        None => types,
    }
}

/// Quotes `text` as a phrase for a search query (escaping quotes and backslashes).
pub fn search_phrase(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

impl Client {
    // ---- read state ----

    /// `users.spaces.getSpaceReadState` for the caller.
    pub async fn get_space_read_state(
        &self,
        space: &SpaceName,
    ) -> Result<SpaceReadState, ApiError> {
        let name = SpaceReadStateName::me(space);
        self.send(Call::new(Method::GET, format!("v1/{name}")))
            .await
    }

    /// `users.spaces.updateSpaceReadState`: sets the caller's last read time (the server
    /// coerces a time after the latest message to that message's time). Setting an
    /// absolute time is safe to repeat, so it is retried.
    pub async fn update_space_read_state(
        &self,
        space: &SpaceName,
        last_read_time: DateTime<Utc>,
    ) -> Result<SpaceReadState, ApiError> {
        let name = SpaceReadStateName::me(space);
        let body = SpaceReadState {
            name: None,
            last_read_time: Some(last_read_time),
        };
        let mut call = Call::new(Method::PATCH, format!("v1/{name}"))
            .q("updateMask", "lastReadTime")
            .json(&body)?;
        call.idempotent = true;
        self.send(call).await
    }

    /// `users.spaces.threads.getThreadReadState` for the caller.
    pub async fn get_thread_read_state(
        &self,
        thread: &ThreadName,
    ) -> Result<ThreadReadState, ApiError> {
        let name = ThreadReadStateName::me(thread);
        self.send(Call::new(Method::GET, format!("v1/{name}")))
            .await
    }

    // ---- space events ----

    pub async fn list_space_events(
        &self,
        space: &SpaceName,
        p: &ListSpaceEvents,
    ) -> Result<ListSpaceEventsResponse, ApiError> {
        let call = Call::new(Method::GET, format!("v1/{space}/spaceEvents"))
            .q("filter", &p.filter)
            .q_opt("pageSize", p.page_size)
            .q_opt("pageToken", p.page_token.as_deref());
        // One message that cannot be read, or that is not of this space, is left out
        // and counted: the rest of the page, and the cursor, go on.
        let decode = |body: &[u8]| super::events_page::events_page(body, space);
        let page = self.send_decoded(call, &decode).await?;
        self.left_out(space, &page.left_out);
        Ok(page.page)
    }

    /// Every page of `spaceEvents.list`.
    pub async fn list_all_space_events(
        &self,
        space: &SpaceName,
        filter: &str,
    ) -> Result<Vec<SpaceEvent>, ApiError> {
        collect_pages(|token| {
            let p = ListSpaceEvents {
                filter: filter.to_string(),
                page_size: Some(1000),
                page_token: token,
            };
            async move {
                let page = self.list_space_events(space, &p).await?;
                Ok((page.space_events, page.next_page_token))
            }
        })
        .await
    }

    pub async fn get_space_event(&self, name: &SpaceEventName) -> Result<SpaceEvent, ApiError> {
        self.send(Call::new(Method::GET, format!("v1/{name}")))
            .await
    }

    // ---- search ----

    /// `spaces.messages.search` across every space the caller is in (`spaces/-`). A
    /// search changes nothing, so it is retried.
    pub async fn search_messages(
        &self,
        req: &SearchMessagesRequest,
    ) -> Result<SearchMessagesResponse, ApiError> {
        let mut call = Call::new(Method::POST, "v1/spaces/-/messages:search".into()).json(req)?;
        call.idempotent = true;
        self.send(call).await
    }

    // ---- notification settings ----

    pub async fn get_notification_setting(
        &self,
        space: &SpaceName,
    ) -> Result<SpaceNotificationSetting, ApiError> {
        let name = NotificationSettingName::me(space);
        self.send(Call::new(Method::GET, format!("v1/{name}")))
            .await
    }

    /// `spaceNotificationSetting.patch` of the fields `update_mask` names.
    pub async fn patch_notification_setting(
        &self,
        space: &SpaceName,
        setting: &SpaceNotificationSetting,
        update_mask: &str,
    ) -> Result<SpaceNotificationSetting, ApiError> {
        let name = NotificationSettingName::me(space);
        let mut call = Call::new(Method::PATCH, format!("v1/{name}"))
            .q("updateMask", update_mask)
            .json(setting)?;
        call.idempotent = true;
        self.send(call).await
    }

    /// Mutes or unmutes `space` for the caller.
    pub async fn set_muted(
        &self,
        space: &SpaceName,
        muted: bool,
    ) -> Result<SpaceNotificationSetting, ApiError> {
        let setting = SpaceNotificationSetting {
            mute_setting: Some(if muted {
                MuteSetting::Muted
            } else {
                MuteSetting::Unmuted
            }),
            ..Default::default()
        };
        self.patch_notification_setting(space, &setting, "muteSetting")
            .await
    }

    // ---- sections ----

    pub async fn list_sections(
        &self,
        page_size: Option<i32>,
        page_token: Option<&str>,
    ) -> Result<ListSectionsResponse, ApiError> {
        let call = Call::new(Method::GET, "v1/users/me/sections".into())
            .q_opt("pageSize", page_size)
            .q_opt("pageToken", page_token);
        self.send(call).await
    }

    /// Every section of the caller, in order.
    pub async fn list_all_sections(&self) -> Result<Vec<Section>, ApiError> {
        collect_pages(|token| async move {
            let page = self.list_sections(Some(100), token.as_deref()).await?;
            Ok((page.sections, page.next_page_token))
        })
        .await
    }

    /// Creates a custom section. Not retried: a lost answer could mean two sections.
    pub async fn create_section(&self, display_name: &str) -> Result<Section, ApiError> {
        let body = Section {
            display_name: Some(display_name.to_string()),
            section_type: Some(SectionType::Custom),
            ..Default::default()
        };
        let call = Call::new(Method::POST, "v1/users/me/sections".into()).json(&body)?;
        self.send(call).await
    }

    pub async fn rename_section(
        &self,
        name: &SectionName,
        display_name: &str,
    ) -> Result<Section, ApiError> {
        let body = Section {
            display_name: Some(display_name.to_string()),
            ..Default::default()
        };
        let mut call = Call::new(Method::PATCH, format!("v1/{name}"))
            .q("updateMask", "displayName")
            .json(&body)?;
        call.idempotent = true;
        self.send(call).await
    }

    pub async fn delete_section(&self, name: &SectionName) -> Result<(), ApiError> {
        self.send_delete::<Empty>(Call::new(Method::DELETE, format!("v1/{name}")))
            .await
            .map(|_| ())
    }

    pub async fn position_section(
        &self,
        name: &SectionName,
        position: &PositionSectionRequest,
    ) -> Result<PositionSectionResponse, ApiError> {
        let mut call = Call::new(Method::POST, format!("v1/{name}:position")).json(position)?;
        call.idempotent = true;
        self.send(call).await
    }

    /// `users.sections.items.list`; `section` may be `-` with a `space = spaces/X` filter.
    pub async fn list_section_items(
        &self,
        section: &SectionName,
        filter: Option<&str>,
        page_size: Option<i32>,
        page_token: Option<&str>,
    ) -> Result<ListSectionItemsResponse, ApiError> {
        let call = Call::new(Method::GET, format!("v1/{section}/items"))
            .q_opt("filter", filter)
            .q_opt("pageSize", page_size)
            .q_opt("pageToken", page_token);
        self.send(call).await
    }

    /// Every item of a section.
    pub async fn list_all_section_items(
        &self,
        section: &SectionName,
    ) -> Result<Vec<SectionItem>, ApiError> {
        collect_pages(|token| async move {
            let page = self
                .list_section_items(section, None, Some(100), token.as_deref())
                .await?;
            Ok((page.section_items, page.next_page_token))
        })
        .await
    }

    /// The section item for `space` (whichever section it is in).
    pub async fn find_section_item(
        &self,
        space: &SpaceName,
    ) -> Result<Option<SectionItem>, ApiError> {
        let any = SectionName::me("-").map_err(|e| ApiError::InvalidArgument(e.to_string()))?;
        let filter = format!("space = {space}");
        let page = self
            .list_section_items(&any, Some(&filter), None, None)
            .await?;
        Ok(page.section_items.into_iter().next())
    }

    /// Moves an item (a space) to `target`. Moving it where it already is fails (404:
    /// it is no longer in its old section), so a lost answer is not retried blindly.
    pub async fn move_section_item(
        &self,
        item: &SectionItemName,
        target: &SectionName,
    ) -> Result<SectionItem, ApiError> {
        let body = MoveSectionItemRequest {
            target_section: Some(target.to_string()),
        };
        let call = Call::new(Method::POST, format!("v1/{item}:move")).json(&body)?;
        let resp: MoveSectionItemResponse = self.send(call).await?;
        resp.section_item
            .ok_or_else(|| ApiError::Decode("the move answer has no sectionItem".into()))
    }
}
