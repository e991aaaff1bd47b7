//! The desk as the page drives it, run natively: trust lists (JSON and signed), status
//! lists, requirement questions, pages and reading a rendered card's pixels. The same calls
//! run in headless Chromium in `.ci/web`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Utc};
use docseal::model::Credential;
use docseal::status::{Bits, Status, StatusList, StatusListToken};
use docseal::trust::TrustListInfo;
use docseal::wire::StatusRef;
use docseal::{Algorithm, Issuer, Scope, SigningKey, TrustList, TrustedKey};
use docseal_wasm::{Desk, DeskError};
use serde_json::Value;

const AT: &str = "2026-11-21T09:01:00Z";
const STATUS_URI: &str = "https://tmb.example/status/1";

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

struct Authority {
    issuer: Issuer,
    status_key: SigningKey,
    trust: TrustList,
}

fn authority() -> Authority {
    let key = SigningKey::generate(Algorithm::EdDsa).unwrap();
    let status_key = SigningKey::generate(Algorithm::EdDsa).unwrap();
    let mut trust = TrustList::new();
    trust.add(TrustedKey::new("Test TMB", key.verifying_key()));
    trust.add(TrustedKey::new("Test TMB status", status_key.verifying_key()).with_scopes(vec![Scope::StatusList]));
    Authority { issuer: Issuer::new(key, "Test TMB").unwrap(), status_key, trust }
}

fn trust_json(authority: &Authority) -> String {
    let issuers: Vec<Value> = authority
        .trust
        .keys()
        .iter()
        .map(|k| {
            let mut entry = serde_json::json!({"name": k.name(), "public_key": k.key().to_spki_pem().unwrap()});
            if k.scopes() == [Scope::StatusList] {
                entry["documents"] = serde_json::json!(["status-list"]);
            }
            entry
        })
        .collect();
    serde_json::json!({"version": 1, "issuers": issuers}).to_string()
}

fn licence_with_status(authority: &Authority, index: u64) -> String {
    let prepared = authority
        .issuer
        .prepare(&Credential::from(docseal::samples::licence()))
        .unwrap()
        .with_status(StatusRef::new(STATUS_URI, index).unwrap());
    authority.issuer.issue_prepared(&prepared, at("2026-11-21T09:00:00Z")).unwrap().text
}

fn answer(desk: &Desk, text: &str) -> Value {
    serde_json::from_str(&desk.verify(text, AT)).unwrap()
}

fn kind(answer: &Value) -> &str {
    answer["error"]["kind"].as_str().unwrap_or("")
}

fn status_token(authority: &Authority, suspended: &[u64]) -> Vec<u8> {
    let mut list = StatusList::new(Bits::Two, 64).unwrap();
    for &i in suspended {
        list.set(i, Status::Suspended).unwrap();
    }
    let iat = at("2026-11-21T08:00:00Z").timestamp();
    StatusListToken::sign(&authority.status_key, STATUS_URI, &list, iat, iat + 86_400, Some(3600)).unwrap()
}

#[test]
fn an_empty_desk_refuses_then_a_json_list_verifies() {
    let authority = authority();
    let text = licence_with_status(&authority, 3);
    let mut desk = Desk::new();
    assert_eq!(kind(&answer(&desk, &text)), "unknown-kid");

    let summary: Value =
        serde_json::from_str(&desk.load_trust(trust_json(&authority).as_bytes(), None, AT).unwrap()).unwrap();
    assert_eq!(summary["signed"], false);
    assert_eq!(summary["keys"], serde_json::json!(["Test TMB", "Test TMB status"]));
    // The credential names a status list the desk has not loaded.
    assert_eq!(kind(&answer(&desk, &text)), "status");

    desk.add_status_list(&status_token(&authority, &[])).unwrap();
    assert_eq!(desk.status_list_count(), 1);
    let valid = answer(&desk, &text);
    assert_eq!(valid["valid"], true, "{valid}");
    assert_eq!(valid["document_type"], "driving-licence");
    assert!(valid["checks"].as_array().is_some_and(|c| c.len() >= 5), "{valid}");
}

