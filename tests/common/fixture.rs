//! A small workspace fed to the App through its real update paths, with a fixed clock and
//! UTC times, so screens are the same on every machine.
#![allow(dead_code)]

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gchat::api::model::*;
use gchat::app::member_requests::MemberOutcome;
use gchat::app::user_requests::UserOutcome;
use gchat::app::{Action, App, Clock, Effect, Identity, LoadKind, Outcome, Settings, Zone};
use gchat::keymap::Keymap;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;
use serde_json::json;

/// What the first effect in `fx` that matches `pattern` gives as `value` (the pattern's
/// bindings are usable there; `()` when left out), or a panic that lists the effects.
/// `find_effect!` is the same without the panic: an `Option`.
#[allow(unused_macros)]
macro_rules! find_effect {
    ($fx:expr, $pat:pat $(if $guard:expr)? => $val:expr) => {
        $fx.iter().find_map(|e| match e {
            $pat $(if $guard)? => Some($val),
            _ => None,
        })
    };
}

#[allow(unused_macros)]
macro_rules! expect_effect {
    ($fx:expr, $pat:pat $(if $guard:expr)? => $val:expr) => {
        $crate::common::fixture::find_effect!($fx, $pat $(if $guard)? => $val).unwrap_or_else(|| {
            panic!("no {} in {:?}", stringify!($pat), $fx)
        })
    };
    ($fx:expr, $pat:pat $(if $guard:expr)?) => {
        $crate::common::fixture::expect_effect!($fx, $pat $(if $guard)? => ())
    };
}

#[allow(unused_imports)]
pub(crate) use {expect_effect, find_effect};

pub const TEAM: &str = "spaces/AAAATeamRst";
pub const ENG: &str = "spaces/AAAAEngDept";
pub const DM: &str = "spaces/AAAADmBobLi";
pub const GROUP: &str = "spaces/AAAAGroupCh";

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap()
}

pub fn at(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, h, m, 0).unwrap()
}

pub fn user(id: &str, name: Option<&str>) -> User {
    User {
        name: Some(format!("users/{id}")),
        display_name: name.map(String::from),
        user_type: Some(if id.starts_with('9') {
            UserType::Bot
        } else {
            UserType::Human
        }),
        ..Default::default()
    }
}

pub fn msg(
    space: &str,
    id: &str,
    thread: &str,
    from: User,
    t: DateTime<Utc>,
    text: &str,
) -> Message {
    Message {
        name: Some(format!("{space}/messages/{thread}.{id}")),
        sender: Some(from),
        create_time: Some(t),
        text: Some(text.to_string()),
        thread: Some(Thread {
            name: Some(format!("{space}/threads/{thread}")),
            thread_key: None,
        }),
        thread_reply: id != thread,
        ..Default::default()
    }
}

fn space(name: &str, kind: SpaceType, display: Option<&str>, active: DateTime<Utc>) -> Space {
    Space {
        name: Some(name.into()),
        space_type: Some(kind.clone()),
        display_name: display.map(String::from),
        last_active_time: Some(active),
        create_time: Some(at(1, 9, 0)),
        space_details: (kind == SpaceType::Space).then(|| SpaceDetails {
            description: Some("Everything about our Rust services.".into()),
            guidelines: Some("Be kind. Threads over channels.".into()),
        }),
        ..Default::default()
    }
}

pub fn member(space: &str, u: User, role: MembershipRole, state: MembershipState) -> Membership {
    let id = u
        .name
        .as_deref()
        .unwrap_or("")
        .trim_start_matches("users/")
        .to_string();
    Membership {
        name: Some(format!("{space}/members/{id}")),
        state: Some(state),
        role: Some(role),
        member: Some(u),
        ..Default::default()
    }
}

pub fn alice() -> User {
    user("1001", Some("Alice Chen"))
}
pub fn bob() -> User {
    user("1002", Some("Bob Li"))
}
pub fn wang() -> User {
    user("1003", Some("王芳"))
}
pub fn dmitri() -> User {
    user("1006", Some("Dmitri Volkov"))
}
pub fn priya() -> User {
    user("1007", Some("Priya Natarajan"))
}
pub fn bot() -> User {
    user("9000", Some("Release Bot"))
}

