//! One test per behaviour the reference says the emulator must reproduce: errors,
//! principals and scopes, paging, filters, spaces, members, messages, text, timestamps.

mod common;

use common::*;
use gchat::api::model::*;
use gchat::api::{
    Client, ClientMessageId, CreateMessage, ListMembers, ListMessages, ListSpaces, MembershipName,
    MessageName, SpaceName, UserRef,
};
use gchat::emulator::{Config, LastManagerStatus};
use reqwest::Method;
use serde_json::json;

// ---------------------------------------------------------------- errors and auth

#[tokio::test]
async fn a_missing_token_is_401_in_the_envelope() {
    let emu = demo().await;
    let (code, body, ctype) = get(&emu, "/v1/spaces", None).await;
    assert_eq!(code, 401);
    assert_envelope(&body, 401, "UNAUTHENTICATED");
    assert_eq!(ctype, "application/json; charset=UTF-8");
}

#[tokio::test]
async fn an_unknown_token_is_401() {
    let emu = demo().await;
    for t in ["nonsense", "user:abc", "app:12345", "user:"] {
        let (code, body, _) = get(&emu, "/v1/spaces", Some(t)).await;
        assert_eq!(code, 401, "{t}");
        assert_envelope(&body, 401, "UNAUTHENTICATED");
    }
}

#[tokio::test]
async fn the_access_token_parameter_authenticates_too() {
    let emu = demo().await;
    let (code, _, _) = get(&emu, "/v1/spaces?access_token=user:1001", None).await;
    assert_eq!(code, 200);
}

#[tokio::test]
async fn a_token_without_the_methods_scope_is_403() {
    let emu = demo().await;
    let ro = client(&emu, "user:1001;scopes=chat.spaces.readonly");
    let e = ro
        .create_space(
            &Space {
                space_type: Some(SpaceType::Space),
                display_name: Some("nope".into()),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(403));
    assert!(e.is_scope_insufficient());
    // The read-only scope still reads.
    assert!(ro.list_spaces(&ListSpaces::default()).await.is_ok());
}

#[tokio::test]
async fn apps_cannot_list_messages_with_chat_bot() {
    let emu = demo().await;
    let e = app(&emu)
        .list_messages(&space(TEAM_RUST), &ListMessages::default())
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(403));
}

#[tokio::test]
async fn apps_act_only_in_spaces_they_belong_to() {
    let emu = demo().await;
    // The app is not in 工程部.
    let r = app(&emu).get_space(&space(ENG_DEPT)).await;
    assert_eq!(code_of(r).0, 404);
    let r = app(&emu)
        .create_message(
            &space(ENG_DEPT),
            &Message::text("hi"),
            &CreateMessage::default(),
        )
        .await;
    assert_eq!(code_of(r).0, 404);
    assert!(app(&emu).get_space(&space(TEAM_RUST)).await.is_ok());
}

#[tokio::test]
async fn unknown_paths_are_404_envelopes() {
    let emu = demo().await;
    for (m, p) in [
        (Method::GET, "/v1/nothing"),
        (Method::GET, "/"),
        (Method::POST, "/v1/spaces/AAAATeamRst"),
        (Method::GET, "/v2/spaces"),
        (Method::GET, "/v1/spaces/AAAATeamRst/messages/a/b/c"),
    ] {
        let (code, body, _) = raw(&emu, m.clone(), p, Some("user:1001"), None).await;
        assert_eq!(code, 404, "{m} {p}");
        assert_envelope(&body, 404, "NOT_FOUND");
    }
}

#[tokio::test]
async fn malformed_bodies_are_400_envelopes() {
    let emu = demo().await;
    let path = format!("/v1/spaces/{TEAM_RUST}/messages");
    for body in [
        "{",
        "[]",
        "42",
        r#"{"text": 5}"#,
        r#"{"text": "x", "thread": "not an object"}"#,
        r#"{"txt": "typo"}"#,
        r#"{"cardsV2": {"cardId": "x"}}"#,
        r#"{"createTime": "yesterday", "text": "x"}"#,
    ] {
        let (code, json, _) = raw(&emu, Method::POST, &path, Some("user:1001"), Some(body)).await;
        assert_eq!(code, 400, "{body}: {json}");
        assert_envelope(&json, 400, "INVALID_ARGUMENT");
    }
    let (_, json, _) = raw(
        &emu,
        Method::POST,
        &path,
        Some("user:1001"),
        Some(r#"{"text": 5}"#),
    )
    .await;
    let v = &json["error"]["details"][0]["fieldViolations"][0];
    assert_eq!(v["field"], "message.text", "{json}");
}

#[tokio::test]
async fn oversized_bodies_are_400() {
    let emu = demo().await;
    let big = format!(r#"{{"text": "{}"}}"#, "x".repeat(600 * 1024));
    let (code, json, _) = raw(
        &emu,
        Method::POST,
        &format!("/v1/spaces/{TEAM_RUST}/messages"),
        Some("user:1001"),
        Some(&big),
    )
    .await;
    assert_eq!(code, 400);
    assert_envelope(&json, 400, "INVALID_ARGUMENT");
}

#[tokio::test]
async fn unknown_query_parameters_are_400_and_system_ones_are_ignored() {
    let emu = demo().await;
    let (code, json, _) = get(&emu, "/v1/spaces?colour=blue", Some("user:1001")).await;
    assert_eq!(code, 400);
    assert_envelope(&json, 400, "INVALID_ARGUMENT");
    let (code, _, _) = get(
        &emu,
        "/v1/spaces?alt=json&prettyPrint=false&fields=spaces&quotaUser=x&%24.xgafv=2",
        Some("user:1001"),
    )
    .await;
    assert_eq!(code, 200);
}

#[tokio::test]
async fn snake_case_bodies_and_parameters_are_accepted() {
    let emu = demo().await;
    let (code, json, _) = raw(
        &emu,
        Method::POST,
        "/v1/spaces?request_id=snake-1",
        Some("user:1001"),
        Some(r#"{"space_type": "SPACE", "display_name": "Snakes", "space_details": {"description": "hiss"}}"#),
    )
    .await;
    assert_eq!(code, 200, "{json}");
    assert_eq!(json["displayName"], "Snakes");
    assert_eq!(json["spaceDetails"]["description"], "hiss");
}

// ---------------------------------------------------------------- paging

#[tokio::test]
async fn message_pages_default_to_25_and_cap_at_1000() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let fh = space(FIREHOSE);
    let page = alice
        .list_messages(&fh, &ListMessages::default())
        .await
        .unwrap();
    assert_eq!(page.messages.len(), 25);
    assert!(page.next_page_token.is_some());
    let big = alice
        .list_messages(&fh, &ListMessages::default().with_page_size(5000))
        .await
        .unwrap();
    assert_eq!(big.messages.len(), 1000);
    let zero = alice
        .list_messages(&fh, &ListMessages::default().with_page_size(0))
        .await
        .unwrap();
    assert_eq!(zero.messages.len(), 25, "0 means the default");
}

#[tokio::test]
async fn negative_page_sizes_are_400() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let r = alice
        .list_messages(
            &space(FIREHOSE),
            &ListMessages::default().with_page_size(-1),
        )
        .await;
    assert_eq!(code_of(r), (400, "INVALID_ARGUMENT".into()));
    let r = alice
        .list_spaces(&ListSpaces {
            page_size: Some(-5),
            ..Default::default()
        })
        .await;
    assert_eq!(code_of(r).0, 400);
}

#[tokio::test]
async fn paging_walks_every_message_once_in_order() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let all = alice
        .list_all_messages(
            &space(FIREHOSE),
            &ListMessages::default().with_page_size(333),
        )
        .await
        .unwrap();
    assert_eq!(all.len(), 1200);
    let mut names: Vec<_> = all.iter().map(|m| m.name.clone().unwrap()).collect();
    for w in all.windows(2) {
        assert!(w[0].create_time < w[1].create_time);
    }
    names.dedup();
    assert_eq!(names.len(), 1200);
}

