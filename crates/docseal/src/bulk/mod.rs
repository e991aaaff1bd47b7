//! Bulk verification: many payloads at close to the raw cost of their signature checks.
//!
//! The pass is the single path's, cut in chunks of up to 1,024 texts so the signature stage
//! can be shared: on one thread, a chunk is decoded and its keys looked up, its Ed25519
//! signatures checked as one batch (everything else one by one), then its claims decoded and
//! rules applied. Chunks run in parallel. Results come back in input order and equal what
//! [`Verifier::verify`] gives for each input.
//!
//! # Batch semantics
//!
//! Single and batch Ed25519 checks follow one rule (`docs/FORMAT.md` section 2): canonical
//! `S`, a canonical `R` not of small order, a key not of small order (refused when the trust
//! list loads), and the cofactored equation `[8]([S]B - R - [k]A) = 0`. The cofactor is what
//! makes a batch decide exactly as the single check: an `R` with a torsion component of order
//! 2, 4 or 8 (which only the key holder can produce) is accepted by both, where a
//! cofactorless single check and a batch would disagree. A failed batch is bisected down to
//! single items, so a forged signature is reported exactly as the single path reports it.

mod lines;
mod pipeline;
mod screen;

use chrono::{DateTime, Utc};

pub use lines::{LineSummary, verify_lines};
pub use pipeline::verify_lines_into;

use crate::error::Result;
use crate::verify::{AnyVerified, Pending, Verifier};

/// Signatures per `verify_batch` call, and texts per chunk: the multiscalar multiplication's
/// cost per point falls with its size (Pippenger's window grows from 6 to 8 bits between 256
/// and 1,024 points: 48,900 -> 39,800 instructions per signature, callgrind), while a
/// bisection after a forgery stays at about three times the batch's cost.
const BATCH: usize = 1024;

/// Bytes of prepared payloads one chunk may hold (4 MiB), counted by [`held_bound`]: a
/// chunk of ordinary stored texts holds about 1.7 MiB; texts that may inflate to the default
/// 16 KiB cap end a chunk after about 120. One chunk per thread is in flight at a time.
const CHUNK_BUDGET: usize = 4 << 20;

/// What preparing `text` may hold at most, in bytes: a stored body decodes to two thirds of
/// its characters (its COSE bytes, then the payload and Sig_structure copied from them fit in
/// three times the text); a zlib body (first byte 0x78, known from the first base45 group)
/// may inflate to the cap, twice over.
fn held_bound(text: &str, max_inflated_len: usize) -> usize {
    let stored = 3 * text.len() + 256;
    let body = text.strip_prefix(crate::codec::DS1_PREFIX).or_else(|| text.strip_prefix(crate::codec::HC1_PREFIX));
    match body.and_then(crate::codec::base45::first_byte) {
        Some(0x78) => stored + 2 * max_inflated_len,
        // No known prefix, or not base45: refused before anything is inflated.
        _ => stored,
    }
}

/// Cuts `texts` into chunks of at most `size` texts and [`CHUNK_BUDGET`] held bytes (a
/// chunk has one text at least, whatever it may hold).
fn chunks<S: AsRef<str>>(texts: &[S], size: usize, max_inflated_len: usize) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::with_capacity(texts.len().div_ceil(size));
    let mut start = 0;
    while start < texts.len() {
        let mut end = start;
        let mut held = 0usize;
        while end < texts.len() && end - start < size {
            held = held.saturating_add(held_bound(texts[end].as_ref(), max_inflated_len));
            if held > CHUNK_BUDGET && end > start {
                break;
            }
            end += 1;
        }
        ranges.push(start..end);
        start = end;
    }
    ranges
}

#[cfg(feature = "parallel")]
mod par {
    pub(super) use rayon::prelude::*;
}

