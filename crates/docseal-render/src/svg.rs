//! A small SVG writer: the page layouts speak in boxes, text lines and fills; this module
//! turns them into SVG source with every text escaped and every character recorded (so the
//! renderer can say which ones the embedded fonts lack).

use std::collections::BTreeSet;
use std::fmt::Write;

/// The family name of the embedded sans-serif font (Latin, Vietnamese, Chinese).
pub(crate) const SANS: &str = "WenQuanYi Micro Hei";
/// The family name of the embedded OCR-B font (machine-readable zones).
pub(crate) const OCR_B: &str = "OCR B";

/// Page width and height in SVG user units (CSS pixels at scale 1): the ID-1 card's ratio.
pub(crate) const PAGE_W: f32 = 1000.0;
pub(crate) const PAGE_H: f32 = 640.0;

/// Text placement: left-aligned, centred or right-aligned at `x`.
#[derive(Clone, Copy)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

/// The style of one text line.
#[derive(Clone, Copy)]
pub(crate) struct Font {
    pub(crate) size: f32,
    pub(crate) bold: bool,
    pub(crate) color: &'static str,
    pub(crate) family: &'static str,
}

impl Font {
    pub(crate) const fn sans(size: f32, color: &'static str) -> Self {
        Self { size, bold: false, color, family: SANS }
    }

    pub(crate) const fn bold(mut self) -> Self {
        self.bold = true;
        self
    }
}

/// An SVG document under construction.
pub(crate) struct Svg {
    body: String,
    chars: BTreeSet<char>,
    mrz_chars: BTreeSet<char>,
}

/// Escapes text for XML character data and attribute values.
fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Control characters are not XML; the document rules refuse them, so this only
            // guards against a future field that does not.
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// An estimate of a text's advance in ems: CJK and full-width characters are one em, the
/// embedded sans font's Latin letters about 0.58. Used to fit lines into their boxes.
pub(crate) fn width_em(text: &str) -> f32 {
    text.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFF00..=0xFF60 => 1.0,
            _ if c.is_ascii_uppercase() || c.is_ascii_digit() => 0.62,
            _ => 0.55,
        })
        .sum()
}

impl Svg {
    pub(crate) fn new() -> Self {
        let mut body = String::with_capacity(64 * 1024);
        let _ = write!(
            body,
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{PAGE_W}" height="{PAGE_H}" viewBox="0 0 {PAGE_W} {PAGE_H}">"#
        );
        Self { body, chars: BTreeSet::new(), mrz_chars: BTreeSet::new() }
    }

    pub(crate) fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: &str) {
        let _ = write!(self.body, r#"<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}"/>"#);
    }

    /// A box with 6-unit rounded corners and a thin outline.
    pub(crate) fn rounded(&mut self, x: f32, y: f32, w: f32, h: f32, fill: &str, stroke: &str) {
        let _ = write!(
            self.body,
            r#"<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="6" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>"#
        );
    }

    pub(crate) fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, stroke: &str) {
        let _ =
            write!(self.body, r#"<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{stroke}" stroke-width="1"/>"#);
    }

    /// A path in absolute coordinates, filled.
    pub(crate) fn path(&mut self, d: &str, fill: &str) {
        let _ = write!(self.body, r#"<path d="{d}" fill="{fill}"/>"#);
    }

    pub(crate) fn raw(&mut self, element: &str) {
        self.body.push_str(element);
    }

    /// One line of text with its baseline at `y`.
    pub(crate) fn text(&mut self, x: f32, y: f32, font: Font, anchor: Anchor, text: &str) {
        let set = if font.family == OCR_B { &mut self.mrz_chars } else { &mut self.chars };
        set.extend(text.chars().filter(|c| !c.is_whitespace()));
        let anchor = match anchor {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        };
        let weight = if font.bold { "bold" } else { "normal" };
        let _ = write!(
            self.body,
            r#"<text x="{x}" y="{y}" font-family="{}" font-size="{}" font-weight="{weight}" fill="{}" text-anchor="{anchor}" xml:space="preserve">"#,
            font.family, font.size, font.color
        );
        escape(text, &mut self.body);
        self.body.push_str("</text>");
    }

    /// Text shrunk (down to 60 % of its size) to fit `max_width`, then wrapped over at most
    /// `max_lines` lines `line_gap` apart; returns the baseline after the last line. Nothing
    /// is cut: a text longer than the lines allow takes the last line whole at the small size.
    pub(crate) fn fitted(&mut self, x: f32, y: f32, max_width: f32, font: Font, max_lines: usize, text: &str) -> f32 {
        let full = width_em(text) * font.size;
        if full <= max_width {
            self.text(x, y, font, Anchor::Start, text);
            return y + font.size * 1.25;
        }
        let shrunk = (font.size * max_width / full).max(font.size * 0.6);
        let size = Font { size: shrunk, ..font };
        if width_em(text) * shrunk <= max_width || max_lines <= 1 {
            self.text(x, y, size, Anchor::Start, text);
            return y + shrunk * 1.25;
        }
        let mut lines: Vec<String> = Vec::new();
        let mut current = String::new();
        for c in text.chars() {
            current.push(c);
            if width_em(&current) * shrunk > max_width && lines.len() + 1 < max_lines {
                // Break before the last space when there is one, else before this character.
                let split = current.rfind(' ').filter(|&i| i > 0).unwrap_or(current.len() - c.len_utf8());
                let rest = current.split_off(split);
                lines.push(std::mem::take(&mut current));
                current = rest.trim_start().to_owned();
            }
        }
        lines.push(current);
        let mut baseline = y;
        for line in &lines {
            self.text(x, baseline, size, Anchor::Start, line);
            baseline += shrunk * 1.2;
        }
        baseline
    }

    /// Characters the sans-serif text uses.
    #[cfg(feature = "raster")]
    pub(crate) fn chars(&self) -> &BTreeSet<char> {
        &self.chars
    }

    /// Characters the OCR-B text uses.
    #[cfg(feature = "raster")]
    pub(crate) fn mrz_chars(&self) -> &BTreeSet<char> {
        &self.mrz_chars
    }

    pub(crate) fn finish(mut self) -> String {
        self.body.push_str("</svg>");
        self.body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_its_characters_recorded() {
        let mut svg = Svg::new();
        svg.text(0.0, 10.0, Font::sans(12.0, "#000"), Anchor::Start, "A<&>\"张");
        let out = svg.chars().clone();
        let source = svg.finish();
        assert!(source.contains("A&lt;&amp;&gt;&quot;张"));
        assert_eq!(out.into_iter().collect::<String>(), "\"&<>A张");
    }

    #[test]
    fn long_text_wraps_without_losing_characters() {
        let mut svg = Svg::new();
        let text = "北京市朝阳区建国路88号院3号楼2单元1201室 Tiếng Việt Nguyễn Thị Hằng";
        let end = svg.fitted(0.0, 20.0, 150.0, Font::sans(18.0, "#000"), 3, text);
        assert!(end > 20.0 + 18.0 * 0.6 * 1.2, "wrapped onto more than one line");
        let source = svg.finish();
        let kept: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let written: String = source
            .split("<text")
            .skip(1)
            .filter_map(|t| t.split_once('>').and_then(|(_, rest)| rest.split_once("</text>")).map(|(inner, _)| inner))
            .collect::<String>()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert_eq!(written, kept);
    }
}
