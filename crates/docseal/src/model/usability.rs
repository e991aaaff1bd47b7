//! Whether a genuine document may be used, and if not, why: the "red QR" answer.

use std::fmt;

use chrono::NaiveDate;

use super::licence::StatusCode;

/// Whether a genuine document may be used, per its own content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Usability {
    /// The document may be used (a "green" e-licence).
    Usable,
    /// The document is genuine but may not be used (a "red" e-licence).
    NotUsable(NotUsableReason),
}

impl Usability {
    /// `true` for [`Usability::Usable`].
    #[must_use]
    pub fn is_usable(&self) -> bool {
        matches!(self, Self::Usable)
    }

    /// The reason, when not usable.
    #[must_use]
    pub fn reason(&self) -> Option<&NotUsableReason> {
        match self {
            Self::Usable => None,
            Self::NotUsable(reason) => Some(reason),
        }
    }
}

/// Why a genuine document may not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotUsableReason {
    /// A licence status letter that forbids use (for example `D` suspended, `F` revoked).
    Status(StatusCode),
    /// The licence reached the full score of penalty points in the current cycle.
    FullScore {
        /// The points recorded.
        points: u8,
    },
    /// The document's own validity starts later.
    NotYetValid {
        /// The first valid day.
        valid_from: NaiveDate,
    },
    /// The document's own validity ended.
    Ended {
        /// The last valid day.
        valid_until: NaiveDate,
    },
}

impl fmt::Display for NotUsableReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Status(code) => {
                let how = if code.is_withdrawn() { "withdrawn" } else { "red" };
                write!(f, "status {} ({}): e-licence {how}", code.letter(), code.meaning())
            }
            Self::FullScore { points } => write!(f, "{points} points: full score reached in the current cycle"),
            Self::NotYetValid { valid_from } => write!(f, "valid only from {valid_from}"),
            Self::Ended { valid_until } => write!(f, "validity ended on {valid_until}"),
        }
    }
}
