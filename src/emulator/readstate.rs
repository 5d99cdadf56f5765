//! `users.spaces`: the calling user's read state of a space and of a thread
//! (`getSpaceReadState`, `updateSpaceReadState`, `threads.getThreadReadState`) and their
//! notification setting for a space (`spaceNotificationSetting.get` and `.patch`).

use chrono::{DateTime, Utc};

use super::ctx::{reply, Ctx, Reply};
use super::error::{EmuError, EmuResult};
use super::request::{parse_body, unsupported_mask, update_mask};
use super::route::{Handler, Route, Verb};
use super::store::{now, SpaceRec};
use super::sync::{self, notify_key, read_key, thread_key, SyncRec};
use super::views::find_space;
use crate::api::model::SpaceType;
use crate::api::scope::Scope;
use crate::api::sync_model::*;
use crate::api::sync_name::UserSegment;

/// The API methods this file serves (see `routes.rs`).
pub(super) const ROUTES: &[Route] = &[
    Route::new(
        Verb::Get,
        "v1/users/{usersId}/spaces/{spacesId}/spaceReadState",
        "chat.users.spaces.getSpaceReadState",
        &[Scope::ChatUsersReadstate, Scope::ChatUsersReadstateReadonly],
        Handler::Two(get_space),
    ),
    Route::new(
        Verb::Patch,
        "v1/users/{usersId}/spaces/{spacesId}/spaceReadState",
        "chat.users.spaces.updateSpaceReadState",
        &[Scope::ChatUsersReadstate],
        Handler::Two(update_space),
    ),
    Route::new(
        Verb::Get,
        "v1/users/{usersId}/spaces/{spacesId}/threads/{threadsId}/threadReadState",
        "chat.users.spaces.threads.getThreadReadState",
        &[Scope::ChatUsersReadstate, Scope::ChatUsersReadstateReadonly],
        Handler::Three(get_thread),
    ),
    Route::new(
        Verb::Get,
        "v1/users/{usersId}/spaces/{spacesId}/spaceNotificationSetting",
        "chat.users.spaces.spaceNotificationSetting.get",
        &[Scope::ChatUsersSpacesettings],
        Handler::Two(get_notification),
    ),
    Route::new(
        Verb::Patch,
        "v1/users/{usersId}/spaces/{spacesId}/spaceNotificationSetting",
        "chat.users.spaces.spaceNotificationSetting.patch",
        &[Scope::ChatUsersSpacesettings],
        Handler::Two(patch_notification),
    ),
];

/// The `{user}` of a `users/{user}/...` path, which must be the caller: `me`, their id or
/// their email address. Returns the caller's id.
pub fn caller_segment(ctx: &Ctx<'_>, seg: &str) -> EmuResult<String> {
    let me = ctx.who.id().to_string();
    let Some(seg) = UserSegment::parse(seg) else {
        return Err(EmuError::invalid_field(
            "name",
            format!("Invalid user {seg:?}: use me, the caller's user id or their email address."),
        ));
    };
    let who = match seg.as_str() {
        "me" => Some(me.clone()),
        s if s.contains('@') => ctx.store.directory.person_by_email(s).map(|p| p.id.clone()),
        s => Some(s.to_string()),
    };
    if who.as_deref() == Some(me.as_str()) {
        Ok(me)
    } else {
        Err(EmuError::permission(
            "This method only supports the calling user: use users/me, or the caller's own id or email address.",
        ))
    }
}

/// When `user` joined `rec` (what they have read when nothing else says).
fn joined_at(rec: &SpaceRec, user: &str) -> Option<DateTime<Utc>> {
    rec.member(user).map(|m| m.create_time)
}

pub fn get_space(ctx: &mut Ctx<'_>, user: &str, space: &str) -> EmuResult<Reply> {
    ctx.query.only(&[])?;
    let me = caller_segment(ctx, user)?;
    let rec = find_space(&ctx.store.spaces, ctx.who, space)?;
    let time = sync::read_time(ctx.store, &read_key(&me, space)).or(joined_at(rec, &me));
    reply(&SpaceReadState {
        name: Some(format!("users/{me}/spaces/{space}/spaceReadState")),
        last_read_time: time,
    })
}

