//! Runs bulk Ed25519 verifications on one thread, for profilers (`valgrind --tool=callgrind`).
// A benchmark harness: a failed setup should stop loudly.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

fn main() {
    let f = docseal_bench::fixture("EdDSA", 1024);
    let rounds: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(2);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let mut ok = 0;
    for _ in 0..rounds {
        ok += pool.install(|| f.verifier.verify_many(&f.texts, f.now)).iter().filter(|r| r.is_ok()).count();
    }
    println!("{ok} of {} verified", rounds * f.texts.len());
}
