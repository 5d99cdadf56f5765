//! The spaces pane.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use crate::app::sections::SpaceRow;
use crate::app::spaces::marker;
use crate::app::{App, Focus};
use crate::clean::Clean;
use crate::markup;
use crate::theme;

pub fn draw(app: &App, f: &mut Frame, area: Rect) {
    let focused = app.focus == Focus::Spaces;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(focused))
        .title(Span::styled(title(app, area.width), theme::title(focused)));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let mut lines: Vec<Line> = Vec::new();
    let mut list_area = inner;
    if app.spaces.filtering || !app.spaces.filter.is_empty() {
        let typed = Clean::line(&app.spaces.filter);
        if app.spaces.filtering && app.dialog.is_none() && app.help.is_none() {
            // The terminal's cursor after the text, for input methods.
            let x = 1 + markup::width(typed.as_str());
            if x < usize::from(inner.width) && inner.height > 0 {
                f.set_cursor_position((inner.x + x as u16, inner.y));
            }
        }
        lines.push(Line::from(vec![
            Span::styled("/".to_string(), theme::key()),
            Span::raw(typed.into_string()),
        ]));
        list_area.y += 1;
        list_area.height = list_area.height.saturating_sub(1);
    }
    let visible = app.space_rows();
    let height = list_area.height as usize;
    let sel = app
        .selected_row()
        .and_then(|s| visible.iter().position(|v| v.key() == s));
    // Keep the selection on screen.
    let offset = match sel {
        Some(i) if i >= height => i + 1 - height,
        _ => 0,
    };
    let mut s = app.screen.get();
    s.spaces = area;
    s.spaces_list = list_area;
    s.spaces_offset = offset;
    app.screen.set(s);

    if visible.is_empty() {
        let msg = if !app.spaces.loaded {
            Clean::line(app.spaces.error.as_deref().unwrap_or("Loading…"))
        } else if !app.spaces.filter.is_empty() {
            Clean::line("No space matches.")
        } else {
            Clean::line("No spaces yet. Press c to create one.")
        };
        // Wrapped, never cut: the advice is at the end.
        lines.extend(wrapped(msg, theme::dim(), inner.width));
    }
    let w = inner.width as usize;
    for (i, row) in visible.iter().enumerate().skip(offset).take(height) {
        let sp = match row {
            SpaceRow::Space(sp) => *sp,
            SpaceRow::Header {
                label,
                collapsed,
                unread,
                mentions,
                ..
            } => {
                let mut line = header_line(label, *collapsed, *unread, *mentions, w);
                if Some(i) == sel {
                    line = line.patch_style(if focused {
                        theme::selected()
                    } else {
                        theme::selected_unfocused()
                    });
                }
                lines.push(line);
                continue;
            }
        };
        let name = sp.name.clone().unwrap_or_default();
        let unread = app.unread(&name);
        let badge = match unread {
            0 => String::new(),
            n if n >= 100 => " 99+".to_string(),
            n => format!(" {n}"),
        };
        let muted = app.store.is_muted(&name);
        // A muted space: a mark, and dimmed.
        let mute_mark = if muted { "~" } else { "" };
        let label_w = w.saturating_sub(2 + markup::width(&badge) + mute_mark.len());
        let label = markup::pad(&app.space_label(sp), label_w);
        let is_open = app.current.as_deref() == Some(name.as_str());
        let mut label_style = if is_open {
            theme::bold()
        } else {
            theme::base()
        };
        if unread > 0 {
            label_style = label_style.patch(theme::bold());
        }
        if muted {
            label_style = label_style.patch(theme::dim());
        }
        let mut spans = vec![
            Span::styled(format!("{} ", marker(sp)), theme::dim()),
            Span::styled(mute_mark.to_string(), theme::dim()),
            Span::styled(label, label_style),
        ];
        if unread > 0 {
            spans.push(Span::styled(badge, theme::unread()));
        }
        let mut line = Line::from(spans);
        if Some(i) == sel {
            line = line.patch_style(if focused {
                theme::selected()
            } else {
                theme::selected_unfocused()
            });
        }
        lines.push(line);
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// A section's header: folded or not, its name, and when folded what is unread in it.
fn header_line(
    label: &str,
    collapsed: bool,
    unread: usize,
    mentions: usize,
    w: usize,
) -> Line<'static> {
    let arrow = if collapsed { "▸ " } else { "▾ " };
    let mut badge = match unread {
        0 => String::new(),
        _ if !collapsed => String::new(),
        n if n >= 100 => " 99+".to_string(),
        n => format!(" {n}"),
    };
    if collapsed && mentions > 0 {
        // Someone asked for the user in there: the mark says so, as Chat's does.
        badge = format!(" @{badge}");
    }
    let label_w = w.saturating_sub(2 + markup::width(&badge));
    let label = markup::pad(&Clean::line(label), label_w);
    let mut spans = vec![
        Span::styled(arrow.to_string(), theme::dim()),
        Span::styled(label, theme::title(false)),
    ];
    if !badge.is_empty() {
        spans.push(Span::styled(badge, theme::unread()));
    }
    Line::from(spans)
}

/// The pane's title: while a filter narrows the list (typed, then kept after opening a
/// space), what it is and how to clear it, as much as fits in `width` columns.
fn title(app: &App, width: u16) -> String {
    let filter = Clean::line(&app.spaces.filter);
    if filter.as_str().is_empty() {
        return slow_title(app, width).unwrap_or_else(|| " Spaces ".into());
    }
    let mode = if app.spaces.filtering {
        crate::keymap::Mode::Filter
    } else {
        crate::keymap::Mode::Spaces
    };
    let clear = app.keymap.label(mode, crate::keymap::Command::Cancel);
    let room = usize::from(width).saturating_sub(2);
    let long = format!(" Spaces: {} ({clear} clears) ", filter.as_str());
    if markup::width(&long) <= room || clear.is_empty() {
        return long;
    }
    let short = format!(" Spaces: {} ", filter.as_str());
    if markup::width(&short) <= room {
        return short;
    }
    " Spaces (filtered) ".into()
}

/// While the server has slowed polling down (a 429), how seldom the other spaces are
/// checked now, when it fits: their unread counts lag that long. Nothing at the usual pace.
fn slow_title(app: &App, width: u16) -> Option<String> {
    let (now, slowed) = app.others_checked_every();
    if !slowed {
        return None;
    }
    let secs = now.as_secs();
    let every = if secs >= 120 {
        format!("{} min", secs / 60)
    } else {
        format!("{secs} s")
    };
    let room = usize::from(width).saturating_sub(2);
    [
        format!(" Spaces · checked every {every} "),
        format!(" Spaces · every {every} "),
        " Spaces (slowed) ".to_string(),
    ]
    .into_iter()
    .find(|t| markup::width(t) <= room)
}

/// `text` as lines of at most `width` columns, broken between words.
pub fn wrapped(
    text: impl Into<String>,
    style: ratatui::style::Style,
    width: u16,
) -> Vec<Line<'static>> {
    let paras = [markup::Para {
        spans: vec![Span::styled(text.into(), style)],
        hang: 0,
        code: false,
    }];
    markup::wrap(&paras, width as usize)
}
