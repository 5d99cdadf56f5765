//! The user's own state kept on the server: what they have read (shared with their other
//! Chat clients), which spaces are muted, and notifications of what arrives elsewhere;
//! with unread navigation and the mention count.
//!
//! Without a scope each feature falls back: read marks stay local (as before), mute is
//! unavailable, and `?` says why.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::api::model::Message;
use crate::api::scope::Scope;
use crate::api::{ApiError, SpaceName, ThreadName};
use crate::app::polls::Poll;
use crate::app::user_requests::UserEffect;
use crate::app::{App, Effect};
use crate::notify::{self};

/// How long after opening a space its read mark is first sent to the server.
pub const PUSH_AFTER: Duration = Duration::from_secs(2);

/// A space whose activity has not changed has its read state asked again only after
/// this many background polls (a read in another client shows by then): read states do
/// not cost a request per space per poll.
pub const READ_REFRESH_POLLS: u32 = 5;

/// At most this many unmoved spaces have their read state asked again a poll.
pub const STALE_READS_PER_POLL: usize = 2;

/// At most this many marked threads have their own read state asked on opening a space
/// (the newest first).
pub const THREAD_READS_ASKED: usize = 10;

/// The user's settings besides each space's (those are the workspace's: see
/// `store::ReadRecord`), and the notifications waiting to be shown.
#[derive(Debug, Default)]
pub struct UserState {
    /// Why read marks are not shared with the server, when they are not.
    pub readstate_off: Option<String>,
    /// Why muting is unavailable, when it is.
    pub mute_off: Option<String>,
    /// Notification escapes to write to the terminal between frames.
    pub(super) out: Vec<String>,
    /// Notifications for the platform's notifier.
    pub(super) desktop: Vec<notify::desktop::Request>,
}

impl UserState {
    /// The notifications to write to the terminal, taken.
    pub fn take_out(&mut self) -> Vec<String> {
        std::mem::take(&mut self.out)
    }

    /// The notifications for the platform's notifier, taken.
    pub fn take_desktop(&mut self) -> Vec<notify::desktop::Request> {
        std::mem::take(&mut self.desktop)
    }
}

/// Whether `m` mentions `me` (or everyone).
pub fn mentions(m: &Message, me: Option<&str>) -> bool {
    let all = m.text.as_deref().is_some_and(|t| t.contains("<users/all>"));
    all || m.annotations.iter().any(|a| {
        a.user_mention
            .as_ref()
            .and_then(|u| u.user.as_ref())
            .and_then(|u| u.name.as_deref())
            .is_some_and(|n| n == "users/all" || Some(n) == me)
    })
}

impl App {
    fn granted(&self, scope: Scope) -> bool {
        self.me
            .scopes
            .as_ref()
            .is_none_or(|have| scope.granted_in(have))
    }

    /// Read marks are shared with the server.
    pub fn shares_reads(&self) -> bool {
        !self.me.is_app
            && self.user_state.readstate_off.is_none()
            && self.granted(Scope::ChatUsersReadstate)
    }

    fn can_mute(&self) -> bool {
        !self.me.is_app
            && self.user_state.mute_off.is_none()
            && self.granted(Scope::ChatUsersSpacesettings)
    }

    /// Why read marks stay here, for the help screen; `None` when they are shared.
    pub fn reads_local_why(&self) -> Option<String> {
        if self.me.is_app {
            return Some("a Chat app has no read state".into());
        }
        if let Some(why) = &self.user_state.readstate_off {
            return Some(why.clone());
        }
        self.needs(&[Scope::ChatUsersReadstate])
            .map(|why| format!("read marks stay on this computer: {why}"))
    }

    /// Why muting is unavailable, for `?` and the refusal; `None` when it is not.
    pub fn mute_unavailable(&self) -> Option<String> {
        if self.me.is_app {
            return Some("a Chat app has no notification settings".into());
        }
        if let Some(why) = &self.user_state.mute_off {
            return Some(why.clone());
        }
        self.needs(&[Scope::ChatUsersSpacesettings])
    }

