//! The message-a-person suggestions and the search dialog with its results.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use crate::app::dialog::{Dialog, Kind};
use crate::app::search::terms;
use crate::app::App;
use crate::clean::Clean;
use crate::keymap::{Command, Mode};
use crate::markup;
use crate::theme;
use crate::ui::place::{centered, dialog_key};

/// The message-a-person dialog's lines above its field: what to type, and the people
/// the part being typed may be (the picked one marked).
pub fn message_person(app: &App, d: &Dialog) -> Vec<Line<'static>> {
    let mut v = vec![
        Line::from("Who do you want to message?"),
        Line::from(Span::styled(
            "a name or an email address; commas between several people start a group chat"
                .to_string(),
            theme::dim(),
        )),
    ];
    let q = crate::app::converse_last_part(&d.field(0)).to_string();
    if q.is_empty() {
        return v;
    }
    if d.found.is_empty() {
        let by_address = crate::api::UserRef::parse_loose(&q).is_ok();
        if !by_address && d.searched.as_deref() == Some(q.as_str()) {
            v.push(Line::from(Span::styled(
                format!("No one matches \"{}\".", Clean::line(&q)),
                theme::warn(),
            )));
        } else if !by_address && app.searching_people() {
            v.push(Line::from(Span::styled(
                "Searching…".to_string(),
                theme::dim(),
            )));
        }
    }
    for (i, f) in d.found.iter().enumerate() {
        let picked = i == d.pick;
        let mut spans = vec![
            Span::raw(if picked { "› " } else { "  " }),
            Span::styled(
                f.name.clone().into_string(),
                if picked {
                    theme::bold()
                } else {
                    Style::default()
                },
            ),
        ];
        if let Some(e) = &f.email {
            spans.push(Span::styled(format!("  {e}"), theme::dim()));
        }
        v.push(Line::from(spans));
    }
    if !d.found.is_empty() {
        let tab = dialog_key(app, Command::NextField);
        v.push(Line::from(Span::styled(
            format!("{tab} adds the picked person; Enter messages them"),
            theme::dim(),
        )));
    }
    v
}

/// "now", "5 min", "3 h", "2 d", or the date.
fn relative(app: &App, t: chrono::DateTime<chrono::Utc>) -> String {
    let secs = (app.settings.now() - t).num_seconds().max(0);
    match secs {
        0..60 => "now".into(),
        60..3600 => format!("{} min", secs / 60),
        3600..86400 => format!("{} h", secs / 3600),
        86400..604800 => format!("{} d", secs / 86400),
        _ => app.settings.local(t).format("%-d %b %Y").to_string(),
    }
}

/// Lower case, one character for one (so positions stay the same).
fn lower(c: char) -> char {
    let mut l = c.to_lowercase();
    match (l.next(), l.next()) {
        (Some(x), None) => x,
        _ => c,
    }
}

/// `text` drawn as messages are (bold, italic, code, no markup marks), on one line, cut
/// to `width` columns around the first match, with every match of `words` highlighted.
pub fn snippet(
    text: &str,
    words: &[String],
    width: usize,
    names: &dyn crate::markup::Names,
) -> Vec<Span<'static>> {
    // Each character with the style the message renderer gives it; lines joined by a
    // space.
    let mut chars: Vec<(char, Style)> = Vec::new();
    for p in crate::markup::text_paras(text, names) {
        if !chars.is_empty() {
            chars.push((' ', Style::default()));
        }
        for sp in p.spans {
            let clean = Clean::line(&sp.content);
            chars.extend(clean.as_str().chars().map(|c| (c, sp.style)));
        }
    }
    let low: Vec<char> = chars.iter().map(|(c, _)| lower(*c)).collect();
    let mut hit = vec![false; chars.len()];
    for w in words {
        let w: Vec<char> = w.chars().map(lower).collect();
        if w.is_empty() || w.len() > low.len() {
            continue;
        }
        for i in 0..=low.len() - w.len() {
            if low[i..i + w.len()] == w[..] {
                hit[i..i + w.len()].iter_mut().for_each(|h| *h = true);
            }
        }
    }
    let first = hit.iter().position(|h| *h).unwrap_or(0);
    let start = first.saturating_sub(width / 4);
    let mut out = Vec::new();
    let mut used = 0;
    if start > 0 {
        out.push(Span::styled("…".to_string(), theme::dim()));
        used += 1;
    }
    let mut run = String::new();
    let mut run_style: Option<Style> = None;
    for i in start..chars.len() {
        let (c, base) = chars[i];
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width.saturating_sub(1) && i + 1 < chars.len() {
            flush(&mut out, &mut run, run_style);
            out.push(Span::styled("…".to_string(), theme::dim()));
            return out;
        }
        let style = if hit[i] {
            base.patch(theme::mention())
        } else {
            base
        };
        if run_style != Some(style) {
            flush(&mut out, &mut run, run_style);
            run_style = Some(style);
        }
        run.push(c);
        used += w;
    }
    flush(&mut out, &mut run, run_style);
    out
}

fn flush(out: &mut Vec<Span<'static>>, run: &mut String, style: Option<Style>) {
    if run.is_empty() {
        return;
    }
    let text = std::mem::take(run);
    out.push(Span::styled(text, style.unwrap_or_default()));
}

