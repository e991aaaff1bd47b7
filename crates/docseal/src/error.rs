//! The one error type of docseal, and the stable `kind` strings it maps onto.

use std::fmt;

use chrono::{DateTime, Utc};

use crate::algorithm::{Algorithm, Kid};
use crate::model::DocumentError;
use crate::model::dcc::DccKind;
use crate::scope::Scope;

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
    #[error("not valid before {not_before} (verification time {})", seconds(now))]
    NotYetValid {
        /// The verification time.
        now: DateTime<Utc>,
        /// The earliest acceptable time (clock skew already applied).
        not_before: DateTime<Utc>,
    },
    /// The credential expired.
    #[error("expired at {expired_at} (verification time {})", seconds(now))]
    Expired {
        /// The verification time.
        now: DateTime<Utc>,
        /// The `exp` claim.
        expired_at: DateTime<Utc>,
    },
    /// The electronic copy is older than the relying party's maximum age.
    #[error("generated at {issued_at}, older than the maximum age of {max_age_secs} s at {}", seconds(now))]
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
        reason: KeyRefusal,
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
    /// The issuer revoked the credential (its status list entry is 1, INVALID).
    #[error("revoked: entry {idx} of status list {uri} is INVALID")]
    Revoked {
        /// The list's URI.
        uri: String,
        /// The credential's index in it.
        idx: u64,
    },
    /// The issuer suspended the credential (status 2, SUSPENDED): it may be reinstated.
    #[error("suspended: entry {idx} of status list {uri} is SUSPENDED")]
    Suspended {
        /// The list's URI.
        uri: String,
        /// The credential's index in it.
        idx: u64,
    },
    /// A one-time credential already presented (status 3, docseal's "used").
    #[error("already used: entry {idx} of status list {uri} marks this one-time credential as used")]
    Used {
        /// The list's URI.
        uri: String,
        /// The credential's index in it.
        idx: u64,
    },
    /// The credential's status cannot be decided: no list for its URI, a list that is stale,
    /// forged, signed by a key not trusted for status lists, or too short for the index; or
    /// a status list token that is malformed.
    #[error("status: {reason}")]
    Status {
        /// What was wrong, naming the list.
        reason: String,
    },
    /// The credential names a status list, and the lists loaded cannot decide its entry: the
    /// cause, typed, naming the list.
    #[error("status: {0}")]
    StatusUndecided(StatusProblem),
    /// Hostile-input limit reached.
    #[error("limit exceeded: {limit} (maximum {max}, got {actual})")]
    Limit {
        /// Which limit.
        limit: LimitKind,
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
    /// The trust list is malformed.
    #[error("trust list: {reason}")]
    TrustList {
        /// What was wrong, naming the issuer entry where possible.
        reason: String,
    },
    /// The signed trust list in force was due for replacement before the verification
    /// time: it no longer decides until a fresh list is loaded (or the policy accepts it).
    #[error("trust list overdue: its next update was due at {next_update} (verification time {})", seconds(now))]
    TrustListOverdue {
        /// The list's `next_update`.
        next_update: DateTime<Utc>,
        /// The verification time.
        now: DateTime<Utc>,
    },
}

impl Error {
    /// The stable machine-readable kind, as listed in `docs/FORMAT.md`.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Prefix { .. } => ErrorKind::Prefix,
            Self::Base45 { .. } => ErrorKind::Base45,
            Self::Decompress { .. } => ErrorKind::Decompress,
            Self::Cbor { .. } => ErrorKind::Cbor,
            Self::Cose { .. } => ErrorKind::Cose,
            Self::UnknownKid { .. } => ErrorKind::UnknownKid,
            Self::Algorithm { .. } => ErrorKind::Algorithm,
            Self::Signature => ErrorKind::Signature,
            Self::NotYetValid { .. } => ErrorKind::NotYetValid,
            Self::Expired { .. } => ErrorKind::Expired,
            Self::Stale { .. } => ErrorKind::Stale,
            Self::KeyScope { .. } => ErrorKind::KeyScope,
            Self::Document(_) => ErrorKind::Document,
            Self::Policy { .. } => ErrorKind::Policy,
            Self::Revoked { .. } => ErrorKind::Revoked,
            Self::Suspended { .. } => ErrorKind::Suspended,
            Self::Used { .. } => ErrorKind::Used,
            Self::Status { .. } | Self::StatusUndecided(_) => ErrorKind::Status,
            Self::Limit { .. } => ErrorKind::Limit,
            Self::Key { .. } => ErrorKind::Key,
            Self::TrustList { .. } | Self::TrustListOverdue { .. } => ErrorKind::TrustList,
        }
    }

    #[cold]
    pub(crate) fn cbor(reason: impl Into<String>) -> Self {
        Self::Cbor { reason: reason.into() }
    }

    #[cold]
    pub(crate) fn status(reason: impl Into<String>) -> Self {
        Self::Status { reason: reason.into() }
    }

    #[cold]
    pub(crate) fn cose(reason: impl Into<String>) -> Self {
        Self::Cose { reason: reason.into() }
    }

    /// [`Error::Key`] with a reason: also what a [`Signer`](crate::Signer) outside this
    /// crate (a hardware token) returns when its key cannot sign.
    #[cold]
    #[must_use]
    pub fn key(reason: impl Into<String>) -> Self {
        Self::Key { reason: reason.into() }
    }

    #[cold]
    pub(crate) fn trust_list(reason: impl Into<String>) -> Self {
        Self::TrustList { reason: reason.into() }
    }
}

