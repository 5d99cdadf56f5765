//! Running the requests of messaging a person and searching messages.

use crate::api::model::{SetUpSpaceRequest, Space, SpaceType};
use crate::api::sync_model::SearchMessagesRequest;
use crate::api::{Client, UserRef};
use crate::app::Outcome;

/// Results asked for per page of a search.
const SEARCH_PAGE: i32 = 25;

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

pub async fn search(client: &Client, filter: String, page_token: Option<String>) -> Outcome {
    let req = SearchMessagesRequest {
        filter: Some(filter.clone()),
        page_size: Some(SEARCH_PAGE),
        page_token: page_token.clone(),
        ..Default::default()
    };
    let result = client.search_messages(&req).await;
    Outcome::Searched {
        filter,
        page_token,
        result,
    }
}
