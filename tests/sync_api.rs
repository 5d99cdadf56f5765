//! Read state, space events, message search, notification settings and sections: each
//! method through the typed client against the emulator, with its errors and scopes, two
//! users in one emulator, and persistence across a restart.

mod common;

use chrono::{Duration, Utc};
use common::*;
use gchat::api::model::*;
use gchat::api::sync_client::{events_filter, search_phrase, ListSpaceEvents};
use gchat::api::sync_model::*;
use gchat::api::sync_name::{SectionItemName, SectionName, SpaceEventName};
use gchat::api::{CreateMessage, MembershipName, ThreadName, UserRef};
use gchat::emulator::Emulator;
use reqwest::Method;

fn thread_of(m: &Message) -> ThreadName {
    ThreadName::parse(m.thread_name().unwrap()).unwrap()
}

// ---------------------------------------------------------------- read state

#[tokio::test]
async fn posting_advances_only_the_posters_read_state() {
    let emu = demo().await;
    let (alice, bob) = (user(&emu, ALICE), user(&emu, BOB));
    let s = new_space(&alice, "Read state").await;
    alice
        .create_member(
            &s,
            &gchat::api::Client::membership_for(&UserRef::Id(BOB.into())),
        )
        .await
        .unwrap();
    let a0 = alice.get_space_read_state(&s).await.unwrap();
    assert_eq!(
        a0.name.as_deref(),
        Some(format!("users/{ALICE}/spaces/{}/spaceReadState", s.id()).as_str())
    );

    // B posts: A's read state does not move, B's does.
    let b_msg = post(&bob, &s, "from Bob").await;
    let a1 = alice.get_space_read_state(&s).await.unwrap();
    assert_eq!(
        a1.last_read_time, a0.last_read_time,
        "B's post is unread for A"
    );
    assert!(a1.last_read_time < b_msg.create_time);
    let b1 = bob.get_space_read_state(&s).await.unwrap();
    assert_eq!(b1.last_read_time, b_msg.create_time);

    // A posts: A's read state advances to that message.
    let a_msg = post(&alice, &s, "from Alice").await;
    let a2 = alice.get_space_read_state(&s).await.unwrap();
    assert_eq!(a2.last_read_time, a_msg.create_time);
    // And B's did not.
    assert_eq!(bob.get_space_read_state(&s).await.unwrap(), b1);

    // A reply advances the poster's thread read state, not the space's.
    let r = reply_to(&bob, &s, a_msg.thread_name().unwrap(), "reply").await;
    let t = thread_of(&a_msg);
    let bt = bob.get_thread_read_state(&t).await.unwrap();
    assert_eq!(bt.last_read_time, r.create_time);
    assert_eq!(bob.get_space_read_state(&s).await.unwrap(), b1);
    let at = alice.get_thread_read_state(&t).await.unwrap();
    assert_eq!(at.last_read_time, a_msg.create_time, "A started the thread");
    assert!(
        at.last_read_time < r.create_time,
        "B's reply is unread for A"
    );
}

#[tokio::test]
async fn update_coerces_a_later_time_and_accepts_an_earlier_one() {
    let emu = demo().await;
    let (alice, bob) = (user(&emu, ALICE), user(&emu, BOB));
    let s = new_space(&alice, "Coerce").await;
    alice
        .create_member(
            &s,
            &gchat::api::Client::membership_for(&UserRef::Id(BOB.into())),
        )
        .await
        .unwrap();
    let first = post(&bob, &s, "one").await;
    let last = post(&bob, &s, "two").await;
    // "Mark as read" with any later time lands on the latest message.
    let r = alice
        .update_space_read_state(&s, Utc::now() + Duration::days(1))
        .await
        .unwrap();
    assert_eq!(r.last_read_time, last.create_time);
    assert_eq!(alice.get_space_read_state(&s).await.unwrap(), r);
    // An earlier time is documented as marking the space unread from there.
    let back = first.create_time.unwrap();
    let r = alice.update_space_read_state(&s, back).await.unwrap();
    assert_eq!(r.last_read_time, Some(back));
    assert_eq!(
        alice.get_space_read_state(&s).await.unwrap().last_read_time,
        Some(back)
    );
}