#[test]
fn a_status_list_suspends_and_forgetting_it_leaves_the_status_unknown() {
    let authority = authority();
    let text = licence_with_status(&authority, 5);
    let mut desk = Desk::new();
    desk.load_trust(trust_json(&authority).as_bytes(), None, AT).unwrap();
    desk.add_status_list(&status_token(&authority, &[5])).unwrap();
    assert_eq!(kind(&answer(&desk, &text)), "suspended");
    desk.clear_status_lists();
    assert_eq!(kind(&answer(&desk, &text)), "status");
}

#[test]
fn a_token_signed_by_a_stranger_is_refused_and_the_lists_stay() {
    let authority = authority();
    let mut desk = Desk::new();
    desk.load_trust(trust_json(&authority).as_bytes(), None, AT).unwrap();
    desk.add_status_list(&status_token(&authority, &[])).unwrap();
    let stranger = Authority { status_key: SigningKey::generate(Algorithm::EdDsa).unwrap(), ..authority };
    let err = desk.add_status_list(&status_token(&stranger, &[1])).unwrap_err();
    assert!(matches!(err, DeskError::Status { .. }), "{err}");
    assert_eq!(desk.status_list_count(), 1);
    assert!(matches!(desk.add_status_list(b"not a token"), Err(DeskError::Status { .. })));
}

#[test]
fn a_signed_list_needs_its_anchor_and_a_bad_list_keeps_the_old_one() {
    let authority = authority();
    let anchor = SigningKey::generate(Algorithm::EdDsa).unwrap();
    let info = TrustListInfo {
        provider: "Test provider".into(),
        date: at("2026-11-20T00:00:00Z"),
        sequence: 4,
        next_update: at("2026-12-20T00:00:00Z"),
    };
    let signed = authority.trust.sign(&anchor, &info).unwrap();
    let anchor_pem = anchor.verifying_key().to_spki_pem().unwrap();
    let text = licence_with_status(&authority, 1);

    let mut desk = Desk::new();
    let err = desk.load_trust(&signed, None, AT).unwrap_err();
    assert!(matches!(err, DeskError::Trust { .. }) && err.to_string().contains("anchor"), "{err}");
    let summary: Value =
        serde_json::from_str(&desk.load_trust(&signed, Some(anchor_pem.clone()), AT).unwrap()).unwrap();
    assert_eq!((summary["signed"].as_bool(), summary["sequence"].as_u64()), (Some(true), Some(4)));
    assert_eq!(summary["overdue"], false);
    desk.add_status_list(&status_token(&authority, &[])).unwrap();
    assert_eq!(answer(&desk, &text)["valid"], true);

    // Another anchor, a garbled list, a bad PEM: each refused, the loaded list still answers.
    let other = SigningKey::generate(Algorithm::EdDsa).unwrap().verifying_key().to_spki_pem().unwrap();
    assert!(matches!(desk.load_trust(&signed, Some(other), AT), Err(DeskError::Trust { .. })));
    assert!(matches!(desk.load_trust(b"{\"version\": 1", None, AT), Err(DeskError::Trust { .. })));
    assert!(matches!(desk.load_trust(&signed, Some("not a key".into()), AT), Err(DeskError::Trust { .. })));
    assert!(matches!(desk.load_trust(&signed, Some(anchor_pem), "yesterday"), Err(DeskError::Time { .. })));
    assert_eq!(answer(&desk, &text)["valid"], true);
}

