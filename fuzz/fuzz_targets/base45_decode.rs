//! base45 body decoding, alone and through docseal's codec: never panics, refuses with a
//! typed error.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(body) = std::str::from_utf8(data) {
        let _ = docseal::codec::base45::decode(body);
        let _ = docseal::codec::decode_text(&format!("DS1:{body}"), &docseal::Limits::default());
    }
});