#[tokio::test]
async fn read_state_errors_and_scopes() {
    let emu = demo().await;
    let team = space(TEAM_RUST);
    let me = format!("/v1/users/me/spaces/{TEAM_RUST}/spaceReadState");
    // Someone else's read state: refused.
    let (code, body, _) = get(
        &emu,
        &format!("/v1/users/{BOB}/spaces/{TEAM_RUST}/spaceReadState"),
        Some("user:1001"),
    )
    .await;
    assert_eq!(code, 403, "{body}");
    assert_envelope(&body, 403, "PERMISSION_DENIED");
    // The caller's own id and email work like me.
    for who in [ALICE, "alice@example.com", "me"] {
        let (code, body, _) = get(
            &emu,
            &format!("/v1/users/{who}/spaces/{TEAM_RUST}/spaceReadState"),
            Some("user:1001"),
        )
        .await;
        assert_eq!(code, 200, "{who}: {body}");
        assert_eq!(
            body["name"],
            format!("users/{ALICE}/spaces/{TEAM_RUST}/spaceReadState")
        );
    }
    // A space the caller is not in: 404.
    let (code, _, _) = raw(
        &emu,
        Method::GET,
        &format!("/v1/users/me/spaces/{FIREHOSE}/spaceReadState"),
        Some(&format!("user:{WANG_FANG}")),
        None,
    )
    .await;
    assert_eq!(code, 404);
    // The update mask is required and only last_read_time is supported.
    for q in ["", "?updateMask=name", "?updateMask=lastReadTime"] {
        let body = if q.ends_with("lastReadTime") {
            "{}"
        } else {
            r#"{"lastReadTime":"2024-01-01T00:00:00Z"}"#
        };
        let (code, body, _) = raw(
            &emu,
            Method::PATCH,
            &format!("{me}{q}"),
            Some("user:1001"),
            Some(body),
        )
        .await;
        assert_eq!(code, 400, "{q}: {body}");
        assert_envelope(&body, 400, "INVALID_ARGUMENT");
    }
    // Unknown fields and malformed times are refused.
    for b in [
        r#"{"lastReadTime":"yesterday"}"#,
        r#"{"lastReadTme":"2024-01-01T00:00:00Z"}"#,
    ] {
        let (code, _, _) = raw(
            &emu,
            Method::PATCH,
            &format!("{me}?updateMask=last_read_time"),
            Some("user:1001"),
            Some(b),
        )
        .await;
        assert_eq!(code, 400, "{b}");
    }
    // The Chat app (chat.bot) cannot: user authentication only.
    let (code, msg) = code_of(app(&emu).get_space_read_state(&team).await);
    assert_eq!((code, msg.as_str()), (403, "PERMISSION_DENIED"));
    // The read-only scope reads but does not write; without it, neither.
    let ro = client(&emu, "user:1001;scopes=chat.users.readstate.readonly");
    assert!(ro.get_space_read_state(&team).await.is_ok());
    let e = ro
        .update_space_read_state(&team, Utc::now())
        .await
        .unwrap_err();
    assert!(e.is_scope_insufficient(), "{e}");
    let none = client(&emu, "user:1001;scopes=chat.messages");
    assert!(none
        .get_space_read_state(&team)
        .await
        .unwrap_err()
        .is_scope_insufficient());
    // An unknown thread: 404.
    let t = ThreadName::parse(&format!("spaces/{TEAM_RUST}/threads/nope")).unwrap();
    assert_eq!(
        code_of(user(&emu, ALICE).get_thread_read_state(&t).await).0,
        404
    );
}

#[tokio::test]
async fn the_demo_has_read_states_with_unread_messages() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let team = space(TEAM_RUST);
    let rs = alice.get_space_read_state(&team).await.unwrap();
    let msgs = alice
        .list_all_messages(&team, &Default::default())
        .await
        .unwrap();
    let unread = msgs
        .iter()
        .filter(|m| !m.thread_reply && m.create_time > rs.last_read_time)
        .count();
    assert_eq!(unread, 3, "the demo leaves three of Team Rust unread");
    let eng = alice.get_space_read_state(&space(ENG_DEPT)).await.unwrap();
    let last = alice
        .list_all_messages(&space(ENG_DEPT), &Default::default())
        .await
        .unwrap()
        .into_iter()
        .filter(|m| !m.thread_reply)
        .filter_map(|m| m.create_time)
        .max();
    assert_eq!(eng.last_read_time, last, "工程部 is read");
}

// ---------------------------------------------------------------- space events

const ALL_TYPES: &[EventType] = &[
    EventType::MessageCreated,
    EventType::MessageUpdated,
    EventType::MessageDeleted,
    EventType::MembershipCreated,
    EventType::MembershipUpdated,
    EventType::MembershipDeleted,
    EventType::SpaceUpdated,
];

