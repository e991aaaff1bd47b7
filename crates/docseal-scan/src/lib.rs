//! Finds and reads the symbols on a photo of a docseal page: every QR code and DataMatrix
//! (and, when asked, Code 128 barcode), with two readers and a time limit per image.
//!
//! The texts come out unverified: hand a QR or DataMatrix text to `docseal::Verifier`, and a
//! Code 128 text to `docseal::codec::reference::BarcodeReference::parse` to see which copy it
//! names.
//!
//! # How a photo is read
//! 1. A reduced copy first (longer side at most 1,000 pixels by default): rxing over QR,
//!    DataMatrix and Code 128, then rqrr for QR codes if rxing found no 2D symbol.
//! 2. Only if still no 2D symbol, the same two readers over the full image, then rxing over
//!    the image sharpened (blurred photos), then over the image enlarged twice (modules of
//!    under two pixels: a small or distant page). Each step runs only when all before failed,
//!    so a clear photo costs the first step alone.
//! 3. Code 128 on the full image, when asked for ([`Scanner::with_code128`]).
//! 4. All of it on a worker thread the caller waits on for at most the time limit (2 s by
//!    default): readers have been seen to loop on some photos. A reader that overruns keeps its
//!    thread until it returns, but the caller gets the codes found so far, or
//!    [`ScanError::TimedOut`].
//!
//! # Examples
//! ```
//! use image::GrayImage;
//! use docseal_scan::{ScanError, Scanner};
//!
//! let blank = GrayImage::from_pixel(320, 240, image::Luma([255]));
//! assert_eq!(Scanner::new().scan(&blank), Err(ScanError::NoCode));
//! assert!(matches!(docseal_scan::decode_image(b"GIF89a", 1 << 20), Err(ScanError::Unreadable { .. })));
//! ```
#![forbid(unsafe_code)]

mod error;
mod raster;
mod readers;

use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use readers::Look;

pub use error::ScanError;
pub use image::GrayImage;

/// The symbologies docseal prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Symbology {
    /// QR code: the signed payload.
    Qr,
    /// DataMatrix ECC 200: the signed payload, on pages issued with `--symbol datamatrix`.
    DataMatrix,
    /// Code 128: the short barcode reference (docs/FORMAT.md section 11).
    Code128,
}

impl Symbology {
    /// Whether the symbol can carry a whole signed payload.
    #[must_use]
    pub fn is_2d(self) -> bool {
        matches!(self, Self::Qr | Self::DataMatrix)
    }

    /// Lower-case name, as in `docseal verify --image --json`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Qr => "qr",
            Self::DataMatrix => "datamatrix",
            Self::Code128 => "code128",
        }
    }
}

/// Which reader decoded a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reader {
    /// rxing, the first pass.
    Rxing,
    /// rqrr, the second pass (QR codes only).
    Rqrr,
}

/// One symbol read from a photo.
#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    /// What kind of symbol.
    pub symbology: Symbology,
    /// Its text, exactly as decoded (not verified).
    pub text: String,
    /// The reader that decoded it.
    pub reader: Reader,
    /// Where it was found, in the photo's pixels (corners or end points, as the reader gives
    /// them).
    pub corners: Vec<(f32, f32)>,
}

/// The largest photo [`Scanner::new`] accepts: 40 megapixels (a phone's full-resolution shot).
pub const DEFAULT_MAX_PIXELS: u64 = 40_000_000;

/// A configured reader of photos.
#[derive(Debug, Clone)]
pub struct Scanner {
    time_limit: Duration,
    reduced_side: u32,
    code128: bool,
}

impl Default for Scanner {
    fn default() -> Self {
        Self::new()
    }
}

impl Scanner {
    /// A 2-second limit per image and a first pass at 1,000 pixels on the longer side.
    #[must_use]
    pub fn new() -> Self {
        Self { time_limit: Duration::from_secs(2), reduced_side: 1000, code128: false }
    }

    /// Also reads Code 128 barcodes (the printed reference), over the full image. Off by
    /// default: it about doubles the time of a clear photo, and the reference proves nothing
    /// the 2D symbol does not.
    #[must_use]
    pub fn with_code128(mut self, read: bool) -> Self {
        self.code128 = read;
        self
    }

    /// Sets the time a scan may take before it returns what it has.
    #[must_use]
    pub fn with_time_limit(mut self, limit: Duration) -> Self {
        self.time_limit = limit;
        self
    }

    /// Sets the longer side of the reduced copy read first; 0 reads only the full image.
    #[must_use]
    pub fn with_reduced_side(mut self, side: u32) -> Self {
        self.reduced_side = side;
        self
    }

