//! Optional API keys: a file of SHA-256 hashes (lower-case hex, one per line, `#` comments),
//! so the file itself holds no key a reader could use.

use std::path::Path;

use axum::http::HeaderMap;
use sha2::{Digest, Sha256};

use crate::ServeError;

#[derive(Debug)]
pub(crate) struct ApiKeys {
    hashes: Vec<[u8; 32]>,
}

fn unhex(text: &str) -> Option<[u8; 32]> {
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

impl ApiKeys {
    pub(crate) fn load(path: &Path) -> Result<Self, ServeError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ServeError::Load { path: path.to_owned(), reason: e.to_string() })?;
        let mut hashes = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            hashes.push(unhex(line).ok_or_else(|| ServeError::Load {
                path: path.to_owned(),
                reason: format!("line {}: not a SHA-256 in hex (64 hex digits)", n + 1),
            })?);
        }
        if hashes.is_empty() {
            return Err(ServeError::Load { path: path.to_owned(), reason: "no key hash in the file".into() });
        }
        Ok(Self { hashes })
    }

    /// Whether the request carries a key whose hash is listed. Hashing first makes the
    /// comparison independent of how much of a guessed key matches.
    pub(crate) fn allows(&self, headers: &HeaderMap) -> bool {
        let presented = headers.get("x-api-key").and_then(|v| v.to_str().ok()).or_else(|| {
            headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "))
        });
        let Some(key) = presented else { return false };
        let digest: [u8; 32] = Sha256::digest(key.trim().as_bytes()).into();
        self.hashes.iter().fold(false, |found, h| found | (*h == digest))
    }
}
