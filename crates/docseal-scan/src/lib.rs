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
//! 2. Only if still no 2D symbol, the same two readers over the full image (shrunk to 12
//!    megapixels if larger: a card photo needs 2 to 4), then rxing over it sharpened (blurred
//!    photos), then, for an image of at most 2 megapixels, over it enlarged twice (modules of
//!    under two pixels: a small or distant page). Each step runs only when all before failed,
//!    so a clear photo costs the first step alone.
//! 3. Code 128 on the full image (within the same 12 megapixels), when asked for
//!    ([`Scanner::with_code128`]).
//! 4. The work is bounded, not only the wait: the time limit (2 s by default) is checked
//!    between passes, and a pass is not started when the time the first pass took, per pixel,
//!    says it would overrun. All of it runs on a worker thread (readers have been seen to
//!    loop on some photos); when the limit passes, the caller tells it to stop and waits for
//!    its current pass to end (at most the limit again), so a scan that returns has really
//!    ended unless a reader looped. The caller gets the codes found, or
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

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
mod error;
mod raster;
mod readers;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
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
        self.scan_image(image.clone())
    }

    /// [`Scanner::scan`] of an image the scanner may keep (no copy is made, and its pixels
    /// are freed as soon as the passes no longer need them).
    ///
    /// # Errors
    /// As [`Scanner::scan`].
    pub fn scan_image(&self, image: GrayImage) -> Result<Vec<Code>, ScanError> {
        let (sender, receiver) = mpsc::channel();
        let deadline = Instant::now() + self.time_limit;
        let stop = Arc::new(AtomicBool::new(false));
        let image = Arc::new(image);
        let (worker_image, worker_sender, worker_stop, plan) =
            (Arc::clone(&image), sender.clone(), Arc::clone(&stop), self.clone());
        let spawned = std::thread::Builder::new().name("docseal-scan".to_owned()).spawn(move || {
            let budget = Budget::until(deadline, worker_stop);
            plan.read_all(worker_image, &worker_sender, budget)
        });
        match spawned {
            // The worker holds the only reference left, so it frees what it no longer reads.
            Ok(_) => drop(image),
            // No thread to spare: read here, where only the checks between passes stop it.
            Err(_) => self.read_all(image, &sender, Budget::until(deadline, Arc::clone(&stop))),
        }
        drop(sender);
        let mut codes: Vec<Code> = Vec::new();
        let mut finished = false;
        let mut complete = false;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match receiver.recv_timeout(left) {
                Ok(Message::Code(code)) => add_once(&mut codes, code),
                Ok(Message::End { all_passes }) => {
                    (finished, complete) = (true, all_passes);
                    break;
                }
                // The worker is gone: nothing more will come.
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    finished = true;
                    break;
                }
                Err(mpsc::RecvTimeoutError::Timeout) => break,
            }
        }
        if !finished {
            // Out of time: the worker stops before its next pass; wait for the current one
            // (bounded by the limit again), keeping what it still finds.
            stop.store(true, Ordering::Relaxed);
            let grace = Instant::now() + self.time_limit;
            while let Some(left) = grace.checked_duration_since(Instant::now()) {
                match receiver.recv_timeout(left) {
                    Ok(Message::Code(code)) => add_once(&mut codes, code),
                    Ok(Message::End { .. }) | Err(_) => break,
                }
            }
        }
        codes.sort_by_key(|c| !c.symbology.is_2d());
        match (codes.is_empty(), complete) {
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
        self.read_all(Arc::new(image.clone()), &sender, Budget::unlimited());
        drop(sender);
        let mut codes = Vec::new();
        for message in receiver.try_iter() {
            if let Message::Code(code) = message {
                add_once(&mut codes, code);
            }
        }
        codes.sort_by_key(|c| !c.symbology.is_2d());
        if codes.is_empty() { Err(ScanError::NoCode) } else { Ok(codes) }
    }
}

/// What the worker sends: each code as soon as it is read, then the end.
enum Message {
    Code(Code),
    /// `all_passes`: every pass that could find something ran (else the budget stopped some).
    End {
        all_passes: bool,
    },
}

/// The time a scan's passes may take. Without a deadline (WebAssembly has no clock) every
/// pass runs; with one, a pass runs only if the time the passes so far took per pixel says
/// it ends in time, and none after the caller said stop.
struct Budget {
    deadline: Option<Instant>,
    stop: Arc<AtomicBool>,
    seconds_per_pixel: f64,
}

