//! UI state and logic, with no terminal and no network: `update(Action) -> Vec<Effect>`.
//!
//! Keys, mouse, timer ticks and API results come in as [`Action`]s; what must happen
//! outside (API calls) goes out as [`Effect`]s, each carrying what it was for, so a late
//! answer lands in the right place even after the user has moved on.

pub mod compose;
pub mod dialog;
mod find_people;
mod gone;
mod history;
mod input;
pub mod layout;
pub mod members;
pub mod mentions;
mod names;
mod notes;
pub mod outbox;
mod paste;
pub mod people;
pub mod permissions;
pub mod reconcile;
mod roles;
pub mod spaces;
pub mod timeline;
pub mod view;

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, Offset, TimeZone, Utc};
use crossterm::event::{KeyEvent, MouseEvent};

use crate::api::model::{Membership, Message, Person, Space, SpaceType, User};
use crate::api::{ApiError, UserRef};
use crate::keymap::Keymap;

use compose::{Compose, Target};
use dialog::{Dialog, Kind};
use layout::{LayoutCache, Screen};
use members::MemberList;
use people::People;
use spaces::SpaceList;
use timeline::{Local, Row, Timeline};
use view::ViewState;

/// Who is signed in.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Identity {
    /// `users/123`, once known.
    pub user: Option<String>,
    pub name: Option<String>,
    /// Signed in as the Chat app (service account).
    pub is_app: bool,
    /// The OAuth scopes granted (short names), when known.
    pub scopes: Option<Vec<String>>,
}

/// Where "now" comes from (fixed in tests, so screens are reproducible).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Clock {
    System,
    Fixed(DateTime<Utc>),
}

/// How times are shown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Zone {
    Local,
    Fixed(FixedOffset),
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// Running on the built-in demo workspace.
    pub demo: bool,
    /// Where the data comes from, for the status bar.
    pub source: String,
    /// How often the open space is polled when active.
    pub poll: Duration,
    /// How often other spaces are checked for unread messages.
    pub background_poll: Duration,
    pub zone: Zone,
    pub clock: Clock,
    /// The sign-in profile, for "run `gchat auth login`" hints.
    pub profile: String,
    /// Where the user's key bindings are read from, for the help screen.
    pub keymap_file: Option<std::path::PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            demo: false,
            source: String::new(),
            poll: Duration::from_secs(5),
            background_poll: Duration::from_secs(60),
            zone: Zone::Local,
            clock: Clock::System,
            profile: "default".into(),
            keymap_file: None,
        }
    }
}

impl Settings {
    pub fn now(&self) -> DateTime<Utc> {
        match self.clock {
            Clock::System => Utc::now(),
            Clock::Fixed(t) => t,
        }
    }

    pub fn offset(&self, t: DateTime<Utc>) -> FixedOffset {
        match self.zone {
            Zone::Fixed(o) => o,
            Zone::Local => chrono::Local.offset_from_utc_datetime(&t.naive_utc()).fix(),
        }
    }

    pub fn local(&self, t: DateTime<Utc>) -> DateTime<FixedOffset> {
        t.with_timezone(&self.offset(t))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Spaces,
    Messages,
    Members,
    Compose,
}

/// A message for the status bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub text: String,
    pub error: bool,
    pub at: Instant,
}

#[derive(Debug, Default)]
pub struct Status {
    pub note: Option<Note>,
    /// Requests the user is waiting for (background polls and look-ups are not counted).
    pub busy: usize,
    pub synced_at: Option<DateTime<Utc>>,
    /// The last poll failed: the UI says so until one succeeds.
    pub offline: Option<String>,
    /// Drafts and unsent messages are not being saved (why, briefly): shown until they are.
    pub not_saving: Option<String>,
    /// The last save failed (not merely skipped for another gchat): quitting asks first.
    pub save_failing: bool,
    pub spinner: usize,
    /// The loads of a refresh not yet back.
    pub refreshing: Vec<Effect>,
}

/// Which page of messages to load.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadKind {
    /// The newest page.
    Latest,
    /// The page before `before`.
    Older { before: DateTime<Utc> },
    /// Everything after `after` (polling).
    Newer { after: DateTime<Utc> },
    /// One thread, whole.
    Thread { thread: String },
}

/// Work to do outside: each becomes one API call (or a few) on its own task.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    WhoAmI,
    LoadSpaces,
    /// One space whole, with its permission settings (which lists leave out).
    LoadSpace {
        space: String,
    },
    LoadMessages {
        space: String,
        kind: LoadKind,
    },
    LoadMembers {
        space: String,
    },
    LookupPeople {
        users: Vec<String>,
    },
    /// People of the user's directory whose names or addresses start with `query`.
    SearchPeople {
        query: String,
    },
    CountUnread {
        space: String,
        after: Option<DateTime<Utc>>,
    },
    /// Post `text` with the client-assigned `client_id` (a retry reuses it).
    Send {
        space: String,
        local: String,
        client_id: String,
        text: String,
        thread: Option<String>,
    },
    /// Fetch a sent message by its client id (after a 409: it did arrive).
    FetchSent {
        space: String,
        local: String,
        client_id: String,
    },
    /// Ask whether a message left unsent by an earlier run arrived after all.
    CheckSent {
        space: String,
        local: String,
        client_id: String,
    },
    Edit {
        space: String,
        message: String,
        text: String,
        previous: String,
    },
    Delete {
        space: String,
        message: String,
        force: bool,
    },
    AddMember {
        space: String,
        user: UserRef,
    },
    RemoveMember {
        space: String,
        membership: String,
    },
    SetRole {
        space: String,
        membership: String,
        manager: bool,
    },
    CreateSpace {
        request_id: String,
        name: String,
        description: String,
        guidelines: String,
    },
    UpdateSpace {
        space: String,
        name: String,
        description: String,
        guidelines: String,
        mask: String,
    },
    DeleteSpace {
        space: String,
    },
}

