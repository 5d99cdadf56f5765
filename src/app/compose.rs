//! The compose box: what it will do (new thread, reply, edit), and a draft per space and
//! thread that survives Esc, switching spaces and failed sends.

use std::cell::Cell;
use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_textarea::{CursorMove, TextArea};

use super::undo_runs::{Edit, UndoRuns};

/// The most text a message may carry. Google's server answers 400 above 4,096 characters
/// of `text`; they are counted as Unicode characters (code points), as the emulator does,
/// of the text as sent (mentions as `<users/ID>`).
pub const LIMIT: usize = 4096;

/// From this many characters left (this many included), the box counts them on its edge.
pub const COUNT_FROM: usize = 500;

/// Discarding a draft longer than this (characters, or lines) asks first.
pub const DISCARD_ASKS_OVER: (usize, usize) = (200, 3);

/// What an empty box says while typing in it.
pub const PLACEHOLDER: &str =
    "Write a message. Enter sends, Alt-Enter or Ctrl-J for a new line, Esc to leave.";

/// Steps of undo kept per box (tui-textarea's default is 50 single keys).
const HISTORY: usize = 1000;

/// The text keys of a shell (readline) on a text box, over tui-textarea's own:
/// Ctrl-a/Ctrl-e line start and end, Ctrl-u/Ctrl-k delete to the line's start and end,
/// Ctrl-w/Alt-Backspace and Alt-d delete a word back and forward, Alt-b/Alt-f move by
/// words, Ctrl-b/Ctrl-f/Ctrl-h/Ctrl-d as in a shell. tui-textarea's other shortcuts
/// (Ctrl-u undo, Ctrl-x cut, Ctrl-v scroll...) are not used. Answers whether the text
/// changed.
pub fn edit(t: &mut TextArea<'_>, k: KeyEvent) -> bool {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let alt = k.modifiers.contains(KeyModifiers::ALT);
    let moved = |t: &mut TextArea<'_>, m: CursorMove| {
        t.move_cursor(m);
        false
    };
    match (k.code, ctrl, alt) {
        (KeyCode::Char(c), true, false) => match c.to_ascii_lowercase() {
            'a' => moved(t, CursorMove::Head),
            'e' => moved(t, CursorMove::End),
            'b' => moved(t, CursorMove::Back),
            'f' => moved(t, CursorMove::Forward),
            'p' => moved(t, CursorMove::Up),
            'n' => moved(t, CursorMove::Down),
            'u' => t.delete_line_by_head(),
            'k' => t.delete_line_by_end(),
            'w' => t.delete_word(),
            'h' => t.delete_char(),
            'd' => t.delete_next_char(),
            _ => false,
        },
        (KeyCode::Char(c), false, true) => match c {
            'b' => moved(t, CursorMove::WordBack),
            'f' => {
                word_end_forward(t);
                false
            }
            'd' => t.delete_next_word(),
            _ => false,
        },
        (KeyCode::Backspace, _, true) => t.delete_word(),
        (KeyCode::Left, true, _) => moved(t, CursorMove::WordBack),
        (KeyCode::Right, true, _) => {
            word_end_forward(t);
            false
        }
        (KeyCode::Left, ..) => moved(t, CursorMove::Back),
        (KeyCode::Right, ..) => moved(t, CursorMove::Forward),
        (KeyCode::Up, ..) => moved(t, CursorMove::Up),
        (KeyCode::Down, ..) => moved(t, CursorMove::Down),
        (KeyCode::Home, ..) => moved(t, CursorMove::Head),
        (KeyCode::End, ..) => moved(t, CursorMove::End),
        (KeyCode::Char(_), true, true) => false,
        _ => t.input_without_shortcuts(k),
    }
}

/// A shell's Alt-f: to the end of the next word (tui-textarea's `WordForward` stops at
/// the next word's start, as vi's `w` does). At a line's end, to the next line.
fn word_end_forward(t: &mut TextArea<'_>) {
    let (r, c) = t.cursor();
    let rest: Vec<char> = t
        .lines()
        .get(r)
        .map(|l| l.chars().skip(c).collect())
        .unwrap_or_default();
    if rest.is_empty() {
        t.move_cursor(CursorMove::Forward);
        return;
    }
    let gap = rest.iter().take_while(|ch| !ch.is_alphanumeric()).count();
    let word = rest[gap..]
        .iter()
        .take_while(|ch| ch.is_alphanumeric())
        .count();
    for _ in 0..gap + word {
        t.move_cursor(CursorMove::Forward);
    }
}

/// Empties `t` as one step its undo takes back. Selects from the first line's start to
/// the last line's end by moves that count in `usize` (tui-textarea's `select_all` jumps
/// to row and column `u16::MAX`, leaving text past 65,535 lines or characters behind).
pub fn discard_all(t: &mut TextArea<'_>) -> bool {
    t.cancel_selection();
    t.move_cursor(CursorMove::Top);
    t.move_cursor(CursorMove::Head);
    t.start_selection();
    t.move_cursor(CursorMove::Bottom);
    t.move_cursor(CursorMove::End);
    let cut = t.cut();
    t.cancel_selection();
    cut
}

