//! A drawn page and its conversions: SVG (text as outlines), PNG, PDF and raw pixels.

#[cfg(feature = "raster")]
use std::sync::Arc;

#[cfg(feature = "raster")]
use resvg::tiny_skia;
#[cfg(feature = "raster")]
use resvg::usvg::{self, fontdb::Database};

#[cfg(feature = "raster")]
use crate::RenderError;
use crate::portrait::PortraitShown;
#[cfg(feature = "raster")]
use crate::svg::{PAGE_H, PAGE_W};

/// Smallest and largest raster scale (1.0 = 1000 x 640 pixels).
#[cfg(feature = "raster")]
const MIN_SCALE: f32 = 0.1;
#[cfg(feature = "raster")]
const MAX_SCALE: f32 = 8.0;

/// One page of a document.
#[derive(Clone)]
pub struct Page {
    name: &'static str,
    source: String,
    #[cfg(feature = "raster")]
    fonts: Arc<Database>,
}

impl std::fmt::Debug for Page {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Page").field("name", &self.name).field("svg_len", &self.source.len()).finish_non_exhaustive()
    }
}

#[cfg(feature = "raster")]
/// Pixels of a rasterised page, RGBA, 8 bits per channel, rows top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raster {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height * 4` bytes, premultiplied alpha (the pages are opaque, so plain RGBA).
    pub rgba: Vec<u8>,
}

#[cfg(feature = "raster")]
impl Raster {
    /// The page in grey levels (ITU-R BT.601 luma), one byte per pixel: what scanners read.
    #[must_use]
    pub fn to_luma(&self) -> Vec<u8> {
        self.rgba
            .chunks_exact(4)
            .map(|p| ((u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114) / 1000) as u8)
            .collect()
    }
}

impl Page {
    #[cfg(feature = "raster")]
    pub(crate) fn new(name: &'static str, source: String, fonts: Arc<Database>) -> Self {
        Self { name, source, fonts }
    }

    #[cfg(not(feature = "raster"))]
    pub(crate) fn new(name: &'static str, source: String) -> Self {
        Self { name, source }
    }

    /// `front`, `back`, `data-page` or `pass`: the file stem the command line writes.
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The SVG as the layout wrote it, with text as text (it needs the embedded fonts, or
    /// fonts like them, to look right).
    #[must_use]
    pub fn source_svg(&self) -> &str {
        &self.source
    }
}

#[cfg(feature = "raster")]
impl Page {
    fn tree(&self) -> Result<usvg::Tree, RenderError> {
        let options = usvg::Options {
            fontdb: Arc::clone(&self.fonts),
            font_family: crate::svg::SANS.to_owned(),
            ..usvg::Options::default()
        };
        usvg::Tree::from_str(&self.source, &options)
            .map_err(|e| RenderError::Convert { stage: "svg", reason: e.to_string() })
    }

    /// A self-contained SVG: text converted to outlines with the embedded fonts, so it looks
    /// the same in every viewer.
    ///
    /// # Errors
    /// [`RenderError::Convert`] if the page's own SVG does not parse (a layout bug).
    pub fn to_svg(&self) -> Result<String, RenderError> {
        Ok(self.tree()?.to_string(&usvg::WriteOptions::default()))
    }

    /// The page's pixels at `scale` (1.0 = 1000 x 640).
    ///
    /// # Errors
    /// [`RenderError::Scale`] outside 0.1 to 8; [`RenderError::Convert`] on a layout bug.
    pub fn rasterise(&self, scale: f32) -> Result<Raster, RenderError> {
        if !(MIN_SCALE..=MAX_SCALE).contains(&scale) {
            return Err(RenderError::Scale { scale });
        }
        let tree = self.tree()?;
        let (width, height) = ((PAGE_W * scale).round() as u32, (PAGE_H * scale).round() as u32);
        let mut pixmap = tiny_skia::Pixmap::new(width, height).ok_or(RenderError::Scale { scale })?;
        pixmap.fill(tiny_skia::Color::WHITE);
        resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
        Ok(Raster { width, height, rgba: pixmap.take() })
    }

    /// A PNG of the page at `scale` (2.0 gives 2000 x 1280, sharp enough for a printout).
    ///
    /// # Errors
    /// As [`Page::rasterise`]; [`RenderError::Convert`] if PNG encoding fails.
    pub fn to_png(&self, scale: f32) -> Result<Vec<u8>, RenderError> {
        let raster = self.rasterise(scale)?;
        let pixmap = tiny_skia::Pixmap::from_vec(
            raster.rgba,
            tiny_skia::IntSize::from_wh(raster.width, raster.height).ok_or(RenderError::Scale { scale })?,
        )
        .ok_or(RenderError::Scale { scale })?;
        pixmap.encode_png().map_err(|e| RenderError::Convert { stage: "png", reason: e.to_string() })
    }

    /// A one-page vector PDF (fonts embedded as subsets), 1000 x 640 units at 96 dpi.
    ///
    /// # Errors
    /// [`RenderError::Convert`] if the conversion fails.
    pub fn to_pdf(&self) -> Result<Vec<u8>, RenderError> {
        let tree = self.tree()?;
        svg2pdf::to_pdf(&tree, svg2pdf::ConversionOptions::default(), svg2pdf::PageOptions { dpi: 96.0 })
            .map_err(|e| RenderError::Convert { stage: "pdf", reason: e.to_string() })
    }
}

/// All pages of one document.
#[derive(Debug, Clone)]
pub struct Card {
    pages: Vec<Page>,
    #[cfg(feature = "raster")]
    missing_glyphs: Vec<char>,
    portrait: PortraitShown,
}

impl Card {
    #[cfg(feature = "raster")]
    pub(crate) fn new(pages: Vec<Page>, missing_glyphs: Vec<char>, portrait: PortraitShown) -> Self {
        Self { pages, missing_glyphs, portrait }
    }

    #[cfg(not(feature = "raster"))]
    pub(crate) fn new(pages: Vec<Page>, portrait: PortraitShown) -> Self {
        Self { pages, portrait }
    }

    /// The pages in order: `front` and `back` for a licence, `data-page` for a passport,
    /// `pass` for a temporary pass.
    #[must_use]
    pub fn pages(&self) -> &[Page] {
        &self.pages
    }

    /// The page named `name`, if the document has one.
    #[must_use]
    pub fn page(&self, name: &str) -> Option<&Page> {
        self.pages.iter().find(|p| p.name == name)
    }

    /// Characters of the document that the embedded fonts cannot draw (shown as empty
    /// boxes). Empty for Latin, Vietnamese and the hanzi of GB 2312 and Big5 level 1.
    /// (Feature `raster`: without the embedded fonts a browser draws the text with its own.)
    #[cfg(feature = "raster")]
    #[must_use]
    pub fn missing_glyphs(&self) -> &[char] {
        &self.missing_glyphs
    }

    /// What the portrait box shows.
    #[must_use]
    pub fn portrait(&self) -> &PortraitShown {
        &self.portrait
    }
}
