//! `spaces`: list, get, create, patch, delete, setup, findDirectMessage.

use serde_json::{json, Value};

use super::auth::Principal;
use super::ctx::{reply, Ctx, Reply};
use super::error::{EmuError, EmuResult};
use super::filter::SpaceFilter;
use super::request::{
    decode_page_token, encode_page_token, parse_body, unsupported_mask, update_mask,
};
use super::route::{Handler, Quota, Route, Verb};
use super::store::{now, Directory, MemberRec, RequestRec, SpaceRec, Store};
use super::views::{default_permissions, find_space, find_space_mut, permitted, space_view};
use crate::api::model::*;
use crate::api::name::UserRef;
use crate::api::scope::Scope;

/// The API methods this file serves (see `routes.rs`).
pub(super) const ROUTES: &[Route] = &[
    Route::new(
        Verb::Get,
        "v1/spaces",
        "chat.spaces.list",
        &[Scope::ChatBot, Scope::ChatSpaces, Scope::ChatSpacesReadonly],
        Handler::Zero(list),
    ),
    Route::new(
        Verb::Post,
        "v1/spaces",
        "chat.spaces.create",
        &[
            Scope::ChatAppSpaces,
            Scope::ChatAppSpacesCreate,
            Scope::ChatImport,
            Scope::ChatSpaces,
            Scope::ChatSpacesCreate,
        ],
        Handler::Zero(create),
    ),
    Route::new(
        Verb::Post,
        "v1/spaces:setup",
        "chat.spaces.setup",
        &[Scope::ChatSpaces, Scope::ChatSpacesCreate],
        Handler::Zero(setup),
    ),
    Route::new(
        Verb::Get,
        "v1/spaces:findDirectMessage",
        "chat.spaces.findDirectMessage",
        &[Scope::ChatBot, Scope::ChatSpaces, Scope::ChatSpacesReadonly],
        Handler::Zero(find_direct_message),
    ),
    Route::new(
        Verb::Get,
        "v1/spaces/{spacesId}",
        "chat.spaces.get",
        &[
            Scope::ChatAdminSpaces,
            Scope::ChatAdminSpacesReadonly,
            Scope::ChatAppSpaces,
            Scope::ChatBot,
            Scope::ChatSpaces,
            Scope::ChatSpacesReadonly,
        ],
        Handler::One(get),
    )
    .quota(Quota::Read),
    Route::new(
        Verb::Patch,
        "v1/spaces/{spacesId}",
        "chat.spaces.patch",
        &[
            Scope::ChatAdminSpaces,
            Scope::ChatAppSpaces,
            Scope::ChatImport,
            Scope::ChatSpaces,
        ],
        Handler::One(patch),
    )
    .quota(Quota::Write),
    Route::new(
        Verb::Delete,
        "v1/spaces/{spacesId}",
        "chat.spaces.delete",
        &[
            Scope::ChatAdminDelete,
            Scope::ChatAppDelete,
            Scope::ChatDelete,
            Scope::ChatImport,
        ],
        Handler::One(delete),
    )
    .quota(Quota::Write),
];

const MAX_DISPLAY_NAME: usize = 128;
const MAX_DESCRIPTION: usize = 4096;
const MAX_GUIDELINES: usize = 5000;
const MAX_SETUP_MEMBERS: usize = 49;

pub(crate) fn refuse_admin_access(ctx: &Ctx<'_>) -> EmuResult<()> {
    if ctx.query.bool("useAdminAccess")? {
        return Err(EmuError::permission(
            "The caller is not a Google Workspace administrator, so useAdminAccess cannot be used.",
        ));
    }
    Ok(())
}

