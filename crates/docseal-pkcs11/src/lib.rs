//! A docseal [`Signer`](docseal::Signer) whose private key never leaves a PKCS#11 token: a hardware security
//! module, a smart card, or SoftHSM2 for tests.
//!
//! ```no_run
//! use docseal::Issuer;
//! use docseal_pkcs11::{Pin, Token};
//!
//! let token = Token::open("/usr/lib/softhsm/libsofthsm2.so".as_ref(), "docseal")?;
//! token.login(&Pin::new(std::env::var("DOCSEAL_PKCS11_PIN")?))?;
//! let signer = token.signer("licence-2026")?;
//! println!("trust this key: {}", signer.verifying_key().to_spki_pem()?);
//! let issuer = Issuer::new(signer, "Beijing Traffic Management Bureau")?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod error;
mod pin;
mod token;

pub use error::Pkcs11Error;
pub use pin::Pin;
pub use token::{Pkcs11Signer, Token};
