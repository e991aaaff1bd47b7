//! The EU Digital COVID Certificate: `HC1:` + base45 of zlib of a COSE_Sign1 read by RFC
//! 9052's rules (tagged or not, kid in the protected header or, only when absent there, the
//! unprotected one), ES256 or PS256, the certificate's key usage.

use chrono::{DateTime, Utc};

use super::{ExpiryRule, Format, Lifetime};
use crate::algorithm::Kid;
use crate::codec;
use crate::cose::{HeaderRules, Sign1};
use crate::error::{Error, KeyRefusal, Result};
use crate::limits::Limits;
use crate::model::dcc::{Dcc, DccClaims};
use crate::model::{Usability, Zone};
use crate::scope::Scope;
use crate::trust::TrustedKey;
use crate::verify::policy::{Answer, Policy};
use crate::verify::verified::Profile;
use crate::wire;

/// The `HC1:` format.
pub(crate) struct Hc1;

impl Format for Hc1 {
    const PROFILE: Profile = Profile::Hc1;
    // The EU DCC ecosystem signs with either S: both are its certificates.
    const LOW_S_ONLY: bool = false;
    // Valid in the `exp` second itself, as the EU DCC verifiers and test suite have it.
    const EXPIRY: ExpiryRule = ExpiryRule::Inclusive;
    type Document = Dcc;
    type Claims = DccClaims;

    fn unwrap_text(text: &str, limits: &Limits) -> Result<Vec<u8>> {
        codec::decode_hc1_text(text, limits)
    }

    fn envelope(bytes: &[u8]) -> Result<Sign1> {
        let opened = crate::cose::read_sign1(bytes, &HeaderRules::HC1, &[])?;
        let kid = <[u8; 8]>::try_from(opened.kid.as_slice())
            .map(Kid)
            .map_err(|_| Error::cose(format!("kid must be 8 bytes, found {}", opened.kid.len())))?;
        Ok(Sign1::new(opened.alg, kid, opened.to_be_signed, opened.payload_len, &opened.signature))
    }

    fn decode(payload: &[u8]) -> Result<(DccClaims, Dcc)> {
        wire::decode_hc1_payload(payload)
    }

    fn scope(_document: &Dcc) -> Scope {
        Scope::Dcc
    }

    fn issuer(claims: &DccClaims) -> &str {
        claims.issuer.as_deref().unwrap_or_default()
    }

    fn key_refusal(key: &TrustedKey, document: &Dcc) -> Option<KeyRefusal> {
        key.dcc_refusal(document.kind())
    }

    fn lifetime(claims: &DccClaims) -> Lifetime {
        Lifetime { issued_at: claims.issued_at, not_before: None, expires_at: claims.expires_at }
    }

    fn answer(policy: &Policy, _document: &Dcc, _now: DateTime<Utc>) -> Result<(Usability, Vec<Answer>)> {
        // The requirements are about docseal documents: asked of a DCC, they are not met.
        match policy.requirements.first() {
            Some(requirement) => Err(Error::Policy {
                requirement: requirement.to_string(),
                reason: "an EU DCC is not a docseal document".into(),
            }),
            None => Ok((Usability::Usable, Vec::new())),
        }
    }

    fn zone(_document: &Dcc) -> Zone {
        // A DCC carries no zone: its times are shown in UTC.
        Zone::UTC
    }
}
