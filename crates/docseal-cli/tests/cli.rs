//! The command line as a new user drives it: acceptance items of the foundation issue.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use chrono::{DateTime, Datelike as _, Duration, Utc};
use serde_json::Value;

fn docseal(dir: &Path, args: &[&str]) -> Output {
    docseal_stdin(dir, args, None)
}

fn docseal_stdin(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_docseal"))
        .args(args)
        .current_dir(dir)
        // The desk's environment variables would change what the flags leave unsaid.
        .env_remove("DOCSEAL_TRUST")
        .env_remove("DOCSEAL_TRUST_ANCHOR")
        .env_remove("DOCSEAL_STATUS")
        .env_remove("DOCSEAL_TZ")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn docseal");
    let mut pipe = child.stdin.take().expect("stdin");
    if let Some(bytes) = stdin {
        // The child may stop reading early (size cap); a broken pipe is fine.
        let _ = pipe.write_all(bytes);
    }
    drop(pipe);
    let out = child.wait_with_output().expect("wait docseal");
    assert_ne!(out.status.code(), Some(101), "panic: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.code().is_some(), "killed by a signal");
    out
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

struct Setup {
    dir: tempfile::TempDir,
    payload: String,
}

impl Setup {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn verify(&self, trust: &str, extra: &[&str], payload: &str) -> (i32, Value) {
        let mut args = vec!["verify", "--trust", trust, "--json"];
        args.extend_from_slice(extra);
        args.push(payload);
        let out = docseal(self.dir.path(), &args);
        let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (out.status.code().unwrap_or(-1), json)
    }
}

fn trust_json(public_pem: &str, documents: Option<&str>) -> String {
    let docs = documents.map(|d| format!(r#", "documents": ["{d}"]"#)).unwrap_or_default();
    format!(r#"{{"version": 1, "issuers": [{{"name": "Test", "public_key": {public_pem:?}{docs}}}]}}"#)
}

/// example -> keygen -> trust list -> issue (with a PNG) for one algorithm.
fn setup(alg: &str) -> Setup {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let example = docseal(d, &["example", "licence"]);
    assert_eq!(example.status.code(), Some(0));
    std::fs::write(d.join("lic.json"), &example.stdout).expect("write lic.json");
    let keygen = docseal(d, &["keygen", "--alg", alg, "--out", "k.pem", "--pub", "k.pub"]);
    assert_eq!(keygen.status.code(), Some(0), "{}", String::from_utf8_lossy(&keygen.stderr));
    let mode = std::fs::metadata(d.join("k.pem")).expect("k.pem").permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "private key must be 0600");
    let public = std::fs::read_to_string(d.join("k.pub")).expect("k.pub");
    std::fs::write(d.join("t.json"), trust_json(&public, None)).expect("t.json");
    std::fs::write(d.join("passport-only.json"), trust_json(&public, Some("passport"))).expect("scoped");
    let issue = docseal(
        d,
        &[
            "issue",
            "licence",
            "--data",
            "lic.json",
            "--key",
            "k.pem",
            "--issuer",
            "X",
            "--qr",
            "out.png",
            "--no-registry",
        ],
    );
    assert_eq!(issue.status.code(), Some(0), "{}", String::from_utf8_lossy(&issue.stderr));
    assert!(String::from_utf8_lossy(&issue.stderr).contains("QR version"));
    Setup { payload: stdout(&issue), dir }
}

fn decode_png(path: &Path) -> String {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).expect("png")));
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("png frame");
    let (w, h) = (info.width as usize, info.height as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| buf[y * w + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1);
    grids[0].decode().expect("QR decodes").1
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339()
}

#[test]
fn issue_verify_and_refusals_for_both_algorithms() {
    for alg in ["ed25519", "es256"] {
        let s = setup(alg);
        assert!(s.payload.starts_with("DS1:"));
        assert_eq!(decode_png(&s.path("out.png")), s.payload, "out.png holds the payload");

        let (code, json) = s.verify("t.json", &[], &s.payload);
        assert_eq!(code, 0, "{json}");
        assert_eq!(json["valid"], true);
        assert_eq!(json["profile"], "DS1");
        assert_eq!(json["document_type"], "driving-licence");
        assert_eq!(json["issuer"], "X");
        assert_eq!(json["usable"], true);
        assert_eq!(json["document"]["document_number"], "110105199003070017");
        assert_eq!(json["document"]["driving_privileges"][0]["vehicle_category_code"], "C1");

        let refused = |trust: &str, extra: &[&str], payload: &str| {
            let (code, json) = s.verify(trust, extra, payload);
            assert_eq!(code, 1, "{json}");
            assert_eq!(json["valid"], false);
            json["error"]["kind"].as_str().unwrap_or("").to_owned()
        };
        let issued_at: DateTime<Utc> = json["issued_at"].as_str().and_then(|t| t.parse().ok()).expect("issued_at");
        let expires_at: DateTime<Utc> = json["expires_at"].as_str().and_then(|t| t.parse().ok()).expect("expires_at");
        let after_exp = rfc3339(expires_at + Duration::minutes(6));
        assert_eq!(refused("t.json", &["--at", &after_exp], &s.payload), "expired");
        let before = rfc3339(issued_at - Duration::minutes(6));
        assert_eq!(refused("t.json", &["--at", &before], &s.payload), "not-yet-valid");
        let hour_later = rfc3339(issued_at + Duration::hours(1));
        assert_eq!(refused("t.json", &["--max-age", "5m", "--at", &hour_later], &s.payload), "stale");
        assert_eq!(refused("passport-only.json", &[], &s.payload), "key-scope");
        assert_eq!(refused("t.json", &[], &s.payload.replacen("DS1:", "HX1:", 1)), "prefix");
        assert_eq!(refused("t.json", &[], &s.payload.to_lowercase().replacen("ds1:", "DS1:", 1)), "base45");

        // One changed character anywhere in the body: refused, never accepted.
        let chars: Vec<char> = s.payload.chars().collect();
        for i in [4, chars.len() / 2, chars.len() - 1] {
            let mut changed = chars.clone();
            changed[i] = if chars[i] == '0' { '1' } else { '0' };
            let changed: String = changed.into_iter().collect();
            let kind = refused("t.json", &[], &changed);
            assert!(
                ["base45", "decompress", "cbor", "cose", "unknown-kid", "signature"].contains(&kind.as_str()),
                "{kind}"
            );
        }
    }
}

#[test]
fn unknown_kid_and_algorithm_mismatch() {
    let s = setup("ed25519");
    let other = docseal(s.dir.path(), &["keygen", "--alg", "ed25519", "--out", "o.pem", "--pub", "o.pub"]);
    assert_eq!(other.status.code(), Some(0));
    let public = std::fs::read_to_string(s.path("o.pub")).expect("o.pub");
    std::fs::write(s.path("other.json"), trust_json(&public, None)).expect("other.json");
    let (code, json) = s.verify("other.json", &[], &s.payload);
    assert_eq!((code, json["error"]["kind"].as_str()), (1, Some("unknown-kid")));

    // A payload whose header says ES256 while its kid names the trusted Ed25519 key.
    let pem = std::fs::read_to_string(s.path("k.pem")).expect("k.pem");
    let ed = docseal::SigningKey::from_pkcs8_pem(&pem).expect("key");
    let es = docseal::SigningKey::generate(docseal::Algorithm::Es256).expect("es key");
    let inspected = docseal::inspect(&s.payload, &docseal::Limits::default()).expect("inspect");
    let payload =
        docseal::wire::encode_payload(&inspected.claims, &docseal::wire::EncodedDocument::new(&inspected.credential));
    let lying = docseal::cose::PreparedSign1::new(docseal::Algorithm::Es256, ed.kid(), payload);
    let signature = es.sign(&lying.to_be_signed());
    let text = docseal::codec::encode_text(&lying.finalize(signature).expect("cose"));
    let (code, json) = s.verify("t.json", &[], &text);
    assert_eq!((code, json["error"]["kind"].as_str()), (1, Some("algorithm")), "{json}");
}

#[test]
fn bad_input_never_panics_and_writes_nothing() {
    let s = setup("ed25519");
    let d = s.dir.path();
    let verify_stdin = |bytes: &[u8]| {
        let out = docseal_stdin(d, &["verify", "--trust", "t.json", "--json", "-"], Some(bytes));
        (out.status.code(), serde_json::from_slice::<Value>(&out.stdout).unwrap_or(Value::Null))
    };
    let (code, json) = verify_stdin(b"");
    assert_eq!((code, json["error"]["kind"].as_str()), (Some(1), Some("prefix")));
    let garbage: Vec<u8> = (0..1_000_000u32).map(|i| b"ABCDEFGH0123:%$ "[(i * 7 % 16) as usize]).collect();
    let (code, json) = verify_stdin(&garbage);
    assert_eq!((code, json["error"]["kind"].as_str()), (Some(1), Some("limit")));
    let truncated = &s.payload[..s.payload.len() / 2];
    let (code, json) = verify_stdin(truncated.as_bytes());
    assert_eq!(code, Some(1), "{json}");
    let binary: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    assert!(matches!(verify_stdin(&binary).0, Some(1 | 2)));

    std::fs::write(d.join("bad.json"), "{ not json").expect("bad.json");
    let out = docseal(
        d,
        &[
            "issue",
            "licence",
            "--data",
            "bad.json",
            "--key",
            "k.pem",
            "--issuer",
            "X",
            "--qr",
            "bad.png",
            "--no-registry",
        ],
    );
    assert!(matches!(out.status.code(), Some(1 | 2)));
    assert!(out.stdout.is_empty(), "no payload printed");
    assert!(!d.join("bad.png").exists(), "no QR written");
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid document JSON"));

    let out = docseal(d, &["verify", "--trust", "missing.json", "--json", &s.payload]);
    assert_eq!(out.status.code(), Some(2), "I/O error");
    let out = docseal(d, &["keygen", "--alg", "ed25519", "--out", "k.pem"]);
    assert_eq!(out.status.code(), Some(2), "keygen must not overwrite without --force");
    let same = docseal(d, &["keygen", "--alg", "ed25519", "--out", "same.pem", "--pub", "./same.pem", "--force"]);
    assert_eq!(same.status.code(), Some(2), "one file cannot hold both keys");
    assert!(!d.join("same.pem").exists(), "nothing written");
}

#[test]
fn inspect_marks_output_unverified() {
    let s = setup("es256");
    let out = docseal(s.dir.path(), &["inspect", &s.payload]);
    assert_eq!(out.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["verified"], false);
    assert_eq!(json["alg"], -7);
    assert_eq!(json["claims"]["iss"], "X");
}

#[test]
fn demo_runs_and_refuses_the_tampered_copy() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = docseal(dir.path(), &["demo", "--qr", "demo.png"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("QR version"));
    assert!(text.contains("VALID driving-licence"));
    assert!(text.contains("REFUSED (signature)"));
    assert!(text.contains("REFUSED (stale)"));
    assert!(text.contains("recorded in a SQLite registry: credential "), "{text}");
    assert!(text.contains("[ok] status: entry 0 of https://tmb.example/status/1 is VALID"), "{text}");
    assert!(text.contains("REFUSED (suspended)"), "{text}");
    assert!(decode_png(&dir.path().join("demo.png")).starts_with("DS1:"));
}

/// Issue 3: every document with both algorithms, and the documents' own rules at the CLI.
#[test]
fn all_documents_with_both_algorithms() {
    for alg in ["ed25519", "es256"] {
        let s = setup(alg);
        let d = s.dir.path();
        for (kind, doc_type) in
            [("passport", "passport"), ("temp-pass", "temporary-pass"), ("licence", "driving-licence")]
        {
            let example = docseal(d, &["example", kind]);
            std::fs::write(d.join(format!("{kind}.json")), &example.stdout).expect("write example");
            let data = format!("{kind}.json");
            let issue =
                docseal(d, &["issue", kind, "--data", &data, "--key", "k.pem", "--issuer", "X", "--no-registry"]);
            assert_eq!(issue.status.code(), Some(0), "{kind}: {}", String::from_utf8_lossy(&issue.stderr));
            let (code, json) = s.verify("t.json", &[], &stdout(&issue));
            assert_eq!(code, 0, "{json}");
            assert_eq!(json["document_type"], doc_type);
            if kind == "passport" {
                assert_eq!(json["document"]["mrz"][1].as_str().map(str::len), Some(44));
            }
        }
    }
}

#[test]
fn document_rules_at_the_command_line() {
    let s = setup("ed25519");
    let d = s.dir.path();
    let edit = |source: &str, target: &str, f: &dyn Fn(&mut Value)| {
        let mut json: Value = serde_json::from_slice(&std::fs::read(d.join(source)).expect("read")).expect("json");
        f(&mut json);
        std::fs::write(d.join(target), json.to_string()).expect("write");
    };
    let issue = |kind: &str, data: &str, extra: &[&str]| {
        let mut args = vec!["issue", kind, "--data", data, "--key", "k.pem", "--issuer", "X", "--no-registry"];
        args.extend_from_slice(extra);
        docseal(d, &args)
    };
    let refused = |out: &Output, needle: &str| {
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(out.stdout.is_empty());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{err}");
    };
    // Licence: C6 without a base class; a suspended licence; 12 points verifies as not usable.
    edit("lic.json", "c6.json", &|j| j["driving_privileges"] = serde_json::json!([{"vehicle_category_code": "C6"}]));
    refused(&issue("licence", "c6.json", &[]), "C6 requires");
    edit("lic.json", "suspended.json", &|j| j["status"] = "D".into());
    refused(&issue("licence", "suspended.json", &[]), "suspended");
    edit("lic.json", "full.json", &|j| j["points"] = 12.into());
    let full = issue("licence", "full.json", &[]);
    assert_eq!(full.status.code(), Some(0));
    // Issue 42: genuine but not usable exits 1 with kind not-usable; 0 when only authenticity
    // is asked.
    let (code, json) = s.verify("t.json", &[], &stdout(&full));
    assert_eq!((code, &json["valid"], &json["usable"]), (1, &Value::Bool(true), &Value::Bool(false)));
    assert_eq!(json["not_usable"]["kind"], "not-usable", "{json}");
    assert!(json["not_usable"]["reason"].as_str().unwrap_or("").contains("12 points"), "{json}");
    let (code, _) = s.verify("t.json", &["--accept-not-usable"], &stdout(&full));
    assert_eq!(code, 0);
    // Asked a question, a red licence answers no.
    let (code, json) = s.verify("t.json", &["--require-class", "C1"], &stdout(&full));
    assert_eq!((code, json["error"]["kind"].as_str()), (1, Some("policy")), "{json}");
    assert!(json["error"]["message"].as_str().unwrap_or("").contains("12 points"), "{json}");

    // Pass: 8 days, past the permit, a third in the month; rail passes, a class fails.
    std::fs::write(d.join("pass.json"), docseal(d, &["example", "temp-pass"]).stdout).expect("pass.json");
    edit("pass.json", "eight.json", &|j| {
        let from: chrono::NaiveDate = j["valid_from"].as_str().and_then(|t| t.parse().ok()).expect("from");
        j["valid_until"] = (from + chrono::Days::new(7)).to_string().into();
    });
    refused(&issue("temp-pass", "eight.json", &[]), "at most 7");
    edit("pass.json", "late.json", &|j| j["permit_expiry_date"] = j["valid_from"].clone());
    refused(&issue("temp-pass", "late.json", &[]), "permit_expiry_date");
    let pass = issue("temp-pass", "pass.json", &[]);
    assert_eq!(pass.status.code(), Some(0));
    let pass = stdout(&pass);
    assert_eq!(s.verify("t.json", &["--travel-mode", "rail"], &pass).0, 0);
    let car = docseal(d, &["verify", "--trust", "t.json", "--travel-mode", "car", &pass]);
    assert_eq!(car.status.code(), Some(2), "an unknown travel mode is a usage error");
    assert!(String::from_utf8_lossy(&car.stderr).contains("unknown travel mode"));
    let (code, json) = s.verify("t.json", &["--require-class", "C1"], &pass);
    assert_eq!((code, json["error"]["kind"].as_str()), (1, Some("policy")));
    assert!(json["error"]["message"].as_str().unwrap_or("").contains("class C1"), "names the requirement");
    let (code, _) = s.verify("t.json", &["--require-class", "C1", "--min-age", "18"], &s.payload);
    assert_eq!(code, 0);
    let (code, json) = s.verify("t.json", &["--require-class", "A2"], &s.payload);
    assert_eq!((code, json["error"]["kind"].as_str()), (1, Some("policy")));
}

/// Interop acceptance: an EU DCC test file's certificate as the trust list, its clock, its
/// `HC1:` payload, from the command line; then a one-character change of the payload.
#[test]
fn verifies_an_eu_dcc_test_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let file = root.join("test-vectors/dcc/AT/2DCode/raw/1.json");
    let case: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let trust = serde_json::json!({"version": 1, "issuers": [
        {"name": "AT DCC test signer", "certificate": case["TESTCTX"]["CERTIFICATE"], "documents": ["dcc"]}
    ]});
    std::fs::write(dir.path().join("T.json"), trust.to_string()).unwrap();
    let clock = case["TESTCTX"]["VALIDATIONCLOCK"].as_str().unwrap();
    let payload = case["PREFIX"].as_str().unwrap();
    let out = docseal(dir.path(), &["verify", "--trust", "T.json", "--at", clock, "--json", payload]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["profile"], "HC1");
    assert_eq!(report["dcc_type"], "vaccination");
    assert_eq!(report["issuer"], "AT");
    assert_eq!(report["document"], case["JSON"], "the DCC JSON as the file gives it");
    assert_eq!(report["checks"][0]["check"], "signature", "{report}");

    // `inspect` decodes it through the library's `inspect_any`, marked unverified.
    let out = docseal(dir.path(), &["inspect", payload]);
    assert_eq!(out.status.code(), Some(0));
    let seen: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        (&seen["verified"], &seen["profile"], &seen["alg"]),
        (&Value::Bool(false), &Value::from("HC1"), &Value::from(-7))
    );
    assert_eq!(seen["document"], case["JSON"]);

    // A changed character inside the base45 body: refused, never a panic.
    let mut tampered = payload.to_owned().into_bytes();
    let i = tampered.len() / 2;
    tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let out = docseal(dir.path(), &["verify", "--trust", "T.json", "--at", clock, "--json", &tampered]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["valid"], false);

    // A clock after `exp`, in a spelling without offset (read as UTC).
    let out = docseal(dir.path(), &["verify", "--trust", "T.json", "--at", "2022-01-01T00:00:00", "--json", payload]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(serde_json::from_str::<Value>(&stdout(&out)).unwrap()["error"]["kind"], "expired");
}

/// `docseal verify --bulk ... | head -1`: the reader goes away after one line; docseal stops
/// quietly, with no panic and no error message. Bulk lines are trimmed like a single payload.
#[test]
fn a_closed_output_pipe_ends_quietly_and_bulk_lines_are_trimmed() {
    use std::io::BufRead as _;
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let corpus = docseal::samples::Corpus::generate(20_000, 0, 1, chrono::Utc::now()).expect("a corpus");
    std::fs::write(d.join("p.txt"), corpus.payloads.join("\n") + "\n").expect("payloads");
    std::fs::write(d.join("t.json"), &corpus.trust_json).expect("trust list");
    let mut child = Command::new(env!("CARGO_BIN_EXE_docseal"))
        .args(["verify", "--trust", "t.json", "--bulk", "p.txt"])
        .current_dir(d)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn docseal");
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut first).expect("one line");
    assert!(first.contains("\"valid\":true"), "{first}");
    // The reader is dropped here: the rest of the output meets a closed pipe.
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("Broken pipe"), "{stderr}");

    let lines = std::fs::read_to_string(d.join("p.txt")).expect("payloads");
    let padded: String = lines.lines().take(3).map(|l| format!("  {l}\t\r\n")).collect();
    std::fs::write(d.join("padded.txt"), padded).expect("write");
    let out = docseal(d, &["verify", "--trust", "t.json", "--bulk", "padded.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout(&out).lines().filter(|l| l.contains("\"valid\":true")).count(), 3);
}

