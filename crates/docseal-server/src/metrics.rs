//! Counters for `GET /metrics` in the Prometheus text format: requests by route and status,
//! verdicts by kind, and a latency histogram of the verification routes.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.0];

#[derive(Debug, Default)]
pub(crate) struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    verdicts: Mutex<BTreeMap<String, u64>>,
    buckets: [AtomicU64; BUCKETS.len()],
    latency_count: AtomicU64,
    latency_micros: AtomicU64,
    reloads: AtomicU64,
    reload_failures: AtomicU64,
}

fn bump<K: Ord>(map: &Mutex<BTreeMap<K, u64>>, key: K, by: u64) {
    // A panic while counting cannot leave a count half-written: keep counting.
    let mut map = map.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    *map.entry(key).or_insert(0) += by;
}

impl Metrics {
    pub(crate) fn request(&self, route: &str, status: u16) {
        bump(&self.requests, (route.to_owned(), status), 1);
    }

    pub(crate) fn verdict(&self, kind: &str) {
        bump(&self.verdicts, kind.to_owned(), 1);
    }

    pub(crate) fn verdicts(&self, kinds: BTreeMap<String, u64>) {
        for (kind, n) in kinds {
            bump(&self.verdicts, kind, n);
        }
    }

    pub(crate) fn latency(&self, took: Duration) {
        let seconds = took.as_secs_f64();
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            if seconds <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        self.latency_micros.fetch_add(took.as_micros().try_into().unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    pub(crate) fn reloaded(&self, ok: bool) {
        let counter = if ok { &self.reloads } else { &self.reload_failures };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The Prometheus text exposition.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = writeln!(out, "# HELP docseal_requests_total HTTP requests by route and status.");
        let _ = writeln!(out, "# TYPE docseal_requests_total counter");
        for ((route, status), n) in self.requests.lock().unwrap_or_else(std::sync::PoisonError::into_inner).iter() {
            let _ = writeln!(out, "docseal_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}");
        }
        let _ = writeln!(out, "# HELP docseal_verdicts_total Verdicts: valid, or the refusal's kind.");
        let _ = writeln!(out, "# TYPE docseal_verdicts_total counter");
        for (kind, n) in self.verdicts.lock().unwrap_or_else(std::sync::PoisonError::into_inner).iter() {
            let _ = writeln!(out, "docseal_verdicts_total{{verdict=\"{kind}\"}} {n}");
        }
        let _ = writeln!(out, "# HELP docseal_request_duration_seconds Time to answer a verification request.");
        let _ = writeln!(out, "# TYPE docseal_request_duration_seconds histogram");
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            let _ = writeln!(
                out,
                "docseal_request_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                bucket.load(Ordering::Relaxed)
            );
        }
        let count = self.latency_count.load(Ordering::Relaxed);
        let _ = writeln!(out, "docseal_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}");
        let sum = self.latency_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "docseal_request_duration_seconds_sum {sum}");
        let _ = writeln!(out, "docseal_request_duration_seconds_count {count}");
        let _ = writeln!(out, "# HELP docseal_reloads_total Trust and status reloads, by outcome.");
        let _ = writeln!(out, "# TYPE docseal_reloads_total counter");
        let _ = writeln!(out, "docseal_reloads_total{{outcome=\"ok\"}} {}", self.reloads.load(Ordering::Relaxed));
        let _ = writeln!(
            out,
            "docseal_reloads_total{{outcome=\"failed\"}} {}",
            self.reload_failures.load(Ordering::Relaxed)
        );
        out
    }
}
