//! Bulk verification: many payloads at close to the raw cost of their signature checks.
//!
//! The pass is the single path's, cut in three stages so the signature stage can be shared:
//! decode and look up keys (in parallel), check signatures (Ed25519 in batches of 64,
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

pub use lines::{LineSummary, verify_lines};

use crate::error::Result;
use crate::model::Credential;
use crate::trust::TrustedKey;
use crate::verify::{Pending, Verified, Verifier};

/// Signatures per `verify_batch` call: large enough to amortise the multiscalar
/// multiplication, small enough that a bisection after a forgery stays cheap.
const BATCH: usize = 64;

/// Bytes of prepared payloads held at once by one `verify_many` window (16 MiB): with the
/// default 16 KiB inflation cap, 512 texts, eight full batches.
const WINDOW_BUDGET: usize = 16 << 20;

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
        // Each prepared text holds its payload and Sig_structure (up to twice the inflated
        // cap): working through windows keeps that under WINDOW_BUDGET whatever the input.
        let per_text = 2 * self.policy().limits().max_inflated_len.max(1);
        let window = (WINDOW_BUDGET / per_text).max(BATCH);
        let mut results = Vec::with_capacity(texts.len());
        for part in texts.chunks(window) {
            results.extend(self.verify_window(part, now));
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
