//! Reading the payload from an image file or a camera frame, inside the module.
//!
//! The browser decodes the file (PNG, JPEG, whatever it can show) onto a canvas and passes
//! the pixels: in WebAssembly the `image` crate's PNG path asks for the system time (its
//! colour-profile code stamps a creation date), which a browser module does not have.

use docseal_scan::{GrayImage, Scanner};
use wasm_bindgen::prelude::wasm_bindgen;

use crate::{Desk, DeskError};

/// Pixels the desk reads at most (a 24-megapixel photo); larger images are refused before
/// their pixels are allocated.
const MAX_PIXELS: u64 = 24_000_000;

fn first_text(image: &GrayImage) -> Result<String, DeskError> {
    let codes = Scanner::new().scan_on_this_thread(image)?;
    // A document's QR carries the payload; prefer it over any other code in the picture.
    let payload = codes.iter().find(|c| c.text.starts_with("DS1:") || c.text.starts_with("HC1:"));
    Ok(payload.or(codes.first()).map(|c| c.text.clone()).ok_or(docseal_scan::ScanError::NoCode)?)
}

#[wasm_bindgen]
impl Desk {
    /// The text of the code in an RGBA frame: a canvas's `ImageData`, from an image file or
    /// the camera.
    ///
    /// # Errors
    /// [`DeskError::Scan`] when no code is found or the buffer is not `width * height * 4`.
    #[wasm_bindgen(js_name = readPixels)]
    pub fn read_pixels(rgba: &[u8], width: u32, height: u32) -> Result<String, DeskError> {
        let expected = u64::from(width) * u64::from(height) * 4;
        if expected / 4 > MAX_PIXELS {
            return Err(docseal_scan::ScanError::TooLarge { width, height, max_pixels: MAX_PIXELS }.into());
        }
        if rgba.len() as u64 != expected {
            return Err(docseal_scan::ScanError::Unreadable {
                reason: format!("{} bytes for a {width} x {height} RGBA frame", rgba.len()),
            }
            .into());
        }
        // ITU-R BT.601 luma, as the renderer's rasters and the photo path use.
        let luma = rgba
            .chunks_exact(4)
            .map(|p| ((u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114) / 1000) as u8)
            .collect();
        // safe: `luma` has one byte per pixel, width * height of them (checked above).
        #[allow(clippy::expect_used)]
        let image = GrayImage::from_raw(width, height, luma).expect("a buffer of width * height bytes");
        first_text(&image)
    }
}
