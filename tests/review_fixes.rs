//! Findings of an adversarial review of the emulator's routes, the client's upload and
//! download, and the CLI: each test is the attack, and what must hold after it.

mod common;

use common::*;
use gchat::api::model::*;
use gchat::api::sync_model::EventType;
use gchat::api::CreateMessage;

#[tokio::test]
async fn a_long_markdown_text_is_refused_before_it_is_read() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    // Brackets without links once held the server for seconds per request.
    let m = Message {
        text: Some("[".repeat(200_000)),
        markup_syntax: Some(MarkupSyntax::Markdown),
        ..Default::default()
    };
    let r = alice
        .create_message(&space(TEAM_RUST), &m, &CreateMessage::default())
        .await;
    assert_eq!(code_of(r).0, 400);
    // Text at the limit is read, and its links become Chat links.
    let text = format!("[a](u) {}", "[".repeat(4096 - 7));
    let m = Message {
        text: Some(text),
        markup_syntax: Some(MarkupSyntax::Markdown),
        ..Default::default()
    };
    let sent = alice
        .create_message(&space(TEAM_RUST), &m, &CreateMessage::default())
        .await
        .unwrap();
    assert!(sent.text.as_deref().unwrap().starts_with("<u|a> [[["));
}

async fn private_to_bob(emu: &gchat::emulator::Emulator) -> Message {
    let mut m = Message::text("the secret is 42");
    m.private_message_viewer = Some(Box::new(User {
        name: Some(format!("users/{BOB}")),
        ..Default::default()
    }));
    app(emu)
        .create_message(&space(TEAM_RUST), &m, &CreateMessage::default())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_private_message_cannot_be_quoted_to_the_space() {
    let emu = demo().await;
    let secret = private_to_bob(&emu).await;
    let bob = user(&emu, BOB);
    let mut leak = Message::text("look");
    leak.set_quoted(&gchat::api::quote_of(&secret).unwrap());
    let r = bob
        .create_message(&space(TEAM_RUST), &leak, &CreateMessage::default())
        .await;
    assert_eq!(code_of(r).0, 400);
    // Nothing the others can read quotes it.
    let alice = user(&emu, ALICE);
    let all = alice
        .list_messages(&space(TEAM_RUST), &Default::default())
        .await
        .unwrap();
    assert!(all
        .messages
        .iter()
        .all(|m| m.quoted().is_none() || m.quoted().and_then(|q| q.name) != secret.name));
}

#[tokio::test]
async fn reactions_on_a_private_message_are_not_in_the_others_events() {
    let emu = demo().await;
    let secret = private_to_bob(&emu).await;
    let bob = user(&emu, BOB);
    bob.create_reaction(&msg_name(&secret), &Emoji::unicode("🤫"))
        .await
        .unwrap();
    let f = gchat::api::sync_client::events_filter(&[EventType::ReactionCreated], None);
    let mentions_secret = |c: gchat::api::Client| {
        let f = f.clone();
        let id = secret.name.clone().unwrap();
        async move {
            c.list_all_space_events(&space(TEAM_RUST), &f)
                .await
                .unwrap()
                .iter()
                .filter(|e| serde_json::to_string(e).unwrap().contains(&id))
                .count()
        }
    };
    assert_eq!(mentions_secret(user(&emu, BOB)).await, 1);
    assert_eq!(mentions_secret(user(&emu, ALICE)).await, 0);
}