    /// The request that counts a space's unread messages: with the server's read state
    /// when it is shared and the space has moved since it was last asked (or it was
    /// asked long ago), else from the local mark alone.
    pub(super) fn unread_request(
        &mut self,
        space: SpaceName,
        after: Option<DateTime<Utc>>,
    ) -> Effect {
        if !self.shares_reads() {
            return Effect::User(UserEffect::CountUnread { space, after });
        }
        let now = Instant::now();
        let activity = self.space(&space).and_then(|s| self.store.activity(s));
        let stale = self.settings.background_poll * READ_REFRESH_POLLS;
        let ask = match self.store.reads(&space).and_then(|r| r.read_asked.as_ref()) {
            None => true,
            Some((at, seen)) => *seen != activity || now.duration_since(*at) >= stale,
        };
        if ask {
            self.store.reads_entry(&space).read_asked = Some((now, activity));
            Effect::User(UserEffect::ReadUnread { space, after })
        } else {
            Effect::User(UserEffect::CountUnread { space, after })
        }
    }

    /// After a spaces list: a space that shows unread messages but has not moved is
    /// asked its read state again once that is stale (a read in another client clears
    /// its count), at most [`STALE_READS_PER_POLL`] a poll, the longest-unasked first,
    /// so the cost stays flat in the number of spaces.
    pub(super) fn refresh_stale_reads(&mut self, fx: &mut Vec<Effect>) {
        if !self.shares_reads() || self.me.is_app {
            return;
        }
        let now = Instant::now();
        let stale = self.settings.background_poll * READ_REFRESH_POLLS;
        let mut due: Vec<(Option<Instant>, SpaceName)> = self
            .spaces
            .all
            .iter()
            .filter_map(|s| s.name.as_deref().and_then(Self::space_name))
            .filter(|n| Some(n) != self.current.as_ref() && self.store.unread_count(n) > 0)
            .filter(|n| !self.polls.busy(&Poll::Unread(n.clone())))
            .filter_map(
                |n| match self.store.reads(&n).and_then(|r| r.read_asked.as_ref()) {
                    Some((at, _)) if now.duration_since(*at) < stale => None,
                    Some((at, _)) => Some((Some(*at), n)),
                    None => Some((None, n)),
                },
            )
            .collect();
        due.sort();
        for (_, space) in due.into_iter().take(STALE_READS_PER_POLL) {
            self.count_unread(space, fx);
        }
    }

    /// Opening `space`: what the server says is read there.
    pub(super) fn read_state_on_open(&mut self, space: &SpaceName, fx: &mut Vec<Effect>) {
        let last_read = self.store.last_read(space);
        let reads = self.store.reads_entry(space);
        reads.mentions = 0;
        reads.moved_at = Some(Instant::now());
        reads.read_at_open = last_read;
        self.mark_unread_threads(space, fx);
        if self.shares_reads() {
            fx.push(Effect::User(UserEffect::GetReadState {
                space: space.clone(),
            }));
        }
    }

    /// Threads higher up with replies from others after what was read when `space` was
    /// opened are marked, as replies arriving while it is open are (and listed at the
    /// bottom to open).
    pub(super) fn mark_unread_threads(&mut self, space: &SpaceName, fx: &mut Vec<Effect>) {
        let Some(read) = self.store.reads(space).and_then(|r| r.read_at_open) else {
            return;
        };
        let Some(tl) = self.store.timeline(space).filter(|t| t.loaded) else {
            return;
        };
        let mut threads: Vec<(DateTime<Utc>, String)> = Vec::new();
        for i in tl.items() {
            if !i.is_reply() || i.is_local() || self.is_mine_item(i) || i.is_deleted() {
                continue;
            }
            if i.time() <= read {
                continue;
            }
            let t = i.thread().to_string();
            // Only a thread started before: a new thread is under the unread divider.
            let old_root = tl
                .items()
                .iter()
                .any(|r| r.thread() == t && !r.is_reply() && r.time() <= read);
            if !old_root {
                continue;
            }
            match threads.iter_mut().find(|(_, x)| *x == t) {
                Some(e) => e.0 = e.0.max(i.time()),
                None => threads.push((i.time(), t)),
            }
        }
        threads.sort();
        let shares = self.shares_reads();
        let v = self.views.entry(space.to_string()).or_default();
        let mut marked = Vec::new();
        for (_, t) in threads {
            if v.thread.as_deref() == Some(t.as_str()) {
                continue;
            }
            v.surfaced.retain(|s| *s != t);
            v.surfaced.push(t.clone());
            marked.push(t);
        }
        // A thread read in another client is not new: its own read state says (asked for
        // the newest few).
        if shares {
            let named = marked
                .iter()
                .rev()
                .filter_map(|t| ThreadName::parse(t).ok());
            for thread in named.take(THREAD_READS_ASKED) {
                fx.push(Effect::User(UserEffect::GetThreadReadState {
                    space: space.clone(),
                    thread,
                }));
            }
        }
    }

