//! Full verification against a fixed trust list (the corpus generator's, seed 1).
#![no_main]
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

static FIXED: LazyLock<(docseal::Verifier, chrono::DateTime<chrono::Utc>)> = LazyLock::new(|| {
    let at = chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default();
    let corpus = docseal::samples::Corpus::generate(3, 0, 1, at).expect("corpus");
    (docseal::Verifier::new(corpus.trust), corpus.verify_at)
});

fuzz_target!(|data: &[u8]| {
    let (verifier, now) = &*FIXED;
    let text = String::from_utf8_lossy(data);
    // The bulk path reads every format, as verify_any does.
    let single = verifier.verify_any(&text, *now);
    let bulk = verifier.verify_many(&[text.as_ref()], *now);
    assert_eq!(bulk.len(), 1);
    assert_eq!(bulk[0].as_ref().map_err(|e| e.kind()).err(), single.as_ref().map_err(|e| e.kind()).err());
});
