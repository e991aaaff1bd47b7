//! Offline verification: one straight pass from QR text to a [`Verified`] credential.
//!
//! text → prefix → base45 → inflate → COSE_Sign1 → `alg`/`kid` → trust lookup → signature
//! over the received bytes → CWT claims → document and its rules → time window and freshness
//! → the relying party's requirements.

mod checks;
#[cfg(feature = "hc1")]
mod hc1;
mod policy;
mod verified;

use std::sync::Arc;

use chrono::{DateTime, Utc};

pub use crate::limits::Limits;
pub use checks::{Answer, Check, CheckKind};
#[cfg(feature = "hc1")]
pub use hc1::{AnyInspected, AnyVerified, InspectedHc1, inspect_any};
pub use policy::{Policy, Requirement};
pub use verified::{Profile, StatusSeen, Verified};

use crate::algorithm::{Algorithm, Kid};
use crate::codec;
use crate::cose::parse_sign1;
use crate::error::{Error, KeyRefusal, Result};
use crate::model::Credential;
use crate::status::{Status, StatusLists};
use crate::time::timestamp;
use crate::trust::{Scope, TrustList, TrustedKey};
use crate::wire::{self, Claims, StatusRef};

/// Verifies credentials against a trust list under a policy. The caller passes the time:
/// the library has no clock.
///
/// # Examples
/// ```
/// # use docseal::{Algorithm, Issuer, SigningKey, TrustList, TrustedKey, Verifier};
/// # let key = SigningKey::generate(Algorithm::EdDsa)?;
/// # let mut trust = TrustList::new();
/// # trust.add(TrustedKey::new("Beijing TMB", key.verifying_key()));
/// # let issuer = Issuer::new(key, "Beijing TMB")?;
/// # let issued = issuer.issue(&docseal::samples::licence().into(), "2026-11-21T09:00:00Z".parse()?)?;
/// use docseal::{Policy, Requirement};
/// let policy = Policy::default().require(Requirement::VehicleClass("C1".into()));
/// let verifier = Verifier::new(trust).with_policy(policy);
/// let verified = verifier.verify(&issued.text, "2026-11-21T09:01:00Z".parse()?)?;
/// assert_eq!(verified.trusted_name(), "Beijing TMB");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Verifier {
    trust: TrustList,
    policy: Policy,
    /// Shared: a national list is tens of megabytes, and verifiers are cloned per thread.
    status: Arc<StatusLists>,
}

impl Verifier {
    /// A verifier with the default [`Policy`].
    #[must_use]
    pub fn new(trust: TrustList) -> Self {
        Self { trust, policy: Policy::default(), status: Arc::new(StatusLists::new()) }
    }

    /// Checks credentials that name a status list against these lists (each already
    /// verified against a trust list when added).
    #[must_use]
    pub fn with_status_lists(mut self, lists: StatusLists) -> Self {
        self.status = Arc::new(lists);
        self
    }

    /// The status lists in use.
    #[must_use]
    pub fn status_lists(&self) -> &StatusLists {
        &self.status
    }

    /// Replaces the policy.
    #[must_use]
    pub fn with_policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// The policy in force.
    #[must_use]
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The trust list.
    #[must_use]
    pub fn trust_list(&self) -> &TrustList {
        &self.trust
    }

    /// Verifies QR text (`DS1:…`) at time `now`.
    ///
    /// # Errors
    /// The first check that fails, as an [`Error`] whose [`Error::kind`] names the stage.
    pub fn verify(&self, text: &str, now: DateTime<Utc>) -> Result<Verified<Credential>> {
        let pending = self.prepare(text)?;
        let signers = pending.verify_each();
        self.finish(pending.parsed, signers, now)
    }

    /// Verifies a tagged COSE_Sign1 (the bytes inside the QR text) at time `now`.
    ///
    /// # Errors
    /// As [`Verifier::verify`], from the COSE stage on.
    pub fn verify_cose(&self, cose: &[u8], now: DateTime<Utc>) -> Result<Verified<Credential>> {
        let pending = self.prepare_cose(cose)?;
        let signers = pending.verify_each();
        self.finish(pending.parsed, signers, now)
    }

