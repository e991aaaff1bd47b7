//! COSE_Sign1 (RFC 9052) signing and verification on top of `coset`, with the two
//! algorithms docseal issues: EdDSA (Ed25519) and ES256 (ECDSA P-256, fixed 64-byte r||s).

mod canonical;
mod ed25519;
#[cfg(test)]
mod ed25519_vectors;
mod envelope;
mod key;
#[cfg(feature = "hc1")]
mod rsa;
mod sign1;
mod signer;

pub use crate::algorithm::{Algorithm, Kid};
#[cfg(test)]
pub(crate) use ed25519::SMALL_ORDER_R;
pub(crate) use ed25519::{
    is_small_order_encoding as ed25519_is_small_order_encoding, prepare as prepare_ed25519,
    verify_batch as verify_ed25519_batch, y_is_canonical as ed25519_y_is_canonical,
};
pub(crate) use key::{PublicMaterial, is_low_s, low_s};
pub use key::{SigningKey, VerifyingKey};
#[cfg(any(test, feature = "test-util"))]
#[doc(hidden)]
pub use sign1::replace_payload;
pub use sign1::{GenericSign1, ParsedSign1, PreparedSign1, parse_sign1, parse_sign1_generic, verify_sign1_generic};
pub(crate) use envelope::Sign1;
pub(crate) use sign1::{HeaderRules, parse_sign1_parts, read_sign1};
pub use signer::Signer;

/// Which implementation verifies ES256 (and PS256) in this build: `"ring"` with the `ring`
/// feature, else the pure-Rust `"p256"` (and `rsa`).
pub const ES256_BACKEND: &str = if cfg!(feature = "ring") { "ring" } else { "p256" };

#[cfg(test)]
mod tests;
