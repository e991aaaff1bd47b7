//! The JSON answers of `docseal verify --json` (docs/FORMAT.md section 7), shared by every
//! front end (command line, WebAssembly page, Python, HTTP service) so that they agree to
//! the byte.
//!
//! ```
//! # use docseal::{Algorithm, Issuer, SigningKey, TrustList, TrustedKey, Verifier};
//! let key = SigningKey::generate(Algorithm::EdDsa)?;
//! let mut trust = TrustList::new();
//! trust.add(TrustedKey::new("Beijing TMB", key.verifying_key()));
//! let at = "2026-11-21T09:00:00Z".parse()?;
//! let issued = Issuer::new(key, "Beijing TMB")?.issue(&docseal::samples::licence().into(), at)?;
//! let verifier = Verifier::new(trust);
//! let answer = docseal::json::answer(&verifier.verify_any(&issued.text, at));
//! assert_eq!(answer["valid"], true);
//! assert_eq!(answer["document_type"], "driving-licence");
//! let refused = docseal::json::answer(&verifier.verify_any("DS1:NOT-A-PAYLOAD", at));
//! assert_eq!(refused["error"]["kind"], "base45");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod compact;

use std::fmt;

use serde::Serialize;
use serde_json::{Value, json};

use crate::Error;
#[cfg(feature = "hc1")]
use crate::model::dcc::{Dcc, DccClaims, DccKind};
use crate::model::{Credential, Usability};
use crate::verify::Verified;

/// A Unix time as an RFC 3339 string, or `null` outside chrono's range.
#[must_use]
pub fn rfc3339(secs: i64) -> Value {
    chrono::DateTime::from_timestamp(secs, 0).map_or(Value::Null, |t| Value::String(t.to_rfc3339()))
}

/// Lower-case hex of a byte string (a credential id).
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
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
fn checks(list: &[crate::verify::Check]) -> Value {
    list.iter().map(|c| json!({"check": c.kind.as_str(), "passed": c.passed, "detail": c.detail})).collect()
}

/// `{"valid": true, ...}`.
#[must_use]
pub fn valid(v: &Verified<Credential>) -> Value {
    let mut out = envelope(v, v.credential().document_type().name(), v.claims().issuer.clone().into());
    out["credential_id"] = hex(&v.claims().cti).into();
    out["usable"] = v.usability().is_usable().into();
    out["document"] = v.credential().to_json();
    if let Usability::NotUsable(reason) = v.usability() {
        out["not_usable"] = json!({"kind": NOT_USABLE, "reason": reason.to_string()});
    }
    out
}

/// One `verify --bulk --json` line for a valid result, serialized straight into `out`: the
/// same object as [`valid`] (a test holds them equal) without building a `Value` tree first,
/// which cost about half of the command's time per credential.
///
/// # Errors
/// What writing to `out` returns.
pub fn write_valid_line(out: &mut impl std::io::Write, v: &Verified<Credential>) -> std::io::Result<()> {
    write_compact_line(out, &valid_line(v, None))
}

/// Writes `value` as one line of compact JSON, built in a buffer of this thread's first.
fn write_compact_line(out: &mut impl std::io::Write, value: &impl Serialize) -> std::io::Result<()> {
    thread_local! {
        static LINE: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    LINE.with_borrow_mut(|line| {
        line.clear();
        compact::write(line, value)?;
        line.push(b'\n');
        let written = out.write_all(line);
        // A line is about a kilobyte; an outsized one does not keep its buffer.
        if line.capacity() > 1 << 16 {
            *line = Vec::new();
        }
        written
    })
}

/// The fields of [`valid`], with `checks` when given (the single answer's last field).
fn valid_line<'a>(v: &'a Verified<Credential>, checks: Option<&'a [crate::verify::Check]>) -> ValidLine<'a> {
    ValidLine {
        valid: true,
        profile: v.profile().name(),
        document_type: v.credential().document_type().name(),
        issuer: &v.claims().issuer,
        trusted_key: v.trusted_name(),
        kid: KidText(v.kid()),
        algorithm: v.algorithm().name(),
        issued_at: Rfc3339(v.issued_at()),
        expires_at: Rfc3339(v.expires_at()),
        credential_id: HexText(&v.claims().cti),
        usable: v.usability().is_usable(),
        document: v.credential(),
        not_usable: match v.usability() {
            Usability::NotUsable(reason) => Some(NotUsableJson { kind: NOT_USABLE, reason: Displayed(reason) }),
            _ => None,
        },
        checks: checks.map(CheckList),
    }
}

/// One `verify --bulk --json` line for a refused payload: the same object as [`invalid`].
///
/// # Errors
/// What writing to `out` returns.
pub fn write_invalid_line(out: &mut impl std::io::Write, e: &Error) -> std::io::Result<()> {
    write_compact_line(out, &InvalidLine::of(e))
}

/// The object of [`invalid`].
#[derive(Serialize)]
struct InvalidLine<'a> {
    valid: bool,
    error: ErrorObject<'a>,
}

