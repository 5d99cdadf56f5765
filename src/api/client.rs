//! The Chat API v1 (and People API) client: one async method per REST method.
//!
//! Every request has a connect timeout and a total timeout. Requests that are safe to
//! repeat (reads, deletes, and creates that carry a `requestId` or a client message id)
//! are retried with truncated exponential backoff and jitter on 429, 500, 502, 503, 504,
//! network failures and garbled answers, honouring `Retry-After`. A retried create that
//! meets 409 for its own client id returns the stored message (the first attempt did
//! arrive); a retried delete that meets 404 succeeds (the first attempt did delete).

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use rand::Rng;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error::{parse_retry_after, ApiError, ServerError};
use super::lean::{message_page, unreadable_note, Listed, MessagePage};
use super::model::*;
use super::name::{ClientMessageId, MembershipName, MessageName, SpaceName, UserRef};

mod conversation;
pub use conversation::{
    emoji_filter, quote_of, ListReactions, Progress, MAX_ATTACHMENT_BYTES, UPLOAD_CHUNK,
};

pub const GOOGLE_CHAT_ENDPOINT: &str = "https://chat.googleapis.com";
pub const GOOGLE_PEOPLE_ENDPOINT: &str = "https://people.googleapis.com";

/// Where bearer tokens come from: a fixed token, a user's OAuth session, a service account.
pub trait TokenSource: Send + Sync {
    fn token(&self) -> BoxFuture<'_, Result<String, ApiError>>;

    /// A new token, after the server refused the current one (401).
    fn refresh(&self) -> BoxFuture<'_, Result<String, ApiError>> {
        self.token()
    }
}

/// A fixed bearer token (the emulator's development tokens, or one given on the command line).
pub struct StaticToken(String);

impl StaticToken {
    pub fn new(token: impl Into<String>) -> Self {
        StaticToken(token.into())
    }
}

impl TokenSource for StaticToken {
    fn token(&self) -> BoxFuture<'_, Result<String, ApiError>> {
        Box::pin(async move { Ok(self.0.clone()) })
    }
}

/// When and how often a failed request is sent again.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// A `Retry-After` longer than this is not waited for; the error is returned instead.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(16),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Default::default()
        }
    }

    /// The wait before attempt `retry + 1` (0-based retry count): `initial * 2^retry`,
    /// truncated at `max_backoff`, plus up to `initial` of random jitter.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(1u32.checked_shl(retry.min(20)).unwrap_or(u32::MAX));
        let base = exp.min(self.max_backoff);
        let jitter_ms = self.initial_backoff.as_millis().min(u64::MAX as u128) as u64;
        let jitter = if jitter_ms > 0 {
            Duration::from_millis(rand::thread_rng().gen_range(0..=jitter_ms))
        } else {
            Duration::ZERO
        };
        (base + jitter).min(self.max_backoff.max(self.initial_backoff))
    }
}

/// Told before each wait to send a request again: the error, and how long the wait is.
pub type RetryHook = Arc<dyn Fn(&ApiError, Duration) + Send + Sync>;

/// How to build a [`Client`].
pub struct ClientBuilder {
    chat_endpoint: String,
    people_endpoint: String,
    tokens: Arc<dyn TokenSource>,
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    on_retry: Option<RetryHook>,
}

impl ClientBuilder {
    /// Talks to Google by default; point both endpoints at an emulator with [`Self::endpoint`].
    pub fn new(tokens: Arc<dyn TokenSource>) -> Self {
        ClientBuilder {
            chat_endpoint: GOOGLE_CHAT_ENDPOINT.to_string(),
            people_endpoint: GOOGLE_PEOPLE_ENDPOINT.to_string(),
            tokens,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            on_retry: None,
        }
    }

    /// Sends both Chat and People requests to `url` (an emulator serves both).
    pub fn endpoint(mut self, url: &str) -> Self {
        let base = url.trim_end_matches('/').to_string();
        self.chat_endpoint = base.clone();
        self.people_endpoint = base;
        self
    }

    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }

    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }

    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Calls `hook` before every wait to retry (a rate limit's `Retry-After`, say), so a
    /// command-line tool can say why it is waiting.
    pub fn on_retry(mut self, hook: RetryHook) -> Self {
        self.on_retry = Some(hook);
        self
    }

    pub fn build(self) -> Result<Client, ApiError> {
        let http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .user_agent(concat!("gchat/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ApiError::Transport(e.to_string()))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                chat: self.chat_endpoint,
                people: self.people_endpoint,
                tokens: self.tokens,
                retry: self.retry,
                on_retry: std::sync::RwLock::new(self.on_retry),
                unreadable: std::sync::Mutex::new(LeftOut::default()),
            }),
        })
    }
}

