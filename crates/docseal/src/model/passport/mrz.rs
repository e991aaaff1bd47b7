//! ICAO Doc 9303 TD3 machine-readable zone: two lines of 44 characters, five check digits.

use crate::model::DocumentError;

/// Characters per TD3 line.
pub const LINE_LEN: usize = 44;
/// Characters of the name field (line 1, positions 6–44).
pub const NAME_LEN: usize = 39;

/// The value of an MRZ character: digits 0–9, A–Z 10–35, filler `<` 0.
fn value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'Z' => Some(u32::from(c - b'A') + 10),
        b'<' => Some(0),
        _ => None,
    }
}

/// The Doc 9303 Part 3 check digit: values weighted 7, 3, 1, … summed, modulo 10.
///
/// Returns `None` for characters outside the MRZ set.
#[must_use]
pub fn check_digit(field: &[u8]) -> Option<u8> {
    let mut sum = 0;
    for (i, &c) in field.iter().enumerate() {
        sum += value(c)? * [7, 3, 1][i % 3];
    }
    // safe: sum % 10 < 10 fits in u8.
    Some(b'0' + (sum % 10) as u8)
}

/// Whether every byte is in the MRZ character set `A–Z 0–9 <`.
#[must_use]
pub fn is_mrz_text(s: &[u8]) -> bool {
    s.iter().all(|&c| value(c).is_some())
}

/// The fields of a TD3 MRZ, as MRZ text (upper case, `<`-padded fields trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Td3 {
    /// `P` and the second character (`<` when unused).
    pub document_code: String,
    /// Issuing state (`UTO`, `D`, …), without padding.
    pub issuing_state: String,
    /// The 39-character name field as printed (`ERIKSSON<<ANNA<MARIA<<<…`).
    pub name_field: String,
    /// Document number, without padding.
    pub document_number: String,
    /// Nationality, without padding.
    pub nationality: String,
    /// Date of birth, `YYMMDD`.
    pub birth_date: String,
    /// `M`, `F` or `<`.
    pub sex: char,
    /// Date of expiry, `YYMMDD`.
    pub expiry_date: String,
    /// Optional data (personal number), without padding.
    pub optional_data: String,
    /// Whether the optional data's check digit was written as `<` (allowed when empty).
    pub optional_check_is_filler: bool,
}

fn pad(s: &str, len: usize) -> String {
    format!("{s:<<len$}")
}

fn unpad(s: &str) -> String {
    s.trim_end_matches('<').to_owned()
}

