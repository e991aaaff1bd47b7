//! What a wire format adds to the one stage sequence of [`pipeline`](super::pipeline): how
//! its text is opened into a signed envelope, how the signed payload decodes into claims and
//! a document, and the rules that are its own (key scope, time rule, status, questions). A
//! format never sequences stages or builds an answer: `pipeline` does, once for all.

mod ds1;
#[cfg(feature = "hc1")]
mod hc1;

use chrono::{DateTime, Utc};

pub(crate) use ds1::Ds1;
#[cfg(feature = "hc1")]
pub(crate) use hc1::Hc1;

use super::policy::{Answer, Policy};
use super::verified::Profile;
use crate::cose::Sign1;
use crate::error::{KeyRefusal, Result};
use crate::limits::Limits;
use crate::model::{Usability, Zone};
use crate::scope::Scope;
use crate::trust::TrustedKey;
use crate::wire::StatusRef;

/// When `exp` itself stops being valid.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ExpiryRule {
    /// RFC 7519 section 4.1.4: the time must be before `exp` (DS1).
    Rfc7519,
    /// Valid through the `exp` second, as the EU DCC verifiers and test suite treat it.
    #[cfg_attr(not(feature = "hc1"), allow(dead_code))]
    Inclusive,
}

/// The times a credential's claims carry, in seconds since the epoch.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lifetime {
    pub(crate) issued_at: i64,
    pub(crate) not_before: Option<i64>,
    pub(crate) expires_at: i64,
}

/// One wire format on the pipeline.
pub(crate) trait Format {
    /// The profile answers name.
    const PROFILE: Profile;
    /// Whether an ECDSA signature must be low-S (one credential, one signature).
    const LOW_S_ONLY: bool;
    /// The `exp` rule of its ecosystem.
    const EXPIRY: ExpiryRule;
    /// What its payload holds.
    type Document;
    /// Its signed claims.
    type Claims;

    /// detect and open: the text's signed envelope (the bytes signed, the signature, `alg`,
    /// the key id), nothing of the payload read yet.
    fn open(text: &str, limits: &Limits) -> Result<Sign1> {
        Self::envelope(&Self::unwrap_text(text, limits)?)
    }

    /// The envelope's bytes inside the text (prefix, base45, zlib).
    fn unwrap_text(text: &str, limits: &Limits) -> Result<Vec<u8>>;

    /// The envelope of its bytes.
    fn envelope(bytes: &[u8]) -> Result<Sign1>;

    /// Claims and document of a payload whose signature held.
    fn decode(payload: &[u8]) -> Result<(Self::Claims, Self::Document)>;

    /// What the trusted key must be allowed to sign.
    fn scope(document: &Self::Document) -> Scope;

    /// The `iss` the trusted key may be bound to.
    fn issuer(claims: &Self::Claims) -> &str;

    /// A refusal of the key that is the format's own (beyond scope, issuer and window).
    fn key_refusal(_key: &TrustedKey, _document: &Self::Document) -> Option<KeyRefusal> {
        None
    }

    /// The claims' times.
    fn lifetime(claims: &Self::Claims) -> Lifetime;

    /// The last second the document itself may be used, when it says.
    fn validity_end(_document: &Self::Document) -> Option<i64> {
        None
    }

    /// Where the issuer publishes the credential's status, when it does.
    fn status(_claims: &Self::Claims) -> Option<&StatusRef> {
        None
    }

    /// The document's usability and the answers to the policy's questions.
    fn answer(policy: &Policy, document: &Self::Document, now: DateTime<Utc>) -> Result<(Usability, Vec<Answer>)>;

    /// The zone the document's times are shown in.
    fn zone(document: &Self::Document) -> Zone;
}
