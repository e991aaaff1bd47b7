use std::time::Duration;

use super::*;
use crate::Error;
use crate::cose::{Kid, PreparedSign1, SigningKey, replace_payload};
use crate::issue::Issuer;
use crate::model::{DocumentType, DrivingLicence, LicenceStatus};
use crate::trust::{Scope, TrustedKey};
use crate::{Algorithm, samples};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).map(|t| t.to_utc()).unwrap_or_default()
}

const ISSUED: &str = "2026-11-21T09:00:00Z";

fn setup(alg: Algorithm) -> (Issuer, Verifier) {
    let key = match alg {
        Algorithm::EdDsa => SigningKey::from_ed25519_seed(&[3; 32]),
        _ => SigningKey::from_p256_scalar(&[4; 32]).unwrap(),
    };
    let mut trust = TrustList::new();
    trust.add(TrustedKey::new("test", key.verifying_key()));
    (Issuer::new(key, "Test Authority").unwrap(), Verifier::new(trust))
}

fn licence() -> Credential {
    Credential::from(samples::licence())
}

#[test]
fn valid_credentials_verify_with_both_algorithms() {
    for alg in [Algorithm::EdDsa, Algorithm::Es256] {
        let (issuer, verifier) = setup(alg);
        let issued = issuer.issue(&licence(), at(ISSUED)).unwrap();
        let verified = verifier.verify(&issued.text, at("2026-11-22T09:00:00Z")).unwrap();
        assert_eq!(verified.credential(), &licence());
        assert_eq!(verified.algorithm(), alg);
        assert_eq!(verified.claims().issuer, "Test Authority");
        assert_eq!(verified.issued_at(), at(ISSUED));
        assert_eq!(verified.kid(), issuer.key().kid());
        assert_eq!(verified.profile(), Profile::Ds1);
    }
}

#[test]
fn time_window_and_freshness() {
    let (issuer, verifier) = setup(Algorithm::EdDsa);
    let issued = issuer.issue(&licence(), at(ISSUED)).unwrap();
    let kind = |v: &Verifier, t: &str| v.verify(&issued.text, at(t)).map(|_| ()).map_err(|e| e.kind().as_str());
    assert_eq!(kind(&verifier, "2026-11-21T08:56:00Z"), Ok(()), "within the 5 minute skew");
    assert_eq!(kind(&verifier, "2026-11-21T08:54:00Z"), Err("not-yet-valid"));
    assert_eq!(kind(&verifier, "2026-12-21T09:04:00Z"), Ok(()), "30 days + skew");
    assert_eq!(kind(&verifier, "2026-12-21T09:06:00Z"), Err("expired"));
    let strict = verifier.clone().with_policy(Policy::default().with_max_age(Duration::from_secs(300)));
    assert_eq!(kind(&strict, "2026-11-21T09:04:59Z"), Ok(()));
    assert_eq!(kind(&strict, "2026-11-21T10:00:00Z"), Err("stale"));
}

#[test]
fn unknown_kid_scope_and_algorithm() {
    let (issuer, _) = setup(Algorithm::EdDsa);
    let issued = issuer.issue(&licence(), at(ISSUED)).unwrap();
    let now = at("2026-11-21T09:01:00Z");
    let other = SigningKey::from_ed25519_seed(&[5; 32]);
    let mut trust = TrustList::new();
    trust.add(TrustedKey::new("other", other.verifying_key()));
    assert_eq!(Verifier::new(trust).verify(&issued.text, now).unwrap_err().kind(), "unknown-kid");

    let mut scoped = TrustList::new();
    let limited = TrustedKey::new("passports only", issuer.key().verifying_key())
        .with_scopes(vec![Scope::Document(DocumentType::Passport)]);
    scoped.add(limited);
    let err = Verifier::new(scoped).verify(&issued.text, now).unwrap_err();
    assert!(matches!(err, Error::KeyScope { .. }), "{err}");

    // A header saying ES256 with the kid of an Ed25519 key: refused before any crypto.
    let es = SigningKey::from_p256_scalar(&[4; 32]).unwrap();
    let payload = crate::cose::parse_sign1(&issued.cose).unwrap().payload;
    let lying = PreparedSign1::new(Algorithm::Es256, issuer.key().kid(), payload);
    let sig = es.sign(&lying.to_be_signed());
    let text = crate::codec::encode_text(&lying.finalize(sig).unwrap());
    let (_, verifier) = setup(Algorithm::EdDsa);
    assert!(matches!(verifier.verify(&text, now), Err(Error::Algorithm { key: Algorithm::EdDsa, .. })));
}

