//! Base45 (RFC 9285), table-driven: the QR text's body is decoded on every verification, so
//! this costs a table lookup per character and one allocation per body.

use std::fmt;

const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Marks a byte outside the alphabet in [`VALUE`].
const INVALID: u8 = 0xff;

/// Each byte's base45 value, or [`INVALID`].
const VALUE: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Why a text is not base45.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Base45Error {
    /// A character outside the 45-character alphabet (lower case is not base45).
    Character {
        /// The byte offset of the first such character.
        at: usize,
    },
    /// One character is left over after the last group (length mod 3 is 1).
    Dangling,
    /// A three-character group encodes a value above 65535.
    GroupTooLarge {
        /// The byte offset of the group.
        at: usize,
    },
    /// The final two-character group encodes a value above 255.
    PairTooLarge,
}

impl Base45Error {
    /// The reason in words, as [`crate::Error::Base45`] carries it.
    #[must_use]
    pub fn reason(self) -> &'static str {
        match self {
            Self::Character { .. } => "character outside the base45 alphabet (lower case is not base45)",
            Self::Dangling => "length leaves a dangling character",
            Self::GroupTooLarge { .. } => "a group encodes a value above 65535",
            Self::PairTooLarge => "the final pair encodes a value above 255",
        }
    }
}

impl fmt::Display for Base45Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Character { at } | Self::GroupTooLarge { at } => write!(f, "{} (at byte {at})", self.reason()),
            _ => f.write_str(self.reason()),
        }
    }
}

impl std::error::Error for Base45Error {}

/// Encodes bytes as base45: two bytes to three characters, a final byte to two.
#[must_use]
pub fn encode(bytes: impl AsRef<[u8]>) -> String {
    let bytes = bytes.as_ref();
    let char_of = |n: usize| char::from(ALPHABET[n]);
    let mut out = String::with_capacity(bytes.len().div_ceil(2) * 3);
    let mut pairs = bytes.chunks_exact(2);
    for pair in &mut pairs {
        let n = usize::from(pair[0]) << 8 | usize::from(pair[1]);
        out.extend([char_of(n % 45), char_of(n / 45 % 45), char_of(n / 2025)]);
    }
    if let [last] = pairs.remainder() {
        let n = usize::from(*last);
        out.extend([char_of(n % 45), char_of(n / 45)]);
    }
    out
}

/// Decodes base45 text, refusing anything RFC 9285 does not produce.
///
/// # Errors
/// A [`Base45Error`] naming the first fault.
///
/// # Examples
/// ```
/// use docseal::codec::base45;
/// assert_eq!(base45::decode("QED8WEX0")?, b"ietf!");
/// assert_eq!(base45::encode(b"ietf!"), "QED8WEX0");
/// assert!(base45::decode("GGW").is_err()); // 65535 < value
/// # Ok::<(), base45::Base45Error>(())
/// ```
pub fn decode(text: &str) -> Result<Vec<u8>, Base45Error> {
    let text = text.as_bytes();
    if text.len() % 3 == 1 {
        // The character check comes first, so a wrong character is named as such.
        check_alphabet(text)?;
        return Err(Base45Error::Dangling);
    }
    // Sized up front and written in place: no capacity check per group.
    let mut out = vec![0u8; text.len() / 3 * 2 + text.len() % 3 / 2];
    let mut groups = text.chunks_exact(3);
    let mut pairs = out.chunks_exact_mut(2);
    for (i, (group, pair)) in (&mut groups).zip(&mut pairs).enumerate() {
        let (a, b, c) = (VALUE[usize::from(group[0])], VALUE[usize::from(group[1])], VALUE[usize::from(group[2])]);
        // Values are below 64, so the OR is INVALID exactly when one of them is.
        if (a | b | c) == INVALID {
            return Err(first_invalid(text, i * 3));
        }
        let n = u32::from(a) + 45 * u32::from(b) + 2025 * u32::from(c);
        let [_, _, high, low] = n.to_be_bytes();
        if n > 0xffff {
            return Err(Base45Error::GroupTooLarge { at: i * 3 });
        }
        pair.copy_from_slice(&[high, low]);
    }
    if let ([x, y], [last]) = (groups.remainder(), pairs.into_remainder()) {
        let (a, b) = (VALUE[usize::from(*x)], VALUE[usize::from(*y)]);
        if a == INVALID || b == INVALID {
            return Err(first_invalid(text, text.len() - 2));
        }
        let n = u32::from(a) + 45 * u32::from(b);
        *last = u8::try_from(n).map_err(|_| Base45Error::PairTooLarge)?;
    }
    Ok(out)
}

