//! The electronic passport copy: the ICAO 9303 data page and its TD3 machine-readable zone.

mod codes;
pub mod mrz;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{NotUsableReason, Sex, Usability, Zone, check_digest, check_text, date_order};
use crate::model::DocumentError;
use mrz::Td3;

const MAX_TEXT: usize = 150;

/// The data page, as entered by the issuer (docs/FORMAT.md section 4 field names).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PassportData {
    /// `P`, or `P` and one letter for the passport type.
    pub document_code: String,
    /// Issuing state, ICAO code (`CHN`, `D`, `UTO`).
    pub issuing_state: String,
    /// Passport number.
    pub document_number: String,
    /// Family name (primary identifier), Latin script.
    pub family_name: String,
    /// Given names (secondary identifier), Latin script.
    pub given_name: String,
    /// Family name in national characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name_national: Option<String>,
    /// Given names in national characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name_national: Option<String>,
    /// Nationality, ICAO code.
    pub nationality: String,
    /// Date of birth.
    #[serde(serialize_with = "crate::model::json_date::date")]
    pub birth_date: NaiveDate,
    /// Sex (`X` is written `<` in the MRZ).
    pub sex: Sex,
    /// Place of birth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_place: Option<String>,
    /// Date of issue.
    #[serde(serialize_with = "crate::model::json_date::date")]
    pub issue_date: NaiveDate,
    /// Date of expiry.
    #[serde(serialize_with = "crate::model::json_date::date")]
    pub expiry_date: NaiveDate,
    /// Issuing authority.
    pub issuing_authority: String,
    /// Personal number (MRZ optional data, up to 14 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personal_number: Option<String>,
    /// SHA-256 of the portrait, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portrait_sha256: Option<String>,
    /// The issuing authority's IANA time zone, the day the dates mean; defaulted from the
    /// issuing country when it has one zone (docs/DOMAIN.md 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<Zone>,
}

/// A valid passport data page with its generated MRZ. Build it with [`Passport::new`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PassportJson", into = "PassportJson")]
pub struct Passport {
    data: PassportData,
    mrz: [String; 2],
}

/// JSON shape: the data page plus `mrz`, which on input must match the data when present.
#[derive(Serialize, Deserialize)]
struct PassportJson {
    #[serde(flatten)]
    data: PassportData,
    #[serde(default)]
    mrz: Option<[String; 2]>,
    /// Catches what the data page did not claim (serde cannot deny unknown fields with flatten).
    #[serde(flatten, skip_serializing)]
    unknown: std::collections::BTreeMap<String, serde::de::IgnoredAny>,
}

impl TryFrom<PassportJson> for Passport {
    type Error = DocumentError;
    fn try_from(json: PassportJson) -> Result<Self, DocumentError> {
        if let Some(name) = json.unknown.keys().next() {
            return Err(DocumentError::field("passport", format!("unknown field `{name}`")));
        }
        let passport = Self::new(json.data)?;
        match json.mrz {
            Some(given) if given != passport.mrz => {
                Err(DocumentError::field("mrz", "does not match the data page (regenerate it or leave it out)"))
            }
            _ => Ok(passport),
        }
    }
}

impl From<Passport> for PassportJson {
    fn from(p: Passport) -> Self {
        Self { data: p.data, mrz: Some(p.mrz), unknown: std::collections::BTreeMap::new() }
    }
}

fn yymmdd(d: NaiveDate) -> String {
    format!("{:02}{:02}{:02}", d.year().rem_euclid(100), d.month(), d.day())
}

impl Passport {
    /// Checks the data page and generates its MRZ.
    ///
    /// # Errors
    /// The first rule broken: document code, ICAO state codes, the number's format for the
    /// issuing state, names without a Latin transliteration, dates out of order, a personal
    /// number outside the MRZ set or over 14 characters.
    pub fn new(mut data: PassportData) -> Result<Self, DocumentError> {
        data.time_zone = Some(super::resolve_zone(data.time_zone, &data.issuing_state)?);
        let code = data.document_code.as_bytes();
        if !(code.first() == Some(&b'P') && (code.len() == 1 || (code.len() == 2 && code[1].is_ascii_uppercase()))) {
            return Err(DocumentError::field("document_code", "must be P or P and one letter"));
        }
        codes::check_state("issuing_state", &data.issuing_state)?;
        codes::check_state("nationality", &data.nationality)?;
        codes::check_number(&data.issuing_state, &data.document_number)?;
        check_text("family_name", &data.family_name, MAX_TEXT)?;
        check_text("given_name", &data.given_name, MAX_TEXT)?;
        for (field, value) in [
            ("family_name_national", &data.family_name_national),
            ("given_name_national", &data.given_name_national),
            ("birth_place", &data.birth_place),
        ] {
            if let Some(v) = value {
                check_text(field, v, MAX_TEXT)?;
            }
        }
        check_text("issuing_authority", &data.issuing_authority, MAX_TEXT)?;
        if let Some(d) = &data.portrait_sha256 {
            check_digest("portrait_sha256", d)?;
        }
        let primary = mrz::name_components("family_name", &data.family_name)?;
        let secondary = mrz::name_components("given_name", &data.given_name)?;
        date_order("birth_date", data.birth_date, "issue_date", data.issue_date)?;
        if data.issue_date >= data.expiry_date {
            return Err(DocumentError::field("expiry_date", "must be after issue_date"));
        }
        let personal = data.personal_number.clone().unwrap_or_default();
        if personal.len() > 14 || !mrz::is_mrz_text(personal.as_bytes()) {
            return Err(DocumentError::field("personal_number", "at most 14 characters of A-Z, 0-9 and <"));
        }
        if data.personal_number.as_deref() == Some("") {
            return Err(DocumentError::field("personal_number", "leave it out rather than empty"));
        }
        let td3 = Td3 {
            document_code: data.document_code.clone(),
            issuing_state: data.issuing_state.clone(),
            name_field: mrz::name_field(&primary, &secondary),
            document_number: data.document_number.clone(),
            nationality: data.nationality.clone(),
            birth_date: yymmdd(data.birth_date),
            sex: match data.sex {
                Sex::Male => 'M',
                Sex::Female => 'F',
                Sex::Unspecified => '<',
            },
            expiry_date: yymmdd(data.expiry_date),
            optional_data: personal,
            optional_check_is_filler: false,
        };
        let mrz = td3.to_lines()?;
        Ok(Self { data, mrz })
    }