#[test]
fn forged_payload_is_a_signature_error() {
    let (issuer, verifier) = setup(Algorithm::Es256);
    let issued = issuer.issue(&licence(), at(ISSUED)).unwrap();
    let mut json = licence().to_json();
    json["points"] = 0.into();
    let forged: DrivingLicence = serde_json::from_value(json).unwrap();
    let payload = crate::wire::encode_payload(&issued.claims, &crate::wire::EncodedDocument::new(&forged.into()));
    let text = crate::codec::encode_text(&replace_payload(&issued.cose, payload).unwrap());
    assert_eq!(verifier.verify(&text, at(ISSUED)).unwrap_err(), Error::Signature);
}

#[test]
fn every_single_character_change_is_refused() {
    let (issuer, verifier) = setup(Algorithm::EdDsa);
    let issued = issuer.issue(&licence(), at(ISSUED)).unwrap();
    let alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    let text: Vec<char> = issued.text.chars().collect();
    for i in (4..text.len()).step_by(7) {
        let replacement = alphabet.chars().find(|&c| c != text[i]).unwrap();
        let mut changed = text.clone();
        changed[i] = replacement;
        let changed: String = changed.into_iter().collect();
        assert!(verifier.verify(&changed, at(ISSUED)).is_err(), "change at {i} accepted");
    }
}

#[test]
fn status_rules_at_issue_and_verify() {
    let (issuer, verifier) = setup(Algorithm::EdDsa);
    let mut back = samples::licence_back();
    back.status = LicenceStatus::parse("D").unwrap();
    let suspended = DrivingLicence::new(samples::licence_front(), back.clone()).unwrap();
    let err = issuer.issue(&suspended.into(), at(ISSUED)).unwrap_err();
    assert!(matches!(err, Error::Document(crate::DocumentError::StatusForbidsIssue { status: 'D', .. })));

    back.status = LicenceStatus::normal();
    back.points = 12;
    let full = DrivingLicence::new(samples::licence_front(), back).unwrap();
    let issued = issuer.issue(&full.into(), at(ISSUED)).unwrap();
    let verified = verifier.verify(&issued.text, at(ISSUED)).unwrap();
    assert!(!verified.usability().is_usable());
}

#[test]
fn a_red_licence_answers_no_to_every_requirement() {
    let (issuer, verifier) = setup(Algorithm::EdDsa);
    let asking = |r: Requirement| verifier.clone().with_policy(Policy::default().require(r));
    let mut back = samples::licence_back();
    back.points = 12;
    let full = issuer.issue(&DrivingLicence::new(samples::licence_front(), back).unwrap().into(), at(ISSUED)).unwrap();
    // Without a question the verdict stays "genuine, not usable".
    assert!(!verifier.verify(&full.text, at(ISSUED)).unwrap().usability().is_usable());
    for requirement in [Requirement::VehicleClass("C1".into()), Requirement::MinAge(18)] {
        let err = asking(requirement).verify(&full.text, at(ISSUED)).unwrap_err();
        assert_eq!(err.kind(), "policy");
        assert!(err.to_string().contains("12 points"), "{err}");
    }
    let mut back = samples::licence_back();
    back.status = LicenceStatus::parse("D").unwrap();
    let suspended = DrivingLicence::new(samples::licence_front(), back).unwrap();
    // A suspended licence cannot be issued; a copy issued before suspension still says D.
    let policy = Policy::default().require(Requirement::VehicleClass("C1".into()));
    let err = policy.answer(&suspended.into(), at(ISSUED)).unwrap_err();
    assert_eq!(err.kind(), "policy");
    assert!(err.to_string().contains("status D"), "{err}");
}

