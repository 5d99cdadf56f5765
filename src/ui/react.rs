//! The emoji picker, the pinned-messages list and the quote bar over the compose box.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use crate::app::react::{Picker, PinList};
use crate::app::App;
use crate::keymap::{Command, Mode};
use crate::markup;
use crate::theme;
use crate::ui::place::centered;

/// Columns for an emoji (or a custom emoji's `:name:`) in the picker.
const GLYPH_W: usize = 16;

/// One line for the quote bar when a quote is being written in `space` and there is room.
pub fn quote_bar_height(app: &App, space: &str, inner: Rect) -> u16 {
    match app.quote_shown() {
        Some(q) if q.space == space && inner.height >= 6 => 1,
        _ => 0,
    }
}

/// `▎ Quoting Bob Li: what was said · Ctrl-x removes`.
pub fn draw_quote_bar(app: &App, f: &mut Frame, r: Rect) {
    let Some(q) = app.quote_shown() else { return };
    if r.height == 0 || r.width == 0 {
        return;
    }
    let key = app.keymap.label(Mode::Compose, Command::Discard);
    let tail = format!(" · {key} removes");
    let room = (r.width as usize).saturating_sub(markup::width(&tail) + 2);
    let body = markup::truncate(&format!("Quoting {}: {}", q.who, q.preview), room);
    let line = Line::from(vec![
        Span::styled("▎ ".to_string(), theme::quote()),
        Span::styled(body, theme::quote()),
        Span::styled(tail, theme::dim()),
    ]);
    f.render_widget(Paragraph::new(line), r);
}

pub fn draw_overlay(app: &App, f: &mut Frame, area: Rect) {
    if let Some(p) = &app.react.picker {
        draw_picker(app, f, area, p);
    } else if let Some(l) = &app.react.pins_list {
        draw_pins(app, f, area, l);
    }
}

/// The window of `n` entries of `rows` lines that keeps `pick` in view.
fn window(n: usize, rows: usize, pick: usize) -> std::ops::Range<usize> {
    let rows = rows.max(1);
    let start = pick.saturating_sub(rows - 1).min(n.saturating_sub(rows));
    start..(start + rows).min(n)
}

fn footer(app: &App, what: &str, list: Mode) -> Line<'static> {
    let ok = app.keymap.label(Mode::Dialog, Command::Submit);
    let cancel = app.keymap.label(Mode::Dialog, Command::Cancel);
    let moves = crate::ui::place::move_keys(app, list);
    Line::from(Span::styled(
        format!("{ok} {what} · {moves} move · {cancel} close"),
        theme::dim(),
    ))
}

fn draw_picker(app: &App, f: &mut Frame, area: Rect, p: &Picker) {
    let r = centered(area, 52, 18);
    crate::ui::clear(f, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(true))
        .title(Span::styled(" React ".to_string(), theme::title(true)));
    let inner = block.inner(r);
    f.render_widget(block, r);
    if inner.height < 3 || inner.width < 10 {
        return;
    }
    let w = inner.width as usize;
    let shown = p.shown();
    let mut lines = vec![Line::from(vec![
        Span::styled("Find: ".to_string(), theme::dim()),
        Span::raw(markup::truncate(
            &crate::clean::Clean::line(&p.filter).into_string(),
            w.saturating_sub(7),
        )),
    ])];
    let rows = inner.height.saturating_sub(2) as usize;
    let pick = p.pick.min(shown.len().saturating_sub(1));
    if shown.is_empty() {
        lines.push(Line::from(Span::styled(
            "No emoji by that name.".to_string(),
            theme::dim(),
        )));
    }
    for i in window(shown.len(), rows, pick) {
        let c = shown[i];
        let mark = if c.given { "✓ yours" } else { "" };
        let name_w = w.saturating_sub(GLYPH_W + 2 + markup::width(mark) + 1);
        let text = format!(
            " {}{} {}",
            markup::pad(c.glyph.as_str(), GLYPH_W),
            markup::pad(c.name.split(" :").next().unwrap_or(""), name_w),
            mark
        );
        let style = if i == pick {
            theme::selected()
        } else if c.given {
            theme::me()
        } else {
            theme::base()
        };
        lines.push(Line::from(Span::styled(markup::truncate(&text, w), style)));
    }
    let list_h = inner.height.saturating_sub(1);
    f.render_widget(
        Paragraph::new(lines),
        Rect {
            height: list_h,
            ..inner
        },
    );
    let what = match p.selected() {
        Some(c) if c.given => "take back",
        _ => "react",
    };
    f.render_widget(
        Paragraph::new(footer(app, what, Mode::List)),
        Rect {
            y: inner.bottom() - 1,
            height: 1,
            ..inner
        },
    );
    // The caret where typing goes, for input methods.
    if app.help.is_none() {
        let x = inner.x + 6 + markup::width(&p.filter).min(w.saturating_sub(7)) as u16;
        f.set_cursor_position((x.min(inner.right().saturating_sub(1)), inner.y));
    }
}

fn draw_pins(app: &App, f: &mut Frame, area: Rect, l: &PinList) {
    let r = centered(area, 72, 16);
    crate::ui::clear(f, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(true))
        .title(Span::styled(
            " Pinned messages ".to_string(),
            theme::title(true),
        ));
    let inner = block.inner(r);
    f.render_widget(block, r);
    if inner.height < 2 || inner.width < 10 {
        return;
    }
    let w = inner.width as usize;
    let pins = app.pinned_in(&l.space);
    let tl = app.store.timeline(&l.space);
    let mut lines = Vec::new();
    if pins.is_empty() {
        let pin = app.keymap.label(Mode::Messages, Command::Pin);
        lines.push(Line::from(Span::styled(
            markup::truncate(
                &format!("No pinned messages here. {pin} pins the selected message."),
                w,
            ),
            theme::dim(),
        )));
    }
    let rows = inner.height.saturating_sub(1) as usize;
    let pick = l.pick.min(pins.len().saturating_sub(1));
    for i in window(pins.len(), rows, pick) {
        let (message, pin) = &pins[i];
        let text = match tl.and_then(|t| t.get(message)) {
            Some(it) => {
                let who = it
                    .sender()
                    .map(|u| app.member_label(u).into_string())
                    .unwrap_or_default();
                let when = app.settings.local(it.time()).format("%-d %b %H:%M");
                let preview = markup::plain_preview(it.text().unwrap_or("(card)"), app, w);
                format!("📌 {who} · {when}  {preview}")
            }
            None => "📌 an older message (Enter loads it)".to_string(),
        };
        let text = if pin.is_none() {
            format!("{text} (pinning…)")
        } else {
            text
        };
        let style = if i == pick {
            theme::selected()
        } else {
            theme::base()
        };
        lines.push(Line::from(Span::styled(markup::truncate(&text, w), style)));
    }
    f.render_widget(
        Paragraph::new(lines),
        Rect {
            height: inner.height.saturating_sub(1),
            ..inner
        },
    );
    f.render_widget(
        Paragraph::new(footer(app, "go to it", Mode::Picker)),
        Rect {
            y: inner.bottom() - 1,
            height: 1,
            ..inner
        },
    );
}
