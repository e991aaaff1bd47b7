//! What can go wrong drawing a page.

/// Why a page could not be drawn or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// The payload text given with the credential decodes to another credential (or not at
    /// all): the page would print one document's data beside another's QR code.
    #[error("the payload is not this credential's: {reason}")]
    PayloadMismatch {
        /// What differs.
        reason: String,
    },
    /// The payload does not fit the chosen 2D symbol, or the barcode reference cannot be
    /// encoded.
    #[error("cannot draw the symbol: {reason}")]
    Symbol {
        /// Why.
        reason: String,
    },
    /// A raster scale outside 0.1 to 8, or a page too large to rasterise.
    #[error("scale {scale} is outside 0.1 to 8")]
    Scale {
        /// The scale asked for.
        scale: f32,
    },
    /// A bare QR image would be wider than the limit.
    #[error("the image would be {pixels} pixels wide, over the limit of {max}")]
    TooLarge {
        /// The width asked for.
        pixels: u64,
        /// The limit.
        max: u64,
    },
    /// The SVG could not be parsed back (a bug in a page layout) or converted to PDF.
    #[error("cannot convert the page ({stage}): {reason}")]
    Convert {
        /// `svg`, `png` or `pdf`.
        stage: &'static str,
        /// The converter's message.
        reason: String,
    },
}
