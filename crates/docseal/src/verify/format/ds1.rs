//! docseal's own format: `DS1:` + base45 of (zlib of) a canonical COSE_Sign1 over CWT claims.

use chrono::{DateTime, Utc};

use super::{ExpiryRule, Format, Lifetime};
use crate::codec;
use crate::cose::Sign1;
use crate::error::Result;
use crate::limits::Limits;
use crate::model::{Credential, Usability, Zone};
use crate::scope::Scope;
use crate::verify::policy::{Answer, Policy};
use crate::verify::verified::Profile;
use crate::wire::{self, Claims, StatusRef};

/// The `DS1:` format.
pub(crate) struct Ds1;

impl Format for Ds1 {
    const PROFILE: Profile = Profile::Ds1;
    const LOW_S_ONLY: bool = true;
    const EXPIRY: ExpiryRule = ExpiryRule::Rfc7519;
    type Document = Credential;
    type Claims = Claims;

    fn unwrap_text(text: &str, limits: &Limits) -> Result<Vec<u8>> {
        codec::decode_text(text, limits)
    }

    fn envelope(bytes: &[u8]) -> Result<Sign1> {
        crate::cose::parse_sign1_parts(bytes)
    }

    fn decode(payload: &[u8]) -> Result<(Claims, Credential)> {
        wire::decode_payload(payload)
    }

    fn scope(document: &Credential) -> Scope {
        Scope::Document(document.document_type())
    }

    fn issuer(claims: &Claims) -> &str {
        &claims.issuer
    }

    fn lifetime(claims: &Claims) -> Lifetime {
        Lifetime { issued_at: claims.issued_at, not_before: claims.not_before, expires_at: claims.expires_at }
    }

    fn validity_end(document: &Credential) -> Option<i64> {
        document.validity_end()
    }

    fn status(claims: &Claims) -> Option<&StatusRef> {
        claims.status.as_ref()
    }

    fn answer(policy: &Policy, document: &Credential, now: DateTime<Utc>) -> Result<(Usability, Vec<Answer>)> {
        policy.answer(document, now)
    }

    fn zone(document: &Credential) -> Zone {
        document.zone()
    }
}
