//! The HTTP routes: verification (one, a batch, an image), health, what is loaded, metrics.
//! A decided verdict (valid or refused) is HTTP 200 with the JSON of `verify --json`; only a
//! malformed request gets a 4xx.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use docseal::{ErrorKind, Policy, Verifier};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::App;
use docseal_desk::Questions;

use crate::answer::{answer_bytes, verdict_kind};

/// A request the service will not answer with a verdict: `{"error": {"kind": "request",
/// "message": ...}}` with a 4xx (or 5xx) status.
#[derive(Debug)]
pub(crate) struct Refusal {
    status: StatusCode,
    message: String,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let kind = ErrorKind::Request.as_str();
        (self.status, axum::Json(json!({"error": {"kind": kind, "message": self.message}}))).into_response()
    }
}

pub(crate) fn bad_request(status: StatusCode, message: impl Into<String>) -> Refusal {
    Refusal { status, message: message.into() }
}

/// Any path the service does not have: 404 with the JSON error body.
pub(crate) async fn not_found() -> Refusal {
    bad_request(StatusCode::NOT_FOUND, "no such route: see /v1/openapi.json")
}

/// A rejection made outside the handlers (a body over its limit, a method a route does not
/// take) in the documented shape: the JSON error body instead of the framework's text.
pub(crate) async fn as_json_error(response: Response) -> Response {
    let status = response.status();
    let is_json =
        response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    // The framework's own text is short; a body that is not (or does not arrive) is left out.
    let text = axum::body::to_bytes(response.into_body(), 1024).await.unwrap_or_default();
    let detail = String::from_utf8_lossy(&text);
    let message = match (status.canonical_reason(), detail.trim()) {
        (Some(reason), "") => reason.to_owned(),
        (Some(reason), detail) => format!("{reason}: {detail}"),
        (None, detail) => detail.to_owned(),
    };
    bad_request(status, message).into_response()
}

fn json_response(value: &Value) -> Response {
    json_bytes_response(value.to_string().into_bytes())
}

fn json_bytes_response(body: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// One payload to verify.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct VerifyRequest {
    /// The QR text (`DS1:...`, `HC1:...`).
    payload: String,
    /// The verification time (RFC 3339); default now.
    at: Option<String>,
    /// Questions to ask of the credential.
    #[serde(default)]
    #[schema(value_type = Option<crate::schemas::QuestionsSchema>)]
    require: Option<Questions>,
}

/// Payloads to verify on the bulk path (at most `--max-batch`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BatchRequest {
    /// The QR texts.
    payloads: Vec<String>,
    /// The verification time (RFC 3339); default now.
    at: Option<String>,
    /// Questions to ask of every credential.
    #[serde(default)]
    #[schema(value_type = Option<crate::schemas::QuestionsSchema>)]
    require: Option<Questions>,
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Refusal> {
    serde_json::from_slice(body).map_err(|e| bad_request(StatusCode::BAD_REQUEST, format!("malformed request: {e}")))
}

fn instant(at: Option<&str>) -> Result<DateTime<Utc>, Refusal> {
    match at {
        None => Ok(Utc::now()),
        Some(text) => DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| bad_request(StatusCode::BAD_REQUEST, format!("at {text:?} is not an RFC 3339 time"))),
    }
}

/// The verifier to use: the loaded one, or a copy with the request's questions added (the
/// status lists are shared, the trust list is small).
fn with_questions(verifier: &Verifier, base: &Policy, require: Option<Questions>) -> Result<Option<Verifier>, Refusal> {
    let Some(require) = require else { return Ok(None) };
    let policy = require.apply(base.clone()).map_err(|e| bad_request(StatusCode::BAD_REQUEST, e.to_string()))?;
    Ok(Some(verifier.clone().with_policy(policy)))
}

#[utoipa::path(post, path = "/v1/verify", request_body = VerifyRequest,
    responses((status = 200, description = "The verdict, valid or refused", body = crate::schemas::Answer),
        (status = 400, description = "A malformed request", body = crate::schemas::RequestError),
        (status = 401, description = "No valid API key", body = crate::schemas::RequestError),
        (status = 503, description = "Too many requests at once", body = crate::schemas::RequestError)))]
