//! MRZ lines that parse regenerate byte for byte.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() != 88 || !data.is_ascii() {
        return;
    }
    // safe: 88 ASCII bytes split into two 44-byte lines.
    let text = std::str::from_utf8(data).unwrap_or_default();
    let (a, b) = text.split_at(44);
    if let Ok(td3) = docseal::model::passport::mrz::Td3::parse(a, b) {
        let lines = td3.to_lines().expect("parsed fields fit the MRZ");
        assert_eq!([lines[0].as_str(), lines[1].as_str()], [a, b]);
    }
});
