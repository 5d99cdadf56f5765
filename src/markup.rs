//! Google Chat's text format and cards, as styled terminal lines.
//!
//! Text: `*bold*`, `_italic_`, `~strike~`, `` `code` ``, fenced code blocks, bullet lines
//! (`* ` / `- `), `> ` quotes, links (`<url|label>`, `<url>`, bare URLs) and mentions
//! (`<users/ID>` drawn as @Name). Cards (`cardsV2`): header, section headers, text
//! paragraphs (with the small HTML subset cards use), decorated text, buttons as labelled
//! links, images and dividers, in a bordered box.
//!
//! Widths are display widths (CJK and emoji count two columns), never bytes or chars.
//!
//! Everything here is someone else's text: it is cleaned ([`Clean`]) before it is parsed,
//! so no span this module makes can carry a control character or a bidi override.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use serde_json::Value;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::api::model::CardWithId;
use crate::clean::Clean;
use crate::theme;

/// How mentions are drawn: names for `users/ID`, and whether it is the viewer.
pub trait Names {
    fn display_name(&self, user: &str) -> Option<Clean>;
    fn is_me(&self, user: &str) -> bool;
}

/// A logical line before wrapping.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Para {
    pub spans: Vec<Span<'static>>,
    /// Columns of indent for the continuation lines (under a bullet's text).
    pub hang: usize,
    /// Code: kept verbatim, broken anywhere, spaces kept.
    pub code: bool,
}

impl From<Line<'static>> for Para {
    /// A line of plain text that wraps flush left.
    fn from(l: Line<'static>) -> Self {
        Para::plain(l.spans)
    }
}

impl Para {
    fn plain(spans: Vec<Span<'static>>) -> Self {
        Para {
            spans,
            hang: 0,
            code: false,
        }
    }
}

