//! Sign-in profiles: `$XDG_DATA_HOME/gchat/profiles/NAME/` holds `account.json` (how the
//! profile signs in, and who it is) and `tokens.json` (the token cache). Both are written
//! atomically (temporary file, then rename) with mode 0600, in a directory of mode 0700.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const DEFAULT_PROFILE: &str = "default";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// A person, through OAuth (installed-app flow, in the browser).
    User,
    /// The Chat app, through a service account key.
    ServiceAccount,
}

/// Who a profile is, as learned at sign-in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    /// `users/123` for people.
    pub user: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Account {
    pub kind: AccountKind,
    /// The OAuth scopes granted, as full URLs.
    pub scopes: Vec<String>,
    /// A Chat API endpoint other than Google's (an emulator).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The installed app's client (from `client_secrets.json`), for refreshing tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<yup_oauth2::ApplicationSecret>,
    /// The service account key file, read again when a token is needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account_key: Option<PathBuf>,
    #[serde(default)]
    pub identity: Identity,
    pub signed_in_at: DateTime<Utc>,
}

/// Profile names are plain: letters, digits, `-` and `_`.
pub fn check_name(name: &str) -> anyhow::Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    anyhow::ensure!(
        ok,
        "profile names use letters, digits, - and _ (got {name:?})"
    );
    Ok(())
}

pub fn dir(name: &str) -> PathBuf {
    crate::config::data_dir().join("profiles").join(name)
}

pub fn account_path(name: &str) -> PathBuf {
    dir(name).join("account.json")
}

pub fn tokens_path(name: &str) -> PathBuf {
    dir(name).join("tokens.json")
}

/// Creates `d` (and parents) readable by its owner only.
pub fn private_dir(d: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(d)?;
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(d)
    }
}

/// Writes `bytes` to `path` atomically, readable and writable by its owner only.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let parent = path.parent().unwrap_or(Path::new("."));
    private_dir(parent)?;
    // tempfile creates the file with mode 0600.
    let mut tmp = tempfile::NamedTempFile::new_in(parent)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

pub fn load(name: &str) -> anyhow::Result<Option<Account>> {
    let path = account_path(name);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).with_context(|| {
            format!(
                "{} is damaged; run `gchat auth logout` and sign in again",
                path.display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("could not read {}", path.display())),
    }
}

pub fn save(name: &str, account: &Account) -> anyhow::Result<()> {
    let path = account_path(name);
    write_private(&path, &serde_json::to_vec_pretty(account)?)
        .with_context(|| format!("could not write {}", path.display()))
}

/// Removes the profile's account and token cache. Answers whether there was one.
pub fn remove(name: &str) -> anyhow::Result<bool> {
    let mut any = false;
    for p in [account_path(name), tokens_path(name)] {
        match std::fs::remove_file(&p) {
            Ok(()) => any = true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("could not remove {}", p.display())),
        }
    }
    let _ = std::fs::remove_dir(dir(name));
    Ok(any)
}