#[test]
fn requirement_questions_are_asked_of_every_verification() {
    let authority = authority();
    let text = licence_with_status(&authority, 2);
    let mut desk = Desk::new();
    desk.load_trust(trust_json(&authority).as_bytes(), None, AT).unwrap();
    desk.add_status_list(&status_token(&authority, &[])).unwrap();
    desk.set_requirements("C1", 18, "", "driving-licence", "").unwrap();
    assert_eq!(answer(&desk, &text)["valid"], true);
    desk.set_requirements("A", 0, "", "", "").unwrap();
    let refused = answer(&desk, &text);
    assert_eq!(kind(&refused), "policy", "{refused}");
    desk.set_requirements("", 0, "", "passport", "").unwrap();
    assert_eq!(kind(&answer(&desk, &text)), "policy");
    assert!(matches!(desk.set_requirements("", 0, "sea", "", ""), Err(DeskError::Requirement { .. })));
    assert!(matches!(desk.set_requirements("", 0, "", "visa", ""), Err(DeskError::Requirement { .. })));
    assert!(matches!(desk.set_requirements("", 0, "", "", "21/11/2026"), Err(DeskError::Requirement { .. })));
    // A refused question set leaves the last good one in force.
    assert_eq!(kind(&answer(&desk, &text)), "policy");
    desk.set_requirements("", 0, "", "", "").unwrap();
    assert_eq!(answer(&desk, &text)["valid"], true);
}

#[test]
fn a_bad_time_is_an_answer_not_a_panic() {
    let answer: Value = serde_json::from_str(&Desk::new().verify("DS1:ABC", "noon")).unwrap();
    assert_eq!((answer["valid"].as_bool(), kind(&answer)), (Some(false), "usage"));
}

#[test]
fn count_valid_agrees_with_verify() {
    let corpus = docseal::samples::Corpus::generate(200, 250, 3, at("2026-11-21T09:00:00Z")).unwrap();
    let mut desk = Desk::new();
    desk.load_trust(corpus.trust_json.as_bytes(), None, AT).unwrap();
    let one_by_one = corpus.payloads.iter().filter(|p| answer(&desk, p)["valid"] == true).count();
    assert_eq!(desk.count_valid(corpus.payloads.clone(), AT).unwrap(), one_by_one);
    assert_eq!(one_by_one, corpus.expected.iter().filter(|e| e.is_none()).count());
}

#[test]
fn pages_are_drawn_genuine_or_watermarked() {
    let authority = authority();
    let text = licence_with_status(&authority, 2);
    let mut desk = Desk::new();
    let unverified: Value = serde_json::from_str(&desk.render(&text, AT).unwrap()).unwrap();
    assert_eq!(unverified.as_array().map(Vec::len), Some(2));
    assert!(unverified[0]["svg"].as_str().unwrap().contains("UNVERIFIED"));

    desk.load_trust(trust_json(&authority).as_bytes(), None, AT).unwrap();
    desk.add_status_list(&status_token(&authority, &[])).unwrap();
    let pages: Value = serde_json::from_str(&desk.render(&text, AT).unwrap()).unwrap();
    let names: Vec<&str> = pages.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["front", "back"]);
    assert!(!pages[0]["svg"].as_str().unwrap().contains("UNVERIFIED"));
    assert!(matches!(desk.render("DS1:???", AT), Err(DeskError::Payload { .. })));
}

#[test]
fn the_payload_is_read_from_a_rendered_cards_pixels() {
    let authority = authority();
    let text = licence_with_status(&authority, 2);
    let verified = docseal::Verifier::new(authority.trust.clone())
        .with_policy(docseal::Policy::default().allow_unchecked_status())
        .verify(&text, at(AT))
        .unwrap();
    let card =
        docseal_render::Renderer::new().render(&docseal_render::Subject::verified(&verified, &text), None).unwrap();
    let raster = card.pages()[0].rasterise(1.0).unwrap();
    assert_eq!(Desk::read_pixels(&raster.rgba, raster.width, raster.height).unwrap(), text);

    let blank = vec![255u8; 200 * 100 * 4];
    assert!(matches!(Desk::read_pixels(&blank, 200, 100), Err(DeskError::Scan(_))));
    assert!(matches!(Desk::read_pixels(&blank, 201, 100), Err(DeskError::Scan(_))), "a short buffer");
    assert!(matches!(Desk::read_pixels(&[], 100_000, 100_000), Err(DeskError::Scan(_))), "too large");
}
