//! Field encodings shared by several documents' maps (sex codes, optional fields).

use ciborium::value::Value;

use crate::cbor::{MapReader, Node, int};
use crate::error::{Error, Result};
use crate::model::{Sex, Zone};

/// ISO/IEC 5218 codes: 1 male, 2 female, 0 not known (our `X`).
pub(super) fn sex_value(sex: Sex) -> Value {
    Value::Integer(
        match sex {
            Sex::Male => 1,
            Sex::Female => 2,
            Sex::Unspecified => 0,
        }
        .into(),
    )
}

pub(super) fn sex(v: Node<'_, '_>) -> Result<Sex> {
    match int(v, "sex")? {
        1 => Ok(Sex::Male),
        2 => Ok(Sex::Female),
        0 => Ok(Sex::Unspecified),
        other => Err(Error::cbor(format!("sex: unknown code {other}"))),
    }
}

pub(super) fn opt_text(entries: &mut Vec<(i64, Value)>, k: i64, v: Option<&String>) {
    if let Some(s) = v {
        entries.push((k, Value::Text(s.clone())));
    }
}

/// An optional field of the map being read, converted by `f` when present.
pub(super) fn opt<'t, 'b, T>(
    m: &mut MapReader<'t, 'b>,
    k: i64,
    f: impl FnOnce(Node<'t, 'b>) -> Result<T>,
) -> Result<Option<T>> {
    m.optional(k)?.map(f).transpose()
}

/// The key of the issuing authority's time zone in every document map: after every other
/// field, so each document's keys keep their order.
pub(super) const TIME_ZONE: i64 = 30;

/// The zone as its IANA name.
#[allow(clippy::expect_used)]
pub(super) fn zone_value(zone: Option<Zone>) -> Value {
    // safe: only validated documents are encoded, and their constructors set the zone.
    Value::Text(zone.expect("validated documents carry their zone").name().to_owned())
}

/// Reads the zone (required: a verifier must not guess the day a date means).
pub(super) fn zone(m: &mut MapReader<'_, '_>) -> Result<Option<Zone>> {
    let name = crate::cbor::text_ref(m.required(TIME_ZONE, "time_zone")?, "time_zone")?;
    Ok(Some(Zone::from_name(name)?))
}