#[test]
fn a_pass_before_its_first_day_answers_no() {
    let (issuer, verifier) = setup(Algorithm::EdDsa);
    let first_day = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let pass = samples::pass_on(first_day);
    let before = at("2026-11-22T12:00:00Z");
    let issued = issuer.issue_prepared(&issuer.prepare_pass_unchecked(&pass), before).unwrap();
    let rail = verifier.with_policy(Policy::default().require(Requirement::TravelMode(crate::model::TravelMode::Rail)));
    let err = rail.verify(&issued.text, before).unwrap_err();
    assert_eq!(err.kind(), "policy");
    assert!(err.to_string().contains("valid only from"), "{err}");
}

#[test]
fn requirements_are_policy_errors() {
    let (issuer, verifier) = setup(Algorithm::EdDsa);
    let issued = issuer.issue(&licence(), at(ISSUED)).unwrap();
    let needs = |r: Requirement| {
        verifier.clone().with_policy(Policy::default().require(r)).verify(&issued.text, at(ISSUED)).map(|_| ())
    };
    assert!(needs(Requirement::VehicleClass("C1".into())).is_ok());
    assert!(needs(Requirement::VehicleClass("C4".into())).is_ok(), "C1 implies C4");
    assert_eq!(needs(Requirement::VehicleClass("B2".into())).unwrap_err().kind(), "policy");
    assert_eq!(needs(Requirement::MinAge(40)).unwrap_err().kind(), "policy");
}

#[test]
fn keys_per_kid_are_capped() {
    let key = SigningKey::from_ed25519_seed(&[3; 32]);
    let mut trust = TrustList::new();
    for i in 0..20 {
        trust.add(TrustedKey::new(format!("k{i}"), key.verifying_key().with_kid(Kid([9; 8]))));
    }
    trust.add(TrustedKey::new("real", key.verifying_key()));
    let issuer = Issuer::new(key, "x").unwrap();
    let issued = issuer.issue(&licence(), at(ISSUED)).unwrap();
    assert!(Verifier::new(trust.clone()).verify(&issued.text, at(ISSUED)).is_ok());
    let lying =
        PreparedSign1::new(Algorithm::EdDsa, Kid([9; 8]), crate::cose::parse_sign1(&issued.cose).unwrap().payload);
    let sig = issuer.key().sign(&lying.to_be_signed());
    let text = crate::codec::encode_text(&lying.finalize(sig).unwrap());
    assert!(matches!(
        Verifier::new(trust).verify(&text, at(ISSUED)),
        Err(Error::Limit { limit: crate::error::LimitKind::KeysPerKid, .. })
    ));
}

#[test]
fn reissue_is_cheap_and_fresh() {
    let (issuer, verifier) = setup(Algorithm::EdDsa);
    let prepared = issuer.prepare(&licence()).unwrap();
    let first = issuer.issue_prepared(&prepared, at(ISSUED)).unwrap();
    let later = issuer.issue_prepared(&prepared, at("2026-11-21T09:30:00Z")).unwrap();
    assert_ne!(first.claims.cti, later.claims.cti);
    let live = verifier.with_policy(Policy::default().with_max_age(Duration::from_secs(120)));
    let now = at("2026-11-21T09:31:00Z");
    assert_eq!(live.verify(&first.text, now).unwrap_err().kind(), "stale");
    assert!(live.verify(&later.text, now).is_ok());
}

#[cfg(feature = "hc1")]
#[test]
fn each_profile_keeps_to_its_algorithms() {
    // An Ed25519 key trusted for EU DCCs: the HC1 profile still refuses EdDSA, before any
    // signature check or payload decoding.
    let key = SigningKey::from_ed25519_seed(&[8; 32]);
    let mut trust = TrustList::new();
    trust.add(TrustedKey::new("dcc signer", key.verifying_key()).with_scopes(vec![Scope::Dcc]));
    let cose = PreparedSign1::sign(&key, vec![0xa0]).unwrap();
    let err = Verifier::new(trust).verify_hc1_cose(&cose, at(ISSUED)).unwrap_err();
    assert_eq!(err.kind(), "algorithm", "{err}");
    assert!(err.to_string().contains("not allowed in the HC1 profile"), "{err}");
    assert_eq!(Profile::Ds1.algorithms(), &[Algorithm::EdDsa, Algorithm::Es256]);
    assert_eq!(Profile::Hc1.algorithms(), &[Algorithm::Es256, Algorithm::Ps256]);
}