#[tokio::test]
async fn garbage_and_mismatched_page_tokens_are_400() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let fh = space(FIREHOSE);
    let r = alice
        .list_messages(&fh, &ListMessages::default().with_page_token("not-a-token"))
        .await;
    assert_eq!(code_of(r).0, 400);
    let first = alice
        .list_messages(&fh, &ListMessages::default())
        .await
        .unwrap();
    let r = alice
        .list_messages(
            &fh,
            &ListMessages::default()
                .with_page_token(first.next_page_token.clone().unwrap())
                .newest_first(),
        )
        .await;
    assert_eq!(
        code_of(r).0,
        400,
        "the token belongs to an ascending listing"
    );
    // A messages token is no good for members.
    let r = alice
        .list_members(
            &fh,
            &ListMembers {
                page_token: first.next_page_token,
                ..Default::default()
            },
        )
        .await;
    assert_eq!(code_of(r).0, 400);
}

#[tokio::test]
async fn empty_lists_are_an_empty_object() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Empty").await;
    let (code, json, _) = get(&emu, &format!("/v1/{s}/messages"), Some("user:1001")).await;
    assert_eq!(code, 200);
    assert_eq!(json, json!({}));
    let (_, json, _) = get(
        &emu,
        &format!("/v1/{s}/members?filter=role%20%3D%20%22ROLE_MEMBER%22"),
        Some("user:1001"),
    )
    .await;
    assert_eq!(json, json!({}));
}

