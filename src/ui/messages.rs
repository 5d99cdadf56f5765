//! The message pane: threads with their replies, dates, cards, and the compose box.

use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use crate::app::{App, Focus};
use crate::clean::Clean;
use crate::theme;

/// The pane's title: the space, its members, or the thread.
fn title(app: &App, space: &str) -> String {
    let s = app.space(space);
    let label = s
        .map(|s| app.space_label(s))
        .unwrap_or_else(|| Clean::line(space));
    let mark = s.map(crate::app::spaces::marker).unwrap_or("#");
    let in_thread = app.views.get(space).is_some_and(|v| v.thread.is_some());
    let count = app
        .store
        .members(space)
        .filter(|m| m.loaded)
        .map(|m| m.summary());
    let mut t = format!(" {mark}{label} ");
    if in_thread {
        t = format!(" Thread in {mark}{label} ");
    } else if let Some(n) = count {
        t.push_str(&format!("· {n} "));
    }
    t
}

pub fn draw(app: &App, f: &mut Frame, area: Rect) {
    let focused = matches!(app.focus, Focus::Messages | Focus::Compose);
    let Some(space) = app.current.clone() else {
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme::border(focused))
            .title(Span::styled(" Messages ", theme::title(focused)));
        let msg = match &app.status.left {
            Some(label) => format!(
                "You are no longer a member of {}: it was deleted, or you were removed. Pick a space on the left and press Enter.",
                Clean::line(label)
            ),
            None if app.spaces.loaded => "Pick a space on the left and press Enter.".to_string(),
            None => "Loading spaces…".to_string(),
        };
        f.render_widget(
            Paragraph::new(Line::from(Span::styled(msg, theme::dim())))
                .wrap(ratatui::widgets::Wrap { trim: true })
                .alignment(Alignment::Center)
                .block(block),
            area,
        );
        let mut s = app.screen.get();
        s.messages = Rect::default();
        s.compose = Rect::default();
        app.screen.set(s);
        return;
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(app.focus == Focus::Messages))
        .title(Span::styled(
            title(app, &space),
            theme::title(app.focus == Focus::Messages),
        ));
    let inner = block.inner(area);
    f.render_widget(block, area);

    let compose_h = super::compose::height(app, &space, inner);
    let quote_h = super::react::quote_bar_height(app, &space, inner);
    let [body, quote_bar, compose] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(quote_h),
        Constraint::Length(compose_h),
    ])
    .areas(inner);
    super::react::draw_quote_bar(app, f, quote_bar);
    // Scrolled up while messages arrived: the pane's last line says so, on a line of
    // its own, so it never covers a message.
    let below = app
        .views
        .get(space.as_str())
        .filter(|v| v.anchor.is_some())
        .map_or(0, |v| v.new_below);
    let (body, notice) = if below > 0 && body.height > 2 {
        let [body, notice] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(body);
        (body, Some(notice))
    } else {
        (body, None)
    };
    let mut s = app.screen.get();
    s.messages = body;
    s.compose = compose;
    app.screen.set(s);

    let (rows, win) = app.message_window(&space, body.width, body.height);
    let selected = app
        .views
        .get(space.as_str())
        .and_then(|v| v.selected.clone());
    let pane_focused = app.focus == Focus::Messages;
    let mut lines: Vec<Line> = Vec::with_capacity(body.height as usize);
    // Chat reads upward from the compose box: a short history sits at the bottom.
    let shown: usize = win.parts.iter().map(|p| p.2).sum();
    if win.at_bottom {
        lines.extend(std::iter::repeat_n(
            Line::default(),
            (body.height as usize).saturating_sub(shown),
        ));
    }
    for (i, skip, take) in &win.parts {
        let row = &rows.rows[*i];
        let row_lines = app.row_lines(&space, &rows, *i, body.width);
        let is_sel = selected.as_ref() == Some(row);
        for l in row_lines.iter().skip(*skip).take(*take) {
            if is_sel {
                let mut l = l.clone();
                let bg = if pane_focused {
                    theme::selected()
                } else {
                    theme::selected_unfocused()
                };
                if let Some(first) = l.spans.first_mut() {
                    if first.content.starts_with(' ') {
                        *first = Span::styled(
                            format!("▌{}", &first.content[1..]),
                            bg.patch(theme::key()),
                        );
                    }
                }
                let w = l.width();
                l.spans.push(Span::raw(
                    " ".repeat((body.width as usize).saturating_sub(w)),
                ));
                lines.push(l.patch_style(bg));
            } else {
                lines.push(l.clone());
            }
        }
    }
    f.render_widget(Paragraph::new(lines), body);
    if let Some(at) = notice {
        let label = format!(
            " {below} new message{} ↓ {} ",
            if below == 1 { "" } else { "s" },
            app.keymap.label(
                crate::keymap::Mode::Messages,
                crate::keymap::Command::Bottom
            )
        );
        f.render_widget(
            Paragraph::new(Line::from(Span::styled(label, theme::mode())))
                .alignment(Alignment::Center),
            at,
        );
    }
    super::compose::draw(app, f, compose, &space);
}
