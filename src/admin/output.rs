//! Tables for people, JSON for programs.

use std::io::{IsTerminal, Write};

use chrono::{DateTime, Local, Utc};
use serde::Serialize;
use unicode_width::UnicodeWidthChar;

use super::exit::Failure;

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Jsonl,
}

/// Makes server text safe for one line of output: the shared cleaner's one-line form
/// (controls shown as symbols, bidi overrides and invisible characters dropped, line
/// breaks as spaces), so nothing can move the cursor, set the title or reorder the line.
pub fn clean(s: &str) -> String {
    crate::clean::Clean::line(s).into_string()
}

/// Display width in terminal columns (CJK and emoji take two).
pub fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// The first line of `s`, cut to `max` columns with an ellipsis.
pub fn excerpt(s: &str, max: usize) -> String {
    let first = s.lines().next().unwrap_or("");
    let more_lines = s.trim_end().lines().nth(1).is_some();
    let first = clean(first);
    let mut out = String::new();
    let mut w = 0;
    for c in first.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw > max.saturating_sub(1) {
            out.push('…');
            return out;
        }
        w += cw;
        out.push(c);
    }
    if more_lines {
        out.push_str(" …");
    }
    out
}

/// A time in the local zone, to the minute.
pub fn local_time(t: Option<&DateTime<Utc>>) -> String {
    t.map(|t| t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// Columns aligned by display width; the last column is not padded.
pub struct Table {
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(headers: &[&'static str]) -> Self {
        Table {
            headers: headers.to_vec(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows
            .push(cells.into_iter().map(|c| clean(&c)).collect());
    }

    pub fn render(&self) -> String {
        let n = self.headers.len();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| width(h)).collect();
        for r in &self.rows {
            for (i, c) in r.iter().enumerate().take(n) {
                widths[i] = widths[i].max(width(c));
            }
        }
        let mut out = String::new();
        let line = |cells: Vec<&str>, out: &mut String| {
            let mut s = String::new();
            for (i, c) in cells.iter().enumerate() {
                s.push_str(c);
                if i + 1 < cells.len() {
                    s.push_str(&" ".repeat(widths[i] - width(c) + 2));
                }
            }
            out.push_str(s.trim_end());
            out.push('\n');
        };
        line(self.headers.clone(), &mut out);
        for r in &self.rows {
            line(r.iter().map(String::as_str).collect(), &mut out);
        }
        out
    }
}

/// Writes to stdout; a closed pipe (`| head`) ends the output quietly.
pub fn print(s: &str) -> Result<(), Failure> {
    print_bytes(s.as_bytes())
}

/// Writes bytes to stdout; a closed pipe (`| head`) ends the output quietly.
pub fn print_bytes(b: &[u8]) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(b).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::other(format!("could not write the output: {e}."))),
    }
}

/// One JSON document (pretty) or one line of JSON.
pub fn json<T: Serialize + ?Sized>(v: &T, pretty: bool) -> Result<(), Failure> {
    let s = if pretty {
        serde_json::to_string_pretty(v)
    } else {
        serde_json::to_string(v)
    }
    .map_err(|e| Failure::other(format!("could not write JSON: {e}.")))?;
    print(&format!("{s}\n"))
}

/// A counter on stderr while a list is fetched, only when stderr is a terminal.
pub struct Progress {
    on: bool,
    what: &'static str,
    shown: bool,
}

impl Progress {
    pub fn new(what: &'static str) -> Self {
        Progress {
            on: std::io::stderr().is_terminal(),
            what,
            shown: false,
        }
    }
    pub fn update(&mut self, n: usize) {
        if self.on {
            say_err!("\r\x1b[K{}… {n}", self.what);
            self.shown = true;
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if self.shown {
            say_err!("\r\x1b[K");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_columns_line_up() {
        let mut t = Table::new(&["NAME", "ID"]);
        t.row(vec!["工程部".into(), "spaces/A".into()]);
        t.row(vec!["Team Rust".into(), "spaces/B".into()]);
        let s = t.render();
        let cols: Vec<usize> = s
            .lines()
            .map(|l| width(&l[..l.rfind("  ").map_or(0, |i| i + 2)]))
            .collect();
        assert_eq!(cols, vec![11, 11, 11], "{s}");
    }

    #[test]
    fn hostile_text_cannot_escape_its_cell() {
        let mut t = Table::new(&["TEXT"]);
        t.row(vec!["a\x1b[2Jb\r\nc\u{202e}d".into()]);
        let s = t.render();
        assert!(!s.contains('\x1b') && !s.contains('\r') && !s.contains('\u{202e}'));
        assert_eq!(s.lines().count(), 2, "{s:?}");
    }

    #[test]
    fn excerpts_cut_by_width() {
        assert_eq!(excerpt("你好世界", 5), "你好…");
        assert_eq!(excerpt("one\ntwo", 20), "one …");
        assert_eq!(excerpt("short", 20), "short");
    }
}
