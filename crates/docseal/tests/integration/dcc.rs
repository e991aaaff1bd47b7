//! The EU DCC test suite (`test-vectors/dcc`, copied unchanged from upstream): every implemented EXPECTED* flag of
//! every file must match, and the decoded certificate must equal the file's `JSON`, except the
//! upstream defects listed in `test-vectors/dcc-expected-deviations.json`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};
use docseal::Limits;
use docseal::codec::decode_hc1_text;
use docseal::cose::parse_sign1_generic;
use docseal::wire::decode_hc1_payload;
use docseal::{Error, Policy, TrustList, Verifier};
use serde_json::Value;

use crate::vectors::{repo_root, shared};

/// The checks docseal implements, in pipeline order. A failure at one stage leaves the later
/// ones unknown.
const STAGES: [&str; 7] = [
    "EXPECTEDUNPREFIX",
    "EXPECTEDB45DECODE",
    "EXPECTEDCOMPRESSION",
    "EXPECTEDDECODE",
    "EXPECTEDVERIFY",
    "EXPECTEDKEYUSAGE",
    "EXPECTEDEXPIRATIONCHECK",
];

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// VALIDATIONCLOCK in the suite's many spellings: RFC 3339, `+0000` offsets, up to 9 fraction
/// digits, and no offset at all (read as UTC).
pub(crate) fn clock(text: &str) -> DateTime<Utc> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return t.to_utc();
    }
    if let Ok(t) = DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return t.to_utc();
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .unwrap_or_else(|e| panic!("VALIDATIONCLOCK {text:?}: {e}"))
        .and_utc()
}

/// The stage a decoding error belongs to.
fn decode_stage(error: &Error) -> &'static str {
    match error.kind().as_str() {
        "prefix" => "EXPECTEDUNPREFIX",
        "base45" => "EXPECTEDB45DECODE",
        "decompress" => "EXPECTEDCOMPRESSION",
        _ => "EXPECTEDDECODE",
    }
}

/// The stage a verification error belongs to (the payload decoded on its own already).
fn verify_stage(error: &Error) -> &'static str {
    match error.kind().as_str() {
        "key-scope" if error.to_string().contains("certificate key usage") => "EXPECTEDKEYUSAGE",
        "not-yet-valid" | "expired" => "EXPECTEDEXPIRATIONCHECK",
        _ => "EXPECTEDVERIFY",
    }
}

/// Runs one file through docseal; returns the outcome per implemented flag (None = unknown,
/// because an earlier stage failed), and whether the decoded certificate equals the file's
/// `JSON` (None when either is missing).
fn outcomes(case: &Value) -> (BTreeMap<&'static str, Option<bool>>, Option<bool>) {
    let ctx = &case["TESTCTX"];
    let at = clock(ctx["VALIDATIONCLOCK"].as_str().unwrap());
    let text = case["PREFIX"].as_str().unwrap_or_default();
    let certificate = ctx["CERTIFICATE"].as_str().unwrap_or_default();
    let trust = serde_json::json!({"version": 1, "issuers": [
        {"name": "DCC test signer", "certificate": certificate, "documents": ["dcc"]}
    ]});
    let decoded = (|| {
        // The decoding stages on their own: they need no trust list.
        let cose = decode_hc1_text(text, &Limits::default())?;
        let parsed = parse_sign1_generic(&cose, &[])?;
        let (_, dcc) = decode_hc1_payload(&parsed.payload)?;
        Ok::<_, Error>(dcc)
    })();
    // The decoded certificate is the file's JSON, value for value.
    let json_equal = match (&decoded, case.get("JSON")) {
        (Ok(dcc), Some(json)) => Some(dcc.json() == json),
        _ => None,
    };
    let failure = match decoded {
        Err(e) => Some((decode_stage(&e), e)),
        // A certificate docseal cannot read leaves nothing to verify with.
        Ok(_) => TrustList::from_json(&trust.to_string())
            .and_then(|trust| {
                Verifier::new(trust)
                    .with_policy(Policy::default().with_clock_skew(std::time::Duration::ZERO))
                    .verify_hc1(text, at)
            })
            .err()
            .map(|e| (verify_stage(&e), e)),
    };
    if std::env::var_os("DCC_DEBUG").is_some() {
        eprintln!("{}: {:?}", ctx["DESCRIPTION"], failure.as_ref().map(|(_, e)| e.to_string()));
    }
    let failed_at = failure.as_ref().map(|(stage, _)| *stage);
    let mut result = BTreeMap::new();
    let mut reached = true;
    for stage in STAGES {
        if !reached {
            result.insert(stage, None);
            continue;
        }
        let failed_here = failed_at == Some(stage);
        result.insert(stage, Some(!failed_here));
        reached = !failed_here;
    }
    (result, json_equal)
}

fn expected(case: &Value) -> BTreeMap<&'static str, bool> {
    let flags = &case["EXPECTEDRESULTS"];
    let mut out = BTreeMap::new();
    for stage in STAGES {
        if let Some(b) = flags[stage].as_bool() {
            out.insert(stage, b);
        }
    }
    // Seven files spell the expiry flag EXPTECTEDEXPIRED, with the same meaning.
    if let Some(b) = flags["EXPTECTEDEXPIRED"].as_bool() {
        out.entry("EXPECTEDEXPIRATIONCHECK").or_insert(b);
    }
    out
}

