//! Driving licence <-> document map (document type 2). Keys are listed in `docs/FORMAT.md`.

use ciborium::value::Value;

use super::fields::{TIME_ZONE, opt, opt_text, sex, sex_value, zone, zone_value};
use crate::cbor::{MapReader, Node, array, date, date_value, int, int_map, text, text_ref};
use crate::error::{Error, Result};
use crate::model::{BackPage, ClassSystem, DrivingLicence, DrivingPrivilege, FrontPage, LicenceStatus, RecordEntry};

mod key {
    pub(super) const DOCUMENT_NUMBER: i64 = 1;
    pub(super) const FAMILY_NAME: i64 = 2;
    pub(super) const GIVEN_NAME: i64 = 3;
    pub(super) const FAMILY_NAME_NATIONAL: i64 = 4;
    pub(super) const GIVEN_NAME_NATIONAL: i64 = 5;
    pub(super) const SEX: i64 = 6;
    pub(super) const NATIONALITY: i64 = 7;
    pub(super) const RESIDENT_ADDRESS: i64 = 8;
    pub(super) const BIRTH_DATE: i64 = 9;
    pub(super) const FIRST_ISSUE_DATE: i64 = 10;
    pub(super) const DRIVING_PRIVILEGES: i64 = 11;
    pub(super) const CLASS_SYSTEM: i64 = 12;
    pub(super) const VALID_FROM: i64 = 13;
    pub(super) const VALID_UNTIL: i64 = 14;
    pub(super) const ISSUING_AUTHORITY: i64 = 15;
    pub(super) const ISSUING_COUNTRY: i64 = 16;
    pub(super) const PORTRAIT_SHA256: i64 = 17;
    pub(super) const FILE_NUMBER: i64 = 20;
    pub(super) const RECORD: i64 = 21;
    pub(super) const POINTS: i64 = 22;
    pub(super) const POINTS_CYCLE_START: i64 = 23;
    pub(super) const STATUS: i64 = 24;
    // inside a privilege
    pub(super) const CODE: i64 = 1;
    pub(super) const ISSUE: i64 = 2;
    pub(super) const EXPIRY: i64 = 3;
}

/// The document map's fields after key 0 (the type), in canonical order.
pub(super) fn encode(l: &DrivingLicence, e: &mut Vec<(i64, Value)>) {
    let (f, b) = (l.front(), l.back());
    e.push((key::DOCUMENT_NUMBER, Value::Text(f.document_number.clone())));
    e.push((key::FAMILY_NAME, Value::Text(f.family_name.clone())));
    e.push((key::GIVEN_NAME, Value::Text(f.given_name.clone())));
    opt_text(e, key::FAMILY_NAME_NATIONAL, f.family_name_national.as_ref());
    opt_text(e, key::GIVEN_NAME_NATIONAL, f.given_name_national.as_ref());
    e.push((key::SEX, sex_value(f.sex)));
    e.push((key::NATIONALITY, Value::Text(f.nationality.clone())));
    e.push((key::RESIDENT_ADDRESS, Value::Text(f.resident_address.clone())));
    e.push((key::BIRTH_DATE, date_value(f.birth_date)));
    e.push((key::FIRST_ISSUE_DATE, date_value(f.first_issue_date)));
    let privileges = f
        .driving_privileges
        .iter()
        .map(|p| {
            let mut m = vec![(key::CODE, Value::Text(p.vehicle_category_code.clone()))];
            if let Some(d) = p.issue_date {
                m.push((key::ISSUE, date_value(d)));
            }
            if let Some(d) = p.expiry_date {
                m.push((key::EXPIRY, date_value(d)));
            }
            int_map(m)
        })
        .collect();
    e.push((key::DRIVING_PRIVILEGES, Value::Array(privileges)));
    let system = match f.class_system {
        ClassSystem::China => 1,
        ClassSystem::Iso => 2,
    };
    e.push((key::CLASS_SYSTEM, Value::Integer(system.into())));
    e.push((key::VALID_FROM, date_value(f.valid_from)));
    if let Some(d) = f.valid_until {
        e.push((key::VALID_UNTIL, date_value(d)));
    }
    e.push((key::ISSUING_AUTHORITY, Value::Text(f.issuing_authority.clone())));
    e.push((key::ISSUING_COUNTRY, Value::Text(f.issuing_country.clone())));
    opt_text(e, key::PORTRAIT_SHA256, f.portrait_sha256.as_ref());
    e.push((key::FILE_NUMBER, Value::Text(b.file_number.clone())));
    if !b.record.is_empty() {
        let record = b.record.iter().map(|r| Value::Array(vec![date_value(r.date), Value::Text(r.entry.clone())]));
        e.push((key::RECORD, Value::Array(record.collect())));
    }
    e.push((key::POINTS, Value::Integer(b.points.into())));
    e.push((key::POINTS_CYCLE_START, date_value(b.points_cycle_start)));
    e.push((key::STATUS, Value::Text(b.status.to_string())));
    e.push((TIME_ZONE, zone_value(f.time_zone)));
}