struct Inner {
    http: reqwest::Client,
    chat: String,
    people: String,
    tokens: Arc<dyn TokenSource>,
    retry: RetryPolicy,
    /// Settable after the client is built (the TUI's loop sets its own).
    on_retry: std::sync::RwLock<Option<RetryHook>>,
    /// Listed messages left out as unreadable: those told and those not yet.
    unreadable: std::sync::Mutex<LeftOut>,
}

/// Messages from the server left out as unreadable: each told once a session.
#[derive(Default)]
struct LeftOut {
    /// What identifies each one already counted (bounded: cleared when full).
    seen: std::collections::HashSet<String>,
    /// Counted, not yet told, by the space they were listed in.
    pending: Vec<(SpaceName, usize)>,
}

/// The most left-out messages remembered, so that one is told only once.
const LEFT_OUT_REMEMBERED: usize = 4096;

impl LeftOut {
    fn add(&mut self, space: &SpaceName, ids: &[String]) {
        let mut new = 0;
        for id in ids {
            if self.seen.len() >= LEFT_OUT_REMEMBERED {
                self.seen.clear();
            }
            if self.seen.insert(id.clone()) {
                new += 1;
            }
        }
        if new == 0 {
            return;
        }
        match self.pending.iter_mut().find(|(s, _)| s == space) {
            Some((_, n)) => *n += new,
            None => self.pending.push((space.clone(), new)),
        }
    }
}

/// A cheap-to-clone handle; clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Clone, Copy)]
enum Api {
    Chat,
    People,
}

/// One request, described before it is sent (so it can be sent again).
pub(super) struct Call {
    method: Method,
    api: Api,
    path: String,
    query: Vec<(&'static str, String)>,
    body: Option<Vec<u8>>,
    /// Safe to send again after a failure whose outcome is unknown.
    pub(super) idempotent: bool,
}

impl Call {
    pub(super) fn new(method: Method, path: String) -> Self {
        let idempotent = method == Method::GET || method == Method::DELETE;
        Call {
            method,
            api: Api::Chat,
            path,
            query: Vec::new(),
            body: None,
            idempotent,
        }
    }
    pub(super) fn q(mut self, key: &'static str, value: impl ToString) -> Self {
        self.query.push((key, value.to_string()));
        self
    }
    pub(super) fn q_opt(self, key: &'static str, value: Option<impl ToString>) -> Self {
        match value {
            Some(v) => self.q(key, v),
            None => self,
        }
    }
    pub(super) fn q_flag(self, key: &'static str, on: bool) -> Self {
        if on {
            self.q(key, "true")
        } else {
            self
        }
    }
    pub(super) fn json<B: Serialize>(mut self, body: &B) -> Result<Self, ApiError> {
        self.body =
            Some(serde_json::to_vec(body).map_err(|e| ApiError::InvalidArgument(e.to_string()))?);
        Ok(self)
    }
}

/// `spaces.list` parameters.
#[derive(Debug, Clone, Default)]
pub struct ListSpaces {
    pub page_size: Option<i32>,
    pub page_token: Option<String>,
    pub filter: Option<String>,
}

/// `spaces.members.list` parameters.
#[derive(Debug, Clone, Default)]
pub struct ListMembers {
    pub page_size: Option<i32>,
    pub page_token: Option<String>,
    pub filter: Option<String>,
    pub show_invited: bool,
    pub show_groups: bool,
}

/// `spaces.messages.list` parameters.
#[derive(Debug, Clone, Default)]
pub struct ListMessages {
    pub page_size: Option<i32>,
    pub page_token: Option<String>,
    pub filter: Option<String>,
    pub order_by: Option<String>,
    pub show_deleted: bool,
}

impl ListMessages {
    pub fn with_page_size(mut self, n: i32) -> Self {
        self.page_size = Some(n);
        self
    }
    pub fn with_page_token(mut self, t: impl Into<String>) -> Self {
        self.page_token = Some(t.into());
        self
    }
    pub fn with_filter(mut self, f: impl Into<String>) -> Self {
        self.filter = Some(f.into());
        self
    }
    pub fn with_order_by(mut self, o: impl Into<String>) -> Self {
        self.order_by = Some(o.into());
        self
    }
    /// `orderBy=DESC`: newest first.
    pub fn newest_first(self) -> Self {
        self.with_order_by("DESC")
    }
    /// `showDeleted=true`: deleted messages as tombstones too.
    pub fn with_deleted(mut self) -> Self {
        self.show_deleted = true;
        self
    }
}

/// `spaces.messages.create` query parameters.
#[derive(Debug, Clone, Default)]
pub struct CreateMessage {
    /// A client-assigned id; makes the create safe to retry.
    pub message_id: Option<ClientMessageId>,
    /// Makes the create safe to retry.
    pub request_id: Option<String>,
    pub reply_option: Option<MessageReplyOption>,
    /// Deprecated query form of `thread.threadKey`.
    pub thread_key: Option<String>,
    /// `createMessageNotificationOptions.notificationType`.
    pub notification_type: Option<String>,
}

/// A `createTime` filter for `messages.list`, e.g. `createTime > "2024-01-01T00:00:00Z"`.
pub fn created_after(t: &chrono::DateTime<chrono::Utc>) -> String {
    format!("createTime > \"{}\"", timestamp::format(t))
}

/// A `createTime` filter for `messages.list`, e.g. `createTime < "2024-01-01T00:00:00Z"`.
pub fn created_before(t: &chrono::DateTime<chrono::Utc>) -> String {
    format!("createTime < \"{}\"", timestamp::format(t))
}

/// More pages than this from one list call means the server is looping.
const MAX_PAGES: usize = 10_000;

impl Client {
    /// A client for `endpoint` with a fixed token: the emulator, or a test.
    pub fn with_static_token(endpoint: &str, token: &str) -> Result<Client, ApiError> {
        ClientBuilder::new(Arc::new(StaticToken::new(token)))
            .endpoint(endpoint)
            .build()
    }

