//! The electronic driving licence: front page (licence data) and back page (file number,
//! record, points, status), with the class, points and status rules of docs/DOMAIN.md section 2.

mod class;
mod id_number;
mod status;

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

pub(crate) use class::ClassSet;
pub use class::{ChinaClass, ClassSystem, IsoCategory, VehicleClass};
pub use status::{LicenceStatus, StatusCode};

use super::{NotUsableReason, Sex, Usability, Zone, check_alpha2, check_digest, check_text, date_order};
use crate::model::DocumentError;

/// Longest name, address or authority text (ISO/IEC 18013-5 allows 150 characters).
const MAX_TEXT: usize = 150;
/// Longest licence or file number outside China.
const MAX_NUMBER: usize = 32;
/// Most privileges on one licence (both systems together have 32 classes).
const MAX_PRIVILEGES: usize = 32;
/// Most record lines on the back page.
const MAX_RECORD: usize = 64;
/// Full score of a 12-month points cycle.
pub const FULL_SCORE: u8 = 12;

/// One class the holder may drive, with its own dates (ISO/IEC 18013-5 `driving_privileges`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrivingPrivilege {
    /// The class code in the licence's class system (`C1`, `BE`, …).
    pub vehicle_category_code: String,
    /// When the holder obtained this class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::model::json_date::optional_date")]
    pub issue_date: Option<NaiveDate>,
    /// When this class lapses, if it does before the licence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::model::json_date::optional_date")]
    pub expiry_date: Option<NaiveDate>,
}

/// One line of the back page's record (记录栏).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordEntry {
    /// Date of the entry.
    #[serde(serialize_with = "crate::model::json_date::date")]
    pub date: NaiveDate,
    /// The entry's text.
    pub entry: String,
}

/// The front page: licence data as printed on the main page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrontPage {
    /// Licence number (in China, the holder's 18-character ID number).
    pub document_number: String,
    /// Family name, Latin script.
    pub family_name: String,
    /// Given name(s), Latin script.
    pub given_name: String,
    /// Family name in national characters (张).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name_national: Option<String>,
    /// Given name in national characters (三).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name_national: Option<String>,
    /// Sex.
    pub sex: Sex,
    /// Nationality, ISO 3166-1 alpha-2.
    pub nationality: String,
    /// Resident address.
    pub resident_address: String,
    /// Date of birth.
    #[serde(serialize_with = "crate::model::json_date::date")]
    pub birth_date: NaiveDate,
    /// First issue date (初次领证日期); the points cycle counts from it.
    #[serde(serialize_with = "crate::model::json_date::date")]
    pub first_issue_date: NaiveDate,
    /// The classes held.
    pub driving_privileges: Vec<DrivingPrivilege>,
    /// Which class table the codes use.
    pub class_system: ClassSystem,
    /// Start of the licence's validity.
    #[serde(serialize_with = "crate::model::json_date::date")]
    pub valid_from: NaiveDate,
    /// End of validity; absent for a long-term (长期) licence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::model::json_date::optional_date")]
    pub valid_until: Option<NaiveDate>,
    /// The issuing authority (发证机关).
    pub issuing_authority: String,
    /// Issuing country, ISO 3166-1 alpha-2.
    pub issuing_country: String,
    /// SHA-256 of the portrait image, hex; binds the credential to a photo held elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portrait_sha256: Option<String>,
    /// The issuing authority's IANA time zone, the day the dates mean; defaulted from the
    /// issuing country when it has one zone (docs/DOMAIN.md 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<Zone>,
}

/// The back page: file number, record, points and status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackPage {
    /// File number (档案编号): 12 digits in China.
    pub file_number: String,
    /// Record lines (记录).
    #[serde(default)]
    pub record: Vec<RecordEntry>,
    /// Penalty points in the current 12-month cycle, 0 to 12.
    pub points: u8,
    /// First day of the current points cycle: an anniversary of the first issue date.
    #[serde(serialize_with = "crate::model::json_date::date")]
    pub points_cycle_start: NaiveDate,
    /// Status letters (docs/DOMAIN.md 2.7), `A` = normal.
    pub status: LicenceStatus,
}

/// A valid electronic driving licence. Build it with [`DrivingLicence::new`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "LicenceJson")]
pub struct DrivingLicence {
    front: FrontPage,
    back: BackPage,
    held: ClassSet,
}

