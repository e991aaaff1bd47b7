//! docseal-render's integration tests: every document drawn from a real verification, in
//! SVG, PNG and PDF, with what a person must see on each page.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use chrono::{DateTime, NaiveDate, Utc};
use docseal::model::Credential;
use docseal::{Algorithm, Issuer, SigningKey, TrustList, TrustedKey, Verified, Verifier};
use docseal_render::{PortraitShown, RenderError, Renderer, Subject, Symbol};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn issue(credential: &Credential) -> (String, Verified<Credential>) {
    let key = SigningKey::generate(Algorithm::EdDsa).unwrap();
    let mut trust = TrustList::new();
    trust.add(TrustedKey::new("Test authority", key.verifying_key()));
    let issuer = Issuer::new(key, "Test authority").unwrap();
    let when = at("2026-11-21T09:00:00Z");
    let prepared = match credential {
        // A pass is issued against the holder's earlier passes this month (none here).
        Credential::TemporaryPass(pass) => issuer.prepare_pass(pass, when, &[][..]),
        other => issuer.prepare(other),
    }
    .unwrap();
    let issued = issuer.issue_prepared(&prepared, when).unwrap();
    let verified = Verifier::new(trust).verify(&issued.text, at("2026-11-21T09:01:00Z")).unwrap();
    (issued.text, verified)
}

fn pass() -> Credential {
    docseal::samples::pass_on(NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()).into()
}

/// Keeps the pages under target/ for a person (or CI) to look at.
fn keep(name: &str, bytes: &[u8]) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/render-test");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), bytes).unwrap();
}

#[test]
fn every_document_renders_its_pages_with_every_field() {
    let renderer = Renderer::new();
    let cases: [(Credential, &[&str]); 3] = [
        (docseal::samples::licence().into(), &["front", "back"]),
        (docseal::samples::passport().into(), &["data-page"]),
        (pass(), &["pass"]),
    ];
    for (credential, names) in cases {
        let (payload, verified) = issue(&credential);
        let card = renderer.render(&Subject::verified(&verified, &payload), None).unwrap();
        let got: Vec<_> = card.pages().iter().map(|p| p.name()).collect();
        assert_eq!(got, names);
        assert!(card.missing_glyphs().is_empty(), "{:?}", card.missing_glyphs());
        let all: String = card.pages().iter().map(|p| p.source_svg()).collect();
        // The text a person reads (names in both scripts, numbers, the reference, the band).
        for needle in [credential.document_number(), "VALID  ·  USABLE", "DSR1/", "E-copy generated"] {
            assert!(all.contains(needle), "{needle:?} missing from the {} pages", credential.document_type());
        }
        for page in card.pages() {
            let png = page.to_png(1.0).unwrap();
            keep(&format!("{}.png", page.name()), &png);
            let svg = page.to_svg().unwrap();
            assert!(svg.contains("<path"), "text outlined");
            assert!(!svg.contains("<text"), "no text element left: the SVG needs no font");
            let pdf = page.to_pdf().unwrap();
            assert!(pdf.starts_with(b"%PDF-"));
            let raster = page.rasterise(0.5).unwrap();
            assert_eq!((raster.width, raster.height), (500, 320));
            let luma = raster.to_luma();
            assert!(luma.iter().any(|&p| p < 40) && luma.iter().any(|&p| p > 220), "ink on paper");
        }
    }
}

#[test]
fn licence_pages_show_front_and_back_fields() {
    let (payload, verified) = issue(&docseal::samples::licence().into());
    let card = Renderer::new().render(&Subject::verified(&verified, &payload), None).unwrap();
    let front = card.page("front").unwrap().source_svg();
    for needle in [
        "110105199003070017",
        "张三  ZHANG SAN",
        "北京市朝阳区建国路88号",
        "C1",
        "2008-05-20",
        "北京市公安局公安交通管理局",
        "Asia/Shanghai",
    ] {
        assert!(front.contains(needle), "front lacks {needle:?}");
    }
    let back = card.page("back").unwrap().source_svg();
    for needle in [
        "110100123456",
        "初次领证 C1",
        "2 / 12",
        "A normal",
        "北京市朝阳区建国路88号",
        "北京市公安局公安交通管理局",
        "C1   since 2008-05-20",
    ] {
        assert!(back.contains(needle), "back lacks {needle:?}");
    }
}

#[test]
fn a_red_licence_says_why_and_an_unverified_page_is_watermarked() {
    // Full score: genuine, but its QR is "red" (not usable), and the page says why.
    let mut json = Credential::from(docseal::samples::licence()).to_json();
    json["points"] = 12.into();
    let red = Credential::from_json(docseal::model::DocumentType::DrivingLicence, &json.to_string()).unwrap();
    let (payload, verified) = issue(&red);
    assert!(!verified.usability().is_usable());
    let card = Renderer::new().render(&Subject::verified(&verified, &payload), None).unwrap();
    for page in card.pages() {
        let svg = page.source_svg();
        assert!(svg.contains("NOT USABLE") && svg.contains("12 points: full score reached"), "{}", page.name());
        assert!(!svg.contains("UNVERIFIED"));
    }

    let inspected = docseal::inspect(&payload, &docseal::Limits::default()).unwrap();
    let card = Renderer::new().render(&Subject::unverified(&inspected, &payload), None).unwrap();
    for page in card.pages() {
        assert!(page.source_svg().contains(">UNVERIFIED</text>"));
        assert!(!page.source_svg().contains("USABLE"));
    }
}

