//! Which signatures may join an Ed25519 batch, and the batch with bisection.

use crate::algorithm::Algorithm;
use crate::verify::Pending;

/// Canonical encodings of the eight small-order points, plus the two encodings of the
/// x = 0 points with the sign bit set (which decompress to the same points).
pub(super) const SMALL_ORDER_R: [[u8; 32]; 10] = [
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

/// Single Ed25519 candidate key, 64-byte signature, `R` canonical and not of small order.
pub(super) fn batchable(p: &Pending<'_>) -> bool {
    if p.candidates.len() != 1 || p.candidates[0].key.algorithm() != Algorithm::EdDsa || p.parsed.signature.len() != 64
    {
        return false;
    }
    let mut r = [0u8; 32];
    r.copy_from_slice(&p.parsed.signature[..32]);
    crate::cose::ed25519_y_is_canonical(&r) && !SMALL_ORDER_R.contains(&r)
}

/// Verifies the items' signatures as a batch; on failure, halves and retries, down to
/// single items checked one by one. Both use the same cofactored rule, so the batch never
/// decides otherwise than the single check would.
pub(super) fn verify_bisecting(items: &[&Pending<'_>]) -> Vec<bool> {
    match items {
        [] => Vec::new(),
        [one] => vec![!one.verify_each().is_empty()],
        _ => {
            // An item that fails its encoding checks makes the batch fail; bisection then
            // judges it alone, by the single check.
            let prepared: Option<Vec<_>> = items
                .iter()
                .map(|p| {
                    let key = p.candidates[0].key.as_ed25519()?;
                    crate::cose::prepare_ed25519(key, &p.parsed.to_be_signed, &p.parsed.signature)
                })
                .collect();
            let transcript = || {
                crate::cose::ed25519_transcript(items.iter().filter_map(|p| {
                    let key = p.candidates[0].key.as_ed25519()?;
                    Some((key.as_bytes().as_slice(), p.parsed.to_be_signed.as_slice(), p.parsed.signature.as_slice()))
                }))
            };
            if prepared.is_some_and(|prepared| crate::cose::verify_ed25519_batch(&prepared, &transcript())) {
                vec![true; items.len()]
            } else {
                let (left, right) = items.split_at(items.len() / 2);
                let mut out = verify_bisecting(left);
                out.extend(verify_bisecting(right));
                out
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use curve25519_dalek::edwards::CompressedEdwardsY;

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
}