/// Issue 10, "what the desk sees": checks in words, the answers, labelled fields; `--json`
/// lists the same checks.
#[test]
fn the_desk_reads_the_checks_in_words() {
    let s = setup("ed25519");
    let (_, json) = s.verify("t.json", &[], &s.payload);
    let issued_at: DateTime<Utc> = json["issued_at"].as_str().and_then(|t| t.parse().ok()).expect("issued_at");
    let at = rfc3339(issued_at + Duration::seconds(42));
    let args =
        ["verify", "--trust", "t.json", "--at", &at, "--max-age", "5m", "--require-class", "C2", "--min-age", "21"];
    let out = docseal(s.dir.path(), &[&args[..], &[s.payload.as_str()]].concat());
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    for line in [
        // Issue 42: the key that was checked, and the document's own word marked unchecked.
        "VALID driving-licence, signed by the trusted key \"Test\": usable",
        "issuer \"X\": unchecked (the document says so; the key's trust entry binds no issuer)",
        "[ok] signature: EdDSA signature verified with trusted key \"Test\"",
        "[ok] freshness: generated 42 s ago (limit 5 min 0 s)",
        "CST (Asia/Shanghai)",
        "[ok] requirement: class C2: yes, covered by C1 on",
        "[ok] requirement: age at least 21: yes, age",
        "status: A (normal)",
        "family name: ZHANG",
        "  - vehicle category code C1",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    assert!(!text.contains('{'), "fields are labelled lines, not JSON:\n{text}");

    let (code, json) = s.verify("t.json", &["--at", &at, "--require-class", "C2"], &s.payload);
    assert_eq!(code, 0, "{json}");
    let checks = json["checks"].as_array().expect("checks list");
    let names: Vec<&str> = checks.iter().filter_map(|c| c["check"].as_str()).collect();
    assert_eq!(names, ["signature", "issuer", "lifetime", "freshness", "status", "document", "requirement"]);
    assert!(checks.iter().all(|c| c["passed"] == true));
    assert!(checks[6]["detail"].as_str().unwrap_or("").starts_with("class C2: yes, covered by C1"), "{json}");
}

/// Issue 11: keys generated inside a SoftHSM2 token sign from the command line, the PIN from
/// the environment; credentials of both algorithms verify. Skipped (with a message) where
/// SoftHSM2 is not installed, unless `DOCSEAL_REQUIRE_SOFTHSM` is set, as in `.ci/run`.
#[test]
fn issue_with_keys_inside_softhsm() {
    let module = "/usr/lib/softhsm/libsofthsm2.so";
    if !Path::new(module).exists() {
        assert!(std::env::var_os("DOCSEAL_REQUIRE_SOFTHSM").is_none(), "DOCSEAL_REQUIRE_SOFTHSM: no {module}");
        eprintln!("SKIPPED: SoftHSM2 is not installed (apt-get install softhsm2)");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::create_dir(d.join("tokens")).expect("tokens");
    let conf = d.join("softhsm2.conf");
    std::fs::write(&conf, format!("directories.tokendir = {}\nlog.level = ERROR\n", d.join("tokens").display()))
        .expect("conf");
    let run = |args: &[&str], pin: Option<&str>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_docseal"));
        command.args(args).current_dir(d).env("SOFTHSM2_CONF", &conf).stdin(Stdio::null());
        match pin {
            Some(pin) => command.env("DOCSEAL_PKCS11_PIN", pin),
            None => command.env_remove("DOCSEAL_PKCS11_PIN"),
        };
        command.output().expect("run docseal")
    };
    let init = Command::new("softhsm2-util")
        .args(["--init-token", "--free", "--label", "desk", "--pin", "2468", "--so-pin", "1357"])
        .env("SOFTHSM2_CONF", &conf)
        .output()
        .expect("softhsm2-util");
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    std::fs::write(d.join("lic.json"), docseal(d, &["example", "licence"]).stdout).expect("lic.json");
    let token = ["--pkcs11-module", module, "--pkcs11-token", "desk"];
    for (alg, label) in [("ed25519", "ed-key"), ("es256", "p256-key")] {
        let pub_file = format!("{label}.pub");
        let keygen = run(
            &[&["keygen", "--alg", alg, "--pub", &pub_file, "--pkcs11-key", label][..], &token].concat(),
            Some("2468"),
        );
        assert_eq!(keygen.status.code(), Some(0), "{}", String::from_utf8_lossy(&keygen.stderr));
        let public = std::fs::read_to_string(d.join(&pub_file)).expect("public key written");
        std::fs::write(d.join("hsm-trust.json"), trust_json(&public, None)).expect("trust");
        let issue_args = [
            &["issue", "licence", "--data", "lic.json", "--issuer", "HSM", "--no-registry", "--pkcs11-key", label][..],
            &token,
        ]
        .concat();
        let no_pin = run(&issue_args, None);
        assert_eq!(no_pin.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&no_pin.stderr).contains("DOCSEAL_PKCS11_PIN"));
        let wrong_pin = run(&issue_args, Some("0000"));
        assert_eq!(wrong_pin.status.code(), Some(2));
        assert!(
            String::from_utf8_lossy(&wrong_pin.stderr).contains("login"),
            "{}",
            String::from_utf8_lossy(&wrong_pin.stderr)
        );
        let issued = run(&issue_args, Some("2468"));
        assert_eq!(issued.status.code(), Some(0), "{}", String::from_utf8_lossy(&issued.stderr));
        let payload = stdout(&issued);
        let (code, json) = Setup { payload: payload.clone(), dir: tempfile::tempdir_in(d).expect("sub") }.verify(
            d.join("hsm-trust.json").to_str().expect("utf-8 path"),
            &[],
            &payload,
        );
        assert_eq!(code, 0, "{json}");
        assert_eq!(json["algorithm"], if alg == "ed25519" { "EdDSA" } else { "ES256" });
    }
}

