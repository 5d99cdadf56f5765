//! The route tables: every route reachable, none overlapping another, every method id
//! one of Google's.

use super::*;
use crate::api::scope::Scope;
use crate::emulator::route::*;

/// Google's REST methods the emulator may serve, as their discovery documents list them:
/// (method id, HTTP method, flat path).
const GOOGLE: &[(&str, &str, &str)] = &[
    ("chat.customEmojis.create", "POST", "v1/customEmojis"),
    (
        "chat.customEmojis.delete",
        "DELETE",
        "v1/customEmojis/{customEmojisId}",
    ),
    (
        "chat.customEmojis.get",
        "GET",
        "v1/customEmojis/{customEmojisId}",
    ),
    ("chat.customEmojis.list", "GET", "v1/customEmojis"),
    ("chat.spaces.create", "POST", "v1/spaces"),
    ("chat.spaces.delete", "DELETE", "v1/spaces/{spacesId}"),
    (
        "chat.spaces.findDirectMessage",
        "GET",
        "v1/spaces:findDirectMessage",
    ),
    ("chat.spaces.get", "GET", "v1/spaces/{spacesId}"),
    ("chat.spaces.list", "GET", "v1/spaces"),
    ("chat.spaces.patch", "PATCH", "v1/spaces/{spacesId}"),
    ("chat.spaces.setup", "POST", "v1/spaces:setup"),
    (
        "chat.spaces.members.create",
        "POST",
        "v1/spaces/{spacesId}/members",
    ),
    (
        "chat.spaces.members.delete",
        "DELETE",
        "v1/spaces/{spacesId}/members/{membersId}",
    ),
    (
        "chat.spaces.members.get",
        "GET",
        "v1/spaces/{spacesId}/members/{membersId}",
    ),
    (
        "chat.spaces.members.list",
        "GET",
        "v1/spaces/{spacesId}/members",
    ),
    (
        "chat.spaces.members.patch",
        "PATCH",
        "v1/spaces/{spacesId}/members/{membersId}",
    ),
    (
        "chat.spaces.messagePins.create",
        "POST",
        "v1/spaces/{spacesId}/messagePins",
    ),
    (
        "chat.spaces.messagePins.delete",
        "DELETE",
        "v1/spaces/{spacesId}/messagePins/{messagePinsId}",
    ),
    (
        "chat.spaces.messagePins.list",
        "GET",
        "v1/spaces/{spacesId}/messagePins",
    ),
    (
        "chat.spaces.messages.create",
        "POST",
        "v1/spaces/{spacesId}/messages",
    ),
    (
        "chat.spaces.messages.delete",
        "DELETE",
        "v1/spaces/{spacesId}/messages/{messagesId}",
    ),
    (
        "chat.spaces.messages.get",
        "GET",
        "v1/spaces/{spacesId}/messages/{messagesId}",
    ),
    (
        "chat.spaces.messages.list",
        "GET",
        "v1/spaces/{spacesId}/messages",
    ),
    (
        "chat.spaces.messages.patch",
        "PATCH",
        "v1/spaces/{spacesId}/messages/{messagesId}",
    ),
    (
        "chat.spaces.messages.search",
        "POST",
        "v1/spaces/{spacesId}/messages:search",
    ),
    (
        "chat.spaces.messages.update",
        "PUT",
        "v1/spaces/{spacesId}/messages/{messagesId}",
    ),
    (
        "chat.spaces.messages.attachments.get",
        "GET",
        "v1/spaces/{spacesId}/messages/{messagesId}/attachments/{attachmentsId}",
    ),
    (
        "chat.spaces.messages.reactions.create",
        "POST",
        "v1/spaces/{spacesId}/messages/{messagesId}/reactions",
    ),
    (
        "chat.spaces.messages.reactions.delete",
        "DELETE",
        "v1/spaces/{spacesId}/messages/{messagesId}/reactions/{reactionsId}",
    ),
    (
        "chat.spaces.messages.reactions.list",
        "GET",
        "v1/spaces/{spacesId}/messages/{messagesId}/reactions",
    ),
    (
        "chat.spaces.spaceEvents.get",
        "GET",
        "v1/spaces/{spacesId}/spaceEvents/{spaceEventsId}",
    ),
    (
        "chat.spaces.spaceEvents.list",
        "GET",
        "v1/spaces/{spacesId}/spaceEvents",
    ),
    (
        "chat.users.sections.create",
        "POST",
        "v1/users/{usersId}/sections",
    ),
    (
        "chat.users.sections.delete",
        "DELETE",
        "v1/users/{usersId}/sections/{sectionsId}",
    ),
    (
        "chat.users.sections.list",
        "GET",
        "v1/users/{usersId}/sections",
    ),
    (
        "chat.users.sections.patch",
        "PATCH",
        "v1/users/{usersId}/sections/{sectionsId}",
    ),
    (
        "chat.users.sections.position",
        "POST",
        "v1/users/{usersId}/sections/{sectionsId}:position",
    ),
    (
        "chat.users.sections.items.list",
        "GET",
        "v1/users/{usersId}/sections/{sectionsId}/items",
    ),
    (
        "chat.users.sections.items.move",
        "POST",
        "v1/users/{usersId}/sections/{sectionsId}/items/{itemsId}:move",
    ),
    (
        "chat.users.spaces.getSpaceReadState",
        "GET",
        "v1/users/{usersId}/spaces/{spacesId}/spaceReadState",
    ),
    (
        "chat.users.spaces.updateSpaceReadState",
        "PATCH",
        "v1/users/{usersId}/spaces/{spacesId}/spaceReadState",
    ),
    (
        "chat.users.spaces.spaceNotificationSetting.get",
        "GET",
        "v1/users/{usersId}/spaces/{spacesId}/spaceNotificationSetting",
    ),
    (
        "chat.users.spaces.spaceNotificationSetting.patch",
        "PATCH",
        "v1/users/{usersId}/spaces/{spacesId}/spaceNotificationSetting",
    ),
    (
        "chat.users.spaces.threads.getThreadReadState",
        "GET",
        "v1/users/{usersId}/spaces/{spacesId}/threads/{threadsId}/threadReadState",
    ),
    ("people.people.get", "GET", "v1/people/{peopleId}"),
    ("people.people.getBatchGet", "GET", "v1/people:batchGet"),
    (
        "people.people.searchDirectoryPeople",
        "GET",
        "v1/people:searchDirectoryPeople",
    ),
];

