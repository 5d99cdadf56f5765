//! Mentioning people while writing: `@` followed by the start of a name offers the
//! space's members (and `@all` where the space allows it). Choosing one inserts a visible
//! `@Name`, remembered so the message is sent with `<users/ID>`; Backspace right after a
//! mention removes it whole.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_textarea::CursorMove;

use super::mentions::Mention;
use super::undo_runs::Edit;
use super::App;
use crate::api::model::{MembershipState, SpaceType};
use crate::clean::Clean;
use crate::keymap::{Command, Mode};

/// Most people the popup lists.
pub const SHOWN: usize = 8;
/// The longest text after `@` still read as a name being typed (characters).
const LONGEST_QUERY: usize = 40;

/// One person (or `@all`) the popup offers.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// `users/ID`, or `users/all`.
    pub user: String,
    pub name: Clean,
    pub email: Option<Clean>,
}

/// The popup: where its `@` is (row, character column), what follows it, the people
/// who match, and which one is picked.
#[derive(Debug, Clone, PartialEq)]
pub struct Popup {
    pub at: (usize, usize),
    pub query: String,
    pub found: Vec<Candidate>,
    pub pick: usize,
}

/// Case- and width-insensitive form for matching: full-width Latin letters and digits
/// become their ASCII forms, the ideographic space a space, then lower case.
pub fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// How well `name`/`email` match the folded query `q`: 0 the name starts with it, 1 a
/// word of the name does, 2 the address does, 3 (CJK) the name contains it.
pub fn rank(q: &str, name: &str, email: Option<&str>) -> Option<u8> {
    let n = fold(name);
    if n.starts_with(q) {
        return Some(0);
    }
    let word_start = n
        .char_indices()
        .filter(|&(i, _)| {
            i > 0
                && n[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|p| p.is_whitespace() || matches!(p, '.' | '-' | '_' | '('))
        })
        .any(|(i, _)| n[i..].starts_with(q));
    if word_start {
        return Some(1);
    }
    if email.is_some_and(|e| fold(e).starts_with(q)) {
        return Some(2);
    }
    if q.chars().any(is_cjk) && n.contains(q) {
        return Some(3);
    }
    None
}

/// The `@` being typed before the caret on `line` (the caret at character `col`): its
/// character column and the text after it. An `@` inside a word (an address) is not one.
pub fn query_at(line: &str, col: usize) -> Option<(usize, String)> {
    let before: Vec<char> = line.chars().take(col).collect();
    let from = before.len().saturating_sub(LONGEST_QUERY + 1);
    let at = (from..before.len()).rev().find(|&i| before[i] == '@')?;
    if at > 0 && before[at - 1].is_alphanumeric() {
        return None;
    }
    let query: String = before[at + 1..].iter().collect();
    if query.starts_with(char::is_whitespace) || query.chars().filter(|c| *c == ' ').count() > 2 {
        return None;
    }
    Some((at, query))
}

/// `name` as it may stand in a message: one line, no control codes, and no `<` or `>`
/// (a name can never spell a `<users/ID>` token).
pub fn safe_name(name: &str) -> String {
    Clean::line(name)
        .into_string()
        .replace('<', "‹")
        .replace('>', "›")
}

impl App {
    /// The people of the compose box's space matching `query`, best first, at most
    /// [`SHOWN`]. One pass over the members: work per key grows with the space, not more.
    pub fn mention_candidates(&self, query: &str) -> Vec<Candidate> {
        let Some(space) = self.compose.space.as_deref() else {
            return Vec::new();
        };
        let q = fold(query.trim_end());
        let mut ranked: Vec<(u8, Candidate)> = Vec::new();
        let mut best = 0;
        if let Some(list) = self.store.members(space) {
            for m in list.iter() {
                if m.state == Some(MembershipState::Invited) {
                    continue;
                }
                let Some(u) = m.member.as_ref() else { continue };
                let Some(id) = u.name.as_deref() else {
                    continue;
                };
                if u.is_bot() || self.is_me(id) {
                    continue;
                }
                let info = self.people.get(id);
                let name = u
                    .display_name
                    .as_deref()
                    .filter(|d| !d.is_empty())
                    .or_else(|| info.and_then(|i| i.name.as_deref()));
                let Some(name) = name else { continue };
                let email = u
                    .email
                    .as_deref()
                    .or_else(|| info.and_then(|i| i.email.as_deref()));
                let Some(r) = rank(&q, name, email) else {
                    continue;
                };
                best += usize::from(r == 0);
                ranked.push((
                    r,
                    Candidate {
                        user: id.to_string(),
                        name: Clean::line(name),
                        email: email.map(Clean::line),
                    },
                ));
                // Enough of the best kind: the rest cannot come before them.
                if best >= SHOWN * 4 {
                    break;
                }
            }
        }
        ranked.sort_by(|a, b| (a.0, a.1.name.as_str()).cmp(&(b.0, b.1.name.as_str())));
        let mut out = Vec::with_capacity(SHOWN);
        if self.at_all_allowed(space) && "all".starts_with(q.as_str()) {
            out.push(Candidate {
                user: "users/all".into(),
                name: Clean::line("all"),
                email: None,
            });
        }
        out.extend(ranked.into_iter().map(|(_, c)| c));
        out.truncate(SHOWN);
        out
    }

