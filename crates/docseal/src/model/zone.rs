//! The issuing authority's time zone: the day a date-only field means (docs/DOMAIN.md 4).

use std::fmt;
use std::str::FromStr as _;

use chrono::{DateTime, NaiveDate, TimeZone as _, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::DocumentError;

/// An IANA time zone (from the maintained tz database of `chrono-tz`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Zone(chrono_tz::Tz);

/// Countries with one civil time zone, by ISO 3166-1 alpha-2 and alpha-3 code (and the ICAO
/// `D` for Germany). A country with several zones has no default: its documents name one.
const BY_COUNTRY: &[(&str, &str, chrono_tz::Tz)] = &[
    ("CN", "CHN", chrono_tz::Asia::Shanghai),
    ("HK", "HKG", chrono_tz::Asia::Hong_Kong),
    ("MO", "MAC", chrono_tz::Asia::Macau),
    ("TW", "TWN", chrono_tz::Asia::Taipei),
    ("VN", "VNM", chrono_tz::Asia::Ho_Chi_Minh),
    ("JP", "JPN", chrono_tz::Asia::Tokyo),
    ("KR", "KOR", chrono_tz::Asia::Seoul),
    ("SG", "SGP", chrono_tz::Asia::Singapore),
    ("TH", "THA", chrono_tz::Asia::Bangkok),
    ("MY", "MYS", chrono_tz::Asia::Kuala_Lumpur),
    ("PH", "PHL", chrono_tz::Asia::Manila),
    ("IN", "IND", chrono_tz::Asia::Kolkata),
    ("DE", "DEU", chrono_tz::Europe::Berlin),
    ("DE", "D", chrono_tz::Europe::Berlin),
    ("FR", "FRA", chrono_tz::Europe::Paris),
    ("GB", "GBR", chrono_tz::Europe::London),
    ("IT", "ITA", chrono_tz::Europe::Rome),
    ("NL", "NLD", chrono_tz::Europe::Amsterdam),
    ("BE", "BEL", chrono_tz::Europe::Brussels),
    ("AT", "AUT", chrono_tz::Europe::Vienna),
    ("CH", "CHE", chrono_tz::Europe::Zurich),
    ("SE", "SWE", chrono_tz::Europe::Stockholm),
    ("PL", "POL", chrono_tz::Europe::Warsaw),
    ("IE", "IRL", chrono_tz::Europe::Dublin),
];

impl Zone {
    /// China's zone, the default of the temporary pass (issued by the Mainland's exit and
    /// entry administration).
    pub const SHANGHAI: Self = Self(chrono_tz::Asia::Shanghai);

    /// Coordinated Universal Time (`Etc/UTC`).
    pub const UTC: Self = Self(chrono_tz::Etc::UTC);

    /// Reads an IANA name (`Asia/Shanghai`).
    ///
    /// # Errors
    /// [`DocumentError::InvalidField`] (`time_zone`) for a name the tz database does not know.
    pub fn from_name(name: &str) -> Result<Self, DocumentError> {
        chrono_tz::Tz::from_str(name)
            .map(Self)
            .map_err(|_| DocumentError::field("time_zone", format!("{name:?} is not an IANA time zone")))
    }

    /// The IANA name.
    #[must_use]
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// The zone of a country with a single civil time zone (alpha-2 or alpha-3 code).
    #[must_use]
    pub fn for_country(code: &str) -> Option<Self> {
        BY_COUNTRY.iter().find(|(a2, a3, _)| *a2 == code || *a3 == code).map(|&(_, _, tz)| Self(tz))
    }

    /// The calendar day in this zone at `instant`.
    #[must_use]
    pub fn date_at(self, instant: DateTime<Utc>) -> NaiveDate {
        instant.with_timezone(&self.0).date_naive()
    }

    /// `instant` as this zone's wall-clock time: `2026-12-01 00:00:00 CST (Asia/Shanghai)`.
    #[must_use]
    pub fn local_time(self, instant: DateTime<Utc>) -> String {
        format!("{} ({})", instant.with_timezone(&self.0).format("%Y-%m-%d %H:%M:%S %Z"), self.name())
    }

    /// The first instant of `date` in this zone, seconds since the epoch (midnight, or the
    /// first hour after a clock change that skips midnight).
    #[must_use]
    pub fn start_of_day(self, date: NaiveDate) -> Option<i64> {
        (0..24).find_map(|hour| {
            let local = date.and_hms_opt(hour, 0, 0)?;
            self.0.from_local_datetime(&local).earliest().map(|t| t.timestamp())
        })
    }

    /// The end of `date` in this zone: the first instant of the next day.
    #[must_use]
    pub fn end_of_day(self, date: NaiveDate) -> Option<i64> {
        self.start_of_day(date.succ_opt()?)
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Zone({})", self.name())
    }
}

impl Serialize for Zone {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Zone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Self::from_name(&name).map_err(serde::de::Error::custom)
    }
}

/// The zone a document uses: its own, else its country's default.
pub(crate) fn resolve(given: Option<Zone>, country: &str) -> Result<Zone, DocumentError> {
    given.or_else(|| Zone::for_country(country)).ok_or_else(|| {
        DocumentError::field("time_zone", format!("{country} has no single time zone: give an IANA name (time_zone)"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_end_in_the_authority_zone() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let end = Zone::SHANGHAI.end_of_day(day).unwrap();
        assert_eq!(DateTime::from_timestamp(end, 0).unwrap().to_rfc3339(), "2026-11-30T16:00:00+00:00");
        assert_eq!(Zone::for_country("VN").unwrap().name(), "Asia/Ho_Chi_Minh");
        assert_eq!(Zone::for_country("CHN"), Some(Zone::SHANGHAI));
        assert_eq!(Zone::for_country("US"), None, "several zones: no default");
        let at: DateTime<Utc> = "2026-11-30T16:30:00Z".parse().unwrap();
        assert_eq!(Zone::SHANGHAI.date_at(at), day.succ_opt().unwrap());
        assert!(Zone::from_name("Mars/Olympus").is_err());
    }

    #[test]
    fn a_day_without_midnight_starts_at_its_first_hour() {
        // America/Santiago skipped 2022-09-11 00:00 (clocks went to 01:00).
        let santiago = Zone::from_name("America/Santiago").unwrap();
        let day = NaiveDate::from_ymd_opt(2022, 9, 11).unwrap();
        let start = santiago.start_of_day(day).unwrap();
        assert_eq!(DateTime::from_timestamp(start, 0).unwrap().to_rfc3339(), "2022-09-11T04:00:00+00:00");
    }
}
