//! The machine-readable description of the service (`GET /v1/openapi.json`, OpenAPI 3.1),
//! generated from the handlers' annotations and the types of `schemas.rs`.

use axum::http::header;
use axum::response::{IntoResponse as _, Response};
use utoipa::OpenApi;

use crate::schemas::{Answer, BatchAnswer, ErrorBody, Health, QuestionsSchema, RequestError};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "docseal verification service",
        description = "Offline verification of signed identity-document QR codes for back ends: the answers of `docseal verify --json`."
    ),
    paths(
        crate::routes::verify,
        crate::routes::verify_batch,
        crate::routes::verify_image,
        crate::routes::health,
        crate::routes::trust,
        crate::routes::metrics,
        openapi,
    ),
    components(schemas(QuestionsSchema, ErrorBody, Answer, BatchAnswer, RequestError, Health))
)]
pub(crate) struct ApiDoc;

/// The document as JSON text.
pub(crate) fn document() -> String {
    ApiDoc::openapi().to_json().unwrap_or_else(|e| serde_json::json!({"error": e.to_string()}).to_string())
}

/// This service's OpenAPI 3.1 description.
#[utoipa::path(get, path = "/v1/openapi.json", responses((status = 200, description = "OpenAPI 3.1", body = Object)))]
pub(crate) async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], document()).into_response()
}
