//! Issue #10's server and client layers: reactions, attachments, quotes, pins, custom
//! emoji, finding and setting up DMs, against the emulator through the typed client.

mod common;

use common::*;
use gchat::api::model::*;
use gchat::api::{CreateMessage, UserRef};

#[tokio::test]
async fn find_direct_message_with_oneself_is_refused() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    // Alice has DMs with others; asking for a DM with herself must not return one of them.
    let r = alice
        .find_direct_message(&UserRef::parse(&format!("users/{ALICE}")).unwrap())
        .await;
    let (code, _) = code_of(r);
    assert!(code == 400 || code == 404, "self DM answered {code}");
    let r = alice
        .find_direct_message(&UserRef::parse("users/alice@example.com").unwrap())
        .await;
    let (code, _) = code_of(r);
    assert!(
        code == 400 || code == 404,
        "self DM by email answered {code}"
    );
    // Bob's DM with Alice is still found.
    let dm = alice
        .find_direct_message(&UserRef::parse(&format!("users/{BOB}")).unwrap())
        .await
        .unwrap();
    assert_eq!(
        dm.name.as_deref(),
        Some(format!("spaces/{DM_BOB}").as_str())
    );
}

async fn fresh_message(emu: &gchat::emulator::Emulator) -> (gchat::api::SpaceName, Message) {
    let alice = user(emu, ALICE);
    let s = space(TEAM_RUST);
    let m = post(&alice, &s, "react to me").await;
    (s, m)
}

#[tokio::test]
async fn reactions_are_one_per_person_and_emoji_and_kept_in_the_summaries() {
    let emu = demo().await;
    let (_, m) = fresh_message(&emu).await;
    let name = msg_name(&m);
    let alice = user(&emu, ALICE);
    let bob = user(&emu, BOB);
    let thumbs = Emoji::unicode("👍");
    let r1 = alice.create_reaction(&name, &thumbs).await.unwrap();
    assert!(r1
        .name
        .as_deref()
        .unwrap()
        .starts_with(&format!("{name}/reactions/")));
    assert_eq!(
        r1.user.as_ref().and_then(|u| u.name.as_deref()),
        Some("users/1001")
    );
    // The same person and emoji again: 409.
    assert_eq!(
        code_of(alice.create_reaction(&name, &thumbs).await),
        (409, "ALREADY_EXISTS".into())
    );
    bob.create_reaction(&name, &thumbs).await.unwrap();
    let heart = bob
        .create_reaction(&name, &Emoji::unicode("❤️"))
        .await
        .unwrap();
    let got = alice.get_message(&name).await.unwrap();
    let sums = got.reaction_summaries();
    assert_eq!(sums.len(), 2, "{sums:?}");
    assert_eq!(
        sums[0].emoji.as_ref().unwrap().unicode.as_deref(),
        Some("👍")
    );
    assert_eq!(sums[0].reaction_count, Some(2));
    assert_eq!(sums[1].reaction_count, Some(1));
    // Alice cannot delete Bob's reaction.
    let heart_name = gchat::api::ReactionName::parse(heart.name.as_deref().unwrap()).unwrap();
    assert_eq!(code_of(alice.delete_reaction(&heart_name).await).0, 403);
    bob.delete_reaction(&heart_name).await.unwrap();
    let sums = alice.get_message(&name).await.unwrap().reaction_summaries();
    assert_eq!(sums.len(), 1);
    // Deleting it again: 404.
    let once = gchat::api::ClientBuilder::new(std::sync::Arc::new(gchat::api::StaticToken::new(
        "user:1002",
    )))
    .endpoint(&emu.url())
    .retry(gchat::api::RetryPolicy::none())
    .build()
    .unwrap();
    assert_eq!(code_of(once.delete_reaction(&heart_name).await).0, 404);
    // Not an emoji: 400.
    assert_eq!(
        code_of(alice.create_reaction(&name, &Emoji::unicode("lol")).await).0,
        400
    );
    assert_eq!(
        code_of(alice.create_reaction(&name, &Emoji::default()).await).0,
        400
    );
}

#[tokio::test]
async fn reactions_list_filters_as_documented() {
    let emu = demo().await;
    let (_, m) = fresh_message(&emu).await;
    let name = msg_name(&m);
    let (alice, bob, wang) = (user(&emu, ALICE), user(&emu, BOB), user(&emu, WANG_FANG));
    alice
        .create_reaction(&name, &Emoji::unicode("👍"))
        .await
        .unwrap();
    bob.create_reaction(&name, &Emoji::unicode("👍"))
        .await
        .unwrap();
    bob.create_reaction(&name, &Emoji::unicode("🙂"))
        .await
        .unwrap();
    wang.create_reaction(&name, &Emoji::unicode("🎉"))
        .await
        .unwrap();
    let all = alice.list_all_reactions(&name, None).await.unwrap();
    assert_eq!(all.len(), 4);
    let f = r#"emoji.unicode = "🙂" OR emoji.unicode = "👍""#;
    assert_eq!(
        alice
            .list_all_reactions(&name, Some(f))
            .await
            .unwrap()
            .len(),
        3
    );
    let f = r#"(emoji.unicode = "🙂" OR emoji.unicode = "👍") AND user.name = "users/1002""#;
    assert_eq!(
        alice
            .list_all_reactions(&name, Some(f))
            .await
            .unwrap()
            .len(),
        2
    );
    let f = gchat::api::emoji_filter(&Emoji::unicode("🎉")).unwrap();
    let only = alice.list_all_reactions(&name, Some(&f)).await.unwrap();
    assert_eq!(only.len(), 1);
    assert_eq!(
        only[0].user.as_ref().and_then(|u| u.name.as_deref()),
        Some("users/1003")
    );
    // Paging walks every reaction once.
    let p = gchat::api::ListReactions {
        page_size: Some(3),
        ..Default::default()
    };
    let first = alice.list_reactions(&name, &p).await.unwrap();
    assert_eq!(first.reactions.len(), 3);
    let p = gchat::api::ListReactions {
        page_size: Some(3),
        page_token: first.next_page_token,
        ..Default::default()
    };
    let second = alice.list_reactions(&name, &p).await.unwrap();
    assert_eq!(second.reactions.len(), 1);
    assert!(second.next_page_token.is_none());
    for bad in [
        r#"emoji.unicode = "🙂" AND emoji.unicode = "👍""#,
        r#"emoji.unicode = "🙂" OR user.name = "users/1""#,
        r#"emoji.unicode = "🙂" OR emoji.unicode = "👍" AND user.name = "users/1""#,
    ] {
        assert_eq!(
            code_of(alice.list_all_reactions(&name, Some(bad)).await).0,
            400,
            "{bad}"
        );
    }
}