pub fn update_space(ctx: &mut Ctx<'_>, user: &str, space: &str) -> EmuResult<Reply> {
    ctx.query.only(&["updateMask"])?;
    let me = caller_segment(ctx, user)?;
    let mask = update_mask(ctx.query)?;
    for p in &mask {
        if p != "last_read_time" {
            return Err(unsupported_mask(p, "last_read_time"));
        }
    }
    let input: SpaceReadState = parse_body(ctx.body, "space_read_state")?;
    let rec = find_space(&ctx.store.spaces, ctx.who, space)?;
    let asked = input.last_read_time.ok_or_else(|| {
        EmuError::invalid_field(
            "space_read_state.last_read_time",
            "lastReadTime is required when the update mask names it.",
        )
    })?;
    // A time later than the latest message is coerced to that message's create time
    // (so "mark as read" can send any later time); an earlier one is taken as it is: it
    // marks the space unread from there.
    let latest = rec
        .messages
        .iter()
        .rev()
        .find(|m| !m.deleted())
        .map(|m| m.create_time());
    let time = match latest {
        Some(l) if asked > l => l,
        Some(_) => asked,
        None => asked.min(now()),
    };
    ctx.store
        .sync
        .insert(read_key(&me, space), SyncRec::Read { time: Some(time) });
    reply(&SpaceReadState {
        name: Some(format!("users/{me}/spaces/{space}/spaceReadState")),
        last_read_time: Some(time),
    })
}

pub fn get_thread(ctx: &mut Ctx<'_>, user: &str, space: &str, thread: &str) -> EmuResult<Reply> {
    ctx.query.only(&[])?;
    let me = caller_segment(ctx, user)?;
    let rec = find_space(&ctx.store.spaces, ctx.who, space)?;
    if !rec.threads.contains_key(thread) {
        return Err(EmuError::not_found(format!(
            "Thread spaces/{space}/threads/{thread} not found."
        )));
    }
    let time = sync::read_time(ctx.store, &thread_key(&me, space, thread)).or(joined_at(rec, &me));
    reply(&ThreadReadState {
        name: Some(format!(
            "users/{me}/spaces/{space}/threads/{thread}/threadReadState"
        )),
        last_read_time: time,
    })
}

fn setting_view(ctx: &Ctx<'_>, me: &str, space: &str) -> SpaceNotificationSetting {
    let (mute, notification) = match ctx.store.sync.get(&notify_key(me, space)) {
        Some(SyncRec::Notify { mute, notification }) => (mute.clone(), notification.clone()),
        _ => (MuteSetting::Unmuted, NotificationSetting::All),
    };
    SpaceNotificationSetting {
        name: Some(format!(
            "users/{me}/spaces/{space}/spaceNotificationSetting"
        )),
        mute_setting: Some(mute),
        notification_setting: Some(notification),
    }
}

pub fn get_notification(ctx: &mut Ctx<'_>, user: &str, space: &str) -> EmuResult<Reply> {
    ctx.query.only(&[])?;
    let me = caller_segment(ctx, user)?;
    find_space(&ctx.store.spaces, ctx.who, space)?;
    reply(&setting_view(ctx, &me, space))
}

pub fn patch_notification(ctx: &mut Ctx<'_>, user: &str, space: &str) -> EmuResult<Reply> {
    ctx.query.only(&["updateMask"])?;
    let me = caller_segment(ctx, user)?;
    let mask = update_mask(ctx.query)?;
    let input: SpaceNotificationSetting = parse_body(ctx.body, "space_notification_setting")?;
    let rec = find_space(&ctx.store.spaces, ctx.who, space)?;
    let one_to_one = rec.kind() == SpaceType::DirectMessage;
    let mut view = setting_view(ctx, &me, space);
    for p in &mask {
        match p.as_str() {
            "mute_setting" => {
                let m = input
                    .mute_setting
                    .clone()
                    .unwrap_or(MuteSetting::Unspecified);
                if !m.is_known() || m == MuteSetting::Unspecified {
                    return Err(EmuError::invalid_field(
                        "space_notification_setting.mute_setting",
                        format!("Invalid mute setting \"{m}\": use MUTED or UNMUTED."),
                    ));
                }
                view.mute_setting = Some(m);
            }
            "notification_setting" => {
                let n = input
                    .notification_setting
                    .clone()
                    .unwrap_or(NotificationSetting::Unspecified);
                if !n.is_known() || n == NotificationSetting::Unspecified {
                    return Err(EmuError::invalid_field(
                        "space_notification_setting.notification_setting",
                        format!("Invalid notification setting \"{n}\": use ALL, MAIN_CONVERSATIONS, FOR_YOU or OFF."),
                    ));
                }
                if one_to_one
                    && matches!(
                        n,
                        NotificationSetting::MainConversations | NotificationSetting::ForYou
                    )
                {
                    return Err(EmuError::invalid_field(
                        "space_notification_setting.notification_setting",
                        format!("{n} is not available for 1:1 direct messages."),
                    ));
                }
                view.notification_setting = Some(n);
            }
            other => {
                return Err(unsupported_mask(
                    other,
                    "notification_setting, mute_setting",
                ))
            }
        }
    }
    ctx.store.sync.insert(
        notify_key(&me, space),
        SyncRec::Notify {
            mute: view.mute_setting.clone().unwrap_or(MuteSetting::Unmuted),
            notification: view
                .notification_setting
                .clone()
                .unwrap_or(NotificationSetting::All),
        },
    );
    reply(&view)
}
