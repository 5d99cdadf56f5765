//! The per-space quotas (`gchat emulator --quotas`): each method counts against the space
//! its route names, as a read or a write, and only the methods that Google counts so.

mod common;

use common::*;
use gchat::emulator::Config;
use reqwest::Method;

const TOKEN: Option<&str> = Some("user:1001");

async fn post_message(emu: &gchat::emulator::Emulator, space: &str, n: usize) -> u16 {
    let body = format!(r#"{{"text": "message {n}"}}"#);
    raw(
        emu,
        Method::POST,
        &format!("/v1/spaces/{space}/messages"),
        TOKEN,
        Some(&body),
    )
    .await
    .0
}

#[tokio::test]
async fn the_sixty_first_write_to_a_space_in_a_minute_is_refused_and_nothing_else() {
    let emu = start(Config {
        quotas: true,
        ..Config::default()
    })
    .await;
    for n in 0..60 {
        assert_eq!(post_message(&emu, TEAM_RUST, n).await, 200, "write {n}");
    }
    let (code, json, _) = raw(
        &emu,
        Method::POST,
        &format!("/v1/spaces/{TEAM_RUST}/messages"),
        TOKEN,
        Some(r#"{"text": "one too many"}"#),
    )
    .await;
    assert_eq!(code, 429, "{json}");
    assert_envelope(&json, 429, "RESOURCE_EXHAUSTED");
    assert!(
        json["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("Write requests per space")),
        "{json}"
    );
    // Another space's writes, and this space's reads, are counted apart.
    assert_eq!(post_message(&emu, ENG_DEPT, 0).await, 200);
    let listed = format!("/v1/spaces/{TEAM_RUST}/messages?pageSize=1000");
    let (code, json, _) = get(&emu, &listed, TOKEN).await;
    assert_eq!(code, 200, "{json}");
    // The refused write was not made.
    let texts: Vec<&str> = json["messages"]
        .as_array()
        .map(|a| a.iter().filter_map(|m| m["text"].as_str()).collect())
        .unwrap_or_default();
    assert!(texts.contains(&"message 59"), "{json}");
    assert!(!texts.contains(&"one too many"), "{json}");
    // Other writes about the space count against no per-space quota.
    let (code, json, _) = raw(
        &emu,
        Method::PATCH,
        &format!("/v1/users/me/spaces/{TEAM_RUST}/spaceNotificationSetting?updateMask=muteSetting"),
        TOKEN,
        Some(r#"{"muteSetting": "MUTED"}"#),
    )
    .await;
    assert_eq!(code, 200, "{json}");
}

#[tokio::test]
async fn without_quotas_the_sixty_first_write_is_taken() {
    let emu = demo().await;
    for n in 0..61 {
        assert_eq!(post_message(&emu, TEAM_RUST, n).await, 200, "write {n}");
    }
}