    /// The data page.
    #[must_use]
    pub fn data(&self) -> &PassportData {
        &self.data
    }

    /// The two MRZ lines generated from the data page.
    #[must_use]
    pub fn mrz(&self) -> &[String; 2] {
        &self.mrz
    }

    /// Checks MRZ lines read elsewhere (a scanned booklet) against this data page.
    ///
    /// # Errors
    /// A check digit that fails, or lines that differ from the generated ones.
    pub fn check_mrz(&self, line1: &str, line2: &str) -> Result<(), DocumentError> {
        Td3::parse(line1, line2)?;
        if [line1, line2] == [self.mrz[0].as_str(), self.mrz[1].as_str()] {
            Ok(())
        } else {
            Err(DocumentError::field("mrz", "does not match the data page"))
        }
    }

    /// Not usable once expired.
    #[must_use]
    pub fn usability(&self, date: NaiveDate) -> Usability {
        if date > self.data.expiry_date {
            Usability::NotUsable(NotUsableReason::Ended { valid_until: self.data.expiry_date })
        } else {
            Usability::Usable
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utopia() -> PassportData {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        PassportData {
            document_code: "P".into(),
            issuing_state: "UTO".into(),
            document_number: "L898902C3".into(),
            family_name: "Eriksson".into(),
            given_name: "Anna Maria".into(),
            family_name_national: None,
            given_name_national: None,
            nationality: "UTO".into(),
            birth_date: d(1974, 8, 12),
            sex: Sex::Female,
            birth_place: None,
            issue_date: d(2007, 4, 16),
            expiry_date: d(2012, 4, 15),
            issuing_authority: "Utopia Passport Office".into(),
            personal_number: Some("ZE184226B".into()),
            portrait_sha256: None,
            // Utopia, Doc 9303's specimen state, keeps UTC.
            time_zone: Some(Zone::UTC),
        }
    }

    #[test]
    fn generates_the_icao_specimen_mrz() -> Result<(), DocumentError> {
        let p = Passport::new(utopia())?;
        assert_eq!(p.mrz()[0], "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<");
        assert_eq!(p.mrz()[1], "L898902C36UTO7408122F1204159ZE184226B<<<<<10");
        p.check_mrz(&p.mrz()[0], &p.mrz()[1])?;
        Ok(())
    }

    #[test]
    fn x_sex_is_a_filler_in_the_mrz() -> Result<(), DocumentError> {
        let p = Passport::new(PassportData { sex: Sex::Unspecified, ..utopia() })?;
        assert_eq!(&p.mrz()[1][20..21], "<");
        Ok(())
    }

    #[test]
    fn rules_are_enforced() {
        assert!(Passport::new(PassportData { document_code: "V".into(), ..utopia() }).is_err());
        assert!(Passport::new(PassportData { issuing_state: "DEU".into(), ..utopia() }).is_err());
        assert!(Passport::new(PassportData { family_name: "张".into(), ..utopia() }).is_err());
        assert!(Passport::new(PassportData { personal_number: Some("ze1".into()), ..utopia() }).is_err());
        let d = NaiveDate::from_ymd_opt(2013, 1, 1).unwrap_or_default();
        assert!(Passport::new(PassportData { issue_date: d, ..utopia() }).is_err(), "issued after expiry");
    }

    #[test]
    fn json_carries_the_mrz_and_checks_it_on_input() -> Result<(), Box<dyn std::error::Error>> {
        let p = Passport::new(utopia())?;
        let json = serde_json::to_value(&p)?;
        assert_eq!(json["mrz"][0], "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<");
        assert_eq!(serde_json::from_value::<Passport>(json.clone())?, p);
        let mut extra = json.clone();
        extra["visa"] = "x".into();
        assert!(serde_json::from_value::<Passport>(extra).is_err());
        let mut wrong = json;
        wrong["mrz"][1] = "L898902C36UTO7408122F1204159ZE184226B<<<<<11".into();
        assert!(serde_json::from_value::<Passport>(wrong).is_err());
        Ok(())
    }
}
