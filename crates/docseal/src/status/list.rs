//! The status list itself: `bits` per entry, packed least significant bit first
//! (draft-ietf-oauth-status-list-20, section 4).

use std::fmt;

use crate::error::{Error, LimitKind, Result};

/// Bits per entry: 1, 2, 4 or 8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bits {
    /// Valid or invalid.
    One = 1,
    /// Also suspended and one application value (docseal: used).
    Two = 2,
    /// Sixteen values.
    Four = 4,
    /// 256 values.
    Eight = 8,
}

impl Bits {
    /// Reads 1, 2, 4 or 8.
    ///
    /// # Errors
    /// [`Error::Status`] for any other number.
    pub fn from_count(bits: u64) -> Result<Self> {
        match bits {
            1 => Ok(Self::One),
            2 => Ok(Self::Two),
            4 => Ok(Self::Four),
            8 => Ok(Self::Eight),
            other => Err(Error::status(format!("bits must be 1, 2, 4 or 8, not {other}"))),
        }
    }

    /// The number of bits.
    #[must_use]
    pub const fn count(self) -> u8 {
        self as u8
    }

    const fn per_byte(self) -> u64 {
        8 / self as u64
    }
}

/// What an entry says (section 7.1 of the draft; 3 is application-specific).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// 0: the credential stands.
    Valid,
    /// 1: revoked for good.
    Invalid,
    /// 2: suspended; may be reinstated.
    Suspended,
    /// 3: docseal's application value: a one-time credential already presented.
    Used,
    /// Any other value a wider list may carry (4 to 255), unknown to docseal.
    Other(u8),
}

impl Status {
    /// The entry value.
    #[must_use]
    pub const fn value(self) -> u8 {
        match self {
            Self::Valid => 0,
            Self::Invalid => 1,
            Self::Suspended => 2,
            Self::Used => 3,
            Self::Other(v) => v,
        }
    }

    /// The status an entry value means.
    #[must_use]
    pub const fn from_value(value: u8) -> Self {
        match value {
            0 => Self::Valid,
            1 => Self::Invalid,
            2 => Self::Suspended,
            3 => Self::Used,
            v => Self::Other(v),
        }
    }

    /// Reads `valid`, `invalid` (or `revoked`), `suspended`, `used`, or a number.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "valid" => Some(Self::Valid),
            "invalid" | "revoked" => Some(Self::Invalid),
            "suspended" => Some(Self::Suspended),
            "used" => Some(Self::Used),
            number => number.parse().ok().map(Self::from_value),
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Valid => f.write_str("VALID"),
            Self::Invalid => f.write_str("INVALID"),
            Self::Suspended => f.write_str("SUSPENDED"),
            Self::Used => f.write_str("USED"),
            Self::Other(v) => write!(f, "status {v}"),
        }
    }
}

/// A list of entries of `bits` bits each, all VALID when new.
///
/// # Examples
/// ```
/// use docseal::status::{Bits, Status, StatusList};
/// let mut list = StatusList::new(Bits::Two, 1_000)?;
/// list.set(41, Status::Suspended)?;
/// let compressed = list.compress();
/// let read = StatusList::decompress(Bits::Two, &compressed, 1 << 20)?;
/// assert_eq!(read.get(41), Some(Status::Suspended));
/// assert_eq!(read.get(40), Some(Status::Valid));
/// # Ok::<(), docseal::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct StatusList {
    bits: Bits,
    bytes: Vec<u8>,
}

impl fmt::Debug for StatusList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StatusList").field("bits", &self.bits).field("len", &self.len()).finish()
    }
}

impl StatusList {
    /// At least `len` entries (rounded up to whole bytes), all VALID.
    ///
    /// # Errors
    /// [`Error::Status`] for an empty list or one past 2^40 entries.
    pub fn new(bits: Bits, len: u64) -> Result<Self> {
        if len == 0 || len > 1 << 40 {
            return Err(Error::status(format!("a status list holds 1 to 2^40 entries, not {len}")));
        }
        let bytes = usize::try_from(len.div_ceil(bits.per_byte()))
            .map_err(|_| Error::status("the list does not fit this machine's memory"))?;
        Ok(Self { bits, bytes: vec![0; bytes] })
    }

