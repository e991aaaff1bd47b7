//! Third-party and own test vectors, read where they live (`../shared/test-vectors`,
//! `test-vectors/` at the repo root). Prints the number of cases per source.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use docseal::codec::{DecodeLimits, decode_text};
use docseal::cose::{SigningKey, VerifyingKey, verify_sign1_generic};
use serde_json::Value;

pub(crate) fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub(crate) fn shared() -> PathBuf {
    repo_root().join("../shared/test-vectors")
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
        assert_eq!(decode_text(&format!("DS1:{text}"), DecodeLimits::default()).unwrap(), bytes);
    }
    let rejects = ["GGW", ":::", "V5", "A", "ABCD", "abc"];
    for bad in rejects {
        let err = decode_text(&format!("DS1:{bad}"), DecodeLimits::default()).unwrap_err();
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
