//! Runs single verifications in a loop, for profilers (`valgrind --tool=callgrind`):
//! `profile_single [COUNT] [EdDSA|ES256]` (200 Ed25519 licences by default).
// A benchmark harness: a failed setup should stop loudly.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(200);
    let alg = std::env::args().nth(2).unwrap_or_else(|| "EdDSA".to_owned());
    let f = docseal_bench::fixture(&alg, 1);
    let mut ok = 0;
    for _ in 0..n {
        ok += usize::from(f.verifier.verify(&f.texts[0], f.now).is_ok());
    }
    println!("{ok} of {n} verified");
}
