//! Heap allocations per credential on the verification hot path, counted by an
//! instrumented global allocator. A change that adds an allocation to the path makes this
//! fail: pin the new figure only with a reason.
// A test: a failed setup should stop loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::cast_precision_loss)]

use std::alloc::System;

use chrono::{DateTime, Utc};
use docseal::samples::Corpus;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[test]
fn hot_path_allocations_are_pinned() {
    single_verification();
    bulk_on_one_thread();
}

/// Allocations (and reallocations) made while `f` runs. The counter is process-wide, so
/// this binary holds one test, which measures its cases one after the other.
fn allocations_in(f: impl FnOnce()) -> u64 {
    let region = Region::new(GLOBAL);
    f();
    let stats = region.change();
    (stats.allocations + stats.reallocations) as u64
}

fn at() -> DateTime<Utc> {
    "2026-11-21T09:00:00Z".parse().unwrap()
}

/// A licence verified once: 20 blocks, of which the result owns 15 (the document's strings,
/// its privileges and record, the issuer's name); the path's own 5 are the base45 body, the
/// Sig_structure with the signature after it (the payload a slice of it), the CBOR tree (one
/// vector of items borrowed from the payload), the candidate and signer lists. The trusted
/// key's name is shared and the licence status inline, not allocated. (32 before the flat
/// CBOR tree, 22 before the one-buffer COSE parts.)
fn single_verification() {
    let corpus = Corpus::generate(3, 0, 7, at()).unwrap();
    let verifier = docseal::Verifier::new(corpus.trust.clone());
    let text = &corpus.payloads[0];
    verifier.verify(text, corpus.verify_at).unwrap();
    let mut result = None;
    let count = allocations_in(|| result = Some(verifier.verify(text, corpus.verify_at)));
    let verified = result.unwrap().unwrap();
    // A clone allocates what the result owns: the rest is the path's own.
    let owned = allocations_in(|| drop(std::hint::black_box(verified.clone())));
    println!("allocations per single verification: {count}, of which the result owns {owned}");
    assert!(count <= PINNED_SINGLE, "{count} allocations, pinned at {PINNED_SINGLE}");
}

/// Bulk on a one-thread pool over a corpus of all three documents and both algorithms:
/// per credential the same blocks as the single path, plus a share of the window's vectors.
fn bulk_on_one_thread() {
    let corpus = Corpus::generate(256, 0, 7, at()).unwrap();
    let verifier = docseal::Verifier::new(corpus.trust.clone());
    let texts: Vec<&str> = corpus.payloads.iter().map(String::as_str).collect();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    pool.install(|| verifier.verify_many(&texts, corpus.verify_at));
    let mut results = Vec::new();
    let count = allocations_in(|| results = pool.install(|| verifier.verify_many(&texts, corpus.verify_at)));
    assert!(results.iter().all(Result::is_ok));
    let per = count as f64 / texts.len() as f64;
    println!("allocations per bulk credential: {per:.1}");
    assert!(per <= PINNED_BULK, "{per:.1} allocations per credential, pinned at {PINNED_BULK}");
}

const PINNED_SINGLE: u64 = 20;
const PINNED_BULK: f64 = 32.0;
