//! The compose box's own commands: leaving it (the draft is kept) and discarding the
//! draft. Typing itself goes to the text area (`compose::edit`).

use crate::app::compose::Target;
use crate::app::dialog::{Dialog, Kind};
use crate::app::{App, Focus};
use tui_textarea::CursorMove;

impl App {
    pub(in crate::app) fn leave_compose(&mut self) {
        self.compose.save_draft();
        if let (Target::Edit { .. }, Some(space)) =
            (&self.compose.target, self.compose.space.clone())
        {
            // An unfinished edit stays as a draft; the box goes back to new messages.
            self.compose.switch(&space, Target::New, None, None);
        }
        self.focus = Focus::Messages;
    }

    /// Empties the compose box, asking first when the draft is long.
    pub(in crate::app) fn discard_draft(&mut self) {
        if self.compose.is_blank() {
            self.compose.wipe();
            return;
        }
        if self.compose.discard_asks() {
            self.dialog = Some(Dialog::new(
                Kind::DiscardDraft {
                    chars: self.compose.chars(),
                },
                Vec::new(),
            ));
            return;
        }
        self.compose.discard();
        self.note_discarded();
    }

    /// Up or Down in the box: one screen row of the wrapped text, keeping the column by
    /// display width. On the first or last row, or before the box is drawn, as the text
    /// area moves (to the line above or below).
    pub(in crate::app) fn compose_vertical(&mut self, down: bool) {
        let t = &mut self.compose.textarea;
        let width = self.screen.get().compose.width.saturating_sub(2);
        let caret = t.cursor();
        let to = (width > 0)
            .then(|| crate::softwrap::vertical(t.lines(), width, caret, down))
            .flatten();
        let Some((row, col)) = to else {
            t.move_cursor(if down {
                CursorMove::Down
            } else {
                CursorMove::Up
            });
            return;
        };
        // By steps that count in usize (a jump takes u16): the target is on this line
        // or the next one over, within a row's width of where the caret is.
        if row != caret.0 {
            if row < caret.0 {
                t.move_cursor(CursorMove::Up);
            } else {
                t.move_cursor(CursorMove::Down);
            }
            t.move_cursor(CursorMove::Head);
        }
        let now = t.cursor().1;
        let (step, n) = if col >= now {
            (CursorMove::Forward, col - now)
        } else {
            (CursorMove::Back, now - col)
        };
        for _ in 0..n {
            t.move_cursor(step);
        }
    }
}