#[derive(Serialize)]
struct ErrorObject<'a> {
    kind: crate::ErrorKind,
    message: Displayed<&'a Error>,
}

impl<'a> InvalidLine<'a> {
    fn of(e: &'a Error) -> Self {
        InvalidLine { valid: false, error: ErrorObject { kind: e.kind(), message: Displayed(e) } }
    }
}

/// One `verify --bulk --json` line for any result of
/// [`Verifier::verify_many`](crate::Verifier::verify_many): a valid `DS1:` credential
/// without its checks ([`write_valid_line`]), an `HC1:` certificate ([`valid_hc1`]), or the
/// refusal ([`write_invalid_line`]).
///
/// # Errors
/// What writing to `out` returns.
pub fn write_line(
    out: &mut impl std::io::Write,
    result: &crate::Result<crate::verify::AnyVerified>,
) -> std::io::Result<()> {
    match result {
        Ok(crate::verify::AnyVerified::Ds1(v)) => write_valid_line(out, v),
        #[cfg(feature = "hc1")]
        Ok(crate::verify::AnyVerified::Hc1(v)) => {
            serde_json::to_writer(&mut *out, &valid_hc1(v))?;
            out.write_all(b"\n")
        }
        Err(e) => write_invalid_line(out, e),
    }
}

/// The fields of [`valid`], in its order (docs/FORMAT.md section 7).
#[derive(Serialize)]
struct ValidLine<'a> {
    valid: bool,
    profile: &'a str,
    document_type: &'a str,
    issuer: &'a str,
    trusted_key: &'a str,
    kid: KidText,
    algorithm: &'a str,
    issued_at: Rfc3339,
    expires_at: Rfc3339,
    credential_id: HexText<'a>,
    usable: bool,
    document: &'a Credential,
    #[serde(skip_serializing_if = "Option::is_none")]
    not_usable: Option<NotUsableJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    checks: Option<CheckList<'a>>,
}

/// `[{"check": "signature", "passed": true, "detail": "..."}, ...]`, as [`checks`] builds it.
struct CheckList<'a>(&'a [crate::verify::Check]);

impl Serialize for CheckList<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Item<'a> {
            check: &'a str,
            passed: bool,
            detail: &'a str,
        }
        s.collect_seq(self.0.iter().map(|c| Item { check: c.kind.as_str(), passed: c.passed, detail: &c.detail }))
    }
}

/// Serializes a value as the JSON string of its `Display` text, without an owned copy.
struct Displayed<T>(T);

/// The kind a genuine credential that its own rules forbid is reported under.
pub const NOT_USABLE: &str = "not-usable";

/// `"not_usable": {"kind": "not-usable", "reason": "..."}`, as [`valid`] builds it.
#[derive(Serialize)]
struct NotUsableJson<'a> {
    kind: &'static str,
    reason: Displayed<&'a crate::model::NotUsableReason>,
}

impl<T: fmt::Display> Serialize for Displayed<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// Lower-case hex of a byte string.
struct Hex<'a>(&'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

// The bulk line's short ASCII fields are built in stack buffers and handed over whole:
// `Display` through `collect_str` escapes one character at a time, and the dates, hex and
// key id cost about a quarter of the line's instructions that way (callgrind,
// `profile_bulk 2 json`). Tests hold each equal to its `Display` form.

/// A time as `to_rfc3339` writes it (`2026-11-21T09:00:00+00:00`).
struct Rfc3339(chrono::DateTime<chrono::Utc>);

impl Rfc3339 {
    /// The text for whole seconds in years 0 to 9999; `None` for the rest.
    fn digits(&self) -> Option<[u8; 25]> {
        use chrono::Timelike as _;
        let t = self.0;
        let date = crate::model::json_date::digits(t.date_naive()).filter(|_| t.nanosecond() == 0)?;
        let mut out = *b"0000-00-00T00:00:00+00:00";
        out[..10].copy_from_slice(&date);
        for (at, n) in [(11, t.hour()), (14, t.minute()), (17, t.second())] {
            // Each is below 60: two digits.
            out[at] = b'0' + (n / 10) as u8;
            out[at + 1] = b'0' + (n % 10) as u8;
        }
        Some(out)
    }
}

