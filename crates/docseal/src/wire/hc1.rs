//! The EU DCC payload (hcert specification 1.3): CWT claims `iss` (1), `exp` (4), `iat` (6)
//! and `hcert` (-260) holding `eu_dgc_v1` under key 1.
//!
//! Unlike DS1, DCC issuers write ordinary CBOR (indefinite lengths and unsorted maps occur in
//! the wild), so this reader is not deterministic-only; it still refuses duplicate keys,
//! trailing bytes, and nesting beyond a cap.

use base64::Engine as _;
use ciborium::value::Value;
use serde_json::Value as Json;

use crate::cbor::{self, as_int};
use crate::error::{Error, Result};
use crate::model::dcc::{Dcc, DccClaims};

/// The `hcert` claim key.
pub const HCERT: i64 = -260;

/// Deepest nesting a DCC needs is 6 (claims > hcert > eu_dgc_v1 > v > entry > value); room is
/// left for schema versions to come.
const MAX_DEPTH: usize = 16;

/// Reads an HC1 claims set.
///
/// # Errors
/// [`Error::Cbor`] for malformed CBOR, duplicate keys, and missing or mistyped claims;
/// [`Error::Limit`] for nesting deeper than 16.
pub fn decode_hc1_payload(payload: &[u8]) -> Result<(DccClaims, Dcc)> {
    let value = cbor::read_one(payload, "HC1 claims")?;
    let depth = cbor::depth(&value);
    if depth > MAX_DEPTH {
        return Err(Error::Limit {
            limit: crate::error::LimitKind::CborDepth,
            max: MAX_DEPTH as u64,
            actual: depth as u64,
        });
    }
    let Value::Map(entries) = value else { return Err(Error::cbor("HC1 claims: expected a map")) };
    let (mut issuer, mut expires_at, mut issued_at, mut hcert) = (None, None, None, None);
    let mut seen = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        let Some(key) = as_int(&key) else { continue };
        if seen.contains(&key) {
            return Err(Error::cbor(format!("HC1 claims: duplicate claim {key}")));
        }
        seen.push(key);
        match i64::try_from(key) {
            Ok(super::claim::ISS) => issuer = Some(text(value, "iss")?),
            Ok(super::claim::EXP) => expires_at = Some(numeric_date(&value, "exp")?),
            Ok(super::claim::IAT) => issued_at = Some(numeric_date(&value, "iat")?),
            Ok(HCERT) => hcert = Some(value),
            _ => {}
        }
    }
    let expires_at = expires_at.ok_or_else(|| Error::cbor("HC1 claims: missing exp"))?;
    let issued_at = issued_at.ok_or_else(|| Error::cbor("HC1 claims: missing iat"))?;
    let Some(Value::Map(hcert)) = hcert else { return Err(Error::cbor("HC1 claims: missing hcert (-260) map")) };
    let mut eu_dgc_v1 = None;
    for (key, value) in hcert {
        if as_int(&key) == Some(1) {
            if eu_dgc_v1.is_some() {
                return Err(Error::cbor("hcert: duplicate key 1"));
            }
            eu_dgc_v1 = Some(value);
        }
    }
    let dcc = match eu_dgc_v1 {
        Some(v @ Value::Map(_)) => to_json(v)?,
        _ => return Err(Error::cbor("hcert: missing eu_dgc_v1 (key 1) map")),
    };
    let dcc = Dcc::new(dcc);
    dcc.check_kind()?;
    Ok((DccClaims { issuer, issued_at, expires_at }, dcc))
}

fn text(v: Value, name: &str) -> Result<String> {
    match v {
        Value::Text(t) => Ok(t),
        _ => Err(Error::cbor(format!("{name}: expected text"))),
    }
}

/// A NumericDate: an integer, or a float with its fraction dropped (RFC 8392 allows both).
fn numeric_date(v: &Value, name: &str) -> Result<i64> {
    match v {
        Value::Float(f) if f.is_finite() && f.abs() < 1e15 => Ok(f.trunc() as i64),
        _ => {
            as_int(v).and_then(|i| i64::try_from(i).ok()).ok_or_else(|| Error::cbor(format!("{name}: expected a date")))
        }
    }
}