pub fn list(ctx: &mut Ctx<'_>) -> EmuResult<Reply> {
    ctx.query.only(&["pageSize", "pageToken", "filter"])?;
    let size = ctx.query.page_size(100)?;
    let filter_text = ctx.query.get("filter").unwrap_or("");
    let filter = SpaceFilter::parse(Some(filter_text))?;
    let list_key = format!("spaces/{}", ctx.who.user_name());
    let after = match ctx.query.string("pageToken") {
        Some(t) => Some(decode_page_token(t, &list_key, filter_text)?),
        None => None,
    };
    let mut visible: Vec<(String, &SpaceRec)> = ctx
        .store
        .spaces
        .values()
        .filter(|s| s.is_joined(ctx.who.id()))
        // Group chats and DMs are listed once they have a first message.
        .filter(|s| s.kind() == SpaceType::Space || s.has_messages())
        .filter(|s| filter.matches(&s.kind()))
        .map(|s| (sort_key(s), s))
        .collect();
    visible.sort_by(|a, b| a.0.cmp(&b.0));
    let start = match &after {
        Some(cursor) => visible.partition_point(|(k, _)| k <= cursor),
        None => 0,
    };
    let page: Vec<&(String, &SpaceRec)> = visible.iter().skip(start).take(size).collect();
    let more = start + page.len() < visible.len();
    let resp = ListSpacesResponse {
        spaces: page.iter().map(|(_, s)| space_view(s, true)).collect(),
        next_page_token: match (more, page.last()) {
            (true, Some((k, _))) => Some(encode_page_token(&list_key, filter_text, k)),
            _ => None,
        },
    };
    reply(&resp)
}

/// Spaces are listed in creation order.
fn sort_key(s: &SpaceRec) -> String {
    let t = s
        .space
        .create_time
        .map(|t| timestamp::format(&t))
        .unwrap_or_default();
    format!("{t}|{}", s.id())
}

pub fn get(ctx: &mut Ctx<'_>, id: &str) -> EmuResult<Reply> {
    ctx.query.only(&["useAdminAccess"])?;
    refuse_admin_access(ctx)?;
    let rec = find_space(&ctx.store.spaces, ctx.who, id)?;
    reply(&space_view(rec, false))
}

/// A duplicate display name among the organization's named spaces.
fn name_taken(store: &Store, name: &str, except: Option<&str>) -> bool {
    let wanted = name.trim().to_lowercase();
    store.spaces.values().any(|s| {
        s.kind() == SpaceType::Space
            && Some(s.id()) != except
            && s.space
                .display_name
                .as_deref()
                .map(|n| n.trim().to_lowercase())
                == Some(wanted.clone())
    })
}

fn check_display_name(name: Option<&str>) -> EmuResult<String> {
    let name = name.map(str::trim).unwrap_or("");
    if name.is_empty() {
        return Err(EmuError::invalid_field(
            "space.display_name",
            "A named space (spaceType SPACE) needs a displayName.",
        ));
    }
    let n = name.chars().count();
    if n > MAX_DISPLAY_NAME {
        return Err(EmuError::invalid_field(
            "space.display_name",
            format!("The displayName is {n} characters long; the limit is {MAX_DISPLAY_NAME}."),
        ));
    }
    Ok(name.to_string())
}

fn check_details(d: &SpaceDetails) -> EmuResult<()> {
    let dl = d.description.as_deref().map_or(0, |s| s.chars().count());
    if dl > MAX_DESCRIPTION {
        return Err(EmuError::invalid_field(
            "space.space_details.description",
            format!("The description is {dl} characters long; the limit is {MAX_DESCRIPTION}."),
        ));
    }
    let gl = d.guidelines.as_deref().map_or(0, |s| s.chars().count());
    if gl > MAX_GUIDELINES {
        return Err(EmuError::invalid_field(
            "space.space_details.guidelines",
            format!("The guidelines are {gl} characters long; the limit is {MAX_GUIDELINES}."),
        ));
    }
    Ok(())
}

fn duplicate_name(name: &str) -> EmuError {
    EmuError::already_exists(format!(
        "A space named \"{name}\" already exists in this organization. Try a different displayName."
    ))
}

/// A requestId seen before: the space it created, or an error if someone else sent it.
fn replayed_space(
    store: &Store,
    who: &Principal,
    request_id: Option<&str>,
) -> EmuResult<Option<Space>> {
    let Some(rid) = request_id else {
        return Ok(None);
    };
    match store.space_requests.get(rid) {
        Some(r) if r.caller != who.user_name() => Err(EmuError::already_exists(format!(
            "The requestId {rid:?} was already used by another caller."
        ))),
        Some(r) => Ok(store.spaces.get(&r.target).map(|s| space_view(s, false))),
        None => Ok(None),
    }
}

