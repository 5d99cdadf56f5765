//! Routing, authentication and the HTTP glue. Each request: match the path (404), find
//! the caller (401), check the token's scopes (403), then run the method's handler
//! against the store under one lock, and save what the method changed before answering.

use std::collections::{HashMap, VecDeque};
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap, Method};
use serde::{Deserialize, Serialize};

use super::auth::{parse_dev_token, Principal};
use super::error::{EmuError, EmuResult};
use super::journal::{ChangeSet, Durable, Opener, Ticket};
use super::paths::segments;
use super::request::Query;
use super::route::{Callers, Quota};
use super::store::Store;

use super::routes;
use super::{blobs, sync};

use super::ctx::{Config, Ctx, Reply};

/// A failure to inject: the next `count` calls of `method` (or of any method) answer
/// `code`, optionally with `Retry-After`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    /// A REST method id such as `chat.spaces.messages.create`; every method when absent.
    #[serde(default)]
    pub method: Option<String>,
    pub code: u16,
    #[serde(default = "one")]
    pub count: u32,
    #[serde(default)]
    pub retry_after: Option<u64>,
}

fn one() -> u32 {
    1
}

/// What to wait for before answering: the request's changes (or, for a read, the changes
/// it saw) reaching the disk.
pub type Snapshot = Ticket;

/// Sliding one-minute windows per space, for the optional quotas.
#[derive(Default)]
struct Quotas {
    windows: HashMap<(String, bool), VecDeque<Instant>>,
}

impl Quotas {
    fn admit(&mut self, space: &str, write: bool) -> Result<(), EmuError> {
        let limit = if write { 60 } else { 900 };
        let now = Instant::now();
        let w = self.windows.entry((space.to_string(), write)).or_default();
        while w
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(60))
        {
            w.pop_front();
        }
        if w.len() >= limit {
            let wait = w
                .front()
                .map(|t| {
                    60u64
                        .saturating_sub(now.duration_since(*t).as_secs())
                        .max(1)
                })
                .unwrap_or(1);
            let mut e = EmuError::exhausted(format!(
                "Quota exceeded for quota metric '{}' and limit 'per minute per space' of service 'chat.googleapis.com'.",
                if write { "Write requests per space" } else { "Read requests per space" }
            ));
            e.retry_after = Some(wait);
            return Err(e);
        }
        w.push_back(now);
        Ok(())
    }
}

/// The emulator: its state and how to serve it.
pub struct Service {
    store: Arc<Mutex<Store>>,
    persister: Option<Durable>,
    pub config: Config,
    faults: Mutex<Vec<Fault>>,
    quotas: Mutex<Quotas>,
    /// Attachment bytes and resumable upload sessions.
    pub(crate) media: blobs::Media,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A handler that panicked is answered with a 500; the state it left is still usable.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

const NO_CREDENTIALS: &str = "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.";
const BAD_CREDENTIALS: &str = "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.";

impl Service {
    pub fn new(
        mut store: Store,
        persister: Option<Opener>,
        config: Config,
    ) -> anyhow::Result<Self> {
        store.clear_logs();
        let uploads: std::collections::HashSet<String> = store
            .spaces
            .values()
            .flat_map(|r| r.uploads.keys().cloned())
            .collect();
        let store = Arc::new(Mutex::new(store));
        let persister = match persister {
            Some(p) => Some(p.start(store.clone())?),
            None => None,
        };
        let media = blobs::Media::new(persister.as_ref().map(Durable::path), &|id| {
            uploads.contains(id)
        });
        Ok(Service {
            media,
            store,
            persister,
            config,
            faults: Mutex::new(Vec::new()),
            quotas: Mutex::new(Quotas::default()),
        })
    }

    /// Test hook: the next `n` saves fail halfway through, as on a full disk.
    pub fn fail_saves(&self, n: u32) {
        if let Some(p) = &self.persister {
            p.fail_writes(n);
        }
    }

    /// Queues what the request changed to be saved (or undoes it when there is nothing to
    /// save it to: then it just forgets the change log). Call with the store locked.
    fn record(&self, store: &mut Store, changes: ChangeSet) -> EmuResult<Option<Ticket>> {
        let Some(p) = &self.persister else {
            return Ok(None);
        };
        if changes.is_empty() {
            return Ok(p.read_ticket());
        }
        p.append(changes).map(Some).map_err(|(e, undo)| {
            undo.apply(store);
            EmuError::internal(format!("The emulator could not save its state: {e}"))
        })
    }

    /// Runs `f` on the state (tests inspect what the emulator holds this way).
    /// What it changes is saved like a request's changes, without waiting for the disk.
    pub fn with_store<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        let mut store = lock(&self.store);
        let before = self.persister.as_ref().map(|_| store.oauth.clone());
        let r = f(&mut store);
        super::sync::derive(&mut store);
        let changed = before
            .filter(|b| serde_json::to_value(b).ok() != serde_json::to_value(&store.oauth).ok());
        let changes = ChangeSet::take(&mut store, changed);
        if let Err(e) = self.record(&mut store, changes) {
            tracing::error!(error = %e.message, "could not save a change made outside a request");
        }
        r
    }

    /// Reads the state (no changes) under the lock.
    pub(crate) fn read_store<R>(&self, f: impl FnOnce(&Store) -> R) -> R {
        f(&lock(&self.store))
    }

    pub fn inject(&self, fault: Fault) {
        lock(&self.faults).push(fault);
    }

    /// Faults not yet used up.
    pub fn pending_faults(&self) -> Vec<Fault> {
        lock(&self.faults).clone()
    }

