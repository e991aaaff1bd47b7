//! Deterministic CBOR (RFC 8949 section 4.2.1) on top of ciborium's `Value`.
//!
//! Encoding: ciborium writes shortest-form integers and definite lengths; we build maps with
//! their keys already in canonical order. Decoding: the strict reader demands shortest-form
//! arguments and definite lengths, and [`MapReader`] strictly ascending map keys, which
//! together refuse non-shortest integers, indefinite lengths, unsorted maps and duplicate
//! keys. [`read_one`] is the general reader, for COSE and the EU DCC.

use chrono::{Datelike as _, NaiveDate};
use ciborium::value::{Integer, Value};

use crate::cbor_walk::WalkError;
use crate::error::{Error, Result};

mod strict;

pub(crate) use strict::{Item, Node, Siblings, Tree, from_slice_deterministic};

/// Days from 0001-01-01 (chrono's day 1) to 1970-01-01.
const EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// Serializes a value; the writer is a `Vec`, which cannot fail.
pub(crate) fn to_vec(value: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    // safe to ignore: writing to a Vec only fails on allocation failure, which aborts.
    let _ = ciborium::ser::into_writer(value, &mut out);
    out
}

/// A [`cbor_walk`](crate::cbor_walk) refusal as the crate's error: `what` names the item read,
/// `max_depth` is the nesting budget the walk had.
pub(crate) fn walk_error(e: WalkError, what: &str, max_depth: usize) -> Error {
    match e {
        WalkError::Syntax { reason, at } => Error::cbor(format!("{what}: {reason} at byte {at}")),
        WalkError::DuplicateKey { key, at } => Error::cbor(format!("{what}: duplicate key {key:?} at byte {at}")),
        // The walk stops at the first level beyond the cap: what it reached is a lower bound.
        WalkError::TooDeep => Error::Limit {
            limit: crate::error::LimitKind::CborDepth,
            max: max_depth as u64,
            actual: max_depth as u64 + 1,
        },
    }
}

/// Nesting beyond this is refused while parsing (ciborium's own recursion guard).
pub(crate) const PARSER_DEPTH_GUARD: u64 = 256;

/// Reads exactly one CBOR item spanning `bytes`.
///
/// Built on ciborium's low-level decoder rather than its serde path, which cost a third of a
/// DS1 verification's decoding (callgrind). Strings are read in 128-byte chunks, so a length
/// header cannot make us allocate more than the input holds; nesting beyond
/// [`PARSER_DEPTH_GUARD`] is refused before it can exhaust the stack.
pub(crate) fn read_one(bytes: &[u8], what: &str) -> Result<Value> {
    let mut decoder = ciborium_ll::Decoder::from(bytes);
    let value = read_value(&mut decoder, bytes.len(), PARSER_DEPTH_GUARD).map_err(|e| match e {
        ReadError::Depth => Error::Limit {
            limit: crate::error::LimitKind::CborDepth,
            max: PARSER_DEPTH_GUARD,
            actual: PARSER_DEPTH_GUARD + 1,
        },
        ReadError::Syntax(reason) => Error::cbor(format!("{what}: {reason} at byte {}", decoder.offset())),
    })?;
    let trailing = bytes.len() - decoder.offset().min(bytes.len());
    if trailing > 0 {
        return Err(Error::cbor(format!("{what}: {trailing} trailing bytes")));
    }
    Ok(value)
}