pub fn team_messages() -> Vec<Message> {
    let s = TEAM;
    let mut card = msg(s, "R1", "R1", bot(), at(20, 15, 0), "");
    card.text = None;
    card.cards_v2 = vec![serde_json::from_value(json!({
        "cardId": "release",
        "card": {
            "header": {"title": "gchat-server v2.3.0 released", "subtitle": "Deployed to production"},
            "sections": [{"header": "Highlights", "widgets": [
                {"textParagraph": {"text": "Faster search and a fix for the <b>reconnect storm</b>."}},
                {"decoratedText": {"topLabel": "Build", "text": "#4821 · 14 min"}},
                {"buttonList": {"buttons": [{"text": "Release notes", "onClick": {"openLink": {"url": "https://example.com/r"}}}]}}
            ]}]
        }
    }))
    .unwrap()];
    let mut edited = msg(
        s,
        "D1",
        "D1",
        dmitri(),
        at(21, 11, 0),
        "<users/1001> could you review #482 when you have a minute?",
    );
    edited.last_update_time = Some(at(21, 11, 2));
    vec![
        // A former member: the API gives only the id; the People API gives the name.
        msg(
            s,
            "X1",
            "X1",
            user("1008", None),
            at(20, 8, 0),
            "Benchmarks:\n```\ncargo bench -p parser\n```\nAbout *30%* faster 🚀",
        ),
        msg(
            s,
            "T1",
            "T1",
            bob(),
            at(20, 9, 0),
            "Has anyone tried the new *ratatui* release?",
        ),
        msg(
            s,
            "T2",
            "T1",
            alice(),
            at(20, 9, 5),
            "Yes, builds fine here.",
        ),
        msg(
            s,
            "T3",
            "T1",
            wang(),
            at(20, 9, 10),
            "我们这边也升级了，没有问题 ✅",
        ),
        msg(
            s,
            "T4",
            "T1",
            bob(),
            at(20, 9, 20),
            "Great, I'll bump it in `Cargo.toml`.",
        ),
        msg(
            s,
            "T5",
            "T1",
            dmitri(),
            at(20, 9, 30),
            "Watch out for the _breaking_ change in `Line::styled`.",
        ),
        msg(
            s,
            "T6",
            "T1",
            priya(),
            at(20, 9, 40),
            "Good catch <users/1006>, that bit me last time 😅",
        ),
        card,
        edited,
        msg(
            s,
            "L1",
            "L1",
            wang(),
            at(21, 11, 58),
            "午饭一起吗？🍜 楼下新开了一家拉面店",
        ),
    ]
}

pub fn team_members() -> Vec<Membership> {
    let s = TEAM;
    vec![
        member(s, alice(), MembershipRole::Manager, MembershipState::Joined),
        member(s, bob(), MembershipRole::Manager, MembershipState::Joined),
        member(s, wang(), MembershipRole::Member, MembershipState::Joined),
        member(s, dmitri(), MembershipRole::Member, MembershipState::Joined),
        member(s, priya(), MembershipRole::Member, MembershipState::Joined),
        member(s, bot(), MembershipRole::Member, MembershipState::Joined),
        member(
            s,
            user("1005", Some("Carol Díaz")),
            MembershipRole::Member,
            MembershipState::Invited,
        ),
    ]
}

pub fn settings() -> Settings {
    Settings {
        demo: true,
        source: "fixture".into(),
        zone: Zone::Fixed(FixedOffset::east_opt(0).unwrap()),
        clock: Clock::Fixed(now()),
        ..Default::default()
    }
}

pub fn done(app: &mut App, o: Outcome) -> Vec<Effect> {
    app.update(Action::Done(Box::new(o)))
}

