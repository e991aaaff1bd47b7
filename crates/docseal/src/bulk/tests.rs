use super::*;
use crate::samples::{BAD_KINDS, Corpus};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).map(|t| t.to_utc()).unwrap_or_default()
}

fn kinds(results: &[Result<AnyVerified>]) -> Vec<Option<&'static str>> {
    results.iter().map(|r| r.as_ref().err().map(|e| e.kind().as_str())).collect()
}

/// Acceptance: bulk and single agree on >= 2,000 payloads with ~10% bad ones of every kind,
/// forged Ed25519 signatures in the middle of batches included.
#[test]
fn bulk_equals_single_on_a_mixed_corpus() {
    let corpus = Corpus::generate(2_100, 100, 7, at("2026-11-21T09:00:00Z")).unwrap();
    let verifier = Verifier::new(corpus.trust.clone());
    let bulk = verifier.verify_many(&corpus.payloads, corpus.verify_at);
    let single: Vec<_> = corpus.payloads.iter().map(|t| verifier.verify_any(t, corpus.verify_at)).collect();
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
    assert!(!screen::batchable(&verifier.prepare_any(&text).unwrap()));
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
fn verify_many_works_in_chunks_and_keeps_order() {
    // Several chunks, with zlib-looking texts among them that each count as what they could
    // inflate to.
    let mut corpus = Corpus::generate(2 * super::BATCH + 300, 100, 13, at("2026-11-21T09:00:00Z")).unwrap();
    let zlib_like = format!("DS1:{}", crate::codec::base45::encode([0x78, 0xda, 0, 0]));
    for i in (0..corpus.payloads.len()).step_by(97) {
        corpus.payloads[i] = zlib_like.clone();
    }
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

/// Signs `tbs` as the holder of `seed` would, with `torsion` added to `R` (and `k` computed
/// over the changed `R`): a signature only the key holder can make.
fn sign_with_torsion(seed: &[u8; 32], tbs: &[u8], nonce: u8, torsion: curve25519_dalek::EdwardsPoint) -> Vec<u8> {
    use curve25519_dalek::constants::ED25519_BASEPOINT_POINT as B;
    use curve25519_dalek::scalar::{Scalar, clamp_integer};
    use sha2::{Digest as _, Sha512};
    let h = Sha512::digest(seed);
    let a = Scalar::from_bytes_mod_order(clamp_integer(h[..32].try_into().unwrap()));
    let public = (a * B).compress().to_bytes();
    let r = Scalar::from_bytes_mod_order([nonce; 32]);
    let big_r = (r * B + torsion).compress().to_bytes();
    let k = Scalar::from_bytes_mod_order_wide(
        &Sha512::new().chain_update(big_r).chain_update(public).chain_update(tbs).finalize().into(),
    );
    let s = r + k * a;
    [big_r.as_slice(), s.as_bytes().as_slice()].concat()
}

/// Issue 10 item 6: an `R` with a torsion component of order 1, 2, 4 or 8 gets one decision
/// from the single check and from the batch, alone and mixed with honest signatures.
#[test]
fn bulk_and_single_agree_on_every_torsion_order() {
    use curve25519_dalek::edwards::CompressedEdwardsY;
    let seed = [42u8; 32];
    let key = crate::SigningKey::from_ed25519_seed(&seed);
    let mut trust = crate::TrustList::new();
    trust.add(crate::TrustedKey::new("torsion test", key.verifying_key()));
    let verifier = Verifier::new(trust);
    let issuer = crate::Issuer::new(key, "X").unwrap();
    let now = at("2026-11-21T09:00:00Z");
    let honest = issuer.issue(&crate::model::Credential::from(crate::samples::licence()), now).unwrap();
    let parsed = crate::cose::parse_sign1(&honest.cose).unwrap();
    // The point of order 8 from the small-order table; its multiples have orders 4, 2, 1.
    let order8 = CompressedEdwardsY(crate::cose::SMALL_ORDER_R[6]).decompress().unwrap();
    let mut texts = Vec::new();
    for (order, torsion) in [
        (1, order8 * curve25519_dalek::Scalar::from(8u8)),
        (2, order8 * curve25519_dalek::Scalar::from(4u8)),
        (4, order8 * curve25519_dalek::Scalar::from(2u8)),
        (8, order8),
    ] {
        for nonce in 1..=3u8 {
            let prepared = crate::cose::PreparedSign1::new(crate::Algorithm::EdDsa, parsed.kid, parsed.payload.clone());
            let signature = sign_with_torsion(&seed, &prepared.to_be_signed(), nonce.wrapping_mul(order), torsion);
            texts.push((order, crate::codec::encode_text(&prepared.finalize(signature).unwrap())));
        }
    }
    let single: Vec<_> = texts.iter().map(|(_, t)| verifier.verify(t, now).is_ok()).collect();
    // The cofactored rule accepts them all: the torsion component only the key holder can add.
    assert!(single.iter().all(|&ok| ok), "{single:?}");
    let mut mixed: Vec<&str> = texts.iter().map(|(_, t)| t.as_str()).collect();
    mixed.extend(std::iter::repeat_n(honest.text.as_str(), 64));
    let bulk: Vec<bool> = verifier.verify_many(&mixed, now).iter().map(Result::is_ok).collect();
    assert_eq!(&bulk[..texts.len()], single.as_slice());
    for (order, text) in &texts {
        let alone = verifier.verify_many(&[text.as_str(), text.as_str()], now);
        assert!(alone.iter().all(Result::is_ok), "order {order}");
    }
    // A third party cannot move an honest signature by a torsion point: k changes with R.
    let mut moved = parsed.signature.clone();
    let r = CompressedEdwardsY(moved[..32].try_into().unwrap()).decompress().unwrap() + order8;
    moved[..32].copy_from_slice(&r.compress().to_bytes());
    let prepared = crate::cose::PreparedSign1::new(crate::Algorithm::EdDsa, parsed.kid, parsed.payload.clone());
    let text = crate::codec::encode_text(&prepared.finalize(moved).unwrap());
    assert_eq!(verifier.verify(&text, now).unwrap_err().kind(), "signature");
    let bulk = verifier.verify_many(&[text.as_str(), honest.text.as_str(), honest.text.as_str()], now);
    assert_eq!(bulk[0].as_ref().unwrap_err().kind(), "signature");
}

#[test]
fn chunks_cover_the_input_in_order_within_their_budget() {
    let stored = format!("DS1:{}", crate::codec::base45::encode([0xd2, 0x84, 1, 2, 3, 4]));
    let zlib = format!("DS1:{}", crate::codec::base45::encode([0x78, 0xda, 1, 2, 3, 4]));
    let texts: Vec<&str> = (0..1000).map(|i| if i % 3 == 0 { zlib.as_str() } else { stored.as_str() }).collect();
    for (size, cap) in [(super::BATCH, 16_384), (256, 16_384), (100, 16_384), (256, 64 * 1024), (7, 1 << 30)] {
        let ranges = super::chunks(&texts, size, cap);
        assert_eq!(ranges.first().map(|r| r.start), Some(0));
        assert_eq!(ranges.last().map(|r| r.end), Some(texts.len()));
        assert!(ranges.windows(2).all(|w| w[0].end == w[1].start), "contiguous");
        for r in &ranges {
            assert!(!r.is_empty() && r.len() <= size);
            let held: usize = texts[r.clone()].iter().map(|t| super::held_bound(t, cap)).sum();
            assert!(r.len() == 1 || held <= super::CHUNK_BUDGET, "{r:?} holds {held}");
        }
    }
    // A text that alone may hold more than the budget still gets its chunk.
    assert_eq!(super::chunks(&[zlib.as_str(); 3], 256, 1 << 30).len(), 3);
    assert!(super::chunks::<&str>(&[], 256, 1).is_empty());
}

#[test]
fn held_bound_counts_what_a_zlib_body_may_inflate_to() {
    use crate::codec::base45;
    let zlib = format!("DS1:{}", base45::encode([0x78, 0xda, 1, 2, 3, 4]));
    let stored = format!("DS1:{}", base45::encode([0xd2, 0x84, 1, 2, 3, 4]));
    assert_eq!(super::held_bound(&stored, 16_384), 3 * stored.len() + 256);
    assert_eq!(super::held_bound(&zlib, 16_384), 3 * zlib.len() + 256 + 2 * 16_384);
    // An HC1 body is zlib too, now that the bulk path reads HC1.
    let hc1 = "HC1:6BFOXN";
    assert_eq!(super::held_bound(hc1, 16_384), 3 * hc1.len() + 256 + 2 * 16_384);
    for refused in ["XX1:6BFOXN", "DS1:::", "DS1:", "DS1:ü"] {
        assert_eq!(super::held_bound(refused, 16_384), 3 * refused.len() + 256, "{refused}");
    }
}

/// What `verify --bulk --json` writes for a result.
fn render(out: &mut Vec<u8>, result: &Result<AnyVerified>) -> std::io::Result<()> {
    crate::json::write_line(out, result)
}

/// A corpus as lines, its verifier, and what [`verify_lines`] hands a sink for them (counts
/// and rendered bytes), the reference the writer variant is held to.
fn lines_case(count: usize, bad_per_mille: u32, seed: u64) -> (Corpus, Verifier, String, LineSummary, Vec<u8>) {
    let corpus = Corpus::generate(count, bad_per_mille, seed, at("2026-11-21T09:00:00Z")).unwrap();
    let verifier = Verifier::new(corpus.trust.clone());
    let input = corpus.payloads.join("\n");
    let mut expected = Vec::new();
    let by_sink =
        verify_lines(&verifier, input.as_bytes(), corpus.verify_at, 37, |r| render(&mut expected, r)).unwrap();
    (corpus, verifier, input, by_sink, expected)
}

#[test]
fn lines_into_a_writer_equal_the_sink_and_stop_on_its_error() {
    let (corpus, verifier, input, by_sink, expected) = lines_case(700, 100, 17);
    let (summary, written) =
        super::verify_lines_into(&verifier, input.as_bytes(), corpus.verify_at, 37, render, Vec::new()).unwrap();
    assert_eq!(summary, by_sink);
    assert_eq!(String::from_utf8(written).unwrap(), String::from_utf8(expected).unwrap());

    let stopped = super::verify_lines_into(&verifier, input.as_bytes(), corpus.verify_at, 37, render, Closed);
    assert_eq!(stopped.err().map(|e| e.kind()), Some(std::io::ErrorKind::BrokenPipe));
}

/// With one thread in the pool, the calling thread does it all: the same output, and the same
/// errors from `render`, the reader and the writer.
#[cfg(feature = "parallel")]
#[test]
fn lines_into_on_one_thread_equal_the_sink_and_stop_on_errors() {
    let (corpus, verifier, input, by_sink, expected) = lines_case(600, 150, 31);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    type Render<'r> = &'r (dyn Fn(&mut Vec<u8>, &Result<AnyVerified>) -> std::io::Result<()> + Sync);
    let run =
        |reader: &mut (dyn std::io::BufRead + Send), render: Render<'_>, out: &mut (dyn std::io::Write + Send)| {
            pool.install(|| {
                verify_lines_into(&verifier, reader, corpus.verify_at, 64, render, out).map(|(summary, _)| summary)
            })
        };
    let mut written = Vec::new();
    assert_eq!(run(&mut input.as_bytes(), &render, &mut written).unwrap(), by_sink);
    assert!(written == expected, "output differs from the sink's");

    let rendered = std::sync::atomic::AtomicUsize::new(0);
    let failing = failing_render(&rendered);
    let stopped = run(&mut input.as_bytes(), &failing, &mut Vec::new());
    assert_eq!(stopped.err().map(|e| e.to_string()), Some("render failed".to_owned()));
    let mut broken = std::io::BufReader::new(std::io::Read::chain(input.as_bytes(), Broken));
    let stopped = run(&mut broken, &render, &mut Vec::new());
    assert_eq!(stopped.err().map(|e| e.to_string()), Some("disk gone".to_owned()));
    let stopped = run(&mut input.as_bytes(), &render, &mut Closed);
    assert_eq!(stopped.err().map(|e| e.kind()), Some(std::io::ErrorKind::BrokenPipe));
}

/// [`render`], failing on its 301st line.
fn failing_render(
    rendered: &std::sync::atomic::AtomicUsize,
) -> impl Fn(&mut Vec<u8>, &Result<AnyVerified>) -> std::io::Result<()> + Sync + '_ {
    move |out, r| {
        if rendered.fetch_add(1, std::sync::atomic::Ordering::Relaxed) == 300 {
            return Err(std::io::Error::other("render failed"));
        }
        render(out, r)
    }
}

