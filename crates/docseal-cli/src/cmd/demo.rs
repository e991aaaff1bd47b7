//! The README's main job: issue into a registry, render, verify, refuse a tampered copy and
//! a stale one, and refuse the licence once the registry suspends it and publishes its list.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use chrono::Utc;
use docseal::status::{Status, StatusLists};
use docseal::{
    Algorithm, ErrorCorrection, Issuer, Policy, Qr, Requirement, Scope, SigningKey, TrustList, TrustedKey, Verifier,
};
use docseal_registry::{Registry, RegistryConfig};

use super::sample;
use crate::Failure;
use crate::cli::DocumentKind;
use crate::files::write_atomic;
use crate::human;

fn step(title: &str) {
    outln!("\n== {title}");
}

pub(crate) fn run(qr_path: Option<&Path>) -> Result<ExitCode, Failure> {
    let fail = |e: docseal::Error| Failure::Invalid(format!("demo failed ({}): {e}", e.kind()));
    let now = Utc::now();

    step("1. Issuer: a new Ed25519 key for the Beijing Traffic Management Bureau (demo)");
    let key = SigningKey::generate(Algorithm::EdDsa).map_err(fail)?;
    let public = key.verifying_key();
    outln!("kid {}", key.kid());
    let issuer = Issuer::new(key, "Beijing Traffic Management Bureau (demo)").map_err(fail)?;

    step("2. Issue the sample driving licence (C1, 2 points, status A), recorded in the authority's registry");
    let licence = sample(DocumentKind::Licence);
    // The demo's registry is a throwaway SQLite file; `docseal issue` keeps docseal.db.
    let scratch = tempfile::tempdir().map_err(|e| Failure::usage(format!("temporary directory: {e}")))?;
    let db = scratch.path().join("docseal.db");
    let config = RegistryConfig::new(STATUS_URI).map_err(super::registry::failure)?;
    let mut registry = Registry::open(&db, &config).map_err(super::registry::failure)?;
    let issued = registry.issue(&issuer, &licence, now).map_err(super::registry::failure)?;
    let entry = issued.claims.status.clone().ok_or_else(|| Failure::Invalid("no status entry".into()))?;
    outln!(
        "recorded in a SQLite registry: credential {}, entry {} of {}",
        crate::report::hex(&issued.claims.cti),
        entry.idx(),
        entry.uri()
    );
    outln!("{}", issued.text);
    outln!("{} characters of QR text, {} bytes of COSE_Sign1", issued.text.len(), issued.cose.len());

    step("3. Render the QR code");
    let qr = Qr::new(&issued.text, ErrorCorrection::M).map_err(fail)?;
    outln!("QR version {} at error correction M ({}x{} modules)", qr.version(), qr.width(), qr.width());
    let path = qr_path.map_or_else(|| std::env::temp_dir().join("docseal-demo.png"), PathBuf::from);
    write_atomic(
        &path,
        &docseal_render::qr_png(&qr, 8).map_err(|e| Failure::Invalid(format!("demo failed: {e}")))?,
        0o644,
        true,
    )?;
    outln!("PNG written to {}", path.display());
    out!("{}", qr.to_terminal());

    step("4. Relying party: verify offline (trust list, status list, max age 5 minutes, may drive C1?)");
    let status_key = SigningKey::generate(Algorithm::EdDsa).map_err(fail)?;
    let mut trust = TrustList::new();
    trust.add(TrustedKey::new("Beijing TMB (demo)", public));
    trust.add(
        TrustedKey::new("Beijing TMB status (demo)", status_key.verifying_key()).with_scopes(vec![Scope::StatusList]),
    );
    // What the authority publishes and the desk fetched while online.
    let lists = |registry: &mut Registry| -> Result<StatusLists, Failure> {
        let mut lists = StatusLists::new();
        for list in registry.publish(&status_key, now, Duration::from_secs(86_400)).map_err(super::registry::failure)? {
            lists.add(&list.token, &trust, &docseal::Limits::default()).map_err(fail)?;
        }
        Ok(lists)
    };
    let policy =
        Policy::default().with_max_age(Duration::from_secs(300)).require(Requirement::VehicleClass("C1".into()));
    let verifier = Verifier::new(trust.clone()).with_policy(policy).with_status_lists(lists(&mut registry)?);
    let verified = verifier.verify(&issued.text, now + chrono::Duration::seconds(30)).map_err(fail)?;
    human::valid(&verified, verifier.trust_list());

    step("4b. The licence as people see it: front and back pages drawn, then read back from the front image");
    let card = docseal_render::Renderer::new()
        .render(&docseal_render::Subject::verified(&verified, &issued.text), None)
        .map_err(|e| Failure::Invalid(format!("demo failed (render): {e}")))?;
    let card_dir = path.with_extension("card");
    let written = super::card::write_card(
        &card,
        &card_dir,
        &[crate::cli::PageFormat::Png, crate::cli::PageFormat::Svg],
        2.0,
        true,
    )?;
    outln!("pages written: {}", written.join(", "));
    let front = card.page("front").ok_or_else(|| Failure::Invalid("no front page".into()))?;
    let raster = front.rasterise(2.0).map_err(|e| Failure::Invalid(format!("demo failed (rasterise): {e}")))?;
    let image = docseal_scan::GrayImage::from_raw(raster.width, raster.height, raster.to_luma())
        .ok_or_else(|| Failure::Invalid("raster size mismatch".into()))?;
    let codes = docseal_scan::Scanner::new()
        .with_code128(true)
        .scan(&image)
        .map_err(|e| Failure::Invalid(format!("demo failed (scan): {e}")))?;
    for code in &codes {
        let verdict = if code.text == issued.text {
            "the issued payload".to_owned()
        } else {
            docseal::BarcodeReference::parse(&code.text).map_or_else(
                |e| format!("unexpected: {e}"),
                |r| {
                    format!(
                        "reference {}",
                        if r.matches(verified.credential(), &issued.text) {
                            "matching this copy"
                        } else {
                            "NOT matching"
                        }
                    )
                },
            )
        };
        outln!("read {} from front.png: {verdict}", code.symbology.name());
    }
    let from_image =
        codes.iter().find(|c| c.symbology.is_2d()).ok_or_else(|| Failure::Invalid("no QR read back".into()))?;
    verifier.verify(&from_image.text, now + chrono::Duration::seconds(30)).map_err(fail)?;
    outln!("the QR code read from the page image verifies");

    step("5. A tampered copy: one digit of the licence number changed, the signature kept");
    // Done as a forger would, from the QR text alone: base45, zlib, one byte, back again.
    let number = licence.as_licence().map(|l| l.front().document_number.clone()).unwrap_or_default();
    let number = number.as_bytes();
    let mut altered = number.to_vec();
    if let Some(last) = altered.last_mut() {
        *last = if *last == b'7' { b'8' } else { b'7' };
    }
    let tampered = replace_bytes(&issued.text, number, &altered)?;
    outln!(
        "1 byte of the signed licence changed ({} -> {})",
        String::from_utf8_lossy(number),
        String::from_utf8_lossy(&altered)
    );
    let refused = match verifier.verify(&tampered, now) {
        Ok(_) => return Err(Failure::Invalid("the tampered copy was accepted".into())),
        Err(e) => e,
    };
    outln!("REFUSED ({}): {refused}", refused.kind());

    step("6. A screenshot shown an hour later");
    match verifier.verify(&issued.text, now + chrono::Duration::hours(1)) {
        Ok(_) => return Err(Failure::Invalid("the stale copy was accepted".into())),
        Err(e) => outln!("REFUSED ({}): {e}", e.kind()),
    }

    step("7. The authority suspends the licence in its registry and publishes its status list again");
    let document = docseal_registry::rules::document_key(&licence, now).map_err(super::registry::failure)?;
    registry
        .set_status(&document.document_type, &document.number, Status::Suspended)
        .map_err(super::registry::failure)?;
    let desk = verifier.with_status_lists(lists(&mut registry)?);
    let suspended = match desk.verify(&issued.text, now + chrono::Duration::seconds(60)) {
        Ok(_) => return Err(Failure::Invalid("the suspended licence was accepted".into())),
        Err(e) => e,
    };
    outln!("REFUSED ({}): {suspended}", suspended.kind());
    let all_refused_right = refused.kind() == "signature" && suspended.kind() == "suspended";
    Ok(if all_refused_right { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Where the demo authority publishes its status lists.
const STATUS_URI: &str = "https://tmb.example/status";

/// `text` with the first occurrence of `find` in its COSE bytes replaced by `replace` (of the
/// same length), encoded again the way the issuer did (zlib when the body was compressed).
fn replace_bytes(text: &str, find: &[u8], replace: &[u8]) -> Result<String, Failure> {
    use std::io::{Read as _, Write as _};
    let bad = |what: &str| Failure::usage(format!("cannot tamper: {what}"));
    let body = text.strip_prefix(docseal::DS1_PREFIX).ok_or_else(|| bad("no DS1: prefix"))?;
    let raw = base45::decode(body).map_err(|_| bad("not base45"))?;
    let compressed = raw.first() == Some(&0x78);
    let mut cose = Vec::new();
    if compressed {
        flate2::read::ZlibDecoder::new(raw.as_slice()).read_to_end(&mut cose).map_err(|_| bad("not zlib"))?;
    } else {
        cose = raw;
    }
    let at = cose.windows(find.len()).position(|w| w == find).ok_or_else(|| bad("the bytes are not in the copy"))?;
    cose[at..at + find.len()].copy_from_slice(replace);
    let raw = if compressed {
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&cose).and_then(|()| encoder.finish()).map_err(|_| bad("zlib"))?
    } else {
        cose
    };
    Ok(format!("{}{}", docseal::DS1_PREFIX, base45::encode(raw)))
}