#[tokio::test]
async fn the_last_page_has_no_token() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let p = alice
        .list_members(
            &space(TEAM_RUST),
            &ListMembers {
                page_size: Some(2),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(p.memberships.len(), 2);
    let all = alice
        .list_all_members(
            &space(TEAM_RUST),
            &ListMembers {
                page_size: Some(2),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    // Six joined people (the app shows to people); the invited are hidden.
    assert_eq!(all.len(), 7);
    let last = alice
        .list_members(
            &space(TEAM_RUST),
            &ListMembers {
                page_size: Some(100),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(last.next_page_token.is_none());
}

// ---------------------------------------------------------------- filters

#[tokio::test]
async fn spaces_filter_by_type() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let named = alice
        .list_all_spaces(Some(r#"space_type = "SPACE""#))
        .await
        .unwrap();
    assert!(!named.is_empty());
    assert!(named.iter().all(|s| s.space_type == Some(SpaceType::Space)));
    let convs = alice
        .list_all_spaces(Some(
            r#"spaceType = "GROUP_CHAT" OR spaceType = "DIRECT_MESSAGE""#,
        ))
        .await
        .unwrap();
    assert!(convs.iter().all(|s| s.space_type != Some(SpaceType::Space)));
    assert!(convs
        .iter()
        .any(|s| s.space_type == Some(SpaceType::GroupChat)));
    for bad in [
        r#"space_type = "SPACE_TYPE_UNSPECIFIED""#,
        r#"displayName = "x""#,
        "nonsense",
    ] {
        let r = alice.list_all_spaces(Some(bad)).await;
        assert_eq!(code_of(r).0, 400, "{bad}");
    }
}

#[tokio::test]
async fn members_filter_by_role_and_type() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let f = |filter: &str| ListMembers {
        filter: Some(filter.into()),
        ..Default::default()
    };
    let managers = alice
        .list_all_members(
            &space(TEAM_RUST),
            &f(r#"member.type = "HUMAN" AND role = "ROLE_MANAGER""#),
        )
        .await
        .unwrap();
    assert_eq!(managers.len(), 2);
    let humans = alice
        .list_all_members(&space(TEAM_RUST), &f(r#"member.type != "BOT""#))
        .await
        .unwrap();
    assert!(humans.iter().all(|m| !m.member.as_ref().unwrap().is_bot()));
    let bots = alice
        .list_all_members(&space(TEAM_RUST), &f(r#"member.type = "BOT""#))
        .await
        .unwrap();
    assert_eq!(bots.len(), 1);
    for bad in [
        r#"member.type = "HUMAN" AND member.type = "BOT""#,
        r#"role = "ROLE_MANAGER" AND role = "ROLE_MEMBER""#,
        r#"state = "JOINED""#,
    ] {
        let r = alice.list_members(&space(TEAM_RUST), &f(bad)).await;
        assert_eq!(code_of(r).0, 400, "{bad}");
    }
}

#[tokio::test]
async fn messages_filter_by_time_and_thread() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Filters").await;
    let a = post(&alice, &s, "a").await;
    let b = post(&alice, &s, "b").await;
    let c = reply_to(&alice, &s, b.thread_name().unwrap(), "c").await;
    let after_a = gchat::api::client::created_after(&a.create_time.unwrap());
    let got = alice
        .list_all_messages(&s, &ListMessages::default().with_filter(after_a.clone()))
        .await
        .unwrap();
    assert_eq!(
        got.iter()
            .map(|m| m.text.clone().unwrap())
            .collect::<Vec<_>>(),
        ["b", "c"]
    );
    let before_c = gchat::api::client::created_before(&c.create_time.unwrap());
    let window = alice
        .list_all_messages(
            &s,
            &ListMessages::default().with_filter(format!("{after_a} AND {before_c}")),
        )
        .await
        .unwrap();
    assert_eq!(window.len(), 1);
    let thread = alice
        .list_all_messages(
            &s,
            &ListMessages::default()
                .with_filter(format!("thread.name = {}", b.thread_name().unwrap())),
        )
        .await
        .unwrap();
    assert_eq!(
        thread
            .iter()
            .map(|m| m.text.clone().unwrap())
            .collect::<Vec<_>>(),
        ["b", "c"]
    );
    for bad in [
        r#"create_time >= "2024-01-01T00:00:00Z""#,
        r#"text = "b""#,
        r#"create_time > "2024-01-01T00:00:00Z" OR create_time < "2025-01-01T00:00:00Z""#,
    ] {
        let r = alice
            .list_messages(&s, &ListMessages::default().with_filter(bad))
            .await;
        assert_eq!(code_of(r).0, 400, "{bad}");
    }
}

// ---------------------------------------------------------------- spaces

#[tokio::test]
async fn named_spaces_need_type_and_display_name() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let cases = [
        Space {
            display_name: Some("no type".into()),
            ..Default::default()
        },
        Space {
            space_type: Some(SpaceType::Space),
            ..Default::default()
        },
        Space {
            space_type: Some(SpaceType::GroupChat),
            display_name: Some("group".into()),
            ..Default::default()
        },
        Space {
            space_type: Some(SpaceType::Space),
            display_name: Some("x".repeat(129)),
            ..Default::default()
        },
    ];
    for s in cases {
        let r = alice.create_space(&s, None).await;
        assert_eq!(code_of(r), (400, "INVALID_ARGUMENT".into()), "{s:?}");
    }
    let ok = Space {
        space_type: Some(SpaceType::Space),
        display_name: Some("y".repeat(128)),
        ..Default::default()
    };
    assert!(alice.create_space(&ok, None).await.is_ok());
}

#[tokio::test]
async fn duplicate_display_names_are_409() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = Space {
        space_type: Some(SpaceType::Space),
        display_name: Some("Team Rust".into()),
        ..Default::default()
    };
    assert_eq!(
        code_of(alice.create_space(&s, None).await),
        (409, "ALREADY_EXISTS".into())
    );
}

#[tokio::test]
async fn space_request_ids_replay_the_first_answer() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let body = |n: &str| Space {
        space_type: Some(SpaceType::Space),
        display_name: Some(n.into()),
        ..Default::default()
    };
    let before = alice.list_all_spaces(None).await.unwrap().len();
    let a = alice
        .create_space(&body("Replay"), Some("req-1"))
        .await
        .unwrap();
    let b = alice
        .create_space(&body("Something else"), Some("req-1"))
        .await
        .unwrap();
    assert_eq!(a.name, b.name);
    assert_eq!(
        b.display_name.as_deref(),
        Some("Replay"),
        "the repeat does not update"
    );
    assert_eq!(alice.list_all_spaces(None).await.unwrap().len(), before + 1);
    let bob = user(&emu, BOB);
    assert_eq!(
        code_of(bob.create_space(&body("Bob's"), Some("req-1")).await).0,
        409
    );
}

#[tokio::test]
async fn the_user_creator_is_a_joined_manager() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Creator").await;
    let m = alice
        .get_member(&MembershipName::new(&s, UserRef::Id(ALICE.into())))
        .await
        .unwrap();
    assert_eq!(m.state, Some(MembershipState::Joined));
    assert_eq!(m.role, Some(MembershipRole::Manager));
}

#[tokio::test]
async fn an_app_creator_joins_but_does_not_manage() {
    let emu = demo().await;
    let admin_app = client(
        &emu,
        "app;scopes=chat.app.spaces,chat.app.spaces.create,chat.app.memberships,chat.bot",
    );
    let body = Space {
        space_type: Some(SpaceType::Space),
        display_name: Some("App made".into()),
        ..Default::default()
    };
    assert_eq!(
        code_of(admin_app.create_space(&body, None).await).0,
        400,
        "customer is required"
    );
    let s = admin_app
        .create_space(
            &Space {
                customer: Some("customers/my_customer".into()),
                ..body
            },
            None,
        )
        .await
        .unwrap();
    let sn = SpaceName::parse(s.name.as_deref().unwrap()).unwrap();
    assert!(admin_app.get_space(&sn).await.is_ok());
    // The app's own membership: visible to people, not to the app.
    let by_app = admin_app
        .list_all_members(&sn, &ListMembers::default())
        .await
        .unwrap();
    assert!(by_app.is_empty());
    let m = emu
        .service()
        .with_store(|st| st.spaces[sn.id()].members.clone());
    assert_eq!(m.len(), 1);
    assert!(m[0].bot && m[0].role == MembershipRole::Member && m[0].joined());
}

#[tokio::test]
async fn patch_follows_the_update_mask() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Patch me").await;
    let details = Space {
        display_name: Some("Patched".into()),
        space_details: Some(SpaceDetails {
            description: Some("d".into()),
            guidelines: Some("g".into()),
        }),
        ..Default::default()
    };
    let r = alice.patch_space(&s, &details, "").await;
    assert_eq!(code_of(r).0, 400, "updateMask is required");
    let r = alice.patch_space(&s, &details, "colour").await;
    assert_eq!(code_of(r).0, 400, "unknown path");
    let p = alice
        .patch_space(&s, &details, "display_name,space_details")
        .await
        .unwrap();
    assert_eq!(p.display_name.as_deref(), Some("Patched"));
    assert_eq!(
        p.space_details.as_ref().unwrap().guidelines.as_deref(),
        Some("g")
    );
    // space_details replaces both fields: one left out is cleared.
    let only_desc = Space {
        space_details: Some(SpaceDetails {
            description: Some("only".into()),
            guidelines: None,
        }),
        ..Default::default()
    };
    let p = alice
        .patch_space(&s, &only_desc, "spaceDetails")
        .await
        .unwrap();
    assert_eq!(p.space_details.as_ref().unwrap().guidelines, None);
    // Mask paths ignore fields outside them.
    assert_eq!(p.display_name.as_deref(), Some("Patched"));
    let dup = Space {
        display_name: Some("Team Rust".into()),
        ..Default::default()
    };
    assert_eq!(
        code_of(alice.patch_space(&s, &dup, "display_name").await).0,
        409
    );
    let hist = Space {
        space_history_state: Some(HistoryState::HistoryOff),
        display_name: Some("x".into()),
        ..Default::default()
    };
    assert_eq!(
        code_of(
            alice
                .patch_space(&s, &hist, "space_history_state,display_name")
                .await
        )
        .0,
        400,
        "space_history_state must be alone"
    );
    let p = alice
        .patch_space(&s, &hist, "space_history_state")
        .await
        .unwrap();
    assert_eq!(p.space_history_state, Some(HistoryState::HistoryOff));
}

#[tokio::test]
async fn only_managers_change_or_delete_a_space() {
    let emu = demo().await;
    // Alice is a plain member of 工程部.
    let alice = user(&emu, ALICE);
    let body = Space {
        display_name: Some("Renamed".into()),
        ..Default::default()
    };
    let r = alice
        .patch_space(&space(ENG_DEPT), &body, "display_name")
        .await;
    assert_eq!(code_of(r), (403, "PERMISSION_DENIED".into()));
    assert_eq!(code_of(alice.delete_space(&space(ENG_DEPT)).await).0, 403);
}

#[tokio::test]
async fn deleting_a_space_takes_its_members_and_messages() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Doomed").await;
    post(&alice, &s, "last words").await;
    alice.delete_space(&s).await.unwrap();
    assert!(alice.get_space(&s).await.unwrap_err().is_not_found());
    assert!(alice
        .list_members(&s, &ListMembers::default())
        .await
        .unwrap_err()
        .is_not_found());
    assert!(alice
        .list_messages(&s, &ListMessages::default())
        .await
        .unwrap_err()
        .is_not_found());
}

#[tokio::test]
async fn setup_returns_an_existing_dm() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let dm = dm_with(UserRef::Id(BOB.into()));
    let s = alice.setup_space(&dm).await.unwrap();
    assert_eq!(s.name.as_deref(), Some("spaces/AAAADmBobLi"));
    // A new DM, then the same one again.
    let dm2 = dm_with(UserRef::Email("priya@example.com".into()));
    let a = alice.setup_space(&dm2).await.unwrap();
    let b = alice.setup_space(&dm2).await.unwrap();
    assert_eq!(a.name, b.name);
    assert_eq!(a.space_type, Some(SpaceType::DirectMessage));
}

#[tokio::test]
async fn setup_checks_its_memberships() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let group = group_with;
    assert_eq!(
        code_of(alice.setup_space(&group(&[BOB])).await).0,
        400,
        "two others at least"
    );
    assert_eq!(
        code_of(alice.setup_space(&group(&[ALICE, BOB])).await).0,
        400,
        "not the caller"
    );
    let g = alice.setup_space(&group(&[BOB, PRIYA])).await.unwrap();
    assert_eq!(g.space_type, Some(SpaceType::GroupChat));
    let named = SetUpSpaceRequest {
        space: Some(Space {
            space_type: Some(SpaceType::Space),
            display_name: Some("Set up".into()),
            ..Default::default()
        }),
        memberships: vec![
            Client::membership_for(&UserRef::Id(BOB.into())),
            Client::membership_for(&UserRef::Id(CAROL.into())),
        ],
        request_id: None,
    };
    let s = alice.setup_space(&named).await.unwrap();
    let sn = SpaceName::parse(s.name.as_deref().unwrap()).unwrap();
    let members = alice
        .list_all_members(
            &sn,
            &ListMembers {
                show_invited: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let carol = members
        .iter()
        .find(|m| m.member.as_ref().unwrap().name.as_deref() == Some("users/1005"))
        .unwrap();
    assert_eq!(carol.state, Some(MembershipState::Invited));
    assert_eq!(
        code_of(app(&emu).setup_space(&named).await).0,
        403,
        "user authentication only"
    );
}

#[tokio::test]
async fn find_direct_message_finds_or_is_404() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = alice
        .find_direct_message(&UserRef::Id(BOB.into()))
        .await
        .unwrap();
    assert_eq!(s.name.as_deref(), Some("spaces/AAAADmBobLi"));
    let s = alice
        .find_direct_message(&UserRef::Email("bob@example.com".into()))
        .await
        .unwrap();
    assert_eq!(s.name.as_deref(), Some("spaces/AAAADmBobLi"));
    let r = alice.find_direct_message(&UserRef::Id(LI_LEI.into())).await;
    assert_eq!(code_of(r), (404, "NOT_FOUND".into()));
    // The app's DM with Alice.
    let s = app(&emu)
        .find_direct_message(&UserRef::Id(ALICE.into()))
        .await
        .unwrap();
    assert!(s.single_user_bot_dm);
}

#[tokio::test]
async fn conversations_are_listed_after_their_first_message() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let dm = dm_with(UserRef::Id(DMITRI.into()));
    let s = alice.setup_space(&dm).await.unwrap();
    let listed = |all: &[Space]| all.iter().any(|x| x.name == s.name);
    assert!(!listed(&alice.list_all_spaces(None).await.unwrap()));
    let sn = SpaceName::parse(s.name.as_deref().unwrap()).unwrap();
    post(&alice, &sn, "hello Dmitri").await;
    assert!(listed(&alice.list_all_spaces(None).await.unwrap()));
}

// ---------------------------------------------------------------- members

#[tokio::test]
async fn auto_accept_decides_joined_or_invited() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Invites").await;
    let add = |r: UserRef| Client::membership_for(&r);
    let bob = alice
        .create_member(&s, &add(UserRef::Id(BOB.into())))
        .await
        .unwrap();
    assert_eq!(bob.state, Some(MembershipState::Joined));
    let carol = alice
        .create_member(&s, &add(UserRef::Id(CAROL.into())))
        .await
        .unwrap();
    assert_eq!(carol.state, Some(MembershipState::Invited));
    let ext = alice
        .create_member(&s, &add(UserRef::Email("new.friend@gmail.com".into())))
        .await
        .unwrap();
    assert_eq!(ext.state, Some(MembershipState::Invited));
    assert!(ext.member.unwrap().name.unwrap().starts_with("users/"));
    // External people need a space that allows them.
    let r = alice
        .create_member(
            &space(TEAM_RUST),
            &add(UserRef::Email("outsider@gmail.com".into())),
        )
        .await;
    assert!(r.is_ok(), "Team Rust allows external people");
    let closed = user(&emu, WANG_FANG);
    let r = closed
        .create_member(&space(ENG_DEPT), &add(UserRef::Id(SAM.into())))
        .await;
    assert_eq!(code_of(r).0, 403);
}

