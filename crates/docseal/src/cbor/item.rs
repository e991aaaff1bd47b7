//! Typed reading of deterministic CBOR straight from its bytes: the whole item is checked
//! once by the strict reader (encoding rules, depth, UTF-8), then fields are read where they
//! lie, with no tree of values in between. Building that tree (a vector per map, a value per
//! field, then dropping it) was most of a payload's decoding (callgrind).

use chrono::NaiveDate;
use ciborium::value::Value;

use super::{EPOCH_DAYS_FROM_CE, key_rank, strict};
use crate::error::{Error, Result};

/// One CBOR item inside checked deterministic CBOR: exactly its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Item<'b> {
    bytes: &'b [u8],
}

/// Checks that `bytes` is one deterministic CBOR item at most `max_depth` deep (the rules
/// and errors of [`super::from_slice_deterministic`]) and returns it for typed reading.
pub(crate) fn read_deterministic<'b>(bytes: &'b [u8], max_depth: usize, what: &str) -> Result<Item<'b>> {
    strict::validate(bytes, max_depth, what)?;
    Ok(Item { bytes })
}

/// A header of checked CBOR: (major type, argument, header length). `None` only for bytes
/// the strict reader did not check, which an [`Item`] never holds.
fn head(bytes: &[u8]) -> Option<(u8, u64, usize)> {
    let initial = *bytes.first()?;
    let (major, info) = (initial >> 5, initial & 0x1f);
    let (arg, len) = match info {
        0..24 => (u64::from(info), 1),
        24 => (u64::from(*bytes.get(1)?), 2),
        25 => (u64::from(u16::from_be_bytes(bytes.get(1..3)?.try_into().ok()?)), 3),
        26 => (u64::from(u32::from_be_bytes(bytes.get(1..5)?.try_into().ok()?)), 5),
        27 => (u64::from_be_bytes(bytes.get(1..9)?.try_into().ok()?), 9),
        _ => return None,
    };
    Some((major, arg, len))
}

/// The length in bytes of the item at the start of checked `bytes`: a walk over headers
/// with a count of items still to read, no recursion.
fn item_len(bytes: &[u8]) -> Option<usize> {
    let mut pos = 0usize;
    let mut left = 1u64;
    while left > 0 {
        left -= 1;
        let (major, arg, len) = head(bytes.get(pos..)?)?;
        pos = pos.checked_add(len)?;
        match major {
            2 | 3 => pos = pos.checked_add(usize::try_from(arg).ok()?)?,
            4 => left = left.checked_add(arg)?,
            5 => left = left.checked_add(arg.checked_mul(2)?)?,
            6 => left += 1,
            _ => {}
        }
    }
    (pos <= bytes.len()).then_some(pos)
}

/// The error for bytes an [`Item`] cannot hold: reported, never assumed away.
fn unchecked(what: &str) -> Error {
    Error::cbor(format!("{what}: malformed item"))
}

impl<'b> Item<'b> {
    fn head(&self, what: &str) -> Result<(u8, u64, usize)> {
        head(self.bytes).ok_or_else(|| unchecked(what))
    }

    /// The item as a value tree, for the few small structures read that way (the status
    /// claim).
    pub(crate) fn to_value(self, what: &str) -> Result<Value> {
        strict::from_slice_deterministic(self.bytes, super::PARSER_DEPTH_GUARD as usize, what)
    }

    /// The integer, if the item is one.
    fn as_int(&self) -> Option<i128> {
        match head(self.bytes)? {
            (0, arg, _) => Some(i128::from(arg)),
            (1, arg, _) => Some(-1 - i128::from(arg)),
            _ => None,
        }
    }

    /// The contents of a byte or text string of major type `major`.
    fn string(&self, major: u8) -> Option<&'b [u8]> {
        let (m, arg, len) = head(self.bytes)?;
        (m == major).then(|| self.bytes.get(len..len.checked_add(usize::try_from(arg).ok()?)?))?
    }
}

/// Reads an integer-keyed map whose fields are taken in ascending key order.
pub(crate) struct MapReader<'b> {
    /// The entries not taken yet, from the next key on.
    rest: &'b [u8],
    left: u64,
    what: &'static str,
}

