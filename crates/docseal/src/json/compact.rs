//! A serializer that writes what `serde_json::to_writer` writes (compact JSON), for the
//! bulk lines: serde_json escapes every string byte by byte through a table, which was more
//! than half of a licence line's instructions (callgrind, `profile_bulk 2 json`). Here a
//! string is checked in one pass the compiler vectorises and copied whole; the rare string
//! that needs escapes, and every float, is handed to serde_json itself, so the output is
//! serde_json's by construction. Tests hold the two byte-equal.

use std::fmt;

use serde::ser::{self, Serialize};

/// Why a value could not be written: a map key that is not a string, or a custom error
/// from a `Serialize` impl.
#[derive(Debug)]
pub(crate) struct WriteError(String);

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WriteError {}

impl ser::Error for WriteError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

impl From<WriteError> for std::io::Error {
    fn from(e: WriteError) -> Self {
        Self::other(e)
    }
}

type Result<T = ()> = std::result::Result<T, WriteError>;

/// Appends `value` as compact JSON to `out`.
pub(crate) fn write<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result {
    value.serialize(&mut Compact { out })
}

struct Compact<'o> {
    out: &'o mut Vec<u8>,
}

impl Compact<'_> {
    fn string(&mut self, s: &str) {
        if needs_escape(s.as_bytes()) {
            // serde_json's own escaping; writing to a Vec cannot fail.
            let _ = serde_json::to_writer(&mut *self.out, s);
        } else {
            let out = &mut *self.out;
            out.reserve(s.len() + 2);
            out.extend_from_slice(b"\"");
            out.extend_from_slice(s.as_bytes());
            out.extend_from_slice(b"\"");
        }
    }

    fn integer(&mut self, n: impl itoa::Integer) {
        self.out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    }

    fn by_serde_json<T: Serialize>(&mut self, value: &T) -> Result {
        serde_json::to_writer(&mut *self.out, value).map_err(|e| WriteError(e.to_string()))
    }
}

/// Whether JSON must escape a byte of `bytes` (a control character, `"` or `\`), eight
/// bytes at a time: the classic word tests for a byte below a bound or equal to a value.
fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // A byte of `w` is below `n` (n <= 128), or zero: its high bit set in the result.
    let below = |w: u64, n: u8| w.wrapping_sub(ONES * u64::from(n)) & !w & HIGHS;
    let test = |word: [u8; 8]| {
        let w = u64::from_ne_bytes(word);
        below(w, 0x20) | below(w ^ (ONES * u64::from(b'"')), 1) | below(w ^ (ONES * u64::from(b'\\')), 1) != 0
    };
    let word_at = |at: usize| {
        let mut word = [0u8; 8];
        word.copy_from_slice(&bytes[at..at + 8]);
        word
    };
    match bytes.len() {
        0..8 => bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\'),
        // Whole words, then the last eight bytes (overlapping the last word read).
        len => (0..len / 8).any(|i| test(word_at(8 * i))) || test(word_at(len - 8)),
    }
}

/// An object or array being written: whether an item was written yet (for the commas).
pub(crate) struct Compound<'a, 'o> {
    json: &'a mut Compact<'o>,
    first: bool,
    /// The closing bytes (`]`, `}`, or `]}` / `}}` for an enum variant's wrapper).
    close: &'static [u8],
}

impl Compound<'_, '_> {
    fn comma(&mut self) {
        if !std::mem::take(&mut self.first) {
            self.json.out.push(b',');
        }
    }

    fn key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        self.comma();
        let at = self.json.out.len();
        key.serialize(&mut *self.json)?;
        if self.json.out.get(at) != Some(&b'"') {
            return Err(WriteError("a map key must be a string".to_owned()));
        }
        self.json.out.push(b':');
        Ok(())
    }

    fn end(self) {
        self.json.out.extend_from_slice(self.close);
    }
}

impl<'a, 'o> ser::Serializer for &'a mut Compact<'o> {
    type Ok = ();
    type Error = WriteError;
    type SerializeSeq = Compound<'a, 'o>;
    type SerializeTuple = Compound<'a, 'o>;
    type SerializeTupleStruct = Compound<'a, 'o>;
    type SerializeTupleVariant = Compound<'a, 'o>;
    type SerializeMap = Compound<'a, 'o>;
    type SerializeStruct = Compound<'a, 'o>;
    type SerializeStructVariant = Compound<'a, 'o>;

