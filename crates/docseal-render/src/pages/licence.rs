//! The driving licence: front page (licence data, generation time, QR code, Code 128) and
//! back page (address, authority, file number, record, classes, points, status).

use docseal::model::{DrivingLicence, Sex};

use super::{INK, MUTED};
use super::{
    Labels, field, frame, full_name, portrait_box, reference_barcode, row, row_of, status_band, symbol_column,
};
use crate::RenderError;
use crate::portrait::Judged;
use crate::subject::Subject;
use crate::svg::{Anchor, Font, Svg};
use crate::symbols::Symbol;

const ACCENT: &str = "#234e7d";

fn sex(s: Sex) -> &'static str {
    match s {
        Sex::Male => "M",
        Sex::Female => "F",
        Sex::Unspecified => "X",
    }
}

fn titles(labels: Labels, back: bool) -> (&'static str, &'static str) {
    match (labels.chinese, back) {
        (true, false) => ("机动车驾驶证  DRIVING LICENCE", "中华人民共和国  People's Republic of China"),
        (true, true) => ("机动车驾驶证副页  DRIVING LICENCE · BACK PAGE", "中华人民共和国  People's Republic of China"),
        (false, false) => ("DRIVING LICENCE", "Front page"),
        (false, true) => ("DRIVING LICENCE · BACK PAGE", "Record, classes, points and status"),
    }
}

fn classes(licence: &DrivingLicence) -> String {
    licence.front().driving_privileges.iter().map(|p| p.vehicle_category_code.as_str()).collect::<Vec<_>>().join(" ")
}

pub(super) fn front(
    subject: &Subject<'_>,
    licence: &DrivingLicence,
    symbol: Symbol,
    portrait: &Judged,
) -> Result<Svg, RenderError> {
    let f = licence.front();
    let labels = Labels::for_country(&f.issuing_country);
    let (title, subtitle) = titles(labels, false);
    let mut svg = Svg::new();
    frame(&mut svg, ACCENT, title, &format!("{subtitle}  ·  {}", f.issuing_country));
    portrait_box(&mut svg, 30.0, 84.0, 150.0, 190.0, portrait);

    let (x, w) = (200.0, 410.0);
    let mut y = 78.0;
    y = field(&mut svg, x, y, w, &labels.label("证号", "Licence No."), &f.document_number);
    let name =
        full_name(&f.family_name, &f.given_name, f.family_name_national.as_deref(), f.given_name_national.as_deref());
    y = field(&mut svg, x, y, w, &labels.label("姓名", "Name"), &name);
    y = row(
        &mut svg,
        x,
        y,
        w,
        &[
            (labels.label("性别", "Sex"), sex(f.sex).to_owned()),
            (labels.label("国籍", "Nationality"), f.nationality.clone()),
            (labels.label("出生日期", "Date of birth"), f.birth_date.to_string()),
        ],
    );
    y = field(&mut svg, x, y, w, &labels.label("住址", "Address"), &f.resident_address);
    // The classes stand large under the portrait; this row keeps the dates together.
    let until = f.valid_until.map_or_else(|| "长期 long-term".to_owned(), |d| d.to_string());
    y = row_of(
        &mut svg,
        x,
        y,
        &[
            (150.0, labels.label("初次领证日期", "First issue"), f.first_issue_date.to_string()),
            (w - 150.0, labels.label("有效期限", "Valid"), format!("{} – {until}", f.valid_from)),
        ],
    );
    field(&mut svg, x, y, w, &labels.label("发证机关", "Issuing authority"), &f.issuing_authority);

    // Under the portrait: the class, large, as a desk reads it first.
    svg.text(30.0, 300.0, Font::sans(12.0, MUTED), Anchor::Start, &labels.label("准驾车型", "Class"));
    svg.fitted(30.0, 332.0, 150.0, Font::sans(28.0, INK).bold(), 1, &classes(licence));

    symbol_column(&mut svg, subject, symbol, 80.0, 330.0)?;
    reference_barcode(&mut svg, subject, 30.0, 478.0, 580.0, 62.0)?;
    status_band(&mut svg, subject);
    Ok(svg)
}