/// The display width of `s` in terminal columns.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Parses message text into logical lines.
pub fn text_paras(text: &str, names: &dyn Names) -> Vec<Para> {
    // Terminals disagree on the width of text-default symbols made emoji by U+FE0F
    // (⚠️ is one column in some, two in others); without it, everyone agrees.
    let text = &Clean::text(text).replace('\u{fe0f}', "");
    let mut out = Vec::new();
    let mut in_code = false;
    for raw in text.split('\n') {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("```") {
            // A fence on its own line opens or closes a block; text on the same line
            // after an opening fence starts the block.
            if in_code {
                in_code = false;
                let tail = rest.trim();
                if !tail.is_empty() {
                    out.push(Para::plain(inline(tail, names, Style::default())));
                }
                continue;
            }
            if let Some(end) = rest.find("```") {
                // ```code``` on one line.
                out.push(Para {
                    spans: vec![Span::styled(rest[..end].to_string(), theme::code_block())],
                    hang: 0,
                    code: true,
                });
                let after = rest[end + 3..].trim();
                if !after.is_empty() {
                    out.push(Para::plain(inline(after, names, Style::default())));
                }
                continue;
            }
            in_code = true;
            if !rest.trim().is_empty() {
                out.push(code_para(rest));
            }
            continue;
        }
        if in_code {
            out.push(code_para(line));
            continue;
        }
        let indent = line.len() - trimmed.len();
        if let Some(rest) = trimmed
            .strip_prefix("* ")
            .or_else(|| trimmed.strip_prefix("- "))
        {
            let lead = " ".repeat(indent.min(8));
            let mut spans = vec![Span::raw(format!("{lead}• "))];
            spans.extend(inline(rest, names, Style::default()));
            out.push(Para {
                spans,
                hang: indent.min(8) + 2,
                code: false,
            });
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("> ") {
            let mut spans = vec![Span::styled("▎ ".to_string(), theme::quote())];
            spans.extend(inline(rest, names, theme::quote()));
            out.push(Para {
                spans,
                hang: 2,
                code: false,
            });
            continue;
        }
        out.push(Para::plain(inline(line, names, Style::default())));
    }
    out
}

fn code_para(line: &str) -> Para {
    Para {
        spans: vec![Span::styled(
            line.replace('\t', "    "),
            theme::code_block(),
        )],
        hang: 0,
        code: true,
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Whether `i` can open emphasis with `marker`: not after a word character, and not
/// followed by whitespace.
fn opens(chars: &[char], i: usize) -> bool {
    let before_ok = i == 0 || !is_word_char(chars[i - 1]);
    let after_ok = chars.get(i + 1).is_some_and(|c| !c.is_whitespace());
    before_ok && after_ok
}

fn closes(chars: &[char], j: usize) -> bool {
    let before_ok = j > 0 && !chars[j - 1].is_whitespace();
    let after_ok = chars.get(j + 1).is_none_or(|c| !is_word_char(*c));
    before_ok && after_ok
}

/// Inline formatting of one line, on top of `base`.
pub fn inline(s: &str, names: &dyn Names, base: Style) -> Vec<Span<'static>> {
    let chars: Vec<char> = s.chars().collect();
    let mut out: Vec<Span<'static>> = Vec::new();
    let mut buf = String::new();
    let flush = |buf: &mut String, out: &mut Vec<Span<'static>>| {
        if !buf.is_empty() {
            out.push(Span::styled(std::mem::take(buf), base));
        }
    };
    // For each emphasis mark, the last search for its closer: where it started and
    // what it found. The closer found from one start is the closer from any later start
    // up to it, so each mark's searches read the line once in all.
    let mut closers: [Option<(usize, Option<usize>)>; 3] = [None; 3];
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // <users/ID>, <url|label>, <url>: a `<` before the `>` means this one is text
        // (and the search stops there, so no stretch is read twice).
        if c == '<' {
            let end = chars[i + 1..]
                .iter()
                .position(|&x| x == '>' || x == '<')
                .filter(|&rel| chars[i + 1 + rel] == '>');
            if let Some(rel) = end {
                let inner: String = chars[i + 1..i + 1 + rel].iter().collect();
                if let Some(user) = inner.strip_prefix("users/") {
                    flush(&mut buf, &mut out);
                    let full = format!("users/{user}");
                    let label = match user {
                        "all" => "@all".to_string(),
                        _ => format!(
                            "@{}",
                            names
                                .display_name(&full)
                                .map_or_else(|| full.clone(), String::from)
                        ),
                    };
                    let style = if names.is_me(&full) || user == "all" {
                        theme::mention_me()
                    } else {
                        base.patch(theme::mention())
                    };
                    out.push(Span::styled(label, style));
                    i += rel + 2;
                    continue;
                }
                if is_url(&inner) {
                    flush(&mut buf, &mut out);
                    match inner.split_once('|') {
                        Some((url, label)) if !label.is_empty() => {
                            out.push(Span::styled(label.to_string(), base.patch(theme::link())));
                            out.push(Span::styled(format!(" ({url})"), theme::url()));
                        }
                        _ => {
                            let url = inner.split('|').next().unwrap_or(&inner);
                            out.push(Span::styled(url.to_string(), base.patch(theme::link())));
                        }
                    }
                    i += rel + 2;
                    continue;
                }
            }
        }
        // A bare URL.
        if (c == 'h' || c == 'H') && (i == 0 || !is_word_char(chars[i - 1])) {
            let rest: String = chars[i..chars.len().min(i + 8)].iter().collect();
            let lower = rest.to_lowercase();
            if lower.starts_with("https://") || lower.starts_with("http://") {
                let mut j = i;
                while j < chars.len() && !chars[j].is_whitespace() && chars[j] != '<' {
                    j += 1;
                }
                while j > i
                    && matches!(
                        chars[j - 1],
                        '.' | ',' | ';' | ':' | '!' | '?' | ')' | '\'' | '"'
                    )
                {
                    j -= 1;
                }
                flush(&mut buf, &mut out);
                out.push(Span::styled(
                    chars[i..j].iter().collect::<String>(),
                    base.patch(theme::link()),
                ));
                i = j;
                continue;
            }
        }
        // `code`
        if c == '`' {
            if let Some(rel) = chars[i + 1..].iter().position(|&x| x == '`') {
                if rel > 0 {
                    flush(&mut buf, &mut out);
                    out.push(Span::styled(
                        chars[i + 1..i + 1 + rel].iter().collect::<String>(),
                        theme::code(),
                    ));
                    i += rel + 2;
                    continue;
                }
            }
        }
        // *bold*, _italic_, ~strike~
        if matches!(c, '*' | '_' | '~') && opens(&chars, i) {
            let k = match c {
                '*' => 0,
                '_' => 1,
                _ => 2,
            };
            let close = match closers[k] {
                Some((from, found)) if from <= i + 2 && found.is_none_or(|j| j >= i + 2) => found,
                _ => {
                    let found = (i + 2..chars.len()).find(|&j| chars[j] == c && closes(&chars, j));
                    closers[k] = Some((i + 2, found));
                    found
                }
            };
            if let Some(j) = close {
                flush(&mut buf, &mut out);
                let style = base.patch(match c {
                    '*' => theme::bold(),
                    '_' => theme::italic(),
                    _ => theme::strike(),
                });
                let inner: String = chars[i + 1..j].iter().collect();
                out.extend(inline(&inner, names, style));
                i = j + 1;
                continue;
            }
        }
        buf.push(c);
        i += 1;
    }
    flush(&mut buf, &mut out);
    out
}

