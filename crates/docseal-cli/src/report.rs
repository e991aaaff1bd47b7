//! The JSON shapes of `verify --json` and `inspect` (docs/FORMAT.md section 7).

use docseal::model::dcc::{Dcc, DccClaims, DccKind};
use docseal::model::{Credential, Usability};
use docseal::verify::Verified;
use docseal::wire::Claims;
use docseal::{Error, Inspected};
use serde_json::{Value, json};

pub(crate) fn rfc3339(secs: i64) -> Value {
    chrono::DateTime::from_timestamp(secs, 0).map_or(Value::Null, |t| Value::String(t.to_rfc3339()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The fields every valid result shares, in the order of docs/FORMAT.md section 7.
fn envelope<T, C>(v: &Verified<T, C>, document_type: &str, issuer: Value) -> Value {
    json!({
        "valid": true,
        "profile": v.profile().name(),
        "document_type": document_type,
        "issuer": issuer,
        "trusted_key": v.trusted_name(),
        "kid": v.kid().to_string(),
        "algorithm": v.algorithm().name(),
        "issued_at": v.issued_at().to_rfc3339(),
        "expires_at": v.expires_at().to_rfc3339(),
    })
}

/// `"checks": [{"check": "signature", "passed": true, "detail": "..."}, ...]`.
fn checks(list: &[docseal::verify::Check]) -> Value {
    list.iter().map(|c| json!({"check": c.kind.as_str(), "passed": c.passed, "detail": c.detail})).collect()
}

/// `{"valid": true, ...}`.
pub(crate) fn valid(v: &Verified<Credential>) -> Value {
    let mut out = envelope(v, v.credential().document_type().name(), v.claims().issuer.clone().into());
    out["credential_id"] = hex(&v.claims().cti).into();
    out["usable"] = v.usability().is_usable().into();
    out["document"] = v.credential().to_json();
    if let Usability::NotUsable(reason) = v.usability() {
        out["not_usable"] = Value::String(reason.to_string());
    }
    out
}

/// [`valid`] with the checks passed, for a single verification (bulk lines stay lean).
pub(crate) fn valid_with_checks(v: &Verified<Credential>) -> Value {
    let mut out = valid(v);
    out["checks"] = checks(&v.checks());
    out
}

/// `{"valid": true, "profile": "HC1", ...}` for an EU DCC: `document` is the `eu_dgc_v1` JSON.
pub(crate) fn valid_hc1(v: &Verified<Dcc, DccClaims>) -> Value {
    let mut out = envelope(v, "dcc", v.claims().issuer.clone().into());
    out["dcc_type"] = v.credential().kind().map(DccKind::name).into();
    out["usable"] = true.into();
    out["document"] = v.credential().json().clone();
    out["checks"] = checks(&v.checks());
    out
}

/// A profile added to the library after this command line was written.
pub(crate) fn unknown_profile() -> Value {
    json!({"valid": true, "profile": "unknown"})
}

/// `{"valid": false, "error": {"kind": ..., "message": ...}}`.
pub(crate) fn invalid(e: &Error) -> Value {
    json!({"valid": false, "error": {"kind": e.kind(), "message": e.to_string()}})
}

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