#[tokio::test]
async fn every_change_is_an_event_with_the_latest_payload() {
    let emu = demo().await;
    let (alice, bob) = (user(&emu, ALICE), user(&emu, BOB));
    let s = new_space(&alice, "Events").await;
    let filter = events_filter(ALL_TYPES, None);
    let start = alice.list_all_space_events(&s, &filter).await.unwrap();
    // Creating the space made the creator's membership.
    assert_eq!(start.len(), 1, "{start:?}");
    assert_eq!(start[0].event_type, Some(EventType::MembershipCreated));

    let bob_member = gchat::api::Client::membership_for(&UserRef::Id(BOB.into()));
    alice.create_member(&s, &bob_member).await.unwrap();
    let m = post(&bob, &s, "first words").await;
    let name = msg_name(&m);
    bob.patch_message(&name, &Message::text("edited words"), "text", false)
        .await
        .unwrap();
    let m2 = post(&bob, &s, "doomed").await;
    bob.delete_message(&msg_name(&m2), false).await.unwrap();
    let bob_m = MembershipName::parse(&format!("{s}/members/{BOB}")).unwrap();
    alice
        .set_member_role(&bob_m, MembershipRole::Manager)
        .await
        .unwrap();
    alice
        .patch_space(
            &s,
            &Space {
                display_name: Some("Events renamed".into()),
                ..Default::default()
            },
            "displayName",
        )
        .await
        .unwrap();
    let evs = alice.list_all_space_events(&s, &filter).await.unwrap();
    let types: Vec<EventType> = evs.iter().filter_map(|e| e.event_type.clone()).collect();
    assert_eq!(
        types,
        vec![
            EventType::MembershipCreated,
            EventType::MembershipCreated,
            EventType::MessageCreated,
            EventType::MessageUpdated,
            EventType::MessageCreated,
            EventType::MessageDeleted,
            EventType::MembershipUpdated,
            EventType::SpaceUpdated,
        ]
    );
    // Payloads carry the latest version: the created event shows the edited text.
    assert_eq!(
        evs[2].message().unwrap().text.as_deref(),
        Some("edited words")
    );
    assert_eq!(
        evs[3].message().unwrap().text.as_deref(),
        Some("edited words")
    );
    // A deleted message: only name, createTime and deletionMetadata.
    let gone = evs[5].message().unwrap();
    assert_eq!(gone.name, m2.name);
    assert!(gone.text.is_none() && gone.deletion_metadata.is_some());
    assert_eq!(evs[4].message().unwrap().name, m2.name);
    assert_eq!(
        evs[6].membership().unwrap().role,
        Some(MembershipRole::Manager)
    );
    assert_eq!(
        evs[7]
            .space_updated_event_data
            .as_ref()
            .and_then(|d| d.space.as_ref())
            .and_then(|s| s.display_name.as_deref()),
        Some("Events renamed")
    );
    // Event times increase; each event can be fetched by name.
    for w in evs.windows(2) {
        assert!(w[0].event_time < w[1].event_time);
    }
    let one = SpaceEventName::parse(evs[3].name.as_deref().unwrap()).unwrap();
    assert_eq!(alice.get_space_event(&one).await.unwrap(), evs[3]);

    // Bob leaves: a deleted membership with only name and state.
    alice.delete_member(&bob_m).await.unwrap();
    let left = alice
        .list_all_space_events(&s, &events_filter(&[EventType::MembershipDeleted], None))
        .await
        .unwrap();
    assert_eq!(left.len(), 1);
    let gone = left[0].membership().unwrap();
    assert_eq!(gone.state, Some(MembershipState::NotAMember));
    assert!(gone.member.is_none());
    // Bob, no longer a member, cannot read the events.
    assert_eq!(code_of(bob.list_all_space_events(&s, &filter).await).0, 404);
}

#[tokio::test]
async fn paging_resumes_exactly_where_the_last_page_ended_despite_writes_between() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Paging events").await;
    let filter = events_filter(&[EventType::MessageCreated], None);
    for i in 0..5 {
        post(&alice, &s, &format!("m{i}")).await;
    }
    let mut seen: Vec<String> = Vec::new();
    let mut token = None;
    let mut pages = 0;
    loop {
        let page = alice
            .list_space_events(
                &s,
                &ListSpaceEvents {
                    filter: filter.clone(),
                    page_size: Some(2),
                    page_token: token.clone(),
                },
            )
            .await
            .unwrap();
        pages += 1;
        seen.extend(
            page.space_events
                .iter()
                .map(|e| e.message().unwrap().text.clone().unwrap()),
        );
        // Writes between pages: they come after what was already listed.
        if pages <= 2 {
            post(&alice, &s, &format!("late{pages}")).await;
        }
        match page.next_page_token {
            Some(t) => token = Some(t),
            None => break,
        }
        assert!(pages < 20, "paging does not end");
    }
    // Each event once, in order, the late ones after those listed before them.
    assert_eq!(seen, ["m0", "m1", "m2", "m3", "m4", "late1", "late2"]);
    // A token cannot be used with another filter.
    let page = alice
        .list_space_events(
            &s,
            &ListSpaceEvents {
                filter: filter.clone(),
                page_size: Some(1),
                page_token: None,
            },
        )
        .await
        .unwrap();
    let other = ListSpaceEvents {
        filter: events_filter(&[EventType::MessageDeleted], None),
        page_size: Some(1),
        page_token: page.next_page_token,
    };
    assert_eq!(code_of(alice.list_space_events(&s, &other).await).0, 400);
}

#[tokio::test]
async fn the_event_filter_and_window_are_enforced() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Filters").await;
    let before = Utc::now() - Duration::seconds(1);
    post(&alice, &s, "x").await;
    let mid = Utc::now();
    post(&alice, &s, "y").await;
    let list = |f: String| {
        let alice = alice.clone();
        let s = s.clone();
        async move {
            alice
                .list_space_events(
                    &s,
                    &ListSpaceEvents {
                        filter: f,
                        ..Default::default()
                    },
                )
                .await
        }
    };
    let after_mid = list(events_filter(&[EventType::MessageCreated], Some(&mid)))
        .await
        .unwrap();
    assert_eq!(after_mid.space_events.len(), 1);
    assert_eq!(
        after_mid.space_events[0].message().unwrap().text.as_deref(),
        Some("y")
    );
    let both = list(events_filter(&[EventType::MessageCreated], Some(&before)))
        .await
        .unwrap();
    assert_eq!(both.space_events.len(), 2);
    // end_time is inclusive.
    let t0 = both.space_events[0].event_time.unwrap();
    let upto = list(format!(
        "event_types:\"google.workspace.chat.message.v1.created\" AND end_time=\"{}\"",
        timestamp::format(&t0)
    ))
    .await
    .unwrap();
    assert_eq!(upto.space_events.len(), 1);
    let too_old = Utc::now() - Duration::days(29);
    for bad in [
        String::new(),
        format!("start_time=\"{}\"", timestamp::format(&mid)),
        events_filter(&[EventType::MessageCreated], Some(&too_old)),
        "event_types:\"google.workspace.chat.message.v1.batchCreated\"".to_string(),
        "event_types:\"google.workspace.chat.message.v1.created\" AND event_types:\"google.workspace.chat.message.v1.deleted\"".to_string(),
        "event_types:\"google.workspace.chat.message.v1.created\" AND (start_time=\"2024-01-01T00:00:00Z\"".to_string(),
    ] {
        let (code, status) = code_of(list(bad.clone()).await);
        assert_eq!((code, status.as_str()), (400, "INVALID_ARGUMENT"), "{bad}");
    }
}

