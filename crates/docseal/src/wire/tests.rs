use super::*;
use crate::samples;

fn claims() -> Claims {
    Claims {
        issuer: "Beijing TMB".into(),
        issued_at: 1_790_000_000,
        expires_at: 1_790_086_400,
        not_before: None,
        cti: [7; 16],
    }
}

#[test]
fn licence_round_trips_through_the_payload() -> Result<()> {
    let credential = Credential::from(samples::licence());
    let doc = EncodedDocument::new(&credential);
    for c in [claims(), Claims { not_before: Some(1_789_999_000), ..claims() }] {
        let payload = encode_payload(&c, &doc);
        let (back_claims, back) = decode_payload(&payload)?;
        assert_eq!(back_claims, c);
        assert_eq!(back, credential);
    }
    Ok(())
}

#[test]
fn spliced_payload_equals_the_plain_encoding() {
    let credential = Credential::from(samples::licence());
    let doc = EncodedDocument::new(&credential);
    let c = claims();
    let document: Value = ciborium::de::from_reader(doc.as_bytes()).unwrap_or(Value::Null);
    let plain = int_map(vec![
        (claim::ISS, Value::Text(c.issuer.clone())),
        (claim::EXP, Value::Integer(c.expires_at.into())),
        (claim::IAT, Value::Integer(c.issued_at.into())),
        (claim::CTI, Value::Bytes(c.cti.to_vec())),
        (claim::DOCUMENT, document),
    ]);
    assert_eq!(encode_payload(&c, &doc), cbor::to_vec(&plain));
}

#[test]
fn document_rules_apply_on_decode() {
    let credential = Credential::from(samples::licence());
    let mut payload = encode_payload(&claims(), &EncodedDocument::new(&credential));
    // The sample's licence number ends in "7"; an "8" breaks the MOD 11-2 check character.
    let at = payload.windows(18).position(|w| w == b"110105199003070017").unwrap_or(0);
    payload[at + 17] = b'8';
    assert!(matches!(decode_payload(&payload), Err(Error::Document(DocumentError::CheckDigit { .. }))));
}

#[test]
fn malformed_payloads_are_cbor_errors() {
    let credential = Credential::from(samples::licence());
    let payload = encode_payload(&claims(), &EncodedDocument::new(&credential));
    for cut in [0, 1, 10, payload.len() - 1] {
        assert_eq!(decode_payload(&payload[..cut]).map_err(|e| e.kind()), Err("cbor"), "cut at {cut}");
    }
    let mut extra = payload.clone();
    extra.push(0);
    assert_eq!(decode_payload(&extra).map_err(|e| e.kind()), Err("cbor"));
    assert_eq!(decode_payload(&[0xa0]).map_err(|e| e.kind()), Err("cbor"));
}