#[tokio::test]
async fn the_app_alias_needs_the_app_membership_scope() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Scopes").await;
    let members_only = client(&emu, "user:1001;scopes=chat.memberships");
    let r = members_only
        .create_member(&s, &Client::membership_for(&UserRef::App))
        .await;
    assert_eq!(code_of(r).0, 403);
    let app_only = client(&emu, "user:1001;scopes=chat.memberships.app");
    let r = app_only
        .create_member(&s, &Client::membership_for(&UserRef::Id(BOB.into())))
        .await;
    assert_eq!(code_of(r).0, 403, "chat.memberships.app adds only the app");
    assert!(app_only
        .create_member(&s, &Client::membership_for(&UserRef::App))
        .await
        .is_ok());
}

#[tokio::test]
async fn other_apps_cannot_be_added() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "No other apps").await;
    let body = Membership {
        member: Some(User {
            name: Some(format!("users/{OTHER_APP}")),
            user_type: Some(UserType::Bot),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(code_of(alice.create_member(&s, &body).await).0, 400);
    // Apps cannot add apps at all.
    let r = app(&emu)
        .create_member(&space(TEAM_RUST), &Client::membership_for(&UserRef::App))
        .await;
    assert_eq!(code_of(r).0, 403);
}

#[tokio::test]
async fn malformed_member_names_are_400() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Malformed").await;
    for name in ["bob", "users/", "users/not an id", "spaces/x"] {
        let body = Membership {
            member: Some(User {
                name: Some(name.into()),
                user_type: Some(UserType::Human),
                ..Default::default()
            }),
            ..Default::default()
        };
        let e = alice.create_member(&s, &body).await.unwrap_err();
        assert_eq!(e.code(), Some(400), "{name}");
        assert!(e.to_string().contains("users/{user}"), "{e}");
    }
}

#[tokio::test]
async fn duplicate_memberships_are_409() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let r = alice
        .create_member(
            &space(TEAM_RUST),
            &Client::membership_for(&UserRef::Id(BOB.into())),
        )
        .await;
    assert_eq!(code_of(r), (409, "ALREADY_EXISTS".into()));
    let r = alice
        .create_member(
            &space(TEAM_RUST),
            &Client::membership_for(&UserRef::Id(CAROL.into())),
        )
        .await;
    assert_eq!(code_of(r).0, 409, "already invited");
}

