//! What a person leaves behind between runs: unsent drafts and when each space was last
//! read. Kept per account in the state directory, written atomically with mode 0600
//! (drafts are private), on every exit the loop sees (quit, SIGTERM, SIGHUP).

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::app::compose::Draft;
use crate::app::App;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Session {
    #[serde(default)]
    pub drafts: Vec<Draft>,
    #[serde(default)]
    pub last_read: HashMap<String, DateTime<Utc>>,
}

/// The file for an account key (a profile name, `demo`, or an endpoint's).
pub fn path(key: &str) -> PathBuf {
    let safe: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    crate::config::state_dir()
        .join("sessions")
        .join(format!("{safe}.json"))
}

/// What was kept last time (nothing, if the file is missing or damaged).
pub fn load(key: &str) -> Session {
    std::fs::read(path(key))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Restores a session into a new app.
pub fn restore(app: &mut App, s: Session) {
    app.compose.import(s.drafts);
    for (space, t) in s.last_read {
        app.spaces.last_read.entry(space).or_insert(t);
    }
}

/// Keeps what the app holds (read marks only when `keep_read`: the demo's times are made
/// anew each run). Failures are logged, not fatal: the person is leaving.
pub fn save(key: &str, app: &mut App, keep_read: bool) {
    let s = Session {
        drafts: app.compose.export(),
        last_read: if keep_read {
            app.spaces.last_read.clone()
        } else {
            HashMap::new()
        },
    };
    let result = serde_json::to_vec_pretty(&s)
        .map_err(std::io::Error::other)
        .and_then(|b| crate::auth::profile::write_private(&path(key), &b));
    if let Err(e) = result {
        tracing::warn!(error = %e, "could not keep drafts and read marks");
    }
}
