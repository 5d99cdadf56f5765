//! Steps many App tests take before what they test: a page of messages answered, a
//! message selected, a file attached, a keymap of the user's, and what the screen's
//! status line or the help then say.
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gchat::api::model::{AttachmentDataRef, Membership, Message};
use gchat::api::sync_model::{Section, SectionType};
use gchat::app::timeline::Row;
use gchat::app::{Action, App, Effect, Focus, LoadKind, Outcome};
use gchat::keymap::Keymap;

use super::fixture::{done, help_text, key, render, sn, typed, TEAM};

/// `space`'s messages answered as asked by `kind`, all of them (no more pages).
pub fn loaded(app: &mut App, space: &str, kind: LoadKind, msgs: Vec<Message>) -> Vec<Effect> {
    done(
        app,
        Outcome::Messages(gchat::app::MessagesOutcome::Messages {
            space: sn(space),
            kind,
            result: Ok((msgs.into_iter().map(Into::into).collect(), false)),
        }),
    )
}

/// `space`'s latest messages answered: `msgs`.
pub fn latest(app: &mut App, space: &str, msgs: Vec<Message>) -> Vec<Effect> {
    loaded(app, space, LoadKind::Latest, msgs)
}

/// New messages of `space` polled in, after what it holds.
pub fn polled(app: &mut App, space: &str, msgs: Vec<Message>) -> Vec<Effect> {
    let after = app
        .store
        .timeline(space)
        .expect("timeline")
        .watermark()
        .expect("a watermark");
    done(
        app,
        Outcome::Messages(gchat::app::MessagesOutcome::Polled {
            space: sn(space),
            after,
            result: Ok(msgs.into_iter().map(Into::into).collect()),
        }),
    )
}

/// The status bar (the screen's last line) at `w` columns.
pub fn bar(app: &App, w: u16) -> String {
    render(app, w, 24)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string()
}

/// `space`'s members answered: `list`.
pub fn members_loaded(app: &mut App, space: &str, list: Vec<Membership>) -> Vec<Effect> {
    done(
        app,
        Outcome::Members(gchat::app::member_requests::MemberOutcome::Members {
            space: sn(space),
            result: Ok(list),
            show_invited: true,
        }),
    )
}

/// `space`'s read mark answered: the server holds `held` (after setting `set`, if any).
pub fn read_mark(
    app: &mut App,
    space: &str,
    set: Option<DateTime<Utc>>,
    held: DateTime<Utc>,
) -> Vec<Effect> {
    use gchat::app::user_requests::UserOutcome;
    let result = Ok(Some(held));
    let answer = match set {
        None => UserOutcome::ReadState {
            space: sn(space),
            result,
        },
        Some(time) => UserOutcome::ReadStateSet {
            space: sn(space),
            time,
            result,
        },
    };
    done(app, Outcome::User(answer))
}

/// The message `name` of `space` selected (not as a reply), the view following it.
pub fn select(app: &mut App, space: &str, name: &str) {
    let v = app.views.get_mut(space).expect("the space has a view");
    v.selected = Some(Row::Msg {
        name: name.into(),
        reply: false,
    });
    v.anchor = None;
}

/// `m`, a message of Team Rust newer than the rest, loaded and selected in the focused
/// message pane. Gives its name.
pub fn shown_selected(app: &mut App, m: Message) -> String {
    let name = m.name.clone().expect("the message has a name");
    let t = m.create_time.expect("the message has a time");
    loaded(
        app,
        TEAM,
        LoadKind::Newer {
            after: t - chrono::Duration::minutes(1),
        },
        vec![m],
    );
    app.focus = Focus::Messages;
    select(app, TEAM, &name);
    name
}

/// The file at `path` attached to the message being written (Ctrl-o, the path, Enter):
/// gives the upload's id.
pub fn attach(app: &mut App, path: &std::path::Path) -> u64 {
    super::fixture::ctrl(app, 'o');
    typed(app, &path.display().to_string());
    let fx = key(app, KeyCode::Enter);
    fx.iter()
        .find_map(|e| match e {
            Effect::Upload { id, .. } => Some(*id),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no upload in {fx:?}"))
}

/// The upload `id` to Team Rust done: `bytes` taken, as resource `up-1`.
pub fn upload_done(app: &mut App, id: u64, bytes: u64) -> Vec<Effect> {
    let data = AttachmentDataRef {
        resource_name: Some("up-1".into()),
        attachment_upload_token: Some("tok".into()),
    };
    done(
        app,
        Outcome::Uploaded {
            id,
            space: sn(TEAM),
            result: Ok((data, bytes)),
        },
    )
}

/// The status line (the screen's last) on a 120 x 24 screen.
pub fn status_line(app: &App) -> String {
    render(app, 120, 24)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string()
}

/// The help's row that contains `what` (a panic that shows the help when none does).
pub fn help_row(app: &App, what: &str) -> String {
    let help = help_text(app);
    help.lines()
        .find(|l| l.contains(what))
        .map(String::from)
        .unwrap_or_else(|| panic!("no row with {what:?} in:\n{help}"))
}

/// The app's keymap made from the user's file `user_toml`, which must have no problems.
pub fn with_keymap(app: &mut App, user_toml: &str) {
    let (keymap, problems) = Keymap::with_user(user_toml);
    assert!(problems.is_empty(), "{problems:?}");
    app.keymap = keymap;
}

/// The function key F`n`, pressed.
pub fn f_key(app: &mut App, n: u8) -> Vec<Effect> {
    app.update(Action::Key(KeyEvent::new(
        KeyCode::F(n),
        KeyModifiers::NONE,
    )))
}

/// The signed-in user's section `id`, of `kind`, named `name`.
pub fn section(id: &str, kind: SectionType, name: Option<&str>) -> Section {
    Section {
        name: Some(format!("users/1001/sections/{id}")),
        display_name: name.map(String::from),
        sort_order: None,
        section_type: Some(kind),
    }
}

/// The user's sections answered: "Projects" (custom), then the default ones for
/// spaces and for direct messages; no space placed.
pub fn three_sections(app: &mut App) -> Vec<Effect> {
    let list = vec![
        section("projects", SectionType::Custom, Some("Projects")),
        section("default-spaces", SectionType::DefaultSpaces, None),
        section(
            "default-direct-messages",
            SectionType::DefaultDirectMessages,
            None,
        ),
    ];
    done(
        app,
        Outcome::User(gchat::app::user_requests::UserOutcome::Sections {
            result: Ok((list, vec![])),
        }),
    )
}

/// Alice edits her reply T1.T2 in Team Rust ("Yes, builds fine here." → "… Really.")
/// and sends the edit: the effects of sending it (among them the edit).
pub fn edit_reply_t2(app: &mut App) -> Vec<Effect> {
    let view = app
        .views
        .get_mut(super::fixture::TEAM)
        .expect("Team Rust has a view");
    view.expanded.insert("spaces/AAAATeamRst/threads/T1".into());
    view.selected = Some(Row::Msg {
        name: "spaces/AAAATeamRst/messages/T1.T2".into(),
        reply: true,
    });
    key(app, crossterm::event::KeyCode::Char('e'));
    typed(app, " Really.");
    let fx = key(app, crossterm::event::KeyCode::Enter);
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Messages(gchat::app::MessagesEffect::Edit { .. }))),
        "{fx:?}"
    );
    fx
}

/// `problems` has a warning naming `what` that says `says`.
pub fn warned(problems: &[String], what: &str, says: &str) {
    assert!(
        problems
            .iter()
            .any(|p| p.contains(what) && p.contains(says)),
        "no warning about {what} saying {says:?} in {problems:?}"
    );
}