/// Issue 17 from the command line: a licence suspended through a status list and
/// reinstated, a used pass, lists that cannot decide, and a signed trust list in place of
/// the JSON one (right anchor, other anchor, one flipped byte, rollback).
#[test]
fn status_lists_and_signed_trust_lists() {
    let s = setup("ed25519");
    let d = s.dir.path();
    let run = |args: &[&str]| {
        let out = docseal(d, args);
        (out.status.code().unwrap_or(-1), stdout(&out), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    for (name, alg) in [("s", "ed25519"), ("root", "ed25519"), ("other", "es256")] {
        let (pem, public) = (format!("{name}.pem"), format!("{name}.pub"));
        assert_eq!(run(&["keygen", "--alg", alg, "--out", &pem, "--pub", &public]).0, 0);
    }
    let public = |name: &str| std::fs::read_to_string(d.join(format!("{name}.pub"))).expect("public key");
    let trust = format!(
        r#"{{"version": 1, "issuers": [{{"name": "Test", "public_key": {:?}}},
            {{"name": "Test status", "public_key": {:?}, "documents": ["status-list"]}}]}}"#,
        public("k"),
        public("s")
    );
    std::fs::write(d.join("st.json"), trust).expect("trust");
    let uri = "https://authority.example/status/1";
    let (code, payload, err) = run(&[
        "issue",
        "licence",
        "--data",
        "lic.json",
        "--key",
        "k.pem",
        "--issuer",
        "X",
        "--no-registry",
        "--status-uri",
        uri,
        "--status-index",
        "41",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(run(&["status", "new", "--uri", uri, "--size", "100", "--out", "list.json"]).0, 0);
    let sign = |key: &str, extra: &[&str]| {
        let args = [&["status", "sign", "list.json", "--key", key, "--out", "list.cwt", "--force"][..], extra].concat();
        assert_eq!(run(&args).0, 0);
    };
    let kind = |extra: &[&str]| {
        let (code, json) = s.verify("st.json", &[&["--status", "list.cwt"][..], extra].concat(), &payload);
        (code, json["error"]["kind"].as_str().unwrap_or("none").to_owned())
    };
    sign("s.pem", &[]);
    assert_eq!(kind(&[]), (0, "none".into()));
    assert_eq!(run(&["status", "set", "list.json", "--index", "41", "--to", "suspended"]).0, 0);
    sign("s.pem", &[]);
    assert_eq!(kind(&[]), (1, "suspended".into()));
    let (_, shown, _) = run(&["status", "show", "list.cwt", "--index", "41"]);
    assert!(shown.contains("SUSPENDED"), "{shown}");
    assert_eq!(run(&["status", "set", "list.json", "--index", "41", "--to", "valid"]).0, 0);
    sign("s.pem", &[]);
    assert_eq!(kind(&[]), (0, "none".into()), "reinstated");
    // Lists that cannot decide: another key, a stale one, a list too short.
    sign("k.pem", &[]);
    let (code, json) = s.verify("st.json", &["--status", "list.cwt"], &payload);
    assert_eq!((code, json["error"]["kind"].as_str()), (1, Some("status")), "{json}");
    assert!(json["error"]["message"].as_str().unwrap_or("").contains("may not sign"), "{json}");
    let (code, human, _) = run(&["verify", "--trust", "st.json", "--status", "list.cwt", &payload]);
    assert_eq!(code, 1);
    assert!(human.contains("INVALID (status)") && human.contains("list.cwt"), "{human}");
    sign("s.pem", &["--at", "2026-01-01T00:00:00Z"]);
    assert_eq!(kind(&[]), (1, "status".into()), "stale");
    assert_eq!(run(&["status", "new", "--uri", uri, "--size", "8", "--out", "list.json", "--force"]).0, 0);
    sign("s.pem", &[]);
    assert_eq!(kind(&[]), (1, "status".into()), "index past the end");
    // No --status at all: the setup's mistake (exit 2), not the credential's (issue 42).
    let (code, json) = s.verify("st.json", &[], &payload);
    assert_eq!((code, &json), (2, &Value::Null), "no list given");

    // A signed trust list in place of the JSON one.
    assert_eq!(run(&["status", "new", "--uri", uri, "--size", "100", "--out", "list.json", "--force"]).0, 0);
    sign("s.pem", &[]);
    let (code, _, err) = run(&[
        "trust",
        "sign",
        "--anchor-key",
        "root.pem",
        "--in",
        "st.json",
        "--out",
        "st.cose",
        "--provider",
        "Test",
        "--sequence",
        "7",
    ]);
    assert_eq!(code, 0, "{err}");
    let signed = |anchor: &str, extra: &[&str]| {
        let args = [&["--trust-anchor", anchor, "--status", "list.cwt"][..], extra].concat();
        s.verify("st.cose", &args, &payload)
    };
    assert_eq!(signed("root.pub", &[]).0, 0);
    assert_eq!(signed("other.pub", &[]).0, 2);
    assert_eq!(signed("root.pub", &["--trust-sequence", "8"]).0, 2, "rollback");
    assert_eq!(signed("root.pub", &["--trust-sequence", "7"]).0, 0);
    let mut bytes = std::fs::read(d.join("st.cose")).expect("signed list");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(d.join("st.cose"), bytes).expect("write");
    assert_eq!(signed("root.pub", &[]).0, 2, "one flipped byte");
}

/// A temporary pass for permit H1234567801 numbered `number`, valid from today.
fn write_pass(d: &Path, name: &str, number: &str) {
    let mut pass: Value = serde_json::from_slice(&docseal(d, &["example", "temp-pass"]).stdout).expect("pass");
    pass["pass_number"] = number.into();
    std::fs::write(d.join(name), pass.to_string()).expect("write pass");
}

fn keys(d: &Path) {
    for (key, public) in [("k.pem", "k.pub"), ("s.pem", "s.pub")] {
        assert_eq!(docseal(d, &["keygen", "--alg", "ed25519", "--out", key, "--pub", public]).status.code(), Some(0));
    }
    let pem = |f: &str| std::fs::read_to_string(d.join(f)).expect("pub");
    let trust = format!(
        r#"{{"version": 1, "issuers": [{{"name": "A", "public_key": {:?}}}, {{"name": "S", "public_key": {:?}, "documents": ["status-list"]}}]}}"#,
        pem("k.pub"),
        pem("s.pub")
    );
    std::fs::write(d.join("t.json"), trust).expect("trust");
}

#[test]
fn the_registry_records_limits_and_publishes_status() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    keys(d);
    let issue =
        |kind: &str, data: &str| docseal(d, &["issue", kind, "--data", data, "--key", "k.pem", "--issuer", "A"]);
    // Three passes for one permit in one month, each its own process: the third is refused.
    for n in 1..=3 {
        write_pass(d, &format!("p{n}.json"), &format!("TP000{n}"));
    }
    let first = issue("temp-pass", "p1.json");
    assert_eq!(first.status.code(), Some(0), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(String::from_utf8_lossy(&first.stderr).contains("created the registry docseal.db"));
    assert_eq!(issue("temp-pass", "p2.json").status.code(), Some(0));
    let third = issue("temp-pass", "p3.json");
    assert_eq!(third.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&third.stderr).contains("refused (pass-limit)"), "{:?}", third);
    assert!(third.stdout.is_empty(), "no credential printed");
    // A refreshed copy of pass 1 still issues; --no-registry issues without counting.
    assert_eq!(issue("temp-pass", "p1.json").status.code(), Some(0));
    let stats: Value = serde_json::from_slice(&docseal(d, &["registry", "stats"]).stdout).expect("stats");
    assert_eq!((stats["credentials"].as_u64(), stats["documents"]["temporary-pass"].as_u64()), (Some(3), Some(2)));

    // The licence: suspended and published, the desk refuses it; reinstated, valid again.
    std::fs::write(d.join("lic.json"), docseal(d, &["example", "licence"]).stdout).expect("lic");
    let licence = stdout(&issue("licence", "lic.json"));
    let publish = || {
        let out = docseal(d, &["registry", "publish", "--key", "s.pem", "--out-dir", "status"]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    };
    let desk = || {
        let out = docseal(d, &["verify", "--trust", "t.json", "--status", "status", "--json", &licence]);
        let json: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (out.status.code(), json["error"]["kind"].as_str().unwrap_or("none").to_owned(), json)
    };
    publish();
    let (code, _, json) = desk();
    assert_eq!(code, Some(0), "{json}");
    let cti = json["credential_id"].as_str().expect("credential_id").to_owned();
    let suspend = docseal(d, &["registry", "suspend", "licence", "110105199003070017"]);
    assert_eq!(stdout(&suspend), "driving-licence 110105199003070017: VALID -> SUSPENDED");
    assert_eq!(desk().1, "none", "not yet published");
    publish();
    assert_eq!((desk().0, desk().1), (Some(1), "suspended".to_owned()));
    let refused = issue("licence", "lic.json");
    assert_eq!(refused.status.code(), Some(1), "no new copy of a suspended licence");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("status-forbids"));
    assert_eq!(docseal(d, &["registry", "reinstate", &cti]).status.code(), Some(0), "by credential id");
    publish();
    assert_eq!(desk().0, Some(0), "reinstated");
    let shown: Value = serde_json::from_slice(&docseal(d, &["registry", "show", &cti]).stdout).expect("show");
    assert_eq!(
        (shown["document_number"].as_str(), shown["status"].as_str()),
        (Some("110105199003070017"), Some("VALID"))
    );
    let index: Value =
        serde_json::from_slice(&std::fs::read(d.join("status/index.json")).expect("index")).expect("json");
    assert_eq!(index["lists"][0]["file"], "1.cwt");
    // Revoked is final; a licence cannot be used up.
    assert_eq!(docseal(d, &["registry", "revoke", &cti]).status.code(), Some(0));
    let back = docseal(d, &["registry", "reinstate", &cti]);
    assert_eq!(back.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&back.stderr).contains("stays revoked"));
    assert_eq!(docseal(d, &["registry", "mark-used", "passport", "nope"]).status.code(), Some(2), "unknown");

    // A file that is not a registry is refused, named, and left as it was.
    std::fs::write(d.join("notes.db"), "shopping list").expect("notes");
    let out = docseal(
        d,
        &["issue", "licence", "--data", "lic.json", "--key", "k.pem", "--issuer", "A", "--registry", "notes.db"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("notes.db") && out.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(d.join("notes.db")).expect("notes"), "shopping list");
    // DOCSEAL_REGISTRY chooses the file.
    let out = Command::new(env!("CARGO_BIN_EXE_docseal"))
        .args(["issue", "licence", "--data", "lic.json", "--key", "k.pem", "--issuer", "A"])
        .current_dir(d)
        .env("DOCSEAL_REGISTRY", "other.db")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert!(d.join("other.db").exists());
}