    pub fn chat_endpoint(&self) -> &str {
        &self.inner.chat
    }

    /// From now on calls `hook` before every wait to retry, in place of any hook given
    /// before (for every clone of this client): the TUI shows a rate limit's wait.
    pub fn set_on_retry(&self, hook: RetryHook) {
        if let Ok(mut h) = self.inner.on_retry.write() {
            *h = Some(hook);
        }
    }

    pub(super) async fn send<T: DeserializeOwned>(&self, call: Call) -> Result<T, ApiError> {
        self.send_counted(call, &json).await.0
    }

    /// Sends `call`, retrying as the policy allows. Also answers whether an earlier
    /// attempt may have been acted on although its answer was lost (it failed in a way
    /// that is worth retrying): then a 409 or 404 may be that attempt's doing.
    /// The answer's body is made a `T` by `decode`.
    async fn send_counted<T, D>(&self, call: Call, decode: &D) -> (Result<T, ApiError>, bool)
    where
        D: Fn(&[u8]) -> Result<T, serde_json::Error>,
    {
        let policy = &self.inner.retry;
        let mut unsure = false;
        let attempts = if call.idempotent {
            policy.max_attempts.max(1)
        } else {
            1
        };
        let mut retry = 0;
        let mut refreshed = false;
        loop {
            let started = Instant::now();
            let result = self.send_once(&call, refreshed, decode).await;
            match &result {
                Ok(_) => tracing::debug!(
                    method = %call.method, path = %call.path, ms = started.elapsed().as_millis() as u64,
                    "api call ok"
                ),
                Err(e) => tracing::info!(
                    method = %call.method, path = %call.path, code = ?e.code(), error = %e,
                    "api call failed"
                ),
            }
            match result {
                // The token was refused: one more try with a fresh one (nothing was done,
                // so this is safe for every method).
                Err(e) if e.code() == Some(401) && !refreshed => {
                    refreshed = true;
                }
                Err(e) if worth_retrying(&e) && retry + 1 < attempts => {
                    unsure = true;
                    let wait = match e.retry_after() {
                        Some(ra) if ra > policy.max_retry_after => return (Err(e), unsure),
                        Some(ra) => ra.max(policy.backoff(retry)),
                        None => policy.backoff(retry),
                    };
                    tracing::info!(
                        retry = retry + 1,
                        wait_ms = wait.as_millis() as u64,
                        "retrying"
                    );
                    let hook = self.inner.on_retry.read().ok().and_then(|h| h.clone());
                    if let Some(hook) = hook {
                        hook(&e, wait);
                    }
                    tokio::time::sleep(wait).await;
                    retry += 1;
                }
                other => return (other, unsure),
            }
        }
    }

