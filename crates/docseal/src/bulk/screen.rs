//! Which signatures may join an Ed25519 batch, and the batch with bisection.

use crate::algorithm::Algorithm;
use crate::verify::Pending;

/// Single Ed25519 candidate key, 64-byte signature, `R` canonical and not of small order.
pub(super) fn batchable(p: &Pending<'_>) -> bool {
    if p.candidates.len() != 1
        || p.candidates[0].key.algorithm() != Algorithm::EdDsa
        || p.parsed.signature().len() != 64
    {
        return false;
    }
    let mut r = [0u8; 32];
    r.copy_from_slice(&p.parsed.signature()[..32]);
    crate::cose::ed25519_y_is_canonical(&r) && !crate::cose::ed25519_is_small_order_encoding(&r)
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
            // Pushed into a vector of the right size: an `Option` collect loses the length
            // and grows the vector by copies.
            let mut prepared = Vec::with_capacity(items.len());
            let all_prepared = items.iter().all(|p| {
                let key = p.candidates[0].key.as_ed25519();
                let item = key
                    .and_then(|key| crate::cose::prepare_ed25519(key, p.parsed.to_be_signed(), p.parsed.signature()));
                item.map(|item| prepared.push(item)).is_some()
            });
            if all_prepared && crate::cose::verify_ed25519_batch(&prepared) {
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