fn is_url(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://") || l.starts_with("mailto:")
}

/// The text without markup, on one line: for previews and titles.
pub fn plain_preview(text: &str, names: &dyn Names, max_width: usize) -> Clean {
    let mut s = String::new();
    for p in text_paras(text, names) {
        if !s.is_empty() {
            s.push(' ');
        }
        for sp in p.spans {
            s.push_str(&sp.content);
        }
    }
    Clean::line(&truncate(&s, max_width))
}

/// Cuts `s` to `max` columns, ending in `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for g in s.graphemes(true) {
        let gw = width(g);
        if w + gw + 1 > max {
            break;
        }
        out.push_str(g);
        w += gw;
    }
    out.push('…');
    out
}

/// Pads `s` with spaces to exactly `cols` columns (cutting when longer).
pub fn pad(s: &str, cols: usize) -> String {
    let t = truncate(s, cols);
    let w = width(&t);
    format!("{t}{}", " ".repeat(cols.saturating_sub(w)))
}

enum Tok {
    Space(String, Style),
    Word(Vec<(String, Style)>),
}

fn tokens(p: &Para) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut word: Vec<(String, Style)> = Vec::new();
    for span in &p.spans {
        for g in span.content.graphemes(true) {
            let space = g.chars().all(char::is_whitespace);
            let wide = width(g) > 1;
            if space || p.code {
                if !word.is_empty() {
                    out.push(Tok::Word(std::mem::take(&mut word)));
                }
                if space {
                    out.push(Tok::Space(g.replace('\t', "    "), span.style));
                } else {
                    out.push(Tok::Word(vec![(g.to_string(), span.style)]));
                }
            } else if wide {
                // Wide (CJK) characters may break anywhere.
                if !word.is_empty() {
                    out.push(Tok::Word(std::mem::take(&mut word)));
                }
                out.push(Tok::Word(vec![(g.to_string(), span.style)]));
            } else {
                word.push((g.to_string(), span.style));
            }
        }
    }
    if !word.is_empty() {
        out.push(Tok::Word(word));
    }
    out
}

/// Builds a line from pieces, merging neighbours of the same style.
#[derive(Default)]
struct LineBuf {
    spans: Vec<Span<'static>>,
    width: usize,
}

impl LineBuf {
    fn push(&mut self, text: &str, style: Style) {
        self.width += width(text);
        if let Some(last) = self.spans.last_mut() {
            if last.style == style {
                last.content.to_mut().push_str(text);
                return;
            }
        }
        self.spans.push(Span::styled(text.to_string(), style));
    }
    fn take(&mut self) -> Line<'static> {
        self.width = 0;
        Line::from(std::mem::take(&mut self.spans))
    }
    /// Ends the line without the spaces it ended on.
    fn take_trimmed(&mut self) -> Line<'static> {
        while let Some(last) = self.spans.last_mut() {
            let t = last.content.trim_end_matches(' ').len();
            if t == 0 {
                self.spans.pop();
            } else {
                last.content.to_mut().truncate(t);
                break;
            }
        }
        self.take()
    }
}