    async fn send_once<T, D>(
        &self,
        call: &Call,
        fresh_token: bool,
        decode: &D,
    ) -> Result<T, ApiError>
    where
        D: Fn(&[u8]) -> Result<T, serde_json::Error>,
    {
        let base = match call.api {
            Api::Chat => &self.inner.chat,
            Api::People => &self.inner.people,
        };
        let url = format!("{base}/{}", call.path);
        let token = if fresh_token {
            self.inner.tokens.refresh().await?
        } else {
            self.inner.tokens.token().await?
        };
        let mut req = self
            .inner
            .http
            .request(call.method.clone(), &url)
            .bearer_auth(token)
            .header(reqwest::header::ACCEPT, "application/json");
        if !call.query.is_empty() {
            req = req.query(&call.query);
        }
        if let Some(body) = &call.body {
            req = req
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let resp = req.send().await.map_err(ApiError::from_reqwest)?;
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        // An error while the body comes in is the network's (reqwest calls a body that
        // ends before its promised length a decode error): worth asking again.
        let bytes = read_body(resp).await?;
        if !status.is_success() {
            return Err(ApiError::Server(ServerError::from_response(
                status.as_u16(),
                &bytes,
                retry_after,
            )));
        }
        let body: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &bytes
        };
        decode(body).map_err(|e| {
            if e.is_eof() {
                // Cut short on the way (the promised body never all arrived): a transport
                // failure, which asking again may well not meet.
                ApiError::Transport(format!("the answer was cut short ({e})"))
            } else {
                // A whole answer of the wrong shape: asking again gets the same body.
                ApiError::Decode(e.to_string())
            }
        })
    }

    // ---- spaces ----

    pub async fn list_spaces(&self, p: &ListSpaces) -> Result<ListSpacesResponse, ApiError> {
        let call = Call::new(Method::GET, "v1/spaces".into())
            .q_opt("pageSize", p.page_size)
            .q_opt("pageToken", p.page_token.as_deref())
            .q_opt("filter", p.filter.as_deref());
        self.send(call).await
    }

    /// Every page of `spaces.list`.
    pub async fn list_all_spaces(&self, filter: Option<&str>) -> Result<Vec<Space>, ApiError> {
        let p = ListSpaces {
            page_size: Some(1000),
            filter: filter.map(String::from),
            ..Default::default()
        };
        collect_pages(|token| {
            let p = ListSpaces {
                page_token: token,
                ..p.clone()
            };
            async move {
                let page = self.list_spaces(&p).await?;
                Ok((page.spaces, page.next_page_token))
            }
        })
        .await
    }

    pub async fn get_space(&self, name: &SpaceName) -> Result<Space, ApiError> {
        self.send(Call::new(Method::GET, format!("v1/{name}")))
            .await
    }

    /// `spaces.create`. With a `request_id` the call is idempotent and retried.
    pub async fn create_space(
        &self,
        space: &Space,
        request_id: Option<&str>,
    ) -> Result<Space, ApiError> {
        let mut call = Call::new(Method::POST, "v1/spaces".into())
            .q_opt("requestId", request_id)
            .json(space)?;
        call.idempotent = request_id.is_some();
        self.send(call).await
    }

    pub async fn patch_space(
        &self,
        name: &SpaceName,
        space: &Space,
        update_mask: &str,
    ) -> Result<Space, ApiError> {
        let call = Call::new(Method::PATCH, format!("v1/{name}"))
            .q("updateMask", update_mask)
            .json(space)?;
        self.send(call).await
    }

    /// `spaces.delete`. A retry that finds the space gone succeeds: the attempt whose
    /// answer was lost deleted it.
    pub async fn delete_space(&self, name: &SpaceName) -> Result<(), ApiError> {
        self.send_delete::<Empty>(Call::new(Method::DELETE, format!("v1/{name}")))
            .await
            .map(|_| ())
    }