    /// The codes in `image`, 2D symbols first, each text once.
    ///
    /// # Errors
    /// [`ScanError::NoCode`] when the readers finished without a code;
    /// [`ScanError::TimedOut`] when the time limit ran out before any code was found.
    pub fn scan(&self, image: &GrayImage) -> Result<Vec<Code>, ScanError> {
        let (sender, receiver) = mpsc::channel();
        let image = Arc::new(image.clone());
        let (worker_image, worker_sender, plan) = (Arc::clone(&image), sender.clone(), self.clone());
        let spawned = std::thread::Builder::new()
            .name("docseal-scan".to_owned())
            .spawn(move || plan.read_all(&worker_image, &worker_sender));
        if spawned.is_err() {
            // No thread to spare: read here, where the limit cannot interrupt a reader.
            self.read_all(&image, &sender);
        }
        drop(sender);
        let deadline = Instant::now() + self.time_limit;
        let mut codes: Vec<Code> = Vec::new();
        let mut finished = false;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match receiver.recv_timeout(left) {
                Ok(Some(code)) => add_once(&mut codes, code),
                // The worker's end-of-work mark, or it is gone: nothing more will come.
                Ok(None) | Err(mpsc::RecvTimeoutError::Disconnected) => {
                    finished = true;
                    break;
                }
                Err(mpsc::RecvTimeoutError::Timeout) => break,
            }
        }
        codes.sort_by_key(|c| !c.symbology.is_2d());
        match (codes.is_empty(), finished) {
            (false, _) => Ok(codes),
            (true, true) => Err(ScanError::NoCode),
            (true, false) => Err(ScanError::TimedOut { limit: self.time_limit }),
        }
    }

    /// [`Scanner::scan`] on the calling thread, without its time limit: for targets with
    /// neither threads nor a clock, such as WebAssembly in a browser page. The reduced copy
    /// is read first as in `scan`, so a clear image costs what it costs there; the caller
    /// bounds the rest (a browser page runs it where a slow read cannot block the desk).
    ///
    /// # Errors
    /// [`ScanError::NoCode`] when the readers finished without a code.
    pub fn scan_on_this_thread(&self, image: &GrayImage) -> Result<Vec<Code>, ScanError> {
        let (sender, receiver) = mpsc::channel();
        self.read_all(image, &sender);
        drop(sender);
        let mut codes = Vec::new();
        for code in receiver.try_iter().flatten() {
            add_once(&mut codes, code);
        }
        codes.sort_by_key(|c| !c.symbology.is_2d());
        if codes.is_empty() { Err(ScanError::NoCode) } else { Ok(codes) }
    }
}

/// Adds `code` unless the same text was already read in the same symbology.
fn add_once(codes: &mut Vec<Code>, code: Code) {
    if !codes.iter().any(|c| c.symbology == code.symbology && c.text == code.text) {
        codes.push(code);
    }
}

impl Scanner {
    /// The passes of the module documentation, each code sent as soon as it is read, then
    /// `None`.
    fn read_all(&self, image: &GrayImage, out: &mpsc::Sender<Option<Code>>) {
        let mut found_2d = false;
        let mut send = |codes: Vec<Code>| {
            for code in codes {
                found_2d |= code.symbology.is_2d();
                // A closed channel means the caller stopped waiting; the rest is wasted work.
                let _ = out.send(Some(code));
            }
            found_2d
        };
        let mut done = false;
        if let Some(small) = raster::reduced(image, self.reduced_side) {
            let scale = image.width() as f32 / small.width() as f32;
            done = send(readers::rxing_codes(&small, scale, Look::TwoD)) || send(readers::rqrr_codes(&small, scale));
        }
        let _ = done
            || send(readers::rxing_codes(image, 1.0, Look::TwoD))
            || send(readers::rqrr_codes(image, 1.0))
            || send(readers::rxing_codes(&raster::sharpened(image), 1.0, Look::TwoD))
            || send(readers::rxing_codes(&raster::enlarged(image), 0.5, Look::TwoD));
        if self.code128 {
            // Bars need every pixel: a reduced photo blurs modules of one or two pixels away.
            send(readers::rxing_codes(image, 1.0, Look::Code128));
        }
        let _ = out.send(None);
    }
}

/// The codes in `image`, read by [`Scanner::new`].
///
/// # Errors
/// As [`Scanner::scan`].
pub fn codes_in(image: &GrayImage) -> Result<Vec<Code>, ScanError> {
    Scanner::new().scan(image)
}

/// Decodes a PNG or JPEG photo to grey, refusing one over `max_pixels` (see
/// [`DEFAULT_MAX_PIXELS`]) before its pixels are allocated.
///
/// # Errors
/// [`ScanError::Unreadable`] or [`ScanError::TooLarge`].
pub fn decode_image(bytes: &[u8], max_pixels: u64) -> Result<GrayImage, ScanError> {
    raster::decode(bytes, max_pixels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_image_has_no_code_and_a_zero_limit_times_out() {
        let blank = GrayImage::from_pixel(640, 480, image::Luma([250]));
        assert_eq!(codes_in(&blank), Err(ScanError::NoCode));
        let hurried = Scanner::new().with_time_limit(Duration::ZERO);
        assert_eq!(hurried.scan(&blank), Err(ScanError::TimedOut { limit: Duration::ZERO }));
    }

    #[test]
    fn symbology_names_and_kinds() {
        assert!(Symbology::Qr.is_2d() && Symbology::DataMatrix.is_2d() && !Symbology::Code128.is_2d());
        assert_eq!(
            [Symbology::Qr.name(), Symbology::DataMatrix.name(), Symbology::Code128.name()],
            ["qr", "datamatrix", "code128"]
        );
    }
}
