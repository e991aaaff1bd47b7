//! TD3 MRZ parsing: two lines split from the input.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (a, b) = text.split_at(text.floor_char_boundary(text.len() / 2));
    let _ = docseal::model::passport::mrz::Td3::parse(a, b);
});
