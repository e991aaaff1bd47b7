//! `cargo run -p docseal-testgen`: regenerates `test-vectors/ds1/*.json` from fixed seeds.
//!
//! Every vector carries its provenance, its inputs (document, keys, time, credential id),
//! every intermediate (document CBOR, claims CBOR, Sig_structure, COSE, compressed body,
//! base45, QR text) and its expectation (valid, or the error kind). Ed25519 and ES256
//! (RFC 6979) signatures are deterministic, so the files are byte-for-byte reproducible; CI
//! regenerates them and fails on any difference.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use docseal::codec::encode_text;
use docseal::cose::{PreparedSign1, parse_sign1, replace_payload};
use docseal::model::Credential;
use docseal::wire::{EncodedDocument, encode_payload};
use docseal::{Algorithm, Issuer, Policy, Requirement, SigningKey, TrustList, Verifier};
use serde_json::{Value, json};

const SEED: u64 = 1;
const GENERATOR: &str = concat!("docseal-testgen ", env!("CARGO_PKG_VERSION"));

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).map(|t| t.to_utc()).unwrap_or_default()
}

/// Deterministic keys: Ed25519 seed bytes and a P-256 scalar derived from the label.
fn key(alg: Algorithm, label: u8) -> Result<SigningKey, docseal::Error> {
    let mut bytes = [label; 32];
    bytes[0] = SEED as u8;
    match alg {
        Algorithm::EdDsa => Ok(SigningKey::from_ed25519_seed(&bytes)),
        _ => SigningKey::from_p256_scalar(&bytes),
    }
}

/// Turns the genuine issued credential into the payload under test (negative vectors).
type Tamper = Box<dyn Fn(&docseal::Issued, &SigningKey) -> Result<String, docseal::Error>>;

