//! Photos from outside: any bytes through docseal-scan's PNG/JPEG decoding (with a small
//! pixel limit, so the fuzzer explores headers rather than allocations), and the decoded
//! image through both readers under a time limit. Typed errors only: no panic, no hang.
#![no_main]
use std::time::Duration;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(image) = docseal_scan::decode_image(data, 1 << 20) else {
        return;
    };
    let scanner = docseal_scan::Scanner::new().with_time_limit(Duration::from_secs(1)).with_code128(true);
    if let Ok(codes) = scanner.scan(&image) {
        assert!(!codes.is_empty(), "Ok means at least one code");
    }
});
