//! The API methods the emulator serves, as their resource files declare them. Each
//! resource file (`messages.rs`, `reactions.rs`, ...) holds one `ROUTES` table: the HTTP
//! method, the path pattern (as the discovery document's `flatPath`), the REST method id,
//! the scopes its reference lists, who may call it, which per-space quota it counts
//! against, and its handler. This file only reads those tables: it matches a request's
//! path against the patterns and hands the path's variables to the handler.

use axum::http::Method;

use super::route::{Matched, Route};

use super::{
    attachments, events, members, messages, people, pins, reactions, readstate, search, sections,
    spaces,
};

/// Every resource file's table. A new resource file adds its table here; a new method of
/// an existing resource only adds a line to its file's table.
const TABLES: &[&[Route]] = &[
    spaces::ROUTES,
    members::ROUTES,
    messages::ROUTES,
    reactions::ROUTES,
    attachments::ROUTES,
    pins::ROUTES,
    readstate::ROUTES,
    events::ROUTES,
    search::ROUTES,
    sections::ROUTES,
    people::ROUTES,
];

/// Every route of every table.
pub fn all() -> impl Iterator<Item = &'static Route> {
    TABLES.iter().flat_map(|t| t.iter())
}

/// The route for a request, by its method and its path's (percent-decoded) segments.
pub fn resolve(method: &Method, segs: &[String]) -> Option<Matched> {
    all()
        .filter(|r| r.verb.is(method))
        .find_map(|route| route.matches(segs).map(|vars| Matched { route, vars }))
}

#[cfg(test)]
#[path = "routes_tests.rs"]
mod tests;