/// A fresh PostgreSQL database when `DOCSEAL_TEST_POSTGRES` names a server.
fn postgres_database(name: &str) -> Option<String> {
    let Ok(url) = std::env::var("DOCSEAL_TEST_POSTGRES") else {
        assert!(std::env::var_os("DOCSEAL_REQUIRE_POSTGRES").is_none(), "DOCSEAL_REQUIRE_POSTGRES without a server");
        eprintln!(
            "SKIPPED the PostgreSQL half of {name}: no DOCSEAL_TEST_POSTGRES (eval \"$(scripts/postgres start)\")"
        );
        return None;
    };
    let database = format!("docseal_cli_{name}_{}", std::process::id());
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {database}")).expect("drop");
    admin.batch_execute(&format!("CREATE DATABASE {database}")).expect("create");
    Some(format!("{}/{database}", url.rsplit_once('/').expect("URL").0))
}

#[test]
fn eight_issuer_processes_get_exactly_two_passes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    keys(d);
    for n in 0..8 {
        write_pass(d, &format!("p{n}.json"), &format!("TP100{n}"));
    }
    let mut registries = vec!["passes.db".to_owned()];
    registries.extend(postgres_database("eight"));
    for registry in registries {
        // Created first, so that the eight race on the limit rather than on creating it.
        assert_eq!(docseal(d, &["registry", "--registry", &registry, "init"]).status.code(), Some(0));
        let children: Vec<_> = (0..8)
            .map(|n| {
                Command::new(env!("CARGO_BIN_EXE_docseal"))
                    .args(["issue", "temp-pass", "--data", &format!("p{n}.json"), "--key", "k.pem", "--issuer", "A"])
                    .args(["--registry", &registry])
                    .current_dir(d)
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("spawn")
            })
            .collect();
        let outcomes: Vec<(Option<i32>, String)> = children
            .into_iter()
            .map(|c| {
                let out = c.wait_with_output().expect("wait");
                (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
            })
            .collect();
        let issued = outcomes.iter().filter(|(code, _)| *code == Some(0)).count();
        let limited = outcomes.iter().filter(|(code, err)| *code == Some(1) && err.contains("pass-limit")).count();
        assert_eq!((issued, limited), (2, 6), "{registry}: {outcomes:?}");
    }
}

