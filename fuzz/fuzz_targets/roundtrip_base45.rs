//! decode -> encode -> decode is stable, and encode -> decode is the identity.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    assert_eq!(base45::decode(base45::encode(data)).ok().as_deref(), Some(data));
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(bytes) = base45::decode(text) {
            let again = base45::encode(&bytes);
            assert_eq!(base45::decode(&again).ok(), Some(bytes));
        }
    }
});
