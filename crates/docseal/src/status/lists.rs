//! The status lists a relying party loaded while online, checked offline at each
//! verification.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::list::{Status, StatusList};
use super::token::StatusListToken;
use crate::algorithm::Kid;
use crate::error::{Error, Result, StatusProblem};
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
    /// The signer's bound `iss`: the list counts for that issuer's credentials only. `None`
    /// only in a trust list with a single document authority.
    authority: Option<Arc<str>>,
    /// Another token with the same `iat` and different entries was offered: neither decides.
    conflict: bool,
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

    /// The issuer (`iss`) whose credentials this list decides, from its signer's trust
    /// entry; `None` when the signer binds none (accepted only in a trust list with a single
    /// document authority).
    #[must_use]
    pub fn authority(&self) -> Option<&str> {
        self.authority.as_deref()
    }

    /// The signer's name, shared (each verification that consults the list names it).
    pub(crate) fn signer_name(&self) -> Arc<str> {
        Arc::clone(&self.trusted_name)
    }

    /// Same list, same time, same entries: a second copy of one token, not a conflict.
    fn same_content(&self, other: &Self) -> bool {
        self.token.list == other.token.list
            && self.token.expires_at == other.token.expires_at
            && self.token.ttl == other.token.ttl
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
    /// Per URI, one list per authority: another authority's token for the same URI never
    /// replaces this one's.
    by_uri: HashMap<String, Vec<VerifiedStatusList>>,
}

impl StatusLists {
    /// No lists.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Decodes `token`, checks its signature against a key of `trust` scoped `status-list`
    /// and adds it. Per URI and authority (the signer's bound `iss`), a newer token (later
    /// `iat`) replaces an older one and an older one is ignored; a different token with the
    /// same `iat` is a conflict.
    ///
    /// # Errors
    /// [`Error::Status`] for a malformed token, an unknown kid, a key not trusted for status
    /// lists (or outside its window), a failed signature, a signer that binds no `iss` in a
    /// trust list with several document authorities; [`Error::Limit`] for an oversized list.
    /// A conflict is kept as such ([`StatusLists::conflicts`]) and refuses the credentials it
    /// would decide.
    pub fn add(&mut self, token: &[u8], trust: &TrustList, limits: &Limits) -> Result<&VerifiedStatusList> {
        let (token, (trusted_name, authority)) =
            StatusListToken::decode_checked(token, limits, |token| signer_of(token, trust))?;
        if authority.is_none() && !trust.has_single_document_authority() {
            return Err(Error::status(format!(
                "status list {}: its signer {trusted_name:?} binds no \"iss\", and the trust list has several \
                 document authorities; add \"iss\" to that key's trust entry so the list decides only its \
                 issuer's credentials",
                token.uri
            )));
        }
        let verified = VerifiedStatusList {
            token,
            trusted_name: trusted_name.into(),
            authority: authority.map(Into::into),
            conflict: false,
        };
        // Moved, never cloned: a national list is tens of megabytes.
        let lists = self.by_uri.entry(verified.token.uri.clone()).or_default();
        let at = match lists.iter().position(|l| l.authority == verified.authority) {
            None => {
                lists.push(verified);
                lists.len() - 1
            }
            Some(at) => {
                let kept = &mut lists[at];
                // Marked, not refused here, so the outcome does not hang on the order the
                // tokens came in: a newer token still replaces both.
                if verified.token.issued_at == kept.token.issued_at && !verified.same_content(kept) {
                    kept.conflict = true;
                }
                if verified.token.issued_at > kept.token.issued_at {
                    *kept = verified;
                }
                at
            }
        };
        Ok(&lists[at])
    }

    /// The list at `uri` that decides `issuer`'s credentials: the one its authority signed,
    /// else one whose signer binds no `iss`.
    #[must_use]
    pub fn get_for(&self, uri: &str, issuer: &str) -> Option<&VerifiedStatusList> {
        let lists = self.by_uri.get(uri)?;
        lists
            .iter()
            .find(|l| l.authority.as_deref() == Some(issuer))
            .or_else(|| lists.iter().find(|l| l.authority.is_none()))
    }