struct Case {
    id: String,
    description: String,
    credential: Credential,
    key: SigningKey,
    trust: Vec<(SigningKey, Option<&'static str>)>,
    issued_at: DateTime<Utc>,
    verify_at: DateTime<Utc>,
    max_age: Option<u64>,
    requirements: Vec<Requirement>,
    /// Replaces the QR text after issuing (for the negative cases).
    tamper: Option<Tamper>,
    expected: Option<&'static str>,
}

fn trust_json(trust: &[(SigningKey, Option<&'static str>)]) -> Result<Value, docseal::Error> {
    let issuers = trust
        .iter()
        .enumerate()
        .map(|(i, (k, docs))| {
            let mut e = json!({"name": format!("vector key {i}"), "public_key": k.verifying_key().to_spki_pem()?});
            if let Some(d) = docs {
                e["documents"] = json!([d]);
            }
            Ok(e)
        })
        .collect::<Result<Vec<_>, docseal::Error>>()?;
    Ok(json!({"version": 1, "issuers": issuers}))
}

fn requirement_json(r: &Requirement) -> Value {
    match r {
        Requirement::VehicleClass(c) => json!({"vehicle_class": c}),
        Requirement::MinAge(n) => json!({"min_age": n}),
        Requirement::TravelMode(m) => json!({"travel_mode": m.to_string()}),
        Requirement::DocumentType(t) => json!({"document_type": t.name()}),
        _ => json!({}),
    }
}

fn render(case: &Case) -> Result<Value, docseal::Error> {
    let issuer = Issuer::new(SigningKey::from_pkcs8_pem(&case.key.to_pkcs8_pem()?)?, "docseal test vectors")?;
    let cti: [u8; 16] = std::array::from_fn(|i| (i as u8).wrapping_mul(17).wrapping_add(SEED as u8));
    let prepared = match &case.credential {
        Credential::TemporaryPass(p) => {
            // A pass goes through issue_pass (empty history) to get its prepared form's checks.
            issuer.issue_pass(p, case.issued_at, &[][..])?;
            None
        }
        other => Some(issuer.prepare(other)?),
    };
    let issued = match prepared {
        Some(p) => issuer.issue_with_cti(&p, case.issued_at, cti)?,
        None => reissue_pass(&issuer, &case.credential, case.issued_at, cti)?,
    };
    let text = match &case.tamper {
        Some(f) => f(&issued, &case.key)?,
        None => issued.text.clone(),
    };
    let mut policy = Policy::default();
    if let Some(secs) = case.max_age {
        policy = policy.with_max_age(Duration::from_secs(secs));
    }
    for r in &case.requirements {
        policy = policy.require(r.clone());
    }
    let trust = trust_json(&case.trust)?;
    let verifier = Verifier::new(TrustList::from_json(&trust.to_string())?).with_policy(policy);
    let outcome = verifier.verify(&text, case.verify_at);
    let got = outcome.as_ref().err().map(docseal::Error::kind);
    if got.map(docseal::ErrorKind::as_str) != case.expected {
        return Err(docseal::Error::Key { reason: format!("{}: expected {:?}, got {got:?}", case.id, case.expected) });
    }
    let document = EncodedDocument::new(&case.credential);
    let parsed = parse_sign1(&issued.cose)?;
    let genuine = issued.text.clone();
    let body = genuine.strip_prefix("DS1:").unwrap_or(&genuine);
    // The raw body: zlib bytes when the codec compressed, else the COSE itself.
    let raw_body = base45::decode(body).ok();
    let compressed_hex = raw_body.filter(|b| b.first() == Some(&0x78)).map(|b| hex(&b));
    Ok(json!({
        "id": case.id,
        "description": case.description,
        "provenance": {"generator": GENERATOR, "seed": SEED},
        "input": {
            "document_type": case.credential.document_type().name(),
            "document": case.credential.to_json(),
            "algorithm": case.key.algorithm().name(),
            "private_key_pkcs8_pem": case.key.to_pkcs8_pem()?.as_str(),
            "public_key_spki_pem": case.key.verifying_key().to_spki_pem()?,
            "kid": case.key.kid().to_string(),
            "issuer": "docseal test vectors",
            "issued_at": case.issued_at.to_rfc3339(),
            "cti_hex": hex(&cti),
        },
        "intermediate": {
            "document_cbor_hex": hex(document.as_bytes()),
            "claims_cbor_hex": hex(&parsed.payload),
            "to_be_signed_hex": hex(&parsed.to_be_signed),
            "cose_hex": hex(&issued.cose),
            "compressed_hex": compressed_hex,
            "base45": body,
        },
        "payload": text,
        "verify": {
            "trust_list": trust,
            "at": case.verify_at.to_rfc3339(),
            "max_age_secs": case.max_age,
            "requirements": case.requirements.iter().map(requirement_json).collect::<Vec<_>>(),
        },
        "expected": match case.expected {
            None => json!({"valid": true}),
            Some(kind) => json!({"valid": false, "error_kind": kind}),
        },
    }))
}

/// Passes bypass `prepare` (it refuses them); issue once more with the fixed credential id.
fn reissue_pass(
    issuer: &Issuer,
    credential: &Credential,
    at: DateTime<Utc>,
    cti: [u8; 16],
) -> Result<docseal::Issued, docseal::Error> {
    let issued = match credential {
        Credential::TemporaryPass(p) => issuer.issue_pass(p, at, &[][..])?,
        _ => return Err(docseal::Error::Key { reason: "not a pass".into() }),
    };
    // Replace the random cti by the fixed one and sign again: same claims otherwise.
    let mut claims = issued.claims.clone();
    claims.cti = cti;
    let payload = encode_payload(&claims, &EncodedDocument::new(credential));
    let cose = PreparedSign1::sign(issuer.key(), payload)?;
    Ok(docseal::Issued { text: encode_text(&cose), cose, claims })
}

fn cases() -> Result<Vec<Case>, docseal::Error> {
    let issued_at = time("2026-11-21T09:00:00Z");
    let verify_at = time("2026-11-21T09:02:00Z");
    let day = issued_at.date_naive();
    let documents = [
        ("passport", Credential::from(docseal::samples::passport())),
        ("licence", Credential::from(docseal::samples::licence())),
        ("temp-pass", Credential::from(docseal::samples::pass_on(day))),
    ];
    let mut out = Vec::new();
    for (alg, alg_name) in [(Algorithm::EdDsa, "ed25519"), (Algorithm::Es256, "es256")] {
        for (name, credential) in &documents {
            out.push(Case {
                id: format!("{name}-{alg_name}-valid"),
                description: format!("A valid {name} signed with {alg_name}"),
                credential: credential.clone(),
                key: key(alg, 1)?,
                trust: vec![(key(alg, 1)?, None)],
                issued_at,
                verify_at,
                max_age: None,
                requirements: Vec::new(),
                tamper: None,
                expected: None,
            });
        }
    }
    let licence = documents[1].1.clone();
    let base = |id: &str, description: &str, expected: &'static str| -> Result<Case, docseal::Error> {
        Ok(Case {
            id: format!("licence-ed25519-{id}"),
            description: description.into(),
            credential: licence.clone(),
            key: key(Algorithm::EdDsa, 1)?,
            trust: vec![(key(Algorithm::EdDsa, 1)?, None)],
            issued_at,
            verify_at,
            max_age: None,
            requirements: Vec::new(),
            tamper: None,
            expected: Some(expected),
        })
    };
    let tamper = |f: Tamper| Some(f);
    out.push(Case {
        tamper: tamper(Box::new(|i, _| Ok(i.text.replacen("DS1:", "HX1:", 1)))),
        ..base("prefix", "HX1: prefix", "prefix")?
    });
    out.push(Case {
        tamper: tamper(Box::new(|i, _| Ok(i.text.to_lowercase().replacen("ds1:", "DS1:", 1)))),
        ..base("base45", "lower-case base45", "base45")?
    });
    out.push(Case {
        tamper: tamper(Box::new(|i, _| {
            let mut z = vec![0x78, 0x9c];
            z.extend_from_slice(&i.cose[..32]);
            Ok(format!("DS1:{}", docseal_base45(&z)))
        })),
        ..base("decompress", "a zlib header followed by COSE bytes that are not deflate data", "decompress")?
    });
    out.push(Case {
        tamper: tamper(Box::new(|i, k| {
            let mut payload = parse_sign1(&i.cose)?.payload;
            payload.push(0);
            Ok(encode_text(&PreparedSign1::sign(k, payload)?))
        })),
        ..base("cbor", "correctly signed claims with a trailing byte", "cbor")?
    });
    out.push(Case {
        tamper: tamper(Box::new(|i, _| Ok(encode_text(&i.cose[1..])))),
        ..base("cose", "untagged COSE_Sign1", "cose")?
    });
    out.push(Case {
        trust: vec![(key(Algorithm::EdDsa, 2)?, None)],
        ..base("unknown-kid", "signed by a key not in the trust list", "unknown-kid")?
    });
    out.push(Case {
        tamper: tamper(Box::new(|i, _| {
            let parsed = parse_sign1(&i.cose)?;
            let lying = PreparedSign1::new(Algorithm::Es256, parsed.kid, parsed.payload);
            let sig = key(Algorithm::Es256, 1)?.sign(&lying.to_be_signed());
            Ok(encode_text(&lying.finalize(sig)?))
        })),
        ..base("algorithm", "protected alg says ES256, the kid names an Ed25519 key", "algorithm")?
    });
    out.push(Case {
        tamper: tamper(Box::new(|i, _| {
            let mut claims = i.claims.clone();
            claims.cti[0] ^= 1;
            let inspected = docseal::inspect(&i.text, &docseal::Limits::default())?;
            let payload = encode_payload(&claims, &EncodedDocument::new(&inspected.credential));
            Ok(encode_text(&replace_payload(&i.cose, payload)?))
        })),
        ..base("signature", "one bit of the credential id changed, signature kept", "signature")?
    });
    out.push(Case {
        verify_at: time("2026-11-21T08:50:00Z"),
        ..base("not-yet-valid", "verified 10 minutes before generation", "not-yet-valid")?
    });
    out.push(Case { verify_at: time("2026-12-22T09:00:00Z"), ..base("expired", "verified after exp", "expired")? });
    out.push(Case {
        max_age: Some(300),
        verify_at: time("2026-11-21T10:00:00Z"),
        ..base("stale", "an hour old, maximum age 5 minutes", "stale")?
    });
    out.push(Case {
        trust: vec![(key(Algorithm::EdDsa, 1)?, Some("passport"))],
        ..base("key-scope", "the key may sign passports only", "key-scope")?
    });
    out.push(Case {
        tamper: tamper(Box::new(|i, k| {
            let mut payload = parse_sign1(&i.cose)?.payload;
            if let Some(at) = payload.windows(18).position(|w| w == b"110105199003070017") {
                payload[at + 17] = b'8';
            }
            Ok(encode_text(&PreparedSign1::sign(k, payload)?))
        })),
        ..base("document", "correctly signed licence whose number fails its MOD 11-2 check", "document")?
    });
    out.push(Case {
        requirements: vec![Requirement::VehicleClass("A1".into())],
        ..base("policy", "the relying party requires class A1", "policy")?
    });
    out.push(Case {
        tamper: tamper(Box::new(|_, _| Ok(format!("DS1:{}", "0".repeat(9000))))),
        ..base("limit", "9,000 characters of text", "limit")?
    });
    Ok(out)
}

fn docseal_base45(bytes: &[u8]) -> String {
    base45::encode(bytes)
}

/// Writes fuzz seed corpora from the vectors: payload texts, claims CBOR, MRZ lines.
fn write_fuzz_seeds(dir: &std::path::Path, vectors: &[Value]) -> Result<(), Box<dyn std::error::Error>> {
    let write = |target: &str, name: &str, bytes: &[u8]| -> std::io::Result<()> {
        std::fs::create_dir_all(dir.join(target))?;
        std::fs::write(dir.join(target).join(name), bytes)
    };
    for v in vectors {
        let id = v["id"].as_str().unwrap_or("vector");
        let payload = v["payload"].as_str().unwrap_or("");
        for target in ["payload_decode", "verify"] {
            write(target, id, payload.as_bytes())?;
        }
        // server_request: the first byte picks the route (0 single, 1 batch).
        let single = serde_json::json!({"payload": payload, "at": v["verify"]["at"]});
        write("server_request", &format!("{id}-single"), &[&[0u8][..], single.to_string().as_bytes()].concat())?;
        let batch = serde_json::json!({"payloads": [payload, "DS1:XX"], "require": {"class": "C1"}});
        write("server_request", &format!("{id}-batch"), &[&[1u8][..], batch.to_string().as_bytes()].concat())?;
        write("base45_decode", id, v["intermediate"]["base45"].as_str().unwrap_or("").as_bytes())?;
        write("roundtrip_base45", id, v["intermediate"]["base45"].as_str().unwrap_or("").as_bytes())?;
        let claims = v["intermediate"]["claims_cbor_hex"].as_str().unwrap_or("");
        let claims: Vec<u8> =
            (0..claims.len() / 2).filter_map(|i| u8::from_str_radix(&claims[2 * i..2 * i + 2], 16).ok()).collect();
        write("document_cbor", id, &claims)?;
        write("roundtrip_document", id, &claims)?;
        write("trust_list", id, v["verify"]["trust_list"].to_string().as_bytes())?;
        if let Some(mrz) = v["input"]["document"]["mrz"].as_array() {
            let lines: String = mrz.iter().filter_map(Value::as_str).collect();
            write("mrz_parse", id, lines.as_bytes())?;
            write("roundtrip_mrz", id, lines.as_bytes())?;
        }
    }
    // Photos: the first vector's QR code as a small PNG and as a JPEG of it.
    if let Some(payload) = vectors.first().and_then(|v| v["payload"].as_str()) {
        let qr = docseal::codec::qr::Qr::new(payload, docseal::codec::qr::ErrorCorrection::L)?;
        // Two pixels per module and a 4-module quiet zone.
        let side = (qr.width() + 8) * 2;
        let grey = image::GrayImage::from_fn(side as u32, side as u32, |x, y| {
            let (mx, my) = ((x as usize / 2).wrapping_sub(4), (y as usize / 2).wrapping_sub(4));
            let dark = mx < qr.width() && my < qr.width() && qr.is_dark(mx, my);
            image::Luma([if dark { 0 } else { 255 }])
        });
        let mut png = Vec::new();
        grey.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)?;
        write("photo_decode", "qr.png", &png)?;
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 40).encode_image(&grey)?;
        write("photo_decode", "qr.jpg", &jpeg)?;
    }
    // Status list tokens and signed trust lists, signed by the keys the targets trust.
    let status_key = SigningKey::from_ed25519_seed(&[7; 32]);
    let mut list = docseal::status::StatusList::new(docseal::status::Bits::Two, 4096)?;
    list.set(41, docseal::status::Status::Suspended)?;
    let token = docseal::status::StatusListToken::sign(
        &status_key,
        "https://tmb.example/status/1",
        &list,
        1_796_000_000,
        1_796_604_800,
        Some(86_400),
    )?;
    write("status_list", "two-bit", &token)?;
    write(
        "status_list",
        "draft-example",
        &hex_digits(include_str!("../../../test-vectors/token-status-list/status_list_cwt.md")),
    )?;
    let anchor = SigningKey::from_ed25519_seed(&[9; 32]);
    let mut trust = docseal::TrustList::new();
    trust.add(docseal::TrustedKey::new("seed", status_key.verifying_key()));
    let info = docseal::trust::TrustListInfo {
        provider: "seed".into(),
        date: chrono::DateTime::from_timestamp(1_796_000_000, 0).unwrap_or_default(),
        sequence: 1,
        next_update: chrono::DateTime::from_timestamp(1_798_000_000, 0).unwrap_or_default(),
    };
    write("signed_trust_list", "one-entry", &trust.sign(&anchor, &info)?)?;
    Ok(())
}

