//! The second profile: EU Digital COVID Certificates (`HC1:`), checked against the same
//! trust list, clock rules and limits as DS1.

use chrono::{DateTime, Utc};

use super::format::{Format as _, Hc1};
use super::{Verified, Verifier};
use crate::codec;
use crate::cose::parse_sign1_generic;
use crate::error::Result;
use crate::model::dcc::{Dcc, DccClaims};
use crate::wire;

impl Verifier {
    /// Verifies an EU DCC (`HC1:` text) at time `now`: zlib is required, the COSE_Sign1 is
    /// read by RFC 9052's rules (tagged or not, kid in the protected header or, only when
    /// absent there, the unprotected one), ES256 or PS256, then the certificate's key usage.
    /// Unlike DS1, a DCC is still valid in the `exp` second itself, as the EU DCC verifiers
    /// and test suite have it.
    ///
    /// # Errors
    /// The first check that fails, as for [`Verifier::verify`]; a DCC type the signer's
    /// certificate does not allow is [`Error::KeyScope`](crate::Error::KeyScope); any
    /// [`Requirement`](super::Requirement) in the policy is [`Error::Policy`](crate::Error::Policy)
    /// (they are about docseal documents).
    pub fn verify_hc1(&self, text: &str, now: DateTime<Utc>) -> Result<Verified<Dcc, DccClaims>> {
        let pending = self.prepare::<Hc1>(text)?;
        let signers = pending.verify_each();
        self.finish::<Hc1>(pending.parsed, signers, now)
    }

    /// Verifies the COSE_Sign1 inside an `HC1:` payload.
    ///
    /// # Errors
    /// As [`Verifier::verify_hc1`], from the COSE stage on.
    pub fn verify_hc1_cose(&self, cose: &[u8], now: DateTime<Utc>) -> Result<Verified<Dcc, DccClaims>> {
        let pending = self.resolve::<Hc1>(Hc1::envelope(cose)?)?;
        let signers = pending.verify_each();
        self.finish::<Hc1>(pending.parsed, signers, now)
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