#[test]
fn es256_signatures_are_issued_and_required_in_low_s_form() {
    use p256::elliptic_curve::PrimeField as _;
    let (issuer, verifier) = setup(Algorithm::Es256);
    let n_minus = |s: &[u8]| {
        // n - s over the P-256 group order, through the scalar field.
        let s = p256::Scalar::from_repr(p256::FieldBytes::try_from(s).unwrap()).unwrap();
        (-s).to_repr().to_vec()
    };
    for i in 0..16 {
        let issued = issuer.issue(&licence(), at(ISSUED) + chrono::Duration::seconds(i)).unwrap();
        let parsed = crate::cose::parse_sign1(&issued.cose).unwrap();
        assert!(crate::cose::is_low_s(&parsed.signature), "issued signatures are low-S");
        let mut high = parsed.signature.clone();
        let flipped = n_minus(&high[32..]);
        high[32..].copy_from_slice(&flipped);
        assert!(issuer.key().verifying_key().verify(&parsed.to_be_signed, &high).is_ok(), "ECDSA accepts (r, n-s)");
        let cose = PreparedSign1::new(Algorithm::Es256, parsed.kid, parsed.payload).finalize(high).unwrap();
        let err = verifier.verify_cose(&cose, at(ISSUED)).unwrap_err();
        assert_eq!(err.kind(), "signature", "{err}");
    }
}

/// Issue 10 item 2: a pass valid until 2026-11-30 (China) ends at midnight in Beijing,
/// 2026-11-30T16:00:00Z, not at midnight UTC; clock skew does not extend the document's day.
#[test]
fn dates_end_in_the_documents_zone() {
    let (issuer, verifier) = setup(Algorithm::EdDsa);
    let mut data = samples::pass_data_on(chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap());
    data.valid_until = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let pass = crate::model::TemporaryPass::new(data).unwrap();
    assert_eq!(Credential::from(pass.clone()).zone(), crate::model::Zone::SHANGHAI);
    let issued = issuer.issue_prepared(&issuer.prepare_pass_unchecked(&pass), at("2026-11-30T10:00:00Z")).unwrap();
    assert_eq!(issued.claims.expires_at, at("2026-11-30T16:00:00Z").timestamp(), "exp = end of the day in Beijing");
    assert!(verifier.verify(&issued.text, at("2026-11-30T15:59:59Z")).is_ok());
    let err = verifier.verify(&issued.text, at("2026-11-30T16:00:01Z")).unwrap_err();
    assert_eq!(err.kind(), "expired", "{err}");
}

/// Ages count on the relying party's day: 01:00 on 7 March in Beijing is still 6 March in
/// London, so the holder born on 7 March 1990 is 36 in Beijing and 35 in London.
#[test]
fn ages_count_on_the_relying_partys_day() {
    let (issuer, verifier) = setup(Algorithm::EdDsa);
    let now = at("2026-03-06T17:00:00Z");
    let on = chrono::NaiveDate::from_ymd_opt(2026, 3, 7).unwrap();
    let issued = issuer.issue(&samples::licence_on(on).into(), now).unwrap();
    let asking = |policy: Policy| verifier.clone().with_policy(policy).verify(&issued.text, now).map(|_| ());
    assert!(asking(Policy::default().require(Requirement::MinAge(36))).is_ok(), "document zone: Beijing");
    let london = crate::model::Zone::from_name("Europe/London").unwrap();
    let err = asking(Policy::default().with_time_zone(london).require(Requirement::MinAge(36))).unwrap_err();
    assert!(err.to_string().contains("holder is 35"), "{err}");
}

