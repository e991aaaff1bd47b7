//! A signed envelope as the verifier holds it, whichever reader opened it.

use crate::algorithm::Kid;

/// A parsed COSE_Sign1 as the verifier holds it: one buffer with the Sig_structure, then
/// the signature. The payload is the Sig_structure's last item, so it is a slice of it
/// rather than a copy: one allocation and one copy per credential instead of three.
#[derive(Debug)]
pub(crate) struct Sign1 {
    pub(crate) alg: Option<i64>,
    pub(crate) kid: Kid,
    bytes: Vec<u8>,
    to_be_signed_len: usize,
    payload_len: usize,
}

impl Sign1 {
    /// Puts `signature` after `to_be_signed`, whose last `payload_len` bytes are the payload.
    pub(crate) fn new(alg: Option<i64>, kid: Kid, to_be_signed: Vec<u8>, payload_len: usize, signature: &[u8]) -> Self {
        let to_be_signed_len = to_be_signed.len();
        // Both parsers build the Sig_structure with the payload as its last item.
        debug_assert!(payload_len <= to_be_signed_len);
        let mut bytes = to_be_signed;
        bytes.extend_from_slice(signature);
        Self { alg, kid, bytes, to_be_signed_len, payload_len }
    }

    /// The Sig_structure, built over the protected header bytes exactly as received.
    pub(crate) fn to_be_signed(&self) -> &[u8] {
        &self.bytes[..self.to_be_signed_len]
    }

    /// The payload (the CWT claims set).
    pub(crate) fn payload(&self) -> &[u8] {
        &self.bytes[self.to_be_signed_len - self.payload_len..self.to_be_signed_len]
    }

    /// The signature bytes.
    pub(crate) fn signature(&self) -> &[u8] {
        &self.bytes[self.to_be_signed_len..]
    }
}