/// Why the status lists loaded cannot decide a credential's entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StatusProblem {
    /// No list for the credential's URI was loaded.
    #[error("no status list loaded for {uri} (the credential names one)")]
    NoList {
        /// The list's URI.
        uri: String,
    },
    /// The list loaded for the URI is signed for another authority and does not count.
    #[error(
        "no status list from {issuer:?} loaded for {uri} (the list loaded for that URI is signed for {signed_for:?}, another authority, and does not count)"
    )]
    OtherAuthority {
        /// The list's URI.
        uri: String,
        /// The credential's `iss`.
        issuer: String,
        /// Whom the loaded list is signed for (its signer's `iss`, else its name).
        signed_for: String,
    },
    /// Two different tokens carry the newest time for the list.
    #[error("status list {uri}: two different tokens dated {issued_at} (a conflict: neither decides)")]
    Conflict {
        /// The list's URI.
        uri: String,
        /// Their common `iat`.
        issued_at: DateTime<Utc>,
    },
    /// The list was signed after the verification time (beyond the clock skew).
    #[error("status list {uri} is dated {issued_at}, after the verification time")]
    DatedAfterVerification {
        /// The list's URI.
        uri: String,
        /// Its `iat`.
        issued_at: DateTime<Utc>,
    },
    /// The list's own `exp` has passed.
    #[error("status list {uri} expired at {expired_at}")]
    ListExpired {
        /// The list's URI.
        uri: String,
        /// Its `exp`.
        expired_at: DateTime<Utc>,
    },
    /// The list is older than the policy's maximum status age.
    #[error("status list {uri} is {age_secs} s old, above the {max_age_secs} s the policy allows")]
    ListTooOld {
        /// The list's URI.
        uri: String,
        /// Its age at the verification time.
        age_secs: i64,
        /// The policy's maximum.
        max_age_secs: u64,
    },
    /// The credential's index is past the list's end.
    #[error("index {idx} is past the end of status list {uri} ({len} entries)")]
    IndexPastEnd {
        /// The list's URI.
        uri: String,
        /// The credential's index.
        idx: u64,
        /// The list's length.
        len: u64,
    },
    /// The entry holds a value docseal gives no meaning.
    #[error("entry {idx} of status list {uri} holds {value}, unknown to docseal")]
    UnknownValue {
        /// The list's URI.
        uri: String,
        /// The credential's index.
        idx: u64,
        /// The value found.
        value: u8,
    },
}

/// The stage or rule an [`Error`] comes from: a small, stable vocabulary for programs
/// (`docseal verify --json` prints [`ErrorKind::as_str`] as `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Unknown context prefix.
    Prefix,
    /// Invalid base45.
    Base45,
    /// Corrupt zlib stream.
    Decompress,
    /// Malformed or non-canonical CBOR.
    Cbor,
    /// Invalid COSE_Sign1 structure.
    Cose,
    /// No trusted key has the kid.
    UnknownKid,
    /// Missing, unsupported or mismatched `alg`.
    Algorithm,
    /// The signature does not verify.
    Signature,
    /// Not valid yet.
    NotYetValid,
    /// Expired.
    Expired,
    /// Older than the maximum age.
    Stale,
    /// The key may not sign this credential.
    KeyScope,
    /// The document breaks its own rules.
    Document,
    /// A requirement is not met.
    Policy,
    /// Revoked through a status list.
    Revoked,
    /// Suspended through a status list.
    Suspended,
    /// A one-time credential already used.
    Used,
    /// The status could not be decided.
    Status,
    /// A hostile-input limit was reached.
    Limit,
    /// A key could not be read, generated or used.
    Key,
    /// The trust list is malformed, or overdue.
    TrustList,
    /// A front end's: the image could not be decoded (format, size).
    Image,
    /// A front end's: no code was found in the image.
    Scan,
    /// A front end's: the request itself is malformed (the service's JSON, a time).
    Request,
}

