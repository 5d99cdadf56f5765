//! Undo by runs of typing, over tui-textarea's undo of one key at a time.
//!
//! tui-textarea 0.7 keeps one history step per edit (each typed character is one) and
//! has no grouping, so the box records how many steps each run took: a word typed with
//! the space after it, a run of Backspaces, or any other edit (a paste, a new line, a
//! deleted word, a discard) on its own. Moving the caret ends a run. Undo takes back the
//! last run's steps, redo puts them back.

use tui_textarea::TextArea;

/// What an edit was, for grouping it with the ones before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// A character typed: a space ends its word's run (the space is the run's last step).
    Typed(char),
    /// A character deleted with Backspace or Delete.
    Deleted,
    /// Anything else: one run of its own.
    Other,
}

#[derive(Debug, Default, Clone)]
pub struct UndoRuns {
    /// Steps in each run, oldest first.
    runs: Vec<usize>,
    /// Whether the last run takes more of the same kind.
    open: Option<Edit>,
    /// Runs undone, to redo, last undone last.
    undone: Vec<usize>,
}

impl UndoRuns {
    /// One history step was made by `e`.
    pub fn record(&mut self, e: Edit) {
        self.undone.clear();
        let joins = matches!(
            (self.open, e),
            (Some(Edit::Typed(_)), Edit::Typed(_)) | (Some(Edit::Deleted), Edit::Deleted)
        );
        match self.runs.last_mut() {
            Some(n) if joins => *n += 1,
            _ => self.runs.push(1),
        }
        self.open = match e {
            Edit::Typed(c) if c.is_whitespace() => None,
            Edit::Typed(_) | Edit::Deleted => Some(e),
            Edit::Other => None,
        };
    }

    /// The caret moved (or the box was left): the next edit starts a run.
    pub fn end_run(&mut self) {
        self.open = None;
    }

    /// Takes back the last run in `t`. Steps not recorded here (none recorded at all)
    /// go one at a time.
    pub fn undo(&mut self, t: &mut TextArea<'_>) -> bool {
        self.open = None;
        let n = self.runs.pop().unwrap_or(1);
        let mut done = 0;
        while done < n && t.undo() {
            done += 1;
        }
        if done > 0 {
            self.undone.push(done);
        }
        done > 0
    }

    /// Puts back the last run undone.
    pub fn redo(&mut self, t: &mut TextArea<'_>) -> bool {
        self.open = None;
        let n = self.undone.pop().unwrap_or(1);
        let mut done = 0;
        while done < n && t.redo() {
            done += 1;
        }
        if done > 0 {
            self.runs.push(done);
        }
        done > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(t: &mut TextArea<'_>, u: &mut UndoRuns, s: &str) {
        for c in s.chars() {
            t.insert_char(c);
            u.record(Edit::Typed(c));
        }
    }

    #[test]
    fn undo_takes_back_a_word_at_a_time_and_redo_puts_it_back() {
        let mut t = TextArea::default();
        let mut u = UndoRuns::default();
        typed(&mut t, &mut u, "hello big world");
        assert!(u.undo(&mut t));
        assert_eq!(t.lines(), ["hello big "]);
        assert!(u.undo(&mut t));
        assert_eq!(t.lines(), ["hello "]);
        assert!(u.redo(&mut t));
        assert_eq!(t.lines(), ["hello big "]);
        // A caret move ends a run even inside a word.
        typed(&mut t, &mut u, "wo");
        u.end_run();
        typed(&mut t, &mut u, "rld");
        assert!(u.undo(&mut t));
        assert_eq!(t.lines(), ["hello big wo"]);
        // Backspaces group; a paste is its own step.
        t.delete_char();
        u.record(Edit::Deleted);
        t.delete_char();
        u.record(Edit::Deleted);
        t.insert_str("PASTE");
        u.record(Edit::Other);
        assert!(u.undo(&mut t));
        assert_eq!(t.lines(), ["hello big "]);
        assert!(u.undo(&mut t));
        assert_eq!(t.lines(), ["hello big wo"]);
        assert!(u.undo(&mut t) && u.undo(&mut t) && u.undo(&mut t));
        assert_eq!(t.lines(), [""]);
        assert!(!u.undo(&mut t), "nothing left");
    }
}