/// Records which space a requestId created, so a repeat returns it.
fn remember_request(ctx: &mut Ctx<'_>, request_id: Option<String>, space_id: String) {
    if let Some(rid) = request_id {
        let caller = ctx.who.user_name();
        ctx.store.space_requests.insert(
            rid,
            RequestRec {
                caller,
                target: space_id,
            },
        );
    }
}

/// The stored form of a new named space.
fn new_named_space(id: &str, display_name: String, input: &Space) -> EmuResult<Space> {
    if let Some(d) = &input.space_details {
        check_details(d)?;
    }
    let announcement = match &input.predefined_permission_settings {
        None | Some(PredefinedPermissionSettings::CollaborationSpace) => false,
        Some(PredefinedPermissionSettings::AnnouncementSpace) => true,
        Some(other) => {
            return Err(EmuError::invalid_field(
                "space.predefined_permission_settings",
                format!("{other} is not a valid predefinedPermissionSettings; use COLLABORATION_SPACE or ANNOUNCEMENT_SPACE."),
            ))
        }
    };
    let history = match &input.space_history_state {
        None => HistoryState::HistoryOn,
        Some(h @ (HistoryState::HistoryOn | HistoryState::HistoryOff)) => h.clone(),
        Some(other) => {
            return Err(EmuError::invalid_field(
                "space.space_history_state",
                format!("{other} is not a valid spaceHistoryState; use HISTORY_ON or HISTORY_OFF."),
            ))
        }
    };
    let mut access = json!({"accessState": "PRIVATE"});
    if let Some(audience) = input
        .access_settings
        .as_ref()
        .and_then(|a| a.get("audience"))
        .and_then(Value::as_str)
    {
        access["audience"] = json!(audience);
    }
    Ok(Space {
        name: Some(format!("spaces/{id}")),
        space_type: Some(SpaceType::Space),
        display_name: Some(display_name),
        space_details: input
            .space_details
            .clone()
            .filter(|d| *d != SpaceDetails::default()),
        external_user_allowed: input.external_user_allowed,
        space_threading_state: Some(SpaceThreadingState::ThreadedMessages),
        space_history_state: Some(history),
        access_settings: Some(access),
        permission_settings: Some(default_permissions(announcement)),
        customer: input.customer.clone(),
        ..Default::default()
    })
}

fn membership(
    user_id: &str,
    bot: bool,
    role: MembershipRole,
    state: MembershipState,
    t: chrono::DateTime<chrono::Utc>,
) -> MemberRec {
    MemberRec {
        user_id: user_id.to_string(),
        bot,
        role,
        state,
        create_time: t,
    }
}

pub fn create(ctx: &mut Ctx<'_>) -> EmuResult<Reply> {
    ctx.query.only(&["requestId"])?;
    let request_id = ctx.query.string("requestId").map(String::from);
    if let Some(existing) = replayed_space(ctx.store, ctx.who, request_id.as_deref())? {
        return reply(&existing);
    }
    let input: Space = parse_body(ctx.body, "space")?;
    if input.import_mode {
        return Err(EmuError::invalid_field(
            "space.import_mode",
            "Import mode spaces are not supported by this emulator.",
        ));
    }
    match input.space_type {
        Some(SpaceType::Space) => {}
        None | Some(SpaceType::Unspecified) => {
            return Err(EmuError::invalid_field(
                "space.space_type",
                "spaceType is required; spaces.create makes named spaces, so set it to SPACE.",
            ))
        }
        Some(other) => {
            return Err(EmuError::invalid_field(
                "space.space_type",
                format!("spaces.create can make only named spaces (SPACE) outside import mode, not {other}; use spaces.setup for group chats and direct messages."),
            ))
        }
    }
    if ctx.who.is_app() && input.customer.as_deref().is_none_or(str::is_empty) {
        return Err(EmuError::invalid_field(
            "space.customer",
            "With app authentication, space.customer is required (for example customers/my_customer).",
        ));
    }
    let name = check_display_name(input.display_name.as_deref())?;
    if name_taken(ctx.store, &name, None) {
        return Err(duplicate_name(&name));
    }
    let id = ctx.store.new_space_id();
    let stored = new_named_space(&id, name, &input)?;
    let mut rec = SpaceRec::new(stored, ctx.who.user_name());
    let t = rec.next_time(now());
    rec.space.create_time = Some(t);
    let creator = if ctx.who.is_app() {
        membership(
            ctx.who.id(),
            true,
            MembershipRole::Member,
            MembershipState::Joined,
            t,
        )
    } else {
        membership(
            ctx.who.id(),
            false,
            MembershipRole::Manager,
            MembershipState::Joined,
            t,
        )
    };
    rec.members.push(creator);
    let view = space_view(&rec, false);
    ctx.store.spaces.insert(id.clone(), rec);
    remember_request(ctx, request_id, id);
    reply(&view)
}

