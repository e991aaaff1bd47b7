//! General CBOR (RFC 8949: any argument width, indefinite lengths, tags) walked in place,
//! without building values: the EU DCC's reader.
//!
//! DS1 has its own deterministic reader (`cbor`). DCC issuers write ordinary CBOR, so this one
//! accepts every well-formed encoding and refuses what is malformed, nested beyond the
//! caller's budget or, in a JSON walk, without a JSON form. It is a leaf module, below the
//! crate's error type, so that the DCC model can build its JSON on demand with the very walk
//! that validated it at decode.

use std::borrow::Cow;
use std::collections::HashSet;
use std::hash::Hash;

/// Why a walk stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WalkError {
    /// Not well-formed, or outside what the walk accepts, at byte `at`.
    Syntax { reason: &'static str, at: usize },
    /// A map repeats a text key (JSON walks).
    DuplicateKey { key: String, at: usize },
    /// Nesting beyond the caller's budget.
    TooDeep,
}

pub(crate) type WalkResult<T> = Result<T, WalkError>;

/// One item head: the major type with its argument (`None` for an indefinite length).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Head {
    Uint(u64),
    /// A negative integer `-1 - n`.
    Nint(u64),
    Bytes(Option<u64>),
    Text(Option<u64>),
    Array(Option<u64>),
    Map(Option<u64>),
    Tag(u64),
    Simple(u8),
    Float(f64),
    Break,
}

/// A cursor over CBOR bytes.
pub(crate) struct Walker<'b> {
    bytes: &'b [u8],
    pos: usize,
}

const BREAK: u8 = 0xff;
const FALSE: u8 = 20;
const TRUE: u8 = 21;
const NULL: u8 = 22;
const UNDEFINED: u8 = 23;

impl<'b> Walker<'b> {
    pub(crate) fn new(bytes: &'b [u8]) -> Self {
        Self { bytes, pos: 0 }
    }