/// A reader whose disk is gone.
struct Broken;

impl std::io::Read for Broken {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        Err(std::io::Error::other("disk gone"))
    }
}

/// A writer whose reader has gone.
struct Closed;

impl std::io::Write for Closed {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::ErrorKind::BrokenPipe.into())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Pieces finish out of order on several verifying threads (small pieces, uneven work: some
/// lines are refused at once, others checked); the output is in input order all the same,
/// and a `render` error or a failing reader stops the run with that error, without a hang.
#[cfg(feature = "parallel")]
#[test]
fn lines_into_keep_input_order_on_many_threads_and_stop_on_errors() {
    let (corpus, verifier, input, by_sink, expected) = lines_case(600, 150, 29);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
    for chunk in [1, 5, 64] {
        let (summary, written) = pool
            .install(|| verify_lines_into(&verifier, input.as_bytes(), corpus.verify_at, chunk, render, Vec::new()))
            .unwrap();
        assert_eq!(summary, by_sink, "chunk {chunk}");
        assert!(written == expected, "chunk {chunk}: output differs from the sink's");
    }

    let rendered = std::sync::atomic::AtomicUsize::new(0);
    let failing = failing_render(&rendered);
    let stopped =
        pool.install(|| verify_lines_into(&verifier, input.as_bytes(), corpus.verify_at, 8, failing, Vec::new()));
    assert_eq!(stopped.err().map(|e| e.to_string()), Some("render failed".to_owned()));
    // A verifying thread that panics ends the run with an error, not a hang.
    let rendered = std::sync::atomic::AtomicUsize::new(0);
    let panicking = |out: &mut Vec<u8>, r: &Result<AnyVerified>| {
        assert!(rendered.fetch_add(1, std::sync::atomic::Ordering::Relaxed) != 100, "render panicked");
        render(out, r)
    };
    let stopped =
        pool.install(|| verify_lines_into(&verifier, input.as_bytes(), corpus.verify_at, 8, panicking, Vec::new()));
    assert_eq!(stopped.err().map(|e| e.to_string()), Some("bulk verification stopped".to_owned()));

    let reader = std::io::BufReader::new(std::io::Read::chain(input.as_bytes(), Broken));
    let stopped = pool.install(|| verify_lines_into(&verifier, reader, corpus.verify_at, 8, render, Vec::new()));
    assert_eq!(stopped.err().map(|e| e.to_string()), Some("disk gone".to_owned()));
}
