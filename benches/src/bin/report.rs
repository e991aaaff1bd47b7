//! The ratio report: docseal's verification cost against the raw signature checks on the same
//! messages, from one run. `cargo run --release -p docseal-bench --bin report`.
//!
//! Each figure is the median of 7 timed rounds of about 150 ms each, per operation.
// A benchmark harness: a failed setup should stop loudly.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::io::BufRead;
use std::time::{Duration, Instant};

use docseal::bulk::verify_lines;
use docseal_bench::{fixture, raw_keys};
use signature::Verifier as _;

const ROUNDS: usize = 7;
const ROUND: Duration = Duration::from_millis(150);

/// Median seconds per call of `f`, where one call processes `per_call` items.
fn time_per_item(per_call: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut samples = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let start = Instant::now();
        let mut calls = 0u64;
        while start.elapsed() < ROUND {
            f();
            calls += 1;
        }
        samples.push(start.elapsed().as_secs_f64() / (calls as f64 * per_call as f64));
    }
    samples.sort_by(f64::total_cmp);
    samples[ROUNDS / 2]
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap_or_else(|e| panic!("thread pool: {e}"))
}

fn line(name: &str, value: f64, target: &str, ok: bool) {
    let verdict = if ok { "met" } else { "NOT met" };
    println!("{name:<58} {value:>8.3}   target {target:<10} {verdict}");
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("--stream-child") {
        stream_child();
        return;
    }
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    println!("docseal ratio report on {cpu}, {threads} hardware threads");
    println!("(each figure: median of {ROUNDS} rounds; ratios < 1 mean faster than the baseline)\n");

    let ed = fixture("EdDSA", 1024);
    let es = fixture("ES256", 64);
    let (ed_key, _) = raw_keys(&ed);
    let (_, p256_key_es) = raw_keys(&es);
    let sigs: Vec<_> = ed.signatures.iter().map(ed25519_dalek::Signature::from_bytes).collect();

    let raw_strict = time_per_item(1, || {
        let _ = ed_key.verify_strict(&ed.messages[0], &sigs[0]);
    });
    let messages: Vec<&[u8]> = ed.messages.iter().map(Vec::as_slice).collect();
    let keys = vec![ed_key; 256];
    let raw_batch = time_per_item(256, || {
        let _ = ed25519_dalek::verify_batch(&messages[..256], &sigs[..256], &keys);
    });
    let single = time_per_item(1, || {
        let _ = ed.verifier.verify(&ed.texts[0], ed.now);
    });
    let one = pool(1);
    let two = pool(2);
    let bulk_1 = time_per_item(1024, || {
        one.install(|| ed.verifier.verify_many(&ed.texts, ed.now));
    });
    let bulk_2 = time_per_item(1024, || {
        two.install(|| ed.verifier.verify_many(&ed.texts, ed.now));
    });
    let es_sig = p256::ecdsa::Signature::from_slice(&es.signatures[0]).unwrap_or_else(|e| panic!("{e}"));
    let raw_p256 = time_per_item(1, || {
        let _ = p256_key_es.verify(&es.messages[0], &es_sig);
    });
    let es_single = time_per_item(1, || {
        let _ = es.verifier.verify(&es.texts[0], es.now);
    });
    let sec1 = p256_key_es.to_sec1_point(false);
    let ring_key = ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, sec1.as_bytes());
    let raw_ring = time_per_item(1, || {
        let _ = ring_key.verify(&es.messages[0], &es.signatures[0]);
    });
    let backend = docseal::cose::ES256_BACKEND;
    let raw_backend = if backend == "ring" { raw_ring } else { raw_p256 };

    println!("raw Ed25519 verify_strict            {:>8.1} us", raw_strict * 1e6);
    println!("raw Ed25519 verify_batch (n = 256)   {:>8.1} us per signature", raw_batch * 1e6);
    println!("raw P-256 verify (p256 crate)        {:>8.1} us", raw_p256 * 1e6);
    println!("raw P-256 verify (ring)              {:>8.1} us", raw_ring * 1e6);
    println!("docseal single Ed25519 end to end    {:>8.1} us", single * 1e6);
    println!("docseal single ES256 end to end      {:>8.1} us  (backend: {backend})", es_single * 1e6);
    println!("docseal bulk Ed25519, 1 thread       {:>8.1} us per credential", bulk_1 * 1e6);
    println!("docseal bulk Ed25519, 2 threads      {:>8.1} us per credential\n", bulk_2 * 1e6);

    line("single Ed25519 end to end / raw verify_strict", single / raw_strict, "<= 1.15", single / raw_strict <= 1.15);
    line(
        "bulk Ed25519 per credential (1 thread) / raw verify_strict",
        bulk_1 / raw_strict,
        "<= 0.60",
        bulk_1 / raw_strict <= 0.60,
    );
    line(
        "bulk Ed25519 per credential (1 thread) / raw verify_batch",
        bulk_1 / raw_batch,
        "<= 1.35",
        bulk_1 / raw_batch <= 1.35,
    );
    line("bulk throughput 2 threads / 1 thread", bulk_1 / bulk_2, ">= 1.85", bulk_1 / bulk_2 >= 1.85);
    line(
        &format!("single ES256 end to end / raw {backend} verify"),
        es_single / raw_backend,
        "<= 1.10",
        es_single / raw_backend <= 1.10,
    );
    println!("  ES256 fast backend speed-up: raw p256 / raw ring = {:.2}x", raw_p256 / raw_ring);

    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    let out = std::process::Command::new(exe).arg("--stream-child").output();
    match out {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            let peak_kib: f64 = text.trim().parse().unwrap_or(f64::NAN);
            let mib = peak_kib / 1024.0;
            line("streaming 1,000,000 payloads: peak RSS (MiB)", mib, "< 64", mib < 64.0);
            println!("  (child process, {:.1} s for the 1M lines)", started.elapsed().as_secs_f64());
        }
        Ok(out) => println!("streaming child failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(e) => println!("streaming child could not start: {e}"),
    }
    println!(
        "\nHC1 against the dgc crate is a separate package (dgc pins ring 0.16): cargo run --release --manifest-path benches/peer-dgc/Cargo.toml"
    );
    println!(
        "For a -C target-cpu=native build run: RUSTFLAGS='-C target-cpu=native' cargo run --release -p docseal-bench --bin report"
    );
    println!(
        "Such a binary uses the CPU's widest vector units (AVX-512 IFMA for Ed25519 where present) and crashes on"
    );
    println!("CPUs without them: deploy it only on machines of the same CPU family it was built on.");
}

