//! The ratio report: docseal's verification cost against the raw signature checks on the same
//! messages, from one run, with the targets of the fast path.
//!
//! `cargo build --release -p docseal-cli && cargo run --release -p docseal-bench --bin report [-- --json]`
//!
//! The machine is a shared VM whose speed drifts from second to second, so each ratio is
//! measured interleaved: a round of the subject, then a round of its baseline, 9 times, and
//! the median of the 9 per-round ratios is reported (the absolute figures are the medians
//! of each side). Exits 1 when a target is missed, so a regression is visible.
// A benchmark harness: a failed setup should stop loudly.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use docseal::bulk::verify_lines;
use docseal_bench::{fixture, raw_keys};
use signature::Verifier as _;

const ROUNDS: usize = 9;
const ROUND: Duration = Duration::from_millis(120);

/// Seconds per item of one round of calls of `f` (each call processes `per_call` items).
fn round(per_call: usize, f: &mut dyn FnMut()) -> f64 {
    let start = Instant::now();
    let mut calls = 0u64;
    while start.elapsed() < ROUND {
        f();
        calls += 1;
    }
    start.elapsed().as_secs_f64() / (calls as f64 * per_call as f64)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// A subject timed against its baseline in alternating rounds: (subject s, baseline s,
/// median ratio).
fn compare(subject: (usize, &mut dyn FnMut()), baseline: (usize, &mut dyn FnMut())) -> (f64, f64, f64) {
    let (sn, sf) = subject;
    let (bn, bf) = baseline;
    sf();
    bf();
    let (mut s, mut b, mut r) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let x = round(sn, sf);
        let y = round(bn, bf);
        s.push(x);
        b.push(y);
        r.push(x / y);
    }
    (median(s), median(b), median(r))
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap_or_else(|e| panic!("thread pool: {e}"))
}

/// One target: its measured value, the bound and whether it is met.
struct Target {
    name: &'static str,
    value: f64,
    bound: f64,
    at_most: bool,
}

impl Target {
    fn met(&self) -> bool {
        if self.at_most { self.value <= self.bound } else { self.value >= self.bound }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--stream-child") {
        stream_child();
        return;
    }
    if args.get(1).map(String::as_str) == Some("--raw-batch-child") {
        raw_batch_child();
        return;
    }
    let json = args.iter().any(|a| a == "--json");
    let default_build: Option<PathBuf> =
        args.iter().position(|a| a == "--default-build").and_then(|i| args.get(i + 1)).map(PathBuf::from);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let ifma = std::fs::read_to_string("/proc/cpuinfo").is_ok_and(|s| s.contains(" avx512ifma"));
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let build = if cfg!(curve25519_dalek_backend = "avx512") {
        "avx512 backend cfg (runtime dispatch)"
    } else {
        "default backend"
    };
    if !json {
        println!(
            "docseal ratio report on {cpu}, {threads} hardware threads, AVX-512 IFMA: {}",
            if ifma { "yes" } else { "no" }
        );
        println!("curve25519-dalek build: {build}");
        println!(
            "(interleaved rounds, median of {ROUNDS} per-round ratios; ratios < 1 mean faster than the baseline)\n"
        );
    }

    let ed = fixture("EdDSA", 1024);
    let es = fixture("ES256", 64);
    let (ed_key, _) = raw_keys(&ed);
    let (_, p256_key_es) = raw_keys(&es);
    let sigs: Vec<_> = ed.signatures.iter().map(ed25519_dalek::Signature::from_bytes).collect();
    let messages: Vec<&[u8]> = ed.messages.iter().map(Vec::as_slice).collect();
    let keys = vec![ed_key; 1024];
    let mut raw_strict = || {
        let _ = ed_key.verify_strict(&ed.messages[0], &sigs[0]);
    };
    let mut raw_batch = || {
        let _ = ed25519_dalek::verify_batch(&messages, &sigs, &keys);
    };
    let one = pool(1);
    let two = pool(2);

