//! The JSON the service writes, described for its OpenAPI document: these types are
//! documentation (never built); the handlers write the answers of `docseal::json`.
#![allow(dead_code)]

use utoipa::ToSchema;

/// The questions a request may ask (each optional).
#[derive(ToSchema)]
pub(crate) struct QuestionsSchema {
    /// A vehicle class the licence must permit, in its own class system (any case).
    class: Option<String>,
    /// Years the holder must have reached.
    min_age: Option<u32>,
    /// `air` or `rail`.
    travel_mode: Option<String>,
    /// `passport`, `driving-licence` or `temporary-pass` (aliases `licence`, `temp-pass`).
    document_type: Option<String>,
}

/// What went wrong, in the vocabulary every front end shares.
#[derive(ToSchema)]
pub(crate) struct ErrorBody {
    /// The kind: a refusal's (`signature`, `expired`, `status`, `trust-list`, ...), or `image`,
    /// `scan`, `request`.
    kind: String,
    /// In words.
    message: String,
}

/// The answer of `docseal verify --json`: valid with the document and its checks, or refused
/// with `error`.
#[derive(ToSchema)]
pub(crate) struct Answer {
    /// Whether the credential is genuine, valid and from a trusted authority.
    valid: bool,
    /// `DS1` or `HC1` (valid answers).
    profile: Option<String>,
    /// The document type (valid answers).
    document_type: Option<String>,
    /// The credential's `iss` (valid answers).
    issuer: Option<String>,
    /// The name in the trust list of the key that signed it (valid answers).
    trusted_key: Option<String>,
    /// Whether the document's own rules allow its use (valid answers).
    usable: Option<bool>,
    /// The document's fields (valid answers).
    #[schema(value_type = Option<Object>)]
    document: Option<()>,
    /// The checks that ran, in words (valid answers).
    #[schema(value_type = Option<Vec<Object>>)]
    checks: Option<()>,
    /// Why it was refused (refused answers).
    error: Option<ErrorBody>,
}

/// The answers of a batch, in the order of its payloads.
#[derive(ToSchema)]
pub(crate) struct BatchAnswer {
    results: Vec<Answer>,
}

/// A request the service would not answer with a verdict (4xx or 5xx).
#[derive(ToSchema)]
pub(crate) struct RequestError {
    error: ErrorBody,
}

/// `ok`; with 503, `trust-list-overdue` while the signed trust list is past its next update, or
/// `reload-stuck` while a reload of the files has not returned for 30 s.
#[derive(ToSchema)]
pub(crate) struct Health {
    status: String,
    /// When the overdue list was due.
    next_update: Option<String>,
    /// With `reload-stuck`: how long the reload has been running, in seconds.
    seconds: Option<i64>,
}