impl Serialize for Rfc3339 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.digits() {
            Some(bytes) => s.serialize_str(ascii(&bytes)),
            None => s.serialize_str(&self.0.to_rfc3339()),
        }
    }
}

/// A key id as its `Display` writes it (standard base64 of 8 bytes: 12 characters).
struct KidText(crate::Kid);

impl Serialize for KidText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use base64::Engine as _;
        let mut buf = [0u8; 12];
        match base64::engine::general_purpose::STANDARD.encode_slice(self.0.0, &mut buf) {
            Ok(n) => s.serialize_str(ascii(&buf[..n])),
            Err(_) => s.collect_str(&self.0),
        }
    }
}

/// Lower-case hex of up to 32 bytes in a stack buffer (a credential id is 16).
struct HexText<'a>(&'a [u8]);

impl Serialize for HexText<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut buf = [0u8; 64];
        if self.0.len() > 32 {
            return s.collect_str(&Hex(self.0));
        }
        for (pair, byte) in buf.chunks_exact_mut(2).zip(self.0) {
            pair[0] = DIGITS[usize::from(byte >> 4)];
            pair[1] = DIGITS[usize::from(byte & 0xf)];
        }
        s.serialize_str(ascii(&buf[..2 * self.0.len()]))
    }
}

/// ASCII bytes as text.
fn ascii(bytes: &[u8]) -> &str {
    #[allow(clippy::expect_used)]
    // safe: every caller writes ASCII digits, letters and punctuation only.
    std::str::from_utf8(bytes).expect("ASCII")
}

/// [`valid`] with the checks passed, for a single verification (bulk lines stay lean).
#[must_use]
pub fn valid_with_checks(v: &Verified<Credential>) -> Value {
    let mut out = valid(v);
    out["checks"] = checks(&v.checks());
    out
}

#[cfg(feature = "hc1")]
/// `{"valid": true, "profile": "HC1", ...}` for an EU DCC: `document` is the `eu_dgc_v1` JSON.
#[must_use]
pub fn valid_hc1(v: &Verified<Dcc, DccClaims>) -> Value {
    let mut out = envelope(v, "dcc", v.claims().issuer.clone().into());
    out["dcc_type"] = v.credential().kind().map(DccKind::name).into();
    out["usable"] = true.into();
    out["document"] = v.credential().json().clone();
    out["checks"] = checks(&v.checks());
    out
}

/// `{"valid": false, "error": {"kind": ..., "message": ...}}`.
#[must_use]
pub fn invalid(e: &Error) -> Value {
    json!({"valid": false, "error": {"kind": e.kind(), "message": e.to_string()}})
}
/// The whole `verify --json` answer for a result of [`Verifier::verify_any`](crate::Verifier::verify_any):
/// a valid `DS1:` credential with its checks, an `HC1:` certificate, or the refusal.
#[must_use]
pub fn answer(result: &crate::Result<crate::verify::AnyVerified>) -> Value {
    match result {
        Ok(crate::verify::AnyVerified::Ds1(v)) => valid_with_checks(v),
        #[cfg(feature = "hc1")]
        Ok(crate::verify::AnyVerified::Hc1(v)) => valid_hc1(v),
        Err(e) => invalid(e),
    }
}

