//! `gchat search`, `gchat sections ...` and `gchat spaces read-state|mute|unmute`: the
//! state the user shares with their other Chat clients.

use chrono::Utc;
use serde::Serialize;

use super::args::{SearchArgs, SectionsCmd};
use super::exit::{Exit, Failure};
use super::output::{self, local_time, Format, Table};
use super::pages::next_page;
use super::{space_label, Ctx};
use super::{space_name, would};
use crate::api::client::created_after;
use crate::api::model::{Message, Space};
use crate::api::sync_client::search_phrase;
use crate::api::sync_model::*;
use crate::api::sync_name::{SectionItemName, SectionName};
use crate::api::ListMessages;

/// The label of a section: its display name, or what a default section holds.
fn section_label(s: &Section) -> String {
    match (&s.display_name, &s.section_type) {
        (Some(d), _) if !d.is_empty() => d.clone(),
        (_, Some(SectionType::DefaultDirectMessages)) => "Direct messages".into(),
        (_, Some(SectionType::DefaultSpaces)) => "Spaces".into(),
        (_, Some(SectionType::DefaultApps)) => "Apps".into(),
        _ => s.name.clone().unwrap_or_default(),
    }
}

fn section_name(s: &Section) -> Result<SectionName, Failure> {
    SectionName::parse(s.name.as_deref().unwrap_or("")).map_err(|e| {
        Failure::other(format!(
            "the server answered a section without a valid name: {e}."
        ))
    })
}

pub async fn read_state(ctx: &mut Ctx, space: &str, mark_read: bool) -> Result<Exit, Failure> {
    let s = ctx.space(space).await?;
    let sname = space_name(&s)?;
    let label = space_label(&s);
    if mark_read && ctx.dry_run {
        return would(
            ctx,
            &format!("mark {} ({sname}) read", output::clean(&label)),
        );
    }
    let state = if mark_read {
        // Any time after the latest message marks it all read: the server moves it back
        // to that message's time.
        ctx.client.update_space_read_state(&sname, Utc::now()).await
    } else {
        ctx.client.get_space_read_state(&sname).await
    }
    .map_err(|e| Failure::api(sname.as_ref(), &e))?;
    let mut p = ListMessages::default().with_page_size(1000);
    if let Some(t) = &state.last_read_time {
        p = p.with_filter(created_after(t));
    }
    let unread = ctx
        .client
        .list_all_messages(&sname, &p)
        .await
        .map_err(|e| Failure::api(sname.as_ref(), &e))?
        .iter()
        .filter(|m| !m.thread_reply)
        .count();
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Doc<'a> {
        space: String,
        #[serde(flatten)]
        state: &'a SpaceReadState,
        unread: usize,
    }
    match ctx.format {
        Format::Table => {
            let mut t = Table::new(&["SPACE", "LAST READ", "UNREAD", "NAME"]);
            t.row(vec![
                label,
                local_time(state.last_read_time.as_ref()),
                unread.to_string(),
                sname.to_string(),
            ]);
            output::print(&t.render())?;
        }
        f => output::json(
            &Doc {
                space: sname.to_string(),
                state: &state,
                unread,
            },
            f == Format::Json,
        )?,
    }
    Ok(Exit::Ok)
}

pub async fn mute(ctx: &mut Ctx, space: &str, muted: bool) -> Result<Exit, Failure> {
    let s = ctx.space(space).await?;
    let sname = space_name(&s)?;
    let label = output::clean(&space_label(&s));
    let verb = if muted { "mute" } else { "unmute" };
    if ctx.dry_run {
        return would(ctx, &format!("{verb} {label} ({sname})"));
    }
    let setting = ctx
        .client
        .set_muted(&sname, muted)
        .await
        .map_err(|e| Failure::api(sname.as_ref(), &e))?;
    match ctx.format {
        Format::Table => output::print(&format!("{verb}d {label} ({sname})\n"))?,
        f => output::json(&setting, f == Format::Json)?,
    }
    Ok(Exit::Ok)
}