#[test]
fn a_page_never_pairs_one_credentials_data_with_anothers_code() {
    let (payload, verified) = issue(&docseal::samples::licence().into());
    let (other, _) = issue(&docseal::samples::licence().into());
    let err = Renderer::new().render(&Subject::verified(&verified, &other), None).unwrap_err();
    assert!(matches!(err, RenderError::PayloadMismatch { .. }), "{err}");
    let err = Renderer::new().render(&Subject::verified(&verified, "DS1:NOPE"), None).unwrap_err();
    assert!(matches!(err, RenderError::PayloadMismatch { .. }), "{err}");
    assert!(Renderer::new().render(&Subject::verified(&verified, &payload), None).is_ok());
}

#[test]
fn the_portrait_is_drawn_only_when_it_hashes_to_the_signed_value() {
    use sha2::{Digest, Sha256};
    // Any PNG will do as a photo: a QR image.
    let qr = docseal::codec::qr::Qr::new("PORTRAIT", docseal::codec::qr::ErrorCorrection::M).unwrap();
    let photo = docseal_render::qr_png(&qr, 4).unwrap();
    let hex: String = Sha256::digest(&photo).iter().map(|b| format!("{b:02x}")).collect();
    let mut data = docseal::samples::passport_data();
    data.portrait_sha256 = Some(hex);
    let passport: Credential = docseal::model::Passport::new(data).unwrap().into();
    let (payload, verified) = issue(&passport);
    let subject = Subject::verified(&verified, &payload);
    let renderer = Renderer::new();

    let card = renderer.render(&subject, Some(&photo)).unwrap();
    assert_eq!(card.portrait(), &PortraitShown::Matching);
    assert!(card.pages()[0].source_svg().contains("data:image/png;base64,"));
    card.pages()[0].to_png(1.0).unwrap();

    let mut other = photo.clone();
    other.push(0);
    let card = renderer.render(&subject, Some(&other)).unwrap();
    assert_eq!(card.portrait(), &PortraitShown::Mismatch);
    assert!(card.pages()[0].source_svg().contains("PORTRAIT DOES NOT MATCH"));
    assert!(!card.pages()[0].source_svg().contains("data:image"));

    // A document that binds no portrait never shows one.
    let (payload, verified) = issue(&docseal::samples::passport().into());
    let card = renderer.render(&Subject::verified(&verified, &payload), Some(&photo)).unwrap();
    assert_eq!(card.portrait(), &PortraitShown::NotBound);
}

#[test]
fn a_datamatrix_page_and_bad_scales() {
    let (payload, verified) = issue(&pass());
    let card =
        Renderer::new().with_symbol(Symbol::DataMatrix).render(&Subject::verified(&verified, &payload), None).unwrap();
    let page = &card.pages()[0];
    keep("pass-datamatrix.png", &page.to_png(1.0).unwrap());
    for scale in [0.0, 0.05, 9.0, f32::NAN, f32::INFINITY] {
        assert!(matches!(page.to_png(scale), Err(RenderError::Scale { .. })), "{scale}");
    }
}

#[test]
fn vietnamese_and_rare_characters() {
    let mut data = docseal::samples::pass_data_on(NaiveDate::from_ymd_opt(2026, 11, 21).unwrap());
    data.family_name_national = Some("Nguyễn".into());
    data.given_name_national = Some("Thị Hằng".into());
    data.issuing_authority = "Cục Quản lý Xuất nhập cảnh 𠀀".into();
    let credential: Credential = docseal::model::TemporaryPass::new(data).unwrap().into();
    let (payload, verified) = issue(&credential);
    let card = Renderer::new().render(&Subject::verified(&verified, &payload), None).unwrap();
    assert_eq!(card.missing_glyphs(), &['𠀀']);
    assert!(card.pages()[0].source_svg().contains("Nguyễn Thị Hằng"));
    keep("pass-vietnamese.png", &card.pages()[0].to_png(1.0).unwrap());
}

/// Issue 42: pages drawn at issue carry no verdict (a suspension later would leave a picture
/// saying VALID); pages drawn from a verification stamp the verdict with its time.
#[test]
fn an_issued_page_claims_no_verdict_and_a_verified_one_is_stamped() {
    let licence = Credential::from(docseal::samples::licence());
    let (payload, verified) = issue(&licence);
    let card = Renderer::new().render(&Subject::issued(&verified, &payload), None).unwrap();
    for page in card.pages() {
        let svg = page.source_svg();
        assert!(svg.contains("ELECTRONIC COPY") && svg.contains("verify its code"), "{}", page.name());
        assert!(!svg.contains("VALID") && !svg.contains("USABLE"), "{}: a verdict on an issued page", page.name());
    }
    let card = Renderer::new().render(&Subject::verified(&verified, &payload), None).unwrap();
    let when = licence.zone().local_time(verified.verified_at());
    for page in card.pages() {
        let svg = page.source_svg();
        assert!(svg.contains("VALID  ·  USABLE") && svg.contains(&format!("checked {when}")), "{}", page.name());
    }
}
