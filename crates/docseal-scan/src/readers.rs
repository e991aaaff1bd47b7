//! The two readers, each over a grey image: rxing (a port of ZXing: QR, DataMatrix, Code 128,
//! several symbols per image) and rqrr (a port of quirc: QR only, its own thresholding, which
//! reads some low-contrast codes rxing misses).

use std::collections::HashSet;

use image::GrayImage;
use rxing::common::HybridBinarizer;
use rxing::multi::{GenericMultipleBarcodeReader, MultipleBarcodeReader};
use rxing::{BarcodeFormat, BinaryBitmap, DecodeHints, Luma8LuminanceSource, MultiFormatReader};

use crate::{Code, Reader, Symbology};

/// What one rxing pass looks for.
#[derive(Clone, Copy)]
pub(crate) enum Look {
    /// QR codes and DataMatrix symbols, trying hard (rotations, more rows).
    TwoD,
    /// Code 128 only (trying hard: without it rxing scans only rows near the middle).
    Code128,
}

/// Every symbol rxing finds in `image`, with its corners scaled by `scale` back to the
/// photo's pixels.
pub(crate) fn rxing_codes(image: &GrayImage, scale: f32, look: Look) -> Vec<Code> {
    let Ok(source) = Luma8LuminanceSource::new(image.as_raw().clone(), image.width(), image.height()) else {
        return Vec::new();
    };
    let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
    let (formats, try_harder) = match look {
        Look::TwoD => (HashSet::from([BarcodeFormat::QR_CODE, BarcodeFormat::DATA_MATRIX]), true),
        Look::Code128 => (HashSet::from([BarcodeFormat::CODE_128]), true),
    };
    let hints = DecodeHints { PossibleFormats: Some(formats), TryHarder: Some(try_harder), ..DecodeHints::default() };
    let mut reader = GenericMultipleBarcodeReader::new(MultiFormatReader::default());
    // rxing reports "nothing found" as an error; either way the answer is no codes.
    let found = reader.decode_multiple_with_hints(&mut bitmap, &hints).unwrap_or_default();
    found
        .iter()
        .filter_map(|r| {
            let symbology = match r.getBarcodeFormat() {
                BarcodeFormat::QR_CODE => Symbology::Qr,
                BarcodeFormat::DATA_MATRIX => Symbology::DataMatrix,
                BarcodeFormat::CODE_128 => Symbology::Code128,
                _ => return None,
            };
            let corners = r.getPoints().iter().map(|p| (p.x * scale, p.y * scale)).collect();
            Some(Code { symbology, text: r.getText().to_owned(), reader: Reader::Rxing, corners })
        })
        .collect()
}

/// Every QR code rqrr decodes in `image`.
pub(crate) fn rqrr_codes(image: &GrayImage, scale: f32) -> Vec<Code> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let pixels = image.as_raw();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|grid| {
            let corners = grid.bounds.iter().map(|p| (p.x as f32 * scale, p.y as f32 * scale)).collect();
            // A grid that fails its error correction is a shape that looked like a code.
            let (_, text) = grid.decode().ok()?;
            Some(Code { symbology: Symbology::Qr, text, reader: Reader::Rqrr, corners })
        })
        .collect()
}