/// A path the route's pattern matches, with the variables it should yield.
fn sample(route: &Route) -> (Vec<String>, Vec<String>) {
    let mut vars = Vec::new();
    let segs = route
        .segments()
        .map(|s| match s {
            Seg::Lit(l) => l.to_string(),
            Seg::Var(n) => {
                vars.push(format!("{n}-value"));
                format!("{n}-value")
            }
            Seg::VarSuffix(n, suffix) => {
                vars.push(format!("{n}-value"));
                format!("{n}-value{suffix}")
            }
        })
        .collect();
    (segs, vars)
}

fn path(p: &str) -> Vec<String> {
    crate::emulator::paths::segments(p)
}

fn resolved_id(method: Method, p: &str) -> Option<(&'static str, Vec<String>)> {
    resolve(&method, &path(p)).map(|m| (m.route.id, m.vars))
}

#[test]
fn every_route_is_reached_by_its_pattern_with_its_variables() {
    let mut count = 0;
    for route in all() {
        count += 1;
        let (segs, vars) = sample(route);
        let m = resolve(&route.verb.method(), &segs)
            .unwrap_or_else(|| panic!("{} is not reached by {:?}", route.id, segs));
        assert!(
            std::ptr::eq(m.route, route),
            "{} is shadowed by {}",
            route.id,
            m.route.id
        );
        assert_eq!(m.vars, vars, "{}", route.id);
        assert_eq!(
            route.handler.arity(),
            vars.len(),
            "{}: the handler takes another number of variables than the pattern has",
            route.id
        );
        if route.quota != Quota::None {
            assert!(
                route.var_names().contains(&SPACE_VAR),
                "{} counts against a space's quota but names no space",
                route.id
            );
            assert_eq!(m.quota_space(), Some("spacesId-value"), "{}", route.id);
        } else {
            assert_eq!(m.quota_space(), None, "{}", route.id);
        }
        assert!(!route.scopes.is_empty(), "{} admits no scope", route.id);
    }
    assert_eq!(count, GOOGLE.len(), "a route is missing or one too many");
}

