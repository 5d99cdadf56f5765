//! UI state and logic, with no terminal and no network: `update(Action) -> Vec<Effect>`.
//!
//! Keys, mouse, timer ticks and API results come in as [`Action`]s; what must happen
//! outside (API calls) goes out as [`Effect`]s, each carrying what it was for, so a late
//! answer lands in the right place even after the user has moved on. Each request's
//! kind, and whether it is quiet, is declared once in [`request`]; what the server said
//! of each space is kept in the [`store`], apart from what the screen shows of it.

pub mod compose;
mod converse;
mod cursor;
mod declare;
pub mod dialog;
pub mod directory;
mod directory_answers;
mod edit_check;
mod effect;
mod explain;
mod file_answers;
pub mod files;
mod find_people;
mod gone;
mod hint_fit;
mod history;
mod input;
mod item;
pub mod labels;
pub mod layout;
mod links;
mod live;
mod loads;
mod member_answers;
pub mod member_requests;
pub mod members;
pub mod mention_pick;
pub mod mentions;
mod message_answers;
pub mod messages;
mod names;
mod notes;
pub mod outbox;
mod outcome;
mod panes;
mod paste;
pub mod people;
pub mod permissions;
mod pins;
mod polls;
mod quiet;
pub mod react;
mod react_actions;
mod react_answers;
mod react_lines;
mod readsync;
mod readsync_answers;
pub mod reconcile;
pub mod request;
mod roles;
mod row_ctx;
mod row_lines;
mod rows;
pub mod search;
pub mod sections;
mod send;
mod settings;
mod space_answers;
pub mod space_requests;
pub mod spaces;
pub mod store;
mod ticks;
pub mod timeline;
pub mod undo_runs;
mod unread_keys;
pub mod user_requests;
pub mod view;
mod window;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::api::model::{Message, Space, User};
use crate::api::{ApiError, SpaceName};
use crate::keymap::Keymap;

use compose::Compose;
use dialog::Dialog;
use layout::{LayoutCache, Screen};
use people::People;
use permissions::Task;
use spaces::SpaceList;
use timeline::{Item, Timeline};
use view::ViewState;

pub use converse::last_part as converse_last_part;
pub use directory::{DirectoryEffect, DirectoryKind, DirectoryOutcome};
pub use effect::{Action, Effect, LoadKind, Outcome};
pub use explain::{explain, explain_needing};
pub use live::LIVE_TYPES;
pub use messages::{MessagesEffect, MessagesKind, MessagesOutcome};
use polls::Polls;
pub use request::Request;
pub use settings::{Clock, Identity, Settings, Zone};

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
    /// The note says a draft was discarded from the box for this space and target: it
    /// goes once the box is typed in, restored or pointed elsewhere.
    pub discarded: Option<(Option<String>, compose::Target)>,
    /// The open space went away (deleted, or the user removed): its name, for the empty
    /// message pane, until another space is opened.
    pub left: Option<String>,
    /// The note (its text) holds only while this state lasts: see [`notes::Tie`].
    pub(crate) tied: Option<(String, notes::Tie)>,
}