/// Scopes that only some methods accept (reactions.create, customemojis.readonly) are
/// read from the token and honoured: each opens its own method and no other.
#[tokio::test]
async fn narrow_scopes_open_their_own_methods_only() {
    let emu = demo().await;
    let (s, m) = fresh_message(&emu).await;
    let name = msg_name(&m);
    let react_only = client(
        &emu,
        "user:1001;scopes=https://www.googleapis.com/auth/chat.messages.reactions.create",
    );
    assert!(react_only
        .create_reaction(&name, &Emoji::unicode("👍"))
        .await
        .is_ok());
    let (code, _) = code_of(react_only.list_all_reactions(&name, None).await);
    assert_eq!(code, 403, "creating is not reading");
    let e = react_only.list_all_custom_emojis().await.unwrap_err();
    assert!(e.is_scope_insufficient(), "{e:?}");
    let emoji_only = client(&emu, "user:1001;scopes=chat.customemojis.readonly");
    assert!(emoji_only.list_all_custom_emojis().await.is_ok());
    let e = post_err(&emoji_only, &s).await;
    assert!(e.is_scope_insufficient(), "{e:?}");
}

async fn post_err(c: &gchat::api::Client, s: &gchat::api::SpaceName) -> gchat::api::ApiError {
    c.create_message(s, &Message::text("no"), &CreateMessage::default())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn reactions_follow_scopes_and_app_authentication() {
    let emu = demo().await;
    let (_, m) = fresh_message(&emu).await;
    let name = msg_name(&m);
    let ro = client(&emu, "user:1001;scopes=chat.messages.reactions.readonly");
    assert_eq!(
        code_of(ro.create_reaction(&name, &Emoji::unicode("👍")).await).0,
        403
    );
    assert!(ro.list_all_reactions(&name, None).await.is_ok());
    // An app reacts with chat.bot to a message it can read (its own).
    let app = app(&emu);
    let own = post(&app, &space(TEAM_RUST), "from the app").await;
    let r = app
        .create_reaction(&msg_name(&own), &Emoji::unicode("✅"))
        .await
        .unwrap();
    assert_eq!(
        r.user.as_ref().and_then(|u| u.user_type.clone()),
        Some(UserType::Bot)
    );
    // A message the app cannot read: 404.
    assert_eq!(
        code_of(app.create_reaction(&name, &Emoji::unicode("✅")).await).0,
        404
    );
}

#[tokio::test]
async fn custom_emoji_are_listed_and_react_by_uid() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let emojis = alice.list_all_custom_emojis().await.unwrap();
    assert!(!emojis.is_empty(), "the demo has custom emoji");
    let e = &emojis[0];
    let got = alice
        .get_custom_emoji(&gchat::api::CustomEmojiName::parse(e.name.as_deref().unwrap()).unwrap())
        .await
        .unwrap();
    assert_eq!(got.uid, e.uid);
    assert!(got.temporary_image_uri.is_some());
    let (_, m) = fresh_message(&emu).await;
    let name = msg_name(&m);
    let r = alice
        .create_reaction(&name, &Emoji::custom_uid(e.uid.clone().unwrap()))
        .await
        .unwrap();
    let c = r.emoji.unwrap().custom_emoji.unwrap();
    assert_eq!(c.emoji_name, e.emoji_name);
    let unknown = Emoji::custom_uid("no-such-uid");
    assert_eq!(code_of(alice.create_reaction(&name, &unknown).await).0, 404);
    // Apps cannot list custom emoji.
    assert_eq!(code_of(app(&emu).list_all_custom_emojis().await).0, 403);
}

