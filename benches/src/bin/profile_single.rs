//! Runs single verifications in a loop, for profilers (`valgrind --tool=callgrind`, `perf
//! stat`): `profile_single [COUNT] [EdDSA|ES256] [raw]` (200 Ed25519 licences by default);
//! `raw` runs the report's baseline on the same message instead (ed25519-dalek's
//! `verify_strict`, or ring's ES256 verify).
// A benchmark harness: a failed setup should stop loudly.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(200);
    let alg = args.next().unwrap_or_else(|| "EdDSA".to_owned());
    let raw = args.next().is_some_and(|mode| mode == "raw");
    let f = docseal_bench::fixture(&alg, 1);
    let mut ok = 0;
    if raw {
        let (ed, es) = docseal_bench::raw_keys(&f);
        let (message, signature) = (&f.messages[0], &f.signatures[0]);
        if alg == "EdDSA" {
            let signature = ed25519_dalek::Signature::from_bytes(signature);
            ok = (0..n).filter(|_| ed.verify_strict(message, &signature).is_ok()).count();
        } else {
            let sec1 = es.to_sec1_point(false);
            let key =
                ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, sec1.as_bytes());
            ok = (0..n).filter(|_| key.verify(message, signature).is_ok()).count();
        }
    } else {
        for _ in 0..n {
            ok += usize::from(f.verifier.verify(&f.texts[0], f.now).is_ok());
        }
    }
    println!("{ok} of {n} verified");
}
