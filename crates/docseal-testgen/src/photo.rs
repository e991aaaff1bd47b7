//! Synthetic camera photos of a rendered page, for testing and benchmarking readers: the page
//! placed on a table at some scale, rotation and perspective, then blur, noise, low contrast,
//! glare, a phone screen's moire, and JPEG compression. Deterministic from a seed.

use image::codecs::jpeg::JpegEncoder;
use image::{GrayImage, Luma};

/// What happens to the page on its way to the photo.
#[derive(Debug, Clone, PartialEq)]
pub struct Shot {
    /// Photo size in pixels.
    pub width: u32,
    /// Photo height in pixels.
    pub height: u32,
    /// Page size as a share (0.3 to 1) of the largest that fits the photo at this rotation
    /// and perspective.
    pub scale: f32,
    /// Rotation in degrees.
    pub rotation: f32,
    /// Perspective: each corner moves by up to this share of the page's width (0 to 0.15).
    pub perspective: f32,
    /// Gaussian blur sigma in photo pixels (0: sharp).
    pub blur: f32,
    /// Gaussian noise, standard deviation in grey levels.
    pub noise: f32,
    /// Contrast kept (1: full; 0.35: dim and washed out).
    pub contrast: f32,
    /// Strength of a glare spot (0 to 1).
    pub glare: f32,
    /// Strength of a screen's moire and pixel grid (0: printed paper).
    pub moire: f32,
    /// JPEG quality (1 to 100); `None` keeps the photo lossless.
    pub jpeg_quality: Option<u8>,
    /// Seed for placement, noise and glare position.
    pub seed: u64,
}

impl Shot {
    /// A sharp, upright, full-size photo: the easy case.
    #[must_use]
    pub fn clean(width: u32, height: u32, seed: u64) -> Self {
        Self {
            width,
            height,
            scale: 1.0,
            rotation: 0.0,
            perspective: 0.0,
            blur: 0.0,
            noise: 0.0,
            contrast: 1.0,
            glare: 0.0,
            moire: 0.0,
            jpeg_quality: None,
            seed,
        }
    }

    /// Pixels of page per photo pixel needed so the page is drawn at least as finely as it
    /// is photographed: render the page at `page_width * this` pixels.
    #[must_use]
    pub fn page_pixels_wanted(&self) -> f32 {
        self.width as f32 * self.scale.clamp(0.05, 1.0)
    }
}

/// SplitMix64: a small seeded generator, enough for placement and noise.
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.unit()
    }

    /// Standard normal (Box-Muller).
    pub fn normal(&mut self) -> f32 {
        let u = self.unit().max(1e-7);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * v).cos()
    }
}

/// 3x3 homography mapping photo pixels to page pixels.
struct Homography([f32; 9]);

