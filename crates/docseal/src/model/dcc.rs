//! The EU Digital COVID Certificate as docseal reads it from an `HC1:` payload: the signed
//! claims and the `eu_dgc_v1` object, kept as JSON (its schema belongs to the EU, not us).

use std::borrow::Cow;
use std::sync::OnceLock;

use base64::Engine as _;
use serde_json::Value;

use super::DocumentError;
use crate::cbor_walk::{JsonSink, WalkError, Walker};

/// Which of the three certificate types a DCC holds: its `v`, `t` or `r` array.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DccKind {
    /// `v`: vaccination.
    Vaccination,
    /// `t`: test.
    Test,
    /// `r`: recovery.
    Recovery,
}

impl DccKind {
    /// `vaccination`, `test` or `recovery`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Vaccination => "vaccination",
            Self::Test => "test",
            Self::Recovery => "recovery",
        }
    }

    /// Reads `vaccination`, `test` or `recovery`.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Vaccination, Self::Test, Self::Recovery].into_iter().find(|k| k.name() == name)
    }
}

/// The CWT claims of an HC1 payload (hcert specification section 3.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DccClaims {
    /// `iss`: the issuing country (ISO 3166-1 alpha-2), when present.
    pub issuer: Option<String>,
    /// `iat`, seconds since the epoch.
    pub issued_at: i64,
    /// `exp`, seconds since the epoch.
    pub expires_at: i64,
}

/// The `eu_dgc_v1` object (claim -260, key 1): kept as the CBOR it was signed as, checked at
/// decode, and turned into JSON the first time [`Dcc::json`] is asked (a verifier that only
/// needs the answer does not pay for building it).
#[derive(Clone)]
pub struct Dcc {
    cbor: Box<[u8]>,
    /// The nesting budget the decode walk had; the JSON walk gets the same.
    depth_left: usize,
    kind: Option<DccKind>,
    json: OnceLock<Value>,
}

/// Why [`Dcc::read`] refused the certificate.
#[derive(Debug)]
pub(crate) enum DccReadError {
    /// Malformed, too deep, or without a JSON form.
    Walk(WalkError),
    /// The certificate type fields break [`Dcc::read`]'s rule.
    Kind(DocumentError),
}

impl Dcc {
    /// Reads the map at the walker's cursor, nested at most `depth_left` levels: it must have a
    /// JSON form, and say what it is. Each of `v`, `t`, `r` that is present (and not null) is
    /// an array, and at most one of them holds entries (a DCC is one vaccination, one test or
    /// one recovery; a second type would let key usage be checked against the wrong one).
    #[cfg_attr(not(feature = "hc1"), allow(dead_code))]
    pub(crate) fn read(walker: &mut Walker<'_>, depth_left: usize) -> Result<Self, DccReadError> {
        let start = walker.position();
        let shape = walker.json(depth_left, &mut ShapeSink).map_err(DccReadError::Walk)?;
        let Shape::Object(types) = shape else {
            return Err(DccReadError::Walk(WalkError::Syntax { reason: "the certificate must be a map", at: start }));
        };
        let kind = types.kind().map_err(DccReadError::Kind)?;
        Ok(Self { cbor: walker.since(start).into(), depth_left, kind, json: OnceLock::new() })
    }

    /// The certificate as JSON (`ver`, `nam`, `dob`, and one of `v`, `t`, `r`): CBOR byte
    /// strings as base64 text, tags dropped to their content.
    #[must_use]
    #[allow(clippy::expect_used)]
    pub fn json(&self) -> &Value {
        self.json.get_or_init(|| {
            Walker::new(&self.cbor)
                .json(self.depth_left, &mut JsonValueSink)
                // `read` accepted these very bytes with this budget through the same walk, and
                // the JSON sink adds no failure of its own.
                .expect("the decode walk accepted this certificate")
        })
    }

    /// The certificate as signed, in CBOR.
    #[must_use]
    pub fn cbor(&self) -> &[u8] {
        &self.cbor
    }

    /// The certificate type: the one of `v`, `t`, `r` holding entries, if any.
    #[must_use]
    pub fn kind(&self) -> Option<DccKind> {
        self.kind
    }

    /// The holder's standardised name (`nam.fnt`, `nam.gnt`), as printed in the MRZ style.
    #[must_use]
    pub fn standardised_name(&self) -> (Option<&str>, Option<&str>) {
        let name = |key| self.json().get("nam").and_then(|n| n.get(key)).and_then(Value::as_str);
        (name("fnt"), name("gnt"))
    }
}

