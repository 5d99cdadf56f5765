//! Every example of the seed guides, through gchat's client, against the emulator.

mod common;

use common::*;
use gchat::api::model::*;
use gchat::api::{Client, CreateMessage, ListMembers, MembershipName, MessageName, UserRef};
use serde_json::json;

/// space-create-named: spaceType SPACE, displayName "API-made".
#[tokio::test]
async fn create_a_named_space() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = alice
        .create_space(
            &Space {
                space_type: Some(SpaceType::Space),
                display_name: Some("API-made".into()),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    let name = s.name.clone().unwrap();
    assert!(name.starts_with("spaces/"));
    assert_eq!(s.display_name.as_deref(), Some("API-made"));
    assert_eq!(s.space_type, Some(SpaceType::Space));
    assert_eq!(s.legacy_type, Some(LegacySpaceType::Room));
    assert_eq!(
        s.space_threading_state,
        Some(SpaceThreadingState::ThreadedMessages)
    );
    assert!(s.create_time.is_some());
    // The only member is the authenticated user.
    let sn = space(&name);
    let members = alice
        .list_all_members(&sn, &ListMembers::default())
        .await
        .unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(
        members[0].member.as_ref().unwrap().name.as_deref(),
        Some("users/1001")
    );
    // The guide builds the space's web address from its id, as the room address
    // Google's spaceUri gives.
    assert_eq!(
        sn.web_url(),
        format!("https://chat.google.com/room/{}", sn.id())
    );
}

/// membership-create: add a person with `users/USER`, type HUMAN.
#[tokio::test]
async fn add_a_person() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Seed members").await;
    let m = alice
        .create_member(&s, &Client::membership_for(&UserRef::Id(BOB.into())))
        .await
        .unwrap();
    assert_eq!(
        m.name.as_deref(),
        Some(format!("{s}/members/{BOB}").as_str())
    );
    assert_eq!(m.state, Some(MembershipState::Joined));
    assert_eq!(m.role, Some(MembershipRole::Member));
    let u = m.member.unwrap();
    assert_eq!(u.user_type, Some(UserType::Human));
    assert_eq!(u.display_name.as_deref(), Some("Bob Li"));
}

/// membership-create: add the calling app with `users/app`, type BOT, scope
/// chat.memberships.app.
#[tokio::test]
async fn add_the_app() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Seed app").await;
    let narrow = client(&emu, "user:1001;scopes=chat.memberships.app");
    let m = narrow
        .create_member(&s, &Client::membership_for(&UserRef::App))
        .await
        .unwrap();
    assert_eq!(
        m.name.as_deref(),
        Some(format!("{s}/members/{APP}").as_str())
    );
    assert_eq!(m.state, Some(MembershipState::Joined));
    let u = m.member.unwrap();
    assert_eq!(
        u.name.as_deref(),
        Some("users/9000"),
        "users/app resolves to the app's id"
    );
    assert_eq!(u.user_type, Some(UserType::Bot));
}

/// membership-delete: remove a member; the answer is the membership, NOT_A_MEMBER.
#[tokio::test]
async fn remove_a_member() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Seed remove").await;
    alice
        .create_member(&s, &Client::membership_for(&UserRef::Id(BOB.into())))
        .await
        .unwrap();
    let name = MembershipName::new(&s, UserRef::Id(BOB.into()));
    let gone = alice.delete_member(&name).await.unwrap();
    assert_eq!(
        gone.name.as_deref(),
        Some(format!("{s}/members/{BOB}").as_str())
    );
    assert_eq!(gone.state, Some(MembershipState::NotAMember));
    assert!(alice.get_member(&name).await.unwrap_err().is_not_found());
}

/// membership-delete: remove the app through `spaces/SPACE/members/app` with the
/// chat.memberships.app scope.
#[tokio::test]
async fn remove_the_app_by_alias() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Seed remove app").await;
    alice
        .create_member(&s, &Client::membership_for(&UserRef::App))
        .await
        .unwrap();
    let narrow = client(&emu, "user:1001;scopes=chat.memberships.app");
    let gone = narrow
        .delete_member(&MembershipName::new(&s, UserRef::App))
        .await
        .unwrap();
    assert_eq!(
        gone.name.as_deref(),
        Some(format!("{s}/members/{APP}").as_str())
    );
    assert_eq!(gone.state, Some(MembershipState::NotAMember));
    let left = alice
        .list_all_members(&s, &ListMembers::default())
        .await
        .unwrap();
    assert!(left.iter().all(|m| !m.member.as_ref().unwrap().is_bot()));
}