pub async fn search(ctx: &mut Ctx, args: SearchArgs) -> Result<Exit, Failure> {
    let query = args.query.trim();
    if query.is_empty() {
        return Err(Failure::usage("nothing to search for: give a query."));
    }
    let mut filter = query.to_string();
    if !args.space.is_empty() {
        let mut names = Vec::new();
        for s in &args.space {
            let sp = ctx.space(s).await?;
            names.push(format!(
                "space.name = {}",
                search_phrase(space_name(&sp)?.as_ref())
            ));
        }
        filter = format!("({query}) AND ({})", names.join(" OR "));
    }
    let mut results: Vec<SearchMessageResult> = Vec::new();
    let mut token: Option<String> = None;
    while results.len() < args.limit {
        let req = SearchMessagesRequest {
            filter: Some(filter.clone()),
            page_size: Some((args.limit - results.len()).min(100) as i32),
            page_token: token.clone(),
            ..Default::default()
        };
        let page = ctx
            .client
            .search_messages(&req)
            .await
            .map_err(|e| Failure::api("searching", &e))?;
        results.extend(page.results);
        match next_page(&token, page.next_page_token)? {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    results.truncate(args.limit);
    match ctx.format {
        Format::Json => {
            #[derive(Serialize)]
            struct Doc<'a> {
                results: &'a [SearchMessageResult],
            }
            output::json(&Doc { results: &results }, true)?;
        }
        Format::Jsonl => {
            for r in &results {
                output::json(r, false)?;
            }
        }
        Format::Table => {
            let messages: Vec<&Message> =
                results.iter().filter_map(|r| r.message.as_ref()).collect();
            let senders: Vec<_> = messages.iter().filter_map(|m| m.sender.clone()).collect();
            ctx.learn_people(senders.iter()).await;
            let mut t = Table::new(&["TIME", "SPACE", "SENDER", "TEXT", "MESSAGE"]);
            for m in messages {
                let space = m.space.as_deref().map(space_label).unwrap_or_default();
                t.row(vec![
                    local_time(m.create_time.as_ref()),
                    space,
                    m.sender
                        .as_ref()
                        .map(|u| ctx.user_label(u))
                        .unwrap_or_default(),
                    output::excerpt(m.text.as_deref().unwrap_or(""), 60),
                    m.name.clone().unwrap_or_default(),
                ]);
            }
            output::print(&t.render())?;
        }
    }
    Ok(Exit::Ok)
}

/// The caller's section named by `arg`: its resource name, id or label (exactly, else
/// ignoring case).
fn find_section<'a>(all: &'a [Section], arg: &str) -> Result<&'a Section, Failure> {
    let arg = arg.trim();
    let id_of = |s: &Section| {
        s.name
            .as_deref()
            .and_then(|n| n.rsplit('/').next())
            .unwrap_or("")
            .to_string()
    };
    let by = |f: &dyn Fn(&Section) -> bool| all.iter().filter(|s| f(s)).collect::<Vec<_>>();
    let mut found = by(&|s| s.name.as_deref() == Some(arg) || id_of(s) == arg);
    if found.is_empty() {
        found = by(&|s| section_label(s) == arg);
    }
    if found.is_empty() {
        found = by(&|s| section_label(s).to_lowercase() == arg.to_lowercase());
    }
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(Failure::not_found(format!(
            "no section is named {:?}; `gchat sections list` shows yours.",
            output::clean(arg)
        ))),
        many => Err(Failure::usage(format!(
            "{} sections are named {:?}: {}; name one by its resource name.",
            many.len(),
            output::clean(arg),
            many.iter()
                .filter_map(|s| s.name.as_deref())
                .map(output::clean)
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

fn print_section(ctx: &Ctx, verb: &str, s: &Section) -> Result<Exit, Failure> {
    match ctx.format {
        Format::Table => output::print(&format!(
            "{verb} {} ({})\n",
            output::clean(&section_label(s)),
            output::clean(s.name.as_deref().unwrap_or(""))
        ))?,
        f => output::json(s, f == Format::Json)?,
    }
    Ok(Exit::Ok)
}

pub async fn sections(ctx: &mut Ctx, cmd: SectionsCmd) -> Result<Exit, Failure> {
    let all = ctx
        .client
        .list_all_sections()
        .await
        .map_err(|e| Failure::api("listing sections", &e))?;
    match cmd {
        SectionsCmd::List => {
            let mut rows = Vec::new();
            for s in &all {
                let items = ctx
                    .client
                    .list_all_section_items(&section_name(s)?)
                    .await
                    .map_err(|e| Failure::api("listing section items", &e))?;
                rows.push((s, items));
            }
            match ctx.format {
                Format::Json => {
                    #[derive(Serialize)]
                    struct Doc<'a> {
                        sections: &'a [Section],
                    }
                    output::json(&Doc { sections: &all }, true)?;
                }
                Format::Jsonl => {
                    for s in &all {
                        output::json(s, false)?;
                    }
                }
                Format::Table => {
                    let mut t = Table::new(&["SECTION", "TYPE", "SPACES", "NAME"]);
                    for (s, items) in &rows {
                        let kind = match &s.section_type {
                            Some(SectionType::Custom) => "custom",
                            _ => "default",
                        };
                        t.row(vec![
                            section_label(s),
                            kind.into(),
                            items.len().to_string(),
                            s.name.clone().unwrap_or_default(),
                        ]);
                    }
                    output::print(&t.render())?;
                }
            }
            Ok(Exit::Ok)
        }
        SectionsCmd::Create { name } => {
            let name = name.trim();
            if name.is_empty() {
                return Err(Failure::usage("a section needs a name."));
            }
            if ctx.dry_run {
                return would(
                    ctx,
                    &format!("create the section {:?}", output::clean(name)),
                );
            }
            let s = ctx
                .client
                .create_section(name)
                .await
                .map_err(|e| Failure::api(&format!("creating {name:?}"), &e))?;
            print_section(ctx, "created", &s)
        }
        SectionsCmd::Move { space, to } => {
            let target = find_section(&all, &to)?.clone();
            let tname = section_name(&target)?;
            let sp: Space = ctx.space(&space).await?;
            let sname = space_name(&sp)?;
            let label = output::clean(&space_label(&sp));
            let item = ctx
                .client
                .find_section_item(&sname)
                .await
                .map_err(|e| Failure::api(sname.as_ref(), &e))?
                .ok_or_else(|| {
                    Failure::not_found(format!("{label} ({sname}) is in none of your sections."))
                })?;
            let iname =
                SectionItemName::parse(item.name.as_deref().unwrap_or("")).map_err(|e| {
                    Failure::other(format!("the server answered an invalid item: {e}."))
                })?;
            let to_label = output::clean(&section_label(&target));
            if iname.section.id() == tname.id() {
                output::print(&format!(
                    "{label} is already in {to_label}; nothing was changed.\n"
                ))?;
                return Ok(Exit::Ok);
            }
            if ctx.dry_run {
                return would(ctx, &format!("move {label} ({sname}) to {to_label}"));
            }
            let moved = ctx
                .client
                .move_section_item(&iname, &tname)
                .await
                .map_err(|e| Failure::api(sname.as_ref(), &e))?;
            match ctx.format {
                Format::Table => output::print(&format!("moved {label} to {to_label}\n"))?,
                f => output::json(&moved, f == Format::Json)?,
            }
            Ok(Exit::Ok)
        }
        SectionsCmd::Delete { section } => {
            let s = find_section(&all, &section)?.clone();
            let sname = section_name(&s)?;
            let label = output::clean(&section_label(&s));
            if s.section_type != Some(SectionType::Custom) {
                return Err(Failure::usage(format!(
                    "{label} is a default section; only custom sections can be deleted."
                )));
            }
            if ctx.dry_run {
                return would(ctx, &format!("delete the section {label} ({sname})"));
            }
            ctx.confirm(&format!(
                "delete the section {label} (its spaces go back to the default sections)"
            ))?;
            ctx.client
                .delete_section(&sname)
                .await
                .map_err(|e| Failure::api(&sname.to_string(), &e))?;
            print_section(ctx, "deleted", &s)
        }
    }
}
