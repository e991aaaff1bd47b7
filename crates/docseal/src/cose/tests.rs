use super::*;
use crate::error::Error;

fn keys() -> Vec<SigningKey> {
    vec![
        SigningKey::from_ed25519_seed(&[1; 32]),
        SigningKey::from_p256_scalar(&[2; 32]).unwrap_or_else(|_| unreachable!()),
    ]
}

#[test]
fn sign_parse_verify_both_algorithms() -> Result<(), Error> {
    for key in keys() {
        let cose = PreparedSign1::sign(&key, b"payload".to_vec())?;
        assert_eq!(cose[0], 0xd2, "tagged COSE_Sign1");
        let parsed = parse_sign1(&cose)?;
        assert_eq!(parsed.kid, key.kid());
        assert_eq!(parsed.alg, Some(key.algorithm().cose_id()));
        assert_eq!(parsed.payload, b"payload");
        key.verifying_key().verify(&parsed.to_be_signed, &parsed.signature)?;
        let forged = parse_sign1(&replace_payload(&cose, b"payloaD".to_vec())?)?;
        assert_eq!(key.verifying_key().verify(&forged.to_be_signed, &forged.signature), Err(Error::Signature));
    }
    Ok(())
}

#[test]
fn two_phase_signing_matches_one_phase_for_ed25519() -> Result<(), Error> {
    let key = SigningKey::from_ed25519_seed(&[9; 32]);
    let prepared = PreparedSign1::new(key.algorithm(), key.kid(), b"p".to_vec());
    let external = key.sign(&prepared.to_be_signed());
    assert_eq!(prepared.finalize(external)?, PreparedSign1::sign(&key, b"p".to_vec())?);
    let short = PreparedSign1::new(key.algorithm(), key.kid(), b"p".to_vec()).finalize(vec![0; 63]);
    assert_eq!(short.map_err(|e| e.kind().as_str()), Err("cose"));
    Ok(())
}

