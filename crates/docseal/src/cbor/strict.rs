//! The deterministic reader: one pass over the bytes that builds a flat tree of items
//! borrowed from them, and refuses, as it goes, anything RFC 8949 section 4.2.1's preferred
//! serialization does not produce (an argument longer than needed, an indefinite length, a
//! float) and nesting beyond a cap.
//!
//! Flat and borrowed because a DS1 verification reads every field once: one vector of
//! 24-byte items instead of a `Value` per item (a vector per map and array, a string per
//! text, then a recursive drop) took the payload decode of a licence from 26,900 to 22,100 instructions
//! (callgrind, `profile_single`). The trust list, read rarely, converts the tree to `Value`.

use ciborium::value::{Integer, Value};

use crate::error::{Error, LimitKind, Result};

/// One item of a tree, in pre-order: a container is followed by its items, and says where
/// the tree continues after them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Item<'b> {
    /// An unsigned integer (major type 0).
    Uint(u64),
    /// The negative integer `-1 - n` (major type 1).
    Nint(u64),
    Bytes(&'b [u8]),
    Text(&'b str),
    /// `len` items follow; the next sibling is at index `end`.
    Array {
        len: u32,
        end: u32,
    },
    /// `len` key-value pairs follow; the next sibling is at index `end`.
    Map {
        len: u32,
        end: u32,
    },
    /// The tagged item follows; the next sibling is at index `end`.
    Tag {
        tag: u64,
        end: u32,
    },
    Bool(bool),
    Null,
}

/// A parsed item and everything under it.
#[derive(Debug)]
pub(crate) struct Tree<'b> {
    items: Vec<Item<'b>>,
}

impl<'b> Tree<'b> {
    /// Parses one deterministic CBOR item that spans all of `bytes`, at most `max_depth`
    /// deep (a scalar is 1 deep, each array, map or tag adds one).
    pub(crate) fn parse(bytes: &'b [u8], max_depth: usize, what: &str) -> Result<Self> {
        // A DS1 licence's items take 3.5 bytes each on average (small integer keys, dates,
        // short texts): room for one per 3 bytes avoids growing; the vector grows if needed.
        let mut reader = Reader { bytes, pos: 0, max_depth, items: Vec::with_capacity(bytes.len() / 3 + 16) };
        reader.item(1).map_err(|fault| match fault {
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
        Ok(Self { items: reader.items })
    }

    /// The top item.
    pub(crate) fn root(&self) -> Node<'_, 'b> {
        Node { items: &self.items, at: 0 }
    }
}

/// One item of a tree, with access to what is under it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Node<'t, 'b> {
    items: &'t [Item<'b>],
    at: usize,
}

impl<'t, 'b> Node<'t, 'b> {
    #[inline]
    pub(crate) fn item(self) -> Item<'b> {
        // safe: nodes are made by `Tree::root` and by stepping within a container, whose
        // items the reader wrote before recording its `end`.
        self.items[self.at]
    }

    /// The node after this one and everything under it.
    #[inline]
    pub(crate) fn next_sibling(self) -> Self {
        let end = match self.item() {
            Item::Array { end, .. } | Item::Map { end, .. } | Item::Tag { end, .. } => end as usize,
            _ => self.at + 1,
        };
        Self { items: self.items, at: end }
    }

    /// The first item inside a container (an array's first element, a map's first key, a
    /// tag's content); meaningful only for containers with items.
    #[inline]
    pub(crate) fn first_child(self) -> Self {
        Self { items: self.items, at: self.at + 1 }
    }

    /// `n` consecutive items from this one on, each with everything under it.
    pub(crate) fn siblings(self, n: usize) -> Siblings<'t, 'b> {
        Siblings { next: self, left: n }
    }

    /// The value this node stands for, as ciborium's `Value` (for readers of rarer
    /// structures, such as trust lists).
    pub(crate) fn to_value(self) -> Value {
        match self.item() {
            Item::Uint(n) => Value::Integer(n.into()),
            #[allow(clippy::expect_used)]
            // safe: -1 - n for n < 2^64 is at least -2^64, which ciborium's Integer holds.
            Item::Nint(n) => Value::Integer(Integer::try_from(-1 - i128::from(n)).expect("-2^64 fits")),
            Item::Bytes(b) => Value::Bytes(b.to_vec()),
            Item::Text(t) => Value::Text(t.to_owned()),
            Item::Array { len, .. } => {
                Value::Array(self.first_child().siblings(len as usize).map(Node::to_value).collect())
            }
            Item::Map { len, .. } => {
                let mut entries = Vec::with_capacity(len as usize);
                let mut key = self.first_child();
                for _ in 0..len {
                    let value = key.next_sibling();
                    entries.push((key.to_value(), value.to_value()));
                    key = value.next_sibling();
                }
                Value::Map(entries)
            }
            Item::Tag { tag, .. } => Value::Tag(tag, Box::new(self.first_child().to_value())),
            Item::Bool(b) => Value::Bool(b),
            Item::Null => Value::Null,
        }
    }
}

