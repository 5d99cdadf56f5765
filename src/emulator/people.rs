//! The People API's `people.get` and `people:batchGet`, for the names and emails of
//! the workspace's people (the Chat API leaves them out of some answers).

use serde_json::json;

use super::ctx::{reply, Ctx, Reply};
use super::error::{EmuError, EmuResult};
use super::request::{decode_page_token, encode_page_token};
use super::route::{Handler, Route, Verb};
use super::store::{Directory, PersonRec};
use crate::api::model::*;
use crate::api::scope::Scope;

const PEOPLE: &[Scope] = &[
    Scope::Contacts,
    Scope::ContactsOtherReadonly,
    Scope::ContactsReadonly,
    Scope::DirectoryReadonly,
    Scope::UserEmailsRead,
    Scope::UserinfoEmail,
    Scope::UserinfoProfile,
];

/// The API methods this file serves (see `routes.rs`).
pub(super) const ROUTES: &[Route] = &[
    Route::new(
        Verb::Get,
        "v1/people:batchGet",
        "people.people.getBatchGet",
        PEOPLE,
        Handler::Zero(batch_get),
    ),
    Route::new(
        Verb::Get,
        "v1/people:searchDirectoryPeople",
        "people.people.searchDirectoryPeople",
        &[Scope::DirectoryReadonly],
        Handler::Zero(search),
    ),
    Route::new(
        Verb::Get,
        "v1/people/{peopleId}",
        "people.people.get",
        PEOPLE,
        Handler::One(get),
    ),
];

const FIELD_PATHS: &[&str] = &[
    "addresses",
    "ageRanges",
    "biographies",
    "birthdays",
    "calendarUrls",
    "clientData",
    "coverPhotos",
    "emailAddresses",
    "events",
    "externalIds",
    "genders",
    "imClients",
    "interests",
    "locales",
    "locations",
    "memberships",
    "metadata",
    "miscKeywords",
    "names",
    "nicknames",
    "occupations",
    "organizations",
    "phoneNumbers",
    "photos",
    "relations",
    "sipAddresses",
    "skills",
    "urls",
    "userDefined",
];

/// The requested `personFields`; 400 when missing or naming an unknown field.
fn person_fields(ctx: &Ctx<'_>, doc: &str) -> EmuResult<Vec<String>> {
    let raw = ctx
        .query
        .string("personFields")
        .or_else(|| ctx.query.string("requestMask.includeField"))
        .or_else(|| ctx.query.string("readMask"))
        .ok_or_else(|| {
            EmuError::invalid(format!(
                "personFields mask is required. Please specify one or more valid paths. Valid paths are documented at {doc}."
            ))
        })?;
    let mut out = Vec::new();
    for f in raw.split(',').map(str::trim).filter(|f| !f.is_empty()) {
        let f = f.strip_prefix("person.").unwrap_or(f);
        if !FIELD_PATHS.contains(&f) {
            return Err(EmuError::invalid(format!(
                "Invalid personFields mask path: \"{f}\". Valid paths are documented at {doc}."
            )));
        }
        out.push(f.to_string());
    }
    if out.is_empty() {
        return Err(EmuError::invalid(format!(
            "personFields mask is required. Please specify one or more valid paths. Valid paths are documented at {doc}."
        )));
    }
    Ok(out)
}

fn person_view(p: &PersonRec, fields: &[String]) -> Person {
    let want = |f: &str| fields.iter().any(|x| x == f);
    let meta = |source: &str| {
        Some(FieldMetadata {
            primary: true,
            source: Some(json!({"type": source, "id": p.id})),
        })
    };
    let mut person = Person {
        resource_name: Some(format!("people/{}", p.id)),
        etag: Some(format!("%EgUBAgMJLhoE{}", p.id)),
        ..Default::default()
    };
    if want("names") {
        if let Some(name) = &p.display_name {
            let last_first = match (&p.family_name, &p.given_name) {
                (Some(f), Some(g)) => Some(format!("{f}, {g}")),
                _ => None,
            };
            person.names.push(PersonName {
                metadata: meta("PROFILE"),
                display_name: Some(name.clone()),
                display_name_last_first: last_first.or_else(|| Some(name.clone())),
                family_name: p.family_name.clone(),
                given_name: p.given_name.clone(),
                unstructured_name: Some(name.clone()),
            });
        }
    }
    if want("emailAddresses") {
        if let Some(email) = &p.email {
            person.email_addresses.push(EmailAddress {
                metadata: meta("DOMAIN_PROFILE"),
                value: Some(email.clone()),
                email_type: None,
            });
        }
    }
    person
}

/// `people/ID` or `people/me` to a known person.
fn lookup<'a>(
    dir: &'a Directory,
    ctx: &Ctx<'_>,
    id: &str,
) -> Result<&'a PersonRec, (u16, i32, String)> {
    let id = if id == "me" {
        if ctx.who.is_app() {
            return Err((400, 3, "people/me needs user authentication.".into()));
        }
        ctx.who.id()
    } else {
        id
    };
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err((
            400,
            3,
            format!("Resource name \"people/{id}\" is not valid: it must be people/{{person_id}} or people/me."),
        ));
    }
    dir.people
        .get(id)
        .ok_or_else(|| (404, 5, "Requested entity was not found.".to_string()))
}