impl Td3 {
    /// Writes the two lines, computing every check digit.
    ///
    /// # Errors
    /// [`DocumentError::InvalidField`] when a field is too long or leaves the MRZ set.
    pub fn to_lines(&self) -> Result<[String; 2], DocumentError> {
        let fixed = |field: &'static str, v: &str, len: usize| {
            if v.len() > len || !is_mrz_text(v.as_bytes()) {
                Err(DocumentError::field(field, format!("{v:?} does not fit {len} MRZ characters")))
            } else {
                Ok(pad(v, len))
            }
        };
        let line1 = format!(
            "{}{}{}",
            fixed("document_code", &self.document_code, 2)?,
            fixed("issuing_state", &self.issuing_state, 3)?,
            fixed("name", &self.name_field, NAME_LEN)?
        );
        let number = fixed("document_number", &self.document_number, 9)?;
        let birth = fixed("birth_date", &self.birth_date, 6)?;
        let expiry = fixed("expiry_date", &self.expiry_date, 6)?;
        let optional = fixed("personal_number", &self.optional_data, 14)?;
        let cd = |s: &str| char::from(check_digit(s.as_bytes()).unwrap_or(b'0'));
        let optional_cd =
            if self.optional_check_is_filler && self.optional_data.is_empty() { '<' } else { cd(&optional) };
        let upper = format!("{number}{}", cd(&number));
        let middle = format!("{birth}{}", cd(&birth));
        let lower = format!("{expiry}{}{optional}{optional_cd}", cd(&expiry));
        let composite = cd(&format!("{upper}{middle}{lower}"));
        let sex = self.sex;
        let nationality = fixed("nationality", &self.nationality, 3)?;
        let line2 = format!("{upper}{nationality}{middle}{sex}{lower}{composite}");
        Ok([line1, line2])
    }

    /// Parses two TD3 lines and checks all five check digits.
    ///
    /// # Errors
    /// [`DocumentError::InvalidField`] for a wrong length, character or layout, and
    /// [`DocumentError::CheckDigit`] naming the first check digit that fails.
    pub fn parse(line1: &str, line2: &str) -> Result<Self, DocumentError> {
        const FIELD: &str = "mrz";
        for line in [line1, line2] {
            if line.len() != LINE_LEN || !is_mrz_text(line.as_bytes()) {
                return Err(DocumentError::field(FIELD, "each TD3 line is 44 characters of A-Z, 0-9 and <"));
            }
        }
        // safe to slice: both lines are 44 ASCII bytes.
        if !line1.starts_with('P') {
            return Err(DocumentError::field(FIELD, "a passport MRZ starts with P"));
        }
        let l2 = line2.as_bytes();
        let check = |field: &'static str, data: &[u8], digit: u8| -> Result<(), DocumentError> {
            let expected = check_digit(data).unwrap_or(b'?');
            if expected == digit {
                Ok(())
            } else {
                Err(DocumentError::CheckDigit { field, expected: char::from(expected), found: char::from(digit) })
            }
        };
        check("mrz document number", &l2[0..9], l2[9])?;
        let digits = |field: &'static str, s: &[u8]| {
            if s.iter().all(u8::is_ascii_digit) {
                Ok(())
            } else {
                Err(DocumentError::field(field, "YYMMDD must be digits"))
            }
        };
        digits("mrz birth date", &l2[13..19])?;
        check("mrz birth date", &l2[13..19], l2[19])?;
        digits("mrz expiry date", &l2[21..27])?;
        check("mrz expiry date", &l2[21..27], l2[27])?;
        let optional_empty = l2[28..42].iter().all(|&c| c == b'<');
        let optional_check_is_filler = l2[42] == b'<';
        if !(optional_check_is_filler && optional_empty) {
            check("mrz optional data", &l2[28..42], l2[42])?;
        }
        let composite: Vec<u8> = [&l2[0..10], &l2[13..20], &l2[21..43]].concat();
        check("mrz composite", &composite, l2[43])?;
        let sex = char::from(l2[20]);
        // `X` is not an ICAO MRZ value, but real documents carry it: accept it on reading.
        if !matches!(sex, 'M' | 'F' | '<' | 'X') {
            return Err(DocumentError::field(FIELD, format!("sex {sex:?} is not M, F or <")));
        }
        Ok(Self {
            document_code: unpad(&line1[0..2]),
            issuing_state: unpad(&line1[2..5]),
            name_field: line1[5..].to_owned(),
            document_number: unpad(&line2[0..9]),
            nationality: unpad(&line2[10..13]),
            birth_date: line2[13..19].to_owned(),
            sex,
            expiry_date: line2[21..27].to_owned(),
            optional_data: unpad(&line2[28..42]),
            optional_check_is_filler,
        })
    }

    /// The name field split into primary and secondary identifiers (`<` between components).
    #[must_use]
    pub fn names(&self) -> (String, String) {
        let trimmed = self.name_field.trim_end_matches('<');
        match trimmed.split_once("<<") {
            Some((primary, secondary)) => (primary.replace('<', " "), secondary.replace('<', " ")),
            None => (trimmed.replace('<', " "), String::new()),
        }
    }
}

