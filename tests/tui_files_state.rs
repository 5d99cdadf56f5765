//! Attachments, links, copying and attaching as app state and on ratatui's TestBackend:
//! the attachment lines (hostile names drawn clean), the file picker, progress in the
//! status bar, the path prompt with its completions, and the requests each key makes.
//! Also a server that dies mid-download: no file is left behind.

mod common;

use common::fixture::*;
use common::steps::*;
use crossterm::event::KeyCode;
use gchat::app::files::Choice;
use gchat::app::timeline::Row;
use gchat::app::{App, Effect, Focus, Outcome};
use serde_json::json;

/// A message from Bob with `attachment` (as the API gives it), selected.
fn with_message(text: &str, attachment: Vec<serde_json::Value>) -> (App, String) {
    let mut a = app();
    let mut m = msg(TEAM, "F1", "F1", bob(), at(21, 11, 59), text);
    m.attachment = attachment;
    let name = shown_selected(&mut a, m);
    (a, name)
}

fn uploaded(name: &str, kind: &str, media: &str) -> serde_json::Value {
    json!({
        "name": format!("{TEAM}/messages/F1.F1/attachments/{media}"),
        "contentName": name,
        "contentType": kind,
        "attachmentDataRef": { "resourceName": media },
        "source": "UPLOADED_CONTENT",
    })
}

fn drive(name: &str, id: &str) -> serde_json::Value {
    json!({
        "contentName": name,
        "contentType": "application/vnd.google-apps.document",
        "driveDataRef": { "driveFileId": id },
        "source": "DRIVE_FILE",
    })
}

fn download_of(fx: &[Effect]) -> Option<(u64, String, String)> {
    fx.iter().find_map(|e| match e {
        Effect::Download {
            id, media, name, ..
        } => Some((*id, media.clone(), name.clone())),
        _ => None,
    })
}

#[test]
fn attachment_lines_name_type_and_drive_files_with_hostile_names_drawn_clean() {
    let (a, _) = with_message(
        "Files for the review",
        vec![
            uploaded("dashboard.png", "image/png", "m1"),
            uploaded(
                "../../\x1b]52;c;QUFB\x07\u{202e}gpj.exe",
                "text/\x1b[2Jplain",
                "m2",
            ),
            drive("Roadmap 2027", "1AbC"),
        ],
    );
    let screen = render(&a, 80, 24);
    assert!(!screen.contains('\x1b'), "no escape reaches the screen");
    insta::assert_snapshot!("files_attachment_lines_80x24", screen);
}

#[test]
fn s_saves_the_only_attachment_under_a_safe_name_with_progress_and_then_offers_to_open() {
    let (mut a, _) = with_message(
        "one file",
        vec![uploaded("../../etc/\x1bpasswd", "text/plain", "media-1")],
    );
    let dir = tempfile::tempdir().unwrap();
    a.settings.download_dir = Some(dir.path().to_path_buf());
    let fx = ch(&mut a, 's');
    let (id, media, name) = download_of(&fx).expect("a download");
    assert_eq!(media, "media-1");
    assert_eq!(name, "passwd", "no path, no control characters");
    // A second s while it runs is refused: one transfer at a time.
    assert!(download_of(&ch(&mut a, 's')).is_none());
    done(
        &mut a,
        Outcome::Progress {
            id,
            done: 30 * 1024,
            total: 120 * 1024,
        },
    );
    let screen = render(&a, 100, 24);
    let status = screen.lines().last().unwrap().to_string();
    insta::assert_snapshot!("files_download_progress_status", status);
    let saved = dir.path().join("passwd");
    done(
        &mut a,
        Outcome::Downloaded {
            id,
            result: Ok((saved.clone(), 120 * 1024)),
        },
    );
    assert!(a.files.transfer.is_none());
    // The size, now known, shows on its line.
    let screen = render(&a, 100, 24);
    assert!(screen.contains("text/plain  120 KB"), "{screen}");
    let note = a.status.note.clone().unwrap().text;
    assert!(note.starts_with("Saved to"), "{note}");
    if note.contains("o opens it") {
        let fx = ch(&mut a, 'o');
        assert_eq!(
            fx,
            vec![Effect::Open {
                target: saved.to_string_lossy().into_owned()
            }]
        );
        // Offered once: the next o is the pane's own key again.
        assert!(!ch(&mut a, 'o')
            .iter()
            .any(|e| matches!(e, Effect::Open { .. })));
    }
}

