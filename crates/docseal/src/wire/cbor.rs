//! Deterministic CBOR (RFC 8949 section 4.2.1) on top of ciborium's `Value`.
//!
//! Encoding: ciborium writes shortest-form integers and definite lengths; we build maps with
//! their keys already in canonical order. Decoding: we re-encode what we read and demand the
//! same bytes, and demand strictly ascending map keys, which together refuse non-shortest
//! integers, indefinite lengths, unsorted maps and duplicate keys.

use chrono::{Datelike as _, NaiveDate};
use ciborium::value::{Integer, Value};

use crate::error::{Error, Result};

/// Days from 0001-01-01 (chrono's day 1) to 1970-01-01.
const EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// Serializes a value; the writer is a `Vec`, which cannot fail.
pub(crate) fn to_vec(value: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    // safe to ignore: writing to a Vec only fails on allocation failure, which aborts.
    let _ = ciborium::ser::into_writer(value, &mut out);
    out
}

/// Parses one deterministic CBOR item that spans all of `bytes`, at most `max_depth` deep.
pub(crate) fn from_slice_deterministic(bytes: &[u8], max_depth: usize, what: &str) -> Result<Value> {
    let value = read_one(bytes, what)?;
    let depth = depth(&value);
    if depth > max_depth {
        return Err(Error::Limit { limit: "cbor_depth", max: max_depth as u64, actual: depth as u64 });
    }
    if to_vec(&value) != bytes {
        return Err(Error::cbor(format!("{what}: not in deterministic encoding")));
    }
    Ok(value)
}

/// Nesting beyond this is refused while parsing (ciborium's own recursion guard).
pub(crate) const PARSER_DEPTH_GUARD: u64 = 256;

/// Reads exactly one CBOR item spanning `bytes`.
///
/// A small scratch buffer: ciborium's default zero-fills 4 KiB per call, which cost more than
/// the rest of the decoding; longer strings are read in segments, which is correct too.
pub(crate) fn read_one(bytes: &[u8], what: &str) -> Result<Value> {
    let mut reader = bytes;
    let mut scratch = [0u8; 128];
    let value: Value = ciborium::de::from_reader_with_buffer(&mut reader, &mut scratch).map_err(|e| match e {
        ciborium::de::Error::RecursionLimitExceeded => {
            Error::Limit { limit: "cbor_depth", max: PARSER_DEPTH_GUARD, actual: PARSER_DEPTH_GUARD + 1 }
        }
        other => Error::cbor(format!("{what}: {other}")),
    })?;
    if !reader.is_empty() {
        return Err(Error::cbor(format!("{what}: {} trailing bytes", reader.len())));
    }
    Ok(value)
}

/// Nesting depth of a value: 1 for a scalar, one more per array, map or tag level.
pub(crate) fn depth(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        Value::Map(m) => 1 + m.iter().map(|(k, v)| depth(k).max(depth(v))).max().unwrap_or(0),
        Value::Tag(_, inner) => 1 + depth(inner),
        _ => 1,
    }
}

/// RFC 8949 deterministic order of integer keys: non-negative ascending, then negative
/// descending (-1, -2, …), which equals the bytewise order of their shortest encodings.
fn key_rank(key: i128) -> (u8, u128) {
    if key >= 0 { (0, key.unsigned_abs()) } else { (1, (-1 - key).unsigned_abs()) }
}

/// The integer under `Value::Integer`, if it is one.
pub(crate) fn as_int(v: &Value) -> Option<i128> {
    match v {
        Value::Integer(i) => Some(i128::from(*i)),
        _ => None,
    }
}

/// Builds a map from `(key, value)` pairs given in canonical key order.
pub(crate) fn int_map(entries: Vec<(i64, Value)>) -> Value {
    debug_assert!(entries.windows(2).all(|w| key_rank(w[0].0.into()) < key_rank(w[1].0.into())));
    Value::Map(entries.into_iter().map(|(k, v)| (Value::Integer(k.into()), v)).collect())
}

/// Reads an integer-keyed map whose fields are taken in ascending key order.
pub(crate) struct MapReader {
    /// Remaining entries, last key first, so `pop` yields the next key.
    rev: Vec<(i128, Value)>,
    what: &'static str,
}

impl MapReader {
    /// Checks that `value` is a map with integer keys in strictly ascending canonical order.
    pub(crate) fn new(value: Value, what: &'static str) -> Result<Self> {
        let Value::Map(entries) = value else {
            return Err(Error::cbor(format!("{what}: expected a map")));
        };
        let mut rev = Vec::with_capacity(entries.len());
        let mut previous: Option<(u8, u128)> = None;
        for (k, v) in entries {
            let key = as_int(&k).ok_or_else(|| Error::cbor(format!("{what}: map key is not an integer")))?;
            let rank = key_rank(key);
            if previous.is_some_and(|p| p >= rank) {
                return Err(Error::cbor(format!("{what}: map keys duplicated or out of order at key {key}")));
            }
            previous = Some(rank);
            rev.push((key, v));
        }
        rev.reverse();
        Ok(Self { rev, what })
    }

