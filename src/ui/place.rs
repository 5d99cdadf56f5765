//! Small helpers shared by the dialogs and popups: where a box goes, and
//! which key a dialog's footer names.

use ratatui::layout::Rect;

use crate::app::App;
use crate::keymap::{Command, Mode};

/// A box of `w` x `h` in the middle of `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// The first key bound to a dialog command (a footer has room for one each).
pub fn dialog_key(app: &App, c: Command) -> String {
    app.keymap
        .keys(Mode::Dialog, c)
        .first()
        .map(|k| k.to_string())
        .unwrap_or_default()
}

/// The keys that move in a list of `mode`, for a footer: `↑↓` while the arrows are
/// bound, else the user's first keys (`n/p`).
pub fn move_keys(app: &App, mode: Mode) -> String {
    let one = |c: Command, arrow: &str, name: &str| {
        let keys = app.keymap.keys(mode, c);
        if keys.iter().any(|k| k.to_string() == name) {
            arrow.to_string()
        } else {
            keys.first().map(|k| k.to_string()).unwrap_or_default()
        }
    };
    let (up, down) = (one(Command::Up, "↑", "Up"), one(Command::Down, "↓", "Down"));
    if up == "↑" && down == "↓" {
        "↑↓".to_string()
    } else {
        format!("{up}/{down}")
    }
}

/// The key that picks the `i`th choice of a picker (the user's `pick_number` keys).
pub fn pick_key(app: &App, i: usize) -> Option<String> {
    app.keymap
        .keys(Mode::Picker, Command::PickNumber)
        .get(i)
        .map(|k| k.to_string())
}
