//! China's 18-character resident ID number (GB 11643-1999), which is also the licence number.

use chrono::NaiveDate;

use crate::model::DocumentError;
use crate::model::Sex;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The ISO 7064 MOD 11-2 check character over the first 17 digits.
pub(crate) fn check_char(first17: &[u8]) -> Option<char> {
    if first17.len() != 17 || !first17.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    Some(CHECK_CHARS[(sum % 11) as usize])
}

/// Checks the number's shape and check character, and that the birth date and sex inside it
/// agree with the licence fields.
pub(crate) fn check(number: &str, birth_date: NaiveDate, sex: Sex) -> Result<(), DocumentError> {
    const FIELD: &str = "document_number";
    let bytes = number.as_bytes();
    let expected = (bytes.len() == 18)
        .then(|| check_char(&bytes[..17]))
        .flatten()
        .ok_or_else(|| DocumentError::field(FIELD, "a Chinese licence number is 17 digits and a check character"))?;
    let found = char::from(bytes[17]);
    if found != expected {
        return Err(DocumentError::CheckDigit { field: FIELD, expected, found });
    }
    // Digits 7-14 are YYYYMMDD; all 17 leading bytes are ASCII digits (checked above).
    let digits = |range: std::ops::Range<usize>| bytes[range].iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    let embedded = i32::try_from(digits(6..10))
        .ok()
        .and_then(|year| NaiveDate::from_ymd_opt(year, digits(10..12), digits(12..14)))
        .ok_or_else(|| DocumentError::field(FIELD, "digits 7-14 are not a valid date"))?;
    if embedded != birth_date {
        return Err(DocumentError::field(
            FIELD,
            format!("embeds birth date {embedded}, but birth_date is {birth_date}"),
        ));
    }
    let odd = (bytes[16] - b'0') % 2 == 1;
    let agrees = match sex {
        Sex::Male => odd,
        Sex::Female => !odd,
        Sex::Unspecified => false,
    };
    if !agrees {
        let embedded_sex = if odd { "male" } else { "female" };
        return Err(DocumentError::field(FIELD, format!("digit 17 says {embedded_sex}, which disagrees with sex")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn domain_vectors() {
        assert_eq!(check_char(b"11010519491231002"), Some('X'));
        assert_eq!(check_char(b"44052418800101001"), Some('4'));
        assert!(check("11010519491231002X", date(1949, 12, 31), Sex::Female).is_ok());
        assert!(check("440524188001010014", date(1880, 1, 1), Sex::Male).is_ok());
    }

    #[test]
    fn mismatches_are_refused() {
        assert!(matches!(
            check("110105194912310021", date(1949, 12, 31), Sex::Female),
            Err(DocumentError::CheckDigit { expected: 'X', found: '1', .. })
        ));
        assert!(check("11010519491231002X", date(1949, 12, 30), Sex::Female).is_err());
        assert!(check("11010519491231002X", date(1949, 12, 31), Sex::Male).is_err());
        assert!(check("1101051949123100", date(1949, 12, 31), Sex::Female).is_err());
        assert!(check("11010519491331002X", date(1949, 12, 31), Sex::Female).is_err());
        // A correct check character over an impossible embedded date (30 February).
        for first17 in ["11010519490230002", "11010500001301002"] {
            let number = format!("{first17}{}", check_char(first17.as_bytes()).unwrap());
            let err = check(&number, date(1949, 2, 28), Sex::Female).unwrap_err().to_string();
            assert!(err.contains("not a valid date"), "{number}: {err}");
        }
    }
}
