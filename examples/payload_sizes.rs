//! Payload length and QR version (ECC M) for each sample document and algorithm.
//!
//! Run: `cargo run -p docseal-examples --example payload_sizes`. The figures are
//! deterministic up to ES256's signature (always 64 bytes) and zlib.

use docseal::codec::qr::{ErrorCorrection, Qr};
use docseal::model::Credential;
use docseal::{Algorithm, Issuer, SigningKey};

fn main() -> Result<(), docseal::Error> {
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-21T09:00:00Z").map(|t| t.to_utc()).unwrap_or_default();
    let today = at.date_naive();
    let documents = [
        ("passport", Credential::from(docseal::samples::passport())),
        ("driving licence", Credential::from(docseal::samples::licence_on(today))),
        ("temporary pass", Credential::from(docseal::samples::pass_on(today))),
    ];
    println!("| document | algorithm | document CBOR | COSE_Sign1 | QR text (chars) | QR version (ECC M) |");
    println!("|---|---|---|---|---|---|");
    for (name, credential) in &documents {
        for alg in [Algorithm::EdDsa, Algorithm::Es256] {
            let issuer = Issuer::new(SigningKey::generate(alg)?, "National Immigration Administration")?;
            let issued = match credential {
                Credential::TemporaryPass(pass) => issuer.issue_pass(pass, at, &[][..])?,
                other => issuer.issue(other, at)?,
            };
            let doc_len = docseal::wire::EncodedDocument::new(credential).as_bytes().len();
            let qr = Qr::new(&issued.text, ErrorCorrection::M)?;
            println!(
                "| {name} | {alg} | {doc_len} B | {} B | {} | {} |",
                issued.cose.len(),
                issued.text.len(),
                qr.version()
            );
        }
    }
    Ok(())
}
