//! Text formatting the server derives from a message's text: Markdown (with
//! `markupSyntax: MARKUP_SYNTAX_MARKDOWN`) read into Chat's own markup, and `RICH_LINK`
//! annotations for Google Docs, Sheets, Slides and Drive links.

use crate::api::model::*;

/// The Drive file a Google Workspace URL points at: its id and MIME type.
fn drive_file(url: &str) -> Option<(String, Option<&'static str>)> {
    let rest = url.strip_prefix("https://")?;
    let (host, path) = rest.split_once('/')?;
    let segs: Vec<&str> = path.split(['/', '?', '#']).collect();
    let id_after = |marker: &str| {
        segs.iter()
            .position(|s| *s == marker)
            .and_then(|i| segs.get(i + 1))
            .filter(|id| {
                !id.is_empty()
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            })
            .map(|id| id.to_string())
    };
    match host {
        "docs.google.com" => {
            let mime = match segs.first().copied()? {
                "document" => "application/vnd.google-apps.document",
                "spreadsheets" => "application/vnd.google-apps.spreadsheet",
                "presentation" => "application/vnd.google-apps.presentation",
                "forms" => "application/vnd.google-apps.form",
                _ => return None,
            };
            Some((id_after("d")?, Some(mime)))
        }
        "drive.google.com" => {
            if let Some(id) = id_after("d") {
                return Some((id, None));
            }
            let q = url.split_once("?id=").or_else(|| url.split_once("&id="))?.1;
            let id: String = q
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect();
            (!id.is_empty()).then_some((id, None))
        }
        _ => None,
    }
}

/// `RICH_LINK` annotations for the Drive links in `text`; indexes count characters.
pub fn rich_links(text: &str) -> Vec<Annotation> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let at_start = i == 0 || matches!(chars[i - 1], ' ' | '\n' | '\t' | '<' | '(' | '|');
        if at_start && chars[i..].starts_with(&['h', 't', 't', 'p', 's', ':', '/', '/']) {
            let end = (i..chars.len())
                .find(|&j| chars[j].is_whitespace() || matches!(chars[j], '<' | '>' | '|' | ')'))
                .unwrap_or(chars.len());
            let url: String = chars[i..end].iter().collect();
            let url = url
                .trim_end_matches(['.', ',', ';', ':', '!', '?'])
                .to_string();
            let len = url.chars().count();
            if let Some((id, mime)) = drive_file(&url) {
                let mut drive = serde_json::json!({ "driveDataRef": { "driveFileId": id } });
                if let Some(m) = mime {
                    drive["mimeType"] = m.into();
                }
                out.push(Annotation {
                    annotation_type: Some(AnnotationType::RichLink),
                    start_index: Some(i as i32),
                    length: Some(len as i32),
                    rich_link_metadata: Some(serde_json::json!({
                        "uri": url,
                        "richLinkType": "DRIVE_FILE",
                        "driveLinkData": drive,
                    })),
                    ..Default::default()
                });
            }
            i += len.max(1);
        } else {
            i += 1;
        }
    }
    out
}