impl Verifier {
    /// Verifies many payloads of any profile at `now` (each line's format detected by its
    /// prefix); the i-th result is what [`Verifier::verify_any`] gives for the i-th text
    /// (the module docs give the batch rule that makes it so).
    ///
    /// # Examples
    /// ```
    /// # use docseal::{Algorithm, Issuer, SigningKey, TrustList, TrustedKey, Verifier};
    /// # let key = SigningKey::generate(Algorithm::EdDsa)?;
    /// # let mut trust = TrustList::new();
    /// # trust.add(TrustedKey::new("Beijing TMB", key.verifying_key()));
    /// # let issuer = Issuer::new(key, "Beijing TMB")?;
    /// # let issued = issuer.issue(&docseal::samples::licence().into(), "2026-11-21T09:00:00Z".parse()?)?;
    /// let texts = vec![issued.text.clone(), "DS1:not a payload".to_owned()];
    /// let results = Verifier::new(trust).verify_many(&texts, "2026-11-21T09:01:00Z".parse()?);
    /// assert!(results[0].is_ok());
    /// assert_eq!(results[1].as_ref().unwrap_err().kind(), "base45");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify_many<S: AsRef<str> + Sync>(&self, texts: &[S], now: DateTime<Utc>) -> Vec<Result<AnyVerified>> {
        // Each chunk goes from text to result on one thread: no barrier between stages, and
        // what a chunk holds (bounded by CHUNK_BUDGET) is freed before the thread moves on.
        // Fewer texts than a batch per thread are spread over the threads all the same.
        let size = BATCH.min(texts.len().div_ceil(threads()).max(1));
        let ranges = chunks(texts, size, self.policy().limits().max_inflated_len);
        concat(map(&ranges, |range| self.verify_chunk(&texts[range.clone()], now)), texts.len())
    }

    /// As [`Verifier::verify_many`], on the calling thread alone.
    fn verify_on_this_thread<S: AsRef<str>>(&self, texts: &[S], now: DateTime<Utc>) -> Vec<Result<AnyVerified>> {
        let ranges = chunks(texts, BATCH, self.policy().limits().max_inflated_len);
        concat(ranges.into_iter().map(|range| self.verify_chunk(&texts[range], now)).collect(), texts.len())
    }

    /// One chunk: decode and look up keys, check the Ed25519 signatures as one batch
    /// (bisected on failure) and the others one by one, then claims and rules.
    fn verify_chunk<S: AsRef<str>>(&self, texts: &[S], now: DateTime<Utc>) -> Vec<Result<AnyVerified>> {
        let prepared: Vec<Result<Pending<'_>>> = texts.iter().map(|t| self.prepare_any(t.as_ref())).collect();
        let batchable: Vec<usize> =
            (0..prepared.len()).filter(|&i| prepared[i].as_ref().is_ok_and(screen::batchable)).collect();
        let items: Vec<&Pending<'_>> = batchable.iter().filter_map(|&i| prepared[i].as_ref().ok()).collect();
        let mut batch_outcome: Vec<Option<bool>> = vec![None; prepared.len()];
        for (&i, ok) in batchable.iter().zip(screen::verify_bisecting(&items)) {
            batch_outcome[i] = Some(ok);
        }
        drop(items);
        prepared
            .into_iter()
            .zip(batch_outcome)
            .map(|(pending, outcome)| {
                let mut pending = pending?;
                match outcome {
                    // The batch held: the one candidate key (the screen's condition) signed it.
                    Some(true) => {
                        let signers = std::mem::take(&mut pending.candidates);
                        self.finish_any(pending, signers, now)
                    }
                    Some(false) => self.finish_any(pending, Vec::new(), now),
                    None => {
                        let signers = pending.verify_each();
                        self.finish_any(pending, signers, now)
                    }
                }
            })
            .collect()
    }
}

/// The chunks' results one after the other, `total` in all; a single chunk's (the usual
/// case) as they are: results are 616 bytes each, and a copy of a thousand costs a fresh
/// vector's page faults as well as the move.
fn concat<T>(per_chunk: Vec<Vec<T>>, total: usize) -> Vec<T> {
    let mut per_chunk = per_chunk.into_iter();
    match (per_chunk.next(), per_chunk.len()) {
        (Some(only), 0) => only,
        (first, _) => {
            let mut all = Vec::with_capacity(total);
            for chunk in first.into_iter().chain(per_chunk) {
                all.extend(chunk);
            }
            all
        }
    }
}

#[cfg(feature = "parallel")]
fn threads() -> usize {
    rayon::current_num_threads()
}

#[cfg(not(feature = "parallel"))]
fn threads() -> usize {
    1
}

#[cfg(feature = "parallel")]
fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    use par::*;
    items.par_iter().map(f).collect()
}

#[cfg(not(feature = "parallel"))]
fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    items.iter().map(f).collect()
}

#[cfg(test)]
mod tests;
