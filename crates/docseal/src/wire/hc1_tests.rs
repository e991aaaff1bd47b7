use base64::Engine as _;
use ciborium::value::Value;
use proptest::prelude::*;
use serde_json::Value as Json;

use super::*;
use crate::cbor::{self, as_int};
use crate::model::dcc::DccKind;

fn encode(v: &Value) -> Vec<u8> {
    cbor::to_vec(v)
}

fn int(i: i64) -> Value {
    Value::Integer(i.into())
}

fn text(t: &str) -> Value {
    Value::Text(t.into())
}

fn claims(hcert: Value) -> Value {
    Value::Map(vec![
        (int(1), text("AT")),
        (int(4), int(1_700_000_000)),
        (int(6), int(1_600_000_000)),
        (int(-260), hcert),
    ])
}

fn dgc() -> Value {
    Value::Map(vec![(text("ver"), text("1.3.0")), (text("t"), Value::Array(vec![Value::Map(vec![])]))])
}

#[test]
fn reads_claims_and_the_certificate() -> Result<()> {
    let payload = encode(&claims(Value::Map(vec![(int(1), dgc())])));
    let (claims, dcc) = decode_hc1_payload(&payload)?;
    assert_eq!(claims, DccClaims { issuer: Some("AT".into()), issued_at: 1_600_000_000, expires_at: 1_700_000_000 });
    assert_eq!(dcc.json()["ver"], "1.3.0");
    assert_eq!(dcc.kind(), Some(DccKind::Test));
    assert_eq!(dcc.cbor(), encode(&dgc()).as_slice(), "the certificate as signed");
    Ok(())
}

#[test]
fn refuses_duplicates_missing_parts_and_depth() {
    let dup = Value::Map(vec![(text("ver"), text("1")), (text("ver"), text("2"))]);
    let kind = |v: &Value| decode_hc1_payload(&encode(v)).map_err(|e| e.kind().as_str()).err();
    assert_eq!(kind(&claims(Value::Map(vec![(int(1), dup)]))), Some("cbor"));
    assert_eq!(kind(&claims(int(0))), Some("cbor"));
    assert_eq!(kind(&Value::Array(vec![])), Some("cbor"));
    let mut deep = Value::Null;
    for _ in 0..20 {
        deep = Value::Array(vec![deep]);
    }
    let deep_dgc = Value::Map(vec![(text("x"), deep)]);
    assert_eq!(kind(&claims(Value::Map(vec![(int(1), deep_dgc)]))), Some("limit"));
    let mut payload = encode(&claims(Value::Map(vec![(int(1), dgc())])));
    payload.push(0);
    assert_eq!(decode_hc1_payload(&payload).map_err(|e| e.kind().as_str()).err(), Some("cbor"), "trailing byte");
}

#[test]
fn a_dcc_holds_one_certificate_type() {
    let with = |entries: Vec<(Value, Value)>| {
        decode_hc1_payload(&encode(&claims(Value::Map(vec![(int(1), Value::Map(entries))]))))
    };
    let one_entry = || Value::Array(vec![Value::Map(vec![])]);
    let ok = with(vec![(text("t"), one_entry()), (text("v"), Value::Array(vec![])), (text("r"), Value::Null)]);
    assert_eq!(ok.map(|(_, dcc)| dcc.kind()).ok(), Some(Some(DccKind::Test)));
    let both = with(vec![(text("v"), one_entry()), (text("t"), one_entry())]).err();
    assert!(
        matches!(&both, Some(Error::Document(crate::model::DocumentError::InvalidField { field: "t", reason })) if reason.contains("v, t")),
        "{both:?}"
    );
    let not_array = with(vec![(text("v"), Value::Map(vec![])), (text("t"), one_entry())]).err();
    assert!(matches!(not_array, Some(Error::Document(crate::model::DocumentError::InvalidField { field: "v", .. }))));
    let none = with(vec![(text("ver"), text("1.3.0"))]);
    assert_eq!(none.map(|(_, dcc)| dcc.kind()).ok(), Some(None));
}