impl Effect {
    /// Background work that shows no spinner.
    pub fn quiet(&self) -> bool {
        matches!(
            self,
            Effect::LoadMessages {
                kind: LoadKind::Newer { .. },
                ..
            } | Effect::CountUnread { .. }
                | Effect::LoadSpace { .. }
                | Effect::SearchPeople { .. }
                | Effect::LookupPeople { .. }
                | Effect::WhoAmI
                | Effect::CheckSent { .. }
        )
    }
}

/// What came back from an [`Effect`].
#[derive(Debug, Clone)]
pub enum Outcome {
    Me(Result<(String, Option<String>), ApiError>),
    Spaces(Result<Vec<Space>, ApiError>),
    Space {
        space: String,
        result: Result<Space, ApiError>,
    },
    Messages {
        space: String,
        kind: LoadKind,
        result: Result<(Vec<Message>, bool), ApiError>,
    },
    Members {
        space: String,
        result: Result<Vec<Membership>, ApiError>,
    },
    People {
        users: Vec<String>,
        result: Result<Vec<(String, Person)>, ApiError>,
    },
    Found {
        query: String,
        result: Result<Vec<Person>, ApiError>,
    },
    Unread {
        space: String,
        result: Result<Vec<Message>, ApiError>,
    },
    Sent {
        space: String,
        local: String,
        client_id: String,
        result: Result<Message, ApiError>,
    },
    /// The answer to [`Effect::CheckSent`]: the message if it is on the server.
    Checked {
        space: String,
        local: String,
        client_id: String,
        result: Result<Option<Message>, ApiError>,
    },
    Edited {
        space: String,
        message: String,
        text: String,
        previous: String,
        result: Result<Message, ApiError>,
    },
    Deleted {
        space: String,
        message: String,
        force: bool,
        result: Result<(), ApiError>,
    },
    MemberAdded {
        space: String,
        user: UserRef,
        result: Result<Membership, ApiError>,
    },
    MemberRemoved {
        space: String,
        membership: String,
        result: Result<Membership, ApiError>,
    },
    RoleSet {
        space: String,
        membership: String,
        manager: bool,
        result: Result<Membership, ApiError>,
    },
    SpaceCreated {
        request_id: String,
        result: Result<Space, ApiError>,
    },
    SpaceUpdated {
        space: String,
        result: Result<Space, ApiError>,
    },
    SpaceDeleted {
        space: String,
        result: Result<(), ApiError>,
    },
}

impl Outcome {
    /// The answer to a quiet [`Effect`]: the two lists must name the same requests.
    fn quiet(&self) -> bool {
        matches!(
            self,
            Outcome::Messages {
                kind: LoadKind::Newer { .. },
                ..
            } | Outcome::Unread { .. }
                | Outcome::Space { .. }
                | Outcome::Found { .. }
                | Outcome::People { .. }
                | Outcome::Me(_)
                | Outcome::Checked { .. }
        )
    }
}

/// Everything the loop feeds `update`.
#[derive(Debug, Clone)]
pub enum Action {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
    Resize(u16, u16),
    Tick(Instant),
    Done(Box<Outcome>),
}

/// Polling timers, with back-off when nothing happens or the server pushes back.
#[derive(Debug)]
struct Polls {
    next_open: Option<Instant>,
    interval: Duration,
    next_background: Option<Instant>,
    next_spaces: Option<Instant>,
    in_flight: HashSet<String>,
}

/// A plain sentence for an API failure of an action that needs `scope`.
pub fn explain_needing(e: &ApiError, scope: &str, profile: &str) -> String {
    if e.is_scope_insufficient() {
        return format!(
            "gchat's sign-in lacks the {scope} permission this needs. Run `gchat auth login{}` to grant it.",
            crate::auth::profile_flag(profile)
        );
    }
    explain(e)
}

/// A plain sentence for an API failure, safe to show (the server's words are cleaned).
pub fn explain(e: &ApiError) -> String {
    crate::clean::Clean::line(&explain_raw(e)).into_string()
}

fn explain_raw(e: &ApiError) -> String {
    let sentence = |s: &str| {
        let s = s.trim();
        if s.ends_with(['.', '!', '?']) {
            s.to_string()
        } else {
            format!("{s}.")
        }
    };
    match e {
        ApiError::Server(s) if s.code == 401 => {
            "Your sign-in has expired or was revoked. Run `gchat auth login` to sign in again.".into()
        }
        _ if e.is_scope_insufficient() => {
            "gchat's sign-in lacks the permission (OAuth scope) this needs. Run `gchat auth login` to grant it.".into()
        }
        ApiError::Server(s) if s.code == 429 => "Google Chat is limiting requests right now.".into(),
        ApiError::Server(s) if s.code >= 500 => {
            format!("The server had a problem ({}): {}", s.code, sentence(&s.message))
        }
        ApiError::Server(s) => sentence(&s.to_string()),
        ApiError::Connect(host) => format!("Can't reach {host}. Check the connection."),
        ApiError::Timeout => "The server didn't answer in time.".into(),
        other => sentence(&other.to_string()),
    }
}

/// Ids for local copies and client message ids.
fn client_id() -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    let tail: String = (0..20)
        .map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char)
        .collect();
    format!("client-gchat-{tail}")
}

pub struct App {
    pub me: Identity,
    pub settings: Settings,
    pub keymap: Keymap,
    pub focus: Focus,
    pub show_members: bool,
    pub zoom: bool,
    /// The help overlay, and how far it is scrolled.
    pub help: Option<u16>,
    pub spaces: SpaceList,
    /// The space open in the message pane.
    pub current: Option<String>,
    pub timelines: HashMap<String, Timeline>,
    pub views: HashMap<String, ViewState>,
    pub members: HashMap<String, MemberList>,
    pub member_sel: usize,
    pub compose: Compose,
    pub dialog: Option<Dialog>,
    pub people: People,
    pub status: Status,
    pub quit: bool,
    /// Something changed since the last frame.
    pub dirty: bool,
    /// Laid-out message rows, reused across frames.
    pub layout: RefCell<LayoutCache>,
    /// Where the last frame put each pane (for the mouse and for paging).
    pub screen: Cell<Screen>,
    polls: Polls,
    /// Sends whose outcome is not known yet.
    unsure: reconcile::Unsure,
}

