//! Signing and verifying keys, PKCS#8 / SPKI PEM, and key ids.

use std::fmt;

use ed25519_dalek::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _, EncodePrivateKey as _, EncodePublicKey as _};
use signature::Signer as _;
use zeroize::Zeroizing;

use super::{Algorithm, Kid};
use crate::error::{Error, Result};

enum SigningInner {
    Ed25519(ed25519_dalek::SigningKey),
    Es256(p256::ecdsa::SigningKey),
}

/// A private signing key (Ed25519 or P-256). Zeroized on drop (by the inner dalek and
/// RustCrypto types); `Debug` shows the algorithm and kid only.
pub struct SigningKey {
    inner: SigningInner,
    kid: Kid,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey").field("alg", &self.algorithm()).field("kid", &self.kid).finish_non_exhaustive()
    }
}

impl SigningKey {
    /// Generates a new key from the operating system's random source.
    ///
    /// # Errors
    /// [`Error::Key`] when the OS random source fails, or for PS256 (verification only).
    pub fn generate(alg: Algorithm) -> Result<Self> {
        let mut seed = Zeroizing::new([0u8; 32]);
        loop {
            getrandom::fill(seed.as_mut()).map_err(|e| Error::key(format!("random source: {e}")))?;
            match alg {
                Algorithm::EdDsa => return Ok(Self::from_ed25519_seed(&seed)),
                Algorithm::Ps256 => return Err(Error::key("docseal verifies PS256 but does not issue with it")),
                Algorithm::Es256 => {
                    // A 32-byte string is a valid scalar except with probability ~2^-32.
                    if let Ok(key) = p256::ecdsa::SigningKey::from_slice(seed.as_ref()) {
                        return Ok(Self::from_es256(key));
                    }
                }
            }
        }
    }

    /// An Ed25519 key from its 32-byte seed (deterministic; used for test vectors).
    #[must_use]
    pub fn from_ed25519_seed(seed: &[u8; 32]) -> Self {
        let key = ed25519_dalek::SigningKey::from_bytes(seed);
        let kid = Kid::of_der(&spki_der_ed25519(&key.verifying_key()));
        Self { inner: SigningInner::Ed25519(key), kid }
    }

    /// A P-256 key from its 32-byte scalar (deterministic; used for test vectors).
    ///
    /// # Errors
    /// [`Error::Key`] when the bytes are zero or not below the group order.
    pub fn from_p256_scalar(scalar: &[u8; 32]) -> Result<Self> {
        let key = p256::ecdsa::SigningKey::from_slice(scalar).map_err(|_| Error::key("invalid P-256 scalar"))?;
        Ok(Self::from_es256(key))
    }

    fn from_es256(key: p256::ecdsa::SigningKey) -> Self {
        let kid = Kid::of_der(&spki_der_p256(key.verifying_key()));
        Self { inner: SigningInner::Es256(key), kid }
    }

    /// Reads a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`), Ed25519 or P-256.
    ///
    /// # Errors
    /// [`Error::Key`] when the PEM is malformed or holds another kind of key.
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self> {
        if let Ok(key) = ed25519_dalek::SigningKey::from_pkcs8_pem(pem) {
            return Ok(Self::from_ed25519_seed(key.as_bytes()));
        }
        match p256::ecdsa::SigningKey::from_pkcs8_pem(pem) {
            Ok(key) => Ok(Self::from_es256(key)),
            Err(e) => Err(Error::key(format!("not a PKCS#8 Ed25519 or P-256 private key: {e}"))),
        }
    }

    /// Writes the key as PKCS#8 PEM. The string is zeroized when dropped.
    ///
    /// # Errors
    /// [`Error::Key`] if the encoder fails (it does not for valid keys).
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>> {
        let le = pem_rfc7468::LineEnding::LF;
        match &self.inner {
            // PKCS#8 v1 (RFC 5208, no public key field): OpenSSL 3 and pyca/cryptography
            // refuse the v2 form ed25519-dalek writes by default. KeypairBytes zeroizes on drop.
            SigningInner::Ed25519(k) => {
                ed25519_dalek::pkcs8::KeypairBytes { secret_key: k.to_bytes(), public_key: None }.to_pkcs8_pem(le)
            }
            SigningInner::Es256(k) => k.to_pkcs8_pem(le),
        }
        .map_err(|e| Error::key(format!("PKCS#8 encoding: {e}")))
    }

