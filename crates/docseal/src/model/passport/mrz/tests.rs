use super::*;

const A1: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
const A2: &str = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";
const B2: &str = "L898902C<3UTO6908061F9406236ZE184226B<<<<<14";
const J1: &str = "P<JPNGAIMU<<SAKURA<<<<<<<<<<<<<<<<<<<<<<<<<<";
const J2: &str = "XS12345673JPN7902206F1101018<<<<<<<<<<<<<<00";

#[test]
fn worked_example_check_digit() {
    assert_eq!(check_digit(b"123456BB"), Some(b'5'));
    assert_eq!(check_digit(b"L898902C3"), Some(b'6'));
    assert_eq!(check_digit(b"a"), None);
}

#[test]
fn specimens_parse_and_regenerate_byte_for_byte() -> Result<(), DocumentError> {
    for (l1, l2) in [(A1, A2), (A1, B2), (J1, J2)] {
        let td3 = Td3::parse(l1, l2)?;
        let [r1, r2] = td3.to_lines()?;
        assert_eq!((r1.as_str(), r2.as_str()), (l1, l2));
    }
    let a = Td3::parse(A1, A2)?;
    assert_eq!(a.document_number, "L898902C3");
    assert_eq!(a.birth_date, "740812");
    assert_eq!(a.expiry_date, "120415");
    assert_eq!(a.optional_data, "ZE184226B");
    assert_eq!(a.names(), ("ERIKSSON".to_owned(), "ANNA MARIA".to_owned()));
    assert_eq!(Td3::parse(A1, B2)?.document_number, "L898902C");
    Ok(())
}

/// Every single-character change of line 2 inside a checked field is refused, except the
/// substitutions that ICAO's modulo-10 sum cannot see (two characters whose values differ by
/// a multiple of 10, e.g. `0`, `A`, `K`, `U`); the test counts those and checks they are
/// exactly that set. Nationality (11–13) and sex (21) are outside every check digit.
#[test]
fn single_character_changes_are_caught() {
    const SET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<";
    let checked = |i: usize| !(10..13).contains(&i) && i != 20;
    for line2 in [A2, B2] {
        let mut blind = 0;
        for i in (0..LINE_LEN).filter(|&i| checked(i)) {
            for &c in SET {
                let original = line2.as_bytes()[i];
                if c == original {
                    continue;
                }
                let mut changed = line2.as_bytes().to_vec();
                changed[i] = c;
                let changed = String::from_utf8(changed).unwrap_or_default();
                if Td3::parse(A1, &changed).is_ok() {
                    let diff = value(c).unwrap_or(0).abs_diff(value(original).unwrap_or(0));
                    assert_eq!(diff % 10, 0, "position {} {:?} -> {:?} accepted", i + 1, original as char, c as char);
                    blind += 1;
                }
            }
        }
        assert!(blind > 0 && blind < 120, "{blind} blind substitutions");
    }
}

#[test]
fn malformed_lines_are_refused() {
    assert!(Td3::parse(&A1[..43], A2).is_err());
    assert!(Td3::parse(&A1.replace('P', "V"), A2).is_err());
    assert!(Td3::parse(A1, &A2.replace("ZE", "ze")).is_err());
    assert!(Td3::parse(A1, &A2.replace('F', "Q")).is_err());
}

#[test]
fn names_transliterate_and_truncate() -> Result<(), DocumentError> {
    assert_eq!(name_components("n", "Müller-Lüdenscheidt")?, vec!["MUELLER", "LUEDENSCHEIDT"]);
    assert_eq!(name_components("n", "O'Brien")?, vec!["OBRIEN"]);
    assert_eq!(name_components("n", "Søren Åberg")?, vec!["SOEREN", "AABERG"]);
    assert_eq!(name_components("n", "Nguyễn Văn")?, vec!["NGUYEN", "VAN"]);
    assert_eq!(name_components("n", "Straße")?, vec!["STRASSE"]);
    assert!(name_components("n", "张").is_err());
    let f = name_field(&["ERIKSSON".into()], &["ANNA".into(), "MARIA".into()]);
    assert_eq!(f, &A1[5..]);
    let long = name_field(&["NILAVADHANANANDA".into()], &["CHAYAPA".into(), "DEJTHAMRONG".into(), "KRASUANG".into()]);
    assert_eq!(long.len(), NAME_LEN);
    assert!(long.starts_with("NILAVADHANANANDA<<CHAYAPA<"), "{long}");
    assert!(long.ends_with(|c: char| c.is_ascii_uppercase()), "a truncated field ends with a letter: {long}");
    let very_long = name_field(&["A".repeat(50)], &["B".into()]);
    assert_eq!(very_long.len(), NAME_LEN);
    Ok(())
}
