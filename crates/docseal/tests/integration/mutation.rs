//! Mutation test: every single-bit flip of the COSE bytes, and single-character changes of
//! the QR text, of valid payloads (all three documents, both algorithms) are refused or give
//! exactly the same verified claims and document.
//!
//! Regions that may change harmlessly: none were found; the test lists any accepted mutation
//! with its offset and fails if one changes what was verified.

use docseal::Limits;
use docseal::Verifier;
use docseal::codec::decode_text;
use docseal::samples::Corpus;

const QR_ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

#[test]
fn mutations_are_refused_or_harmless() {
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-21T09:00:00Z").unwrap().to_utc();
    // Items 0..6 of a corpus cover the three documents with both algorithms.
    let corpus = Corpus::generate(6, 0, 21, at).unwrap();
    let verifier = Verifier::new(corpus.trust.clone());
    let now = corpus.verify_at;
    let mut harmless = Vec::new();
    let mut tried = 0usize;
    for text in &corpus.payloads {
        let original = verifier.verify(text, now).unwrap();
        let same = |v: &docseal::Verified<docseal::model::Credential>| {
            v.claims() == original.claims() && v.credential() == original.credential() && v.kid() == original.kid()
        };
        let cose = decode_text(text, &Limits::default()).unwrap();
        for byte in 0..cose.len() {
            for bit in 0..8 {
                let mut flipped = cose.clone();
                flipped[byte] ^= 1 << bit;
                tried += 1;
                if let Ok(v) = verifier.verify_cose(&flipped, now) {
                    assert!(same(&v), "bit {bit} of byte {byte} changed the verified content");
                    harmless.push(("cose byte", byte));
                }
            }
        }
        let bytes = text.as_bytes();
        for pos in 0..bytes.len() {
            // Three replacements per position keep the run short; they differ in every bit pattern class.
            let at = QR_ALPHABET.iter().position(|&c| c == bytes[pos]).unwrap_or(0);
            for step in [1, 17, 31] {
                let mut changed = bytes.to_vec();
                changed[pos] = QR_ALPHABET[(at + step) % QR_ALPHABET.len()];
                let changed = String::from_utf8(changed).unwrap();
                tried += 1;
                if let Ok(v) = verifier.verify(&changed, now) {
                    assert!(same(&v), "character {pos} changed the verified content");
                    harmless.push(("text char", pos));
                }
            }
        }
    }
    println!("mutation test: {tried} mutations of 6 payloads, {} accepted unchanged: {harmless:?}", harmless.len());
    assert!(tried > 20_000);
    assert!(harmless.is_empty(), "no region of a DS1 payload is malleable: {harmless:?}");
}
