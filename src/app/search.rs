//! Searching messages (`spaces.messages.search`, `parent` `spaces/-`): a prompt whose
//! text is the documented query syntax, in every space or (Tab) the open one only. A
//! request goes on Enter, never per key; results page in as the pick nears the end;
//! Enter on a result opens its space and thread with the message selected.

use crossterm::event::KeyEvent;

use super::compose::Target;
pub use super::dialog::Results;
use super::dialog::{Dialog, Field, Kind};
use super::permissions::Task;
use super::rows::Row;
use super::{App, Effect, Focus, LoadKind};
use crate::api::model::{Message, Space};
use crate::api::sync_client::search_phrase;
use crate::api::sync_model::SearchMessagesResponse;
use crate::api::{ApiError, Listed, ThreadName};
use crate::app::space_requests::SpaceEffect;
use crate::keymap::{Command, Mode};

/// Results within this many of the last one ask for the next page.
const PAGE_AHEAD: usize = 3;

/// The filter for `query` in every space, or only in `space`.
pub fn filter_for(query: &str, space: Option<&str>) -> Option<String> {
    let q = query.trim();
    if q.is_empty() {
        return None;
    }
    Some(match space {
        Some(s) => format!("({q}) AND space.name = {}", search_phrase(s)),
        None => q.to_string(),
    })
}

/// The words to highlight in a result: the query's plain terms (no fields, operators or
/// quotes), lower case.
pub fn terms(query: &str) -> Vec<String> {
    let words: Vec<&str> = query.split_whitespace().collect();
    let is_op = |w: &str| matches!(w, "=" | ":" | "<" | ">" | "<=" | ">=");
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        // A field's name and value (`sender.name = "users/me"`) are not text.
        let by_op = is_op(w)
            || words.get(i + 1).is_some_and(|n| is_op(n))
            || (i > 0 && is_op(words[i - 1]));
        if by_op || w.contains([':', '=', '<', '>']) || w.contains("()") {
            continue;
        }
        if matches!(*w, "AND" | "OR" | "NOT") {
            continue;
        }
        let t = w
            .trim_matches(|c| matches!(c, '"' | '-' | '(' | ')'))
            .to_lowercase();
        if !t.is_empty() {
            out.push(t);
        }
    }
    out
}

impl App {
    pub(super) fn open_search(&mut self) {
        let space = self.current.clone();
        self.dialog = Some(Dialog::new(
            Kind::Search { space, all: true },
            vec![Field::new("Search", "", false)],
        ));
    }

    /// The filter for what the search dialog holds now.
    fn search_filter(d: &Dialog) -> Option<String> {
        let Kind::Search { space, all } = &d.kind else {
            return None;
        };
        filter_for(&d.field(0), space.as_deref().filter(|_| !*all))
    }

    /// Keys the search dialog handles itself: next or previous field (the scope), and
    /// the list's keys (the results). Answers whether the key was taken.
    pub(super) fn search_key(
        &mut self,
        k: KeyEvent,
        cmd: Option<Command>,
        fx: &mut Vec<Effect>,
    ) -> bool {
        let Some(d) = self.dialog.as_mut() else {
            return false;
        };
        let n = d.results.hits.len();
        match self.keymap.lookup(Mode::List, &k).or(cmd) {
            Some(Command::NextField | Command::PrevField) => {
                if let Kind::Search {
                    space: Some(_),
                    all,
                } = &mut d.kind
                {
                    *all = !*all;
                    // The scope changed: what was found is for the other one.
                    if d.results.answered {
                        self.start_search(fx);
                    }
                }
                true
            }
            Some(Command::Up) => {
                d.results.pick = d.results.pick.saturating_sub(1);
                true
            }
            Some(Command::Down) => {
                if n > 0 {
                    d.results.pick = (d.results.pick + 1).min(n - 1);
                }
                self.search_more(fx);
                true
            }
            Some(Command::PageDown) => {
                if n > 0 {
                    d.results.pick = (d.results.pick + 8).min(n - 1);
                }
                self.search_more(fx);
                true
            }
            Some(Command::PageUp) => {
                d.results.pick = d.results.pick.saturating_sub(8);
                true
            }
            _ => false,
        }
    }

