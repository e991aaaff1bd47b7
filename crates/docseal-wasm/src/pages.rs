//! The document's pages as SVG, as the command line's `render` draws them (text left as
//! text for the browser's fonts).

use docseal_render::{Renderer, Subject};
use serde_json::json;
use wasm_bindgen::prelude::wasm_bindgen;

use crate::desk::parse_time;
use crate::{Desk, DeskError};

#[wasm_bindgen]
impl Desk {
    /// The pages of `text`'s document: `[{"name": "front", "svg": "<svg ..."}, ...]`. A
    /// payload that verifies at `now` is drawn as genuine; one that only decodes is drawn
    /// with the UNVERIFIED watermark, so a forged copy never looks like a real one.
    ///
    /// # Errors
    /// [`DeskError::Payload`] when the text does not decode to a document at all; [`DeskError::Render`] when the pages cannot be drawn.
    pub fn render(&self, text: &str, now: &str) -> Result<String, DeskError> {
        let text = text.trim();
        let now = parse_time("now", now)?;
        let renderer = Renderer::new();
        let card = match self.verifier().verify(text, now) {
            Ok(verified) => renderer.render(&Subject::verified(&verified, text), None)?,
            Err(_) => {
                let inspected = docseal::inspect(text, self.verifier().policy().limits())
                    .map_err(|e| DeskError::Payload { kind: e.kind().to_string(), reason: e.to_string() })?;
                renderer.render(&Subject::unverified(&inspected, text), None)?
            }
        };
        let pages: Vec<_> = card.pages().iter().map(|p| json!({"name": p.name(), "svg": p.source_svg()})).collect();
        Ok(serde_json::Value::Array(pages).to_string())
    }
}