#[test]
fn reads_every_well_formed_encoding_the_same() -> Result<()> {
    // {_ "ver": (_ "1." "3.0"), "t": [_ {}], "n": 1.5 as a half float, "b": 24(h'01'),
    //   "u": undefined}, in hcert {1: ...}, in claims with a text key to pass over.
    let dcc: &[u8] = &[
        0xbf, 0x63, b'v', b'e', b'r', 0x7f, 0x62, b'1', b'.', 0x63, b'3', b'.', b'0', 0xff, 0x61, b't', 0x9f, 0xa0,
        0xff, 0x61, b'n', 0xf9, 0x3e, 0x00, 0x61, b'b', 0xd8, 0x18, 0x41, 0x01, 0x61, b'u', 0xf7, 0xff,
    ];
    let mut payload = vec![0xa5, 0x01, 0x62, b'A', b'T', 0x04, 0x1a, 0x65, 0x53, 0xf1, 0x00, 0x06, 0x1a];
    payload.extend_from_slice(&1_600_000_000u32.to_be_bytes());
    payload.extend_from_slice(&[0x61, b'x', 0x80, 0x39, 0x01, 0x03, 0xa1, 0x01]);
    payload.extend_from_slice(dcc);
    let (claims, read) = decode_hc1_payload(&payload)?;
    assert_eq!((claims.issuer.as_deref(), claims.expires_at), (Some("AT"), 1_700_000_000));
    assert_eq!(read.json(), &serde_json::json!({"ver": "1.3.0", "t": [{}], "n": 1.5, "b": "AQ==", "u": null}));
    assert_eq!(read.kind(), Some(DccKind::Test));
    assert_eq!(read.cbor(), dcc);
    Ok(())
}

#[test]
fn a_map_of_many_keys_still_finds_a_duplicate() {
    let mut entries: Vec<(Value, Value)> = (0..40).map(|i| (text(&format!("k{i}")), int(i))).collect();
    let unique = claims(Value::Map(vec![(int(1), Value::Map(entries.clone()))]));
    assert!(decode_hc1_payload(&encode(&unique)).is_ok());
    entries.push((text("k3"), int(0)));
    let dup = claims(Value::Map(vec![(int(1), Value::Map(entries))]));
    let err = decode_hc1_payload(&encode(&dup)).err().map(|e| e.to_string());
    assert!(err.as_deref().is_some_and(|e| e.contains("duplicate key \"k3\"")), "{err:?}");
}

/// The reader this one replaced (ciborium values, a depth pass, then JSON), kept as the
/// reference the one-pass reader must agree with.
fn reference(payload: &[u8]) -> Result<(DccClaims, Json, Option<DccKind>)> {
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
    let mut seen = Vec::new();
    for (key, value) in entries {
        let Some(key) = as_int(&key) else { continue };
        if seen.contains(&key) {
            return Err(Error::cbor("duplicate claim"));
        }
        seen.push(key);
        let date = |v: &Value| match v {
            Value::Float(f) if f.is_finite() && f.abs() < 1e15 => Ok(f.trunc() as i64),
            _ => as_int(v).and_then(|i| i64::try_from(i).ok()).ok_or_else(|| Error::cbor("date")),
        };
        match i64::try_from(key) {
            Ok(1) => issuer = Some(if let Value::Text(t) = value { t } else { return Err(Error::cbor("iss")) }),
            Ok(4) => expires_at = Some(date(&value)?),
            Ok(6) => issued_at = Some(date(&value)?),
            Ok(HCERT) => hcert = Some(value),
            _ => {}
        }
    }
    let expires_at = expires_at.ok_or_else(|| Error::cbor("exp"))?;
    let issued_at = issued_at.ok_or_else(|| Error::cbor("iat"))?;
    let Some(Value::Map(hcert)) = hcert else { return Err(Error::cbor("hcert")) };
    let mut eu_dgc_v1 = None;
    for (key, value) in hcert {
        if as_int(&key) == Some(1) {
            if eu_dgc_v1.is_some() {
                return Err(Error::cbor("hcert: duplicate key 1"));
            }
            eu_dgc_v1 = Some(value);
        }
    }
    let json = match eu_dgc_v1 {
        Some(v @ Value::Map(_)) => to_json(v)?,
        _ => return Err(Error::cbor("eu_dgc_v1")),
    };
    let mut held = Vec::new();
    for (key, kind) in [("v", DccKind::Vaccination), ("t", DccKind::Test), ("r", DccKind::Recovery)] {
        match json.get(key) {
            None | Some(Json::Null) => {}
            Some(Json::Array(entries)) if !entries.is_empty() => held.push(kind),
            Some(Json::Array(_)) => {}
            Some(_) => return Err(Error::cbor("not an array")),
        }
    }
    if held.len() > 1 {
        return Err(Error::cbor("two types"));
    }
    Ok((DccClaims { issuer, issued_at, expires_at }, json, held.first().copied()))
}