/// A text box's settings: no underlined cursor line, a long undo.
pub fn setup(t: &mut TextArea<'_>) {
    t.set_cursor_line_style(ratatui::style::Style::default());
    t.set_max_histories(HISTORY);
}

/// `n` with a comma between thousands, as the README writes counts: 4,096.
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// Characters in `lines` as a message: line breaks count.
pub fn count(lines: &[String]) -> usize {
    lines.iter().map(|l| l.chars().count()).sum::<usize>() + lines.len().saturating_sub(1)
}

/// What sending the box does.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// A new message, starting a thread.
    New,
    /// A reply in the thread `thread`, whose first message was from `to`.
    Reply { thread: String },
    /// An edit of message `message`.
    Edit { message: String },
}

/// A draft as kept on disk.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Draft {
    pub space: String,
    pub target: Target,
    pub text: String,
}

pub struct Compose {
    pub textarea: TextArea<'static>,
    pub space: Option<String>,
    pub target: Target,
    /// Shown in the title: whom a reply answers.
    pub reply_to: Option<String>,
    /// Why the last send or edit from this box was refused.
    pub error: Option<String>,
    /// The first wrapped line shown: the drawing keeps the caret in view from here.
    pub scroll: Cell<usize>,
    /// The runs undo takes back, for the text in the box now.
    pub runs: UndoRuns,
    /// The mention popup, while an `@name` is being typed.
    pub popup: Option<super::mention_pick::Popup>,
    /// Where the `@` was whose popup Esc closed: it stays closed for that `@`.
    pub dismissed: Option<(usize, usize)>,
    /// Mentions chosen from the popup: sent as their `<users/ID>` tokens.
    pub picked: Vec<super::mentions::Mention>,
    /// Where the caret stood right after a mention was inserted with its trailing
    /// space: a space typed there is absorbed rather than doubled.
    pub after_mention: Option<(usize, usize)>,
    drafts: HashMap<(String, Target), Vec<String>>,
}

impl Default for Compose {
    fn default() -> Self {
        Compose {
            textarea: fresh(Vec::new()),
            space: None,
            target: Target::New,
            reply_to: None,
            error: None,
            scroll: Cell::new(0),
            runs: UndoRuns::default(),
            popup: None,
            dismissed: None,
            picked: Vec::new(),
            after_mention: None,
            drafts: HashMap::new(),
        }
    }
}

fn fresh(lines: Vec<String>) -> TextArea<'static> {
    let mut t = if lines.is_empty() {
        TextArea::default()
    } else {
        TextArea::new(lines)
    };
    setup(&mut t);
    t.move_cursor(CursorMove::Bottom);
    t.move_cursor(CursorMove::End);
    t
}

impl Compose {
    pub fn text(&self) -> String {
        self.textarea.lines().join("\n")
    }

    /// Characters in the box, as the limit counts them.
    pub fn chars(&self) -> usize {
        count(self.textarea.lines())
    }

    /// Whether discarding the draft asks first.
    pub fn discard_asks(&self) -> bool {
        self.chars() > DISCARD_ASKS_OVER.0 || self.textarea.lines().len() > DISCARD_ASKS_OVER.1
    }

    /// Empties the box and forgets its draft; undo in the box brings the text back.
    pub fn discard(&mut self) {
        self.wipe();
        self.error = None;
        self.save_draft();
    }

    /// Empties the box as one undo step.
    pub fn wipe(&mut self) {
        if discard_all(&mut self.textarea) {
            self.runs.record(Edit::Other);
        }
    }

    pub fn is_blank(&self) -> bool {
        self.textarea.lines().iter().all(|l| l.trim().is_empty())
    }

    fn key(&self) -> Option<(String, Target)> {
        self.space.clone().map(|s| (s, self.target.clone()))
    }

    /// Keeps what is in the box as the draft for its space and target.
    pub fn save_draft(&mut self) {
        if let Some(k) = self.key() {
            if self.is_blank() {
                self.drafts.remove(&k);
            } else {
                self.drafts.insert(k, self.textarea.lines().to_vec());
            }
        }
    }

    /// Points the box at another space or target, keeping the current draft and
    /// bringing back the one for the new place. `prefill` is used when there is none
    /// (an edit starts from the message's text).
    pub fn switch(
        &mut self,
        space: &str,
        target: Target,
        reply_to: Option<String>,
        prefill: Option<&str>,
    ) {
        if self.space.as_deref() == Some(space) && self.target == target {
            return;
        }
        self.save_draft();
        self.space = Some(space.to_string());
        self.target = target;
        self.reply_to = reply_to;
        self.error = None;
        let lines = self
            .drafts
            .get(&(space.to_string(), self.target.clone()))
            .cloned()
            .or_else(|| prefill.map(|p| p.split('\n').map(String::from).collect()))
            .unwrap_or_default();
        self.runs = UndoRuns::default();
        self.textarea = fresh(lines);
        self.scroll.set(0);
        self.popup = None;
        self.dismissed = None;
    }

