//! The short reference printed as the front page's one-dimensional barcode (docs/FORMAT.md
//! section 11): `DSR1/` + document letter + `/` + document number + `/` + the first 4 bytes
//! of the SHA-256 of the QR text, in upper-case hex.
//!
//! A 1D barcode cannot hold a signed payload; it lets a scanner that reads only Code 128 find
//! the document in a list and tell whether a QR code read beside it belongs to the same copy.
//! It proves nothing by itself: the QR code carries the signature.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::model::{Credential, DocumentType};

/// The text every reference starts with (the format's version is the `1`).
pub const REFERENCE_PREFIX: &str = "DSR1/";

/// Longest document number a reference carries (the licence rule's own maximum is 32).
const MAX_NUMBER: usize = 32;

/// Why a text is not a barcode reference, or a document cannot have one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReferenceError {
    /// The text does not start with `DSR1/` or has not four `/`-separated parts.
    #[error("not a docseal barcode reference (expected DSR1/<type>/<number>/<8 hex digits>)")]
    Shape,
    /// The document letter is not `P`, `L` or `T`.
    #[error("unknown document letter {letter:?} (P passport, L licence, T temporary pass)")]
    DocumentLetter {
        /// The letter found.
        letter: String,
    },
    /// The document number is empty, too long, or has a character Code 128 set B cannot
    /// carry unambiguously (only printable ASCII other than `/`).
    #[error("document number {number:?} cannot be carried in a reference: {reason}")]
    Number {
        /// The number.
        number: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The digest part is not 8 upper-case hex digits.
    #[error("digest part {digest:?} is not 8 upper-case hex digits")]
    Digest {
        /// The part found.
        digest: String,
    },
}

/// A parsed or computed barcode reference.
///
/// # Examples
/// ```
/// use docseal::codec::reference::BarcodeReference;
/// use docseal::model::Credential;
///
/// let licence = Credential::from(docseal::samples::licence());
/// let reference = BarcodeReference::new(&licence, "DS1:EXAMPLE")?;
/// let text = reference.to_string();
/// assert!(text.starts_with("DSR1/L/110105199003070017/"));
/// let read = BarcodeReference::parse(&text)?;
/// assert!(read.matches_payload("DS1:EXAMPLE"));
/// assert!(!read.matches_payload("DS1:ANOTHER"));
/// # Ok::<(), docseal::codec::reference::ReferenceError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarcodeReference {
    document_type: DocumentType,
    number: String,
    digest: [u8; 4],
}

fn letter(document_type: DocumentType) -> char {
    match document_type {
        DocumentType::Passport => 'P',
        DocumentType::DrivingLicence => 'L',
        DocumentType::TemporaryPass => 'T',
    }
}

fn check_number(number: &str) -> Result<(), ReferenceError> {
    let refuse = |reason| Err(ReferenceError::Number { number: number.to_owned(), reason });
    if number.is_empty() {
        return refuse("empty");
    }
    if number.len() > MAX_NUMBER {
        return refuse("longer than 32 characters");
    }
    if !number.bytes().all(|b| b.is_ascii_graphic() && b != b'/') {
        return refuse("only printable ASCII other than '/' fits");
    }
    Ok(())
}

fn payload_digest(payload_text: &str) -> [u8; 4] {
    let full = Sha256::digest(payload_text.as_bytes());
    [full[0], full[1], full[2], full[3]]
}

impl BarcodeReference {
    /// The reference of `credential` as issued in the QR text `payload_text` (the whole text,
    /// prefix included).
    ///
    /// # Errors
    /// [`ReferenceError::Number`] when the document number is not printable ASCII without
    /// `/`, or is longer than 32 characters.
    pub fn new(credential: &Credential, payload_text: &str) -> Result<Self, ReferenceError> {
        let number = credential.document_number();
        check_number(number)?;
        Ok(Self {
            document_type: credential.document_type(),
            number: number.to_owned(),
            digest: payload_digest(payload_text),
        })
    }

