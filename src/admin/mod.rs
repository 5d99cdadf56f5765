//! The administrator's command line: `gchat spaces | members | messages | people`.
//!
//! The same typed client, names and sign-ins as the TUI; a table for people, `--json` and
//! `--jsonl` for programs; bulk runs that report every item and go on past failures;
//! confirmation (or `--yes`) before anything is destroyed; distinct exit codes.

/// `eprint!` that ignores a failed write: a reader of stderr that went away (`2>&1 |
/// head`) must not turn a finished command into a panic.
macro_rules! say_err {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr().lock(), $($arg)*);
    }};
}

/// `eprintln!` that ignores a failed write (see `say_err!`).
macro_rules! say_errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

pub mod args;
mod bulk;
mod conversation;
mod exit;
mod members;
mod messages;
mod output;
mod pages;
mod shell;
mod spaces;
mod sync;
mod targets;

use std::collections::HashMap;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use crate::api::client::RetryHook;
use crate::api::model::{Space, SpaceType, User};
use crate::api::{ApiError, Client, ClientBuilder, SpaceName, StaticToken, UserRef};
use crate::auth;

use args::Common;
pub use exit::{Exit, Failure};
use output::Format;
pub use shell::{completions, man};

/// Writes to stdout for any command: a reader that stopped early (`| head`) is not an
/// error; any other failure is one sentence.
pub fn print_stdout(b: &[u8]) -> Result<(), Failure> {
    output::print_bytes(b)
}

/// An administrator verb, as parsed from the command line.
#[derive(Debug)]
pub enum Verb {
    Spaces(args::SpacesArgs),
    Members(args::MembersArgs),
    Messages(args::MessagesArgs),
    People(args::PeopleArgs),
    Search(args::SearchArgs),
    Sections(args::SectionsArgs),
}

/// Whom to act as: a signed-in profile, or an endpoint with a bearer token.
#[derive(Debug, Clone)]
pub struct Conn {
    pub profile: String,
    pub endpoint: Option<String>,
    pub token: Option<String>,
}

/// Runs one verb; prints its result on stdout and any error as one sentence on stderr.
pub async fn run(verb: Verb, conn: Conn) -> ExitCode {
    let common = match &verb {
        Verb::Spaces(a) => a.common.clone(),
        Verb::Members(a) => a.common.clone(),
        Verb::Messages(a) => a.common.clone(),
        Verb::People(a) => a.common.clone(),
        Verb::Search(a) => a.common.clone(),
        Verb::Sections(a) => a.common.clone(),
    };
    let result = async {
        let mut ctx = Ctx::connect(&conn, &common).await?;
        match verb {
            Verb::Spaces(a) => spaces::run(&mut ctx, a.cmd).await,
            Verb::Members(a) => members::run(&mut ctx, a.cmd).await,
            Verb::Messages(a) => messages::run(&mut ctx, a.cmd).await,
            Verb::People(a) => people(&mut ctx, a.cmd).await,
            Verb::Search(a) => sync::search(&mut ctx, a).await,
            Verb::Sections(a) => sync::sections(&mut ctx, a.cmd).await,
        }
    }
    .await;
    match result {
        Ok(exit) => exit.into(),
        Err(f) => {
            say_errln!("gchat: {}", output::clean(&f.message));
            f.exit.into()
        }
    }
}

/// Says on stderr why a request is being sent again (a rate limit's wait, say).
fn retry_hook() -> RetryHook {
    Arc::new(|e: &ApiError, wait: Duration| {
        if e.code() == Some(429) {
            say_errln!(
                "gchat: rate limited by the server; waiting {:.1}s before trying again.",
                wait.as_secs_f64()
            );
        } else {
            say_errln!(
                "gchat: {}; trying again in {:.1}s.",
                exit::sentence(&e.to_string()).trim_end_matches('.'),
                wait.as_secs_f64()
            );
        }
    })
}

/// What every verb works with.
pub(crate) struct Ctx {
    pub client: Client,
    pub format: Format,
    pub yes: bool,
    pub dry_run: bool,
    /// `users/ID` → (display name, email), from the People API.
    people: HashMap<String, (Option<String>, Option<String>)>,
    /// The caller (`users/ID`) when the sign-in or token says.
    pub me: Option<String>,
}