/// Wraps logical lines to `cols` columns: at spaces, between CJK characters, and
/// inside words only when a word is wider than the line.
pub fn wrap(paras: &[Para], cols: usize) -> Vec<Line<'static>> {
    let cols = cols.max(4);
    let mut out = Vec::new();
    for p in paras {
        let hang = p.hang.min(cols / 2);
        let mut line = LineBuf::default();
        let mut continuation = false;
        let code = p.code;
        let new_line = |line: &mut LineBuf, out: &mut Vec<Line<'static>>, cont: &mut bool| {
            out.push(if code {
                line.take()
            } else {
                line.take_trimmed()
            });
            *cont = true;
            if hang > 0 {
                line.push(&" ".repeat(hang), Style::default());
            }
        };
        for tok in tokens(p) {
            match tok {
                Tok::Space(s, st) => {
                    let w = width(&s);
                    if continuation && line.width <= hang && !p.code {
                        continue;
                    }
                    if line.width + w <= cols {
                        line.push(&s, st);
                    } else if !p.code {
                        new_line(&mut line, &mut out, &mut continuation);
                    }
                }
                Tok::Word(pieces) => {
                    let w: usize = pieces.iter().map(|(g, _)| width(g)).sum();
                    if line.width + w > cols && line.width > hang {
                        new_line(&mut line, &mut out, &mut continuation);
                    }
                    if line.width + w <= cols {
                        for (g, st) in &pieces {
                            line.push(g, *st);
                        }
                    } else {
                        // Longer than a line: break it by grapheme.
                        for (g, st) in &pieces {
                            let gw = width(g);
                            if line.width + gw > cols && line.width > hang {
                                new_line(&mut line, &mut out, &mut continuation);
                            }
                            line.push(g, *st);
                        }
                    }
                }
            }
        }
        out.push(if code {
            line.take()
        } else {
            line.take_trimmed()
        });
    }
    out
}

// ---------------------------------------------------------------- cards

/// The small HTML subset of card text: <b>, <i>, <u>, <s>, <br>, <a href>, <font>.
fn html_spans(html: &Clean, base: Style) -> Vec<Para> {
    let mut paras = vec![Para::default()];
    let mut style_stack: Vec<Style> = vec![base];
    let mut link: Option<String> = None;
    let mut rest: &str = html;
    let push_text = |paras: &mut Vec<Para>, text: &str, style: Style| {
        if text.is_empty() {
            return;
        }
        let t = decode_entities(text);
        if let Some(p) = paras.last_mut() {
            p.spans.push(Span::styled(t, style));
        }
    };
    while !rest.is_empty() {
        match rest.find('<') {
            None => {
                push_text(&mut paras, rest, *style_stack.last().unwrap_or(&base));
                break;
            }
            Some(pos) => {
                push_text(
                    &mut paras,
                    &rest[..pos],
                    *style_stack.last().unwrap_or(&base),
                );
                let after = &rest[pos..];
                let Some(end) = after.find('>') else {
                    push_text(&mut paras, after, *style_stack.last().unwrap_or(&base));
                    break;
                };
                let tag = after[1..end].trim().to_ascii_lowercase();
                let top = *style_stack.last().unwrap_or(&base);
                let name = tag
                    .trim_start_matches('/')
                    .split_whitespace()
                    .next()
                    .unwrap_or("");
                if tag.starts_with('/') {
                    if matches!(name, "b" | "i" | "u" | "s" | "a" | "font" | "strong" | "em")
                        && style_stack.len() > 1
                    {
                        style_stack.pop();
                    }
                    if name == "a" {
                        if let Some(url) = link.take() {
                            if let Some(p) = paras.last_mut() {
                                p.spans
                                    .push(Span::styled(format!(" ({url})"), theme::url()));
                            }
                        }
                    }
                } else {
                    match name {
                        "b" | "strong" => style_stack.push(top.patch(theme::bold())),
                        "i" | "em" => style_stack.push(top.patch(theme::italic())),
                        "u" => {
                            style_stack.push(top.add_modifier(ratatui::style::Modifier::UNDERLINED))
                        }
                        "s" => style_stack.push(top.patch(theme::strike())),
                        "font" => style_stack.push(top),
                        "a" => {
                            link = attr(&after[1..end], "href");
                            style_stack.push(top.patch(theme::link()));
                        }
                        "br" => paras.push(Para::default()),
                        _ => {}
                    }
                }
                rest = &after[end + 1..];
            }
        }
    }
    paras
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let i = lower.find(&format!("{name}="))?;
    let v = &tag[i + name.len() + 1..];
    let q = v.chars().next()?;
    if q == '"' || q == '\'' {
        v[1..].find(q).map(|e| v[1..1 + e].to_string())
    } else {
        Some(v.split_whitespace().next().unwrap_or("").to_string())
    }
}