    /// Bytes read so far.
    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    /// The bytes from `start` to the cursor.
    pub(crate) fn since(&self, start: usize) -> &'b [u8] {
        &self.bytes[start.min(self.pos)..self.pos]
    }

    /// Bytes not read yet.
    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    /// The next byte, without reading it.
    pub(crate) fn peek_byte(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// The major type of the next item, without reading it.
    pub(crate) fn peek_major(&self) -> Option<u8> {
        self.bytes.get(self.pos).map(|b| b >> 5)
    }

    pub(crate) fn error(&self, reason: &'static str) -> WalkError {
        WalkError::Syntax { reason, at: self.pos }
    }

    fn take(&mut self, n: usize) -> WalkResult<&'b [u8]> {
        if n > self.remaining() {
            return Err(self.error("truncated item"));
        }
        let taken = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(taken)
    }

    fn take_array<const N: usize>(&mut self) -> WalkResult<[u8; N]> {
        let Some(chunk) = self.bytes[self.pos..].first_chunk::<N>() else {
            return Err(self.error("truncated item"));
        };
        self.pos += N;
        Ok(*chunk)
    }

    /// The argument of additional information `info`; `None` for 31 (indefinite).
    fn argument(&mut self, info: u8) -> WalkResult<Option<u64>> {
        Ok(Some(match info {
            0..=23 => u64::from(info),
            24 => u64::from(self.take_array::<1>()?[0]),
            25 => u64::from(u16::from_be_bytes(self.take_array()?)),
            26 => u64::from(u32::from_be_bytes(self.take_array()?)),
            27 => u64::from_be_bytes(self.take_array()?),
            31 => return Ok(None),
            _ => return Err(self.error("reserved additional information (28-30)")),
        }))
    }

    /// Reads the next head.
    pub(crate) fn head(&mut self) -> WalkResult<Head> {
        let start = self.pos;
        let [initial] = self.take_array::<1>()?;
        let (major, info) = (initial >> 5, initial & 0x1f);
        let required = |arg: Option<u64>| {
            arg.ok_or(WalkError::Syntax { reason: "indefinite length on an integer or tag", at: start })
        };
        Ok(match major {
            0 => Head::Uint(required(self.argument(info)?)?),
            1 => Head::Nint(required(self.argument(info)?)?),
            2 => Head::Bytes(self.argument(info)?),
            3 => Head::Text(self.argument(info)?),
            4 => Head::Array(self.argument(info)?),
            5 => Head::Map(self.argument(info)?),
            6 => Head::Tag(required(self.argument(info)?)?),
            _ => match info {
                0..=23 => Head::Simple(info),
                24 => Head::Simple(self.take_array::<1>()?[0]),
                25 => Head::Float(half_to_f64(u16::from_be_bytes(self.take_array()?))),
                26 => Head::Float(f64::from(f32::from_be_bytes(self.take_array()?))),
                27 => Head::Float(f64::from_be_bytes(self.take_array()?)),
                31 => Head::Break,
                _ => return Err(WalkError::Syntax { reason: "reserved simple encoding (28-30)", at: start }),
            },
        })
    }

    /// The content of a byte (`text == false`) or text string whose head gave `len`:
    /// borrowed when definite, joined from its chunks when indefinite.
    fn string(&mut self, len: Option<u64>, text: bool) -> WalkResult<Cow<'b, [u8]>> {
        let Some(len) = len else {
            let mut joined = Vec::new();
            loop {
                let at = self.pos;
                let chunk = match self.head()? {
                    Head::Break => return Ok(Cow::Owned(joined)),
                    Head::Text(Some(n)) if text => self.definite(n)?,
                    Head::Bytes(Some(n)) if !text => self.definite(n)?,
                    _ => return Err(WalkError::Syntax { reason: "bad chunk in an indefinite string", at }),
                };
                // RFC 8949 section 3.2.3: each chunk of a text string is text on its own.
                if text && std::str::from_utf8(chunk).is_err() {
                    return Err(WalkError::Syntax { reason: "invalid UTF-8", at });
                }
                joined.extend_from_slice(chunk);
            }
        };
        self.definite(len).map(Cow::Borrowed)
    }

    fn definite(&mut self, len: u64) -> WalkResult<&'b [u8]> {
        let len = usize::try_from(len).map_err(|_| self.error("truncated item"))?;
        self.take(len)
    }

    /// A byte string's content, after its head gave `len`.
    pub(crate) fn bytes(&mut self, len: Option<u64>) -> WalkResult<Cow<'b, [u8]>> {
        self.string(len, false)
    }

    /// A text string's content, after its head gave `len`.
    pub(crate) fn text(&mut self, len: Option<u64>) -> WalkResult<Cow<'b, str>> {
        let at = self.pos;
        let invalid = || WalkError::Syntax { reason: "invalid UTF-8", at };
        match self.string(len, true)? {
            Cow::Borrowed(bytes) => std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|_| invalid()),
            Cow::Owned(bytes) => String::from_utf8(bytes).map(Cow::Owned).map_err(|_| invalid()),
        }
    }

    /// Calls `item` for each item of the container whose head gave `len`.
    pub(crate) fn items(
        &mut self,
        len: Option<u64>,
        mut item: impl FnMut(&mut Self) -> WalkResult<()>,
    ) -> WalkResult<()> {
        // A hostile count stops at the first item the input does not hold.
        let mut read = 0;
        while self.has_item(len, read)? {
            item(self)?;
            read += 1;
        }
        Ok(())
    }

    /// Whether the container whose head gave `len` has an item after the first `read` ones;
    /// reads the break that ends an indefinite one.
    pub(crate) fn has_item(&mut self, len: Option<u64>, read: u64) -> WalkResult<bool> {
        match len {
            Some(n) => Ok(read < n),
            None => match self.bytes.get(self.pos) {
                Some(&BREAK) => {
                    self.pos += 1;
                    Ok(false)
                }
                Some(_) => Ok(true),
                None => Err(self.error("unterminated container")),
            },
        }
    }

    /// Reads past one well-formed item of any kind, nested at most `depth_left` levels (a
    /// scalar is one level; each array, map and tag adds one).
    pub(crate) fn skip(&mut self, depth_left: usize) -> WalkResult<()> {
        if depth_left == 0 {
            return Err(WalkError::TooDeep);
        }
        let at = self.pos;
        match self.head()? {
            Head::Uint(_) | Head::Nint(_) | Head::Float(_) | Head::Simple(FALSE..=UNDEFINED) => {}
            Head::Simple(_) => return Err(WalkError::Syntax { reason: "unknown simple value", at }),
            Head::Break => return Err(WalkError::Syntax { reason: "unexpected break", at }),
            Head::Bytes(len) => drop(self.string(len, false)?),
            Head::Text(len) => drop(self.text(len)?),
            Head::Tag(_) => self.skip(depth_left - 1)?,
            Head::Array(len) => self.items(len, |w| w.skip(depth_left - 1))?,
            Head::Map(len) => self.items(len, |w| {
                w.skip(depth_left - 1)?;
                w.skip(depth_left - 1)
            })?,
        }
        Ok(())
    }

    /// Walks one item that has a JSON form into `sink`: text map keys only, no duplicate
    /// keys, integers within i64 or u64, finite floats, tags dropped to their content,
    /// undefined read as null. Nesting as for [`Walker::skip`].
    pub(crate) fn json<S: JsonSink<'b>>(&mut self, depth_left: usize, sink: &mut S) -> WalkResult<S::Value> {
        if depth_left == 0 {
            return Err(WalkError::TooDeep);
        }
        let at = self.pos;
        let refuse = |reason| Err(WalkError::Syntax { reason, at });
        Ok(match self.head()? {
            Head::Uint(n) => match i64::try_from(n) {
                Ok(n) => sink.signed(n),
                Err(_) => sink.unsigned(n),
            },
            Head::Nint(n) => match i64::try_from(n) {
                Ok(n) => sink.signed(-1 - n),
                Err(_) => return refuse("integer out of JSON range"),
            },
            Head::Float(f) if f.is_finite() => sink.float(f),
            Head::Float(_) => return refuse("NaN or infinity has no JSON form"),
            Head::Simple(FALSE) => sink.boolean(false),
            Head::Simple(TRUE) => sink.boolean(true),
            Head::Simple(NULL | UNDEFINED) => sink.null(),
            Head::Simple(_) => return refuse("unknown simple value"),
            Head::Break => return refuse("unexpected break"),
            Head::Bytes(len) => {
                let bytes = self.string(len, false)?;
                sink.bytes(bytes)
            }
            Head::Text(len) => {
                let text = self.text(len)?;
                sink.text(text)
            }
            Head::Tag(_) => self.json(depth_left - 1, sink)?,
            Head::Array(len) => {
                let mut array = sink.array(self.hint(len));
                self.items(len, |w| {
                    let item = w.json(depth_left - 1, sink)?;
                    sink.push(&mut array, item);
                    Ok(())
                })?;
                sink.end_array(array)
            }
            Head::Map(len) => {
                let mut object = sink.object(self.hint(len));
                let mut keys = SeenKeys::default();
                self.items(len, |w| {
                    if depth_left == 1 {
                        return Err(WalkError::TooDeep);
                    }
                    let key_at = w.pos;
                    let Head::Text(key_len) = w.head()? else {
                        return Err(WalkError::Syntax { reason: "map keys must be text", at: key_at });
                    };
                    let key = w.text(key_len)?;
                    if !keys.insert(&key) {
                        return Err(WalkError::DuplicateKey { key: key.into_owned(), at: key_at });
                    }
                    let value = w.json(depth_left - 1, sink)?;
                    sink.insert(&mut object, key, value);
                    Ok(())
                })?;
                sink.end_object(object)
            }
        })
    }

    /// A capacity for `len` items that the input can hold (each takes at least a byte).
    fn hint(&self, len: Option<u64>) -> usize {
        len.map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX).min(self.remaining()))
    }
}

