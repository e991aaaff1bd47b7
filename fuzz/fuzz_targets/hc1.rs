//! The EU DCC profile: `HC1:` text through full verification against a fixed trust list (the
//! AT test signer's certificate from the shared DCC suite), and, when the input starts with a
//! zero byte, the rest as an X.509 certificate in a trust list.
#![no_main]
use std::sync::LazyLock;

use base64::Engine as _;
use libfuzzer_sys::fuzz_target;

const AT_CASE: &str = include_str!("../../test-vectors/dcc/AT/2DCode/raw/1.json");

static FIXED: LazyLock<(docseal::Verifier, chrono::DateTime<chrono::Utc>)> = LazyLock::new(|| {
    let case: serde_json::Value = serde_json::from_str(AT_CASE).expect("AT case");
    let trust = serde_json::json!({"version": 1, "issuers": [
        {"name": "AT", "certificate": case["TESTCTX"]["CERTIFICATE"], "documents": ["dcc"]}
    ]});
    let trust = docseal::TrustList::from_json(&trust.to_string()).expect("trust list");
    let at = chrono::DateTime::from_timestamp(1_620_324_000, 0).unwrap_or_default();
    (docseal::Verifier::new(trust), at)
});

fuzz_target!(|data: &[u8]| {
    if let Some((0, der)) = data.split_first() {
        let b64 = base64::engine::general_purpose::STANDARD.encode(der);
        let json = format!(r#"{{"version":1,"issuers":[{{"name":"fuzz","certificate":"{b64}"}}]}}"#);
        let _ = docseal::TrustList::from_json(&json);
        return;
    }
    let (verifier, now) = &*FIXED;
    let text = String::from_utf8_lossy(data);
    let any = verifier.verify_any(&text, *now);
    if text.starts_with("HC1:") {
        let direct = verifier.verify_hc1(&text, *now);
        assert_eq!(any.is_ok(), direct.is_ok());
    }
});
