//! The People API's `people:searchDirectoryPeople` as the emulator serves it: prefix
//! matches on names (CJK too) and addresses, the domain's people only, pages, the
//! `directory.readonly` scope, and Google's error envelope.

mod common;

use common::*;

fn names(r: &gchat::api::model::SearchDirectoryPeopleResponse) -> Vec<String> {
    r.people
        .iter()
        .map(|p| p.display_name().unwrap_or("").to_string())
        .collect()
}

#[tokio::test]
async fn finds_people_by_the_start_of_a_name_or_address() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let r = alice.search_directory_people("bo", 10).await.unwrap();
    assert_eq!(names(&r), vec!["Bob Li"]);
    assert_eq!(
        r.people[0].resource_name.as_deref(),
        Some("people/1002"),
        "the id to add them by"
    );
    // A family name, a CJK name and its first character, an address.
    assert_eq!(
        names(&alice.search_directory_people("li", 10).await.unwrap()),
        vec!["Bob Li", "李雷"]
    );
    assert_eq!(
        names(&alice.search_directory_people("王", 10).await.unwrap()),
        vec!["王芳"]
    );
    assert_eq!(
        names(&alice.search_directory_people("王芳", 10).await.unwrap()),
        vec!["王芳"]
    );
    assert_eq!(
        names(
            &alice
                .search_directory_people("wang.fang@", 10)
                .await
                .unwrap()
        ),
        vec!["王芳"]
    );
    // Not in the middle of a word; outside addresses are not in the directory.
    assert!(alice
        .search_directory_people("ob", 10)
        .await
        .unwrap()
        .people
        .is_empty());
    assert!(alice
        .search_directory_people("sam", 10)
        .await
        .unwrap()
        .people
        .is_empty());
    // Pages.
    let first = alice.search_directory_people("c", 1).await.unwrap();
    assert_eq!(first.people.len(), 1);
    assert!(first.next_page_token.is_some());
    assert!(first.total_size.unwrap() > 1);
    emu.stop().await;
}

#[tokio::test]
async fn needs_directory_readonly_a_person_and_the_required_parameters() {
    let emu = demo().await;
    let q = "/v1/people:searchDirectoryPeople?readMask=names&sources=DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE";
    let (code, json, _) = get(
        &emu,
        &format!("{q}&query=bob"),
        Some("user:1001;scopes=chat.spaces"),
    )
    .await;
    assert_eq!(code, 403, "{json}");
    assert_envelope(&json, 403, "PERMISSION_DENIED");
    let (code, json, _) = get(&emu, &format!("{q}&query=bob"), Some("app")).await;
    assert_eq!(code, 403, "{json}");
    let (code, json, _) = get(&emu, q, Some("user:1001")).await;
    assert_eq!(code, 400, "{json}");
    assert_envelope(&json, 400, "INVALID_ARGUMENT");
    let (code, json, _) = get(&emu, "/v1/people:searchDirectoryPeople?query=bob&readMask=names&sources=READ_SOURCE_TYPE_PROFILE", Some("user:1001"))
    .await;
    assert_eq!(code, 400, "{json}");
    let (code, json, _) = get(
        &emu,
        "/v1/people:searchDirectoryPeople?query=bob&sources=DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE",
        Some("user:1001"),
    )
    .await;
    assert_eq!(code, 400, "a read mask is required: {json}");
    let (code, json, _) = get(
        &emu,
        &format!("{q}&query=bob&pageSize=501"),
        Some("user:1001"),
    )
    .await;
    assert_eq!(code, 400, "{json}");
    // The guard stands in front of it as of every route.
    let (code, json, _) = get(&emu, &format!("{q}&query=bob&color=red"), Some("user:1001")).await;
    assert_eq!(code, 400, "unknown parameter: {json}");
    emu.stop().await;
}