/// The hex digits of a `.md` example file as bytes.
fn hex_digits(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .filter_map(|pair| std::str::from_utf8(pair).ok().and_then(|p| u8::from_str_radix(p, 16).ok()))
        .collect()
}

/// Writes `count` hostile bulk lines and the trust list that knows their kid: each line is
/// about 120 characters of text inflating to a 16 KiB COSE_Sign1 (a 16,000-byte payload)
/// under a trusted Ed25519 kid, in the canonical encoding, so every line gets as far as the
/// signature check. `.ci/bulk-memory` measures the verifier's peak memory on it.
fn write_hostile_bulk(dir: &std::path::Path, count: usize) -> Result<(), Box<dyn std::error::Error>> {
    let key = SigningKey::from_ed25519_seed(&[7; 32]);
    let public = key.verifying_key();
    let prepared = PreparedSign1::new(Algorithm::EdDsa, public.kid(), vec![0; 16_000]);
    let line = encode_text(&prepared.finalize(vec![0; 64])?);
    std::fs::create_dir_all(dir)?;
    let mut lines = String::with_capacity((line.len() + 1) * count);
    for _ in 0..count {
        lines.push_str(&line);
        lines.push('\n');
    }
    std::fs::write(dir.join("hostile.txt"), lines)?;
    let trust = json!({"version": 1, "issuers": [{"name": "hostile bulk", "public_key": public.to_spki_pem()?}]});
    std::fs::write(dir.join("trust.json"), trust.to_string())?;
    println!("wrote {count} lines of {} characters to {}", line.len(), dir.join("hostile.txt").display());
    Ok(())
}

