//! Offline verification: one straight pass from QR text to a [`Verified`] credential.
//!
//! text → prefix → base45 → inflate → COSE_Sign1 → `alg`/`kid` → trust lookup → signature
//! over the received bytes → CWT claims → document and its rules → time window and freshness
//! → the relying party's requirements.

mod checks;
mod format;
#[cfg(feature = "hc1")]
mod hc1;
mod pipeline;
mod policy;
mod verified;

use std::sync::Arc;

use chrono::{DateTime, Utc};

pub use crate::limits::Limits;
pub use checks::{Check, CheckKind};
#[cfg(feature = "hc1")]
pub use hc1::{AnyInspected, InspectedHc1, inspect_any};
pub(crate) use pipeline::Pending;
pub use policy::{Answer, Policy, Requirement};
pub use verified::{AnyVerified, Profile, StatusSeen, Verified};

use crate::algorithm::Kid;
use crate::codec;
use crate::cose::parse_sign1;
use crate::error::Result;
use crate::model::Credential;
use crate::status::StatusLists;
use crate::trust::TrustList;
use crate::wire::{self, Claims};
use format::{Ds1, Format as _};

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
    /// The first check that fails, as an [`Error`](crate::Error) whose [`Error::kind`](crate::Error::kind) names the stage.
    pub fn verify(&self, text: &str, now: DateTime<Utc>) -> Result<Verified<Credential>> {
        let pending = self.prepare::<Ds1>(text)?;
        let signers = pending.verify_each();
        self.finish::<Ds1>(pending.parsed, signers, now)
    }

    /// Verifies a tagged COSE_Sign1 (the bytes inside the QR text) at time `now`.
    ///
    /// # Errors
    /// As [`Verifier::verify`], from the COSE stage on.
    pub fn verify_cose(&self, cose: &[u8], now: DateTime<Utc>) -> Result<Verified<Credential>> {
        let pending = self.resolve::<Ds1>(Ds1::envelope(cose)?)?;
        let signers = pending.verify_each();
        self.finish::<Ds1>(pending.parsed, signers, now)
    }

    /// Verifies text of any profile this build reads (`DS1:`, and `HC1:` with the `hc1`
    /// feature), detected by its prefix.
    ///
    /// # Errors
    /// As [`Verifier::verify`].
    pub fn verify_any(&self, text: &str, now: DateTime<Utc>) -> Result<AnyVerified> {
        let pending = self.prepare_any(text)?;
        let signers = pending.verify_each();
        self.finish_any(pending, signers, now)
    }
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

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_status;
