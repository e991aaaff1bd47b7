//! RSA public keys for PS256 (RFC 8230), which EU DCC verifiers must accept.

use rsa::pkcs1::EncodeRsaPublicKey as _;
use rsa::pkcs8::{DecodePublicKey as _, EncodePublicKey as _};
use rsa::traits::PublicKeyParts as _;

use crate::error::{Error, Result};

/// Below this modulus size a key is refused (NIST SP 800-131A; the DCC uses 2048 and up).
const MIN_MODULUS_BITS: u32 = 2048;

/// An RSA public key prepared once at trust-list load.
#[derive(Clone)]
pub(super) struct RsaKey {
    /// RSASSA-PSS with SHA-256 and a 32-byte salt, as RFC 8230 fixes for PS256.
    #[cfg_attr(feature = "ring", allow(dead_code))]
    pss: rsa::pss::VerifyingKey<sha2::Sha256>,
    /// The PKCS#1 `RSAPublicKey` DER: what ring takes, and the key's identity for equality.
    pkcs1: Vec<u8>,
    modulus_len: usize,
}

/// Whether `der` is an SPKI whose algorithm is rsaEncryption.
pub(super) fn is_rsa_spki(der: &[u8]) -> bool {
    use rsa::pkcs8::der::Decode as _;
    rsa::pkcs8::SubjectPublicKeyInfoRef::from_der(der).is_ok_and(|spki| spki.algorithm.oid == rsa::pkcs1::ALGORITHM_OID)
}

impl RsaKey {
    pub(super) fn from_spki_der(der: &[u8]) -> Result<Self> {
        let key =
            rsa::RsaPublicKey::from_public_key_der(der).map_err(|e| Error::key(format!("RSA public key: {e}")))?;
        let bits = key.n().bits_vartime();
        if bits < MIN_MODULUS_BITS {
            return Err(Error::key(format!("RSA key of {bits} bits is below the {MIN_MODULUS_BITS}-bit minimum")));
        }
        let pkcs1 = key.to_pkcs1_der().map_err(|e| Error::key(format!("RSA public key: {e}")))?.into_vec();
        let modulus_len = key.size();
        Ok(Self { pss: rsa::pss::VerifyingKey::new(key), pkcs1, modulus_len })
    }

    pub(super) fn pkcs1_der(&self) -> &[u8] {
        &self.pkcs1
    }

    pub(super) fn to_spki_pem(&self) -> Result<String> {
        let key: &rsa::RsaPublicKey = self.pss.as_ref();
        key.to_public_key_pem(pem_rfc7468::LineEnding::LF).map_err(|e| Error::key(format!("SPKI encoding: {e}")))
    }

    /// PS256 over `message`; the signature must be exactly as long as the modulus.
    pub(super) fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        signature.len() == self.modulus_len && self.verify_backend(message, signature)
    }

    #[cfg(not(feature = "ring"))]
    fn verify_backend(&self, message: &[u8], signature: &[u8]) -> bool {
        use signature::Verifier as _;
        rsa::pss::Signature::try_from(signature).is_ok_and(|s| self.pss.verify(message, &s).is_ok())
    }

    #[cfg(feature = "ring")]
    fn verify_backend(&self, message: &[u8], signature: &[u8]) -> bool {
        use ring::signature::{RSA_PSS_2048_8192_SHA256, UnparsedPublicKey};
        UnparsedPublicKey::new(&RSA_PSS_2048_8192_SHA256, &self.pkcs1).verify(message, signature).is_ok()
    }
}
