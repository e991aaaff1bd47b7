//! Sample documents of fictional holders, for demos, examples, tests and benchmarks.
//!
//! They are valid documents (check characters, dates and classes all hold), so
//! `docseal example licence` can be fed straight into `docseal issue licence`.

use chrono::NaiveDate;

use crate::model::{
    BackPage, ClassSystem, DrivingLicence, DrivingPrivilege, FrontPage, LicenceStatus, RecordEntry, Sex,
};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    // safe: callers pass literal calendar dates.
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
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

#[cfg(test)]
mod tests {
    #[test]
    fn sample_licence_is_valid() {
        assert!(super::DrivingLicence::new(super::licence_front(), super::licence_back()).is_ok());
    }
}
