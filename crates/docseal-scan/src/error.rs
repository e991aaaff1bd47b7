//! What can go wrong between a photo's bytes and the texts of its codes.

use std::time::Duration;

/// Why a photo yielded no code text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScanError {
    /// The bytes are not a PNG or JPEG image this crate can decode.
    #[error("unreadable image: {reason}")]
    Unreadable {
        /// What the image decoder said.
        reason: String,
    },
    /// The image is larger than the scanner accepts (decoding it would take too much memory).
    #[error("image of {width}x{height} pixels is over the limit of {max_pixels} pixels")]
    TooLarge {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// The scanner's limit.
        max_pixels: u64,
    },
    /// Every reader finished and none found a code.
    #[error("no QR code, DataMatrix or Code 128 found in the image")]
    NoCode,
    /// The readers were still searching when the time limit ran out, and had found nothing.
    #[error("no code found within the time limit of {} ms", limit.as_millis())]
    TimedOut {
        /// The limit.
        limit: Duration,
    },
}

impl ScanError {
    /// Whether the image itself could not be read (kind `image`), rather than read and found
    /// without a code (kind `scan`).
    #[must_use]
    pub fn is_unreadable_image(&self) -> bool {
        matches!(self, Self::Unreadable { .. } | Self::TooLarge { .. })
    }
}
