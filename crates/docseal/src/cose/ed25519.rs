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

/// Canonical encodings of the eight small-order points, plus the two encodings of the
/// x = 0 points with the sign bit set (which decompress to the same points).
pub(crate) const SMALL_ORDER_R: [[u8; 32]; 10] = [
    hex32("0100000000000000000000000000000000000000000000000000000000000000"),
    hex32("0100000000000000000000000000000000000000000000000000000000000080"),
    hex32("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    hex32("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
    hex32("0000000000000000000000000000000000000000000000000000000000000000"),
    hex32("0000000000000000000000000000000000000000000000000000000000000080"),
    hex32("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
    hex32("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"),
    hex32("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
    hex32("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85"),
];

const fn hex32(s: &str) -> [u8; 32] {
    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            _ => c - b'a' + 10,
        }
    }
    let b = s.as_bytes();
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = nibble(b[2 * i]) << 4 | nibble(b[2 * i + 1]);
        i += 1;
    }
    out
}

/// One signature ready for the equation: its parts decoded and its `k` computed.
pub(crate) struct Prepared {
    s: Scalar,
    r: EdwardsPoint,
    k: Scalar,
    a: EdwardsPoint,
    /// The key's encoding, to gather the terms of one key in a batch.
    a_bytes: [u8; 32],
    /// The signature's encoding, which seeds a batch's coefficients.
    signature: [u8; 64],
}

/// Decodes a signature against a key and message; `None` when an encoding check fails.
/// `key` is a docseal key, never of small order (see below).
pub(crate) fn prepare(key: &ed25519_dalek::VerifyingKey, message: &[u8], signature: &[u8]) -> Option<Prepared> {
    let signature = <&[u8; 64]>::try_from(signature).ok()?;
    let (r_bytes, s_bytes) = signature.split_at(32);
    let r_bytes = <[u8; 32]>::try_from(r_bytes).ok()?;
    let s = Option::<Scalar>::from(Scalar::from_canonical_bytes(<[u8; 32]>::try_from(s_bytes).ok()?))?;
    // Decompression accepts y >= p, the one non-canonical encoding of a point that is not
    // of small order (the other, x = 0 with the sign bit set, is y = +-1, of small order).
    // A byte test, where recompressing the point would cost a field inversion.
    if !y_is_canonical(&r_bytes) {
        return None;
    }
    // For a canonical y, the table holds every encoding of a small-order point (its test
    // proves it): a comparison instead of three point doublings.
    if is_small_order_encoding(&r_bytes) {
        return None;
    }
    let r = CompressedEdwardsY(r_bytes).decompress()?;
    // No small-order check of `A` here: every docseal key is checked when it is made
    // (`VerifyingKey::from_spki_der` refuses a weak key, and a signing key's public half is
    // a nonzero multiple of the base point).
    let a = key.to_edwards();
    debug_assert!(!a.is_small_order());
    let mut h = Sha512::new();
    h.update(r_bytes);
    h.update(key.as_bytes());
    h.update(message);
    let k = Scalar::from_bytes_mod_order_wide(&h.finalize().into());
    Some(Prepared { s, r, k, a, a_bytes: *key.as_bytes(), signature: *signature })
}

/// Whether an encoded point with a canonical `y` is of small order.
pub(crate) fn is_small_order_encoding(encoded: &[u8; 32]) -> bool {
    SMALL_ORDER_R.contains(encoded)
}

