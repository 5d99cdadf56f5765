//! Bulk runs: every item's outcome reported, the run going on past failures.

use std::future::Future;
use std::time::Duration;

use serde::Serialize;

use super::exit::{exit_for, sentence, Exit, Failure};
use super::output::{self, Format, Table};
use crate::api::model::{Membership, Message, Person, Space};
use crate::api::ApiError;

/// What happened to one item.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    /// The item as given (a person, a space).
    pub target: String,
    /// e.g. `joined`, `invited`, `already a member`, `not found`, `refused`.
    pub outcome: String,
    pub ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip)]
    pub exit: Exit,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub membership: Option<Membership>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<Person>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space: Option<Space>,
}

impl Outcome {
    pub fn ok(target: &str, outcome: &str) -> Self {
        Outcome {
            target: target.to_string(),
            outcome: outcome.to_string(),
            ok: true,
            detail: None,
            display: None,
            email: None,
            exit: Exit::Ok,
            membership: None,
            message: None,
            person: None,
            space: None,
        }
    }

    pub fn failed(target: &str, outcome: &str, exit: Exit, detail: impl Into<String>) -> Self {
        Outcome {
            ok: false,
            exit,
            detail: Some(detail.into()),
            ..Outcome::ok(target, outcome)
        }
    }

    /// A failure named by what the server said: not found, refused (and why), invalid.
    pub fn from_error(target: &str, e: &ApiError) -> Self {
        let what = match e.code() {
            Some(404) => "not found",
            Some(401 | 403) => "refused",
            Some(400) => "invalid",
            Some(429) => "rate limited",
            _ if matches!(e, ApiError::InvalidName(_) | ApiError::InvalidArgument(_)) => "invalid",
            _ => "failed",
        };
        Outcome::failed(target, what, exit_for(e), sentence(&e.to_string()))
    }
}

/// Collects outcomes; streams them with `--jsonl`, prints the table or document at the end.
pub struct Report {
    format: Format,
    items: Vec<Outcome>,
    progress: output::Progress,
}

impl Report {
    pub fn new(format: Format, what: &'static str) -> Self {
        Report {
            format,
            items: Vec::new(),
            progress: output::Progress::new(what),
        }
    }

    pub fn add(&mut self, o: Outcome) -> Result<(), Failure> {
        if self.format == Format::Jsonl {
            output::json(&o, false)?;
        }
        self.items.push(o);
        self.progress.update(self.items.len());
        Ok(())
    }

    pub fn items(&self) -> &[Outcome] {
        &self.items
    }

    pub fn items_mut(&mut self) -> &mut [Outcome] {
        &mut self.items
    }

    /// Prints the results (columns by header: TARGET/WHO/SPACE, NAME, EMAIL, OUTCOME,
    /// RESOURCE) and answers the exit code: the one failure's own code when there was
    /// one item, 6 when some of several failed.
    pub fn finish(self, headers: &[&'static str]) -> Result<Exit, Failure> {
        let Report {
            format,
            items,
            progress,
        } = self;
        drop(progress);
        match format {
            Format::Jsonl => {}
            Format::Json => {
                #[derive(Serialize)]
                struct Doc<'a> {
                    results: &'a [Outcome],
                    failed: usize,
                }
                let failed = items.iter().filter(|o| !o.ok).count();
                output::json(
                    &Doc {
                        results: &items,
                        failed,
                    },
                    true,
                )?;
            }
            Format::Table => {
                let mut t = Table::new(headers);
                for o in &items {
                    t.row(
                        headers
                            .iter()
                            .map(|h| match *h {
                                "NAME" => o.display.clone().unwrap_or_default(),
                                "EMAIL" => o.email.clone().unwrap_or_default(),
                                // One long reason must not widen every row:
                                // cut with an ellipsis (JSON keeps it whole).
                                "OUTCOME" => output::excerpt(
                                    &match &o.detail {
                                        Some(d) => format!("{}: {d}", o.outcome),
                                        None => o.outcome.clone(),
                                    },
                                    OUTCOME_WIDTH,
                                ),
                                "RESOURCE" => resource_name(o),
                                _ => o.target.clone(),
                            })
                            .collect(),
                    );
                }
                output::print(&t.render())?;
            }
        }
        let failed: Vec<&Outcome> = items.iter().filter(|o| !o.ok).collect();
        Ok(match (failed.as_slice(), items.len()) {
            ([], _) => Exit::Ok,
            ([one], 1) => one.exit,
            (f, n) => {
                say_errln!("gchat: {} of {n} failed; the others were done.", f.len());
                Exit::Partial
            }
        })
    }
}

/// The widest an OUTCOME cell gets in a table, in columns.
pub const OUTCOME_WIDTH: usize = 60;

fn resource_name(o: &Outcome) -> String {
    o.membership
        .as_ref()
        .and_then(|m| m.name.clone())
        .or_else(|| o.message.as_ref().and_then(|m| m.name.clone()))
        .or_else(|| o.space.as_ref().and_then(|m| m.name.clone()))
        .unwrap_or_default()
}

/// Runs `op`, waiting out rate limits (429) as the server asks and saying so on stderr.
/// A 429 means the server did nothing, so sending again is always safe.
pub async fn patiently<T, F, Fut>(mut op: F) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let mut tries = 0u32;
    loop {
        match op().await {
            Err(e) if e.code() == Some(429) && tries < 5 => {
                let wait = e
                    .retry_after()
                    .unwrap_or(Duration::from_secs(1 << tries))
                    .min(Duration::from_secs(120));
                say_errln!(
                    "gchat: rate limited by the server; waiting {:.1}s before trying again.",
                    wait.as_secs_f64()
                );
                tokio::time::sleep(wait).await;
                tries += 1;
            }
            other => return other,
        }
    }
}
