//! What every API handler is given ([`Ctx`]) and gives back ([`Reply`]), and the
//! emulator's settings: shared by the service and the resource handlers, which therefore
//! need not know each other.

use std::time::Duration;

use serde::Serialize;

use super::auth::Principal;
use super::error::EmuResult;
use super::request::Query;
use super::store::Store;

/// Google's limit on one attachment: 200 MB.
pub const GOOGLE_MEDIA_LIMIT: u64 = 200 * 1024 * 1024;

/// What the last-manager refusal answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LastManagerStatus {
    #[default]
    FailedPrecondition,
    InvalidArgument,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// The longest `text` accepted, in characters.
    pub text_limit: usize,
    pub last_manager: LastManagerStatus,
    /// Enforce the per-space quotas (60 writes and 900 reads a minute).
    pub quotas: bool,
    /// Who consents on the OAuth consent screen (a person's id).
    pub oauth_user: String,
    /// How long issued access tokens live.
    pub token_lifetime: Duration,
    /// How long a connection may take to send a request's head (its request line and
    /// headers) before it is closed.
    pub header_read_timeout: Duration,
    /// The largest attachment `media.upload` accepts, in bytes (Google's is 200 MB).
    pub media_limit: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            text_limit: 4096,
            last_manager: LastManagerStatus::FailedPrecondition,
            quotas: false,
            oauth_user: super::demo::DEMO_USER.to_string(),
            token_lifetime: Duration::from_secs(3600),
            header_read_timeout: Duration::from_secs(30),
            media_limit: GOOGLE_MEDIA_LIMIT,
        }
    }
}

/// Everything a handler may use.
pub struct Ctx<'a> {
    pub store: &'a mut Store,
    pub who: &'a Principal,
    pub query: &'a Query,
    pub body: &'a [u8],
    pub config: &'a Config,
}

/// A serialized JSON response body.
pub struct Reply(pub Vec<u8>);

/// `v` as the answer (only the fields the request selected with `fields`, if it did).
/// A name the selection asks for that `v`'s type does not have is a 400.
pub fn reply<T: Serialize>(v: &T) -> EmuResult<Reply> {
    super::partial::serialize(v).map(Reply)
}
