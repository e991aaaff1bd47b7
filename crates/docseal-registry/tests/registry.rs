//! The registry against a real SQLite file: the pass limit across connections, status
//! through a published list, refusals that leave foreign files alone.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::Path;

use chrono::{DateTime, Utc};
use docseal::model::{Credential, TemporaryPass};
use docseal::status::{Status, StatusLists};
use docseal::{Issuer, Limits, Scope, SigningKey, TrustList, TrustedKey, Verifier};
use docseal_registry::{Registry, RegistryConfig, RegistryError};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).map(|t| t.to_utc()).unwrap_or_default()
}

fn config() -> RegistryConfig {
    RegistryConfig::new("https://nia.example/status").unwrap().with_list_size(64)
}

fn pass(number: &str) -> Credential {
    let mut data = docseal::samples::pass_on(chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()).data().clone();
    data.pass_number = number.into();
    Credential::from(TemporaryPass::new(data).unwrap())
}

fn issuer() -> Issuer {
    Issuer::new(SigningKey::from_ed25519_seed(&[71; 32]), "National Immigration Administration").unwrap()
}

#[test]
fn at_most_two_passes_per_permit_holder_per_month_and_refreshes_are_free() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("docseal.db");
    let when = at("2026-11-24T01:00:00Z");
    let issuer = issuer();
    for number in ["TP0001", "TP0002"] {
        Registry::open(&path, &config()).unwrap().issue(&issuer, &pass(number), when).unwrap();
    }
    // A new connection, as a separate run of the issuer would open.
    let mut registry = Registry::open(&path, &config()).unwrap();
    let third = registry.issue(&issuer, &pass("TP0003"), when).unwrap_err();
    assert!(matches!(third, RegistryError::PassLimit { count: 2, .. }), "{third}");
    // A refreshed copy of pass 1 is the same document: it issues, and is recorded.
    registry.issue(&issuer, &pass("TP0001"), when + chrono::Duration::minutes(5)).unwrap();
    assert_eq!(registry.credentials_of("temporary-pass", "TP0001").unwrap(), 2);
    assert_eq!(registry.credentials_of("temporary-pass", "TP0003").unwrap(), 0, "no row for a refusal");
}

#[test]
fn concurrent_issuers_never_pass_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("docseal.db");
    Registry::open(&path, &config()).unwrap();
    let when = at("2026-11-24T01:00:00Z");
    let results: Vec<bool> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let path = path.clone();
                scope.spawn(move || {
                    let mut registry = Registry::open(&path, &config()).unwrap();
                    registry.issue(&issuer(), &pass(&format!("TP10{i:02}")), when).is_ok()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(results.iter().filter(|ok| **ok).count(), 2, "{results:?}");
}

#[test]
fn suspension_reaches_the_desk_through_the_published_list() {
    let dir = tempfile::tempdir().unwrap();
    let mut registry = Registry::open(&dir.path().join("docseal.db"), &config()).unwrap();
    let key = SigningKey::from_ed25519_seed(&[72; 32]);
    let status_key = SigningKey::from_ed25519_seed(&[73; 32]);
    let mut trust = TrustList::new();
    trust.add(TrustedKey::new("TMB", key.verifying_key()));
    trust.add(TrustedKey::new("TMB status", status_key.verifying_key()).with_scopes(vec![Scope::StatusList]));
    let issuer = Issuer::new(key, "TMB").unwrap();
    let licence = Credential::from(docseal::samples::licence());
    let when = at("2026-11-21T09:00:00Z");
    let issued = registry.issue(&issuer, &licence, when).unwrap();
    let desk = |registry: &Registry| {
        let mut lists = StatusLists::new();
        for (_, token) in registry.publish(&status_key, when, std::time::Duration::from_secs(86_400)).unwrap() {
            lists.add(&token, &trust, &Limits::default()).unwrap();
        }
        Verifier::new(trust.clone()).with_status_lists(lists)
    };
    let now = when + chrono::Duration::minutes(10);
    assert!(desk(&registry).verify(&issued.text, now).is_ok());
    registry.set_status("driving-licence", "110105199003070017", Status::Suspended).unwrap();
    assert_eq!(desk(&registry).verify(&issued.text, now).unwrap_err().kind(), "suspended");
    let refused = registry.issue(&issuer, &licence, now).unwrap_err();
    assert!(matches!(refused, RegistryError::StatusForbids { .. }), "{refused}");
    registry.set_status("driving-licence", "110105199003070017", Status::Valid).unwrap();
    assert!(desk(&registry).verify(&issued.text, now).is_ok(), "reinstated");
    assert!(matches!(
        registry.set_status("driving-licence", "nope", Status::Invalid),
        Err(RegistryError::UnknownDocument { .. })
    ));
}

fn unchanged_after_refusal(path: &Path) {
    let before = std::fs::read(path).unwrap();
    let err = Registry::open(path, &config()).unwrap_err();
    assert!(matches!(err, RegistryError::Database { .. }), "{err}");
    assert_eq!(std::fs::read(path).unwrap(), before, "nothing written");
}

#[test]
fn foreign_and_corrupt_files_are_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.db");
    std::fs::write(&text, b"this is not a database, it is a shopping list").unwrap();
    unchanged_after_refusal(&text);
    let foreign = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&foreign).unwrap();
    conn.execute_batch("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount INTEGER);").unwrap();
    drop(conn);
    unchanged_after_refusal(&foreign);
}