#[test]
fn several_attachments_ask_which_and_esc_stops_a_download() {
    let (mut a, _) = with_message(
        "two",
        vec![
            uploaded("a.png", "image/png", "m-a"),
            uploaded("b.pdf", "application/pdf", "m-b"),
        ],
    );
    assert!(ch(&mut a, 's').is_empty());
    assert!(matches!(
        a.dialog.as_ref().map(|d| &d.kind),
        Some(gchat::app::dialog::Kind::Pick { choices, .. }) if choices.len() == 2
    ));
    let fx = ch(&mut a, '2');
    let (id, media, name) = download_of(&fx).expect("the second file");
    assert_eq!((media.as_str(), name.as_str()), ("m-b", "b.pdf"));
    assert!(a.dialog.is_none());
    let fx = key(&mut a, KeyCode::Esc);
    assert_eq!(fx, vec![Effect::CancelTransfer { id }]);
    assert!(a.files.transfer.is_none());
    // Its late answer changes nothing.
    done(
        &mut a,
        Outcome::Downloaded {
            id,
            result: Err("stopped".into()),
        },
    );
    assert!(!a.status.note.as_ref().unwrap().error);
}

#[test]
fn a_failed_download_says_why() {
    let (mut a, _) = with_message("x", vec![uploaded("a.png", "image/png", "m-a")]);
    let (id, ..) = download_of(&ch(&mut a, 's')).unwrap();
    done(
        &mut a,
        Outcome::Downloaded {
            id,
            result: Err("could not write in /ro: Read-only file system".into()),
        },
    );
    let n = a.status.note.clone().unwrap();
    assert!(
        n.error
            && n.text
                .contains("a.png was not saved: could not write in /ro")
    );
}

#[test]
fn links_come_from_text_rich_links_and_drive_files_and_only_web_ones_open() {
    let (mut a, name) = with_message(
        "see https://example.com/a. and javascript:alert(1) and file:///etc/passwd",
        vec![drive("Roadmap", "1AbC")],
    );
    // A rich link chip.
    if let Some(tl) = a.store.timeline_mut(TEAM) {
        let mut m = tl.get(&name).unwrap().to_message();
        m.annotations = vec![serde_json::from_value(json!({
            "type": "RICH_LINK",
            "richLinkMetadata": { "uri": "https://docs.google.com/document/d/X/edit", "richLinkType": "DRIVE_FILE" }
        }))
        .unwrap()];
        tl.merge(vec![m]);
    }
    assert!(ch(&mut a, 'O').is_empty());
    let Some(gchat::app::dialog::Kind::Pick { choices, .. }) =
        a.dialog.as_ref().map(|d| d.kind.clone())
    else {
        panic!("a picker")
    };
    assert_eq!(
        choices,
        vec![
            Choice::Link("https://example.com/a".into()),
            Choice::Link("https://docs.google.com/document/d/X/edit".into()),
            Choice::Link("https://drive.google.com/open?id=1AbC".into()),
        ]
    );
    insta::assert_snapshot!("files_link_picker_80x24", render(&a, 80, 24));
    key(&mut a, KeyCode::Down);
    let fx = key(&mut a, KeyCode::Enter);
    let url = "https://docs.google.com/document/d/X/edit";
    // Over SSH the address is shown instead of opened.
    if fx.is_empty() {
        assert!(
            matches!(&a.dialog, Some(d) if matches!(&d.kind, gchat::app::dialog::Kind::Address { url: u, .. } if u == url))
        );
        key(&mut a, KeyCode::Esc);
    } else {
        assert_eq!(fx, vec![Effect::Open { target: url.into() }]);
    }
    // s on a Drive-only message points to the link instead.
    ch(&mut a, 's');
    assert!(a.status.note.clone().unwrap().text.contains("Google Drive"));
}