    let (single, strict, single_ratio) =
        compare((1, &mut || drop(ed.verifier.verify(&ed.texts[0], ed.now))), (1, &mut raw_strict));
    let (bulk_1, batch, bulk_batch_ratio) = compare(
        (1024, &mut || drop(one.install(|| ed.verifier.verify_many(&ed.texts, ed.now)))),
        (1024, &mut raw_batch),
    );
    // Interleaved with verify_strict itself, as every ratio here: the VM's drift between the
    // single rounds above and the bulk rounds would otherwise enter it.
    let (_, _, bulk_strict_ratio) =
        compare((1024, &mut || drop(one.install(|| ed.verifier.verify_many(&ed.texts, ed.now)))), (1, &mut raw_strict));
    // Throughput on 2,048 texts, the two full batches the machine's ceiling below is measured
    // on: on 1,024, two threads would each check a half batch, whose multiscalar
    // multiplication costs more per signature than the one thread's full batch.
    let twice: Vec<&str> = ed.texts.iter().chain(&ed.texts).map(String::as_str).collect();
    let (bulk_2, bulk_1b, scaling) = compare(
        (2048, &mut || drop(two.install(|| ed.verifier.verify_many(&twice, ed.now)))),
        (2048, &mut || drop(one.install(|| ed.verifier.verify_many(&twice, ed.now)))),
    );
    let scaling = 1.0 / scaling;
    // The machine's own ceiling for the scaling targets: two raw batches at once on two
    // threads against the same two one after the other on one.
    let (raw_two, _, raw_scaling) = compare(
        (2048, &mut || {
            two.install(|| rayon::join(raw_batch, raw_batch));
        }),
        (2048, &mut || {
            raw_batch();
            raw_batch();
        }),
    );
    let raw_scaling = 1.0 / raw_scaling;

