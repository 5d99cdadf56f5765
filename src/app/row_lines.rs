//! One message-pane row as styled lines: a message with its header, a date rule, the
//! "new messages" mark, a collapsed thread. Laid out here, below the ui, because the
//! app needs row heights to scroll; the layout cache keeps the result per width.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

pub use super::row_ctx::RowCtx;
use super::timeline::{Item, Local, Row};
use crate::clean::Clean;
use crate::markup;
use crate::theme;

/// Left of every row: one column for the selection bar.
const GUTTER: usize = 1;
/// Under a thread's first message.
const REPLY_PREFIX: &str = "  │ ";
const BODY_INDENT: usize = 2;
/// The widest a message's text runs, however wide the pane: longer lines are hard to
/// read (typography's 45–90 characters, a little more for chat's short paragraphs).
pub const MAX_TEXT_WIDTH: usize = 100;

fn date_label(cx: &RowCtx, d: chrono::NaiveDate) -> String {
    let today = cx.settings.local(cx.settings.now()).date_naive();
    if d == today {
        "Today".into()
    } else if Some(d) == today.pred_opt() {
        "Yesterday".into()
    } else {
        d.format("%a %-d %b %Y").to_string()
    }
}

fn centered_rule(label: &str, width: usize, style: Style) -> Line<'static> {
    let lw = markup::width(label) + 2;
    let side = width.saturating_sub(lw + GUTTER) / 2;
    let right = width.saturating_sub(lw + GUTTER + side);
    Line::from(vec![
        Span::raw(" ".repeat(GUTTER)),
        Span::styled("─".repeat(side), theme::separator()),
        Span::styled(format!(" {label} "), style),
        Span::styled("─".repeat(right), theme::separator()),
    ])
}

fn sender_spans(cx: &RowCtx, item: &Item) -> Vec<Span<'static>> {
    let u = item.sender().cloned().unwrap_or_default();
    let name = u.name.clone().unwrap_or_default();
    let label = if item.is_local() || cx.is_mine(item) {
        cx.me
            .name
            .as_deref()
            .map(Clean::line)
            .unwrap_or_else(|| cx.member_label(&u))
    } else {
        cx.member_label(&u)
    };
    let style = if cx.is_mine(item) || item.is_local() {
        theme::me()
    } else if u.is_bot() {
        theme::bot()
    } else {
        theme::sender(&name)
    };
    let mut v = vec![Span::styled(label, style)];
    if u.is_bot() {
        v.push(Span::styled(" APP".to_string(), theme::dim()));
    }
    v
}

fn time_text(cx: &RowCtx, item: &Item, root_date: Option<chrono::NaiveDate>) -> String {
    let t = cx.settings.local(item.time());
    if root_date.is_some_and(|d| d != t.date_naive()) {
        // The same words as the day dividers: "Today", "Yesterday", else the date.
        let today = cx.settings.local(cx.settings.now()).date_naive();
        let day = t.date_naive();
        if day == today {
            t.format("Today, %H:%M").to_string()
        } else if Some(day) == today.pred_opt() {
            t.format("Yesterday, %H:%M").to_string()
        } else {
            t.format("%a %-d %b, %H:%M").to_string()
        }
    } else {
        t.format("%H:%M").to_string()
    }
}

