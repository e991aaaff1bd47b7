//! Time helpers shared by the verification pass, the trust list and the policy.

use chrono::{DateTime, Datelike as _, NaiveDate, Utc};

/// Seconds since the epoch as a UTC time, saturating at chrono's range (claims are `i64`
/// seconds and may lie beyond the years chrono represents).
pub(crate) fn timestamp(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or(if secs < 0 {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    })
}

/// Whole years from `birth` to `on`.
pub(crate) fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_count_whole_years() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        assert_eq!(age_on(d(1990, 3, 7), d(2011, 3, 6)), 20);
        assert_eq!(age_on(d(1990, 3, 7), d(2011, 3, 7)), 21);
    }

    #[test]
    fn timestamps_saturate() {
        assert_eq!(timestamp(i64::MAX), DateTime::<Utc>::MAX_UTC);
        assert_eq!(timestamp(i64::MIN), DateTime::<Utc>::MIN_UTC);
        assert_eq!(timestamp(0).timestamp(), 0);
    }
}
