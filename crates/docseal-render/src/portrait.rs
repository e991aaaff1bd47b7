//! The holder's portrait: drawn only when its bytes hash to the document's
//! `portrait_sha256`, so a page can never show a face the issuer did not sign for.

use base64::Engine;
use sha2::{Digest, Sha256};

/// What the portrait box on the page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PortraitShown {
    /// The supplied image, whose SHA-256 matches the signed `portrait_sha256`.
    Matching,
    /// A placeholder: the document binds a portrait but none was supplied.
    NotSupplied,
    /// A placeholder: the supplied image does not hash to the signed value (or is neither
    /// PNG nor JPEG).
    Mismatch,
    /// A placeholder: the document binds no portrait, so no image can be shown as the
    /// holder's.
    NotBound,
}

impl PortraitShown {
    /// The placeholder's caption, or `None` when the image is drawn.
    #[must_use]
    pub fn caption(&self) -> Option<&'static str> {
        match self {
            Self::Matching => None,
            Self::NotSupplied => Some("PORTRAIT NOT SUPPLIED"),
            Self::Mismatch => Some("PORTRAIT DOES NOT MATCH"),
            Self::NotBound => Some("NO PORTRAIT BOUND"),
        }
    }
}

/// The decision, and the image as a data URI when it is drawn.
pub(crate) struct Judged {
    pub(crate) shown: PortraitShown,
    pub(crate) data_uri: Option<String>,
}

fn media_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else {
        None
    }
}

pub(crate) fn judge(bound: Option<&str>, image: Option<&[u8]>) -> Judged {
    let placeholder = |shown| Judged { shown, data_uri: None };
    let Some(bound) = bound else { return placeholder(PortraitShown::NotBound) };
    let Some(image) = image else { return placeholder(PortraitShown::NotSupplied) };
    let digest = Sha256::digest(image);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    match media_type(image) {
        Some(media) if hex == bound => Judged {
            shown: PortraitShown::Matching,
            data_uri: Some(format!("data:{media};base64,{}", base64::engine::general_purpose::STANDARD.encode(image))),
        },
        _ => placeholder(PortraitShown::Mismatch),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_matching_image_is_shown() {
        let png = b"\x89PNG\r\n\x1a\nrest";
        let hex: String = Sha256::digest(png).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(judge(Some(&hex), Some(png)).shown, PortraitShown::Matching);
        assert!(judge(Some(&hex), Some(png)).data_uri.unwrap().starts_with("data:image/png;base64,"));
        assert_eq!(judge(Some(&hex), Some(b"\x89PNG\r\n\x1a\nother")).shown, PortraitShown::Mismatch);
        assert_eq!(judge(Some(&hex), None).shown, PortraitShown::NotSupplied);
        assert_eq!(judge(None, Some(png)).shown, PortraitShown::NotBound);
        let gif = b"GIF89a";
        let gif_hex: String = Sha256::digest(gif).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(judge(Some(&gif_hex), Some(gif)).shown, PortraitShown::Mismatch);
    }
}
