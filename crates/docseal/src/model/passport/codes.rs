//! ICAO Doc 9303 Part 3 state codes and passport-number formats.

use crate::model::DocumentError;

/// Codes Doc 9303 uses besides ISO 3166-1 alpha-3. Confirmed in docs/DOMAIN.md 1.1: `D`
/// (Germany), `XXA` (stateless), `EUE`, `XBA`, `XEC`, `UTO` (specimens). The others are the
/// remaining Part 3 codes as commonly listed, not re-read from the standard.
const ICAO_ONLY: &[&str] = &[
    "D", "XXA", "EUE", "XBA", "XEC", "UTO", // confirmed
    "XXB", "XXC", "XXX", "UNO", "UNA", "UNK", "GBD", "GBN", "GBO", "GBP", "GBS", "XOM", "XPO", "RKS",
];

/// An issuing state or nationality as the MRZ writes it.
pub(crate) fn check_state(field: &'static str, code: &str) -> Result<(), DocumentError> {
    if code == "DEU" {
        return Err(DocumentError::field(field, "Germany's ICAO code is D, not DEU"));
    }
    let iso = code.len() == 3
        && code.bytes().all(|b| b.is_ascii_uppercase())
        && isocountry::CountryCode::for_alpha3(code).is_ok();
    if iso || ICAO_ONLY.contains(&code) {
        Ok(())
    } else {
        Err(DocumentError::field(field, format!("{code:?} is not an ICAO 9303 state code")))
    }
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The passport number's format for states whose format is known (docs/DOMAIN.md 1.3).
pub(crate) fn check_number(state: &str, number: &str) -> Result<(), DocumentError> {
    const FIELD: &str = "document_number";
    let b = number.as_bytes();
    let ok = match state {
        // E + 8 digits (before 2017-04-05), E + letter other than I/O + 7 digits (since),
        // G + 8 digits (older non-chip ordinary passports).
        "CHN" => {
            (b.len() == 9 && matches!(b[0], b'E' | b'G') && digits(&number[1..]))
                || (b.len() == 9
                    && b[0] == b'E'
                    && b[1].is_ascii_uppercase()
                    && !matches!(b[1], b'I' | b'O')
                    && digits(&number[2..]))
        }
        // One letter and 7 digits.
        "VNM" => b.len() == 8 && b[0].is_ascii_uppercase() && digits(&number[1..]),
        _ => {
            if b.len() > 9 {
                // TD3 numbers over 9 characters spill into the optional data (docs/DOMAIN.md).
                return Err(DocumentError::field(FIELD, "numbers longer than 9 characters are not supported"));
            }
            !b.is_empty() && b.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        }
    };
    if ok {
        Ok(())
    } else {
        Err(DocumentError::field(FIELD, format!("{number:?} is not a valid {state} passport number")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_codes() {
        for ok in ["CHN", "VNM", "D", "UTO", "XXA", "JPN"] {
            assert!(check_state("s", ok).is_ok(), "{ok}");
        }
        for bad in ["DEU", "ABC", "chn", "CN", ""] {
            assert!(check_state("s", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passport_numbers() {
        assert!(check_number("CHN", "E12345678").is_ok());
        assert!(check_number("CHN", "EF1260892").is_ok());
        assert!(check_number("CHN", "EI1260892").is_err(), "I is not used");
        assert!(check_number("CHN", "E1234567").is_err());
        assert!(check_number("VNM", "C1234567").is_ok());
        assert!(check_number("VNM", "C12345678").is_err());
        assert!(check_number("UTO", "L898902C3").is_ok());
        assert!(check_number("UTO", "L898902C34").is_err());
        assert!(check_number("UTO", "l898").is_err());
    }
}
