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
    /// The file, or the PostgreSQL URL without its password, that database errors name.
    location: Option<String>,
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
        let mut registry = Self::with_backend(Box::new(SqliteBackend::open(path, config)?));
        registry.location = Some(path.display().to_string());
        Ok(registry)
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
            return Ok(Self {
                backend: Box::new(PostgresBackend::connect(location, config)?),
                location: Some(postgres::redacted(location)),
            });
            #[cfg(not(feature = "postgres"))]
            return Err(RegistryError::Config("this build has no PostgreSQL support (feature `postgres`)".into()));
        }
        Self::open(Path::new(location), config)
    }

    /// A registry over a backend of your own.
    #[must_use]
    pub fn with_backend(backend: Box<dyn Backend>) -> Self {
        Self { backend, location: None }
    }

    /// A database error with the registry it happened in named (the backend's own errors do
    /// not know where they are).
    fn named(&self, e: RegistryError) -> RegistryError {
        match (&self.location, e) {
            (Some(path), RegistryError::Sql(e)) => {
                RegistryError::Database { path: path.clone(), reason: sqlite::describe(&e) }
            }
            #[cfg(feature = "postgres")]
            (Some(path), RegistryError::Postgres(e)) => {
                RegistryError::Database { path: path.clone(), reason: e.to_string() }
            }
            (Some(path), RegistryError::Corrupt(reason)) => {
                RegistryError::Database { path: path.clone(), reason: format!("corrupt: {reason}") }
            }
            (_, e) => e,
        }
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
        self.issue_then(issuer, credential, at, |_| Ok(())).map(|(issued, ())| issued)
    }

    /// As [`Registry::issue`], with `outputs` run on the signed credential inside the same
    /// transaction, before its commit: everything that can fail for ordinary reasons (a QR
    /// code over capacity, a page that does not render, an output file that exists or a
    /// folder that cannot be written) fails there and rolls the row back, so no pass is used
    /// up by a credential nobody received. After the commit only what `outputs` prepared
    /// remains to be delivered.
    ///
    /// # Errors
    /// As [`Registry::issue`]; [`RegistryError::Output`] with `outputs`' reason.
    pub fn issue_then<S: Signer, T>(
        &mut self,
        issuer: &Issuer<S>,
        credential: &Credential,
        at: DateTime<Utc>,
        mut outputs: impl FnMut(&Issued) -> Result<T, String>,
    ) -> Result<(Issued, T), RegistryError> {
        let document = rules::document_key(credential, at)?;
        let prepared = match credential {
            Credential::TemporaryPass(pass) => issuer.prepare_pass(pass, at, &[][..])?,
            other => issuer.prepare(other)?,
        };
        let kid = issuer.key().kid().0.to_vec();
        let mut delivered = None;
        let issued = self.backend.issue(&document, &mut |entry| {
            let issued = issuer.issue_prepared(&prepared.clone().with_status(entry.clone()), at)?;
            delivered = Some(outputs(&issued).map_err(|reason| RegistryError::Output { reason })?);
            let row = NewCredential::of(&issued, &kid);
            Ok((issued, row))
        });
        let issued = issued.map_err(|e| self.named(e))?;
        // The closure ran and returned `Ok` (else `issue` returned its error above), so it
        // stored what `outputs` prepared.
        #[allow(clippy::expect_used)]
        let delivered = delivered.expect("outputs ran before the commit");
        Ok((issued, delivered))
    }

    /// Sets a document's status (revoke: [`Status::Invalid`], suspend, reinstate:
    /// [`Status::Valid`], mark used); returns the status it had. The next
    /// [`Registry::publish`] carries it to relying parties.
    ///
    /// # Errors
    /// [`RegistryError::UnknownDocument`], [`RegistryError::Transition`], or the database's.
    pub fn set_status(&mut self, document_type: &str, number: &str, to: Status) -> Result<Status, RegistryError> {
        self.backend.set_status(document_type, number, to).map_err(|e| self.named(e))
    }

    /// The credentials `lookup` names.
    ///
    /// # Errors
    /// The database's.
    pub fn credentials(&mut self, lookup: Lookup<'_>) -> Result<Vec<CredentialRecord>, RegistryError> {
        self.backend.credentials(lookup).map_err(|e| self.named(e))
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
        self.backend.stats().map_err(|e| self.named(e))
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
        let lists = self.backend.status_lists().map_err(|e| self.named(e))?;
        publish::sign_lists(lists, signer, now, valid_for)
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