impl Budget {
    fn until(deadline: Instant, stop: Arc<AtomicBool>) -> Self {
        Self { deadline: Some(deadline), stop, seconds_per_pixel: 0.0 }
    }

    fn unlimited() -> Self {
        Self { deadline: None, stop: Arc::new(AtomicBool::new(false)), seconds_per_pixel: 0.0 }
    }

    /// Runs `pass` over `pixels` pixels if it fits, learning its cost; `None` when skipped.
    fn run<T>(&mut self, pixels: u64, pass: impl FnOnce() -> T) -> Option<T> {
        let Some(deadline) = self.deadline else { return Some(pass()) };
        let started = Instant::now();
        let expected = Duration::from_secs_f64(self.seconds_per_pixel * pixels as f64);
        if self.stop.load(Ordering::Relaxed) || started + expected > deadline {
            return None;
        }
        let out = pass();
        let per_pixel = started.elapsed().as_secs_f64() / pixels.max(1) as f64;
        self.seconds_per_pixel = self.seconds_per_pixel.max(per_pixel);
        Some(out)
    }
}

/// Images read whole up to this many pixels; a larger one is shrunk to it for the full
/// passes (a card photo needs 2 to 4 megapixels; the readers' memory grows with the pixels).
const FULL_PASS_PIXELS: u64 = 12_000_000;

/// Only an image up to this many pixels is also read enlarged twice (its modules may be
/// under two pixels; a larger image has pixels enough).
const ENLARGE_PIXELS: u64 = 2_000_000;

fn pixels(image: &GrayImage) -> u64 {
    u64::from(image.width()) * u64::from(image.height())
}

/// Adds `code` unless the same text was already read in the same symbology.
fn add_once(codes: &mut Vec<Code>, code: Code) {
    if !codes.iter().any(|c| c.symbology == code.symbology && c.text == code.text) {
        codes.push(code);
    }
}

impl Scanner {
    /// The passes of the module documentation within `budget`, each code sent as soon as it
    /// is read, then the end.
    fn read_all(&self, image: Arc<GrayImage>, out: &mpsc::Sender<Message>, mut budget: Budget) {
        let mut found_2d = false;
        let mut send = |codes: Vec<Code>| {
            for code in codes {
                found_2d |= code.symbology.is_2d();
                // A closed channel means the caller stopped waiting; the rest is wasted work.
                let _ = out.send(Message::Code(code));
            }
            found_2d
        };
        let mut all_passes = true;
        // `Some(found)` when the pass ran, `None` when the budget left it out.
        let mut ran = |found: Option<bool>| {
            all_passes &= found.is_some();
            found.unwrap_or(false)
        };
        let mut done = false;
        if let Some(small) = raster::reduced(&image, self.reduced_side) {
            let scale = image.width() as f32 / small.width() as f32;
            let n = pixels(&small);
            done = ran(budget.run(n, || send(readers::rxing_codes(&small, scale, Look::TwoD))))
                || ran(budget.run(n, || send(readers::rqrr_codes(&small, scale))));
        }
        // The image the full passes read: the photo itself, or shrunk to FULL_PASS_PIXELS.
        let (full, scale) = match raster::within_pixels(&image, FULL_PASS_PIXELS) {
            Some(shrunk) => {
                let scale = image.width() as f32 / shrunk.width() as f32;
                (Arc::new(shrunk), scale)
            }
            None => (Arc::clone(&image), 1.0),
        };
        // From here only `full` is read: the photo's own pixels go if `full` is a copy.
        drop(image);
        let n = pixels(&full);
        let _ =
            done || ran(budget.run(n, || send(readers::rxing_codes(&full, scale, Look::TwoD))))
                || ran(budget.run(n, || send(readers::rqrr_codes(&full, scale))))
                || ran(budget.run(2 * n, || send(readers::rxing_codes(&raster::sharpened(&full), scale, Look::TwoD))))
                || (n <= ENLARGE_PIXELS
                    && ran(budget
                        .run(4 * n, || send(readers::rxing_codes(&raster::enlarged(&full), scale / 2.0, Look::TwoD)))));
        if self.code128 {
            // Bars need every pixel: a reduced photo blurs modules of one or two pixels away.
            ran(budget.run(n, || send(readers::rxing_codes(&full, scale, Look::Code128))));
        }
        let _ = out.send(Message::End { all_passes });
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
