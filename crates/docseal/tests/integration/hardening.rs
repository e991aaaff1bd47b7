//! Limits on hostile input: each breach is a `limit` error, in bounded time and memory.

use std::io::Write as _;

use chrono::{DateTime, Utc};
use docseal::Limits;
use docseal::codec::decode_text;
use docseal::cose::{PreparedSign1, SigningKey};
use docseal::samples::Corpus;
use docseal::{Error, TrustList, TrustedKey, Verifier};

fn at() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-21T09:00:00Z").unwrap().to_utc()
}

/// A zlib stream that inflates to 1 GiB of zeros (about 1 MiB compressed).
fn zlib_bomb() -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..1024 {
        z.write_all(&zeros).unwrap();
    }
    z.finish().unwrap()
}

#[test]
fn zlib_bomb_is_refused_at_the_cap() {
    let bomb = zlib_bomb();
    assert!(bomb.len() < 1_100_000, "1 GiB of zeros compresses to about 1 MiB ({} bytes)", bomb.len());
    let text = format!("DS1:{}", base45::encode(&bomb));
    let limits = Limits::default().with_max_text_len(usize::MAX);
    let started = std::time::Instant::now();
    let err = decode_text(&text, &limits).unwrap_err();
    assert!(matches!(err, Error::Limit { limit: docseal::LimitKind::InflatedLength, max: 16384, .. }), "{err}");
    // Inflation stopped at the cap: far less time than inflating 1 GiB would take.
    assert!(started.elapsed().as_secs() < 5);
    // With default limits the text alone is too long.
    let err = Verifier::new(TrustList::new()).verify(&text, at()).unwrap_err();
    assert!(matches!(err, Error::Limit { limit: docseal::LimitKind::TextLength, .. }));
}

#[test]
fn ten_megabytes_of_input_is_a_limit_error() {
    let text = format!("DS1:{}", "0".repeat(10 * 1024 * 1024));
    let err = Verifier::new(TrustList::new()).verify(&text, at()).unwrap_err();
    assert!(
        matches!(err, Error::Limit { limit: docseal::LimitKind::TextLength, max: 8192, actual } if actual > 10_000_000)
    );
}

#[test]
fn nesting_ten_thousand_deep_is_a_limit_error() {
    // As the COSE structure itself...
    let mut deep = vec![0xd2];
    deep.extend(std::iter::repeat_n(0x81u8, 10_000));
    deep.push(0x00);
    let err = Verifier::new(TrustList::new()).verify_cose(&deep, at()).unwrap_err();
    assert_eq!(err.kind(), "limit", "{err}");
    // ...and inside a correctly signed payload.
    let key = SigningKey::from_ed25519_seed(&[1; 32]);
    let mut trust = TrustList::new();
    trust.add(TrustedKey::new("k", key.verifying_key()));
    let mut payload = vec![0x81u8; 10_000];
    payload.push(0x00);
    let cose = PreparedSign1::sign(&key, payload).unwrap();
    let err = Verifier::new(trust.clone()).verify_cose(&cose, at()).unwrap_err();
    assert_eq!(err.kind(), "limit", "{err}");
    // Just past the document's own depth budget is refused the same way.
    let mut nine = vec![0x81u8; 9];
    nine.push(0x00);
    let err = Verifier::new(trust).verify_cose(&PreparedSign1::sign(&key, nine).unwrap(), at()).unwrap_err();
    assert!(matches!(err, Error::Limit { limit: docseal::LimitKind::CborDepth, max: 8, actual: 10 }), "{err}");
}

#[test]
fn a_thousand_keys_under_one_kid_are_not_all_tried() {
    let corpus = Corpus::generate(1, 0, 2, at()).unwrap();
    let inspected = docseal::inspect(&corpus.payloads[0], &docseal::Limits::default()).unwrap();
    let mut trust = corpus.trust.clone();
    let stranger = SigningKey::from_ed25519_seed(&[8; 32]).verifying_key().with_kid(inspected.kid);
    for i in 0..1_000 {
        trust.add(TrustedKey::new(format!("collision {i}"), stranger.clone()));
    }
    let started = std::time::Instant::now();
    let err = Verifier::new(trust).verify(&corpus.payloads[0], corpus.verify_at).unwrap_err();
    assert!(matches!(err, Error::Limit { limit: docseal::LimitKind::KeysPerKid, max: 8, actual: 1001 }), "{err}");
    assert!(started.elapsed().as_millis() < 500, "refused before any signature check");
}

#[test]
fn strictness_of_the_cose_layer() {
    let corpus = Corpus::generate(1, 0, 4, at()).unwrap();
    let verifier = Verifier::new(corpus.trust.clone());
    let cose = decode_text(&corpus.payloads[0], &Limits::default()).unwrap();
    let mut trailing = cose.clone();
    trailing.push(0xf6);
    assert_eq!(verifier.verify_cose(&trailing, corpus.verify_at).unwrap_err().kind(), "cose");
    assert_eq!(verifier.verify_cose(&cose[1..], corpus.verify_at).unwrap_err().kind(), "cose", "untagged");
    assert!(verifier.verify_cose(&cose, corpus.verify_at).is_ok());
}