impl Ctx {
    async fn connect(conn: &Conn, common: &Common) -> Result<Ctx, Failure> {
        let format = if common.json {
            Format::Json
        } else if common.jsonl {
            Format::Jsonl
        } else {
            Format::Table
        };
        let mut me = None;
        let client = match (&conn.endpoint, &conn.token) {
            (Some(endpoint), Some(token)) => {
                if let Some(crate::api::dev_token::DevToken {
                    holder: crate::api::dev_token::DevHolder::User(id),
                    ..
                }) = crate::api::dev_token::parse(token)
                {
                    me = Some(format!("users/{id}"));
                }
                let c = ClientBuilder::new(Arc::new(StaticToken::new(token.clone())))
                    .endpoint(endpoint)
                    .on_retry(retry_hook())
                    .build()
                    .map_err(|e| Failure::other(exit::sentence(&e.to_string())))?;
                c
            }
            (None, Some(_)) if std::env::var_os("GCHAT_TOKEN").is_none() => {
                return Err(Failure::usage(
                    "--token needs --endpoint URL (signed-in profiles need no token).",
                ))
            }
            _ => {
                auth::profile::check_name(&conn.profile)
                    .map_err(|e| Failure::usage(exit::sentence(&format!("{e:#}"))))?;
                let account = auth::profile::load(&conn.profile)
                    .map_err(|e| Failure::auth(exit::sentence(&format!("{e:#}"))))?
                    .ok_or_else(|| {
                        Failure::auth(format!(
                            "not signed in: run `gchat{} auth login`, or pass --endpoint URL --token TOKEN.",
                            auth::profile_flag(&conn.profile)
                        ))
                    })?;
                me = account.identity.user.clone();
                let tokens = auth::token_source(&conn.profile, &account)
                    .await
                    .map_err(|e| Failure::auth(exit::sentence(&format!("{e:#}"))))?;
                let mut b = ClientBuilder::new(tokens).on_retry(retry_hook());
                if let Some(e) = &account.endpoint {
                    b = b.endpoint(e);
                }
                b.build()
                    .map_err(|e| Failure::other(exit::sentence(&e.to_string())))?
            }
        };
        Ok(Ctx {
            client,
            format,
            yes: common.yes,
            dry_run: common.dry_run,
            people: HashMap::new(),
            me,
        })
    }

    /// Asks before a destructive change; without a terminal, `--yes` must say so.
    pub fn confirm(&self, question: &str) -> Result<(), Failure> {
        if self.yes || self.dry_run {
            return Ok(());
        }
        if !std::io::stdin().is_terminal() {
            return Err(Failure::usage(format!(
                "refusing to {} without --yes (stdin is not a terminal); nothing was changed.",
                output::clean(question)
            )));
        }
        say_err!("{}? [y/N] ", output::clean(&capitalize(question)));
        let mut line = String::new();
        match std::io::stdin().read_line(&mut line) {
            Ok(_) if matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes") => Ok(()),
            _ => Err(Failure::usage("cancelled; nothing was changed.")),
        }
    }

    /// A space named by its resource name, its id or its display name.
    pub async fn space(&self, arg: &str) -> Result<Space, Failure> {
        let arg = arg.trim();
        if arg.starts_with("spaces/") {
            let name = SpaceName::parse(arg)
                .map_err(|e| Failure::usage(exit::sentence(&e.to_string())))?;
            return self
                .client
                .get_space(&name)
                .await
                .map_err(|e| Failure::api(name.as_ref(), &e));
        }
        if let Ok(name) = SpaceName::parse(arg) {
            match self.client.get_space(&name).await {
                Ok(s) => return Ok(s),
                Err(e) if matches!(e.code(), Some(400 | 403 | 404)) => {}
                Err(e) => return Err(Failure::api(name.as_ref(), &e)),
            }
        }
        let all = self.all_spaces(None, None).await?;
        by_display_name(&all, arg)
    }

