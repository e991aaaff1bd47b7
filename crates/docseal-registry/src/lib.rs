//! The issuing authority's registry: every credential docseal issues is recorded in the
//! same transaction that checks the rules (at most two temporary passes per permit holder
//! per calendar month, no copy of a revoked, suspended or used document), each document
//! gets an entry in a status list, and the lists are published signed.
//!
//! This first backend is SQLite (embedded, one file, WAL mode, schema versioned by
//! `user_version`). The check and the insert run in one `BEGIN IMMEDIATE` transaction, so
//! concurrent issuers, threads or processes, are serialised and never pass a limit.
//!
//! ```
//! use docseal::{Algorithm, Issuer, SigningKey};
//! use docseal_registry::{Registry, RegistryConfig};
//! let dir = tempfile::tempdir()?;
//! let mut registry = Registry::open(&dir.path().join("docseal.db"), &RegistryConfig::new("https://tmb.example/status")?)?;
//! let issuer = Issuer::new(SigningKey::generate(Algorithm::EdDsa)?, "Beijing TMB")?;
//! let licence = docseal::samples::licence().into();
//! let issued = registry.issue(&issuer, &licence, "2026-11-21T09:00:00Z".parse()?)?;
//! assert_eq!(registry.credentials_of("driving-licence", "110105199003070017")?, 1);
//! # let _ = issued;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod error;
mod sqlite;

pub use error::RegistryError;
pub use sqlite::{Registry, RegistryConfig};
