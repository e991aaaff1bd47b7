use chrono::NaiveDate;

use super::*;
use crate::samples::{licence_back, licence_front};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn with_classes(codes: &[&str]) -> Result<DrivingLicence, DocumentError> {
    let mut front = licence_front();
    front.driving_privileges = codes
        .iter()
        .map(|c| DrivingPrivilege { vehicle_category_code: (*c).into(), issue_date: None, expiry_date: None })
        .collect();
    DrivingLicence::new(front, licence_back())
}

#[test]
fn class_questions_follow_the_table() -> Result<(), DocumentError> {
    let a1 = with_classes(&["A1"])?;
    let c = |code| VehicleClass::China(code);
    assert!(a1.permits(c(ChinaClass::C1)));
    assert!(a1.permits(c(ChinaClass::M)));
    assert!(!a1.permits(c(ChinaClass::A2)));
    let c1 = with_classes(&["C1"])?;
    assert!(c1.permits(c(ChinaClass::C2)));
    assert!(c1.permits(c(ChinaClass::C4)));
    assert!(!c1.permits(c(ChinaClass::C6)));
    assert!(!c1.permits(VehicleClass::Iso(IsoCategory::B)), "systems do not mix");
    Ok(())
}

#[test]
fn c6_needs_a_base_class() {
    assert!(with_classes(&["C6"]).is_err());
    assert!(with_classes(&["C6", "D"]).is_err());
    assert!(with_classes(&["C1", "C6"]).is_ok());
    assert!(with_classes(&["C2", "C6"]).is_ok());
    assert!(with_classes(&["B2", "C6"]).is_ok());
}

#[test]
fn bad_privileges_are_refused() {
    assert!(with_classes(&[]).is_err());
    assert!(with_classes(&["C1", "C1"]).is_err());
    assert!(with_classes(&["BE"]).is_err(), "BE is not a Chinese class");
}

#[test]
fn iso_prerequisites() {
    let iso = |codes: &[&str]| {
        let mut front = licence_front();
        front.class_system = ClassSystem::Iso;
        front.issuing_country = "DE".into();
        front.document_number = "B072RRE2I55".into();
        front.driving_privileges = codes
            .iter()
            .map(|c| DrivingPrivilege { vehicle_category_code: (*c).into(), issue_date: None, expiry_date: None })
            .collect();
        let mut back = licence_back();
        back.file_number = "DE-123".into();
        DrivingLicence::new(front, back)
    };
    assert!(iso(&["B", "BE"]).is_ok());
    assert!(iso(&["BE"]).is_err());
    assert!(iso(&["C1E", "C1"]).is_err(), "C1 itself needs B");
    assert!(iso(&["B", "C1", "C1E"]).is_ok());
}

#[test]
fn privilege_dates_are_honoured() -> Result<(), DocumentError> {
    let mut front = licence_front();
    front.valid_from = date(2014, 5, 20);
    front.valid_until = Some(date(2028, 5, 20));
    front.driving_privileges.push(DrivingPrivilege {
        vehicle_category_code: "D".into(),
        issue_date: Some(date(2020, 1, 1)),
        expiry_date: Some(date(2022, 1, 1)),
    });
    let l = DrivingLicence::new(front, licence_back())?;
    let e = VehicleClass::China(ChinaClass::E);
    assert!(l.permits_on(e, date(2021, 6, 1)));
    assert!(!l.permits_on(e, date(2023, 6, 1)));
    assert!(!l.permits_on(VehicleClass::China(ChinaClass::C2), date(2029, 1, 1)), "licence expired");
    Ok(())
}

