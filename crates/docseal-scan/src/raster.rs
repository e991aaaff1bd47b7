//! Photos in: decoding PNG/JPEG bytes to grey under a size limit, and the reduced copy the
//! readers try first.

use image::{GrayImage, ImageReader, Limits};

use crate::ScanError;

/// Decodes PNG or JPEG `bytes` to an 8-bit grey image, refusing images over `max_pixels`
/// before their pixels are allocated.
pub(crate) fn decode(bytes: &[u8], max_pixels: u64) -> Result<GrayImage, ScanError> {
    let unreadable = |e: image::ImageError| ScanError::Unreadable { reason: e.to_string() };
    let reader = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ScanError::Unreadable { reason: e.to_string() })?;
    if reader.format().is_none() {
        return Err(ScanError::Unreadable { reason: "neither PNG nor JPEG".to_owned() });
    }
    let (width, height) = reader.into_dimensions().map_err(unreadable)?;
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(ScanError::TooLarge { width, height, max_pixels });
    }
    let mut reader = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ScanError::Unreadable { reason: e.to_string() })?;
    let mut limits = Limits::default();
    // Room for the decoded RGBA buffer and the decoder's own working memory.
    limits.max_alloc = Some(max_pixels.saturating_mul(8));
    reader.limits(limits);
    let image = reader.decode().map_err(unreadable)?;
    if image.width() == 0 || image.height() == 0 {
        return Err(ScanError::Unreadable { reason: "the image has no pixels".to_owned() });
    }
    Ok(image.into_luma8())
}

/// `image` shrunk by a whole factor to at most `max_pixels`, or `None` when it is within.
pub(crate) fn within_pixels(image: &GrayImage, max_pixels: u64) -> Option<GrayImage> {
    let pixels = u64::from(image.width()) * u64::from(image.height());
    if pixels <= max_pixels || max_pixels == 0 {
        return None;
    }
    // The smallest whole factor f with pixels / f^2 <= max_pixels.
    let mut factor = 2u32;
    while pixels / u64::from(factor * factor) > max_pixels {
        factor += 1;
    }
    reduced(image, image.width().max(image.height()) / factor)
}

/// `image` shrunk by the whole factor that brings its longer side to at most `side`
/// (averaging each factor x factor block), or `None` when it is small enough already.
///
/// A 2-megapixel photo of a page holds its QR code at several pixels a module; the readers
/// find it as well at half the size in a quarter of the time.
pub(crate) fn reduced(image: &GrayImage, side: u32) -> Option<GrayImage> {
    let longer = image.width().max(image.height());
    if longer <= side || side == 0 {
        return None;
    }
    let factor = longer.div_ceil(side);
    let (w, h) = (image.width() / factor, image.height() / factor);
    if w == 0 || h == 0 {
        return None;
    }
    let area = factor * factor;
    let (src_w, src) = (image.width() as usize, image.as_raw());
    let f = factor as usize;
    let mut out = Vec::with_capacity(w as usize * h as usize);
    for y in 0..h as usize {
        for x in 0..w as usize {
            let mut sum = 0u32;
            for dy in 0..f {
                let start = (y * f + dy) * src_w + x * f;
                sum += src[start..start + f].iter().map(|&p| u32::from(p)).sum::<u32>();
            }
            // An average of bytes is a byte: sum <= 255 * area.
            #[allow(clippy::expect_used)]
            out.push(u8::try_from(sum / area).expect("mean of u8 values fits in u8"));
        }
    }
    // The loops above push exactly w * h values.
    #[allow(clippy::expect_used)]
    Some(GrayImage::from_raw(w, h, out).expect("buffer length is w * h by construction"))
}

/// `image` with its edges sharpened (unsharp mask, radius 1.5 px): restores the module
/// edges of a slightly blurred photo.
pub(crate) fn sharpened(image: &GrayImage) -> GrayImage {
    image::imageops::unsharpen(image, 1.5, 5)
}

/// `image` at twice its size, interpolated: a binarizer finds modules of 1 to 2 pixels
/// more reliably when each spans several.
pub(crate) fn enlarged(image: &GrayImage) -> GrayImage {
    image::imageops::resize(image, image.width() * 2, image.height() * 2, image::imageops::FilterType::Triangle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduction_averages_blocks_and_skips_small_images() {
        let image = GrayImage::from_fn(8, 4, |x, _| image::Luma([if x % 2 == 0 { 0 } else { 200 }]));
        assert!(reduced(&image, 8).is_none());
        let half = reduced(&image, 4).unwrap();
        assert_eq!(half.dimensions(), (4, 2));
        assert!(half.pixels().all(|p| p.0[0] == 100));
    }

    #[test]
    fn garbage_and_oversized_images_are_refused_by_kind() {
        assert!(matches!(decode(b"not an image", 1000), Err(ScanError::Unreadable { .. })));
        let mut png = Vec::new();
        GrayImage::new(40, 40).write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
        assert!(matches!(decode(&png, 1000), Err(ScanError::TooLarge { width: 40, height: 40, .. })));
        assert_eq!(decode(&png, 1600).unwrap().dimensions(), (40, 40));
        assert!(matches!(decode(&png[..png.len() / 2], 1600), Err(ScanError::Unreadable { .. })));
    }
}