#[test]
fn card_pages_are_drawn_and_read_back_from_the_image() {
    let s = setup("ed25519");
    let d = s.dir.path();
    let issue = docseal(
        d,
        &[
            "issue",
            "licence",
            "--data",
            "lic.json",
            "--key",
            "k.pem",
            "--issuer",
            "Test",
            "--no-registry",
            "--card",
            "card",
        ],
    );
    assert_eq!(issue.status.code(), Some(0), "{}", String::from_utf8_lossy(&issue.stderr));
    let payload = stdout(&issue);
    for page in ["front.png", "front.svg", "back.png", "back.svg"] {
        assert!(s.path("card").join(page).metadata().unwrap().len() > 10_000, "{page}");
    }
    // Debug builds read slowly: a generous limit keeps the test about answers, not speed.
    let read = |image: &str| {
        let out = docseal(d, &["verify", "--trust", "t.json", "--json", "--image-time-limit", "60s", "--image", image]);
        (out.status.code(), serde_json::from_slice::<Value>(&out.stdout).unwrap_or(Value::Null))
    };
    let (code, json) = read("card/front.png");
    assert_eq!(code, Some(0), "{json}");
    assert_eq!(json["codes"][0]["symbology"], "qr");
    assert_eq!(json["codes"][0]["result"]["valid"], true);
    assert_eq!(json["references"][0]["matches"], true, "{json}");

    // A photo with no code, and a file that is no image.
    let blank = s.path("blank.png");
    let file = std::fs::File::create(&blank).unwrap();
    let mut encoder = png::Encoder::new(file, 64, 48);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.write_header().unwrap().write_image_data(&[240u8; 64 * 48]).unwrap();
    let (code, json) = read("blank.png");
    assert_eq!((code, json["error"]["kind"].as_str()), (Some(1), Some("scan")), "{json}");
    std::fs::write(s.path("broken.jpg"), b"\xFF\xD8\xFF not really").unwrap();
    let (code, json) = read("broken.jpg");
    assert_eq!((code, json["error"]["kind"].as_str()), (Some(1), Some("image")), "{json}");

    // render: only what verified, unless --unverified (then watermarked).
    let render = docseal(d, &["render", &payload, "--trust", "t.json", "--out-dir", "pages", "--format", "svg"]);
    assert_eq!(render.status.code(), Some(0), "{}", String::from_utf8_lossy(&render.stderr));
    assert!(std::fs::read_to_string(s.path("pages/front.svg")).unwrap().contains("<svg"));
    let refused = docseal(d, &["render", &payload, "--trust", "passport-only.json", "--out-dir", "refused"]);
    assert_eq!(refused.status.code(), Some(1), "{}", String::from_utf8_lossy(&refused.stderr));
    assert!(!s.path("refused").exists(), "nothing written for a refused payload");
    let watermarked = docseal(d, &["render", &payload, "--unverified", "--out-dir", "unverified", "--format", "pdf"]);
    assert_eq!(watermarked.status.code(), Some(0), "{}", String::from_utf8_lossy(&watermarked.stderr));
    assert!(std::fs::read(s.path("unverified/front.pdf")).unwrap().starts_with(b"%PDF-"));
}