#[tokio::test]
async fn events_are_for_users_with_the_right_scope_not_for_chat_bot() {
    let emu = demo().await;
    let team = space(TEAM_RUST);
    let msgs = events_filter(&[EventType::MessageCreated], None);
    let (code, _) = code_of(app(&emu).list_all_space_events(&team, &msgs).await);
    assert_eq!(code, 403, "chat.bot cannot read events");
    // Membership events need a membership scope; message events a message scope.
    let members_only = client(&emu, "user:1001;scopes=chat.memberships.readonly");
    assert!(members_only
        .list_all_space_events(&team, &events_filter(&[EventType::MembershipCreated], None))
        .await
        .is_ok());
    let e = members_only
        .list_all_space_events(&team, &msgs)
        .await
        .unwrap_err();
    assert!(e.is_scope_insufficient(), "{e}");
    let unknown = SpaceEventName::parse(&format!("spaces/{TEAM_RUST}/spaceEvents/999")).unwrap();
    assert_eq!(
        code_of(user(&emu, ALICE).get_space_event(&unknown).await).0,
        404
    );
}

#[tokio::test]
async fn private_messages_to_others_are_not_in_their_events() {
    let emu = demo().await;
    let app_c = app(&emu);
    let team = space(TEAM_RUST);
    let mut m = Message::text("just for Bob");
    m.private_message_viewer = Some(Box::new(User {
        name: Some(format!("users/{BOB}")),
        ..Default::default()
    }));
    app_c
        .create_message(&team, &m, &CreateMessage::default())
        .await
        .unwrap();
    let f = events_filter(&[EventType::MessageCreated], None);
    let texts = |c: gchat::api::Client| {
        let f = f.clone();
        let team = team.clone();
        async move {
            c.list_all_space_events(&team, &f)
                .await
                .unwrap()
                .into_iter()
                .filter_map(|e| e.message().and_then(|m| m.text.clone()))
                .collect::<Vec<_>>()
        }
    };
    assert!(texts(user(&emu, BOB))
        .await
        .contains(&"just for Bob".to_string()));
    assert!(!texts(user(&emu, ALICE))
        .await
        .contains(&"just for Bob".to_string()));
}

// ---------------------------------------------------------------- notification settings

#[tokio::test]
async fn mute_and_unmute_per_user_with_the_documented_rules() {
    let emu = demo().await;
    let (alice, bob) = (user(&emu, ALICE), user(&emu, BOB));
    let fire = space(FIREHOSE);
    // The demo's firehose is muted for Alice, not for Bob.
    assert!(alice
        .get_notification_setting(&fire)
        .await
        .unwrap()
        .is_muted());
    assert!(!bob
        .get_notification_setting(&fire)
        .await
        .unwrap()
        .is_muted());
    let team = space(TEAM_RUST);
    let s = alice.set_muted(&team, true).await.unwrap();
    assert_eq!(
        s.name.as_deref(),
        Some(format!("users/{ALICE}/spaces/{TEAM_RUST}/spaceNotificationSetting").as_str())
    );
    assert!(s.is_muted());
    assert_eq!(s.notification_setting, Some(NotificationSetting::All));
    assert!(alice
        .get_notification_setting(&team)
        .await
        .unwrap()
        .is_muted());
    assert!(!bob
        .get_notification_setting(&team)
        .await
        .unwrap()
        .is_muted());
    assert!(!alice.set_muted(&team, false).await.unwrap().is_muted());
    // notification_setting: FOR_YOU is not available in a 1:1 DM.
    let for_you = SpaceNotificationSetting {
        notification_setting: Some(NotificationSetting::ForYou),
        ..Default::default()
    };
    let ok = alice
        .patch_notification_setting(&team, &for_you, "notificationSetting")
        .await
        .unwrap();
    assert_eq!(ok.notification_setting, Some(NotificationSetting::ForYou));
    assert!(!ok.is_muted(), "the mute setting was not in the mask");
    let dm = space(DM_BOB);
    assert_eq!(
        code_of(
            alice
                .patch_notification_setting(&dm, &for_you, "notification_setting")
                .await
        ),
        (400, "INVALID_ARGUMENT".into())
    );
    let unspecified = SpaceNotificationSetting {
        mute_setting: Some(MuteSetting::Unspecified),
        ..Default::default()
    };
    assert_eq!(
        code_of(
            alice
                .patch_notification_setting(&team, &unspecified, "mute_setting")
                .await
        )
        .0,
        400
    );
    assert_eq!(
        code_of(
            alice
                .patch_notification_setting(&team, &for_you, "name")
                .await
        )
        .0,
        400
    );
    // Scope: chat.users.spacesettings only; the app cannot.
    assert!(app(&emu)
        .get_notification_setting(&team)
        .await
        .unwrap_err()
        .is_scope_insufficient());
    let other = client(&emu, "user:1001;scopes=chat.spaces");
    assert!(other
        .set_muted(&team, true)
        .await
        .unwrap_err()
        .is_scope_insufficient());
}

