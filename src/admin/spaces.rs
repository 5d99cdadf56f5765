//! `gchat spaces ...`

use serde::Serialize;

use super::args::SpacesCmd;
use super::bulk::patiently;
use super::exit::{Exit, Failure};
use super::output::{self, local_time, Format, Table};
use super::{digest, parse_who, space_kind, space_label, space_name, would, Ctx};
use std::collections::HashMap;

use crate::api::model::{Membership, SetUpSpaceRequest, Space, SpaceDetails, SpaceType, User};
use crate::api::{Client, ListMembers, SpaceName};

pub async fn run(ctx: &mut Ctx, cmd: SpacesCmd) -> Result<Exit, Failure> {
    match cmd {
        SpacesCmd::ReadState { space, mark_read } => {
            super::sync::read_state(ctx, &space, mark_read).await
        }
        SpacesCmd::Mute { space } => super::sync::mute(ctx, &space, true).await,
        SpacesCmd::Unmute { space } => super::sync::mute(ctx, &space, false).await,
        SpacesCmd::List { filter, limit } => list(ctx, filter.as_deref(), limit).await,
        SpacesCmd::Get { space } => {
            let s = ctx.space(&space).await?;
            show(ctx, &s)
        }
        SpacesCmd::Create {
            name,
            description,
            guidelines,
            external,
            request_id,
        } => {
            let details = (description.is_some() || guidelines.is_some()).then(|| SpaceDetails {
                description: description.clone(),
                guidelines: guidelines.clone(),
            });
            let space = Space {
                space_type: Some(SpaceType::Space),
                display_name: Some(name.clone()),
                space_details: details,
                external_user_allowed: external,
                ..Default::default()
            };
            let rid = request_id.unwrap_or_else(|| {
                let d = digest(&[
                    "spaces.create",
                    &name,
                    description.as_deref().unwrap_or(""),
                    guidelines.as_deref().unwrap_or(""),
                    if external { "external" } else { "" },
                ]);
                format!("gchat-{}", &d[..32])
            });
            if ctx.dry_run {
                return would(
                    ctx,
                    &format!("create the space {name:?} (request id {rid})"),
                );
            }
            let started = chrono::Utc::now();
            let made = patiently(|| ctx.client.create_space(&space, Some(&rid)))
                .await
                .map_err(|e| Failure::api(&format!("creating {name:?}"), &e))?;
            // The same request id answers the space an earlier run made: say so, rather
            // than let a re-run look like a creation.
            if made.create_time.is_some_and(|t| t < started) {
                say_errln!(
                    "gchat: {} already existed (made earlier with request id {rid}); nothing was changed.",
                    output::clean(&space_label(&made))
                );
            }
            show(ctx, &made)
        }
        SpacesCmd::Update {
            space,
            name,
            description,
            guidelines,
        } => {
            if name.is_none() && description.is_none() && guidelines.is_none() {
                return Err(Failure::usage(
                    "nothing to change: give --name, --description or --guidelines.",
                ));
            }
            let current = ctx.space(&space).await?;
            let sname = space_name(&current)?;
            let mut mask = Vec::new();
            let mut patch = Space::default();
            if let Some(n) = &name {
                mask.push("displayName");
                patch.display_name = Some(n.clone());
            }
            if description.is_some() || guidelines.is_some() {
                // spaceDetails is replaced whole: keep the part not being changed.
                let old = current.space_details.clone().unwrap_or_default();
                mask.push("spaceDetails");
                patch.space_details = Some(SpaceDetails {
                    description: description.clone().or(old.description),
                    guidelines: guidelines.clone().or(old.guidelines),
                });
            }
            if ctx.dry_run {
                return would(
                    ctx,
                    &format!(
                        "update {} of {} ({sname})",
                        mask.join(", "),
                        output::clean(&space_label(&current))
                    ),
                );
            }
            let s = ctx
                .client
                .patch_space(&sname, &patch, &mask.join(","))
                .await
                .map_err(|e| Failure::api(sname.as_ref(), &e))?;
            show(ctx, &s)
        }
        SpacesCmd::Delete { space } => {
            let s = ctx.space(&space).await?;
            let sname = space_name(&s)?;
            let label = output::clean(&space_label(&s));
            if ctx.dry_run {
                return would(ctx, &format!("delete {label} ({sname}) with its messages"));
            }
            ctx.confirm(&format!("delete {label} ({sname}) with all its messages"))?;
            ctx.client
                .delete_space(&sname)
                .await
                .map_err(|e| Failure::api(sname.as_ref(), &e))?;
            done(ctx, "deleted", &s)
        }
        SpacesCmd::FindDm { user } => {
            let who = parse_who(&user).map_err(Failure::usage)?;
            let s = ctx
                .client
                .find_direct_message(&who)
                .await
                .map_err(|e| Failure::api(&format!("the DM with {who}"), &e))?;
            show(ctx, &s)
        }
        SpacesCmd::Setup {
            members,
            name,
            description,
            request_id,
        } => setup(ctx, members, name, description, request_id).await,
    }
}