/// Reads the fields after key 0; the caller has consumed the type.
pub(super) fn decode(mut m: MapReader<'_, '_>) -> Result<DrivingLicence> {
    let req_text = |m: &mut MapReader<'_, '_>, k, name| text(m.required(k, name)?, name);
    let req_date = |m: &mut MapReader<'_, '_>, k, name| date(m.required(k, name)?, name);
    let document_number = req_text(&mut m, key::DOCUMENT_NUMBER, "document_number")?;
    let family_name = req_text(&mut m, key::FAMILY_NAME, "family_name")?;
    let given_name = req_text(&mut m, key::GIVEN_NAME, "given_name")?;
    let family_name_national = opt(&mut m, key::FAMILY_NAME_NATIONAL, |v| text(v, "family_name_national"))?;
    let given_name_national = opt(&mut m, key::GIVEN_NAME_NATIONAL, |v| text(v, "given_name_national"))?;
    let sex = sex(m.required(key::SEX, "sex")?)?;
    let nationality = req_text(&mut m, key::NATIONALITY, "nationality")?;
    let resident_address = req_text(&mut m, key::RESIDENT_ADDRESS, "resident_address")?;
    let birth_date = req_date(&mut m, key::BIRTH_DATE, "birth_date")?;
    let first_issue_date = req_date(&mut m, key::FIRST_ISSUE_DATE, "first_issue_date")?;
    let driving_privileges = array(m.required(key::DRIVING_PRIVILEGES, "driving_privileges")?, "driving_privileges")?
        .map(privilege)
        .collect::<Result<_>>()?;
    let class_system = match int(m.required(key::CLASS_SYSTEM, "class_system")?, "class_system")? {
        1 => ClassSystem::China,
        2 => ClassSystem::Iso,
        other => return Err(Error::cbor(format!("class_system: unknown code {other}"))),
    };
    let valid_from = req_date(&mut m, key::VALID_FROM, "valid_from")?;
    let valid_until = opt(&mut m, key::VALID_UNTIL, |v| date(v, "valid_until"))?;
    let issuing_authority = req_text(&mut m, key::ISSUING_AUTHORITY, "issuing_authority")?;
    let issuing_country = req_text(&mut m, key::ISSUING_COUNTRY, "issuing_country")?;
    let portrait_sha256 = opt(&mut m, key::PORTRAIT_SHA256, |v| text(v, "portrait_sha256"))?;
    let file_number = req_text(&mut m, key::FILE_NUMBER, "file_number")?;
    let record = match m.optional(key::RECORD)? {
        // An empty record is written by leaving the key out: one encoding per document.
        Some(v) => match array(v, "record")?.map(record_entry).collect::<Result<Vec<_>>>()? {
            r if r.is_empty() => return Err(Error::cbor("record: an empty record is omitted, not written")),
            r => r,
        },
        None => Vec::new(),
    };
    let points = u8::try_from(int(m.required(key::POINTS, "points")?, "points")?)
        .map_err(|_| Error::cbor("points: out of range"))?;
    let points_cycle_start = req_date(&mut m, key::POINTS_CYCLE_START, "points_cycle_start")?;
    let status = LicenceStatus::parse(text_ref(m.required(key::STATUS, "status")?, "status")?)?;
    let time_zone = zone(&mut m)?;
    m.finish()?;
    let front = FrontPage {
        document_number,
        family_name,
        given_name,
        family_name_national,
        given_name_national,
        sex,
        nationality,
        resident_address,
        birth_date,
        first_issue_date,
        driving_privileges,
        class_system,
        valid_from,
        valid_until,
        issuing_authority,
        issuing_country,
        portrait_sha256,
        time_zone,
    };
    let back = BackPage { file_number, record, points, points_cycle_start, status };
    Ok(DrivingLicence::new(front, back)?)
}

fn privilege(v: Node<'_, '_>) -> Result<DrivingPrivilege> {
    let mut m = MapReader::new(v, "driving privilege")?;
    let vehicle_category_code = text(m.required(key::CODE, "vehicle_category_code")?, "vehicle_category_code")?;
    let issue_date = opt(&mut m, key::ISSUE, |v| date(v, "issue_date"))?;
    let expiry_date = opt(&mut m, key::EXPIRY, |v| date(v, "expiry_date"))?;
    m.finish()?;
    Ok(DrivingPrivilege { vehicle_category_code, issue_date, expiry_date })
}

fn record_entry(v: Node<'_, '_>) -> Result<RecordEntry> {
    let mut line = array(v, "record")?;
    match (line.len(), line.next(), line.next()) {
        (2, Some(d), Some(t)) => Ok(RecordEntry { date: date(d, "record date")?, entry: text(t, "record entry")? }),
        _ => Err(Error::cbor("record: each line is [date, text]")),
    }
}
