//! Someone else's text on screen: shown, never obeyed, and never changed on its way back.

mod common;

use common::fixture::*;
use crossterm::event::KeyCode;
use gchat::app::timeline::Row;
use gchat::app::{Effect, Outcome};

/// No character on screen that a terminal would act on.
fn assert_inert(screen: &str) {
    let bad: Vec<char> = screen
        .chars()
        .filter(|c| {
            (c.is_control() && *c != '\n')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect();
    assert!(bad.is_empty(), "{bad:?} on screen:\n{screen}");
}

/// Editing your own message that holds control characters: the compose box shows them
/// as symbols, and the edit sends back the real text with only the change made.
#[test]
fn editing_a_message_with_controls_shows_symbols_and_keeps_the_real_text() {
    let mut a = app();
    let raw = "before\x1b]0;T\x07after\u{202e}x";
    let name = format!("{TEAM}/messages/Z1.Z1");
    let mut m = msg(
        TEAM,
        "Z1",
        "Z1",
        alice(),
        now() - chrono::Duration::minutes(1),
        raw,
    );
    m.name = Some(name.clone());
    done(
        &mut a,
        Outcome::Messages(gchat::app::MessagesOutcome::Polled {
            space: sn(TEAM),
            after: now() - chrono::Duration::hours(1),
            result: Ok(vec![m].into_iter().map(Into::into).collect()),
        }),
    );
    a.views.get_mut(TEAM).unwrap().selected = Some(Row::Msg {
        name: name.as_str().into(),
        reply: false,
    });
    ch(&mut a, 'e');
    assert_eq!(a.compose.text(), raw, "the box holds the real text");
    let screen = render(&a, 160, 48);
    assert_inert(&screen);
    assert!(
        screen.contains("before␛]0;T␇afterx"),
        "the box shows the controls:\n{screen}"
    );
    key(&mut a, KeyCode::End);
    typed(&mut a, "!");
    let fx = key(&mut a, KeyCode::Enter);
    let Some(Effect::Messages(gchat::app::MessagesEffect::Edit { text, .. })) = fx
        .into_iter()
        .find(|e| matches!(e, Effect::Messages(gchat::app::MessagesEffect::Edit { .. })))
    else {
        panic!("no edit sent")
    };
    assert_eq!(text, format!("{raw}!"), "only the change is sent");
    // While it saves, the message shows the new text, cleaned.
    let screen = render(&a, 160, 48);
    assert_inert(&screen);
    assert!(screen.contains("before␛]0;T␇afterx!"), "{screen}");
}

/// What is pasted into the spaces filter reaches the screen without its control
/// characters (a paste drops them; nothing of it is obeyed).
#[test]
fn a_pasted_filter_is_shown_cleaned() {
    let mut a = app();
    ch(&mut a, '1');
    ch(&mut a, '/');
    a.update(gchat::app::Action::Paste("Te\x1b[2Jam".into()));
    let screen = render(&a, 80, 24);
    assert_inert(&screen);
    assert!(screen.contains("/Te[2Jam"), "{screen}");
}

/// An attachment is listed by its name, which its sender chose: cleaned.
#[test]
fn attachment_names_are_shown_cleaned() {
    let mut a = app();
    let mut m = msg(
        TEAM,
        "Z2",
        "Z2",
        bob(),
        now() - chrono::Duration::minutes(1),
        "see attached",
    );
    m.attachment = vec![serde_json::json!({
        "name": format!("{TEAM}/messages/Z2.Z2/attachments/A1"),
        "contentName": "report\x1b]52;c;cHduZWQ=\x07\u{202e}fdp.exe",
        "contentType": "application/pdf"
    })];
    done(
        &mut a,
        Outcome::Messages(gchat::app::MessagesOutcome::Polled {
            space: sn(TEAM),
            after: now() - chrono::Duration::hours(1),
            result: Ok(vec![m].into_iter().map(Into::into).collect()),
        }),
    );
    let screen = render(&a, 160, 48);
    assert_inert(&screen);
    assert!(
        screen.contains("📎 report␛]52;c;cHduZWQ=␇fdp.exe  application/pdf"),
        "{screen}"
    );
}
