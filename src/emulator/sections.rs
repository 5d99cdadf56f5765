//! `users.sections` (list, create, patch, delete, position) and `users.sections.items`
//! (list, move): the calling user's grouping of their conversations. Every user starts
//! with the three default sections; a space not moved into a custom section is in its
//! default one (direct messages and group chats, spaces, or apps).

use super::ctx::{reply, Ctx, Reply};
use super::error::{EmuError, EmuResult};
use super::readstate::caller_segment;
use super::request::{
    decode_page_token, encode_page_token, parse_body, unsupported_mask, update_mask,
};
use super::route::{Handler, Route, Verb};
use super::store::{random_id, SpaceRec, Store};
use super::sync::{default_section, sections_key, SectionRec, SyncRec, UserSections};
use super::views::can_access;
use crate::api::model::Empty;
use crate::api::scope::Scope;
use crate::api::sync_model::*;

const READ: &[Scope] = &[Scope::ChatUsersSections, Scope::ChatUsersSectionsReadonly];
const WRITE: &[Scope] = &[Scope::ChatUsersSections];

/// The API methods this file serves (see `routes.rs`).
pub(super) const ROUTES: &[Route] = &[
    Route::new(
        Verb::Get,
        "v1/users/{usersId}/sections",
        "chat.users.sections.list",
        READ,
        Handler::One(list),
    ),
    Route::new(
        Verb::Post,
        "v1/users/{usersId}/sections",
        "chat.users.sections.create",
        WRITE,
        Handler::One(create),
    ),
    Route::new(
        Verb::Patch,
        "v1/users/{usersId}/sections/{sectionsId}",
        "chat.users.sections.patch",
        WRITE,
        Handler::Two(patch),
    ),
    Route::new(
        Verb::Delete,
        "v1/users/{usersId}/sections/{sectionsId}",
        "chat.users.sections.delete",
        WRITE,
        Handler::Two(delete),
    ),
    Route::new(
        Verb::Post,
        "v1/users/{usersId}/sections/{sectionsId}:position",
        "chat.users.sections.position",
        WRITE,
        Handler::Two(position),
    ),
    Route::new(
        Verb::Get,
        "v1/users/{usersId}/sections/{sectionsId}/items",
        "chat.users.sections.items.list",
        READ,
        Handler::Two(list_items),
    ),
    Route::new(
        Verb::Post,
        "v1/users/{usersId}/sections/{sectionsId}/items/{itemsId}:move",
        "chat.users.sections.items.move",
        WRITE,
        Handler::Three(move_item),
    ),
];

/// The longest custom section name, in characters.
pub const MAX_SECTION_NAME: usize = 80;

fn user_sections(store: &Store, me: &str) -> UserSections {
    match store.sync.get(&sections_key(me)) {
        Some(SyncRec::Sections(s)) => s.clone(),
        _ => UserSections::default(),
    }
}

fn save(store: &mut Store, me: &str, s: UserSections) {
    store.sync.insert(sections_key(me), SyncRec::Sections(s));
}

fn view(me: &str, s: &UserSections, i: usize) -> Section {
    let r = &s.sections[i];
    Section {
        name: Some(format!("users/{me}/sections/{}", r.id)),
        display_name: r.display_name.clone(),
        sort_order: Some(i as i32 + 1),
        section_type: Some(r.kind.clone()),
    }
}

fn section_not_found(me: &str, id: &str) -> EmuError {
    EmuError::not_found(format!("Section users/{me}/sections/{id} not found."))
}

fn find(s: &UserSections, me: &str, id: &str) -> EmuResult<usize> {
    s.sections
        .iter()
        .position(|r| r.id == id)
        .ok_or_else(|| section_not_found(me, id))
}

fn custom_only(r: &SectionRec, what: &str) -> EmuResult<()> {
    if r.kind == SectionType::Custom {
        Ok(())
    } else {
        Err(EmuError::invalid(format!(
            "Only sections of type CUSTOM_SECTION can be {what}."
        )))
    }
}

fn check_display_name(name: Option<&str>) -> EmuResult<String> {
    let n = name.map(str::trim).unwrap_or("");
    if n.is_empty() {
        return Err(EmuError::invalid_field(
            "section.display_name",
            "A custom section needs a display name.",
        ));
    }
    if n.chars().count() > MAX_SECTION_NAME {
        return Err(EmuError::invalid_field(
            "section.display_name",
            format!("A section's display name has at most {MAX_SECTION_NAME} characters."),
        ));
    }
    if n.chars().any(char::is_control) {
        return Err(EmuError::invalid_field(
            "section.display_name",
            "A section's display name cannot contain control characters.",
        ));
    }
    Ok(n.to_string())
}

