//! The issuing authority's registry: every credential docseal issues is recorded in the
//! same transaction that checks the rules (at most two temporary passes per permit holder
//! per calendar month, no copy of a revoked, suspended or used document), each document
//! gets an entry in a status list, and the lists are published signed.
//!
//! Two backends implement the small [`Backend`] trait: SQLite (embedded, one file, WAL
//! mode, schema versioned by `user_version`) and, with the `postgres` feature, PostgreSQL
//! for issuers on several machines. Either way the rules' check, the status entry's
//! allocation, the signature and the insert are one serialised transaction: concurrent
//! issuers never pass a limit, and a credential is returned only once its row is committed.
//!
//! ```
//! use docseal::{Algorithm, Issuer, SigningKey};
//! use docseal_registry::{Registry, RegistryConfig};
//! let dir = tempfile::tempdir()?;
//! let config = RegistryConfig::new("https://tmb.example/status")?;
//! let mut registry = Registry::open(&dir.path().join("docseal.db"), &config)?;
//! let issuer = Issuer::new(SigningKey::generate(Algorithm::EdDsa)?, "Beijing TMB")?;
//! let licence = docseal::samples::licence().into();
//! let issued = registry.issue(&issuer, &licence, "2026-11-21T09:00:00Z".parse()?)?;
//! assert_eq!(registry.credentials_of("driving-licence", "110105199003070017")?, 1);
//! # let _ = issued;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod config;
mod error;
#[cfg(feature = "postgres")]
mod postgres;
mod publish;
pub mod rules;
mod sqlite;
mod store;

use std::path::Path;

use chrono::{DateTime, Utc};
use docseal::model::Credential;
use docseal::status::Status;
use docseal::{Issued, Issuer, Signer};

pub use config::{DEFAULT_LIST_SIZE, RegistryConfig};
pub use error::RegistryError;
#[cfg(feature = "postgres")]
pub use postgres::PostgresBackend;
pub use publish::PublishedList;
pub use sqlite::SqliteBackend;
pub use store::{Backend, CredentialRecord, DocumentKey, ListEntries, Lookup, NewCredential, SignWith, Stats};

/// A registry over any [`Backend`].
pub struct Registry {
    backend: Box<dyn Backend>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry").field("config", self.backend.config()).finish_non_exhaustive()
    }
}

impl Registry {
    /// The SQLite registry at `path`, created with `config` on first use (see
    /// [`SqliteBackend::open`]).
    ///
    /// # Errors
    /// [`RegistryError::Database`] naming the file.
    pub fn open(path: &Path, config: &RegistryConfig) -> Result<Self, RegistryError> {
        Ok(Self::with_backend(Box::new(SqliteBackend::open(path, config)?)))
    }

    /// The registry at `location`: a PostgreSQL URL (`postgres://` or `postgresql://`,
    /// with the `postgres` feature) or a SQLite file path.
    ///
    /// # Errors
    /// [`RegistryError::Database`], or [`RegistryError::Config`] for a PostgreSQL URL in a
    /// build without the feature.
    pub fn connect(location: &str, config: &RegistryConfig) -> Result<Self, RegistryError> {
        if location.starts_with("postgres://") || location.starts_with("postgresql://") {
            #[cfg(feature = "postgres")]
            return Ok(Self::with_backend(Box::new(PostgresBackend::connect(location, config)?)));
            #[cfg(not(feature = "postgres"))]
            return Err(RegistryError::Config("this build has no PostgreSQL support (feature `postgres`)".into()));
        }
        Self::open(Path::new(location), config)
    }

    /// A registry over a backend of your own.
    #[must_use]
    pub fn with_backend(backend: Box<dyn Backend>) -> Self {
        Self { backend }
    }

    /// The settings the registry was created with.
    #[must_use]
    pub fn config(&self) -> &RegistryConfig {
        self.backend.config()
    }

    /// Issues a copy of `credential` generated at `at` and records it, in one transaction:
    /// the rules checked, the document's status entry allocated (or its existing one kept:
    /// a refreshed copy is the same document), the credential signed with that entry and
    /// its row inserted. The credential is returned only after the commit; a failure
    /// anywhere leaves no row.
    ///
    /// # Errors
    /// [`RegistryError::PassLimit`], [`RegistryError::StatusForbids`], docseal's refusal
    /// of the document (before the database is touched), the signer's, or the database's.
    pub fn issue<S: Signer>(
        &mut self,
        issuer: &Issuer<S>,
        credential: &Credential,
        at: DateTime<Utc>,
    ) -> Result<Issued, RegistryError> {
        let document = rules::document_key(credential, at)?;
        // The document's own rules first, outside the transaction that holds the lock; the
        // registry is the pass history, so the library's own check gets an empty one.
        let prepared = match credential {
            Credential::TemporaryPass(pass) => issuer.prepare_pass(pass, at, &[][..])?,
            other => issuer.prepare(other)?,
        };
        let kid = issuer.key().kid().0.to_vec();
        self.backend.issue(&document, &mut |entry| {
            let issued = issuer.issue_prepared(&prepared.clone().with_status(entry.clone()), at)?;
            let row = NewCredential::of(&issued, &kid);
            Ok((issued, row))
        })
    }

    /// Sets a document's status (revoke: [`Status::Invalid`], suspend, reinstate:
    /// [`Status::Valid`], mark used); returns the status it had. The next
    /// [`Registry::publish`] carries it to relying parties.
    ///
    /// # Errors
    /// [`RegistryError::UnknownDocument`], [`RegistryError::Transition`], or the database's.
    pub fn set_status(&mut self, document_type: &str, number: &str, to: Status) -> Result<Status, RegistryError> {
        self.backend.set_status(document_type, number, to)
    }

    /// The credentials `lookup` names.
    ///
    /// # Errors
    /// The database's.
    pub fn credentials(&mut self, lookup: Lookup<'_>) -> Result<Vec<CredentialRecord>, RegistryError> {
        self.backend.credentials(lookup)
    }

    /// How many copies of a document were issued.
    ///
    /// # Errors
    /// The database's.
    pub fn credentials_of(&mut self, document_type: &str, number: &str) -> Result<u64, RegistryError> {
        Ok(self.credentials(Lookup::Document { document_type, number })?.len() as u64)
    }

    /// Counts of documents, credentials, statuses and list entries.
    ///
    /// # Errors
    /// The database's.
    pub fn stats(&mut self) -> Result<Stats, RegistryError> {
        self.backend.stats()
    }

    /// Signs every status list as a Status List Token valid from `now` for `valid_for`,
    /// read from one snapshot of the registry.
    ///
    /// # Errors
    /// The signer's or the database's.
    pub fn publish(
        &mut self,
        signer: &(impl Signer + ?Sized),
        now: DateTime<Utc>,
        valid_for: std::time::Duration,
    ) -> Result<Vec<PublishedList>, RegistryError> {
        publish::sign_lists(self.backend.status_lists()?, signer, now, valid_for)
    }
}

/// Lower-case hex, for credential ids in messages.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