fn decode_entities(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .replace('\u{fe0f}', "")
}

/// A string in a card, cleaned.
fn str_at(v: &Value, path: &[&str]) -> Option<Clean> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str().map(Clean::line)
}

/// The logical lines of one card's content (without the box).
fn card_paras(card: &Value) -> Vec<Para> {
    let mut out = Vec::new();
    if let Some(title) = str_at(card, &["header", "title"]) {
        out.push(Para::plain(vec![Span::styled(title, theme::card_title())]));
    }
    if let Some(sub) = str_at(card, &["header", "subtitle"]) {
        out.push(Para::plain(vec![Span::styled(sub, theme::card_label())]));
    }
    let sections = card.get("sections").and_then(Value::as_array);
    for (i, section) in sections.into_iter().flatten().enumerate() {
        if i > 0 || !out.is_empty() {
            out.push(Para::plain(vec![Span::styled(
                "─".repeat(3),
                theme::card_label(),
            )]));
        }
        if let Some(h) = str_at(section, &["header"]) {
            for mut p in html_spans(&h, theme::card_title()) {
                p.spans
                    .iter_mut()
                    .for_each(|s| s.style = s.style.patch(theme::bold()));
                out.push(p);
            }
        }
        for w in section
            .get("widgets")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            widget_paras(w, &mut out);
        }
    }
    out
}

fn widget_paras(w: &Value, out: &mut Vec<Para>) {
    if let Some(t) = str_at(w, &["textParagraph", "text"]) {
        out.extend(html_spans(&t, Style::default()));
    } else if let Some(d) = w.get("decoratedText") {
        if let Some(t) = str_at(d, &["topLabel"]) {
            out.extend(html_spans(&t, theme::card_label()));
        }
        if let Some(t) = str_at(d, &["text"]) {
            out.extend(html_spans(&t, Style::default()));
        }
        if let Some(t) = str_at(d, &["bottomLabel"]) {
            out.extend(html_spans(&t, theme::card_label()));
        }
        if let Some(b) = d.get("button") {
            out.push(Para::plain(button_spans(b)));
        }
    } else if let Some(list) = w
        .get("buttonList")
        .and_then(|b| b.get("buttons"))
        .and_then(Value::as_array)
    {
        let mut spans = Vec::new();
        for b in list {
            if !spans.is_empty() {
                spans.push(Span::raw("  "));
            }
            spans.extend(button_spans(b));
        }
        out.push(Para::plain(spans));
    } else if let Some(img) = w.get("image") {
        let alt = str_at(img, &["altText"]).unwrap_or_else(|| Clean::line("image"));
        out.push(Para::plain(vec![Span::styled(
            format!("[{alt}]"),
            theme::card_label(),
        )]));
    } else if w.get("divider").is_some() {
        out.push(Para::plain(vec![Span::styled(
            "───".to_string(),
            theme::card_label(),
        )]));
    } else if let Some(kind) = w
        .as_object()
        .and_then(|o| o.keys().find(|k| *k != "horizontalAlignment"))
    {
        let kind = Clean::line(kind);
        out.push(Para::plain(vec![Span::styled(
            format!("[{kind}: open in Google Chat]"),
            theme::card_label(),
        )]));
    }
}

fn button_spans(b: &Value) -> Vec<Span<'static>> {
    let label = str_at(b, &["text"]).unwrap_or_else(|| Clean::line("button"));
    let mut spans = vec![Span::styled(format!("[{label}]"), theme::button())];
    if let Some(url) = str_at(b, &["onClick", "openLink", "url"]) {
        spans.push(Span::styled(format!(" {url}"), theme::url()));
    }
    spans
}

