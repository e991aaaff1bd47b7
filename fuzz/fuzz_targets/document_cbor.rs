//! The CWT claims and document decoder (deterministic CBOR, document rules).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = docseal::wire::decode_payload(data);
});
