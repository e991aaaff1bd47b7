//! Third-party and own test vectors, read from `test-vectors/` at the repository root (its
//! README gives each set's source, commit and licence). Prints the number of cases per source.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use docseal::Limits;
use docseal::codec::decode_text;
use docseal::cose::{SigningKey, VerifyingKey, verify_sign1_generic};
use serde_json::Value;

pub(crate) fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub(crate) fn shared() -> PathBuf {
    repo_root().join("test-vectors")
}

pub(crate) fn hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2).map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex")).collect()
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn b64url(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s).expect("base64url")
}

#[test]
fn rfc9285_base45() {
    let examples: [(&[u8], &str); 4] =
        [(b"AB", "BB8"), (b"Hello!!", "%69 VD92EX0"), (b"base-45", "UJCLQE7W581"), (b"ietf!", "QED8WEX0")];
    for (bytes, text) in examples {
        assert_eq!(base45::encode(bytes), text);
        // Through docseal's codec, as a body: bytes come back unchanged (no zlib header).
        assert_eq!(decode_text(&format!("DS1:{text}"), &Limits::default()).unwrap(), bytes);
    }
    let rejects = ["GGW", ":::", "V5", "A", "ABCD", "abc"];
    for bad in rejects {
        let err = decode_text(&format!("DS1:{bad}"), &Limits::default()).unwrap_err();
        assert_eq!(err.kind(), "base45", "{bad}");
    }
    println!("vectors: RFC 9285: {} encode/decode cases, {} must-reject cases", examples.len(), rejects.len());
}

fn cose_key(key: &Value) -> Option<VerifyingKey> {
    match (key["kty"].as_str(), key["crv"].as_str()) {
        (Some("EC"), Some("P-256")) => {
            let mut sec1 = vec![4];
            sec1.extend(b64url(key["x"].as_str()?));
            sec1.extend(b64url(key["y"].as_str()?));
            VerifyingKey::from_p256_sec1(&sec1).ok()
        }
        (Some("OKP"), Some("Ed25519")) => {
            VerifyingKey::from_ed25519_bytes(&hex(key["x_hex"].as_str()?).try_into().ok()?).ok()
        }
        _ => None,
    }
}

#[test]
fn cose_wg_sign1() {
    let mut passed = 0;
    let mut refused = 0;
    let mut skipped = Vec::new();
    for dir in ["sign1-tests", "eddsa-examples"] {
        let mut files: Vec<_> = std::fs::read_dir(shared().join("cose-wg").join(dir)).unwrap().flatten().collect();
        files.sort_by_key(std::fs::DirEntry::path);
        for entry in files {
            let v = json(&entry.path());
            let title = v["title"].as_str().unwrap_or("").to_owned();
            let Some(signer) = v["input"].get("sign0") else {
                skipped.push(format!("{title} (COSE_Sign, not Sign1)"));
                continue;
            };
            let Some(key) = cose_key(&signer["key"]) else {
                skipped.push(format!("{title} (key type {} not supported)", signer["key"]["crv"]));
                continue;
            };
            let aad = signer["external"].as_str().map(hex).unwrap_or_default();
            let cbor = hex(v["output"]["cbor"].as_str().unwrap());
            let result = verify_sign1_generic(&cbor, &key, &aad);
            if v["fail"].as_bool().unwrap_or(false) {
                assert!(result.is_err(), "{title}: must be refused");
                refused += 1;
            } else {
                let parsed = result.unwrap_or_else(|e| panic!("{title}: {e}"));
                assert_eq!(parsed.payload, v["input"]["plaintext"].as_str().unwrap().as_bytes(), "{title}");
                let tbs = v["intermediates"]["ToBeSign_hex"].as_str().map(hex);
                assert_eq!(Some(parsed.to_be_signed.clone()), tbs, "{title}: Sig_structure");
                if let Some(d) = signer["key"]["d_hex"].as_str() {
                    // Ed25519 is deterministic: re-signing gives the same bytes.
                    let signing = SigningKey::from_ed25519_seed(&hex(d).try_into().unwrap());
                    let again = signing.sign(&parsed.to_be_signed);
                    assert_eq!(again, parsed.signature, "{title}: re-signed signature");
                    let mut rebuilt = cbor.clone();
                    let at = rebuilt.len() - 64;
                    rebuilt[at..].copy_from_slice(&again);
                    assert_eq!(rebuilt, cbor, "{title}: re-signed message");
                }
                passed += 1;
            }
        }
    }
    println!("vectors: COSE WG: {passed} pass cases verified, {refused} fail cases refused, skipped: {skipped:?}");
    assert!(passed >= 4 && refused >= 6);
}

