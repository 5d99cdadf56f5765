//! `gchat members ...`

use serde::Serialize;

use super::args::{MembersCmd, Role};
use super::bulk::{patiently, Outcome, Report};
use super::exit::{Exit, Failure};
use super::output::{self, local_time, Format, Table};
use super::targets::{self, MEMBER_COLUMNS};
use super::{pages, parse_who, space_label, Ctx};
use crate::api::model::{Membership, MembershipRole, MembershipState, UserType};
use crate::api::{ApiError, Client, ListMembers, MembershipName, SpaceName};

pub async fn run(ctx: &mut Ctx, cmd: MembersCmd) -> Result<Exit, Failure> {
    match cmd {
        MembersCmd::List {
            space,
            invited,
            filter,
            limit,
        } => list(ctx, &space, invited, filter, limit).await,
        MembersCmd::Add {
            space,
            who,
            from,
            role,
        } => {
            let who = targets::collect(&who, from.from.as_deref(), MEMBER_COLUMNS)?;
            add(ctx, &space, who, role).await
        }
        MembersCmd::Remove { space, who, from } => {
            let who = targets::collect(&who, from.from.as_deref(), MEMBER_COLUMNS)?;
            remove(ctx, &space, who).await
        }
        MembersCmd::Role { space, mut args } => {
            let role = args.pop().unwrap_or_default();
            let role = match role.to_ascii_lowercase().as_str() {
                "manager" | "role_manager" => Role::Manager,
                "member" | "role_member" => Role::Member,
                other => {
                    return Err(Failure::usage(format!(
                        "the last argument is the role, manager or member (not {:?}).",
                        output::clean(other)
                    )))
                }
            };
            role_change(ctx, &space, args, role).await
        }
    }
}

fn sname(s: &crate::api::model::Space) -> Result<SpaceName, Failure> {
    SpaceName::parse(s.name.as_deref().unwrap_or("")).map_err(|e| {
        Failure::other(format!(
            "the server answered a space without a valid name: {e}."
        ))
    })
}

/// Whom a dry run names: the email as typed (`users/EMAIL` is the API's spelling, not
/// the person's), else the resource name.
fn shown_who(typed: &str, user: &crate::api::UserRef) -> String {
    let typed = typed.trim();
    let email = typed.strip_prefix("users/").unwrap_or(typed);
    if email.contains('@') {
        email.to_string()
    } else {
        user.to_string()
    }
}

fn role_word(r: Option<&MembershipRole>) -> &'static str {
    match r {
        Some(MembershipRole::Manager) => "manager",
        Some(MembershipRole::AssistantManager) => "assistant manager",
        Some(MembershipRole::Member) => "member",
        _ => "",
    }
}

fn state_word(s: Option<&MembershipState>) -> &'static str {
    match s {
        Some(MembershipState::Joined) => "joined",
        Some(MembershipState::Invited) => "invited",
        Some(MembershipState::NotAMember) => "not a member",
        _ => "",
    }
}

async fn list(
    ctx: &mut Ctx,
    space: &str,
    invited: bool,
    filter: Option<String>,
    limit: Option<usize>,
) -> Result<Exit, Failure> {
    let s = ctx.space(space).await?;
    let name = sname(&s)?;
    let client = &ctx.client;
    let what = format!("members of {name}");
    let all: Vec<Membership> = pages::all("members", limit, |page_size, page_token| {
        let p = ListMembers {
            page_size: Some(page_size),
            page_token,
            filter: filter.clone(),
            show_invited: invited,
            show_groups: false,
        };
        let (name, what) = (&name, &what);
        async move {
            let page = client
                .list_members(name, &p)
                .await
                .map_err(|e| Failure::api(what, &e))?;
            Ok((page.memberships, page.next_page_token))
        }
    })
    .await?;
    match ctx.format {
        Format::Json => {
            #[derive(Serialize)]
            struct Doc<'a> {
                memberships: &'a [Membership],
            }
            output::json(&Doc { memberships: &all }, true)?;
        }
        Format::Jsonl => {
            for m in &all {
                output::json(m, false)?;
            }
        }
        Format::Table => {
            ctx.learn_people(all.iter().filter_map(|m| m.member.as_ref()))
                .await;
            let mut t = Table::new(&["NAME", "EMAIL", "ROLE", "STATE", "SINCE", "USER"]);
            for m in &all {
                let (label, email, user) = match &m.member {
                    Some(u) => {
                        let mut label = ctx.user_label(u);
                        if u.user_type == Some(UserType::Bot) {
                            label.push_str(" (app)");
                        }
                        (label, ctx.user_email(u), u.name.clone().unwrap_or_default())
                    }
                    None => (
                        m.group_member
                            .as_ref()
                            .and_then(|g| g.name.clone())
                            .unwrap_or_default(),
                        String::new(),
                        String::new(),
                    ),
                };
                t.row(vec![
                    label,
                    email,
                    role_word(m.role.as_ref()).into(),
                    state_word(m.state.as_ref()).into(),
                    local_time(m.create_time.as_ref()),
                    user,
                ]);
            }
            output::print(&t.render())?;
        }
    }
    Ok(Exit::Ok)
}

