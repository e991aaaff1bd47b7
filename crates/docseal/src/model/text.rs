//! Field checks shared by every document type.

use crate::model::DocumentError;

/// Free text: non-empty, no surrounding blanks, no control characters, at most `max` chars.
pub(crate) fn check_text(field: &'static str, value: &str, max: usize) -> Result<(), DocumentError> {
    if value.trim().is_empty() {
        return Err(DocumentError::field(field, "must not be empty"));
    }
    if value.trim() != value {
        return Err(DocumentError::field(field, "must not start or end with blanks"));
    }
    if value.chars().any(char::is_control) {
        return Err(DocumentError::field(field, "must not contain control characters"));
    }
    let count = value.chars().count();
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
    if value.bytes().all(|b| b.is_ascii_uppercase()) && isocountry::CountryCode::for_alpha2(value).is_ok() {
        Ok(())
    } else {
        Err(DocumentError::field(field, format!("{value:?} is not an ISO 3166-1 alpha-2 code")))
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