/// The first byte `text` decodes to, from its first three characters alone (no allocation);
/// `None` when they are missing or not a valid group.
pub(crate) fn first_byte(text: &str) -> Option<u8> {
    let &[a, b, c, ..] = text.as_bytes() else { return None };
    let (a, b, c) = (VALUE[usize::from(a)], VALUE[usize::from(b)], VALUE[usize::from(c)]);
    if (a | b | c) == INVALID {
        return None;
    }
    let n = u32::from(a) + 45 * u32::from(b) + 2025 * u32::from(c);
    u16::try_from(n).ok().map(|n| n.to_be_bytes()[0])
}

fn check_alphabet(text: &[u8]) -> Result<(), Base45Error> {
    match text.iter().position(|&c| VALUE[usize::from(c)] == INVALID) {
        Some(at) => Err(Base45Error::Character { at }),
        None => Ok(()),
    }
}

#[cold]
fn first_invalid(text: &[u8], from: usize) -> Base45Error {
    let at = text[from..].iter().position(|&c| VALUE[usize::from(c)] == INVALID).map_or(from, |p| from + p);
    Base45Error::Character { at }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// RFC 9285 section 4.3 and 4.4.
    #[test]
    fn rfc_9285_examples() {
        for (bytes, text) in [
            (&b"AB"[..], "BB8"),
            (b"Hello!!", "%69 VD92EX0"),
            (b"base-45", "UJCLQE7W581"),
            (b"ietf!", "QED8WEX0"),
            (b"", ""),
        ] {
            assert_eq!(encode(bytes), text);
            assert_eq!(decode(text).as_deref(), Ok(bytes));
        }
    }

    #[test]
    fn faults_are_named() {
        assert_eq!(decode("GGW"), Err(Base45Error::GroupTooLarge { at: 0 }));
        assert_eq!(decode("BB8GGW"), Err(Base45Error::GroupTooLarge { at: 3 }));
        assert_eq!(decode("A"), Err(Base45Error::Dangling));
        assert_eq!(decode("BBa"), Err(Base45Error::Character { at: 2 }));
        assert_eq!(decode("BB8a"), Err(Base45Error::Character { at: 3 }));
        assert_eq!(decode("BB8é"), Err(Base45Error::Character { at: 3 }));
        assert_eq!(decode("::"), Err(Base45Error::PairTooLarge)); // 44 + 45 * 44
        assert_eq!(decode("U5"), Ok(vec![255])); // 30 + 45 * 5
        assert_eq!(decode("V5"), Err(Base45Error::PairTooLarge)); // 256
    }

    proptest! {
        #[test]
        fn round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let text = encode(&bytes);
            prop_assert_eq!(&text, &::base45::encode(&bytes));
            prop_assert_eq!(decode(&text), Ok(bytes));
        }

        #[test]
        fn first_byte_is_the_first_decoded_byte(text in "[0-9A-Z $%*+\\-./:a~]{0,9}") {
            let whole = text.get(..3).map(decode);
            let expected = match whole {
                Some(Ok(bytes)) => bytes.first().copied(),
                _ => None,
            };
            prop_assert_eq!(first_byte(&text), expected);
        }

        /// Against the `base45` crate on texts over the alphabet and a few outsiders: both
        /// accept the same texts with the same bytes, except the final pairs above 255 the
        /// crate wraps (RFC 9285 says refuse them).
        #[test]
        fn agrees_with_the_base45_crate(text in "[0-9A-Z $%*+\\-./:a~]{0,60}") {
            let ours = decode(&text);
            match ::base45::decode(&text) {
                Ok(theirs) if ours == Err(Base45Error::PairTooLarge) => prop_assert!(theirs.len() % 2 == 1),
                Ok(theirs) => prop_assert_eq!(ours, Ok(theirs)),
                Err(_) => prop_assert!(ours.is_err(), "{:?}", ours),
            }
        }
    }
}
