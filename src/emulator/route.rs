//! What a route of the emulator is: the HTTP method, the path pattern, the REST method id,
//! the scopes, who may call it, its quota and its handler (each resource file declares its
//! own in a `ROUTES` table of these; `routes.rs` reads the tables).

use axum::http::Method;

use super::auth::Accepts;
use super::ctx::{Ctx, Reply};
use super::error::EmuResult;
use crate::api::scope::Scope;

/// The HTTP methods the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Verb {
    pub fn is(self, m: &Method) -> bool {
        *m == self.method()
    }

    pub fn method(self) -> Method {
        match self {
            Verb::Get => Method::GET,
            Verb::Post => Method::POST,
            Verb::Put => Method::PUT,
            Verb::Patch => Method::PATCH,
            Verb::Delete => Method::DELETE,
        }
    }
}

/// Which kinds of caller a method takes, beyond what its scopes admit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callers {
    /// Whoever holds one of its scopes.
    Any,
    /// User authentication only, whatever scopes an app's token has.
    Users,
    /// App authentication only.
    Apps,
}

/// The per-space quota (when quotas are on) a call counts against: the space named by the
/// pattern's `{spacesId}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quota {
    None,
    Read,
    Write,
}

/// The path variable that names the space a quota counts against.
pub const SPACE_VAR: &str = "spacesId";

/// A method's handler, by how many path variables it takes (in the pattern's order).
#[derive(Clone, Copy)]
pub enum Handler {
    Zero(fn(&mut Ctx<'_>) -> EmuResult<Reply>),
    One(fn(&mut Ctx<'_>, &str) -> EmuResult<Reply>),
    Two(fn(&mut Ctx<'_>, &str, &str) -> EmuResult<Reply>),
    Three(fn(&mut Ctx<'_>, &str, &str, &str) -> EmuResult<Reply>),
}

impl Handler {
    /// How many path variables the handler takes.
    #[cfg(test)]
    pub fn arity(&self) -> usize {
        match self {
            Handler::Zero(_) => 0,
            Handler::One(_) => 1,
            Handler::Two(_) => 2,
            Handler::Three(_) => 3,
        }
    }

    /// Runs the handler; `None` when the variables do not fit it (a table's mistake,
    /// which the route tests catch).
    fn call(&self, ctx: &mut Ctx<'_>, vars: &[String]) -> Option<EmuResult<Reply>> {
        Some(match (self, vars) {
            (Handler::Zero(f), []) => f(ctx),
            (Handler::One(f), [a]) => f(ctx, a),
            (Handler::Two(f), [a, b]) => f(ctx, a, b),
            (Handler::Three(f), [a, b, c]) => f(ctx, a, b, c),
            _ => return None,
        })
    }
}

/// One API method the emulator serves.
#[derive(Clone, Copy)]
pub struct Route {
    pub verb: Verb,
    /// Slash-separated segments: a literal (`messages:search`), a variable (`{spacesId}`,
    /// any one segment), or a variable with a literal suffix (`{sectionsId}:position`,
    /// a segment ending so, the variable being what precedes the suffix).
    pub pattern: &'static str,
    /// The REST method id, as in the discovery document.
    pub id: &'static str,
    /// The OAuth scopes the method's reference lists, for every kind of caller together:
    /// [`Route::accepts`] splits them by whom they admit.
    pub scopes: &'static [Scope],
    pub callers: Callers,
    pub quota: Quota,
    pub handler: Handler,
}

impl Route {
    /// A route anyone with one of `scopes` may call, counted against no per-space quota.
    pub const fn new(
        verb: Verb,
        pattern: &'static str,
        id: &'static str,
        scopes: &'static [Scope],
        handler: Handler,
    ) -> Self {
        Route {
            verb,
            pattern,
            id,
            scopes,
            callers: Callers::Any,
            quota: Quota::None,
            handler,
        }
    }

    pub const fn callers(mut self, callers: Callers) -> Self {
        self.callers = callers;
        self
    }

    pub const fn quota(mut self, quota: Quota) -> Self {
        self.quota = quota;
        self
    }

    /// The method's accepted scopes, split by the kind of caller each admits.
    pub fn accepts(&self) -> Accepts {
        Accepts::split(self.scopes)
    }

    /// The pattern's segments, read.
    pub fn segments(&self) -> impl Iterator<Item = Seg<'static>> {
        self.pattern.split('/').map(Seg::read)
    }

    /// The path variables' names, in order.
    pub fn var_names(&self) -> Vec<&'static str> {
        self.segments()
            .filter_map(|s| match s {
                Seg::Lit(_) => None,
                Seg::Var(n) | Seg::VarSuffix(n, _) => Some(n),
            })
            .collect()
    }

    /// The path's variables when `segs` (percent-decoded) match the pattern.
    pub fn matches(&self, segs: &[String]) -> Option<Vec<String>> {
        let mut vars = Vec::new();
        let mut path = segs.iter();
        for seg in self.segments() {
            let s = path.next()?;
            match seg {
                Seg::Lit(l) => {
                    if s != l {
                        return None;
                    }
                }
                Seg::Var(_) => vars.push(s.clone()),
                Seg::VarSuffix(_, suffix) => vars.push(s.strip_suffix(suffix)?.to_string()),
            }
        }
        path.next().is_none().then_some(vars)
    }

    /// Runs the method's handler with the path's variables.
    pub fn run(&self, ctx: &mut Ctx<'_>, vars: &[String]) -> EmuResult<Reply> {
        self.handler.call(ctx, vars).unwrap_or_else(|| {
            Err(super::error::EmuError::internal(format!(
                "The emulator's route for {} does not fit its handler.",
                self.id
            )))
        })
    }
}

/// One segment of a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg<'a> {
    Lit(&'a str),
    Var(&'a str),
    /// A variable, then a literal suffix such as `:move`.
    VarSuffix(&'a str, &'a str),
}

impl<'a> Seg<'a> {
    pub fn read(s: &'a str) -> Self {
        let Some(rest) = s.strip_prefix('{') else {
            return Seg::Lit(s);
        };
        match rest.split_once('}') {
            Some((name, "")) => Seg::Var(name),
            Some((name, suffix)) => Seg::VarSuffix(name, suffix),
            None => Seg::Lit(s),
        }
    }
}

/// A matched request: its route and the path's variables.
pub struct Matched {
    pub route: &'static Route,
    pub vars: Vec<String>,
}

impl Matched {
    /// The space the call counts against, when it counts against a per-space quota.
    pub fn quota_space(&self) -> Option<&str> {
        if self.route.quota == Quota::None {
            return None;
        }
        let i = self
            .route
            .var_names()
            .iter()
            .position(|n| *n == SPACE_VAR)?;
        self.vars.get(i).map(String::as_str)
    }
}
