//! The names that identify a signature: its algorithm (COSE registry values) and its
//! key id. A leaf module: `error`, `cose`, `trust` and the wire layer all speak of them.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// The signature algorithms docseal knows (IANA COSE registry values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// EdDSA with Ed25519 (COSE -8).
    EdDsa,
    /// ECDSA P-256 with SHA-256 (COSE -7).
    Es256,
    /// RSASSA-PSS with SHA-256, MGF1 and a 32-byte salt (COSE -37, RFC 8230). Verification
    /// only, for EU DCC signers (feature `hc1`); docseal does not issue with it.
    Ps256,
}

impl Algorithm {
    /// The COSE `alg` value.
    #[must_use]
    pub const fn cose_id(self) -> i64 {
        match self {
            Self::EdDsa => -8,
            Self::Es256 => -7,
            Self::Ps256 => -37,
        }
    }

    /// The inverse of [`Algorithm::cose_id`].
    #[must_use]
    pub const fn from_cose_id(id: i64) -> Option<Self> {
        match id {
            -8 => Some(Self::EdDsa),
            -7 => Some(Self::Es256),
            -37 => Some(Self::Ps256),
            _ => None,
        }
    }

    /// The conventional name (`EdDSA`, `ES256`, `PS256`).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::EdDsa => "EdDSA",
            Self::Es256 => "ES256",
            Self::Ps256 => "PS256",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A key id: the first 8 bytes of SHA-256 over the key's SubjectPublicKeyInfo DER (or over
/// an X.509 certificate's DER). Shown as standard base64, as in trust lists.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Kid(pub [u8; 8]);

impl Kid {
    /// The kid of a DER structure (SPKI or certificate).
    #[must_use]
    pub fn of_der(der: &[u8]) -> Self {
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(der);
        let mut kid = [0; 8];
        kid.copy_from_slice(&digest[..8]);
        Self(kid)
    }

    /// Reads the base64 form.
    #[must_use]
    pub fn from_base64(text: &str) -> Option<Self> {
        let bytes = STANDARD.decode(text).ok()?;
        <[u8; 8]>::try_from(bytes).ok().map(Self)
    }
}

impl fmt::Display for Kid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&STANDARD.encode(self.0))
    }
}

impl fmt::Debug for Kid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Kid({self})")
    }
}