impl PartialEq for Dcc {
    /// Equal when they say the same: as JSON, whatever CBOR encoding each was read from.
    fn eq(&self, other: &Self) -> bool {
        self.json() == other.json()
    }
}

impl std::fmt::Debug for Dcc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dcc").field("kind", &self.kind).field("json", self.json()).finish()
    }
}

/// Builds the JSON value.
struct JsonValueSink;

impl<'b> JsonSink<'b> for JsonValueSink {
    type Value = Value;
    type Array = Vec<Value>;
    type Object = serde_json::Map<String, Value>;

    fn null(&mut self) -> Value {
        Value::Null
    }
    fn boolean(&mut self, value: bool) -> Value {
        Value::Bool(value)
    }
    fn signed(&mut self, value: i64) -> Value {
        Value::from(value)
    }
    fn unsigned(&mut self, value: u64) -> Value {
        Value::from(value)
    }
    #[allow(clippy::expect_used)]
    fn float(&mut self, value: f64) -> Value {
        // The walk hands over finite floats only, and every finite f64 is a JSON number.
        Value::Number(serde_json::Number::from_f64(value).expect("finite float"))
    }
    fn text(&mut self, value: Cow<'b, str>) -> Value {
        Value::String(value.into_owned())
    }
    fn bytes(&mut self, value: Cow<'b, [u8]>) -> Value {
        Value::String(base64::engine::general_purpose::STANDARD.encode(value))
    }
    fn array(&mut self, capacity: usize) -> Vec<Value> {
        Vec::with_capacity(capacity)
    }
    fn push(&mut self, array: &mut Vec<Value>, item: Value) {
        array.push(item);
    }
    fn end_array(&mut self, array: Vec<Value>) -> Value {
        Value::Array(array)
    }
    fn object(&mut self, capacity: usize) -> Self::Object {
        serde_json::Map::with_capacity(capacity)
    }
    fn insert(&mut self, object: &mut Self::Object, key: Cow<'b, str>, value: Value) {
        object.insert(key.into_owned(), value);
    }
    fn end_object(&mut self, object: Self::Object) -> Value {
        Value::Object(object)
    }
}

/// What the type rule needs of a value, without building it.
enum Shape {
    Null,
    Array { entries: bool },
    Object(Types),
    Other,
}

/// The shapes of an object's `v`, `t` and `r` members, when present.
#[derive(Default)]
struct Types([Option<Member>; 3]);

#[derive(Clone, Copy)]
enum Member {
    Null,
    Array { entries: bool },
    NotArray,
}

const TYPE_KEYS: [(&str, DccKind); 3] = [("v", DccKind::Vaccination), ("t", DccKind::Test), ("r", DccKind::Recovery)];

impl Types {
    fn kind(&self) -> Result<Option<DccKind>, DocumentError> {
        let members = || self.0.iter().zip(TYPE_KEYS);
        if let Some((_, (key, _))) = members().find(|(member, _)| matches!(member, Some(Member::NotArray))) {
            return Err(DocumentError::field(key, "must be an array"));
        }
        // Some member states write an absent type as null (the EU test suite's BG files).
        let mut held = members().filter(|(member, _)| matches!(member, Some(Member::Array { entries: true })));
        let first = held.next().map(|(_, (_, kind))| kind);
        if let Some((_, (second, _))) = held.next() {
            let found: Vec<&str> = members()
                .filter(|(member, _)| matches!(member, Some(Member::Array { entries: true })))
                .map(|(_, (key, _))| key)
                .collect();
            return Err(DocumentError::field(
                second,
                format!("a DCC holds one certificate type, found {}", found.join(", ")),
            ));
        }
        Ok(first)
    }
}

/// Summarises values into [`Shape`]s.
struct ShapeSink;

impl<'b> JsonSink<'b> for ShapeSink {
    type Value = Shape;
    type Array = bool;
    type Object = Types;

