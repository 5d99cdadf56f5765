//! The parts of a message row for reactions, quotes, pins and rich links.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::react::{emoji_label, EmojiKey, ReactState};
use super::row_ctx::RowCtx;
use super::store::Pins;
use super::timeline::Item;
use crate::api::model::{AnnotationType, User};
use crate::clean::Clean;
use crate::markup;
use crate::theme;

/// Most lines a quote takes above a reply.
const QUOTE_LINES: usize = 3;

/// The pin mark for the header, when the message is pinned.
pub fn pin_mark(pins: Option<&Pins>, item: &Item) -> Option<Span<'static>> {
    pins.is_some_and(|p| p.by_message.contains_key(item.name()))
        .then(|| Span::styled(" 📌".to_string(), theme::warn()))
}

/// The user's own reactions stand out.
fn own_style() -> Style {
    theme::me().add_modifier(Modifier::REVERSED)
}

/// `👍 3  🎉 1`: each emoji with its count, the user's own highlighted, packed into lines
/// of `width` columns (an emoji is never split from its count).
pub fn reaction_lines(react: &ReactState, item: &Item, width: usize) -> Vec<Line<'static>> {
    let sums = item.reaction_summaries();
    let mut chips: Vec<Span<'static>> = Vec::new();
    for s in &sums {
        let Some(e) = &s.emoji else { continue };
        let n = s.reaction_count.unwrap_or(0);
        if n <= 0 {
            continue;
        }
        let own = EmojiKey::of(e).is_some_and(|k| react.given(item.name(), &k));
        let label = emoji_label(e, &react.custom);
        let text = markup::truncate(&format!("{label} {n}"), width.max(4));
        chips.push(if own {
            Span::styled(text, own_style())
        } else {
            Span::styled(text, theme::dim())
        });
    }
    let mut out: Vec<Line<'static>> = Vec::new();
    let mut line: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for c in chips {
        let w = markup::width(&c.content);
        let gap = if line.is_empty() { 0 } else { 2 };
        if !line.is_empty() && used + gap + w > width {
            out.push(Line::from(std::mem::take(&mut line)));
            used = 0;
        }
        if !line.is_empty() {
            line.push(Span::raw("  "));
            used += 2;
        }
        used += w;
        line.push(c);
    }
    if !line.is_empty() {
        out.push(Line::from(line));
    }
    out
}

/// The quote above a reply: `▎ Bob Li: what was said`, at most three lines.
pub fn quote_lines(cx: &RowCtx, item: &Item, width: usize) -> Vec<Line<'static>> {
    let Some(q) = item.quoted() else {
        return Vec::new();
    };
    let snap = q.quoted_message_snapshot.as_ref();
    let quoted = q
        .name
        .as_deref()
        .and_then(|n| cx.timeline.and_then(|t| t.get(n)));
    let sender = snap
        .and_then(|s| s.get("sender"))
        .and_then(serde_json::Value::as_str)
        .map(String::from)
        .or_else(|| quoted.and_then(|i| i.sender_name().map(String::from)));
    let who = sender
        .map(|u| {
            cx.people.user_label(&User {
                name: Some(u),
                ..Default::default()
            })
        })
        .unwrap_or_else(|| Clean::line("a message"));
    let text = snap
        .and_then(|s| s.get("text"))
        .and_then(serde_json::Value::as_str)
        .map(String::from)
        .or_else(|| quoted.and_then(|i| i.text().map(String::from)))
        .unwrap_or_default();
    let text = if text.is_empty() && quoted.is_none() {
        "(not loaded here)".to_string()
    } else {
        text
    };
    let preview = markup::plain_preview(&text, cx, width.saturating_mul(QUOTE_LINES));
    let paras = vec![markup::Para {
        spans: vec![
            Span::styled(format!("{who}: "), theme::bold().patch(theme::quote())),
            Span::styled(preview.into_string(), theme::quote()),
        ],
        hang: 0,
        code: false,
    }];
    let inner = width.saturating_sub(2).max(4);
    let mut lines = markup::wrap(&paras, inner);
    if lines.len() > QUOTE_LINES {
        lines.truncate(QUOTE_LINES);
        if let Some(l) = lines.last_mut() {
            l.spans.push(Span::styled("…".to_string(), theme::quote()));
        }
    }
    lines
        .into_iter()
        .map(|mut l| {
            l.spans
                .insert(0, Span::styled("▎ ".to_string(), theme::quote()));
            l
        })
        .collect()
}

/// What kind of Google file a rich link is, from its MIME type.
fn drive_title(mime: Option<&str>) -> &'static str {
    match mime {
        Some("application/vnd.google-apps.document") => "Google Docs",
        Some("application/vnd.google-apps.spreadsheet") => "Google Sheets",
        Some("application/vnd.google-apps.presentation") => "Google Slides",
        Some("application/vnd.google-apps.form") => "Google Forms",
        _ => "Google Drive",
    }
}

/// A chip per `RICH_LINK` annotation: `▤ Google Docs  https://docs.google.com/…`.
pub fn chip_lines(item: &Item, width: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for a in item.annotations() {
        if a.annotation_type != Some(AnnotationType::RichLink) {
            continue;
        }
        let Some(meta) = &a.rich_link_metadata else {
            continue;
        };
        let Some(uri) = meta.get("uri").and_then(serde_json::Value::as_str) else {
            continue;
        };
        let title = match meta.get("richLinkType").and_then(serde_json::Value::as_str) {
            Some("DRIVE_FILE") | None => drive_title(
                meta.pointer("/driveLinkData/mimeType")
                    .and_then(serde_json::Value::as_str),
            ),
            Some("CHAT_SPACE") => "Chat space",
            Some("MEET_SPACE") => "Google Meet",
            Some("CALENDAR_EVENT") => "Calendar event",
            Some(_) => "Link",
        };
        // One line: the kind of file, then its address without the scheme, cut to fit.
        let uri = Clean::line(uri.trim_start_matches("https://"));
        let room = width.saturating_sub(markup::width(title) + 5).max(4);
        out.push(Line::from(vec![
            Span::styled("▤ ".to_string(), theme::dim()),
            Span::styled(title.to_string(), theme::link()),
            Span::styled(" · ".to_string(), theme::dim()),
            Span::styled(markup::truncate(uri.as_str(), room), theme::url()),
        ]));
    }
    out
}
