//! A logged-in token and the signers on it.

use std::path::Path;
use std::sync::Mutex;

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::Mechanism;
use cryptoki::mechanism::eddsa::{EddsaParams, EddsaSignatureScheme};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use docseal::{Algorithm, Kid, Signer, VerifyingKey};
use sha2::Digest as _;

use crate::{Pin, Pkcs11Error};

/// DER of the curve OIDs in `CKA_EC_PARAMS`: P-256 (prime256v1) and Ed25519 (RFC 8410).
const P256_OID: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const ED25519_OID: &[u8] = &[0x06, 0x03, 0x2b, 0x65, 0x70];
/// The same curve as a PrintableString, which some tokens write instead of the OID.
const ED25519_NAME: &[u8] = b"\x13\x0cedwards25519";

/// One token of a PKCS#11 module, found by its label.
pub struct Token {
    pkcs11: Pkcs11,
    slot: Slot,
    label: String,
    /// Held open so that the login lasts: PKCS#11 logs out when the last session closes.
    session: Session,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token").field("label", &self.label).field("slot", &self.slot).finish_non_exhaustive()
    }
}

impl Token {
    /// Loads `module` and opens the token labelled `label`.
    ///
    /// # Errors
    /// [`Pkcs11Error::Module`] when the library does not load, [`Pkcs11Error::TokenNotFound`]
    /// (with the labels present) when no slot holds the token.
    pub fn open(module: &Path, label: &str) -> Result<Self, Pkcs11Error> {
        let module_error = |source| Pkcs11Error::Module { path: module.to_owned(), source };
        let pkcs11 = Pkcs11::new(module).map_err(module_error)?;
        match pkcs11.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
            // Another Token of this process initialised the module already.
            Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
            Err(e) => return Err(module_error(e)),
        }
        let mut present = Vec::new();
        for slot in pkcs11.get_slots_with_token().map_err(Pkcs11Error::token("listing slots"))? {
            let info = pkcs11.get_token_info(slot).map_err(Pkcs11Error::token("reading token info"))?;
            let found = info.label().trim_end();
            if found == label {
                let session = pkcs11.open_rw_session(slot).map_err(Pkcs11Error::token("opening a session"))?;
                return Ok(Self { pkcs11, slot, label: label.to_owned(), session });
            }
            // A free slot (SoftHSM2 keeps one) has a blank label: nothing to name.
            if !found.is_empty() {
                present.push(found.to_owned());
            }
        }
        Err(Pkcs11Error::TokenNotFound { label: label.to_owned(), present })
    }

    /// Logs the user in with `pin`.
    ///
    /// # Errors
    /// [`Pkcs11Error::Login`] for a wrong PIN or a locked token.
    pub fn login(&self, pin: &Pin) -> Result<(), Pkcs11Error> {
        let pin = AuthPin::new(pin.expose().into());
        match self.session.login(UserType::User, Some(&pin)) {
            Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => Ok(()),
            Err(source) => Err(Pkcs11Error::Login { token: self.label.clone(), source }),
        }
    }

    /// Generates an Ed25519 or P-256 key pair inside the token, labelled `key_label` (the
    /// private key sensitive and not extractable), and returns its signer.
    ///
    /// # Errors
    /// [`Pkcs11Error::KeyExists`] when the label is taken, [`Pkcs11Error::UnsupportedKey`]
    /// for PS256, or the token's refusal.
    pub fn generate(&self, key_label: &str, algorithm: Algorithm) -> Result<Pkcs11Signer, Pkcs11Error> {
        if !self.find(ObjectClass::PRIVATE_KEY, key_label)?.is_empty() {
            return Err(Pkcs11Error::KeyExists { label: key_label.to_owned() });
        }
        let (mechanism, curve) = match algorithm {
            Algorithm::EdDsa => (Mechanism::EccEdwardsKeyPairGen, ED25519_OID),
            Algorithm::Es256 => (Mechanism::EccKeyPairGen, P256_OID),
            other => {
                return Err(Pkcs11Error::UnsupportedKey {
                    label: key_label.to_owned(),
                    reason: format!("docseal issues with EdDSA or ES256, not {other}"),
                });
            }
        };
        let label = key_label.as_bytes().to_vec();
        let public = [
            Attribute::Token(true),
            Attribute::Verify(true),
            Attribute::EcParams(curve.to_vec()),
            Attribute::Label(label.clone()),
        ];
        let private = [
            Attribute::Token(true),
            Attribute::Private(true),
            Attribute::Sensitive(true),
            Attribute::Extractable(false),
            Attribute::Sign(true),
            Attribute::Label(label),
        ];
        self.session
            .generate_key_pair(&mechanism, &public, &private)
            .map_err(Pkcs11Error::token("generating a key pair"))?;
        self.signer(key_label)
    }

    /// The signer for the private key labelled `key_label` (its public key, same label,
    /// gives the kid). One probe signature is checked against the public key, so a label
    /// shared by keys that do not belong together is caught here, not at a relying party.
    ///
    /// # Errors
    /// [`Pkcs11Error::KeyNotFound`], [`Pkcs11Error::AmbiguousKey`],
    /// [`Pkcs11Error::UnsupportedKey`], or the token's refusal.
    pub fn signer(&self, key_label: &str) -> Result<Pkcs11Signer, Pkcs11Error> {
        let key = self.one(ObjectClass::PRIVATE_KEY, key_label)?;
        let public = self.one(ObjectClass::PUBLIC_KEY, key_label).map_err(|e| match e {
            Pkcs11Error::KeyNotFound { label } => Pkcs11Error::UnsupportedKey {
                label,
                reason: "no public key object with the same label (docseal needs it for the kid)".into(),
            },
            other => other,
        })?;
        let attributes = self
            .session
            .get_attributes(public, &[AttributeType::KeyType, AttributeType::EcParams, AttributeType::EcPoint])
            .map_err(Pkcs11Error::token("reading the public key"))?;
        let (mut key_type, mut params, mut point) = (None, None, None);
        for attribute in attributes {
            match attribute {
                Attribute::KeyType(t) => key_type = Some(t),
                Attribute::EcParams(p) => params = Some(p),
                Attribute::EcPoint(p) => point = Some(p),
                _ => {}
            }
        }
        let unsupported =
            |reason: &str| Pkcs11Error::UnsupportedKey { label: key_label.to_owned(), reason: reason.to_owned() };
        let point = point.ok_or_else(|| unsupported("the public key has no CKA_EC_POINT"))?;
        let point = unwrap_octet_string(&point);
        let verifying_key = match (key_type, params.as_deref()) {
            (Some(KeyType::EC_EDWARDS), Some(ED25519_OID | ED25519_NAME)) => {
                let bytes: &[u8; 32] = point.try_into().map_err(|_| unsupported("an Ed25519 point is 32 bytes"))?;
                VerifyingKey::from_ed25519_bytes(bytes)
            }
            (Some(KeyType::EC), Some(P256_OID)) => VerifyingKey::from_p256_sec1(point),
            _ => return Err(unsupported("not an Ed25519 or P-256 key")),
        }
        .map_err(|e| unsupported(&e.to_string()))?;
        let session = self.pkcs11.open_ro_session(self.slot).map_err(Pkcs11Error::token("opening a session"))?;
        let signer = Pkcs11Signer { session: Mutex::new(session), key, verifying_key, label: key_label.to_owned() };
        let probe = b"docseal: does this private key match its public key?";
        let signature = signer.sign(probe).map_err(|e| unsupported(&e.to_string()))?;
        signer
            .verifying_key
            .verify(probe, &signature)
            .map_err(|_| unsupported("the private key does not match the public key of the same label"))?;
        Ok(signer)
    }

    fn find(&self, class: ObjectClass, label: &str) -> Result<Vec<ObjectHandle>, Pkcs11Error> {
        self.session
            .find_objects(&[Attribute::Class(class), Attribute::Label(label.as_bytes().to_vec())])
            .map_err(Pkcs11Error::token("finding keys"))
    }

    fn one(&self, class: ObjectClass, label: &str) -> Result<ObjectHandle, Pkcs11Error> {
        match self.find(class, label)?.as_slice() {
            [] => Err(Pkcs11Error::KeyNotFound { label: label.to_owned() }),
            [one] => Ok(*one),
            many => Err(Pkcs11Error::AmbiguousKey { label: label.to_owned(), count: many.len() }),
        }
    }
}

