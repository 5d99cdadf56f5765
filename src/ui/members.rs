//! The members pane.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use crate::api::model::{MembershipRole, MembershipState};
use crate::app::{App, Focus};
use crate::clean::Clean;
use crate::markup;
use crate::theme;

pub fn draw(app: &App, f: &mut Frame, area: Rect) {
    let focused = app.focus == Focus::Members;
    let space = app.current.as_deref().unwrap_or_default();
    let list = app.members_sorted(space);
    let title = match app.store.members(space).map(|m| m.counts()) {
        Some((0, 0)) | None => " Members ".to_string(),
        Some((joined, 0)) => format!(" Members ({joined}) "),
        Some((joined, invited)) => {
            // Borders and the corner take 2 columns. Narrower, shorter words, but the
            // label goes last and the invited count stays: the invited rows may be
            // scrolled out of sight.
            [
                format!(" Members ({joined}, {invited} invited) "),
                format!(" Members {joined}, {invited} invited "),
                format!(" Members {joined}+{invited} invited "),
                format!(" Members {joined}+{invited}✉ "),
                format!(" Members {joined}+{invited} "),
                format!(" {joined}+{invited}✉ "),
            ]
            .into_iter()
            .find(|t| markup::width(t) + 2 <= area.width as usize)
            .unwrap_or_else(|| format!(" {joined} "))
        }
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(focused))
        .title(Span::styled(title, theme::title(focused)));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let height = inner.height as usize;
    let offset = if app.member_sel >= height {
        app.member_sel + 1 - height
    } else {
        0
    };
    let mut s = app.screen.get();
    s.members = area;
    s.members_list = inner;
    s.members_offset = offset;
    app.screen.set(s);

    let mut lines = Vec::new();
    match app.store.members(space) {
        None if app.current.is_none() => {}
        Some(m) if m.error.is_some() => lines.extend(crate::ui::spaces::wrapped(
            Clean::line(m.error.as_deref().unwrap_or_default()),
            theme::error(),
            inner.width,
        )),
        Some(m) if !m.loaded => lines.push(Line::from(Span::styled("Loading…", theme::dim()))),
        _ => {}
    }
    let w = inner.width as usize;
    for (i, m) in list.iter().enumerate().skip(offset).take(height) {
        let u = m.member.clone().unwrap_or_default();
        let invited = m.state == Some(MembershipState::Invited);
        let (mark, mark_style) = if invited {
            ("✉ ", theme::invited())
        } else if u.is_bot() {
            ("⚙ ", theme::bot())
        } else if m.role == Some(MembershipRole::Manager) {
            ("★ ", theme::manager())
        } else {
            ("  ", theme::base())
        };
        let mut label = app.member_label(&u);
        if u.name.as_deref().is_some_and(|n| app.is_me(n)) {
            label.push_line(" (you)");
        }
        let style = if invited {
            theme::invited()
        } else {
            theme::base()
        };
        let mut line = Line::from(vec![
            Span::styled(mark.to_string(), mark_style),
            Span::styled(markup::pad(&label, w.saturating_sub(2)), style),
        ]);
        if i == app.member_sel && focused {
            line = line.patch_style(theme::selected());
        }
        lines.push(line);
    }
    f.render_widget(Paragraph::new(lines), inner);
}