/// Issue 10 item 5: re-encodings of a genuine credential that keep its signature valid are
/// all refused, so the QR text (and the COSE bytes) identify the credential.
#[test]
fn only_the_canonical_encoding_verifies() {
    let (issuer, verifier) = setup(Algorithm::EdDsa);
    let issued = issuer.issue(&licence(), at(ISSUED)).unwrap();
    let now = at(ISSUED);
    assert!(verifier.verify(&issued.text, now).is_ok());
    let kind = |text: &str| verifier.verify(text, now).map(|_| ()).map_err(|e| e.kind().as_str());
    let text_of = |body: &[u8]| format!("DS1:{}", base45::encode(body));
    let zlib = |cose: &[u8], level: u8| miniz_oxide::deflate::compress_to_vec_zlib(cose, level);
    // COSE re-encodings, each wrapped the issuer's way: tag 18 in its two-byte form (d8 12)
    // instead of d2, and the signature's length written long-form (59 00 40, not 58 40).
    let long_tag = [&[0xd8, 0x12][..], &issued.cose[1..]].concat();
    assert_eq!(kind(&crate::codec::encode_text(&long_tag)), Err("cose"));
    let sig_at = issued.cose.len() - 66;
    assert_eq!(&issued.cose[sig_at..sig_at + 2], &[0x58, 0x40]);
    let long_len = [&issued.cose[..sig_at], &[0x59, 0x00, 0x40], &issued.cose[sig_at + 2..]].concat();
    assert_eq!(kind(&crate::codec::encode_text(&long_len)), Err("cose"));
    // Body re-encodings of the same COSE bytes: another zlib level, bytes after the zlib
    // stream, and the other choice between compressed and stored.
    let bodies = [
        zlib(&issued.cose, 1),
        zlib(&issued.cose, 6),
        [zlib(&issued.cose, 9), vec![0]].concat(),
        zlib(&issued.cose, 9),
        issued.cose.clone(),
    ];
    let mut refused = 0;
    for body in bodies {
        let text = text_of(&body);
        if text != issued.text {
            assert_eq!(kind(&text), Err("decompress"), "{text}");
            refused += 1;
        }
    }
    assert!(refused >= 4, "every form but the issuer's own is refused");
}

/// An insurer's question about a past day: did this holder hold class C1 on that day?
#[test]
fn requirements_can_be_asked_about_another_day() {
    let (issuer, verifier) = setup(Algorithm::EdDsa);
    let mut front = samples::licence_front();
    front.driving_privileges[0].issue_date = Some(chrono::NaiveDate::from_ymd_opt(2026, 10, 15).unwrap());
    let licence = DrivingLicence::new(front, samples::licence_back()).unwrap();
    let issued = issuer.issue(&licence.into(), at(ISSUED)).unwrap();
    let c1 = Policy::default().require(Requirement::VehicleClass("C1".into()));
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let ask = |policy: Policy| verifier.clone().with_policy(policy).verify(&issued.text, at(ISSUED)).map(|_| ());
    assert!(ask(c1.clone()).is_ok(), "today: yes");
    assert!(ask(c1.clone().as_of(day(2026, 11, 1))).is_ok());
    let err = ask(c1.as_of(day(2026, 10, 1))).unwrap_err();
    assert_eq!(err.kind(), "policy");
    assert!(err.to_string().contains("2026-10-01"), "{err}");
}

/// Issue 10, "what the desk sees": the checks passed and each requirement's answer in words.
#[test]
fn checks_and_answers_read_as_words() {
    let (issuer, verifier) = setup(Algorithm::EdDsa);
    let issued = issuer.issue(&licence(), at(ISSUED)).unwrap();
    let policy = Policy::default()
        .with_max_age(Duration::from_secs(300))
        .require(Requirement::VehicleClass("C2".into()))
        .require(Requirement::VehicleClass("C1".into()))
        .require(Requirement::MinAge(21));
    let verified = verifier.with_policy(policy).verify(&issued.text, at("2026-11-21T09:00:42Z")).unwrap();
    let answers: Vec<&str> = verified.answers().iter().map(|a| a.answer.as_str()).collect();
    assert_eq!(
        answers,
        ["yes, covered by C1 on 2026-11-21", "yes, held as C1 on 2026-11-21", "yes, age 36 >= 21 on 2026-11-21"]
    );
    let checks = verified.checks();
    let kinds: Vec<&str> = checks.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "signature",
            "issuer",
            "lifetime",
            "freshness",
            "status",
            "document",
            "requirement",
            "requirement",
            "requirement"
        ]
    );
    assert!(checks.iter().all(|c| c.passed));
    let detail = |kind: CheckKind| checks.iter().find(|c| c.kind == kind).map(|c| c.detail.clone()).unwrap_or_default();
    assert_eq!(detail(CheckKind::Freshness), "generated 42 s ago (limit 5 min 0 s)");
    // 09:00Z is 17:00 in Beijing; the copy lives 30 days.
    assert_eq!(
        detail(CheckKind::Lifetime),
        "generated 2026-11-21 17:00:00 CST (Asia/Shanghai), valid until 2026-12-21 17:00:00 CST (Asia/Shanghai)"
    );
    assert!(detail(CheckKind::Document).contains("status A (normal)"), "{}", detail(CheckKind::Document));
    assert_eq!(detail(CheckKind::Status), "the credential names no status list");
    assert_eq!(checks[6].detail, "class C2: yes, covered by C1 on 2026-11-21");
}

