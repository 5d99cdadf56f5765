//! `spaces.members`: list, get, create, patch, delete.

use super::auth::Principal;
use super::ctx::{reply, Ctx, LastManagerStatus, Reply};
use super::error::{EmuError, EmuResult};
use super::filter::MemberFilter;
use super::request::{
    decode_page_token, encode_page_token, parse_body, unsupported_mask, update_mask,
};
use super::route::{Handler, Quota, Route, Verb};
use super::spaces::{malformed_user, refuse_admin_access};
use super::store::{now, Directory, MemberRec, SpaceRec};
use super::views::{find_space, find_space_mut, membership_view, permitted};
use crate::api::model::*;
use crate::api::name::UserRef;
use crate::api::scope::Scope;

/// The API methods this file serves (see `routes.rs`).
pub(super) const ROUTES: &[Route] = &[
    Route::new(
        Verb::Get,
        "v1/spaces/{spacesId}/members",
        "chat.spaces.members.list",
        &[
            Scope::ChatAdminMemberships,
            Scope::ChatAdminMembershipsReadonly,
            Scope::ChatAppMemberships,
            Scope::ChatBot,
            Scope::ChatImport,
            Scope::ChatMemberships,
            Scope::ChatMembershipsReadonly,
        ],
        Handler::One(list),
    )
    .quota(Quota::Read),
    Route::new(
        Verb::Post,
        "v1/spaces/{spacesId}/members",
        "chat.spaces.members.create",
        &[
            Scope::ChatAdminMemberships,
            Scope::ChatAppMemberships,
            Scope::ChatImport,
            Scope::ChatMemberships,
            Scope::ChatMembershipsApp,
        ],
        Handler::One(create),
    ),
    Route::new(
        Verb::Get,
        "v1/spaces/{spacesId}/members/{membersId}",
        "chat.spaces.members.get",
        &[
            Scope::ChatAdminMemberships,
            Scope::ChatAdminMembershipsReadonly,
            Scope::ChatAppMemberships,
            Scope::ChatBot,
            Scope::ChatMemberships,
            Scope::ChatMembershipsReadonly,
        ],
        Handler::Two(get),
    )
    .quota(Quota::Read),
    Route::new(
        Verb::Patch,
        "v1/spaces/{spacesId}/members/{membersId}",
        "chat.spaces.members.patch",
        &[
            Scope::ChatAdminMemberships,
            Scope::ChatAppMemberships,
            Scope::ChatImport,
            Scope::ChatMemberships,
        ],
        Handler::Two(patch),
    ),
    Route::new(
        Verb::Delete,
        "v1/spaces/{spacesId}/members/{membersId}",
        "chat.spaces.members.delete",
        &[
            Scope::ChatAdminMemberships,
            Scope::ChatAppMemberships,
            Scope::ChatImport,
            Scope::ChatMemberships,
            Scope::ChatMembershipsApp,
        ],
        Handler::Two(delete),
    ),
];

/// The `{member}` of a membership name: (user id, is an app).
fn resolve_member(dir: &Directory, who: &Principal, seg: &str) -> EmuResult<(String, bool)> {
    resolve_member_as(dir, who, seg, false)
}

/// As `resolve_member`; with `app_alias_for_apps`, an app may name itself `app` (as when
/// it removes its own membership).
fn resolve_member_as(
    dir: &Directory,
    who: &Principal,
    seg: &str,
    app_alias_for_apps: bool,
) -> EmuResult<(String, bool)> {
    match UserRef::parse_member_id(seg) {
        Ok(UserRef::App) if who.is_app() && app_alias_for_apps => Ok((who.id().to_string(), true)),
        Ok(UserRef::App) => {
            if who.is_app() {
                Err(EmuError::invalid_field(
                    "name",
                    "The members/app alias can be used only with user authentication.",
                ))
            } else {
                Ok((dir.primary_app.clone(), true))
            }
        }
        Ok(UserRef::Id(id)) => {
            let bot = dir.is_app(&id);
            Ok((id, bot))
        }
        Ok(UserRef::Email(e)) => match dir.person_by_email(&e) {
            Some(p) => Ok((p.id.clone(), false)),
            None => Err(member_not_found(seg)),
        },
        Err(_) => Err(EmuError::invalid_field(
            "name",
            format!("Invalid membership name: {seg:?} is not a user id, an email address or app."),
        )),
    }
}

