//! A bare QR code as a PNG image (what `docseal issue --qr-format png` writes): the module
//! matrix from the core, drawn square by square, so the picture is exact at any module size.

use crate::RenderError;
use docseal::Qr;

/// Modules of quiet zone around the symbol (ISO/IEC 18004 asks for 4).
const QUIET_ZONE: usize = 4;
/// The largest side drawn, in pixels: a version-40 code at 90 px per module.
const MAX_SIDE: usize = 16_384;

/// A PNG of `qr`, `module_px` pixels per module (at least 1), with a 4-module quiet zone.
///
/// # Errors
/// [`RenderError::TooLarge`] when the image would be more than 16384 pixels wide;
/// [`RenderError::Convert`] if PNG encoding fails.
///
/// # Example
/// ```
/// use docseal::{ErrorCorrection, Qr};
/// let qr = Qr::new("DS1:ABC", ErrorCorrection::M)?;
/// let png = docseal_render::qr_png(&qr, 4)?;
/// assert_eq!(&png[1..4], b"PNG");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn qr_png(qr: &Qr, module_px: u32) -> Result<Vec<u8>, RenderError> {
    let scale = module_px.max(1) as usize;
    let side = (qr.width() + 2 * QUIET_ZONE).saturating_mul(scale);
    let too_large = || RenderError::TooLarge { pixels: side as u64, max: MAX_SIDE as u64 };
    let side_u32 = u32::try_from(side).ok().filter(|_| side <= MAX_SIDE).ok_or_else(too_large)?;
    let mut pixels = vec![255u8; side * side];
    for y in 0..qr.width() {
        for x in 0..qr.width() {
            if qr.is_dark(x, y) {
                for row in 0..scale {
                    let start = ((y + QUIET_ZONE) * scale + row) * side + (x + QUIET_ZONE) * scale;
                    pixels[start..start + scale].fill(0);
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side_u32, side_u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let failed = |e: png::EncodingError| RenderError::Convert { stage: "png", reason: e.to_string() };
    let mut writer = encoder.write_header().map_err(failed)?;
    writer.write_image_data(&pixels).map_err(failed)?;
    writer.finish().map_err(failed)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use docseal::ErrorCorrection;

    use resvg::tiny_skia;

    use super::*;

    #[test]
    fn every_module_lands_on_its_pixels() -> Result<(), Box<dyn std::error::Error>> {
        let qr = Qr::new("DS1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3", ErrorCorrection::M)?;
        let png = qr_png(&qr, 3)?;
        let pixmap = tiny_skia::Pixmap::decode_png(&png)?;
        let side = (qr.width() + 2 * QUIET_ZONE) * 3;
        assert_eq!((pixmap.width() as usize, pixmap.height() as usize), (side, side));
        for y in 0..qr.width() {
            for x in 0..qr.width() {
                // The centre pixel of each module.
                let (px, py) = ((x + QUIET_ZONE) * 3 + 1, (y + QUIET_ZONE) * 3 + 1);
                let red = pixmap.data()[(py * side + px) * 4];
                assert_eq!(red == 0, qr.is_dark(x, y), "module ({x}, {y})");
            }
        }
        // The quiet zone is white.
        assert!(pixmap.data()[..side * 4 * 3 * QUIET_ZONE].iter().all(|&b| b == 255));
        Ok(())
    }

    #[test]
    fn absurd_sizes_are_refused() -> Result<(), Box<dyn std::error::Error>> {
        let qr = Qr::new(&"A".repeat(3000), ErrorCorrection::M)?;
        assert!(matches!(qr_png(&qr, 200), Err(RenderError::TooLarge { .. })));
        assert!(matches!(qr_png(&qr, u32::MAX), Err(RenderError::TooLarge { .. })));
        Ok(())
    }
}
