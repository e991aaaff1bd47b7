//! The field's Ed25519 edge cases (ed25519-speccheck's 12 cases, C2SP/CCTV's 914 vectors,
//! copied into `test-vectors/ed25519/`) decided by the single check and the batch check as
//! `docseal-expected.json` says, and a differential test against ed25519-dalek's
//! `verify_strict`: the two disagree only where a small-order residue is left that the
//! cofactored equation removes.

use std::path::PathBuf;

use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::IsIdentity as _;
use proptest::prelude::*;
use serde_json::Value;
use sha2::{Digest as _, Sha512};

use super::ed25519::{SMALL_ORDER_R, prepare, verify_batch};
use crate::VerifyingKey;

struct Case {
    name: String,
    key: [u8; 32],
    message: Vec<u8>,
    signature: Vec<u8>,
    docseal_accepts: bool,
    reason: String,
    strict_accepts: bool,
}

fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors/ed25519")
}

fn json(name: &str) -> Value {
    let text = std::fs::read_to_string(folder().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex in the vectors")).collect()
}

fn key32(text: &str) -> [u8; 32] {
    hex(text).try_into().expect("a 32-byte key in the vectors")
}

fn decision(entry: &Value) -> (bool, String) {
    let accepts = match entry["docseal"].as_str() {
        Some("accept") => true,
        Some("refuse") => false,
        other => panic!("docseal-expected.json: {other:?}"),
    };
    (accepts, entry["reason"].as_str().expect("a reason").to_owned())
}

fn cases() -> Vec<Case> {
    let expected = json("docseal-expected.json");
    let mut cases = Vec::new();
    let speccheck = json("speccheck/cases.json");
    let strict = json("speccheck-expectations.json");
    for (index, case) in speccheck.as_array().expect("a list").iter().enumerate() {
        let (docseal_accepts, reason) = decision(&expected["speccheck"][index]);
        cases.push(Case {
            name: format!("speccheck {index}"),
            key: key32(case["pub_key"].as_str().expect("pub_key")),
            message: hex(case["message"].as_str().expect("message")),
            signature: hex(case["signature"].as_str().expect("signature")),
            docseal_accepts,
            reason,
            strict_accepts: strict[index]["dalek_strict"] == "V",
        });
    }
    let cctv = json("cctv/ed25519vectors.json");
    let strict = json("dalek-validationvectors-expectations.json");
    for (index, vector) in cctv.as_array().expect("a list").iter().enumerate() {
        let (docseal_accepts, reason) = decision(&expected["cctv"][index]);
        assert_eq!(strict[index]["number"], vector["number"], "the expectation files are in the vectors' order");
        cases.push(Case {
            name: format!("cctv {}", vector["number"]),
            key: key32(vector["key"].as_str().expect("key")),
            message: vector["msg"].as_str().expect("msg").as_bytes().to_vec(),
            signature: hex(vector["sig"].as_str().expect("sig")),
            docseal_accepts,
            reason,
            strict_accepts: strict[index]["strict_expected"] == true,
        });
    }
    cases
}

/// The single check, key loading included (a weak key never reaches the equation).
fn single(key: &[u8; 32], message: &[u8], signature: &[u8]) -> bool {
    VerifyingKey::from_ed25519_bytes(key).is_ok_and(|k| k.verify(message, signature).is_ok())
}

/// A batch of the case among three honest signatures, as the bulk path sees it.
fn batch(key: &[u8; 32], message: &[u8], signature: &[u8]) -> bool {
    let Ok(key) = VerifyingKey::from_ed25519_bytes(key) else { return false };
    let Some(item) = prepare(key.as_ed25519().expect("an Ed25519 key"), message, signature) else { return false };
    let honest = crate::SigningKey::from_ed25519_seed(&[7; 32]);
    let honest_key = honest.verifying_key();
    let mut items: Vec<_> = (0u8..3)
        .map(|i| {
            let signature = honest.sign(&[i]);
            prepare(honest_key.as_ed25519().expect("an Ed25519 key"), &[i], &signature).expect("an honest signature")
        })
        .collect();
    items.insert(1, item);
    verify_batch(&items)
}

fn strict(key: &[u8; 32], message: &[u8], signature: &[u8]) -> bool {
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(key) else { return false };
    let Ok(signature) = ed25519_dalek::Signature::from_slice(signature) else { return false };
    key.verify_strict(message, &signature).is_ok()
}

#[test]
fn every_edge_case_is_decided_as_documented_by_single_and_batch_alike() {
    let cases = cases();
    assert_eq!(cases.len(), 12 + 914);
    let mut differences = Vec::new();
    for case in &cases {
        let single = single(&case.key, &case.message, &case.signature);
        let batch = batch(&case.key, &case.message, &case.signature);
        assert_eq!(single, case.docseal_accepts, "{} (single): expected because {}", case.name, case.reason);
        assert_eq!(batch, case.docseal_accepts, "{} (batch): expected because {}", case.name, case.reason);
        if single != case.strict_accepts {
            differences.push(case);
        }
    }
    // Where docseal and verify_strict part, docseal accepts and the reason names the residue
    // the cofactor removes (never a weak key, a small-order R or a non-canonical encoding).
    assert_eq!(differences.len(), 63 + 2, "CCTV's 63 residue vectors and speccheck 4 and 5");
    for case in differences {
        assert!(case.docseal_accepts && !case.strict_accepts, "{}", case.name);
        assert!(case.reason.contains("cofactored"), "{}: {}", case.name, case.reason);
    }
}

/// A signature made by the key's holder from a scalar `a` and a nonce `r`, with `torsion`
/// added to `R` before `k` is computed (what only the holder can do).
fn signed_by_holder(a: Scalar, r: Scalar, torsion: EdwardsPoint, message: &[u8]) -> ([u8; 32], Vec<u8>) {
    let public = (ED25519_BASEPOINT_POINT * a).compress().to_bytes();
    let r_point = (ED25519_BASEPOINT_POINT * r + torsion).compress().to_bytes();
    let k = Scalar::from_bytes_mod_order_wide(
        &Sha512::new().chain_update(r_point).chain_update(public).chain_update(message).finalize().into(),
    );
    let s = r + k * a;
    let mut signature = r_point.to_vec();
    signature.extend_from_slice(s.as_bytes());
    (public, signature)
}

fn order_eight() -> EdwardsPoint {
    let point = CompressedEdwardsY(SMALL_ORDER_R[6]).decompress().expect("a point");
    assert!(!(point * Scalar::from(4u8)).is_identity() && (point * Scalar::from(8u8)).is_identity());
    point
}

#[derive(Debug, Clone)]
enum Change {
    None,
    FlipR(usize),
    FlipS(usize),
    FlipA(usize),
    FlipMessage(usize),
    /// A third party adds a torsion point to `R` (or `A`) of an honest signature.
    TorsionOnR(u8),
    TorsionOnA(u8),
    /// The holder signs with a torsion point in `R`: the one documented disagreement.
    HolderTorsionOnR(u8),
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        Just(Change::None),
        (0usize..256).prop_map(Change::FlipR),
        (0usize..256).prop_map(Change::FlipS),
        (0usize..256).prop_map(Change::FlipA),
        (0usize..256).prop_map(Change::FlipMessage),
        (1u8..8).prop_map(Change::TorsionOnR),
        (1u8..8).prop_map(Change::TorsionOnA),
        (1u8..8).prop_map(Change::HolderTorsionOnR),
    ]
}

