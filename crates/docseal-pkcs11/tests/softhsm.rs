//! Against a real SoftHSM2 token: keys generated inside it sign credentials that verify.
//!
//! SoftHSM2 reads its token folder from `SOFTHSM2_CONF` when the module initialises, so the
//! outer test makes a token in a temporary folder and runs the inner test in a child process
//! with that variable set. Without SoftHSM2 the outer test says so and passes, unless
//! `DOCSEAL_REQUIRE_SOFTHSM` is set (as `.ci/run` does), where a missing SoftHSM2 fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use docseal::model::Credential;
use docseal::{Algorithm, Issuer, Signer as _, TrustList, TrustedKey, Verifier};
use docseal_pkcs11::{Pin, Pkcs11Error, Token};

const TOKEN: &str = "docseal-test";
const PIN: &str = "4711";
const INNER: &str = "DOCSEAL_SOFTHSM_INNER";

fn module() -> PathBuf {
    std::env::var_os("DOCSEAL_PKCS11_MODULE").map_or_else(|| "/usr/lib/softhsm/libsofthsm2.so".into(), PathBuf::from)
}

/// A SoftHSM2 configuration with one initialised token in `dir`, or `None` (and why) when
/// SoftHSM2 is not installed.
fn softhsm_token(dir: &Path) -> Result<PathBuf, String> {
    if !module().exists() {
        return Err(format!("no PKCS#11 module at {} (apt-get install softhsm2)", module().display()));
    }
    let tokens = dir.join("tokens");
    std::fs::create_dir_all(&tokens).map_err(|e| e.to_string())?;
    let conf = dir.join("softhsm2.conf");
    let text = format!("directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n", tokens.display());
    std::fs::write(&conf, text).map_err(|e| e.to_string())?;
    let init = Command::new("softhsm2-util")
        .args(["--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", "8765"])
        .env("SOFTHSM2_CONF", &conf)
        .output()
        .map_err(|e| format!("softhsm2-util: {e}"))?;
    if !init.status.success() {
        return Err(format!("softhsm2-util --init-token: {}", String::from_utf8_lossy(&init.stderr)));
    }
    Ok(conf)
}

#[test]
fn credentials_signed_inside_softhsm_verify() {
    let dir = tempfile::tempdir().expect("tempdir");
    let conf = match softhsm_token(dir.path()) {
        Ok(conf) => conf,
        Err(why) if std::env::var_os("DOCSEAL_REQUIRE_SOFTHSM").is_none() => {
            eprintln!("SKIPPED: SoftHSM2 is not available here: {why}");
            return;
        }
        Err(why) => panic!("DOCSEAL_REQUIRE_SOFTHSM is set but SoftHSM2 is not available: {why}"),
    };
    let exe = std::env::current_exe().expect("test binary");
    let out = Command::new(exe)
        .args(["--exact", "inside_the_token", "--ignored", "--nocapture", "--test-threads=1"])
        .env("SOFTHSM2_CONF", &conf)
        .env(INNER, "1")
        .output()
        .expect("run the inner test");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1 passed"), "the inner test ran:\n{text}");
}

/// Run by `credentials_signed_inside_softhsm_verify` in a child with `SOFTHSM2_CONF` set.
#[test]
#[ignore = "run by credentials_signed_inside_softhsm_verify, which sets up the token"]
fn inside_the_token() {
    assert!(std::env::var_os(INNER).is_some(), "run through credentials_signed_inside_softhsm_verify");
    let missing = Token::open(&module(), "no-such-token").unwrap_err();
    assert!(
        matches!(&missing, Pkcs11Error::TokenNotFound { present, .. } if present == &[TOKEN.to_owned()]),
        "{missing}"
    );
    let token = Token::open(&module(), TOKEN).expect("open the token");
    // Before the right PIN: once logged in, a token no longer checks PINs in this process.
    assert!(matches!(token.login(&Pin::new("0000")), Err(Pkcs11Error::Login { .. })));
    token.login(&Pin::new(PIN)).expect("login");
    assert!(matches!(token.signer("absent"), Err(Pkcs11Error::KeyNotFound { .. })));
    assert!(matches!(token.generate("rsa", Algorithm::Ps256), Err(Pkcs11Error::UnsupportedKey { .. })));

    let issued_at: chrono::DateTime<chrono::Utc> = "2026-11-21T09:00:00Z".parse().expect("time");
    for (label, algorithm) in [("ed25519-2026", Algorithm::EdDsa), ("p256-2026", Algorithm::Es256)] {
        let generated = token.generate(label, algorithm).expect("generate inside the token");
        assert!(matches!(token.generate(label, algorithm), Err(Pkcs11Error::KeyExists { .. })));
        // A second signer on the same key, as a later run of the issuer would open it.
        let signer = token.signer(label).expect("find the key again");
        assert_eq!(signer.kid(), generated.kid());
        assert_eq!(signer.algorithm(), algorithm);
        let mut trust = TrustList::new();
        trust.add(TrustedKey::new("HSM", signer.verifying_key().clone()));
        let issuer = Issuer::new(signer, "HSM authority").expect("issuer");
        let licence = Credential::from(docseal::samples::licence());
        for i in 0..4 {
            let issued = issuer.issue(&licence, issued_at + chrono::Duration::seconds(i)).expect("issue");
            let verified = Verifier::new(trust.clone())
                .verify(&issued.text, issued_at + chrono::Duration::minutes(1))
                .expect("a token-signed credential verifies");
            assert_eq!(verified.algorithm(), algorithm);
            assert_eq!(verified.kid(), generated.kid());
        }
    }
}
