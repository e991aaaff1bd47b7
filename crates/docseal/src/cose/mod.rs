//! COSE_Sign1 (RFC 9052) signing and verification on top of `coset`, with the two
//! algorithms docseal issues: EdDSA (Ed25519) and ES256 (ECDSA P-256, fixed 64-byte r||s).

mod key;
#[cfg(feature = "hc1")]
mod rsa;
mod sign1;

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

pub use key::{SigningKey, VerifyingKey};
pub use sign1::{
    GenericSign1, ParsedSign1, PreparedSign1, parse_sign1, parse_sign1_generic, replace_payload, verify_sign1_generic,
};

/// Which implementation verifies ES256 (and PS256) in this build: `"ring"` with the `ring`
/// feature, else the pure-Rust `"p256"` (and `rsa`).
pub const ES256_BACKEND: &str = if cfg!(feature = "ring") { "ring" } else { "p256" };

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

#[cfg(test)]
mod tests;
