//! What the registry refuses, typed.

/// A registry failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// The database cannot be opened, is not a docseal registry, or is from a newer
    /// docseal (nothing was changed in it). `path` is the file, or the PostgreSQL URL
    /// without its password.
    #[error("registry {path}: {reason}")]
    Database {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// A third temporary pass for the same permit holder in one calendar month.
    #[error("the permit holder {holder} already has {count} temporary passes in {month} (at most 2 per month)")]
    PassLimit {
        /// The permit holder (permit number without its renewal count).
        holder: String,
        /// `YYYY-MM`, in the issuing authority's zone.
        month: String,
        /// Passes already issued that month.
        count: u32,
    },
    /// The document's registry status forbids a new copy.
    #[error("{document_type} {number} is {status}: no new copy is issued")]
    StatusForbids {
        /// The document type.
        document_type: String,
        /// The document number.
        number: String,
        /// Its status.
        status: String,
    },
    /// What was to be delivered with the credential (its QR code, image or pages) could not
    /// be prepared: the transaction was rolled back, nothing is recorded.
    #[error("the credential's outputs could not be prepared, nothing recorded: {reason}")]
    Output {
        /// Why.
        reason: String,
    },
    /// No such document in the registry.
    #[error("no {document_type} {number} in the registry")]
    UnknownDocument {
        /// The document type.
        document_type: String,
        /// The document number.
        number: String,
    },
    /// The status change is not possible.
    #[error("{document_type} {number} cannot go from {from} to {to}: {reason}")]
    Transition {
        /// The document type.
        document_type: String,
        /// The document number.
        number: String,
        /// Its status.
        from: String,
        /// The status asked for.
        to: String,
        /// Why not.
        reason: String,
    },
    /// A document type this registry does not record.
    #[error("the registry does not record {document_type} documents")]
    Unsupported {
        /// The document type.
        document_type: String,
    },
    /// A setting out of range.
    #[error("registry setting: {0}")]
    Config(String),
    /// A row this registry cannot have written (a changed or damaged database).
    #[error("registry row: {0}")]
    Corrupt(String),
    /// docseal refused to issue or sign.
    #[error("{0}")]
    Docseal(#[from] docseal::Error),
    /// SQLite failed.
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    /// PostgreSQL failed.
    #[cfg(feature = "postgres")]
    #[error("database: {0}")]
    Postgres(#[from] postgres::Error),
}

impl RegistryError {
    /// A short name for the kind of failure, for JSON and exit messages: `pass-limit`,
    /// `status-forbids`, `transition`, `unknown-document`, `unsupported`, `config`,
    /// `corrupt`, `database`, or docseal's own kind.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::PassLimit { .. } => "pass-limit",
            Self::StatusForbids { .. } => "status-forbids",
            Self::Transition { .. } => "transition",
            Self::UnknownDocument { .. } => "unknown-document",
            Self::Unsupported { .. } => "unsupported",
            Self::Config(_) => "config",
            Self::Output { .. } => "output",
            Self::Corrupt(_) => "corrupt",
            Self::Docseal(e) => e.kind().as_str(),
            Self::Database { .. } | Self::Sql(_) => "database",
            #[cfg(feature = "postgres")]
            Self::Postgres(_) => "database",
        }
    }

    /// Whether the registry judged the request (a limit, a status, a document docseal
    /// refuses) rather than failed to answer it.
    #[must_use]
    pub fn is_refusal(&self) -> bool {
        matches!(self, Self::PassLimit { .. } | Self::StatusForbids { .. } | Self::Transition { .. } | Self::Docseal(_))
    }
}
