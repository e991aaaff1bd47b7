//! Runs bulk Ed25519 verifications on one thread, for profilers (`valgrind --tool=callgrind`):
//! `profile_bulk [ROUNDS]` runs docseal's `verify_many` over 1,024 licences, `profile_bulk
//! ROUNDS raw` the report's baseline (ed25519-dalek's `verify_batch` of the same 1,024
//! messages), so the two instruction counts compare stage by stage; `profile_bulk ROUNDS
//! json` writes every result as the command line's `verify --bulk --json` line; `profile_bulk
//! ROUNDS ratio` times ROUNDS interleaved pairs of docseal's bulk and the raw batch and prints
//! the median ratio (a quick A/B between two builds; the report remains the measure).
// A benchmark harness: a failed setup should stop loudly.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

fn main() {
    let f = docseal_bench::fixture("EdDSA", 1024);
    let mut args = std::env::args().skip(1);
    let rounds: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(2);
    let mode = args.next();
    let raw = mode.as_deref() == Some("raw");
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
    if mode.as_deref() == Some("ratio") {
        let (key, _) = docseal_bench::raw_keys(&f);
        let signatures: Vec<_> = f.signatures.iter().map(ed25519_dalek::Signature::from_bytes).collect();
        let messages: Vec<&[u8]> = f.messages.iter().map(Vec::as_slice).collect();
        let keys = vec![key; messages.len()];
        let time = |work: &mut dyn FnMut()| {
            let started = std::time::Instant::now();
            work();
            started.elapsed().as_secs_f64()
        };
        let (mut bulk, mut raw, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..rounds.max(1) {
            let b = time(&mut || drop(pool.install(|| f.verifier.verify_many(&f.texts, f.now))));
            let r = time(&mut || drop(ed25519_dalek::verify_batch(&messages, &signatures, &keys)));
            bulk.push(b * 1e6 / 1024.0);
            raw.push(r * 1e6 / 1024.0);
            ratios.push(b / r);
        }
        let median = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let n = ratios.len();
        let (b, r, q) = (median(bulk), median(raw), median(ratios));
        println!("medians of {n}: bulk {b:.2} us, raw verify_batch {r:.2} us per signature, ratio {q:.3}");
        return;
    }
    if mode.as_deref() == Some("json") {
        let results = pool.install(|| f.verifier.verify_many(&f.texts, f.now));
        let mut out = Vec::with_capacity(results.len() * 1024);
        for _ in 0..rounds {
            out.clear();
            for r in &results {
                json_line(&mut out, r.as_ref().unwrap().as_ds1().unwrap());
            }
        }
        println!("{} bytes per line", out.len() / results.len());
        return;
    }
    let mut ok = 0;
    for _ in 0..rounds {
        ok += pool.install(|| f.verifier.verify_many(&f.texts, f.now)).iter().filter(|r| r.is_ok()).count();
    }
    println!("{ok} of {} verified", rounds * f.texts.len());
}

/// One line, out of line so a profiler can single it out (`--toggle-collect='*json_line*'`).
#[inline(never)]
fn json_line(out: &mut Vec<u8>, v: &docseal::Verified<docseal::model::Credential>) {
    docseal::json::write_valid_line(out, v).unwrap();
}