#[test]
fn keys_round_trip_through_pem_and_hide_secrets() -> Result<(), Error> {
    for key in keys() {
        let pem = key.to_pkcs8_pem()?;
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
        let again = SigningKey::from_pkcs8_pem(&pem)?;
        assert_eq!(again.kid(), key.kid());
        if key.algorithm() == crate::Algorithm::EdDsa {
            // PKCS#8 v1 (version 0, 48 bytes), the form OpenSSL and pyca/cryptography read.
            let der = pem_rfc7468::decode_vec(pem.as_bytes()).map(|(_, d)| d).unwrap_or_default();
            assert_eq!((der.len(), der[4]), (48, 0), "Ed25519 PKCS#8 v1");
        }
        let public = key.verifying_key().to_spki_pem()?;
        let vk = VerifyingKey::from_spki_pem(&public)?;
        assert_eq!(vk, key.verifying_key());
        let der = pem_rfc7468::decode_vec(public.as_bytes()).map(|(_, d)| d).unwrap_or_default();
        assert_eq!(vk.kid(), Kid::of_der(&der), "kid = SHA-256(SPKI DER)[..8]");
        let debug = format!("{key:?}");
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        assert!(!debug.contains(&body[..16]), "Debug must not print key material: {debug}");
        assert!(debug.contains("kid"));
    }
    assert!(SigningKey::from_pkcs8_pem("not a key").is_err());
    assert!(VerifyingKey::from_spki_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n").is_err());
    Ok(())
}

#[test]
fn weak_ed25519_keys_are_refused() {
    // SPKI for the identity point (small order): 302a300506032b6570032100 || 01 00..00
    let mut der = vec![0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00, 0x01];
    der.extend_from_slice(&[0; 31]);
    assert!(matches!(VerifyingKey::from_spki_der(&der), Err(Error::Key { reason }) if reason.contains("weak")));
}

/// Issue 37: an off-curve P-256 key is refused in P-256's words, not another parser's.
#[test]
fn an_off_curve_p256_key_is_refused_as_an_ec_key() {
    let pem = SigningKey::from_p256_scalar(&[1; 32]).expect("a scalar").verifying_key().to_spki_pem().expect("PEM");
    let (_, mut der) = pem_rfc7468::decode_vec(pem.as_bytes()).expect("DER");
    assert!(VerifyingKey::from_spki_der(&der).is_ok(), "the key as made");
    *der.last_mut().expect("a byte") ^= 1;
    match VerifyingKey::from_spki_der(&der) {
        Err(Error::Key { reason }) => assert!(reason.contains("not a P-256 point"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn parse_refuses_non_ds1_structures() -> Result<(), Error> {
    let key = SigningKey::from_ed25519_seed(&[1; 32]);
    let cose = PreparedSign1::sign(&key, b"p".to_vec())?;
    assert!(parse_sign1(&cose[1..]).is_err(), "untagged");
    let mut trailing = cose.clone();
    trailing.push(0);
    assert!(parse_sign1(&trailing).is_err(), "trailing bytes");
    use coset::TaggedCborSerializable as _;
    let short_kid = coset::CoseSign1Builder::new()
        .protected(coset::HeaderBuilder::new().algorithm(coset::iana::Algorithm::EdDSA).key_id(vec![1, 2]).build())
        .payload(b"p".to_vec())
        .signature(vec![0; 64])
        .build()
        .to_tagged_vec()
        .map_err(|e| Error::cose(e.to_string()))?;
    assert!(parse_sign1(&short_kid).is_err());
    Ok(())
}

#[test]
fn kid_base64() {
    let kid = Kid([1, 2, 3, 4, 5, 6, 7, 8]);
    assert_eq!(kid.to_string(), "AQIDBAUGBwg=");
    assert_eq!(Kid::from_base64("AQIDBAUGBwg="), Some(kid));
    assert_eq!(Kid::from_base64("AQID"), None);
}

/// The byte comparison agrees with p256's own rule (`normalize_s` leaves a low `s` alone)
/// on the boundary values and on random ones.
#[test]
fn low_s_byte_test_agrees_with_p256() {
    let oracle = |sig: &[u8; 64]| p256::ecdsa::Signature::from_slice(sig).ok().map(|s| s.normalize_s() == s);
    let half = key::P256_HALF_ORDER;
    let mut above_half = half;
    above_half[31] += 1;
    let mut below_half = half;
    below_half[31] -= 1;
    // n - 1, the largest scalar.
    let order_minus_one: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6,
        0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x50,
    ];
    let mut cases = vec![half, above_half, below_half, order_minus_one, [1; 32]];
    let mut seed = [7u8; 32];
    for _ in 0..500 {
        seed = <sha2::Sha256 as sha2::Digest>::digest(seed).into();
        cases.push(seed);
    }
    for s in cases {
        let mut sig = [0x11u8; 64];
        sig[32..].copy_from_slice(&s);
        let expected = oracle(&sig).expect("r = 0x11.. and these s are valid scalars");
        assert_eq!(key::is_low_s(&sig), expected, "s = {s:02x?}");
    }
    // Outside the scalar range: not low, so the signature is refused before the curve check.
    let mut sig = [0x11u8; 64];
    sig[32..].copy_from_slice(&[0xff; 32]);
    assert!(!key::is_low_s(&sig));
}

mod generic {
    use proptest::prelude::*;

    use super::super::sign1::parse_sign1_generic_reference;
    use super::*;

    /// The EU test suite's AT certificate: ES256, tagged, kid in the protected header.
    fn eu_dcc() -> Vec<u8> {
        let case: serde_json::Value =
            serde_json::from_str(include_str!("../../../../test-vectors/dcc/AT/2DCode/raw/1.json")).expect("AT case");
        let hex = case["COSE"].as_str().expect("COSE hex");
        (0..hex.len() / 2).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("hex")).collect()
    }

    /// Messages in the forms other producers write: DS1's, untagged, inside the CWT tag, kid
    /// unprotected, protected header as h'A0', indefinite-length array and payload, detached.
    fn messages() -> Vec<Vec<u8>> {
        let ds1 = PreparedSign1::sign(&keys()[0], b"payload".to_vec()).expect("sign");
        let sig = [0x58, 0x40].into_iter().chain([7u8; 64]).collect::<Vec<u8>>();
        let untagged =
            [&[0x84, 0x43, 0xa1, 0x01, 0x26, 0xa1, 0x04, 0x42, b'k', b'1', 0x43, 1, 2, 3][..], &sig].concat();
        let cwt = [&[0xd8, 0x3d, 0xd2][..], &untagged].concat();
        let a0 = [&[0xd2, 0x84, 0x41, 0xa0, 0xa0, 0x41, 9][..], &sig].concat();
        let indefinite = [&[0x9f, 0x40, 0xa0, 0x5f, 0x41, 1, 0x42, 2, 3, 0xff][..], &sig, &[0xff]].concat();
        let detached = [&[0x84, 0x40, 0xa0, 0xf6][..], &sig].concat();
        vec![eu_dcc(), ds1, untagged, cwt, a0, indefinite, detached]
    }

    type Parts = (Option<i64>, Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>, bool);

    fn parts(result: crate::error::Result<GenericSign1>) -> Result<Parts, crate::ErrorKind> {
        result
            .map(|g| (g.alg, g.kid, g.payload, g.signature, g.to_be_signed, g.has_critical_headers))
            .map_err(|e| e.kind())
    }

    #[test]
    fn reads_the_forms_other_producers_write() {
        let messages = messages();
        let read: Vec<_> = messages.iter().map(|m| parts(parse_sign1_generic(m, b"aad"))).collect();
        for (i, (message, ours)) in messages.iter().zip(&read).enumerate() {
            assert_eq!(ours, &parts(parse_sign1_generic_reference(message, b"aad")), "message {i}");
        }
        let accepted = read.iter().filter(|r| r.is_ok()).count();
        assert_eq!(accepted, 6, "all but the detached one: {read:?}");
        let Ok((alg, kid, payload, ..)) = &read[2] else { unreachable!("checked above") };
        assert_eq!((*alg, kid.as_slice(), payload.as_slice()), (Some(-7), &b"k1"[..], &[1u8, 2, 3][..]));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// The sliced parser agrees with coset over a value tree: the same parts, or an error
        /// of the same kind, on each message with a byte changed, cut or inserted.
        #[test]
        fn agrees_with_the_value_tree_parser(which in 0usize..7, at in any::<prop::sample::Index>(), byte in any::<u8>(), how in 0u8..3) {
            let mut message = messages().swap_remove(which);
            let at = at.index(message.len());
            match how {
                0 => message[at] = byte,
                1 => message.truncate(at),
                _ => message.insert(at, byte),
            }
            prop_assert_eq!(parts(parse_sign1_generic(&message, b"")), parts(parse_sign1_generic_reference(&message, b"")));
        }
    }
}

/// The one COSE reader holds each kind of signed object to its header rules, given as values.
#[test]
fn header_rules_are_values_the_one_reader_applies() {
    use coset::{CoseSign1Builder, HeaderBuilder, TaggedCborSerializable as _};
    use super::sign1::{HeaderRules, read_sign1};
    let strict = HeaderRules {
        name: "thing",
        tagged: true,
        kid_fallback: false,
        alg_fallback: false,
        unprotected_empty: true,
        refuse_crit: true,
        typ: Some("application/thing"),
        content_type: None,
    };
    let message = |protected: coset::Header, unprotected: coset::Header, tagged: bool| {
        let sign1 = CoseSign1Builder::new()
            .protected(protected)
            .unprotected(unprotected)
            .payload(b"payload".to_vec())
            .signature(vec![7; 64])
            .build();
        if tagged { sign1.to_tagged_vec().unwrap() } else { coset::CborSerializable::to_vec(sign1).unwrap() }
    };
    let typed = || {
        HeaderBuilder::new()
            .algorithm(coset::iana::Algorithm::EdDSA)
            .key_id(vec![1; 8])
            .value(16, ciborium::value::Value::Text("application/thing".into()))
    };
    let good = read_sign1(&message(typed().build(), coset::Header::default(), true), &strict, &[]).unwrap();
    assert_eq!((good.payload(), good.kid.as_slice(), good.alg), (&b"payload"[..], &[1u8; 8][..], Some(-8)));
    let refused = |bytes: Vec<u8>, rules: &HeaderRules| read_sign1(&bytes, rules, &[]).unwrap_err().to_string();
    assert!(refused(message(typed().build(), coset::Header::default(), false), &strict).contains("tag 18"));
    let wrong_typ = HeaderBuilder::new().algorithm(coset::iana::Algorithm::EdDSA).build();
    assert!(refused(message(wrong_typ, coset::Header::default(), true), &strict).contains("typ"));
    let unprotected_kid = HeaderBuilder::new().key_id(vec![2; 8]).build();
    assert!(refused(message(typed().build(), unprotected_kid.clone(), true), &strict).contains("unprotected"));
    let crit = typed().add_critical(coset::iana::HeaderParameter::Alg).build();
    assert!(refused(message(crit, coset::Header::default(), true), &strict).contains("critical"));
    // Where the rules allow it, the unprotected kid stands in for a missing protected one.
    let lenient = HeaderRules { kid_fallback: true, unprotected_empty: false, ..strict };
    let no_kid = HeaderBuilder::new()
        .algorithm(coset::iana::Algorithm::EdDSA)
        .value(16, ciborium::value::Value::Text("application/thing".into()))
        .build();
    let opened = read_sign1(&message(no_kid.clone(), unprotected_kid, true), &lenient, &[]).unwrap();
    assert_eq!(opened.kid, vec![2; 8]);
    let content = HeaderRules { content_type: Some("application/other"), ..lenient };
    assert!(refused(message(no_kid, coset::Header::default(), true), &content).contains("content type"));
}
