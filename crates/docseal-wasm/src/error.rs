//! What the desk refuses, as a typed error that reaches JavaScript as an `Error` with its
//! message.

use wasm_bindgen::JsValue;

/// Why the desk could not do what the page asked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeskError {
    /// An instant that is not RFC 3339.
    #[error("{what} {given:?} is not an RFC 3339 time")]
    Time {
        /// Which argument.
        what: &'static str,
        /// What the page passed.
        given: String,
    },
    /// The trust list (or its anchor) was refused; the desk keeps the list it had.
    #[error("trust list refused ({kind}): {reason}")]
    Trust {
        /// The error kind of `docseal verify --json` (`trust`, `signature`, `cbor`, ...), or
        /// `anchor` for the pinned key.
        kind: String,
        /// Why.
        reason: String,
    },
    /// A status list token was refused; the desk keeps the lists it had.
    #[error("status list refused ({kind}): {reason}")]
    Status {
        /// The error kind (`status`, `signature`, `limit`, ...).
        kind: String,
        /// Why.
        reason: String,
    },
    /// Text that does not decode to a document at all (nothing to draw).
    #[error("not a document ({kind}): {reason}")]
    Payload {
        /// The error kind of `docseal verify --json`.
        kind: String,
        /// Why.
        reason: String,
    },
    /// A requirement question the verifier does not know how to ask.
    #[error("requirement refused: {reason}")]
    Requirement {
        /// Why.
        reason: String,
    },
    /// The pages could not be drawn.
    #[cfg(feature = "render")]
    #[error(transparent)]
    Render(#[from] docseal_render::RenderError),
    /// No code could be read from the image.
    #[cfg(feature = "scan")]
    #[error(transparent)]
    Scan(#[from] docseal_scan::ScanError),
}

impl From<DeskError> for JsValue {
    fn from(e: DeskError) -> Self {
        wasm_bindgen::JsError::new(&e.to_string()).into()
    }
}