#[tokio::test]
async fn pins_are_listed_created_and_deleted_with_user_authentication_only() {
    let emu = demo().await;
    let (s, m) = fresh_message(&emu).await;
    let name = msg_name(&m);
    let alice = user(&emu, ALICE);
    let before = alice.list_all_message_pins(&s).await.unwrap().len();
    let pin = alice.pin_message(&name).await.unwrap();
    let pin_name = gchat::api::MessagePinName::for_message(&name);
    assert_eq!(pin.name.as_deref(), Some(pin_name.to_string().as_str()));
    assert_eq!(pin.message.as_deref(), Some(name.to_string().as_str()));
    assert_eq!(code_of(alice.pin_message(&name).await).0, 409);
    let pins = alice.list_all_message_pins(&s).await.unwrap();
    assert_eq!(pins.len(), before + 1);
    assert_eq!(
        pins.last().unwrap().message.as_deref(),
        Some(name.to_string().as_str())
    );
    assert_eq!(code_of(app(&emu).list_all_message_pins(&s).await).0, 403);
    let scoped_app = client(&emu, "app;scopes=chat.spaces");
    assert_eq!(code_of(scoped_app.pin_message(&name).await).0, 403);
    // A message of another space: 400.
    let other = post(&alice, &space(ENG_DEPT), "elsewhere").await;
    let raw_pin = raw(
        &emu,
        reqwest::Method::POST,
        &format!("/v1/spaces/{TEAM_RUST}/messagePins"),
        Some("user:1001"),
        Some(&format!(
            r#"{{"message": "{}"}}"#,
            other.name.as_deref().unwrap()
        )),
    )
    .await;
    assert_eq!(raw_pin.0, 400, "{:?}", raw_pin.1);
    alice.unpin_message(&pin_name).await.unwrap();
    assert_eq!(alice.list_all_message_pins(&s).await.unwrap().len(), before);
    // A deleted message loses its pin.
    alice.pin_message(&name).await.unwrap();
    alice.delete_message(&name, false).await.unwrap();
    assert_eq!(alice.list_all_message_pins(&s).await.unwrap().len(), before);
}

#[tokio::test]
async fn quotes_need_the_current_version_of_a_message_in_the_same_space() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let bob = user(&emu, BOB);
    let s = space(TEAM_RUST);
    let original = post(&bob, &s, "the plan is **ready**").await;
    let mut reply = Message::text("agreed");
    reply.set_quoted(&gchat::api::quote_of(&original).unwrap());
    let sent = alice
        .create_message(&s, &reply, &CreateMessage::default())
        .await
        .unwrap();
    let q = sent.quoted().expect("the quote is returned");
    assert_eq!(q.name, original.name);
    assert_eq!(q.last_update_time, original.create_time);
    let got = alice.get_message(&msg_name(&sent)).await.unwrap();
    assert_eq!(got.quoted().and_then(|q| q.name), original.name);
    // Bob edits his message: the old quote is stale.
    let edited = bob
        .patch_message(
            &msg_name(&original),
            &Message::text("the plan changed"),
            "text",
            false,
        )
        .await
        .unwrap();
    assert_eq!(
        code_of(
            alice
                .create_message(&s, &reply, &CreateMessage::default())
                .await
        )
        .0,
        400
    );
    let mut fresh = Message::text("still agreed");
    fresh.set_quoted(&gchat::api::quote_of(&edited).unwrap());
    alice
        .create_message(&s, &fresh, &CreateMessage::default())
        .await
        .unwrap();
    // A message of another space cannot be quoted.
    let elsewhere = post(&alice, &space(ENG_DEPT), "eng").await;
    let mut cross = Message::text("cross");
    cross.set_quoted(&gchat::api::quote_of(&elsewhere).unwrap());
    assert_eq!(
        code_of(
            alice
                .create_message(&s, &cross, &CreateMessage::default())
                .await
        )
        .0,
        400
    );
    // Nor a message that does not exist.
    let mut ghost = Message::text("ghost");
    ghost.set_quoted(&QuotedMessageMetadata {
        name: Some(format!("spaces/{TEAM_RUST}/messages/nope.nope")),
        last_update_time: original.create_time,
        ..Default::default()
    });
    assert_eq!(
        code_of(
            alice
                .create_message(&s, &ghost, &CreateMessage::default())
                .await
        )
        .0,
        404
    );
}

#[tokio::test]
async fn setup_makes_group_chats_and_reuses_dms() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let member = |who: &str| UserRef::parse(who).unwrap();
    let req = setup_with(
        SpaceType::GroupChat,
        &[
            member("users/1003"),
            member("users/priya@example.com"),
            member("users/1004"),
        ],
    );
    let g = alice.setup_space(&req).await.unwrap();
    assert_eq!(g.space_type, Some(SpaceType::GroupChat));
    let gname = gchat::api::SpaceName::parse(g.name.as_deref().unwrap()).unwrap();
    let members = alice
        .list_all_members(&gname, &Default::default())
        .await
        .unwrap();
    assert_eq!(members.len(), 4);
    // A DM with Dmitri, then findDirectMessage finds it, and setting it up again returns it.
    let dm_req = dm_with(member("users/1006"));
    let dm = alice.setup_space(&dm_req).await.unwrap();
    let found = alice
        .find_direct_message(&UserRef::parse("users/1006").unwrap())
        .await
        .unwrap();
    assert_eq!(found.name, dm.name);
    assert_eq!(alice.setup_space(&dm_req).await.unwrap().name, dm.name);
    // The caller as a membership is refused.
    let self_req = dm_with(member("users/1001"));
    assert_eq!(code_of(alice.setup_space(&self_req).await).0, 400);
}