impl ErrorKind {
    /// Every kind, in pipeline order, the front ends' last: one vocabulary for the command
    /// line, the service, Python and the page.
    pub const ALL: [Self; 24] = [
        Self::Prefix,
        Self::Base45,
        Self::Decompress,
        Self::Cbor,
        Self::Cose,
        Self::UnknownKid,
        Self::Algorithm,
        Self::Signature,
        Self::NotYetValid,
        Self::Expired,
        Self::Stale,
        Self::KeyScope,
        Self::Document,
        Self::Policy,
        Self::Revoked,
        Self::Suspended,
        Self::Used,
        Self::Status,
        Self::Limit,
        Self::Key,
        Self::TrustList,
        Self::Image,
        Self::Scan,
        Self::Request,
    ];

    /// The stable name (`signature`, `unknown-kid`, ...).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Prefix => "prefix",
            Self::Base45 => "base45",
            Self::Decompress => "decompress",
            Self::Cbor => "cbor",
            Self::Cose => "cose",
            Self::UnknownKid => "unknown-kid",
            Self::Algorithm => "algorithm",
            Self::Signature => "signature",
            Self::NotYetValid => "not-yet-valid",
            Self::Expired => "expired",
            Self::Stale => "stale",
            Self::KeyScope => "key-scope",
            Self::Document => "document",
            Self::Policy => "policy",
            Self::Revoked => "revoked",
            Self::Suspended => "suspended",
            Self::Used => "used",
            Self::Status => "status",
            Self::Limit => "limit",
            Self::Key => "key",
            Self::TrustList => "trust-list",
            Self::Image => "image",
            Self::Scan => "scan",
            Self::Request => "request",
        }
    }

    /// The inverse of [`ErrorKind::as_str`].
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for ErrorKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl PartialEq<&str> for ErrorKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for ErrorKind {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

/// Which hostile-input limit was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LimitKind {
    /// [`crate::Limits::max_text_len`]: the QR text is too long.
    TextLength,
    /// [`crate::Limits::max_inflated_len`]: the inflated COSE is too large.
    InflatedLength,
    /// [`crate::Limits::max_keys_per_kid`]: too many trusted keys share the kid.
    KeysPerKid,
    /// CBOR nesting deeper than the decoder allows.
    CborDepth,
    /// The text does not fit a version-40 QR code at the chosen level.
    QrCapacity,
    /// An inflated status list larger than the cap.
    StatusListLength,
}

impl LimitKind {
    /// The stable name (`max_text_len`, `cbor_depth`, ...).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::TextLength => "max_text_len",
            Self::InflatedLength => "max_inflated_len",
            Self::KeysPerKid => "max_keys_per_kid",
            Self::CborDepth => "cbor_depth",
            Self::QrCapacity => "qr_capacity",
            Self::StatusListLength => "max_status_list_len",
        }
    }
}

impl fmt::Display for LimitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a trusted key may not sign a credential it verifies.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyRefusal {
    /// The trust entry limits the key to other documents.
    Scope {
        /// What the key may sign.
        allowed: Vec<Scope>,
        /// What the credential is.
        credential: Scope,
    },
    /// The trust entry binds the key to another issuer name.
    Issuer {
        /// The `iss` the entry demands.
        expected: String,
        /// The credential's `iss`.
        found: String,
    },
    /// The credential was generated before the key's use began.
    BeforeKeyValidity {
        /// The start of the key's use.
        not_before: DateTime<Utc>,
    },
    /// The credential was generated after the key's use ended.
    AfterKeyValidity {
        /// The end of the key's use.
        not_after: DateTime<Utc>,
    },
    /// The signer certificate's extended key usage does not allow this certificate type.
    DccKeyUsage {
        /// The types the certificate allows.
        allowed: Vec<DccKind>,
        /// The type the DCC holds, if any.
        found: Option<DccKind>,
    },
}

impl fmt::Display for KeyRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Scope { allowed, credential } => {
                let allowed: Vec<_> = allowed.iter().map(|s| s.name()).collect();
                write!(f, "limited to {}, credential is {}", allowed.join(", "), credential.name())
            }
            Self::Issuer { expected, found } => write!(f, "bound to issuer {expected:?}, credential says {found:?}"),
            Self::BeforeKeyValidity { not_before } => {
                write!(f, "key valid from {not_before}, credential generated before")
            }
            Self::AfterKeyValidity { not_after } => {
                write!(f, "key valid until {not_after}, credential generated after")
            }
            Self::DccKeyUsage { allowed, found } => {
                let names: Vec<_> = allowed.iter().map(|k| k.name()).collect();
                let found = found.map_or("no certificate type", DccKind::name);
                write!(f, "certificate key usage allows {}, DCC holds {found}", names.join(", "))
            }
        }
    }
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A verification time in messages, to the second (a clock's nanoseconds are noise there).
fn seconds(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}