/// Doc 9303 Part 3 transliteration of one Latin character to MRZ characters; `None` when the
/// character has no Latin transliteration here (a non-Latin script).
fn transliterate_char(c: char) -> Option<&'static str> {
    // ß upper-cases to "SS", of which `to_uppercase().next()` would keep one S.
    if c == 'ß' {
        return Some("SS");
    }
    let upper = c.to_uppercase().next().unwrap_or(c);
    Some(match upper {
        // A letter whose upper case is plain ASCII (the dotless ı, for one).
        'A'..='Z' => {
            const LETTERS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
            let i = (upper as usize) - ('A' as usize);
            &LETTERS[i..=i]
        }
        'Ä' | 'Æ' => "AE",
        'Å' => "AA",
        'Ö' | 'Ø' | 'Œ' => "OE",
        'Ü' => "UE",
        'ß' | 'ẞ' => "SS",
        'Þ' => "TH",
        'Ĳ' => "IJ",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ā' | 'Ă' | 'Ą' => "A",
        'Ç' | 'Ć' | 'Ĉ' | 'Ċ' | 'Č' => "C",
        'Ð' | 'Ď' | 'Đ' => "D",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ĕ' | 'Ė' | 'Ę' | 'Ě' => "E",
        'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => "G",
        'Ĥ' | 'Ħ' => "H",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ĩ' | 'Ī' | 'Ĭ' | 'Į' | 'İ' => "I",
        'Ĵ' => "J",
        'Ķ' => "K",
        'Ĺ' | 'Ļ' | 'Ľ' | 'Ŀ' | 'Ł' => "L",
        'Ñ' | 'Ń' | 'Ņ' | 'Ň' => "N",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ō' | 'Ŏ' | 'Ő' => "O",
        'Ŕ' | 'Ŗ' | 'Ř' => "R",
        'Ś' | 'Ŝ' | 'Ş' | 'Š' => "S",
        'Ţ' | 'Ť' | 'Ŧ' => "T",
        'Ù' | 'Ú' | 'Û' | 'Ũ' | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' | 'Ų' => "U",
        'Ŵ' => "W",
        'Ý' | 'Ÿ' | 'Ŷ' => "Y",
        'Ź' | 'Ż' | 'Ž' => "Z",
        // Vietnamese letters with stacked marks (Ầ, Ộ, …) decompose to their base letter.
        'Ạ'..='Ỹ' => vietnamese_base(upper),
        _ => return None,
    })
}

/// Base letter of a Vietnamese precomposed capital (U+1EA0–U+1EF9); even code points are
/// capitals, and the blocks run A, E, I, O, U, Y.
fn vietnamese_base(c: char) -> &'static str {
    match u32::from(c) {
        0x1EA0..=0x1EB7 => "A",
        0x1EB8..=0x1EC7 => "E",
        0x1EC8..=0x1ECB => "I",
        0x1ECC..=0x1EE3 => "O",
        0x1EE4..=0x1EF1 => "U",
        _ => "Y",
    }
}

/// One name (primary or secondary identifier) as MRZ components: upper case, transliterated,
/// spaces and hyphens as `<`, apostrophes dropped.
///
/// # Errors
/// A character with no Latin transliteration (put national-script names in the
/// `*_national` fields), or a name that leaves nothing.
pub fn name_components(field: &'static str, name: &str) -> Result<Vec<String>, DocumentError> {
    let mut components = vec![String::new()];
    for c in name.chars() {
        match c {
            '\'' | '’' | 'ʼ' => {}
            ' ' | '-' | ',' | '.' => {
                if components.last().is_some_and(|s| !s.is_empty()) {
                    components.push(String::new());
                }
            }
            c if c.is_ascii_alphabetic() => components.last_mut().map(|s| s.push(c.to_ascii_uppercase())).unwrap_or(()),
            c => {
                let t = transliterate_char(c).ok_or_else(|| {
                    DocumentError::field(
                        field,
                        format!("{c:?} has no Latin transliteration; use the *_national fields"),
                    )
                })?;
                if let Some(s) = components.last_mut() {
                    s.push_str(t);
                }
            }
        }
    }
    components.retain(|s| !s.is_empty());
    if components.is_empty() {
        return Err(DocumentError::field(field, "no letters left for the MRZ"));
    }
    Ok(components)
}

/// The 39-character name field. When the full name does not fit, components are shortened
/// from the end, secondary identifier first and down to initials, then the primary one.
///
/// Doc 9303 Part 3 section 4.6 gives the authoritative truncation order; it was not re-read
/// for this code (docs/DOMAIN.md), so this follows its widely described outline and
/// always ends a truncated field with a letter.
#[must_use]
pub fn name_field(primary: &[String], secondary: &[String]) -> String {
    let render = |p: &[String], s: &[String]| {
        let mut out = p.join("<");
        if !s.is_empty() {
            out.push_str("<<");
            out.push_str(&s.join("<"));
        }
        out
    };
    let (mut p, mut s) = (primary.to_vec(), secondary.to_vec());
    let shorten = |parts: &mut Vec<String>, excess: &mut usize| {
        for part in parts.iter_mut().rev() {
            while *excess > 0 && part.len() > 1 {
                part.pop();
                *excess -= 1;
            }
        }
    };
    let mut excess = render(&p, &s).len().saturating_sub(NAME_LEN);
    shorten(&mut s, &mut excess);
    shorten(&mut p, &mut excess);
    let mut out = render(&p, &s);
    out.truncate(NAME_LEN);
    pad(out.trim_end_matches('<'), NAME_LEN)
}

#[cfg(test)]
mod tests;