/// A space the app belongs to, for the message guide's app-authenticated examples.
async fn app_space(emu: &gchat::emulator::Emulator) -> gchat::api::SpaceName {
    let alice = user(emu, ALICE);
    let s = new_space(&alice, "Seed messages").await;
    alice
        .create_member(&s, &Client::membership_for(&UserRef::App))
        .await
        .unwrap();
    s
}

/// messages guide: create a text message as the app ("Hello, world!").
#[tokio::test]
async fn create_a_text_message() {
    let emu = demo().await;
    let s = app_space(&emu).await;
    let m = app(&emu)
        .create_message(
            &s,
            &Message::text("Hello, world!"),
            &CreateMessage::default(),
        )
        .await
        .unwrap();
    assert!(m
        .name
        .as_deref()
        .unwrap()
        .starts_with(&format!("{s}/messages/")));
    assert_eq!(m.text.as_deref(), Some("Hello, world!"));
    let sender = m.sender.clone().unwrap();
    assert_eq!(sender.user_type, Some(UserType::Bot));
    assert_eq!(sender.name.as_deref(), Some("users/9000"));
    assert!(m.create_time.is_some());
    assert!(m
        .thread_name()
        .unwrap()
        .starts_with(&format!("{s}/threads/")));
}

fn seed_card(title: &str, id: &str) -> CardWithId {
    CardWithId {
        card_id: Some(id.into()),
        card: Some(json!({
            "header": {
                "title": title,
                "subtitle": "Created with Chat REST API",
                "imageUrl": "https://developers.google.com/chat/images/chat-product-icon.png",
                "imageType": "CIRCLE"
            },
            "sections": [{"widgets": [{"buttonList": {"buttons": [{
                "text": "Read the docs!",
                "onClick": {"openLink": {"url": "https://developers.google.com/chat"}}
            }]}}]}]
        })),
        owner_user: None,
    }
}

/// messages guide: create a card message as the app.
#[tokio::test]
async fn create_a_card_message() {
    let emu = demo().await;
    let s = app_space(&emu).await;
    let body = Message {
        cards_v2: vec![seed_card("A Card Message!", "createCardMessage")],
        ..Default::default()
    };
    let m = app(&emu)
        .create_message(&s, &body, &CreateMessage::default())
        .await
        .unwrap();
    assert_eq!(m.cards_v2.len(), 1);
    assert_eq!(m.cards_v2[0].card_id.as_deref(), Some("createCardMessage"));
    assert_eq!(
        m.cards_v2[0].card,
        seed_card("A Card Message!", "x").card,
        "cards come back unchanged"
    );
}

/// messages guide: start or reply to a thread with threadKey "nameOfThread" and
/// REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD.
#[tokio::test]
async fn start_or_reply_to_a_thread() {
    let emu = demo().await;
    let s = app_space(&emu).await;
    let bot = app(&emu);
    let body = Message {
        text: Some("Start or reply to another message in a thread!".into()),
        thread: Some(Thread {
            thread_key: Some("nameOfThread".into()),
            name: None,
        }),
        ..Default::default()
    };
    let p = CreateMessage {
        reply_option: Some(MessageReplyOption::FallbackToNewThread),
        ..Default::default()
    };
    let first = bot.create_message(&s, &body, &p).await.unwrap();
    let second = bot.create_message(&s, &body, &p).await.unwrap();
    assert!(!first.thread_reply, "the first message starts the thread");
    assert!(second.thread_reply, "the second replies in it");
    assert_eq!(first.thread_name(), second.thread_name());
}

