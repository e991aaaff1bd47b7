//! The page layouts, and the parts they share: header, labelled fields, portrait box, the
//! QR column, the barcode, the status band and the UNVERIFIED watermark.
//!
//! Every page is 1000 x 640 units: header 0-64, body 64-580, status band 580-640.

mod licence;
mod pass;
mod passport;

use docseal::BarcodeReference;
use docseal::model::Credential;

use crate::RenderError;
use crate::portrait::Judged;
use crate::subject::{Provenance, Subject};
use crate::svg::{Anchor, Font, PAGE_H, PAGE_W, Svg};
use crate::symbols::{self, Symbol};

const INK: &str = "#1a1a1a";
const MUTED: &str = "#5b6470";
const PAPER: &str = "#f7f4ea";
const GREEN: &str = "#1e7a3c";
const RED: &str = "#b3261e";
const GREY: &str = "#6b6b6b";
const BLUE: &str = "#1f4e79";

/// Top of the status band.
const BAND_Y: f32 = 580.0;

/// Whether labels carry the Chinese term beside the English one.
#[derive(Clone, Copy)]
pub(crate) struct Labels {
    chinese: bool,
}

impl Labels {
    fn for_country(code: &str) -> Self {
        Self { chinese: matches!(code, "CN" | "CHN" | "HK" | "HKG" | "MO" | "MAC") }
    }

    /// `"证号 Licence No."` or `"Licence No."`.
    fn label(self, chinese: &str, english: &str) -> String {
        if self.chinese { format!("{chinese}  {english}") } else { english.to_owned() }
    }
}

/// A full name: national script first when there is one, then Latin.
fn full_name(family: &str, given: &str, family_national: Option<&str>, given_national: Option<&str>) -> String {
    let latin = format!("{family} {given}");
    match (family_national, given_national) {
        (Some(f), Some(g)) => format!("{}  {latin}", national_name(f, g)),
        (Some(f), None) => format!("{f}  {latin}"),
        (None, Some(g)) => format!("{g}  {latin}"),
        (None, None) => latin,
    }
}

/// Family then given name in the national script: Chinese names run together (张三),
/// names in alphabetic scripts keep their space (Nguyễn Thị Hằng).
fn national_name(family: &str, given: &str) -> String {
    let han = |s: &str| {
        s.chars()
            .all(|c| matches!(c, '\u{3400}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{3134f}' | '·'))
    };
    if han(family) && han(given) { format!("{family}{given}") } else { format!("{family} {given}") }
}

/// Draws every page of `subject`, each with its name.
pub(crate) fn draw(
    subject: &Subject<'_>,
    symbol: Symbol,
    portrait: &Judged,
) -> Result<Vec<(&'static str, Svg)>, RenderError> {
    match subject.credential() {
        Credential::DrivingLicence(licence) => Ok(vec![
            ("front", licence::front(subject, licence, symbol, portrait)?),
            ("back", licence::back(subject, licence)),
        ]),
        Credential::Passport(passport) => {
            Ok(vec![("data-page", passport::data_page(subject, passport, symbol, portrait)?)])
        }
        Credential::TemporaryPass(pass) => Ok(vec![("pass", pass::page(subject, pass, symbol)?)]),
        other => Err(RenderError::Symbol {
            reason: format!("no page layout for a {} in this version", other.document_type()),
        }),
    }
}

/// The page's paper, border and header band.
fn frame(svg: &mut Svg, accent: &str, title: &str, subtitle: &str) {
    svg.rect(0.0, 0.0, PAGE_W, PAGE_H, PAPER);
    svg.rect(0.0, 0.0, PAGE_W, 64.0, accent);
    svg.text(30.0, 30.0, Font::sans(22.0, "#ffffff").bold(), Anchor::Start, title);
    svg.text(30.0, 53.0, Font::sans(14.0, "#e8eef5"), Anchor::Start, subtitle);
    svg.text(970.0, 40.0, Font::sans(15.0, "#ffffff").bold(), Anchor::End, "ELECTRONIC COPY");
}

/// A label in small muted type with its value below; returns the next row's top.
fn field(svg: &mut Svg, x: f32, y: f32, width: f32, label: &str, value: &str) -> f32 {
    svg.text(x, y + 13.0, Font::sans(12.0, MUTED), Anchor::Start, label);
    let end = svg.fitted(x, y + 34.0, width, Font::sans(19.0, INK), 2, value);
    end.max(y + 34.0 + 19.0 * 0.25) + 4.0
}

/// Fields side by side in one row; returns the next row's top.
fn row(svg: &mut Svg, x: f32, y: f32, width: f32, cells: &[(String, String)]) -> f32 {
    let count = cells.len().max(1) as f32;
    let cell = width / count;
    let mut bottom = y;
    for (i, (label, value)) in cells.iter().enumerate() {
        bottom = bottom.max(field(svg, x + i as f32 * cell, y, cell - 12.0, label, value));
    }
    bottom
}

/// Fields side by side with the given widths; returns the next row's top.
fn row_of(svg: &mut Svg, x: f32, y: f32, cells: &[(f32, String, String)]) -> f32 {
    let mut left = x;
    let mut bottom = y;
    for (width, label, value) in cells {
        bottom = bottom.max(field(svg, left, y, width - 12.0, label, value));
        left += width;
    }
    bottom
}

