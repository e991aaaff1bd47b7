//! Sample documents of fictional holders, for demos, examples, tests and benchmarks.
//!
//! They are valid documents (check characters, dates and classes all hold), so
//! `docseal example licence` can be fed straight into `docseal issue licence`.

#[cfg(any(test, feature = "test-util"))]
mod corpus;

use chrono::NaiveDate;

#[cfg(any(test, feature = "test-util"))]
#[doc(hidden)]
pub use corpus::{BAD_KINDS, Corpus};

use crate::model::{
    BackPage, ClassSystem, DrivingLicence, DrivingPrivilege, FrontPage, LicenceStatus, PassData, Passport,
    PassportData, RecordEntry, Sex, TemporaryPass, TravelMode,
};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    #[allow(clippy::expect_used)]
    // safe: every caller in this module passes a literal calendar date that exists.
    NaiveDate::from_ymd_opt(y, m, d).expect("sample dates are real calendar dates")
}

/// The front page of the sample licence (a Beijing C1 licence, long-term validity).
#[must_use]
pub fn licence_front() -> FrontPage {
    FrontPage {
        document_number: "110105199003070017".into(),
        family_name: "ZHANG".into(),
        given_name: "SAN".into(),
        family_name_national: Some("张".into()),
        given_name_national: Some("三".into()),
        sex: Sex::Male,
        nationality: "CN".into(),
        resident_address: "北京市朝阳区建国路88号".into(),
        birth_date: date(1990, 3, 7),
        first_issue_date: date(2008, 5, 20),
        driving_privileges: vec![DrivingPrivilege {
            vehicle_category_code: "C1".into(),
            issue_date: Some(date(2008, 5, 20)),
            expiry_date: None,
        }],
        class_system: ClassSystem::China,
        // 6 years, then 10 years, then long-term (长期): no end date.
        valid_from: date(2024, 5, 20),
        valid_until: None,
        issuing_authority: "北京市公安局公安交通管理局".into(),
        issuing_country: "CN".into(),
        portrait_sha256: None,
        time_zone: None,
    }
}

/// The back page of the sample licence: 2 points, status normal.
#[must_use]
pub fn licence_back() -> BackPage {
    BackPage {
        file_number: "110100123456".into(),
        record: vec![RecordEntry { date: date(2008, 5, 20), entry: "初次领证 C1".into() }],
        points: 2,
        points_cycle_start: date(2026, 5, 20),
        status: LicenceStatus::normal(),
    }
}

/// The sample licence.
#[must_use]
pub fn licence() -> DrivingLicence {
    // safe: the sample pages are valid; the unit test `sample_licence_is_valid` holds them to it.
    match DrivingLicence::new(licence_front(), licence_back()) {
        Ok(l) => l,
        Err(e) => unreachable!("sample licence is invalid: {e}"),
    }
}

/// The sample licence with its points cycle moved to the cycle that contains `date`, so that
/// a demo run on any day issues a licence showing the current cycle.
#[must_use]
pub fn licence_on(date: NaiveDate) -> DrivingLicence {
    let front = licence_front();
    let mut back = licence_back();
    back.points_cycle_start = crate::model::licence::points_cycle_start(front.first_issue_date, date);
    match DrivingLicence::new(front, back) {
        Ok(l) => l,
        // safe: an anniversary of the first issue date on or after it is always accepted.
        Err(_) => licence(),
    }
}

/// The sample passport's data page (a Chinese ordinary passport, issued 2019).
#[must_use]
pub fn passport_data() -> PassportData {
    PassportData {
        document_code: "P".into(),
        issuing_state: "CHN".into(),
        document_number: "EA1234567".into(),
        family_name: "ZHANG".into(),
        given_name: "SAN".into(),
        family_name_national: Some("张".into()),
        given_name_national: Some("三".into()),
        nationality: "CHN".into(),
        birth_date: date(1990, 3, 7),
        sex: Sex::Male,
        birth_place: Some("北京 BEIJING".into()),
        issue_date: date(2019, 8, 1),
        expiry_date: date(2029, 7, 31),
        issuing_authority: "National Immigration Administration PRC".into(),
        personal_number: None,
        portrait_sha256: None,
        time_zone: None,
    }
}

/// The sample passport.
#[must_use]
pub fn passport() -> Passport {
    match Passport::new(passport_data()) {
        Ok(p) => p,
        // safe: `sample_documents_are_valid` holds the sample to the rules.
        Err(e) => unreachable!("sample passport is invalid: {e}"),
    }
}

/// The sample temporary pass's fields, valid for 7 days from `from`.
#[must_use]
pub fn pass_data_on(from: NaiveDate) -> PassData {
    PassData {
        pass_number: "LS2026000123".into(),
        permit_number: "H1234567801".into(),
        permit_expiry_date: date(2031, 6, 30).max(from + chrono::Days::new(6)),
        family_name: "CHAN".into(),
        given_name: "TAI MAN".into(),
        family_name_national: Some("陈".into()),
        given_name_national: Some("大文".into()),
        birth_date: date(1985, 6, 12),
        sex: Sex::Male,
        valid_from: from,
        valid_until: from + chrono::Days::new(6),
        travel_modes: vec![TravelMode::Air, TravelMode::Rail],
        issuing_authority: "National Immigration Administration".into(),
        time_zone: None,
    }
}

/// The sample temporary pass, valid for 7 days from `from`.
#[must_use]
pub fn pass_on(from: NaiveDate) -> TemporaryPass {
    match TemporaryPass::new(pass_data_on(from)) {
        Ok(p) => p,
        // safe: valid for any start date after the birth date; the unit test checks one.
        Err(e) => unreachable!("sample pass is invalid: {e}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sample_documents_are_valid() {
        assert!(super::Passport::new(super::passport_data()).is_ok());
        assert!(super::TemporaryPass::new(super::pass_data_on(super::date(2026, 11, 21))).is_ok());
    }

    #[test]
    fn sample_licence_is_valid() {
        assert!(super::DrivingLicence::new(super::licence_front(), super::licence_back()).is_ok());
    }
}