    /// Every page of spaces.list (up to `limit`), with progress on a terminal.
    pub async fn all_spaces(
        &self,
        filter: Option<&str>,
        limit: Option<usize>,
    ) -> Result<Vec<Space>, Failure> {
        let client = &self.client;
        pages::all("spaces", limit, |page_size, page_token| async move {
            let p = crate::api::ListSpaces {
                page_size: Some(page_size),
                page_token,
                filter: filter.map(String::from),
            };
            let page = client
                .list_spaces(&p)
                .await
                .map_err(|e| Failure::api("listing spaces", &e))?;
            Ok((page.spaces, page.next_page_token))
        })
        .await
    }

    /// Looks up the names (and emails) of these people, once each; a directory that
    /// refuses (an app without the scope, say) leaves them unnamed.
    pub async fn learn_people<'a>(&mut self, users: impl IntoIterator<Item = &'a User>) {
        let mut want = Vec::new();
        for u in users {
            let Some(name) = u.name.as_deref() else {
                continue;
            };
            if u.display_name.is_some() && u.email.is_some() {
                continue;
            }
            if !self.people.contains_key(name)
                && !want.iter().any(|w: &String| w == name)
                && name
                    .strip_prefix("users/")
                    .is_some_and(|id| id.bytes().all(|b| b.is_ascii_digit()))
            {
                want.push(name.to_string());
            }
        }
        if want.is_empty() {
            return;
        }
        match self.client.lookup_people(&want).await {
            Ok(found) => {
                for (user, p) in found {
                    self.people.insert(
                        user,
                        (
                            p.display_name().map(String::from),
                            p.email().map(String::from),
                        ),
                    );
                }
            }
            Err(e) => tracing::info!(error = %e, "people lookup failed"),
        }
        for w in want {
            self.people.entry(w).or_insert((None, None));
        }
    }

    /// A person's name for a table: display name, else email, else `users/ID`.
    pub fn user_label(&self, u: &User) -> String {
        let known = u.name.as_deref().and_then(|n| self.people.get(n));
        u.display_name
            .clone()
            .or_else(|| known.and_then(|k| k.0.clone()))
            .or_else(|| u.email.clone())
            .or_else(|| known.and_then(|k| k.1.clone()))
            .or_else(|| u.name.clone())
            .unwrap_or_default()
    }

    pub fn user_email(&self, u: &User) -> String {
        u.email
            .clone()
            .or_else(|| {
                u.name
                    .as_deref()
                    .and_then(|n| self.people.get(n))
                    .and_then(|k| k.1.clone())
            })
            .unwrap_or_default()
    }
}

