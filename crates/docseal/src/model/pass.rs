//! The electronic temporary pass (港澳台居民来往内地电子临时通行证): a 7-day stand-in for a
//! Home Return Permit that is lost, expired or not at hand, for air and rail travel only
//! (docs/DOMAIN.md 3.2).

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{NotUsableReason, Sex, Usability, Zone, check_text, date_order};
use crate::model::DocumentError;

/// Longest validity, counting both the first and the last day.
pub const MAX_DAYS: i64 = 7;
/// Most passes per permit holder per calendar month.
pub const MAX_PER_MONTH: usize = 2;

/// What the pass may be used for. Nothing else: not border control, not road or sea.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TravelMode {
    /// Civil aviation (security check and boarding).
    Air,
    /// Railway.
    Rail,
}

impl TravelMode {
    /// Reads `air` or `rail`.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "air" => Some(Self::Air),
            "rail" => Some(Self::Rail),
            _ => None,
        }
    }
}

impl std::str::FromStr for TravelMode {
    type Err = super::UnknownName;

    fn from_str(name: &str) -> Result<Self, super::UnknownName> {
        Self::from_name(name).ok_or_else(|| super::UnknownName {
            what: "travel mode",
            given: name.to_owned(),
            expected: "air or rail",
        })
    }
}

impl fmt::Display for TravelMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Air => "air",
            Self::Rail => "rail",
        })
    }
}

/// A valid temporary pass. Build it with [`TemporaryPass::new`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PassData", into = "PassData")]
pub struct TemporaryPass {
    data: PassData,
}

/// The pass's fields (docs/FORMAT.md section 4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PassData {
    /// The pass's own number.
    pub pass_number: String,
    /// The underlying permit's number: `H`/`M` + 10 digits, or `HA`/`MA` + 7 digits.
    pub permit_number: String,
    /// The underlying permit's expiry; the pass never outlives it.
    #[serde(serialize_with = "crate::model::json_date::date")]
    pub permit_expiry_date: NaiveDate,
    /// Family name, Latin script.
    pub family_name: String,
    /// Given name, Latin script.
    pub given_name: String,
    /// Family name in national characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name_national: Option<String>,
    /// Given name in national characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name_national: Option<String>,
    /// Date of birth.
    #[serde(serialize_with = "crate::model::json_date::date")]
    pub birth_date: NaiveDate,
    /// Sex.
    pub sex: Sex,
    /// First day of validity.
    #[serde(serialize_with = "crate::model::json_date::date")]
    pub valid_from: NaiveDate,
    /// Last day of validity (at most 7 days counting both ends).
    #[serde(serialize_with = "crate::model::json_date::date")]
    pub valid_until: NaiveDate,
    /// `air`, `rail` or both.
    pub travel_modes: Vec<TravelMode>,
    /// The issuing authority.
    pub issuing_authority: String,
    /// The issuing authority's IANA time zone, the day the dates mean; Asia/Shanghai unless
    /// given (passes are issued by the Mainland's exit and entry administration) (docs/DOMAIN.md 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<Zone>,
}

impl TryFrom<PassData> for TemporaryPass {
    type Error = DocumentError;
    fn try_from(data: PassData) -> Result<Self, DocumentError> {
        Self::new(data)
    }
}

impl From<TemporaryPass> for PassData {
    fn from(p: TemporaryPass) -> Self {
        p.data
    }
}

/// Checks a Home Return Permit number (docs/DOMAIN.md 3.1) and returns the holder's lifelong part.
fn permit_holder(number: &str) -> Option<&str> {
    let b = number.as_bytes();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    match b {
        // Chinese citizens: H/M + 8-digit lifelong number + 2-digit renewal count.
        [b'H' | b'M', rest @ ..] if rest.len() == 10 && digits(rest) => number.get(..9),
        // Non-Chinese citizens since 2024-07-10: HA/MA + 7 digits, for life.
        [b'H' | b'M', b'A', rest @ ..] if rest.len() == 7 && digits(rest) => Some(number),
        _ => None,
    }
}

impl TemporaryPass {
    /// Checks the pass's rules.
    ///
    /// # Errors
    /// A malformed pass or permit number, names, dates out of order, a validity over 7 days
    /// or past the permit's expiry, or travel modes empty or repeated.
    pub fn new(mut data: PassData) -> Result<Self, DocumentError> {
        data.time_zone.get_or_insert(Zone::SHANGHAI);
        let p = &data.pass_number;
        if p.is_empty() || p.len() > 20 || !p.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
            return Err(DocumentError::field("pass_number", "1 to 20 characters of A-Z and 0-9"));
        }
        if permit_holder(&data.permit_number).is_none() {
            return Err(DocumentError::field(
                "permit_number",
                format!("{:?} is neither H/M + 10 digits nor HA/MA + 7 digits", data.permit_number),
            ));
        }
        check_text("family_name", &data.family_name, 150)?;
        check_text("given_name", &data.given_name, 150)?;
        for (field, value) in
            [("family_name_national", &data.family_name_national), ("given_name_national", &data.given_name_national)]
        {
            if let Some(v) = value {
                check_text(field, v, 150)?;
            }
        }
        check_text("issuing_authority", &data.issuing_authority, 150)?;
        date_order("birth_date", data.birth_date, "valid_from", data.valid_from)?;
        date_order("valid_from", data.valid_from, "valid_until", data.valid_until)?;
        date_order("valid_until", data.valid_until, "permit_expiry_date", data.permit_expiry_date)?;
        let days = (data.valid_until - data.valid_from).num_days() + 1;
        if days > MAX_DAYS {
            return Err(DocumentError::field("valid_until", format!("{days} days of validity, at most {MAX_DAYS}")));
        }
        if data.travel_modes.is_empty() {
            return Err(DocumentError::field("travel_modes", "at least one of air, rail"));
        }
        if data.travel_modes.len() == 2 && data.travel_modes[0] == data.travel_modes[1] || data.travel_modes.len() > 2 {
            return Err(DocumentError::field("travel_modes", "each of air, rail at most once"));
        }
        Ok(Self { data })
    }

    /// The fields.
    #[must_use]
    pub fn data(&self) -> &PassData {
        &self.data
    }

    /// The permit holder's lifelong id: the permit number without its renewal count.
    #[must_use]
    pub fn holder(&self) -> &str {
        permit_holder(&self.data.permit_number).unwrap_or(&self.data.permit_number)
    }

    /// Whether the pass allows this mode of travel.
    #[must_use]
    pub fn allows(&self, mode: TravelMode) -> bool {
        self.data.travel_modes.contains(&mode)
    }

    /// Usable from `valid_from` to `valid_until`, both included.
    #[must_use]
    pub fn usability(&self, date: NaiveDate) -> Usability {
        if date < self.data.valid_from {
            Usability::NotUsable(NotUsableReason::NotYetValid { valid_from: self.data.valid_from })
        } else if date > self.data.valid_until {
            Usability::NotUsable(NotUsableReason::Ended { valid_until: self.data.valid_until })
        } else {
            Usability::Usable
        }
    }
}