impl App {
    pub fn new(me: Identity, settings: Settings, keymap: Keymap) -> Self {
        let poll = settings.poll;
        App {
            me,
            settings,
            keymap,
            focus: Focus::Spaces,
            show_members: true,
            zoom: false,
            help: None,
            spaces: SpaceList::default(),
            current: None,
            timelines: HashMap::new(),
            views: HashMap::new(),
            members: HashMap::new(),
            member_sel: 0,
            compose: Compose::default(),
            dialog: None,
            people: People::default(),
            status: Status::default(),
            quit: false,
            dirty: true,
            layout: RefCell::new(LayoutCache::default()),
            screen: Cell::new(Screen::default()),
            polls: Polls {
                next_open: None,
                interval: poll,
                next_background: None,
                next_spaces: None,
                in_flight: HashSet::new(),
            },
            unsure: reconcile::Unsure::default(),
        }
    }

    /// The first requests: who am I, and the spaces.
    pub fn start(&mut self) -> Vec<Effect> {
        let mut fx = vec![Effect::LoadSpaces];
        if self.me.user.is_none() && !self.me.is_app {
            fx.push(Effect::WhoAmI);
        }
        fx.extend(self.check_unsent());
        self.count_requests(&fx);
        fx
    }

    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        let mut fx = Vec::new();
        match action {
            Action::Key(k) => self.on_key(k, &mut fx),
            Action::Mouse(m) => self.on_mouse(m, &mut fx),
            Action::Paste(s) => self.on_paste(&s),
            Action::Resize(..) => self.dirty = true,
            Action::Tick(now) => self.on_tick(now, &mut fx),
            Action::Done(o) => {
                if !o.quiet() {
                    self.status.busy = self.status.busy.saturating_sub(1);
                }
                self.dirty = true;
                self.settle_refresh(&o);
                self.on_outcome(*o, &mut fx);
            }
        }
        self.count_requests(&fx);
        self.sort_members();
        self.quit_when_sent();
        // Back at the newest message: nothing below is unseen.
        if let Some(v) = self.current.as_ref().and_then(|s| self.views.get_mut(s)) {
            if v.anchor.is_none() {
                v.new_below = 0;
            }
        }
        fx
    }

    fn count_requests(&mut self, fx: &[Effect]) {
        self.status.busy += fx.iter().filter(|e| !e.quiet()).count();
    }

    pub fn note(&mut self, text: impl Into<String>) {
        self.status.note = Some(Note {
            text: crate::clean::Clean::line(&text.into()).into_string(),
            error: false,
            at: Instant::now(),
        });
        self.dirty = true;
    }

    pub fn error(&mut self, text: impl Into<String>) {
        let text = crate::clean::Clean::line(&text.into()).into_string();
        tracing::info!(%text, "shown error");
        self.status.note = Some(Note {
            text,
            error: true,
            at: Instant::now(),
        });
        self.dirty = true;
    }

    /// A failure of an action of kind `what` (see `permissions::scope_for`), in words.
    pub fn why(&self, e: &ApiError, what: &str) -> String {
        self.named(&explain_needing(
            e,
            permissions::scope_for(what, self.me.is_app),
            &self.settings.profile,
        ))
    }

    /// How long until a message whose send ended unsure (by its `local/...` name) is
    /// sent again; none while an attempt is out.
    pub fn next_try(&self, local: &str) -> Option<Duration> {
        self.unsure.next_try(local, Instant::now())
    }

    pub fn is_me(&self, user: &str) -> bool {
        self.me.user.as_deref() == Some(user)
    }

    /// Whether a message was sent by whoever is signed in.
    pub fn is_mine(&self, m: &Message) -> bool {
        let Some(sender) = &m.sender else {
            return false;
        };
        if self.me.is_app {
            return sender.is_bot()
                && self
                    .me
                    .user
                    .as_deref()
                    .is_none_or(|u| sender.name.as_deref() == Some(u));
        }
        sender.name.as_deref().is_some_and(|n| self.is_me(n))
    }

    pub fn current_timeline(&self) -> Option<&Timeline> {
        self.current.as_ref().and_then(|s| self.timelines.get(s))
    }

    pub fn current_view(&self) -> Option<&ViewState> {
        self.current.as_ref().and_then(|s| self.views.get(s))
    }

    pub fn space(&self, name: &str) -> Option<&Space> {
        self.spaces
            .all
            .iter()
            .find(|s| s.name.as_deref() == Some(name))
    }

    /// Whether the signed-in person manages `space`.
    pub fn is_manager(&self, space: &str) -> bool {
        let Some(me) = &self.me.user else {
            return false;
        };
        self.members.get(space).is_some_and(|m| {
            m.iter().any(|x| {
                x.member.as_ref().and_then(|u| u.name.as_deref()) == Some(me.as_str())
                    && x.role == Some(crate::api::model::MembershipRole::Manager)
            })
        })
    }

    // ---------------------------------------------------------------- timers

    fn on_tick(&mut self, now: Instant, fx: &mut Vec<Effect>) {
        if self.status.busy > 0 {
            self.status.spinner = self.status.spinner.wrapping_add(1);
            self.dirty = true;
        }
        if let Some(n) = &self.status.note {
            let ttl = if n.error {
                notes::ERROR_FOR
            } else {
                notes::NOTE_FOR
            };
            if now.duration_since(n.at) > ttl {
                self.status.note = None;
                self.dirty = true;
            }
        }
        if self.polls.next_spaces.is_some_and(|t| now >= t) {
            self.polls.next_spaces = Some(now + Duration::from_secs(120));
            fx.push(Effect::LoadSpaces);
        }
        if let Some(space) = self.current.clone() {
            let loaded = self.timelines.get(&space).is_some_and(|t| t.loaded);
            if loaded
                && self.polls.next_open.is_some_and(|t| now >= t)
                && !self.polls.in_flight.contains(&space)
            {
                self.polls.next_open = Some(now + self.polls.interval);
                if self.me.is_app {
                    // Apps cannot list messages with chat.bot: nothing to poll.
                } else if let Some(after) = self.timelines.get(&space).and_then(Timeline::watermark)
                {
                    self.polls.in_flight.insert(space.clone());
                    fx.push(Effect::LoadMessages {
                        space,
                        kind: LoadKind::Newer { after },
                    });
                } else {
                    self.polls.in_flight.insert(space.clone());
                    fx.push(Effect::LoadMessages {
                        space,
                        kind: LoadKind::Latest,
                    });
                }
            }
        }
        if self.polls.next_background.is_some_and(|t| now >= t) {
            self.polls.next_background = Some(now + self.settings.background_poll);
            self.count_unread_everywhere(fx);
        }
        for (space, local) in self.unsure.due(now) {
            self.send_again(&space, &local, fx);
        }
    }

    /// Polls sooner: the user is active.
    fn poll_soon(&mut self) {
        self.polls.interval = self.settings.poll;
        let soon = Instant::now() + self.settings.poll;
        if self.polls.next_open.is_none_or(|t| t > soon) {
            self.polls.next_open = Some(soon);
        }
    }

    fn count_unread_everywhere(&mut self, fx: &mut Vec<Effect>) {
        if self.me.is_app {
            return;
        }
        for s in &self.spaces.all {
            let Some(name) = s.name.clone() else { continue };
            if Some(&name) == self.current.as_ref()
                || self.polls.in_flight.contains(&format!("unread:{name}"))
            {
                continue;
            }
            self.polls.in_flight.insert(format!("unread:{name}"));
            let after = self.spaces.last_read.get(&name).copied();
            fx.push(Effect::CountUnread { space: name, after });
        }
    }

    // ---------------------------------------------------------------- results

    fn on_outcome(&mut self, o: Outcome, fx: &mut Vec<Effect>) {
        match o {
            Outcome::Me(Ok((user, name))) => {
                if let Some(n) = &name {
                    self.people.learn(&User {
                        name: Some(user.clone()),
                        display_name: Some(n.clone()),
                        ..Default::default()
                    });
                }
                self.me.user = Some(user);
                self.me.name = name;
                self.layout.borrow_mut().clear();
            }
            Outcome::Me(Err(e)) => tracing::warn!(error = %e, "could not tell who is signed in"),
            Outcome::Spaces(r) => self.on_spaces(r, fx),
            Outcome::Space { space, result } => self.on_space(space, result, fx),
            Outcome::Found { query, result } => self.on_found(query, result, fx),
            Outcome::Messages {
                space,
                kind,
                result,
            } => self.on_messages(space, kind, result, fx),
            Outcome::Members { space, result } => {
                let list = self.members.entry(space.clone()).or_default();
                match result {
                    Ok(m) => {
                        list.replace(m);
                        list.loaded = true;
                        list.error = None;
                        let users: Vec<User> =
                            list.iter().filter_map(|m| m.member.clone()).collect();
                        for u in &users {
                            self.people.learn(u);
                        }
                        self.look_up(users.iter().filter_map(|u| u.name.clone()).collect(), fx);
                        self.member_sel = self
                            .member_sel
                            .min(self.members_sorted(&space).len().saturating_sub(1));
                    }
                    Err(e) if self.means_gone(&space, &e) => self.spaces_gone(&[space], fx),
                    Err(e) => {
                        let why = self.why(&e, "members");
                        self.members.entry(space).or_default().error = Some(why);
                    }
                }
            }
            Outcome::People { users, result } => match result {
                Ok(found) => {
                    for (u, p) in &found {
                        self.people.learn_person(u, p);
                    }
                    let missing: Vec<String> = users
                        .into_iter()
                        .filter(|u| !found.iter().any(|(f, _)| f == u))
                        .collect();
                    self.people.not_found(&missing);
                }
                Err(e) => {
                    tracing::info!(error = %e, "people lookup failed");
                    self.people.lookup_failed(&users);
                }
            },
            Outcome::Unread { space, result } => {
                self.polls.in_flight.remove(&format!("unread:{space}"));
                // Counted before the space was opened: what is open is being read.
                let open = self.current.as_deref() == Some(space.as_str());
                if let Err(e) = &result {
                    if self.means_gone(&space, e) {
                        self.spaces_gone(&[space], fx);
                        return;
                    }
                }
                if let (Ok(msgs), false) = (result, open) {
                    let mut count = msgs.iter().filter(|m| !self.is_mine(m)).count();
                    if msgs.len() >= 100 {
                        // A full page: there may be more than we counted.
                        count = count.max(100);
                    }
                    if let Some(t) = msgs.iter().filter_map(|m| m.create_time).max() {
                        self.spaces.note_activity(&space, t);
                    }
                    self.spaces.unread.insert(space, count);
                }
            }
            Outcome::Sent {
                space,
                local,
                client_id,
                result,
            } => self.on_sent(space, local, client_id, result, fx),
            Outcome::Checked {
                space,
                local,
                client_id,
                result,
            } => self.on_checked(space, local, client_id, result, fx),
            Outcome::Edited {
                space,
                message,
                text,
                previous,
                result,
            } => {
                let tl = self.timelines.entry(space.clone()).or_default();
                match result {
                    Ok(m) => {
                        tl.set_local(&message, None);
                        tl.merge(vec![m]);
                        self.note("Message edited.");
                    }
                    Err(e) => {
                        // Put the old text back, and the rejected edit in the box.
                        tl.set_text(&message, &previous);
                        tl.set_local(&message, None);
                        let why = self.why(&e, "messages");
                        let text = mentions::show(&text, &self.mentions_of(&previous));
                        self.compose.switch(
                            &space,
                            Target::Edit {
                                message: message.clone(),
                            },
                            None,
                            Some(&text),
                        );
                        self.compose.set_text(&text);
                        self.compose.error = Some(why.clone());
                        if self.current.as_deref() == Some(space.as_str()) {
                            self.focus = Focus::Compose;
                        }
                        self.error(format!("The edit was not saved: {why}"));
                    }
                }
            }
            Outcome::Deleted {
                space,
                message,
                force,
                result,
            } => {
                let next = self.neighbour_after_delete(&space, &message, force);
                let tl = self.timelines.entry(space.clone()).or_default();
                // Not found: it is gone all the same (an earlier attempt, or someone else,
                // deleted it).
                let already = result.as_ref().is_err_and(ApiError::is_not_found);
                match result {
                    Err(e) if !already => {
                        tl.set_local(&message, None);
                        self.fail_dialog_or_note(
                            &e,
                            |k| matches!(k, Kind::DeleteMessage { .. }),
                            if reconcile::is_unsure(&e) {
                                "The delete was not confirmed (it may have happened); try again: a message already gone counts as deleted"
                            } else {
                                "The message was not deleted"
                            },
                            "messages",
                        );
                    }
                    _ => {
                        deleted(tl, &message, force);
                        self.select_instead(&space, next);
                        self.close_dialog_if(|k| matches!(k, Kind::DeleteMessage { .. }));
                        self.note(match (already, force) {
                            (true, _) => "Message deleted (it was already gone).",
                            (false, true) => "Message and its replies deleted.",
                            (false, false) => "Message deleted.",
                        });
                    }
                }
            }
            Outcome::MemberAdded {
                space,
                user,
                result,
            } => match result {
                Ok(m) => {
                    if let (UserRef::Email(email), Some(u)) = (&user, &m.member) {
                        // The API answers with an id; the address is what the user knows.
                        self.people.learn(&User {
                            email: Some(email.clone()),
                            ..u.clone()
                        });
                    }
                    let who = m
                        .member
                        .as_ref()
                        .map(|u| {
                            self.people.learn(u);
                            self.member_label(u)
                        })
                        .unwrap_or_else(|| crate::clean::Clean::line(&user.to_string()));
                    let invited = m.state == Some(crate::api::model::MembershipState::Invited);
                    self.members.entry(space.clone()).or_default().upsert(m);
                    self.close_dialog_if(|k| matches!(k, Kind::AddMember { .. }));
                    self.note(if invited {
                        format!("{who} was invited; they join once they accept.")
                    } else {
                        format!("{who} joined the space.")
                    });
                    fx.push(Effect::LoadMembers { space });
                }
                Err(e) => self.fail_dialog_or_note(
                    &e,
                    |k| matches!(k, Kind::AddMember { .. }),
                    "Could not add the member",
                    "members",
                ),
            },
            Outcome::MemberRemoved {
                space,
                membership,
                result,
            } => match result {
                Ok(_) if self.is_own_membership(&membership) => {
                    self.close_dialog_if(|k| matches!(k, Kind::LeaveSpace { .. }));
                    let label = self
                        .space(&space)
                        .map(|s| self.space_label(s))
                        .unwrap_or_default();
                    self.forget_space(&space, fx);
                    self.note(format!("You left {label}."));
                }
                Ok(_) => {
                    let label = self
                        .members
                        .get(&space)
                        .and_then(|l| l.find(&membership))
                        .and_then(|m| m.member.clone());
                    let who = label
                        .map(|u| self.member_label(&u))
                        .unwrap_or_else(|| crate::clean::Clean::line("The member"));
                    if let Some(l) = self.members.get_mut(&space) {
                        l.remove(&membership);
                    }
                    self.close_dialog_if(|k| matches!(k, Kind::RemoveMember { .. }));
                    self.note(format!("{who} was removed from the space."));
                    let n = self.members_sorted(&space).len();
                    self.member_sel = self.member_sel.min(n.saturating_sub(1));
                }
                Err(e) => self.fail_dialog_or_note(
                    &e,
                    |k| matches!(k, Kind::RemoveMember { .. } | Kind::LeaveSpace { .. }),
                    "Could not remove the member",
                    "members",
                ),
            },
            Outcome::RoleSet {
                space,
                manager,
                result,
                ..
            } => match result {
                Ok(m) => {
                    let who = m
                        .member
                        .as_ref()
                        .map(|u| self.member_label(u))
                        .unwrap_or_default();
                    self.members.entry(space).or_default().upsert(m);
                    self.note(if manager {
                        format!("{who} is now a space manager.")
                    } else {
                        format!("{who} is no longer a space manager.")
                    });
                }
                Err(e) => {
                    let why = self.why(&e, "members");
                    self.error(format!("The role was not changed: {why}"))
                }
            },
            Outcome::SpaceCreated { result, .. } => match result {
                Ok(s) => {
                    let name = s.name.clone().unwrap_or_default();
                    let label = s.display_name.clone().unwrap_or_default();
                    self.spaces.upsert(s);
                    self.spaces.note_activity(&name, self.settings.now());
                    self.close_dialog_if(|k| matches!(k, Kind::CreateSpace { .. }));
                    self.note(format!("Created {label}. Add people with a."));
                    self.spaces.selected = Some(name.clone());
                    self.open_space(&name, fx);
                }
                Err(e) => self.fail_dialog_or_note(
                    &e,
                    |k| matches!(k, Kind::CreateSpace { .. }),
                    "The space was not created",
                    "spaces",
                ),
            },
            Outcome::SpaceUpdated { result, .. } => match result {
                Ok(s) => {
                    self.spaces.upsert(s);
                    self.close_dialog_if(|k| matches!(k, Kind::EditSpace { .. }));
                    self.note("Space updated.");
                }
                Err(e) => self.fail_dialog_or_note(
                    &e,
                    |k| matches!(k, Kind::EditSpace { .. }),
                    "The space was not changed",
                    "spaces",
                ),
            },
            Outcome::SpaceDeleted { space, result } => match result {
                Ok(()) => {
                    self.close_dialog_if(|k| matches!(k, Kind::DeleteSpace { .. }));
                    self.forget_space(&space, fx);
                    self.note("Space deleted.");
                }
                Err(e) => self.fail_dialog_or_note(
                    &e,
                    |k| matches!(k, Kind::DeleteSpace { .. }),
                    "The space was not deleted",
                    "delete_space",
                ),
            },
        }
    }

    /// Whether `membership` is the signed-in person's (or app's) own: removing it is
    /// leaving the space.
    pub(super) fn is_own_membership(&self, membership: &str) -> bool {
        let Some((_, member)) = membership.rsplit_once("/members/") else {
            return false;
        };
        (self.me.is_app && member == "app")
            || self
                .me
                .user
                .as_deref()
                .and_then(|u| u.strip_prefix("users/"))
                == Some(member)
    }

    /// Drops a space that is gone (deleted, or left) and opens another.
    fn forget_space(&mut self, space: &str, fx: &mut Vec<Effect>) {
        self.spaces.all.retain(|s| s.name.as_deref() != Some(space));
        self.timelines.remove(space);
        self.members.remove(space);
        self.views.remove(space);
        if self.current.as_deref() == Some(space) {
            self.current = None;
            self.focus = Focus::Spaces;
            if let Some(first) = self.visible_spaces().first().and_then(|s| s.name.clone()) {
                self.spaces.selected = Some(first.clone());
                self.open_space(&first, fx);
            }
        }
    }

    fn close_dialog_if(&mut self, f: impl Fn(&Kind) -> bool) {
        if self.dialog.as_ref().is_some_and(|d| f(&d.kind)) {
            self.dialog = None;
        }
    }

    /// Shows a failure in its dialog, keeping the input, or in the status bar.
    fn fail_dialog_or_note(
        &mut self,
        e: &ApiError,
        f: impl Fn(&Kind) -> bool,
        what: &str,
        scope: &str,
    ) {
        let why = self.why(e, scope);
        match self.dialog.as_mut().filter(|d| f(&d.kind)) {
            // A taken name: say so plainly, and put the cursor back on the name.
            Some(d)
                if e.code() == Some(409)
                    && matches!(d.kind, Kind::CreateSpace { .. } | Kind::EditSpace { .. }) =>
            {
                d.busy = false;
                d.error = Some(format!(
                    "A space named \"{}\" already exists. Choose another name.",
                    d.field(0).trim()
                ));
                d.focus = 0;
            }
            Some(d) => {
                d.busy = false;
                d.error = Some(why);
            }
            None => self.error(format!("{what}: {why}")),
        }
    }

    fn on_spaces(&mut self, r: Result<Vec<Space>, ApiError>, fx: &mut Vec<Effect>) {
        match r {
            Ok(list) => {
                self.status.synced_at = Some(self.settings.now());
                self.status.offline = None;
                let first_time = !self.spaces.loaded;
                self.spaces.loaded = true;
                self.spaces.error = None;
                // Conversations are named after their members: load those.
                for s in &list {
                    let Some(name) = &s.name else { continue };
                    if s.kind() != SpaceType::Space && !self.members.contains_key(name) {
                        self.members.insert(name.clone(), MemberList::default());
                        fx.push(Effect::LoadMembers {
                            space: name.clone(),
                        });
                    }
                }
                // The open space left out: ask it (a 404 says it is gone; a list
                // answered before it was created or joined does not).
                let missing = self
                    .current
                    .clone()
                    .filter(|c| !list.iter().any(|s| s.name.as_deref() == Some(c.as_str())));
                let keep = missing.as_deref().and_then(|c| self.space(c).cloned());
                self.spaces.replace(list);
                if let (Some(c), Some(old)) = (missing, keep) {
                    self.spaces.upsert(old);
                    fx.push(Effect::LoadMembers { space: c });
                }
                if first_time {
                    self.polls.next_spaces = Some(Instant::now() + Duration::from_secs(120));
                    self.polls.next_background =
                        Some(Instant::now() + self.settings.background_poll);
                    if self.current.is_none() {
                        if let Some(first) =
                            self.visible_spaces().first().and_then(|s| s.name.clone())
                        {
                            self.spaces.selected = Some(first.clone());
                            self.open_space(&first, fx);
                            self.focus = Focus::Messages;
                        }
                    }
                    self.count_unread_everywhere(fx);
                }
            }
            Err(e) => {
                let why = self.why(&e, "spaces");
                self.spaces.error = Some(why.clone());
                self.error(format!("Could not load spaces: {why}"));
                self.polls.next_spaces = Some(Instant::now() + Duration::from_secs(15));
            }
        }
    }

    fn on_messages(
        &mut self,
        space: String,
        kind: LoadKind,
        result: Result<(Vec<Message>, bool), ApiError>,
        fx: &mut Vec<Effect>,
    ) {
        if matches!(kind, LoadKind::Newer { .. } | LoadKind::Latest) {
            self.polls.in_flight.remove(&space);
        }
        let is_open = self.current.as_deref() == Some(space.as_str());
        // An older page keeps the reader's place; a poll says what arrived out of sight.
        let place = match (&kind, &result, is_open) {
            (LoadKind::Older { .. }, Ok(_), true) => self.capture_place(&space),
            _ => None,
        };
        if let (LoadKind::Newer { .. }, Ok((msgs, _)), true) = (&kind, &result, is_open) {
            self.note_arrivals(&space, msgs);
        }
        let tl = self.timelines.entry(space.clone()).or_default();
        match result {
            Ok((msgs, more)) => {
                let senders: Vec<User> =
                    msgs.iter()
                        .flat_map(|m| {
                            let mentioned = m.annotations.iter().filter_map(|a| {
                                a.user_mention.as_ref().and_then(|u| u.user.clone())
                            });
                            m.sender.clone().into_iter().chain(mentioned)
                        })
                        .collect();
                let newest = msgs.iter().filter_map(|m| m.create_time).max();
                // Only a listing of the newest messages moves the watermark and what is
                // read: a thread or an older page may hold newer messages, but not all.
                let listed = matches!(kind, LoadKind::Latest | LoadKind::Newer { .. });
                let new = tl.merge(msgs);
                if let (Some(t), true) = (newest, listed) {
                    tl.listed_up_to(t);
                }
                tl.error = None;
                match &kind {
                    LoadKind::Latest => {
                        tl.loaded = true;
                        tl.has_older = more;
                    }
                    LoadKind::Older { .. } => {
                        tl.loading_older = false;
                        tl.has_older = more;
                    }
                    _ => {}
                }
                for u in &senders {
                    self.people.learn(u);
                }
                self.look_up(senders.iter().filter_map(|u| u.name.clone()).collect(), fx);
                if let Some(t) = newest {
                    self.spaces.note_activity(&space, t);
                }
                if let (Some(t), true, true) = (newest, is_open, listed) {
                    self.spaces.mark_read(&space, t);
                }
                if matches!(kind, LoadKind::Newer { .. }) {
                    self.status.offline = None;
                    self.status.synced_at = Some(self.settings.now());
                    // Back off while nothing happens.
                    self.polls.interval = if new > 0 {
                        self.settings.poll
                    } else {
                        (self.polls.interval.mul_f32(1.5)).min(Duration::from_secs(30))
                    };
                } else {
                    self.status.synced_at = Some(self.settings.now());
                }
                if matches!(kind, LoadKind::Latest) && is_open && self.polls.next_open.is_none() {
                    self.polls.next_open = Some(Instant::now() + self.polls.interval);
                }
                if let LoadKind::Older { .. } = kind {
                    if let Some(p) = place {
                        self.restore_place(&space, p);
                    }
                    self.older_page_arrived(&space, more, fx);
                }
                if is_open && kind == LoadKind::Latest {
                    self.place_unread(&space);
                }
                if is_open && self.views.get(&space).is_none_or(|v| v.selected.is_none()) {
                    self.select_last(&space);
                }
            }
            Err(e) if self.means_gone(&space, &e) => self.spaces_gone(&[space], fx),
            Err(e) => {
                let why = self.why(&e, "messages");
                let tl = self.timelines.entry(space.clone()).or_default();
                match kind {
                    LoadKind::Newer { .. } => {
                        self.status.offline = Some(why);
                        let slow = if e.code() == Some(429) { 4 } else { 2 };
                        self.polls.interval =
                            (self.polls.interval * slow).min(Duration::from_secs(60));
                    }
                    LoadKind::Older { .. } => {
                        tl.loading_older = false;
                        self.older_page_failed(&space);
                        self.error(format!("Could not load older messages: {why}"));
                    }
                    _ => {
                        tl.error = Some(why.clone());
                        if matches!(kind, LoadKind::Latest) {
                            self.polls.next_open = Some(Instant::now() + Duration::from_secs(10));
                        }
                        self.error(format!("Could not load messages: {why}"));
                    }
                }
            }
        }
    }

    fn on_sent(
        &mut self,
        space: String,
        local: String,
        client_id: String,
        result: Result<Message, ApiError>,
        fx: &mut Vec<Effect>,
    ) {
        if result.is_ok() {
            self.unsure.settle(&local);
        }
        let tl = self.timelines.entry(space.clone()).or_default();
        match result {
            Ok(m) => {
                if self.me.is_app && self.me.user.is_none() {
                    // The app learns its own user id from its first message.
                    self.me.user = m.sender.as_ref().and_then(|u| u.name.clone());
                }
                let (name, reply) = (m.name.clone().unwrap_or_default(), m.thread_reply);
                tl.merge(vec![m]);
                // The selection follows the message from its local copy to the real one.
                if let Some(v) = self.views.get_mut(&space) {
                    let was_local =
                        matches!(&v.selected, Some(Row::Msg { name: n, .. }) if *n == local);
                    if was_local {
                        v.selected = Some(Row::Msg { name, reply });
                    }
                }
            }
            // The first attempt did arrive (its answer was lost): fetch it by its id.
            Err(e) if e.code() == Some(409) => fx.push(Effect::FetchSent {
                space,
                local,
                client_id,
            }),
            Err(_) if tl.get(&local).is_none() => {
                // The server's copy came meanwhile (a poll): nothing is unsent.
                self.unsure.settle(&local);
            }
            // It may have arrived, or may yet: send it again later, with the same id.
            Err(e) if reconcile::is_unsure(&e) => {
                let wait = self.unsure.schedule(&space, &local, &e, Instant::now());
                let why = self.why(&e, "send");
                self.note(format!(
                    "Sending is not confirmed yet: {why} gchat will try again in {} s, with the same id, so it cannot be posted twice.",
                    wait.as_secs().max(1)
                ));
            }
            // Refused, after an attempt that may have stored it: look before saying so.
            Err(e)
                if self.unsure.was_unsure(&local)
                    && !self.unsure.is_checking(&local)
                    && !e.is_not_found() =>
            {
                let why = self.why(&e, "send");
                self.unsure.checking(&local, why);
                fx.push(Effect::FetchSent {
                    space,
                    local,
                    client_id,
                });
            }
            Err(e) => {
                // A check that found nothing gives the refusal that prompted it.
                let why = match self.unsure.settle(&local) {
                    Some(refusal) => refusal,
                    None => self.why(&e, "send"),
                };
                let tl = self.timelines.entry(space.clone()).or_default();
                tl.set_local(&local, Some(Local::Failed(why.clone())));
                let (retry, edit) = (
                    self.keymap
                        .label(crate::keymap::Mode::Messages, crate::keymap::Command::Retry),
                    self.keymap
                        .label(crate::keymap::Mode::Messages, crate::keymap::Command::Edit),
                );
                self.error(format!(
                    "Not sent: {why} Press {retry} to retry or {edit} to edit it."
                ));
            }
        }
    }

    pub(super) fn look_up(&mut self, users: Vec<String>, fx: &mut Vec<Effect>) {
        let ask = self.people.to_look_up(users.iter().map(String::as_str));
        for chunk in ask.chunks(200) {
            fx.push(Effect::LookupPeople {
                users: chunk.to_vec(),
            });
        }
    }

    // ---------------------------------------------------------------- spaces

    /// Opens `space` in the message pane.
    pub fn open_space(&mut self, space: &str, fx: &mut Vec<Effect>) {
        if self.current.as_deref() != Some(space) {
            self.compose.save_draft();
            self.current = Some(space.to_string());
            self.compose.switch(space, Target::New, None, None);
            self.member_sel = 0;
            self.polls.next_open = None;
        }
        let tl = self.timelines.entry(space.to_string()).or_default();
        let (loaded, listed) = (tl.loaded, tl.watermark());
        if self.me.is_app {
            // chat.bot has no messages.list: the pane says so and shows what the app sends.
        } else if !loaded && !self.polls.in_flight.contains(space) {
            self.polls.in_flight.insert(space.to_string());
            fx.push(Effect::LoadMessages {
                space: space.to_string(),
                kind: LoadKind::Latest,
            });
        } else {
            self.poll_soon();
        }
        self.remember_unread(space);
        // Read up to what the server has listed here (not the user's own sends, which
        // may be newer than others' posts not yet listed); the unread mark goes at once.
        match listed {
            Some(t) => self.spaces.mark_read(space, t),
            None => {
                self.spaces.unread.insert(space.to_string(), 0);
            }
        }
        self.learn_permissions(space, fx);
        if self.members.get(space).is_none_or(|m| !m.loaded) {
            self.members.entry(space.to_string()).or_default();
            fx.push(Effect::LoadMembers {
                space: space.to_string(),
            });
        }
        self.views.entry(space.to_string()).or_default();
        self.select_last(space);
        self.place_unread(space);
        self.dirty = true;
    }

    fn select_last(&mut self, space: &str) {
        let rows = self.rows_for(space);
        let last = rows.rows.iter().rev().find(|r| r.is_selectable()).cloned();
        let v = self.views.entry(space.to_string()).or_default();
        v.selected = last;
        v.anchor = None;
    }

    /// Sends what is in the compose box.
    /// Whether `text` is too long to send; if so the user is told by how much, and the
    /// text stays in the box.
    fn over_limit(&mut self, text: &str) -> bool {
        let n = text.chars().count();
        let limit = compose::LIMIT;
        if n <= limit {
            return false;
        }
        self.error(format!(
            "Not sent: the message is {n} characters and Google Chat takes at most {limit}; shorten it by {}.",
            n - limit
        ));
        true
    }

    fn send(&mut self, fx: &mut Vec<Effect>) {
        let Some(space) = self.compose.space.clone() else {
            return;
        };
        let mut text = self.compose.text();
        if text.trim().is_empty() {
            self.error("Nothing to send: the message is empty.");
            return;
        }
        match self.compose.target.clone() {
            Target::Edit { message } => {
                let tl = self.timelines.entry(space.clone()).or_default();
                let previous = tl
                    .get(&message)
                    .and_then(|i| i.msg.text.clone())
                    .unwrap_or_default();
                text = mentions::send(&text, &self.mentions_of(&previous));
                if self.over_limit(&text) {
                    return;
                }
                let tl = self.timelines.entry(space.clone()).or_default();
                if previous == text {
                    self.compose.clear();
                    self.compose.switch(&space, Target::New, None, None);
                    self.focus = Focus::Messages;
                    self.note("No change to save.");
                    return;
                }
                tl.set_text(&message, &text);
                tl.set_local(&message, Some(Local::Saving));
                self.compose.clear();
                self.compose.switch(&space, Target::New, None, None);
                self.focus = Focus::Messages;
                fx.push(Effect::Edit {
                    space,
                    message,
                    text,
                    previous,
                });
            }
            target => {
                if self.over_limit(&text) {
                    return;
                }
                let thread = match &target {
                    Target::Reply { thread } => Some(thread.clone()),
                    _ => None,
                };
                let cid = client_id();
                let local = format!("local/{cid}");
                let msg = self.local_message(&cid, &text, thread.clone(), self.settings.now());
                self.timelines
                    .entry(space.clone())
                    .or_default()
                    .add_local(msg, cid.clone());
                self.compose.clear();
                let v = self.views.entry(space.clone()).or_default();
                v.selected = Some(Row::Msg {
                    name: local.clone(),
                    reply: thread.is_some(),
                });
                v.anchor = None;
                fx.push(Effect::Send {
                    space,
                    local,
                    client_id: cid,
                    text,
                    thread,
                });
                self.poll_soon();
            }
        }
    }

    /// Sends a failed message again, with the same client id.
    fn retry(&mut self, space: &str, local: &str, fx: &mut Vec<Effect>) {
        let Some(tl) = self.timelines.get_mut(space) else {
            return;
        };
        let Some(item) = tl.get(local).cloned() else {
            return;
        };
        if !matches!(item.local, Some(Local::Failed(_))) {
            return;
        }
        tl.set_local(local, Some(Local::Sending));
        self.send_again(space, local, fx);
    }

    /// Sends a local copy again with its client id (a retry, or after an unsure attempt).
    fn send_again(&mut self, space: &str, local: &str, fx: &mut Vec<Effect>) {
        let Some(item) = self
            .timelines
            .get(space)
            .and_then(|t| t.get(local))
            .cloned()
        else {
            // The server's copy arrived meanwhile and replaced it.
            self.unsure.settle(local);
            return;
        };
        if !item.is_local() || item.local != Some(Local::Sending) {
            self.unsure.settle(local);
            return;
        }
        fx.push(Effect::Send {
            space: space.to_string(),
            local: local.to_string(),
            client_id: item.client_id.unwrap_or_else(client_id),
            text: item.msg.text.unwrap_or_default(),
            thread: if item.msg.thread_reply {
                item.msg.thread.and_then(|t| t.name)
            } else {
                None
            },
        });
    }

    /// The mentions of a message's `text` whose names are known, for editing it.
    pub fn mentions_of(&self, text: &str) -> Vec<mentions::Mention> {
        mentions::of(text, |u| self.people.name(u).map(|n| n.into_string()))
    }

    /// The label of a member: their name, or their id.
    pub fn member_label(&self, u: &User) -> crate::clean::Clean {
        self.people.user_label(u)
    }
}

/// Takes a deleted message (or, forced, its thread) off the timeline for good.
fn deleted(tl: &mut Timeline, message: &str, force: bool) {
    let thread = tl.get(message).map(|i| i.thread().to_string());
    match (force, thread) {
        (true, Some(t)) => tl.remove_thread(&t),
        _ => tl.deleted(message),
    }
}
