//! Status List Token decoding, then loading against a trust list that holds a status key;
//! when a token decodes, its list answers every index it holds and none past the end.
#![no_main]
use docseal::status::{StatusListToken, StatusLists};
use docseal::{Limits, Scope, SigningKey, TrustList, TrustedKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Small caps keep a run's memory bounded; the decoder must refuse past them, not grow.
    let limits = Limits::default().with_max_status_list_len(1 << 16);
    if let Ok(token) = StatusListToken::decode(data, &limits) {
        let len = token.list.len();
        assert!(token.list.get(len.saturating_sub(1)).is_some());
        assert!(token.list.get(len).is_none());
    }
    let key = SigningKey::from_ed25519_seed(&[7; 32]);
    let mut trust = TrustList::new();
    trust.add(TrustedKey::new("status", key.verifying_key()).with_scopes(vec![Scope::StatusList]));
    let _ = StatusLists::new().add(data, &trust, &limits);
});
