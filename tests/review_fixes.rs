//! Findings of an adversarial review of the emulator's routes, the client's upload and
//! download, and the CLI: each test is the attack, and what must hold after it.

mod common;

use common::*;
use gchat::api::model::*;
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