/// A file of `n` bytes with varied content, in a directory of its own.
fn sample_file(name: &str, n: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    let bytes: Vec<u8> = (0..n).map(|i| (i * 31 % 251) as u8).collect();
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

async fn send_with(
    c: &gchat::api::Client,
    s: &gchat::api::SpaceName,
    text: &str,
    data: &AttachmentDataRef,
) -> Message {
    let mut m = Message::text(text);
    m.add_attachment(data);
    c.create_message(s, &m, &CreateMessage::default())
        .await
        .unwrap()
}

#[tokio::test]
async fn attachments_upload_with_progress_attach_and_download_streamed() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let bob = user(&emu, BOB);
    let s = space(TEAM_RUST);
    // Over two chunks, so the resumable protocol is exercised.
    let n = gchat::api::client::UPLOAD_CHUNK * 2 + 12345;
    let (_d, path) = sample_file("build log.txt", n);
    let mut seen = Vec::new();
    let data = alice
        .upload_attachment(&s, &path, None, &mut |sent, total| seen.push((sent, total)))
        .await
        .unwrap();
    assert_eq!(seen.first(), Some(&(0, n as u64)));
    assert_eq!(seen.last(), Some(&(n as u64, n as u64)));
    assert!(seen.len() >= 4, "progress after each chunk: {seen:?}");
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0));
    let resource = gchat::api::MediaName::parse(data.resource_name.as_deref().unwrap()).unwrap();
    // Before it is attached, only the uploader can download it.
    let dl = tempfile::tempdir().unwrap();
    let out = dl.path().join("got.txt");
    assert_eq!(
        code_of(
            bob.download_attachment(&resource, &out, &mut |_, _| {})
                .await
        )
        .0,
        404
    );
    let sent = send_with(&alice, &s, "the log", &data).await;
    let atts = sent.attachments();
    assert_eq!(atts.len(), 1);
    let a = &atts[0];
    assert_eq!(a.content_name.as_deref(), Some("build log.txt"));
    assert_eq!(a.content_type.as_deref(), Some("text/plain"));
    assert_eq!(a.source, Some(AttachmentSource::UploadedContent));
    assert!(a.download_uri.is_some());
    assert!(a.thumbnail_uri.is_none(), "no thumbnail for text");
    assert!(a
        .name
        .as_deref()
        .unwrap()
        .starts_with(&format!("{}/attachments/", sent.name.as_deref().unwrap())));
    assert_eq!(
        a.attachment_data_ref.as_ref().unwrap().resource_name,
        data.resource_name
    );
    // Now Bob, a member, downloads it, streamed to a file with progress.
    let mut last = (0, 0);
    let got = bob
        .download_attachment(&resource, &out, &mut |g, t| last = (g, t))
        .await
        .unwrap();
    assert_eq!(got, n as u64);
    assert_eq!(last, (n as u64, n as u64));
    assert!(
        std::fs::read(&out).unwrap() == std::fs::read(&path).unwrap(),
        "the bytes differ"
    );
    // Sam is not in Team Rust: 404.
    let sam = user(&emu, SAM);
    assert_eq!(
        code_of(
            sam.download_attachment(&resource, &out, &mut |_, _| {})
                .await
        )
        .0,
        404
    );
    // Another person cannot attach Alice's upload.
    let mut m = Message::text("mine now");
    m.add_attachment(&data);
    assert_eq!(
        code_of(bob.create_message(&s, &m, &CreateMessage::default()).await).0,
        400
    );
    // A made-up token: 400.
    let mut m = Message::text("forged");
    m.add_attachment(&AttachmentDataRef {
        resource_name: None,
        attachment_upload_token: Some("forged".into()),
    });
    assert_eq!(
        code_of(
            alice
                .create_message(&s, &m, &CreateMessage::default())
                .await
        )
        .0,
        400
    );
}

#[tokio::test]
async fn attachments_get_is_for_apps_and_images_have_thumbnails() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = space(TEAM_RUST);
    let (_d, path) = sample_file("chart.png", 2000);
    let data = alice
        .upload_attachment(&s, &path, Some("image/png"), &mut |_, _| {})
        .await
        .unwrap();
    // Mentioning the app lets it read the message with chat.bot.
    let sent = send_with(&alice, &s, "<users/9000> here is the chart", &data).await;
    let a = &sent.attachments()[0];
    assert!(a.thumbnail_uri.is_some());
    let an = gchat::api::AttachmentName::parse(a.name.as_deref().unwrap()).unwrap();
    let got = app(&emu).get_attachment(&an).await.unwrap();
    assert_eq!(&got, a);
    // People cannot call attachments.get (it takes chat.bot only).
    assert_eq!(code_of(alice.get_attachment(&an).await).0, 403);
}

#[tokio::test]
async fn oversized_and_blocked_uploads_are_refused() {
    let emu = start(gchat::emulator::Config {
        media_limit: 10_000,
        ..Default::default()
    })
    .await;
    let alice = user(&emu, ALICE);
    let s = space(TEAM_RUST);
    let (_d, path) = sample_file("big.bin", 10_001);
    let r = alice
        .upload_attachment(&s, &path, None, &mut |_, _| {})
        .await;
    assert_eq!(code_of(r).0, 413);
    let (_d2, ok) = sample_file("small.bin", 10_000);
    alice
        .upload_attachment(&s, &ok, None, &mut |_, _| {})
        .await
        .unwrap();
    let (_d3, exe) = sample_file("setup.exe", 100);
    assert_eq!(
        code_of(
            alice
                .upload_attachment(&s, &exe, None, &mut |_, _| {})
                .await
        )
        .0,
        400
    );
    // The client refuses a file over Google's 200 MB before sending anything (a sparse
    // file: no disk is used).
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge.iso.txt");
    let f = std::fs::File::create(&huge).unwrap();
    f.set_len(gchat::api::MAX_ATTACHMENT_BYTES + 1).unwrap();
    let mut called = false;
    let e = alice
        .upload_attachment(&s, &huge, None, &mut |_, _| called = true)
        .await
        .unwrap_err();
    assert!(
        matches!(e, gchat::api::ApiError::InvalidArgument(_)),
        "{e:?}"
    );
    assert!(e.to_string().contains("200 MB"), "{e}");
    assert!(!called, "nothing was sent");
}

