//! The Google Chat REST API v1 client. The only code that speaks to Google (or to the
//! emulator); it knows nothing of the terminal.

pub mod client;
pub mod dev_token;
pub mod error;
pub mod events_page;
pub mod lean;
pub mod model;
pub mod name;
pub mod scope;
pub mod web;

pub use client::{
    emoji_filter, quote_of, Client, ClientBuilder, CreateMessage, ListMembers, ListMessages,
    ListReactions, ListSpaces, Progress, RetryPolicy, StaticToken, TokenSource,
    MAX_ATTACHMENT_BYTES,
};
pub use error::{ApiError, ServerError};
pub use lean::{Listed, MessagePage};
pub use name::{
    AttachmentName, ClientMessageId, CustomEmojiName, MediaName, MembershipName, MessageName,
    MessagePinName, NameError, ReactionName, SpaceName, ThreadName, UserRef,
};
pub use scope::Scope;
pub mod sync_client;
pub mod sync_model;
pub mod sync_name;