pub fn get(ctx: &mut Ctx<'_>, id: &str) -> EmuResult<Reply> {
    ctx.query
        .only(&["personFields", "requestMask.includeField", "sources"])?;
    let fields = person_fields(
        ctx,
        "https://developers.google.com/people/api/rest/v1/people/get",
    )?;
    match lookup(&ctx.store.directory, ctx, id) {
        Ok(p) => reply(&person_view(p, &fields)),
        Err((400, _, m)) => Err(EmuError::invalid(m)),
        Err((_, _, m)) => Err(EmuError::not_found(m)),
    }
}

pub fn batch_get(ctx: &mut Ctx<'_>) -> EmuResult<Reply> {
    ctx.query.only(&[
        "personFields",
        "requestMask.includeField",
        "resourceNames",
        "sources",
    ])?;
    let fields = person_fields(
        ctx,
        "https://developers.google.com/people/api/rest/v1/people/getBatchGet",
    )?;
    let names = ctx.query.get_all("resourceNames");
    if names.is_empty() {
        return Err(EmuError::invalid(
            "At least one resourceNames value is required.",
        ));
    }
    if names.len() > 200 {
        return Err(EmuError::invalid(format!(
            "At most 200 resourceNames can be requested at once; got {}.",
            names.len()
        )));
    }
    let responses = names
        .iter()
        .map(|n| {
            let id = n.strip_prefix("people/").unwrap_or("\u{0}");
            match lookup(&ctx.store.directory, ctx, id) {
                Ok(p) => PersonResponse {
                    requested_resource_name: Some(n.to_string()),
                    http_status_code: 200,
                    person: Some(person_view(p, &fields)),
                    status: Some(RpcStatus::default()),
                },
                Err((http, code, message)) => PersonResponse {
                    requested_resource_name: Some(n.to_string()),
                    http_status_code: http as i32,
                    person: None,
                    status: Some(RpcStatus {
                        code,
                        message: Some(message),
                    }),
                },
            }
        })
        .collect();
    reply(&GetPeopleResponse { responses })
}

/// Whether `q` (lower case) starts a word of what is known about `p`: a name (whole, or
/// any word of it), a given or family name, an email address or its local part.
fn matches(p: &PersonRec, q: &str) -> bool {
    let mut words: Vec<String> = Vec::new();
    for n in [&p.display_name, &p.given_name, &p.family_name]
        .into_iter()
        .flatten()
    {
        let n = n.to_lowercase();
        words.extend(n.split_whitespace().map(String::from));
        words.push(n);
    }
    if let Some(e) = &p.email {
        let e = e.to_lowercase();
        if let Some((local, _)) = e.split_once('@') {
            words.extend(local.split(['.', '_', '-']).map(String::from));
        }
        words.push(e);
    }
    q.split_whitespace()
        .all(|t| words.iter().any(|w| w.starts_with(t)))
}

/// `people:searchDirectoryPeople`: the domain's people whose names or addresses start
/// with the query, in name order, a page at a time.
pub fn search(ctx: &mut Ctx<'_>) -> EmuResult<Reply> {
    const DOC: &str =
        "https://developers.google.com/people/api/rest/v1/people/searchDirectoryPeople";
    ctx.query.only(&[
        "query",
        "readMask",
        "sources",
        "mergeSources",
        "pageSize",
        "pageToken",
    ])?;
    if ctx.who.is_app() {
        return Err(EmuError::permission(
            "The directory can be searched only on behalf of a person.",
        ));
    }
    let query = ctx
        .query
        .string("query")
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .ok_or_else(|| EmuError::invalid_field("query", "query is required."))?
        .to_lowercase();
    let sources = ctx.query.get_all("sources");
    if sources.is_empty() {
        return Err(EmuError::invalid_field("sources", "sources is required."));
    }
    for s in &sources {
        if !matches!(
            *s,
            "DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE" | "DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT"
        ) {
            return Err(EmuError::invalid_field(
                "sources",
                format!("Invalid value for sources: \"{s}\"."),
            ));
        }
    }
    let fields = person_fields(ctx, DOC)?;
    let size = match ctx.query.int("pageSize")? {
        None | Some(0) => 100,
        Some(n @ 1..=500) => n as usize,
        Some(_) => {
            return Err(EmuError::invalid_field(
                "page_size",
                "The page size must be between 1 and 500.",
            ))
        }
    };
    let params = format!("{query}|{}|{}", sources.join(","), fields.join(","));
    let start = match ctx.query.string("pageToken").filter(|t| !t.is_empty()) {
        Some(t) => decode_page_token(t, "people.search", &params)?
            .parse::<usize>()
            .map_err(|_| EmuError::invalid_field("page_token", "The page token is invalid."))?,
        None => 0,
    };
    // The domain's own people (its profiles); outside addresses are not in it.
    let mut found: Vec<&PersonRec> = ctx
        .store
        .directory
        .people
        .values()
        .filter(|p| !p.external && matches(p, &query))
        .collect();
    found.sort_by(|a, b| {
        (a.display_name.as_deref().unwrap_or(""), &a.id)
            .cmp(&(b.display_name.as_deref().unwrap_or(""), &b.id))
    });
    let total = found.len();
    let people: Vec<Person> = found
        .iter()
        .skip(start)
        .take(size)
        .map(|p| person_view(p, &fields))
        .collect();
    let next = (start + size < total)
        .then(|| encode_page_token("people.search", &params, &(start + size).to_string()));
    reply(&SearchDirectoryPeopleResponse {
        people,
        next_page_token: next,
        total_size: Some(total as i32),
    })
}