/// `CKA_EC_POINT` is a DER OCTET STRING around the point in PKCS#11 2.40; some tokens give
/// the bare point. A short-form length that covers the rest marks the wrapper.
fn unwrap_octet_string(bytes: &[u8]) -> &[u8] {
    match bytes {
        [0x04, len, rest @ ..] if usize::from(*len) == rest.len() && *len < 0x80 => rest,
        other => other,
    }
}

/// Signs inside the token; the private key never leaves it.
pub struct Pkcs11Signer {
    session: Mutex<Session>,
    key: ObjectHandle,
    verifying_key: VerifyingKey,
    label: String,
}

impl std::fmt::Debug for Pkcs11Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkcs11Signer")
            .field("label", &self.label)
            .field("algorithm", &self.verifying_key.algorithm())
            .field("kid", &self.verifying_key.kid())
            .finish_non_exhaustive()
    }
}

impl Pkcs11Signer {
    /// The public key, for the trust list.
    #[must_use]
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.verifying_key
    }

    /// The key's label on the token.
    #[must_use]
    pub fn label(&self) -> &str {
        &self.label
    }
}

impl Signer for Pkcs11Signer {
    fn algorithm(&self) -> Algorithm {
        self.verifying_key.algorithm()
    }

    fn kid(&self) -> Kid {
        self.verifying_key.kid()
    }

    fn sign(&self, to_be_signed: &[u8]) -> docseal::Result<Vec<u8>> {
        let session = self
            .session
            .lock()
            .map_err(|_| docseal::Error::key(format!("PKCS#11 key {:?}: a signing thread panicked", self.label)))?;
        let result = match self.verifying_key.algorithm() {
            Algorithm::EdDsa => {
                session.sign(&Mechanism::Eddsa(EddsaParams::new(EddsaSignatureScheme::Pure)), self.key, to_be_signed)
            }
            // Plain CKM_ECDSA over a SHA-256 computed here: every token has it, unlike the
            // combined CKM_ECDSA_SHA256. The result is r || s, as COSE wants it.
            _ => session.sign(&Mechanism::Ecdsa, self.key, &sha2::Sha256::digest(to_be_signed)),
        };
        result.map_err(|e| docseal::Error::key(format!("PKCS#11 key {:?}: {e}", self.label)))
    }
}

#[cfg(test)]
mod tests {
    use super::unwrap_octet_string;

    #[test]
    fn ec_points_lose_their_der_wrapper_only() {
        assert_eq!(unwrap_octet_string(&[0x04, 0x02, 0xaa, 0xbb]), &[0xaa, 0xbb]);
        // An uncompressed P-256 point starts with 04 too: its second byte is no length of
        // the rest, so it is left alone.
        let mut bare = vec![0x04; 65];
        bare[1] = 0x10;
        assert_eq!(unwrap_octet_string(&bare), bare.as_slice());
    }
}