#[tokio::test]
async fn member_lists_hide_apps_from_apps_and_invites_unless_asked() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let tr = space(TEAM_RUST);
    let plain = alice
        .list_all_members(&tr, &ListMembers::default())
        .await
        .unwrap();
    assert!(plain
        .iter()
        .all(|m| m.state == Some(MembershipState::Joined)));
    assert!(plain.iter().any(|m| m.member.as_ref().unwrap().is_bot()));
    let with_invites = alice
        .list_all_members(
            &tr,
            &ListMembers {
                show_invited: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(with_invites.len(), plain.len() + 2);
    let by_app = app(&emu)
        .list_all_members(&tr, &ListMembers::default())
        .await
        .unwrap();
    assert!(!by_app.is_empty());
    assert!(by_app.iter().all(|m| !m.member.as_ref().unwrap().is_bot()));
}

#[tokio::test]
async fn roles_change_with_update_mask_role() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Roles").await;
    alice
        .create_member(&s, &Client::membership_for(&UserRef::Id(BOB.into())))
        .await
        .unwrap();
    let bob_m = MembershipName::new(&s, UserRef::Id(BOB.into()));
    let body = Membership {
        role: Some(MembershipRole::Manager),
        ..Default::default()
    };
    assert_eq!(
        code_of(alice.patch_member(&bob_m, &body, "state").await).0,
        400
    );
    let p = alice.patch_member(&bob_m, &body, "role").await.unwrap();
    assert_eq!(p.role, Some(MembershipRole::Manager));
    // A plain member cannot change roles.
    let r = user(&emu, LI_LEI)
        .set_member_role(
            &MembershipName::new(&space(ENG_DEPT), UserRef::Id(ALICE.into())),
            MembershipRole::Manager,
        )
        .await;
    assert_eq!(code_of(r).0, 403);
}

#[tokio::test]
async fn the_last_manager_can_be_neither_demoted_nor_removed() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Last manager").await;
    alice
        .create_member(&s, &Client::membership_for(&UserRef::Id(BOB.into())))
        .await
        .unwrap();
    let me = MembershipName::new(&s, UserRef::Id(ALICE.into()));
    let r = alice.set_member_role(&me, MembershipRole::Member).await;
    assert_eq!(code_of(r), (400, "FAILED_PRECONDITION".into()));
    let r = alice.delete_member(&me).await;
    assert_eq!(code_of(r), (400, "FAILED_PRECONDITION".into()));
    // With a second manager, both work.
    alice
        .set_member_role(
            &MembershipName::new(&s, UserRef::Id(BOB.into())),
            MembershipRole::Manager,
        )
        .await
        .unwrap();
    alice
        .set_member_role(&me, MembershipRole::Member)
        .await
        .unwrap();
    let gone = alice.delete_member(&me).await.unwrap();
    assert_eq!(gone.state, Some(MembershipState::NotAMember));
}

#[tokio::test]
async fn the_last_manager_status_is_configurable() {
    let emu = start(Config {
        last_manager: LastManagerStatus::InvalidArgument,
        ..Default::default()
    })
    .await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Configurable").await;
    let r = alice
        .delete_member(&MembershipName::new(&s, UserRef::Id(ALICE.into())))
        .await;
    assert_eq!(code_of(r), (400, "INVALID_ARGUMENT".into()));
}

#[tokio::test]
async fn removing_a_non_member_is_404_and_members_cannot_remove_managers() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let r = alice
        .delete_member(&MembershipName::new(
            &space(TEAM_RUST),
            UserRef::Id(XIAOMING.into()),
        ))
        .await;
    assert_eq!(code_of(r).0, 404);
    // Li Lei is a member of 工程部; 王芳 its manager.
    let r = user(&emu, LI_LEI)
        .delete_member(&MembershipName::new(
            &space(ENG_DEPT),
            UserRef::Id(WANG_FANG.into()),
        ))
        .await;
    assert_eq!(code_of(r).0, 403);
}

// ---------------------------------------------------------------- messages

#[tokio::test]
async fn senders_are_human_for_people_and_bot_for_apps() {
    let emu = demo().await;
    let tr = space(TEAM_RUST);
    let h = post(&user(&emu, ALICE), &tr, "from a person").await;
    assert_eq!(h.sender.unwrap().user_type, Some(UserType::Human));
    let b = post(&app(&emu), &tr, "from the app").await;
    assert_eq!(b.sender.unwrap().user_type, Some(UserType::Bot));
}