    /// The algorithm this key signs with.
    #[must_use]
    pub fn algorithm(&self) -> Algorithm {
        match self.inner {
            SigningInner::Ed25519(_) => Algorithm::EdDsa,
            SigningInner::Es256(_) => Algorithm::Es256,
        }
    }

    /// The key id of the matching public key.
    #[must_use]
    pub fn kid(&self) -> Kid {
        self.kid
    }

    /// The matching public key.
    #[must_use]
    pub fn verifying_key(&self) -> VerifyingKey {
        match &self.inner {
            SigningInner::Ed25519(k) => {
                VerifyingKey { inner: VerifyingInner::Ed25519(k.verifying_key()), kid: self.kid }
            }
            SigningInner::Es256(k) => {
                let vk = *k.verifying_key();
                VerifyingKey { inner: VerifyingInner::Es256(vk, sec1_uncompressed(&vk)), kid: self.kid }
            }
        }
    }

    /// Signs `message`: 64 bytes for both algorithms (ES256 as fixed r||s, low S).
    #[must_use]
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        match &self.inner {
            SigningInner::Ed25519(k) => k.sign(message).to_bytes().to_vec(),
            SigningInner::Es256(k) => {
                let sig: p256::ecdsa::Signature = k.sign(message);
                // RFC 6979 nonces, then low S: deterministic, and the one form DS1 accepts.
                sig.normalize_s().to_bytes().to_vec()
            }
        }
    }
}

#[derive(Clone)]
enum VerifyingInner {
    Ed25519(ed25519_dalek::VerifyingKey),
    /// The key, and its uncompressed SEC1 point for ring (computed once, at load).
    Es256(p256::ecdsa::VerifyingKey, [u8; 65]),
    /// An RSA key for PS256, boxed to keep the common variants small.
    #[cfg(feature = "hc1")]
    Ps256(Box<super::rsa::RsaKey>),
}

fn sec1_uncompressed(key: &p256::ecdsa::VerifyingKey) -> [u8; 65] {
    let point = key.to_sec1_point(false);
    #[allow(clippy::expect_used)]
    // safe: an uncompressed SEC1 P-256 point is 0x04 || x (32) || y (32); a verifying key is
    // never the identity, the one point with a shorter encoding.
    <[u8; 65]>::try_from(point.as_bytes()).expect("uncompressed P-256 points are 65 bytes")
}

/// Half the P-256 group order, `(n - 1) / 2`, big-endian: the largest low `s`.
pub(super) const P256_HALF_ORDER: [u8; 32] = [
    0x7f, 0xff, 0xff, 0xff, 0x80, 0x00, 0x00, 0x00, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xde, 0x73, 0x7d,
    0x56, 0xd3, 0x8b, 0xcf, 0x42, 0x79, 0xdc, 0xe5, 0x61, 0x7e, 0x31, 0x92, 0xa8,
];

/// Whether a 64-byte ES256 `r || s` has its `s` in the lower half of the group order (a
/// signature of another length is not judged here: the signature check refuses it). A byte
/// comparison: parsing the scalars cost as much as the rest of a payload's decoding.
pub(crate) fn is_low_s(signature: &[u8]) -> bool {
    signature.len() != 64 || signature[32..] <= P256_HALF_ORDER[..]
}

/// An ES256 `r || s` signature with `s` in the lower half of the group order (`n - s` for
/// a high `s`): ECDSA accepts both, DS1 only the low one, so a signature has one form.
pub(crate) fn low_s(signature: &[u8]) -> Result<Vec<u8>> {
    let parsed = p256::ecdsa::Signature::from_slice(signature)
        .map_err(|_| Error::key(format!("ES256 signer returned {} bytes, not a valid r || s", signature.len())))?;
    Ok(parsed.normalize_s().to_bytes().to_vec())
}

/// What a public key is made of, for writing it into a signed trust list.
pub(crate) enum PublicMaterial {
    /// The 32-byte Ed25519 point.
    Ed25519([u8; 32]),
    /// The P-256 point's coordinates.
    P256 { x: Vec<u8>, y: Vec<u8> },
    /// An RSA key as SubjectPublicKeyInfo DER.
    #[cfg_attr(not(feature = "hc1"), allow(dead_code))]
    Spki(Vec<u8>),
}

/// A public key trusted to verify credentials.
#[derive(Clone)]
pub struct VerifyingKey {
    inner: VerifyingInner,
    kid: Kid,
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyingKey").field("alg", &self.algorithm()).field("kid", &self.kid).finish()
    }
}