    /// Sends a DELETE. A 404 after an attempt whose outcome is unknown (its answer was
    /// lost, so the retry was sent) is that attempt's doing: the resource is gone, as
    /// asked, and the answer is `None`. A 404 on a first, sure attempt stays an error.
    pub(super) async fn send_delete<T: DeserializeOwned>(
        &self,
        call: Call,
    ) -> Result<Option<T>, ApiError> {
        match self.send_counted::<T, _>(call, &json).await {
            (Err(e), true) if e.is_not_found() => {
                tracing::info!("a retried delete found the resource already gone");
                Ok(None)
            }
            (result, _) => result.map(Some),
        }
    }

    pub async fn setup_space(&self, req: &SetUpSpaceRequest) -> Result<Space, ApiError> {
        let mut call = Call::new(Method::POST, "v1/spaces:setup".into()).json(req)?;
        call.idempotent = req.request_id.is_some();
        self.send(call).await
    }

    pub async fn find_direct_message(&self, user: &UserRef) -> Result<Space, ApiError> {
        let call = Call::new(Method::GET, "v1/spaces:findDirectMessage".into()).q("name", user);
        self.send(call).await
    }

    // ---- members ----

    pub async fn list_members(
        &self,
        space: &SpaceName,
        p: &ListMembers,
    ) -> Result<ListMembershipsResponse, ApiError> {
        let call = Call::new(Method::GET, format!("v1/{space}/members"))
            .q_opt("pageSize", p.page_size)
            .q_opt("pageToken", p.page_token.as_deref())
            .q_opt("filter", p.filter.as_deref())
            .q_flag("showInvited", p.show_invited)
            .q_flag("showGroups", p.show_groups);
        self.send(call).await
    }

    /// Every page of `spaces.members.list`.
    pub async fn list_all_members(
        &self,
        space: &SpaceName,
        p: &ListMembers,
    ) -> Result<Vec<Membership>, ApiError> {
        let mut p = p.clone();
        p.page_size = p.page_size.or(Some(1000));
        collect_pages(|token| {
            let p = ListMembers {
                page_token: token,
                ..p.clone()
            };
            async move {
                let page = self.list_members(space, &p).await?;
                Ok((page.memberships, page.next_page_token))
            }
        })
        .await
    }

    pub async fn get_member(&self, name: &MembershipName) -> Result<Membership, ApiError> {
        self.send(Call::new(Method::GET, format!("v1/{name}")))
            .await
    }

    /// Adds a person (`users/ID` or `users/EMAIL`, type HUMAN) or the calling app
    /// (`users/app`, type BOT).
    pub async fn create_member(
        &self,
        space: &SpaceName,
        membership: &Membership,
    ) -> Result<Membership, ApiError> {
        let call = Call::new(Method::POST, format!("v1/{space}/members")).json(membership)?;
        self.send(call).await
    }