#[test]
fn a_red_licence_without_questions_reports_a_failed_document_check() {
    let (issuer, verifier) = setup(Algorithm::EdDsa);
    let mut back = samples::licence_back();
    back.points = 12;
    let red = DrivingLicence::new(samples::licence_front(), back).unwrap();
    let issued = issuer.issue(&red.into(), at(ISSUED)).unwrap();
    let verified = verifier.verify(&issued.text, at("2026-11-21T09:01:00Z")).unwrap();
    let document = verified.checks().into_iter().find(|c| c.kind == CheckKind::Document).unwrap();
    assert!(!document.passed);
    assert!(document.detail.contains("NOT usable, 12 points"), "{}", document.detail);
}

/// Issue 10, item 3: a genuine PS256 signature over a genuine DS1 payload, by an RSA key the
/// trust list names for driving licences, is refused: DS1 takes EdDSA and ES256 only.
#[cfg(feature = "hc1")]
#[test]
fn a_ds1_payload_signed_ps256_is_refused() {
    use coset::{CoseSign1Builder, HeaderBuilder, TaggedCborSerializable as _};
    use rand::SeedableRng as _;
    use rsa::pkcs8::{DecodePrivateKey as _, EncodePublicKey as _};
    use signature::RandomizedSigner as _;

    // A throwaway key generated with `openssl genpkey` for this test only.
    let pem = include_str!("testdata/rsa-2048-test-only.pem");
    let private = rsa::RsaPrivateKey::from_pkcs8_pem(pem).unwrap();
    let spki = private.to_public_key().to_public_key_der().unwrap();
    let public = crate::cose::VerifyingKey::from_spki_der(spki.as_bytes()).unwrap();
    let kid = public.kid();

    let (issuer, _) = setup(Algorithm::EdDsa);
    let genuine = issuer.issue(&licence(), at(ISSUED)).unwrap();
    let payload =
        crate::cose::parse_sign1(&codec::decode_text(&genuine.text, &Limits::default()).unwrap()).unwrap().payload;
    let protected = HeaderBuilder::new().algorithm(coset::iana::Algorithm::PS256).key_id(kid.0.to_vec()).build();
    let mut sign1 = CoseSign1Builder::new().protected(protected).payload(payload).build();
    let tbs = sign1.tbs_data(&[]);
    let signer = rsa::pss::SigningKey::<sha2::Sha256>::new(private);
    let mut rng = rand::rngs::StdRng::seed_from_u64(10);
    sign1.signature = signature::SignatureEncoding::to_vec(&signer.sign_with_rng(&mut rng, &tbs));
    assert!(public.verify(&tbs, &sign1.signature).is_ok(), "the PS256 signature itself is genuine");
    let cose = sign1.to_tagged_vec().unwrap();

    let mut trust = TrustList::new();
    trust.add(TrustedKey::new("rsa", public).with_scopes(vec![Scope::Document(DocumentType::DrivingLicence)]));
    let err = Verifier::new(trust).verify_cose(&cose, at(ISSUED)).unwrap_err();
    assert_eq!(err.kind(), "algorithm", "{err}");
    assert!(err.to_string().contains("not allowed in the DS1 profile"), "{err}");
}