    /// Everything before the signature: text to COSE, headers, trust lookup, `alg` check.
    pub(crate) fn prepare(&self, text: &str) -> Result<Pending<'_>> {
        self.prepare_cose(&codec::decode_text(text, &self.policy.limits)?)
    }

    fn prepare_cose(&self, cose: &[u8]) -> Result<Pending<'_>> {
        let parsed = crate::cose::parse_sign1_parts(cose)?;
        let candidates = self.candidates(Profile::Ds1, parsed.kid, parsed.alg)?;
        Ok(Pending { parsed, candidates })
    }

    /// The trusted keys under `kid` whose algorithm matches the header. Refuses a missing or
    /// mismatched `alg` before any signature check.
    fn candidates(&self, profile: Profile, kid: Kid, alg: Option<i64>) -> Result<Vec<&TrustedKey>> {
        let count = self.trust.count(kid);
        if count == 0 {
            return Err(Error::UnknownKid { kid });
        }
        let max = self.policy.limits.max_keys_per_kid;
        if count > max {
            return Err(Error::Limit {
                limit: crate::error::LimitKind::KeysPerKid,
                max: max as u64,
                actual: count as u64,
            });
        }
        let header_alg = alg.and_then(Algorithm::from_cose_id).filter(|a| profile.algorithms().contains(a));
        let matching: Vec<&TrustedKey> =
            self.trust.lookup(kid).filter(|k| Some(k.key.algorithm()) == header_alg).collect();
        if matching.is_empty() {
            #[allow(clippy::expect_used)]
            // safe: `count` above is at least 1, so the kid has a key.
            let key = self.trust.lookup(kid).next().expect("the kid has a trusted key").key.algorithm();
            let header = match (alg, alg.and_then(Algorithm::from_cose_id)) {
                (None, _) => "none".to_owned(),
                (Some(_), Some(a)) if header_alg.is_none() => {
                    format!("{a} (not allowed in the {} profile)", profile.name())
                }
                (Some(_), Some(a)) => a.to_string(),
                (Some(id), None) => format!("unsupported alg {id}"),
            };
            return Err(Error::Algorithm { header, key, kid });
        }
        Ok(matching)
    }

    /// Everything after the signature: claims, document rules, key scope, times, requirements.
    pub(crate) fn finish(
        &self,
        parsed: crate::cose::Sign1,
        signers: Vec<&TrustedKey>,
        now: DateTime<Utc>,
    ) -> Result<Verified<Credential>> {
        self.check_trust_current(now)?;
        // No claim of an unsigned payload is read: a failed signature is refused first.
        if signers.is_empty() {
            return Err(Error::Signature);
        }
        let (claims, credential) = wire::decode_payload(parsed.payload())?;
        let scope = Scope::Document(credential.document_type());
        let trusted = pick_signer(&signers, |key| key.refusal(scope, &claims.issuer, claims.issued_at))?;
        self.check_time(claims.issued_at, claims.not_before, claims.expires_at, now)?;
        // The document's own end is exact: the clock skew forgives a copy's lifetime, not the
        // last day the authority gave the document.
        if let Some(end) = credential.validity_end()
            && now.timestamp() >= end
        {
            return Err(Error::Expired { now, expired_at: timestamp(end) });
        }
        let status = self.check_status(claims.status.as_ref(), &claims.issuer, now)?;
        let (usability, answers) = self.policy.answer(&credential, now)?;
        let zone = credential.zone();
        Ok(Verified {
            credential,
            issued_at: claims.issued_at,
            expires_at: claims.expires_at,
            claims,
            kid: parsed.kid,
            algorithm: trusted.key.algorithm(),
            trusted_name: std::sync::Arc::clone(&trusted.name),
            profile: Profile::Ds1,
            usability,
            answers,
            status,
            verified_at: now.timestamp(),
            max_age: self.policy.max_age,
            scope,
            zone,
        })
    }

    /// A signed trust list past its `next_update` decides nothing, unless the policy says so.
    pub(crate) fn check_trust_current(&self, now: DateTime<Utc>) -> Result<()> {
        match self.trust.next_update() {
            Some(next_update) if now >= next_update && !self.policy.accept_overdue_trust => {
                Err(Error::TrustListOverdue { next_update, now })
            }
            _ => Ok(()),
        }
    }

    /// The credential's status, after its own checks: an expired credential stays expired.
    /// Only a list signed for the credential's own issuer counts.
    fn check_status(&self, entry: Option<&StatusRef>, issuer: &str, now: DateTime<Utc>) -> Result<StatusSeen> {
        let Some(entry) = entry else { return Ok(StatusSeen::NotListed) };
        if !self.policy.status_required && self.status.get_for(entry.uri(), issuer).is_none() {
            return Ok(StatusSeen::Unchecked);
        }
        let (list, status) =
            self.status.status_at(entry, issuer, now, self.policy.clock_skew, self.policy.max_status_age)?;
        let (uri, idx) = (entry.uri().to_owned(), entry.idx());
        match status {
            Status::Valid => {
                Ok(StatusSeen::Valid { list_issued_at: list.issued_at().timestamp(), signer: list.signer_name() })
            }
            Status::Invalid => Err(Error::Revoked { uri, idx }),
            Status::Suspended => Err(Error::Suspended { uri, idx }),
            Status::Used => Err(Error::Used { uri, idx }),
            other => Err(Error::status(format!("entry {idx} of status list {uri} holds {other}, unknown to docseal"))),
        }
    }

    fn check_time(&self, issued_at: i64, not_before: Option<i64>, expires_at: i64, now: DateTime<Utc>) -> Result<()> {
        self.check_time_with(issued_at, not_before, expires_at, ExpiryRule::Rfc7519, now)
    }

    fn check_time_with(
        &self,
        issued_at: i64,
        not_before: Option<i64>,
        expires_at: i64,
        expiry: ExpiryRule,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let now_s = now.timestamp();
        let skew = i64::try_from(self.policy.clock_skew.as_secs()).unwrap_or(i64::MAX);
        // `nbf` when given, else `iat`: a copy generated in the future is not valid yet.
        let start = not_before.map_or(issued_at, |nbf| nbf.max(issued_at));
        if now_s.saturating_add(skew) < start {
            return Err(Error::NotYetValid { now, not_before: timestamp(start.saturating_sub(skew)) });
        }
        let expired = match expiry {
            ExpiryRule::Rfc7519 => now_s.saturating_sub(skew) >= expires_at,
            ExpiryRule::Inclusive => now_s.saturating_sub(skew) > expires_at,
        };
        if expired {
            return Err(Error::Expired { now, expired_at: timestamp(expires_at) });
        }
        if let Some(max_age) = self.policy.max_age {
            let max_age_secs = max_age.as_secs();
            let age = now_s.saturating_sub(issued_at);
            if age > i64::try_from(max_age_secs).unwrap_or(i64::MAX) {
                return Err(Error::Stale { issued_at: timestamp(issued_at), now, max_age_secs });
            }
        }
        Ok(())
    }
}

