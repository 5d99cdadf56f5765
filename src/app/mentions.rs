//! Mentions while editing: the API's text carries `<users/ID>`, which means nothing to a
//! reader. The edit box shows `@Name` instead and the edit is sent back with `<users/ID>`,
//! for exactly the people the message mentioned (so a mention is never lost, and text
//! the user typed is never turned into one by accident).

/// One mention of the original text: as shown (`@Name`) and as sent (`<users/ID>`).
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub shown: String,
    pub token: String,
}

/// The `<users/ID>` tokens in `text`, in order of first appearance, without repeats.
fn tokens(text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let mut rest = text;
    let mut at = 0;
    while let Some(pos) = rest.find("<users/") {
        let start = at + pos;
        let Some(end) = text[start..].find('>') else {
            break;
        };
        let token = &text[start..start + end + 1];
        let id = &token["<users/".len()..token.len() - 1];
        let ok = !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric());
        if ok && !out.contains(&token) {
            out.push(token);
        }
        at = start + end + 1;
        rest = &text[at..];
    }
    out
}

/// The mentions in `original` whose names are known and unambiguous (two people of one
/// name stay as ids, so the edit cannot swap them).
pub fn of(original: &str, name: impl Fn(&str) -> Option<String>) -> Vec<Mention> {
    let found: Vec<Mention> = tokens(original)
        .into_iter()
        .filter_map(|token| {
            let user = &token[1..token.len() - 1];
            let n = name(user).filter(|n| !n.trim().is_empty() && !n.contains(['<', '>']))?;
            Some(Mention {
                shown: format!("@{n}"),
                token: token.to_string(),
            })
        })
        .collect();
    found
        .iter()
        .filter(|m| found.iter().filter(|o| o.shown == m.shown).count() == 1)
        .cloned()
        .collect()
}

/// `text` with each mention's token shown as `@Name`.
pub fn show(text: &str, mentions: &[Mention]) -> String {
    mentions
        .iter()
        .fold(text.to_string(), |t, m| t.replace(&m.token, &m.shown))
}

/// `text` with each `@Name` of `mentions` sent as its token again. A name counts only
/// when it ends there (`@Bob Li` is not the start of `@Bob Lin`); longest names first.
pub fn send(text: &str, mentions: &[Mention]) -> String {
    let mut by_length: Vec<&Mention> = mentions.iter().collect();
    by_length.sort_by_key(|m| std::cmp::Reverse(m.shown.len()));
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    'scan: while i < text.len() {
        let rest = &text[i..];
        if rest.starts_with('@') {
            for m in &by_length {
                if let Some(after) = rest.strip_prefix(m.shown.as_str()) {
                    let ends = after.chars().next().is_none_or(|c| !c.is_alphanumeric());
                    if ends {
                        out.push_str(&m.token);
                        i += m.shown.len();
                        continue 'scan;
                    }
                }
            }
        }
        let Some(c) = rest.chars().next() else { break };
        out.push(c);
        i += c.len_utf8();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(u: &str) -> Option<String> {
        match u {
            "users/1002" => Some("Bob Li".into()),
            "users/1003" => Some("王芳".into()),
            "users/1010" => Some("Bob".into()),
            "users/1011" => Some("Twin".into()),
            "users/1012" => Some("Twin".into()),
            _ => None,
        }
    }

    #[test]
    fn round_trip_keeps_mentions_and_plain_text() {
        let original = "hi <users/1002> and <users/1003>, cc <users/1010> <users/9>";
        let m = of(original, names);
        let shown = show(original, &m);
        assert_eq!(shown, "hi @Bob Li and @王芳, cc @Bob <users/9>");
        assert_eq!(send(&shown, &m), original);
        // Edited: a mention moved, one removed, and a look-alike typed by hand.
        let edited = "@王芳 first; @王芳芳 is not @Bob Li. @Bob Lin";
        assert_eq!(
            send(edited, &m),
            "<users/1003> first; @王芳芳 is not <users/1002>. <users/1010> Lin"
        );
    }

    #[test]
    fn two_people_of_one_name_stay_as_ids() {
        let original = "<users/1011> <users/1012>";
        let m = of(original, names);
        assert!(m.is_empty());
        assert_eq!(show(original, &m), original);
    }
}