    /// After a send: the box and its draft are empty.
    pub fn clear(&mut self) {
        if let Some(k) = self.key() {
            self.drafts.remove(&k);
        }
        self.runs = UndoRuns::default();
        self.textarea = fresh(Vec::new());
        self.error = None;
        self.popup = None;
        self.dismissed = None;
    }

    /// Puts `text` in the box (a failed message taken back, a rejected edit).
    pub fn set_text(&mut self, text: &str) {
        self.runs = UndoRuns::default();
        self.textarea = fresh(text.split('\n').map(String::from).collect());
        self.save_draft();
    }

    /// Every draft, the one in the box included: to keep across runs.
    pub fn export(&mut self) -> Vec<Draft> {
        self.save_draft();
        self.drafts
            .iter()
            .map(|((space, target), lines)| Draft {
                space: space.clone(),
                target: target.clone(),
                text: lines.join("\n"),
            })
            .collect()
    }

    /// Every draft, the one in the box included, in a stable order, without touching
    /// the box: what the saver compares and keeps while gchat runs.
    pub fn snapshot(&self) -> Vec<Draft> {
        let current = self.key();
        let mut v: Vec<Draft> = self
            .drafts
            .iter()
            .filter(|(k, _)| Some(*k) != current.as_ref())
            .map(|((space, target), lines)| Draft {
                space: space.clone(),
                target: target.clone(),
                text: lines.join("\n"),
            })
            .collect();
        if let Some((space, target)) = current {
            if !self.is_blank() {
                v.push(Draft {
                    space,
                    target,
                    text: self.text(),
                });
            }
        }
        v.sort_by(|a, b| (&a.space, &a.target).cmp(&(&b.space, &b.target)));
        v
    }

    /// Brings back drafts from an earlier run (the box's current text wins).
    pub fn import(&mut self, drafts: Vec<Draft>) {
        for d in drafts {
            if d.text.trim().is_empty() {
                continue;
            }
            let key = (d.space, d.target);
            self.drafts
                .entry(key)
                .or_insert_with(|| d.text.split('\n').map(String::from).collect());
        }
        if let Some(k) = self.key() {
            if self.is_blank() {
                if let Some(lines) = self.drafts.get(&k) {
                    self.runs = UndoRuns::default();
                    self.textarea = fresh(lines.clone());
                }
            }
        }
    }

    /// Adds `text` to the draft for `space` and `target` (after what is there): words
    /// that can no longer be sent are kept, not dropped.
    pub fn keep(&mut self, space: &str, target: Target, text: &str) {
        if text.trim().is_empty() {
            return;
        }
        let here = self.key().as_ref() == Some(&(space.to_string(), target.clone()));
        if here {
            self.save_draft();
        }
        let lines = self.drafts.entry((space.to_string(), target)).or_default();
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(text.split('\n').map(String::from));
        if here {
            // The box shows the draft, so the next save keeps what was added.
            self.runs = UndoRuns::default();
            self.textarea = fresh(lines.clone());
        }
    }

    /// The draft waiting in `space` for `target`, if any.
    pub fn draft(&self, space: &str, target: &Target) -> Option<&[String]> {
        if self.space.as_deref() == Some(space) && &self.target == target {
            return (!self.is_blank()).then(|| self.textarea.lines());
        }
        self.drafts
            .get(&(space.to_string(), target.clone()))
            .map(Vec::as_slice)
    }
}

/// The first message of `thread` among `items`, if it is held: never one of its replies
/// (a thread whose first message was not loaded or could not be read has none).
pub fn thread_root<'a>(
    items: impl IntoIterator<Item = &'a crate::app::timeline::Item>,
    thread: &str,
) -> Option<&'a crate::app::timeline::Item> {
    items
        .into_iter()
        .find(|i| !i.is_reply() && i.thread() == thread)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_by_thousands() {
        let cases = [(0, "0"), (999, "999"), (1000, "1,000"), (4096, "4,096")];
        for (n, s) in cases {
            assert_eq!(grouped(n), s);
        }
        assert_eq!(grouped(1_234_567), "1,234,567");
    }

    #[test]
    fn drafts_follow_space_and_thread() {
        let mut c = Compose::default();
        c.switch("spaces/A", Target::New, None, None);
        c.textarea.insert_str("hello A");
        c.switch("spaces/B", Target::New, None, None);
        assert!(c.is_blank());
        c.textarea.insert_str("hello B");
        let reply = Target::Reply {
            thread: "spaces/B/threads/T".into(),
        };
        c.switch("spaces/B", reply.clone(), Some("Bob".into()), None);
        assert!(c.is_blank(), "a reply has its own draft");
        c.switch("spaces/A", Target::New, None, None);
        assert_eq!(c.text(), "hello A");
        assert_eq!(
            c.draft("spaces/B", &Target::New),
            Some(&["hello B".to_string()][..])
        );
        c.clear();
        assert_eq!(c.draft("spaces/A", &Target::New), None);
        let edit = Target::Edit {
            message: "m".into(),
        };
        c.switch("spaces/A", edit, None, Some("old\ntext"));
        assert_eq!(c.text(), "old\ntext");
    }
}