    /// The list over its packed bytes.
    ///
    /// # Errors
    /// [`Error::Status`] for no bytes.
    pub fn from_bytes(bits: Bits, bytes: Vec<u8>) -> Result<Self> {
        if bytes.is_empty() {
            return Err(Error::status("an empty status list"));
        }
        Ok(Self { bits, bytes })
    }

    /// Reads a zlib-compressed list (`lst`), inflating at most `max_len` bytes.
    ///
    /// # Errors
    /// [`Error::Decompress`] for a corrupt stream, [`Error::Limit`] past `max_len`,
    /// [`Error::Status`] for an empty list.
    pub fn decompress(bits: Bits, lst: &[u8], max_len: usize) -> Result<Self> {
        Self::from_bytes(bits, crate::codec::inflate_large(lst, max_len, LimitKind::StatusListLength)?)
    }

    /// `lst`: the packed bytes, zlib at the best compression.
    #[must_use]
    pub fn compress(&self) -> Vec<u8> {
        crate::codec::deflate(&self.bytes)
    }

    /// Bits per entry.
    #[must_use]
    pub fn bits(&self) -> Bits {
        self.bits
    }

    /// The packed bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The number of entries (whole bytes' worth).
    #[must_use]
    pub fn len(&self) -> u64 {
        self.bytes.len() as u64 * self.bits.per_byte()
    }

    /// Always `false`: a list has at least one byte.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn position(&self, idx: u64) -> Option<(usize, u32)> {
        let byte = usize::try_from(idx / self.bits.per_byte()).ok().filter(|&b| b < self.bytes.len())?;
        let shift = u32::try_from((idx % self.bits.per_byte()) * u64::from(self.bits.count())).ok()?;
        Some((byte, shift))
    }

    const fn mask(&self) -> u8 {
        ((1u16 << self.bits as u16) - 1) as u8
    }

    /// Entry `idx`, or `None` past the end.
    #[must_use]
    pub fn get(&self, idx: u64) -> Option<Status> {
        let (byte, shift) = self.position(idx)?;
        Some(Status::from_value((self.bytes[byte] >> shift) & self.mask()))
    }

    /// Sets entry `idx`.
    ///
    /// # Errors
    /// [`Error::Status`] past the end, or for a value that does not fit in `bits` bits.
    pub fn set(&mut self, idx: u64, status: Status) -> Result<()> {
        let value = status.value();
        if value > self.mask() {
            return Err(Error::status(format!("{status} does not fit in a {}-bit list", self.bits.count())));
        }
        let (byte, shift) = self
            .position(idx)
            .ok_or_else(|| Error::status(format!("index {idx} is past the end of a list of {}", self.len())))?;
        let mask = self.mask();
        let cell = &mut self.bytes[byte];
        *cell = (*cell & !(mask << shift)) | (value << shift);
        Ok(())
    }

    /// How many entries hold each value, by value (index 0 = VALID).
    #[must_use]
    pub fn counts(&self) -> Vec<u64> {
        let mut counts = vec![0u64; 1 << self.bits.count()];
        for &byte in &self.bytes {
            for slot in 0..self.bits.per_byte() {
                let value = (byte >> (slot * u64::from(self.bits.count()))) & self.mask();
                counts[usize::from(value)] += 1;
            }
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_drafts_one_and_two_bit_examples() {
        // Section 4.1: 16 one-bit entries, 1 0 0 1 1 1 0 1 / 1 1 0 0 0 1 0 1 -> b9 a3.
        let mut one = StatusList::new(Bits::One, 16).unwrap();
        for (idx, set) in [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1].into_iter().enumerate() {
            one.set(idx as u64, Status::from_value(set)).unwrap();
        }
        assert_eq!(one.as_bytes(), [0xb9, 0xa3]);
        // 12 two-bit entries: 1 2 0 3 0 1 0 1 1 2 3 3 -> c9 44 f9.
        let mut two = StatusList::new(Bits::Two, 12).unwrap();
        for (idx, v) in [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3].into_iter().enumerate() {
            two.set(idx as u64, Status::from_value(v)).unwrap();
        }
        assert_eq!(two.as_bytes(), [0xc9, 0x44, 0xf9]);
        assert_eq!(two.get(3), Some(Status::Used));
        assert_eq!(two.get(12), None);
        assert!(two.set(12, Status::Invalid).is_err());
        assert!(one.set(0, Status::Suspended).is_err(), "2 does not fit in one bit");
        assert_eq!(two.counts(), [3, 4, 2, 3]);
    }
}
