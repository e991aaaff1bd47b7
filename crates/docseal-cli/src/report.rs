//! The JSON shapes of `inspect` (docs/FORMAT.md section 7); `verify --json` answers come
//! from [`docseal::json`], which every front end shares.

use docseal::Claims;
use docseal::Inspected;
pub(crate) use docseal::json::{hex, rfc3339};
use serde_json::{Value, json};

fn claims(c: &Claims) -> Value {
    json!({
        "iss": c.issuer,
        "iat": rfc3339(c.issued_at),
        "exp": rfc3339(c.expires_at),
        "nbf": c.not_before.map_or(Value::Null, rfc3339),
        "cti": hex(&c.cti),
    })
}

/// `inspect` output, marked unverified.
pub(crate) fn inspected(i: &Inspected) -> Value {
    json!({
        "verified": false,
        "warning": "decoded without checking the signature, issuer or validity",
        "profile": i.profile.name(),
        "alg": i.alg,
        "kid": i.kid.to_string(),
        "document_type": i.credential.document_type().name(),
        "claims": claims(&i.claims),
        "document": i.credential.to_json(),
    })
}

/// `inspect` output for an `HC1:` payload, marked unverified.
pub(crate) fn inspected_hc1(i: &docseal::verify::InspectedHc1) -> Value {
    use base64::Engine as _;
    json!({
        "verified": false,
        "warning": "decoded without checking the signature, issuer or validity",
        "profile": "HC1",
        "alg": i.alg,
        "kid": base64::engine::general_purpose::STANDARD.encode(&i.kid),
        "document_type": "dcc",
        "claims": {"iss": i.claims.issuer, "iat": rfc3339(i.claims.issued_at), "exp": rfc3339(i.claims.expires_at)},
        "document": i.certificate.json(),
    })
}
