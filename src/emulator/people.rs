//! The People API's `people.get` and `people:batchGet`, for the names and emails of
//! the workspace's people (the Chat API leaves them out of some answers).

use serde_json::json;

use super::error::{EmuError, EmuResult};
use super::service::{reply, Ctx, Reply};
use super::store::{Directory, PersonRec};
use crate::api::model::*;

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