#[test]
fn points_and_status_rules() -> Result<(), DocumentError> {
    let mut back = licence_back();
    back.points = 13;
    assert!(DrivingLicence::new(licence_front(), back.clone()).is_err());
    back.points = 12;
    let full = DrivingLicence::new(licence_front(), back.clone())?;
    assert!(full.issue_blocker().is_none());
    let today = date(2026, 11, 21);
    assert!(matches!(full.usability(today), Usability::NotUsable(r) if r.to_string().contains("12 points")));
    back.points = 0;
    back.status = LicenceStatus::parse("D")?;
    let suspended = DrivingLicence::new(licence_front(), back)?;
    assert_eq!(suspended.issue_blocker(), Some(StatusCode::D));
    assert!(!suspended.usability(today).is_usable());
    assert!(crate::samples::licence().usability(today).is_usable());
    Ok(())
}

#[test]
fn points_cycle_is_anchored_on_first_issue() {
    let mut back = licence_back();
    back.points_cycle_start = date(2026, 5, 21);
    assert!(DrivingLicence::new(licence_front(), back).is_err());
    assert_eq!(points_cycle_start(date(2008, 5, 20), date(2026, 11, 21)), date(2026, 5, 20));
    assert_eq!(points_cycle_start(date(2012, 5, 20), date(2026, 5, 19)), date(2025, 5, 20));
    assert!(is_anniversary(date(2012, 2, 29), date(2013, 2, 28)));
}

#[test]
fn chinese_numbers_are_checked() {
    let mut front = licence_front();
    front.document_number = "110105199003070018".into();
    assert!(matches!(DrivingLicence::new(front, licence_back()), Err(DocumentError::CheckDigit { .. })));
    let mut back = licence_back();
    back.file_number = "1101".into();
    assert!(DrivingLicence::new(licence_front(), back).is_err());
}

#[test]
fn dates_must_be_in_order() {
    let mut front = licence_front();
    front.valid_until = Some(date(2017, 1, 1));
    assert!(matches!(DrivingLicence::new(front, licence_back()), Err(DocumentError::DateOrder { .. })));
}

#[test]
fn json_is_flat_and_strict() -> Result<(), serde_json::Error> {
    let l = crate::samples::licence();
    let json = serde_json::to_value(&l)?;
    assert_eq!(json["document_number"], "110105199003070017");
    assert_eq!(json["status"], "A");
    assert_eq!(json["driving_privileges"][0]["vehicle_category_code"], "C1");
    let back: DrivingLicence = serde_json::from_value(json.clone())?;
    assert_eq!(back, l);
    let mut extra = json;
    extra["nickname"] = "x".into();
    assert!(serde_json::from_value::<DrivingLicence>(extra).is_err());
    Ok(())
}

/// The hand-written `Serialize` writes what the derived flat shape (`LicenceJson`) writes,
/// byte for byte, with every optional field present and absent.
#[test]
fn serialize_equals_the_derived_flat_shape() {
    let mut licences = vec![crate::samples::licence()];
    let mut front = licence_front();
    front.family_name_national = None;
    front.given_name_national = None;
    front.valid_until = Some(date(2030, 3, 1));
    front.portrait_sha256 = Some("ab".repeat(32));
    front.driving_privileges[0].issue_date = Some(date(2008, 5, 20));
    front.driving_privileges[0].expiry_date = Some(date(2029, 5, 20));
    let mut back = licence_back();
    back.record.clear();
    licences.push(DrivingLicence::new(front, back).unwrap());
    let corpus = crate::samples::Corpus::generate(60, 0, 3, "2026-11-21T09:00:00Z".parse().unwrap()).unwrap();
    let verifier = crate::Verifier::new(corpus.trust.clone());
    for text in &corpus.payloads {
        if let Ok(v) = verifier.verify(text, corpus.verify_at)
            && let crate::model::Credential::DrivingLicence(l) = v.credential()
        {
            licences.push(l.clone());
        }
    }
    assert!(licences.len() > 20, "{} licences", licences.len());
    for l in licences {
        let derived = serde_json::to_string(&LicenceJson::from(l.clone())).unwrap();
        assert_eq!(serde_json::to_string(&l).unwrap(), derived);
    }
}