impl<'b> MapReader<'b> {
    /// Checks that `item` is a map with integer keys in strictly ascending canonical order.
    pub(crate) fn new(item: Item<'b>, what: &'static str) -> Result<Self> {
        let (major, n, len) = item.head(what)?;
        if major != 5 {
            return Err(Error::cbor(format!("{what}: expected a map")));
        }
        let reader = Self { rest: &item.bytes[len..], left: n, what };
        let mut rest = reader.rest;
        let mut previous: Option<(u8, u128)> = None;
        for _ in 0..n {
            let key_len = item_len(rest).ok_or_else(|| unchecked(what))?;
            let key = Item { bytes: &rest[..key_len] }
                .as_int()
                .ok_or_else(|| Error::cbor(format!("{what}: map key is not an integer")))?;
            let rank = key_rank(key);
            if previous.is_some_and(|p| p >= rank) {
                return Err(Error::cbor(format!("{what}: map keys duplicated or out of order at key {key}")));
            }
            previous = Some(rank);
            let value_len = item_len(&rest[key_len..]).ok_or_else(|| unchecked(what))?;
            rest = &rest[key_len + value_len..];
        }
        Ok(reader)
    }

    /// The next key, checked integer by `new`.
    fn next_key(&self) -> Option<i128> {
        if self.left == 0 {
            return None;
        }
        Item { bytes: self.rest }.as_int()
    }

    /// Takes the field under `key`, if present. Keys must be asked for in canonical order.
    pub(crate) fn optional(&mut self, key: i64) -> Result<Option<Item<'b>>> {
        let wanted = key_rank(key.into());
        match self.next_key() {
            Some(k) if key_rank(k) < wanted => Err(Error::cbor(format!("{}: unknown key {k}", self.what))),
            Some(k) if k == i128::from(key) => {
                let (_, _, key_len) = head(self.rest).ok_or_else(|| unchecked(self.what))?;
                let after_key = &self.rest[key_len..];
                let value_len = item_len(after_key).ok_or_else(|| unchecked(self.what))?;
                let (value, rest) = after_key.split_at(value_len);
                self.rest = rest;
                self.left -= 1;
                Ok(Some(Item { bytes: value }))
            }
            _ => Ok(None),
        }
    }

    /// Takes the field under `key`, which must be present.
    pub(crate) fn required(&mut self, key: i64, name: &str) -> Result<Item<'b>> {
        self.optional(key)?.ok_or_else(|| Error::cbor(format!("{}: missing {name} (key {key})", self.what)))
    }

    /// Refuses keys nobody asked for.
    pub(crate) fn finish(self) -> Result<()> {
        match self.next_key() {
            Some(k) => Err(Error::cbor(format!("{}: unknown key {k}", self.what))),
            None => Ok(()),
        }
    }
}

/// Typed views of an item, with the field name in the error.
pub(crate) fn text(item: Item<'_>, name: &str) -> Result<String> {
    item.string(3)
        .and_then(|b| std::str::from_utf8(b).ok())
        .map(str::to_owned)
        .ok_or_else(|| Error::cbor(format!("{name}: expected a text string")))
}

pub(crate) fn bytes(item: Item<'_>, name: &str) -> Result<Vec<u8>> {
    item.string(2).map(<[u8]>::to_vec).ok_or_else(|| Error::cbor(format!("{name}: expected a byte string")))
}

pub(crate) fn int(item: &Item<'_>, name: &str) -> Result<i64> {
    item.as_int().and_then(|i| i64::try_from(i).ok()).ok_or_else(|| Error::cbor(format!("{name}: expected an integer")))
}

pub(crate) fn array<'b>(item: Item<'b>, name: &str) -> Result<Vec<Item<'b>>> {
    let (major, n, len) = item.head(name)?;
    if major != 4 {
        return Err(Error::cbor(format!("{name}: expected an array")));
    }
    let mut rest = &item.bytes[len..];
    // Each item takes a byte at least: never reserve more than the bytes can hold.
    let mut items = Vec::with_capacity(usize::try_from(n).unwrap_or(usize::MAX).min(rest.len()));
    for _ in 0..n {
        let item_len = item_len(rest).ok_or_else(|| unchecked(name))?;
        let (one, after) = rest.split_at(item_len);
        items.push(Item { bytes: one });
        rest = after;
    }
    Ok(items)
}

