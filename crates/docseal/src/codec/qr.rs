//! QR rendering of payload text: alphanumeric mode (base45 and the prefix are all
//! QR-alphanumeric characters), the smallest version that fits, the module matrix, SVG or
//! terminal output. PNG images are `docseal-render`'s job: the core carries no image crate.

use qrcode::bits::Bits;
use qrcode::types::{Color, Version};
use qrcode::{EcLevel, QrCode};

use crate::error::{Error, Result};

/// QR error-correction level (ISO/IEC 18004): L 7 %, M 15 %, Q 25 %, H 30 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ErrorCorrection {
    /// ~7 % recovery.
    L,
    /// ~15 % recovery; docseal's default.
    #[default]
    M,
    /// ~25 % recovery; the EU DCC recommendation.
    Q,
    /// ~30 % recovery.
    H,
}

impl ErrorCorrection {
    /// The most QR alphanumeric characters version 40 holds at this level (ISO/IEC 18004
    /// table 7).
    #[must_use]
    pub fn alphanumeric_capacity(self) -> u64 {
        match self {
            Self::L => 4296,
            Self::M => 3391,
            Self::Q => 2420,
            Self::H => 1852,
        }
    }

    fn level(self) -> EcLevel {
        match self {
            Self::L => EcLevel::L,
            Self::M => EcLevel::M,
            Self::Q => EcLevel::Q,
            Self::H => EcLevel::H,
        }
    }
}

/// A rendered QR symbol.
pub struct Qr {
    code: QrCode,
}

impl std::fmt::Debug for Qr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Qr").field("version", &self.version()).field("width", &self.code.width()).finish()
    }
}

impl Qr {
    /// Encodes `text` in alphanumeric mode at the smallest version that holds it.
    ///
    /// # Errors
    /// [`Error::Limit`] (`qr_capacity`) when the text does not fit version 40 at this level;
    /// [`Error::Base45`] for a character outside the QR alphanumeric set.
    pub fn new(text: &str, ecc: ErrorCorrection) -> Result<Self> {
        // qrcode does not check the alphabet of alphanumeric segments itself.
        const ALPHANUMERIC: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
        if !text.bytes().all(|b| ALPHANUMERIC.contains(&b)) {
            return Err(Error::Base45 { reason: "text has characters outside the QR alphanumeric set" });
        }
        let level = ecc.level();
        for v in 1..=40 {
            let mut bits = Bits::new(Version::Normal(v));
            if bits.push_alphanumeric_data(text.as_bytes()).is_err() || bits.push_terminator(level).is_err() {
                continue;
            }
            if let Ok(code) = QrCode::with_bits(bits, level) {
                return Ok(Self { code });
            }
        }
        let max = ecc.alphanumeric_capacity();
        Err(Error::Limit { limit: crate::error::LimitKind::QrCapacity, max, actual: text.len() as u64 })
    }

    /// The QR version (1 to 40).
    #[must_use]
    pub fn version(&self) -> i16 {
        match self.code.version() {
            Version::Normal(v) | Version::Micro(v) => v,
        }
    }

    /// Modules per side, without the quiet zone.
    #[must_use]
    pub fn width(&self) -> usize {
        self.code.width()
    }

    /// Whether the module at `(x, y)` is dark.
    #[must_use]
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        self.code[(x, y)] == Color::Dark
    }

    /// An SVG image, `module_px` pixels per module, with a quiet zone.
    #[must_use]
    pub fn to_svg(&self, module_px: u32) -> String {
        self.code
            .render::<qrcode::render::svg::Color<'_>>()
            .module_dimensions(module_px, module_px)
            .quiet_zone(true)
            .build()
    }

    /// Text for a terminal, two modules per character row (dark on light).
    #[must_use]
    pub fn to_terminal(&self) -> String {
        self.code
            .render::<qrcode::render::unicode::Dense1x2>()
            .dark_color(qrcode::render::unicode::Dense1x2::Light)
            .light_color(qrcode::render::unicode::Dense1x2::Dark)
            .quiet_zone(true)
            .build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_smallest_version() -> Result<()> {
        assert_eq!(Qr::new("DS1:ABC", ErrorCorrection::M)?.version(), 1);
        // Version 1-M holds 20 alphanumeric characters, version 2-M 38.
        assert_eq!(Qr::new(&"A".repeat(20), ErrorCorrection::M)?.version(), 1);
        assert_eq!(Qr::new(&"A".repeat(21), ErrorCorrection::M)?.version(), 2);
        assert_eq!(Qr::new(&"A".repeat(3391), ErrorCorrection::M)?.version(), 40);
        assert!(matches!(Qr::new(&"A".repeat(3392), ErrorCorrection::M), Err(Error::Limit { .. })));
        assert!(Qr::new("lower", ErrorCorrection::M).is_err());
        Ok(())
    }

    /// The refusal names the real maximum of the level (it said "maximum 0").
    #[test]
    fn capacity_is_the_levels_version_40_maximum() -> Result<()> {
        for ecc in [ErrorCorrection::L, ErrorCorrection::M, ErrorCorrection::Q, ErrorCorrection::H] {
            let max = ecc.alphanumeric_capacity();
            let fits = usize::try_from(max).expect("a few thousand");
            assert_eq!(Qr::new(&"A".repeat(fits), ecc)?.version(), 40, "{ecc:?}");
            match Qr::new(&"A".repeat(fits + 1), ecc) {
                Err(Error::Limit { max: told, actual, .. }) => assert_eq!((told, actual), (max, max + 1)),
                other => panic!("{ecc:?}: {other:?}"),
            }
        }
        Ok(())
    }

    #[test]
    fn svg_and_terminal_render() -> Result<()> {
        let qr = Qr::new("DS1:ABC", ErrorCorrection::Q)?;
        assert!(qr.to_svg(4).starts_with("<?xml"));
        assert!(qr.to_terminal().lines().count() > 10);
        Ok(())
    }
}