    fn serialize_bool(self, v: bool) -> Result {
        self.out.extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result {
        self.integer(v);
        Ok(())
    }
    fn serialize_i16(self, v: i16) -> Result {
        self.integer(v);
        Ok(())
    }
    fn serialize_i32(self, v: i32) -> Result {
        self.integer(v);
        Ok(())
    }
    fn serialize_i64(self, v: i64) -> Result {
        self.integer(v);
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result {
        self.integer(v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result {
        self.integer(v);
        Ok(())
    }
    fn serialize_u16(self, v: u16) -> Result {
        self.integer(v);
        Ok(())
    }
    fn serialize_u32(self, v: u32) -> Result {
        self.integer(v);
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Result {
        self.integer(v);
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result {
        self.integer(v);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result {
        self.by_serde_json(&v)
    }
    fn serialize_f64(self, v: f64) -> Result {
        self.by_serde_json(&v)
    }
    fn serialize_char(self, v: char) -> Result {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result {
        self.string(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result {
        self.by_serde_json(&v)
    }
    fn serialize_none(self) -> Result {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result {
        self.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result {
        self.out.push(b'{');
        self.string(variant);
        self.out.push(b':');
        value.serialize(&mut *self)?;
        self.out.push(b'}');
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq> {
        self.out.push(b'[');
        Ok(Compound { json: self, first: true, close: b"]" })
    }
    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Self::SerializeTupleStruct> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        self.out.push(b'{');
        self.string(variant);
        self.out.extend_from_slice(b":[");
        Ok(Compound { json: self, first: true, close: b"]}" })
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap> {
        self.out.push(b'{');
        Ok(Compound { json: self, first: true, close: b"}" })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Self::SerializeStruct> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        self.out.push(b'{');
        self.string(variant);
        self.out.extend_from_slice(b":{");
        Ok(Compound { json: self, first: true, close: b"}}" })
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.comma();
        value.serialize(&mut *self.json)
    }
    fn end(self) -> Result {
        Compound::end(self);
        Ok(())
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        self.key(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        value.serialize(&mut *self.json)
    }
    fn end(self) -> Result {
        Compound::end(self);
        Ok(())
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.key(key)?;
        value.serialize(&mut *self.json)
    }
    fn end(self) -> Result {
        Compound::end(self);
        Ok(())
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        ser::SerializeStruct::serialize_field(self, key, value)
    }
    fn end(self) -> Result {
        Compound::end(self);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use serde::Serialize;

    use super::*;

    fn ours<T: Serialize>(v: &T) -> String {
        let mut out = Vec::new();
        write(&mut out, v).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[derive(Serialize)]
    enum Shape {
        Unit,
        Newtype(u8),
        Tuple(i32, String),
        Struct { a: Option<bool>, b: Vec<u64> },
    }

    #[derive(Serialize)]
    struct Everything {
        text: String,
        c: char,
        small: i8,
        big: u128,
        negative: i128,
        float: f64,
        nothing: Option<u8>,
        unit: (),
        shapes: Vec<Shape>,
        map: BTreeMap<String, (u16, i64)>,
        bytes: serde_bytes_like::Bytes,
    }

    mod serde_bytes_like {
        /// Serializes through `serialize_bytes`.
        pub(super) struct Bytes(pub Vec<u8>);
        impl serde::Serialize for Bytes {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(&self.0)
            }
        }
    }

    proptest! {
        #[test]
        fn writes_what_serde_json_writes(
            text in "\\PC{0,12}|[\"\\\\\u{0}-\u{1f}\u{7f}a-z/]{0,12}",
            c in any::<char>(),
            small in any::<i8>(),
            big in any::<u128>(),
            negative in any::<i128>(),
            float in any::<f64>(),
            keys in proptest::collection::btree_map("[a-z\"\\n]{0,4}", (any::<u16>(), any::<i64>()), 0..4),
            bytes in proptest::collection::vec(any::<u8>(), 0..6),
        ) {
            let v = Everything {
                text: text.clone(),
                c,
                small,
                big,
                negative,
                float,
                nothing: None,
                unit: (),
                shapes: vec![
                    Shape::Unit,
                    Shape::Newtype(small.unsigned_abs()),
                    Shape::Tuple(-7, text),
                    Shape::Struct { a: Some(true), b: vec![1, 2] },
                    Shape::Struct { a: None, b: vec![] },
                ],
                map: keys,
                bytes: serde_bytes_like::Bytes(bytes),
            };
            prop_assert_eq!(ours(&v), serde_json::to_string(&v).unwrap());
        }
    }

    proptest! {
        /// The word test agrees with the byte test everywhere in a string.
        #[test]
        fn escape_test_agrees_with_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            let expected = bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\');
            prop_assert_eq!(needs_escape(&bytes), expected);
        }
    }

    #[test]
    fn escape_test_finds_each_byte_at_each_position() {
        for len in 1..20 {
            for at in 0..len {
                for b in (0u8..=0x20).chain([b'"', b'\\', 0x7f, 0x80, 0xff]) {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    let expected = b < 0x20 || b == b'"' || b == b'\\';
                    assert_eq!(needs_escape(&bytes), expected, "{b:#x} at {at} of {len}");
                }
            }
        }
    }

    #[test]
    fn refuses_keys_that_are_not_strings() {
        let map: BTreeMap<u8, u8> = [(1, 2)].into();
        let mut out = Vec::new();
        assert!(write(&mut out, &map).is_err());
    }
}