/// A calendar date written as days since 1970-01-01.
pub(crate) fn date(item: &Item<'_>, name: &str) -> Result<NaiveDate> {
    let days = int(item, name)?;
    i32::try_from(days)
        .ok()
        .and_then(|d| d.checked_add(EPOCH_DAYS_FROM_CE))
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .ok_or_else(|| Error::cbor(format!("{name}: day number {days} out of range")))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::cbor::to_vec;

    fn int_map(pairs: &[(i64, Value)]) -> Vec<u8> {
        to_vec(&Value::Map(pairs.iter().map(|(k, v)| (Value::Integer((*k).into()), v.clone())).collect()))
    }

    #[test]
    fn map_reader_refuses_duplicates_order_and_unknown_keys() -> Result<()> {
        let m = |pairs: &[(i64, i64)]| {
            int_map(&pairs.iter().map(|&(k, v)| (k, Value::Integer(v.into()))).collect::<Vec<_>>())
        };
        let read = |bytes: &[u8]| -> Result<()> { MapReader::new(read_deterministic(bytes, 8, "t")?, "t").map(drop) };
        assert!(read(&m(&[(1, 0), (1, 0)])).is_err());
        assert!(read(&m(&[(-1, 0), (1, 0)])).is_err());
        assert!(read(&m(&[(1, 0), (24, 0), (-1, 0), (-2, 0)])).is_ok());
        let bytes = m(&[(1, 5), (3, 6)]);
        let mut r = MapReader::new(read_deterministic(&bytes, 8, "t")?, "t")?;
        assert_eq!(int(&r.required(1, "a")?, "a")?, 5);
        assert_eq!(r.optional(2)?, None);
        assert!(r.finish().is_err(), "key 3 was never asked for");
        let mut r = MapReader::new(read_deterministic(&bytes, 8, "t")?, "t")?;
        assert!(r.optional(4).is_err(), "skipping key 1 means it is unknown");
        let text_key = to_vec(&Value::Map(vec![(Value::Text("a".into()), Value::Null)]));
        assert!(MapReader::new(read_deterministic(&text_key, 8, "t")?, "t").is_err());
        Ok(())
    }

    #[test]
    fn typed_views_read_what_was_written_and_refuse_other_types() -> Result<()> {
        let bytes = int_map(&[
            (1, Value::Text("Zhang 张".into())),
            (2, Value::Bytes(vec![1, 2, 3])),
            (3, Value::Integer((-20_000).into())),
            (4, Value::Array(vec![Value::Integer(1.into()), Value::Map(vec![]), Value::Text("x".into())])),
            (5, Value::Tag(1, Box::new(Value::Integer(0.into())))),
        ]);
        let mut m = MapReader::new(read_deterministic(&bytes, 8, "t")?, "t")?;
        assert_eq!(text(m.required(1, "a")?, "a")?, "Zhang 张");
        assert_eq!(bytes_of(m.required(2, "b")?)?, vec![1, 2, 3]);
        let day = m.required(3, "c")?;
        assert_eq!(int(&day, "c")?, -20_000);
        assert_eq!(date(&day, "c")?, NaiveDate::from_ymd_opt(1915, 3, 31).ok_or_else(|| Error::cbor("date"))?);
        let items = array(m.required(4, "d")?, "d")?;
        assert_eq!(items.len(), 3);
        assert_eq!(int(&items[0], "d0")?, 1);
        assert!(text(items[1], "d1").is_err());
        assert_eq!(text(items[2], "d2")?, "x");
        let tagged = m.required(5, "e")?;
        assert!(int(&tagged, "e").is_err());
        assert_eq!(tagged.to_value("e")?, Value::Tag(1, Box::new(Value::Integer(0.into()))));
        m.finish()?;
        Ok(())
    }

    fn bytes_of(item: Item<'_>) -> Result<Vec<u8>> {
        bytes(item, "b")
    }

    proptest! {
        /// The length walk finds exactly the end of every item the strict reader accepts,
        /// and the item reads back as the value written.
        #[test]
        fn item_len_spans_each_checked_item(v in crate::cbor::reader_tests::value()) {
            let bytes = to_vec(&v);
            let item = read_deterministic(&bytes, 16, "t").map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(item_len(&bytes), Some(bytes.len()));
            prop_assert_eq!(item.to_value("t").ok(), Some(v));
        }

        /// Validation and the value-building reader accept exactly the same inputs, with the
        /// same error.
        #[test]
        fn validation_agrees_with_the_value_reader(bytes in proptest::collection::vec(any::<u8>(), 0..48)) {
            let checked = strict::validate(&bytes, 4, "t").map_err(|e| e.to_string());
            let built = strict::from_slice_deterministic(&bytes, 4, "t").map(drop).map_err(|e| e.to_string());
            prop_assert_eq!(checked, built);
        }
    }
}
