//! `docseal render` and `issue --card`: a payload's pages, drawn by docseal-render, written
//! atomically into a folder.

use std::path::Path;
use std::process::ExitCode;

use chrono::Utc;
use docseal::Limits;
use docseal_render::{Card, Renderer, Subject, Symbol};

use crate::Failure;
use crate::cli::{PageFormat, RenderArgs, SymbolArg};
use crate::files::{Staged, read_bytes, read_payload, stage};

pub(crate) fn symbol(arg: SymbolArg) -> Symbol {
    match arg {
        SymbolArg::Qr => Symbol::Qr,
        SymbolArg::Datamatrix => Symbol::DataMatrix,
    }
}

fn render_failure(e: &docseal_render::RenderError) -> Failure {
    Failure::Invalid(format!("cannot render: {e}"))
}

/// Writes every page of `card` in each of `formats` into `dir`, as `<page>.<ext>`; returns
/// the paths written. Every file is rendered and staged before the first is renamed into
/// place, so a failure leaves no partial card behind.
pub(crate) fn write_card(
    card: &Card,
    dir: &Path,
    formats: &[PageFormat],
    scale: f32,
    force: bool,
) -> Result<Vec<String>, Failure> {
    let staged = stage_card(card, dir, formats, scale, force)?;
    let written = staged.iter().map(|f| f.path().display().to_string()).collect();
    for file in staged {
        file.commit()?;
    }
    Ok(written)
}

/// Renders every page of `card` and stages its files in `dir` (created if needed), without
/// putting any in place yet: see [`Staged`]. A failure removes the folder again if this
/// call created it and it is still empty.
pub(crate) fn stage_card(
    card: &Card,
    dir: &Path,
    formats: &[PageFormat],
    scale: f32,
    force: bool,
) -> Result<Vec<Staged>, Failure> {
    let mut files = Vec::new();
    for page in card.pages() {
        for format in formats {
            let (ext, bytes) = match format {
                PageFormat::Png => ("png", page.to_png(scale)),
                PageFormat::Svg => ("svg", page.to_svg().map(String::into_bytes)),
                PageFormat::Pdf => ("pdf", page.to_pdf()),
            };
            files.push((dir.join(format!("{}.{ext}", page.name())), bytes.map_err(|e| render_failure(&e))?));
        }
    }
    if !force && let Some((path, _)) = files.iter().find(|(path, _)| path.exists()) {
        return Err(Failure::usage(format!("{} exists (use --force to replace it)", path.display())));
    }
    let created = !dir.exists();
    std::fs::create_dir_all(dir).map_err(|e| Failure::usage(format!("{}: {e}", dir.display())))?;
    crate::files::remove_stale_partials(dir);
    let staged: Result<Vec<Staged>, Failure> =
        files.iter().map(|(path, bytes)| stage(path, bytes, 0o644, true)).collect();
    if staged.is_err() && created {
        // Only an empty folder goes: remove_dir refuses one that holds anything.
        let _ = std::fs::remove_dir(dir);
    }
    if !card.missing_glyphs().is_empty() {
        eprintln!("docseal: warning: no glyph in the embedded fonts for {:?}", card.missing_glyphs());
    }
    staged
}

pub(crate) fn portrait(path: Option<&Path>) -> Result<Option<Vec<u8>>, Failure> {
    path.map(read_bytes).transpose()
}

pub(crate) fn run(args: &RenderArgs) -> Result<ExitCode, Failure> {
    if !(0.1..=8.0).contains(&args.scale) {
        return Err(Failure::usage(format!("--scale {}: between 0.1 and 8", args.scale)));
    }
    let text = read_payload(args.payload.as_deref())?;
    let text = text.trim();
    let now = args.at.unwrap_or_else(Utc::now);
    let portrait = portrait(args.portrait.as_deref())?;
    let renderer = Renderer::new().with_symbol(symbol(args.symbol));
    let verified = match &args.trust {
        Some(trust) => {
            let verifier = super::verify::desk(trust, args.trust_anchor.as_deref(), &args.status, now)?;
            Some(verifier.verify(text, now))
        }
        None => None,
    };
    let card = match verified {
        Some(Ok(verified)) => renderer.render(&Subject::verified(&verified, text), portrait.as_deref()),
        refused => {
            if let Some(Err(e)) = &refused {
                if !args.unverified {
                    return Err(Failure::Invalid(format!(
                        "not rendered: the payload did not verify ({}): {e}; --unverified draws it watermarked",
                        e.kind()
                    )));
                }
                eprintln!("docseal: did not verify ({}): {e}; drawing it watermarked UNVERIFIED", e.kind());
            }
            let inspected = docseal::inspect(text, &Limits::default())
                .map_err(|e| Failure::Invalid(format!("cannot decode ({}): {e}", e.kind())))?;
            renderer.render(&Subject::unverified(&inspected, text), portrait.as_deref())
        }
    }
    .map_err(|e| render_failure(&e))?;
    let written = write_card(&card, &args.out_dir, &[args.format], args.scale, args.force)?;
    for path in written {
        outln!("{path}");
    }
    if let Some(shown) = card.portrait().caption() {
        eprintln!("docseal: portrait: {shown}");
    }
    Ok(ExitCode::SUCCESS)
}
