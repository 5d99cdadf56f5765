//! Small terminals: which panes fit, and the notice when nothing does.
//!
//! At 80 columns and more the three panes sit side by side (an 80x23 terminal, such as
//! 80x24 under tmux's status line, is a full screen). Narrower, the members pane goes
//! first, then one pane is shown at a time: the focused one, switched with the keys that
//! move the focus. Below [`MIN_WIDTH`]x[`MIN_HEIGHT`] a notice says so, fitted to the
//! screen, with advice that works in the current mode.

use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::App;
use crate::keymap::{Command, Mode};
use crate::markup;
use crate::theme;

/// The smallest screen anything but the notice is drawn on.
pub const MIN_WIDTH: u16 = 30;
pub const MIN_HEIGHT: u16 = 8;
/// From this width the members pane fits beside the others.
pub const THREE_PANES: u16 = 80;
/// From this width the spaces and messages panes fit side by side.
pub const TWO_PANES: u16 = 60;

/// How the panes are arranged at `width` columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrangement {
    /// Spaces, messages, and members when they are shown.
    Side,
    /// One pane, the focused one.
    Single,
}

pub fn arrangement(app: &App, width: u16) -> Arrangement {
    if app.zoom || width < TWO_PANES {
        return Arrangement::Single;
    }
    // Between the two widths the members pane only shows on its own.
    if width < THREE_PANES && app.focus == crate::app::Focus::Members {
        return Arrangement::Single;
    }
    Arrangement::Side
}

/// Whether the members pane has room beside the others at `width`.
pub fn members_fit(width: u16) -> bool {
    width >= THREE_PANES
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// What to do about it, in words that work in the current mode.
fn advice(app: &App) -> String {
    let quit = app.keymap.label(Mode::Global, Command::Quit);
    match app.mode() {
        Mode::Compose => format!(
            "Make the window bigger; {} then {quit} quits (the draft is kept).",
            app.keymap.label(Mode::Compose, Command::Cancel)
        ),
        Mode::Filter => format!(
            "Make the window bigger; {} then {quit} quits.",
            app.keymap.label(Mode::Filter, Command::Cancel)
        ),
        Mode::Dialog => format!(
            "Make the window bigger to finish the dialog; {} cancels it.",
            app.keymap.label(Mode::Dialog, Command::Cancel)
        ),
        _ if app.help.is_some() => format!(
            "Make the window bigger; {} closes the help.",
            crate::ui::place::dialog_key(app, Command::Cancel)
        ),
        _ => format!("Make the window bigger, or press {quit} to quit."),
    }
}

/// The notice, wrapped to the screen; what does not fit goes, least useful first.
pub fn draw_notice(app: &App, f: &mut Frame, area: Rect) {
    let w = area.width as usize;
    let wrapped = |text: String, style| -> Vec<Line<'static>> {
        let paras = [markup::Para {
            spans: vec![Span::styled(text, style)],
            hang: 0,
            code: false,
        }];
        markup::wrap(&paras, w)
            .into_iter()
            .map(|l| {
                // Wrapping keeps at least a few columns: cut what is still too wide.
                let s: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
                Line::from(Span::styled(markup::truncate(s.trim_end(), w), style))
            })
            .collect()
    };
    let title = wrapped("Terminal too small".into(), theme::error_bold());
    let size = wrapped(
        format!(
            "{}×{}: gchat needs at least {MIN_WIDTH}×{MIN_HEIGHT}.",
            area.width, area.height
        ),
        theme::base(),
    );
    let advice = wrapped(advice(app), theme::dim());
    let h = area.height as usize;
    let mut lines: Vec<Line> = Vec::new();
    if title.len() + size.len() + advice.len() <= h {
        lines.extend(title);
        lines.extend(size);
    } else if title.len() + advice.len() <= h {
        lines.extend(title);
    }
    lines.extend(advice);
    lines.truncate(h);
    let y = (h - lines.len()) / 2;
    let r = Rect {
        y: area.y + y as u16,
        height: lines.len() as u16,
        ..area
    };
    f.render_widget(Paragraph::new(lines).alignment(Alignment::Center), r);
}
