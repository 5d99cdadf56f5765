//! What the answers about the user, the spaces and people do to the app (requests in
//! `directory`).

use crate::api::model::User;
use crate::app::directory::DirectoryOutcome;
use crate::app::{App, Effect};

impl App {
    pub(super) fn on_directory_outcome(&mut self, o: DirectoryOutcome, fx: &mut Vec<Effect>) {
        match o {
            DirectoryOutcome::Me {
                result: Ok((user, name)),
            } => {
                if let Some(n) = &name {
                    self.people.learn(&User {
                        name: Some(user.clone()),
                        display_name: Some(n.clone()),
                        ..Default::default()
                    });
                }
                self.me.user = Some(user);
                self.me.name = name;
                self.layout.borrow_mut().clear();
            }
            DirectoryOutcome::Me { result: Err(e) } => {
                tracing::warn!(error = %e, "could not tell who is signed in")
            }
            DirectoryOutcome::Spaces { result } | DirectoryOutcome::PolledSpaces { result } => {
                self.on_spaces(result, fx)
            }
            DirectoryOutcome::Found { query, result } => self.on_found(query, result, fx),
            DirectoryOutcome::People { users, result } => {
                let users: Vec<String> = users.iter().map(ToString::to_string).collect();
                match result {
                    Ok(found) => {
                        for (u, p) in &found {
                            self.people.learn_person(u, p);
                        }
                        let missing: Vec<String> = users
                            .into_iter()
                            .filter(|u| !found.iter().any(|(f, _)| f == u))
                            .collect();
                        self.people.not_found(&missing);
                    }
                    Err(e) => {
                        tracing::info!(error = %e, "people lookup failed");
                        self.people.lookup_failed(&users);
                    }
                }
            }
        }
    }
}