/// An App with spaces, Team Rust open and loaded, its members, and names looked up.
pub fn app() -> App {
    let mut app = App::new(
        Identity {
            user: Some("users/1001".into()),
            name: Some("Alice Chen".into()),
            is_app: false,
            scopes: None,
        },
        settings(),
        Keymap::defaults(),
    );
    app.start();
    let spaces = vec![
        space(TEAM, SpaceType::Space, Some("Team Rust"), at(21, 11, 58)),
        space(ENG, SpaceType::Space, Some("工程部"), at(21, 11, 0)),
        space(DM, SpaceType::DirectMessage, None, at(21, 10, 0)),
        space(GROUP, SpaceType::GroupChat, None, at(21, 9, 0)),
    ];
    let fx = done(
        &mut app,
        Outcome::Directory(gchat::app::DirectoryOutcome::Spaces { result: Ok(spaces) }),
    );
    assert!(fx.contains(&Effect::Messages(
        gchat::app::MessagesEffect::LoadMessages {
            space: sn(TEAM),
            kind: LoadKind::Latest
        }
    )));
    done(
        &mut app,
        Outcome::Members(MemberOutcome::Members {
            space: sn(DM),
            result: Ok(vec![
                member(DM, alice(), MembershipRole::Member, MembershipState::Joined),
                member(DM, bob(), MembershipRole::Member, MembershipState::Joined),
            ]),
            show_invited: true,
        }),
    );
    done(
        &mut app,
        Outcome::Members(MemberOutcome::Members {
            space: sn(GROUP),
            result: Ok(vec![
                member(
                    GROUP,
                    alice(),
                    MembershipRole::Member,
                    MembershipState::Joined,
                ),
                member(
                    GROUP,
                    bob(),
                    MembershipRole::Member,
                    MembershipState::Joined,
                ),
                member(
                    GROUP,
                    priya(),
                    MembershipRole::Member,
                    MembershipState::Joined,
                ),
            ]),
            show_invited: true,
        }),
    );
    done(
        &mut app,
        Outcome::Members(MemberOutcome::Members {
            space: sn(TEAM),
            result: Ok(team_members()),
            show_invited: true,
        }),
    );
    let fx = done(
        &mut app,
        Outcome::Messages(gchat::app::MessagesOutcome::Messages {
            space: sn(TEAM),
            kind: LoadKind::Latest,
            result: Ok((team_messages().into_iter().map(Into::into).collect(), false)),
        }),
    );
    assert!(
        fx.contains(&Effect::Directory(
            gchat::app::DirectoryEffect::LookupPeople {
                users: vec![gchat::api::UserRef::Id("1008".into())]
            }
        )),
        "{fx:?}"
    );
    let person: Person =
        serde_json::from_value(json!({"names": [{"displayName": "陈小明"}]})).unwrap();
    done(
        &mut app,
        Outcome::Directory(gchat::app::DirectoryOutcome::People {
            users: vec![gchat::api::UserRef::Id("1008".into())],
            result: Ok(vec![("users/1008".into(), person)]),
        }),
    );
    done(
        &mut app,
        Outcome::User(UserOutcome::Unread {
            space: sn(ENG),
            result: Ok(vec![msg(ENG, "E1", "E1", wang(), at(21, 11, 0), "大家好")]),
            after: None,
        }),
    );
    app
}

pub fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

pub fn ch(app: &mut App, c: char) -> Vec<Effect> {
    key(app, KeyCode::Char(c))
}

pub fn ctrl(app: &mut App, c: char) -> Vec<Effect> {
    app.update(Action::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::CONTROL,
    )))
}

pub fn alt_enter(app: &mut App) -> Vec<Effect> {
    app.update(Action::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::ALT,
    )))
}

/// Types `s` one key at a time.
pub fn typed(app: &mut App, s: &str) -> Vec<Effect> {
    let mut fx = Vec::new();
    for c in s.chars() {
        fx.extend(ch(app, c));
    }
    fx
}

/// The screen as text: one line per row, wide characters once, trailing spaces cut.
pub fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut skip = 0usize;
        for x in 0..buf.area.width {
            let sym = buf[(x, y)].symbol();
            if skip > 0 {
                skip -= 1;
                continue;
            }
            line.push_str(sym);
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Draws the app on a `w` x `h` screen and returns it as text.
/// The help overlay's text, a line each.
pub fn help_text(app: &App) -> String {
    gchat::ui::help::lines(app)
        .iter()
        .map(|l| l.to_string() + "\n")
        .collect()
}

pub fn render(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| gchat::ui::draw(app, f)).unwrap();
    text(t.backend().buffer())
}