/// A `multipart/related` body as google-api-python-client sends it (`\n` line ends).
fn multipart(boundary: &str, meta: &str, content_type: &str, data: &[u8]) -> Vec<u8> {
    let mut b = format!(
        "--{boundary}\nContent-Type: application/json\nMIME-Version: 1.0\n\n{meta}\n--{boundary}\nContent-Type: {content_type}\nMIME-Version: 1.0\nContent-Transfer-Encoding: binary\n\n"
    )
    .into_bytes();
    b.extend_from_slice(data);
    b.extend_from_slice(format!("\n--{boundary}--").as_bytes());
    b
}

async fn post_multipart(
    emu: &gchat::emulator::Emulator,
    token: &str,
    space: &str,
    boundary: &str,
    body: Vec<u8>,
) -> (u16, serde_json::Value) {
    let resp = reqwest::Client::new()
        .post(format!(
            "{}/upload/v1/spaces/{space}/attachments:upload?uploadType=multipart",
            emu.url()
        ))
        .bearer_auth(token)
        .header(
            "content-type",
            format!("multipart/related; boundary=\"{boundary}\""),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let code = resp.status().as_u16();
    (
        code,
        serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap_or_default(),
    )
}

#[tokio::test]
async fn multipart_uploads_keep_every_byte() {
    let emu = demo().await;
    let b = "===============7330845974216740156==";
    // Bytes that look like line ends and boundaries must survive.
    let mut data = b"\r\n--===============7330845974216740156\n\r\n--x".to_vec();
    data.extend((0..70_000u32).map(|i| (i % 256) as u8));
    data.extend_from_slice(b"\r");
    let body = multipart(
        b,
        r#"{"filename": "../../etc/report.pdf"}"#,
        "application/pdf",
        &data,
    );
    let (code, json) = post_multipart(&emu, "user:1001", TEAM_RUST, b, body).await;
    assert_eq!(code, 200, "{json}");
    let data_ref: AttachmentDataRef =
        serde_json::from_value(json["attachmentDataRef"].clone()).unwrap();
    let alice = user(&emu, ALICE);
    let sent = send_with(&alice, &space(TEAM_RUST), "report", &data_ref).await;
    let a = &sent.attachments()[0];
    assert_eq!(
        a.content_name.as_deref(),
        Some("report.pdf"),
        "only the last path component"
    );
    assert_eq!(a.content_type.as_deref(), Some("application/pdf"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.pdf");
    let media = gchat::api::MediaName::parse(data_ref.resource_name.as_deref().unwrap()).unwrap();
    alice
        .download_attachment(&media, &out, &mut |_, _| {})
        .await
        .unwrap();
    let got = std::fs::read(&out).unwrap();
    assert!(
        got == data,
        "{} bytes back for {} sent",
        got.len(),
        data.len()
    );
    // No filename, a truncated body, a non-member, an app-less scope: refused.
    let (code, _) = post_multipart(
        &emu,
        "user:1001",
        TEAM_RUST,
        b,
        multipart(b, "{}", "text/plain", b"x"),
    )
    .await;
    assert_eq!(code, 400);
    let mut cut = multipart(b, r#"{"filename": "a.txt"}"#, "text/plain", b"hello");
    cut.truncate(cut.len() - 10);
    let (code, _) = post_multipart(&emu, "user:1001", TEAM_RUST, b, cut).await;
    assert_eq!(code, 400);
    let ok = || multipart(b, r#"{"filename": "a.txt"}"#, "text/plain", b"hello");
    let (code, _) = post_multipart(&emu, "user:1009", TEAM_RUST, b, ok()).await;
    assert_eq!(code, 404);
    let (code, json) = post_multipart(
        &emu,
        "user:1001;scopes=chat.messages.readonly",
        TEAM_RUST,
        b,
        ok(),
    )
    .await;
    assert_eq!(code, 403, "{json}");
    // A simple upload has no filename: refused with a reason.
    let (code, json, _) = raw(
        &emu,
        reqwest::Method::POST,
        &format!("/upload/v1/spaces/{TEAM_RUST}/attachments:upload?uploadType=media"),
        Some("user:1001"),
        Some("x"),
    )
    .await;
    assert_eq!(code, 400);
    assert_envelope(&json, 400, "INVALID_ARGUMENT");
}

#[tokio::test]
async fn markdown_is_read_into_chat_markup_and_drive_links_become_rich_links() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let m = Message {
        text: Some(
            "**ship it** see [notes](https://docs.google.com/document/d/DocId_1/edit)".into(),
        ),
        markup_syntax: Some(MarkupSyntax::Markdown),
        ..Default::default()
    };
    let sent = alice
        .create_message(&space(TEAM_RUST), &m, &CreateMessage::default())
        .await
        .unwrap();
    assert_eq!(
        sent.formatted_text.as_deref(),
        Some("*ship it* see <https://docs.google.com/document/d/DocId_1/edit|notes>")
    );
    let rich: Vec<_> = sent
        .annotations
        .iter()
        .filter(|a| a.annotation_type == Some(AnnotationType::RichLink))
        .collect();
    assert_eq!(rich.len(), 1);
    let meta = rich[0].rich_link_metadata.as_ref().unwrap();
    assert_eq!(
        meta["uri"],
        "https://docs.google.com/document/d/DocId_1/edit"
    );
    assert_eq!(
        meta["driveLinkData"]["driveDataRef"]["driveFileId"],
        "DocId_1"
    );
    // Without markupSyntax the text is Chat's own markup, kept as sent.
    let plain = post(&alice, &space(TEAM_RUST), "**not bold in Chat**").await;
    assert_eq!(
        plain.formatted_text.as_deref(),
        Some("**not bold in Chat**")
    );
}

#[tokio::test]
async fn the_demo_shows_each_feature() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = space(TEAM_RUST);
    let msgs = alice
        .list_all_messages(&s, &Default::default())
        .await
        .unwrap();
    let reacted = msgs
        .iter()
        .find(|m| m.reaction_summaries().len() >= 3)
        .expect("a message with several reactions");
    let total: i32 = reacted
        .reaction_summaries()
        .iter()
        .filter_map(|r| r.reaction_count)
        .sum();
    assert!(total >= 5);
    assert!(reacted
        .reaction_summaries()
        .iter()
        .any(|r| r.emoji.as_ref().is_some_and(|e| e.custom_emoji.is_some())));
    let with_files = msgs
        .iter()
        .find(|m| m.attachments().len() == 2)
        .expect("a message with two attachments");
    let types: Vec<_> = with_files
        .attachments()
        .iter()
        .filter_map(|a| a.content_type.clone())
        .collect();
    assert_eq!(types, ["image/png", "application/pdf"]);
    let dir = tempfile::tempdir().unwrap();
    for a in with_files.attachments() {
        let media = gchat::api::MediaName::parse(
            a.attachment_data_ref
                .unwrap()
                .resource_name
                .as_deref()
                .unwrap(),
        )
        .unwrap();
        let out = dir.path().join(a.content_name.unwrap());
        let n = alice
            .download_attachment(&media, &out, &mut |_, _| {})
            .await
            .unwrap();
        assert!(n > 100);
    }
    assert!(msgs.iter().any(|m| m.quoted().is_some()), "a quoted reply");
    assert!(msgs.iter().any(|m| m
        .annotations
        .iter()
        .any(|a| a.annotation_type == Some(AnnotationType::RichLink))));
    assert_eq!(alice.list_all_message_pins(&s).await.unwrap().len(), 2);
}

#[tokio::test]
async fn reactions_attachments_and_pins_survive_a_restart_with_data() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("state.json");
    let opts = || saved_demo(&data);
    let emu = gchat::emulator::Emulator::start(opts()).await.unwrap();
    let alice = user(&emu, ALICE);
    let bob = user(&emu, BOB);
    let s = space(TEAM_RUST);
    let (_d, path) = sample_file("kept.bin", 300_000);
    let up = alice
        .upload_attachment(&s, &path, None, &mut |_, _| {})
        .await
        .unwrap();
    let m = send_with(&alice, &s, "keep these", &up).await;
    let name = msg_name(&m);
    bob.create_reaction(&name, &Emoji::unicode("🔥"))
        .await
        .unwrap();
    let gone = alice
        .create_reaction(&name, &Emoji::unicode("👎"))
        .await
        .unwrap();
    alice
        .delete_reaction(&gchat::api::ReactionName::parse(gone.name.as_deref().unwrap()).unwrap())
        .await
        .unwrap();
    alice.pin_message(&name).await.unwrap();
    // The bytes are on disk beside the data file.
    let media_dir = dir.path().join("state.json.media");
    let media_id = up.resource_name.clone().unwrap();
    assert_eq!(
        std::fs::metadata(media_dir.join(&media_id)).unwrap().len(),
        300_000
    );
    emu.stop().await;

    let emu = gchat::emulator::Emulator::start(opts()).await.unwrap();
    let alice = user(&emu, ALICE);
    let got = alice.get_message(&name).await.unwrap();
    let sums = got.reaction_summaries();
    assert_eq!(sums.len(), 1, "{sums:?}");
    assert_eq!(
        sums[0].emoji.as_ref().unwrap().unicode.as_deref(),
        Some("🔥")
    );
    assert_eq!(got.attachments().len(), 1);
    let pins = alice.list_all_message_pins(&s).await.unwrap();
    assert!(pins
        .iter()
        .any(|p| p.message.as_deref() == Some(name.to_string().as_str())));
    let out = dir.path().join("back.bin");
    let media = gchat::api::MediaName::parse(&media_id).unwrap();
    user(&emu, BOB)
        .download_attachment(&media, &out, &mut |_, _| {})
        .await
        .unwrap();
    assert!(
        std::fs::read(&out).unwrap() == std::fs::read(&path).unwrap(),
        "the bytes differ after a restart"
    );
    // The demo's own attachments are served with --data too.
    let demo_files = alice
        .list_all_messages(&s, &Default::default())
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.attachments().len() == 2)
        .unwrap();
    let a = &demo_files.attachments()[0];
    let media = gchat::api::MediaName::parse(
        a.attachment_data_ref
            .as_ref()
            .unwrap()
            .resource_name
            .as_deref()
            .unwrap(),
    )
    .unwrap();
    assert!(
        alice
            .download_attachment(&media, &out, &mut |_, _| {})
            .await
            .unwrap()
            > 0
    );
}

#[tokio::test]
async fn crlf_multipart_bodies_and_ranged_downloads() {
    let emu = demo().await;
    let b = "gc0p4Jq0M2Yt08jU534c0p";
    let data: Vec<u8> = (0..5000u32).map(|i| (i % 253) as u8).collect();
    let mut body = format!(
        "--{b}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{{\"filename\": \"r.bin\"}}\r\n--{b}\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&data);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    let (code, json) = post_multipart(&emu, "user:1001", TEAM_RUST, b, body).await;
    assert_eq!(code, 200, "{json}");
    let id = json["attachmentDataRef"]["resourceName"]
        .as_str()
        .unwrap()
        .to_string();
    let resp = reqwest::Client::new()
        .get(format!("{}/v1/media/{id}?alt=media", emu.url()))
        .bearer_auth("user:1001")
        .header("range", "bytes=100-199")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 206);
    assert_eq!(
        resp.headers()
            .get("content-range")
            .unwrap()
            .to_str()
            .unwrap(),
        "bytes 100-199/5000"
    );
    let got = resp.bytes().await.unwrap();
    assert!(got[..] == data[100..200], "the range's bytes");
    // Without alt=media: the Media resource.
    let (code, json, _) = get(&emu, &format!("/v1/media/{id}"), Some("user:1001")).await;
    assert_eq!(code, 200);
    assert_eq!(json["resourceName"], id.as_str());
}

#[tokio::test]
async fn an_attachment_removed_by_an_edit_is_no_longer_shared() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let bob = user(&emu, BOB);
    let s = space(TEAM_RUST);
    let (_d, path) = sample_file("draft.txt", 1000);
    let up = alice
        .upload_attachment(&s, &path, None, &mut |_, _| {})
        .await
        .unwrap();
    let m = send_with(&alice, &s, "oops, wrong file", &up).await;
    let media = gchat::api::MediaName::parse(up.resource_name.as_deref().unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d.txt");
    bob.download_attachment(&media, &out, &mut |_, _| {})
        .await
        .unwrap();
    let edited = alice
        .patch_message(
            &msg_name(&m),
            &Message::text("oops, wrong file"),
            "attachment",
            false,
        )
        .await
        .unwrap();
    assert!(edited.attachments().is_empty());
    assert_eq!(
        code_of(bob.download_attachment(&media, &out, &mut |_, _| {}).await).0,
        404
    );
    assert!(
        std::fs::read(&out).unwrap() == std::fs::read(&path).unwrap(),
        "a refused download leaves an existing file alone"
    );
    // Adding attachments by an edit is refused.
    let mut add = Message::text("x");
    add.add_attachment(&up);
    assert_eq!(
        code_of(
            alice
                .patch_message(&msg_name(&m), &add, "attachment", false)
                .await
        )
        .0,
        400
    );
}

#[tokio::test]
async fn limits_are_enforced_while_streaming_not_only_by_declared_lengths() {
    let emu = start(gchat::emulator::Config {
        media_limit: 10_000,
        ..Default::default()
    })
    .await;
    let b = "lImItBoUnDaRy";
    // The Content-Length passes the early check (it allows for the envelope), the bytes
    // do not.
    let body = multipart(
        b,
        r#"{"filename": "a.bin"}"#,
        "application/octet-stream",
        &[7u8; 20_000],
    );
    let (code, json) = post_multipart(&emu, "user:1001", TEAM_RUST, b, body).await;
    assert_eq!(code, 413, "{json}");
    let body = multipart(
        b,
        r#"{"filename": "a.bin"}"#,
        "application/octet-stream",
        &[7u8; 10_000],
    );
    assert_eq!(
        post_multipart(&emu, "user:1001", TEAM_RUST, b, body)
            .await
            .0,
        200
    );
    // Resumable: a session that declared 100 bytes gets more in its chunk.
    let http = reqwest::Client::new();
    let start = http
        .post(format!(
            "{}/upload/v1/spaces/{TEAM_RUST}/attachments:upload?uploadType=resumable",
            emu.url()
        ))
        .bearer_auth("user:1001")
        .header("x-upload-content-length", "100")
        .json(&serde_json::json!({"filename": "b.bin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(start.status().as_u16(), 200);
    let session = start.headers()["location"].to_str().unwrap().to_string();
    let put = |range: &'static str, bytes: Vec<u8>, token: &'static str| {
        http.put(&session)
            .bearer_auth(token)
            .header("content-range", range)
            .body(bytes)
            .send()
    };
    // Another person cannot use Alice's session.
    assert_eq!(
        put("bytes 0-49/100", vec![1; 50], "user:1002")
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
    let r = put("bytes 0-49/100", vec![1; 50], "user:1001")
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 308);
    assert_eq!(r.headers()["range"], "bytes=0-49");
    // A chunk that does not continue where the last ended: 400; the status query says
    // how much arrived.
    assert_eq!(
        put("bytes 10-59/100", vec![1; 50], "user:1001")
            .await
            .unwrap()
            .status()
            .as_u16(),
        400
    );
    let r = put("bytes */100", Vec::new(), "user:1001").await.unwrap();
    assert_eq!(r.status().as_u16(), 308);
    assert_eq!(r.headers()["range"], "bytes=0-49");
    // More than declared: refused, and the session is over.
    assert_eq!(
        put("bytes 50-149/100", vec![1; 100], "user:1001")
            .await
            .unwrap()
            .status()
            .as_u16(),
        400
    );
    assert_eq!(
        put("bytes */100", Vec::new(), "user:1001")
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
}

#[tokio::test]
async fn a_refused_message_leaves_its_upload_unattached() {
    let emu = start(gchat::emulator::Config {
        text_limit: 10,
        ..Default::default()
    })
    .await;
    let alice = user(&emu, ALICE);
    let bob = user(&emu, BOB);
    let s = space(TEAM_RUST);
    let (_d, path) = sample_file("x.txt", 100);
    let up = alice
        .upload_attachment(&s, &path, None, &mut |_, _| {})
        .await
        .unwrap();
    let mut long = Message::text("far too long for the limit");
    long.add_attachment(&up);
    assert_eq!(
        code_of(
            alice
                .create_message(&s, &long, &CreateMessage::default())
                .await
        )
        .0,
        400
    );
    let media = gchat::api::MediaName::parse(up.resource_name.as_deref().unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x");
    assert_eq!(
        code_of(bob.download_attachment(&media, &out, &mut |_, _| {}).await).0,
        404
    );
    let sent = send_with(&alice, &s, "short", &up).await;
    assert_eq!(sent.attachments().len(), 1);
    assert!(emu
        .service()
        .with_store(|st| st.spaces[TEAM_RUST].uploads[media.as_str()].messages.len() == 1));
}

#[tokio::test]
async fn custom_emoji_are_created_and_deleted_by_their_creator_and_persist() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("state.json");
    let opts = || saved_demo(&data);
    let emu = gchat::emulator::Emulator::start(opts()).await.unwrap();
    let alice = user(&emu, ALICE);
    let png = b"\x89PNG\r\n\x1a\nnot really an image";
    let c = alice
        .create_custom_emoji(":rust-crab:", "crab.png", png)
        .await
        .unwrap();
    assert_eq!(c.emoji_name.as_deref(), Some(":rust-crab:"));
    let cname = gchat::api::CustomEmojiName::parse(c.name.as_deref().unwrap()).unwrap();
    assert_eq!(
        code_of(
            alice
                .create_custom_emoji(":rust-crab:", "crab.png", png)
                .await
        )
        .0,
        409
    );
    assert_eq!(
        code_of(
            alice
                .create_custom_emoji("rust crab", "crab.png", png)
                .await
        )
        .0,
        400
    );
    assert_eq!(
        code_of(
            alice
                .create_custom_emoji(":crab-exe:", "crab.exe", png)
                .await
        )
        .0,
        400
    );
    assert_eq!(
        code_of(
            alice
                .create_custom_emoji(":too-big:", "big.png", &vec![0u8; 256 * 1024])
                .await
        )
        .0,
        400
    );
    let mine = alice
        .list_custom_emojis(Some("creator(\"users/me\")"), None)
        .await
        .unwrap();
    assert!(mine.custom_emojis.iter().any(|e| e.uid == c.uid));
    assert!(mine
        .custom_emojis
        .iter()
        .all(|e| e.emoji_name.as_deref() != Some(":party-parrot:")));
    emu.stop().await;
    let emu = gchat::emulator::Emulator::start(opts()).await.unwrap();
    let alice = user(&emu, ALICE);
    assert_eq!(alice.get_custom_emoji(&cname).await.unwrap().uid, c.uid);
    assert_eq!(
        code_of(user(&emu, BOB).delete_custom_emoji(&cname).await).0,
        403
    );
    alice.delete_custom_emoji(&cname).await.unwrap();
    assert_eq!(code_of(alice.get_custom_emoji(&cname).await).0, 404);
}

#[tokio::test]
async fn a_download_cut_short_leaves_the_destination_alone() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // A server that promises 1000 bytes, sends 10 and hangs up.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let mut buf = vec![0u8; 4096];
            let mut got = Vec::new();
            while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                match sock.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                }
            }
            let _ = sock
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Type: application/octet-stream\r\n\r\n0123456789")
                .await;
        }
    });
    let c = gchat::api::Client::with_static_token(&url, "user:1001").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("keep.bin");
    std::fs::write(&out, b"precious").unwrap();
    let media = gchat::api::MediaName::parse("abc").unwrap();
    let r = c.download_attachment(&media, &out, &mut |_, _| {}).await;
    assert!(r.is_err(), "{r:?}");
    assert_eq!(std::fs::read(&out).unwrap(), b"precious");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no partial file left"
    );
}