fn no_targets(verb: &str) -> Failure {
    Failure::usage(format!(
        "no one to {verb}: name people (users/ID, an id, an email or app) or give --from FILE."
    ))
}

async fn add(
    ctx: &mut Ctx,
    space: &str,
    who: Vec<String>,
    role: Option<Role>,
) -> Result<Exit, Failure> {
    if who.is_empty() {
        return Err(no_targets("add"));
    }
    let s = ctx.space(space).await?;
    let name = sname(&s)?;
    let mut report = Report::new(ctx.format, "members");
    for w in &who {
        let user = match parse_who(w) {
            Ok(u) => u,
            Err(e) => {
                report.add(Outcome::failed(w, "invalid", Exit::Usage, e))?;
                continue;
            }
        };
        if ctx.dry_run {
            let as_role = if role == Some(Role::Manager) {
                " as a manager"
            } else {
                ""
            };
            report.add(Outcome::ok(
                w,
                &format!(
                    "would add {} to {}{as_role}",
                    shown_who(w, &user),
                    space_label(&s)
                ),
            ))?;
            continue;
        }
        let body = Client::membership_for(&user);
        let mut o = match patiently(|| ctx.client.create_member(&name, &body)).await {
            Ok(m) => {
                let mut o = Outcome::ok(w, state_word(m.state.as_ref()));
                o.membership = Some(m);
                o
            }
            Err(e) if e.code() == Some(409) => {
                let what = if e.to_string().contains("invited") {
                    "already invited"
                } else {
                    "already a member"
                };
                let mut o = Outcome::ok(w, what);
                // The membership as it stands, for its name (and the JSON).
                if let Ok(m) = ctx
                    .client
                    .get_member(&MembershipName::new(&name, user.clone()))
                    .await
                {
                    o.membership = Some(m);
                }
                o
            }
            // The answer was lost (a dropped connection, a garbled reply, a server
            // error): the server may have added them anyway. Ask, and report what holds.
            Err(e) if e.is_retryable() || matches!(e, ApiError::Decode(_)) => {
                match ctx
                    .client
                    .get_member(&MembershipName::new(&name, user.clone()))
                    .await
                {
                    Ok(m) if m.state.is_some() && m.state != Some(MembershipState::NotAMember) => {
                        let mut o = Outcome::ok(w, state_word(m.state.as_ref()));
                        o.membership = Some(m);
                        o
                    }
                    _ => Outcome::from_error(w, &e),
                }
            }
            Err(e) => Outcome::from_error(w, &e),
        };
        if o.ok && role == Some(Role::Manager) {
            let mname = o
                .membership
                .as_ref()
                .and_then(|m| m.name.as_deref())
                .and_then(|n| MembershipName::parse(n).ok())
                .unwrap_or_else(|| MembershipName::new(&name, user.clone()));
            match patiently(|| ctx.client.set_member_role(&mname, MembershipRole::Manager)).await {
                Ok(m) => {
                    o.outcome = format!("{}, manager", o.outcome);
                    o.membership = Some(m);
                }
                Err(e) => {
                    let f = Outcome::from_error(w, &e);
                    o.ok = false;
                    o.exit = f.exit;
                    o.detail = Some(format!(
                        "not made a manager: {}",
                        f.detail.unwrap_or_default()
                    ));
                }
            }
        }
        report.add(o)?;
    }
    name_members(ctx, &mut report).await;
    report.finish(&["WHO", "NAME", "OUTCOME"])
}