#[test]
fn y_and_cap_y_copy_the_text_and_the_web_address() {
    let (mut a, _) = with_message("copy me\nsecond line", vec![]);
    assert_eq!(
        ch(&mut a, 'y'),
        vec![Effect::Copy {
            text: "copy me\nsecond line".into()
        }]
    );
    let fx = ch(&mut a, 'Y');
    assert_eq!(
        fx,
        vec![Effect::Copy {
            text: "https://chat.google.com/room/AAAATeamRst/F1/F1.F1".into()
        }]
    );
    assert!(a.status.note.clone().unwrap().text.contains("Copied"));
}

fn compose_in_team(a: &mut App, text: &str) {
    a.focus = Focus::Messages;
    ch(a, 'i');
    typed(a, text);
    assert_eq!(a.focus, Focus::Compose);
}

#[test]
fn the_path_prompt_completes_with_tab() {
    let mut a = app();
    compose_in_team(&mut a, "with a file");
    ctrl(&mut a, 'o');
    // Paths relative to where the tests run: the crate.
    typed(&mut a, "tests/snapshots/ui_snapshots__help_e");
    key(&mut a, KeyCode::Tab);
    let d = a.dialog.as_ref().unwrap();
    assert_eq!(d.field(0), "tests/snapshots/ui_snapshots__help_end_");
    insta::assert_snapshot!("files_path_prompt_80x24", render(&a, 80, 24));
}

#[test]
fn an_uploaded_file_is_sent_with_the_message_and_a_failed_one_keeps_the_draft() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("plan.txt");
    std::fs::write(&f, b"the plan").unwrap();
    let mut a = app();
    compose_in_team(&mut a, "see attached");
    ctrl(&mut a, 'o');
    typed(&mut a, &f.display().to_string());
    let fx = key(&mut a, KeyCode::Enter);
    let Some(Effect::Upload { id, space, path }) = fx.first().cloned() else {
        panic!("an upload: {fx:?}")
    };
    assert_eq!((space.as_str(), path.as_path()), (TEAM, f.as_path()));
    assert_eq!(a.focus, Focus::Compose);
    // It fails: the draft stays, nothing attached.
    done(
        &mut a,
        Outcome::Uploaded {
            id,
            space: sn(TEAM),
            result: Err("the connection was reset".into()),
        },
    );
    assert_eq!(a.compose.text(), "see attached");
    assert!(a.files.chips.is_empty());
    assert!(a
        .status
        .note
        .clone()
        .unwrap()
        .text
        .contains("was not attached"));
    // Again, and it arrives.
    let id = attach(&mut a, &f);
    upload_done(&mut a, id, 8);
    let screen = render(&a, 80, 24);
    assert!(screen.contains("📎 plan.txt 8 B"), "{screen}");
    let fx = key(&mut a, KeyCode::Enter);
    let Some(Effect::Messages(gchat::app::MessagesEffect::Send {
        text, attachment, ..
    })) = fx
        .iter()
        .find(|e| matches!(e, Effect::Messages(gchat::app::MessagesEffect::Send { .. })))
        .cloned()
    else {
        panic!("a send: {fx:?}")
    };
    assert_eq!(text, "see attached");
    assert_eq!(
        attachment,
        vec![
            json!({"attachmentDataRef": {"resourceName": "up-1", "attachmentUploadToken": "tok"}})
        ],
        "only the data reference is sent"
    );
    assert!(a.files.chips.is_empty(), "sent with this message only");
}

#[test]
fn a_file_alone_may_be_sent_and_ctrl_x_on_an_empty_path_takes_it_off() {
    let mut a = app();
    compose_in_team(&mut a, "");
    a.files.chips.push(gchat::app::files::Chip {
        space: sn(TEAM),
        name: gchat::clean::Clean::line("x.bin"),
        size: 1,
        data: Default::default(),
    });
    ctrl(&mut a, 'o');
    ctrl(&mut a, 'x');
    assert!(a.files.chips.is_empty());
    key(&mut a, KeyCode::Esc);
    a.files.chips.push(gchat::app::files::Chip {
        space: sn(TEAM),
        name: gchat::clean::Clean::line("x.bin"),
        size: 1,
        data: Default::default(),
    });
    let fx = key(&mut a, KeyCode::Enter);
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Messages(gchat::app::MessagesEffect::Send { text, .. }) if text.is_empty())),
        "{fx:?}"
    );
}