/// A one-line report of a change, or the resource as JSON.
fn done(ctx: &Ctx, verb: &str, s: &Space) -> Result<Exit, Failure> {
    match ctx.format {
        Format::Table => output::print(&format!(
            "{verb} {} ({})\n",
            output::clean(&space_label(s)),
            s.name.as_deref().unwrap_or("")
        ))?,
        f => output::json(s, f == Format::Json)?,
    }
    Ok(Exit::Ok)
}

async fn list(ctx: &mut Ctx, filter: Option<&str>, limit: Option<usize>) -> Result<Exit, Failure> {
    let spaces = ctx.all_spaces(filter, limit).await?;
    match ctx.format {
        Format::Json => {
            #[derive(Serialize)]
            struct Doc<'a> {
                spaces: &'a [Space],
            }
            output::json(&Doc { spaces: &spaces }, true)?;
        }
        Format::Jsonl => {
            for s in &spaces {
                output::json(s, false)?;
            }
        }
        Format::Table => {
            let named = name_by_members(ctx, &spaces).await;
            let mut t = Table::new(&["NAME", "TYPE", "MEMBERS", "LAST ACTIVE", "SPACE"]);
            for s in &spaces {
                let by_members = s.name.as_deref().and_then(|n| named.get(n)).cloned();
                t.row(vec![
                    by_members.unwrap_or_else(|| space_label(s)),
                    space_kind(s).into(),
                    s.membership_count
                        .as_ref()
                        .map(|c| c.joined_direct_human_user_count.to_string())
                        .unwrap_or_default(),
                    local_time(s.last_active_time.as_ref()),
                    s.name.clone().unwrap_or_default(),
                ]);
            }
            output::print(&t.render())?;
        }
    }
    Ok(Exit::Ok)
}

/// Names for direct messages and group chats that have none: the people in them other
/// than the caller, as the Chat app shows them. One members.list per such space; one
/// that fails keeps its kind as its name.
async fn name_by_members(ctx: &mut Ctx, spaces: &[Space]) -> HashMap<String, String> {
    let mut found: Vec<(String, Vec<User>)> = Vec::new();
    for s in spaces {
        let unnamed = s
            .display_name
            .as_deref()
            .is_none_or(|d| d.trim().is_empty());
        let chat = matches!(
            s.space_type,
            Some(SpaceType::DirectMessage | SpaceType::GroupChat)
        );
        let Some(name) = s.name.as_deref().filter(|_| unnamed && chat) else {
            continue;
        };
        let Ok(sname) = SpaceName::parse(name) else {
            continue;
        };
        let p = ListMembers {
            page_size: Some(20),
            ..Default::default()
        };
        let Ok(page) = ctx.client.list_members(&sname, &p).await else {
            continue;
        };
        let others: Vec<User> = page
            .memberships
            .into_iter()
            .filter_map(|m| m.member)
            .filter(|u| u.name.is_none() || u.name != ctx.me)
            .collect();
        found.push((name.to_string(), others));
    }
    ctx.learn_people(found.iter().flat_map(|(_, us)| us.iter()))
        .await;
    let mut out = HashMap::new();
    for (space, users) in found {
        let mut names: Vec<String> = users.iter().map(|u| ctx.user_label(u)).collect();
        names.retain(|n| !n.is_empty());
        names.sort_by(|a, b| crate::natural::cmp(a, b));
        if !names.is_empty() {
            out.insert(space, output::excerpt(&names.join(", "), 40));
        }
    }
    out
}

