//! How stored records look to a caller, and who may see or do what in a space.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::auth::Principal;
use super::error::{EmuError, EmuResult};
use super::space_rec::Spaces;
use super::store::{Detail, Directory, MemberRec, MsgRec, SpaceRec};
use crate::api::model::*;
use crate::api::scope::Scope;

/// Whether the caller may read and act in the space: people and apps who have joined
/// it, and an app in a space it created.
pub fn can_access(rec: &SpaceRec, who: &Principal) -> bool {
    rec.is_joined(who.id()) || (who.is_app() && rec.creator == who.user_name())
}

fn space_not_found(id: &str) -> EmuError {
    EmuError::not_found(format!(
        "Space spaces/{id} not found, or the caller is not a member of it."
    ))
}

pub fn find_space<'a>(
    spaces: &'a BTreeMap<String, SpaceRec>,
    who: &Principal,
    id: &str,
) -> EmuResult<&'a SpaceRec> {
    spaces
        .get(id)
        .filter(|s| can_access(s, who))
        .ok_or_else(|| space_not_found(id))
}

pub fn find_space_mut<'a>(
    spaces: &'a mut Spaces,
    who: &Principal,
    id: &str,
) -> EmuResult<&'a mut SpaceRec> {
    // Only a space the caller may see is borrowed for change.
    if !spaces.get(id).is_some_and(|s| can_access(s, who)) {
        return Err(space_not_found(id));
    }
    spaces.get_mut(id).ok_or_else(|| space_not_found(id))
}

/// The permission settings a new named space starts with.
pub fn default_permissions(announcement: bool) -> Value {
    let all = json!({"managersAllowed": true, "membersAllowed": true});
    let managers = json!({"managersAllowed": true});
    let pick = |open: bool| if open { all.clone() } else { managers.clone() };
    json!({
        "manageMembersAndGroups": pick(!announcement),
        "modifySpaceDetails": managers.clone(),
        "toggleHistory": pick(!announcement),
        "useAtMentionAll": pick(!announcement),
        "manageApps": pick(!announcement),
        "manageWebhooks": pick(!announcement),
        "postMessages": pick(!announcement),
        "replyMessages": all.clone(),
    })
}

/// Whether `member` may do what permission setting `setting` governs. Group chats and
/// DMs have no settings: every member may.
pub fn permitted(rec: &SpaceRec, setting: &str, member: Option<&MemberRec>) -> bool {
    let Some(m) = member.filter(|m| m.joined()) else {
        return false;
    };
    let Some(s) = rec
        .space
        .permission_settings
        .as_ref()
        .and_then(|p| p.get(setting))
    else {
        return true;
    };
    let flag = |k: &str| s.get(k).and_then(Value::as_bool).unwrap_or(false);
    match m.role {
        MembershipRole::Manager => flag("managersAllowed"),
        MembershipRole::AssistantManager => {
            flag("assistantManagersAllowed") || flag("managersAllowed")
        }
        _ => flag("membersAllowed"),
    }
}

/// The Space as the API returns it. Lists leave out permission settings.
pub fn space_view(rec: &SpaceRec, for_list: bool) -> Space {
    let mut s = rec.space.clone();
    let id = rec.id().to_string();
    s.legacy_type = Some(if s.is_dm() {
        LegacySpaceType::Dm
    } else {
        LegacySpaceType::Room
    });
    s.threaded = s.space_threading_state == Some(SpaceThreadingState::ThreadedMessages);
    let humans = rec.members.iter().filter(|m| m.joined() && !m.bot).count() as i32;
    s.membership_count = (humans > 0).then_some(MembershipCount {
        joined_direct_human_user_count: humans,
        joined_group_count: 0,
    });
    // As Google answers it: the room address with its client marker.
    s.space_uri = crate::api::SpaceName::parse(&id)
        .ok()
        .map(|n| format!("{}?cls=11", crate::api::web::space_url_from_name(&n)));
    s.last_active_time = rec
        .messages
        .last()
        .and_then(|m| m.msg.create_time)
        .or(s.create_time);
    if for_list {
        s.permission_settings = None;
    }
    s.predefined_permission_settings = None;
    s
}

