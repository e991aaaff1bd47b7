//! Field checks shared by every document type.

use crate::model::DocumentError;

/// Free text: non-empty, no surrounding blanks, no control characters, at most `max` chars.
pub(crate) fn check_text(field: &'static str, value: &str, max: usize) -> Result<(), DocumentError> {
    let (Some(first), Some(last)) = (value.chars().next(), value.chars().next_back()) else {
        return Err(DocumentError::field(field, "must not be empty"));
    };
    if first.is_whitespace() || last.is_whitespace() {
        return Err(if value.chars().all(char::is_whitespace) {
            DocumentError::field(field, "must not be empty")
        } else {
            DocumentError::field(field, "must not start or end with blanks")
        });
    }
    // Every field is read on each verification, and most are ASCII: one pass over bytes.
    let (count, control) = if value.is_ascii() {
        (value.len(), value.bytes().any(|b| b.is_ascii_control()))
    } else {
        value.chars().fold((0, false), |(count, control), c| (count + 1, control || c.is_control()))
    };
    if control {
        return Err(DocumentError::field(field, "must not contain control characters"));
    }
    if count > max {
        return Err(DocumentError::field(field, format!("{count} characters, at most {max} allowed")));
    }
    Ok(())
}

/// `earlier` must not be after `later`.
pub(crate) fn date_order(
    earlier: &'static str,
    earlier_date: chrono::NaiveDate,
    later: &'static str,
    later_date: chrono::NaiveDate,
) -> Result<(), DocumentError> {
    if earlier_date <= later_date {
        Ok(())
    } else {
        Err(DocumentError::DateOrder { earlier, earlier_date, later, later_date })
    }
}

/// An assigned ISO 3166-1 alpha-2 code, upper case.
pub(crate) fn check_alpha2(field: &'static str, value: &str) -> Result<(), DocumentError> {
    if is_assigned_alpha2(value) {
        Ok(())
    } else {
        Err(DocumentError::field(field, format!("{value:?} is not an ISO 3166-1 alpha-2 code")))
    }
}

/// Whether `value` is an assigned alpha-2 code, by a table of 26 x 26 bits built once from
/// isocountry's list: two lookups per licence read, where isocountry's own hashed lookup cost
/// about 230 instructions each (callgrind).
fn is_assigned_alpha2(value: &str) -> bool {
    static ASSIGNED: std::sync::OnceLock<[u32; 26]> = std::sync::OnceLock::new();
    let letter = |b: u8| b.is_ascii_uppercase().then(|| usize::from(b - b'A'));
    let table = ASSIGNED.get_or_init(|| {
        let mut table = [0u32; 26];
        for code in isocountry::CountryCode::iter() {
            if let &[a, b] = code.alpha2().as_bytes()
                && let (Some(row), Some(bit)) = (letter(a), letter(b))
            {
                table[row] |= 1 << bit;
            }
        }
        table
    });
    match *value.as_bytes() {
        [a, b] => matches!((letter(a), letter(b)), (Some(row), Some(bit)) if table[row] & (1 << bit) != 0),
        _ => false,
    }
}

/// A SHA-256 digest written as 64 lower-case hex digits.
pub(crate) fn check_digest(field: &'static str, value: &str) -> Result<(), DocumentError> {
    if value.len() == 64 && value.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        Ok(())
    } else {
        Err(DocumentError::field(field, "must be 64 lower-case hex digits (SHA-256)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_rules() {
        assert!(check_text("f", "张三", 10).is_ok());
        assert!(check_text("f", "", 10).is_err());
        assert!(check_text("f", " a", 10).is_err());
        assert!(check_text("f", "a\nb", 10).is_err());
        assert!(check_text("f", "abc", 2).is_err());
        assert!(check_text("f", "张三丰", 2).is_err(), "characters are counted, not bytes");
        assert!(check_text("f", "张三", 2).is_ok());
        assert!(check_text("f", "a\u{85}b", 10).is_err(), "a C1 control character");
        assert!(check_text("f", "a\u{7f}", 10).is_err());
        assert!(check_text("f", "\u{3000}张", 10).is_err(), "an ideographic space is a blank");
        assert!(check_text("f", " \u{3000} ", 10).is_err_and(|e| e.to_string().contains("empty")));
    }

    proptest::proptest! {
        /// The one-pass check decides as the rules read: trim, control characters, count.
        #[test]
        fn text_check_matches_its_rules(value in "\\PC{0,6}|[ a\\t\u{85}\u{3000}张]{0,6}", max in 0usize..8) {
            let expected = !value.trim().is_empty()
                && value.trim() == value
                && !value.chars().any(char::is_control)
                && value.chars().count() <= max;
            proptest::prop_assert_eq!(check_text("f", &value, max).is_ok(), expected);
        }
    }

    #[test]
    fn alpha2_table_agrees_with_isocountry() {
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                let code = String::from_utf8(vec![a, b]).unwrap();
                assert_eq!(is_assigned_alpha2(&code), isocountry::CountryCode::for_alpha2(&code).is_ok(), "{code}");
            }
        }
        for other in ["", "C", "CHN", "cn", "C1", "ÇN"] {
            assert!(!is_assigned_alpha2(other), "{other}");
        }
    }

    #[test]
    fn alpha2_and_digest() {
        assert!(check_alpha2("c", "CN").is_ok());
        assert!(check_alpha2("c", "cn").is_err());
        assert!(check_alpha2("c", "CHN").is_err());
        assert!(check_alpha2("c", "QQ").is_err(), "unassigned");
        assert!(check_digest("d", &"a".repeat(64)).is_ok());
        assert!(check_digest("d", &"A".repeat(64)).is_err());
        assert!(check_digest("d", "ab").is_err());
    }
}
