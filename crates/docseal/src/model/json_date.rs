//! Dates in JSON as `YYYY-MM-DD`, written from their digits: chrono's serializer goes through
//! `Display` and serde_json's escaper one character at a time, which cost about 6,000 of the
//! 28,400 instructions of a licence's `verify --bulk --json` line (callgrind,
//! `profile_bulk 2 json`). Reading dates back stays chrono's.

use chrono::{Datelike as _, NaiveDate};
use serde::{Serialize, Serializer};

/// A date that serializes as chrono's `Display` writes it.
pub(crate) struct IsoDate<'a>(pub(crate) &'a NaiveDate);

impl Serialize for IsoDate<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match digits(*self.0) {
            Some(bytes) => {
                #[allow(clippy::expect_used)]
                // safe: `digits` writes ASCII digits and dashes only.
                let text = std::str::from_utf8(&bytes).expect("ASCII");
                s.serialize_str(text)
            }
            // Years chrono writes with a sign or more digits (before 0 or after 9999).
            None => s.collect_str(self.0),
        }
    }
}

/// `YYYY-MM-DD` for years 0 to 9999.
pub(crate) fn digits(date: NaiveDate) -> Option<[u8; 10]> {
    let year = u32::try_from(date.year()).ok().filter(|&y| y <= 9999)?;
    let mut out = *b"0000-00-00";
    for (range, mut n) in [(0..4, year), (5..7, date.month()), (8..10, date.day())] {
        for byte in out[range].iter_mut().rev() {
            // `n % 10` is a digit.
            *byte = b'0' + (n % 10) as u8;
            n /= 10;
        }
    }
    Some(out)
}

/// For `#[serde(serialize_with)]` on a `NaiveDate` field.
pub(crate) fn date<S: Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    IsoDate(date).serialize(s)
}

/// For `#[serde(serialize_with)]` on an `Option<NaiveDate>` field.
#[allow(clippy::ref_option)] // the signature serde's `serialize_with` calls
pub(crate) fn optional_date<S: Serializer>(date: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    match date {
        Some(date) => s.serialize_some(&IsoDate(date)),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Every date chrono can hold reads as chrono writes it.
        #[test]
        fn dates_serialize_as_chrono_displays_them(days in -1_000_000i32..4_000_000) {
            if let Some(date) = NaiveDate::from_num_days_from_ce_opt(days) {
                let ours = serde_json::to_string(&IsoDate(&date)).unwrap();
                prop_assert_eq!(ours, format!("\"{date}\""));
            }
        }
    }

    #[test]
    fn the_extremes_and_an_absent_date() {
        for date in [NaiveDate::MIN, NaiveDate::MAX, NaiveDate::from_ymd_opt(0, 1, 1).unwrap()] {
            assert_eq!(serde_json::to_string(&IsoDate(&date)).unwrap(), format!("\"{date}\""));
        }
        let mut out = Vec::new();
        optional_date(&None, &mut serde_json::Serializer::new(&mut out)).unwrap();
        assert_eq!(out, b"null");
    }
}