/// [`answer`] serialized straight into `out` (no trailing newline): the same bytes as
/// `answer(result).to_string()`, which a test holds, without building a `Value` tree. The
/// HTTP service answers this way.
///
/// # Errors
/// What writing to `out` returns.
pub fn write_answer(
    out: &mut impl std::io::Write,
    result: &crate::Result<crate::verify::AnyVerified>,
) -> std::io::Result<()> {
    match result {
        Ok(crate::verify::AnyVerified::Ds1(v)) => {
            Ok(serde_json::to_writer(&mut *out, &valid_line(v, Some(&v.checks())))?)
        }
        #[cfg(feature = "hc1")]
        Ok(crate::verify::AnyVerified::Hc1(v)) => Ok(serde_json::to_writer(&mut *out, &valid_hc1(v))?),
        Err(e) => Ok(serde_json::to_writer(&mut *out, &InvalidLine::of(e))?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    fn at() -> DateTime<Utc> {
        "2026-11-21T09:00:00Z".parse().expect("an RFC 3339 time")
    }
    use crate::samples::Corpus;
    use crate::{Algorithm, Issuer, SigningKey, TrustList, TrustedKey, Verifier};

    fn line(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
        let mut out = Vec::new();
        write(&mut out).expect("writing to a Vec");
        String::from_utf8(out).expect("serde_json writes UTF-8")
    }

    proptest::proptest! {
        /// The stack-buffer fields equal their `Display` forms, in and out of the fast range.
        #[test]
        fn short_fields_serialize_as_displayed(
            secs in proptest::prop_oneof![-70_000_000_000i64..260_000_000_000, proptest::num::i64::ANY],
            nanos in proptest::prop_oneof![proptest::strategy::Just(0u32), 0u32..1_000_000_000],
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..40),
            kid in proptest::array::uniform8(proptest::num::u8::ANY),
        ) {
            if let Some(t) = DateTime::from_timestamp(secs, nanos) {
                proptest::prop_assert_eq!(json(&Rfc3339(t)), format!("\"{}\"", t.to_rfc3339()));
            }
            proptest::prop_assert_eq!(json(&HexText(&bytes)), format!("\"{}\"", hex(&bytes)));
            proptest::prop_assert_eq!(json(&KidText(crate::Kid(kid))), format!("\"{}\"", crate::Kid(kid)));
        }
    }

    fn json(v: &impl Serialize) -> String {
        serde_json::to_string(v).expect("serializes")
    }

    #[test]
    fn streamed_lines_equal_the_value_objects_byte_for_byte() {
        let corpus = Corpus::generate(300, 300, 7, at()).expect("corpus");
        let verifier = Verifier::new(corpus.trust.clone());
        let (mut valid_seen, mut refused_seen) = (0, 0);
        for text in &corpus.payloads {
            let (streamed, built) = match verifier.verify(text, corpus.verify_at) {
                Ok(v) => {
                    valid_seen += 1;
                    (line(|o| write_valid_line(o, &v)), valid(&v).to_string())
                }
                Err(e) => {
                    refused_seen += 1;
                    (line(|o| write_invalid_line(o, &e)), invalid(&e).to_string())
                }
            };
            assert_eq!(streamed, format!("{built}\n"));
        }
        assert!(valid_seen > 100 && refused_seen > 50, "{valid_seen} valid, {refused_seen} refused");
    }

    #[test]
    fn a_not_usable_licence_streams_its_reason() {
        let key = SigningKey::generate(Algorithm::EdDsa).expect("key");
        let mut trust = TrustList::new();
        trust.add(TrustedKey::new("Test TMB", key.verifying_key()));
        let issuer = Issuer::new(key, "Test TMB").expect("issuer");
        let mut back = crate::samples::licence_back();
        back.points = 12;
        let licence = crate::model::DrivingLicence::new(crate::samples::licence_front(), back).expect("licence");
        let at = at();
        let issued = issuer.issue(&Credential::from(licence), at).expect("issue");
        let v = Verifier::new(trust).verify(&issued.text, at).expect("verifies");
        let streamed = line(|o| write_valid_line(o, &v));
        assert_eq!(streamed, format!("{}\n", valid(&v)));
        assert!(streamed.contains(r#""usable":false"#) && streamed.contains("12 points"), "{streamed}");
        assert_eq!(valid(&v)["not_usable"]["kind"], NOT_USABLE);
    }

    #[test]
    fn written_answers_equal_the_value_answers_byte_for_byte() {
        let corpus = Corpus::generate(200, 300, 11, at()).expect("corpus");
        let verifier = Verifier::new(corpus.trust.clone());
        let mut texts = corpus.payloads.clone();
        texts.extend(["HC1:NCF".to_owned(), String::new(), "DS1:".to_owned()]);
        let mut with_checks = 0;
        for text in &texts {
            let result = verifier.verify_any(text, corpus.verify_at);
            let written = line(|o| write_answer(o, &result));
            let built = answer(&result).to_string();
            with_checks += usize::from(built.contains(r#""checks":["#));
            assert_eq!(written, built, "{text}");
        }
        assert!(with_checks > 50, "{with_checks} answers with checks");
    }

    #[test]
    fn many_lines_equal_single_answers_without_checks() {
        let corpus = Corpus::generate(120, 300, 9, at()).expect("corpus");
        let verifier = Verifier::new(corpus.trust.clone());
        let mut texts = corpus.payloads.clone();
        texts.extend(["HC1:NCF".to_owned(), String::new(), "DS1:".to_owned()]);
        for (text, result) in texts.iter().zip(verifier.verify_many(&texts, corpus.verify_at)) {
            let mut single = answer(&verifier.verify_any(text, corpus.verify_at));
            // A bulk line leaves out a DS1 credential's checks (an HC1 answer keeps them).
            if let Some(map) = single.as_object_mut().filter(|m| m.get("profile") == Some(&Value::from("DS1"))) {
                map.remove("checks");
            }
            let written = line(|o| write_line(o, &result));
            assert_eq!(serde_json::from_str::<Value>(&written).expect("a JSON line"), single, "{text}");
        }
    }
}