/// The suite's folder and its files, sorted.
fn suite_files() -> (PathBuf, Vec<PathBuf>) {
    let root = shared().join("dcc");
    let mut paths = Vec::new();
    files(&root, &mut paths);
    paths.sort();
    (root, paths)
}

#[test]
fn eu_dcc_test_suite() {
    let (root, paths) = suite_files();
    let deviations: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("test-vectors/dcc-expected-deviations.json")).unwrap(),
    )
    .unwrap();
    let mut allowed: BTreeMap<(String, String), bool> = BTreeMap::new();
    for d in deviations["deviations"].as_array().unwrap() {
        assert!(d["reason"].as_str().is_some_and(|r| r.len() > 20), "each deviation gives its reason: {d}");
        allowed.insert((d["file"].as_str().unwrap().to_owned(), d["flag"].as_str().unwrap().to_owned()), false);
    }
    let (mut cases, mut compared, mut unknown) = (0, 0, 0);
    let mut mismatches = Vec::new();
    let mut json_compared = 0;
    for path in &paths {
        let case: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let name = path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        cases += 1;
        let (got, json_equal) = outcomes(&case);
        if let Some(equal) = json_equal {
            compared += 1;
            json_compared += 1;
            if !equal {
                match allowed.get_mut(&(name.clone(), "JSON".to_owned())) {
                    Some(used) => *used = true,
                    None => mismatches.push(format!("{name}: decoded certificate differs from the file's JSON")),
                }
            }
        }
        for (flag, want) in expected(&case) {
            let Some(have) = got[flag] else {
                unknown += 1;
                continue;
            };
            compared += 1;
            if have != want {
                match allowed.get_mut(&(name.clone(), flag.to_owned())) {
                    Some(used) => *used = true,
                    None => mismatches.push(format!("{name}: {flag} expected {want}, docseal {have}")),
                }
            }
        }
    }
    let stale: Vec<_> = allowed.iter().filter(|(_, used)| !**used).map(|(k, _)| k).collect();
    println!(
        "vectors: EU DCC: {cases} files, {compared} checks ({json_compared} of them the decoded JSON), {unknown} flags after an expected failure, {} expected deviations",
        allowed.len()
    );
    assert!(mismatches.is_empty(), "{} mismatches:\n{}", mismatches.len(), mismatches.join("\n"));
    assert!(stale.is_empty(), "listed deviations that no longer occur: {stale:?}");
    assert!(cases >= 200, "the shared suite has 201 files, found {cases}");
}

/// One pipeline: every file's `HC1:` text, in a batch beside a `DS1:` licence, gets from the
/// bulk path (`verify_many` and the line stream) exactly what `verify_any` gives it alone.
#[test]
fn hc1_on_the_bulk_path_equals_single() {
    let (_, paths) = suite_files();
    let key = docseal::SigningKey::from_ed25519_seed(&[5; 32]);
    let pem = key.verifying_key().to_spki_pem().unwrap();
    let issuer = docseal::Issuer::new(key, "TMB").unwrap();
    // Issued in 2026: at the suite's clocks (2021) it is refused as not yet valid, a verdict
    // the batch must give it all the same.
    let ds1 = issuer.issue(&docseal::samples::licence().into(), "2026-11-21T09:00:00Z".parse().unwrap()).unwrap().text;
    let (mut compared, mut valid_hc1) = (0, 0);
    for path in &paths {
        let case: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let ctx = &case["TESTCTX"];
        let (Some(text), Some(certificate)) = (case["PREFIX"].as_str(), ctx["CERTIFICATE"].as_str()) else { continue };
        let at = clock(ctx["VALIDATIONCLOCK"].as_str().unwrap());
        let trust = serde_json::json!({"version": 1, "issuers": [
            {"name": "DCC test signer", "certificate": certificate, "documents": ["dcc"]},
            {"name": "TMB", "public_key": pem},
        ]});
        let Ok(trust) = TrustList::from_json(&trust.to_string()) else { continue };
        let verifier = Verifier::new(trust);
        let texts = [text, ds1.as_str(), text];
        let single: Vec<_> = texts.iter().map(|t| verifier.verify_any(t, at)).collect();
        assert_eq!(verifier.verify_many(&texts, at), single, "{}", path.display());
        let lines = texts.join("\n");
        let render = |out: &mut Vec<u8>, r: &docseal::Result<docseal::AnyVerified>| docseal::json::write_line(out, r);
        let (_, streamed) =
            docseal::bulk::verify_lines_into(&verifier, lines.as_bytes(), at, 2, render, Vec::new()).unwrap();
        let mut expected = Vec::new();
        for result in &single {
            docseal::json::write_line(&mut expected, result).unwrap();
        }
        assert_eq!(String::from_utf8(streamed).unwrap(), String::from_utf8(expected).unwrap());
        compared += 1;
        valid_hc1 += usize::from(single[0].is_ok());
    }
    assert!(compared >= 150 && valid_hc1 >= 50, "{compared} files compared, {valid_hc1} valid HC1");
}