/// Whether the 255-bit little-endian `y` of an encoded point is below p = 2^255 - 19.
pub(crate) fn y_is_canonical(encoded: &[u8; 32]) -> bool {
    let top_ones = encoded[31] & 0x7f == 0x7f && encoded[1..31].iter().all(|&b| b == 0xff);
    !(top_ones && encoded[0] >= 0xed)
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
pub(crate) fn verify_batch(items: &[Prepared]) -> bool {
    let z = coefficients(items);
    let b_coefficient: Scalar = items.iter().zip(&z).map(|(p, z)| z * p.s).sum();
    // The terms of one key gather into one: sum(z_i k_i) A instead of one point per
    // signature, which halves the multiscalar multiplication when one authority signed
    // the batch (the usual case). Batches hold few keys: a linear search.
    let mut keys: Vec<([u8; 32], EdwardsPoint, Scalar)> = Vec::new();
    for (p, z) in items.iter().zip(&z) {
        let term = -(z * p.k);
        match keys.iter_mut().find(|(bytes, _, _)| *bytes == p.a_bytes) {
            Some((_, _, sum)) => *sum += term,
            None => keys.push((p.a_bytes, p.a, term)),
        }
    }
    let scalars = std::iter::once(b_coefficient).chain(z.iter().map(|z| -z)).chain(keys.iter().map(|(_, _, sum)| *sum));
    let points = std::iter::once(curve25519_dalek::constants::ED25519_BASEPOINT_POINT)
        .chain(items.iter().map(|p| p.r))
        .chain(keys.iter().map(|(_, a, _)| *a));
    EdwardsPoint::vartime_multiscalar_mul(scalars, points).mul_by_cofactor().is_identity()
}

/// The batch's 128-bit coefficients, from a transcript of every equation's inputs: each
/// item's key, signature (`R` and `S`) and `k`. `k = SHA-512(R || A || M)` binds the
/// message, so the messages are not hashed a second time (ed25519-dalek's batch binds the
/// same values: its transcript takes each `k` digest and `S`). One SHA-512 output gives four
/// coefficients.
fn coefficients(items: &[Prepared]) -> Vec<Scalar> {
    let mut h = Sha512::new();
    h.update(b"docseal ed25519 batch v2");
    h.update((items.len() as u64).to_le_bytes());
    for p in items {
        h.update(p.a_bytes);
        h.update(p.signature);
        h.update(p.k.as_bytes());
    }
    let seed = h.finalize();
    let mut z = Vec::with_capacity(items.len());
    for block in 0..items.len().div_ceil(4) {
        let mut h = Sha512::new();
        h.update(seed);
        h.update((block as u64).to_le_bytes());
        let digest = h.finalize();
        for quarter in digest.chunks_exact(16).take(items.len() - z.len()) {
            let mut wide = [0u8; 32];
            wide[..16].copy_from_slice(quarter);
            z.push(Scalar::from_bytes_mod_order(wide));
        }
    }
    z
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_holds_exactly_small_order_points() {
        for r in SMALL_ORDER_R {
            let point = CompressedEdwardsY(r).decompress();
            assert!(point.is_some_and(|p| p.is_small_order()), "{r:02x?}");
        }
        // Every point of the 8-torsion subgroup compresses to a table entry.
        let order8 = CompressedEdwardsY(SMALL_ORDER_R[6]).decompress().unwrap();
        let mut q = order8;
        for _ in 0..8 {
            assert!(SMALL_ORDER_R.contains(&q.compress().to_bytes()));
            q += order8;
        }
    }

    #[test]
    fn y_is_canonical_exactly_below_p() {
        let mut p_minus_1 = [0xff; 32];
        p_minus_1[31] = 0x7f;
        p_minus_1[0] = 0xec;
        assert!(y_is_canonical(&p_minus_1));
        for low in 0xed..=0xff {
            let mut y = p_minus_1;
            y[0] = low;
            assert!(!y_is_canonical(&y), "y = p + {}", low - 0xed);
            y[31] |= 0x80; // the sign bit does not count toward y
            assert!(!y_is_canonical(&y));
        }
        let mut below = p_minus_1;
        below[0] = 0xff;
        below[17] = 0xfe;
        assert!(y_is_canonical(&below));
    }

    #[test]
    fn the_byte_test_agrees_with_recompression() {
        // Every encoding whose y is at or just above p, and random ones: decompressing and
        // recompressing gives back the bytes exactly when the byte test says canonical
        // (for points not of small order).
        let mut candidates: Vec<[u8; 32]> = (0xe0..=0xffu8)
            .flat_map(|low| {
                let mut y = [0xff; 32];
                y[31] = 0x7f;
                y[0] = low;
                let mut signed = y;
                signed[31] |= 0x80;
                [y, signed]
            })
            .collect();
        let mut h = Sha512::new();
        for i in 0u32..2000 {
            h.update(i.to_le_bytes());
            let d = h.clone().finalize();
            candidates.push(<[u8; 32]>::try_from(&d[..32]).expect("32 of 64 bytes"));
        }
        for bytes in candidates {
            let Some(point) = CompressedEdwardsY(bytes).decompress() else { continue };
            if point.is_small_order() {
                continue;
            }
            assert_eq!(point.compress().to_bytes() == bytes, y_is_canonical(&bytes), "{bytes:02x?}");
        }
    }
}
