//! Ed25519 verification by one rule on every path: the single check and the batch take the
//! same decision on every input.
//!
//! The rule (ZIP 215-style cofactored verification, with `verify_strict`'s encoding checks):
//! `S` canonical (`S < l`), `R` a canonical encoding of a point that is not of small order,
//! `A` not of small order (refused when the trust list loads), and
//! `[8]([S]B - R - [k]A) = 0` with `k = SHA-512(R || A || M) mod l`.
//!
//! The cofactor is why the two paths agree: a batch (a random linear combination of the
//! equations) cannot tell whether an `R` carries a component of order 2, 4 or 8, and a
//! cofactorless single check refuses such an `R`; multiplying by 8 on both paths removes the
//! torsion component from both decisions. Only the holder of the signing key can make such
//! a signature (the component changes `k`), so accepting it weakens nothing; a third party
//! cannot derive one signature from another.

use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity as _, VartimeMultiscalarMul as _};
use sha2::{Digest as _, Sha512};

/// One signature ready for the equation: its parts decoded and its `k` computed.
pub(crate) struct Prepared {
    s: Scalar,
    r: EdwardsPoint,
    k: Scalar,
    a: EdwardsPoint,
}

/// Decodes a signature against a key and message; `None` when an encoding check fails.
pub(crate) fn prepare(key: &ed25519_dalek::VerifyingKey, message: &[u8], signature: &[u8]) -> Option<Prepared> {
    let signature = <&[u8; 64]>::try_from(signature).ok()?;
    let (r_bytes, s_bytes) = signature.split_at(32);
    let r_bytes = <[u8; 32]>::try_from(r_bytes).ok()?;
    let s = Option::<Scalar>::from(Scalar::from_canonical_bytes(<[u8; 32]>::try_from(s_bytes).ok()?))?;
    let r = CompressedEdwardsY(r_bytes).decompress()?;
    // Decompression accepts y >= p; the canonical encoding is the one the point compresses to.
    if r.compress().to_bytes() != r_bytes || r.is_small_order() {
        return None;
    }
    let a = key.to_edwards();
    if a.is_small_order() {
        return None;
    }
    let mut h = Sha512::new();
    h.update(r_bytes);
    h.update(key.as_bytes());
    h.update(message);
    let k = Scalar::from_bytes_mod_order_wide(&h.finalize().into());
    Some(Prepared { s, r, k, a })
}

/// The single check.
pub(crate) fn verify(key: &ed25519_dalek::VerifyingKey, message: &[u8], signature: &[u8]) -> bool {
    prepare(key, message, signature).is_some_and(|p| {
        let sb_minus_ka = EdwardsPoint::vartime_double_scalar_mul_basepoint(&p.k, &(-p.a), &p.s);
        (sb_minus_ka - p.r).mul_by_cofactor().is_identity()
    })
}

/// The batch check: `[8](sum z_i ([S_i]B - R_i - [k_i]A_i)) = 0` with 128-bit coefficients
/// `z_i` drawn from a hash of the whole batch (no random source needed, as in ed25519-dalek).
/// `true` means every item holds; `false`, that at least one does not (with overwhelming
/// probability; bisect to find which).
pub(crate) fn verify_batch(items: &[Prepared], transcript: &[u8; 64]) -> bool {
    let z: Vec<Scalar> = (0..items.len())
        .map(|i| {
            let mut h = Sha512::new();
            h.update(transcript);
            h.update((i as u64).to_le_bytes());
            let digest = h.finalize();
            let mut wide = [0u8; 32];
            wide[..16].copy_from_slice(&digest[..16]);
            Scalar::from_bytes_mod_order(wide)
        })
        .collect();
    let b_coefficient: Scalar = items.iter().zip(&z).map(|(p, z)| z * p.s).sum();
    let scalars =
        std::iter::once(b_coefficient).chain(z.iter().map(|z| -z)).chain(items.iter().zip(&z).map(|(p, z)| -(z * p.k)));
    let points = std::iter::once(curve25519_dalek::constants::ED25519_BASEPOINT_POINT)
        .chain(items.iter().map(|p| p.r))
        .chain(items.iter().map(|p| p.a));
    EdwardsPoint::vartime_multiscalar_mul(scalars, points).mul_by_cofactor().is_identity()
}

/// A transcript of a batch's inputs, the seed of its coefficients.
pub(crate) fn transcript<'a>(parts: impl Iterator<Item = (&'a [u8], &'a [u8], &'a [u8])>) -> [u8; 64] {
    let mut h = Sha512::new();
    h.update(b"docseal ed25519 batch v1");
    for (key, message, signature) in parts {
        h.update(key);
        h.update((message.len() as u64).to_le_bytes());
        h.update(message);
        h.update(signature);
    }
    h.finalize().into()
}
