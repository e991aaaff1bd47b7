//! The second profile: EU Digital COVID Certificates (`HC1:`), checked against the same
//! trust list, clock rules and limits as DS1.

use chrono::{DateTime, Utc};

use super::{Profile, Verified, Verifier, pick_signer};
use crate::algorithm::Kid;
use crate::codec;
use crate::cose::parse_sign1_generic;
use crate::error::{Error, Result};
use crate::model::Credential;
use crate::model::Usability;
use crate::model::dcc::{Dcc, DccClaims};
use crate::trust::Scope;
use crate::wire;

/// What any profile verifies to.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AnyVerified {
    /// A docseal credential (`DS1:`), boxed to keep the enum small.
    Ds1(Box<Verified<Credential>>),
    /// An EU DCC (`HC1:`), boxed as well.
    Hc1(Box<Verified<Dcc, DccClaims>>),
}

impl Verifier {
    /// Verifies `DS1:` or `HC1:` text, by its prefix.
    ///
    /// # Errors
    /// As [`Verifier::verify`] or [`Verifier::verify_hc1`].
    pub fn verify_any(&self, text: &str, now: DateTime<Utc>) -> Result<AnyVerified> {
        if text.starts_with(codec::HC1_PREFIX) {
            self.verify_hc1(text, now).map(|v| AnyVerified::Hc1(Box::new(v)))
        } else {
            self.verify(text, now).map(|v| AnyVerified::Ds1(Box::new(v)))
        }
    }

    /// Verifies many `DS1:` or `HC1:` texts at `now`: `DS1:` ones on the bulk path
    /// ([`Verifier::verify_many`]), anything else one by one with [`Verifier::verify_any`].
    /// The i-th result is what `verify_any` gives for the i-th text.
    pub fn verify_many_any<S: AsRef<str> + Sync>(&self, texts: &[S], now: DateTime<Utc>) -> Vec<Result<AnyVerified>> {
        self.verify_many(texts, now)
            .into_iter()
            .zip(texts)
            .map(|(result, text)| match result {
                // The bulk path reads DS1 only: a prefix refusal may be an HC1 text.
                Err(e) if e.kind() == crate::ErrorKind::Prefix => self.verify_any(text.as_ref(), now),
                other => other.map(|v| AnyVerified::Ds1(Box::new(v))),
            })
            .collect()
    }

    /// Verifies an EU DCC (`HC1:` text) at time `now`: zlib is required, the COSE_Sign1 is
    /// read by RFC 9052's rules (tagged or not, kid in the protected header or, only when
    /// absent there, the unprotected one), ES256 or PS256, then the certificate's key usage.
    /// Unlike DS1, a DCC is still valid in the `exp` second itself, as the EU DCC verifiers
    /// and test suite have it.
    ///
    /// # Errors
    /// The first check that fails, as for [`Verifier::verify`]; a DCC type the signer's
    /// certificate does not allow is [`Error::KeyScope`]; any [`Requirement`](super::Requirement)
    /// in the policy is [`Error::Policy`] (they are about docseal documents).
    pub fn verify_hc1(&self, text: &str, now: DateTime<Utc>) -> Result<Verified<Dcc, DccClaims>> {
        self.verify_hc1_cose(&codec::decode_hc1_text(text, &self.policy.limits)?, now)
    }

