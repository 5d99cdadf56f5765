//! Running the requests of messaging a person and searching messages.

use crate::api::sync_model::SearchMessagesRequest;
use crate::api::Client;
use crate::app::Outcome;

/// Results asked for per page of a search.
const SEARCH_PAGE: i32 = 25;

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
