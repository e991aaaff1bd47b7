use super::*;
use crate::samples::{BAD_KINDS, Corpus};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).map(|t| t.to_utc()).unwrap_or_default()
}

fn kinds(results: &[Result<Verified<Credential>>]) -> Vec<Option<&'static str>> {
    results.iter().map(|r| r.as_ref().err().map(|e| e.kind().as_str())).collect()
}

/// Acceptance: bulk and single agree on >= 2,000 payloads with ~10% bad ones of every kind,
/// forged Ed25519 signatures in the middle of batches included.
#[test]
fn bulk_equals_single_on_a_mixed_corpus() {
    let corpus = Corpus::generate(2_100, 100, 7, at("2026-11-21T09:00:00Z")).unwrap();
    let verifier = Verifier::new(corpus.trust.clone());
    let bulk = verifier.verify_many(&corpus.payloads, corpus.verify_at);
    let single: Vec<_> = corpus.payloads.iter().map(|t| verifier.verify(t, corpus.verify_at)).collect();
    assert_eq!(bulk, single);
    assert_eq!(kinds(&bulk), corpus.expected, "each payload gets the outcome it was built for");
    let bad = corpus.expected.iter().filter(|e| e.is_some()).count();
    assert!((200..=220).contains(&bad), "{bad} bad payloads");
    for kind in BAD_KINDS {
        assert!(corpus.expected.contains(&Some(kind)), "no {kind} case");
    }
}

#[test]
fn a_forgery_inside_an_ed25519_batch_is_found() {
    let corpus = Corpus::generate(300, 0, 3, at("2026-11-21T09:00:00Z")).unwrap();
    let verifier = Verifier::new(corpus.trust.clone());
    let mut payloads = corpus.payloads.clone();
    // Swap the signatures of two Ed25519 payloads in the middle: both become forgeries.
    let (a, b) = (150, 156);
    let (ca, cb) = (
        crate::codec::decode_text(&payloads[a], &crate::Limits::default()).unwrap(),
        crate::codec::decode_text(&payloads[b], &crate::Limits::default()).unwrap(),
    );
    let pa = crate::cose::parse_sign1(&ca).unwrap();
    let pb = crate::cose::parse_sign1(&cb).unwrap();
    payloads[a] = crate::codec::encode_text(&crate::cose::replace_payload(&ca, pb.payload.clone()).unwrap());
    payloads[b] = crate::codec::encode_text(&crate::cose::replace_payload(&cb, pa.payload.clone()).unwrap());
    let results = verifier.verify_many(&payloads, corpus.verify_at);
    let refused: Vec<usize> = (0..results.len()).filter(|&i| results[i].is_err()).collect();
    assert_eq!(refused, vec![a, b]);
    assert_eq!(results[a].as_ref().err(), Some(&crate::Error::Signature));
}

#[test]
fn small_order_r_is_not_batched_and_is_refused() {
    let corpus = Corpus::generate(1, 0, 5, at("2026-11-21T09:00:00Z")).unwrap();
    let verifier = Verifier::new(corpus.trust.clone());
    let limits = crate::Limits::default();
    let parsed = crate::cose::parse_sign1(&crate::codec::decode_text(&corpus.payloads[0], &limits).unwrap()).unwrap();
    // R = the identity point (small order), S = 0: the same header and payload, re-signed badly.
    let mut signature = vec![0u8; 64];
    signature[0] = 1;
    let forged = crate::cose::PreparedSign1::new(crate::Algorithm::EdDsa, parsed.kid, parsed.payload)
        .finalize(signature)
        .unwrap();
    let text = crate::codec::encode_text(&forged);
    assert!(!screen::batchable(&verifier.prepare(&text).unwrap()));
    assert_eq!(verifier.verify(&text, corpus.verify_at).unwrap_err(), crate::Error::Signature);
    let bulk = verifier.verify_many(&[text.as_str(), corpus.payloads[0].as_str()], corpus.verify_at);
    assert_eq!(bulk[0].as_ref().unwrap_err(), &crate::Error::Signature);
    assert!(bulk[1].is_ok());
}

#[test]
fn streaming_keeps_order_and_counts() {
    let corpus = Corpus::generate(500, 100, 11, at("2026-11-21T09:00:00Z")).unwrap();
    let verifier = Verifier::new(corpus.trust.clone());
    let mut input = corpus.payloads.join("\n");
    input.push_str("\n\n");
    input.push_str(&"A".repeat(100_000));
    input.push('\n');
    let mut seen = Vec::new();
    let summary = verify_lines(&verifier, input.as_bytes(), corpus.verify_at, 37, |r| {
        seen.push(r.as_ref().err().map(|e| e.kind().as_str()));
        Ok(())
    })
    .unwrap();
    let mut expected = corpus.expected.clone();
    expected.extend([Some("prefix"), Some("limit")]);
    assert_eq!(seen, expected);
    assert_eq!(summary.total, 502);
    assert_eq!(summary.valid as usize, corpus.expected.iter().filter(|e| e.is_none()).count());
    assert_eq!(summary.refused.values().sum::<u64>() + summary.valid, 502);
}

#[test]
fn bulk_lines_are_trimmed_like_single_verification() {
    let corpus = Corpus::generate(2, 0, 9, at("2026-11-21T09:00:00Z")).unwrap();
    let verifier = Verifier::new(corpus.trust.clone());
    let input = format!("  {}\t\r\n{} \n", corpus.payloads[0], corpus.payloads[1]);
    let mut kinds = Vec::new();
    let summary = verify_lines(&verifier, input.as_bytes(), corpus.verify_at, 8, |r| {
        kinds.push(r.as_ref().err().map(|e| e.kind().as_str()));
        Ok(())
    })
    .unwrap();
    assert_eq!(kinds, corpus.expected[..2].to_vec());
    assert_eq!(summary.valid, 2);
}

#[test]
fn verify_many_works_in_windows_and_keeps_order() {
    let corpus = Corpus::generate(1_200, 100, 13, at("2026-11-21T09:00:00Z")).unwrap();
    // A small inflation cap makes the window small (about 64 texts), so the corpus spans many.
    let limits = crate::Limits::default().with_max_inflated_len(4 * 1024);
    let verifier = Verifier::new(corpus.trust.clone()).with_policy(crate::Policy::default().with_limits(limits));
    let results = verifier.verify_many(&corpus.payloads, corpus.verify_at);
    assert_eq!(results.len(), corpus.payloads.len());
    let single: Vec<_> = corpus
        .payloads
        .iter()
        .map(|p| verifier.verify(p, corpus.verify_at).map(|_| ()).map_err(|e| e.kind()))
        .collect();
    let many: Vec<_> = results.iter().map(|r| r.as_ref().map(|_| ()).map_err(|e| e.kind())).collect();
    assert_eq!(many, single);
}