/// `corpus --count N [--bad-share S] [--seed X] --out FILE --trust-out FILE`: a mixed corpus
/// of payloads (all documents, both algorithms, a share of bad ones of every kind) and its
/// trust list, for the bulk path's tests and measurements.
fn corpus(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let flag = |name: &str| args.iter().skip_while(|a| *a != name).nth(1).cloned();
    let required = |name: &str| flag(name).ok_or_else(|| format!("corpus: {name} is required"));
    let count: usize = required("--count")?.parse()?;
    let bad_share: f64 = flag("--bad-share").unwrap_or_else(|| "0.1".into()).parse()?;
    if !(0.0..=1.0).contains(&bad_share) {
        return Err("corpus: --bad-share must be between 0 and 1".into());
    }
    let seed: u64 = flag("--seed").unwrap_or_else(|| "1".into()).parse()?;
    // safe: the share is in 0..=1, so the product fits in u32.
    let per_mille = (bad_share * 1000.0).round() as u32;
    let corpus = docseal::samples::Corpus::generate(count, per_mille, seed, Utc::now())?;
    let (out, trust_out) = (required("--out")?, required("--trust-out")?);
    let mut lines = String::with_capacity(corpus.payloads.iter().map(|p| p.len() + 1).sum());
    for p in &corpus.payloads {
        lines.push_str(p);
        lines.push('\n');
    }
    std::fs::write(&out, lines)?;
    std::fs::write(&trust_out, &corpus.trust_json)?;
    let bad = corpus.expected.iter().filter(|e| e.is_some()).count();
    eprintln!(
        "docseal-testgen: wrote {} payloads ({bad} bad) to {out} and the trust list to {trust_out}",
        corpus.payloads.len()
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("corpus") {
        return corpus(&args[2..]);
    }
    if let Some(dir) = std::env::args().skip_while(|a| a != "--hostile-bulk").nth(1) {
        return write_hostile_bulk(std::path::Path::new(&dir), 200_000);
    }
    if let Some(dir) = std::env::args().skip_while(|a| a != "--fuzz-seeds").nth(1) {
        let vectors = cases()?.iter().map(render).collect::<Result<Vec<_>, _>>()?;
        write_fuzz_seeds(std::path::Path::new(&dir), &vectors)?;
        println!("wrote fuzz seeds for {} vectors to {dir}", vectors.len());
        return Ok(());
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors/ds1");
    std::fs::create_dir_all(&root)?;
    let mut written = Vec::new();
    for case in cases()? {
        let value = render(&case)?;
        let path = root.join(format!("{}.json", case.id));
        std::fs::write(&path, format!("{}\n", serde_json::to_string_pretty(&value)?))?;
        written.push(case.id);
    }
    // Remove vectors no longer generated, so the directory is exactly the generator's output.
    for entry in std::fs::read_dir(&root)? {
        let path = entry?.path();
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("").to_owned();
        if !written.contains(&stem) {
            std::fs::remove_file(path)?;
        }
    }
    println!("wrote {} vectors to test-vectors/ds1", written.len());
    Ok(())
}