fn member_not_found(seg: &str) -> EmuError {
    EmuError::not_found(format!("Membership {seg} not found in this space."))
}

fn last_manager(ctx: &Ctx<'_>) -> EmuError {
    let msg =
        "The only space manager can't be removed or demoted. Make another member a manager first.";
    match ctx.config.last_manager {
        LastManagerStatus::FailedPrecondition => EmuError::failed_precondition(msg),
        LastManagerStatus::InvalidArgument => EmuError::invalid(msg),
    }
}

pub fn list(ctx: &mut Ctx<'_>, space: &str) -> EmuResult<Reply> {
    ctx.query.only(&[
        "pageSize",
        "pageToken",
        "filter",
        "showInvited",
        "showGroups",
        "useAdminAccess",
    ])?;
    refuse_admin_access(ctx)?;
    let size = ctx.query.page_size(100)?;
    let filter_text = ctx.query.get("filter").unwrap_or("");
    let filter = MemberFilter::parse(Some(filter_text))?;
    // showInvited works only with user authentication.
    let show_invited = ctx.query.bool("showInvited")? && !ctx.who.is_app();
    let show_groups = ctx.query.bool("showGroups")?;
    let params = format!("{filter_text}|{show_invited}|{show_groups}");
    let list_key = format!("members/{space}");
    let after = match ctx.query.string("pageToken") {
        Some(t) => Some(decode_page_token(t, &list_key, &params)?),
        None => None,
    };
    let rec = find_space(&ctx.store.spaces, ctx.who, space)?;
    let mut rows: Vec<(String, &MemberRec)> = rec
        .members
        .iter()
        // Apps never see app memberships, their own included.
        .filter(|m| !(ctx.who.is_app() && m.bot))
        .filter(|m| m.joined() || (show_invited && m.state == MembershipState::Invited))
        .filter(|m| {
            let t = if m.bot {
                UserType::Bot
            } else {
                UserType::Human
            };
            filter.matches(&m.role, &t)
        })
        .map(|m| {
            (
                format!("{}|{}", timestamp::format(&m.create_time), m.user_id),
                m,
            )
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let start = match &after {
        Some(c) => rows.partition_point(|(k, _)| k <= c),
        None => 0,
    };
    let page: Vec<&(String, &MemberRec)> = rows.iter().skip(start).take(size).collect();
    let more = start + page.len() < rows.len();
    let resp = ListMembershipsResponse {
        memberships: page
            .iter()
            .map(|(_, m)| membership_view(&ctx.store.directory, rec, m, ctx.who))
            .collect(),
        next_page_token: match (more, page.last()) {
            (true, Some((k, _))) => Some(encode_page_token(&list_key, &params, k)),
            _ => None,
        },
    };
    reply(&resp)
}

pub fn get(ctx: &mut Ctx<'_>, space: &str, member: &str) -> EmuResult<Reply> {
    ctx.query.only(&["useAdminAccess"])?;
    refuse_admin_access(ctx)?;
    let rec = find_space(&ctx.store.spaces, ctx.who, space)?;
    let (id, _) = resolve_member(&ctx.store.directory, ctx.who, member)?;
    let m = rec.member(&id).ok_or_else(|| member_not_found(member))?;
    reply(&membership_view(&ctx.store.directory, rec, m, ctx.who))
}

/// Scopes that let a caller add or remove people (as opposed to only the calling app).
const PEOPLE_SCOPES: &[Scope] = &[
    Scope::ChatMemberships,
    Scope::ChatAppMemberships,
    Scope::ChatImport,
    Scope::ChatAdminMemberships,
];
/// Adding or removing the calling app takes this scope specifically.
const APP_MEMBERSHIP_SCOPES: &[Scope] = &[Scope::ChatMembershipsApp, Scope::ChatAdminMemberships];

pub fn create(ctx: &mut Ctx<'_>, space: &str) -> EmuResult<Reply> {
    ctx.query.only(&["useAdminAccess"])?;
    refuse_admin_access(ctx)?;
    let input: Membership = parse_body(ctx.body, "membership")?;
    let method = "chat.spaces.members.create";
    if let Some(g) = &input.group_member {
        if ctx.who.is_app() {
            return Err(EmuError::permission(
                "Chat apps can't add Google Groups to a space.",
            ));
        }
        return Err(EmuError::not_found(format!(
            "Google Group {} not found.",
            g.name.as_deref().unwrap_or("(unnamed)")
        )));
    }
    let user = input.member.as_ref().ok_or_else(malformed_user)?;
    let target =
        UserRef::parse(user.name.as_deref().unwrap_or("")).map_err(|_| malformed_user())?;
    let wants_bot = user.user_type == Some(UserType::Bot);
    let (user_id, bot) = match &target {
        UserRef::App => {
            if ctx.who.is_app() {
                return Err(EmuError::permission(
                    "Chat apps can't add Chat apps to a space, themselves included; a person adds the app with users/app.",
                ));
            }
            if user.user_type == Some(UserType::Human) {
                return Err(EmuError::invalid_field(
                    "membership.member.type",
                    "users/app is the calling Chat app: its type is BOT.",
                ));
            }
            ctx.who.require_any(APP_MEMBERSHIP_SCOPES, method)?;
            (ctx.store.directory.primary_app.clone(), true)
        }
        UserRef::Id(id) if ctx.store.directory.is_app(id) => {
            return Err(EmuError::invalid_field(
                "membership.member.name",
                "Creating memberships for other Chat apps isn't supported; a person adds the calling app with users/app.",
            ))
        }
        UserRef::Id(_) | UserRef::Email(_) if wants_bot => {
            return Err(EmuError::invalid_field(
                "membership.member.type",
                "A person's membership has type HUMAN; only users/app is a BOT.",
            ))
        }
        UserRef::Id(id) => {
            ctx.who.require_any(PEOPLE_SCOPES, method)?;
            if ctx.store.directory.complete && !ctx.store.directory.people.contains_key(id) {
                return Err(EmuError::not_found(format!(
                    "User users/{id} not found."
                )));
            }
            (id.clone(), false)
        }
        UserRef::Email(e) => {
            ctx.who.require_any(PEOPLE_SCOPES, method)?;
            (ctx.store.directory.resolve_email(e), false)
        }
    };
    let external = ctx.store.directory.is_external(&user_id);
    let auto_accept = ctx
        .store
        .directory
        .people
        .get(&user_id)
        .is_none_or(|p| p.auto_accept);

    let rec = find_space_mut(&mut ctx.store.spaces, ctx.who, space)?;
    let me = rec.member(ctx.who.id()).cloned();
    if !ctx.who.is_app() {
        let setting = if bot {
            "manageApps"
        } else {
            "manageMembersAndGroups"
        };
        if !permitted(rec, setting, me.as_ref()) {
            return Err(EmuError::permission(if bot {
                "Only space managers can add apps to this space."
            } else {
                "Only space managers can add members to this space."
            }));
        }
    }
    if rec.kind() == SpaceType::DirectMessage && !bot {
        return Err(EmuError::invalid_field(
            "membership.member",
            "People can't be added to a direct message; set up a group chat instead.",
        ));
    }
    if external {
        if ctx.who.is_app() {
            return Err(EmuError::permission(
                "Chat apps can't invite people from outside the organization.",
            ));
        }
        if rec.kind() == SpaceType::Space && !rec.space.external_user_allowed {
            return Err(EmuError::permission(
                "This space doesn't allow people from outside the organization.",
            ));
        }
    }
    if let Some(existing) = rec.member(&user_id) {
        let what = if existing.joined() {
            "a member of"
        } else {
            "already invited to"
        };
        return Err(EmuError::already_exists(format!(
            "users/{user_id} is {what} this space."
        )));
    }
    let t = rec.next_time(now());
    let state = if bot || (auto_accept && !external) {
        MembershipState::Joined
    } else {
        MembershipState::Invited
    };
    rec.members.push(MemberRec {
        user_id: user_id.clone(),
        bot,
        role: MembershipRole::Member,
        state,
        create_time: t,
    });
    let rec = &ctx.store.spaces[space];
    let m = rec
        .member(&user_id)
        .ok_or_else(|| EmuError::internal("membership vanished"))?;
    reply(&membership_view(&ctx.store.directory, rec, m, ctx.who))
}

pub fn patch(ctx: &mut Ctx<'_>, space: &str, member: &str) -> EmuResult<Reply> {
    ctx.query.only(&["updateMask", "useAdminAccess"])?;
    refuse_admin_access(ctx)?;
    let paths = update_mask(ctx.query)?;
    if let Some(p) = paths.iter().find(|p| *p != "role" && *p != "*") {
        return Err(unsupported_mask(p, "role"));
    }
    let input: Membership = parse_body(ctx.body, "membership")?;
    let role = match input.role {
        Some(
            r @ (MembershipRole::Member
            | MembershipRole::Manager
            | MembershipRole::AssistantManager),
        ) => r,
        _ => {
            return Err(EmuError::invalid_field(
                "membership.role",
                "role must be ROLE_MEMBER, ROLE_MANAGER or ROLE_ASSISTANT_MANAGER.",
            ))
        }
    };
    let (user_id, bot) = resolve_member(&ctx.store.directory, ctx.who, member)?;
    let last_manager_err = last_manager(ctx);
    let rec: &mut SpaceRec = find_space_mut(&mut ctx.store.spaces, ctx.who, space)?;
    if rec.kind() != SpaceType::Space {
        return Err(EmuError::invalid_field(
            "membership.role",
            "Roles exist only in named spaces; in group chats and DMs everyone is a member.",
        ));
    }
    if ctx.who.is_app() {
        if rec.creator != ctx.who.user_name() {
            return Err(EmuError::permission(
                "A Chat app can change roles only in spaces it created.",
            ));
        }
    } else if !rec.member(ctx.who.id()).is_some_and(MemberRec::is_manager) {
        return Err(EmuError::permission(
            "Only space managers can change roles.",
        ));
    }
    let managers = rec.joined_managers();
    let target = rec
        .member_mut(&user_id)
        .ok_or_else(|| member_not_found(member))?;
    if bot {
        return Err(EmuError::invalid_field(
            "membership.role",
            "Chat apps can't be space managers.",
        ));
    }
    if !target.joined() {
        return Err(EmuError::failed_precondition(
            "An invited person's role can be changed once they have joined.",
        ));
    }
    if target.is_manager() && role != MembershipRole::Manager && managers <= 1 {
        return Err(last_manager_err);
    }
    target.role = role;
    let rec = &ctx.store.spaces[space];
    let m = rec
        .member(&user_id)
        .ok_or_else(|| member_not_found(member))?;
    reply(&membership_view(&ctx.store.directory, rec, m, ctx.who))
}

pub fn delete(ctx: &mut Ctx<'_>, space: &str, member: &str) -> EmuResult<Reply> {
    ctx.query.only(&["useAdminAccess"])?;
    refuse_admin_access(ctx)?;
    let method = "chat.spaces.members.delete";
    let (user_id, bot) = resolve_member_as(&ctx.store.directory, ctx.who, member, true)?;
    if ctx.who.is_app() && user_id == ctx.who.id() {
        // An app leaving: the method's app scope (chat.app.memberships) is what it needs.
    } else if bot {
        ctx.who.require_any(APP_MEMBERSHIP_SCOPES, method)?;
    } else {
        ctx.who.require_any(PEOPLE_SCOPES, method)?;
    }
    let last_manager_err = last_manager(ctx);
    let rec = find_space_mut(&mut ctx.store.spaces, ctx.who, space)?;
    let target = rec
        .member(&user_id)
        .cloned()
        .ok_or_else(|| member_not_found(member))?;
    let me = rec.member(ctx.who.id()).cloned();
    let removing_self = user_id == ctx.who.id();
    if ctx.who.is_app() {
        if bot && !removing_self {
            return Err(EmuError::permission(
                "Chat apps can't remove other Chat apps.",
            ));
        }
        if target.is_manager() && rec.creator != ctx.who.user_name() {
            return Err(EmuError::permission(
                "A Chat app can remove a space manager only in spaces it created.",
            ));
        }
    } else if !removing_self {
        let setting = if bot {
            "manageApps"
        } else {
            "manageMembersAndGroups"
        };
        if !permitted(rec, setting, me.as_ref()) {
            return Err(EmuError::permission(
                "Only space managers can remove members from this space.",
            ));
        }
        if target.is_manager() && !me.as_ref().is_some_and(MemberRec::is_manager) {
            return Err(EmuError::permission(
                "Only space managers can remove a space manager.",
            ));
        }
    }
    if rec.kind() == SpaceType::DirectMessage && !bot {
        return Err(EmuError::failed_precondition(
            "People can't be removed from a direct message.",
        ));
    }
    if target.is_manager() && rec.joined_managers() <= 1 {
        return Err(last_manager_err);
    }
    rec.members.retain(|m| m.user_id != user_id);
    let resp = Membership {
        name: Some(format!("spaces/{space}/members/{user_id}")),
        state: Some(MembershipState::NotAMember),
        ..Default::default()
    };
    reply(&resp)
}
