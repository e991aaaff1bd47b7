//! docseal's base45: encode -> decode is the identity, encoding matches the `base45` crate,
//! and on any text both decoders agree (except the final pairs above 255 the crate wraps,
//! which RFC 9285 refuses).
#![no_main]
use docseal::codec::base45::{self as ours, Base45Error};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = ours::encode(data);
    assert_eq!(text, base45::encode(data));
    assert_eq!(ours::decode(&text).ok().as_deref(), Some(data));
    if let Ok(text) = std::str::from_utf8(data) {
        let mine = ours::decode(text);
        match base45::decode(text) {
            Ok(_) if mine == Err(Base45Error::PairTooLarge) => {}
            Ok(theirs) => assert_eq!(mine, Ok(theirs)),
            Err(_) => assert!(mine.is_err()),
        }
        if let Ok(bytes) = mine {
            assert_eq!(ours::encode(&bytes), text, "one text per byte string");
        }
    }
});