/// A space event `seq` of `space` at `t`, carrying `m` (a message) as its payload.
pub fn message_event(
    kind: gchat::api::sync_model::EventType,
    space: &str,
    seq: u32,
    t: DateTime<Utc>,
    m: Message,
) -> gchat::api::sync_model::SpaceEvent {
    use gchat::api::sync_model::{EventType, MessageEventData, SpaceEvent};
    let data = Some(MessageEventData { message: Some(m) });
    let mut e = SpaceEvent {
        name: Some(format!("{space}/spaceEvents/{seq:016}")),
        event_time: Some(t),
        event_type: Some(kind.clone()),
        ..Default::default()
    };
    match kind {
        EventType::MessageCreated => e.message_created_event_data = data,
        EventType::MessageUpdated => e.message_updated_event_data = data,
        _ => e.message_deleted_event_data = data,
    }
    e
}

/// A membership event `seq` of `space` at `t`.
pub fn member_event(
    kind: gchat::api::sync_model::EventType,
    space: &str,
    seq: u32,
    t: DateTime<Utc>,
    m: Membership,
) -> gchat::api::sync_model::SpaceEvent {
    use gchat::api::sync_model::{EventType, MembershipEventData, SpaceEvent};
    let data = Some(MembershipEventData {
        membership: Some(m),
    });
    let mut e = SpaceEvent {
        name: Some(format!("{space}/spaceEvents/{seq:016}")),
        event_time: Some(t),
        event_type: Some(kind.clone()),
        ..Default::default()
    };
    match kind {
        EventType::MembershipCreated => e.membership_created_event_data = data,
        EventType::MembershipUpdated => e.membership_updated_event_data = data,
        _ => e.membership_deleted_event_data = data,
    }
    e
}

/// The sign-in turns out not to be allowed to read space events (a scope not granted):
/// a poll of the open space is answered so, and it polls its messages from then on.
pub fn refuse_events(app: &mut App) {
    let fx = app.update(Action::Tick(
        std::time::Instant::now() + std::time::Duration::from_secs(30),
    ));
    let (space, since) = fx
        .iter()
        .find_map(|e| match e {
            Effect::Messages(gchat::app::MessagesEffect::LoadEvents { space, since }) => {
                Some((space.clone(), *since))
            }
            _ => None,
        })
        .expect("the open space follows its events");
    let e = gchat::api::ApiError::Server(gchat::api::ServerError {
        code: 403,
        status: "PERMISSION_DENIED".into(),
        message: "Request had insufficient authentication scopes.".into(),
        field_violations: Vec::new(),
        reason: Some("ACCESS_TOKEN_SCOPE_INSUFFICIENT".into()),
        retry_after: None,
    });
    done(
        app,
        Outcome::Messages(gchat::app::MessagesOutcome::Events {
            space,
            since,
            result: Err(e),
        }),
    );
    assert!(!app.live_events(), "events refused: messages are polled");
}

/// A space's typed name, for the effects and answers a test writes out (the fixture's
/// names are valid; a typo fails the test here).
pub fn sn(s: &str) -> gchat::api::SpaceName {
    gchat::api::SpaceName::parse(s).expect("a valid space name")
}

/// A message's typed name, for the effects and answers a test writes out.
pub fn mn(s: &str) -> gchat::api::MessageName {
    gchat::api::MessageName::parse(s).expect("a valid message name")
}

/// A membership's typed name, for the effects and answers a test writes out.
pub fn msn(s: &str) -> gchat::api::MembershipName {
    gchat::api::MembershipName::parse(s).expect("a valid membership name")
}

/// A thread's typed name, for the effects and answers a test writes out.
pub fn tn(s: &str) -> gchat::api::ThreadName {
    gchat::api::ThreadName::parse(s).expect("a valid thread name")
}

/// A client message id, for the effects and answers a test writes out.
pub fn cid(s: &str) -> gchat::api::ClientMessageId {
    gchat::api::ClientMessageId::parse(s).expect("a valid client message id")
}
