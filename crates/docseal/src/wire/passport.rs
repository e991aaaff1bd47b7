//! Passport <-> document map (document type 1). The MRZ is not sent: it is derived.

use ciborium::value::Value;

use super::fields::{TIME_ZONE, opt, opt_text, sex, sex_value, zone, zone_value};
use crate::cbor::{MapReader, date, date_value, text};
use crate::error::Result;
use crate::model::{Passport, PassportData};

pub(super) fn encode(p: &Passport, e: &mut Vec<(i64, Value)>) {
    let d = p.data();
    e.push((1, Value::Text(d.document_code.clone())));
    e.push((2, Value::Text(d.issuing_state.clone())));
    e.push((3, Value::Text(d.document_number.clone())));
    e.push((4, Value::Text(d.family_name.clone())));
    e.push((5, Value::Text(d.given_name.clone())));
    opt_text(e, 6, d.family_name_national.as_ref());
    opt_text(e, 7, d.given_name_national.as_ref());
    e.push((8, Value::Text(d.nationality.clone())));
    e.push((9, date_value(d.birth_date)));
    e.push((10, sex_value(d.sex)));
    opt_text(e, 11, d.birth_place.as_ref());
    e.push((12, date_value(d.issue_date)));
    e.push((13, date_value(d.expiry_date)));
    e.push((14, Value::Text(d.issuing_authority.clone())));
    opt_text(e, 15, d.personal_number.as_ref());
    opt_text(e, 16, d.portrait_sha256.as_ref());
    e.push((TIME_ZONE, zone_value(d.time_zone)));
}

pub(super) fn decode(mut m: MapReader<'_, '_>) -> Result<Passport> {
    let t = |m: &mut MapReader<'_, '_>, k, name| text(m.required(k, name)?, name);
    let data = PassportData {
        document_code: t(&mut m, 1, "document_code")?,
        issuing_state: t(&mut m, 2, "issuing_state")?,
        document_number: t(&mut m, 3, "document_number")?,
        family_name: t(&mut m, 4, "family_name")?,
        given_name: t(&mut m, 5, "given_name")?,
        family_name_national: opt(&mut m, 6, |v| text(v, "family_name_national"))?,
        given_name_national: opt(&mut m, 7, |v| text(v, "given_name_national"))?,
        nationality: t(&mut m, 8, "nationality")?,
        birth_date: date(m.required(9, "birth_date")?, "birth_date")?,
        sex: sex(m.required(10, "sex")?)?,
        birth_place: opt(&mut m, 11, |v| text(v, "birth_place"))?,
        issue_date: date(m.required(12, "issue_date")?, "issue_date")?,
        expiry_date: date(m.required(13, "expiry_date")?, "expiry_date")?,
        issuing_authority: t(&mut m, 14, "issuing_authority")?,
        personal_number: opt(&mut m, 15, |v| text(v, "personal_number"))?,
        portrait_sha256: opt(&mut m, 16, |v| text(v, "portrait_sha256"))?,
        time_zone: zone(&mut m)?,
    };
    m.finish()?;
    Ok(Passport::new(data)?)
}