impl Homography {
    /// The map taking `from[i]` to `to[i]` (four point pairs), by solving the 8x8 system.
    fn between(from: [(f32, f32); 4], to: [(f32, f32); 4]) -> Option<Self> {
        let mut a = [[0f64; 9]; 8];
        for (i, (&(x, y), &(u, v))) in from.iter().zip(to.iter()).enumerate() {
            let (x, y, u, v) = (f64::from(x), f64::from(y), f64::from(u), f64::from(v));
            a[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
            a[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
        }
        // Gauss-Jordan with partial pivoting.
        for col in 0..8 {
            let pivot = (col..8).max_by(|&r, &s| a[r][col].abs().total_cmp(&a[s][col].abs()))?;
            if a[pivot][col].abs() < 1e-12 {
                return None;
            }
            a.swap(col, pivot);
            let p = a[col][col];
            for value in &mut a[col][col..] {
                *value /= p;
            }
            let pivot_row = a[col];
            for (r, row) in a.iter_mut().enumerate() {
                if r != col {
                    let f = row[col];
                    for (value, pivot) in row[col..].iter_mut().zip(&pivot_row[col..]) {
                        *value -= f * pivot;
                    }
                }
            }
        }
        let h = |i: usize| a[i][8] as f32;
        Some(Self([h(0), h(1), h(2), h(3), h(4), h(5), h(6), h(7), 1.0]))
    }

    fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        let m = &self.0;
        let w = m[6] * x + m[7] * y + m[8];
        ((m[0] * x + m[1] * y + m[2]) / w, (m[3] * x + m[4] * y + m[5]) / w)
    }
}

/// Where the page's corners land in the photo (top-left, top-right, bottom-right,
/// bottom-left).
fn placement(shot: &Shot, page_w: f32, page_h: f32, rng: &mut Rng) -> [(f32, f32); 4] {
    let (cos, sin) = (shot.rotation.to_radians().cos(), shot.rotation.to_radians().sin());
    let p = shot.perspective.clamp(0.0, 0.3);
    // Corners around the centre, rotated, each nudged for perspective (in page-width units).
    let mut corners = [(-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5)].map(|(cx, cy): (f32, f32)| {
        let (x, y) = (cx * page_w + rng.range(-p, p) * page_w, cy * page_h + rng.range(-p, p) * page_w);
        (x * cos - y * sin, x * sin + y * cos)
    });
    let (min_x, max_x) = corners.iter().fold((f32::MAX, f32::MIN), |(lo, hi), c| (lo.min(c.0), hi.max(c.0)));
    let (min_y, max_y) = corners.iter().fold((f32::MAX, f32::MIN), |(lo, hi), c| (lo.min(c.1), hi.max(c.1)));
    // Largest size that fits with a 2% margin, times the shot's scale.
    let fit = ((shot.width as f32 * 0.96) / (max_x - min_x)).min((shot.height as f32 * 0.96) / (max_y - min_y));
    let k = fit * shot.scale.clamp(0.05, 1.0);
    let (span_x, span_y) = ((max_x - min_x) * k, (max_y - min_y) * k);
    let free_x = (shot.width as f32 - span_x).max(0.0);
    let free_y = (shot.height as f32 - span_y).max(0.0);
    let (left, top) = (rng.range(0.0, 1.0) * free_x, rng.range(0.0, 1.0) * free_y);
    for c in &mut corners {
        *c = (left + (c.0 - min_x) * k, top + (c.1 - min_y) * k);
    }
    corners
}

fn bilinear(page: &GrayImage, x: f32, y: f32) -> Option<f32> {
    let (w, h) = (page.width() as f32, page.height() as f32);
    if !(0.0..w - 1.0).contains(&x) || !(0.0..h - 1.0).contains(&y) {
        return None;
    }
    let (x0, y0) = (x as u32, y as u32);
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let p = |dx, dy| f32::from(page.get_pixel(x0 + dx, y0 + dy).0[0]);
    let top = p(0, 0) * (1.0 - fx) + p(1, 0) * fx;
    let bottom = p(0, 1) * (1.0 - fx) + p(1, 1) * fx;
    Some(top * (1.0 - fy) + bottom * fy)
}

/// Photographs `page` (a grey raster of the page) as `shot` says, and returns the photo's
/// file bytes: JPEG when the shot has a quality, PNG otherwise.
///
/// # Errors
/// When the image encoder fails, or the placement is degenerate.
pub fn photograph(page: &GrayImage, shot: &Shot) -> Result<(GrayImage, Vec<u8>), String> {
    let mut rng = Rng::new(shot.seed);
    let (pw, ph) = (page.width() as f32, page.height() as f32);
    let corners = placement(shot, pw, ph, &mut rng);
    let to_page =
        Homography::between(corners, [(0.0, 0.0), (pw, 0.0), (pw, ph), (0.0, ph)]).ok_or("degenerate placement")?;
    let table = rng.range(70.0, 150.0);
    let (gx, gy) = (rng.range(0.2, 0.8) * shot.width as f32, rng.range(0.2, 0.8) * shot.height as f32);
    let glare_radius = shot.width.min(shot.height) as f32 * rng.range(0.15, 0.3);
    let moire_angle = rng.range(0.0, std::f32::consts::PI);
    let (ma, mb) = (moire_angle.cos(), moire_angle.sin());
    let mut photo = GrayImage::new(shot.width, shot.height);
    for (x, y, pixel) in photo.enumerate_pixels_mut() {
        let (fx, fy) = (x as f32 + 0.5, y as f32 + 0.5);
        let (u, v) = to_page.apply(fx, fy);
        let mut value = match bilinear(page, u - 0.5, v - 0.5) {
            Some(paper) => {
                let mut lit = paper;
                if shot.moire > 0.0 {
                    // A screen: its pixel grid beating against the camera's sensor, seen as
                    // slanted bands, and the grid itself darkening the page a little.
                    let bands = (0.5 + 0.5 * ((fx * ma + fy * mb) * 0.21).sin()) * shot.moire * 0.35;
                    let grid = if (u as u32).is_multiple_of(3) || (v as u32).is_multiple_of(3) {
                        shot.moire * 0.12
                    } else {
                        0.0
                    };
                    lit *= 1.0 - bands - grid;
                }
                lit
            }
            None => table + 10.0 * ((fx * 0.05).sin() * (fy * 0.031).cos()),
        };
        value = 128.0 + (value - 128.0) * shot.contrast;
        if shot.glare > 0.0 {
            let d2 = ((fx - gx).powi(2) + (fy - gy).powi(2)) / (glare_radius * glare_radius);
            value += 255.0 * shot.glare * (-d2).exp();
        }
        pixel.0[0] = value.clamp(0.0, 255.0) as u8;
    }
    if shot.blur > 0.05 {
        photo = image::imageops::blur(&photo, shot.blur);
    }
    if shot.noise > 0.0 {
        for pixel in photo.pixels_mut() {
            let noisy = f32::from(pixel.0[0]) + rng.normal() * shot.noise;
            *pixel = Luma([noisy.clamp(0.0, 255.0) as u8]);
        }
    }
    let mut bytes = Vec::new();
    match shot.jpeg_quality {
        Some(quality) => {
            JpegEncoder::new_with_quality(&mut bytes, quality.clamp(1, 100))
                .encode_image(&photo)
                .map_err(|e| e.to_string())?;
            let decoded = image::load_from_memory(&bytes).map_err(|e| e.to_string())?.into_luma8();
            Ok((decoded, bytes))
        }
        None => {
            photo
                .write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png)
                .map_err(|e| e.to_string())?;
            Ok((photo, bytes))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_homography_maps_corners_exactly() {
        let from = [(10.0, 20.0), (300.0, 40.0), (280.0, 260.0), (5.0, 240.0)];
        let to = [(0.0, 0.0), (100.0, 0.0), (100.0, 64.0), (0.0, 64.0)];
        let h = Homography::between(from, to).unwrap();
        for (f, t) in from.iter().zip(to.iter()) {
            let (u, v) = h.apply(f.0, f.1);
            assert!((u - t.0).abs() < 1e-2 && (v - t.1).abs() < 1e-2, "{f:?} -> ({u}, {v}) not {t:?}");
        }
    }

    #[test]
    fn a_clean_shot_keeps_the_page_and_the_same_seed_the_same_photo() {
        let page = GrayImage::from_fn(200, 128, |x, _| Luma([if x < 100 { 0 } else { 255 }]));
        let shot = Shot::clean(400, 300, 7);
        let (photo, png) = photograph(&page, &shot).unwrap();
        assert_eq!(photo.dimensions(), (400, 300));
        assert!(photo.pixels().any(|p| p.0[0] < 10) && photo.pixels().any(|p| p.0[0] > 245));
        assert_eq!(photograph(&page, &shot).unwrap().1, png);
        let jpeg = Shot { jpeg_quality: Some(30), rotation: 30.0, noise: 5.0, ..shot };
        let (_, bytes) = photograph(&page, &jpeg).unwrap();
        assert_eq!(&bytes[..2], &[0xFF, 0xD8]);
    }
}