fn policy_from(v: &Value) -> docseal::Policy {
    let mut policy = docseal::Policy::default();
    if let Some(secs) = v["max_age_secs"].as_u64() {
        policy = policy.with_max_age(std::time::Duration::from_secs(secs));
    }
    for r in v["requirements"].as_array().into_iter().flatten() {
        let req = if let Some(c) = r["vehicle_class"].as_str() {
            docseal::Requirement::VehicleClass(c.into())
        } else if let Some(n) = r["min_age"].as_u64() {
            docseal::Requirement::MinAge(u32::try_from(n).unwrap())
        } else if let Some(m) = r["travel_mode"].as_str() {
            docseal::Requirement::TravelMode(docseal::model::TravelMode::from_name(m).unwrap())
        } else {
            panic!("unknown requirement {r}")
        };
        policy = policy.require(req);
    }
    policy
}

fn document_type(name: &str) -> docseal::model::DocumentType {
    use docseal::model::DocumentType;
    match name {
        "passport" => DocumentType::Passport,
        "driving-licence" => DocumentType::DrivingLicence,
        _ => DocumentType::TemporaryPass,
    }
}

/// docseal's own vectors: intermediates recomputed independently of the generator, then the
/// payload verified under the vector's trust list, time and policy.
#[test]
fn own_ds1_vectors() {
    use docseal::wire::{EncodedDocument, decode_payload, encode_payload};
    let mut files: Vec<_> = std::fs::read_dir(repo_root().join("test-vectors/ds1")).unwrap().flatten().collect();
    files.sort_by_key(std::fs::DirEntry::path);
    let (mut valid, mut invalid) = (0, 0);
    let mut kinds = std::collections::BTreeSet::new();
    for entry in files {
        let v = json(&entry.path());
        let id = v["id"].as_str().unwrap().to_owned();
        let input = &v["input"];
        let inter = &v["intermediate"];
        let credential = docseal::model::Credential::from_json(
            document_type(input["document_type"].as_str().unwrap()),
            &input["document"].to_string(),
        )
        .unwrap_or_else(|e| panic!("{id}: {e}"));
        let document = EncodedDocument::new(&credential);
        assert_eq!(hex(inter["document_cbor_hex"].as_str().unwrap()), document.as_bytes(), "{id}: document CBOR");
        let claims_bytes = hex(inter["claims_cbor_hex"].as_str().unwrap());
        let (claims, decoded) = decode_payload(&claims_bytes).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(decoded, credential, "{id}");
        assert_eq!(encode_payload(&claims, &document), claims_bytes, "{id}: claims CBOR");
        assert_eq!(
            claims.issued_at,
            chrono::DateTime::parse_from_rfc3339(input["issued_at"].as_str().unwrap()).unwrap().timestamp()
        );
        let cose = hex(inter["cose_hex"].as_str().unwrap());
        let parsed = docseal::cose::parse_sign1(&cose).unwrap();
        assert_eq!(parsed.payload, claims_bytes, "{id}");
        assert_eq!(parsed.to_be_signed, hex(inter["to_be_signed_hex"].as_str().unwrap()), "{id}: Sig_structure");
        let public = VerifyingKey::from_spki_pem(input["public_key_spki_pem"].as_str().unwrap()).unwrap();
        public.verify(&parsed.to_be_signed, &parsed.signature).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(public.kid().to_string(), input["kid"].as_str().unwrap());
        let private = SigningKey::from_pkcs8_pem(input["private_key_pkcs8_pem"].as_str().unwrap()).unwrap();
        assert_eq!(private.sign(&parsed.to_be_signed), parsed.signature, "{id}: deterministic signature");
        assert_eq!(
            base45::encode(inter["compressed_hex"].as_str().map_or(cose.clone(), hex)),
            inter["base45"].as_str().unwrap()
        );

        let trust = docseal::TrustList::from_json(&v["verify"]["trust_list"].to_string()).unwrap();
        let at = chrono::DateTime::parse_from_rfc3339(v["verify"]["at"].as_str().unwrap()).unwrap().to_utc();
        let verifier = docseal::Verifier::new(trust).with_policy(policy_from(&v["verify"]));
        let result = verifier.verify(v["payload"].as_str().unwrap(), at);
        if v["expected"]["valid"].as_bool().unwrap() {
            let verified = result.unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(verified.credential(), &credential);
            assert_eq!(v["payload"].as_str().unwrap(), format!("DS1:{}", inter["base45"].as_str().unwrap()));
            valid += 1;
        } else {
            let kind = result.err().map(|e| e.kind().as_str());
            assert_eq!(kind, v["expected"]["error_kind"].as_str(), "{id}");
            kinds.insert(kind.unwrap_or_default());
            invalid += 1;
        }
    }
    println!("vectors: docseal DS1: {valid} valid, {invalid} negative ({} error kinds)", kinds.len());
    assert_eq!(valid, 6, "3 documents x 2 algorithms");
    assert_eq!(kinds.len(), 15, "one negative vector per error kind: {kinds:?}");
}