/// What a JSON walk builds: a JSON value, or a summary of one.
pub(crate) trait JsonSink<'b> {
    type Value;
    type Array;
    type Object;
    fn null(&mut self) -> Self::Value;
    fn boolean(&mut self, value: bool) -> Self::Value;
    fn signed(&mut self, value: i64) -> Self::Value;
    /// Above `i64::MAX`.
    fn unsigned(&mut self, value: u64) -> Self::Value;
    /// Finite.
    fn float(&mut self, value: f64) -> Self::Value;
    fn text(&mut self, value: Cow<'b, str>) -> Self::Value;
    fn bytes(&mut self, value: Cow<'b, [u8]>) -> Self::Value;
    fn array(&mut self, capacity: usize) -> Self::Array;
    fn push(&mut self, array: &mut Self::Array, item: Self::Value);
    fn end_array(&mut self, array: Self::Array) -> Self::Value;
    fn object(&mut self, capacity: usize) -> Self::Object;
    /// `key` is new to `object` (the walk refuses duplicates).
    fn insert(&mut self, object: &mut Self::Object, key: Cow<'b, str>, value: Self::Value);
    fn end_object(&mut self, object: Self::Object) -> Self::Value;
}

/// The keys of one map: up to 16 inline without allocating (a DCC map has about a dozen),
/// then a hash set, so that a hostile map of many keys costs linear time, not quadratic.
pub(crate) struct SeenKeys<K> {
    inline: [Option<K>; INLINE_KEYS],
    len: usize,
    spilled: Option<HashSet<K>>,
}

const INLINE_KEYS: usize = 16;

impl<K> Default for SeenKeys<K> {
    fn default() -> Self {
        Self { inline: [const { None }; INLINE_KEYS], len: 0, spilled: None }
    }
}

impl<K: Eq + Hash + Clone> SeenKeys<K> {
    /// Adds `key`; false when it was there already.
    pub(crate) fn insert(&mut self, key: &K) -> bool {
        if let Some(set) = &mut self.spilled {
            return set.insert(key.clone());
        }
        if self.inline[..self.len].iter().flatten().any(|seen| seen == key) {
            return false;
        }
        if self.len < INLINE_KEYS {
            self.inline[self.len] = Some(key.clone());
            self.len += 1;
        } else {
            let mut set: HashSet<K> = self.inline.iter_mut().filter_map(Option::take).collect();
            set.insert(key.clone());
            self.spilled = Some(set);
        }
        true
    }
}

/// An IEEE 754 half-precision float (RFC 8949 appendix D).
fn half_to_f64(bits: u16) -> f64 {
    let sign = if bits & 0x8000 == 0 { 1.0 } else { -1.0 };
    let exponent = i32::from((bits >> 10) & 0x1f);
    let mantissa = f64::from(bits & 0x3ff);
    match exponent {
        0 => sign * mantissa * 2f64.powi(-24),
        31 if mantissa == 0.0 => sign * f64::INFINITY,
        31 => f64::NAN,
        _ => sign * (1.0 + mantissa / 1024.0) * 2f64.powi(exponent - 15),
    }
}
