//! Running the requests of messaging a person and searching messages.

use crate::api::model::{SetUpSpaceRequest, Space, SpaceType};
use crate::api::{Client, UserRef};
use crate::app::Outcome;

pub async fn find_dm(client: &Client, user: UserRef) -> Outcome {
    let result = client.find_direct_message(&user).await;
    Outcome::DirectMessage { user, result }
}

/// A direct message with one person, a group chat with several. The request id makes a
/// retry (an answer lost after the server acted) find the same space, not a second one.
pub async fn start(client: &Client, request_id: String, people: Vec<UserRef>) -> Outcome {
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
        request_id: Some(request_id),
        memberships: people.iter().map(Client::membership_for).collect(),
    };
    let result = client.setup_space(&req).await;
    Outcome::ConversationStarted { people, result }
}
