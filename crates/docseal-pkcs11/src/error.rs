//! What can go wrong between docseal and a token, with the context to act on it.

use std::path::PathBuf;

/// A PKCS#11 failure, naming the module, token or key concerned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Pkcs11Error {
    /// The module (a shared library) could not be loaded or initialised.
    #[error("PKCS#11 module {}: {source}", path.display())]
    Module {
        /// The module's path.
        path: PathBuf,
        /// The loader's or module's error.
        source: cryptoki::error::Error,
    },
    /// No slot holds a token with this label.
    #[error("no PKCS#11 token labelled {label:?} (tokens present: {})", if present.is_empty() { "none".to_owned() } else { present.join(", ") })]
    TokenNotFound {
        /// The label asked for.
        label: String,
        /// The labels of the tokens the module sees.
        present: Vec<String>,
    },
    /// The PIN was refused, or the token is locked.
    #[error("login to token {token:?} failed: {source}")]
    Login {
        /// The token's label.
        token: String,
        /// The module's error (for example `PinIncorrect`).
        source: cryptoki::error::Error,
    },
    /// No private key with this label on the token.
    #[error("no private key labelled {label:?} on the token")]
    KeyNotFound {
        /// The key label asked for.
        label: String,
    },
    /// More than one key answers to the label: the signer must be unambiguous.
    #[error("{count} private keys are labelled {label:?}: labels must name one key")]
    AmbiguousKey {
        /// The key label.
        label: String,
        /// How many keys carry it.
        count: usize,
    },
    /// A key with this label exists already (at generation).
    #[error("a key labelled {label:?} exists already on the token")]
    KeyExists {
        /// The key label.
        label: String,
    },
    /// The key is not one docseal signs with (Ed25519 or P-256).
    #[error("key {label:?}: {reason}")]
    UnsupportedKey {
        /// The key label.
        label: String,
        /// Why.
        reason: String,
    },
    /// Any other call the token refused.
    #[error("PKCS#11 {operation}: {source}")]
    Token {
        /// What docseal was doing.
        operation: &'static str,
        /// The module's error.
        source: cryptoki::error::Error,
    },
}

impl Pkcs11Error {
    pub(crate) fn token(operation: &'static str) -> impl FnOnce(cryptoki::error::Error) -> Self {
        move |source| Self::Token { operation, source }
    }
}
