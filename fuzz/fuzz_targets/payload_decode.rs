//! Prefix + base45 + inflate + COSE_Sign1 parse on arbitrary text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(cose) = docseal::codec::decode_text(&text, &docseal::Limits::default()) {
        let _ = docseal::cose::parse_sign1(&cose);
    }
    // Raw bytes as COSE too, to reach the parser without the base45 detour.
    let _ = docseal::cose::parse_sign1(data);
});