pub(crate) async fn verify(State(app): State<Arc<App>>, body: Bytes) -> Result<Response, Refusal> {
    let started = Instant::now();
    let _permit = app.admit()?;
    let request: VerifyRequest = parse(&body)?;
    if request.at.is_none() && request.require.is_none() {
        // The common case: grouped with the requests that arrive meanwhile (coalesce.rs).
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job = crate::coalesce::Job { text: request.payload, reply };
        let sent = app.coalesce.send(job).await;
        let Ok((kind, answer)) = (match sent {
            Ok(()) => answer.await.map_err(|_| ()),
            Err(_) => Err(()),
        }) else {
            return Err(bad_request(StatusCode::INTERNAL_SERVER_ERROR, "the verification stopped"));
        };
        app.metrics.verdict(kind);
        app.metrics.latency(started.elapsed());
        return Ok(json_bytes_response(answer));
    }
    let now = instant(request.at.as_deref())?;
    let loaded = app.current.get();
    let asked = with_questions(loaded.verifier(), app.current.policy(), request.require)?;
    let verifier = asked.as_ref().unwrap_or(loaded.verifier());
    let result = verifier.verify_any(request.payload.trim(), now);
    app.metrics.verdict(verdict_kind(&result));
    let answer = answer_bytes(&result);
    app.metrics.latency(started.elapsed());
    Ok(json_bytes_response(answer))
}

#[utoipa::path(post, path = "/v1/verify/batch", request_body = BatchRequest,
    responses((status = 200, description = "One answer per payload, in order", body = crate::schemas::BatchAnswer),
        (status = 400, description = "A malformed request", body = crate::schemas::RequestError),
        (status = 413, description = "Too many payloads or too large a body", body = crate::schemas::RequestError)))]
pub(crate) async fn verify_batch(State(app): State<Arc<App>>, body: Bytes) -> Result<Response, Refusal> {
    let started = Instant::now();
    let _permit = app.admit()?;
    let request: BatchRequest = parse(&body)?;
    if request.payloads.len() > app.limits.batch {
        return Err(bad_request(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("{} payloads in one batch, over the limit of {}", request.payloads.len(), app.limits.batch),
        ));
    }
    let now = instant(request.at.as_deref())?;
    let loaded = app.current.get();
    let asked = with_questions(loaded.verifier(), app.current.policy(), request.require)?;
    let verifier = asked.unwrap_or_else(|| loaded.verifier().clone());
    // The bulk path uses every core: off the async workers. The answers are written as
    // the lines of `verify --bulk --json`, joined into `{"results": [...]}`.
    let answered = tokio::task::spawn_blocking(move || {
        let texts: Vec<&str> = request.payloads.iter().map(|t| t.trim()).collect();
        let results = verifier.verify_many(&texts, now);
        let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
        let mut body = Vec::with_capacity(texts.len() * 1024 + 16);
        body.extend_from_slice(b"{\"results\":[");
        for (i, result) in results.iter().enumerate() {
            *kinds.entry(verdict_kind(result).to_owned()).or_insert(0) += 1;
            if i > 0 {
                body.push(b',');
            }
            // safe: writing to a Vec cannot fail.
            #[allow(clippy::expect_used)]
            docseal::json::write_line(&mut body, result).expect("JSON into a Vec");
            // Each line ends with a newline; inside the array a newline is whitespace.
        }
        body.extend_from_slice(b"]}");
        (kinds, body)
    })
    .await;
    let Ok((kinds, body)) = answered else {
        return Err(bad_request(StatusCode::INTERNAL_SERVER_ERROR, "the batch's verification stopped"));
    };
    app.metrics.verdicts(kinds);
    app.metrics.latency(started.elapsed());
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

#[utoipa::path(post, path = "/v1/verify/image",
    request_body(content_type = "application/octet-stream", description = "A photo: the raw PNG or JPEG body, or a multipart/form-data upload (field `image`)"),
    params(("X-Docseal-At" = Option<String>, Header, description = "The verification time (RFC 3339)")),
    responses((status = 200, description = "The verdict of the code found, or kind image or scan", body = crate::schemas::Answer),
        (status = 413, description = "Too large an image", body = crate::schemas::RequestError)))]