/// Cards drawn as bordered boxes at most `cols` wide.
pub fn card_lines(cards: &[CardWithId], cols: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for c in cards {
        let Some(card) = &c.card else { continue };
        let paras = card_paras(card);
        let outer = cols.clamp(12, 72);
        let inner = outer - 4;
        let body = wrap(&paras, inner);
        let b = theme::card_border();
        out.push(Line::from(Span::styled(
            format!("┌{}┐", "─".repeat(outer - 2)),
            b,
        )));
        for l in body {
            let w = l.width();
            let mut spans = vec![Span::styled("│ ".to_string(), b)];
            spans.extend(l.spans);
            spans.push(Span::raw(" ".repeat(inner.saturating_sub(w))));
            spans.push(Span::styled(" │".to_string(), b));
            out.push(Line::from(spans));
        }
        out.push(Line::from(Span::styled(
            format!("└{}┘", "─".repeat(outer - 2)),
            b,
        )));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    struct N;
    impl Names for N {
        fn display_name(&self, user: &str) -> Option<Clean> {
            (user == "users/7").then(|| Clean::line("王芳"))
        }
        fn is_me(&self, user: &str) -> bool {
            user == "users/1"
        }
    }

    fn text_of(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    fn styles(text: &str) -> Vec<(String, Style)> {
        let paras = text_paras(text, &N);
        paras[0]
            .spans
            .iter()
            .map(|s| (s.content.to_string(), s.style))
            .collect()
    }

    #[test]
    fn emphasis_code_and_links() {
        let s = styles("a *bold* _it_ ~gone~ `x*y` <https://e.com|docs> 2*3*4");
        assert!(s.contains(&("bold".into(), theme::bold())));
        assert!(s.contains(&("it".into(), theme::italic())));
        assert!(s.contains(&("gone".into(), theme::strike())));
        assert!(s.contains(&("x*y".into(), theme::code())));
        assert!(s.contains(&("docs".into(), theme::link())));
        // Arithmetic is not emphasis.
        assert!(s
            .iter()
            .any(|(t, st)| t.contains("2*3*4") && *st == Style::default()));
    }

    /// Inputs that made the old reading quadratic (each `<` or unmatched mark read the
    /// rest of the line): in one pass they are read whole, as text.
    #[test]
    fn hostile_lines_are_read_in_one_pass() {
        for evil in ["<", "<x", "*a ", "_a ", "~a "] {
            let line = evil.repeat(100_000);
            let got: String = inline(&line, &N, Style::default())
                .iter()
                .map(|s| s.content.as_ref())
                .collect();
            assert_eq!(got, line);
        }
        // A `>` at the end does not make every `<` read up to it.
        let line = "<".repeat(100_000) + "https://e.com>";
        let got = inline(&line, &N, Style::default());
        assert!(got.iter().any(|s| s.content == "https://e.com"));
        // Marks that do close still do, after many that do not.
        let s = styles(&("_a ".repeat(1000) + "*b*"));
        assert!(s.contains(&("b".into(), theme::bold())));
    }

    #[test]
    fn mentions_show_names() {
        let s = styles("hi <users/7> and <users/1> and <users/99> <users/all>");
        let texts: Vec<_> = s.iter().map(|(t, _)| t.as_str()).collect();
        assert!(texts.contains(&"@王芳"));
        assert!(texts.contains(&"@users/99"), "unknown ids stay visible");
        assert!(texts.contains(&"@all"));
        let me = s.iter().find(|(t, _)| t == "@users/1").unwrap();
        assert_eq!(me.1, theme::mention_me());
    }

    #[test]
    fn blocks_bullets_and_bare_urls() {
        let p = text_paras(
            "list:\n* one\n- two\n```\nlet x = 1;\n  y\n```\nsee https://example.com/a.",
            &N,
        );
        let t: Vec<String> = p
            .iter()
            .map(|p| p.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        assert_eq!(t[1], "• one");
        assert_eq!(t[2], "• two");
        assert!(p[3].code && t[3] == "let x = 1;");
        assert_eq!(t[4], "  y", "code keeps its spaces");
        let url = p[5]
            .spans
            .iter()
            .find(|s| s.style == theme::link())
            .unwrap();
        assert_eq!(
            url.content, "https://example.com/a",
            "trailing punctuation is not the link"
        );
    }

    #[test]
    fn wrapping_counts_display_width() {
        let p = text_paras("午饭一起吗？楼下新开了一家拉面店", &N);
        let lines = wrap(&p, 10);
        for l in &lines {
            assert!(l.width() <= 10, "{l:?}");
        }
        assert_eq!(text_of(&lines).concat(), "午饭一起吗？楼下新开了一家拉面店");
        let p = text_paras("the quick brown fox jumps over", &N);
        assert_eq!(
            text_of(&wrap(&p, 10)),
            ["the quick", "brown fox", "jumps over"]
        );
        let p = text_paras("* a bullet that wraps onto a second line", &N);
        let l = text_of(&wrap(&p, 16));
        assert_eq!(l[0], "• a bullet that");
        assert!(l[1].starts_with("  wraps"), "{l:?}");
        let p = text_paras("supercalifragilisticexpialidocious", &N);
        assert!(wrap(&p, 10).iter().all(|l| l.width() <= 10));
        let p = text_paras("emoji 🎉🎉🎉🎉🎉 party", &N);
        assert!(wrap(&p, 8).iter().all(|l| l.width() <= 8));
    }

    #[test]
    fn cards_are_boxed() {
        let card: CardWithId = serde_json::from_value(serde_json::json!({
            "cardId": "c",
            "card": {"header": {"title": "Release 2.3", "subtitle": "shipped"},
                     "sections": [{"header": "Highlights", "widgets": [
                        {"textParagraph": {"text": "Faster <b>search</b> &amp; more<br>second line"}},
                        {"decoratedText": {"topLabel": "Build", "text": "#4821"}},
                        {"buttonList": {"buttons": [{"text": "Notes", "onClick": {"openLink": {"url": "https://e.com/n"}}}]}}
                     ]}]}
        }))
        .unwrap();
        let lines = card_lines(&[card], 40);
        let t = text_of(&lines);
        assert!(t[0].starts_with('┌') && t.last().unwrap().starts_with('└'));
        assert!(lines.iter().all(|l| l.width() == 40), "{t:#?}");
        let all = t.join("\n");
        for want in [
            "Release 2.3",
            "shipped",
            "Highlights",
            "Faster search & more",
            "second line",
            "Build",
            "#4821",
            "[Notes] https://e.com/n",
        ] {
            assert!(all.contains(want), "{want} missing in\n{all}");
        }
    }

    /// Every span made from hostile text or card fields is free of controls and bidi
    /// overrides, and the escapes show as symbols.
    #[test]
    fn hostile_text_and_cards_make_inert_spans() {
        let evil = "\x1b]0;T\x07\x1b]52;c;eA==\x1b\\\x1b[2J\r\u{9b}1m\u{202e}\u{2067}x\ty\x7f";
        let inert = |lines: &[Line]| {
            for l in lines {
                for sp in &l.spans {
                    assert!(
                        !sp.content.chars().any(|c| c.is_control()
                            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
                        "{:?}",
                        sp.content
                    );
                }
            }
        };
        let text = format!("a{evil}\n* b{evil}\n> c{evil}\n```\n{evil}\n```\n<https://e.com/{evil}|l{evil}> `{evil}` *{evil}*");
        let lines = wrap(&text_paras(&text, &N), 30);
        inert(&lines);
        let all = text_of(&lines).concat();
        assert!(all.contains("␛]0;T␇"), "{all}");
        assert!(all.contains("␛[2J␍"), "{all}");
        let card: CardWithId = serde_json::from_value(serde_json::json!({
            "cardId": evil,
            "card": {"header": {"title": evil, "subtitle": evil},
                     "sections": [{"header": evil, "widgets": [
                        {"textParagraph": {"text": format!("<b>{evil}</b><a href=\"{evil}\">{evil}</a>")}},
                        {"decoratedText": {"topLabel": evil, "text": evil, "bottomLabel": evil,
                                           "button": {"text": evil, "onClick": {"openLink": {"url": evil}}}}},
                        {"image": {"altText": evil}},
                        {evil: {}}
                     ]}]}
        }))
        .unwrap();
        let lines = card_lines(&[card], 40);
        inert(&lines);
        assert!(
            lines.iter().all(|l| l.width() == 40),
            "{:#?}",
            text_of(&lines)
        );
        assert!(plain_preview(&text, &N, 200)
            .chars()
            .all(|c| !c.is_control()));
    }

    #[test]
    fn truncation_respects_width() {
        assert_eq!(truncate("王芳王芳王芳", 7), "王芳王…");
        assert_eq!(width(&pad("王芳", 6)), 6);
        assert_eq!(truncate("short", 10), "short");
    }
}
