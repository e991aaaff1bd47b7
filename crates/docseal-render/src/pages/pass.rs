//! The temporary pass: one page standing in for a lost or forgotten travel permit for at most
//! 7 days, for air and rail travel only.

use docseal::model::{Sex, TemporaryPass, TravelMode};

use super::{MUTED, field, frame, full_name, reference_barcode, row, status_band, symbol_column};
use crate::RenderError;
use crate::subject::Subject;
use crate::svg::{Anchor, Font, Svg};
use crate::symbols::Symbol;

const ACCENT: &str = "#7a4a12";

fn sex(s: Sex) -> &'static str {
    match s {
        Sex::Male => "M",
        Sex::Female => "F",
        Sex::Unspecified => "X",
    }
}

fn mode(m: TravelMode) -> &'static str {
    match m {
        TravelMode::Air => "航空 air",
        TravelMode::Rail => "铁路 rail",
    }
}

pub(super) fn page(subject: &Subject<'_>, pass: &TemporaryPass, symbol: Symbol) -> Result<Svg, RenderError> {
    let d = pass.data();
    let mut svg = Svg::new();
    frame(
        &mut svg,
        ACCENT,
        "临时通行证  TEMPORARY PASS",
        "One-time pass in place of a travel permit  ·  air and rail only",
    );

    let (x, w) = (30.0, 580.0);
    let mut y = 78.0;
    y = row(
        &mut svg,
        x,
        y,
        w,
        &[
            ("通行证号  Pass No.".to_owned(), d.pass_number.clone()),
            ("证件号码  Permit No.".to_owned(), d.permit_number.clone()),
        ],
    );
    let name =
        full_name(&d.family_name, &d.given_name, d.family_name_national.as_deref(), d.given_name_national.as_deref());
    y = field(&mut svg, x, y, w, "姓名  Name", &name);
    y = row(
        &mut svg,
        x,
        y,
        w,
        &[
            ("性别  Sex".to_owned(), sex(d.sex).to_owned()),
            ("出生日期  Date of birth".to_owned(), d.birth_date.to_string()),
            ("证件有效期至  Permit expires".to_owned(), d.permit_expiry_date.to_string()),
        ],
    );
    y = field(
        &mut svg,
        x,
        y,
        w,
        "有效期限  Valid (both days included)",
        &format!("{} – {}", d.valid_from, d.valid_until),
    );
    let modes: Vec<&str> = d.travel_modes.iter().map(|m| mode(*m)).collect();
    y = field(&mut svg, x, y, w, "交通方式  Travel modes", &modes.join("  ·  "));
    y = field(&mut svg, x, y, w, "签发机关  Issuing authority", &d.issuing_authority);
    svg.text(
        x,
        y + 14.0,
        Font::sans(12.0, MUTED),
        Anchor::Start,
        "Valid once, with the holder's identity checked; at most 2 passes per month.",
    );

    symbol_column(&mut svg, subject, symbol, 80.0, 330.0)?;
    reference_barcode(&mut svg, subject, 30.0, 478.0, 580.0, 62.0)?;
    status_band(&mut svg, subject);
    Ok(svg)
}