    /// Near the end of the results: the next page, if there is one.
    fn search_more(&mut self, fx: &mut Vec<Effect>) {
        let Some(d) = self.dialog.as_mut() else {
            return;
        };
        let r = &mut d.results;
        let near_end = r.pick + PAGE_AHEAD >= r.hits.len();
        if !near_end || r.loading {
            return;
        }
        let (Some(filter), Some(token)) = (r.filter.clone(), r.next.clone()) else {
            return;
        };
        r.loading = true;
        fx.push(Effect::Messages(
            crate::app::MessagesEffect::SearchMessages {
                filter,
                page_token: Some(token),
            },
        ));
    }

    fn start_search(&mut self, fx: &mut Vec<Effect>) {
        let Some(d) = self.dialog.as_mut() else {
            return;
        };
        let Some(filter) = Self::search_filter(d) else {
            d.error = Some("Type what to search for: words, \"a phrase\", or fields such as sender.name = \"users/me\".".into());
            return;
        };
        d.error = None;
        d.results = Results {
            filter: Some(filter.clone()),
            loading: true,
            ..Default::default()
        };
        fx.push(Effect::Messages(
            crate::app::MessagesEffect::SearchMessages {
                filter,
                page_token: None,
            },
        ));
    }

    /// Enter: search for what is typed, or open the picked result when it is for that.
    pub(super) fn confirm_search(&mut self, fx: &mut Vec<Effect>) {
        let Some(d) = self.dialog.as_ref() else {
            return;
        };
        let current = Self::search_filter(d);
        let r = &d.results;
        if current.is_some() && r.filter == current && r.answered {
            if let Some(m) = r.hits.get(r.pick).cloned() {
                self.open_hit(m, fx);
            }
            return;
        }
        self.start_search(fx);
    }

    pub(super) fn on_searched(
        &mut self,
        filter: String,
        page_token: Option<String>,
        result: Result<SearchMessagesResponse, ApiError>,
        fx: &mut Vec<Effect>,
    ) {
        let why = result.as_ref().err().map(|e| self.search_error(e));
        let Some(d) = self
            .dialog
            .as_mut()
            .filter(|d| matches!(d.kind, Kind::Search { .. }))
            .filter(|d| d.results.filter.as_deref() == Some(filter.as_str()))
        else {
            return; // for a query no longer asked
        };
        let r = &mut d.results;
        r.loading = false;
        let page = match result {
            Ok(p) => p,
            Err(_) => {
                d.error = why;
                return;
            }
        };
        if page_token.is_none() {
            r.hits.clear();
            r.pick = 0;
        }
        r.answered = true;
        // A token that repeats would page forever.
        r.next = page
            .next_page_token
            .filter(|t| !t.is_empty() && Some(t) != page_token.as_ref());
        let mut senders = Vec::new();
        for res in page.results {
            if let Some(m) = res.message {
                let dup = r.hits.iter().any(|h| h.name.is_some() && h.name == m.name);
                if let Some(u) = &m.sender {
                    senders.push(u.clone());
                }
                if !dup {
                    r.hits.push(m);
                }
            }
        }
        for u in &senders {
            self.people.learn(u);
        }
        let ids = senders.into_iter().filter_map(|u| u.name).collect();
        self.look_up(ids, fx);
    }

    /// Why a search failed; a query the server could not read says what it said.
    fn search_error(&self, e: &ApiError) -> String {
        if e.code() == Some(400) {
            format!(
                "The search query was not understood: {}",
                crate::clean::Clean::line(e.server().map_or("", |s| s.message.as_str()))
                    .into_string()
            )
        } else {
            format!("The search failed: {}", self.why(e, Task::Messages))
        }
    }

