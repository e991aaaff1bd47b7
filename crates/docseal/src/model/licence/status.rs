//! Licence status codes (驾驶证状态, docs/DOMAIN.md 2.7) and what they mean for an e-licence
//! (docs/DOMAIN.md 2.6).
//!
//! The letter codes come from several traffic-police code bases, not from the GA/T code
//! table itself; K and R differ between sources, and we follow the majority reading.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::model::DocumentError;

/// One status letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum StatusCode {
    A,
    B,
    C,
    D,
    E,
    F,
    G,
    H,
    I,
    J,
    K,
    L,
    M,
    N,
    P,
    R,
    S,
    T,
    U,
}

/// What an e-licence with a status may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    /// Issuing allowed; shown green.
    Normal,
    /// Issuing refused; an earlier e-licence turns red (not usable).
    Red,
    /// Issuing refused; an earlier e-licence is no longer shown (not usable).
    Withdrawn,
}

impl StatusCode {
    const TABLE: &'static [(StatusCode, char, &'static str, Effect)] = &[
        (Self::A, 'A', "normal", Effect::Normal),
        (Self::B, 'B', "points exceeded", Effect::Red),
        (Self::C, 'C', "transferred out", Effect::Withdrawn),
        (Self::D, 'D', "suspended", Effect::Red),
        (Self::E, 'E', "annulled", Effect::Withdrawn),
        (Self::F, 'F', "revoked", Effect::Withdrawn),
        (Self::G, 'G', "cancelled", Effect::Withdrawn),
        (Self::H, 'H', "violation unprocessed", Effect::Normal),
        (Self::I, 'I', "accident unprocessed", Effect::Normal),
        (Self::J, 'J', "stopped", Effect::Withdrawn),
        (Self::K, 'K', "detained", Effect::Red),
        (Self::L, 'L', "locked", Effect::Withdrawn),
        (Self::M, 'M', "overdue renewal", Effect::Red),
        // Deferred renewal / medical / review show as normal within the extension.
        (Self::N, 'N', "renewal deferred", Effect::Normal),
        (Self::P, 'P', "medical check deferred", Effect::Normal),
        (Self::R, 'R', "cancelled, recoverable", Effect::Withdrawn),
        (Self::S, 'S', "overdue review", Effect::Red),
        (Self::T, 'T', "review deferred", Effect::Normal),
        (Self::U, 'U', "withheld", Effect::Red),
    ];

    fn entry(self) -> &'static (StatusCode, char, &'static str, Effect) {
        // The table lists the variants in declaration order.
        &Self::TABLE[self as usize]
    }

    /// Reads one letter.
    #[must_use]
    pub fn from_letter(letter: char) -> Option<Self> {
        Self::TABLE.iter().find(|e| e.1 == letter).map(|e| e.0)
    }

    /// The letter.
    #[must_use]
    pub fn letter(self) -> char {
        self.entry().1
    }

    /// What the status means, in English.
    #[must_use]
    pub fn meaning(self) -> &'static str {
        self.entry().2
    }

    /// Whether an electronic licence may be issued with this status.
    #[must_use]
    pub fn allows_issue(self) -> bool {
        self.entry().3 == Effect::Normal
    }

    /// Whether a genuine e-licence with this status may be used (green QR).
    #[must_use]
    pub fn allows_use(self) -> bool {
        self.entry().3 == Effect::Normal
    }

    /// Whether an e-licence with this status is withdrawn from display altogether.
    #[must_use]
    pub fn is_withdrawn(self) -> bool {
        self.entry().3 == Effect::Withdrawn
    }
}

/// A licence's status: one or more letters, as traffic-police systems store it (`ZT`).
///
/// Held inline (no letter repeats, so at most one of each code): every licence read carries
/// one, and a vector was an allocation per verification.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct LicenceStatus {
    /// The letters in order; past `len`, `A` (never read).
    codes: [StatusCode; MAX_LETTERS],
    len: u8,
}

/// Distinct status codes: the most letters a status can hold.
const MAX_LETTERS: usize = StatusCode::TABLE.len();

impl fmt::Debug for LicenceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("LicenceStatus").field(&self.codes()).finish()
    }
}

impl LicenceStatus {
    /// The normal status `A`.
    #[must_use]
    pub fn normal() -> Self {
        Self { codes: [StatusCode::A; MAX_LETTERS], len: 1 }
    }

