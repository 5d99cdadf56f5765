//! Text that came from someone else (the server, a file), made safe to draw.
//!
//! A terminal obeys the bytes it is sent: ESC and the C1 controls start sequences that set
//! the window title, write the clipboard (OSC 52) or clear the screen; CR moves the cursor;
//! bidirectional overrides make a name render reversed. [`Clean`] is text with none of
//! that: every string from outside passes [`Clean::text`] or [`Clean::line`] (one
//! function, [`clean_into`]) before it becomes a span, and the UI's labels are `Clean` by
//! type. The models keep the real text, so what is sent back (an edit) is what was there.
//!
//! The rules, per character:
//! - newline is kept by [`Clean::text`] and is a space in [`Clean::line`]; CR LF is a
//!   newline; U+2028/U+2029 (line/paragraph separators) are newlines too;
//! - tab becomes spaces, to the next multiple of [`TAB`] columns;
//! - every other C0 control and DEL is shown as its Control Pictures symbol (ESC as `␛`,
//!   BEL as `␇`, CR as `␍`, DEL as `␡`), one column, like the character it stands for;
//! - the C1 controls (U+0080–U+009F, including U+009B, a one-character CSI) are shown as
//!   `�`;
//! - bidirectional embeddings, overrides, isolates and marks (U+202A–U+202E,
//!   U+2066–U+2069, U+200E, U+200F, U+061C) and the invisible characters that can hide
//!   text or spoof a name (U+200B, U+2060–U+2064, U+FEFF, U+FFF9–U+FFFB) are dropped;
//! - everything else (CJK, emoji with their joiners, combining marks) is kept exactly.
//!
//! Cleaning is idempotent: cleaning clean text changes nothing.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

use unicode_width::UnicodeWidthChar;

/// Tab stops are every this many columns.
pub const TAB: usize = 4;

/// What happens to one character on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Drawn as it is.
    Keep,
    /// A line break (newline, CR LF's newline, U+2028, U+2029).
    Newline,
    /// Spaces to the next tab stop.
    Tab,
    /// Drawn as this visible symbol instead.
    As(char),
    /// Not drawn at all.
    Drop,
}

/// How `c` is shown. CR is [`Shown::As`] `␍` here; [`clean_into`] makes CR LF a newline.
pub fn shown(c: char) -> Shown {
    match c {
        '\n' | '\u{2028}' | '\u{2029}' => Shown::Newline,
        '\t' => Shown::Tab,
        // C0: U+2400 + code is its picture (␀ … ␟).
        '\0'..='\u{1f}' => Shown::As(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}')),
        '\u{7f}' => Shown::As('\u{2421}'),
        '\u{80}'..='\u{9f}' => Shown::As('\u{fffd}'),
        '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{061c}'
        | '\u{200b}'
        | '\u{2060}'..='\u{2064}'
        | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}' => Shown::Drop,
        _ => Shown::Keep,
    }
}

/// Appends `raw`, cleaned, to `out`. Newlines are kept when `multiline`, else spaces.
/// `col` is the column `out` ends at, for tab stops.
pub fn clean_into(raw: &str, multiline: bool, out: &mut String) {
    let mut col = out
        .rsplit('\n')
        .next()
        .map_or(0, |l| l.chars().filter_map(|c| c.width()).sum());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        let how = if c == '\r' && chars.peek() == Some(&'\n') {
            // CR LF is one line break.
            chars.next();
            Shown::Newline
        } else {
            shown(c)
        };
        match how {
            Shown::Keep => {
                out.push(c);
                col += c.width().unwrap_or(0);
            }
            Shown::Newline if multiline => {
                out.push('\n');
                col = 0;
            }
            Shown::Newline => {
                out.push(' ');
                col += 1;
            }
            Shown::Tab => {
                let n = TAB - col % TAB;
                out.extend(std::iter::repeat_n(' ', n));
                col += n;
            }
            Shown::As(v) => {
                out.push(v);
                col += 1;
            }
            Shown::Drop => {}
        }
    }
}

/// Text that is safe to draw: made only by cleaning (see the module docs).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Clean(String);