const SPACE_MASK_PATHS: &str = "display_name, space_details, space_type, space_history_state, access_settings.audience, permission_settings.*";

const PERMISSION_SETTINGS: &[&str] = &[
    "manage_members_and_groups",
    "modify_space_details",
    "toggle_history",
    "use_at_mention_all",
    "manage_apps",
    "manage_webhooks",
    "reply_messages",
    "post_messages",
    "view_space_membership",
];

fn camel(s: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for c in s.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.push(c.to_ascii_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

pub fn patch(ctx: &mut Ctx<'_>, id: &str) -> EmuResult<Reply> {
    ctx.query.only(&["updateMask", "useAdminAccess"])?;
    refuse_admin_access(ctx)?;
    let paths = update_mask(ctx.query)?;
    let input: Space = parse_body(ctx.body, "space")?;
    let rec = find_space(&ctx.store.spaces, ctx.who, id)?;
    let me = rec.member(ctx.who.id());
    if ctx.who.is_app() {
        if rec.creator != ctx.who.user_name() {
            return Err(EmuError::permission(
                "A Chat app can change only spaces it created.",
            ));
        }
    } else if !permitted(rec, "modifySpaceDetails", me) {
        return Err(EmuError::permission(
            "Only space managers can change this space's details.",
        ));
    }
    let is_manager = me.is_some_and(MemberRec::is_manager);
    let kind = rec.kind();

    for p in &paths {
        let ok = matches!(
            p.as_str(),
            "display_name"
                | "space_details"
                | "space_type"
                | "space_history_state"
                | "access_settings.audience"
        ) || p
            .strip_prefix("permission_settings.")
            .is_some_and(|s| PERMISSION_SETTINGS.contains(&s));
        if !ok {
            return Err(unsupported_mask(p, SPACE_MASK_PATHS));
        }
    }
    let has = |p: &str| paths.iter().any(|x| x == p);
    let alone = |p: &str| !has(p) || paths.len() == 1;
    if !alone("space_history_state") {
        return Err(EmuError::invalid_field(
            "update_mask",
            "space_history_state must be the only path in the update mask.",
        ));
    }
    if !alone("access_settings.audience") {
        return Err(EmuError::invalid_field(
            "update_mask",
            "access_settings.audience must be the only path in the update mask.",
        ));
    }
    let perm_paths = paths
        .iter()
        .filter(|p| p.starts_with("permission_settings."))
        .count();
    if perm_paths > 0 && perm_paths != paths.len() {
        return Err(EmuError::invalid_field(
            "update_mask",
            "permission_settings paths cannot be combined with other paths.",
        ));
    }
    if has("space_type") {
        let to = input.space_type.clone();
        if kind != SpaceType::GroupChat || to != Some(SpaceType::Space) || !has("display_name") {
            return Err(EmuError::invalid_field(
                "space.space_type",
                "Only a group chat can change type, only to SPACE, and only together with display_name.",
            ));
        }
    }
    let new_name = if has("display_name") {
        if kind != SpaceType::Space && !has("space_type") {
            return Err(EmuError::invalid_field(
                "space.display_name",
                "Only named spaces have a display name.",
            ));
        }
        let n = check_display_name(input.display_name.as_deref())?;
        if name_taken(ctx.store, &n, Some(id)) {
            return Err(duplicate_name(&n));
        }
        Some(n)
    } else {
        None
    };
    if has("space_details") {
        check_details(&input.space_details.clone().unwrap_or_default())?;
    }
    let history = if has("space_history_state") {
        match &input.space_history_state {
            Some(h @ (HistoryState::HistoryOn | HistoryState::HistoryOff)) => Some(h.clone()),
            _ => {
                return Err(EmuError::invalid_field(
                    "space.space_history_state",
                    "spaceHistoryState must be HISTORY_ON or HISTORY_OFF.",
                ))
            }
        }
    } else {
        None
    };
    if has("access_settings.audience") && (ctx.who.is_app() || !is_manager) {
        return Err(EmuError::permission(
            "Only a space manager, with user authentication, can change the audience.",
        ));
    }

    let rec = find_space_mut(&mut ctx.store.spaces, ctx.who, id)?;
    if has("space_type") {
        rec.space.space_type = Some(SpaceType::Space);
        rec.space.space_threading_state = Some(SpaceThreadingState::ThreadedMessages);
        rec.space.permission_settings = Some(default_permissions(false));
        rec.space.access_settings = Some(json!({"accessState": "PRIVATE"}));
    }
    if let Some(n) = new_name {
        rec.space.display_name = Some(n);
    }
    if has("space_details") {
        // Both fields are replaced: one left out is cleared.
        rec.space.space_details = input
            .space_details
            .clone()
            .filter(|d| *d != SpaceDetails::default());
    }
    if let Some(h) = history {
        rec.space.space_history_state = Some(h);
    }
    if has("access_settings.audience") {
        let audience = input
            .access_settings
            .as_ref()
            .and_then(|a| a.get("audience"))
            .cloned();
        let access = rec
            .space
            .access_settings
            .get_or_insert_with(|| json!({"accessState": "PRIVATE"}));
        match audience {
            Some(a) if a.is_string() => access["audience"] = a,
            _ => {
                if let Some(o) = access.as_object_mut() {
                    o.remove("audience");
                }
            }
        }
    }
    for p in paths
        .iter()
        .filter_map(|p| p.strip_prefix("permission_settings."))
    {
        let key = camel(p);
        let value = input
            .permission_settings
            .as_ref()
            .and_then(|s| s.get(&key))
            .cloned()
            .unwrap_or_else(|| json!({}));
        if !value.is_object() {
            return Err(EmuError::invalid_field(
                &format!("space.permission_settings.{key}"),
                "A permission setting is an object with managersAllowed / membersAllowed.",
            ));
        }
        let settings = rec
            .space
            .permission_settings
            .get_or_insert_with(|| json!({}));
        settings[key] = value;
    }
    reply(&space_view(rec, false))
}

pub fn delete(ctx: &mut Ctx<'_>, id: &str) -> EmuResult<Reply> {
    ctx.query.only(&["useAdminAccess"])?;
    refuse_admin_access(ctx)?;
    let rec = find_space(&ctx.store.spaces, ctx.who, id)?;
    if ctx.who.is_app() {
        if rec.creator != ctx.who.user_name() {
            return Err(EmuError::permission(
                "A Chat app can delete only spaces it created.",
            ));
        }
    } else if !rec.member(ctx.who.id()).is_some_and(MemberRec::is_manager) {
        return Err(EmuError::permission(
            "Only space managers can delete a space.",
        ));
    }
    // Its members, messages and threads go with it.
    ctx.store.spaces.remove(id);
    reply(&Empty {})
}

/// A `users/...` member of a setup request, resolved to a person's id.
fn setup_member(dir: &mut Directory, m: &Membership, caller: &str) -> EmuResult<String> {
    if let Some(g) = &m.group_member {
        return Err(EmuError::not_found(format!(
            "Google Group {} not found.",
            g.name.as_deref().unwrap_or("(unnamed)")
        )));
    }
    let user = m.member.as_ref().ok_or_else(malformed_user)?;
    let r = UserRef::parse(user.name.as_deref().unwrap_or("")).map_err(|_| malformed_user())?;
    let only_people = || {
        EmuError::invalid_field(
            "memberships.member",
            "spaces.setup adds people only; for a DM with the calling app set singleUserBotDm and list no memberships.",
        )
    };
    if user.user_type == Some(UserType::Bot) {
        return Err(only_people());
    }
    let id = match r {
        UserRef::App => return Err(only_people()),
        UserRef::Id(id) if dir.is_app(&id) => return Err(only_people()),
        UserRef::Id(id) => id,
        UserRef::Email(e) => dir.resolve_email(&e),
    };
    if id == caller {
        return Err(EmuError::invalid_field(
            "memberships",
            "The caller is added automatically and must not be listed in memberships.",
        ));
    }
    Ok(id)
}

pub fn malformed_user() -> EmuError {
    EmuError::invalid_field(
        "membership.member.name",
        "Missing or malformed user resource name in the request. Human user resource name must follow this format: users/{user}. App user resource name must be set as users/app.",
    )
}

/// The DM between two parties, if there is one.
fn find_dm<'a>(store: &'a Store, a: &str, b: &str, with_app: bool) -> Option<&'a SpaceRec> {
    // A DM is between two different parties: with `a == b` any of `a`'s DMs would match.
    if a == b {
        return None;
    }
    store.spaces.values().find(|s| {
        s.kind() == SpaceType::DirectMessage
            && s.space.single_user_bot_dm == with_app
            && s.members.len() == 2
            && s.member(a).is_some()
            && s.member(b).is_some()
    })
}