pub fn list(ctx: &mut Ctx<'_>, user: &str) -> EmuResult<Reply> {
    ctx.query.only(&["pageSize", "pageToken"])?;
    let me = caller_segment(ctx, user)?;
    let size = ctx.query.page_size(10)?.min(100);
    let key = format!("sections/{me}");
    let start: usize = match ctx.query.string("pageToken") {
        Some(t) => decode_page_token(t, &key, "")?
            .parse()
            .map_err(|_| EmuError::invalid_field("page_token", "The page token is invalid."))?,
        None => 0,
    };
    let s = user_sections(ctx.store, &me);
    let end = (start + size).min(s.sections.len());
    let resp = ListSectionsResponse {
        sections: (start.min(end)..end).map(|i| view(&me, &s, i)).collect(),
        next_page_token: (end < s.sections.len())
            .then(|| encode_page_token(&key, "", &end.to_string())),
    };
    reply(&resp)
}

pub fn create(ctx: &mut Ctx<'_>, user: &str) -> EmuResult<Reply> {
    ctx.query.only(&[])?;
    let me = caller_segment(ctx, user)?;
    let input: Section = parse_body(ctx.body, "section")?;
    if input.section_type != Some(SectionType::Custom) {
        return Err(EmuError::invalid_field(
            "section.type",
            "Only sections of type CUSTOM_SECTION can be created.",
        ));
    }
    let name = check_display_name(input.display_name.as_deref())?;
    let mut s = user_sections(ctx.store, &me);
    let id = loop {
        let id = random_id(11);
        if !s.sections.iter().any(|r| r.id == id) {
            break id;
        }
    };
    s.sections.push(SectionRec {
        id,
        kind: SectionType::Custom,
        display_name: Some(name),
    });
    let v = view(&me, &s, s.sections.len() - 1);
    save(ctx.store, &me, s);
    reply(&v)
}

pub fn patch(ctx: &mut Ctx<'_>, user: &str, section: &str) -> EmuResult<Reply> {
    ctx.query.only(&["updateMask"])?;
    let me = caller_segment(ctx, user)?;
    let mask = update_mask(ctx.query)?;
    let input: Section = parse_body(ctx.body, "section")?;
    let mut s = user_sections(ctx.store, &me);
    let i = find(&s, &me, section)?;
    custom_only(&s.sections[i], "updated")?;
    for p in &mask {
        match p.as_str() {
            "display_name" => {
                s.sections[i].display_name =
                    Some(check_display_name(input.display_name.as_deref())?)
            }
            other => return Err(unsupported_mask(other, "display_name")),
        }
    }
    let v = view(&me, &s, i);
    save(ctx.store, &me, s);
    reply(&v)
}

pub fn delete(ctx: &mut Ctx<'_>, user: &str, section: &str) -> EmuResult<Reply> {
    ctx.query.only(&[])?;
    let me = caller_segment(ctx, user)?;
    let mut s = user_sections(ctx.store, &me);
    let i = find(&s, &me, section)?;
    custom_only(&s.sections[i], "deleted")?;
    s.sections.remove(i);
    // Its spaces go back to their default sections.
    s.items.retain(|_, sec| sec != section);
    save(ctx.store, &me, s);
    reply(&Empty {})
}

pub fn position(ctx: &mut Ctx<'_>, user: &str, section: &str) -> EmuResult<Reply> {
    ctx.query.only(&[])?;
    let me = caller_segment(ctx, user)?;
    let input: PositionSectionRequest = parse_body(ctx.body, "position_section_request")?;
    let mut s = user_sections(ctx.store, &me);
    let i = find(&s, &me, section)?;
    let relative = input
        .relative_position
        .clone()
        .filter(|r| *r != RelativePosition::Unspecified);
    let to = match (input.sort_order, relative) {
        (Some(_), Some(_)) => {
            return Err(EmuError::invalid(
                "Give either sortOrder or relativePosition, not both.",
            ))
        }
        (None, None) => {
            return Err(EmuError::invalid(
                "Give sortOrder or relativePosition: where to put the section.",
            ))
        }
        (Some(n), None) if n <= 0 => {
            return Err(EmuError::invalid_field(
                "sort_order",
                "sortOrder must be greater than 0.",
            ))
        }
        (Some(n), None) => (n as usize - 1).min(s.sections.len() - 1),
        (None, Some(RelativePosition::Start)) => 0,
        (None, Some(RelativePosition::End)) => s.sections.len() - 1,
        (None, Some(other)) => {
            return Err(EmuError::invalid_field(
                "relative_position",
                format!("Invalid relative position \"{other}\": use START or END."),
            ))
        }
    };
    let r = s.sections.remove(i);
    s.sections.insert(to, r);
    let v = view(&me, &s, to);
    save(ctx.store, &me, s);
    reply(&PositionSectionResponse { section: Some(v) })
}

/// The section `rec` is in for `me`.
fn section_of<'a>(s: &'a UserSections, rec: &SpaceRec) -> &'a str {
    s.items
        .get(rec.id())
        .map(String::as_str)
        .unwrap_or_else(|| default_section(&rec.kind(), rec.space.single_user_bot_dm))
}

