//! The passport's data page (ICAO 9303 TD3 layout, simplified): portrait, the printed
//! fields, the QR code, and the two MRZ lines in OCR-B.

use docseal::model::{Passport, Sex};

use super::{Labels, field, frame, national_name, portrait_box, reference_barcode, row, status_band, symbol_column};
use crate::RenderError;
use crate::portrait::Judged;
use crate::subject::Subject;
use crate::svg::{Anchor, Font, OCR_B, Svg};
use crate::symbols::Symbol;

const ACCENT: &str = "#5a2336";

fn sex(s: Sex) -> &'static str {
    match s {
        Sex::Male => "M",
        Sex::Female => "F",
        Sex::Unspecified => "X",
    }
}

pub(super) fn data_page(
    subject: &Subject<'_>,
    passport: &Passport,
    symbol: Symbol,
    portrait: &Judged,
) -> Result<Svg, RenderError> {
    let d = passport.data();
    let labels = Labels::for_country(&d.issuing_state);
    let title = if labels.chinese { "护照  PASSPORT" } else { "PASSPORT" };
    let mut svg = Svg::new();
    frame(&mut svg, ACCENT, title, &format!("Data page  ·  {}", d.issuing_state));
    portrait_box(&mut svg, 30.0, 84.0, 150.0, 190.0, portrait);

    let (x, w) = (200.0, 430.0);
    let mut y = 78.0;
    y = row(
        &mut svg,
        x,
        y,
        w,
        &[
            (labels.label("类型", "Type"), d.document_code.clone()),
            (labels.label("国家码", "Code"), d.issuing_state.clone()),
            (labels.label("护照号", "Passport No."), d.document_number.clone()),
        ],
    );
    let national = match (&d.family_name_national, &d.given_name_national) {
        (Some(f), Some(g)) => national_name(f, g),
        (Some(one), None) | (None, Some(one)) => one.clone(),
        (None, None) => "—".to_owned(),
    };
    y = row(
        &mut svg,
        x,
        y,
        w,
        &[
            (labels.label("姓", "Surname"), d.family_name.clone()),
            (labels.label("名", "Given names"), d.given_name.clone()),
            (labels.label("姓名", "National script"), national),
        ],
    );
    y = row(
        &mut svg,
        x,
        y,
        w,
        &[
            (labels.label("国籍", "Nationality"), d.nationality.clone()),
            (labels.label("性别", "Sex"), sex(d.sex).to_owned()),
            (labels.label("出生日期", "Date of birth"), d.birth_date.to_string()),
        ],
    );
    y = row(
        &mut svg,
        x,
        y,
        w,
        &[
            (labels.label("出生地点", "Place of birth"), d.birth_place.clone().unwrap_or_else(|| "—".into())),
            (labels.label("签发日期", "Date of issue"), d.issue_date.to_string()),
            (labels.label("有效期至", "Date of expiry"), d.expiry_date.to_string()),
        ],
    );
    field(&mut svg, x, y, w, &labels.label("签发机关", "Authority"), &d.issuing_authority);
    if let Some(number) = &d.personal_number {
        field(&mut svg, 30.0, 290.0, 150.0, &labels.label("个人号码", "Personal No."), number);
    }

    symbol_column(&mut svg, subject, symbol, 78.0, 300.0)?;
    // Under the fields, across to the QR column's text: wide enough for 1.8 units a module.
    reference_barcode(&mut svg, subject, 30.0, 404.0, 610.0, 46.0)?;

    // The machine-readable zone: two 44-character lines in OCR-B on a white strip.
    svg.rect(0.0, 486.0, 1000.0, 94.0, "#ffffff");
    let mrz = passport.mrz();
    let font = Font { size: 31.0, bold: false, color: "#000000", family: OCR_B };
    svg.text(500.0, 522.0, font, Anchor::Middle, &mrz[0]);
    svg.text(500.0, 564.0, font, Anchor::Middle, &mrz[1]);
    status_band(&mut svg, subject);
    Ok(svg)
}