impl PartialEq for VerifyingKey {
    fn eq(&self, other: &Self) -> bool {
        self.kid == other.kid
            && match (&self.inner, &other.inner) {
                (VerifyingInner::Ed25519(a), VerifyingInner::Ed25519(b)) => a == b,
                (VerifyingInner::Es256(a, _), VerifyingInner::Es256(b, _)) => a == b,
                #[cfg(feature = "hc1")]
                (VerifyingInner::Ps256(a), VerifyingInner::Ps256(b)) => a.pkcs1_der() == b.pkcs1_der(),
                _ => false,
            }
    }
}

impl Eq for VerifyingKey {}

impl VerifyingKey {
    /// An Ed25519 key from its 32 raw bytes (JWK/COSE_Key `x`); the kid is computed over its SPKI.
    ///
    /// # Errors
    /// [`Error::Key`] for an invalid or weak point.
    pub fn from_ed25519_bytes(bytes: &[u8; 32]) -> Result<Self> {
        let key = ed25519_dalek::VerifyingKey::from_bytes(bytes).map_err(|e| Error::key(e.to_string()))?;
        Self::from_spki_der(&spki_der_ed25519(&key))
    }

    /// A P-256 key from its SEC1 encoding (`04 || x || y`, or compressed).
    ///
    /// # Errors
    /// [`Error::Key`] for a point not on the curve.
    pub fn from_p256_sec1(bytes: &[u8]) -> Result<Self> {
        let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(bytes).map_err(|e| Error::key(e.to_string()))?;
        Self::from_spki_der(&spki_der_p256(&key))
    }

    /// Reads a SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`): Ed25519, P-256, or
    /// (feature `hc1`) RSA of 2048 to 4096 bits for PS256.
    ///
    /// # Errors
    /// [`Error::Key`] when the PEM is malformed, holds another kind of key, or holds a weak
    /// (small-order) Ed25519 key.
    pub fn from_spki_pem(pem: &str) -> Result<Self> {
        let (label, der) = pem_rfc7468::decode_vec(pem.as_bytes()).map_err(|e| Error::key(format!("PEM: {e}")))?;
        if label != "PUBLIC KEY" {
            return Err(Error::key(format!("expected a PUBLIC KEY PEM, found {label}")));
        }
        Self::from_spki_der(&der)
    }

    /// Reads a SubjectPublicKeyInfo DER; the kid is computed over these bytes.
    ///
    /// # Errors
    /// As [`VerifyingKey::from_spki_pem`].
    pub fn from_spki_der(der: &[u8]) -> Result<Self> {
        let kid = Kid::of_der(der);
        if let Ok(key) = ed25519_dalek::VerifyingKey::from_public_key_der(der) {
            // A small-order key would verify forged signatures: refused before it is trusted.
            if key.is_weak() {
                return Err(Error::key("weak (small-order) Ed25519 public key"));
            }
            return Ok(Self { inner: VerifyingInner::Ed25519(key), kid });
        }
        match p256::ecdsa::VerifyingKey::from_public_key_der(der) {
            Ok(key) => Ok(Self { inner: VerifyingInner::Es256(key, sec1_uncompressed(&key)), kid }),
            #[cfg(feature = "hc1")]
            Err(_) if super::rsa::is_rsa_spki(der) => {
                Ok(Self { inner: VerifyingInner::Ps256(Box::new(super::rsa::RsaKey::from_spki_der(der)?)), kid })
            }
            Err(e) if is_ec_spki(der) => Err(Error::key(format!(
                "an EC public key that is not a P-256 point (another curve, or a point not on P-256): {e}"
            ))),
            Err(e) => Err(Error::key(format!("not an Ed25519, P-256 or RSA public key: {e}"))),
        }
    }

    /// Writes the key as SPKI PEM.
    ///
    /// # Errors
    /// [`Error::Key`] if the encoder fails (it does not for valid keys).
    pub fn to_spki_pem(&self) -> Result<String> {
        let le = pem_rfc7468::LineEnding::LF;
        match &self.inner {
            VerifyingInner::Ed25519(k) => k.to_public_key_pem(le),
            VerifyingInner::Es256(k, _) => k.to_public_key_pem(le),
            #[cfg(feature = "hc1")]
            VerifyingInner::Ps256(k) => return k.to_spki_pem(),
        }
        .map_err(|e| Error::key(format!("SPKI encoding: {e}")))
    }

