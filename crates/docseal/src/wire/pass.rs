//! Temporary pass <-> document map (document type 3).

use ciborium::value::Value;

use super::fields::{TIME_ZONE, opt, opt_text, sex, sex_value, zone, zone_value};
use crate::cbor::{MapReader, Node, array, date, date_value, int, text};
use crate::error::{Error, Result};
use crate::model::{PassData, TemporaryPass, TravelMode};

fn mode_value(m: TravelMode) -> Value {
    Value::Integer(
        match m {
            TravelMode::Air => 1,
            TravelMode::Rail => 2,
        }
        .into(),
    )
}

fn mode(v: Node<'_, '_>) -> Result<TravelMode> {
    match int(v, "travel_modes")? {
        1 => Ok(TravelMode::Air),
        2 => Ok(TravelMode::Rail),
        other => Err(Error::cbor(format!("travel_modes: unknown code {other}"))),
    }
}

pub(super) fn encode(p: &TemporaryPass, e: &mut Vec<(i64, Value)>) {
    let d = p.data();
    e.push((1, Value::Text(d.pass_number.clone())));
    e.push((2, Value::Text(d.permit_number.clone())));
    e.push((3, date_value(d.permit_expiry_date)));
    e.push((4, Value::Text(d.family_name.clone())));
    e.push((5, Value::Text(d.given_name.clone())));
    opt_text(e, 6, d.family_name_national.as_ref());
    opt_text(e, 7, d.given_name_national.as_ref());
    e.push((8, date_value(d.birth_date)));
    e.push((9, sex_value(d.sex)));
    e.push((10, date_value(d.valid_from)));
    e.push((11, date_value(d.valid_until)));
    e.push((12, Value::Array(d.travel_modes.iter().copied().map(mode_value).collect())));
    e.push((13, Value::Text(d.issuing_authority.clone())));
    e.push((TIME_ZONE, zone_value(d.time_zone)));
}

pub(super) fn decode(mut m: MapReader<'_, '_>) -> Result<TemporaryPass> {
    let t = |m: &mut MapReader<'_, '_>, k, name| text(m.required(k, name)?, name);
    let dt = |m: &mut MapReader<'_, '_>, k, name| date(m.required(k, name)?, name);
    let data = PassData {
        pass_number: t(&mut m, 1, "pass_number")?,
        permit_number: t(&mut m, 2, "permit_number")?,
        permit_expiry_date: dt(&mut m, 3, "permit_expiry_date")?,
        family_name: t(&mut m, 4, "family_name")?,
        given_name: t(&mut m, 5, "given_name")?,
        family_name_national: opt(&mut m, 6, |v| text(v, "family_name_national"))?,
        given_name_national: opt(&mut m, 7, |v| text(v, "given_name_national"))?,
        birth_date: dt(&mut m, 8, "birth_date")?,
        sex: sex(m.required(9, "sex")?)?,
        valid_from: dt(&mut m, 10, "valid_from")?,
        valid_until: dt(&mut m, 11, "valid_until")?,
        travel_modes: array(m.required(12, "travel_modes")?, "travel_modes")?.map(mode).collect::<Result<_>>()?,
        issuing_authority: t(&mut m, 13, "issuing_authority")?,
        time_zone: zone(&mut m)?,
    };
    m.finish()?;
    Ok(TemporaryPass::new(data)?)
}
