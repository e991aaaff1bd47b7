//! The README's main job: issue, render, verify, refuse a tampered copy and a stale one,
//! and refuse the licence once its status list says suspended.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use chrono::Utc;
use docseal::codec::qr::{ErrorCorrection, Qr};
use docseal::cose::{parse_sign1, replace_payload};
use docseal::model::{Credential, DrivingLicence};
use docseal::status::{Bits, Status, StatusList, StatusListToken, StatusLists, StatusRef};
use docseal::wire::{EncodedDocument, encode_payload};
use docseal::{Algorithm, Issuer, Policy, Requirement, Scope, SigningKey, TrustList, TrustedKey, Verifier};

use super::sample;
use crate::Failure;
use crate::cli::DocumentKind;
use crate::files::write_atomic;
use crate::human;

fn step(title: &str) {
    outln!("\n== {title}");
}

pub(crate) fn run(qr_path: Option<&Path>) -> Result<ExitCode, Failure> {
    let fail = |e: docseal::Error| Failure::Invalid(format!("demo failed ({}): {e}", e.kind()));
    let now = Utc::now();

    step("1. Issuer: a new Ed25519 key for the Beijing Traffic Management Bureau (demo)");
    let key = SigningKey::generate(Algorithm::EdDsa).map_err(fail)?;
    let public = key.verifying_key();
    outln!("kid {}", key.kid());
    let issuer = Issuer::new(key, "Beijing Traffic Management Bureau (demo)").map_err(fail)?;

    step("2. Issue the sample driving licence (C1, 2 points, status A), entry 41 of a status list");
    let licence = sample(DocumentKind::Licence);
    let entry = StatusRef::new(STATUS_URI, 41).map_err(fail)?;
    let issued =
        issuer.issue_prepared(&issuer.prepare(&licence).map_err(fail)?.with_status(entry), now).map_err(fail)?;
    outln!("{}", issued.text);
    outln!("{} characters of QR text, {} bytes of COSE_Sign1", issued.text.len(), issued.cose.len());

    step("3. Render the QR code");
    let qr = Qr::new(&issued.text, ErrorCorrection::M).map_err(fail)?;
    outln!("QR version {} at error correction M ({}x{} modules)", qr.version(), qr.width(), qr.width());
    let path = qr_path.map_or_else(|| std::env::temp_dir().join("docseal-demo.png"), PathBuf::from);
    write_atomic(&path, &qr.to_png(8).map_err(fail)?, 0o644, true)?;
    outln!("PNG written to {}", path.display());
    out!("{}", qr.to_terminal());

    step("4. Relying party: verify offline (trust list, status list, max age 5 minutes, may drive C1?)");
    let status_key = SigningKey::generate(Algorithm::EdDsa).map_err(fail)?;
    let mut trust = TrustList::new();
    trust.add(TrustedKey::new("Beijing TMB (demo)", public));
    trust.add(
        TrustedKey::new("Beijing TMB status (demo)", status_key.verifying_key()).with_scopes(vec![Scope::StatusList]),
    );
    let mut list = StatusList::new(Bits::Two, 10_000).map_err(fail)?;
    let lists = |list: &StatusList| -> Result<StatusLists, docseal::Error> {
        let token = StatusListToken::sign(
            &status_key,
            STATUS_URI,
            list,
            now.timestamp(),
            now.timestamp() + 86_400,
            Some(3600),
        )?;
        let mut lists = StatusLists::new();
        lists.add(&token, &trust, &docseal::Limits::default())?;
        Ok(lists)
    };
    let policy =
        Policy::default().with_max_age(Duration::from_secs(300)).require(Requirement::VehicleClass("C1".into()));
    let verifier = Verifier::new(trust.clone()).with_policy(policy).with_status_lists(lists(&list).map_err(fail)?);
    let verified = verifier.verify(&issued.text, now + chrono::Duration::seconds(30)).map_err(fail)?;
    human::valid(&verified);

    step("5. A tampered copy: the holder wipes the penalty points and keeps the signature");
    let mut forged = licence.to_json();
    forged["points"] = 0.into();
    let forged: DrivingLicence = serde_json::from_value(forged).map_err(Failure::usage)?;
    let payload = encode_payload(&issued.claims, &EncodedDocument::new(&Credential::from(forged)));
    let tampered = docseal::codec::encode_text(&replace_payload(&issued.cose, payload).map_err(fail)?);
    let signed_payload = parse_sign1(&issued.cose).map_err(fail)?.payload;
    outln!(
        "{} of {} payload bytes changed",
        differing(&signed_payload, &tampered_payload(&tampered)?),
        signed_payload.len()
    );
    let refused = match verifier.verify(&tampered, now) {
        Ok(_) => return Err(Failure::Invalid("the tampered copy was accepted".into())),
        Err(e) => e,
    };
    outln!("REFUSED ({}): {refused}", refused.kind());

    step("6. A screenshot shown an hour later");
    match verifier.verify(&issued.text, now + chrono::Duration::hours(1)) {
        Ok(_) => return Err(Failure::Invalid("the stale copy was accepted".into())),
        Err(e) => outln!("REFUSED ({}): {e}", e.kind()),
    }

    step("7. The authority suspends the licence: entry 41 set to SUSPENDED, the list re-signed");
    list.set(41, Status::Suspended).map_err(fail)?;
    let desk = verifier.with_status_lists(lists(&list).map_err(fail)?);
    let suspended = match desk.verify(&issued.text, now + chrono::Duration::seconds(60)) {
        Ok(_) => return Err(Failure::Invalid("the suspended licence was accepted".into())),
        Err(e) => e,
    };
    outln!("REFUSED ({}): {suspended}", suspended.kind());
    let all_refused_right = refused.kind() == "signature" && suspended.kind() == "suspended";
    Ok(if all_refused_right { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// The demo authority's status list.
const STATUS_URI: &str = "https://tmb.example/status/demo";

fn tampered_payload(text: &str) -> Result<Vec<u8>, Failure> {
    let inspected = docseal::inspect(text, &docseal::Limits::default()).map_err(Failure::usage)?;
    Ok(encode_payload(&inspected.claims, &EncodedDocument::new(&inspected.credential)))
}

fn differing(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).filter(|(x, y)| x != y).count() + a.len().abs_diff(b.len())
}
