//! # docseal-render
//!
//! The pages of a docseal document as people see them: the driving licence's front page
//! (licence data, the time this electronic copy was generated, the QR code and a Code 128
//! barcode) and back page (address, authority, file number, record, classes, points,
//! status), the passport's data page with its MRZ in OCR-B, and the temporary pass. Each page
//! is SVG, PNG or PDF, drawn by resvg / svg2pdf with fonts embedded in this crate (WenQuanYi
//! Micro Hei subset for Latin, Vietnamese and Chinese; OCR-B), so the output is the same on
//! every machine and never depends on system fonts.
//!
//! Only what verified is rendered as genuine: a [`Subject`] comes from a
//! [`Verified`](docseal::Verified) credential, or is marked unverified and watermarked.
//!
//! ```
//! use docseal::{Algorithm, Issuer, SigningKey, TrustList, TrustedKey, Verifier};
//! use docseal_render::{Renderer, Subject};
//!
//! let key = SigningKey::generate(Algorithm::EdDsa)?;
//! let mut trust = TrustList::new();
//! trust.add(TrustedKey::new("Beijing TMB", key.verifying_key()));
//! let issued = Issuer::new(key, "Beijing TMB")?
//!     .issue(&docseal::samples::licence().into(), "2026-11-21T09:00:00Z".parse()?)?;
//! let verified = Verifier::new(trust).verify(&issued.text, "2026-11-21T09:01:00Z".parse()?)?;
//!
//! let card = Renderer::new().render(&Subject::verified(&verified, &issued.text), None)?;
//! let names: Vec<_> = card.pages().iter().map(|p| p.name()).collect();
//! assert_eq!(names, ["front", "back"]);
//! let png = card.pages()[0].to_png(1.0)?;
//! assert_eq!(&png[1..4], b"PNG");
//! assert!(card.missing_glyphs().is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod error;
#[cfg(feature = "raster")]
mod fonts;
mod page;
mod pages;
mod portrait;
#[cfg(feature = "raster")]
mod qr_image;
mod subject;
mod svg;
mod symbols;

#[cfg(feature = "raster")]
use std::sync::Arc;

pub use error::RenderError;
#[cfg(feature = "raster")]
pub use page::Raster;
pub use page::{Card, Page};
pub use portrait::PortraitShown;
#[cfg(feature = "raster")]
pub use qr_image::qr_png;
pub use subject::Subject;
pub use symbols::Symbol;

/// Draws document pages. Building one parses the embedded fonts once; keep it and render
/// many documents with it.
#[derive(Clone)]
pub struct Renderer {
    #[cfg(feature = "raster")]
    fonts: Arc<resvg::usvg::fontdb::Database>,
    symbol: Symbol,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer").field("symbol", &self.symbol).finish_non_exhaustive()
    }
}

impl Default for Renderer {
    fn default() -> Self {
        Self::new()
    }
}

impl Renderer {
    /// A renderer with the embedded fonts and a QR code as the payload's symbol.
    #[must_use]
    pub fn new() -> Self {
        Self {
            #[cfg(feature = "raster")]
            fonts: Arc::new(fonts::database()),
            symbol: Symbol::Qr,
        }
    }

    /// Which 2D symbol carries the payload (QR by default).
    #[must_use]
    pub fn with_symbol(mut self, symbol: Symbol) -> Self {
        self.symbol = symbol;
        self
    }

    /// The pages of `subject`: licence front and back, passport data page, or the pass.
    ///
    /// `portrait` is the holder's photo (PNG or JPEG). It is drawn only when the document
    /// binds a portrait (`portrait_sha256`) and the bytes hash to it; otherwise the page shows
    /// a placeholder saying why ([`Card::portrait`]).
    ///
    /// # Errors
    /// [`RenderError::PayloadMismatch`] when the payload text is not the credential's own;
    /// [`RenderError::Symbol`] when the payload does not fit the chosen symbol or the
    /// reference cannot be a barcode.
    pub fn render(&self, subject: &Subject<'_>, portrait: Option<&[u8]>) -> Result<Card, RenderError> {
        subject.check_payload()?;
        let shown = portrait::judge(subject.credential().portrait_sha256(), portrait);
        let pages = pages::draw(subject, self.symbol, &shown)?;
        #[cfg(feature = "raster")]
        {
            let mut missing = Vec::new();
            for (_, svg) in &pages {
                for c in fonts::missing(svg.chars(), svg.mrz_chars()) {
                    if !missing.contains(&c) {
                        missing.push(c);
                    }
                }
            }
            let pages =
                pages.into_iter().map(|(name, svg)| Page::new(name, svg.finish(), Arc::clone(&self.fonts))).collect();
            Ok(Card::new(pages, missing, shown.shown))
        }
        #[cfg(not(feature = "raster"))]
        Ok(Card::new(pages.into_iter().map(|(name, svg)| Page::new(name, svg.finish())).collect(), shown.shown))
    }
}