enum ReadError {
    Depth,
    Syntax(&'static str),
}

type Decoder<'b> = ciborium_ll::Decoder<&'b [u8]>;

fn syntax<E>(reason: &'static str) -> impl Fn(E) -> ReadError {
    move |_| ReadError::Syntax(reason)
}

fn read_value(d: &mut Decoder<'_>, total: usize, depth_left: u64) -> std::result::Result<Value, ReadError> {
    use ciborium_ll::{Header, simple};
    if depth_left == 0 {
        return Err(ReadError::Depth);
    }
    let remaining = |d: &mut Decoder<'_>| total.saturating_sub(d.offset());
    Ok(match d.pull().map_err(syntax("malformed or truncated item"))? {
        Header::Positive(n) => Value::Integer(n.into()),
        Header::Negative(n) => Value::Integer(
            Integer::try_from(-1 - i128::from(n)).map_err(|_| ReadError::Syntax("integer out of range"))?,
        ),
        Header::Float(f) => Value::Float(f),
        Header::Simple(simple::FALSE) => Value::Bool(false),
        Header::Simple(simple::TRUE) => Value::Bool(true),
        Header::Simple(simple::NULL | simple::UNDEFINED) => Value::Null,
        Header::Simple(_) => return Err(ReadError::Syntax("unknown simple value")),
        Header::Break => return Err(ReadError::Syntax("unexpected break")),
        Header::Tag(tag) => Value::Tag(tag, Box::new(read_value(d, total, depth_left - 1)?)),
        Header::Bytes(len) => {
            let mut out = Vec::with_capacity(len.unwrap_or(0).min(remaining(d)));
            let mut segments = d.bytes(len);
            let mut scratch = [0u8; 128];
            while let Some(mut segment) = segments.pull().map_err(syntax("malformed byte string"))? {
                while let Some(chunk) = segment.pull(&mut scratch).map_err(syntax("truncated byte string"))? {
                    out.extend_from_slice(chunk);
                }
            }
            Value::Bytes(out)
        }
        Header::Text(len) => {
            let mut out = String::with_capacity(len.unwrap_or(0).min(remaining(d)));
            let mut segments = d.text(len);
            let mut scratch = [0u8; 128];
            while let Some(mut segment) = segments.pull().map_err(syntax("malformed text string"))? {
                while let Some(chunk) = segment.pull(&mut scratch).map_err(syntax("invalid UTF-8 or truncated text"))? {
                    out.push_str(chunk);
                }
            }
            Value::Text(out)
        }
        Header::Array(len) => {
            // Every item takes at least one byte: never reserve more than the input can hold.
            let mut items = Vec::with_capacity(len.unwrap_or(0).min(remaining(d)));
            for_each_item(d, len, |d| {
                items.push(read_value(d, total, depth_left - 1)?);
                Ok(())
            })?;
            Value::Array(items)
        }
        Header::Map(len) => {
            let mut entries = Vec::with_capacity(len.unwrap_or(0).min(remaining(d) / 2));
            for_each_item(d, len, |d| {
                let key = read_value(d, total, depth_left - 1)?;
                entries.push((key, read_value(d, total, depth_left - 1)?));
                Ok(())
            })?;
            Value::Map(entries)
        }
    })
}

/// Calls `item` `len` times, or until a break for an indefinite length.
fn for_each_item<'b>(
    d: &mut Decoder<'b>,
    len: Option<usize>,
    mut item: impl FnMut(&mut Decoder<'b>) -> std::result::Result<(), ReadError>,
) -> std::result::Result<(), ReadError> {
    match len {
        Some(n) => (0..n).try_for_each(|_| item(d)),
        None => loop {
            match d.pull().map_err(syntax("unterminated container"))? {
                ciborium_ll::Header::Break => return Ok(()),
                header => {
                    // push panics only when a header is already buffered; we just pulled it.
                    d.push(header);
                    item(d)?;
                }
            }
        },
    }
}

#[cfg(all(feature = "hc1", test))]
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
fn key_rank(key: i64) -> (u8, u64) {
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
    debug_assert!(entries.windows(2).all(|w| key_rank(w[0].0) < key_rank(w[1].0)));
    Value::Map(entries.into_iter().map(|(k, v)| (Value::Integer(k.into()), v)).collect())
}

/// Reads an integer-keyed map whose fields are taken in ascending key order.
///
/// The keys' order is checked as they are read, not in a pass of its own: fields are taken
/// only in strictly ascending order and [`MapReader::finish`] refuses any left over, so a
/// map read to the end had its keys strictly ascending, in RFC 8949's deterministic order.
pub(crate) struct MapReader<'t, 'b> {
    /// The next key, if `left` > 0.
    next: Node<'t, 'b>,
    /// Pairs not yet taken.
    left: u32,
    /// The rank of the last key taken.
    previous: Option<(u8, u64)>,
    what: &'static str,
}

/// RFC 8949 deterministic order of an integer key's item (see [`key_rank`]).
fn item_rank(item: Item<'_>) -> Option<(u8, u64)> {
    match item {
        Item::Uint(n) => Some((0, n)),
        Item::Nint(n) => Some((1, n)),
        _ => None,
    }
}

impl<'t, 'b> MapReader<'t, 'b> {
    /// Reads `node`, which must be a map.
    pub(crate) fn new(node: Node<'t, 'b>, what: &'static str) -> Result<Self> {
        match node.item() {
            Item::Map { len, .. } => Ok(Self { next: node.first_child(), left: len, previous: None, what }),
            _ => Err(Error::cbor(format!("{what}: expected a map"))),
        }
    }