// ---------------------------------------------------------------- search

#[tokio::test]
async fn search_finds_across_spaces_with_the_documented_exclusions() {
    let emu = demo().await;
    let (alice, bob) = (user(&emu, ALICE), user(&emu, BOB));
    let team = space(TEAM_RUST);
    let dm = space(DM_BOB);
    let a = post(&bob, &team, "the zebrafish report is ready").await;
    let b = post(
        &bob,
        &dm,
        "Zebrafish numbers attached at https://example.com/z",
    )
    .await;
    // Excluded: an app's message, a muted space, a private message, a deleted one.
    app(&emu)
        .create_message(
            &team,
            &Message::text("zebrafish from the app"),
            &CreateMessage::default(),
        )
        .await
        .unwrap();
    post(&bob, &space(FIREHOSE), "zebrafish in the muted firehose").await;
    let gone = post(&bob, &team, "zebrafish deleted").await;
    bob.delete_message(&msg_name(&gone), false).await.unwrap();
    let search = |f: &str| {
        let alice = alice.clone();
        let f = f.to_string();
        async move {
            alice
                .search_messages(&SearchMessagesRequest {
                    filter: Some(f),
                    ..Default::default()
                })
                .await
        }
    };
    let names = |r: SearchMessagesResponse| {
        r.results
            .into_iter()
            .filter_map(|x| x.message.and_then(|m| m.name))
            .collect::<Vec<_>>()
    };
    // Newest first, across spaces, case-insensitive.
    assert_eq!(
        names(search("zebrafish").await.unwrap()),
        vec![b.name.clone().unwrap(), a.name.clone().unwrap()]
    );
    assert_eq!(
        names(search("ZEBRAFISH has_link()").await.unwrap()),
        vec![b.name.clone().unwrap()]
    );
    let f = format!("zebrafish space.name = \"{team}\"");
    assert_eq!(
        names(search(&f).await.unwrap()),
        vec![a.name.clone().unwrap()]
    );
    let f = "zebrafish AND space.space_type = \"DIRECT_MESSAGE\"";
    assert_eq!(
        names(search(f).await.unwrap()),
        vec![b.name.clone().unwrap()]
    );
    let f = format!(
        "{} sender.name = \"users/bob@example.com\"",
        search_phrase("report is ready")
    );
    assert_eq!(
        names(search(&f).await.unwrap()),
        vec![a.name.clone().unwrap()]
    );
    assert!(names(search("\"ready report\"").await.unwrap()).is_empty());
    let f = "zebrafish space.display_name:rust";
    assert_eq!(
        names(search(f).await.unwrap()),
        vec![a.name.clone().unwrap()]
    );
    // Unread: both are Bob's, unread for Alice; after reading the team space only the DM is.
    assert_eq!(
        names(search("zebrafish is_unread()").await.unwrap()).len(),
        2
    );
    alice
        .update_space_read_state(&team, Utc::now() + Duration::days(1))
        .await
        .unwrap();
    assert_eq!(
        names(search("zebrafish is_unread()").await.unwrap()),
        vec![b.name.clone().unwrap()]
    );
    // Invalid queries.
    for bad in [
        "",
        "zebrafish OR sender.name = \"users/1002\"",
        "sender.name = \"users/1002\" AND sender.name = \"users/1003\"",
        "create_time > \"2024-01-01T00:00:00Z\"",
        "colour = \"red\"",
        "frobnicate()",
        "(zebrafish",
    ] {
        assert_eq!(code_of(search(bad).await).0, 400, "{bad:?}");
    }
    assert_eq!(code_of(search(&"x".repeat(1001)).await).0, 400);
    // Only spaces/- is a valid parent.
    let (code, _, _) = raw(
        &emu,
        Method::POST,
        &format!("/v1/spaces/{TEAM_RUST}/messages:search"),
        Some("user:1001"),
        Some(r#"{"filter":"zebrafish"}"#),
    )
    .await;
    assert_eq!(code, 400);
    // User auth only; is_unread() needs the read-state scope.
    assert_eq!(
        code_of(
            app(&emu)
                .search_messages(&SearchMessagesRequest {
                    filter: Some("zebrafish".into()),
                    ..Default::default()
                })
                .await
        )
        .0,
        403
    );
    let no_rs = client(&emu, "user:1001;scopes=chat.messages.readonly");
    let e = no_rs
        .search_messages(&SearchMessagesRequest {
            filter: Some("zebrafish is_unread()".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(e.is_scope_insufficient(), "{e}");
}

#[tokio::test]
async fn search_pages_by_the_last_result_even_when_it_is_deleted() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Search paging").await;
    let mut posted = Vec::new();
    for i in 0..5 {
        posted.push(post(&alice, &s, &format!("quokka {i}")).await);
    }
    let req = |token: Option<String>| SearchMessagesRequest {
        filter: Some("quokka".into()),
        page_size: Some(2),
        page_token: token,
        ..Default::default()
    };
    let p1 = alice.search_messages(&req(None)).await.unwrap();
    let texts = |r: &SearchMessagesResponse| {
        r.results
            .iter()
            .filter_map(|x| x.message.as_ref().and_then(|m| m.text.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(texts(&p1), ["quokka 4", "quokka 3"]);
    // The last result is deleted before the next page is asked for.
    alice
        .delete_message(&msg_name(&posted[3]), false)
        .await
        .unwrap();
    let p2 = alice
        .search_messages(&req(p1.next_page_token))
        .await
        .unwrap();
    assert_eq!(texts(&p2), ["quokka 2", "quokka 1"]);
    let p3 = alice
        .search_messages(&req(p2.next_page_token))
        .await
        .unwrap();
    assert_eq!(texts(&p3), ["quokka 0"]);
    assert!(p3.next_page_token.is_none());
}

// ---------------------------------------------------------------- sections

#[tokio::test]
async fn sections_default_custom_positions_and_moves() {
    let emu = demo().await;
    let bob = user(&emu, BOB);
    let secs = bob.list_all_sections().await.unwrap();
    let kinds: Vec<_> = secs.iter().filter_map(|s| s.section_type.clone()).collect();
    assert_eq!(
        kinds,
        [
            SectionType::DefaultDirectMessages,
            SectionType::DefaultSpaces,
            SectionType::DefaultApps
        ]
    );
    assert_eq!(
        secs.iter()
            .map(|s| s.sort_order.unwrap())
            .collect::<Vec<_>>(),
        [1, 2, 3]
    );
    let spaces_sec = SectionName::parse(&format!("users/{BOB}/sections/default-spaces")).unwrap();
    let items = bob.list_all_section_items(&spaces_sec).await.unwrap();
    assert!(items
        .iter()
        .any(|i| i.space.as_deref() == Some("spaces/AAAATeamRst")));
    assert!(!items
        .iter()
        .any(|i| i.space.as_deref() == Some("spaces/AAAADmBobLi")));

    // A custom section; a space moves in, and back.
    let work = bob.create_section("Work 🦀").await.unwrap();
    assert_eq!(work.section_type, Some(SectionType::Custom));
    assert_eq!(work.sort_order, Some(4));
    let work_name = SectionName::parse(work.name.as_deref().unwrap()).unwrap();
    let item = SectionItemName::new(&spaces_sec, TEAM_RUST).unwrap();
    let moved = bob.move_section_item(&item, &work_name).await.unwrap();
    assert_eq!(
        moved.name.as_deref(),
        Some(format!("{work_name}/items/{TEAM_RUST}").as_str())
    );
    // It is no longer in its old section: moving it from there again is 404.
    assert_eq!(
        code_of(bob.move_section_item(&item, &work_name).await).0,
        404
    );
    let found = bob
        .find_section_item(&space(TEAM_RUST))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.name, moved.name);
    // A space cannot go to another kind's default section.
    let dms = SectionName::parse(&format!("users/{BOB}/sections/default-direct-messages")).unwrap();
    let in_work = SectionItemName::parse(moved.name.as_deref().unwrap()).unwrap();
    assert_eq!(code_of(bob.move_section_item(&in_work, &dms).await).0, 400);

    // Position: to the start, then by number.
    let p = bob
        .position_section(
            &work_name,
            &PositionSectionRequest {
                relative_position: Some(RelativePosition::Start),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(p.section.unwrap().sort_order, Some(1));
    let p = bob
        .position_section(
            &work_name,
            &PositionSectionRequest {
                sort_order: Some(99),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        p.section.unwrap().sort_order,
        Some(4),
        "past the end appends"
    );
    for bad in [
        PositionSectionRequest::default(),
        PositionSectionRequest {
            sort_order: Some(0),
            ..Default::default()
        },
        PositionSectionRequest {
            sort_order: Some(1),
            relative_position: Some(RelativePosition::End),
        },
    ] {
        assert_eq!(code_of(bob.position_section(&work_name, &bad).await).0, 400);
    }

    // Rename; default sections cannot be renamed or deleted.
    let r = bob.rename_section(&work_name, "Day job").await.unwrap();
    assert_eq!(r.display_name.as_deref(), Some("Day job"));
    assert_eq!(code_of(bob.rename_section(&spaces_sec, "x").await).0, 400);
    assert_eq!(
        code_of(bob.rename_section(&work_name, &"x".repeat(81)).await).0,
        400
    );
    assert_eq!(code_of(bob.delete_section(&spaces_sec).await).0, 400);
    // Deleting the custom section puts its space back in the default one.
    bob.delete_section(&work_name).await.unwrap();
    let found = bob
        .find_section_item(&space(TEAM_RUST))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        found.name.as_deref(),
        Some(format!("{spaces_sec}/items/{TEAM_RUST}").as_str())
    );
    assert_eq!(bob.list_all_sections().await.unwrap().len(), 3);
    // Alice's sections (the demo's "Projects") are hers alone.
    let alice_secs = user(&emu, ALICE).list_all_sections().await.unwrap();
    assert_eq!(alice_secs[0].display_name.as_deref(), Some("Projects"));
}

#[tokio::test]
async fn section_errors_and_scopes() {
    let emu = demo().await;
    let bob = user(&emu, BOB);
    // Only CUSTOM_SECTION can be created, with a name.
    for body in [
        r#"{"type":"DEFAULT_SPACES","displayName":"x"}"#,
        r#"{"type":"CUSTOM_SECTION"}"#,
        r#"{"type":"CUSTOM_SECTION","displayName":"   "}"#,
        r#"{"type":"CUSTOM_SECTION","displayName":"x","colour":"red"}"#,
    ] {
        let (code, b, _) = raw(
            &emu,
            Method::POST,
            "/v1/users/me/sections",
            Some("user:1002"),
            Some(body),
        )
        .await;
        assert_eq!(code, 400, "{body}: {b}");
    }
    // Someone else's sections.
    let (code, _, _) = get(
        &emu,
        &format!("/v1/users/{ALICE}/sections"),
        Some("user:1002"),
    )
    .await;
    assert_eq!(code, 403);
    // An unknown section.
    let nope = SectionName::parse("users/me/sections/nope").unwrap();
    assert_eq!(code_of(bob.delete_section(&nope).await).0, 404);
    // The wildcard section needs a space filter; bad filters are refused.
    let any = SectionName::parse("users/me/sections/-").unwrap();
    assert_eq!(
        code_of(bob.list_section_items(&any, None, None, None).await).0,
        400
    );
    assert_eq!(
        code_of(
            bob.list_section_items(&any, Some("colour = red"), None, None)
                .await
        )
        .0,
        400
    );
    // Scopes: the app cannot; the read-only scope lists but does not create.
    assert!(app(&emu)
        .list_all_sections()
        .await
        .unwrap_err()
        .is_scope_insufficient());
    let ro = client(&emu, "user:1002;scopes=chat.users.sections.readonly");
    assert!(ro.list_all_sections().await.is_ok());
    assert!(ro
        .create_section("x")
        .await
        .unwrap_err()
        .is_scope_insufficient());
    // Paging: ten default-sized pages of one.
    let page = bob.list_sections(Some(1), None).await.unwrap();
    assert_eq!(page.sections.len(), 1);
    let page2 = bob
        .list_sections(Some(1), page.next_page_token.as_deref())
        .await
        .unwrap();
    assert_ne!(page.sections, page2.sections);
}

// ---------------------------------------------------------------- persistence

#[tokio::test]
async fn read_state_events_mutes_and_sections_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let emu = Emulator::start(saved_demo(&path)).await.unwrap();
    let (alice, bob) = (user(&emu, ALICE), user(&emu, BOB));
    let team = space(TEAM_RUST);
    let m = post(&bob, &team, "survives").await;
    alice
        .update_space_read_state(&team, Utc::now() + Duration::days(1))
        .await
        .unwrap();
    alice.set_muted(&team, true).await.unwrap();
    let sec = alice.create_section("Kept").await.unwrap();
    let sec_name = SectionName::parse(sec.name.as_deref().unwrap()).unwrap();
    let from =
        SectionName::parse(&format!("users/{ALICE}/sections/default-direct-messages")).unwrap();
    alice
        .move_section_item(&SectionItemName::new(&from, DM_BOB).unwrap(), &sec_name)
        .await
        .unwrap();
    let filter = events_filter(&[EventType::MessageCreated], None);
    let events = alice.list_all_space_events(&team, &filter).await.unwrap();
    let read = alice.get_space_read_state(&team).await.unwrap();
    let bob_read = bob.get_space_read_state(&team).await.unwrap();
    let sections = alice.list_all_sections().await.unwrap();
    emu.stop().await;

    let emu = Emulator::start(saved_demo(&path)).await.unwrap();
    let (alice, bob) = (user(&emu, ALICE), user(&emu, BOB));
    assert_eq!(read.last_read_time, m.create_time);
    assert_eq!(alice.get_space_read_state(&team).await.unwrap(), read);
    assert_eq!(bob.get_space_read_state(&team).await.unwrap(), bob_read);
    assert!(alice
        .get_notification_setting(&team)
        .await
        .unwrap()
        .is_muted());
    assert_eq!(alice.list_all_sections().await.unwrap(), sections);
    let item = alice
        .find_section_item(&space(DM_BOB))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        item.name.as_deref(),
        Some(format!("{sec_name}/items/{DM_BOB}").as_str())
    );
    assert_eq!(
        alice.list_all_space_events(&team, &filter).await.unwrap(),
        events
    );
    // New events continue the sequence after the restart.
    post(&bob, &team, "after restart").await;
    let more = alice.list_all_space_events(&team, &filter).await.unwrap();
    assert_eq!(more.len(), events.len() + 1);
    assert_eq!(&more[..events.len()], &events[..]);
    emu.stop().await;
}

#[tokio::test]
async fn a_failed_save_leaves_no_read_state_and_no_event_behind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let emu = Emulator::start(saved_demo(&path)).await.unwrap();
    let bob = client(&emu, "user:1002");
    let team = space(TEAM_RUST);
    let filter = events_filter(&[EventType::MessageCreated], None);
    let before_events = bob.list_all_space_events(&team, &filter).await.unwrap();
    let before_read = bob.get_space_read_state(&team).await.unwrap();
    emu.service().fail_saves(1);
    let once = gchat::api::ClientBuilder::new(std::sync::Arc::new(gchat::api::StaticToken::new(
        "user:1002",
    )))
    .endpoint(&emu.url())
    .retry(gchat::api::RetryPolicy::none())
    .build()
    .unwrap();
    assert!(once
        .create_message(&team, &Message::text("lost"), &CreateMessage::default())
        .await
        .is_err());
    assert_eq!(
        bob.list_all_space_events(&team, &filter).await.unwrap(),
        before_events
    );
    assert_eq!(bob.get_space_read_state(&team).await.unwrap(), before_read);
    emu.stop().await;
}

#[tokio::test]
async fn events_older_than_28_days_are_gone_and_the_reaction_hook_is_listed() {
    use gchat::emulator::sync::{self, SyncRec};
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Window").await;
    post(&alice, &s, "old").await;
    post(&alice, &s, "new").await;
    let id = s.id().to_string();
    // Backdate the first message event to 29 days ago.
    emu.service().with_store(|store| {
        let first = sync::events(store, &id)
            .find(|e| e.event_type == EventType::MessageCreated)
            .cloned()
            .unwrap();
        let mut e = first.clone();
        e.time = Some(Utc::now() - Duration::days(29));
        store
            .sync
            .insert(sync::event_key(&id, e.seq), SyncRec::Event(e));
        // Another engineer's reactions call this hook with the documented payload.
        sync::record_event(
            store,
            &id,
            EventType::ReactionCreated,
            "spaces/x/messages/y/reactions/z",
            Some(serde_json::json!({"reaction": {"name": "spaces/x/messages/y/reactions/z", "emoji": {"unicode": "🦀"}}})),
        );
        first
    });
    let texts: Vec<_> = alice
        .list_all_space_events(&s, &events_filter(&[EventType::MessageCreated], None))
        .await
        .unwrap()
        .into_iter()
        .filter_map(|e| e.message().and_then(|m| m.text.clone()))
        .collect();
    assert_eq!(texts, ["new"], "the 29-day-old event is outside the window");
    let reactions = alice
        .list_all_space_events(&s, &events_filter(&[EventType::ReactionCreated], None))
        .await
        .unwrap();
    assert_eq!(reactions.len(), 1);
    assert_eq!(
        reactions[0].other["reactionCreatedEventData"]["reaction"]["emoji"]["unicode"],
        "🦀"
    );
    // Reactions need a reaction or message scope.
    let spaces_only = client(&emu, "user:1001;scopes=chat.spaces");
    assert!(spaces_only
        .list_all_space_events(&s, &events_filter(&[EventType::ReactionCreated], None))
        .await
        .unwrap_err()
        .is_scope_insufficient());
}

#[tokio::test]
async fn a_reaction_summary_changing_is_not_a_message_update() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Reactions").await;
    let m = post(&alice, &s, "react to me").await;
    let (sid, mid) = (s.id().to_string(), msg_name(&m).message_id().to_string());
    // What a reaction does to the stored message (its summaries); its own event comes
    // from the reactions code through the hook.
    emu.service().with_store(|store| {
        let rec = store.spaces.get_mut(&sid).unwrap();
        let i = rec.find_message(&mid).unwrap();
        rec.messages[i].msg.emoji_reaction_summaries =
            vec![serde_json::json!({"emoji": {"unicode": "🦀"}, "reactionCount": 1})];
    });
    let updated = alice
        .list_all_space_events(&s, &events_filter(&[EventType::MessageUpdated], None))
        .await
        .unwrap();
    assert!(updated.is_empty(), "{updated:?}");
}

#[tokio::test]
async fn adding_and_removing_a_reaction_are_events_not_message_updates() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Reaction events").await;
    let m = post(&alice, &s, "react to me").await;
    let r = alice
        .create_reaction(&msg_name(&m), &Emoji::unicode("🦀"))
        .await
        .unwrap();
    let name = gchat::api::ReactionName::parse(r.name.as_deref().unwrap()).unwrap();
    alice.delete_reaction(&name).await.unwrap();
    let kinds = [
        EventType::ReactionCreated,
        EventType::ReactionDeleted,
        EventType::MessageUpdated,
    ];
    let events = alice
        .list_all_space_events(&s, &events_filter(&kinds, None))
        .await
        .unwrap();
    let got: Vec<_> = events
        .iter()
        .map(|e| {
            let data = e
                .other
                .get("reactionCreatedEventData")
                .or_else(|| e.other.get("reactionDeletedEventData"));
            (
                e.event_type.clone(),
                data.map(|d| d["reaction"]["name"].clone()),
            )
        })
        .collect();
    let n = serde_json::Value::from(name.to_string());
    assert_eq!(
        got,
        [
            (Some(EventType::ReactionCreated), Some(n.clone())),
            (Some(EventType::ReactionDeleted), Some(n)),
        ],
        "{events:?}"
    );
}