    fn null(&mut self) -> Shape {
        Shape::Null
    }
    fn boolean(&mut self, _: bool) -> Shape {
        Shape::Other
    }
    fn signed(&mut self, _: i64) -> Shape {
        Shape::Other
    }
    fn unsigned(&mut self, _: u64) -> Shape {
        Shape::Other
    }
    fn float(&mut self, _: f64) -> Shape {
        Shape::Other
    }
    fn text(&mut self, _: Cow<'b, str>) -> Shape {
        Shape::Other
    }
    fn bytes(&mut self, _: Cow<'b, [u8]>) -> Shape {
        Shape::Other
    }
    fn array(&mut self, _: usize) -> bool {
        false
    }
    fn push(&mut self, entries: &mut bool, _: Shape) {
        *entries = true;
    }
    fn end_array(&mut self, entries: bool) -> Shape {
        Shape::Array { entries }
    }
    fn object(&mut self, _: usize) -> Types {
        Types::default()
    }
    fn insert(&mut self, types: &mut Types, key: Cow<'b, str>, value: Shape) {
        if let Some(slot) = TYPE_KEYS.iter().position(|(k, _)| *k == key) {
            types.0[slot] = Some(match value {
                Shape::Null => Member::Null,
                Shape::Array { entries } => Member::Array { entries },
                Shape::Object(_) | Shape::Other => Member::NotArray,
            });
        }
    }
    fn end_object(&mut self, types: Types) -> Shape {
        Shape::Object(types)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Dcc {
        let mut walker = Walker::new(bytes);
        let dcc = Dcc::read(&mut walker, 14).expect("a valid certificate");
        assert_eq!(walker.remaining(), 0);
        dcc
    }

    /// `{"nam": {"fnt": "MUSTER", "gnt": "ERIKA"}, "r": [{}]}` in CBOR.
    const RECOVERY: &[u8] = &[
        0xa2, 0x63, b'n', b'a', b'm', 0xa2, 0x63, b'f', b'n', b't', 0x66, b'M', b'U', b'S', b'T', b'E', b'R', 0x63,
        b'g', b'n', b't', 0x65, b'E', b'R', b'I', b'K', b'A', 0x61, b'r', 0x81, 0xa0,
    ];

    #[test]
    fn kind_name_and_json_from_the_cbor() {
        let dcc = read(RECOVERY);
        assert_eq!(dcc.kind().map(DccKind::name), Some("recovery"));
        assert!(dcc.json.get().is_none(), "no JSON built before it is asked");
        assert_eq!(dcc.standardised_name(), (Some("MUSTER"), Some("ERIKA")));
        assert_eq!(dcc.json(), &serde_json::json!({"nam": {"fnt": "MUSTER", "gnt": "ERIKA"}, "r": [{}]}));
        assert_eq!(dcc.cbor(), RECOVERY);
        assert!(format!("{dcc:?}").contains("MUSTER"));
    }

    #[test]
    fn equal_when_they_say_the_same() {
        // The same map with an indefinite-length outer map and a one-byte length for "r".
        let mut other = vec![0xbf];
        other.extend_from_slice(&RECOVERY[1..27]);
        other.extend_from_slice(&[0x78, 0x01, b'r', 0x81, 0xa0, 0xff]);
        assert_ne!(other.as_slice(), RECOVERY);
        assert_eq!(read(&other), read(RECOVERY));
        let mut changed = RECOVERY.to_vec();
        changed[16] = b'S';
        assert_ne!(read(&changed), read(RECOVERY));
    }

    #[test]
    fn refuses_non_maps_and_two_types() {
        let refused = |bytes: &[u8]| Dcc::read(&mut Walker::new(bytes), 14).err();
        assert!(matches!(refused(&[0x80]), Some(DccReadError::Walk(WalkError::Syntax { .. }))));
        // {"v": [1], "t": [1]}
        let both = [0xa2, 0x61, b'v', 0x81, 0x01, 0x61, b't', 0x81, 0x01];
        assert!(matches!(refused(&both), Some(DccReadError::Kind(DocumentError::InvalidField { field: "t", .. }))));
        // {"v": {}}
        assert!(matches!(
            refused(&[0xa1, 0x61, b'v', 0xa0]),
            Some(DccReadError::Kind(DocumentError::InvalidField { field: "v", .. }))
        ));
        assert!(matches!(refused(&[0x81, 0x81, 0x80]), Some(DccReadError::Walk(_))));
        assert!(matches!(
            Dcc::read(&mut Walker::new(&[0xa1, 0x61, b'v', 0x81, 0x81, 0x80]), 3),
            Err(DccReadError::Walk(WalkError::TooDeep))
        ));
    }
}
