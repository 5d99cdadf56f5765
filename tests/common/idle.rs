//! An idle gchat against a server where nothing happens, on a clock of its own: every
//! request the app makes is answered at once ("nothing new"), and counted by kind and
//! space. Used by the request-budget tests and by `cargo bench --bench tui`.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use gchat::api::model::{Message, Space, SpaceType, User};
use gchat::api::ApiError;
use gchat::app::member_requests::{MemberEffect, MemberOutcome};
use gchat::app::space_requests::{SpaceEffect, SpaceOutcome};
use gchat::app::user_requests::{UserEffect, UserOutcome};
use gchat::app::{Action, App, Clock, Effect, Identity, LoadKind, Outcome, Settings, Zone};
use gchat::keymap::Keymap;

/// What an idle run asked for.
#[derive(Debug, Default, Clone)]
pub struct Count {
    /// Requests by kind (`spaces.list`, `messages.list`, `spaceEvents.list`, ...).
    pub by_kind: BTreeMap<&'static str, usize>,
    /// Requests about each space.
    pub by_space: BTreeMap<String, usize>,
    pub total: usize,
}

impl Count {
    fn add(&mut self, kind: &'static str, space: Option<&str>) {
        *self.by_kind.entry(kind).or_default() += 1;
        if let Some(s) = space {
            *self.by_space.entry(s.to_string()).or_default() += 1;
        }
        self.total += 1;
    }
}

/// `n` spaces, each last active a day ago; the first is opened.
pub fn spaces(n: usize) -> Vec<Space> {
    let t = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
    (0..n)
        .map(|i| Space {
            name: Some(format!("spaces/AAAAIdle{i:04}")),
            space_type: Some(SpaceType::Space),
            display_name: Some(format!("Idle {i}")),
            last_active_time: Some(t - chrono::Duration::minutes(i as i64)),
            ..Default::default()
        })
        .collect()
}

/// How the server answers: `answer(effect, minute)` may return a fault instead of
/// "nothing new".
pub type Fault<'a> = &'a dyn Fn(&Effect, u64) -> Option<ApiError>;

/// One message in each space, the one its `lastActiveTime` names.
fn message_in(space: &str, s: &Space) -> Message {
    Message {
        name: Some(format!("{space}/messages/M1.M1")),
        sender: Some(User {
            name: Some("users/1002".into()),
            ..Default::default()
        }),
        create_time: s.last_active_time,
        text: Some("hello".into()),
        ..Default::default()
    }
}

/// Runs gchat idle with `n` spaces for `minutes` minutes of its own clock (ticking four
/// times a second, as the loop does), after a first minute of starting up which is not
/// counted. `empty`: the open space has no messages.
pub fn run(n: usize, minutes: u64, empty: bool, fault: Fault<'_>) -> Count {
    let list = spaces(n);
    let mut app = App::new(
        Identity {
            user: Some("users/1001".into()),
            name: Some("Alice".into()),
            is_app: false,
            scopes: None,
        },
        Settings {
            zone: Zone::Fixed(chrono::FixedOffset::east_opt(0).unwrap()),
            clock: Clock::Fixed(Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap()),
            ..Default::default()
        },
        Keymap::defaults(),
    );
    let t0 = Instant::now();
    let mut count = Count::default();
    let mut queue: Vec<Effect> = app.start();
    let warmup = 60 * 4;
    let ticks = warmup + minutes * 60 * 4;
    for tick in 0..ticks {
        let now = t0 + Duration::from_millis(250 * tick);
        if tick > 0 {
            queue.extend(app.update(Action::Tick(now)));
        }
        // Answer everything asked, and whatever the answers ask, at once.
        while let Some(e) = queue.pop() {
            let counted = tick >= warmup;
            let minute = tick / 240;
            let o = answer(
                &e,
                &list,
                empty,
                fault(&e, minute),
                counted.then_some(&mut count),
            );
            if let Some(o) = o {
                queue.extend(app.update(Action::Done(Box::new(o))));
            }
        }
    }
    count
}