pub fn setup(ctx: &mut Ctx<'_>) -> EmuResult<Reply> {
    ctx.query.only(&[])?;
    if ctx.who.is_app() {
        return Err(EmuError::permission(
            "spaces.setup supports only user authentication.",
        ));
    }
    let req: SetUpSpaceRequest = parse_body(ctx.body, "set_up_space_request")?;
    if let Some(existing) = replayed_space(ctx.store, ctx.who, req.request_id.as_deref())? {
        return reply(&existing);
    }
    let input = req
        .space
        .clone()
        .ok_or_else(|| EmuError::invalid_field("space", "The space to set up is required."))?;
    if req.memberships.len() > MAX_SETUP_MEMBERS {
        return Err(EmuError::invalid_field(
            "memberships",
            format!("At most {MAX_SETUP_MEMBERS} memberships besides the caller can be given."),
        ));
    }
    let caller = ctx.who.id().to_string();
    let mut ids: Vec<String> = Vec::new();
    for m in &req.memberships {
        let id = setup_member(&mut ctx.store.directory, m, &caller)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let kind = input.kind();
    let (stored, with_app) = match kind {
        SpaceType::Space => {
            let name = check_display_name(input.display_name.as_deref())?;
            if name_taken(ctx.store, &name, None) {
                return Err(duplicate_name(&name));
            }
            let id = ctx.store.new_space_id();
            (new_named_space(&id, name, &input)?, false)
        }
        SpaceType::GroupChat => {
            if input.display_name.as_deref().is_some_and(|n| !n.is_empty()) {
                return Err(EmuError::invalid_field(
                    "space.display_name",
                    "Group chats have no displayName.",
                ));
            }
            if ids.len() < 2 {
                return Err(EmuError::invalid_field(
                    "memberships",
                    "A group chat needs at least two other people.",
                ));
            }
            let id = ctx.store.new_space_id();
            (conversation(&id, SpaceType::GroupChat, false), false)
        }
        SpaceType::DirectMessage => {
            if input.single_user_bot_dm {
                if !ids.is_empty() {
                    return Err(EmuError::invalid_field(
                        "memberships",
                        "A DM with the calling app lists no memberships.",
                    ));
                }
            } else if ids.len() != 1 {
                return Err(EmuError::invalid_field(
                    "memberships",
                    "A direct message between people lists exactly one other person.",
                ));
            }
            let app = ctx.store.directory.primary_app.clone();
            let other = if input.single_user_bot_dm {
                app
            } else {
                ids[0].clone()
            };
            // An existing DM is returned rather than duplicated.
            if let Some(existing) = find_dm(ctx.store, &caller, &other, input.single_user_bot_dm) {
                return reply(&space_view(existing, false));
            }
            let id = ctx.store.new_space_id();
            (
                conversation(&id, SpaceType::DirectMessage, input.single_user_bot_dm),
                input.single_user_bot_dm,
            )
        }
        other => {
            return Err(EmuError::invalid_field(
                "space.space_type",
                format!("spaceType must be SPACE, GROUP_CHAT or DIRECT_MESSAGE, not {other}."),
            ))
        }
    };
    let mut rec = SpaceRec::new(stored, ctx.who.user_name());
    let t = rec.next_time(now());
    rec.space.create_time = Some(t);
    let named = kind == SpaceType::Space;
    let caller_role = if named {
        MembershipRole::Manager
    } else {
        MembershipRole::Member
    };
    rec.members.push(membership(
        &caller,
        false,
        caller_role,
        MembershipState::Joined,
        t,
    ));
    if with_app {
        let app = ctx.store.directory.primary_app.clone();
        rec.members.push(membership(
            &app,
            true,
            MembershipRole::Member,
            MembershipState::Joined,
            t,
        ));
    }
    for id in ids {
        let p = ctx.store.directory.people.get(&id);
        let joins = !named || p.is_none_or(|p| p.auto_accept);
        let state = if joins {
            MembershipState::Joined
        } else {
            MembershipState::Invited
        };
        rec.members
            .push(membership(&id, false, MembershipRole::Member, state, t));
    }
    let view = space_view(&rec, false);
    let id = rec.id().to_string();
    ctx.store.spaces.insert(id.clone(), rec);
    remember_request(ctx, req.request_id, id);
    reply(&view)
}

/// A group chat or DM: no name, no roles, grouped threads.
fn conversation(id: &str, kind: SpaceType, with_app: bool) -> Space {
    Space {
        name: Some(format!("spaces/{id}")),
        space_type: Some(kind),
        single_user_bot_dm: with_app,
        space_threading_state: Some(SpaceThreadingState::GroupedMessages),
        space_history_state: Some(HistoryState::HistoryOn),
        ..Default::default()
    }
}

pub fn find_direct_message(ctx: &mut Ctx<'_>) -> EmuResult<Reply> {
    ctx.query.only(&["name"])?;
    let raw = ctx.query.string("name").ok_or_else(|| {
        EmuError::invalid_field("name", "name is required: the user, as users/{user}.")
    })?;
    let r = UserRef::parse(raw).map_err(|_| malformed_user())?;
    let target = match r {
        UserRef::Id(id) => id,
        UserRef::Email(e) => {
            if ctx.who.is_app() {
                return Err(EmuError::invalid_field(
                    "name",
                    "An email alias can be used here only with user authentication.",
                ));
            }
            match ctx.store.directory.person_by_email(&e) {
                Some(p) => p.id.clone(),
                None => return Err(no_dm(raw)),
            }
        }
        UserRef::App => {
            return Err(EmuError::invalid_field(
                "name",
                "findDirectMessage takes a person, not users/app.",
            ))
        }
    };
    if target == ctx.who.id() {
        return Err(EmuError::invalid_field(
            "name",
            "findDirectMessage finds a DM with another user; the name is the caller's own.",
        ));
    }
    let found = find_dm(ctx.store, ctx.who.id(), &target, ctx.who.is_app());
    match found {
        Some(s) if s.member(ctx.who.id()).is_some() => reply(&space_view(s, false)),
        _ => Err(no_dm(raw)),
    }
}

fn no_dm(user: &str) -> EmuError {
    EmuError::not_found(format!("No direct message with {user} exists."))
}
