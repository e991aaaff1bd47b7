//! The EU DCC payload (hcert specification 1.3): CWT claims `iss` (1), `exp` (4), `iat` (6)
//! and `hcert` (-260) holding `eu_dgc_v1` under key 1.
//!
//! Unlike DS1, DCC issuers write ordinary CBOR (indefinite lengths and unsorted maps occur in
//! the wild), so this reader is not deterministic-only; it still refuses duplicate keys,
//! trailing bytes, and nesting beyond a cap.

use crate::cbor_walk::{Head, SeenKeys, WalkError, Walker};
use crate::error::{Error, Result};
use crate::model::dcc::{Dcc, DccClaims, DccReadError};

/// The `hcert` claim key.
pub const HCERT: i64 = -260;

/// Deepest nesting a DCC needs is 6 (claims > hcert > eu_dgc_v1 > v > entry > value); room is
/// left for schema versions to come.
const MAX_DEPTH: usize = 16;

/// Reads an HC1 claims set, in one pass over the bytes: the claims as values, the certificate
/// checked and kept as CBOR (its JSON is built when asked, [`Dcc::json`]).
///
/// # Errors
/// [`Error::Cbor`] for malformed CBOR, duplicate keys, missing or mistyped claims, and a
/// certificate without a JSON form; [`Error::Limit`] for nesting deeper than 16;
/// [`Error::Document`] for a certificate of no type or of two.
pub fn decode_hc1_payload(payload: &[u8]) -> Result<(DccClaims, Dcc)> {
    let mut walker = Walker::new(payload);
    let Head::Map(len) = walker.head().map_err(walk_error)? else {
        return Err(Error::cbor("HC1 claims: expected a map"));
    };
    let (mut issuer, mut expires_at, mut issued_at, mut dcc) = (None, None, None, None);
    let mut seen = SeenKeys::default();
    let mut read = 0;
    // The claims map is level 1 of MAX_DEPTH; its keys and values level 2.
    let entry_depth = MAX_DEPTH - 1;
    while walker.has_item(len, read).map_err(walk_error)? {
        read += 1;
        let Some(key) = int_key(&mut walker, entry_depth)? else {
            walker.skip(entry_depth).map_err(walk_error)?;
            continue;
        };
        if !seen.insert(&key) {
            return Err(Error::cbor(format!("HC1 claims: duplicate claim {key}")));
        }
        match i64::try_from(key) {
            Ok(super::claim::ISS) => issuer = Some(text(&mut walker, "iss")?),
            Ok(super::claim::EXP) => expires_at = Some(numeric_date(&mut walker, "exp")?),
            Ok(super::claim::IAT) => issued_at = Some(numeric_date(&mut walker, "iat")?),
            Ok(HCERT) => dcc = Some(hcert(&mut walker, entry_depth)?),
            _ => walker.skip(entry_depth).map_err(walk_error)?,
        }
    }
    if walker.remaining() > 0 {
        return Err(Error::cbor(format!("HC1 claims: {} trailing bytes", walker.remaining())));
    }
    let expires_at = expires_at.ok_or_else(|| Error::cbor("HC1 claims: missing exp"))?;
    let issued_at = issued_at.ok_or_else(|| Error::cbor("HC1 claims: missing iat"))?;
    let dcc = dcc.ok_or_else(|| Error::cbor("HC1 claims: missing hcert (-260) map"))?;
    Ok((DccClaims { issuer, issued_at, expires_at }, dcc))
}

/// The `hcert` map at level 2: `eu_dgc_v1` under key 1, other keys passed over.
fn hcert(walker: &mut Walker<'_>, depth_left: usize) -> Result<Dcc> {
    let Head::Map(len) = walker.head().map_err(walk_error)? else {
        return Err(Error::cbor("HC1 claims: missing hcert (-260) map"));
    };
    let mut dcc = None;
    let mut read = 0;
    while walker.has_item(len, read).map_err(walk_error)? {
        read += 1;
        if int_key(walker, depth_left - 1)? != Some(1) {
            walker.skip(depth_left - 1).map_err(walk_error)?;
            continue;
        }
        if dcc.is_some() {
            return Err(Error::cbor("hcert: duplicate key 1"));
        }
        if walker.peek_major() != Some(MAP_MAJOR) {
            return Err(Error::cbor("hcert: missing eu_dgc_v1 (key 1) map"));
        }
        dcc = Some(Dcc::read(walker, depth_left - 1).map_err(|e| match e {
            DccReadError::Walk(e) => walk_error(e),
            DccReadError::Kind(e) => Error::Document(e),
        })?);
    }
    dcc.ok_or_else(|| Error::cbor("hcert: missing eu_dgc_v1 (key 1) map"))
}

const MAP_MAJOR: u8 = 5;

/// Reads a map key at a level with `depth_left` levels to go: its value when an integer;
/// anything else is read past and gives `None`.
fn int_key(walker: &mut Walker<'_>, depth_left: usize) -> Result<Option<i128>> {
    match walker.peek_major() {
        Some(0 | 1) => match walker.head().map_err(walk_error)? {
            Head::Uint(n) => Ok(Some(i128::from(n))),
            Head::Nint(n) => Ok(Some(-1 - i128::from(n))),
            _ => unreachable!("major types 0 and 1 are integers"),
        },
        _ => {
            walker.skip(depth_left).map_err(walk_error)?;
            Ok(None)
        }
    }
}

fn text(walker: &mut Walker<'_>, name: &str) -> Result<String> {
    match walker.head().map_err(walk_error)? {
        Head::Text(len) => Ok(walker.text(len).map_err(walk_error)?.into_owned()),
        _ => Err(Error::cbor(format!("{name}: expected text"))),
    }
}

/// A NumericDate: an integer, or a float with its fraction dropped (RFC 8392 allows both).
fn numeric_date(walker: &mut Walker<'_>, name: &str) -> Result<i64> {
    let date = match walker.head().map_err(walk_error)? {
        Head::Float(f) if f.is_finite() && f.abs() < 1e15 => Some(f.trunc() as i64),
        Head::Uint(n) => i64::try_from(n).ok(),
        Head::Nint(n) => i64::try_from(n).ok().map(|n| -1 - n),
        _ => None,
    };
    date.ok_or_else(|| Error::cbor(format!("{name}: expected a date")))
}

fn walk_error(e: WalkError) -> Error {
    crate::cbor::walk_error(e, "HC1 claims", MAX_DEPTH)
}

#[cfg(test)]
#[path = "hc1_tests.rs"]
mod tests;