fn answer(
    e: &Effect,
    list: &[Space],
    empty: bool,
    fault: Option<ApiError>,
    count: Option<&mut Count>,
) -> Option<Outcome> {
    let (kind, space): (&'static str, Option<&str>) = match e {
        Effect::Directory(gchat::app::DirectoryEffect::WhoAmI {}) => ("people.get", None),
        Effect::Directory(gchat::app::DirectoryEffect::LoadSpaces {})
        | Effect::Directory(gchat::app::DirectoryEffect::PollSpaces {}) => ("spaces.list", None),
        Effect::Space(SpaceEffect::LoadSpace { space }) => ("spaces.get", Some(space)),
        Effect::Messages(gchat::app::MessagesEffect::LoadMessages { space, .. }) => {
            ("messages.list", Some(space))
        }
        Effect::User(UserEffect::CountUnread { space, .. }) => {
            ("messages.list (unread)", Some(space))
        }
        Effect::Members(MemberEffect::LoadMembers { space, .. }) => ("members.list", Some(space)),
        Effect::Messages(gchat::app::MessagesEffect::LoadEvents { space, .. }) => {
            ("spaceEvents.list", Some(space))
        }
        Effect::Messages(gchat::app::MessagesEffect::LoadMessage { space, .. }) => {
            ("messages.get", Some(space))
        }
        Effect::Directory(gchat::app::DirectoryEffect::LookupPeople { .. }) => {
            ("people.batchGet", None)
        }
        _ => ("other", None),
    };
    if let Some(c) = count {
        // A list of up to 1,000 spaces is one page.
        let pages = if kind == "spaces.list" {
            list.len().div_ceil(1000).max(1)
        } else {
            1
        };
        for _ in 0..pages {
            c.add(kind, space);
        }
    }
    Some(match e.clone() {
        Effect::Directory(gchat::app::DirectoryEffect::WhoAmI {}) => {
            Outcome::Directory(gchat::app::DirectoryOutcome::Me {
                result: Ok(("users/1001".into(), Some("Alice".into()))),
            })
        }
        Effect::Directory(gchat::app::DirectoryEffect::LoadSpaces {}) => {
            Outcome::Directory(gchat::app::DirectoryOutcome::Spaces {
                result: or(fault, list.to_vec()),
            })
        }
        Effect::Directory(gchat::app::DirectoryEffect::PollSpaces {}) => {
            Outcome::Directory(gchat::app::DirectoryOutcome::PolledSpaces {
                result: or(fault, list.to_vec()),
            })
        }
        Effect::Space(SpaceEffect::LoadSpace { space }) => {
            let s = list
                .iter()
                .find(|s| s.name.as_deref() == Some(space.as_str()))
                .cloned()
                .unwrap_or_default();
            Outcome::Space(SpaceOutcome::Space {
                space,
                result: Ok(s),
            })
        }
        Effect::Messages(gchat::app::MessagesEffect::LoadMessages { space, kind }) => {
            let s = list
                .iter()
                .find(|s| s.name.as_deref() == Some(space.as_str()))
                .cloned()
                .unwrap_or_default();
            let msgs = match kind {
                LoadKind::Latest if !empty => vec![message_in(&space, &s).into()],
                _ => vec![],
            };
            Outcome::Messages(gchat::app::MessagesOutcome::Messages {
                space,
                kind,
                result: or(fault, (msgs, false)),
            })
        }
        Effect::User(UserEffect::CountUnread { space, .. }) => Outcome::User(UserOutcome::Unread {
            space,
            result: or(fault, vec![]),
            after: None,
        }),
        Effect::Members(MemberEffect::LoadMembers { space, .. }) => {
            Outcome::Members(MemberOutcome::Members {
                space,
                result: Ok(vec![]),
                show_invited: true,
            })
        }
        Effect::Messages(gchat::app::MessagesEffect::LoadEvents { space, since }) => {
            Outcome::Messages(gchat::app::MessagesOutcome::Events {
                space,
                since,
                result: or(fault, vec![]),
            })
        }
        Effect::Messages(gchat::app::MessagesEffect::PollMessages { space, after }) => {
            Outcome::Messages(gchat::app::MessagesOutcome::Polled {
                space,
                after,
                result: or(fault, vec![]),
            })
        }
        Effect::Directory(gchat::app::DirectoryEffect::LookupPeople { users }) => {
            Outcome::Directory(gchat::app::DirectoryOutcome::People {
                users,
                result: Ok(vec![]),
            })
        }
        _ => return None,
    })
}

/// The fault, if any, else `ok`.
fn or<T>(fault: Option<ApiError>, ok: T) -> Result<T, ApiError> {
    match fault {
        Some(e) => Err(e),
        None => Ok(ok),
    }
}
