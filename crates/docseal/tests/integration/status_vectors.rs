//! The IETF Token Status List draft's own examples (test-vectors/token-status-list, see its
//! NOTICE.md): encodings compared by their decompressed bits, the signed Status List Token
//! and the referenced token verified with the draft's key.

use base64::Engine as _;
use ciborium::value::Value;
use docseal::status::{Bits, Status, StatusList, StatusListToken};
use docseal::{Limits, VerifyingKey};
use serde_json::Value as Json;

use crate::vectors::shared;

fn hex_file(name: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(shared().join("token-status-list").join(name)).unwrap();
    // The hex is everything after an optional "encoded:" line, wrapped at 68 characters.
    let hex: String = text.rsplit("encoded:").next().unwrap().chars().filter(char::is_ascii_hexdigit).collect();
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}

/// The `{"bits", "lst"}` map of an encoding example, read through the public API.
fn encoded_list(name: &str) -> StatusList {
    let value: Value = ciborium::from_reader(hex_file(name).as_slice()).unwrap();
    let Value::Map(entries) = value else { panic!("{name}: a map") };
    let field = |key: &str| entries.iter().find(|(k, _)| k.as_text() == Some(key)).map(|(_, v)| v.clone()).unwrap();
    let bits = Bits::from_count(u64::try_from(field("bits").as_integer().unwrap()).unwrap()).unwrap();
    let lst = field("lst").into_bytes().unwrap();
    StatusList::decompress(bits, &lst, 1 << 20).unwrap()
}

fn draft_key() -> VerifyingKey {
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s).unwrap();
    let mut point = vec![0x04];
    point.extend(b64("I3HWm_0Ds1dPMI-IWmf4mBmH-YaeAVbPVu7vB27CxXo"));
    point.extend(b64("6N_d5Elj9bs1htgV3okJKIdbHEpkgTmAluYKJemzn1M"));
    VerifyingKey::from_p256_sec1(&point).unwrap()
}

#[test]
fn the_drafts_small_encodings() {
    assert_eq!(encoded_list("status_list_encoding_cbor.md").as_bytes(), [0xb9, 0xa3]);
    assert_eq!(encoded_list("status_list_encoding2_cbor.md").as_bytes(), [0xc9, 0x44, 0xf9]);
    // Our encoder writes the same bits (the zlib bytes may differ between implementations).
    let ours = StatusList::from_bytes(Bits::One, vec![0xb9, 0xa3]).unwrap();
    assert_eq!(StatusList::decompress(Bits::One, &ours.compress(), 16).unwrap(), ours);
}

#[test]
fn the_drafts_long_encodings() {
    let path = shared().join("token-status-list/expected-entries.json");
    let expected: Json = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let vectors = expected["vectors"].as_object().unwrap();
    assert_eq!(vectors.len(), 4);
    for (name, vector) in vectors {
        let list = encoded_list(name);
        assert_eq!(u64::from(list.bits().count()), vector["bits"].as_u64().unwrap(), "{name}");
        assert_eq!(list.len(), vector["size"].as_u64().unwrap(), "{name}: 2^20 entries");
        let entries = vector["entries"].as_object().unwrap();
        let mut non_zero = 0;
        for (idx, value) in entries {
            let value = u8::try_from(value.as_u64().unwrap()).unwrap();
            assert_eq!(list.get(idx.parse().unwrap()), Some(Status::from_value(value)), "{name}[{idx}]");
            non_zero += u64::from(value != 0);
        }
        let counts = list.counts();
        assert_eq!(counts[1..].iter().sum::<u64>(), non_zero, "{name}: no other entry is set");
    }
}

#[test]
fn the_drafts_signed_status_list_token() {
    let token = StatusListToken::decode(&hex_file("status_list_cwt.md"), &Limits::default()).unwrap();
    assert_eq!(token.uri, "https://example.com/statuslists/1");
    assert_eq!(token.kid, b"12");
    assert_eq!(token.alg, Some(-7));
    assert_eq!((token.issued_at, token.expires_at, token.ttl), (1_686_920_170, Some(2_291_720_170), Some(43_200)));
    assert_eq!(token.list.as_bytes(), [0xb9, 0xa3]);
    token.verify_signature(&draft_key()).expect("the draft's signature verifies");
    // One flipped byte of the signature: refused.
    let mut forged = hex_file("status_list_cwt.md");
    let last = forged.len() - 1;
    forged[last] ^= 1;
    let forged = StatusListToken::decode(&forged, &Limits::default()).unwrap();
    assert_eq!(forged.verify_signature(&draft_key()).unwrap_err().kind(), "status");
}

#[test]
fn the_drafts_referenced_token() {
    let bytes = hex_file("referenced_token_cwt.md");
    let parsed = docseal::cose::verify_sign1_generic(&bytes, &draft_key(), &[]).expect("signature verifies");
    assert_eq!(parsed.kid, b"12");
    let claims: Value = ciborium::from_reader(parsed.payload.as_slice()).unwrap();
    let Value::Map(claims) = claims else { panic!("claims map") };
    let status = claims.iter().find(|(k, _)| k.as_integer() == Some(65535.into())).map(|(_, v)| v).unwrap();
    // The claim as docseal writes it for the same entry, byte for byte.
    let mut ours = Vec::new();
    ciborium::into_writer(status, &mut ours).unwrap();
    let hex: String = ours.iter().map(|b| format!("{b:02x}")).collect();
    assert!(hex.contains("6b7374617475735f6c697374a263696478006375726978"), "{hex}");
    let refers_to = docseal::status::StatusRef::new("https://example.com/statuslists/1", 0).unwrap();
    assert_eq!((refers_to.uri(), refers_to.idx()), ("https://example.com/statuslists/1", 0));
}