#[test]
fn files_over_200_mb_and_folders_are_refused_before_any_upload() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("huge.iso");
    // Sparse: no disk is used.
    std::fs::File::create(&big)
        .unwrap()
        .set_len(200 * 1024 * 1024 + 1)
        .unwrap();
    let mut a = app();
    compose_in_team(&mut a, "keep this draft");
    ctrl(&mut a, 'o');
    typed(&mut a, &big.display().to_string());
    assert!(key(&mut a, KeyCode::Enter).is_empty());
    let d = a.dialog.as_ref().unwrap();
    assert!(
        d.error.as_deref().unwrap().contains("at most 200 MB"),
        "{:?}",
        d.error
    );
    ctrl(&mut a, 'u');
    typed(&mut a, &dir.path().display().to_string());
    assert!(key(&mut a, KeyCode::Enter).is_empty());
    assert!(a
        .dialog
        .as_ref()
        .unwrap()
        .error
        .as_deref()
        .unwrap()
        .contains("folder"));
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.compose.text(), "keep this draft");
}

#[test]
fn a_chat_app_is_told_why_it_cannot_attach_or_save() {
    let mut a = app();
    a.me.is_app = true;
    a.me.scopes = Some(vec!["chat.app.spaces".into()]);
    let (mut b, _) = with_message("x", vec![uploaded("a.png", "image/png", "m")]);
    b.me.is_app = true;
    b.me.scopes = Some(vec!["chat.app.spaces".into()]);
    assert!(ch(&mut b, 's').is_empty());
    assert!(b.status.note.clone().unwrap().text.contains("chat.bot"));
    a.focus = Focus::Compose;
    a.compose
        .switch(TEAM, gchat::app::compose::Target::New, None, None);
    ctrl(&mut a, 'o');
    assert!(a.dialog.is_none());
    assert!(a
        .status
        .note
        .clone()
        .unwrap()
        .text
        .contains("user authentication"));
}

/// A server that announces 100,000 bytes, sends 1,000 and hangs up.
async fn dying_server() -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut c, _)) = l.accept().await {
            let mut buf = [0u8; 4096];
            let _ = c.read(&mut buf).await;
            let _ = c
                .write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 100000\r\n\r\n",
                )
                .await;
            let _ = c.write_all(&[7u8; 1000]).await;
            let _ = c.shutdown().await;
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn a_server_that_dies_mid_download_leaves_no_file() {
    let url = dying_server().await;
    let client = gchat::api::ClientBuilder::new(std::sync::Arc::new(gchat::api::StaticToken::new(
        "user:1001",
    )))
    .endpoint(&url)
    .build()
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let o = gchat::transfer::download(
        &client,
        1,
        "media-1",
        "../shot.png",
        dir.path(),
        Default::default(),
        tx,
    )
    .await;
    let Outcome::Downloaded {
        result: Err(why), ..
    } = o
    else {
        panic!("it must fail: {o:?}")
    };
    assert!(!why.is_empty());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no partial or reserved file left"
    );
}

#[test]
fn an_unsent_message_keeps_its_files_for_the_next_start() {
    let mut a = app();
    compose_in_team(&mut a, "with a file");
    let data = gchat::api::model::AttachmentDataRef {
        resource_name: Some("up-9".into()),
        attachment_upload_token: None,
    };
    a.files.chips.push(gchat::app::files::Chip {
        space: sn(TEAM),
        name: gchat::clean::Clean::line("x.bin"),
        size: 1,
        data,
    });
    let fx = key(&mut a, KeyCode::Enter);
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::Messages(gchat::app::MessagesEffect::Send { .. }))));
    let kept = a.unsent();
    assert_eq!(kept.len(), 1);
    // A new run: the message comes back not sent, and R sends it with its file.
    let mut b = app();
    b.restore_unsent(kept);
    b.focus = Focus::Messages;
    let local = b
        .store
        .timeline(TEAM)
        .expect("timeline")
        .items()
        .iter()
        .find(|i| i.is_local())
        .map(|i| i.name().to_string())
        .unwrap();
    b.views.get_mut(TEAM).unwrap().selected = Some(Row::Msg {
        name: local.into(),
        reply: false,
    });
    let fx = ch(&mut b, 'R');
    let Some(Effect::Messages(gchat::app::MessagesEffect::Send { attachment, .. })) = fx
        .into_iter()
        .find(|e| matches!(e, Effect::Messages(gchat::app::MessagesEffect::Send { .. })))
    else {
        panic!("a retry")
    };
    assert_eq!(
        attachment,
        vec![json!({"attachmentDataRef": {"resourceName": "up-9"}})]
    );
}