impl Clean {
    /// Text of several lines (a message): newlines kept.
    pub fn text(raw: &str) -> Clean {
        let mut s = String::with_capacity(raw.len());
        clean_into(raw, true, &mut s);
        Clean(s)
    }

    /// Text for one line (a name, a title, an error): newlines become spaces.
    pub fn line(raw: &str) -> Clean {
        let mut s = String::with_capacity(raw.len());
        clean_into(raw, false, &mut s);
        Clean(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// Appends more outside text, cleaned, on the same line.
    pub fn push_line(&mut self, raw: &str) {
        clean_into(raw, false, &mut self.0);
    }
}

impl Deref for Clean {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Clean {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Clean {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for Clean {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Clean {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl From<Clean> for String {
    fn from(c: Clean) -> String {
        c.0
    }
}

impl From<Clean> for Cow<'static, str> {
    fn from(c: Clean) -> Self {
        Cow::Owned(c.0)
    }
}

/// A terminal cell's symbol with nothing in it that the terminal would obey: the last
/// guard, for text that reached the screen without being cleaned (an editor's buffer).
/// Answers `None` when the symbol is fine as it is. Controls take one column in a cell,
/// and so do their symbols, so the layout does not move.
pub fn cell_symbol(symbol: &str) -> Option<String> {
    if symbol.chars().all(|c| shown(c) == Shown::Keep) {
        return None;
    }
    let mut s = String::new();
    for c in symbol.chars() {
        match shown(c) {
            Shown::Keep => s.push(c),
            Shown::As(v) => s.push(v),
            Shown::Newline | Shown::Tab => s.push(' '),
            Shown::Drop => {}
        }
    }
    if s.is_empty() {
        s.push(' ');
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_safe(s: &str) -> bool {
        s.chars().all(|c| {
            !c.is_control() || c == '\n' // newlines only where kept
        }) && !s.chars().any(|c| shown(c) == Shown::Drop)
    }

    #[test]
    fn every_c0_control_and_del_is_shown_as_its_symbol() {
        for b in (0u32..0x20).chain([0x7f]) {
            let c = char::from_u32(b).unwrap();
            if c == '\n' || c == '\t' {
                continue;
            }
            let got = Clean::line(&format!("a{c}b"));
            assert_eq!(got.chars().count(), 3, "{b:#x}: {got:?}");
            let mid = got.chars().nth(1).unwrap();
            assert!(!mid.is_control(), "{b:#x} left as {mid:?}");
            assert_eq!(mid.width(), Some(1), "{b:#x} takes one column");
        }
        assert_eq!(Clean::line("\x1b").as_str(), "␛");
        assert_eq!(Clean::line("\x07").as_str(), "␇");
        assert_eq!(Clean::line("\0").as_str(), "␀");
        assert_eq!(Clean::line("\x7f").as_str(), "␡");
        assert_eq!(Clean::line("a\rb").as_str(), "a␍b");
    }

    #[test]
    fn every_c1_control_is_replaced() {
        for b in 0x80u32..=0x9f {
            let c = char::from_u32(b).unwrap();
            let got = Clean::text(&format!("x{c}[2J"));
            assert_eq!(got.as_str(), "x\u{fffd}[2J", "{b:#x}");
        }
        // U+009B is CSI on its own.
        assert!(!Clean::line("\u{9b}31m").contains('\u{9b}'));
    }

    #[test]
    fn escape_sequences_lose_their_escape() {
        let cases = [
            ("\x1b]0;PWNED\x07", "␛]0;PWNED␇"),
            ("\x1b]2;T\x1b\\", "␛]2;T␛\\"),
            ("\x1b]52;c;cHduZWQ=\x07", "␛]52;c;cHduZWQ=␇"),
            ("\x1b[2J", "␛[2J"),
            ("\x1b[31mred\x1b[0m", "␛[31mred␛[0m"),
            ("\x1bP1$r\x1b\\", "␛P1$r␛\\"),
            ("\u{9d}0;x\u{9c}", "\u{fffd}0;x\u{fffd}"),
        ];
        for (raw, want) in cases {
            assert_eq!(Clean::line(raw).as_str(), want, "{raw:?}");
            assert_eq!(Clean::text(raw).as_str(), want, "{raw:?}");
            assert!(is_safe(Clean::text(raw).as_str()));
        }
    }

    #[test]
    fn bidi_controls_and_invisible_spoofers_are_dropped() {
        let spoofers = [
            '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{200e}', '\u{200f}', '\u{061c}', '\u{200b}', '\u{2060}',
            '\u{feff}',
        ];
        for c in spoofers {
            assert_eq!(Clean::line(&format!("ab{c}cd")).as_str(), "abcd", "{c:?}");
        }
        // A name that would render as "exe.png" shows in its real order.
        assert_eq!(Clean::line("\u{202e}gnp.exe").as_str(), "gnp.exe");
    }

    #[test]
    fn newlines_tabs_and_crlf() {
        assert_eq!(Clean::text("a\nb\r\nc").as_str(), "a\nb\nc");
        assert_eq!(Clean::line("a\nb\r\nc").as_str(), "a b c");
        assert_eq!(Clean::text("a\u{2028}b\u{2029}c").as_str(), "a\nb\nc");
        // Tabs go to the next multiple of four columns, counted per line, in display width.
        assert_eq!(Clean::text("\tx").as_str(), "    x");
        assert_eq!(Clean::text("ab\tx\ncdefg\ty").as_str(), "ab  x\ncdefg   y");
        assert_eq!(Clean::line("王\tx").as_str(), "王  x");
        let mut c = Clean::line("ab");
        c.push_line("\tz");
        assert_eq!(c.as_str(), "ab  z");
    }

    #[test]
    fn ordinary_text_is_kept_exactly() {
        for s in [
            "午饭一起吗？楼下新开了一家拉面店",
            "Carol Díaz · 王芳 · 陈小明",
            "🎉 👍🏽 👨‍👩‍👧 🏳️‍🌈 ⚠ ✓",
            "مرحبا بالعالم",
            "e\u{301}", // a combining accent
            "*bold* _it_ `code` <https://e.com|docs>",
            "می\u{200c}خواهم", // ZWNJ joins Persian words: kept
        ] {
            assert_eq!(Clean::text(s).as_str(), s);
            assert_eq!(Clean::line(s).as_str(), s);
        }
    }

    #[test]
    fn cleaning_is_idempotent() {
        let raw = "a\x1b]0;t\x07\tb\r\nc\u{202e}d\u{9b}e\x7f\u{2028}f";
        for once in [Clean::text(raw), Clean::line(raw)] {
            assert_eq!(Clean::text(&once).as_str(), once.as_str());
            assert!(is_safe(&once));
        }
    }

    #[test]
    fn every_char_below_u_a0_comes_out_safe() {
        let all: String = (0u32..0xa0).filter_map(char::from_u32).collect();
        let t = Clean::text(&all);
        assert!(is_safe(&t), "{t:?}");
        let l = Clean::line(&all);
        assert!(!l.contains('\n') && is_safe(&l), "{l:?}");
    }

    #[test]
    fn invalid_utf8_from_outside_cannot_reach_a_string() {
        // Rust strings are UTF-8; the decoders either refuse or replace, never pass
        // raw bytes through (a lone surrogate escape is refused too).
        assert!(serde_json::from_slice::<String>(b"\"a\xff\x1b\"").is_err());
        assert!(serde_json::from_str::<String>(r#""\ud800""#).is_err());
        let lossy = String::from_utf8_lossy(b"a\xc2\x9b2J");
        assert_eq!(Clean::line(&lossy).as_str(), "a\u{fffd}2J");
    }

    #[test]
    fn cell_symbols_are_guarded() {
        assert_eq!(cell_symbol("a"), None);
        assert_eq!(cell_symbol("王"), None);
        assert_eq!(cell_symbol("\x1b").as_deref(), Some("␛"));
        assert_eq!(cell_symbol("\r").as_deref(), Some("␍"));
        assert_eq!(cell_symbol("\t").as_deref(), Some(" "));
        assert_eq!(cell_symbol("\u{202e}").as_deref(), Some(" "));
        assert_eq!(cell_symbol("\u{9b}").as_deref(), Some("\u{fffd}"));
    }
}