    /// Opens a result: its space, its thread, the message selected (the thread is
    /// loaded whole, so a message outside the loaded history is there too).
    fn open_hit(&mut self, m: Message, fx: &mut Vec<Effect>) {
        let Some(name) = m.name.clone() else { return };
        let Some(space) = name
            .split_once("/messages/")
            .and_then(|(s, _)| Self::space_name(s))
        else {
            return;
        };
        // A thread the server names oddly is not opened: the message is shown where it is.
        let thread = m.thread.as_ref().and_then(|t| t.name.clone());
        let thread = thread.and_then(|t| Some((ThreadName::parse(&t).ok()?, t)));
        self.dialog = None;
        if self.space(&space).is_none() {
            let listed = m.space.as_deref().cloned().unwrap_or_else(|| Space {
                name: Some(space.to_string()),
                ..Default::default()
            });
            self.spaces.upsert(Space {
                name: Some(space.to_string()),
                ..listed
            });
            fx.push(Effect::Space(SpaceEffect::LoadSpace {
                space: space.clone(),
            }));
        }
        self.spaces.selected = Some(space.to_string());
        self.leaving_for(&space);
        self.open_space(&space, fx);
        self.focus = Focus::Messages;
        let v = self.views.entry(space.to_string()).or_default();
        let row = Row::Msg {
            name: name.into(),
            reply: m.thread_reply,
        };
        if let Some((typed, thread)) = thread {
            if v.thread.as_deref() != Some(thread.as_str()) {
                v.thread = Some(thread.clone());
            }
            // Back from the thread, the result is selected where it sits in the history
            // (not where the view was before the search).
            v.saved = Some(Box::new((Some(row.clone()), None)));
            v.thread_from = None;
            v.surfaced.retain(|t| *t != thread);
            v.hit = Some(name_of(&row));
            v.selected = Some(row);
            v.anchor = None;
            fx.push(Effect::Messages(crate::app::MessagesEffect::LoadMessages {
                space,
                kind: LoadKind::Thread { thread: typed },
            }));
        } else {
            v.selected = Some(row);
            v.anchor = None;
        }
    }
}

fn name_of(row: &Row) -> String {
    match row {
        Row::Msg { name, .. } => name.to_string(),
        _ => String::new(),
    }
}

impl App {
    /// A thread opened for a search result is loaded: when the result is not in it (it
    /// was deleted since the search), the thread view closes and says so, rather than an
    /// empty pane with a box that answers a message no longer there.
    pub(super) fn hit_answered(&mut self, space: &str, thread: &str, msgs: &[Listed]) {
        let Some(v) = self.views.get_mut(space) else {
            return;
        };
        if v.thread.as_deref() != Some(thread) {
            return;
        }
        let Some(hit) = v.hit.take() else { return };
        if msgs
            .iter()
            .any(|m| m.name.as_deref() == Some(hit.as_str()) && !m.is_deleted())
        {
            return;
        }
        v.thread = None;
        match v.saved.take() {
            Some(saved) => {
                v.selected = saved.0;
                v.anchor = saved.1;
            }
            None => v.selected = None,
        }
        // The result itself was to be selected on the way back: it is gone.
        if v.selected.as_ref().is_some_and(|r| name_of(r) == hit) {
            v.selected = None;
        }
        if let Some(t) = self.store.timeline_mut(space) {
            t.remove(&hit);
        }
        if self.current.as_deref() == Some(space) {
            self.compose.switch(space, Target::New, None, None);
            self.focus = Focus::Messages;
            self.select_last_if_none(space);
        }
        self.error("That message was deleted.");
        self.dirty = true;
    }

    fn select_last_if_none(&mut self, space: &str) {
        if self.views.get(space).is_none_or(|v| v.selected.is_none()) {
            self.select_last(space);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_and_terms() {
        assert_eq!(filter_for("  ", None), None);
        assert_eq!(filter_for("parser", None).as_deref(), Some("parser"));
        assert_eq!(
            filter_for("a OR b", Some("spaces/X")).as_deref(),
            Some("(a OR b) AND space.name = \"spaces/X\"")
        );
        assert_eq!(
            terms("parser AND \"Fast\" sender.name = \"users/me\" has_link()"),
            ["parser", "fast"]
        );
    }
}