/// A reader that yields `total` lines cycling over `lines`, without holding them all.
struct Cycle<'a> {
    lines: &'a [String],
    next: usize,
    left: usize,
    current: Vec<u8>,
    pos: usize,
}

impl std::io::Read for Cycle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Cycle<'_> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.pos == self.current.len() && self.left > 0 {
            self.current.clear();
            self.current.extend_from_slice(self.lines[self.next % self.lines.len()].as_bytes());
            self.current.push(b'\n');
            self.next += 1;
            self.left -= 1;
            self.pos = 0;
        }
        Ok(&self.current[self.pos..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos += amt;
    }
}

/// Streams 1M lines (2,000 distinct Ed25519 payloads and one bad line in ten, cycled) and
/// prints the peak RSS in KiB. Ed25519 keeps the run short; memory does not depend on it.
fn stream_child() {
    let f = fixture("EdDSA", 2_000);
    let mut lines = f.texts.clone();
    for i in (0..lines.len()).step_by(10) {
        lines[i] = lines[i].replacen("DS1:", "DS2:", 1);
    }
    let verifier = f.verifier;
    let reader = Cycle { lines: &lines, next: 0, left: 1_000_000, current: Vec::new(), pos: 0 };
    let mut valid = 0u64;
    let summary = verify_lines(&verifier, reader, f.now, 4096, |r| {
        valid += u64::from(r.is_ok());
        Ok(())
    })
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(summary.total, 1_000_000);
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let hwm =
        status.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)).unwrap_or("nan");
    println!("{hwm}");
}
