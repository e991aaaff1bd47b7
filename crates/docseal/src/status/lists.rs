//! The status lists a relying party loaded while online, checked offline at each
//! verification.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::list::{Status, StatusList};
use super::token::StatusListToken;
use crate::algorithm::Kid;
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::scope::Scope;
use crate::time::timestamp;
use crate::trust::TrustList;
use crate::wire::StatusRef;

/// A status list whose token's signature held under a key trusted for `status-list`.
#[derive(Debug, Clone)]
pub struct VerifiedStatusList {
    token: StatusListToken,
    trusted_name: Arc<str>,
}

impl VerifiedStatusList {
    /// The list's URI.
    #[must_use]
    pub fn uri(&self) -> &str {
        &self.token.uri
    }

    /// When the list was signed.
    #[must_use]
    pub fn issued_at(&self) -> DateTime<Utc> {
        timestamp(self.token.issued_at)
    }

    /// When it stops being usable, if it says.
    #[must_use]
    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.token.expires_at.map(timestamp)
    }

    /// How long a relying party may cache it, in seconds, if it says.
    #[must_use]
    pub fn ttl(&self) -> Option<u64> {
        self.token.ttl
    }

    /// The entries.
    #[must_use]
    pub fn list(&self) -> &StatusList {
        &self.token.list
    }

    /// The trust-list name of the key that signed it.
    #[must_use]
    pub fn trusted_name(&self) -> &str {
        &self.trusted_name
    }

    /// The signer's name, shared (each verification that consults the list names it).
    pub(crate) fn signer_name(&self) -> Arc<str> {
        Arc::clone(&self.trusted_name)
    }
}

/// Status lists by URI, each verified once when added (signature, `status-list` scope,
/// inflated once); their freshness is checked at each verification, against its time.
///
/// # Examples
/// ```
/// use docseal::status::{Bits, Status, StatusList, StatusListToken, StatusLists};
/// use docseal::{Algorithm, Scope, SigningKey, TrustList, TrustedKey};
/// let key = SigningKey::generate(Algorithm::EdDsa)?;
/// let mut trust = TrustList::new();
/// trust.add(TrustedKey::new("TMB status", key.verifying_key()).with_scopes(vec![Scope::StatusList]));
/// let mut list = StatusList::new(Bits::Two, 1024)?;
/// list.set(7, Status::Suspended)?;
/// let iat = 1_796_000_000;
/// let token = StatusListToken::sign(&key, "https://tmb.example/status/1", &list, iat, iat + 86_400, Some(3600))?;
/// let mut lists = StatusLists::new();
/// lists.add(&token, &trust, &docseal::Limits::default())?;
/// assert_eq!(lists.get("https://tmb.example/status/1").map(|l| l.list().get(7)), Some(Some(Status::Suspended)));
/// # Ok::<(), docseal::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct StatusLists {
    by_uri: HashMap<String, VerifiedStatusList>,
}

impl StatusLists {
    /// No lists.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Decodes `token`, checks its signature against a key of `trust` scoped `status-list`
    /// and adds it. A newer token (later `iat`) for the same URI replaces an older one; an
    /// older one is ignored.
    ///
    /// # Errors
    /// [`Error::Status`] for a malformed token, an unknown kid, a key not trusted for status
    /// lists (or outside its window), or a failed signature; [`Error::Limit`] for an
    /// oversized list.
    pub fn add(&mut self, token: &[u8], trust: &TrustList, limits: &Limits) -> Result<&VerifiedStatusList> {
        let (token, trusted_name) = StatusListToken::decode_checked(token, limits, |token| signer_of(token, trust))?;
        let uri = token.uri.clone();
        let verified = VerifiedStatusList { token, trusted_name: trusted_name.into() };
        // Moved, never cloned: a national list is tens of megabytes.
        match self.by_uri.entry(uri) {
            std::collections::hash_map::Entry::Vacant(slot) => Ok(slot.insert(verified)),
            std::collections::hash_map::Entry::Occupied(slot) => {
                let slot = slot.into_mut();
                if verified.token.issued_at > slot.token.issued_at {
                    *slot = verified;
                }
                Ok(slot)
            }
        }
    }

    /// The list at `uri`.
    #[must_use]
    pub fn get(&self, uri: &str) -> Option<&VerifiedStatusList> {
        self.by_uri.get(uri)
    }

    /// How many lists.
    #[must_use]
    pub fn len(&self) -> usize {
        self.by_uri.len()
    }

    /// No list at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.by_uri.is_empty()
    }

    /// Every list, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &VerifiedStatusList> {
        self.by_uri.values()
    }

    /// The status of `entry` at `now`: the list must be present, fresh (before its `exp`,
    /// not generated after `now` beyond `skew`, at most `max_age` old when given) and long
    /// enough. Returns the list and its entry.
    ///
    /// # Errors
    /// [`Error::Status`] when the status cannot be decided.
    pub fn status_at(
        &self,
        entry: &StatusRef,
        now: DateTime<Utc>,
        skew: Duration,
        max_age: Option<Duration>,
    ) -> Result<(&VerifiedStatusList, Status)> {
        let list = self.get(entry.uri()).ok_or_else(|| {
            Error::status(format!("no status list loaded for {} (the credential names one)", entry.uri()))
        })?;
        let now_s = now.timestamp();
        let skew = i64::try_from(skew.as_secs()).unwrap_or(i64::MAX);
        if list.token.issued_at > now_s.saturating_add(skew) {
            return Err(Error::status(format!("status list {} is dated after the verification time", entry.uri())));
        }
        if let Some(exp) = list.token.expires_at
            && now_s >= exp.saturating_add(skew)
        {
            return Err(Error::status(format!("status list {} expired at {}", entry.uri(), timestamp(exp))));
        }
        if let Some(max_age) = max_age {
            let age = now_s.saturating_sub(list.token.issued_at);
            if age > i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX) {
                return Err(Error::status(format!(
                    "status list {} is {age} s old, above the {} s the policy allows",
                    entry.uri(),
                    max_age.as_secs()
                )));
            }
        }
        let status = list.token.list.get(entry.idx()).ok_or_else(|| {
            Error::status(format!(
                "index {} is past the end of status list {} ({} entries)",
                entry.idx(),
                entry.uri(),
                list.token.list.len()
            ))
        })?;
        Ok((list, status))
    }
}

/// The trust-list name of the key scoped `status-list` whose signature holds on `token`.
fn signer_of(token: &StatusListToken, trust: &TrustList) -> Result<String> {
    let kid = <[u8; 8]>::try_from(token.kid.as_slice())
        .map(Kid)
        .map_err(|_| Error::status(format!("status list {}: kid must be 8 bytes", token.uri)))?;
    let mut refusal = None;
    let mut signed_by = None;
    for trusted in trust.lookup(kid) {
        if token.verify_signature(trusted.key()).is_err() {
            continue;
        }
        match trusted.refusal(Scope::StatusList, trusted.issuer().unwrap_or_default(), token.issued_at) {
            None => {
                signed_by = Some(trusted.name().to_owned());
                break;
            }
            Some(why) => refusal = Some(why),
        }
    }
    match (signed_by, refusal) {
        (Some(name), _) => Ok(name),
        (None, Some(why)) => Err(Error::status(format!("status list {}: key {kid} may not sign it: {why}", token.uri))),
        (None, None) => Err(Error::status(format!(
            "status list {}: no trusted key with kid {kid} verifies its signature",
            token.uri
        ))),
    }
}
