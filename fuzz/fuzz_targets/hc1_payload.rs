//! The EU DCC claims reader (the payload inside an HC1 COSE_Sign1) on arbitrary bytes, taken
//! as a COSE_Sign1 when they parse as one (the seeds are the EU test suite's), else as the
//! payload itself. A certificate it accepts builds its JSON without a panic, and holds entries
//! under the type it reported.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let payload = match docseal::cose::parse_sign1_generic(data, &[]) {
        Ok(parsed) => parsed.payload,
        Err(_) => data.to_vec(),
    };
    if let Ok((_, dcc)) = docseal::wire::decode_hc1_payload(&payload) {
        let json = dcc.json();
        assert!(json.is_object(), "a certificate is a map");
        if let Some(kind) = dcc.kind() {
            let key = &kind.name()[..1];
            assert!(json[key].as_array().is_some_and(|entries| !entries.is_empty()), "{key} holds entries");
        }
    }
});