/// The search dialog: the query, the scope, the results (two lines each), and keys.
pub fn search(app: &App, f: &mut Frame, area: Rect, d: &Dialog) {
    let Kind::Search { space, all } = &d.kind else {
        return;
    };
    let w = area.width.saturating_sub(4).min(100);
    let h = (area.height * 4 / 5).max(12).min(area.height);
    let r = centered(area, w, h);
    crate::ui::clear(f, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(true))
        .title(Span::styled(format!(" {} ", d.title()), theme::title(true)));
    let inner = block.inner(r);
    f.render_widget(block, r);
    let err: Vec<Line<'static>> = d
        .error
        .iter()
        .flat_map(|e| {
            let para = markup::Para::from(Line::from(Span::styled(Clean::line(e), theme::error())));
            markup::wrap(&[para], inner.width as usize)
        })
        .collect();
    let [field_area, scope_area, list_area, err_area, footer_area] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(err.len() as u16),
        Constraint::Length(1),
    ])
    .areas(inner);
    let fl = &d.fields[0];
    let fb = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(true))
        .title(Span::styled(format!(" {} ", fl.label), theme::title(true)));
    let fi = fb.inner(field_area);
    f.render_widget(fb, field_area);
    let caret = crate::ui::textbox::draw(
        f,
        fi,
        fl.input.lines(),
        fl.input.cursor(),
        &fl.scroll,
        Style::default(),
        Some((
            "words, \"a phrase\", sender.name = \"users/me\", has_link()…",
            theme::dim(),
        )),
    );
    if let Some(p) = caret.filter(|_| app.help.is_none()) {
        f.set_cursor_position(p);
    }
    let here = space
        .as_deref()
        .and_then(|s| app.space(s))
        .map(|s| app.space_label(s).into_string());
    let tab = dialog_key(app, Command::NextField);
    // The server leaves out muted spaces and Chat apps' messages: said where the scope
    // is, shortened when the line has no room for it.
    let muted = space.as_deref().is_some_and(|s| app.store.is_muted(s));
    let room = usize::from(scope_area.width);
    let scope = |apps: &str| match (&here, all) {
        (Some(l), true) => format!("In every space but muted ones{apps} · {tab}: only {l}"),
        (Some(l), false) if muted => {
            format!("In {l} only (muted: not searched) · {tab}: every space")
        }
        (Some(l), false) => format!("In {l} only{apps} · {tab}: every space"),
        (None, _) => format!("In every space but muted ones{apps}"),
    };
    let scope = Some(scope(", without apps' messages"))
        .filter(|s| markup::width(s) <= room)
        .unwrap_or_else(|| scope(""));
    f.render_widget(
        Paragraph::new(Line::from(Span::styled(scope, theme::dim()))),
        scope_area,
    );
    let res = &d.results;
    let words = terms(&d.field(0));
    let mut lines: Vec<Line<'static>> = Vec::new();
    let per = 2usize;
    let room = (list_area.height as usize / per).max(1);
    let first = res.pick.saturating_sub(room.saturating_sub(1));
    for (i, m) in res.hits.iter().enumerate().skip(first).take(room) {
        let picked = i == res.pick;
        let space_name = m
            .name
            .as_deref()
            .and_then(|n| n.split_once("/messages/"))
            .map(|(s, _)| s)
            .unwrap_or("");
        let space_label = app
            .space(space_name)
            .map(|s| app.space_label(s).into_string())
            .unwrap_or_else(|| Clean::line(space_name).into_string());
        let sender = m
            .sender
            .as_ref()
            .map(|u| app.member_label(u).into_string())
            .unwrap_or_default();
        let when = m.create_time.map(|t| relative(app, t)).unwrap_or_default();
        let head = Line::from(vec![
            Span::raw(if picked { "› " } else { "  " }),
            Span::styled(space_label, theme::bold()),
            Span::raw("  "),
            Span::raw(sender),
            Span::styled(format!("  {when}"), theme::dim()),
        ]);
        lines.push(if picked {
            head.style(theme::selected())
        } else {
            head
        });
        let mut body = vec![Span::raw("    ")];
        body.extend(snippet(
            m.text.as_deref().unwrap_or(""),
            &words,
            list_area.width.saturating_sub(5) as usize,
            app,
        ));
        lines.push(Line::from(body));
    }
    let status = if res.loading && res.hits.is_empty() {
        Some("Searching…".to_string())
    } else if res.answered && res.hits.is_empty() {
        Some("No messages match.".to_string())
    } else if res.loading {
        Some("Loading more…".to_string())
    } else {
        None
    };
    if let Some(s) = status {
        if lines.len() + 1 > list_area.height as usize && lines.len() >= 2 {
            lines.truncate(lines.len() - 2);
        }
        lines.push(Line::from(Span::styled(s, theme::dim())));
    }
    if res.answered && !res.loading && res.hits.is_empty() {
        lines.push(Line::from(Span::styled(
            "Muted spaces and Chat apps' messages are not searched.",
            theme::dim(),
        )));
    }
    f.render_widget(Paragraph::new(lines), list_area);
    f.render_widget(Paragraph::new(err), err_area);
    let key = |c: Command| dialog_key(app, c);
    let footer = Line::from(vec![
        Span::styled(key(Command::Submit), theme::key()),
        Span::raw(" search, or open the picked result   "),
        Span::styled(
            match crate::ui::place::move_keys(app, Mode::List) {
                arrows if arrows == "↑↓" => "Up/Down".to_string(),
                keys => keys,
            },
            theme::key(),
        ),
        Span::raw(" results   "),
        Span::styled(key(Command::Cancel), theme::key()),
        Span::raw(" close"),
    ]);
    f.render_widget(Paragraph::new(footer), footer_area);
}
