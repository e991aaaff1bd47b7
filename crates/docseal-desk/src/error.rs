//! Setup failures: what is wrong with a desk's lists, apart from any credential's verdict.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

/// Why a desk's setup (trust list, anchor, status lists, state) could not be loaded or
/// replaced. A desk that fails to reload keeps the set it had.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SetupError {
    /// A file could not be read.
    #[error("cannot read {}: {reason}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        reason: std::io::Error,
    },
    /// A FIFO, device or folder where a file was expected: never read, so nothing blocks.
    #[error("{} is not a regular file", path.display())]
    NotRegularFile {
        /// The path.
        path: PathBuf,
    },
    /// A file larger than any list a desk loads.
    #[error("{} is larger than {max} bytes", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The cap.
        max: u64,
    },
    /// A status folder with no `.cwt` token in it.
    #[error("{}: no .cwt status list tokens in it", dir.display())]
    NoStatusTokens {
        /// The folder.
        dir: PathBuf,
    },
    /// The trust anchor key could not be read.
    #[error("{source_name}: trust anchor: {error}")]
    Anchor {
        /// Where it came from.
        source_name: String,
        /// Why.
        error: docseal::Error,
    },
    /// The trust list was refused: malformed, not signed by the anchor, overdue, or a
    /// signed list given without its anchor.
    #[error("{source_name}: {error}")]
    Trust {
        /// Where it came from.
        source_name: String,
        /// Why.
        error: docseal::Error,
    },
    /// Bytes that are no JSON trust list, given without an anchor key.
    #[error("{source_name}: not a JSON trust list; a signed list needs its anchor key (--trust-anchor)")]
    TrustNeedsAnchor {
        /// Where it came from.
        source_name: String,
    },
    /// A signed trust list older (by `sequence`) than one this desk already accepted.
    #[error("{source_name}: rollback: trust list sequence {sequence} is below {floor}, already accepted")]
    TrustRollback {
        /// Where it came from.
        source_name: String,
        /// The offered list's sequence.
        sequence: u64,
        /// The highest sequence accepted before.
        floor: u64,
    },
    /// A status list token was refused (malformed, forged, signed by a key not trusted for
    /// status lists, unbound to an issuer where several sign).
    #[error("{source_name}: {error}")]
    Status {
        /// Where it came from.
        source_name: String,
        /// Why.
        error: docseal::Error,
    },
    /// A status list older than the one in force for the same URI and authority.
    #[error("rollback: status list {uri} dated {offered} is older than the one in force, dated {in_force}")]
    StatusRollback {
        /// The list's URI.
        uri: String,
        /// The offered token's `iat`.
        offered: DateTime<Utc>,
        /// The `iat` of the token in force.
        in_force: DateTime<Utc>,
    },
    /// Two different tokens with the same, newest time for one list.
    #[error("status list {uri}: two different tokens dated {issued_at}; neither is taken")]
    StatusConflict {
        /// The list's URI.
        uri: String,
        /// Their common `iat`.
        issued_at: DateTime<Utc>,
    },
    /// The desk's state folder (the highest trust-list sequence accepted) could not be kept.
    #[error("state {}: {reason}", path.display())]
    State {
        /// The state file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

impl SetupError {
    /// The kind in the vocabulary every front end shares: `trust-list` for the trust list
    /// and its anchor, `status` for status lists, `io` for files and state.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Read { .. } | Self::NotRegularFile { .. } | Self::TooLarge { .. } | Self::State { .. } => "io",
            Self::Anchor { .. } | Self::Trust { .. } | Self::TrustNeedsAnchor { .. } | Self::TrustRollback { .. } => {
                "trust-list"
            }
            Self::NoStatusTokens { .. }
            | Self::Status { .. }
            | Self::StatusRollback { .. }
            | Self::StatusConflict { .. } => "status",
        }
    }
}