/// Lines for one row of the message pane at `width` columns (cached by the caller).
/// `continued`: a message under the header of the one above (same sender, moments later).
pub fn render_row(cx: &RowCtx, row: &Row, continued: bool, width: u16) -> Vec<Line<'static>> {
    let width = width as usize;
    let tl = cx.timeline;
    match row {
        Row::Top => {
            let in_thread = cx.view.is_some_and(|v| v.thread.is_some());
            let (text, style) = match tl {
                None => ("Loading messages…".to_string(), theme::dim()),
                Some(t) if t.error.is_some() && !t.loaded => (
                    format!("Could not load messages: {}", Clean::line(t.error.as_deref().unwrap_or_default())),
                    theme::error(),
                ),
                Some(t) if !t.loaded && cx.me.is_app => (
                    "A Chat app can't read a space's history (chat.bot has no messages.list); messages it sends show here.".into(),
                    theme::dim(),
                ),
                Some(t) if !t.loaded => ("Loading messages…".into(), theme::dim()),
                Some(_) if in_thread => (
                    "Thread: every reply, oldest first · Esc back to the space".into(),
                    theme::dim(),
                ),
                Some(t) if t.has_older && cx.view.is_some_and(|v| v.to_beginning) => {
                    ("Loading older… (Esc stops)".into(), theme::dim())
                }
                Some(t) if t.loading_older => ("Loading older messages…".into(), theme::dim()),
                Some(t) if t.has_older => ("↑ Older messages: scroll up to load them".into(), theme::dim()),
                Some(_) => {
                    let label = cx.label.clone();
                    (format!("The beginning of {label}"), theme::dim())
                }
            };
            let paras = vec![markup::Para {
                spans: vec![Span::styled(text, style)],
                hang: 0,
                code: false,
            }];
            markup::wrap(&paras, width.saturating_sub(GUTTER + 1))
                .into_iter()
                .map(|l| indent(l, GUTTER))
                .collect()
        }
        Row::Date(d) => vec![
            Line::default(),
            centered_rule(&date_label(cx, *d), width, theme::dim()),
        ],
        Row::EarlierThread { .. } => vec![
            Line::default(),
            Line::from(vec![
                Span::raw(" ".repeat(GUTTER)),
                Span::styled(
                    "↳ Replies to an earlier message (Enter opens the thread)".to_string(),
                    theme::dim(),
                ),
            ]),
        ],
        Row::Unread => vec![
            Line::default(),
            centered_rule("New messages", width, theme::warn()),
        ],
        Row::NewReplies { thread } => new_replies(cx, thread, width),
        Row::Collapsed { hidden, .. } => vec![Line::from(vec![
            Span::raw(" ".repeat(GUTTER)),
            Span::styled("  ┆ ".to_string(), theme::dim()),
            Span::styled(
                format!(
                    "{hidden} more repl{} · {} shows all, {} opens the thread",
                    if *hidden == 1 { "y" } else { "ies" },
                    cx.keymap.label(
                        crate::keymap::Mode::Messages,
                        crate::keymap::Command::ExpandThread
                    ),
                    cx.keymap.label(
                        crate::keymap::Mode::Messages,
                        crate::keymap::Command::OpenThread
                    ),
                ),
                theme::dim(),
            ),
        ])],
        Row::Msg { name, reply } => match tl.and_then(|t| t.get(name)) {
            Some(item) => message_lines(
                cx,
                item,
                Shape {
                    reply: *reply,
                    continued,
                    new_reply: !*reply && cx.has_new_reply(item.thread()),
                },
                width,
            ),
            None => Vec::new(),
        },
    }
}

/// The line at the bottom for a thread higher up that got a reply: who, and what.
fn new_replies(cx: &RowCtx, thread: &str, width: usize) -> Vec<Line<'static>> {
    let tl = cx.timeline;
    // The root by the thread index; the last reply from the newest back (news is new).
    let root = tl.and_then(|t| t.thread_root(thread));
    let last = tl.and_then(|t| {
        t.items()
            .iter()
            .rev()
            .find(|i| i.thread() == thread && i.is_reply())
    });
    let who = last
        .and_then(|i| i.sender())
        .map(|u| cx.member_label(u).into_string())
        .unwrap_or_else(|| "someone".into());
    let text = |i: Option<&Item>| {
        i.map(|i| markup::plain_preview(i.text().unwrap_or("(card)"), cx, 40))
            .unwrap_or_default()
    };
    let open = cx.keymap.label(
        crate::keymap::Mode::Messages,
        crate::keymap::Command::OpenThread,
    );
    let line = match root {
        Some(_) => format!(
            "↳ New reply from {who} in \"{}\": {} · {open} opens the thread",
            text(root),
            text(last)
        ),
        None => format!(
            "↳ New reply from {who}: {} · {open} opens the thread",
            text(last)
        ),
    };
    let paras = vec![markup::Para {
        spans: vec![Span::styled(line, theme::warn())],
        hang: 2,
        code: false,
    }];
    let mut out = vec![Line::default()];
    out.extend(
        markup::wrap(&paras, width.saturating_sub(GUTTER + 1))
            .into_iter()
            .map(|l| indent(l, GUTTER)),
    );
    out
}

