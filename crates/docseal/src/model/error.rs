//! The model's own error: a document that breaks its rules. The crate's [`crate::Error`]
//! wraps it as the `document` kind.

use chrono::NaiveDate;

/// A document that breaks its own rules. Carries the field and the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DocumentError {
    /// A field's value is malformed.
    #[error("{field}: {reason}")]
    InvalidField {
        /// The JSON field name (docs/FORMAT.md section 4).
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// Two dates are in the wrong order.
    #[error("{earlier} ({earlier_date}) must not be after {later} ({later_date})")]
    DateOrder {
        /// The field that must come first.
        earlier: &'static str,
        /// Its value.
        earlier_date: NaiveDate,
        /// The field that must come later.
        later: &'static str,
        /// Its value.
        later_date: NaiveDate,
    },
    /// A check digit or check character does not match.
    #[error("{field}: check digit mismatch (expected {expected}, found {found})")]
    CheckDigit {
        /// Which field or MRZ part.
        field: &'static str,
        /// The computed check character.
        expected: char,
        /// The one in the data.
        found: char,
    },
    /// The licence status forbids issuing an electronic licence.
    #[error("status {status:?} ({meaning}) forbids issuing an electronic licence")]
    StatusForbidsIssue {
        /// The status letter.
        status: char,
        /// What it means.
        meaning: &'static str,
    },
    /// The document's JSON could not be read (syntax, an unknown or missing field, or a
    /// rule the document's constructor refuses).
    #[error("document JSON, line {line} column {column}: {reason}")]
    Json {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What was wrong.
        reason: String,
    },
    /// An issuing limit was reached (for example the temporary pass's 2 per month).
    #[error("issuing limit: {0}")]
    IssueLimit(String),
}

impl DocumentError {
    #[cold]
    pub(crate) fn field(field: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidField { field, reason: reason.into() }
    }
}
