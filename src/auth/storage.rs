//! yup-oauth2's token cache, kept in a profile's `tokens.json`: written atomically with
//! mode 0600, keyed by the set of scopes.

use std::collections::BTreeMap;
use std::path::PathBuf;

use yup_oauth2::storage::{TokenInfo, TokenStorage, TokenStorageError};

pub struct FileTokenStorage {
    path: PathBuf,
    lock: tokio::sync::Mutex<()>,
}

impl FileTokenStorage {
    pub fn new(path: PathBuf) -> Self {
        FileTokenStorage {
            path,
            lock: tokio::sync::Mutex::new(()),
        }
    }

    fn key(scopes: &[&str]) -> String {
        let mut s: Vec<&str> = scopes.to_vec();
        s.sort_unstable();
        s.dedup();
        s.join(" ")
    }

    /// Makes `token` the only one cached (a new sign-in replaces the old one's).
    pub fn replace_all(&self, scopes: &[&str], token: TokenInfo) -> std::io::Result<()> {
        let mut all = BTreeMap::new();
        all.insert(Self::key(scopes), token);
        let bytes = serde_json::to_vec_pretty(&all)?;
        super::profile::write_private(&self.path, &bytes)
    }

    /// Everything cached. A damaged file counts as empty: the user signs in again.
    pub fn read_all(&self) -> BTreeMap<String, TokenInfo> {
        std::fs::read(&self.path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }
}

#[async_trait::async_trait]
impl TokenStorage for FileTokenStorage {
    async fn set(&self, scopes: &[&str], token: TokenInfo) -> Result<(), TokenStorageError> {
        let _guard = self.lock.lock().await;
        let mut all = self.read_all();
        all.insert(Self::key(scopes), token);
        let bytes = serde_json::to_vec_pretty(&all)
            .map_err(|e| TokenStorageError::Other(e.to_string().into()))?;
        super::profile::write_private(&self.path, &bytes)?;
        Ok(())
    }

    async fn get(&self, scopes: &[&str]) -> Option<TokenInfo> {
        let _guard = self.lock.lock().await;
        self.read_all().remove(&Self::key(scopes))
    }
}
