//! The documents docseal issues and verifies, with validating constructors.
//!
//! Every document type is built through a constructor that enforces its rules, so a value
//! of these types is always a valid document. Dates are calendar dates ([`NaiveDate`]);
//! instants are UTC.

pub mod dcc;
mod error;
pub(crate) mod json_date;
pub mod licence;
pub mod pass;
pub mod passport;
mod text;
mod usability;
mod zone;

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use error::DocumentError;

pub use licence::{
    BackPage, ChinaClass, ClassSystem, DrivingLicence, DrivingPrivilege, FrontPage, IsoCategory, LicenceStatus,
    RecordEntry, StatusCode, VehicleClass,
};
pub use pass::{IssuedPass, PassData, PassHistory, TemporaryPass, TravelMode};
pub use passport::{Passport, PassportData};
pub(crate) use text::{check_alpha2, check_digest, check_text, date_order};
pub use usability::{NotUsableReason, Usability};
pub use zone::Zone;
pub(crate) use zone::resolve as resolve_zone;

/// The kinds of document docseal knows, with their wire code (docs/FORMAT.md section 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DocumentType {
    /// Electronic passport copy (ICAO 9303 data page).
    Passport,
    /// Electronic driving licence (front and back page).
    DrivingLicence,
    /// Electronic temporary pass standing in for a travel permit.
    TemporaryPass,
}

/// A name docseal does not know, with the names it does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {given:?}: {expected}")]
pub struct UnknownName {
    /// What kind of name (`document type`, `travel mode`, `requirement`).
    pub what: &'static str,
    /// The name given.
    pub given: String,
    /// The names accepted, in words.
    pub expected: &'static str,
}

impl std::str::FromStr for DocumentType {
    type Err = UnknownName;

    /// One set of names everywhere: `passport`, `driving-licence` (also `licence`,
    /// `license`, `driving-license`), `temporary-pass` (also `temp-pass`, `pass`); case and
    /// `_` for `-` do not matter.
    fn from_str(name: &str) -> Result<Self, UnknownName> {
        match name.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "passport" => Ok(Self::Passport),
            "driving-licence" | "driving-license" | "licence" | "license" => Ok(Self::DrivingLicence),
            "temporary-pass" | "temp-pass" | "pass" => Ok(Self::TemporaryPass),
            _ => Err(UnknownName {
                what: "document type",
                given: name.to_owned(),
                expected: "passport, driving-licence (licence) or temporary-pass (temp-pass)",
            }),
        }
    }
}

impl DocumentType {
    /// The integer under key 0 of the document map.
    #[must_use]
    pub const fn wire_code(self) -> u8 {
        match self {
            Self::Passport => 1,
            Self::DrivingLicence => 2,
            Self::TemporaryPass => 3,
        }
    }

    /// The inverse of [`DocumentType::wire_code`].
    #[must_use]
    pub const fn from_wire_code(code: u64) -> Option<Self> {
        match code {
            1 => Some(Self::Passport),
            2 => Some(Self::DrivingLicence),
            3 => Some(Self::TemporaryPass),
            _ => None,
        }
    }

    /// The name used in trust lists and JSON output (`driving-licence`, ...).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Passport => "passport",
            Self::DrivingLicence => "driving-licence",
            Self::TemporaryPass => "temporary-pass",
        }
    }
}

impl fmt::Display for DocumentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Sex as printed on the document: `M`, `F` or `X` (unspecified).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    /// Male.
    #[serde(rename = "M")]
    Male,
    /// Female.
    #[serde(rename = "F")]
    Female,
    /// Unspecified or other (`X`; written `<` in an MRZ).
    #[serde(rename = "X")]
    Unspecified,
}

/// A verified document of any type.
///
/// Serializes as the document's own JSON object (docs/FORMAT.md section 4), without a tag:
/// the type travels beside it as `document_type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Credential {
    /// An electronic passport copy.
    Passport(Passport),
    /// An electronic driving licence.
    DrivingLicence(DrivingLicence),
    /// An electronic temporary pass.
    TemporaryPass(TemporaryPass),
}

impl Credential {
    /// Which kind of document this is.
    #[must_use]
    pub fn document_type(&self) -> DocumentType {
        match self {
            Self::Passport(_) => DocumentType::Passport,
            Self::DrivingLicence(_) => DocumentType::DrivingLicence,
            Self::TemporaryPass(_) => DocumentType::TemporaryPass,
        }
    }