/// The flat JSON shape of docs/FORMAT.md section 4; unknown fields are refused.
#[derive(Serialize, Deserialize)]
struct LicenceJson {
    #[serde(flatten)]
    front: FrontPage,
    #[serde(flatten)]
    back: BackPage,
    /// Catches what neither page claimed (serde cannot deny unknown fields with flatten).
    #[serde(flatten, skip_serializing)]
    unknown: BTreeMap<String, serde::de::IgnoredAny>,
}

impl TryFrom<LicenceJson> for DrivingLicence {
    type Error = DocumentError;
    fn try_from(json: LicenceJson) -> Result<Self, DocumentError> {
        if let Some(name) = json.unknown.keys().next() {
            return Err(DocumentError::field("licence", format!("unknown field `{name}`")));
        }
        Self::new(json.front, json.back)
    }
}

impl From<DrivingLicence> for LicenceJson {
    fn from(l: DrivingLicence) -> Self {
        Self { front: l.front, back: l.back, unknown: BTreeMap::new() }
    }
}

// The flat object of `LicenceJson`, written from borrowed pages: serde's `into` cloned both
// pages and `flatten` buffered every entry, a third of a `verify --bulk --json` line
// (callgrind). A test holds the two byte-equal; a field added to a page is added here too.
impl Serialize for DrivingLicence {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;

        use super::json_date::IsoDate as Date;
        let (f, b) = (&self.front, &self.back);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("document_number", &f.document_number)?;
        m.serialize_entry("family_name", &f.family_name)?;
        m.serialize_entry("given_name", &f.given_name)?;
        if let Some(v) = &f.family_name_national {
            m.serialize_entry("family_name_national", v)?;
        }
        if let Some(v) = &f.given_name_national {
            m.serialize_entry("given_name_national", v)?;
        }
        m.serialize_entry("sex", &f.sex)?;
        m.serialize_entry("nationality", &f.nationality)?;
        m.serialize_entry("resident_address", &f.resident_address)?;
        m.serialize_entry("birth_date", &Date(&f.birth_date))?;
        m.serialize_entry("first_issue_date", &Date(&f.first_issue_date))?;
        m.serialize_entry("driving_privileges", &f.driving_privileges)?;
        m.serialize_entry("class_system", &f.class_system)?;
        m.serialize_entry("valid_from", &Date(&f.valid_from))?;
        if let Some(v) = &f.valid_until {
            m.serialize_entry("valid_until", &Date(v))?;
        }
        m.serialize_entry("issuing_authority", &f.issuing_authority)?;
        m.serialize_entry("issuing_country", &f.issuing_country)?;
        if let Some(v) = &f.portrait_sha256 {
            m.serialize_entry("portrait_sha256", v)?;
        }
        if let Some(v) = &f.time_zone {
            m.serialize_entry("time_zone", v)?;
        }
        m.serialize_entry("file_number", &b.file_number)?;
        m.serialize_entry("record", &b.record)?;
        m.serialize_entry("points", &b.points)?;
        m.serialize_entry("points_cycle_start", &Date(&b.points_cycle_start))?;
        m.serialize_entry("status", &b.status)?;
        m.end()
    }
}

impl DrivingLicence {
    /// Checks every field and rule, and builds the licence.
    ///
    /// # Errors
    /// The first rule the pages break: malformed text, codes or numbers, dates out of
    /// order, an unknown or duplicate class, a class without its prerequisite (a C6 without
    /// a C1/C2 base), points above 12, a points cycle that does not start on an anniversary
    /// of the first issue date, or a Chinese licence number whose check character, birth
    /// date or sex disagree.
    pub fn new(mut front: FrontPage, back: BackPage) -> Result<Self, DocumentError> {
        let held = check_front(&front)?;
        front.time_zone = Some(super::resolve_zone(front.time_zone, &front.issuing_country)?);
        check_back(&back, &front)?;
        Ok(Self { front, back, held })
    }

    /// The front page.
    #[must_use]
    pub fn front(&self) -> &FrontPage {
        &self.front
    }

    /// The back page.
    #[must_use]
    pub fn back(&self) -> &BackPage {
        &self.back
    }

    /// Whether the licence authorises `class`, with the class table's implications applied
    /// (an A1 licence permits C1). Ignores dates; see [`DrivingLicence::permits_on`].
    #[must_use]
    pub fn permits(&self, class: VehicleClass) -> bool {
        self.held.closure().contains(class)
    }

