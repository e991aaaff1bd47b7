//! The one stage sequence every format goes through, single or bulk:
//!
//! detect -> open the envelope -> resolve keys -> signature -> claims and document ->
//! (disclosure and holder binding: no format has them yet) -> key scope -> time -> status ->
//! requirements -> [`Verified`].
//!
//! A [`Format`] says how its text opens and its payload decodes, and which rules are its
//! own; the order of the stages, and the answer, are here and nowhere else. Dispatch on the
//! format happens once, in [`Verifier::prepare_any`]; every stage after it is generic.

use chrono::{DateTime, Utc};

use super::Verifier;
#[cfg(feature = "hc1")]
use super::format::Hc1;
use super::format::{Ds1, ExpiryRule, Format, Lifetime};
use super::verified::{AnyVerified, Profile, StatusSeen, Verified};
use crate::algorithm::{Algorithm, Kid};
#[cfg(feature = "hc1")]
use crate::codec;
use crate::cose::Sign1;
use crate::error::{Error, KeyRefusal, LimitKind, Result, StatusProblem};
use crate::status::Status;
use crate::time::timestamp;
use crate::trust::TrustedKey;
use crate::wire::StatusRef;

/// A credential opened and its keys resolved, its signature not checked yet.
pub(crate) struct Pending<'v> {
    pub(crate) parsed: Sign1,
    pub(crate) candidates: Vec<&'v TrustedKey>,
    pub(crate) profile: Profile,
    low_s_only: bool,
}

impl<'v> Pending<'v> {
    /// The candidates whose signature check holds (Ed25519 by the rule of `cose::ed25519`).
    pub(crate) fn verify_each(&self) -> Vec<&'v TrustedKey> {
        let (tbs, sig) = (self.parsed.to_be_signed(), self.parsed.signature());
        // One credential, one signature: ECDSA also accepts (r, n - s); where the format
        // takes only the low S its issuers write, the signature identifies the credential.
        if self.low_s_only && self.parsed.alg == Some(Algorithm::Es256.cose_id()) && !crate::cose::is_low_s(sig) {
            return Vec::new();
        }
        self.candidates.iter().copied().filter(|k| k.key.verify(tbs, sig).is_ok()).collect()
    }
}

impl Verifier {
    /// detect: the format of `text`, by its prefix, then its stages up to the signature.
    pub(crate) fn prepare_any(&self, text: &str) -> Result<Pending<'_>> {
        #[cfg(feature = "hc1")]
        if text.starts_with(codec::HC1_PREFIX) {
            return self.prepare::<Hc1>(text);
        }
        self.prepare::<Ds1>(text)
    }

    /// open and resolve keys: the envelope, and the trusted keys under its kid whose
    /// algorithm is the header's (a missing or mismatched `alg` is refused before any
    /// signature check).
    pub(crate) fn prepare<F: Format>(&self, text: &str) -> Result<Pending<'_>> {
        self.resolve::<F>(F::open(text, &self.policy.limits)?)
    }

    /// resolve keys for an envelope already opened.
    pub(crate) fn resolve<F: Format>(&self, parsed: Sign1) -> Result<Pending<'_>> {
        let candidates = self.candidates(F::PROFILE, parsed.kid, parsed.alg)?;
        Ok(Pending { parsed, candidates, profile: F::PROFILE, low_s_only: F::LOW_S_ONLY })
    }

    /// The trusted keys under `kid` whose algorithm matches the header.
    fn candidates(&self, profile: Profile, kid: Kid, alg: Option<i64>) -> Result<Vec<&TrustedKey>> {
        let count = self.trust.count(kid);
        if count == 0 {
            return Err(Error::UnknownKid { kid });
        }
        let max = self.policy.limits.max_keys_per_kid;
        if count > max {
            return Err(Error::Limit { limit: LimitKind::KeysPerKid, max: max as u64, actual: count as u64 });
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

    /// Every stage after the signature, for the format `pending` was opened as.
    pub(crate) fn finish_any(
        &self,
        pending: Pending<'_>,
        signers: Vec<&TrustedKey>,
        now: DateTime<Utc>,
    ) -> Result<AnyVerified> {
        match pending.profile {
            Profile::Ds1 => self.finish::<Ds1>(pending.parsed, signers, now).map(AnyVerified::Ds1),
            #[cfg(feature = "hc1")]
            Profile::Hc1 => self.finish::<Hc1>(pending.parsed, signers, now).map(AnyVerified::Hc1),
            #[cfg(not(feature = "hc1"))]
            Profile::Hc1 => Err(Error::Prefix { expected: "`DS1:`", found: "HC1:".into() }),
        }
    }

    /// claims and document -> key scope -> time -> status -> requirements -> `Verified`,
    /// given the keys whose signature held (none: refused as `signature`).
    pub(crate) fn finish<F: Format>(
        &self,
        parsed: Sign1,
        signers: Vec<&TrustedKey>,
        now: DateTime<Utc>,
    ) -> Result<Verified<F::Document, F::Claims>> {
        self.check_trust_current(now)?;
        // No claim of an unsigned payload is read: a failed signature is refused first.
        if signers.is_empty() {
            return Err(Error::Signature);
        }
        let (claims, document) = F::decode(parsed.payload())?;
        // disclosure and holder binding: the stage no format has yet goes here.
        let scope = F::scope(&document);
        let lifetime = F::lifetime(&claims);
        let trusted = pick_signer(&signers, |key| {
            key.refusal(scope, F::issuer(&claims), lifetime.issued_at).or_else(|| F::key_refusal(key, &document))
        })?;
        self.check_time(lifetime, F::EXPIRY, now)?;
        // The document's own end is exact: the clock skew forgives a copy's lifetime, not the
        // last day the authority gave the document.
        if let Some(end) = F::validity_end(&document)
            && now.timestamp() >= end
        {
            return Err(Error::Expired { now, expired_at: timestamp(end) });
        }
        let status = self.check_status(F::status(&claims), F::issuer(&claims), now)?;
        let (usability, answers) = F::answer(&self.policy, &document, now)?;
        let zone = F::zone(&document);
        Ok(Verified {
            credential: document,
            issued_at: lifetime.issued_at,
            expires_at: lifetime.expires_at,
            claims,
            kid: parsed.kid,
            algorithm: trusted.key.algorithm(),
            trusted_name: std::sync::Arc::clone(&trusted.name),
            profile: F::PROFILE,
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
            other => Err(Error::StatusUndecided(StatusProblem::UnknownValue { uri, idx, value: other.value() })),
        }
    }

    fn check_time(&self, lifetime: Lifetime, expiry: ExpiryRule, now: DateTime<Utc>) -> Result<()> {
        let Lifetime { issued_at, not_before, expires_at } = lifetime;
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
