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
//! use docseal::samples::Corpus;
//! use docseal_wasm::Desk;
//!
//! // A trust list (JSON, docs/TRUST-LIST.md) and payloads issued under it.
//! let corpus = Corpus::generate(2, 0, 7, "2026-11-21T09:00:00Z".parse()?)?;
//! let at = "2026-11-21T09:01:00Z";
//!
//! let mut desk = Desk::new();
//! desk.load_trust(corpus.trust_json.as_bytes(), None, at)?;
//! let answer: serde_json::Value = serde_json::from_str(&desk.verify(&corpus.payloads[0], at))?;
//! assert_eq!(answer["valid"], true);
//! let refused: serde_json::Value = serde_json::from_str(&desk.verify("DS1:tampered", at))?;
//! assert_eq!(refused["error"]["kind"], "base45");
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