    /// Verifies the COSE_Sign1 inside an `HC1:` payload.
    ///
    /// # Errors
    /// As [`Verifier::verify_hc1`], from the COSE stage on.
    pub fn verify_hc1_cose(&self, cose: &[u8], now: DateTime<Utc>) -> Result<Verified<Dcc, DccClaims>> {
        self.check_trust_current(now)?;
        let parsed = parse_sign1_generic(cose, &[])?;
        if parsed.has_critical_headers {
            return Err(Error::cose("critical header parameters are not supported"));
        }
        let kid = <[u8; 8]>::try_from(parsed.kid.as_slice())
            .map(Kid)
            .map_err(|_| Error::cose(format!("kid must be 8 bytes, found {}", parsed.kid.len())))?;
        let candidates = self.candidates(Profile::Hc1, kid, parsed.alg)?;
        let signers = super::signed_by(&candidates, &parsed.to_be_signed, &parsed.signature);
        if signers.is_empty() {
            return Err(Error::Signature);
        }
        let (claims, dcc) = wire::decode_hc1_payload(&parsed.payload)?;
        let kind = dcc.kind();
        let trusted = pick_signer(&signers, |key| {
            key.refusal(Scope::Dcc, claims.issuer.as_deref().unwrap_or_default(), claims.issued_at)
                .or_else(|| key.dcc_refusal(kind))
        })?;
        self.check_time_with(claims.issued_at, None, claims.expires_at, super::ExpiryRule::Inclusive, now)?;
        if let Some(requirement) = self.policy.requirements.first() {
            return Err(Error::Policy {
                requirement: requirement.to_string(),
                reason: "an EU DCC is not a docseal document".into(),
            });
        }
        Ok(Verified {
            issued_at: claims.issued_at,
            expires_at: claims.expires_at,
            claims,
            credential: dcc,
            kid,
            algorithm: trusted.key.algorithm(),
            trusted_name: std::sync::Arc::clone(&trusted.name),
            profile: Profile::Hc1,
            usability: Usability::Usable,
            answers: Vec::new(),
            status: super::StatusSeen::NotListed,
            verified_at: now.timestamp(),
            max_age: self.policy.max_age,
            scope: Scope::Dcc,
            // A DCC carries no zone: its times are shown in UTC.
            zone: crate::model::Zone::UTC,
        })
    }
}

/// What an `HC1:` payload says about itself, **unverified**: for display and debugging only.
#[derive(Debug, Clone, PartialEq)]
pub struct InspectedHc1 {
    /// The `alg` value, if any.
    pub alg: Option<i64>,
    /// The kid bytes as found (protected header, else unprotected), of any length.
    pub kid: Vec<u8>,
    /// The claims as written.
    pub claims: DccClaims,
    /// The certificate as written.
    pub certificate: Dcc,
}

/// What any profile decodes to, unverified.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AnyInspected {
    /// A docseal credential (`DS1:`).
    Ds1(Box<super::Inspected>),
    /// An EU DCC (`HC1:`).
    Hc1(Box<InspectedHc1>),
}

/// Decodes `DS1:` or `HC1:` text, by its prefix, without checking the signature or times:
/// the same decoding stages as [`Verifier::verify_any`], stopping before the trust list.
///
/// # Errors
/// As [`Verifier::verify_any`] for the decoding stages.
///
/// # Examples
/// ```
/// # use docseal::{Algorithm, Issuer, SigningKey};
/// # let issuer = Issuer::new(SigningKey::generate(Algorithm::EdDsa)?, "Beijing TMB")?;
/// # let issued = issuer.issue(&docseal::samples::licence().into(), "2026-11-21T09:00:00Z".parse()?)?;
/// use docseal::verify::{AnyInspected, inspect_any};
/// let AnyInspected::Ds1(seen) = inspect_any(&issued.text, &docseal::Limits::default())? else {
///     return Err("a DS1 payload".into());
/// };
/// assert_eq!(seen.claims.issuer, "Beijing TMB");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn inspect_any(text: &str, limits: &crate::limits::Limits) -> Result<AnyInspected> {
    if !text.starts_with(codec::HC1_PREFIX) {
        return super::inspect(text, limits).map(|i| AnyInspected::Ds1(Box::new(i)));
    }
    let parsed = parse_sign1_generic(&codec::decode_hc1_text(text, limits)?, &[])?;
    let (claims, certificate) = wire::decode_hc1_payload(&parsed.payload)?;
    Ok(AnyInspected::Hc1(Box::new(InspectedHc1 { alg: parsed.alg, kid: parsed.kid, claims, certificate })))
}