/// The portrait, or a placeholder silhouette with the reason.
fn portrait_box(svg: &mut Svg, x: f32, y: f32, w: f32, h: f32, portrait: &Judged) {
    svg.rounded(x, y, w, h, "#e4e1d6", "#b9b4a4");
    if let Some(uri) = &portrait.data_uri {
        svg.raw(&format!(
            r#"<image x="{}" y="{}" width="{}" height="{}" preserveAspectRatio="xMidYMid slice" xlink:href="{uri}"/>"#,
            x + 3.0,
            y + 3.0,
            w - 6.0,
            h - 6.0
        ));
        return;
    }
    let cx = x + w / 2.0;
    svg.raw(&format!(r##"<circle cx="{cx}" cy="{}" r="{}" fill="#c9c4b3"/>"##, y + h * 0.36, w * 0.2));
    svg.path(
        &format!(
            "M{} {}C{} {} {} {} {} {}Z",
            x + w * 0.15,
            y + h * 0.86,
            x + w * 0.18,
            y + h * 0.52,
            x + w * 0.82,
            y + h * 0.52,
            x + w * 0.85,
            y + h * 0.86
        ),
        "#c9c4b3",
    );
    if let Some(caption) = portrait.shown.caption() {
        svg.fitted(x + 6.0, y + h - 10.0, w - 12.0, Font::sans(10.0, MUTED), 1, caption);
    }
}

/// The 2D symbol in the right column, and under it when this copy was generated and until
/// when it may be used.
fn symbol_column(svg: &mut Svg, subject: &Subject<'_>, symbol: Symbol, y: f32, side: f32) -> Result<f32, RenderError> {
    let x = 970.0 - side;
    symbols::payload_symbol(svg, symbol, subject.payload(), x, y, side)?;
    let zone = subject.credential().zone();
    let generated = subject.generated_at().map_or_else(|| "unknown".to_owned(), |t| zone.local_time(t));
    let until = chrono::DateTime::from_timestamp(subject.claims().expires_at, 0)
        .map_or_else(|| "unknown".to_owned(), |t| zone.local_time(t));
    let mut line = y + side + 18.0;
    svg.text(x, line, Font::sans(12.0, MUTED), Anchor::Start, "生成时间  E-copy generated");
    line = svg.fitted(x, line + 19.0, side, Font::sans(15.0, INK).bold(), 1, &generated);
    svg.text(x, line, Font::sans(12.0, MUTED), Anchor::Start, "Copy valid until");
    Ok(svg.fitted(x, line + 18.0, side, Font::sans(13.0, INK), 1, &until))
}

/// The Code 128 reference with its human-readable text underneath.
fn reference_barcode(svg: &mut Svg, subject: &Subject<'_>, x: f32, y: f32, w: f32, h: f32) -> Result<(), RenderError> {
    let reference = BarcodeReference::new(subject.credential(), subject.payload())
        .map_err(|e| RenderError::Symbol { reason: e.to_string() })?
        .to_string();
    symbols::barcode(svg, &reference, x, y, w, h)?;
    svg.text(x + w / 2.0, y + h + 17.0, Font::sans(14.0, INK), Anchor::Middle, &reference);
    Ok(())
}

/// The band at the bottom: green when the verified document may be used, red with the reason
/// when not, each stamped with the time of its verification; blue on a page drawn at issue
/// (no verdict: it would not hold); grey when nothing was verified, with an UNVERIFIED
/// watermark over the page.
fn status_band(svg: &mut Svg, subject: &Subject<'_>) {
    let zone = subject.credential().zone();
    let (colour, headline, detail) = match subject.provenance() {
        Provenance::Verified { trusted_name, usability, at } => {
            let checked = format!("checked {}", zone.local_time(*at));
            match usability.reason() {
                None => {
                    (GREEN, "VALID  ·  USABLE".to_owned(), format!("signature verified: {trusted_name} · {checked}"))
                }
                Some(reason) => (RED, "NOT USABLE".to_owned(), format!("{reason} · {checked}")),
            }
        }
        Provenance::Issued => {
            let generated = subject.generated_at().map_or_else(|| "unknown".to_owned(), |t| zone.local_time(t));
            (
                BLUE,
                "ELECTRONIC COPY".to_owned(),
                format!("generated {generated}: verify its code for the current status"),
            )
        }
        Provenance::Unverified => {
            (GREY, "UNVERIFIED".to_owned(), "signature not checked: do not rely on this page".to_owned())
        }
    };
    svg.rect(0.0, BAND_Y, PAGE_W, PAGE_H - BAND_Y, colour);
    svg.text(30.0, BAND_Y + 39.0, Font::sans(24.0, "#ffffff").bold(), Anchor::Start, &headline);
    svg.fitted(330.0, BAND_Y + 37.0, 640.0, Font::sans(17.0, "#ffffff"), 1, &detail);
    if !subject.is_verified() {
        svg.raw(&format!(r##"<g transform="rotate(-24 {} {})" opacity="0.3">"##, PAGE_W / 2.0, PAGE_H / 2.0));
        svg.text(
            PAGE_W / 2.0,
            PAGE_H / 2.0 + 40.0,
            Font { size: 120.0, bold: true, color: "#c62828", family: crate::svg::SANS },
            Anchor::Middle,
            "UNVERIFIED",
        );
        svg.raw("</g>");
    }
}