/// One pass already issued to a permit holder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedPass {
    /// The permit number it was issued against (any renewal of the same permit counts).
    pub permit_number: String,
    /// The day it was issued.
    #[serde(serialize_with = "crate::model::json_date::date")]
    pub issued_on: NaiveDate,
}

/// The issuing history the 2-per-month limit is checked against. Implement it over your
/// own records; `[IssuedPass]` implements it for a list in memory.
pub trait PassHistory {
    /// How many passes `holder` (see [`TemporaryPass::holder`]) received in this month.
    fn issued_in_month(&self, holder: &str, year: i32, month: u32) -> usize;
}

impl PassHistory for [IssuedPass] {
    fn issued_in_month(&self, holder: &str, year: i32, month: u32) -> usize {
        self.iter()
            .filter(|p| permit_holder(&p.permit_number).unwrap_or(&p.permit_number) == holder)
            .filter(|p| p.issued_on.year() == year && p.issued_on.month() == month)
            .count()
    }
}

/// Refuses a third pass in the calendar month of `on`.
pub(crate) fn check_monthly_limit(
    pass: &TemporaryPass,
    on: NaiveDate,
    history: &(impl PassHistory + ?Sized),
) -> Result<(), DocumentError> {
    let count = history.issued_in_month(pass.holder(), on.year(), on.month());
    if count >= MAX_PER_MONTH {
        return Err(DocumentError::IssueLimit(format!(
            "holder {} already received {count} temporary passes in {}-{:02}; at most {MAX_PER_MONTH} per month",
            pass.holder(),
            on.year(),
            on.month()
        )));
    }
    if pass.data.valid_from < on {
        return Err(DocumentError::field(
            "valid_from",
            format!("{} is before the issuing day {on}", pass.data.valid_from),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn permit_numbers() {
        assert_eq!(permit_holder("H1234567801"), Some("H12345678"));
        assert_eq!(permit_holder("M0000000100"), Some("M00000001"));
        assert_eq!(permit_holder("HA1234567"), Some("HA1234567"));
        for bad in ["H123456780", "X1234567801", "HA123456", "MB1234567", "h1234567801"] {
            assert_eq!(permit_holder(bad), None, "{bad}");
        }
    }

    #[test]
    fn validity_rules() {
        let base = samples::pass_data_on(d(2026, 11, 21));
        assert!(TemporaryPass::new(base.clone()).is_ok());
        let eight = PassData { valid_until: d(2026, 11, 28), ..base.clone() };
        assert!(matches!(TemporaryPass::new(eight), Err(DocumentError::InvalidField { field: "valid_until", .. })));
        let past_permit = PassData { permit_expiry_date: d(2026, 11, 25), ..base.clone() };
        assert!(matches!(TemporaryPass::new(past_permit), Err(DocumentError::DateOrder { .. })));
        assert!(TemporaryPass::new(PassData { travel_modes: vec![], ..base.clone() }).is_err());
        let twice = PassData { travel_modes: vec![TravelMode::Air, TravelMode::Air], ..base };
        assert!(TemporaryPass::new(twice).is_err());
    }

    #[test]
    fn two_per_calendar_month() -> Result<(), DocumentError> {
        let pass = TemporaryPass::new(samples::pass_data_on(d(2026, 11, 21)))?;
        let issued = |on| IssuedPass { permit_number: "H1234567800".into(), issued_on: on };
        let history = vec![issued(d(2026, 11, 2)), issued(d(2026, 10, 30))];
        assert!(check_monthly_limit(&pass, d(2026, 11, 21), history.as_slice()).is_ok());
        let history = vec![issued(d(2026, 11, 2)), issued(d(2026, 11, 9))];
        assert!(matches!(
            check_monthly_limit(&pass, d(2026, 11, 21), history.as_slice()),
            Err(DocumentError::IssueLimit(_))
        ));
        let other = vec![IssuedPass { permit_number: "H9999999900".into(), issued_on: d(2026, 11, 2) }; 3];
        assert!(check_monthly_limit(&pass, d(2026, 11, 21), other.as_slice()).is_ok());
        Ok(())
    }
}