    /// Like [`DrivingLicence::permits`], counting only privileges in force on `date`
    /// and only while the licence itself is valid.
    #[must_use]
    pub fn permits_on(&self, class: VehicleClass, date: NaiveDate) -> bool {
        if !self.is_valid_on(date) {
            return false;
        }
        let mut in_force = ClassSet::default();
        for p in &self.front.driving_privileges {
            let started = p.issue_date.is_none_or(|d| d <= date);
            let lapsed = p.expiry_date.is_some_and(|d| d < date);
            if started
                && !lapsed
                && let Some(c) = VehicleClass::parse(self.front.class_system, &p.vehicle_category_code)
            {
                in_force.insert(c);
            }
        }
        in_force.closure().contains(class)
    }

    /// The held privilege that covers `class` on `date` (the class itself, or a higher one
    /// that implies it), by its code on the licence; `None` when [`Self::permits_on`] is false.
    #[must_use]
    pub fn covering_privilege_on(&self, class: VehicleClass, date: NaiveDate) -> Option<&str> {
        if !self.is_valid_on(date) {
            return None;
        }
        let in_force =
            |p: &&DrivingPrivilege| p.issue_date.is_none_or(|d| d <= date) && p.expiry_date.is_none_or(|d| d >= date);
        let parsed = |p: &DrivingPrivilege| VehicleClass::parse(self.front.class_system, &p.vehicle_category_code);
        let privileges = || self.front.driving_privileges.iter().filter(in_force);
        // The class itself first, so "C1 covered by C1" wins over "covered by A1".
        privileges()
            .find(|p| parsed(p) == Some(class))
            .or_else(|| {
                privileges().find(|p| {
                    parsed(p).is_some_and(|held| {
                        let mut one = ClassSet::default();
                        one.insert(held);
                        one.closure().contains(class)
                    })
                })
            })
            .map(|p| p.vehicle_category_code.as_str())
    }

    /// Reads a class code in this licence's class system.
    #[must_use]
    pub fn class(&self, code: &str) -> Option<VehicleClass> {
        VehicleClass::parse(self.front.class_system, code)
    }

    fn is_valid_on(&self, date: NaiveDate) -> bool {
        self.front.valid_from <= date && self.front.valid_until.is_none_or(|u| date <= u)
    }

    /// The status letter that forbids issuing an e-licence, if any (docs/DOMAIN.md 2.6).
    #[must_use]
    pub fn issue_blocker(&self) -> Option<StatusCode> {
        self.back.status.blocks_issue()
    }

    /// The "red QR" rules: status, full score, and the licence's validity at `date`.
    #[must_use]
    pub fn usability(&self, date: NaiveDate) -> Usability {
        if let Some(code) = self.back.status.blocks_use() {
            return Usability::NotUsable(NotUsableReason::Status(code));
        }
        if self.back.points >= FULL_SCORE {
            return Usability::NotUsable(NotUsableReason::FullScore { points: self.back.points });
        }
        if date < self.front.valid_from {
            return Usability::NotUsable(NotUsableReason::NotYetValid { valid_from: self.front.valid_from });
        }
        if let Some(valid_until) = self.front.valid_until.filter(|&u| u < date) {
            return Usability::NotUsable(NotUsableReason::Ended { valid_until });
        }
        Usability::Usable
    }
}

fn check_front(f: &FrontPage) -> Result<ClassSet, DocumentError> {
    check_text("family_name", &f.family_name, MAX_TEXT)?;
    check_text("given_name", &f.given_name, MAX_TEXT)?;
    if let Some(n) = &f.family_name_national {
        check_text("family_name_national", n, MAX_TEXT)?;
    }
    if let Some(n) = &f.given_name_national {
        check_text("given_name_national", n, MAX_TEXT)?;
    }
    check_alpha2("nationality", &f.nationality)?;
    check_text("resident_address", &f.resident_address, MAX_TEXT)?;
    check_text("issuing_authority", &f.issuing_authority, MAX_TEXT)?;
    check_alpha2("issuing_country", &f.issuing_country)?;
    if let Some(d) = &f.portrait_sha256 {
        check_digest("portrait_sha256", d)?;
    }
    if f.issuing_country == "CN" {
        id_number::check(&f.document_number, f.birth_date, f.sex)?;
    } else {
        check_text("document_number", &f.document_number, MAX_NUMBER)?;
    }
    date_order("birth_date", f.birth_date, "first_issue_date", f.first_issue_date)?;
    date_order("first_issue_date", f.first_issue_date, "valid_from", f.valid_from)?;
    if let Some(until) = f.valid_until {
        date_order("valid_from", f.valid_from, "valid_until", until)?;
    }
    check_privileges(f)
}

