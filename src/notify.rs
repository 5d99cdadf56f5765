//! Notifications written to the terminal: the bell, and a desktop notification by the
//! terminal's own escape (OSC 9 or OSC 777), chosen per kind in `config.toml`.
//!
//! Everything here is pure: the bytes to write are built from cleaned text, and the
//! event loop writes them between frames through the terminal writer.

use serde::Deserialize;

/// How a notification is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// OSC 9 or OSC 777 where the terminal is known to show them, else the bell.
    #[default]
    Auto,
    /// The bell and `ESC ] 9 ; text BEL` (iTerm2, WezTerm, Ghostty, Windows Terminal).
    Osc9,
    /// The bell and `ESC ] 777 ; notify ; title ; body BEL` (VTE terminals, foot, urxvt).
    Osc777,
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
    /// The mode per kind, with `auto` settled for the terminal `env` describes.
    pub fn resolve(self, env: &dyn Fn(&str) -> Option<String>) -> PerKind {
        let auto = auto_mode(env);
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

/// What `auto` means in the terminal `env` describes: an escape only where the terminal
/// is known to show it (inside tmux or screen it would need wrapping: the bell).
fn auto_mode(env: &dyn Fn(&str) -> Option<String>) -> Mode {
    if env("TMUX").is_some() || env("STY").is_some() {
        return Mode::Bell;
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
        Mode::Bell
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
        Mode::Bell | Mode::Auto => "\x07".into(),
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
        assert_eq!(Config::default().resolve(&env).dm, Mode::Osc777);
        let tmux = |k: &str| matches!(k, "VTE_VERSION" | "TMUX").then(String::new);
        assert_eq!(Config::default().resolve(&tmux).mention, Mode::Bell);
        let cfg: Config = toml::from_str::<Wrap>("notify = { dm = \"off\" }")
            .map(|w| w.notify)
            .unwrap_or_default();
        let p = cfg.resolve(&|_| None);
        assert_eq!((p.dm, p.mention), (Mode::Off, Mode::Bell));
    }

    #[derive(Deserialize)]
    struct Wrap {
        notify: Config,
    }
}
