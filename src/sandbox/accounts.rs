//! Several accounts in one sandbox. AWS ties an access key to one account: a
//! profile with its own keys sees its own account's pipelines. The sandbox's
//! own credentials are the home account (`ACCOUNT_ID`); the config's
//! `accounts` add keys, each mapped to its account id, and a key may expire
//! some seconds after start (to try what an expired session looks like).

use std::collections::BTreeSet;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hyper::HeaderMap;
use serde::Deserialize;

use super::http::ApiError;
use super::sigv4::{self, Credentials};

/// One `accounts` entry of the sandbox config.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccountKey {
    pub account_id: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// The key answers ExpiredTokenException this long after the sandbox started.
    #[serde(default)]
    pub expires_after_seconds: Option<u64>,
}

/// The keys the sandbox accepts and the account each belongs to.
pub struct Accounts {
    home: Credentials,
    extra: Vec<AccountKey>,
    started: Instant,
    /// Keys revoked while running (`revoke`): refused as expired from then on.
    revoked: Mutex<BTreeSet<String>>,
}

impl Accounts {
    pub fn new(home: Credentials, extra: Vec<AccountKey>, started: Instant) -> Self {
        Self { home, extra, started, revoked: Mutex::default() }
    }

    /// The credentials to verify a request with: those of the key it names,
    /// or the home key (then verification answers "unknown key" as before).
    pub fn credentials_for(&self, headers: &HeaderMap) -> Credentials {
        let named = sigv4::scope_of(headers).map(|s| s.access_key);
        self.key(named.as_deref().unwrap_or(""))
            .map(|k| Credentials {
                access_key_id: k.access_key_id.clone(),
                secret_access_key: k.secret_access_key.clone(),
            })
            .unwrap_or_else(|| self.home.clone())
    }

    /// The same for a key id already known (presigned URLs carry it in the query).
    pub fn credentials_for_key(&self, access_key: &str) -> Credentials {
        self.key(access_key)
            .map(|k| Credentials {
                access_key_id: k.access_key_id.clone(),
                secret_access_key: k.secret_access_key.clone(),
            })
            .unwrap_or_else(|| self.home.clone())
    }

    /// The account a verified key belongs to.
    pub fn account_of(&self, access_key: &str) -> &str {
        self.key(access_key).map(|k| k.account_id.as_str()).unwrap_or(super::ACCOUNT_ID)
    }

    /// Refuses a verified key whose time is up, as AWS refuses an expired
    /// session token (Common Errors: ExpiredTokenException, HTTP 403).
    pub fn check_expiry(&self, access_key: &str, query: bool) -> Result<(), ApiError> {
        let revoked = super::lock(&self.revoked).contains(access_key);
        let after = self.key(access_key).and_then(|k| k.expires_after_seconds);
        if !revoked && after.is_none_or(|after| self.started.elapsed() < Duration::from_secs(after)) {
            return Ok(());
        }
        let code = if query { "ExpiredToken" } else { "ExpiredTokenException" };
        Err(ApiError::new(403, code, "The security token included in the request is expired"))
    }

    /// Ends a key's session now (an SSO session that ran out, on cue).
    pub fn revoke(&self, access_key: &str) {
        super::lock(&self.revoked).insert(access_key.to_string());
    }

    fn key(&self, access_key: &str) -> Option<&AccountKey> {
        self.extra.iter().find(|k| k.access_key_id == access_key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accounts(expiry: Option<u64>) -> Accounts {
        let home = Credentials { access_key_id: "HOME".into(), secret_access_key: "h".into() };
        let b = AccountKey {
            account_id: "210987654321".into(),
            access_key_id: "AKIAB".into(),
            secret_access_key: "b".into(),
            expires_after_seconds: expiry,
        };
        Accounts::new(home, vec![b], Instant::now())
    }

    #[test]
    fn each_key_maps_to_its_own_account_and_unknown_keys_to_home() {
        let a = accounts(None);
        assert_eq!(a.account_of("AKIAB"), "210987654321");
        assert_eq!(a.account_of("HOME"), super::super::ACCOUNT_ID);
        assert_eq!(a.credentials_for_key("AKIAB").secret_access_key, "b");
        assert_eq!(a.credentials_for_key("nobody").access_key_id, "HOME");
    }

    #[test]
    fn a_key_expires_after_its_seconds_with_awss_error() {
        assert!(accounts(Some(3600)).check_expiry("AKIAB", false).is_ok());
        let err = accounts(Some(0)).check_expiry("AKIAB", false).unwrap_err();
        assert_eq!((err.status, err.code.as_str()), (403, "ExpiredTokenException"));
        assert_eq!(accounts(Some(0)).check_expiry("AKIAB", true).unwrap_err().code, "ExpiredToken");
        assert!(accounts(Some(0)).check_expiry("HOME", false).is_ok(), "the home key never expires");
        let a = accounts(None);
        a.revoke("AKIAB");
        assert_eq!(a.check_expiry("AKIAB", false).unwrap_err().code, "ExpiredTokenException", "revoked on cue");
    }
}