    /// A membership body for `user`: HUMAN for people, BOT for `users/app`.
    pub fn membership_for(user: &UserRef) -> Membership {
        Membership {
            member: Some(User {
                name: Some(user.to_string()),
                user_type: Some(if *user == UserRef::App {
                    UserType::Bot
                } else {
                    UserType::Human
                }),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    pub async fn patch_member(
        &self,
        name: &MembershipName,
        membership: &Membership,
        update_mask: &str,
    ) -> Result<Membership, ApiError> {
        let call = Call::new(Method::PATCH, format!("v1/{name}"))
            .q("updateMask", update_mask)
            .json(membership)?;
        self.send(call).await
    }

    /// Changes a member's role (`updateMask=role`).
    pub async fn set_member_role(
        &self,
        name: &MembershipName,
        role: MembershipRole,
    ) -> Result<Membership, ApiError> {
        let body = Membership {
            role: Some(role),
            ..Default::default()
        };
        self.patch_member(name, &body, "role").await
    }

    /// Removes a member; answers the membership with state `NOT_A_MEMBER`.
    /// A retry that finds the member gone answers the membership `NOT_A_MEMBER` too:
    /// the attempt whose answer was lost removed them.
    pub async fn delete_member(&self, name: &MembershipName) -> Result<Membership, ApiError> {
        let gone = self
            .send_delete::<Membership>(Call::new(Method::DELETE, format!("v1/{name}")))
            .await?;
        Ok(gone.unwrap_or_else(|| Membership {
            name: Some(name.to_string()),
            state: Some(MembershipState::NotAMember),
            ..Default::default()
        }))
    }

    // ---- messages ----

    /// A page of `spaces.messages.list`, decoded lean: each message's `space`,
    /// `formattedText` and `argumentText` are not asked for (`fields`) and skipped (the caller knows the space; the
    /// app reads `text`). [`Client::list_messages_full`] keeps them. A message that
    /// cannot be read, or whose name is not that of a message in `space`, is left out
    /// and counted, both in the page and for [`Client::take_unreadable_note`].
    pub async fn list_messages(
        &self,
        space: &SpaceName,
        p: &ListMessages,
    ) -> Result<MessagePage, ApiError> {
        let decode = |body: &[u8]| message_page(body, space);
        let call = list_messages_call(space, p).q("fields", super::lean::LISTED_FIELDS);
        let page = self.send_counted(call, &decode).await.0?;
        self.left_out(space, &page.left_out);
        Ok(page)
    }

    /// Counts messages left out as unreadable, each once a session.
    pub(super) fn left_out(&self, space: &SpaceName, ids: &[String]) {
        if ids.is_empty() {
            return;
        }
        match self.inner.unreadable.lock() {
            Ok(mut l) => l.add(space, ids),
            Err(p) => p.into_inner().add(space, ids),
        }
    }

    /// The listed messages left out since last asked, by space (the app names the
    /// space): each message once a session, however often a page holding it is listed.
    pub fn take_unreadable(&self) -> Vec<(SpaceName, usize)> {
        match self.inner.unreadable.lock() {
            Ok(mut l) => std::mem::take(&mut l.pending),
            Err(p) => std::mem::take(&mut p.into_inner().pending),
        }
    }

    /// What to tell the user of the listed messages left out since last asked, if any:
    /// each message once a session, however often a page holding it is listed again.
    pub fn take_unreadable_note(&self) -> Option<String> {
        match self.take_unreadable().iter().map(|(_, n)| n).sum() {
            0 => None,
            n => Some(unreadable_note(n)),
        }
    }

    /// Sends `call` and makes its answer's body a `T` with `decode`.
    pub(super) async fn send_decoded<T, D>(&self, call: Call, decode: &D) -> Result<T, ApiError>
    where
        D: Fn(&[u8]) -> Result<T, serde_json::Error>,
    {
        self.send_counted(call, decode).await.0
    }

    /// A page of `spaces.messages.list` with every field as sent.
    pub async fn list_messages_full(
        &self,
        space: &SpaceName,
        p: &ListMessages,
    ) -> Result<ListMessagesResponse, ApiError> {
        self.send(list_messages_call(space, p)).await
    }

    /// Every page of `spaces.messages.list`.
    pub async fn list_all_messages(
        &self,
        space: &SpaceName,
        p: &ListMessages,
    ) -> Result<Vec<Message>, ApiError> {
        let all = self.list_all_listed(space, p).await?;
        Ok(all.into_iter().map(Listed::into_message).collect())
    }

    /// Every page of `spaces.messages.list`, each message as listed (see
    /// [`Client::list_messages`]).
    pub async fn list_all_listed(
        &self,
        space: &SpaceName,
        p: &ListMessages,
    ) -> Result<Vec<Listed>, ApiError> {
        let mut p = p.clone();
        p.page_size = p.page_size.or(Some(1000));
        collect_pages(|token| {
            let p = ListMessages {
                page_token: token,
                ..p.clone()
            };
            async move {
                let page = self.list_messages(space, &p).await?;
                Ok((page.messages, page.next_page_token))
            }
        })
        .await
    }

    pub async fn get_message(&self, name: &MessageName) -> Result<Message, ApiError> {
        self.send(Call::new(Method::GET, format!("v1/{name}")))
            .await
    }

    /// `spaces.messages.create`. With a client `message_id` or a `request_id` the call is
    /// idempotent, so it is retried; without, a failure is final.
    pub async fn create_message(
        &self,
        space: &SpaceName,
        message: &Message,
        p: &CreateMessage,
    ) -> Result<Message, ApiError> {
        let mut call = Call::new(Method::POST, format!("v1/{space}/messages"))
            .q_opt("messageId", p.message_id.as_ref())
            .q_opt("requestId", p.request_id.as_deref())
            .q_opt("messageReplyOption", p.reply_option.as_ref())
            .q_opt("threadKey", p.thread_key.as_deref())
            .q_opt(
                "createMessageNotificationOptions.notificationType",
                p.notification_type.as_deref(),
            )
            .json(message)?;
        call.idempotent = p.message_id.is_some() || p.request_id.is_some();
        match (self.send_counted(call, &json).await, &p.message_id) {
            // An earlier attempt stored it and its answer was lost: this is that message.
            ((Err(e), true), Some(id)) if e.code() == Some(409) => {
                tracing::info!("a retried create found its first attempt stored; fetching it");
                self.get_message(&MessageName::from_client_id(space, id))
                    .await
            }
            ((result, _), _) => result,
        }
    }

    /// `spaces.messages.patch` (the recommended form of update).
    pub async fn patch_message(
        &self,
        name: &MessageName,
        message: &Message,
        update_mask: &str,
        allow_missing: bool,
    ) -> Result<Message, ApiError> {
        let call = Call::new(Method::PATCH, format!("v1/{name}"))
            .q("updateMask", update_mask)
            .q_flag("allowMissing", allow_missing)
            .json(message)?;
        self.send(call).await
    }

    /// `spaces.messages.update` (PUT).
    pub async fn update_message(
        &self,
        name: &MessageName,
        message: &Message,
        update_mask: &str,
        allow_missing: bool,
    ) -> Result<Message, ApiError> {
        let call = Call::new(Method::PUT, format!("v1/{name}"))
            .q("updateMask", update_mask)
            .q_flag("allowMissing", allow_missing)
            .json(message)?;
        self.send(call).await
    }

    /// `spaces.messages.delete`. `force` also deletes the thread's replies.
    pub async fn delete_message(&self, name: &MessageName, force: bool) -> Result<(), ApiError> {
        let call = Call::new(Method::DELETE, format!("v1/{name}")).q_flag("force", force);
        self.send_delete::<Empty>(call).await.map(|_| ())
    }

    // ---- People API ----

    /// `people:batchGet` for up to 200 `people/ID` names.
    pub async fn batch_get_people(
        &self,
        resource_names: &[String],
        person_fields: &str,
    ) -> Result<GetPeopleResponse, ApiError> {
        if resource_names.len() > 200 {
            return Err(ApiError::InvalidArgument(
                "people:batchGet takes at most 200 resource names".into(),
            ));
        }
        let mut call = Call::new(Method::GET, "v1/people:batchGet".into());
        call.api = Api::People;
        for n in resource_names {
            call = call.q("resourceNames", n);
        }
        self.send(call.q("personFields", person_fields)).await
    }

    /// `people:searchDirectoryPeople`: the first `page_size` people of the user's
    /// domain whose names or addresses start with `query`.
    pub async fn search_directory_people(
        &self,
        query: &str,
        page_size: i32,
    ) -> Result<SearchDirectoryPeopleResponse, ApiError> {
        let mut call = Call::new(Method::GET, "v1/people:searchDirectoryPeople".into());
        call.api = Api::People;
        self.send(
            call.q("query", query)
                .q("readMask", "names,emailAddresses")
                .q("sources", "DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE")
                .q("pageSize", page_size.to_string()),
        )
        .await
    }

    pub async fn get_person(
        &self,
        resource_name: &str,
        person_fields: &str,
    ) -> Result<Person, ApiError> {
        let mut call = Call::new(Method::GET, format!("v1/{resource_name}"));
        call.api = Api::People;
        self.send(call.q("personFields", person_fields)).await
    }

    /// Display names and emails for `users/ID` names, in batches of 200. People the
    /// directory does not know are left out of the answer.
    pub async fn lookup_people(
        &self,
        user_names: &[String],
    ) -> Result<Vec<(String, Person)>, ApiError> {
        let mut out = Vec::new();
        let people: Vec<String> = user_names
            .iter()
            .filter_map(|u| u.strip_prefix("users/"))
            .map(|id| format!("people/{id}"))
            .collect();
        for chunk in people.chunks(200) {
            let resp = self.batch_get_people(chunk, "names,emailAddresses").await?;
            for r in resp.responses {
                if let (Some(req), Some(person)) = (r.requested_resource_name, r.person) {
                    if let Some(id) = req.strip_prefix("people/") {
                        out.push((format!("users/{id}"), person));
                    }
                }
            }
        }
        Ok(out)
    }
}

fn list_messages_call(space: &SpaceName, p: &ListMessages) -> Call {
    Call::new(Method::GET, format!("v1/{space}/messages"))
        .q_opt("pageSize", p.page_size)
        .q_opt("pageToken", p.page_token.as_deref())
        .q_opt("filter", p.filter.as_deref())
        .q_opt("orderBy", p.order_by.as_deref())
        .q_flag("showDeleted", p.show_deleted)
}

/// The most of a promised length taken on trust before any of the body has come.
const MAX_BODY_RESERVE: u64 = 16 << 20;

/// The most of an answer's body taken in: a page of 1,000 long messages is a few MiB;
/// a body past this (huge, or endless) is refused before it takes all memory.
pub const MAX_BODY: usize = 64 << 20;

/// The whole body, into one buffer sized from its promised length as it comes (no list
/// of chunks gathered and then copied whole), never more than [`MAX_BODY`].
async fn read_body(mut resp: reqwest::Response) -> Result<Vec<u8>, ApiError> {
    let cut_short = |e: reqwest::Error| {
        if e.is_timeout() {
            ApiError::Timeout
        } else {
            ApiError::Transport(format!("the answer was cut short ({})", e.without_url()))
        }
    };
    let too_large = || {
        ApiError::Decode(format!(
            "the server's answer is larger than {} MiB",
            MAX_BODY >> 20
        ))
    };
    // A promised length may be a lie (a body cut short says more): only what comes in
    // counts against the cap.
    let promised = resp.content_length().unwrap_or(0);
    let mut buf = Vec::with_capacity(promised.min(MAX_BODY_RESERVE) as usize);
    while let Some(chunk) = resp.chunk().await.map_err(cut_short)? {
        if buf.len() + chunk.len() > MAX_BODY {
            return Err(too_large());
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf)
}

/// An answer's body read as JSON.
fn json<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    serde_json::from_slice(body)
}

/// Whether a failed attempt is worth repeating (when repeating is safe): the server was
/// busy or failed, or the network did (an answer cut short included). A whole answer
/// that does not decode is not: the same request gets the same body.
fn worth_retrying(e: &ApiError) -> bool {
    e.is_retryable()
}

/// Calls `fetch` with each page token in turn (first none) until the last page.
pub(super) async fn collect_pages<T, F, Fut>(mut fetch: F) -> Result<Vec<T>, ApiError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<T>, Option<String>), ApiError>>,
{
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let (items, next) = fetch(token.clone()).await?;
        out.extend(items);
        match next_token(&token, next)? {
            Some(t) => token = Some(t),
            None => return Ok(out),
        }
    }
    Err(too_many_pages())
}

fn next_token(prev: &Option<String>, next: Option<String>) -> Result<Option<String>, ApiError> {
    match next {
        Some(t) if t.is_empty() => Ok(None),
        Some(t) if prev.as_deref() == Some(t.as_str()) => Err(ApiError::Decode(
            "the server returned the same page token twice".into(),
        )),
        other => Ok(other),
    }
}

fn too_many_pages() -> ApiError {
    ApiError::Decode(format!("more than {MAX_PAGES} pages; giving up"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_truncated() {
        let p = RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(5),
        };
        for retry in 0..10 {
            let d = p.backoff(retry);
            let floor =
                Duration::from_millis(100 * (1 << retry.min(3))).min(Duration::from_secs(1));
            assert!(d >= floor, "retry {retry}: {d:?} < {floor:?}");
            assert!(d <= Duration::from_secs(1), "retry {retry}: {d:?}");
        }
    }

    #[test]
    fn repeated_page_tokens_are_an_error() {
        assert!(next_token(&Some("a".into()), Some("a".into())).is_err());
        assert_eq!(next_token(&None, Some(String::new())).unwrap(), None);
        assert_eq!(
            next_token(&None, Some("b".into())).unwrap(),
            Some("b".to_string())
        );
    }

    #[test]
    fn left_out_messages_are_counted_by_their_space_each_once() {
        let team = SpaceName::parse("spaces/TEAM").unwrap();
        let dm = SpaceName::parse("spaces/DM").unwrap();
        let mut l = LeftOut::default();
        l.add(&team, &["a".into(), "b".into()]);
        l.add(&dm, &["c".into()]);
        l.add(&team, &["a".into(), "d".into()]);
        l.add(&dm, &["c".into()]);
        assert_eq!(l.pending, vec![(team, 3), (dm, 1)]);
    }
}
