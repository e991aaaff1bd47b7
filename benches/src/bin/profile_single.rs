//! Runs single Ed25519 verifications in a loop, for profilers (`valgrind --tool=callgrind`).
// A benchmark harness: a failed setup should stop loudly.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

fn main() {
    let f = docseal_bench::fixture("EdDSA", 1);
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(200);
    let mut ok = 0;
    for _ in 0..n {
        ok += usize::from(f.verifier.verify(&f.texts[0], f.now).is_ok());
    }
    println!("{ok} of {n} verified");
}