/// When `exp` itself stops being valid.
#[derive(Debug, Clone, Copy)]
enum ExpiryRule {
    /// RFC 7519 section 4.1.4: the time must be before `exp` (DS1).
    Rfc7519,
    /// Valid through the `exp` second, as the EU DCC verifiers and test suite treat it.
    #[cfg_attr(not(feature = "hc1"), allow(dead_code))]
    Inclusive,
}

/// A parsed credential whose signature has not been checked yet, with the trusted keys
/// that may have made it.
pub(crate) struct Pending<'v> {
    pub(crate) parsed: crate::cose::Sign1,
    pub(crate) candidates: Vec<&'v TrustedKey>,
}

impl<'v> Pending<'v> {
    /// The candidates whose signature check holds (Ed25519 by the rule of `cose::ed25519`).
    pub(crate) fn verify_each(&self) -> Vec<&'v TrustedKey> {
        let (tbs, sig) = (self.parsed.to_be_signed(), self.parsed.signature());
        // One credential, one signature: ECDSA also accepts (r, n - s); the DS1 signature rule
        // takes only the low S its issuers write, so the signature identifies the credential.
        if self.parsed.alg == Some(Algorithm::Es256.cose_id()) && !crate::cose::is_low_s(sig) {
            return Vec::new();
        }
        signed_by(&self.candidates, tbs, sig)
    }
}

/// The candidates whose key verifies `signature` over `to_be_signed`: the signature stage
/// both profiles share.
pub(crate) fn signed_by<'v>(
    candidates: &[&'v TrustedKey],
    to_be_signed: &[u8],
    signature: &[u8],
) -> Vec<&'v TrustedKey> {
    candidates.iter().copied().filter(|k| k.key.verify(to_be_signed, signature).is_ok()).collect()
}

/// What a payload says about itself, **unverified**: for display and debugging only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspected {
    /// The wire profile.
    pub profile: Profile,
    /// The protected `alg` value, if any.
    pub alg: Option<i64>,
    /// The protected `kid`.
    pub kid: Kid,
    /// The claims as written.
    pub claims: Claims,
    /// The document as written (its own rules are checked, its signature is not).
    pub credential: Credential,
}

/// Decodes a payload without checking its signature or times.
///
/// # Errors
/// As [`Verifier::verify`] for the decoding stages.
pub fn inspect(text: &str, limits: &Limits) -> Result<Inspected> {
    let cose = codec::decode_text(text, limits)?;
    let parsed = parse_sign1(&cose)?;
    let (claims, credential) = wire::decode_payload(&parsed.payload)?;
    Ok(Inspected { profile: Profile::Ds1, alg: parsed.alg, kid: parsed.kid, claims, credential })
}

/// The first signer allowed to sign this credential, or the first signer's reason it is not.
/// No signer at all means no signature held.
fn pick_signer<'a>(
    signers: &[&'a TrustedKey],
    refusal: impl Fn(&TrustedKey) -> Option<KeyRefusal>,
) -> Result<&'a TrustedKey> {
    let (first, rest) = signers.split_first().ok_or(Error::Signature)?;
    let Some(first_refusal) = refusal(first) else { return Ok(first) };
    rest.iter()
        .copied()
        .find(|key| refusal(key).is_none())
        .ok_or(Error::KeyScope { kid: first.key.kid(), reason: first_refusal })
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_status;
