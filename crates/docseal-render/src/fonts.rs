//! The embedded fonts (see `fonts/README.md` for where they come from and their licences).

use std::collections::BTreeSet;
use std::sync::OnceLock;

use resvg::usvg::fontdb::Database;

use crate::svg::{OCR_B, SANS};

/// WenQuanYi Micro Hei, subset by `scripts/subset-fonts`: Latin with Vietnamese, Greek,
/// punctuation, CJK symbols, full-width forms and the hanzi of GB 2312 and Big5 level 1.
static SANS_TTF: &[u8] = include_bytes!("../fonts/docseal-sans.ttf");
/// OCR-B (Matthew Skala, public domain): the MRZ typeface of ICAO 9303.
static OCR_B_OTF: &[u8] = include_bytes!("../fonts/ocr-b.otf");

pub(crate) fn database() -> Database {
    let mut db = Database::new();
    db.load_font_data(SANS_TTF.to_vec());
    db.load_font_data(OCR_B_OTF.to_vec());
    db.set_sans_serif_family(SANS);
    db.set_serif_family(SANS);
    db.set_monospace_family(OCR_B);
    db
}

/// The characters each font has, parsed once.
fn coverage(font: &'static [u8]) -> BTreeSet<char> {
    #[allow(clippy::expect_used)]
    // safe: `font` is one of the two files embedded above, fixed at compile time; the unit
    // test `the_fonts_cover_latin_vietnamese_chinese_and_the_mrz` parses both.
    let face = ttf_parser::Face::parse(font, 0).expect("the embedded fonts parse");
    let mut set = BTreeSet::new();
    if let Some(cmap) = face.tables().cmap {
        for table in cmap.subtables {
            if table.is_unicode() {
                table.codepoints(|cp| {
                    if let Some(c) = char::from_u32(cp) {
                        set.insert(c);
                    }
                });
            }
        }
    }
    set
}

fn sans_coverage() -> &'static BTreeSet<char> {
    static SET: OnceLock<BTreeSet<char>> = OnceLock::new();
    SET.get_or_init(|| coverage(SANS_TTF))
}

fn ocr_b_coverage() -> &'static BTreeSet<char> {
    static SET: OnceLock<BTreeSet<char>> = OnceLock::new();
    SET.get_or_init(|| coverage(OCR_B_OTF))
}

/// The characters a page uses that its fonts cannot draw (they would show as empty boxes).
pub(crate) fn missing(sans: &BTreeSet<char>, mrz: &BTreeSet<char>) -> Vec<char> {
    let mut out: Vec<char> = sans.difference(sans_coverage()).copied().collect();
    out.extend(mrz.difference(ocr_b_coverage()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fonts_cover_latin_vietnamese_chinese_and_the_mrz() {
        let sans = sans_coverage();
        for c in "ZHANG SAN 张三 北京市朝阳区建国路88号 陳大文 Nguyễn Thị Hằng Đặng Phước Hưng ÄÖÜß ÉÈ".chars()
        {
            assert!(c == ' ' || sans.contains(&c), "sans font lacks {c:?}");
        }
        assert!(sans.len() > 9_000, "subset has {} characters", sans.len());
        let ocr = ocr_b_coverage();
        for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<".chars() {
            assert!(ocr.contains(&c), "OCR-B lacks {c:?}");
        }
        // A rare character outside GB 2312 and Big5 level 1 is reported, not drawn blank silently.
        let rare: BTreeSet<char> = ['𠀀', '张'].into_iter().collect();
        assert_eq!(missing(&rare, &BTreeSet::new()), vec!['𠀀']);
    }

    #[test]
    fn the_database_knows_both_families() {
        let db = database();
        let families: Vec<String> = db.faces().flat_map(|f| f.families.iter().map(|(n, _)| n.clone())).collect();
        assert!(families.iter().any(|n| n == SANS), "{families:?}");
        assert!(families.iter().any(|n| n == OCR_B), "{families:?}");
    }
}