/// Whether some one path segment can match both pattern segments.
fn segments_meet(a: Seg<'_>, b: Seg<'_>) -> bool {
    match (a, b) {
        (Seg::Lit(x), Seg::Lit(y)) => x == y,
        (Seg::Var(_), _) | (_, Seg::Var(_)) => true,
        (Seg::Lit(l), Seg::VarSuffix(_, s)) | (Seg::VarSuffix(_, s), Seg::Lit(l)) => l.ends_with(s),
        (Seg::VarSuffix(_, s), Seg::VarSuffix(_, t)) => s.ends_with(t) || t.ends_with(s),
    }
}

fn overlap(a: &Route, b: &Route) -> bool {
    let (x, y): (Vec<_>, Vec<_>) = (a.segments().collect(), b.segments().collect());
    a.verb == b.verb && x.len() == y.len() && x.iter().zip(&y).all(|(s, t)| segments_meet(*s, *t))
}

#[test]
fn no_two_routes_match_one_request() {
    let routes: Vec<&Route> = all().collect();
    for (i, a) in routes.iter().enumerate() {
        for b in &routes[i + 1..] {
            assert!(
                !overlap(a, b),
                "{} and {} match the same requests",
                a.id,
                b.id
            );
        }
    }
}

#[test]
fn the_overlap_check_sees_overlaps() {
    let r = |verb, pattern| {
        Route::new(
            verb,
            pattern,
            "x",
            &[Scope::ChatBot],
            Handler::Zero(|_| unreachable!()),
        )
    };
    assert!(overlap(&r(Verb::Get, "v1/a/{x}"), &r(Verb::Get, "v1/a/b")));
    assert!(overlap(
        &r(Verb::Get, "v1/a/{x}:move"),
        &r(Verb::Get, "v1/a/{y}")
    ));
    assert!(overlap(
        &r(Verb::Get, "v1/a/{x}:move"),
        &r(Verb::Get, "v1/a/b:move")
    ));
    assert!(!overlap(
        &r(Verb::Get, "v1/a/{x}:move"),
        &r(Verb::Get, "v1/a/b:copy")
    ));
    assert!(!overlap(
        &r(Verb::Get, "v1/a/{x}"),
        &r(Verb::Post, "v1/a/{x}")
    ));
    assert!(!overlap(
        &r(Verb::Get, "v1/a/{x}"),
        &r(Verb::Get, "v1/a/{x}/b")
    ));
}

#[test]
fn method_ids_are_unique_and_google_s_with_google_s_method_and_path() {
    let mut seen = std::collections::HashSet::new();
    for route in all() {
        assert!(seen.insert(route.id), "{} is declared twice", route.id);
        let (_, verb, flat) = GOOGLE
            .iter()
            .find(|(id, ..)| *id == route.id)
            .unwrap_or_else(|| panic!("{} is no method of Google's", route.id));
        assert_eq!(route.verb.method().as_str(), *verb, "{}", route.id);
        assert_eq!(route.pattern, *flat, "{}", route.id);
    }
}

#[test]
fn paths_resolve_as_the_api_reads_them() {
    let post = || Method::POST;
    assert_eq!(
        resolved_id(post(), "/v1/users/me/sections/s1:position"),
        Some((
            "chat.users.sections.position",
            vec!["me".into(), "s1".into()]
        ))
    );
    // Without its suffix, a custom method is no method at all.
    assert_eq!(resolved_id(post(), "/v1/users/me/sections/s1"), None);
    assert_eq!(
        resolved_id(post(), "/v1/users/me/sections/s/items/spaces%2FA:move"),
        Some((
            "chat.users.sections.items.move",
            vec!["me".into(), "s".into(), "spaces/A".into()]
        ))
    );
    assert_eq!(
        resolved_id(Method::GET, "//v1/spaces/%41%41"),
        Some(("chat.spaces.get", vec!["AA".into()]))
    );
    assert_eq!(
        resolved_id(Method::GET, "/v1/spaces/A/messages/m/extra"),
        None
    );
    assert_eq!(resolved_id(Method::GET, "/v1/spaces/A/messages/m/"), None);
    assert_eq!(resolved_id(Method::OPTIONS, "/v1/spaces"), None);
    assert_eq!(resolved_id(Method::GET, "/v2/spaces"), None);
    assert_eq!(
        resolved_id(Method::PUT, "/v1/spaces/A/messages/m"),
        Some(("chat.spaces.messages.update", vec!["A".into(), "m".into()]))
    );
    assert_eq!(
        resolved_id(post(), "/v1/spaces:setup").map(|r| r.0),
        Some("chat.spaces.setup")
    );
}
