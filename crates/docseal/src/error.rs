//! The one error type of docseal, and the stable `kind` strings it maps onto.

use chrono::{DateTime, Utc};

use crate::algorithm::{Algorithm, Kid};
use crate::model::DocumentError;

/// Every way issuing or verifying a credential can fail.
///
/// Each verification failure maps 1:1 onto a stable [`Error::kind`] string (the `kind`
/// field of `docseal verify --json`). Cryptographic failure is deliberately opaque:
/// [`Error::Signature`] says only that the signature does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text does not start with a known context prefix (`DS1:` or `HC1:`).
    #[error("unknown prefix: expected {expected}, found {found:?}")]
    Prefix {
        /// The prefixes accepted where the text was read (e.g. `` `DS1:` ``).
        expected: &'static str,
        /// The first characters of the input (at most 8).
        found: String,
    },
    /// The body is not valid base45 (RFC 9285).
    #[error("invalid base45 body: {reason}")]
    Base45 {
        /// What was wrong.
        reason: &'static str,
    },
    /// The zlib stream is corrupt.
    #[error("corrupt zlib stream: {reason}")]
    Decompress {
        /// The inflater's message.
        reason: String,
    },
    /// The CBOR is malformed, not deterministically encoded, or misses a required item.
    #[error("invalid CBOR: {reason}")]
    Cbor {
        /// What was wrong, naming the claim or field where possible.
        reason: String,
    },
    /// The COSE_Sign1 structure or its headers are invalid.
    #[error("invalid COSE_Sign1: {reason}")]
    Cose {
        /// What was wrong.
        reason: String,
    },
    /// No key in the trust list has this key id.
    #[error("no trusted key has kid {kid}")]
    UnknownKid {
        /// The key id from the protected header.
        kid: Kid,
    },
    /// The `alg` header is missing, unsupported, or does not match the key.
    #[error("algorithm mismatch: header says {header}, key {kid} is {key}")]
    Algorithm {
        /// What the protected header says (`none` when absent).
        header: String,
        /// The algorithm of the trusted key.
        key: Algorithm,
        /// The key id.
        kid: Kid,
    },
    /// The signature does not verify under any trusted key with this kid.
    #[error("signature does not verify")]
    Signature,
    /// The credential (or the key that signed it) is not valid yet at the verification time.
    #[error("not valid before {not_before} (verification time {now})")]
    NotYetValid {
        /// The verification time.
        now: DateTime<Utc>,
        /// The earliest acceptable time (clock skew already applied).
        not_before: DateTime<Utc>,
    },
    /// The credential expired.
    #[error("expired at {expired_at} (verification time {now})")]
    Expired {
        /// The verification time.
        now: DateTime<Utc>,
        /// The `exp` claim.
        expired_at: DateTime<Utc>,
    },
    /// The electronic copy is older than the relying party's maximum age.
    #[error("generated at {issued_at}, older than the maximum age of {max_age_secs} s at {now}")]
    Stale {
        /// The `iat` claim: when this electronic copy was generated.
        issued_at: DateTime<Utc>,
        /// The verification time.
        now: DateTime<Utc>,
        /// The policy's maximum age in seconds.
        max_age_secs: u64,
    },
    /// The trusted key may not sign this credential (document type, issuer or key validity).
    #[error("key {kid} may not sign this credential: {reason}")]
    KeyScope {
        /// The key id.
        kid: Kid,
        /// Why not.
        reason: String,
    },
    /// The document breaks its own rules (check digits, dates, classes, status, limits).
    #[error("invalid document: {0}")]
    Document(#[from] DocumentError),
    /// The credential is genuine but does not meet the relying party's requirement.
    #[error("requirement not met: {requirement}: {reason}")]
    Policy {
        /// The requirement, as the relying party stated it (e.g. `class C1`).
        requirement: String,
        /// Why it is not met.
        reason: String,
    },
    /// Hostile-input limit reached.
    #[error("limit exceeded: {limit} (maximum {max}, got {actual})")]
    Limit {
        /// The limit's name, as in [`crate::verify::Limits`].
        limit: &'static str,
        /// The configured maximum.
        max: u64,
        /// What the input reached (a lower bound when reading stopped at the cap).
        actual: u64,
    },
    /// A key could not be read, generated or used.
    #[error("key error: {reason}")]
    Key {
        /// What was wrong.
        reason: String,
    },
    /// A QR image could not be rendered.
    #[error("render: {reason}")]
    Render {
        /// What failed.
        reason: String,
    },
    /// The trust list is malformed.
    #[error("trust list: {reason}")]
    TrustList {
        /// What was wrong, naming the issuer entry where possible.
        reason: String,
    },
}

impl Error {
    /// The stable machine-readable kind, as listed in `docs/FORMAT.md` and design section 4.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Prefix { .. } => "prefix",
            Self::Base45 { .. } => "base45",
            Self::Decompress { .. } => "decompress",
            Self::Cbor { .. } => "cbor",
            Self::Cose { .. } => "cose",
            Self::UnknownKid { .. } => "unknown-kid",
            Self::Algorithm { .. } => "algorithm",
            Self::Signature => "signature",
            Self::NotYetValid { .. } => "not-yet-valid",
            Self::Expired { .. } => "expired",
            Self::Stale { .. } => "stale",
            Self::KeyScope { .. } => "key-scope",
            Self::Document(_) => "document",
            Self::Policy { .. } => "policy",
            Self::Limit { .. } => "limit",
            Self::Key { .. } => "key",
            Self::Render { .. } => "render",
            Self::TrustList { .. } => "trust-list",
        }
    }

    #[cold]
    pub(crate) fn cbor(reason: impl Into<String>) -> Self {
        Self::Cbor { reason: reason.into() }
    }

    #[cold]
    pub(crate) fn cose(reason: impl Into<String>) -> Self {
        Self::Cose { reason: reason.into() }
    }

    #[cold]
    pub(crate) fn key(reason: impl Into<String>) -> Self {
        Self::Key { reason: reason.into() }
    }

    #[cold]
    pub(crate) fn trust_list(reason: impl Into<String>) -> Self {
        Self::TrustList { reason: reason.into() }
    }
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