#[test]
fn only_esc_stops_a_transfer_not_the_other_back_keys() {
    let (mut a, _) = with_message("x", vec![uploaded("a.png", "image/png", "m-a")]);
    let (id, ..) = download_of(&ch(&mut a, 's')).unwrap();
    assert!(!ch(&mut a, 'h').contains(&Effect::CancelTransfer { id }));
    assert!(a.files.transfer.is_some());
    a.focus = Focus::Messages;
    assert_eq!(
        key(&mut a, KeyCode::Esc),
        vec![Effect::CancelTransfer { id }]
    );
}

#[test]
fn an_address_that_did_not_open_is_shown_whole_and_y_copies_it() {
    let url = "https://drive.google.com/open?id=1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-tail";
    let (mut a, _) = with_message(&format!("see {url}"), vec![]);
    done(
        &mut a,
        Outcome::OpenFailed {
            target: url.into(),
            why: "No valid browsers detected. You can specify one in BROWSER.".into(),
        },
    );
    let screen = render(&a, 80, 24);
    // Every piece of the address is on screen, none cut with an ellipsis.
    let joined: String = screen
        .lines()
        .map(|l| l.trim_matches(|c: char| c == '│' || c == ' '))
        .collect();
    assert!(joined.contains(url), "{screen}");
    assert!(!screen.contains("BRO…"), "{screen}");
    let fx = ch(&mut a, 'y');
    assert_eq!(fx, vec![Effect::Copy { text: url.into() }]);
    assert!(a.dialog.is_none(), "y copies and closes");
}

#[test]
fn card_buttons_and_card_text_links_are_among_the_links() {
    let (mut a, name) = with_message("Release 2.3.0 is out", vec![]);
    if let Some(tl) = a.store.timeline_mut(TEAM) {
        let mut m = tl.get(&name).unwrap().to_message();
        m.cards_v2 = vec![serde_json::from_value(json!({
            "cardId": "rel",
            "card": {"sections": [{"widgets": [
                {"textParagraph": {"text": "See <a href=\"https://example.com/changelog\">the changelog</a>"}},
                {"decoratedText": {"text": "Build", "button": {"text": "Logs",
                    "onClick": {"openLink": {"url": "https://ci.example.com/42"}}}}},
                {"buttonList": {"buttons": [
                    {"text": "Release notes", "onClick": {"openLink": {"url": "https://example.com/releases/2.3.0"}}},
                    {"text": "Dashboard", "onClick": {"openLink": {"url": "https://dash.example.com/"}}},
                    {"text": "Bad", "onClick": {"openLink": {"url": "javascript:alert(1)"}}}
                ]}}
            ]}]}
        }))
        .unwrap()];
        tl.merge(vec![m]);
    }
    assert!(ch(&mut a, 'O').is_empty());
    let Some(gchat::app::dialog::Kind::Pick { choices, .. }) =
        a.dialog.as_ref().map(|d| d.kind.clone())
    else {
        panic!("a picker, not: {:?}", a.status.note)
    };
    assert_eq!(
        choices,
        vec![
            Choice::Link("https://example.com/changelog".into()),
            Choice::Link("https://ci.example.com/42".into()),
            Choice::Link("https://example.com/releases/2.3.0".into()),
            Choice::Link("https://dash.example.com/".into()),
        ]
    );
    let screen = render(&a, 80, 24);
    assert!(screen.contains("Release notes"), "{screen}");
    assert!(screen.contains("Dashboard"), "{screen}");
    // Narrow: each choice stays on one line, cut with an ellipsis.
    let narrow = render(&a, 40, 20);
    let line = narrow
        .lines()
        .find(|l| l.contains("3 Release notes"))
        .unwrap_or_else(|| panic!("{narrow}"));
    assert!(line.contains('…'), "{narrow}");
    assert!(!narrow.contains("\n  1."), "{narrow}");
}