/// Issue 36: the command fits its ecosystem: completions every shell parses, a manual page,
/// a version that names the build's backends, exit codes under `--help`.
#[test]
fn completions_man_page_version_and_exit_codes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let bash = docseal(d, &["completions", "bash"]);
    assert_eq!(bash.status.code(), Some(0));
    let script = d.join("docseal.bash");
    std::fs::write(&script, &bash.stdout).expect("write");
    let parsed = Command::new("bash").arg("-n").arg(&script).status().expect("bash runs");
    assert!(parsed.success(), "bash -n refuses the completion script");
    assert!(String::from_utf8_lossy(&bash.stdout).contains("verify"));
    for shell in ["zsh", "fish", "powershell"] {
        let out = docseal(d, &["completions", shell]);
        assert!(out.status.success() && !out.stdout.is_empty(), "{shell}");
    }
    let man = stdout(&docseal(d, &["man"]));
    assert!(man.contains(".TH docseal 1") && man.contains("verify"), "{}", &man[..man.len().min(300)]);
    let version = stdout(&docseal(d, &["--version"]));
    assert!(version.contains("ES256: ring") && version.contains("Ed25519:"), "{version}");
    let help = stdout(&docseal(d, &["verify", "--help"]));
    assert!(help.contains("Exit codes: 0 valid") && help.contains("2 a usage"), "{help}");
}

