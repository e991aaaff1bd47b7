//! Not API (cargo feature `fuzzing`): the service's request handling driven by arbitrary
//! bytes, in process, for the fuzz target `server_request`: the routes' JSON and multipart
//! decoding, the limits and the answers, without sockets.

use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, header};
use tower::ServiceExt as _;

use crate::{Config, Limits, Sources};

/// A service over a trust list of one generated key, on a single-threaded runtime.
pub struct Harness {
    runtime: tokio::runtime::Runtime,
    router: Router,
    dir: PathBuf,
}

impl Harness {
    /// Writes the trust list to a fresh temporary folder and builds the routes.
    ///
    /// # Panics
    /// When the runtime, the key or the folder cannot be made: the harness cannot run then.
    #[must_use]
    #[allow(clippy::expect_used)]
    pub fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
        let key = docseal::SigningKey::generate(docseal::Algorithm::EdDsa).expect("an Ed25519 key");
        let pem = key.verifying_key().to_spki_pem().expect("a PEM key");
        let dir = std::env::temp_dir().join(format!("docseal-fuzz-server-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let trust = dir.join("trust.json");
        let list = serde_json::json!({"version": 1, "issuers": [{"name": "Fuzz TMB", "public_key": pem}]});
        std::fs::write(&trust, list.to_string()).expect("the trust list written");
        let config = Config {
            sources: Sources { trust, trust_anchor: None, status: Vec::new() },
            trust_sequence: None,
            state_dir: None,
            policy: docseal::Policy::default(),
            limits: Limits {
                image_pixels: 1_000_000,
                image_time: Duration::from_millis(200),
                batch: 50,
                ..Limits::default()
            },
            reload_every: Duration::from_secs(3600),
            api_keys: None,
            open_metrics: false,
        };
        let app = runtime.block_on(async { crate::app(&config) }).expect("the service loads its trust list");
        Self { runtime, router: crate::router(app), dir }
    }

    /// Sends one request: the first byte chooses the route and content type, the rest is
    /// the body. Returns the status and the response body.
    ///
    /// # Panics
    /// When the response body cannot be read (the routes' bodies are in memory).
    #[allow(clippy::expect_used)]
    pub fn request(&self, data: &[u8]) -> (u16, Vec<u8>) {
        let (choice, body) = data.split_first().map_or((0, &[][..]), |(c, b)| (*c, b));
        let (path, content_type) = match choice % 4 {
            0 => ("/v1/verify", "application/json"),
            1 => ("/v1/verify/batch", "application/json"),
            2 => ("/v1/verify/image", "image/png"),
            _ => ("/v1/verify/image", "multipart/form-data; boundary=b"),
        };
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body.to_vec()))
            .expect("a request from a fixed method, path and header");
        self.runtime.block_on(async {
            let response = self.router.clone().oneshot(request).await.expect("the router's error type is Infallible");
            let status = response.status().as_u16();
            let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("an in-memory body");
            (status, body.to_vec())
        })
    }
}

impl Default for Harness {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        // A leftover folder in the temporary directory is harmless.
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_decided_and_malformed_requests() {
        let harness = Harness::new();
        let (status, body) = harness.request(b"\x00{\"payload\": \"DS1:XX\"}");
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let answer: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(answer["valid"], false);
        assert_eq!(harness.request(b"\x01{").0, 400);
        assert_eq!(harness.request(b"\x03--b\r\n").0, 400);
    }
}