    /// The key's public material: raw coordinates for a COSE_Key, or SPKI DER for RSA.
    pub(crate) fn material(&self) -> Result<PublicMaterial> {
        Ok(match &self.inner {
            VerifyingInner::Ed25519(k) => PublicMaterial::Ed25519(k.to_bytes()),
            VerifyingInner::Es256(_, point) => {
                PublicMaterial::P256 { x: point[1..33].to_vec(), y: point[33..].to_vec() }
            }
            #[cfg(feature = "hc1")]
            VerifyingInner::Ps256(_) => {
                let pem = self.to_spki_pem()?;
                let (_, der) = pem_rfc7468::decode_vec(pem.as_bytes()).map_err(|e| Error::key(e.to_string()))?;
                PublicMaterial::Spki(der)
            }
        })
    }

    /// Replaces the computed kid (trust lists may give one, e.g. a certificate's).
    #[must_use]
    pub fn with_kid(self, kid: Kid) -> Self {
        Self { kid, ..self }
    }

    /// The algorithm this key verifies.
    #[must_use]
    pub fn algorithm(&self) -> Algorithm {
        match self.inner {
            VerifyingInner::Ed25519(_) => Algorithm::EdDsa,
            VerifyingInner::Es256(..) => Algorithm::Es256,
            #[cfg(feature = "hc1")]
            VerifyingInner::Ps256(_) => Algorithm::Ps256,
        }
    }

    /// The key id.
    #[must_use]
    pub fn kid(&self) -> Kid {
        self.kid
    }

    /// The Ed25519 key inside, for batch verification.
    #[must_use]
    pub(crate) fn as_ed25519(&self) -> Option<&ed25519_dalek::VerifyingKey> {
        match &self.inner {
            VerifyingInner::Ed25519(k) => Some(k),
            _ => None,
        }
    }

    /// Checks `signature` over `message`: Ed25519 by the one rule of single and batch checks
    /// (`verify_strict`'s encoding checks, cofactored equation; `docs/FORMAT.md`), ES256 as 64-byte r||s,
    /// PS256 with a 32-byte salt and a signature exactly as long as the modulus.
    ///
    /// # Errors
    /// [`Error::Signature`] when it does not verify or has the wrong length.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<()> {
        let ok = match &self.inner {
            VerifyingInner::Ed25519(k) => super::ed25519::verify(k, message, signature),
            VerifyingInner::Es256(k, sec1) => signature.len() == 64 && verify_es256(k, sec1, message, signature),
            #[cfg(feature = "hc1")]
            VerifyingInner::Ps256(k) => k.verify(message, signature),
        };
        if ok { Ok(()) } else { Err(Error::Signature) }
    }
}

/// Whether `der` is an SPKI of an elliptic-curve key (id-ecPublicKey), so a refusal can say
/// which kind of key it was instead of the last parser's words.
fn is_ec_spki(der: &[u8]) -> bool {
    use p256::pkcs8::der::Decode as _;
    p256::pkcs8::SubjectPublicKeyInfoRef::from_der(der)
        .is_ok_and(|spki| spki.algorithm.oid == p256::elliptic_curve::ALGORITHM_OID)
}

/// ES256 over a fixed 64-byte r||s, with the pure-Rust p256 crate.
#[cfg(not(feature = "ring"))]
fn verify_es256(key: &p256::ecdsa::VerifyingKey, _sec1: &[u8; 65], message: &[u8], signature: &[u8]) -> bool {
    use signature::Verifier as _;
    p256::ecdsa::Signature::from_slice(signature).is_ok_and(|s| key.verify(message, &s).is_ok())
}

/// ES256 over a fixed 64-byte r||s, with ring (feature `ring`).
#[cfg(feature = "ring")]
fn verify_es256(_key: &p256::ecdsa::VerifyingKey, sec1: &[u8; 65], message: &[u8], signature: &[u8]) -> bool {
    use ring::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, sec1).verify(message, signature).is_ok()
}

#[allow(clippy::expect_used)]
fn spki_der_ed25519(key: &ed25519_dalek::VerifyingKey) -> Vec<u8> {
    // safe: the SPKI of an Ed25519 key is a fixed 44-byte structure written into a growable
    // buffer; the encoder has no failing case for it.
    key.to_public_key_der().map(|d| d.into_vec()).expect("Ed25519 SPKI encoding is infallible")
}

#[allow(clippy::expect_used)]
fn spki_der_p256(key: &p256::ecdsa::VerifyingKey) -> Vec<u8> {
    // safe: the SPKI of a P-256 key is a fixed 91-byte structure (uncompressed point) written
    // into a growable buffer; the encoder has no failing case for it.
    key.to_public_key_der().map(|d| d.into_vec()).expect("P-256 SPKI encoding is infallible")
}