/// Replaces `open…close` pairs (non-empty, not starting or ending with a space) with
/// `new_open…new_close`.
fn pairs(s: &str, open: &str, close: &str, new_open: &str, new_close: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(p) = rest.find(open) {
        let after = &rest[p + open.len()..];
        match after.find(close) {
            Some(q)
                if q > 0
                    && !after[..q].starts_with(char::is_whitespace)
                    && !after[..q].ends_with(char::is_whitespace) =>
            {
                out.push_str(&rest[..p]);
                out.push_str(new_open);
                out.push_str(&after[..q]);
                out.push_str(new_close);
                rest = &after[q + close.len()..];
            }
            _ => {
                out.push_str(&rest[..p + open.len()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `[text](url)` as Chat's `<url|text>`: a label without brackets, then a URL without
/// whitespace. One pass: each label scan stops at the next bracket, and the end of the
/// URL found for one link start holds for every later start before it.
fn links(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    let mut from = 0;
    // The first `)` or whitespace at or after the last URL start looked at.
    let mut url_end: Option<usize> = None;
    while let Some(off) = s[from..].find('[') {
        let p = from + off;
        from = p + 1;
        let Some(lo) = s[p + 1..].find(['[', ']']) else {
            break;
        };
        let q = p + 1 + lo;
        if b[q] == b'[' || q == p + 1 || b.get(q + 1) != Some(&b'(') {
            continue;
        }
        let u = q + 2;
        let e = match url_end {
            Some(e) if e >= u => e,
            _ => {
                let e = s[u..]
                    .char_indices()
                    .find(|&(_, c)| c == ')' || c.is_whitespace())
                    .map_or(s.len(), |(k, _)| u + k);
                url_end = Some(e);
                e
            }
        };
        if e > u && b.get(e) == Some(&b')') {
            out.push_str(&s[copied..p]);
            out.push('<');
            out.push_str(&s[u..e]);
            out.push('|');
            out.push_str(&s[p + 1..q]);
            out.push('>');
            copied = e + 1;
            from = e + 1;
        }
    }
    out.push_str(&s[copied..]);
    out
}

/// A stretch of Markdown outside code, in Chat's markup.
fn inline(s: &str) -> String {
    const BOLD: &str = "\u{1}";
    let s = links(s);
    let s = pairs(&s, "**", "**", BOLD, BOLD);
    let s = pairs(&s, "__", "__", BOLD, BOLD);
    let s = pairs(&s, "~~", "~~", "~", "~");
    let s = pairs(&s, "*", "*", "_", "_");
    s.replace(BOLD, "*")
}

/// Markdown (CommonMark's emphasis, strong, strikethrough, code and links, with `-`
/// or `*` bullets) in Chat's own markup (`*bold*`, `_italic_`, `~strike~`, backticks,
/// `<url|text>`). Code is kept as written.
pub fn markdown_to_chat(text: &str) -> String {
    let mut out = Vec::new();
    let mut in_block = false;
    for line in text.split('\n') {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            out.push(line.to_string());
            continue;
        }
        if in_block {
            out.push(line.to_string());
            continue;
        }
        // A bullet: `- x`, `+ x` or `* x` is Chat's `* x`.
        let indent = line.len() - line.trim_start().len();
        let (prefix, body) = match line.trim_start().split_at_checked(2) {
            Some(("- " | "* " | "+ ", rest)) => (format!("{}* ", &line[..indent]), rest),
            _ => (String::new(), line),
        };
        // Code spans stay as they are.
        let mut converted = String::new();
        for (k, piece) in body.split('`').enumerate() {
            if k > 0 {
                converted.push('`');
            }
            if k % 2 == 1 {
                converted.push_str(piece);
            } else {
                converted.push_str(&inline(piece));
            }
        }
        out.push(format!("{prefix}{converted}"));
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_chat_markup() {
        assert_eq!(
            markdown_to_chat("**bold** and *it* and _it_"),
            "*bold* and _it_ and _it_"
        );
        assert_eq!(markdown_to_chat("~~gone~~ `**kept**`"), "~gone~ `**kept**`");
        assert_eq!(
            markdown_to_chat("see [the docs](https://example.com/a)"),
            "see <https://example.com/a|the docs>"
        );
        assert_eq!(markdown_to_chat("- one\n- two"), "* one\n* two");
        assert_eq!(markdown_to_chat("```\n**x**\n```"), "```\n**x**\n```");
        assert_eq!(markdown_to_chat("2 * 3 * 4"), "2 * 3 * 4");
        assert_eq!(markdown_to_chat("a ** b"), "a ** b");
        assert_eq!(
            links("[a](b c) [c] (d) [](e) [f](g h)"),
            "[a](b c) [c] (d) [](e) [f](g h)"
        );
        assert_eq!(links("[[a](u)x"), "[<u|a>x");
        assert_eq!(links("读[é](ü)[b](c)"), "读<ü|é><c|b>");
    }

    /// Inputs that made the old reading quadratic (minutes in a debug build): one
    /// pass reads each in a blink.
    #[test]
    fn links_reads_hostile_text_in_one_pass() {
        for evil in ["[", "[a](", "[a](x", "[a]"] {
            let text = evil.repeat(100_000);
            assert_eq!(links(&text), text);
        }
        let text = "[a](x".repeat(100_000) + ")";
        let out = links(&text);
        assert!(out.starts_with("<x[a](x") && out.ends_with("[a](x|a>"));
    }

    #[test]
    fn drive_links_become_rich_links() {
        let t = "读 https://docs.google.com/document/d/abc_123/edit, and https://example.com/x";
        let a = rich_links(t);
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].start_index, Some(2));
        let url = "https://docs.google.com/document/d/abc_123/edit";
        assert_eq!(a[0].length, Some(url.chars().count() as i32));
        let m = a[0].rich_link_metadata.as_ref().unwrap();
        assert_eq!(m["uri"], url);
        assert_eq!(m["richLinkType"], "DRIVE_FILE");
        assert_eq!(m["driveLinkData"]["driveDataRef"]["driveFileId"], "abc_123");
        assert_eq!(
            m["driveLinkData"]["mimeType"],
            "application/vnd.google-apps.document"
        );
        assert_eq!(
            rich_links("https://drive.google.com/file/d/F1/view").len(),
            1
        );
        assert_eq!(
            rich_links("https://docs.google.com.evil.com/document/d/x").len(),
            0
        );
        assert_eq!(rich_links("xhttps://docs.google.com/document/d/x").len(), 0);
    }
}
