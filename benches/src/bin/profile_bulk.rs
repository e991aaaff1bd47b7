//! Runs bulk Ed25519 verifications on one thread, for profilers (`valgrind --tool=callgrind`):
//! `profile_bulk [ROUNDS]` runs docseal's `verify_many` over 1,024 licences, `profile_bulk
//! ROUNDS raw` the report's baseline (ed25519-dalek's `verify_batch` of the same 1,024
//! messages), so the two instruction counts compare stage by stage.
// A benchmark harness: a failed setup should stop loudly.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

fn main() {
    let f = docseal_bench::fixture("EdDSA", 1024);
    let mut args = std::env::args().skip(1);
    let rounds: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(2);
    let raw = args.next().is_some_and(|mode| mode == "raw");
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    if raw {
        let (key, _) = docseal_bench::raw_keys(&f);
        let signatures: Vec<_> = f.signatures.iter().map(ed25519_dalek::Signature::from_bytes).collect();
        let messages: Vec<&[u8]> = f.messages.iter().map(Vec::as_slice).collect();
        let keys = vec![key; messages.len()];
        let ok = (0..rounds).filter(|_| ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok()).count();
        println!("{ok} of {rounds} raw batches verified");
        return;
    }
    let mut ok = 0;
    for _ in 0..rounds {
        ok += pool.install(|| f.verifier.verify_many(&f.texts, f.now)).iter().filter(|r| r.is_ok()).count();
    }
    println!("{ok} of {} verified", rounds * f.texts.len());
}