/// CBOR to JSON: text map keys only, byte strings as base64, tags dropped to their content.
fn to_json(value: Value) -> Result<Json> {
    Ok(match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(b),
        Value::Text(t) => Json::String(t),
        Value::Bytes(b) => Json::String(base64::engine::general_purpose::STANDARD.encode(b)),
        Value::Integer(i) => {
            let i = i128::from(i);
            if let Ok(n) = i64::try_from(i) {
                Json::from(n)
            } else {
                Json::from(u64::try_from(i).map_err(|_| Error::cbor("DCC: integer out of JSON range"))?)
            }
        }
        Value::Float(f) => {
            serde_json::Number::from_f64(f).map(Json::Number).ok_or_else(|| Error::cbor("DCC: NaN or infinity"))?
        }
        Value::Tag(_, inner) => to_json(*inner)?,
        Value::Array(items) => Json::Array(items.into_iter().map(to_json).collect::<Result<_>>()?),
        Value::Map(entries) => {
            let mut object = serde_json::Map::with_capacity(entries.len());
            for (key, value) in entries {
                let Value::Text(key) = key else { return Err(Error::cbor("DCC: map keys must be text")) };
                if object.contains_key(&key) {
                    return Err(Error::cbor(format!("DCC: duplicate key {key:?}")));
                }
                object.insert(key, to_json(value)?);
            }
            Json::Object(object)
        }
        _ => return Err(Error::cbor("DCC: unsupported CBOR item")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(v: &Value) -> Vec<u8> {
        cbor::to_vec(v)
    }

    fn claims(hcert: Value) -> Value {
        Value::Map(vec![
            (Value::Integer(1.into()), Value::Text("AT".into())),
            (Value::Integer(4.into()), Value::Integer(1_700_000_000.into())),
            (Value::Integer(6.into()), Value::Integer(1_600_000_000.into())),
            (Value::Integer((-260).into()), hcert),
        ])
    }

    fn dgc() -> Value {
        Value::Map(vec![
            (Value::Text("ver".into()), Value::Text("1.3.0".into())),
            (Value::Text("t".into()), Value::Array(vec![Value::Map(vec![])])),
        ])
    }

    #[test]
    fn reads_claims_and_the_certificate() -> Result<()> {
        let payload = encode(&claims(Value::Map(vec![(Value::Integer(1.into()), dgc())])));
        let (claims, dcc) = decode_hc1_payload(&payload)?;
        assert_eq!(
            claims,
            DccClaims { issuer: Some("AT".into()), issued_at: 1_600_000_000, expires_at: 1_700_000_000 }
        );
        assert_eq!(dcc.json()["ver"], "1.3.0");
        assert_eq!(dcc.kind(), Some(crate::model::dcc::DccKind::Test));
        Ok(())
    }

    #[test]
    fn refuses_duplicates_missing_parts_and_depth() {
        let dup = Value::Map(vec![
            (Value::Text("ver".into()), Value::Text("1".into())),
            (Value::Text("ver".into()), Value::Text("2".into())),
        ]);
        let kind = |v: &Value| decode_hc1_payload(&encode(v)).map_err(|e| e.kind().as_str()).err();
        assert_eq!(kind(&claims(Value::Map(vec![(Value::Integer(1.into()), dup)]))), Some("cbor"));
        assert_eq!(kind(&claims(Value::Integer(0.into()))), Some("cbor"));
        assert_eq!(kind(&Value::Array(vec![])), Some("cbor"));
        let mut deep = Value::Null;
        for _ in 0..20 {
            deep = Value::Array(vec![deep]);
        }
        let deep_dgc = Value::Map(vec![(Value::Text("x".into()), deep)]);
        assert_eq!(kind(&claims(Value::Map(vec![(Value::Integer(1.into()), deep_dgc)]))), Some("limit"));
        let mut payload = encode(&claims(Value::Map(vec![(Value::Integer(1.into()), dgc())])));
        payload.push(0);
        assert_eq!(decode_hc1_payload(&payload).map_err(|e| e.kind().as_str()).err(), Some("cbor"), "trailing byte");
    }
}