/// messages guide: name a message with messageId "client-custom-name", then use it.
#[tokio::test]
async fn create_and_use_a_named_message() {
    let emu = demo().await;
    let s = app_space(&emu).await;
    let bot = app(&emu);
    let id = gchat::api::ClientMessageId::parse("client-custom-name").unwrap();
    let p = CreateMessage {
        message_id: Some(id.clone()),
        ..Default::default()
    };
    let m = bot
        .create_message(&s, &Message::text("Hello, world!"), &p)
        .await
        .unwrap();
    assert_eq!(
        m.client_assigned_message_id.as_deref(),
        Some("client-custom-name")
    );
    assert!(
        !m.name.as_deref().unwrap().ends_with("client-custom-name"),
        "still a server name"
    );
    let by_client = MessageName::from_client_id(&s, &id);
    let got = bot.get_message(&by_client).await.unwrap();
    assert_eq!(got.name, m.name);
    let updated = bot
        .patch_message(
            &by_client,
            &Message::text("Updated by custom name"),
            "text",
            false,
        )
        .await
        .unwrap();
    assert_eq!(updated.text.as_deref(), Some("Updated by custom name"));
    bot.delete_message(&by_client, false).await.unwrap();
    assert!(bot
        .get_message(&by_client)
        .await
        .unwrap_err()
        .is_not_found());
}

/// messages guide: read a message by name.
#[tokio::test]
async fn get_a_message() {
    let emu = demo().await;
    let s = app_space(&emu).await;
    let bot = app(&emu);
    let m = post(&bot, &s, "read me").await;
    let name = msg_name(&m);
    let got = bot.get_message(&name).await.unwrap();
    assert_eq!(got.text.as_deref(), Some("read me"));
    assert_eq!(got.name, m.name);
}

/// messages guide: update text with updateMask=text ("Updated message!").
#[tokio::test]
async fn update_a_text_message() {
    let emu = demo().await;
    let s = app_space(&emu).await;
    let bot = app(&emu);
    let m = bot
        .create_message(
            &s,
            &Message::text("Hello, world!"),
            &CreateMessage::default(),
        )
        .await
        .unwrap();
    let name = msg_name(&m);
    let u = bot
        .update_message(&name, &Message::text("Updated message!"), "text", false)
        .await
        .unwrap();
    assert_eq!(u.text.as_deref(), Some("Updated message!"));
    assert!(u.last_update_time.unwrap() > m.create_time.unwrap());
}

/// messages guide: update a message to a card with updateMask=cardsV2; text stays.
#[tokio::test]
async fn update_a_card_message() {
    let emu = demo().await;
    let s = app_space(&emu).await;
    let bot = app(&emu);
    let m = post(&bot, &s, "text first").await;
    let name = msg_name(&m);
    let body = Message {
        cards_v2: vec![seed_card("An Updated Card Message!", "updateCardMessage")],
        ..Default::default()
    };
    let u = bot
        .update_message(&name, &body, "cardsV2", false)
        .await
        .unwrap();
    assert_eq!(u.cards_v2[0].card_id.as_deref(), Some("updateCardMessage"));
    assert_eq!(
        u.text.as_deref(),
        Some("text first"),
        "the card is appended to the text"
    );
    assert!(u.last_update_time.is_some());
}

/// messages guide: delete a message; the answer is empty.
#[tokio::test]
async fn delete_a_message() {
    let emu = demo().await;
    let s = app_space(&emu).await;
    let bot = app(&emu);
    let m = post(&bot, &s, "bye").await;
    let name = msg_name(&m);
    bot.delete_message(&name, false).await.unwrap();
    assert!(bot.get_message(&name).await.unwrap_err().is_not_found());
    let (code, body, _) = raw(
        &emu,
        reqwest::Method::DELETE,
        &format!("/v1/{name}"),
        Some("app"),
        None,
    )
    .await;
    assert_eq!(code, 404, "{body}");
}

/// identify-users: users/{id} and users/{email} name the same person; responses carry
/// the canonical id.
#[tokio::test]
async fn email_aliases_resolve_to_ids() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = new_space(&alice, "Seed aliases").await;
    let m = alice
        .create_member(
            &s,
            &Client::membership_for(&UserRef::Email("dmitri@example.com".into())),
        )
        .await
        .unwrap();
    assert_eq!(m.member.unwrap().name.as_deref(), Some("users/1006"));
    let by_email = alice
        .get_member(&MembershipName::new(
            &s,
            UserRef::Email("dmitri@example.com".into()),
        ))
        .await
        .unwrap();
    assert_eq!(
        by_email.name.as_deref(),
        Some(format!("{s}/members/1006").as_str())
    );
}
