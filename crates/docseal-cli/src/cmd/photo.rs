//! `verify --image`: the codes in a photo (or a folder of photos) read by docseal-scan, each
//! 2D symbol verified, each Code 128 reference matched against the QR code beside it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use docseal::BarcodeReference;
use docseal::ErrorKind;
use docseal::{AnyVerified, Verifier};
use docseal_scan::{Code, ScanError, Scanner, Symbology};
use serde_json::{Value, json};

use crate::Failure;
use crate::cli::VerifyArgs;
use crate::files::read_bytes;
use crate::human;

/// What one photo gave.
enum Photo {
    /// The photo could not be read, or held no code: kind `image` or `scan`.
    Refused { kind: &'static str, message: String },
    /// The codes found, each 2D one with its verification.
    Read { symbols: Vec<(Code, Result<AnyVerified, docseal::Error>)>, references: Vec<(String, Option<bool>)> },
}

impl Photo {
    fn is_valid(&self) -> bool {
        match self {
            Self::Refused { .. } => false,
            Self::Read { symbols, .. } => !symbols.is_empty() && symbols.iter().all(|(_, r)| r.is_ok()),
        }
    }
}

fn scan_refusal(e: &ScanError) -> Photo {
    let kind = if e.is_unreadable_image() { ErrorKind::Image } else { ErrorKind::Scan };
    Photo::Refused { kind: kind.as_str(), message: e.to_string() }
}

fn read_photo(path: &Path, scanner: &Scanner, verifier: &Verifier, now: DateTime<Utc>) -> Result<Photo, Failure> {
    let bytes = read_bytes(path)?;
    let image = match docseal_scan::decode_image(&bytes, docseal_scan::DEFAULT_MAX_PIXELS) {
        Ok(image) => image,
        Err(e) => return Ok(scan_refusal(&e)),
    };
    drop(bytes);
    let codes = match scanner.scan_image(image) {
        Ok(codes) => codes,
        Err(e) => return Ok(scan_refusal(&e)),
    };
    let (two_d, bars): (Vec<Code>, Vec<Code>) = codes.into_iter().partition(|c| c.symbology.is_2d());
    if two_d.is_empty() {
        return Ok(Photo::Refused {
            kind: ErrorKind::Scan.as_str(),
            message: format!(
                "no QR code or DataMatrix found ({} barcode(s) only: a reference proves nothing)",
                bars.len()
            ),
        });
    }
    let symbols: Vec<_> = two_d
        .into_iter()
        .map(|code| {
            let verified = verifier.verify_any(&code.text, now);
            (code, verified)
        })
        .collect();
    let references = bars
        .into_iter()
        .map(|bar| {
            // Whether it names a verified document read beside it and that very copy.
            let matches = BarcodeReference::parse(&bar.text).ok().map(|reference| {
                symbols.iter().any(|(code, result)| match result {
                    Ok(AnyVerified::Ds1(v)) => reference.matches(v.credential(), &code.text),
                    _ => false,
                })
            });
            (bar.text, matches)
        })
        .collect();
    Ok(Photo::Read { symbols, references })
}

fn verification_json(result: &Result<AnyVerified, docseal::Error>) -> Value {
    docseal::json::answer(result)
}

fn photo_json(path: &Path, photo: &Photo) -> Value {
    match photo {
        Photo::Refused { kind, message } => {
            json!({"image": path.display().to_string(), "valid": false, "error": {"kind": kind, "message": message}})
        }
        Photo::Read { symbols, references } => json!({
            "image": path.display().to_string(),
            "valid": photo.is_valid(),
            "codes": symbols.iter().map(|(code, result)| json!({
                "symbology": code.symbology.name(),
                "result": verification_json(result),
            })).collect::<Vec<_>>(),
            "references": references.iter().map(|(text, matches)| json!({
                "text": text,
                "matches": matches,
            })).collect::<Vec<_>>(),
        }),
    }
}

fn print_human(path: &Path, photo: &Photo, trust: &docseal::TrustList) {
    match photo {
        Photo::Refused { kind, message } => outln!("INVALID ({kind}): {}: {message}", path.display()),
        Photo::Read { symbols, references } => {
            for (code, result) in symbols {
                let name = if code.symbology == Symbology::Qr { "QR code" } else { "DataMatrix" };
                outln!("{name} in {}:", path.display());
                match result {
                    Ok(AnyVerified::Ds1(v)) => human::valid(v, trust),
                    Ok(AnyVerified::Hc1(v)) => human::valid_hc1(v),
                    Ok(_) => outln!("VALID (profile unknown to this build of the command line)"),
                    Err(e) => human::invalid(e),
                }
            }
            for (text, matches) in references {
                let verdict = match matches {
                    Some(true) => "names this document and this very copy",
                    Some(false) => "does NOT match the 2D symbol beside it",
                    None => "is not a docseal reference",
                };
                outln!("Code 128 {text:?} {verdict}");
            }
        }
    }
}

/// The photos of a folder: PNG and JPEG files, in name order.
fn photos_in(dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    let entries = std::fs::read_dir(dir).map_err(|e| Failure::usage(format!("cannot read {}: {e}", dir.display())))?;
    let mut photos = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| Failure::usage(format!("{}: {e}", dir.display())))?.path();
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        if matches!(ext.as_deref(), Some("png" | "jpg" | "jpeg")) && path.is_file() {
            photos.push(path);
        }
    }
    photos.sort();
    Ok(photos)
}

pub(crate) fn run(verifier: &Verifier, args: &VerifyArgs, image: &Path) -> Result<ExitCode, Failure> {
    let now = args.at.unwrap_or_else(Utc::now);
    let scanner = Scanner::new().with_code128(true).with_time_limit(args.image_time_limit);
    let target = match (image.as_os_str().is_empty(), &args.bulk) {
        (true, Some(dir)) => dir.clone(),
        (true, None) => return Err(Failure::usage("--image needs a photo, a folder, or --bulk DIR")),
        (false, Some(_)) => return Err(Failure::usage("--image PHOTO and --bulk DIR: give one")),
        (false, None) => image.to_path_buf(),
    };
    if !target.is_dir() {
        let photo = read_photo(&target, &scanner, verifier, now)?;
        if args.json {
            outln!("{}", photo_json(&target, &photo));
        } else {
            print_human(&target, &photo, verifier.trust_list());
        }
        return Ok(if photo.is_valid() { ExitCode::SUCCESS } else { ExitCode::from(1) });
    }
    let photos = photos_in(&target)?;
    let (mut valid, mut refused, mut without) = (0usize, 0usize, 0usize);
    for path in &photos {
        let photo = read_photo(path, &scanner, verifier, now)?;
        match (&photo, photo.is_valid()) {
            (_, true) => valid += 1,
            (Photo::Refused { .. }, _) => without += 1,
            _ => refused += 1,
        }
        outln!("{}", photo_json(path, &photo));
    }
    eprintln!(
        "docseal: {} photos: {valid} verified, {refused} with a refused code, {without} unreadable or without a code",
        photos.len()
    );
    Ok(if valid == photos.len() && !photos.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