    /// Takes the field under `key`, if present. Keys must be asked for in canonical order.
    pub(crate) fn optional(&mut self, key: i64) -> Result<Option<Value>> {
        let wanted = key_rank(key.into());
        match self.rev.last() {
            Some((k, _)) if key_rank(*k) < wanted => Err(Error::cbor(format!("{}: unknown key {k}", self.what))),
            Some((k, _)) if *k == i128::from(key) => Ok(self.rev.pop().map(|(_, v)| v)),
            _ => Ok(None),
        }
    }

    /// Takes the field under `key`, which must be present.
    pub(crate) fn required(&mut self, key: i64, name: &str) -> Result<Value> {
        self.optional(key)?.ok_or_else(|| Error::cbor(format!("{}: missing {name} (key {key})", self.what)))
    }

    /// Refuses keys nobody asked for.
    pub(crate) fn finish(self) -> Result<()> {
        match self.rev.last() {
            Some((k, _)) => Err(Error::cbor(format!("{}: unknown key {k}", self.what))),
            None => Ok(()),
        }
    }
}

/// Typed views of a value, with the field name in the error.
pub(crate) fn text(v: Value, name: &str) -> Result<String> {
    match v {
        Value::Text(s) => Ok(s),
        _ => Err(Error::cbor(format!("{name}: expected a text string"))),
    }
}

pub(crate) fn bytes(v: Value, name: &str) -> Result<Vec<u8>> {
    match v {
        Value::Bytes(b) => Ok(b),
        _ => Err(Error::cbor(format!("{name}: expected a byte string"))),
    }
}

pub(crate) fn int(v: &Value, name: &str) -> Result<i64> {
    as_int(v).and_then(|i| i64::try_from(i).ok()).ok_or_else(|| Error::cbor(format!("{name}: expected an integer")))
}

pub(crate) fn array(v: Value, name: &str) -> Result<Vec<Value>> {
    match v {
        Value::Array(a) => Ok(a),
        _ => Err(Error::cbor(format!("{name}: expected an array"))),
    }
}

/// A calendar date as days since 1970-01-01 (RFC 8943 tag 100 semantics, written untagged
/// because the key fixes the type).
pub(crate) fn date_value(d: NaiveDate) -> Value {
    Value::Integer(Integer::from(d.num_days_from_ce() - EPOCH_DAYS_FROM_CE))
}

pub(crate) fn date(v: &Value, name: &str) -> Result<NaiveDate> {
    let days = int(v, name)?;
    i32::try_from(days)
        .ok()
        .and_then(|d| d.checked_add(EPOCH_DAYS_FROM_CE))
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .ok_or_else(|| Error::cbor(format!("{name}: day number {days} out of range")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_count_days_from_1970() -> Result<()> {
        let d = NaiveDate::from_ymd_opt(1970, 1, 2).ok_or_else(|| Error::cbor("date"))?;
        assert_eq!(date_value(d), Value::Integer(1.into()));
        let before = NaiveDate::from_ymd_opt(1949, 12, 31).ok_or_else(|| Error::cbor("date"))?;
        assert_eq!(date(&date_value(before), "d")?, before);
        assert!(date(&Value::Integer(i64::MAX.into()), "d").is_err());
        Ok(())
    }

    #[test]
    fn deterministic_decoding_refuses_alternatives() {
        // {1: 2} canonical, then with a non-shortest integer, an indefinite map, trailing byte.
        assert!(from_slice_deterministic(&[0xa1, 0x01, 0x02], 8, "t").is_ok());
        assert!(from_slice_deterministic(&[0xa1, 0x18, 0x01, 0x02], 8, "t").is_err());
        assert!(from_slice_deterministic(&[0xbf, 0x01, 0x02, 0xff], 8, "t").is_err());
        assert!(from_slice_deterministic(&[0xa1, 0x01, 0x02, 0x00], 8, "t").is_err());
    }

    #[test]
    fn depth_limit_is_a_limit_error() {
        let nested = [vec![0x81u8; 40], vec![0x00]].concat();
        let err = from_slice_deterministic(&nested, 16, "t");
        assert!(matches!(err, Err(Error::Limit { limit: "cbor_depth", .. })));
    }

    #[test]
    fn map_reader_refuses_duplicates_order_and_unknown_keys() -> Result<()> {
        let m = |pairs: &[(i64, i64)]| {
            Value::Map(pairs.iter().map(|&(k, v)| (Value::Integer(k.into()), Value::Integer(v.into()))).collect())
        };
        assert!(MapReader::new(m(&[(1, 0), (1, 0)]), "t").is_err());
        assert!(MapReader::new(m(&[(-1, 0), (1, 0)]), "t").is_err());
        assert!(MapReader::new(m(&[(1, 0), (24, 0), (-1, 0), (-2, 0)]), "t").is_ok());
        let mut r = MapReader::new(m(&[(1, 5), (3, 6)]), "t")?;
        assert_eq!(r.required(1, "a")?, Value::Integer(5.into()));
        assert_eq!(r.optional(2)?, None);
        assert!(r.finish().is_err(), "key 3 was never asked for");
        let mut r = MapReader::new(m(&[(1, 5), (3, 6)]), "t")?;
        assert!(r.optional(4).is_err(), "skipping key 1 means it is unknown");
        Ok(())
    }
}
