//! The signer an [`Issuer`](crate::Issuer) stands on: a key in memory, or one inside a
//! hardware security module that never leaves it.

use crate::algorithm::{Algorithm, Kid};
use crate::error::Result;

use super::SigningKey;

/// Signs COSE_Sign1 to-be-signed bytes (RFC 9052 section 4.4) with one key.
///
/// [`SigningKey`] implements it for a key in memory; a key held in a hardware token
/// implements it by forwarding the bytes to the token. The issuer checks the result: 64
/// bytes (`r || s` for ES256, which it normalises to low S), so an implementation only
/// forwards what the key produced.
///
/// # Examples
/// ```
/// use docseal::{Algorithm, Signer, SigningKey};
/// let key = SigningKey::generate(Algorithm::EdDsa)?;
/// let signer: &dyn Signer = &key;
/// assert_eq!(signer.algorithm(), Algorithm::EdDsa);
/// assert_eq!(signer.sign(b"to be signed")?.len(), 64);
/// # Ok::<(), docseal::Error>(())
/// ```
pub trait Signer: Send + Sync {
    /// The algorithm of the key (announced in the protected header).
    fn algorithm(&self) -> Algorithm;

    /// The key id (announced in the protected header).
    fn kid(&self) -> Kid;

    /// Signs `to_be_signed`.
    ///
    /// # Errors
    /// [`Error::Key`](crate::Error::Key) when the key cannot sign (a token removed, a
    /// session closed, a refused PIN).
    fn sign(&self, to_be_signed: &[u8]) -> Result<Vec<u8>>;
}

impl Signer for SigningKey {
    fn algorithm(&self) -> Algorithm {
        SigningKey::algorithm(self)
    }

    fn kid(&self) -> Kid {
        SigningKey::kid(self)
    }

    fn sign(&self, to_be_signed: &[u8]) -> Result<Vec<u8>> {
        Ok(SigningKey::sign(self, to_be_signed))
    }
}
