//! HC1 (EU DCC) decode + signature check, docseal against the `dgc` crate, on the vector the
//! bulk issue names (`test-vectors/dcc/AT/2DCode/raw/1.json`, ES256).
//!
//! `cargo run --release --manifest-path benches/peer-dgc/Cargo.toml [-- VECTOR.json]`
//!
//! Both use ring for P-256. docseal does more per call (expiry, key window and key usage,
//! strict kid and header rules, the certificate checked for a JSON form and its one type);
//! dgc deserializes the certificate into its structs and checks the signature. docseal keeps
//! the certificate as CBOR and builds its JSON when asked: one line prints the cost with it.

use std::time::{Duration, Instant};

use rayon::prelude::*;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Median time per call over `rounds` rounds of `calls` calls.
fn per_call(rounds: usize, calls: usize, mut f: impl FnMut()) -> Duration {
    for _ in 0..calls {
        f();
    }
    let samples = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..calls {
                f();
            }
            start.elapsed() / calls as u32
        })
        .collect();
    median(samples)
}

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../test-vectors/dcc/AT/2DCode/raw/1.json").to_owned()
    });
    let case: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read the DCC vector")).expect("JSON");
    let text = case["PREFIX"].as_str().expect("PREFIX").to_owned();
    let certificate = case["TESTCTX"]["CERTIFICATE"].as_str().expect("CERTIFICATE");
    let clock = chrono::DateTime::parse_from_rfc3339(case["TESTCTX"]["VALIDATIONCLOCK"].as_str().expect("clock"))
        .expect("RFC 3339 clock")
        .to_utc();

    let trust = serde_json::json!({"version": 1, "issuers": [{"name": "AT", "certificate": certificate}]});
    let verifier = docseal::Verifier::new(docseal::TrustList::from_json(&trust.to_string()).expect("trust list"));
    let mut dgc_trust = dgc::TrustList::default();
    dgc_trust.add_key_from_certificate(certificate).expect("dgc trust list");

    // Both must accept the vector before anything is timed.
    verifier.verify_hc1(&text, clock).expect("docseal verifies the vector");
    let (_, validity) = dgc::validate(&text, &dgc_trust).expect("dgc decodes the vector");
    assert!(validity.is_valid(), "dgc verifies the vector");

    // PEER_QUICK=1: a few calls only, for instruction-level profiling (callgrind).
    let quick = std::env::var_os("PEER_QUICK").is_some();
    let (rounds, calls) = if quick { (1, 50) } else { (15, 400) };
    let one_thread = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("pool");
    let (docseal_single, dgc_single, docseal_json) = one_thread.install(|| {
        let d = per_call(rounds, calls, || {
            std::hint::black_box(verifier.verify_hc1(std::hint::black_box(&text), clock).is_ok());
        });
        let g = per_call(rounds, calls, || {
            std::hint::black_box(dgc::validate(std::hint::black_box(&text), &dgc_trust).is_ok());
        });
        // docseal builds the certificate's JSON when asked: this is the cost with it asked.
        let j = per_call(rounds, calls, || {
            let verified = verifier.verify_hc1(std::hint::black_box(&text), clock).expect("verifies");
            std::hint::black_box(verified.credential().json().is_object());
        });
        (d, g, j)
    });

    let batch: Vec<&str> = vec![text.as_str(); if quick { 8 } else { 2048 }];
    let two_threads = rayon::ThreadPoolBuilder::new().num_threads(2).build().expect("pool");
    let docseal_bulk = two_threads.install(|| {
        per_call(rounds, 1, || {
            let ok = batch.par_iter().filter(|t| verifier.verify_hc1(t, clock).is_ok()).count();
            assert_eq!(ok, batch.len());
        }) / batch.len() as u32
    });

    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "HC1 decode + verify, {} (ES256), ring on both sides",
        path.rsplit("test-vectors/").next().unwrap_or(&path)
    );
    println!("  dgc 0.0.7, one thread:           {:8.1} us per payload", us(dgc_single));
    println!("  docseal verify_hc1, one thread:  {:8.1} us per payload", us(docseal_single));
    println!("  docseal, 2 threads (rayon):      {:8.1} us per payload", us(docseal_bulk));
    println!(
        "  docseal + certificate JSON, one thread: {:8.1} us per payload ({:.2}x dgc, for information)",
        us(docseal_json),
        us(dgc_single) / us(docseal_json)
    );
    let single = us(dgc_single) / us(docseal_single);
    let bulk = us(dgc_single) / us(docseal_bulk);
    println!("  docseal one thread vs dgc:  {single:.2}x faster (target >= 1.15x){}", verdict(single, 1.15));
    println!("  docseal 2 threads vs dgc:   {bulk:.2}x faster (target >= 2.20x){}", verdict(bulk, 2.2));
}

fn verdict(value: f64, target: f64) -> String {
    if value >= target { "  met".into() } else { format!("  NOT met, short by {:.0}%", (1.0 - value / target) * 100.0) }
}