/// Consecutive items of one container.
#[derive(Debug, Clone)]
pub(crate) struct Siblings<'t, 'b> {
    next: Node<'t, 'b>,
    left: usize,
}

impl<'t, 'b> Iterator for Siblings<'t, 'b> {
    type Item = Node<'t, 'b>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let node = self.next;
        // The last item's sibling index may be one past the tree: never read, only made.
        self.next = node.next_sibling();
        Some(node)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Siblings<'_, '_> {}

/// Parses one deterministic CBOR item that spans all of `bytes` into a `Value`.
pub(crate) fn from_slice_deterministic(bytes: &[u8], max_depth: usize, what: &str) -> Result<Value> {
    Ok(Tree::parse(bytes, max_depth, what)?.root().to_value())
}

/// The nesting depth of the item at the start of `bytes`, counted up to `cap`, for the
/// error message: a walk over headers with a stack of items left per level, no values built.
fn depth_of(bytes: &[u8], cap: usize) -> usize {
    let mut reader = Reader { bytes, pos: 0, max_depth: cap, items: Vec::new() };
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
    items: Vec<Item<'b>>,
}

impl<'b> Reader<'b> {
    #[inline]
    fn take(&mut self, n: usize, what: &'static str) -> std::result::Result<&'b [u8], Fault> {
        let end = self.pos.checked_add(n).filter(|&end| end <= self.bytes.len()).ok_or(Fault::Malformed(what))?;
        let taken = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(taken)
    }

    /// The next header as (major type, additional information, argument), its argument
    /// checked to be in the shortest form.
    #[inline]
    fn header(&mut self) -> std::result::Result<(u8, u8, u64), Fault> {
        let initial = *self.bytes.get(self.pos).ok_or(Fault::Malformed("truncated item"))?;
        self.pos += 1;
        let (major, info) = (initial >> 5, initial & 0x1f);
        // Most items of a payload: the argument is in the initial byte, shortest by nature.
        if info < 24 {
            return Ok((major, info, u64::from(info)));
        }
        self.long_header(major, info)
    }

    /// A header whose argument follows the initial byte, or an indefinite length.
    fn long_header(&mut self, major: u8, info: u8) -> std::result::Result<(u8, u8, u64), Fault> {
        let (arg, smallest) = match info {
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

    /// The index the next item will take, as a container's `end`.
    fn next_index(&self) -> std::result::Result<u32, Fault> {
        u32::try_from(self.items.len()).map_err(|_| Fault::Malformed("more than 2^32 items"))
    }

    /// Reads one item and everything under it into `items`.
    fn item(&mut self, depth: usize) -> std::result::Result<(), Fault> {
        if depth > self.max_depth {
            return Err(Fault::Depth);
        }
        let (major, info, arg) = self.header()?;
        let item = match major {
            0 => Item::Uint(arg),
            1 => Item::Nint(arg),
            2 => {
                let n = self.length(arg, "truncated byte string")?;
                Item::Bytes(self.take(n, "truncated byte string")?)
            }
            3 => {
                let n = self.length(arg, "truncated text")?;
                Item::Text(
                    std::str::from_utf8(self.take(n, "truncated text")?)
                        .map_err(|_| Fault::Malformed("invalid UTF-8 in text"))?,
                )
            }
            4..=6 => return self.container(major, arg, depth),
            // Major type 7 with a direct argument (floats were refused in `header`).
            _ => match (info, arg) {
                (0..24, 20) => Item::Bool(false),
                (0..24, 21) => Item::Bool(true),
                (0..24, 22 | 23) => Item::Null,
                _ => return Err(Fault::Malformed("unknown simple value")),
            },
        };
        self.items.push(item);
        Ok(())
    }

    /// An array (4), map (5) or tag (6): a placeholder, the items under it, then its `end`.
    fn container(&mut self, major: u8, arg: u64, depth: usize) -> std::result::Result<(), Fault> {
        let at = self.items.len();
        self.items.push(Item::Null);
        let (count, len) = match major {
            4 => {
                let n = self.length(arg, "array longer than the input")?;
                (n, n)
            }
            // Each pair takes two bytes at least.
            5 => {
                let items = self.length(arg.saturating_mul(2), "map longer than the input")?;
                (items, items / 2)
            }
            _ => (1, 0),
        };
        for _ in 0..count {
            self.item(depth + 1)?;
        }
        let end = self.next_index()?;
        // `length` bounded `len` by the input's size, and a payload is far below 4 GiB; a
        // longer one has more than 2^32 items and was refused by `next_index`.
        let len = u32::try_from(len).map_err(|_| Fault::Malformed("more than 2^32 items"))?;
        self.items[at] = match major {
            4 => Item::Array { len, end },
            5 => Item::Map { len, end },
            _ => Item::Tag { tag: arg, end },
        };
        Ok(())
    }
}
