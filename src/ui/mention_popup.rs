//! The mention popup: just above the compose box, starting at the `@` being typed, the
//! members who match, the picked one highlighted.

use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use crate::app::App;
use crate::markup;
use crate::theme;

/// Draws the popup for the compose box at `area`, whose caret is at `caret`.
pub fn draw(app: &App, f: &mut Frame, area: Rect, caret: Position) {
    let Some(p) = &app.compose.popup else {
        return;
    };
    if p.found.is_empty() {
        return;
    }
    let screen = f.area();
    let lines: Vec<Line> = p
        .found
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut spans = vec![Span::raw(format!(" @{}", c.name.as_str()))];
            if let Some(e) = &c.email {
                spans.push(Span::styled(format!("  {}", e.as_str()), theme::dim()));
            }
            let line = Line::from(spans);
            if i == p.pick {
                line.style(theme::selected())
            } else {
                line
            }
        })
        .collect();
    let widest = lines.iter().map(Line::width).max().unwrap_or(0) + 3;
    let width = u16::try_from(widest)
        .unwrap_or(u16::MAX)
        .clamp(16, 48)
        .min(area.width);
    let height = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.y.saturating_sub(screen.y));
    if height < 3 {
        return;
    }
    // At the `@`: the caret less what was typed after it.
    let typed = u16::try_from(markup::width(&p.query) + 1).unwrap_or(0);
    let x = caret
        .x
        .saturating_sub(typed)
        .min(area.right().saturating_sub(width))
        .max(area.x);
    let rect = Rect::new(x, area.y - height, width, height);
    f.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(true))
        .title(Span::styled(" Mention ", theme::title(true)));
    f.render_widget(Paragraph::new(lines).block(block), rect);
}