/// The one space with this display name (exactly, else ignoring case); several are refused
/// with their names, so a script never acts on the wrong one.
fn by_display_name(all: &[Space], arg: &str) -> Result<Space, Failure> {
    let by = |exact: bool| -> Vec<&Space> {
        all.iter()
            .filter(|s| {
                s.display_name.as_deref().is_some_and(|d| {
                    if exact {
                        d == arg
                    } else {
                        d.to_lowercase() == arg.to_lowercase()
                    }
                })
            })
            .collect()
    };
    let mut found = by(true);
    if found.is_empty() {
        found = by(false);
    }
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Failure::not_found(format!(
            "no space is named {:?}; `gchat spaces list` shows yours.",
            output::clean(arg)
        ))),
        many => Err(Failure::usage(format!(
            "{} spaces are named {:?}: {}; name one by its resource name.",
            many.len(),
            output::clean(arg),
            many.iter()
                .filter_map(|s| s.name.as_deref())
                .map(output::clean)
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub(crate) fn space_name(s: &Space) -> Result<SpaceName, Failure> {
    SpaceName::parse(s.name.as_deref().unwrap_or("")).map_err(|e| {
        Failure::other(format!(
            "the server answered a space without a valid name: {e}."
        ))
    })
}

/// What `--dry-run` would have done.
pub(crate) fn would(ctx: &Ctx, what: &str) -> Result<Exit, Failure> {
    match ctx.format {
        Format::Table => output::print(&format!("would {what} (dry run: nothing changed)\n"))?,
        _ => {
            #[derive(serde::Serialize)]
            #[serde(rename_all = "camelCase")]
            struct DryRun<'a> {
                dry_run: bool,
                would: &'a str,
            }
            output::json(
                &DryRun {
                    dry_run: true,
                    would: what,
                },
                ctx.format == Format::Json,
            )?
        }
    }
    Ok(Exit::Ok)
}

/// A space's name for a table: its display name, or what kind of space it is.
pub(crate) fn space_label(s: &Space) -> String {
    match (&s.display_name, &s.space_type) {
        (Some(d), _) if !d.is_empty() => d.clone(),
        (_, Some(SpaceType::DirectMessage)) => "(direct message)".into(),
        (_, Some(SpaceType::GroupChat)) => "(group chat)".into(),
        _ => s.name.clone().unwrap_or_default(),
    }
}

pub(crate) fn space_kind(s: &Space) -> &'static str {
    match &s.space_type {
        Some(SpaceType::Space) => "space",
        Some(SpaceType::GroupChat) => "group chat",
        Some(SpaceType::DirectMessage) => "DM",
        _ => "",
    }
}

/// `users/ID`, an id, an email or `app`, refused with the valid forms when it is none.
pub(crate) fn parse_who(s: &str) -> Result<UserRef, String> {
    UserRef::parse_loose(s).map_err(|e| exit::sentence(&e.to_string()))
}

/// A short stable hash (hex) of these parts, for request and client message ids.
pub(crate) fn digest(parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

async fn people(ctx: &mut Ctx, cmd: args::PeopleCmd) -> Result<Exit, Failure> {
    let args::PeopleCmd::Get { who } = cmd;
    let mut report = bulk::Report::new(ctx.format, "people");
    for w in &who {
        let outcome = match parse_who(w) {
            Err(e) => bulk::Outcome::failed(w, "invalid", Exit::Usage, e),
            Ok(UserRef::Id(id)) => {
                match ctx
                    .client
                    .get_person(&format!("people/{id}"), "names,emailAddresses")
                    .await
                {
                    Ok(p) => {
                        let mut o = bulk::Outcome::ok(w, "found");
                        o.display = p.display_name().map(String::from);
                        o.email = p.email().map(String::from);
                        o.person = Some(p);
                        o
                    }
                    Err(e) => bulk::Outcome::from_error(w, &e),
                }
            }
            // The directory is searched for the address; only an exact match counts.
            Ok(UserRef::Email(email)) => {
                match ctx.client.search_directory_people(&email, 50).await {
                    Ok(r) => match r
                        .people
                        .into_iter()
                        .find(|p| p.email().is_some_and(|e| e.eq_ignore_ascii_case(&email)))
                    {
                        Some(p) => {
                            let mut o = bulk::Outcome::ok(w, "found");
                            o.display = p.display_name().map(String::from);
                            o.email = p.email().map(String::from);
                            o.person = Some(p);
                            o
                        }
                        None => bulk::Outcome::failed(
                            w,
                            "not found",
                            Exit::NotFound,
                            "no one in your organization's directory has this address.",
                        ),
                    },
                    Err(e) => bulk::Outcome::from_error(w, &e),
                }
            }
            Ok(_) => bulk::Outcome::failed(
                w,
                "invalid",
                Exit::Usage,
                "app is not a person: give users/ID, an id or an email address.",
            ),
        };
        report.add(outcome)?;
    }
    report.finish(&["WHO", "NAME", "EMAIL", "OUTCOME"])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(name: &str, display: &str) -> Space {
        Space {
            name: Some(name.into()),
            display_name: Some(display.into()),
            ..Default::default()
        }
    }

    #[test]
    fn display_names_resolve_or_are_refused_with_candidates() {
        let all = vec![
            sp("spaces/A", "Launch"),
            sp("spaces/B", "launch"),
            sp("spaces/C", "Ops"),
        ];
        assert_eq!(
            by_display_name(&all, "Launch").unwrap().name.as_deref(),
            Some("spaces/A")
        );
        assert_eq!(
            by_display_name(&all, "ops").unwrap().name.as_deref(),
            Some("spaces/C")
        );
        let e = by_display_name(&all, "LAUNCH").unwrap_err();
        assert_eq!(e.exit, Exit::Usage);
        assert!(e.message.contains("spaces/A, spaces/B"), "{}", e.message);
        assert_eq!(
            by_display_name(&all, "Nope").unwrap_err().exit,
            Exit::NotFound
        );
    }
}
