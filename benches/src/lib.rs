//! Shared fixtures for the benches and the ratio report: real payloads and the raw
//! signature inputs taken from them, so baselines and docseal check the same messages.
// A benchmark harness: a failed setup should stop loudly.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Utc};
use docseal::cose::parse_sign1;
use docseal::samples::Corpus;
use docseal::{Verifier, codec};

/// A set of valid payloads of one algorithm, with their raw signature inputs.
pub struct Fixture {
    /// The QR texts.
    pub texts: Vec<String>,
    /// The verifier with the corpus's trust list.
    pub verifier: Verifier,
    /// When to verify.
    pub now: DateTime<Utc>,
    /// Sig_structure bytes of each payload.
    pub messages: Vec<Vec<u8>>,
    /// Signatures of each payload.
    pub signatures: Vec<[u8; 64]>,
    /// The COSE bytes of each payload.
    pub cose: Vec<Vec<u8>>,
    /// The trust list as the command line reads it.
    pub trust_json: String,
}

/// `count` valid payloads signed with `alg` ("EdDSA" or "ES256"), all driving licences.
///
/// # Panics
/// If the corpus generator fails, which it does not.
#[must_use]
pub fn fixture(alg: &str, count: usize) -> Fixture {
    let issued_at = DateTime::parse_from_rfc3339("2026-11-21T09:00:00Z").map(|t| t.to_utc()).unwrap_or_default();
    // The corpus alternates documents (i % 3) and algorithms ((i / 3) % 2): keep licences of `alg`.
    let corpus = Corpus::generate(count * 6 + 6, 0, 42, issued_at).unwrap_or_else(|e| panic!("corpus: {e}"));
    let want_ed = alg == "EdDSA";
    let texts: Vec<String> = corpus
        .payloads
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 3 == 0 && ((i / 3) % 2 == 0) == want_ed)
        .map(|(_, t)| t.clone())
        .take(count)
        .collect();
    let cose: Vec<Vec<u8>> =
        texts.iter().map(|t| codec::decode_text(t, &docseal::Limits::default()).unwrap_or_default()).collect();
    let parsed: Vec<_> = cose.iter().map(|c| parse_sign1(c).unwrap_or_else(|e| panic!("parse: {e}"))).collect();
    Fixture {
        messages: parsed.iter().map(|p| p.to_be_signed.clone()).collect(),
        signatures: parsed.iter().map(|p| p.signature.as_slice().try_into().unwrap_or([0; 64])).collect(),
        cose,
        texts,
        verifier: Verifier::new(corpus.trust),
        trust_json: corpus.trust_json,
        now: corpus.verify_at,
    }
}

/// The Ed25519 and P-256 keys of the corpus, for the raw baselines.
#[must_use]
pub fn raw_keys(f: &Fixture) -> (ed25519_dalek::VerifyingKey, p256::ecdsa::VerifyingKey) {
    use p256::pkcs8::DecodePublicKey as _;
    let keys = f.verifier.trust_list().keys();
    let ed_pem = keys[0].key().to_spki_pem().unwrap_or_default();
    let ed = ed25519_dalek::VerifyingKey::from_public_key_pem(&ed_pem)
        .unwrap_or_else(|e| panic!("first corpus key is Ed25519: {e}"));
    let pem = keys[1].key().to_spki_pem().unwrap_or_default();
    let es = p256::ecdsa::VerifyingKey::from_public_key_pem(&pem).unwrap_or_else(|e| panic!("p256 key: {e}"));
    (ed, es)
}
