//! A claims set that decodes re-encodes to the same bytes (deterministic CBOR) and decodes
//! to the same credential.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((claims, credential)) = docseal::wire::decode_payload(data) {
        let encoded = docseal::wire::encode_payload(&claims, &docseal::wire::EncodedDocument::new(&credential));
        assert_eq!(encoded, data, "a decoded payload re-encodes to its own bytes");
        let (claims2, credential2) = docseal::wire::decode_payload(&encoded).expect("re-decodes");
        assert_eq!((claims2, credential2), (claims, credential));
    }
});
