//! National scale for status lists: one 2-bit list of 100 million entries (a country's
//! licences) with 1 % of them set, built, compressed and signed; then what a desk pays:
//! token size, load time (decode, inflate, signature), peak memory of a process that loads
//! it, lookup cost, and bulk verification with and without a status entry.
//!
//! `cargo run --release -p docseal-bench --bin status_scale` (about a minute). The load is
//! measured in a child process (`--load FILE`) so its peak RSS is the load's own.

use std::time::Instant;

use docseal::model::Credential;
use docseal::status::{Bits, Status, StatusList, StatusListToken, StatusLists, StatusRef};
use docseal::{Issuer, Limits, Scope, SigningKey, TrustList, TrustedKey, Verifier};

const ENTRIES: u64 = 100_000_000;
const URI: &str = "https://tmb.example/status/national";

fn trust(status_key: &SigningKey, issuer_key: &SigningKey) -> TrustList {
    let mut trust = TrustList::new();
    trust.add(TrustedKey::new("issuer", issuer_key.verifying_key()));
    trust.add(TrustedKey::new("status", status_key.verifying_key()).with_scopes(vec![Scope::StatusList]));
    trust
}

fn keys() -> (SigningKey, SigningKey) {
    (SigningKey::from_ed25519_seed(&[61; 32]), SigningKey::from_ed25519_seed(&[62; 32]))
}

fn limits() -> Limits {
    Limits::default().with_max_status_list_len(32 << 20)
}

fn peak_rss_mib() -> f64 {
    proc_status_mib("VmHWM:")
}

fn proc_status_mib(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN);
    kib / 1024.0
}

/// The child: load the token, report time and peak RSS.
fn load(path: &str) -> Result<(), Box<dyn std::error::Error>> {
    let (status_key, issuer_key) = keys();
    let trust = trust(&status_key, &issuer_key);
    let before = peak_rss_mib();
    let bytes = std::fs::read(path)?;
    let started = Instant::now();
    let mut lists = StatusLists::new();
    lists.add(&bytes, &trust, &limits())?;
    let took = started.elapsed();
    drop(bytes);
    let retained = proc_status_mib("VmRSS:");
    println!(
        "load {:.3} s peak_rss_mib {:.1} before_mib {:.1} retained_mib {retained:.1} lists {}",
        took.as_secs_f64(),
        peak_rss_mib(),
        before,
        lists.len()
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, path] = args.as_slice()
        && flag == "--load"
    {
        return load(path);
    }
    let (status_key, issuer_key) = keys();

    let started = Instant::now();
    let mut list = StatusList::new(Bits::Two, ENTRIES)?;
    // 1 % of the entries set at pseudo-random places (xorshift64, fixed seed; a regular stride
    // would compress unrealistically well): 0.9 % suspended, 0.1 % revoked. A few collide.
    let set = ENTRIES / 100;
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for i in 0..set {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        list.set(state % ENTRIES, if i % 10 == 0 { Status::Invalid } else { Status::Suspended })?;
    }
    let built = started.elapsed();
    let raw = list.as_bytes().len();

    let started = Instant::now();
    let iat = 1_796_000_000;
    let token = StatusListToken::sign(&status_key, URI, &list, iat, iat + 86_400, Some(43_200))?;
    let signed = started.elapsed();
    let path = std::env::temp_dir().join("docseal-status-national.cwt");
    std::fs::write(&path, &token)?;

    println!("entries {ENTRIES}, bits 2, set {set} (1 %)");
    println!("raw list                         {:.1} MB", raw as f64 / 1e6);
    println!("build (set 1 M entries)          {:.3} s", built.as_secs_f64());
    println!("compress + sign                  {:.3} s", signed.as_secs_f64());
    println!("token size                       {:.2} MB ({} bytes)", token.len() as f64 / 1e6, token.len());

    let child = std::process::Command::new(std::env::current_exe()?).arg("--load").arg(&path).output()?;
    let report = String::from_utf8_lossy(&child.stdout);
    let field = |name: &str| {
        report
            .split_whitespace()
            .skip_while(|w| *w != name)
            .nth(1)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    let (load_s, peak, before, retained) =
        (field("load"), field("peak_rss_mib"), field("before_mib"), field("retained_mib"));
    let mib = 1.048_576;
    let (peak_mb, retained_mb) = ((peak - before) * mib, (retained - before) * mib);
    let budget = raw as f64 * 1.1 / 1e6;
    println!("desk load (decode+sig+inflate)   {load_s:.3} s        target < 1 s      {}", verdict(load_s < 1.0));
    println!(
        "desk memory held after load      {retained_mb:.1} MB above the process before   target < {budget:.1} MB  {}",
        verdict(retained_mb < budget)
    );
    println!(
        "desk peak memory during load     {peak_mb:.1} MB (the file, the compressed list and the inflated list at once)  {}",
        verdict(peak_mb < budget)
    );

    // Lookups in memory.
    let mut lists = StatusLists::new();
    lists.add(&token, &trust(&status_key, &issuer_key), &limits())?;
    let loaded = lists.get(URI).ok_or("loaded")?;
    let started = Instant::now();
    let mut suspended = 0u64;
    let mut probe: u64 = 7;
    let lookups = 10_000_000u64;
    for _ in 0..lookups {
        probe = (probe + 40_503) % ENTRIES;
        suspended += u64::from(loaded.list().get(probe) == Some(Status::Suspended));
    }
    let per_lookup = started.elapsed().as_secs_f64() / lookups as f64 * 1e9;
    println!("lookup                           {per_lookup:.1} ns per entry ({suspended} suspended seen)");

    // Bulk verification with and without a status entry, same documents and key.
    let trust_again = trust(&status_key, &issuer_key);
    let issuer = Issuer::new(issuer_key, "TMB")?;
    let licence = Credential::from(docseal::samples::licence());
    let plain = issuer.prepare(&licence)?;
    let with_status = issuer.prepare(&licence)?.with_status(StatusRef::new(URI, 5)?);
    let at = chrono::DateTime::from_timestamp(iat + 60, 0).ok_or("time")?;
    let texts = |prepared: &docseal::PreparedCredential| -> Result<Vec<String>, docseal::Error> {
        (0..20_000)
            .map(|i| issuer.issue_prepared(prepared, at - chrono::Duration::seconds(i % 30)).map(|x| x.text))
            .collect()
    };
    let (plain_texts, status_texts) = (texts(&plain)?, texts(&with_status)?);
    let verifier = Verifier::new(trust_again).with_status_lists(lists);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
    let time = |texts: &[String]| {
        pool.install(|| {
            let started = Instant::now();
            let results = verifier.verify_many(texts, at + chrono::Duration::seconds(30));
            assert!(results.iter().all(Result::is_ok), "all verify");
            started.elapsed().as_secs_f64() / texts.len() as f64 * 1e6
        })
    };
    let _ = time(&plain_texts[..2000]);
    let (a, b) = (time(&plain_texts), time(&status_texts));
    let (a2, b2) = (time(&plain_texts), time(&status_texts));
    let (plain_us, status_us) = (a.min(a2), b.min(b2));
    println!("bulk, 1 thread, no status claim  {plain_us:.2} us per credential");
    println!(
        "bulk, 1 thread, status checked   {status_us:.2} us per credential ({:+.1} %, the claim adds ~40 bytes to decode)",
        (status_us / plain_us - 1.0) * 100.0
    );
    Ok(())
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT met" }
}