/// Fills in display names for the table.
async fn name_members(ctx: &mut Ctx, report: &mut Report) {
    if ctx.format != Format::Table {
        return;
    }
    let users: Vec<_> = report
        .items()
        .iter()
        .filter_map(|o| o.membership.as_ref().and_then(|m| m.member.clone()))
        .collect();
    ctx.learn_people(users.iter()).await;
    for o in report.items_mut() {
        if let Some(u) = o.membership.as_ref().and_then(|m| m.member.as_ref()) {
            o.display = Some(ctx.user_label(u));
        }
    }
}

async fn remove(ctx: &mut Ctx, space: &str, who: Vec<String>) -> Result<Exit, Failure> {
    if who.is_empty() {
        return Err(no_targets("remove"));
    }
    let s = ctx.space(space).await?;
    let name = sname(&s)?;
    if !ctx.dry_run {
        let whom = if who.len() == 1 {
            output::clean(&who[0])
        } else {
            format!("{} people", who.len())
        };
        ctx.confirm(&format!(
            "remove {whom} from {} ({name})",
            output::clean(&space_label(&s))
        ))?;
    }
    let mut report = Report::new(ctx.format, "members");
    for w in &who {
        let user = match parse_who(w) {
            Ok(u) => u,
            Err(e) => {
                report.add(Outcome::failed(w, "invalid", Exit::Usage, e))?;
                continue;
            }
        };
        let mname = MembershipName::new(&name, user.clone());
        if ctx.dry_run {
            // Reading the membership changes nothing, and names the person as a real run
            // would (or says there is no one to remove).
            let now = ctx.client.get_member(&mname).await.ok();
            let mut o = match &now {
                Some(m) if m.state.is_some() && m.state != Some(MembershipState::NotAMember) => {
                    Outcome::ok(
                        w,
                        &format!(
                            "would remove {} from {}",
                            shown_who(w, &user),
                            space_label(&s)
                        ),
                    )
                }
                _ => Outcome::ok(w, "not a member: nothing to remove"),
            };
            o.membership = now;
            report.add(o)?;
            continue;
        }
        let o = match patiently(|| ctx.client.delete_member(&mname)).await {
            Ok(m) => {
                let mut o = Outcome::ok(w, "removed");
                o.membership = Some(m);
                o
            }
            // Removing someone who is not there leaves the space as asked (a re-run).
            Err(e) if e.code() == Some(404) => {
                let mut o = Outcome::ok(w, "not a member");
                o.detail = Some(super::exit::sentence(&e.to_string()));
                o
            }
            Err(e) => Outcome::from_error(w, &e),
        };
        report.add(o)?;
    }
    name_members(ctx, &mut report).await;
    report.finish(&["WHO", "NAME", "OUTCOME"])
}

async fn role_change(
    ctx: &mut Ctx,
    space: &str,
    who: Vec<String>,
    role: Role,
) -> Result<Exit, Failure> {
    let s = ctx.space(space).await?;
    let name = sname(&s)?;
    let (api_role, word) = match role {
        Role::Manager => (MembershipRole::Manager, "manager"),
        Role::Member => (MembershipRole::Member, "member"),
    };
    let mut report = Report::new(ctx.format, "members");
    for w in &who {
        let user = match parse_who(w) {
            Ok(u) => u,
            Err(e) => {
                report.add(Outcome::failed(w, "invalid", Exit::Usage, e))?;
                continue;
            }
        };
        if ctx.dry_run {
            report.add(Outcome::ok(w, &format!("would make {user} a {word}")))?;
            continue;
        }
        let mname = MembershipName::new(&name, user);
        let o = match patiently(|| ctx.client.set_member_role(&mname, api_role.clone())).await {
            Ok(m) => {
                let mut o = Outcome::ok(w, word);
                o.membership = Some(m);
                o
            }
            Err(e) => Outcome::from_error(w, &e),
        };
        report.add(o)?;
    }
    name_members(ctx, &mut report).await;
    report.finish(&["WHO", "NAME", "OUTCOME"])
}