/// Issue 37, items 2 to 4 and 8: a failed `issue` uses no pass and leaves no file; registry
/// commands on a wrong path create nothing; `publish` from an empty registry does not
/// replace a published index; a backdated `--at` gives no third pass; a killed write's
/// partial files are cleaned up.
#[test]
fn a_failed_issue_uses_no_pass_and_a_wrong_registry_path_creates_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    keys(d);
    write_pass(d, "p1.json", "TP0001");
    write_pass(d, "p2.json", "TP0002");
    write_pass(d, "p3.json", "TP0003");
    let issue = |data: &str, extra: &[&str]| {
        let mut args = vec!["issue", "temp-pass", "--data", data, "--key", "k.pem", "--issuer", "A"];
        args.extend_from_slice(extra);
        docseal(d, &args)
    };
    // The QR file exists (no --force), the card folder is a file: refused, nothing recorded.
    std::fs::write(d.join("taken.png"), b"mine").expect("file");
    std::fs::write(d.join("not-a-folder"), b"mine").expect("file");
    for extra in [&["--qr", "taken.png"][..], &["--card", "not-a-folder"][..]] {
        let failed = issue("p1.json", extra);
        assert_ne!(failed.status.code(), Some(0), "{extra:?}");
        assert!(failed.stdout.is_empty(), "no credential printed for {extra:?}");
    }
    assert_eq!(std::fs::read(d.join("taken.png")).expect("kept"), b"mine");
    // Two passes still issue, with their files; the third is refused for the limit.
    let first = issue("p1.json", &["--qr", "p1.png", "--card", "card1"]);
    assert_eq!(first.status.code(), Some(0));
    assert!(d.join("p1.png").is_file() && d.join("card1").is_dir());
    // Issue 42: verified with no status list at all, a credential with a status entry is the
    // clerk's setup mistake (exit 2), and the message names both ways out.
    let unchecked = docseal(d, &["verify", "--trust", "t.json", stdout(&first).trim()]);
    let told = String::from_utf8_lossy(&unchecked.stderr);
    assert_eq!(unchecked.status.code(), Some(2), "{told}");
    assert!(told.contains("--status") && told.contains("--allow-unchecked-status"), "{told}");
    assert_eq!(issue("p2.json", &[]).status.code(), Some(0));
    assert_eq!(issue("p3.json", &[]).status.code(), Some(1), "the third pass of the month");
    // Backdated: the pass is valid this month, so an `--at` in the month before changes nothing.
    let data: Value = serde_json::from_slice(&std::fs::read(d.join("p3.json")).expect("p3")).expect("json");
    let from = chrono::NaiveDate::parse_from_str(data["valid_from"].as_str().expect("valid_from"), "%Y-%m-%d")
        .expect("a date");
    let month_before = from.with_day(1).expect("day 1").pred_opt().expect("a day").and_hms_opt(12, 0, 0).expect("noon");
    let at = format!("{}Z", month_before.format("%Y-%m-%dT%H:%M:%S"));
    let backdated = issue("p3.json", &["--at", &at]);
    assert_eq!(backdated.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&backdated.stderr).contains("pass-limit"), "{backdated:?}");
    let no_partials =
        std::fs::read_dir(d).expect("dir").flatten().all(|e| !e.file_name().to_string_lossy().ends_with(".partial"));
    assert!(no_partials, "no temporary file left behind");

    // A registry command on a wrong path: exit 2, nothing created.
    let typo = docseal(d, &["registry", "--registry", "typo.db", "list"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&typo.stderr).contains("no registry at typo.db"), "{typo:?}");
    assert!(!d.join("typo.db").exists());
    // Publish from the real registry, then from an empty one into the same folder: refused.
    assert_eq!(docseal(d, &["registry", "publish", "--key", "s.pem", "--out-dir", "status"]).status.code(), Some(0));
    let index = std::fs::read(d.join("status/index.json")).expect("index");
    // Issue 42: the desk's setup from the environment, so `verify PAYLOAD` needs no flags.
    let configured = Command::new(env!("CARGO_BIN_EXE_docseal"))
        .args(["verify", stdout(&first).trim()])
        .current_dir(d)
        .env("DOCSEAL_TRUST", "t.json")
        .env("DOCSEAL_STATUS", "status")
        .output()
        .expect("docseal");
    assert_eq!(configured.status.code(), Some(0), "{}", String::from_utf8_lossy(&configured.stderr));
    assert_eq!(docseal(d, &["registry", "--registry", "empty.db", "init"]).status.code(), Some(0));
    let empty = docseal(d, &["registry", "--registry", "empty.db", "publish", "--key", "s.pem", "--out-dir", "status"]);
    assert_eq!(empty.status.code(), Some(2), "{}", String::from_utf8_lossy(&empty.stderr));
    assert_eq!(std::fs::read(d.join("status/index.json")).expect("index"), index, "the published index stays");
}

/// Issue 37, item 5: sixteen processes opening a registry that does not exist yet, at once:
/// every one issues (none is told "not a docseal registry" or "database is locked"), and the
/// registry holds all sixteen.
#[test]
fn sixteen_processes_creating_one_registry_all_issue() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    keys(d);
    std::fs::write(d.join("lic.json"), docseal(d, &["example", "licence"]).stdout).expect("lic");
    let children: Vec<_> = (0..16)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_docseal"))
                .args(["issue", "licence", "--data", "lic.json", "--key", "k.pem", "--issuer", "A"])
                .args(["--registry", "new.db"])
                .current_dir(d)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("wait");
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let stats: Value =
        serde_json::from_slice(&docseal(d, &["registry", "--registry", "new.db", "stats"]).stdout).expect("stats");
    assert_eq!(stats["credentials"], 16, "{stats}");
}
