//! Notifications: the bell, a desktop notification by the terminal's own escape (OSC 9
//! or OSC 777), or one through the platform's notifier (D-Bus on Linux and the BSDs,
//! the notification centre on macOS), chosen per kind in `config.toml`.
//!
//! The bytes for the terminal are built here from cleaned text, and the event loop writes
//! them between frames through the terminal writer. Platform notifications go through
//! [`Desktop`], which hands them to a task of their own: never sent from the render loop.

pub mod desktop;

use serde::Deserialize;

/// How a notification is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// OSC 9 or OSC 777 where the terminal is known to show them, else `desktop` where a
    /// platform notifier is reachable, else the bell.
    #[default]
    Auto,
    /// The bell and `ESC ] 9 ; text BEL` (iTerm2, WezTerm, Ghostty, Windows Terminal).
    Osc9,
    /// The bell and `ESC ] 777 ; notify ; title ; body BEL` (VTE terminals, foot, urxvt).
    Osc777,
    /// The bell and a notification through the platform's notifier.
    Desktop,
    /// The bell only.
    Bell,
    /// Nothing.
    Off,
}

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A message in a direct message.
    Dm,
    /// An @mention of the user, or of everyone.
    Mention,
    /// A reply in a thread the user took part in.
    ThreadReply,
}

/// `notify` in `config.toml`: one mode for every kind, or one per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Config {
    All(Mode),
    PerKind(PerKind),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PerKind {
    pub dm: Mode,
    pub mention: Mode,
    pub thread_reply: Mode,
}

impl Default for PerKind {
    fn default() -> Self {
        PerKind {
            dm: Mode::Auto,
            mention: Mode::Auto,
            thread_reply: Mode::Auto,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config::All(Mode::Auto)
    }
}

impl Config {
    /// The mode per kind, with `auto` settled for the terminal `env` describes, on this
    /// platform.
    pub fn resolve(self, env: &dyn Fn(&str) -> Option<String>) -> PerKind {
        self.resolve_on(env, std::env::consts::OS)
    }