pub(crate) async fn verify_image(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refusal> {
    let started = Instant::now();
    let _permit = app.admit()?;
    let at = headers.get("x-docseal-at").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let now = instant(at.as_deref())?;
    let body = image_of(&headers, body).await?;
    let loaded = app.current.get();
    let limits = app.limits.clone();
    // Decoding and reading are CPU work with their own time limit: off the async workers.
    let read = tokio::task::spawn_blocking(move || {
        let image = docseal_scan::decode_image(&body, limits.image_pixels)?;
        drop(body);
        // Returns once the scan has ended (its worker stops between passes at the limit),
        // so the request's permit bounds the scans running at once.
        docseal_scan::Scanner::new().with_time_limit(limits.image_time).scan_image(image)
    })
    .await;
    let (kind, answer) = match read {
        Err(_) => return Err(bad_request(StatusCode::INTERNAL_SERVER_ERROR, "the image reader stopped")),
        Ok(Err(e)) => {
            let kind = if e.is_unreadable_image() { ErrorKind::Image } else { ErrorKind::Scan }.as_str();
            (kind, json!({"valid": false, "error": {"kind": kind, "message": e.to_string()}}))
        }
        Ok(Ok(codes)) => {
            let payload =
                codes.iter().find(|c| c.text.starts_with("DS1:") || c.text.starts_with("HC1:")).or(codes.first());
            match payload {
                Some(code) => {
                    let result = loaded.verifier().verify_any(code.text.trim(), now);
                    (verdict_kind(&result), docseal::json::answer(&result))
                }
                None => {
                    let kind = ErrorKind::Scan.as_str();
                    (kind, json!({"valid": false, "error": {"kind": kind, "message": "no code in the image"}}))
                }
            }
        }
    };
    app.metrics.verdict(kind);
    app.metrics.latency(started.elapsed());
    Ok(json_response(&answer))
}

/// The image of a `/v1/verify/image` request: the body itself, or for
/// `multipart/form-data` (an HTML form's upload) the field named `image`, else the first
/// file field.
async fn image_of(headers: &HeaderMap, body: Bytes) -> Result<Bytes, Refusal> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !content_type.trim_start().to_ascii_lowercase().starts_with("multipart/form-data") {
        return Ok(body);
    }
    let request = axum::http::Request::builder()
        .header(header::CONTENT_TYPE, content_type)
        .body(axum::body::Body::from(body))
        .map_err(|e| bad_request(StatusCode::BAD_REQUEST, format!("multipart request: {e}")))?;
    let mut form = <axum::extract::Multipart as axum::extract::FromRequest<()>>::from_request(request, &())
        .await
        .map_err(|e| bad_request(StatusCode::BAD_REQUEST, format!("multipart request: {}", e.body_text())))?;
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        bad_request(StatusCode::BAD_REQUEST, format!("multipart body: {}", e.body_text()))
    };
    while let Some(field) = form.next_field().await.map_err(unreadable)? {
        if field.name() == Some("image") || field.file_name().is_some() {
            return field.bytes().await.map_err(unreadable);
        }
    }
    Err(bad_request(StatusCode::BAD_REQUEST, "multipart body without an image field or file"))
}

/// `ok`, or 503 with `trust-list-overdue` while the signed trust list in force is past its
/// next update (every verification is then refused): a load balancer drains this instance
/// until a fresh list is loaded.
#[utoipa::path(get, path = "/v1/health",
    responses((status = 200, description = "Deciding", body = crate::schemas::Health),
        (status = 503, description = "The signed trust list is overdue, or a reload of the files has not returned for 30 s", body = crate::schemas::Health)))]
pub(crate) async fn health(State(app): State<Arc<App>>) -> Response {
    let loaded = app.current.get();
    let now = Utc::now();
    if loaded.trust_overdue(now) && !app.current.policy().accepts_overdue_trust() {
        let next_update = loaded.trust_info().map(|i| i.next_update.to_rfc3339());
        let body = json!({"status": "trust-list-overdue", "next_update": next_update});
        return (StatusCode::SERVICE_UNAVAILABLE, json_response(&body)).into_response();
    }
    if let Some(seconds) = app.reload_stuck_for() {
        // The files are read with bounds and a FIFO is refused, so this is a disk that does
        // not answer: verdicts still come from the last set, but it may be going stale.
        let body = json!({"status": "reload-stuck", "seconds": seconds});
        return (StatusCode::SERVICE_UNAVAILABLE, json_response(&body)).into_response();
    }
    json_response(&json!({"status": "ok"}))
}

#[utoipa::path(get, path = "/v1/trust",
    responses((status = 200, description = "The keys, the signed list's sequence and next update, the status lists and their age", body = Object)))]
pub(crate) async fn trust(State(app): State<Arc<App>>) -> Result<Response, Refusal> {
    let loaded = app.current.get();
    let now = Utc::now();
    let keys: Vec<&str> = loaded.verifier().trust_list().keys().iter().map(docseal::TrustedKey::name).collect();
    let lists: Vec<Value> = loaded
        .verifier()
        .status_lists()
        .iter()
        .map(|l| {
            json!({
                "uri": l.uri(),
                "issued_at": l.issued_at().to_rfc3339(),
                "age_seconds": (now - l.issued_at()).num_seconds(),
                "expires_at": l.expires_at().map(|t| t.to_rfc3339()),
                "signer": l.trusted_name(),
                "authority": l.authority(),
            })
        })
        .collect();
    let info = loaded.trust_info();
    Ok(json_response(&json!({
        "loaded_at": loaded.loaded_at().to_rfc3339(),
        "keys": keys,
        "signed": info.is_some(),
        "provider": info.map(|i| i.provider.clone()),
        "sequence": info.map(|i| i.sequence),
        "next_update": info.map(|i| i.next_update.to_rfc3339()),
        "status_lists": lists,
    })))
}

#[utoipa::path(get, path = "/metrics",
    responses((status = 200, description = "Prometheus text: requests by route and status, verdicts by kind, latency, reloads", content_type = "text/plain")))]
pub(crate) async fn metrics(State(app): State<Arc<App>>) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], app.metrics.render()).into_response()
}
