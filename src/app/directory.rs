//! The requests for who the user is, which spaces there are and who people are: the
//! signed-in user, the spaces list (loaded, or polled in the background), people looked
//! up by their user names, and the directory searched by a prefix. What their answers do
//! is in `directory_answers`.

use crate::api::model::{Person, Space};
use crate::api::{ApiError, Client, UserRef};

use super::declare::requests;

/// How many people a directory search asks for.
const FOUND_MAX: i32 = 8;

requests! {
    /// Who the user is, the spaces, and people.
    pub enum DirectoryEffect => DirectoryOutcome, DirectoryKind;
    /// The signed-in user's name (`users/{id}`) and display name.
    WhoAmI => Me {} -> (String, Option<String>), quiet: true,
        |client| who_am_i(client).await;
    /// Every space of the user.
    LoadSpaces => Spaces {} -> Vec<Space>, quiet: false,
        |client| client.list_all_spaces(None).await;
    /// The spaces list again, in the background (which spaces moved): no spinner.
    PollSpaces => PolledSpaces {} -> Vec<Space>, quiet: true,
        |client| client.list_all_spaces(None).await;
    /// The people behind `users`, by their user names.
    LookupPeople => People { users: Vec<UserRef> } -> Vec<(String, Person)>, quiet: true,
        |client| {
            let names: Vec<String> = users.iter().map(UserRef::to_string).collect();
            client.lookup_people(&names).await
        };
    /// People of the user's directory whose names or addresses start with `query`.
    SearchPeople => Found { query: String } -> Vec<Person>, quiet: true,
        |client| client.search_directory_people(query, FOUND_MAX).await.map(|r| r.people);
}

/// `people/me`: its resource name gives the user's id.
async fn who_am_i(client: &Client) -> Result<(String, Option<String>), ApiError> {
    let p = client
        .get_person("people/me", "names,emailAddresses")
        .await?;
    let id = p
        .resource_name
        .as_deref()
        .and_then(|r| r.strip_prefix("people/"))
        .ok_or_else(|| ApiError::Decode("people/me has no resource name".into()))?;
    Ok((format!("users/{id}"), p.display_name().map(String::from)))
}
