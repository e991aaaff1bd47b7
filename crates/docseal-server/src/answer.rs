//! A verification's result as the service answers it: its kind for the metrics, its JSON.

/// `valid`, or the refusal's kind: the label of the verdict counters.
pub(crate) fn verdict_kind<T>(result: &docseal::Result<T>) -> &'static str {
    match result {
        Ok(_) => "valid",
        Err(e) => e.kind().as_str(),
    }
}

/// The `verify --json` answer for a result, as response bytes.
pub(crate) fn answer_bytes(result: &docseal::Result<docseal::AnyVerified>) -> Vec<u8> {
    let mut out = Vec::with_capacity(2048);
    // safe: writing to a Vec cannot fail, and the answer's fields are strings, numbers and
    // string-keyed maps, which serde_json always serializes.
    #[allow(clippy::expect_used)]
    docseal::json::write_answer(&mut out, result).expect("JSON into a Vec");
    out
}