    /// Whether `@all` may be used in `space`: spaces only (not DMs or group chats), and
    /// only where the permission settings allow the signed-in person.
    fn at_all_allowed(&self, space: &str) -> bool {
        self.space(space)
            .is_some_and(|s| s.kind() == SpaceType::Space)
            && self.allowed(space, "useAtMentionAll") != Some(false)
    }

    /// After an edit in the compose box: open, update or close the popup.
    pub(super) fn mention_typed(&mut self) {
        let t = &self.compose.textarea;
        let (row, col) = t.cursor();
        let line = t.lines().get(row).cloned().unwrap_or_default();
        let Some((at, query)) = query_at(&line, col) else {
            self.compose.popup = None;
            self.compose.dismissed = None;
            return;
        };
        if self.compose.dismissed == Some((row, at)) {
            self.compose.popup = None;
            return;
        }
        // A mention already completed (its trailing space deleted, say) is not a name
        // being typed: only typing more after its `@` offers people again.
        let typed = format!("@{query}");
        if self.compose.picked.iter().any(|m| m.shown == typed) {
            self.compose.popup = None;
            return;
        }
        self.compose.dismissed = None;
        let found = self.mention_candidates(&query);
        if found.is_empty() {
            self.compose.popup = None;
            return;
        }
        let pick = self
            .compose
            .popup
            .as_ref()
            .filter(|p| p.at == (row, at))
            .and_then(|p| p.found.get(p.pick))
            .and_then(|c| found.iter().position(|f| f.user == c.user))
            .unwrap_or(0);
        self.compose.popup = Some(Popup {
            at: (row, at),
            query,
            found,
            pick,
        });
    }

    /// A key while the popup is open: answers whether the popup took it.
    pub(super) fn mention_key(&mut self, k: KeyEvent) -> bool {
        let Some(p) = self.compose.popup.as_mut() else {
            return false;
        };
        let n = p.found.len().max(1);
        match self.keymap.lookup(Mode::Mention, &k) {
            Some(Command::Up) => p.pick = (p.pick + n - 1) % n,
            Some(Command::Down) => p.pick = (p.pick + 1) % n,
            Some(Command::Submit) => self.insert_mention(),
            Some(Command::Cancel) => {
                self.compose.dismissed = Some(p.at);
                self.compose.popup = None;
            }
            _ => return false,
        }
        true
    }

    /// Replaces `@query` with the picked person's `@Name ` and remembers the mention.
    fn insert_mention(&mut self) {
        let Some(p) = self.compose.popup.take() else {
            return;
        };
        let Some(c) = p.found.get(p.pick).cloned() else {
            return;
        };
        let shown = self.mention_label(&c);
        let t = &mut self.compose.textarea;
        // The caret moved (a click) since the popup was opened: nothing is replaced.
        let (row, col) = t.cursor();
        let line = t.lines().get(row).map(String::as_str).unwrap_or("");
        if row != p.at.0 || query_at(line, col) != Some((p.at.1, p.query.clone())) {
            return;
        }
        let typed = t.cursor().1.saturating_sub(p.at.1);
        for _ in 0..typed {
            t.move_cursor(CursorMove::Back);
        }
        t.start_selection();
        for _ in 0..typed {
            t.move_cursor(CursorMove::Forward);
        }
        if typed > 0 {
            t.cut();
        }
        t.cancel_selection();
        t.insert_str(format!("{shown} "));
        self.compose.after_mention = Some(t.cursor());
        self.compose.runs.record(Edit::Other);
        let token = format!("<{}>", c.user);
        self.compose.picked.retain(|m| m.shown != shown);
        self.compose.picked.push(Mention { shown, token });
    }