#[tokio::test]
async fn the_default_reply_option_always_starts_a_thread() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Default option").await;
    let root = post(&alice, &s, "root").await;
    let body = Message {
        text: Some("not a reply".into()),
        thread: Some(Thread {
            name: root.thread.as_ref().unwrap().name.clone(),
            thread_key: Some("k".into()),
        }),
        ..Default::default()
    };
    let m = alice
        .create_message(&s, &body, &CreateMessage::default())
        .await
        .unwrap();
    assert!(!m.thread_reply);
    assert_ne!(m.thread_name(), root.thread_name());
}

#[tokio::test]
async fn fallback_replies_or_starts_a_thread_without_error() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Fallback").await;
    let root = post(&alice, &s, "root").await;
    let r = reply_to(&alice, &s, root.thread_name().unwrap(), "reply").await;
    assert!(r.thread_reply);
    assert_eq!(r.thread_name(), root.thread_name());
    let orphan = reply_to(&alice, &s, &format!("{s}/threads/doesNotExist"), "orphan").await;
    assert!(!orphan.thread_reply);
    assert_ne!(orphan.thread_name(), root.thread_name());
}

#[tokio::test]
async fn or_fail_is_404_for_an_unknown_thread_but_creates_keyed_threads() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Or fail").await;
    let p = CreateMessage {
        reply_option: Some(MessageReplyOption::OrFail),
        ..Default::default()
    };
    let named = Message {
        text: Some("x".into()),
        thread: Some(Thread {
            name: Some(format!("{s}/threads/nope")),
            thread_key: None,
        }),
        ..Default::default()
    };
    assert_eq!(
        code_of(alice.create_message(&s, &named, &p).await),
        (404, "NOT_FOUND".into())
    );
    let keyed = Message {
        text: Some("x".into()),
        thread: Some(Thread {
            name: None,
            thread_key: Some("deploys".into()),
        }),
        ..Default::default()
    };
    let first = alice.create_message(&s, &keyed, &p).await.unwrap();
    assert!(!first.thread_reply);
    assert_eq!(
        first.thread.as_ref().unwrap().thread_key.as_deref(),
        Some("deploys")
    );
    let second = alice.create_message(&s, &keyed, &p).await.unwrap();
    assert!(second.thread_reply);
    assert_eq!(first.thread_name(), second.thread_name());
}

#[tokio::test]
async fn thread_keys_are_scoped_to_who_set_them() {
    let emu = demo().await;
    let fh = space(FIREHOSE);
    let keyed = Message {
        text: Some("x".into()),
        thread: Some(Thread {
            name: None,
            thread_key: Some("shared-key".into()),
        }),
        ..Default::default()
    };
    let p = CreateMessage {
        reply_option: Some(MessageReplyOption::FallbackToNewThread),
        ..Default::default()
    };
    let a = app(&emu).create_message(&fh, &keyed, &p).await.unwrap();
    let b = client(&emu, "app:9001")
        .create_message(&fh, &keyed, &p)
        .await
        .unwrap();
    let c = user(&emu, ALICE)
        .create_message(&fh, &keyed, &p)
        .await
        .unwrap();
    assert_ne!(a.thread_name(), b.thread_name());
    assert_ne!(a.thread_name(), c.thread_name());
    let a2 = app(&emu).create_message(&fh, &keyed, &p).await.unwrap();
    assert_eq!(a.thread_name(), a2.thread_name());
}

#[tokio::test]
async fn a_malformed_thread_name_is_400() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Bad thread").await;
    let body = Message {
        text: Some("x".into()),
        thread: Some(Thread {
            name: Some("threads/whatever".into()),
            thread_key: None,
        }),
        ..Default::default()
    };
    let p = CreateMessage {
        reply_option: Some(MessageReplyOption::FallbackToNewThread),
        ..Default::default()
    };
    let e = alice.create_message(&s, &body, &p).await.unwrap_err();
    assert_eq!(e.code(), Some(400));
    assert!(e.to_string().contains("invalid thread resource name"));
}

#[tokio::test]
async fn client_message_ids_are_checked_and_unique() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Client ids").await;
    let (code, json, _) = raw(
        &emu,
        Method::POST,
        &format!("/v1/{s}/messages?messageId=Client-Upper"),
        Some("user:1001"),
        Some(r#"{"text":"x"}"#),
    )
    .await;
    assert_eq!(code, 400);
    assert_envelope(&json, 400, "INVALID_ARGUMENT");
    let p = CreateMessage {
        message_id: Some(ClientMessageId::parse("client-once").unwrap()),
        ..Default::default()
    };
    alice
        .create_message(&s, &Message::text("one"), &p)
        .await
        .unwrap();
    let r = alice.create_message(&s, &Message::text("two"), &p).await;
    assert_eq!(code_of(r), (409, "ALREADY_EXISTS".into()));
    // The same id in another space is fine.
    let other = new_space(&alice, "Client ids 2").await;
    assert!(alice
        .create_message(&other, &Message::text("one"), &p)
        .await
        .is_ok());
}

#[tokio::test]
async fn message_request_ids_are_idempotent() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Request ids").await;
    let p = CreateMessage {
        request_id: Some("send-42".into()),
        ..Default::default()
    };
    let a = alice
        .create_message(&s, &Message::text("once"), &p)
        .await
        .unwrap();
    let b = alice
        .create_message(&s, &Message::text("twice?"), &p)
        .await
        .unwrap();
    assert_eq!(a.name, b.name);
    assert_eq!(b.text.as_deref(), Some("once"));
    let all = alice
        .list_all_messages(&s, &ListMessages::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
}

#[tokio::test]
async fn size_limits_are_enforced() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Sizes").await;
    assert!(alice
        .create_message(
            &s,
            &Message::text("字".repeat(4096)),
            &CreateMessage::default()
        )
        .await
        .is_ok());
    let e = alice
        .create_message(
            &s,
            &Message::text("x".repeat(4097)),
            &CreateMessage::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(400));
    assert!(e.to_string().contains("4096"));
    assert_eq!(
        code_of(
            alice
                .create_message(&s, &Message::text(""), &CreateMessage::default())
                .await
        )
        .0,
        400,
        "empty"
    );
    // Text plus cards over 32,000 bytes (app only may send cards).
    alice
        .create_member(&s, &Client::membership_for(&UserRef::App))
        .await
        .unwrap();
    let big_card = Message {
        text: Some("x".repeat(4000)),
        cards_v2: vec![CardWithId {
            card_id: Some("big".into()),
            card: Some(
                json!({"sections": [{"widgets": [{"textParagraph": {"text": "y".repeat(29_000)}}]}]}),
            ),
            owner_user: None,
        }],
        ..Default::default()
    };
    assert_eq!(
        code_of(
            app(&emu)
                .create_message(&s, &big_card, &CreateMessage::default())
                .await
        )
        .0,
        400
    );
}

