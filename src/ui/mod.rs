//! Drawing: a function of the app's state. Nothing here does I/O or changes state
//! (except the layout cache and where panes were drawn, for the mouse).

pub mod compose;
pub mod dialogs;
pub mod files;
pub mod help;
pub mod members;
mod mention_popup;
pub mod messages;
mod people;
mod place;
pub mod react;
pub mod small;
pub mod spaces;
pub mod status;
pub mod textbox;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::Frame;

use crate::app::{App, Focus};

pub use small::{MIN_HEIGHT, MIN_WIDTH};

pub fn draw(app: &App, f: &mut Frame) {
    let area = f.area();
    if small::too_small(area) {
        let mut s = app.screen.get();
        (s.spaces, s.messages, s.members, s.compose) = Default::default();
        app.screen.set(s);
        small::draw_notice(app, f, area);
        return;
    }
    let [main, status_line] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
    let w = main.width;
    let spaces_w = (w * 22 / 100).clamp(18, 32);
    let show_members = app.show_members && small::members_fit(w);
    let members_w = if show_members {
        (w * 18 / 100).clamp(16, 28)
    } else {
        0
    };
    let mut s = app.screen.get();
    // Each pane drawn says where it is: one not drawn (one pane at a time) takes no clicks.
    (s.spaces, s.members, s.messages, s.compose) = Default::default();
    app.screen.set(s);
    if small::arrangement(app, w) == small::Arrangement::Single {
        match app.focus {
            Focus::Spaces => spaces::draw(app, f, main),
            Focus::Members if app.show_members => members::draw(app, f, main),
            _ => messages::draw(app, f, main),
        }
    } else {
        let [sp, msgs, mem] = Layout::horizontal([
            Constraint::Length(spaces_w),
            Constraint::Min(30),
            Constraint::Length(members_w),
        ])
        .areas(main);
        spaces::draw(app, f, sp);
        messages::draw(app, f, msgs);
        if show_members {
            members::draw(app, f, mem);
        }
    }
    status::draw(app, f, status_line);
    if let Some(d) = &app.dialog {
        dialogs::draw(app, f, main, d);
    }
    react::draw_overlay(app, f, main);
    if let Some(scroll) = app.help {
        help::draw(app, f, main, scroll);
    }
    guard(f.buffer_mut());
}

/// The last line of defence: no cell may hold a character the terminal would obey.
/// Outside text is cleaned where it enters the view (see [`crate::clean`]); this catches
/// what reaches a cell any other way, such as an editor showing the text it edits (the
/// compose box editing a message keeps the message's real text). A control character
/// takes one cell and so does its symbol, so nothing moves.
pub fn guard(buf: &mut ratatui::buffer::Buffer) {
    for cell in &mut buf.content {
        if let Some(s) = crate::clean::cell_symbol(cell.symbol()) {
            cell.set_symbol(&s);
        }
    }
}

/// Clears `r` for a popup. A wide character just left of it would spill over its
/// border (the terminal draws both halves), so such a cell is blanked too.
pub fn clear(f: &mut Frame, r: Rect) {
    f.render_widget(ratatui::widgets::Clear, r);
    if r.x == 0 {
        return;
    }
    let buf = f.buffer_mut();
    for y in r.y..r.y + r.height {
        if let Some(cell) = buf.cell_mut((r.x - 1, y)) {
            if crate::markup::width(cell.symbol()) > 1 {
                cell.set_symbol(" ");
            }
        }
    }
}
