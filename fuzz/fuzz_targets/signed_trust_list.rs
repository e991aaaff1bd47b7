//! Signed trust list decoding against a pinned anchor. With a leading zero byte the rest is
//! placed as the payload of a list the anchor really signs, so the payload decoder is reached.
#![no_main]
use docseal::trust::{SignedListRules, TrustList, TrustListInfo};
use docseal::{SigningKey, VerifyingKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let anchor = SigningKey::from_ed25519_seed(&[9; 32]);
    let public: VerifyingKey = anchor.verifying_key();
    let now = chrono::DateTime::from_timestamp(1_796_000_000, 0).unwrap_or_default();
    let rules = SignedListRules::default().accepting_overdue();
    match data.split_first() {
        Some((0, payload)) => {
            if let Ok(signed) = TrustList::sign_raw_payload(&anchor, payload.to_vec()) {
                let _ = TrustList::from_signed_with(&signed, &public, now, rules);
            }
        }
        _ => {
            let _ = TrustList::from_signed_with(data, &public, now, rules);
            // Sanity: a list this anchor signs always reads back.
            let info = TrustListInfo {
                provider: "fuzz".into(),
                date: now,
                sequence: 1,
                next_update: now + chrono::Duration::days(1),
            };
            if data.is_empty() {
                let signed = TrustList::new().sign(&anchor, &info).expect("an empty list signs");
                assert!(TrustList::from_signed_with(&signed, &public, now, rules).is_ok());
            }
        }
    }
});