    /// Parses letters such as `"A"` or `"HI"`.
    ///
    /// # Errors
    /// An empty string, an unknown letter, a repeated letter, or `A` combined with others.
    pub fn parse(letters: &str) -> Result<Self, DocumentError> {
        let mut status = Self { codes: [StatusCode::A; MAX_LETTERS], len: 0 };
        for ch in letters.chars() {
            let code = StatusCode::from_letter(ch)
                .ok_or_else(|| DocumentError::field("status", format!("unknown status letter {ch:?}")))?;
            if status.codes().contains(&code) {
                return Err(DocumentError::field("status", format!("status letter {ch:?} repeated")));
            }
            // In bounds: the letters so far are distinct codes, and a status holding all
            // MAX_LETTERS of them refused any next letter as repeated just above.
            status.codes[usize::from(status.len)] = code;
            status.len += 1;
        }
        if status.len == 0 {
            return Err(DocumentError::field("status", "must hold at least one letter"));
        }
        if status.len > 1 && status.codes().contains(&StatusCode::A) {
            return Err(DocumentError::field("status", "`A` (normal) cannot be combined with other letters"));
        }
        Ok(status)
    }

    /// The letters.
    #[must_use]
    pub fn codes(&self) -> &[StatusCode] {
        &self.codes[..usize::from(self.len)]
    }

    /// The first letter that forbids issuing an e-licence, if any.
    #[must_use]
    pub fn blocks_issue(&self) -> Option<StatusCode> {
        self.codes().iter().copied().find(|c| !c.allows_issue())
    }

    /// The first letter that makes an e-licence unusable (red or withdrawn), if any.
    #[must_use]
    pub fn blocks_use(&self) -> Option<StatusCode> {
        self.codes().iter().copied().find(|c| !c.allows_use())
    }
}

impl fmt::Display for LicenceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.codes().iter().try_for_each(|c| write!(f, "{}", c.letter()))
    }
}

impl Serialize for LicenceStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Each letter is one ASCII character: the text fits a stack buffer.
        let mut buf = [0u8; 4 * MAX_LETTERS];
        let mut at = 0;
        for code in self.codes() {
            at += code.letter().encode_utf8(&mut buf[at..]).len();
        }
        #[allow(clippy::expect_used)]
        // safe: the buffer holds whole characters written by `encode_utf8`.
        s.serialize_str(std::str::from_utf8(&buf[..at]).expect("whole UTF-8 characters"))
    }
}

impl<'de> Deserialize<'de> for LicenceStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_letter_once_fits_and_a_repeat_is_refused() {
        let all: String = StatusCode::TABLE.iter().map(|e| e.1).filter(|&c| c != 'A').collect();
        let status = LicenceStatus::parse(&all).unwrap();
        assert_eq!(status.codes().len(), MAX_LETTERS - 1);
        assert_eq!(status.to_string(), all);
        assert_eq!(serde_json::to_string(&status).unwrap(), format!("\"{all}\""));
        for repeated in [format!("{all}B"), format!("A{all}B")] {
            // The second holds every code before its last letter: the bound of the inline array.
            assert!(LicenceStatus::parse(&repeated).unwrap_err().to_string().contains("repeated"));
        }
        assert_eq!(format!("{:?}", LicenceStatus::normal()), "LicenceStatus([A])");
        assert_eq!(LicenceStatus::parse("A").unwrap(), LicenceStatus::normal());
        for letters in ["HI", "ZT", "A", "BCD"] {
            if let Ok(s) = LicenceStatus::parse(letters) {
                assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{s}\""));
            }
        }
    }

    #[test]
    fn table_is_in_declaration_order() {
        for (i, e) in StatusCode::TABLE.iter().enumerate() {
            assert_eq!(e.0 as usize, i);
        }
    }

    #[test]
    fn issue_and_use_rules() {
        assert_eq!(LicenceStatus::parse("A").map(|s| s.blocks_issue()), Ok(None));
        assert_eq!(LicenceStatus::parse("HI").map(|s| s.blocks_issue()), Ok(None));
        let suspended = LicenceStatus::parse("D").map(|s| s.blocks_issue());
        assert_eq!(suspended, Ok(Some(StatusCode::D)));
        assert_eq!(StatusCode::D.meaning(), "suspended");
        assert!(StatusCode::F.is_withdrawn());
        assert!(!StatusCode::B.allows_use());
        assert!(StatusCode::N.allows_use());
    }

    #[test]
    fn parse_refuses_bad_letters() {
        assert!(LicenceStatus::parse("").is_err());
        assert!(LicenceStatus::parse("O").is_err());
        assert!(LicenceStatus::parse("HH").is_err());
        assert!(LicenceStatus::parse("AD").is_err());
        assert_eq!(LicenceStatus::parse("HI").map(|s| s.to_string()), Ok("HI".to_owned()));
    }
}