/// Ids for local copies and client message ids.
fn client_id() -> crate::api::ClientMessageId {
    crate::api::ClientMessageId::random()
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
    pub current: Option<SpaceName>,
    /// What the server said of each space: its messages and members.
    pub store: store::Workspace,
    /// What the screen shows of each space: selection and scroll.
    pub views: HashMap<String, ViewState>,
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
    /// Reactions, pins, the quote being written and their dialogs.
    pub react: react::ReactState,
    /// Edits whose answer was lost: the message is fetched to learn whether they were saved.
    edit_checks: edit_check::EditChecks,
    /// Read state shared with the server, mute settings, notifications.
    pub user_state: readsync::UserState,
    /// The user's sections of the spaces list.
    pub sections: sections::Sections,
    /// Downloads, uploads and files attached to the message being written.
    pub files: files::Files,
    /// What the spaces list calls each space, made when its inputs change.
    pub labels: labels::SpaceLabels,
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
            store: store::Workspace::default(),
            views: HashMap::new(),
            member_sel: 0,
            compose: Compose::default(),
            dialog: None,
            people: People::default(),
            status: Status::default(),
            quit: false,
            dirty: true,
            layout: RefCell::new(LayoutCache::default()),
            screen: Cell::new(Screen::default()),
            polls: Polls::new(poll),
            unsure: reconcile::Unsure::default(),
            react: react::ReactState::default(),
            edit_checks: Default::default(),
            user_state: readsync::UserState::default(),
            sections: sections::Sections::default(),
            files: files::Files::default(),
            labels: labels::SpaceLabels::default(),
        }
    }

    /// The first requests: who am I, and the spaces.
    pub fn start(&mut self) -> Vec<Effect> {
        let mut fx = vec![Effect::Directory(
            crate::app::DirectoryEffect::LoadSpaces {},
        )];
        if self.me.user.is_none() && !self.me.is_app {
            fx.push(Effect::Directory(crate::app::DirectoryEffect::WhoAmI {}));
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
                let quiet = Self::empty_poll(&o).map(|s| {
                    let seen = self.seen(Some(&s));
                    (s, seen)
                });
                if quiet.is_none() {
                    self.dirty = true;
                }
                self.settle_refresh(&o);
                self.on_outcome(*o, &mut fx);
                if let Some((s, before)) = quiet {
                    self.dirty |= self.seen(Some(&s)) != before;
                }
            }
        }
        self.react_after_update(&mut fx);
        self.refresh_pending_quote();
        self.count_requests(&fx);
        self.sort_members();
        self.keep_grown_selection_whole();
        self.refresh_labels();
        self.settle_discard_note();
        self.settle_tied_note();
        self.quit_when_sent();
        self.settle_arrivals();
        // Back at the newest message: nothing below is unseen.
        if let Some(v) = self
            .current
            .as_ref()
            .and_then(|s| self.views.get_mut(s.as_str()))
        {
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

    /// A failure of a call doing `task`, in words.
    pub fn why(&self, e: &ApiError, task: Task) -> String {
        self.named(&explain_needing(
            e,
            permissions::scope_for(task, self.me.is_app).name(),
            &self.settings.profile,
        ))
    }

    /// How long until a message whose send ended unsure (by its `local/...` name) is
    /// sent again; none while an attempt is out.
    pub fn next_try(&self, local: &str) -> Option<Duration> {
        self.unsure.next_try(local, Instant::now())
    }

    pub fn is_me(&self, user: &str) -> bool {
        self.me.is(user)
    }

    /// Whether a message was sent by whoever is signed in.
    pub fn is_mine(&self, m: &Message) -> bool {
        self.me.sent(m)
    }

    /// Whether a message held in a timeline was sent by whoever is signed in.
    pub fn is_mine_item(&self, it: &Item) -> bool {
        self.me.sent_by(it.sender())
    }

    pub fn current_timeline(&self) -> Option<&Timeline> {
        self.current.as_ref().and_then(|s| self.store.timeline(s))
    }

    pub fn current_view(&self) -> Option<&ViewState> {
        self.current
            .as_ref()
            .and_then(|s| self.views.get(s.as_str()))
    }

    /// The name of a space as the server wrote it, if it is a valid one: where a name
    /// from the server (or picked from its list) enters the app's requests.
    pub fn space_name(name: &str) -> Option<SpaceName> {
        match SpaceName::parse(name) {
            Ok(n) if n.as_str() == name => Some(n),
            _ => {
                tracing::warn!("a space with an invalid name was skipped");
                None
            }
        }
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
        self.store.members(space).is_some_and(|m| {
            m.iter().any(|x| {
                x.member.as_ref().and_then(|u| u.name.as_deref()) == Some(me.as_str())
                    && x.role == Some(crate::api::model::MembershipRole::Manager)
            })
        })
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

    pub(super) fn look_up(&mut self, users: Vec<String>, fx: &mut Vec<Effect>) {
        let ask = self.people.to_look_up(users.iter().map(String::as_str));
        // Only `users/{numeric id}` is asked for, so each is a valid user name.
        let ask: Vec<crate::api::UserRef> = ask
            .iter()
            .filter_map(|u| crate::api::UserRef::parse(u).ok())
            .collect();
        for chunk in ask.chunks(200) {
            fx.push(Effect::Directory(DirectoryEffect::LookupPeople {
                users: chunk.to_vec(),
            }));
        }
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