    /// The next key's rank, `None` when every pair was taken.
    fn next_rank(&self) -> Result<Option<(u8, u64)>> {
        if self.left == 0 {
            return Ok(None);
        }
        let rank = item_rank(self.next.item())
            .ok_or_else(|| Error::cbor(format!("{}: map key is not an integer", self.what)))?;
        if self.previous.is_some_and(|p| p >= rank) {
            return Err(Error::cbor(format!(
                "{}: map keys duplicated or out of order at key {}",
                self.what,
                show(rank)
            )));
        }
        Ok(Some(rank))
    }

    /// Takes the field under `key`, if present. Keys must be asked for in canonical order.
    #[inline]
    pub(crate) fn optional(&mut self, key: i64) -> Result<Option<Node<'t, 'b>>> {
        let wanted = key_rank(key);
        // Every field of a valid document takes this path: the key is the one asked for.
        if self.left > 0 && item_rank(self.next.item()) == Some(wanted) {
            debug_assert!(self.previous < Some(wanted), "{}: keys asked for out of order", self.what);
            let value = self.next.next_sibling();
            self.next = value.next_sibling();
            self.left -= 1;
            self.previous = Some(wanted);
            return Ok(Some(value));
        }
        self.absent(wanted)
    }

    /// `None` for a key that is not next, or the error the next key deserves.
    fn absent(&self, wanted: (u8, u64)) -> Result<Option<Node<'t, 'b>>> {
        match self.next_rank()? {
            Some(rank) if rank < wanted => Err(Error::cbor(format!("{}: unknown key {}", self.what, show(rank)))),
            _ => Ok(None),
        }
    }

    /// Takes the field under `key`, which must be present.
    #[inline]
    pub(crate) fn required(&mut self, key: i64, name: &str) -> Result<Node<'t, 'b>> {
        match self.optional(key)? {
            Some(node) => Ok(node),
            None => Err(self.missing(key, name)),
        }
    }

    #[cold]
    fn missing(&self, key: i64, name: &str) -> Error {
        Error::cbor(format!("{}: missing {name} (key {key})", self.what))
    }

    /// Refuses keys nobody asked for.
    pub(crate) fn finish(self) -> Result<()> {
        match self.next_rank()? {
            Some(rank) => Err(Error::cbor(format!("{}: unknown key {}", self.what, show(rank)))),
            None => Ok(()),
        }
    }
}

/// The key a rank stands for, for messages.
fn show((sign, n): (u8, u64)) -> i128 {
    if sign == 0 { n.into() } else { -1 - i128::from(n) }
}

/// The error for a field of the wrong type (cold: valid documents never build it).
#[cold]
fn expected(name: &str, what: &str) -> Error {
    Error::cbor(format!("{name}: expected {what}"))
}

/// Typed views of a node, with the field name in the error.
#[inline]
pub(crate) fn text_ref<'b>(node: Node<'_, 'b>, name: &str) -> Result<&'b str> {
    match node.item() {
        Item::Text(s) => Ok(s),
        _ => Err(expected(name, "a text string")),
    }
}

#[inline]
pub(crate) fn text(node: Node<'_, '_>, name: &str) -> Result<String> {
    text_ref(node, name).map(str::to_owned)
}

#[inline]
pub(crate) fn bytes<'b>(node: Node<'_, 'b>, name: &str) -> Result<&'b [u8]> {
    match node.item() {
        Item::Bytes(b) => Ok(b),
        _ => Err(expected(name, "a byte string")),
    }
}

#[inline]
pub(crate) fn int(node: Node<'_, '_>, name: &str) -> Result<i64> {
    match node.item() {
        Item::Uint(n) => i64::try_from(n).ok(),
        Item::Nint(n) => i64::try_from(n).ok().map(|n| -1 - n),
        _ => None,
    }
    .ok_or_else(|| expected(name, "an integer"))
}

/// The elements of an array node.
#[inline]
pub(crate) fn array<'t, 'b>(node: Node<'t, 'b>, name: &str) -> Result<Siblings<'t, 'b>> {
    match node.item() {
        Item::Array { len, .. } => Ok(node.first_child().siblings(len as usize)),
        _ => Err(expected(name, "an array")),
    }
}

/// A calendar date as days since 1970-01-01 (RFC 8943 tag 100 semantics, written untagged
/// because the key fixes the type).
pub(crate) fn date_value(d: NaiveDate) -> Value {
    Value::Integer(Integer::from(d.num_days_from_ce() - EPOCH_DAYS_FROM_CE))
}

#[inline]
pub(crate) fn date(node: Node<'_, '_>, name: &str) -> Result<NaiveDate> {
    let days = int(node, name)?;
    i32::try_from(days)
        .ok()
        .and_then(|d| d.checked_add(EPOCH_DAYS_FROM_CE))
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .ok_or_else(|| Error::cbor(format!("{name}: day number {days} out of range")))
}

#[cfg(test)]
mod reader_tests {
    use proptest::prelude::*;

