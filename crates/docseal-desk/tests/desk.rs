//! The desk's rules, from outside: rollbacks refused, the newest status wins, a list decides
//! only its own issuer's credentials, conflicts and overdue lists refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Utc};
use docseal::status::{Bits, Status, StatusList, StatusListToken, StatusRef};
use docseal::trust::TrustListInfo;
use docseal::{Algorithm, Issuer, Policy, Scope, SigningKey, TrustList, TrustedKey};
use docseal_desk::{Desk, Material, Named, SetupError, Sources, StateDir};

const URI: &str = "https://tmb.example/status/1";

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("an RFC 3339 time")
}

struct Authority {
    name: &'static str,
    seed: u8,
    key: SigningKey,
    status_key: SigningKey,
}

impl Authority {
    fn new(name: &'static str, seed: u8) -> Self {
        Self {
            name,
            seed,
            key: SigningKey::from_ed25519_seed(&[seed; 32]),
            status_key: SigningKey::from_ed25519_seed(&[seed + 1; 32]),
        }
    }

    fn entries(&self) -> [TrustedKey; 2] {
        [
            TrustedKey::new(self.name, self.key.verifying_key()).with_issuer(self.name),
            TrustedKey::new(format!("{} status", self.name), self.status_key.verifying_key())
                .with_scopes(vec![Scope::StatusList])
                .with_issuer(self.name),
        ]
    }

    fn licence(&self, idx: u64, at: DateTime<Utc>) -> String {
        let issuer = Issuer::new(SigningKey::from_ed25519_seed(&[self.seed; 32]), self.name).expect("issuer");
        let credential = docseal::samples::licence().into();
        let prepared =
            issuer.prepare(&credential).expect("prepared").with_status(StatusRef::new(URI, idx).expect("ref"));
        issuer.issue_prepared(&prepared, at).expect("issued").text
    }

    fn token(&self, suspended: &[u64], iat: DateTime<Utc>) -> Named {
        let mut list = StatusList::new(Bits::Two, 1000).expect("list");
        for &idx in suspended {
            list.set(idx, Status::Suspended).expect("set");
        }
        let iat = iat.timestamp();
        let bytes = StatusListToken::sign(&self.status_key, URI, &list, iat, iat + 30 * 86_400, None).expect("token");
        Named::new(format!("{}-{iat}.cwt", self.name), bytes)
    }
}

fn signed_trust(anchor: &SigningKey, keys: &[TrustedKey], sequence: u64, next_update: &str) -> Named {
    let mut list = TrustList::new();
    for key in keys {
        list.add(key.clone());
    }
    let info = TrustListInfo {
        provider: "demo".into(),
        date: at("2026-12-01T00:00:00Z"),
        sequence,
        next_update: at(next_update),
    };
    Named::new(format!("trust-{sequence}.cose"), list.sign(anchor, &info).expect("signed list"))
}

fn anchor_pem(anchor: &SigningKey) -> Named {
    Named::new("root.pub", anchor.verifying_key().to_spki_pem().expect("pem").into_bytes())
}

fn kind(desk: &Desk, text: &str, now: DateTime<Utc>) -> Result<(), String> {
    desk.set().verifier().verify(text, now).map(|_| ()).map_err(|e| e.kind().as_str().to_owned())
}

#[test]
fn a_lower_trust_sequence_is_refused_and_the_old_set_kept() {
    let anchor = SigningKey::generate(Algorithm::EdDsa).expect("key");
    let a = Authority::new("TMB", 1);
    let now = at("2026-12-07T09:00:00Z");
    let text = a.licence(3, at("2026-12-07T08:00:00Z"));
    // Sequence 9 removed the authority's key; sequence 8 still had it.
    let nine = Material {
        trust: Some(signed_trust(&anchor, &[], 9, "2026-12-31T00:00:00Z")),
        anchor: Some(anchor_pem(&anchor)),
        status: vec![],
    };
    let desk = Desk::open(&nine, Policy::default(), None, now).expect("sequence 9 loads");
    assert_eq!(desk.trust_floor(), Some(9));
    assert_eq!(kind(&desk, &text, now), Err("unknown-kid".into()));
    let eight =
        Material { trust: Some(signed_trust(&anchor, &a.entries(), 8, "2026-12-31T00:00:00Z")), ..nine.clone() };
    let err = desk.replace(&eight, now).expect_err("a rollback");
    assert!(matches!(err, SetupError::TrustRollback { sequence: 8, floor: 9, .. }), "{err}");
    assert_eq!(err.kind(), "trust-list");
    assert_eq!(kind(&desk, &text, now), Err("unknown-kid".into()), "the removed key stays removed");
    // A floor given at start (--trust-sequence) refuses it as well.
    assert!(matches!(Desk::open(&eight, Policy::default(), Some(9), now), Err(SetupError::TrustRollback { .. })));
    // The same sequence again, or a higher one, is taken.
    let ten = Material { trust: Some(signed_trust(&anchor, &a.entries(), 10, "2026-12-31T00:00:00Z")), ..nine };
    desk.replace(&ten, now).expect("sequence 10 loads");
    assert_eq!((desk.trust_floor(), kind(&desk, &text, now)), (Some(10), Err("status".into())));
}