    pub fn clear_faults(&self) {
        lock(&self.faults).clear();
    }

    pub(crate) fn take_fault(&self, method: &str) -> Option<EmuError> {
        let mut faults = lock(&self.faults);
        let i = faults
            .iter()
            .position(|f| f.count > 0 && f.method.as_deref().is_none_or(|m| m == method))?;
        let f = &mut faults[i];
        f.count -= 1;
        let mut e = EmuError::with_code(f.code, format!("Injected failure for {method}."));
        e.retry_after = f.retry_after;
        if f.count == 0 {
            faults.remove(i);
        }
        Some(e)
    }

    /// Who the request comes from: a bearer token in the header, or `access_token`.
    pub(crate) fn principal(&self, headers: &HeaderMap, query: &Query) -> EmuResult<Principal> {
        let header_token = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, token) = v.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            });
        let token = header_token
            .or_else(|| query.string("access_token"))
            .ok_or_else(|| EmuError::unauthenticated(NO_CREDENTIALS))?;
        let store = lock(&self.store);
        let p = parse_dev_token(token, &store.directory.primary_app)
            .or_else(|| store.oauth.principal(token, super::store::now()))
            .ok_or_else(|| EmuError::unauthenticated(BAD_CREDENTIALS))?;
        if p.is_app() && !store.directory.is_app(p.id()) {
            return Err(EmuError::unauthenticated(BAD_CREDENTIALS));
        }
        Ok(p)
    }

    /// Answers one request. Returns the answer and, when state is saved, what must be on
    /// disk before answering: the request's changes, or the unsaved changes of others
    /// that it saw (even an error, such as a conflict, can reveal them).
    pub fn dispatch(
        &self,
        method: &Method,
        path: &str,
        raw_query: Option<&str>,
        headers: &HeaderMap,
        body: &[u8],
    ) -> (EmuResult<Reply>, Option<Snapshot>) {
        let mut ticket = None;
        let r = self.dispatch_inner(method, path, raw_query, headers, body, &mut ticket);
        (r, ticket)
    }

    fn dispatch_inner(
        &self,
        method: &Method,
        path: &str,
        raw_query: Option<&str>,
        headers: &HeaderMap,
        body: &[u8],
        ticket: &mut Option<Snapshot>,
    ) -> EmuResult<Reply> {
        let segs = segments(path);
        let matched = routes::resolve(method, &segs).ok_or_else(|| {
            EmuError::not_found(format!(
                "The requested URL {path} was not found on this server (method {method})."
            ))
        })?;
        let route = matched.route;
        if let Some(e) = self.take_fault(route.id) {
            return Err(e);
        }
        let query = Query::parse(raw_query);
        let who = self.principal(headers, &query)?;
        // A malformed useAdminAccess is the handler's 400; it is no admin access here.
        let admin_access = query.bool("useAdminAccess").unwrap_or(false);
        if !who.admits(&route.accepts(), admin_access) {
            return Err(EmuError::scope_insufficient(route.id));
        }
        if route.callers == Callers::Users && who.is_app() {
            return Err(EmuError::permission(format!(
                "{} requires user authentication; Chat apps cannot call it.",
                route.id
            )));
        }
        if route.callers == Callers::Apps && !who.is_app() {
            return Err(EmuError::permission(format!(
                "{} requires app authentication (the chat.bot scope).",
                route.id
            )));
        }
        if self.config.quotas {
            if let Some(space) = matched.quota_space() {
                lock(&self.quotas).admit(space, route.quota == Quota::Write)?;
            }
        }
        let mut store = lock(&self.store);
        if !who.is_app() {
            store.directory.know_caller(who.id());
        }
        let mut ctx = Ctx {
            store: &mut store,
            who: &who,
            query: &query,
            body,
            config: &self.config,
        };
        let out = std::panic::catch_unwind(AssertUnwindSafe(|| route.run(&mut ctx, &matched.vars)))
            .unwrap_or_else(|_| {
                Err(EmuError::internal(
                    "The emulator failed while handling this request.",
                ))
            });
        if out.is_ok() {
            sync::derive(&mut store);
        }
        let changes = ChangeSet::take(&mut store, None);
        match out {
            Ok(out) => {
                *ticket = self.record(&mut store, changes)?;
                Ok(out)
            }
            Err(e) => {
                // A method that fails changes nothing, even halfway.
                changes.undo.apply(&mut store);
                *ticket = self.persister.as_ref().and_then(Durable::read_ticket);
                Err(e)
            }
        }
    }

    /// Changes the store outside the API methods (OAuth), with the snapshot to save.
    pub(crate) fn mutate<R>(
        &self,
        f: impl FnOnce(&mut Store) -> (R, bool),
    ) -> (EmuResult<R>, Option<Snapshot>) {
        let mut store = lock(&self.store);
        let before = self.persister.as_ref().map(|_| store.oauth.clone());
        let (r, changed) = f(&mut store);
        let changes = ChangeSet::take(&mut store, before.filter(|_| changed));
        match self.record(&mut store, changes) {
            Ok(t) => (Ok(r), t),
            Err(e) => (Err(e), None),
        }
    }

    /// Waits until what the request changed (or saw) is on disk.
    pub(crate) async fn save(self: &Arc<Self>, snapshot: Option<Snapshot>) -> EmuResult<()> {
        let (Some(ticket), Some(p)) = (snapshot, &self.persister) else {
            return Ok(());
        };
        if p.wait(ticket).await {
            Ok(())
        } else {
            Err(EmuError::with_code(
                503,
                "The emulator could not save its state, so this request was not applied; it can be retried.",
            ))
        }
    }
}