fn flip(bytes: &mut [u8], bit: usize) {
    let byte = bit / 8 % bytes.len();
    bytes[byte] ^= 1 << (bit % 8);
}

fn add_torsion(encoded: &[u8], multiple: u8) -> [u8; 32] {
    let point = CompressedEdwardsY(encoded[..32].try_into().expect("32 bytes")).decompress().expect("a valid point");
    (point + order_eight() * Scalar::from(multiple)).compress().to_bytes()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn docseal_agrees_with_verify_strict_but_for_the_holders_torsion(
        a in any::<[u8; 32]>(), r in any::<[u8; 32]>(), message in proptest::collection::vec(any::<u8>(), 0..64), change in change(),
    ) {
        let (a, r) = (Scalar::from_bytes_mod_order(a), Scalar::from_bytes_mod_order(r));
        prop_assume!(a != Scalar::ZERO);
        let (mut key, mut signature) = signed_by_holder(a, r, EdwardsPoint::default(), &message);
        let mut message = message;
        match &change {
            Change::None => {}
            Change::FlipR(bit) => flip(&mut signature[..32], *bit),
            Change::FlipS(bit) => flip(&mut signature[32..], *bit),
            Change::FlipA(bit) => flip(&mut key, *bit),
            Change::FlipMessage(bit) => {
                if message.is_empty() { message.push(0) } else { flip(&mut message, *bit) }
            }
            Change::TorsionOnR(m) => {
                let moved = add_torsion(&signature[..32], *m);
                signature[..32].copy_from_slice(&moved);
            }
            Change::TorsionOnA(m) => key = add_torsion(&key, *m),
            Change::HolderTorsionOnR(m) => {
                (key, signature) = signed_by_holder(a, r, order_eight() * Scalar::from(*m), &message);
            }
        }
        let (docseal, batched, strict) = (single(&key, &message, &signature), batch(&key, &message, &signature), strict(&key, &message, &signature));
        prop_assert_eq!(docseal, batched, "single and batch part on {:?}", change);
        if let Change::HolderTorsionOnR(_) = change {
            prop_assert!(docseal && !strict, "the holder's torsion: docseal accepts, verify_strict refuses");
        } else {
            prop_assert_eq!(docseal, strict, "docseal and verify_strict part on {:?}", change);
        }
        if let Change::None = change {
            prop_assert!(docseal);
        }
    }
}