    /// How a mention of `c` reads in the box: `@Name`, with the address (or id) added
    /// when someone else here, or someone already mentioned, has the same name.
    fn mention_label(&self, c: &Candidate) -> String {
        let base = format!("@{}", safe_name(c.name.as_str()));
        let token = format!("<{}>", c.user);
        let twin_picked = self
            .compose
            .picked
            .iter()
            .any(|m| m.shown == base && m.token != token);
        let twin_member = self.compose.space.as_deref().is_some_and(|space| {
            self.store.members(space).is_some_and(|l| {
                l.iter().any(|m| {
                    m.member.as_ref().is_some_and(|u| {
                        u.name.as_deref() != Some(c.user.as_str())
                            && u.name.is_some()
                            && self.people.user_label(u).as_str() == c.name.as_str()
                    })
                })
            })
        });
        if !(twin_picked || twin_member) {
            return base;
        }
        let extra = c
            .email
            .as_ref()
            .map(|e| safe_name(e.as_str()))
            .unwrap_or_else(|| c.user.trim_start_matches("users/").to_string());
        format!("{base} ({extra})")
    }

    /// A key in the compose box right after a mention was inserted: a plain space there
    /// is absorbed by the mention's own trailing space. Answers whether it took the key.
    pub(super) fn space_after_mention(&mut self, k: KeyEvent) -> bool {
        let Some(at) = self.compose.after_mention.take() else {
            return false;
        };
        k.code == KeyCode::Char(' ')
            && !k
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
            && self.compose.textarea.cursor() == at
            && !self.compose.textarea.is_selecting()
    }

    /// Backspace right after a remembered mention removes it whole; answers whether it did.
    pub(super) fn backspace_mention(&mut self) -> bool {
        let t = &mut self.compose.textarea;
        if t.is_selecting() {
            return false;
        }
        let (row, col) = t.cursor();
        let before: String = t
            .lines()
            .get(row)
            .map(|l| l.chars().take(col).collect())
            .unwrap_or_default();
        let Some(m) = self
            .compose
            .picked
            .iter()
            .filter(|m| before.ends_with(m.shown.as_str()))
            .max_by_key(|m| m.shown.len())
        else {
            return false;
        };
        let n = m.shown.chars().count();
        for _ in 0..n {
            t.move_cursor(CursorMove::Back);
        }
        t.start_selection();
        for _ in 0..n {
            t.move_cursor(CursorMove::Forward);
        }
        t.cut();
        t.cancel_selection();
        self.compose.runs.record(Edit::Other);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_ignores_case_and_width_and_finds_cjk_inside() {
        assert_eq!(rank("bo", "Bob Li", None), Some(0));
        assert_eq!(rank("li", "Bob Li", None), Some(1));
        assert_eq!(rank(&fold("ＢＯ"), "Bob Li", None), Some(0));
        assert_eq!(rank("bl", "Bob Li", Some("bli@example.com")), Some(2));
        assert_eq!(rank("芳", "王芳", None), Some(3));
        assert_eq!(rank("ob", "Bob Li", None), None, "not inside a Latin word");
    }

    #[test]
    fn the_at_must_start_a_word() {
        assert_eq!(query_at("hi @Bo", 6), Some((3, "Bo".into())));
        assert_eq!(query_at("@", 1), Some((0, String::new())));
        assert_eq!(query_at("mail a@b", 8), None, "an address");
        assert_eq!(query_at("hi @Bo there", 6), Some((3, "Bo".into())));
        assert_eq!(query_at("@ Bob", 5), None);
        assert_eq!(query_at("no at here", 10), None);
    }

    #[test]
    fn names_cannot_spell_tokens_or_escapes() {
        assert_eq!(safe_name("Eve <users/1002>"), "Eve ‹users/1002›");
        assert!(!safe_name("Mal\u{1b}[31mlory").contains('\u{1b}'));
    }
}