pub(super) fn back(subject: &Subject<'_>, licence: &DrivingLicence) -> Svg {
    let (f, b) = (licence.front(), licence.back());
    let labels = Labels::for_country(&f.issuing_country);
    let (title, subtitle) = titles(labels, true);
    let mut svg = Svg::new();
    frame(&mut svg, ACCENT, title, &format!("{subtitle}  ·  {}", f.issuing_country));

    let (x, w) = (30.0, 440.0);
    let mut y = 78.0;
    let name =
        full_name(&f.family_name, &f.given_name, f.family_name_national.as_deref(), f.given_name_national.as_deref());
    y = row(
        &mut svg,
        x,
        y,
        w,
        &[(labels.label("姓名", "Name"), name), (labels.label("证号", "Licence No."), f.document_number.clone())],
    );
    y = field(&mut svg, x, y, w, &labels.label("档案编号", "File No."), &b.file_number);
    y = field(&mut svg, x, y, w, &labels.label("住址", "Address"), &f.resident_address);
    y = field(&mut svg, x, y, w, &labels.label("发证机关", "Issuing authority"), &f.issuing_authority);
    y = row(
        &mut svg,
        x,
        y,
        w,
        &[
            (
                labels.label("累积记分", "Penalty points"),
                format!("{} / {}", b.points, docseal::model::licence::FULL_SCORE),
            ),
            (labels.label("记分周期", "Points cycle from"), b.points_cycle_start.to_string()),
        ],
    );
    let status: Vec<String> = b.status.codes().iter().map(|c| format!("{} {}", c.letter(), c.meaning())).collect();
    field(&mut svg, x, y, w, &labels.label("状态", "Status"), &status.join(", "));

    // Right: classes with their dates, then the record.
    let (rx, rw) = (500.0, 470.0);
    svg.text(rx, 91.0, Font::sans(12.0, MUTED), Anchor::Start, &labels.label("准驾车型", "Vehicle classes"));
    let privileges = &f.driving_privileges;
    let class_line = 20.0_f32.min(120.0 / privileges.len().max(1) as f32).max(10.0);
    let mut cy = 112.0;
    for p in privileges {
        let obtained = p.issue_date.map_or_else(|| "—".to_owned(), |d| format!("since {d}"));
        let lapses = p.expiry_date.map_or_else(String::new, |d| format!(", until {d}"));
        svg.fitted(
            rx,
            cy,
            rw,
            Font::sans(class_line * 0.85, INK),
            1,
            &format!("{}   {obtained}{lapses}", p.vehicle_category_code),
        );
        cy += class_line;
    }
    let record_top = cy + 14.0;
    svg.line(rx, record_top - 10.0, rx + rw, record_top - 10.0, "#c9c4b3");
    svg.text(rx, record_top + 6.0, Font::sans(12.0, MUTED), Anchor::Start, &labels.label("记录", "Record"));
    let (area_top, area_bottom) = (record_top + 28.0, 566.0);
    let record = &b.record;
    let per_line = ((area_bottom - area_top) / record.len().max(1) as f32).clamp(12.0, 22.0);
    let fit = (((area_bottom - area_top) / per_line) as usize).max(1);
    // A record longer than the page shows its newest lines and says how many more the QR
    // code carries: the page never pretends to be the whole record.
    let shown = if record.len() > fit { fit - 1 } else { record.len() };
    let mut ry = area_top;
    if record.len() > fit {
        let hidden = record.len() - shown;
        svg.text(
            rx,
            ry,
            Font::sans(per_line * 0.7, MUTED),
            Anchor::Start,
            &format!("… {hidden} earlier entries (all in the QR code)"),
        );
        ry += per_line;
    }
    for entry in &record[record.len() - shown..] {
        svg.text(rx, ry, Font::sans(per_line * 0.72, INK), Anchor::Start, &entry.date.to_string());
        svg.fitted(rx + per_line * 6.0, ry, rw - per_line * 6.0, Font::sans(per_line * 0.72, INK), 1, &entry.entry);
        ry += per_line;
    }
    if record.is_empty() {
        svg.text(rx, ry, Font::sans(15.0, MUTED), Anchor::Start, "no entries");
    }
    status_band(&mut svg, subject);
    svg
}