    /// The lists for which two different tokens carry the newest time: a desk refuses such
    /// a set at load, and a verification that needs one is refused as `status`.
    pub fn conflicts(&self) -> impl Iterator<Item = &VerifiedStatusList> {
        self.iter().filter(|l| l.conflict)
    }

    /// A list at `uri`, whichever authority signed it (for display; a verification asks
    /// [`StatusLists::get_for`]).
    #[must_use]
    pub fn get(&self, uri: &str) -> Option<&VerifiedStatusList> {
        self.by_uri.get(uri).and_then(|lists| lists.first())
    }

    /// How many lists.
    #[must_use]
    pub fn len(&self) -> usize {
        self.by_uri.values().map(Vec::len).sum()
    }

    /// No list at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.by_uri.is_empty()
    }

    /// Every list, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &VerifiedStatusList> {
        self.by_uri.values().flatten()
    }

    /// The status of `entry` of a credential from `issuer` at `now`: the list that decides
    /// that issuer's credentials ([`StatusLists::get_for`]) must be present, fresh (before its `exp`,
    /// not generated after `now` beyond `skew`, at most `max_age` old when given) and long
    /// enough. Returns the list and its entry.
    ///
    /// # Errors
    /// [`Error::StatusUndecided`] naming why the status cannot be decided.
    pub fn status_at(
        &self,
        entry: &StatusRef,
        issuer: &str,
        now: DateTime<Utc>,
        skew: Duration,
        max_age: Option<Duration>,
    ) -> Result<(&VerifiedStatusList, Status)> {
        let uri = || entry.uri().to_owned();
        let undecided = |problem| Err(Error::StatusUndecided(problem));
        let Some(list) = self.get_for(entry.uri(), issuer) else {
            return undecided(match self.get(entry.uri()) {
                Some(other) => StatusProblem::OtherAuthority {
                    uri: uri(),
                    issuer: issuer.to_owned(),
                    signed_for: other.authority().unwrap_or(other.trusted_name()).to_owned(),
                },
                None => StatusProblem::NoList { uri: uri() },
            });
        };
        let issued_at = timestamp(list.token.issued_at);
        if list.conflict {
            return undecided(StatusProblem::Conflict { uri: uri(), issued_at });
        }
        let now_s = now.timestamp();
        let skew = i64::try_from(skew.as_secs()).unwrap_or(i64::MAX);
        if list.token.issued_at > now_s.saturating_add(skew) {
            return undecided(StatusProblem::DatedAfterVerification { uri: uri(), issued_at });
        }
        if let Some(exp) = list.token.expires_at
            && now_s >= exp.saturating_add(skew)
        {
            return undecided(StatusProblem::ListExpired { uri: uri(), expired_at: timestamp(exp) });
        }
        if let Some(max_age) = max_age {
            let age_secs = now_s.saturating_sub(list.token.issued_at);
            if age_secs > i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX) {
                return undecided(StatusProblem::ListTooOld { uri: uri(), age_secs, max_age_secs: max_age.as_secs() });
            }
        }
        let Some(status) = list.token.list.get(entry.idx()) else {
            return undecided(StatusProblem::IndexPastEnd { uri: uri(), idx: entry.idx(), len: list.token.list.len() });
        };
        Ok((list, status))
    }
}

/// The trust-list name and bound `iss` of the key scoped `status-list` whose signature
/// holds on `token`.
fn signer_of(token: &StatusListToken, trust: &TrustList) -> Result<(String, Option<String>)> {
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
                signed_by = Some((trusted.name().to_owned(), trusted.issuer().map(str::to_owned)));
                break;
            }
            Some(why) => refusal = Some(why),
        }
    }
    match (signed_by, refusal) {
        (Some(signer), _) => Ok(signer),
        (None, Some(why)) => Err(Error::status(format!("status list {}: key {kid} may not sign it: {why}", token.uri))),
        (None, None) => Err(Error::status(format!(
            "status list {}: no trusted key with kid {kid} verifies its signature",
            token.uri
        ))),
    }
}
