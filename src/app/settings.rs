//! Who is signed in, and the settings the app runs with: where "now" comes from, the
//! time zone, polling intervals.

use std::time::Duration;

use chrono::{DateTime, FixedOffset, Offset, TimeZone, Utc};

use crate::api::model::{Message, User};

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
    /// The demo's built-in emulator's address, for `?` (others can act in it there).
    pub demo_endpoint: Option<String>,
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
    /// How each kind of notification is given.
    pub notify: crate::notify::PerKind,
    /// Where attachments are saved (`download_dir` in config.toml), when set.
    pub download_dir: Option<std::path::PathBuf>,
    /// What was wrong in the config and keymap files, each whole, for the help.
    pub problems: Vec<String>,
}

impl Identity {
    /// Whether `user` (`users/123`) is whoever is signed in.
    pub fn is(&self, user: &str) -> bool {
        self.user.as_deref() == Some(user)
    }

    /// Whether whoever is signed in sent `m`.
    pub fn sent(&self, m: &Message) -> bool {
        self.sent_by(m.sender.as_ref())
    }

    /// Whether whoever is signed in is `sender`.
    pub fn sent_by(&self, sender: Option<&User>) -> bool {
        let Some(sender) = sender else {
            return false;
        };
        if self.is_app {
            return sender.is_bot()
                && self
                    .user
                    .as_deref()
                    .is_none_or(|u| sender.name.as_deref() == Some(u));
        }
        sender.name.as_deref().is_some_and(|n| self.is(n))
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            demo: false,
            source: String::new(),
            demo_endpoint: None,
            poll: Duration::from_secs(5),
            background_poll: Duration::from_secs(60),
            zone: Zone::Local,
            clock: Clock::System,
            profile: "default".into(),
            keymap_file: None,
            notify: crate::notify::Config::default().resolve(&|_| None),
            download_dir: None,
            problems: Vec::new(),
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