    use super::*;

    /// What ciborium's own (serde) reader makes of `bytes`, with trailing bytes refused.
    fn ciborium_reads(bytes: &[u8]) -> Option<Value> {
        let mut reader = bytes;
        let value: Value = ciborium::de::from_reader(&mut reader).ok()?;
        reader.is_empty().then_some(value)
    }

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            any::<i64>().prop_map(|i| Value::Integer(i.into())),
            any::<u64>().prop_map(|i| Value::Integer(i.into())),
            ".{0,40}".prop_map(Value::Text),
            proptest::collection::vec(any::<u8>(), 0..300).prop_map(Value::Bytes),
            any::<bool>().prop_map(Value::Bool),
            Just(Value::Null),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                proptest::collection::vec((inner.clone(), inner.clone()), 0..6).prop_map(Value::Map),
                (0u64..100_000, inner).prop_map(|(t, v)| Value::Tag(t, Box::new(v))),
            ]
        })
    }

    proptest! {
        #[test]
        fn reads_back_what_ciborium_writes(v in value()) {
            prop_assert_eq!(read_one(&to_vec(&v), "t").ok(), Some(v));
        }

        #[test]
        fn strict_reader_reads_back_what_ciborium_writes(v in value()) {
            prop_assert_eq!(from_slice_deterministic(&to_vec(&v), 16, "t").ok(), Some(v));
        }

        /// The strict reader accepts a subset of what the general one does, with equal values.
        #[test]
        fn strict_reader_accepts_a_subset(bytes in proptest::collection::vec(any::<u8>(), 0..48)) {
            if let Ok(strict) = from_slice_deterministic(&bytes, 300, "t") {
                prop_assert_eq!(Some(strict), read_one(&bytes, "t").ok());
            }
        }

        #[test]
        fn agrees_with_ciborium_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..48)) {
            let ours = read_one(&bytes, "t").ok();
            // Debug form: NaN floats compare unequal to themselves.
            prop_assert_eq!(format!("{ours:?}"), format!("{:?}", ciborium_reads(&bytes)));
        }
    }

    #[test]
    fn indefinite_lengths_and_limits() {
        // ["a" "b" as one indefinite text, [_ 1, 2], {_ 1: 2}]
        let bytes = [0x83, 0x7f, 0x61, 0x61, 0x61, 0x62, 0xff, 0x9f, 0x01, 0x02, 0xff, 0xbf, 0x01, 0x02, 0xff];
        assert_eq!(read_one(&bytes, "t").ok(), ciborium_reads(&bytes));
        assert!(read_one(&bytes, "t").is_ok());
        // A byte string claiming 2^62 bytes: refused without allocating them.
        assert!(read_one(&[0x5b, 0x40, 0, 0, 0, 0, 0, 0, 0, 1], "t").is_err());
        assert!(matches!(
            read_one(&[0x81; 300], "t"),
            Err(Error::Limit { limit: crate::error::LimitKind::CborDepth, .. })
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_count_days_from_1970() -> Result<()> {
        let d = NaiveDate::from_ymd_opt(1970, 1, 2).ok_or_else(|| Error::cbor("date"))?;
        assert_eq!(date_value(d), Value::Integer(1.into()));
        let before = NaiveDate::from_ymd_opt(1949, 12, 31).ok_or_else(|| Error::cbor("date"))?;
        let read = |v: &Value| -> Result<NaiveDate> {
            let bytes = to_vec(v);
            date(Tree::parse(&bytes, 1, "d")?.root(), "d")
        };
        assert_eq!(read(&date_value(before))?, before);
        assert!(read(&Value::Integer(i64::MAX.into())).is_err());
        Ok(())
    }

    #[test]
    fn deterministic_decoding_refuses_alternatives() {
        // {1: 2} canonical, then with a non-shortest integer, an indefinite map, trailing byte.
        assert!(from_slice_deterministic(&[0xa1, 0x01, 0x02], 8, "t").is_ok());
        assert!(from_slice_deterministic(&[0xa1, 0x18, 0x01, 0x02], 8, "t").is_err());
        assert!(from_slice_deterministic(&[0xbf, 0x01, 0x02, 0xff], 8, "t").is_err());
        assert!(from_slice_deterministic(&[0xa1, 0x01, 0x02, 0x00], 8, "t").is_err());
        // A text string with a two-byte length under 24, a float, an indefinite text string.
        assert!(from_slice_deterministic(&[0x78, 0x01, 0x61], 8, "t").is_err());
        assert!(from_slice_deterministic(&[0x61, 0x61], 8, "t").is_ok());
        assert!(from_slice_deterministic(&[0xf9, 0x3c, 0x00], 8, "t").is_err());
        assert!(from_slice_deterministic(&[0x7f, 0x61, 0x61, 0xff], 8, "t").is_err());
        // Shortest forms at each width boundary pass; one byte wider fails.
        for (ok, bad) in [
            (vec![0x17], vec![0x18, 0x17]),
            (vec![0x18, 0xff], vec![0x19, 0x00, 0xff]),
            (vec![0x19, 0xff, 0xff], vec![0x1a, 0x00, 0x00, 0xff, 0xff]),
            (vec![0x1a, 0xff, 0xff, 0xff, 0xff], vec![0x1b, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]),
        ] {
            assert!(from_slice_deterministic(&ok, 8, "t").is_ok(), "{ok:02x?}");
            assert!(from_slice_deterministic(&bad, 8, "t").is_err(), "{bad:02x?}");
        }
    }

    #[test]
    fn depth_limit_is_a_limit_error() {
        let nested = [vec![0x81u8; 40], vec![0x00]].concat();
        let err = from_slice_deterministic(&nested, 16, "t");
        assert!(matches!(err, Err(Error::Limit { limit: crate::error::LimitKind::CborDepth, .. })));
    }

    #[test]
    fn map_reader_refuses_duplicates_order_and_unknown_keys() -> Result<()> {
        let m = |pairs: &[(i64, i64)]| {
            to_vec(&Value::Map(
                pairs.iter().map(|&(k, v)| (Value::Integer(k.into()), Value::Integer(v.into()))).collect(),
            ))
        };
        // Reads keys 1, 24, -1 and -2 when present, as a document decoder would.
        let read_all = |bytes: &[u8]| -> Result<()> {
            let tree = Tree::parse(bytes, 2, "t")?;
            let mut r = MapReader::new(tree.root(), "t")?;
            for key in [1, 24, -1, -2] {
                r.optional(key)?;
            }
            r.finish()
        };
        let refusal = |pairs: &[(i64, i64)]| read_all(&m(pairs)).map_err(|e| e.to_string()).err();
        assert!(refusal(&[(1, 0), (1, 0)]).is_some_and(|e| e.contains("duplicated or out of order")));
        assert!(refusal(&[(-1, 0), (1, 0)]).is_some());
        assert!(refusal(&[(24, 0), (1, 0)]).is_some_and(|e| e.contains("duplicated or out of order")));
        assert!(refusal(&[(1, 0), (24, 0), (-1, 0), (-2, 0)]).is_none());
        assert!(refusal(&[(1, 0), (2, 0)]).is_some_and(|e| e.contains("unknown key 2")));
        let text_key = to_vec(&Value::Map(vec![(Value::Text("a".into()), Value::Null)]));
        assert!(read_all(&text_key).is_err(), "text keys are refused, not skipped");
        assert!(read_all(&to_vec(&Value::Array(vec![]))).is_err(), "not a map");
        let bytes = m(&[(1, 5), (3, 6)]);
        let tree = Tree::parse(&bytes, 2, "t")?;
        let mut r = MapReader::new(tree.root(), "t")?;
        assert_eq!(r.required(1, "a")?.item(), Item::Uint(5));
        assert!(r.optional(2)?.is_none());
        assert!(r.finish().is_err(), "key 3 was never asked for");
        let mut r = MapReader::new(tree.root(), "t")?;
        assert!(r.optional(4).is_err(), "skipping key 1 means it is unknown");
        let mut r = MapReader::new(tree.root(), "t")?;
        assert_eq!(r.required(1, "a")?.item(), Item::Uint(5));
        assert_eq!(r.required(3, "b")?.item(), Item::Uint(6));
        r.finish()?;
        Ok(())
    }
}
