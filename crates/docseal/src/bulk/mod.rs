//! Bulk verification: many payloads at close to the raw cost of their signature checks.
//!
//! The pass is the single path's, cut in three stages so the signature stage can be shared:
//! decode and look up keys (in parallel), check signatures (Ed25519 in batches of 256,
//! everything else one by one), then decode claims and apply the rules (in parallel). Results
//! come back in input order and equal what [`Verifier::verify`] gives for each input.
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
mod screen;

use chrono::{DateTime, Utc};

pub use lines::{LineSummary, verify_lines, verify_lines_into};

use crate::error::Result;
use crate::model::Credential;
use crate::trust::TrustedKey;
use crate::verify::{Pending, Verified, Verifier};

/// Signatures per `verify_batch` call: large enough to amortise the multiscalar
/// multiplication, small enough that a bisection after a forgery stays cheap.
const BATCH: usize = 256;

/// Bytes of prepared payloads held at once by one `verify_many` window (16 MiB), counted by
/// [`held_bound`]: 512 texts that may inflate to the default 16 KiB cap, or the whole
/// [`MAX_WINDOW`] of ordinary stored texts.
const WINDOW_BUDGET: usize = 16 << 20;

/// Texts in one window at most: sixteen batches, so that two or more threads share the
/// signature stage evenly between the window's barriers.
const MAX_WINDOW: usize = 16 * BATCH;

/// What preparing `text` may hold at most, in bytes: a stored body decodes to two thirds of
/// its characters (its COSE bytes, then the payload and Sig_structure copied from them fit in
/// three times the text); a zlib body (first byte 0x78, known from the first base45 group)
/// may inflate to the cap, twice over.
fn held_bound(text: &str, max_inflated_len: usize) -> usize {
    let stored = 3 * text.len() + 256;
    match text.strip_prefix(crate::codec::DS1_PREFIX).and_then(crate::codec::base45::first_byte) {
        Some(0x78) => stored + 2 * max_inflated_len,
        // Not `DS1:`, or not base45: refused before anything is inflated.
        _ => stored,
    }
}

#[cfg(feature = "parallel")]
mod par {
    pub(super) use rayon::prelude::*;
}

impl Verifier {
    /// Verifies many payloads at `now`; the i-th result is what [`Verifier::verify`] gives
    /// for the i-th text (the module docs give the batch rule that makes it so).
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
    pub fn verify_many<S: AsRef<str> + Sync>(
        &self,
        texts: &[S],
        now: DateTime<Utc>,
    ) -> Vec<Result<Verified<Credential>>> {
        // Each prepared text holds its payload and Sig_structure: working through windows
        // keeps what they may hold under WINDOW_BUDGET whatever the input.
        let max_inflated_len = self.policy().limits().max_inflated_len;
        let mut results = Vec::with_capacity(texts.len());
        let mut start = 0;
        while start < texts.len() {
            let mut end = start;
            let mut held = 0usize;
            while end < texts.len() && end - start < MAX_WINDOW {
                held = held.saturating_add(held_bound(texts[end].as_ref(), max_inflated_len));
                if held > WINDOW_BUDGET && end - start >= BATCH {
                    break;
                }
                end += 1;
            }
            results.extend(self.verify_window(&texts[start..end], now));
            start = end;
        }
        results
    }

    fn verify_window<S: AsRef<str> + Sync>(
        &self,
        texts: &[S],
        now: DateTime<Utc>,
    ) -> Vec<Result<Verified<Credential>>> {
        let prepared: Vec<Result<Pending<'_>>> = map(texts, |t| self.prepare(t.as_ref()));
        let batchable: Vec<usize> =
            (0..prepared.len()).filter(|&i| prepared[i].as_ref().is_ok_and(screen::batchable)).collect();
        let outcomes: Vec<bool> = {
            let chunks: Vec<&[usize]> = batchable.chunks(BATCH).collect();
            let per_chunk = map(&chunks, |chunk| {
                let items: Vec<&Pending<'_>> = chunk.iter().filter_map(|&i| prepared[i].as_ref().ok()).collect();
                screen::verify_bisecting(&items)
            });
            per_chunk.into_iter().flatten().collect()
        };
        let mut batch_outcome: Vec<Option<bool>> = vec![None; prepared.len()];
        for (&i, ok) in batchable.iter().zip(outcomes) {
            batch_outcome[i] = Some(ok);
        }
        let work: Vec<(Result<Pending<'_>>, Option<bool>)> = prepared.into_iter().zip(batch_outcome).collect();
        map_owned(work, |(pending, outcome)| {
            let pending = pending?;
            let signers: Vec<&TrustedKey> = match outcome {
                Some(true) => pending.candidates.clone(),
                Some(false) => Vec::new(),
                None => pending.verify_each(),
            };
            self.finish(pending, signers, now)
        })
    }
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

#[cfg(feature = "parallel")]
fn map_owned<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync + Send) -> Vec<R> {
    use par::*;
    items.into_par_iter().map(f).collect()
}

#[cfg(not(feature = "parallel"))]
fn map_owned<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync + Send) -> Vec<R> {
    items.into_iter().map(f).collect()
}

#[cfg(test)]
mod tests;
