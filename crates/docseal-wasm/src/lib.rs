//! # docseal-wasm
//!
//! docseal's verifier for a browser page, compiled to `wasm32-unknown-unknown` with
//! wasm-bindgen: the desk in `web/` loads a trust list (JSON, or signed and checked against a
//! pinned anchor) and status lists from files, then verifies payloads pasted, read from an
//! image file or from the camera. Nothing here touches the network or a clock: the page
//! passes the time in, as every docseal front end does.
//!
//! Every answer is the JSON of `docseal verify --json` ([`docseal::json`]) as a string, so
//! the page, the command line and the other front ends agree to the byte.
//!
//! ```
//! use docseal::{Algorithm, Issuer, SigningKey, TrustList, TrustedKey};
//! use docseal_wasm::Desk;
//!
//! let key = SigningKey::generate(Algorithm::EdDsa)?;
//! let mut trust = TrustList::new();
//! trust.add(TrustedKey::new("Beijing TMB", key.verifying_key()));
//! let at = "2026-11-21T09:00:00Z";
//! let issued = Issuer::new(key, "Beijing TMB")?.issue(&docseal::samples::licence().into(), at.parse()?)?;
//!
//! let mut desk = Desk::new();
//! desk.load_trust(trust.to_json()?.as_bytes(), None, at).map_err(|e| e.to_string())?;
//! let answer: serde_json::Value = serde_json::from_str(&desk.verify(&issued.text, at))?;
//! assert_eq!(answer["valid"], true);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod desk;
mod error;
#[cfg(feature = "render")]
mod pages;
#[cfg(feature = "scan")]
mod reading;

pub use desk::Desk;
pub use error::DeskError;

/// Runs when the page instantiates the module: a panic (a bug: every input error is a
/// [`DeskError`]) reaches the page as an exception with its message instead of a bare
/// `unreachable` trap.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| wasm_bindgen::throw_str(&format!("docseal: internal error: {info}"))));
}
