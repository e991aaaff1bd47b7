//! Criterion benches: each stage of a verification, end to end, bulk over batch sizes, and
//! the raw signature baselines on the same messages. `cargo bench -p docseal-bench`.
// A benchmark harness: a failed setup should stop loudly.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use docseal::Limits;
use docseal::codec::decode_text;
use docseal::cose::parse_sign1;
use docseal_bench::{fixture, raw_keys};
use signature::Verifier as _;
use std::hint::black_box;

fn stages(c: &mut Criterion) {
    let f = fixture("EdDSA", 1);
    let text = &f.texts[0];
    let cose = &f.cose[0];
    let parsed = parse_sign1(cose).unwrap_or_else(|e| panic!("{e}"));
    let (ed, _) = raw_keys(&f);
    let trusted = f.verifier.trust_list().keys()[0].key();
    // A compressible COSE (the payload padded with zeros), so its text goes through zlib.
    let compressible = docseal::codec::encode_text(&[cose.as_slice(), &[0u8; 512][..]].concat());
    assert!(compressible.len() < 2 * cose.len(), "the padded COSE is compressed");
    let mut g = c.benchmark_group("stages");
    g.bench_function("prefix_base45", |b| b.iter(|| decode_text(black_box(text), &Limits::default())));
    g.bench_function("prefix_base45_inflate", |b| b.iter(|| decode_text(black_box(&compressible), &Limits::default())));
    g.bench_function("cose_parse", |b| b.iter(|| parse_sign1(black_box(cose))));
    g.bench_function("cbor_claims_and_document", |b| {
        b.iter(|| docseal::wire::decode_payload(black_box(&parsed.payload)))
    });
    g.bench_function("trust_lookup", |b| b.iter(|| f.verifier.trust_list().lookup(black_box(parsed.kid)).count()));
    g.bench_function("signature_docseal", |b| {
        b.iter(|| trusted.verify(black_box(&parsed.to_be_signed), &parsed.signature))
    });
    let sig = ed25519_dalek::Signature::from_bytes(&f.signatures[0]);
    g.bench_function("raw_verify_strict", |b| b.iter(|| ed.verify_strict(black_box(&f.messages[0]), &sig)));
    g.finish();
}

fn end_to_end(c: &mut Criterion) {
    let ed = fixture("EdDSA", 1);
    let es = fixture("ES256", 1);
    let (_, p256_key) = raw_keys(&es);
    let es_sig = p256::ecdsa::Signature::from_slice(&es.signatures[0]).unwrap_or_else(|e| panic!("{e}"));
    let mut g = c.benchmark_group("single");
    g.bench_function("ed25519_end_to_end", |b| b.iter(|| ed.verifier.verify(black_box(&ed.texts[0]), ed.now)));
    g.bench_function("es256_end_to_end", |b| b.iter(|| es.verifier.verify(black_box(&es.texts[0]), es.now)));
    g.bench_function("raw_p256_verify", |b| b.iter(|| p256_key.verify(black_box(&es.messages[0]), &es_sig)));
    g.finish();
}

fn bulk(c: &mut Criterion) {
    let f = fixture("EdDSA", 1024);
    let (ed, _) = raw_keys(&f);
    let sigs: Vec<_> = f.signatures.iter().map(ed25519_dalek::Signature::from_bytes).collect();
    let one_thread = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap_or_else(|e| panic!("{e}"));
    let mut g = c.benchmark_group("bulk_ed25519");
    g.sample_size(10);
    for n in [1usize, 8, 64, 256, 1024] {
        g.throughput(Throughput::Elements(n as u64));
        let texts = &f.texts[..n];
        g.bench_with_input(BenchmarkId::new("docseal_1_thread", n), &n, |b, _| {
            b.iter(|| one_thread.install(|| f.verifier.verify_many(black_box(texts), f.now)));
        });
        g.bench_with_input(BenchmarkId::new("docseal_all_threads", n), &n, |b, _| {
            b.iter(|| f.verifier.verify_many(black_box(texts), f.now));
        });
        let messages: Vec<&[u8]> = f.messages[..n].iter().map(Vec::as_slice).collect();
        let keys = vec![ed; n];
        g.bench_with_input(BenchmarkId::new("raw_verify_batch", n), &n, |b, _| {
            b.iter(|| ed25519_dalek::verify_batch(black_box(&messages), &sigs[..n], &keys));
        });
        g.bench_with_input(BenchmarkId::new("raw_verify_strict", n), &n, |b, _| {
            b.iter(|| messages.iter().zip(&sigs[..n]).all(|(m, s)| ed.verify_strict(m, s).is_ok()));
        });
    }
    g.finish();
}

criterion_group!(benches, stages, end_to_end, bulk);
criterion_main!(benches);