    /// A thread's read time from the server: marked threads read up to their newest
    /// reply (in another client) are not marked any more.
    pub(super) fn thread_read_is(&mut self, space: &str, thread: &str, read: DateTime<Utc>) {
        let read = self.believable(read);
        let newest = self.store.timeline(space).and_then(|tl| {
            tl.items()
                .iter()
                .filter(|i| i.thread() == thread && i.is_reply() && !self.is_mine_item(i))
                .map(|i| i.time())
                .max()
        });
        if newest.is_some_and(|n| n <= read) {
            if let Some(v) = self.views.get_mut(space) {
                v.surfaced.retain(|s| s != thread);
                self.dirty = true;
            }
        }
    }

    /// `Ctrl-r`: the sections, the open space's read state, and every space's read
    /// state with its next count, asked again.
    pub(super) fn refresh_user_state(&mut self, fx: &mut Vec<Effect>) {
        self.sections_on_spaces(fx);
        self.store.for_each_reads(|r| r.read_asked = None);
        // A reload counts every space again, with its read state.
        self.polls.recheck_all();
        if let (true, Some(space)) = (self.shares_reads(), self.current.clone()) {
            fx.push(Effect::User(UserEffect::GetReadState { space }));
        }
    }

    /// The first spaces list: which are muted.
    pub(super) fn user_state_on_spaces(&mut self, fx: &mut Vec<Effect>) {
        if !self.can_mute() {
            return;
        }
        let ask: Vec<SpaceName> = self
            .spaces
            .all
            .iter()
            .filter_map(|s| s.name.as_deref().and_then(Self::space_name))
            .filter(|n| !self.store.reads(n).is_some_and(|r| r.mute_asked))
            .collect();
        for space in ask {
            self.store.reads_entry(&space).mute_asked = true;
            fx.push(Effect::User(UserEffect::GetMute { space }));
        }
    }

    /// Every tick: the open space's read mark goes to the server once it rests, never
    /// backwards (only past what the server is known to hold).
    pub(super) fn push_reads(&mut self, now: Instant, fx: &mut Vec<Effect>) {
        if !self.shares_reads() {
            return;
        }
        let Some(space) = self.current.clone() else {
            return;
        };
        let Some(local) = self.store.last_read(&space) else {
            return;
        };
        // Only once the server's mark is known: it may be ahead (read elsewhere).
        let Some(server) = self.store.server_read(&space) else {
            return;
        };
        if local <= server
            || self
                .store
                .reads(&space)
                .is_some_and(|r| r.pushing.is_some())
        {
            return;
        }
        let rested = self
            .store
            .reads(&space)
            .and_then(|r| r.moved_at)
            .is_none_or(|t| now.duration_since(t) >= PUSH_AFTER);
        if rested {
            self.store.reads_entry(&space).pushing = Some(now);
            fx.push(Effect::User(UserEffect::SetReadState {
                space,
                time: local,
            }));
        }
    }

    /// A server read time as it may be used here: never later than now.
    pub(super) fn believable(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        t.min(self.settings.now())
    }

    /// What the server says is read in `space`: the local mark moves up to it.
    pub(super) fn server_read_is(&mut self, space: &SpaceName, t: Option<DateTime<Utc>>) {
        let Some(t) = t.map(|t| self.believable(t)) else {
            return;
        };
        self.store.reads_entry(space).server_read = Some(t);
        if self.store.last_read(space).is_none_or(|l| l < t) {
            self.store.set_last_read(space, t);
        }
    }

    pub(super) fn reads_refused(&mut self, e: &ApiError) -> bool {
        if matches!(e.code(), Some(401 | 403)) {
            self.user_state.readstate_off = Some(format!(
                "read marks stay on this computer: {}",
                self.named(&crate::app::explain_needing(
                    e,
                    Scope::ChatUsersReadstate.name(),
                    &self.settings.profile,
                ))
            ));
            return true;
        }
        false
    }
}