/// One space: its fields as a two-column table, or the resource as JSON.
pub(super) fn show(ctx: &Ctx, s: &Space) -> Result<Exit, Failure> {
    match ctx.format {
        Format::Table => {
            let mut t = Table::new(&["FIELD", "VALUE"]);
            let details = s.space_details.clone().unwrap_or_default();
            let rows: Vec<(&str, String)> = vec![
                ("Name", space_label(s)),
                ("Space", s.name.clone().unwrap_or_default()),
                ("Type", space_kind(s).into()),
                ("Description", details.description.unwrap_or_default()),
                ("Guidelines", details.guidelines.unwrap_or_default()),
                (
                    "Members",
                    s.membership_count
                        .as_ref()
                        .map(|c| c.joined_direct_human_user_count.to_string())
                        .unwrap_or_default(),
                ),
                (
                    "External",
                    if s.external_user_allowed {
                        "allowed"
                    } else {
                        "not allowed"
                    }
                    .into(),
                ),
                ("Created", local_time(s.create_time.as_ref())),
                ("Last active", local_time(s.last_active_time.as_ref())),
                ("Web", crate::api::web::space_url(s).unwrap_or_default()),
            ];
            for (k, v) in rows {
                if !v.is_empty() {
                    t.row(vec![k.into(), v]);
                }
            }
            output::print(&t.render())?;
        }
        f => output::json(s, f == Format::Json)?,
    }
    Ok(Exit::Ok)
}

async fn setup(
    ctx: &mut Ctx,
    members: Vec<String>,
    name: Option<String>,
    description: Option<String>,
    request_id: Option<String>,
) -> Result<Exit, Failure> {
    let mut who = Vec::new();
    for m in members.iter().map(|m| m.trim()).filter(|m| !m.is_empty()) {
        who.push(parse_who(m).map_err(|e| Failure::usage(format!("{m:?}: {e}")))?);
    }
    if who.is_empty() && name.is_none() {
        return Err(Failure::usage(
            "give --members (and --name for a named space).",
        ));
    }
    let space_type = match (&name, who.len()) {
        (Some(_), _) => SpaceType::Space,
        (None, 1) => SpaceType::DirectMessage,
        (None, _) => SpaceType::GroupChat,
    };
    let space = Space {
        space_type: Some(space_type.clone()),
        display_name: name.clone(),
        space_details: description.clone().map(|d| SpaceDetails {
            description: Some(d),
            guidelines: None,
        }),
        ..Default::default()
    };
    let memberships: Vec<Membership> = who.iter().map(Client::membership_for).collect();
    let mut parts: Vec<String> = who.iter().map(|w| w.to_string()).collect();
    parts.sort();
    parts.insert(0, name.clone().unwrap_or_default());
    parts.insert(0, "spaces.setup".into());
    let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
    let rid = request_id.unwrap_or_else(|| format!("gchat-{}", &digest(&refs)[..32]));
    let req = SetUpSpaceRequest {
        space: Some(space),
        request_id: Some(rid.clone()),
        memberships,
    };
    if ctx.dry_run {
        let kind = match space_type {
            SpaceType::Space => format!("the space {:?}", name.unwrap_or_default()),
            SpaceType::DirectMessage => "a direct message".into(),
            _ => "a group chat".into(),
        };
        let people: Vec<String> = who.iter().map(|w| w.to_string()).collect();
        return would(
            ctx,
            &format!(
                "set up {kind} with {} (request id {rid})",
                people.join(", ")
            ),
        );
    }
    let s = patiently(|| ctx.client.setup_space(&req))
        .await
        .map_err(|e| Failure::api("setting up the space", &e))?;
    show(ctx, &s)
}