    /// The document as the JSON object of docs/FORMAT.md section 4 (the same object
    /// `Credential`'s [`Serialize`] writes, for callers that stream it instead).
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        // safe: these types serialize to JSON infallibly (string keys, no floats, no maps with
        // non-string keys); an error here would be a bug in a derive.
        #[allow(clippy::expect_used)]
        serde_json::to_value(self).expect("documents serialize to JSON")
    }

    /// Reads the JSON of docs/FORMAT.md section 4 for a document of type `document_type`.
    ///
    /// # Errors
    /// [`DocumentError::Json`] naming the line and column: malformed JSON, an unknown or
    /// missing field, or the document rule that fails.
    pub fn from_json(document_type: DocumentType, json: &str) -> Result<Self, DocumentError> {
        let parsed = match document_type {
            DocumentType::Passport => serde_json::from_str(json).map(Self::Passport),
            DocumentType::DrivingLicence => serde_json::from_str(json).map(Self::DrivingLicence),
            DocumentType::TemporaryPass => serde_json::from_str(json).map(Self::TemporaryPass),
        };
        parsed.map_err(|e| DocumentError::Json { line: e.line(), column: e.column(), reason: e.to_string() })
    }

    /// The document's own number: the passport number, the licence number or the pass number.
    #[must_use]
    pub fn document_number(&self) -> &str {
        match self {
            Self::Passport(p) => &p.data().document_number,
            Self::DrivingLicence(l) => &l.front().document_number,
            Self::TemporaryPass(p) => &p.data().pass_number,
        }
    }

    /// The SHA-256 (lower-case hex) of the holder's portrait, when the document binds one.
    #[must_use]
    pub fn portrait_sha256(&self) -> Option<&str> {
        match self {
            Self::Passport(p) => p.data().portrait_sha256.as_deref(),
            Self::DrivingLicence(l) => l.front().portrait_sha256.as_deref(),
            Self::TemporaryPass(_) => None,
        }
    }

    /// The licence inside, if this is one.
    #[must_use]
    pub fn as_licence(&self) -> Option<&DrivingLicence> {
        match self {
            Self::DrivingLicence(l) => Some(l),
            _ => None,
        }
    }

    /// The holder's date of birth.
    #[must_use]
    pub fn birth_date(&self) -> NaiveDate {
        match self {
            Self::Passport(p) => p.data().birth_date,
            Self::DrivingLicence(l) => l.front().birth_date,
            Self::TemporaryPass(p) => p.data().birth_date,
        }
    }

    /// The last day of the document's own validity, if it has one (a long-term licence has
    /// none).
    #[must_use]
    pub fn last_valid_day(&self) -> Option<NaiveDate> {
        match self {
            Self::Passport(p) => Some(p.data().expiry_date),
            Self::DrivingLicence(l) => l.front().valid_until,
            Self::TemporaryPass(p) => Some(p.data().valid_until),
        }
    }

    /// The issuing authority's time zone (every constructor resolves it).
    #[must_use]
    pub fn zone(&self) -> Zone {
        let zone = match self {
            Self::Passport(p) => p.data().time_zone,
            Self::DrivingLicence(l) => l.front().time_zone,
            Self::TemporaryPass(p) => p.data().time_zone,
        };
        #[allow(clippy::expect_used)]
        // safe: Passport::new, DrivingLicence::new and TemporaryPass::new, the only ways to
        // build the documents, set the zone (given, or the default) or refuse the document.
        zone.expect("documents are built with their zone")
    }

    /// The end of the document's own validity, seconds since the epoch: the end of its last
    /// valid day in its zone. A copy's `exp` may not pass it.
    #[must_use]
    pub fn validity_end(&self) -> Option<i64> {
        self.zone().end_of_day(self.last_valid_day()?)
    }

    /// Whether the document itself allows its use at `date` (the "red QR" rules).
    ///
    /// A genuine, unexpired credential can still hold a document that may not be used:
    /// a suspended licence, or one with 12 points.
    #[must_use]
    pub fn usability(&self, date: NaiveDate) -> Usability {
        match self {
            Self::Passport(p) => p.usability(date),
            Self::DrivingLicence(l) => l.usability(date),
            Self::TemporaryPass(p) => p.usability(date),
        }
    }
}

impl From<DrivingLicence> for Credential {
    fn from(l: DrivingLicence) -> Self {
        Self::DrivingLicence(l)
    }
}

impl From<Passport> for Credential {
    fn from(p: Passport) -> Self {
        Self::Passport(p)
    }
}

impl From<TemporaryPass> for Credential {
    fn from(p: TemporaryPass) -> Self {
        Self::TemporaryPass(p)
    }
}