#[tokio::test]
async fn the_text_limit_is_configurable() {
    let emu = start(Config {
        text_limit: 10,
        ..Default::default()
    })
    .await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Short").await;
    assert!(alice
        .create_message(&s, &Message::text("0123456789"), &CreateMessage::default())
        .await
        .is_ok());
    assert_eq!(
        code_of(
            alice
                .create_message(&s, &Message::text("0123456789a"), &CreateMessage::default())
                .await
        )
        .0,
        400
    );
}

#[tokio::test]
async fn people_cannot_send_cards() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "No cards").await;
    let body = Message {
        cards_v2: vec![CardWithId {
            card_id: Some("c".into()),
            card: Some(json!({"header": {"title": "t"}})),
            owner_user: None,
        }],
        ..Default::default()
    };
    let e = alice
        .create_message(&s, &body, &CreateMessage::default())
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(400));
    assert!(e.to_string().contains("human credentials"));
}

#[tokio::test]
async fn lists_are_ascending_by_default_and_descending_on_request() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Order").await;
    for t in ["1", "2", "3"] {
        post(&alice, &s, t).await;
    }
    let asc = alice
        .list_all_messages(&s, &ListMessages::default())
        .await
        .unwrap();
    assert_eq!(
        asc.iter()
            .map(|m| m.text.clone().unwrap())
            .collect::<Vec<_>>(),
        ["1", "2", "3"]
    );
    for order in ["DESC", "createTime desc", "create_time DESC"] {
        let desc = alice
            .list_all_messages(
                &s,
                &ListMessages::default()
                    .with_order_by(order)
                    .with_page_size(2),
            )
            .await
            .unwrap();
        assert_eq!(
            desc.iter()
                .map(|m| m.text.clone().unwrap())
                .collect::<Vec<_>>(),
            ["3", "2", "1"]
        );
    }
    let r = alice
        .list_messages(&s, &ListMessages::default().with_order_by("text"))
        .await;
    assert_eq!(code_of(r).0, 400);
}

#[tokio::test]
async fn show_deleted_lists_tombstones_without_content() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Tombstones").await;
    let m = post(&alice, &s, "secret").await;
    post(&alice, &s, "kept").await;
    alice.delete_message(&msg_name(&m), false).await.unwrap();
    let live = alice
        .list_all_messages(&s, &ListMessages::default())
        .await
        .unwrap();
    assert_eq!(live.len(), 1);
    let all = alice
        .list_all_messages(&s, &ListMessages::default().with_deleted())
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    let t = &all[0];
    assert_eq!(t.name, m.name);
    assert!(t.delete_time.is_some());
    assert_eq!(
        t.deletion_metadata.as_ref().unwrap().deletion_type,
        Some(DeletionType::Creator)
    );
    assert_eq!(t.text, None);
    assert!(t.create_time.is_some());
    assert_eq!(code_of(alice.get_message(&msg_name(&m)).await).0, 404);
}

#[tokio::test]
async fn patch_needs_a_valid_mask_and_sets_last_update_time() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Edits").await;
    let m = post(&alice, &s, "first").await;
    let n = msg_name(&m);
    let r = alice
        .patch_message(&n, &Message::text("second"), "", false)
        .await;
    assert_eq!(code_of(r).0, 400, "updateMask is required");
    let r = alice
        .patch_message(&n, &Message::text("second"), "sender", false)
        .await;
    assert_eq!(code_of(r).0, 400, "unsupported path");
    let r = alice
        .patch_message(&n, &Message::text("second"), "cards_v2", false)
        .await;
    assert_eq!(code_of(r).0, 400, "people cannot edit cards");
    let p = alice
        .patch_message(&n, &Message::text("second"), "text", false)
        .await
        .unwrap();
    assert_eq!(p.text.as_deref(), Some("second"));
    let t1 = p.last_update_time.unwrap();
    assert!(t1 > m.create_time.unwrap());
    let p2 = alice
        .patch_message(&n, &Message::text("third"), "*", false)
        .await
        .unwrap();
    assert!(p2.last_update_time.unwrap() > t1);
    assert_eq!(
        alice.get_message(&n).await.unwrap().text.as_deref(),
        Some("third")
    );
}

#[tokio::test]
async fn allow_missing_creates_by_client_id_only() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Allow missing").await;
    let by_client = MessageName::parse(&format!("{s}/messages/client-upsert")).unwrap();
    let created = alice
        .patch_message(&by_client, &Message::text("made by patch"), "text", true)
        .await
        .unwrap();
    assert_eq!(
        created.client_assigned_message_id.as_deref(),
        Some("client-upsert")
    );
    assert_eq!(created.last_update_time, None);
    let again = alice
        .patch_message(&by_client, &Message::text("now an edit"), "text", true)
        .await
        .unwrap();
    assert_eq!(again.name, created.name);
    assert!(again.last_update_time.is_some());
    let server = MessageName::parse(&format!("{s}/messages/AAAA.BBBB")).unwrap();
    let r = alice
        .patch_message(&server, &Message::text("x"), "text", true)
        .await;
    assert_eq!(code_of(r).0, 400);
    let r = alice
        .patch_message(&by_client.clone(), &Message::text("x"), "text", false)
        .await;
    assert!(r.is_ok());
}

#[tokio::test]
async fn deleting_a_thread_root_with_replies_needs_force() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Force").await;
    let root = post(&alice, &s, "root").await;
    reply_to(&alice, &s, root.thread_name().unwrap(), "r1").await;
    reply_to(&alice, &s, root.thread_name().unwrap(), "r2").await;
    let r = alice.delete_message(&msg_name(&root), false).await;
    assert_eq!(code_of(r), (400, "FAILED_PRECONDITION".into()));
    alice.delete_message(&msg_name(&root), true).await.unwrap();
    let live = alice
        .list_all_messages(&s, &ListMessages::default())
        .await
        .unwrap();
    assert!(live.is_empty(), "the replies went too");
}

