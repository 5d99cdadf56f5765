//! The links of a message (text, chips, Drive files, cards) and its saveable
//! attachments.

use crate::api::model::{Attachment, Message};
use crate::clean::Clean;
use crate::files;

/// The web address of a Drive attachment.
fn drive_url(a: &Attachment) -> Option<String> {
    let id = a.drive_data_ref.as_ref()?.drive_file_id.as_deref()?;
    let id: String =
        percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC).to_string();
    files::safe_url(&format!("https://drive.google.com/open?id={id}"))
}

/// Every link of a message, each once: written in its text, rich-link chips, Drive
/// attachments, card buttons and links in card text. Only http(s) addresses.
pub fn links_of(m: &Message) -> Vec<String> {
    labelled_links(m).into_iter().map(|(u, _)| u).collect()
}

/// [`links_of`] with what each is called where the message says so (a Drive file's
/// title, a card button's text), else an empty label.
pub fn labelled_links(m: &Message) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = files::links_in(m.text.as_deref().unwrap_or(""))
        .into_iter()
        .map(|u| (u, String::new()))
        .collect();
    let mut add = |u: Option<String>, label: String| {
        if let Some(u) = u.as_deref().and_then(files::safe_url) {
            match out.iter_mut().find(|(x, _)| *x == u) {
                Some((_, l)) if l.is_empty() => *l = label,
                Some(_) => {}
                None => out.push((u, label)),
            }
        }
    };
    for a in &m.annotations {
        add(
            a.rich_link_metadata
                .as_ref()
                .and_then(|r| r.get("uri"))
                .and_then(|u| u.as_str())
                .map(String::from),
            String::new(),
        );
    }
    for a in m.attachments() {
        let title = a
            .content_name
            .as_deref()
            .map(|n| Clean::line(n).into_string())
            .unwrap_or_default();
        add(drive_url(&a), title);
    }
    for c in &m.cards_v2 {
        if let Some(card) = &c.card {
            card_links(card, &mut add);
        }
    }
    out
}

/// The links in a card: buttons' `onClick.openLink.url` (labelled by the button text)
/// and addresses written in its text, anywhere in the card (bounded depth).
fn card_links(v: &serde_json::Value, add: &mut impl FnMut(Option<String>, String)) {
    fn walk(v: &serde_json::Value, depth: usize, add: &mut impl FnMut(Option<String>, String)) {
        if depth > 32 {
            return;
        }
        match v {
            serde_json::Value::Object(o) => {
                let url = o
                    .get("onClick")
                    .and_then(|c| c.get("openLink"))
                    .and_then(|l| l.get("url"))
                    .and_then(|u| u.as_str());
                if let Some(url) = url {
                    let label = o
                        .get("text")
                        .and_then(|t| t.as_str())
                        .map(|t| Clean::line(t).into_string())
                        .unwrap_or_default();
                    add(Some(url.to_string()), label);
                }
                for (k, x) in o {
                    if let (true, Some(t)) = (k == "text", x.as_str()) {
                        for u in files::links_in(&t.replace('"', " ")) {
                            add(Some(u), String::new());
                        }
                    } else {
                        walk(x, depth + 1, add);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, depth + 1, add)),
            _ => {}
        }
    }
    walk(v, 0, add)
}

/// The attachments of a message that can be saved: (media resource name, file name).
pub(super) fn saveable(m: &Message) -> Vec<(String, String)> {
    m.attachments()
        .into_iter()
        .filter(|a| a.drive_data_ref.is_none())
        .filter_map(|a| {
            let media = a.attachment_data_ref.as_ref()?.resource_name.clone()?;
            let name = files::safe_file_name(a.content_name.as_deref().unwrap_or(""));
            Some((media, name))
        })
        .collect()
}