#[tokio::test]
async fn an_upload_resumes_after_a_failed_chunk_and_empty_files_upload() {
    let emu = demo().await;
    let alice = user(&emu, ALICE);
    let s = space(TEAM_RUST);
    let n = gchat::api::client::UPLOAD_CHUNK * 3 + 5;
    let (_d, path) = sample_file("resume.bin", n);
    let svc = emu.service().clone();
    let mut injected = false;
    let data = alice
        .upload_attachment(&s, &path, None, &mut |sent, _| {
            // After the first chunk, the next request fails once.
            if sent > 0 && !injected {
                injected = true;
                svc.inject(gchat::emulator::Fault {
                    method: Some("chat.media.upload".into()),
                    code: 503,
                    count: 1,
                    retry_after: None,
                });
            }
        })
        .await
        .unwrap();
    assert!(injected);
    assert!(
        emu.service().pending_faults().is_empty(),
        "the fault was met"
    );
    let media = gchat::api::MediaName::parse(data.resource_name.as_deref().unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("back.bin");
    alice
        .download_attachment(&media, &out, &mut |_, _| {})
        .await
        .unwrap();
    assert!(
        std::fs::read(&out).unwrap() == std::fs::read(&path).unwrap(),
        "the bytes differ"
    );
    // An empty file.
    let (_e, empty) = sample_file("empty.txt", 0);
    let data = alice
        .upload_attachment(&s, &empty, None, &mut |_, _| {})
        .await
        .unwrap();
    let sent = send_with(&alice, &s, "empty", &data).await;
    assert_eq!(sent.attachments().len(), 1);
}
