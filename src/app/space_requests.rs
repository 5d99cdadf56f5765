//! The requests about spaces themselves: one looked up whole, one made, changed or
//! deleted, and conversations with people found or set up. Declared once with their
//! calls; what their answers do is in `space_answers`.

use crate::api::model::{SetUpSpaceRequest, Space, SpaceDetails, SpaceType};
use crate::api::{ApiError, Client, SpaceName, UserRef};

use super::declare::requests;

requests! {
    /// Looking up, creating, changing and deleting spaces, and starting conversations.
    pub enum SpaceEffect => SpaceOutcome, SpaceKind;
    /// One space whole, with its permission settings (which lists leave out).
    LoadSpace => Space { space: SpaceName } -> Space, quiet: true,
        |client| client.get_space(space).await;
    /// A new named space; the request id makes a retry find it, not make a second one.
    CreateSpace => SpaceCreated {
        request_id: String,
        name: String,
        description: String,
        guidelines: String,
    } -> Space, quiet: false,
        |client| {
            let body = Space {
                space_type: Some(SpaceType::Space),
                display_name: Some(name.clone()),
                space_details: details(description, guidelines),
                ..Default::default()
            };
            client.create_space(&body, Some(request_id.as_str())).await
        };
    /// Changes the fields of `space` named in `mask`.
    UpdateSpace => SpaceUpdated {
        space: SpaceName,
        name: String,
        description: String,
        guidelines: String,
        mask: String,
    } -> Space, quiet: false,
        |client| {
            let body = Space {
                display_name: Some(name.clone()),
                space_details: Some(details(description, guidelines).unwrap_or_default()),
                ..Default::default()
            };
            client.patch_space(space, &body, mask).await
        };
    DeleteSpace => SpaceDeleted { space: SpaceName } -> (), quiet: false,
        |client| client.delete_space(space).await;
    /// The direct message with `user`, if there is one (`spaces.findDirectMessage`).
    FindDirectMessage => DirectMessage { user: UserRef } -> Space, quiet: false,
        |client| client.find_direct_message(user).await;
    /// Sets up a direct message (one person) or a group chat (several) (`spaces.setup`).
    StartConversation => ConversationStarted {
        request_id: String,
        people: Vec<UserRef>,
    } -> Space, quiet: false,
        |client| start(client, request_id, people).await;
}

/// A space's description and guidelines, none when both are blank.
fn details(description: &str, guidelines: &str) -> Option<SpaceDetails> {
    let d = SpaceDetails {
        description: Some(description.to_string()).filter(|s| !s.trim().is_empty()),
        guidelines: Some(guidelines.to_string()).filter(|s| !s.trim().is_empty()),
    };
    (d != SpaceDetails::default()).then_some(d)
}

/// A direct message with one person, a group chat with several. The request id makes a
/// retry (an answer lost after the server acted) find the same space, not a second one.
async fn start(client: &Client, request_id: &str, people: &[UserRef]) -> Result<Space, ApiError> {
    let kind = if people.len() == 1 {
        SpaceType::DirectMessage
    } else {
        SpaceType::GroupChat
    };
    let req = SetUpSpaceRequest {
        space: Some(Space {
            space_type: Some(kind),
            ..Default::default()
        }),
        request_id: Some(request_id.to_string()),
        memberships: people.iter().map(Client::membership_for).collect(),
    };
    client.setup_space(&req).await
}