/// How much the caller sees of `subject`: apps see names; people see names and emails
/// of the space's members, and only `name` and `type` of anyone else.
pub fn detail_for(rec: &SpaceRec, who: &Principal, subject: &str) -> Detail {
    if who.is_app() {
        Detail::Name
    } else if rec.member(subject).is_some() {
        Detail::Full
    } else {
        Detail::Bare
    }
}

pub fn membership_view(
    dir: &Directory,
    rec: &SpaceRec,
    m: &MemberRec,
    who: &Principal,
) -> Membership {
    Membership {
        name: Some(format!("spaces/{}/members/{}", rec.id(), m.user_id)),
        state: Some(m.state.clone()),
        role: Some(m.role.clone()),
        member: Some(dir.user_view(&m.user_id, m.bot, detail_for(rec, who, &m.user_id))),
        create_time: Some(m.create_time),
        ..Default::default()
    }
}

pub fn message_view(dir: &Directory, rec: &SpaceRec, m: &MsgRec, who: &Principal) -> Message {
    let mut msg = m.msg.clone();
    msg.sender = Some(dir.user_view(&m.sender, m.sender_bot, detail_for(rec, who, &m.sender)));
    msg.emoji_reaction_summaries = summaries(m);
    for a in &mut msg.annotations {
        if let Some(u) = a.user_mention.as_mut().and_then(|um| um.user.as_mut()) {
            if let Some(id) = u.name.as_deref().and_then(|n| n.strip_prefix("users/")) {
                let bot = u.user_type == Some(UserType::Bot);
                *u = dir.user_view(id, bot, detail_for(rec, who, id));
            }
        }
    }
    msg.space = Some(Box::new(Space {
        name: rec.space.name.clone(),
        legacy_type: Some(if rec.space.is_dm() {
            LegacySpaceType::Dm
        } else {
            LegacySpaceType::Room
        }),
        space_type: rec.space.space_type.clone(),
        display_name: rec.space.display_name.clone(),
        ..Default::default()
    }));
    msg
}

/// Private messages are visible to their viewer and their sender only.
pub(crate) fn private_ok(m: &MsgRec, who: &Principal) -> bool {
    match m
        .msg
        .private_message_viewer
        .as_ref()
        .and_then(|u| u.name.as_deref())
    {
        Some(v) => (m.sender == who.id() && m.sender_bot == who.is_app()) || v == who.user_name(),
        None => true,
    }
}

/// Whether the caller may read this message at all.
pub(crate) fn readable(rec: &SpaceRec, m: &MsgRec, who: &Principal) -> bool {
    if !private_ok(m, who) {
        return false;
    }
    if !who.is_app() || who.has_scope(Scope::ChatAppMessagesReadonly) {
        return true;
    }
    // chat.bot: the app's own messages, its DMs, and messages that mention it.
    let own = m.sender_bot && m.sender == who.id();
    let dm = rec.space.single_user_bot_dm;
    let mentioned = m.msg.annotations.iter().any(|a| {
        a.user_mention
            .as_ref()
            .and_then(|u| u.user.as_ref())
            .and_then(|u| u.name.as_deref())
            == Some(who.user_name().as_str())
    });
    own || dm || mentioned
}

/// The key two reactions share when they use the same emoji.
pub(crate) fn emoji_key(e: &Emoji) -> String {
    match (&e.unicode, &e.custom_emoji) {
        (Some(u), _) => format!("u:{u}"),
        (None, Some(c)) => format!("c:{}", c.uid.as_deref().unwrap_or("")),
        (None, None) => String::new(),
    }
}

/// The summaries of a message's reactions, in the order each emoji was first used.
pub fn summaries(m: &MsgRec) -> Vec<serde_json::Value> {
    let mut out: Vec<(String, Emoji, i32)> = Vec::new();
    for r in &m.reactions {
        let k = emoji_key(&r.emoji);
        match out.iter_mut().find(|(key, _, _)| *key == k) {
            Some(e) => e.2 += 1,
            None => out.push((k, r.emoji.clone(), 1)),
        }
    }
    out.into_iter()
        .filter_map(|(_, emoji, n)| {
            serde_json::to_value(EmojiReactionSummary {
                emoji: Some(emoji),
                reaction_count: Some(n),
            })
            .ok()
        })
        .collect()
}
