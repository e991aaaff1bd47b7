//! # docseal
//!
//! Issue and verify tamper-proof electronic identity documents (a passport copy, a driving
//! licence, a temporary pass) as signed QR codes, **offline**: COSE_Sign1 (RFC 9052) over CWT
//! claims (RFC 8392), Ed25519 or ES256, zlib, base45 (RFC 9285), prefix `DS1:`.
//!
//! ```
//! use docseal::{Issuer, SigningKey, Algorithm, TrustList, TrustedKey, Verifier, Policy};
//! use docseal::model::Credential;
//! use std::time::Duration;
//!
//! // Issuer side: a key, an issuer name, a licence.
//! let key = SigningKey::generate(Algorithm::EdDsa)?;
//! let public = key.verifying_key();
//! let issuer = Issuer::new(key, "Beijing Traffic Management Bureau")?;
//! let licence = Credential::from(docseal::samples::licence());
//! let at = "2026-11-21T09:00:00Z".parse()?;
//! let issued = issuer.issue(&licence, at)?;
//! assert!(issued.text.starts_with("DS1:"));
//!
//! // Relying party: an offline trust list, the time passed in, a freshness limit.
//! let mut trust = TrustList::new();
//! trust.add(TrustedKey::new("Beijing TMB", public));
//! let verifier = Verifier::new(trust).with_policy(Policy::default().with_max_age(Duration::from_secs(300)));
//! let verified = verifier.verify(&issued.text, "2026-11-21T09:02:00Z".parse()?)?;
//! assert_eq!(verified.credential(), &licence);
//! assert!(verified.usability().is_usable());
//!
//! // A forged copy (points wiped, signed by another key under the authority's kid) is refused...
//! let mut forged = licence.to_json();
//! forged["points"] = 0.into();
//! let forged: docseal::model::DrivingLicence = serde_json::from_value(forged)?;
//! let payload = docseal::wire::encode_payload(
//!     &issued.claims,
//!     &docseal::wire::EncodedDocument::new(&Credential::from(forged)),
//! );
//! let prepared = docseal::cose::PreparedSign1::new(Algorithm::EdDsa, issuer.key().kid(), payload);
//! let stranger = SigningKey::generate(Algorithm::EdDsa)?;
//! let signature = stranger.sign(&prepared.to_be_signed());
//! let tampered = docseal::codec::encode_text(&prepared.finalize(signature)?);
//! let err = verifier.verify(&tampered, "2026-11-21T09:02:00Z".parse()?).unwrap_err();
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

mod algorithm;
pub mod bulk;
mod cbor;
mod cbor_walk;
pub mod codec;
pub mod cose;
mod error;
pub mod issue;
pub mod json;
mod limits;
pub mod model;
pub mod samples;
mod scope;
pub mod status;
mod time;
pub mod trust;
pub mod verify;
pub mod wire;

pub use algorithm::{Algorithm, Kid};
pub use cose::{Signer, SigningKey, VerifyingKey};
pub use error::{Error, ErrorKind, KeyRefusal, LimitKind, Result};
pub use issue::{Issued, Issuer, PreparedCredential};
pub use model::DocumentError;
pub use trust::{Scope, TrustList, TrustedKey};
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;

pub use limits::Limits;
#[cfg(feature = "hc1")]
pub use verify::AnyVerified;
pub use verify::{Inspected, Policy, Profile, Requirement, Verified, Verifier, inspect};