    let es_sig = p256::ecdsa::Signature::from_slice(&es.signatures[0]).unwrap_or_else(|e| panic!("{e}"));
    let sec1 = p256_key_es.to_sec1_point(false);
    let ring_key = ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, sec1.as_bytes());
    let backend = docseal::cose::ES256_BACKEND;
    let mut raw_backend: Box<dyn FnMut()> = if backend == "ring" {
        Box::new(|| {
            let _ = ring_key.verify(&es.messages[0], &es.signatures[0]);
        })
    } else {
        Box::new(|| drop(p256_key_es.verify(&es.messages[0], &es_sig)))
    };
    let (es_single, es_raw, es_ratio) =
        compare((1, &mut || drop(es.verifier.verify(&es.texts[0], es.now))), (1, &mut *raw_backend));

    let cli = cli_bulk(&ed, &mut raw_batch);
    let headline = default_build
        .as_deref()
        .map(|path| headline(path, &mut || drop(one.install(|| ed.verifier.verify_many(&ed.texts, ed.now)))));

    let mut targets = vec![
        Target {
            name: "single Ed25519 end to end / raw verify_strict",
            value: single_ratio,
            bound: 1.08,
            at_most: true,
        },
        Target {
            name: "bulk Ed25519 per credential, 1 thread / raw verify_batch",
            value: bulk_batch_ratio,
            bound: 1.25,
            at_most: true,
        },
        Target {
            name: "bulk Ed25519 per credential, 1 thread / raw verify_strict",
            value: bulk_strict_ratio,
            bound: 0.45,
            at_most: true,
        },
        Target { name: "bulk throughput, 2 threads / 1 thread (library)", value: scaling, bound: 1.85, at_most: false },
        Target {
            name: "single ES256 end to end / raw verify of the backend",
            value: es_ratio,
            bound: 1.06,
            at_most: true,
        },
    ];
    if let Some(c) = cli {
        targets.push(Target {
            name: "CLI verify --bulk --json per credential, 1 thread / raw verify_batch",
            value: c.vs_batch,
            bound: 1.5,
            at_most: true,
        });
        targets.push(Target {
            name: "CLI throughput, 2 threads / 1 thread",
            value: c.scaling,
            bound: 1.85,
            at_most: false,
        });
    }
    if let Some((ratio, _, _)) = headline {
        targets.push(Target {
            name: "headline: bulk per credential (this build) / default build's raw verify_batch",
            value: ratio,
            bound: 1.0,
            at_most: true,
        });
    }
    let started = Instant::now();
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
    let peak_mib = Command::new(exe)
        .arg("--stream-child")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kib| kib / 1024.0);
    let stream_seconds = started.elapsed().as_secs_f64();
    targets.push(Target {
        name: "streaming 1,000,000 payloads: peak RSS (MiB)",
        value: peak_mib,
        bound: 64.0,
        at_most: true,
    });

    let all_met = targets.iter().all(Target::met) && cli.is_some();
    if json {
        let figures = serde_json::json!({
            "cpu": cpu, "hardware_threads": threads, "avx512ifma": ifma, "dalek_build": build, "es256_backend": backend,
            "raw_verify_strict_us": strict * 1e6, "raw_verify_batch_us": batch * 1e6, "raw_es256_us": es_raw * 1e6,
            "single_ed25519_us": single * 1e6, "single_es256_us": es_single * 1e6,
            "bulk_1_thread_us": bulk_1 * 1e6, "bulk_2_threads_us": bulk_2 * 1e6, "bulk_1_thread_second_run_us": bulk_1b * 1e6,
            "cli_bulk_1_thread_us": cli.map(|c| c.one * 1e6), "cli_bulk_2_threads_us": cli.map(|c| c.two * 1e6),
            "stream_seconds": stream_seconds, "raw_batch_2_threads_us": raw_two * 1e6, "raw_batch_scaling_2_1": raw_scaling,
            "headline_bulk_us": headline.map(|h| h.1 * 1e6), "default_build_raw_verify_batch_us": headline.map(|h| h.2 * 1e6),
        });
        let targets: Vec<_> = targets
            .iter()
            .map(|t| serde_json::json!({"name": t.name, "value": t.value, "bound": t.bound, "at_most": t.at_most, "met": t.met()}))
            .collect();
        println!("{}", serde_json::json!({"figures": figures, "targets": targets, "all_met": all_met}));
    } else {
        println!("raw Ed25519 verify_strict              {:>8.1} us", strict * 1e6);
        println!("raw Ed25519 verify_batch (n = 1024)    {:>8.1} us per signature", batch * 1e6);
        println!("raw ES256 verify ({backend:<4})              {:>8.1} us", es_raw * 1e6);
        println!("docseal single Ed25519 end to end      {:>8.1} us", single * 1e6);
        println!("docseal single ES256 end to end        {:>8.1} us", es_single * 1e6);
        println!("docseal bulk Ed25519, 1 thread         {:>8.1} us per credential", bulk_1 * 1e6);
        println!("docseal bulk Ed25519, 2 threads        {:>8.1} us per credential", bulk_2 * 1e6);
        match cli {
            Some(c) => {
                println!(
                    "docseal verify --bulk --json, 1 thread {:>8.1} us per credential (child process)",
                    c.one * 1e6
                );
                println!("docseal verify --bulk --json, 2 threads{:>8.1} us per credential", c.two * 1e6);
            }
            None => println!("docseal CLI not found next to this binary: cargo build --release -p docseal-cli"),
        }
        if let Some((_, bulk, default_batch)) = headline {
            println!(
                "headline rounds: bulk 1 thread {:.1} us per credential, default build's raw verify_batch {:.1} us per signature",
                bulk * 1e6,
                default_batch * 1e6
            );
        }
        println!("streaming child: {stream_seconds:.1} s for 1M lines");
        println!(
            "machine ceiling: raw verify_batch, 2 threads / 1 thread: {raw_scaling:.3} (two batches at once, no docseal code)\n"
        );
        for t in &targets {
            let bound = format!("{} {}", if t.at_most { "<=" } else { ">=" }, t.bound);
            println!("{:<72} {:>8.3}   target {bound:<8} {}", t.name, t.value, if t.met() { "met" } else { "NOT met" });
        }
        if headline.is_none() {
            println!(
                "\nheadline (IFMA build: bulk per credential below the default build's raw verify_batch): {}",
                if ifma {
                    "run scripts/report-both, which passes --default-build with a default build of this report"
                } else {
                    "not measurable here: this CPU has no AVX-512 IFMA, so both builds run the AVX2 code"
                }
            );
        }
        println!(
            "HC1 against the dgc crate (separate package, dgc pins ring 0.16): cargo run --release --manifest-path benches/peer-dgc/Cargo.toml"
        );
    }
    if !all_met {
        std::process::exit(1);
    }
}

