//! The status bar: mode, the keys that apply here, and how syncing goes.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::App;
use crate::clean::Clean;
use crate::keymap::Mode;
use crate::markup;
use crate::ui::theme;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn draw(app: &App, f: &mut Frame, area: Rect) {
    let mode = app.mode();
    let badge = match mode {
        Mode::Compose | Mode::Filter => " INSERT ",
        Mode::Dialog => " DIALOG ",
        _ => " NORMAL ",
    };
    let mut left = vec![Span::styled(badge.to_string(), theme::mode())];
    if app.settings.demo {
        left.push(Span::styled(" DEMO ".to_string(), theme::demo_badge()));
    }
    left.push(Span::raw(" "));

    // Right side: requests in flight, then sync state.
    let mut right: Vec<Span> = Vec::new();
    if app.status.busy > 0 {
        right.push(Span::styled(
            format!("{} working ", SPINNER[app.status.spinner % SPINNER.len()]),
            theme::warn(),
        ));
    }
    match (&app.status.offline, app.status.synced_at) {
        (Some(why), _) => right.push(Span::styled(
            format!("○ offline: {} ", markup::truncate(&Clean::line(why), 40)),
            theme::error(),
        )),
        (None, Some(t)) => right.push(Span::styled(
            format!("● synced {} ", app.settings.local(t).format("%H:%M")),
            theme::ok(),
        )),
        _ => right.push(Span::styled("○ connecting ".to_string(), theme::dim())),
    }
    let right_w: usize = right.iter().map(|s| markup::width(&s.content)).sum();
    let left_w: usize = left.iter().map(|s| markup::width(&s.content)).sum();
    let room = (area.width as usize).saturating_sub(right_w + left_w + 1);

    let mut middle: Vec<Span> = Vec::new();
    if let Some(note) = &app.status.note {
        let style = if note.error {
            theme::error_bold()
        } else {
            theme::ok()
        };
        middle.push(Span::styled(
            markup::truncate(&Clean::line(&note.text), room),
            style,
        ));
    } else if mode != Mode::Dialog {
        // A dialog lists its own keys beside its fields.
        let mut used = 0;
        let mut hints: Vec<(String, &str)> = app
            .keymap
            .hints_with(mode)
            .into_iter()
            .filter(|(c, _, _)| app.unavailable(*c).is_none())
            .map(|(_, k, l)| (k, l))
            .collect();
        if !mode.is_typing() {
            hints.extend(
                app.keymap
                    .hints(Mode::Global)
                    .into_iter()
                    .filter(|(_, l)| *l == "help"),
            );
        }
        for (key, label) in hints {
            let w = markup::width(&key) + markup::width(label) + 3;
            if used + w > room {
                break;
            }
            middle.push(Span::styled(key, theme::key()));
            middle.push(Span::raw(format!(" {label}  ")));
            used += w;
        }
    }
    let middle_w: usize = middle.iter().map(|s| markup::width(&s.content)).sum();
    let mut spans = left;
    spans.extend(middle);
    spans.push(Span::raw(" ".repeat(room.saturating_sub(middle_w) + 1)));
    spans.extend(right);
    f.render_widget(
        Paragraph::new(Line::from(spans)).style(theme::status_bar()),
        area,
    );
}