/// `space = spaces/X` (quotes optional): the only filter items.list takes.
fn item_filter(text: &str) -> EmuResult<Option<String>> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let bad = || {
        EmuError::invalid_field(
            "filter",
            format!("Invalid filter {t:?}: only space = spaces/{{space}} is supported."),
        )
    };
    let (field, value) = t.split_once('=').ok_or_else(bad)?;
    if field.trim() != "space" {
        return Err(bad());
    }
    let v = value.trim().trim_matches('"');
    let id = v.strip_prefix("spaces/").ok_or_else(bad)?;
    if id.is_empty() || id.contains(['/', ' ', '"']) {
        return Err(bad());
    }
    Ok(Some(id.to_string()))
}

pub fn list_items(ctx: &mut Ctx<'_>, user: &str, section: &str) -> EmuResult<Reply> {
    ctx.query.only(&["pageSize", "pageToken", "filter"])?;
    let me = caller_segment(ctx, user)?;
    let text = ctx.query.get("filter").unwrap_or("").to_string();
    let only = item_filter(&text)?;
    if section == "-" && only.is_none() {
        return Err(EmuError::invalid_field(
            "parent",
            "The wildcard section - is for filtering by space: give a filter.",
        ));
    }
    let size = ctx.query.page_size(10)?.min(100);
    let key = format!("sectionItems/{me}/{section}");
    let after = match ctx.query.string("pageToken") {
        Some(t) => Some(decode_page_token(t, &key, &text)?),
        None => None,
    };
    let s = user_sections(ctx.store, &me);
    if section != "-" {
        find(&s, &me, section)?;
    }
    let mut items: Vec<SectionItem> = Vec::new();
    let mut more = false;
    for (id, rec) in ctx.store.spaces.iter() {
        if !can_access(rec, ctx.who) {
            continue;
        }
        if only.as_ref().is_some_and(|o| o != id) {
            continue;
        }
        if after.as_ref().is_some_and(|a| id <= a) {
            continue;
        }
        let sec = section_of(&s, rec);
        if section != "-" && sec != section {
            continue;
        }
        if items.len() == size {
            more = true;
            break;
        }
        items.push(SectionItem {
            name: Some(format!("users/{me}/sections/{sec}/items/{id}")),
            space: Some(format!("spaces/{id}")),
        });
    }
    let next = match (more, items.last()) {
        (true, Some(last)) => last
            .space
            .as_deref()
            .and_then(|s| s.strip_prefix("spaces/"))
            .map(|id| encode_page_token(&key, &text, id)),
        _ => None,
    };
    reply(&ListSectionItemsResponse {
        section_items: items,
        next_page_token: next,
    })
}

pub fn move_item(ctx: &mut Ctx<'_>, user: &str, section: &str, item: &str) -> EmuResult<Reply> {
    ctx.query.only(&[])?;
    let me = caller_segment(ctx, user)?;
    let input: MoveSectionItemRequest = parse_body(ctx.body, "move_section_item_request")?;
    let target = input.target_section.unwrap_or_default();
    let bad_target = || {
        EmuError::invalid_field(
            "target_section",
            "targetSection must name one of the caller's sections: users/{user}/sections/{section}.",
        )
    };
    let (tuser, tsec) = target
        .strip_prefix("users/")
        .and_then(|r| r.split_once("/sections/"))
        .ok_or_else(bad_target)?;
    if caller_segment(ctx, tuser).is_err() || tsec.is_empty() || tsec.contains('/') {
        return Err(bad_target());
    }
    let mut s = user_sections(ctx.store, &me);
    find(&s, &me, section)?;
    let ti = find(&s, &me, tsec)?;
    let not_found = || {
        EmuError::not_found(format!(
            "Section item users/{me}/sections/{section}/items/{item} not found."
        ))
    };
    let rec = ctx
        .store
        .spaces
        .get(item)
        .filter(|r| can_access(r, ctx.who))
        .ok_or_else(not_found)?;
    if section_of(&s, rec) != section {
        return Err(not_found());
    }
    let home = default_section(&rec.kind(), rec.space.single_user_bot_dm);
    if s.sections[ti].kind == SectionType::Custom {
        s.items.insert(item.to_string(), tsec.to_string());
    } else if tsec == home {
        s.items.remove(item);
    } else {
        return Err(EmuError::invalid_field(
            "target_section",
            format!("This space belongs in the default section {home}, not {tsec}."),
        ));
    }
    save(ctx.store, &me, s);
    reply(&MoveSectionItemResponse {
        section_item: Some(SectionItem {
            name: Some(format!("users/{me}/sections/{tsec}/items/{item}")),
            space: Some(format!("spaces/{item}")),
        }),
    })
}
