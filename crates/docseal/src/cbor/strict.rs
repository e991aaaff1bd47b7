//! The deterministic reader: one pass over the bytes that builds the value and refuses, as it
//! goes, anything RFC 8949 section 4.2.1's preferred serialization does not produce (an
//! argument longer than needed, an indefinite length, a float) and nesting beyond a cap.
//!
//! One pass and a slice copy per string: the general reader (ciborium's low-level decoder,
//! then a second walk for the encoding rules and a third for the depth) cost more than half
//! of a verification's decoding (callgrind).

use ciborium::value::{Integer, Value};

use crate::error::{Error, LimitKind, Result};

/// Parses one deterministic CBOR item that spans all of `bytes`, at most `max_depth` deep
/// (a scalar is 1 deep, each array, map or tag adds one).
pub(crate) fn from_slice_deterministic(bytes: &[u8], max_depth: usize, what: &str) -> Result<Value> {
    let mut reader = Reader { bytes, pos: 0, max_depth };
    let value = reader.value(1).map_err(|fault| match fault {
        Fault::Depth => Error::Limit {
            limit: LimitKind::CborDepth,
            max: max_depth as u64,
            actual: depth_of(bytes, super::PARSER_DEPTH_GUARD as usize + 1) as u64,
        },
        Fault::Malformed(reason) => Error::cbor(format!("{what}: {reason} at byte {}", reader.pos)),
        Fault::NotDeterministic(reason) => {
            Error::cbor(format!("{what}: not in deterministic encoding: {reason} at byte {}", reader.pos))
        }
    })?;
    let trailing = bytes.len() - reader.pos;
    if trailing > 0 {
        return Err(Error::cbor(format!("{what}: {trailing} trailing bytes")));
    }
    Ok(value)
}

/// The nesting depth of the item at the start of `bytes`, counted up to `cap`, for the
/// error message: a walk over headers with a stack of items left per level, no values built.
fn depth_of(bytes: &[u8], cap: usize) -> usize {
    let mut reader = Reader { bytes, pos: 0, max_depth: cap };
    let mut left_per_level: Vec<u64> = vec![1];
    let mut deepest = 0;
    while let Some(left) = left_per_level.last_mut() {
        if *left == 0 {
            left_per_level.pop();
            continue;
        }
        *left -= 1;
        deepest = deepest.max(left_per_level.len());
        if deepest >= cap {
            break;
        }
        // Reading stops at the first header the strict reader refuses: the depth up to there.
        let Ok((major, _, arg)) = reader.header() else { break };
        match major {
            2 | 3 => {
                reader.pos = reader.pos.saturating_add(usize::try_from(arg).unwrap_or(usize::MAX)).min(bytes.len())
            }
            4 => left_per_level.push(arg),
            5 => left_per_level.push(arg.saturating_mul(2)),
            6 => left_per_level.push(1),
            _ => {}
        }
    }
    deepest
}

enum Fault {
    Depth,
    Malformed(&'static str),
    NotDeterministic(&'static str),
}

struct Reader<'b> {
    bytes: &'b [u8],
    pos: usize,
    /// Nesting allowed (unused by [`depth_of`], which only reads headers).
    max_depth: usize,
}

impl<'b> Reader<'b> {
    fn take(&mut self, n: usize, what: &'static str) -> std::result::Result<&'b [u8], Fault> {
        let end = self.pos.checked_add(n).filter(|&end| end <= self.bytes.len()).ok_or(Fault::Malformed(what))?;
        let taken = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(taken)
    }

    /// The next header as (major type, additional information, argument), its argument
    /// checked to be in the shortest form.
    fn header(&mut self) -> std::result::Result<(u8, u8, u64), Fault> {
        let initial = self.take(1, "truncated item")?[0];
        let (major, info) = (initial >> 5, initial & 0x1f);
        let (arg, smallest) = match info {
            0..24 => (u64::from(info), 0),
            24 => (u64::from(self.take(1, "truncated header")?[0]), 24),
            25 => (u64::from(u16::from_be_bytes(self.array("truncated header")?)), 0x100),
            26 => (u64::from(u32::from_be_bytes(self.array("truncated header")?)), 0x1_0000),
            27 => (u64::from_be_bytes(self.array("truncated header")?), 0x1_0000_0000),
            28..31 => return Err(Fault::Malformed("reserved additional information")),
            _ if major == 7 => return Err(Fault::Malformed("unexpected break")),
            _ => return Err(Fault::NotDeterministic("indefinite length")),
        };
        if major == 7 && info >= 25 {
            return Err(Fault::NotDeterministic("floating-point value"));
        }
        if arg < smallest {
            return Err(Fault::NotDeterministic("an argument not in its shortest form"));
        }
        Ok((major, info, arg))
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> std::result::Result<[u8; N], Fault> {
        let bytes = self.take(N, what)?;
        #[allow(clippy::expect_used)]
        // safe: `take` returned exactly N bytes.
        Ok(<[u8; N]>::try_from(bytes).expect("N bytes"))
    }

    /// A length that must fit what is left of the input (each item takes a byte at least).
    fn length(&self, arg: u64, what: &'static str) -> std::result::Result<usize, Fault> {
        usize::try_from(arg).ok().filter(|&n| n <= self.bytes.len() - self.pos).ok_or(Fault::Malformed(what))
    }

    fn value(&mut self, depth: usize) -> std::result::Result<Value, Fault> {
        if depth > self.max_depth {
            return Err(Fault::Depth);
        }
        let (major, info, arg) = self.header()?;
        Ok(match major {
            0 => Value::Integer(arg.into()),
            1 => Value::Integer(
                Integer::try_from(-1 - i128::from(arg)).map_err(|_| Fault::Malformed("integer out of range"))?,
            ),
            2 => {
                let n = self.length(arg, "truncated byte string")?;
                Value::Bytes(self.take(n, "truncated byte string")?.to_vec())
            }
            3 => {
                let n = self.length(arg, "truncated text")?;
                let text = std::str::from_utf8(self.take(n, "truncated text")?)
                    .map_err(|_| Fault::Malformed("invalid UTF-8 in text"))?;
                Value::Text(text.to_owned())
            }
            4 => {
                let n = self.length(arg, "array longer than the input")?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.value(depth + 1)?);
                }
                Value::Array(items)
            }
            5 => {
                let n = self.length(arg, "map longer than the input")?;
                let mut entries = Vec::with_capacity(n.min((self.bytes.len() - self.pos) / 2));
                for _ in 0..n {
                    let key = self.value(depth + 1)?;
                    entries.push((key, self.value(depth + 1)?));
                }
                Value::Map(entries)
            }
            6 => Value::Tag(arg, Box::new(self.value(depth + 1)?)),
            // Major type 7 with a direct argument (floats were refused in `header`).
            _ => match (info, arg) {
                (0..24, 20) => Value::Bool(false),
                (0..24, 21) => Value::Bool(true),
                (0..24, 22 | 23) => Value::Null,
                _ => return Err(Fault::Malformed("unknown simple value")),
            },
        })
    }
}