fn indent(mut l: Line<'static>, n: usize) -> Line<'static> {
    l.spans.insert(0, Span::raw(" ".repeat(n)));
    l
}

/// How a message row is drawn besides its message.
struct Shape {
    /// Under its thread's first message.
    reply: bool,
    /// Under the header of the message above (same sender, moments later).
    continued: bool,
    /// A thread start whose thread got a reply while the space was open.
    new_reply: bool,
}

fn message_lines(cx: &RowCtx, item: &Item, shape: Shape, width: usize) -> Vec<Line<'static>> {
    let Shape {
        reply,
        continued,
        new_reply,
    } = shape;
    let prefix = if reply { REPLY_PREFIX } else { "" };
    let lead = GUTTER + markup::width(prefix);
    let body_indent = if reply { 0 } else { BODY_INDENT };
    let inner = width
        .saturating_sub(lead + body_indent + 1)
        .clamp(8, MAX_TEXT_WIDTH);
    // A thread on its own says each day in a rule above its messages: a reply says its
    // date only in the whole timeline, under its thread's first message.
    let in_thread = cx.view.is_some_and(|v| v.thread.is_some());
    let root_date = if reply && !in_thread {
        cx.timeline
            .and_then(|t| t.thread_first(item.thread()))
            .map(|r| cx.settings.local(r.time()).date_naive())
    } else {
        None
    };
    let mut out = Vec::new();
    if !reply && !continued {
        out.push(Line::default());
    }
    // Header: who, when, edited, where it is.
    let mut header = sender_spans(cx, item);
    header.push(Span::styled(
        format!("  {}", time_text(cx, item, root_date)),
        theme::time(),
    ));
    if item.updated().is_some() {
        header.push(Span::styled(" (edited)".to_string(), theme::edited()));
    }
    header.extend(super::react_lines::pin_mark(cx.pins, item));
    match &item.local {
        Some(Local::Sending) => {
            let text = match cx.next_try(item.name()) {
                Some(d) => format!(" sending… next try in {} s", d.as_secs().max(1)),
                None => " sending…".to_string(),
            };
            header.push(Span::styled(text, theme::pending()))
        }
        Some(Local::Saving) => header.push(Span::styled(" saving…".to_string(), theme::pending())),
        Some(Local::Deleting) => {
            header.push(Span::styled(" deleting…".to_string(), theme::pending()))
        }
        Some(Local::Failed(_)) => {
            header.push(Span::styled(" ✗ not sent".to_string(), theme::error_bold()))
        }
        None => {}
    }
    if new_reply {
        header.push(Span::styled(" ● new reply".to_string(), theme::warn()));
    }
    let header_line = Line::from(header);
    let header_line = if header_line.width() > width.saturating_sub(lead) {
        let text: String = header_line
            .spans
            .iter()
            .map(|s| s.content.as_ref())
            .collect();
        Line::from(Span::styled(
            markup::truncate(&text, width.saturating_sub(lead)),
            theme::bold(),
        ))
    } else {
        header_line
    };
    if !continued {
        out.push(with_prefix(header_line, prefix, 0));
    }

    let mut body: Vec<Line<'static>> = super::react_lines::quote_lines(cx, item, inner);
    if let Some(text) = item.text().filter(|t| !t.is_empty()) {
        let paras = markup::text_paras(text, cx);
        let style_all = item.local.is_some();
        for l in markup::wrap(&paras, inner) {
            body.push(if style_all { dim_line(l) } else { l });
        }
    }
    if !item.cards_v2().is_empty() {
        body.extend(markup::card_lines(item.cards_v2(), inner));
    }
    // Attachments: name and type (the sender chose them: cleaned like any text).
    for a in item.attachments() {
        let paras = vec![markup::Para::from(Line::from(Span::styled(
            super::files::attachment_label(&a, cx.sizes),
            theme::dim(),
        )))];
        body.extend(markup::wrap(&paras, inner));
    }
    body.extend(super::react_lines::chip_lines(item, inner));
    if body.is_empty() {
        let what = if !item.cards().is_empty() {
            "[legacy card: open in Google Chat]"
        } else {
            "(no text)"
        };
        body.push(Line::from(Span::styled(what.to_string(), theme::dim())));
    }
    body.extend(super::react_lines::reaction_lines(cx.react, item, inner));
    if let Some(Local::Failed(why)) = &item.local {
        let why = Clean::line(why);
        let hint = format!(
            "Not sent: {why} {} retries, {} edits.",
            cx.keymap
                .label(crate::keymap::Mode::Messages, crate::keymap::Command::Retry),
            cx.keymap
                .label(crate::keymap::Mode::Messages, crate::keymap::Command::Edit),
        );
        let paras = vec![markup::Para {
            spans: vec![Span::styled(hint, theme::error())],
            hang: 0,
            code: false,
        }];
        body.extend(markup::wrap(&paras, inner));
    }
    for l in body {
        out.push(with_prefix(l, prefix, body_indent));
    }
    out
}

fn dim_line(mut l: Line<'static>) -> Line<'static> {
    for s in &mut l.spans {
        s.style = s.style.patch(theme::pending());
    }
    l
}

fn with_prefix(mut l: Line<'static>, prefix: &str, indent: usize) -> Line<'static> {
    let mut spans = vec![Span::raw(" ".repeat(GUTTER))];
    if !prefix.is_empty() {
        spans.push(Span::styled(prefix.to_string(), theme::dim()));
    }
    if indent > 0 {
        spans.push(Span::raw(" ".repeat(indent)));
    }
    spans.append(&mut l.spans);
    Line::from(spans)
}
