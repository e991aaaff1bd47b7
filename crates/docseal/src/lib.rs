//! # docseal
//!
//! Issue and verify tamper-proof electronic identity documents (a passport copy, a driving
//! licence, a temporary pass) as signed QR codes, **offline**: COSE_Sign1 (RFC 9052) over CWT
//! claims (RFC 8392), Ed25519 or ES256, zlib, base45 (RFC 9285), prefix `DS1:`.
//!
//! ```
//! use docseal::{Issuer, SigningKey, Algorithm, TrustList, TrustedKey, Verifier, Policy};
//! use docseal::model::{Credential, DocumentType};
//! use std::time::Duration;
//!
//! // Issuer side: a key, an issuer name, a passport copy.
//! let key = SigningKey::generate(Algorithm::EdDsa)?;
//! let public = key.verifying_key();
//! let issuer = Issuer::new(key, "National Immigration Administration")?;
//! let passport = Credential::from_json(DocumentType::Passport, r#"{
//!     "document_code": "P", "issuing_state": "CHN", "document_number": "EA1234567",
//!     "family_name": "ZHANG", "given_name": "SAN", "nationality": "CHN",
//!     "birth_date": "1990-03-07", "sex": "M", "issue_date": "2019-08-01",
//!     "expiry_date": "2029-07-31", "issuing_authority": "National Immigration Administration PRC"
//! }"#)?;
//! let at = "2026-11-21T09:00:00Z".parse()?;
//! let issued = issuer.issue(&passport, at)?;
//! assert!(issued.text.starts_with("DS1:"));
//!
//! // Relying party: an offline trust list, the time passed in, a freshness limit.
//! let mut trust = TrustList::new();
//! trust.add(TrustedKey::new("NIA", public));
//! let verifier = Verifier::new(trust).with_policy(Policy::default().with_max_age(Duration::from_secs(300)));
//! let verified = verifier.verify(&issued.text, "2026-11-21T09:02:00Z".parse()?)?;
//! assert_eq!(verified.credential(), &passport);
//!
//! // One byte of the signed document changed: refused...
//! let mut forged = issued.cose.clone();
//! let inside_the_document = forged.len() - 70; // before the signature's 66 bytes
//! forged[inside_the_document] ^= 1;
//! let err = verifier.verify_cose(&forged, "2026-11-21T09:02:00Z".parse()?).unwrap_err();
//! assert_eq!(err.kind(), "signature");
//!
//! // ...and so is a stale screenshot.
//! let err = verifier.verify(&issued.text, "2026-11-21T10:00:00Z".parse()?).unwrap_err();
//! assert_eq!(err.kind(), "stale");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The wire format is specified byte by byte in `docs/FORMAT.md`. The same verifier also
//! reads EU Digital COVID Certificates (`HC1:`, ES256 or PS256, X.509 certificates in the
//! trust list; feature `hc1`, on by default): see `Verifier::verify_hc1` and
//! `Verifier::verify_any`.
//!
//! # Speed: the AVX-512 IFMA backend
//!
//! Ed25519 checks are curve25519-dalek's. Built with
//! `--cfg curve25519_dalek_backend="avx512"` (rustc 1.89 or later), it adds its AVX-512 IFMA
//! code and picks a backend at run time: IFMA where the CPU has it (verification then costs
//! about two thirds of the AVX2 figure), else AVX2, else serial code. The binary stays
//! portable, unlike one built with `-C target-cpu=native`. docseal's own workspace sets this
//! for x86_64 in `.cargo/config.toml`; an application embedding docseal enables it the same
//! way, in its own `.cargo/config.toml`:
//!
//! ```toml
//! [target.'cfg(target_arch = "x86_64")']
//! rustflags = ["--cfg", 'curve25519_dalek_backend="avx512"']
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

/// Modules that are private to the crate. With the feature `test-util` (docseal's own tests,
/// benchmarks, fuzz targets and vector generator; no shipped crate enables it) they are
/// reachable, hidden and outside semver, so that tests can reach the wire internals, the
/// sample holders and the forging helpers. Without it, some of their `pub` items serve only
/// those tests, hence the allowances.
macro_rules! internal {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[cfg(feature = "test-util")]
        #[doc(hidden)]
        pub mod $name;
        $(#[$doc])*
        #[cfg(not(feature = "test-util"))]
        #[allow(unreachable_pub, dead_code, unused_imports)]
        mod $name;
    )*};
}

mod algorithm;
pub mod bulk;
mod cbor;
mod cbor_walk;
internal! {
    /// Prefix, base45, zlib; QR and barcode reference encoding.
    codec;
    /// COSE_Sign1 readers and writers, keys, algorithms.
    cose;
    /// Document and claims <-> compact CBOR.
    wire;
}

mod error;
pub mod issue;
pub mod json;
mod limits;
pub mod model;
/// Sample holders' documents and a corpus of good and forged payloads: test data only.
#[cfg(feature = "test-util")]
#[doc(hidden)]
pub mod samples;
#[cfg(all(test, not(feature = "test-util")))]
mod samples;
mod scope;
pub mod status;
mod time;
pub mod trust;
pub mod verify;

pub use algorithm::{Algorithm, Kid};
#[cfg(feature = "qr")]
pub use codec::qr::{ErrorCorrection, Qr};
pub use codec::reference::{BarcodeReference, ReferenceError};
pub use codec::{DS1_PREFIX, HC1_PREFIX};
pub use cose::{ES256_BACKEND, PreparedSign1, Signer, SigningKey, VerifyingKey};
pub use error::{Error, ErrorKind, KeyRefusal, LimitKind, Result, StatusProblem};
pub use issue::{Issued, Issuer, PreparedCredential};
pub use model::DocumentError;
pub use trust::{Scope, TrustList, TrustedKey};
pub use wire::{Claims, StatusRef};

#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct CrateReadmeDoctests;

/// The long-form documentation, shipped with the crate (the files of `docs/`).
pub mod _documentation {
    #[doc = include_str!("../docs/ARCHITECTURE.md")]
    pub mod architecture {}
    #[doc = include_str!("../docs/FORMAT.md")]
    pub mod format {}
    #[doc = include_str!("../docs/TRUST-LIST.md")]
    pub mod trust_list {}
    #[doc = include_str!("../docs/DOMAIN.md")]
    pub mod domain {}
    #[doc = include_str!("../docs/VECTORS.md")]
    pub mod vectors {}
    /// The guides, one per job.
    pub mod guides {
        #[doc = include_str!("../docs/guides/ISSUER.md")]
        pub mod issuer {}
        #[doc = include_str!("../docs/guides/DESK.md")]
        pub mod desk {}
        #[doc = include_str!("../docs/guides/SERVICE.md")]
        pub mod service {}
        #[doc = include_str!("../docs/guides/PYTHON.md")]
        pub mod python {}
    }
}

pub use limits::Limits;
#[cfg(feature = "hc1")]
pub use verify::AnyVerified;
pub use verify::{Inspected, Policy, Profile, Requirement, Verified, Verifier, inspect};