#[test]
fn an_older_status_token_never_replaces_the_one_in_force() {
    let a = Authority::new("TMB", 1);
    let now = at("2026-12-07T09:00:00Z");
    let text = a.licence(3, at("2026-12-01T08:00:00Z"));
    let mut json = String::from(r#"{"version": 1, "issuers": ["#);
    for (i, key) in a.entries().iter().enumerate() {
        let scope = if i == 0 { "driving-licence" } else { "status-list" };
        json.push_str(&format!(
            r#"{}{{"name": {:?}, "iss": "TMB", "public_key": {:?}, "documents": [{scope:?}]}}"#,
            if i == 0 { "" } else { "," },
            key.name(),
            key.key().to_spki_pem().expect("pem")
        ));
    }
    json.push_str("]}");
    let valid = a.token(&[], at("2026-12-05T00:00:00Z"));
    let suspended = a.token(&[3], at("2026-12-06T00:00:00Z"));
    let material = |token: &Named| Material {
        trust: Some(Named::new("trust.json", json.clone().into_bytes())),
        anchor: None,
        status: vec![token.clone()],
    };
    let desk = Desk::open(&material(&suspended), Policy::default(), None, now).expect("loads");
    assert_eq!(kind(&desk, &text, now), Err("suspended".into()));
    let refused = desk.replace(&material(&valid), now).expect("the set reloads, the older token kept out");
    assert!(matches!(refused.as_slice(), [SetupError::StatusRollback { .. }]), "{refused:?}");
    assert_eq!(refused[0].kind(), "status");
    assert_eq!(kind(&desk, &text, now), Err("suspended".into()), "still suspended");
    // Offered again with a newer token beside it, the newer one decides.
    let reinstated = a.token(&[], at("2026-12-06T12:00:00Z"));
    let refused = desk.replace(&material(&reinstated), now).expect("a newer token");
    assert!(refused.is_empty());
    assert_eq!(kind(&desk, &text, now), Ok(()));
    // Two different tokens with one time: a conflict, refused at load.
    let other_same_time = a.token(&[4], at("2026-12-06T00:00:00Z"));
    let both = Material { status: vec![suspended.clone(), other_same_time], ..material(&suspended) };
    let err = Desk::open(&both, Policy::default(), None, now).expect_err("a conflict");
    assert!(matches!(err, SetupError::StatusConflict { .. }), "{err}");
    assert_eq!(err.kind(), "status");
    // Older than the token in force, the two conflicting tokens are out of the question.
    assert!(desk.replace(&both, now).expect("the newer token decides").len() == 1);
    assert_eq!(kind(&desk, &text, now), Ok(()));
}

#[test]
fn another_authoritys_status_key_changes_none_of_its_verdicts() {
    let anchor = SigningKey::generate(Algorithm::EdDsa).expect("key");
    let (a, b) = (Authority::new("TMB", 1), Authority::new("Other", 11));
    let now = at("2026-12-07T09:00:00Z");
    let text = a.licence(3, at("2026-12-01T08:00:00Z"));
    let keys: Vec<TrustedKey> = a.entries().into_iter().chain(b.entries()).collect();
    let material = Material {
        trust: Some(signed_trust(&anchor, &keys, 1, "2026-12-31T00:00:00Z")),
        anchor: Some(anchor_pem(&anchor)),
        // A suspended it; B signs a newer list for A's URI with every entry valid.
        status: vec![a.token(&[3], at("2026-12-05T00:00:00Z")), b.token(&[], at("2026-12-06T00:00:00Z"))],
    };
    let desk = Desk::open(&material, Policy::default(), None, now).expect("loads");
    assert_eq!(kind(&desk, &text, now), Err("suspended".into()));
}

#[test]
fn an_overdue_trust_list_stops_valid_answers_until_a_fresh_one() {
    let anchor = SigningKey::generate(Algorithm::EdDsa).expect("key");
    let a = Authority::new("TMB", 1);
    let text = a.licence(3, at("2026-12-07T08:00:00Z"));
    let material = Material {
        trust: Some(signed_trust(&anchor, &a.entries()[..1], 1, "2026-12-08T00:00:00Z")),
        anchor: Some(anchor_pem(&anchor)),
        status: vec![],
    };
    let policy = Policy::default().allow_unchecked_status();
    let desk = Desk::open(&material, policy.clone(), None, at("2026-12-07T09:00:00Z")).expect("loads");
    assert_eq!(kind(&desk, &text, at("2026-12-07T09:00:00Z")), Ok(()));
    let later = at("2026-12-08T00:00:01Z");
    assert!(desk.set().trust_overdue(later));
    assert_eq!(kind(&desk, &text, later), Err("trust-list".into()));
    let fresh = Material {
        trust: Some(signed_trust(&anchor, &a.entries()[..1], 2, "2026-12-09T00:00:00Z")),
        ..material.clone()
    };
    desk.replace(&fresh, later).expect("a fresh list");
    assert_eq!(kind(&desk, &text, later), Ok(()));
    let accepting = Desk::open(&material, policy.accepting_overdue_trust(), None, later).expect("accepted overdue");
    assert_eq!(kind(&accepting, &text, later), Ok(()));
}

#[test]
fn files_state_and_a_fifo() {
    let dir = tempfile::tempdir().expect("temp dir");
    let state = StateDir::new(dir.path().join("state"));
    assert_eq!(state.trust_floor().expect("no state yet"), None);
    state.keep_trust_floor(9).expect("kept");
    assert_eq!(state.trust_floor().expect("state"), Some(9));

    let status = dir.path().join("status");
    std::fs::create_dir(&status).expect("mkdir");
    let trust = dir.path().join("trust.json");
    std::fs::write(&trust, r#"{"version": 1, "issuers": []}"#).expect("write");
    let sources = Sources { trust, trust_anchor: None, status: vec![status.clone()] };
    assert!(matches!(sources.read(), Err(SetupError::NoStatusTokens { .. })));
    let made = std::process::Command::new("mkfifo").arg(status.join("list.cwt")).status().expect("mkfifo");
    assert!(made.success());
    // Refused at once: a FIFO is never opened for a blocking read.
    assert!(matches!(sources.read(), Err(SetupError::NotRegularFile { .. })));
}
