//! docseal-scan against real pages: issued, verified, rendered by docseal-render, rasterised,
//! photographed synthetically (docseal-testgen), scanned, and verified again.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use chrono::{DateTime, NaiveDate, Utc};
use docseal::codec::reference::BarcodeReference;
use docseal::model::Credential;
use docseal::{Algorithm, Issuer, SigningKey, TrustList, TrustedKey, Verifier};
use docseal_render::{Page, Renderer, Subject, Symbol};
use docseal_scan::{GrayImage, ScanError, Scanner, Symbology, decode_image};
use docseal_testgen::photo::{Shot, photograph};

fn at() -> DateTime<Utc> {
    "2026-11-21T09:00:00Z".parse().unwrap()
}

struct Desk {
    issuer: Issuer,
    verifier: Verifier,
}

fn desk() -> Desk {
    let key = SigningKey::generate(Algorithm::EdDsa).unwrap();
    let mut trust = TrustList::new();
    trust.add(TrustedKey::new("Scan test authority", key.verifying_key()));
    Desk { issuer: Issuer::new(key, "Scan test authority").unwrap(), verifier: Verifier::new(trust) }
}

/// Issues `credential` and renders the page named `page`; returns the payload and the page.
fn card(desk: &Desk, credential: &Credential, symbol: Symbol, page: &str) -> (String, Page) {
    let prepared = match credential {
        Credential::TemporaryPass(pass) => desk.issuer.prepare_pass(pass, at(), &[][..]),
        other => desk.issuer.prepare(other),
    }
    .unwrap();
    let payload = desk.issuer.issue_prepared(&prepared, at()).unwrap().text;
    let verified = desk.verifier.verify(&payload, at()).unwrap();
    let card = Renderer::new().with_symbol(symbol).render(&Subject::verified(&verified, &payload), None).unwrap();
    (payload.clone(), card.page(page).unwrap().clone())
}

fn grey(page: &Page, scale: f32) -> GrayImage {
    let raster = page.rasterise(scale).unwrap();
    GrayImage::from_raw(raster.width, raster.height, raster.to_luma()).unwrap()
}

fn pass() -> Credential {
    docseal::samples::pass_on(NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()).into()
}

#[test]
fn issue_render_photograph_scan_verify_for_every_document() {
    let desk = desk();
    let documents: [(Credential, &str); 3] = [
        (docseal::samples::licence().into(), "front"),
        (docseal::samples::passport().into(), "data-page"),
        (pass(), "pass"),
    ];
    for (i, (credential, page_name)) in documents.iter().enumerate() {
        let (payload, page) = card(&desk, credential, Symbol::Qr, page_name);
        // A phone photo: turned 20 degrees, in perspective, a little blurred and noisy, JPEG.
        let shot = Shot {
            scale: 0.8,
            rotation: 20.0,
            perspective: 0.05,
            blur: 0.8,
            noise: 4.0,
            contrast: 0.7,
            glare: 0.2,
            jpeg_quality: Some(60),
            ..Shot::clean(1600, 1200, i as u64)
        };
        let page_image = grey(&page, shot.page_pixels_wanted() / 1000.0);
        let (_, jpeg) = photograph(&page_image, &shot).unwrap();
        let photo = decode_image(&jpeg, docseal_scan::DEFAULT_MAX_PIXELS).unwrap();
        let codes = patient().scan(&photo).unwrap();
        let qr = codes
            .iter()
            .find(|c| c.symbology == Symbology::Qr)
            .unwrap_or_else(|| panic!("no QR in the {page_name} photo: {codes:?}"));
        assert_eq!(qr.text, payload);
        let verified = desk.verifier.verify(&qr.text, at()).unwrap();
        assert_eq!(verified.credential().document_number(), credential.document_number());
    }
}

#[test]
fn a_clean_front_page_gives_its_qr_and_its_matching_reference() {
    let desk = desk();
    let licence: Credential = docseal::samples::licence().into();
    let (payload, page) = card(&desk, &licence, Symbol::Qr, "front");
    let image = grey(&page, 2.0);
    assert!(patient().scan(&image).unwrap().iter().all(|c| c.symbology.is_2d()), "no barcode pass by default");
    let codes = patient().with_code128(true).scan(&image).unwrap();
    assert_eq!(codes[0].symbology, Symbology::Qr, "2D symbols come first");
    assert_eq!(codes[0].text, payload);
    let bars = codes.iter().find(|c| c.symbology == Symbology::Code128).expect("the Code 128 reference");
    let reference = BarcodeReference::parse(&bars.text).unwrap();
    assert!(reference.matches(&licence, &payload));
    assert!(!reference.matches_payload(&format!("{payload}X")));
}

#[test]
fn a_datamatrix_page_is_read_and_verifies() {
    let desk = desk();
    let (payload, page) = card(&desk, &docseal::samples::passport().into(), Symbol::DataMatrix, "data-page");
    let shot = Shot { scale: 0.9, rotation: 8.0, jpeg_quality: Some(75), ..Shot::clean(1600, 1200, 3) };
    let (_, jpeg) = photograph(&grey(&page, shot.page_pixels_wanted() / 1000.0), &shot).unwrap();
    let codes = patient().scan(&decode_image(&jpeg, docseal_scan::DEFAULT_MAX_PIXELS).unwrap()).unwrap();
    let dm = codes.iter().find(|c| c.symbology == Symbology::DataMatrix).expect("the DataMatrix");
    assert_eq!(dm.text, payload);
    assert!(desk.verifier.verify(&dm.text, at()).is_ok());
}

/// A scanner whose time limit a busy CI machine cannot reach: these tests are about what is
/// read, and the limit has its own unit test.
fn patient() -> Scanner {
    Scanner::new().with_time_limit(std::time::Duration::from_secs(120))
}

#[test]
fn a_photo_without_a_code_and_a_broken_file_are_told_apart() {
    // A textured table and nothing on it.
    let table = GrayImage::from_fn(800, 600, |x, y| {
        image::Luma([(100.0 + 20.0 * ((x as f32 * 0.05).sin() * (y as f32 * 0.03).cos())) as u8])
    });
    // Without the time limit, so a busy machine cannot turn "nothing there" into "ran out of time".
    assert_eq!(Scanner::new().scan_on_this_thread(&table), Err(ScanError::NoCode));
    assert!(matches!(decode_image(b"\x89PNG\r\n\x1a\nbroken", 1 << 20), Err(ScanError::Unreadable { .. })));
    assert!(matches!(decode_image(b"", 1 << 20), Err(ScanError::Unreadable { .. })));
}