fn check_privileges(f: &FrontPage) -> Result<ClassSet, DocumentError> {
    const FIELD: &str = "driving_privileges";
    if f.driving_privileges.is_empty() {
        return Err(DocumentError::field(FIELD, "a licence holds at least one class"));
    }
    if f.driving_privileges.len() > MAX_PRIVILEGES {
        return Err(DocumentError::field(FIELD, format!("at most {MAX_PRIVILEGES} classes")));
    }
    let mut held = ClassSet::default();
    for p in &f.driving_privileges {
        let code = &p.vehicle_category_code;
        let class = VehicleClass::parse(f.class_system, code).ok_or_else(|| {
            DocumentError::field(FIELD, format!("{code:?} is not a class of the {:?} system", f.class_system))
        })?;
        if held.contains(class) {
            return Err(DocumentError::field(FIELD, format!("class {code} listed twice")));
        }
        held.insert(class);
        if let Some(issued) = p.issue_date {
            date_order("first_issue_date", f.first_issue_date, "vehicle_category issue_date", issued)?;
            if let Some(expiry) = p.expiry_date {
                date_order("vehicle_category issue_date", issued, "vehicle_category expiry_date", expiry)?;
            }
        }
    }
    check_prerequisites(held)?;
    Ok(held)
}

fn check_prerequisites(held: ClassSet) -> Result<(), DocumentError> {
    const FIELD: &str = "driving_privileges";
    let c6 = VehicleClass::China(ChinaClass::C6);
    if held.contains(c6) {
        // C6 is an add-on: the other classes must reach at least C2 (a C1/C2 or higher
        // licence); A2 already implies C6 and passes through its own implication of C2.
        let mut base = held;
        base.remove(c6);
        if !base.closure().contains(VehicleClass::China(ChinaClass::C2)) {
            return Err(DocumentError::field(FIELD, "C6 requires a C1 or C2 (or higher) class"));
        }
    }
    let closed = held.closure();
    for &cat in IsoCategory::ALL {
        if let Some(pre) = cat.prerequisite()
            && held.contains(VehicleClass::Iso(cat))
            && !closed.contains(VehicleClass::Iso(pre))
        {
            return Err(DocumentError::field(FIELD, format!("category {cat} requires category {pre}")));
        }
    }
    Ok(())
}

fn check_back(b: &BackPage, f: &FrontPage) -> Result<(), DocumentError> {
    if f.issuing_country == "CN" {
        if b.file_number.len() != 12 || !b.file_number.bytes().all(|c| c.is_ascii_digit()) {
            return Err(DocumentError::field("file_number", "a Chinese file number (档案编号) is 12 digits"));
        }
    } else {
        check_text("file_number", &b.file_number, MAX_NUMBER)?;
    }
    if b.record.len() > MAX_RECORD {
        return Err(DocumentError::field("record", format!("at most {MAX_RECORD} lines")));
    }
    for r in &b.record {
        check_text("record", &r.entry, MAX_TEXT)?;
        date_order("birth_date", f.birth_date, "record date", r.date)?;
    }
    if b.points > FULL_SCORE {
        return Err(DocumentError::field("points", format!("{} is above the full score of {FULL_SCORE}", b.points)));
    }
    date_order("first_issue_date", f.first_issue_date, "points_cycle_start", b.points_cycle_start)?;
    if !is_anniversary(f.first_issue_date, b.points_cycle_start) {
        return Err(DocumentError::field(
            "points_cycle_start",
            format!("{} is not an anniversary of first_issue_date {}", b.points_cycle_start, f.first_issue_date),
        ));
    }
    Ok(())
}

/// `date` is `first` plus a whole number of years (29 February maps to 28 February).
fn is_anniversary(first: NaiveDate, date: NaiveDate) -> bool {
    let years = date.year() - first.year();
    u32::try_from(years).ok().and_then(|y| first.checked_add_months(Months::new(y * 12))).is_some_and(|a| a == date)
}

/// The start of the 12-month points cycle that contains `date`.
#[must_use]
pub fn points_cycle_start(first_issue: NaiveDate, date: NaiveDate) -> NaiveDate {
    let mut years = u32::try_from(date.year() - first_issue.year()).unwrap_or(0);
    loop {
        let start = first_issue.checked_add_months(Months::new(years * 12)).unwrap_or(first_issue);
        if start <= date || years == 0 {
            return start;
        }
        years -= 1;
    }
}

#[cfg(test)]
mod tests;