/// The headline: docseal's bulk on one thread (`bulk`, 1,024 credentials per call) in this
/// build against the raw `verify_batch` of a default build of this report (`path`, run as a
/// child that times one round each time it reads a line), in interleaved rounds: (median
/// ratio, median bulk s per credential, median raw s per signature).
fn headline(path: &Path, bulk: &mut dyn FnMut()) -> (f64, f64, f64) {
    use std::io::Write as _;
    let mut child = Command::new(path)
        .arg("--raw-batch-child")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("--default-build {}: {e}", path.display()));
    let mut to_child = child.stdin.take().unwrap();
    let mut from_child = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    from_child.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "default backend", "--default-build must be a build without the avx512 cfg");
    let mut raw_round = || {
        writeln!(to_child).unwrap();
        line.clear();
        from_child.read_line(&mut line).unwrap();
        line.trim().parse::<f64>().unwrap_or_else(|e| panic!("child said {line:?}: {e}"))
    };
    raw_round();
    bulk();
    let (mut b, mut r, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let x = round(1024, bulk);
        let y = raw_round();
        b.push(x);
        r.push(y);
        ratios.push(x / y);
    }
    drop(to_child);
    let _ = child.wait();
    (median(ratios), median(b), median(r))
}

/// The child of [`headline`]: says which backend it was built with, then times one round
/// of the raw `verify_batch` (1,024 signatures) per line read and prints seconds per signature.
fn raw_batch_child() {
    let build = if cfg!(curve25519_dalek_backend = "avx512") { "avx512 backend cfg" } else { "default backend" };
    println!("{build}");
    let ed = fixture("EdDSA", 1024);
    let (key, _) = raw_keys(&ed);
    let sigs: Vec<_> = ed.signatures.iter().map(ed25519_dalek::Signature::from_bytes).collect();
    let messages: Vec<&[u8]> = ed.messages.iter().map(Vec::as_slice).collect();
    let keys = vec![key; 1024];
    let mut raw_batch = || {
        let _ = ed25519_dalek::verify_batch(&messages, &sigs, &keys);
    };
    for _ in std::io::stdin().lock().lines() {
        println!("{}", round(1024, &mut raw_batch));
    }
}

/// `docseal verify --bulk FILE --json > out` as a child process on 65,536 generated lines
/// (sixteen of its 4,096-line chunks, so that reading, verifying and writing overlap as on a
/// long file), on one and on two threads, in 9 rounds each with a round of `baseline` (the raw
/// batch, per signature) just before: seconds per credential on one and two threads, and the
/// medians of the per-round ratios (one thread / baseline, one thread / two threads), so
/// that the VM's drift between the library's rounds and the child's runs does not enter them.
fn cli_bulk(f: &docseal_bench::Fixture, baseline: &mut dyn FnMut()) -> Option<CliFigures> {
    let exe = std::env::current_exe().ok()?;
    let cli: PathBuf = exe.parent()?.join("docseal");
    if !cli.exists() {
        return None;
    }
    let dir = tempfile::tempdir().ok()?;
    let lines = dir.path().join("payloads.txt");
    let trust = dir.path().join("trust.json");
    let count = 65_536;
    let text: String = f.texts.iter().cycle().take(count).map(|t| format!("{t}\n")).collect();
    std::fs::write(&lines, text).ok()?;
    std::fs::write(&trust, &f.trust_json).ok()?;
    let run = |threads: usize| -> Option<f64> {
        let out = std::fs::File::create(dir.path().join("out.jsonl")).ok()?;
        let started = Instant::now();
        let status = Command::new(&cli)
            .args(["verify", "--bulk"])
            .arg(&lines)
            .arg("--trust")
            .arg(&trust)
            .args(["--json", "--at", &f.now.to_rfc3339()])
            .env("RAYON_NUM_THREADS", threads.to_string())
            .stdout(out)
            .stderr(Stdio::null())
            .status()
            .ok()?;
        let seconds = started.elapsed().as_secs_f64();
        (status.success() && lines_in(&dir.path().join("out.jsonl")) == count).then_some(seconds / count as f64)
    };
    let (mut one, mut two, mut vs_batch, mut scaling) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    // Nine rounds, as every other ratio: with five, one slow round in this VM moved the median.
    for _ in 0..9 {
        let batch = round(1024, baseline);
        let (c1, c2) = (run(1)?, run(2)?);
        one.push(c1);
        two.push(c2);
        vs_batch.push(c1 / batch);
        scaling.push(c1 / c2);
    }
    Some(CliFigures { one: median(one), two: median(two), vs_batch: median(vs_batch), scaling: median(scaling) })
}

#[derive(Clone, Copy)]
struct CliFigures {
    one: f64,
    two: f64,
    vs_batch: f64,
    scaling: f64,
}

fn lines_in(path: &Path) -> usize {
    std::fs::File::open(path).map_or(0, |f| std::io::BufReader::new(f).lines().count())
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
