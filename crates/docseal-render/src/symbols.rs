//! The machine-readable symbols of a page as SVG paths: the QR code (or a DataMatrix) with
//! the full payload, and the Code 128 barcode with the short reference.

use std::fmt::Write;

use docseal::{ErrorCorrection, Qr};

use crate::RenderError;
use crate::svg::Svg;

/// Which 2D symbol carries the payload on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Symbol {
    /// A QR code (ISO/IEC 18004), error correction M: what every phone camera reads.
    #[default]
    Qr,
    /// A DataMatrix (ECC 200, ISO/IEC 16022), for scanners that read it.
    DataMatrix,
}

/// Quiet zone around a 2D symbol, in modules (QR asks for 4; DataMatrix for 1, 2 is safer).
const QR_QUIET: usize = 4;
const DM_QUIET: usize = 2;
/// Quiet zone on each side of a Code 128 barcode, in modules (ISO/IEC 15417 asks for 10).
const BARCODE_QUIET: usize = 10;

/// Appends one square per dark module, merged into horizontal runs to keep the path short.
fn module_path(
    d: &mut String,
    origin: (f32, f32),
    module: (f32, f32),
    size: (usize, usize),
    dark: impl Fn(usize, usize) -> bool,
) {
    let ((x0, y0), (mw, mh), (width, height)) = (origin, module, size);
    for y in 0..height {
        let mut x = 0;
        while x < width {
            if !dark(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while x < width && dark(x, y) {
                x += 1;
            }
            let _ = write!(
                d,
                "M{:.3} {:.3}h{:.3}v{:.3}h-{:.3}z",
                x0 + start as f32 * mw,
                y0 + y as f32 * mh,
                (x - start) as f32 * mw,
                mh,
                (x - start) as f32 * mw
            );
        }
    }
}

/// Draws the payload's 2D symbol in the square at (`x`, `y`) of side `side`, white
/// background and quiet zone included.
pub(crate) fn payload_symbol(
    svg: &mut Svg,
    symbol: Symbol,
    payload: &str,
    x: f32,
    y: f32,
    side: f32,
) -> Result<(), RenderError> {
    svg.rect(x, y, side, side, "#ffffff");
    let mut d = String::with_capacity(32 * 1024);
    match symbol {
        Symbol::Qr => {
            let qr = Qr::new(payload, ErrorCorrection::M).map_err(|e| RenderError::Symbol { reason: e.to_string() })?;
            let n = qr.width();
            let module = side / (n + 2 * QR_QUIET) as f32;
            let origin = QR_QUIET as f32 * module;
            module_path(&mut d, (x + origin, y + origin), (module, module), (n, n), |mx, my| qr.is_dark(mx, my));
        }
        Symbol::DataMatrix => {
            let code = datamatrix::DataMatrix::encode_str(payload, datamatrix::SymbolList::default())
                .map_err(|e| RenderError::Symbol { reason: format!("DataMatrix: {e:?}") })?;
            let bitmap = code.bitmap();
            let (w, h) = (bitmap.width(), bitmap.height());
            let mut dark = vec![false; w * h];
            for (mx, my) in bitmap.pixels() {
                dark[my * w + mx] = true;
            }
            let module = side / (w.max(h) + 2 * DM_QUIET) as f32;
            let origin = DM_QUIET as f32 * module;
            module_path(&mut d, (x + origin, y + origin), (module, module), (w, h), |mx, my| dark[my * w + mx]);
        }
    }
    svg.raw(&format!(r##"<path d="{d}" fill="#000000" shape-rendering="crispEdges"/>"##));
    Ok(())
}

/// The Code 128 modules (1 = bar) of `text`: set C over runs of digits, set B elsewhere.
pub(crate) fn code128_modules(text: &str) -> Result<Vec<u8>, RenderError> {
    if !text.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(RenderError::Symbol { reason: "Code 128 reference must be printable ASCII".into() });
    }
    // barcoders takes its character-set switches inline: U+0181 set B, U+0106 set C. Set C
    // packs two digits per symbol; it only pays for runs of 4 digits or more (two switches
    // cost two symbols), and an odd run leaves its first digit in set B.
    let mut spec = String::with_capacity(text.len() + 8);
    let bytes = text.as_bytes();
    let mut in_c = false;
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if run >= 4 {
            let odd = run % 2;
            if odd == 1 {
                if in_c || i == 0 {
                    spec.push('\u{0181}');
                }
                spec.push(char::from(bytes[i]));
            }
            spec.push('\u{0106}');
            in_c = true;
            spec.push_str(&text[i + odd..i + run]);
            i += run;
        } else {
            if in_c || i == 0 {
                spec.push('\u{0181}');
                in_c = false;
            }
            spec.push(char::from(bytes[i]));
            i += 1;
        }
    }
    let code = barcoders::sym::code128::Code128::new(&spec)
        .map_err(|e| RenderError::Symbol { reason: format!("Code 128: {e}") })?;
    Ok(code.encode())
}

/// Draws the Code 128 barcode of `text` in the box (`x`, `y`, `w`, `h`), quiet zones inside.
pub(crate) fn barcode(svg: &mut Svg, text: &str, x: f32, y: f32, w: f32, h: f32) -> Result<(), RenderError> {
    let modules = code128_modules(text)?;
    let module = w / (modules.len() + 2 * BARCODE_QUIET) as f32;
    svg.rect(x, y, w, h, "#ffffff");
    let mut d = String::with_capacity(modules.len() * 24);
    let x0 = x + BARCODE_QUIET as f32 * module;
    module_path(&mut d, (x0, y), (module, h), (modules.len(), 1), |mx, _| modules[mx] == 1);
    // Anti-aliased on purpose: a module rarely spans a whole number of pixels, and snapping
    // each edge to the pixel grid turns 1.6-pixel bars into 1s and 2s, which readers refuse;
    // grey edges keep every width right on average.
    svg.raw(&format!(r##"<path d="{d}" fill="#000000"/>"##));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code128_uses_set_c_for_long_digit_runs() {
        let long = code128_modules("DSR1/L/110105199003070017/9F86D081").unwrap();
        let all_b =
            barcoders::sym::code128::Code128::new("\u{0181}DSR1/L/110105199003070017/9F86D081").unwrap().encode();
        assert!(long.len() < all_b.len(), "set C makes the licence reference shorter");
        // Start, data, checksum and stop are whole symbols: 11 modules each, the stop 13.
        assert_eq!((long.len() - 13) % 11, 0);
        assert!(code128_modules("A B").is_err());
    }
}
