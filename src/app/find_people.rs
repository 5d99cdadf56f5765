//! Finding people to add: what is typed in the add-member dialog is looked up as it
//! changes. A name (or the start of one, CJK included) searches the directory
//! (`people:searchDirectoryPeople`); an id or email shows who it is before adding; an
//! unknown person is reported as such. One search is on its way at a time: an answer
//! for text no longer typed starts the search for what is.

use super::dialog::{Found, Kind};
use super::{App, Effect};
use crate::api::model::Person;
use crate::api::{ApiError, UserRef};
use crate::app::permissions::Task;
use crate::app::polls::Poll;
use crate::clean::Clean;

impl App {
    /// The add-member field changed.
    pub(super) fn add_member_typed(&mut self, fx: &mut Vec<Effect>) {
        let Some(d) = self
            .dialog
            .as_mut()
            .filter(|d| matches!(d.kind, Kind::AddMember { .. }))
        else {
            return;
        };
        let q = d.field(0).trim().to_string();
        d.pick = 0;
        if d.searched.as_deref() != Some(q.as_str()) {
            d.found.clear();
        }
        match UserRef::parse_loose(&q) {
            _ if q.is_empty() => {}
            Ok(UserRef::App) => {}
            Ok(UserRef::Id(id)) => self.look_up(vec![format!("users/{id}")], fx),
            // An address or a name: the directory says who it is.
            Ok(UserRef::Email(_)) | Err(_) => self.search_directory(q, fx),
        }
    }

    /// A directory search is on its way.
    pub fn searching_people(&self) -> bool {
        self.polls.busy(&Poll::PeopleSearch)
    }

    pub(super) fn search_directory(&mut self, q: String, fx: &mut Vec<Effect>) {
        if self.me.is_app || self.polls.busy(&Poll::PeopleSearch) {
            return; // the answer in flight starts the next search
        }
        self.polls.start(Poll::PeopleSearch);
        fx.push(Effect::Directory(
            crate::app::DirectoryEffect::SearchPeople { query: q },
        ));
    }

    pub(super) fn on_found(
        &mut self,
        query: String,
        result: Result<Vec<Person>, ApiError>,
        fx: &mut Vec<Effect>,
    ) {
        self.polls.done(&Poll::PeopleSearch);
        let people = match result {
            Ok(p) => p,
            Err(e) => {
                let why = if e.is_scope_insufficient() {
                    format!(
                        "Finding people by name needs the directory.readonly permission (run `gchat auth login{}`); type an id or email instead.",
                        crate::auth::profile_flag(&self.settings.profile)
                    )
                } else {
                    format!(
                        "Could not search the directory: {}",
                        self.why(&e, Task::Members)
                    )
                };
                if let Some(d) = self.dialog.as_mut() {
                    d.error = Some(why);
                }
                return;
            }
        };
        let found: Vec<Found> = people
            .iter()
            .filter_map(|p| {
                let id = p.resource_name.as_deref()?.strip_prefix("people/")?;
                let user = format!("users/{id}");
                UserRef::parse_loose(&user).ok()?;
                self.people.learn_person(&user, p);
                Some(Found {
                    name: Clean::line(p.display_name().unwrap_or(id)),
                    email: p.email().map(Clean::line),
                    user,
                })
            })
            .collect();
        if let Some(d) = self
            .dialog
            .as_ref()
            .filter(|d| matches!(d.kind, Kind::MessagePerson { .. }))
        {
            if super::converse::last_part(&d.field(0)) == query {
                self.merge_found(&query, found);
            } else {
                self.message_person_typed(fx);
            }
            return;
        }
        let Some(d) = self
            .dialog
            .as_mut()
            .filter(|d| matches!(d.kind, Kind::AddMember { .. }))
        else {
            return;
        };
        let now = d.field(0).trim().to_string();
        if now == query {
            d.found = found;
            d.pick = 0;
            d.searched = Some(query);
        } else {
            self.add_member_typed(fx);
        }
    }
}