fn to_json(value: Value) -> Result<Json> {
    Ok(match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(b),
        Value::Text(t) => Json::String(t),
        Value::Bytes(b) => Json::String(base64::engine::general_purpose::STANDARD.encode(b)),
        Value::Integer(i) => {
            let i = i128::from(i);
            match i64::try_from(i) {
                Ok(n) => Json::from(n),
                Err(_) => Json::from(u64::try_from(i).map_err(|_| Error::cbor("range"))?),
            }
        }
        Value::Float(f) => serde_json::Number::from_f64(f).map(Json::Number).ok_or_else(|| Error::cbor("NaN"))?,
        Value::Tag(_, inner) => to_json(*inner)?,
        Value::Array(items) => Json::Array(items.into_iter().map(to_json).collect::<Result<_>>()?),
        Value::Map(entries) => {
            let mut object = serde_json::Map::new();
            for (key, value) in entries {
                let Value::Text(key) = key else { return Err(Error::cbor("key")) };
                if object.contains_key(&key) {
                    return Err(Error::cbor("duplicate"));
                }
                object.insert(key, to_json(value)?);
            }
            Json::Object(object)
        }
        _ => return Err(Error::cbor("unsupported")),
    })
}

/// Certificates as issuers might write them, and as an attacker might: mostly text keys from
/// a small set (so duplicates and the type keys occur), now and then another key; integers
/// across the whole CBOR range, floats with NaN and infinities, tags, nesting past the cap.
fn certificate() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<i64>().prop_map(int),
        any::<u64>().prop_map(|i| Value::Integer(i.into())),
        (1u64..=u64::MAX).prop_map(|n| Value::Integer(
            ciborium::value::Integer::try_from(-i128::from(n) - 1).expect("in CBOR's range")
        )),
        prop_oneof![any::<f64>(), Just(f64::NAN), Just(1.5), Just(f64::INFINITY)].prop_map(Value::Float),
        "[a-z]{0,6}".prop_map(Value::Text),
        proptest::collection::vec(any::<u8>(), 0..8).prop_map(Value::Bytes),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
    ];
    let key = prop_oneof![
        8 => prop_oneof![Just("v"), Just("t"), Just("r"), Just("ver"), Just("nam"), Just("dob")].prop_map(text),
        1 => any::<i8>().prop_map(|i| int(i.into())),
    ];
    leaf.prop_recursive(6, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((key.clone(), inner.clone()), 0..6).prop_map(Value::Map),
            (0u64..100, inner).prop_map(|(t, v)| Value::Tag(t, Box::new(v))),
        ]
    })
}

fn deep(levels: usize) -> Value {
    (0..levels).fold(Value::Null, |inner, _| Value::Array(vec![inner]))
}

/// Claims around a certificate, with now and then a claim out of place.
fn payload() -> impl Strategy<Value = Vec<u8>> {
    let extra = prop_oneof![
        Just(None),
        Just(Some((text("x"), deep(20)))),
        Just(Some((int(4), int(5)))),
        Just(Some((int(1), int(5)))),
        Just(Some((int(-260), Value::Map(vec![(int(1), Value::Map(vec![]))])))),
        Just(Some((int(7), Value::Tag(1, Box::new(int(0)))))),
    ];
    (prop_oneof![certificate(), (0usize..16).prop_map(|n| Value::Map(vec![(text("d"), deep(n))]))], extra).prop_map(
        |(certificate, extra)| {
            let Value::Map(mut entries) = claims(Value::Map(vec![(int(2), int(0)), (int(1), certificate)])) else {
                unreachable!("claims builds a map")
            };
            entries.extend(extra);
            encode(&Value::Map(entries))
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// The one-pass reader accepts what the value reader accepted, with the same claims, JSON
    /// and type; and refuses what it refused.
    #[test]
    fn agrees_with_the_value_reader(bytes in payload()) {
        let ours = decode_hc1_payload(&bytes).map(|(claims, dcc)| (claims, dcc.json().clone(), dcc.kind()));
        prop_assert_eq!(ours.ok(), reference(&bytes).ok());
    }

    /// The same on damaged payloads: bytes changed or cut.
    #[test]
    fn agrees_on_damaged_payloads(bytes in payload(), at in any::<prop::sample::Index>(), byte in any::<u8>(), cut in any::<bool>()) {
        let mut bytes = bytes;
        let at = at.index(bytes.len());
        if cut { bytes.truncate(at) } else { bytes[at] = byte }
        let ours = decode_hc1_payload(&bytes).map(|(claims, dcc)| (claims, dcc.json().clone(), dcc.kind()));
        prop_assert_eq!(ours.ok(), reference(&bytes).ok());
    }
}