    /// [`Config::resolve`] on the platform `os` names (as `std::env::consts::OS` does).
    pub fn resolve_on(self, env: &dyn Fn(&str) -> Option<String>, os: &str) -> PerKind {
        let auto = auto_mode(env, os);
        let fix = |m: Mode| if m == Mode::Auto { auto } else { m };
        let p = match self {
            Config::All(m) => PerKind {
                dm: m,
                mention: m,
                thread_reply: m,
            },
            Config::PerKind(p) => p,
        };
        PerKind {
            dm: fix(p.dm),
            mention: fix(p.mention),
            thread_reply: fix(p.thread_reply),
        }
    }
}

impl PerKind {
    pub fn mode(&self, kind: Kind) -> Mode {
        match kind {
            Kind::Dm => self.dm,
            Kind::Mention => self.mention,
            Kind::ThreadReply => self.thread_reply,
        }
    }
}

/// What `auto` means in the terminal `env` describes, on the platform `os`: an escape
/// only where the terminal is known to show it, else the platform's notifier where one is
/// reachable, else the bell. Inside tmux or screen an escape would need wrapping, so the
/// platform's notifier (or the bell) is used there.
pub fn auto_mode(env: &dyn Fn(&str) -> Option<String>, os: &str) -> Mode {
    let fallback = if desktop_reachable(env, os) {
        Mode::Desktop
    } else {
        Mode::Bell
    };
    if env("TMUX").is_some() || env("STY").is_some() {
        return fallback;
    }
    let program = env("TERM_PROGRAM").unwrap_or_default();
    let term = env("TERM").unwrap_or_default();
    if matches!(program.as_str(), "iTerm.app" | "WezTerm" | "ghostty")
        || term.contains("ghostty")
        || env("WT_SESSION").is_some()
    {
        Mode::Osc9
    } else if env("VTE_VERSION").is_some() || term.starts_with("foot") || term.contains("rxvt") {
        Mode::Osc777
    } else {
        fallback
    }
}

/// Whether a platform notifier can be reached: macOS always; Linux and the BSDs through
/// the D-Bus session bus, when its address is known.
fn desktop_reachable(env: &dyn Fn(&str) -> Option<String>, os: &str) -> bool {
    match os {
        "macos" => true,
        "linux" | "freebsd" | "openbsd" | "netbsd" | "dragonfly" => {
            env("DBUS_SESSION_BUS_ADDRESS").is_some_and(|a| !a.trim().is_empty())
        }
        _ => false,
    }
}

/// The longest title and body written, in characters.
pub const TITLE_MAX: usize = 60;
pub const BODY_MAX: usize = 120;

/// `text` on one line, without control characters (which could end the escape early or
/// start another), and at most `max` characters.
pub fn clean(text: &str, max: usize, separator: bool) -> String {
    let flat = crate::clean::Clean::line(text).into_string();
    let mut out: String = flat
        .chars()
        .map(|c| {
            if c.is_control() {
                ' '
            } else if separator && c == ';' {
                ','
            } else {
                c
            }
        })
        .collect();
    if out.chars().count() > max {
        out = out.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
    }
    out
}

/// The bytes that give a notification `title` / `body` in `mode`.
pub fn escape(mode: Mode, title: &str, body: &str) -> String {
    match mode {
        Mode::Off => String::new(),
        Mode::Bell | Mode::Auto | Mode::Desktop => "\x07".into(),
        Mode::Osc9 => format!(
            "\x07\x1b]9;{}: {}\x07",
            clean(title, TITLE_MAX, false),
            clean(body, BODY_MAX, false)
        ),
        Mode::Osc777 => format!(
            "\x07\x1b]777;notify;{};{}\x07",
            clean(title, TITLE_MAX, true),
            clean(body, BODY_MAX, true)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_cannot_leave_the_escape() {
        let out = escape(
            Mode::Osc777,
            "Eve;\x1b]0;pwned\x07",
            "hi\x1b[2J\x07\x1b]777;notify;x;y\x07\u{9c}end",
        );
        // Exactly one escape opens and one bell closes it, after the leading bell.
        assert!(out.starts_with("\x07\x1b]777;notify;"));
        assert_eq!(out.matches('\x1b').count(), 1, "{out:?}");
        assert_eq!(out.matches('\x07').count(), 2, "{out:?}");
        assert!(!out.contains('\u{9c}'));
        // The title cannot add a field.
        assert_eq!(out.matches(';').count(), 3, "{out:?}");
        assert!(out.contains("Eve,"));
        assert!(out.ends_with("end\x07"));
    }

    #[test]
    fn long_text_is_cut() {
        let body = "x".repeat(1000);
        let out = escape(Mode::Osc9, "Bob", &body);
        assert!(out.chars().count() < BODY_MAX + 20);
        assert!(out.contains('…'));
    }

    #[test]
    fn modes_and_auto() {
        assert_eq!(escape(Mode::Off, "a", "b"), "");
        assert_eq!(escape(Mode::Bell, "a", "b"), "\x07");
        assert_eq!(escape(Mode::Osc9, "a", "b"), "\x07\x1b]9;a: b\x07");
        let env = |k: &str| (k == "VTE_VERSION").then(|| "7000".to_string());
        assert_eq!(Config::default().resolve_on(&env, "linux").dm, Mode::Osc777);
        let tmux = |k: &str| matches!(k, "VTE_VERSION" | "TMUX").then(String::new);
        assert_eq!(
            Config::default().resolve_on(&tmux, "linux").mention,
            Mode::Bell
        );
        let cfg: Config = toml::from_str::<Wrap>("notify = { dm = \"off\" }")
            .map(|w| w.notify)
            .unwrap_or_default();
        let p = cfg.resolve_on(&|_| None, "linux");
        assert_eq!((p.dm, p.mention), (Mode::Off, Mode::Bell));
    }

    type Vars = &'static [(&'static str, &'static str)];

    fn env_of(vars: Vec<(&'static str, &'static str)>) -> impl Fn(&str) -> Option<String> {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn auto_picks_escape_then_platform_notifier_then_bell() {
        const BUS: (&str, &str) = ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/1000/bus");
        let cases: &[(Vars, &str, Mode)] = &[
            // Terminals known to show an escape keep it, bus or not.
            (&[("TERM_PROGRAM", "WezTerm"), BUS], "linux", Mode::Osc9),
            (&[("VTE_VERSION", "7000"), BUS], "linux", Mode::Osc777),
            (&[("TERM_PROGRAM", "iTerm.app")], "macos", Mode::Osc9),
            // Elsewhere the platform's notifier, where it can be reached.
            (&[("TERM", "xterm-256color"), BUS], "linux", Mode::Desktop),
            (&[("TERM", "xterm-256color"), BUS], "freebsd", Mode::Desktop),
            (&[("TERM", "xterm-256color")], "macos", Mode::Desktop),
            (&[("TERM", "xterm-256color")], "linux", Mode::Bell),
            (
                &[("TERM", "xterm"), ("DBUS_SESSION_BUS_ADDRESS", " ")],
                "linux",
                Mode::Bell,
            ),
            (&[("TERM", "xterm"), BUS], "windows", Mode::Bell),
            // Inside tmux or screen the escape would need wrapping.
            (
                &[("VTE_VERSION", "7000"), ("TMUX", "/tmp/t,1,0"), BUS],
                "linux",
                Mode::Desktop,
            ),
            (
                &[("TERM_PROGRAM", "WezTerm"), ("STY", "1.pts")],
                "macos",
                Mode::Desktop,
            ),
            (
                &[("VTE_VERSION", "7000"), ("TMUX", "/tmp/t,1,0")],
                "linux",
                Mode::Bell,
            ),
            (&[], "linux", Mode::Bell),
        ];
        for (vars, os, want) in cases {
            let env = env_of(vars.to_vec());
            assert_eq!(auto_mode(&env, os), *want, "{vars:?} on {os}");
            let p = Config::default().resolve_on(&env, os);
            assert_eq!((p.dm, p.mention, p.thread_reply), (*want, *want, *want));
        }
        // An explicit mode is kept.
        let p = Config::All(Mode::Bell).resolve_on(&env_of(vec![BUS]), "macos");
        assert_eq!(p.dm, Mode::Bell);
        let cfg: Config = toml::from_str::<Wrap>("notify = { mention = \"desktop\" }")
            .map(|w| w.notify)
            .unwrap_or_default();
        assert_eq!(cfg.resolve_on(&|_| None, "linux").mention, Mode::Desktop);
    }

    #[derive(Deserialize)]
    struct Wrap {
        notify: Config,
    }
}