    /// Reads a reference as a scanner returns it.
    ///
    /// # Errors
    /// [`ReferenceError`] naming the part that is wrong.
    pub fn parse(text: &str) -> Result<Self, ReferenceError> {
        let rest = text.strip_prefix(REFERENCE_PREFIX).ok_or(ReferenceError::Shape)?;
        let mut parts = rest.split('/');
        let (Some(kind), Some(number), Some(digest), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(ReferenceError::Shape);
        };
        let document_type = match kind {
            "P" => DocumentType::Passport,
            "L" => DocumentType::DrivingLicence,
            "T" => DocumentType::TemporaryPass,
            other => return Err(ReferenceError::DocumentLetter { letter: other.to_owned() }),
        };
        check_number(number)?;
        let bad_digest = || ReferenceError::Digest { digest: digest.to_owned() };
        if digest.len() != 8 || !digest.bytes().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)) {
            return Err(bad_digest());
        }
        let mut bytes = [0u8; 4];
        for (i, byte) in bytes.iter_mut().enumerate() {
            let pair = digest.get(2 * i..2 * i + 2).ok_or_else(bad_digest)?;
            *byte = u8::from_str_radix(pair, 16).map_err(|_| bad_digest())?;
        }
        Ok(Self { document_type, number: number.to_owned(), digest: bytes })
    }

    /// The document type the reference names.
    #[must_use]
    pub fn document_type(&self) -> DocumentType {
        self.document_type
    }

    /// The document number it names.
    #[must_use]
    pub fn number(&self) -> &str {
        &self.number
    }

    /// Whether `payload_text` (a QR text, prefix included) is the copy this reference was
    /// printed beside. 32 bits tell copies apart; they are no protection against forgery.
    #[must_use]
    pub fn matches_payload(&self, payload_text: &str) -> bool {
        self.digest == payload_digest(payload_text)
    }

    /// Whether the reference names `credential` and the copy `payload_text`.
    #[must_use]
    pub fn matches(&self, credential: &Credential, payload_text: &str) -> bool {
        self.document_type == credential.document_type()
            && self.number == credential.document_number()
            && self.matches_payload(payload_text)
    }
}

impl fmt::Display for BarcodeReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d] = self.digest;
        write!(f, "{REFERENCE_PREFIX}{}/{}/{a:02X}{b:02X}{c:02X}{d:02X}", letter(self.document_type), self.number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples;

    #[test]
    fn a_reference_round_trips_and_names_its_copy() {
        for credential in [
            Credential::from(samples::licence()),
            Credential::from(samples::passport()),
            Credential::from(samples::pass_on(chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap())),
        ] {
            let reference = BarcodeReference::new(&credential, "DS1:PAYLOAD").unwrap();
            let text = reference.to_string();
            assert_eq!(text.len(), REFERENCE_PREFIX.len() + 2 + credential.document_number().len() + 1 + 8);
            let read = BarcodeReference::parse(&text).unwrap();
            assert_eq!(read, reference);
            assert!(read.matches(&credential, "DS1:PAYLOAD"));
            assert!(!read.matches(&credential, "DS1:PAYLOAe"));
        }
    }

    #[test]
    fn the_digest_is_the_sha256_prefix_of_the_whole_text() {
        // SHA-256("abc") = ba7816bf...
        let reference = BarcodeReference::new(&Credential::from(samples::passport()), "abc").unwrap();
        assert_eq!(reference.to_string(), "DSR1/P/EA1234567/BA7816BF");
    }

    #[test]
    fn malformed_references_are_refused_by_part() {
        assert_eq!(BarcodeReference::parse("DS1:ABC"), Err(ReferenceError::Shape));
        assert_eq!(BarcodeReference::parse("DSR1/L/123"), Err(ReferenceError::Shape));
        assert_eq!(BarcodeReference::parse("DSR1/L/1/2/3/4"), Err(ReferenceError::Shape));
        assert!(matches!(BarcodeReference::parse("DSR1/X/123/BA7816BF"), Err(ReferenceError::DocumentLetter { .. })));
        assert!(matches!(BarcodeReference::parse("DSR1/L//BA7816BF"), Err(ReferenceError::Number { .. })));
        assert!(matches!(BarcodeReference::parse("DSR1/L/12 3/BA7816BF"), Err(ReferenceError::Number { .. })));
        assert!(matches!(BarcodeReference::parse("DSR1/L/123/ba7816bf"), Err(ReferenceError::Digest { .. })));
        assert!(matches!(BarcodeReference::parse("DSR1/L/123/BA7816B"), Err(ReferenceError::Digest { .. })));
        assert!(matches!(BarcodeReference::parse("DSR1/L/123/BA7816BÉ"), Err(ReferenceError::Digest { .. })));
    }
}
