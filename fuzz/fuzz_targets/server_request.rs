//! `docseal serve`'s request handling (JSON bodies, batches, raw and multipart images) with
//! arbitrary bytes: every request is answered with a status the service documents and a JSON
//! body, never a panic.
#![no_main]
use std::sync::LazyLock;

use docseal_server::fuzzing::Harness;
use libfuzzer_sys::fuzz_target;

static HARNESS: LazyLock<Harness> = LazyLock::new(Harness::new);

fuzz_target!(|data: &[u8]| {
    let (status, body) = HARNESS.request(data);
    assert!(matches!(status, 200 | 400 | 408 | 413), "status {status}");
    assert!(
        serde_json::from_slice::<serde_json::Value>(&body).is_ok(),
        "a JSON body: {}",
        String::from_utf8_lossy(&body)
    );
});
