//! What the OAuth server remembers: its clients, service accounts, and the codes and
//! tokens it issued. Part of the store, and saved with it.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::auth::{Principal, Who};
use super::ids::now;
use crate::api::scope::Scope;

/// An OAuth client (an "installed app" from `client_secrets.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuthClient {
    pub secret: String,
}

/// A service account, acting as a Chat app.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccount {
    /// SubjectPublicKeyInfo PEM, to verify the JWTs it signs.
    pub public_key_pem: String,
    /// The app it acts as.
    pub app_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeRec {
    pub client_id: String,
    pub redirect_uri: String,
    pub user: String,
    pub scopes: Vec<String>,
    pub expires: DateTime<Utc>,
    pub challenge: Option<String>,
    pub challenge_method: Option<String>,
}

/// Whom a token speaks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Holder {
    User(String),
    App(String),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessRec {
    pub holder: Holder,
    /// Short scope names.
    pub scopes: Vec<String>,
    pub expires: DateTime<Utc>,
    /// The refresh token it came from, if any (revoking that revokes this).
    pub refresh: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefreshRec {
    pub client_id: String,
    pub user: String,
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuthState {
    #[serde(default)]
    pub clients: BTreeMap<String, OAuthClient>,
    /// By client email.
    #[serde(default)]
    pub service_accounts: BTreeMap<String, ServiceAccount>,
    #[serde(default)]
    pub codes: BTreeMap<String, CodeRec>,
    #[serde(default)]
    pub access: BTreeMap<String, AccessRec>,
    #[serde(default)]
    pub refresh: BTreeMap<String, RefreshRec>,
    /// Token grants served, by grant type (tests read this).
    #[serde(default)]
    pub grants: BTreeMap<String, u64>,
}

impl OAuthState {
    /// The principal an issued access token stands for, if it is valid now.
    pub fn principal(&self, token: &str, at: DateTime<Utc>) -> Option<Principal> {
        let rec = self.access.get(token)?;
        if rec.expires <= at {
            return None;
        }
        Some(Principal {
            who: match &rec.holder {
                Holder::User(id) => Who::User(id.clone()),
                Holder::App(id) => Who::App(id.clone()),
            },
            scopes: rec.scopes.iter().filter_map(|s| Scope::parse(s)).collect(),
        })
    }

    /// Makes every issued access token expire now (as if time had passed).
    pub fn expire_access_tokens(&mut self) {
        let past = now() - Duration::seconds(1);
        for a in self.access.values_mut() {
            a.expires = past;
        }
    }

    /// Revokes every token held by `user` (as the person could at myaccount.google.com).
    pub fn revoke_user(&mut self, user: &str) {
        self.refresh.retain(|_, r| r.user != user);
        self.access
            .retain(|_, a| a.holder != Holder::User(user.to_string()));
    }
}