#[tokio::test]
async fn authors_edit_their_own_and_managers_delete_any() {
    let emu = demo().await;
    let tr = space(TEAM_RUST);
    let by_li = post(&user(&emu, LI_LEI), &tr, "李雷的消息").await;
    let n = msg_name(&by_li);
    // The app may change only its own messages.
    assert_eq!(
        code_of(
            app(&emu)
                .patch_message(&n, &Message::text("x"), "text", false)
                .await
        )
        .0,
        403
    );
    assert_eq!(code_of(app(&emu).delete_message(&n, false).await).0, 403);
    // People edit only their own.
    assert_eq!(
        code_of(
            user(&emu, ALICE)
                .patch_message(&n, &Message::text("x"), "text", false)
                .await
        )
        .0,
        403
    );
    assert_eq!(
        code_of(user(&emu, PRIYA).delete_message(&n, false).await).0,
        403
    );
    // Alice manages Team Rust, so she may delete it, as the space owner.
    user(&emu, ALICE).delete_message(&n, false).await.unwrap();
    let all = user(&emu, ALICE)
        .list_all_messages(
            &tr,
            &ListMessages::default()
                .with_deleted()
                .with_filter(format!("thread.name = {}", by_li.thread_name().unwrap())),
        )
        .await
        .unwrap();
    assert_eq!(
        all[0].deletion_metadata.as_ref().unwrap().deletion_type,
        Some(DeletionType::SpaceOwner)
    );
}

#[tokio::test]
async fn mentions_become_annotations_and_app_mentions_leave_argument_text() {
    let emu = demo().await;
    let tr = space(TEAM_RUST);
    let m = post(
        &user(&emu, ALICE),
        &tr,
        "<users/9000> deploy please, <users/1002>",
    )
    .await;
    assert_eq!(
        m.text.as_deref(),
        Some("<users/9000> deploy please, <users/1002>"),
        "stored verbatim"
    );
    assert_eq!(m.annotations.len(), 2);
    let a = &m.annotations[1];
    assert_eq!(a.annotation_type, Some(AnnotationType::UserMention));
    assert_eq!(a.start_index, Some(28));
    assert_eq!(a.length, Some(12));
    let u = a.user_mention.as_ref().unwrap().user.as_ref().unwrap();
    assert_eq!(u.name.as_deref(), Some("users/1002"));
    assert_eq!(u.display_name.as_deref(), Some("Bob Li"));
    assert_eq!(
        m.argument_text.as_deref(),
        Some(" deploy please, <users/1002>")
    );
    assert_eq!(m.formatted_text, m.text);
}

#[tokio::test]
async fn create_times_strictly_increase_and_polling_sees_each_message_once() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Polling").await;
    let mut seen: Vec<String> = Vec::new();
    let mut watermark: Option<chrono::DateTime<chrono::Utc>> = None;
    for round in 0..5 {
        let batch = (0..7).map(|i| {
            let c = alice.clone();
            let s = s.clone();
            async move { post(&c, &s, &format!("{round}-{i}")).await }
        });
        futures::future::join_all(batch).await;
        let mut p = ListMessages::default();
        if let Some(w) = &watermark {
            p = p.with_filter(gchat::api::client::created_after(w));
        }
        let page = alice.list_all_messages(&s, &p).await.unwrap();
        for w in page.windows(2) {
            assert!(w[0].create_time < w[1].create_time);
        }
        watermark = page.last().and_then(|m| m.create_time).or(watermark);
        seen.extend(page.into_iter().map(|m| m.name.unwrap()));
    }
    assert_eq!(seen.len(), 35);
    let mut dedup = seen.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), 35);
}

#[tokio::test]
async fn apps_get_only_messages_they_can_access() {
    let emu = demo().await;
    let tr = space(TEAM_RUST);
    let plain = post(&user(&emu, ALICE), &tr, "just people talking").await;
    let mention = post(&user(&emu, ALICE), &tr, "<users/9000> status?").await;
    let own = post(&app(&emu), &tr, "status: green").await;
    let bot = app(&emu);
    assert_eq!(code_of(bot.get_message(&msg_name(&plain)).await).0, 404);
    assert!(bot.get_message(&msg_name(&mention)).await.is_ok());
    assert!(bot.get_message(&msg_name(&own)).await.is_ok());
}

#[tokio::test]
async fn announcement_spaces_let_only_managers_post() {
    let emu = demo().await;
    let r = user(&emu, ALICE)
        .create_message(
            &space(ANNOUNCEMENTS),
            &Message::text("hi all"),
            &CreateMessage::default(),
        )
        .await;
    assert_eq!(code_of(r).0, 403);
    assert!(user(&emu, DMITRI)
        .create_message(
            &space(ANNOUNCEMENTS),
            &Message::text("hi all"),
            &CreateMessage::default()
        )
        .await
        .is_ok());
}

// ---------------------------------------------------------------- people

#[tokio::test]
async fn names_are_withheld_for_non_members_and_the_people_api_fills_them_in() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    // 陈小明 left Team Rust; his old message names him only by id.
    let all = alice
        .list_all_messages(&space(TEAM_RUST), &ListMessages::default())
        .await
        .unwrap();
    let his = all
        .iter()
        .find(|m| m.sender_name() == Some("users/1008"))
        .unwrap();
    assert_eq!(his.sender.as_ref().unwrap().display_name, None);
    let people = alice
        .lookup_people(&["users/1008".to_string(), "users/424242".to_string()])
        .await
        .unwrap();
    assert_eq!(people.len(), 1);
    assert_eq!(people[0].0, "users/1008");
    assert_eq!(people[0].1.display_name(), Some("陈小明"));
    assert_eq!(people[0].1.email(), Some("chen.xiaoming@example.com"));
    let one = alice.get_person("people/me", "names").await.unwrap();
    assert_eq!(one.display_name(), Some("Alice Chen"));
    assert!(one.email_addresses.is_empty(), "only the fields asked for");
}

#[tokio::test]
async fn the_people_api_checks_its_parameters() {
    let emu = demo().await;
    let (code, json, _) = get(
        &emu,
        "/v1/people:batchGet?resourceNames=people/1002",
        Some("user:1001"),
    )
    .await;
    assert_eq!(code, 400, "personFields is required");
    assert_envelope(&json, 400, "INVALID_ARGUMENT");
    let (code, _, _) = get(
        &emu,
        "/v1/people/1002?personFields=shoeSize",
        Some("user:1001"),
    )
    .await;
    assert_eq!(code, 400);
    let (code, _, _) = get(
        &emu,
        "/v1/people/424242?personFields=names",
        Some("user:1001"),
    )
    .await;
    assert_eq!(code, 404);
    let (code, _, _) = get(&emu, "/v1/people/1002?personFields=names", Some("app")).await;
    assert_eq!(code, 403, "chat.bot is not a People API scope");
}
