//! Status lists at the verifier: every answer a desk can get from one (issue 17).

use std::time::Duration;

use chrono::{DateTime, Utc};
use proptest::prelude::*;

use super::*;
use crate::Error;
use crate::cose::SigningKey;
use crate::issue::Issuer;
use crate::samples;
use crate::status::{Bits, Status, StatusList, StatusListToken, StatusLists, StatusRef};
use crate::trust::{Scope, TrustedKey};

const URI: &str = "https://tmb.example/status/1";

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).map(|t| t.to_utc()).unwrap_or_default()
}

struct Desk {
    issuer: Issuer,
    status_key: SigningKey,
    trust: TrustList,
}

fn desk() -> Desk {
    let key = SigningKey::from_ed25519_seed(&[17; 32]);
    let status_key = SigningKey::from_ed25519_seed(&[18; 32]);
    let mut trust = TrustList::new();
    trust.add(TrustedKey::new("TMB", key.verifying_key()));
    trust.add(TrustedKey::new("TMB status", status_key.verifying_key()).with_scopes(vec![Scope::StatusList]));
    Desk { issuer: Issuer::new(key, "TMB").unwrap(), status_key, trust }
}

impl Desk {
    fn issue(&self, credential: &Credential, idx: u64, at: DateTime<Utc>) -> String {
        let prepared = self.issuer.prepare(credential).unwrap().with_status(StatusRef::new(URI, idx).unwrap());
        self.issuer.issue_prepared(&prepared, at).unwrap().text
    }

    fn token(&self, list: &StatusList, uri: &str, iat: DateTime<Utc>) -> Vec<u8> {
        let iat = iat.timestamp();
        StatusListToken::sign(&self.status_key, uri, list, iat, iat + 7 * 86_400, Some(86_400)).unwrap()
    }

    fn verifier(&self, tokens: &[&[u8]], policy: Policy) -> Verifier {
        let mut lists = StatusLists::new();
        for token in tokens {
            lists.add(token, &self.trust, &Limits::default()).unwrap();
        }
        Verifier::new(self.trust.clone()).with_policy(policy).with_status_lists(lists)
    }
}

fn kind(verifier: &Verifier, text: &str, now: DateTime<Utc>) -> std::result::Result<(), &'static str> {
    verifier.verify(text, now).map(|_| ()).map_err(|e| e.kind().as_str())
}

#[test]
fn a_licence_suspended_after_issue_is_refused_and_reinstated() {
    let desk = desk();
    let issued = at("2026-11-21T09:00:00Z");
    let text = desk.issue(&samples::licence().into(), 41, issued);
    let mut list = StatusList::new(Bits::Two, 1000).unwrap();
    let now = at("2026-11-22T09:00:00Z");
    let valid = desk.verifier(&[&desk.token(&list, URI, issued)], Policy::default());
    let verified = valid.verify(&text, now).unwrap();
    let status = verified.checks().into_iter().find(|c| c.kind == CheckKind::Status).unwrap();
    assert!(
        status.passed && status.detail.starts_with("entry 41 of https://tmb.example/status/1 is VALID"),
        "{status:?}"
    );

    list.set(41, Status::Suspended).unwrap();
    let suspended = desk.verifier(&[&desk.token(&list, URI, at("2026-11-22T08:00:00Z"))], Policy::default());
    assert_eq!(kind(&suspended, &text, now), Err("suspended"));
    list.set(41, Status::Invalid).unwrap();
    let revoked = desk.verifier(&[&desk.token(&list, URI, at("2026-11-22T08:00:00Z"))], Policy::default());
    assert_eq!(kind(&revoked, &text, now), Err("revoked"));
    list.set(41, Status::Valid).unwrap();
    let reinstated = desk.verifier(&[&desk.token(&list, URI, at("2026-11-22T08:30:00Z"))], Policy::default());
    assert_eq!(kind(&reinstated, &text, now), Ok(()));
    // The credential's own checks come first: an expired copy stays `expired`.
    list.set(41, Status::Suspended).unwrap();
    let later = desk.verifier(&[&desk.token(&list, URI, at("2026-12-22T08:00:00Z"))], Policy::default());
    assert_eq!(kind(&later, &text, at("2026-12-22T09:00:00Z")), Err("expired"));
}

#[test]
fn a_used_one_time_pass_is_refused() {
    let desk = desk();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let pass = samples::pass_on(day);
    let issued = at("2026-11-24T01:00:00Z");
    let prepared =
        desk.issuer.prepare_pass(&pass, issued, &[][..]).unwrap().with_status(StatusRef::new(URI, 3).unwrap());
    let text = desk.issuer.issue_prepared(&prepared, issued).unwrap().text;
    let mut list = StatusList::new(Bits::Two, 64).unwrap();
    let now = at("2026-11-24T05:00:00Z");
    assert_eq!(kind(&desk.verifier(&[&desk.token(&list, URI, issued)], Policy::default()), &text, now), Ok(()));
    list.set(3, Status::Used).unwrap();
    let token = desk.token(&list, URI, at("2026-11-24T04:00:00Z"));
    assert_eq!(kind(&desk.verifier(&[&token], Policy::default()), &text, now), Err("used"));
}

#[test]
fn lists_that_cannot_decide_are_refused_with_kind_status() {
    let desk = desk();
    let issued = at("2026-11-21T09:00:00Z");
    let now = at("2026-11-22T09:00:00Z");
    let text = desk.issue(&samples::licence().into(), 41, issued);
    let list = StatusList::new(Bits::Two, 1000).unwrap();

    // No list loaded: refused by default, reported undone when the policy allows it.
    assert_eq!(kind(&desk.verifier(&[], Policy::default()), &text, now), Err("status"));
    let lenient = desk.verifier(&[], Policy::default().allow_unchecked_status());
    let verified = lenient.verify(&text, now).unwrap();
    assert!(matches!(verified.status(), StatusSeen::Unchecked));
    assert!(verified.checks().iter().any(|c| c.kind == CheckKind::Status && !c.passed));

    // A list whose `sub` is another URI says nothing about this credential.
    let other = desk.token(&list, "https://tmb.example/status/2", issued);
    assert_eq!(kind(&desk.verifier(&[&other], Policy::default()), &text, now), Err("status"));
    // Stale: past its own exp, or older than the policy's limit.
    let old = desk.token(&list, URI, at("2026-11-10T00:00:00Z"));
    assert_eq!(kind(&desk.verifier(&[&old], Policy::default()), &text, now), Err("status"));
    let day_old = desk.token(&list, URI, at("2026-11-21T08:00:00Z"));
    let strict = Policy::default().with_max_status_age(Duration::from_secs(86_400));
    assert_eq!(kind(&desk.verifier(&[&day_old], strict.clone()), &text, now), Err("status"));
    assert_eq!(kind(&desk.verifier(&[&day_old], Policy::default()), &text, now), Ok(()));
    // An index past the end of the list.
    let short = desk.token(&StatusList::new(Bits::Two, 40).unwrap(), URI, issued);
    assert_eq!(kind(&desk.verifier(&[&short], Policy::default()), &text, now), Err("status"));

    // Signed by the credential key, which is not trusted for status lists: refused at load.
    let by_issuer_key =
        StatusListToken::sign(desk.issuer.key(), URI, &list, issued.timestamp(), now.timestamp() + 10, None).unwrap();
    let err = StatusLists::new().add(&by_issuer_key, &desk.trust, &Limits::default()).unwrap_err();
    assert_eq!(err.kind(), "status");
    assert!(err.to_string().contains("limited to"), "{err}");
    // One flipped byte in the signature.
    let mut forged = desk.token(&list, URI, issued);
    let last = forged.len() - 1;
    forged[last] ^= 1;
    assert_eq!(StatusLists::new().add(&forged, &desk.trust, &Limits::default()).unwrap_err().kind(), "status");
}

#[test]
fn bulk_takes_the_same_status_decisions() {
    let desk = desk();
    let issued = at("2026-11-21T09:00:00Z");
    let now = at("2026-11-22T09:00:00Z");
    let texts: Vec<String> = (0..8).map(|i| desk.issue(&samples::licence().into(), i, issued)).collect();
    let mut list = StatusList::new(Bits::Two, 8).unwrap();
    for (i, status) in [Status::Suspended, Status::Invalid, Status::Used].into_iter().enumerate() {
        list.set(i as u64 * 2, status).unwrap();
    }
    let verifier = desk.verifier(&[&desk.token(&list, URI, issued)], Policy::default());
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let bulk: Vec<_> =
        verifier.verify_many(&refs, now).into_iter().map(|r| r.map(|_| ()).map_err(|e| e.kind().as_str())).collect();
    let single: Vec<_> = refs.iter().map(|t| kind(&verifier, t, now)).collect();
    assert_eq!(bulk, single);
    assert_eq!(single[0], Err("suspended"));
    assert_eq!(single[2], Err("revoked"));
    assert_eq!(single[4], Err("used"));
    assert_eq!(single[1], Ok(()));
}

fn bits_strategy() -> impl Strategy<Value = Bits> {
    prop_oneof![Just(Bits::One), Just(Bits::Two), Just(Bits::Four), Just(Bits::Eight)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Encode, compress, decompress, decode: every entry as set, for every width.
    #[test]
    fn lists_round_trip(bits in bits_strategy(), len in 1u64..4000, sets in proptest::collection::vec((any::<u64>(), any::<u8>()), 0..200)) {
        let mut list = StatusList::new(bits, len).unwrap();
        let mut model = vec![0u8; usize::try_from(list.len()).unwrap()];
        let max = u8::try_from((1u16 << bits.count()) - 1).unwrap();
        for (idx, value) in sets {
            let (idx, value) = (idx % list.len(), value & max);
            list.set(idx, Status::from_value(value)).unwrap();
            model[usize::try_from(idx).unwrap()] = value;
        }
        let read = StatusList::decompress(bits, &list.compress(), 1 << 20).unwrap();
        prop_assert_eq!(&read, &list);
        for (idx, value) in model.iter().enumerate() {
            prop_assert_eq!(read.get(idx as u64), Some(Status::from_value(*value)));
        }
        prop_assert_eq!(read.get(list.len()), None);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// The verifier's decision equals a plain bit lookup on a random list.
    #[test]
    fn decisions_follow_the_bits(values in proptest::collection::vec(0u8..4, 1..40), idx in 0usize..48) {
        let desk = desk();
        let issued = at("2026-11-21T09:00:00Z");
        let mut list = StatusList::new(Bits::Two, values.len() as u64).unwrap();
        for (i, v) in values.iter().enumerate() {
            list.set(i as u64, Status::from_value(*v)).unwrap();
        }
        let text = desk.issue(&samples::licence().into(), idx as u64, issued);
        let verifier = desk.verifier(&[&desk.token(&list, URI, issued)], Policy::default());
        let expected = match list.get(idx as u64) {
            None => Err("status"),
            Some(Status::Valid) => Ok(()),
            Some(Status::Invalid) => Err("revoked"),
            Some(Status::Suspended) => Err("suspended"),
            Some(_) => Err("used"),
        };
        prop_assert_eq!(kind(&verifier, &text, at("2026-11-21T10:00:00Z")), expected);
    }
}

/// Two authorities, each binding its `iss`: A's licence issuer and status key, B's.
fn two_authorities() -> (Desk, SigningKey) {
    let key = SigningKey::from_ed25519_seed(&[17; 32]);
    let status_key = SigningKey::from_ed25519_seed(&[18; 32]);
    let other_key = SigningKey::from_ed25519_seed(&[27; 32]);
    let other_status = SigningKey::from_ed25519_seed(&[28; 32]);
    let mut trust = TrustList::new();
    trust.add(TrustedKey::new("TMB", key.verifying_key()).with_issuer("TMB"));
    trust.add(
        TrustedKey::new("TMB status", status_key.verifying_key())
            .with_scopes(vec![Scope::StatusList])
            .with_issuer("TMB"),
    );
    trust.add(TrustedKey::new("Other", other_key.verifying_key()).with_issuer("Other"));
    trust.add(
        TrustedKey::new("Other status", other_status.verifying_key())
            .with_scopes(vec![Scope::StatusList])
            .with_issuer("Other"),
    );
    (Desk { issuer: Issuer::new(key, "TMB").unwrap(), status_key, trust }, other_status)
}

#[test]
fn another_authoritys_status_list_changes_none_of_its_verdicts() {
    let (desk, other_status) = two_authorities();
    let issued = at("2026-11-21T09:00:00Z");
    let now = at("2026-11-22T09:00:00Z");
    let text = desk.issue(&samples::licence().into(), 41, issued);
    let mut revoked = StatusList::new(Bits::Two, 1000).unwrap();
    revoked.set(41, Status::Invalid).unwrap();
    let own = desk.token(&revoked, URI, issued);
    // B signs a newer list for A's URI with entry 41 VALID.
    let iat = at("2026-11-22T08:00:00Z").timestamp();
    let forged_by_b =
        StatusListToken::sign(&other_status, URI, &StatusList::new(Bits::Two, 1000).unwrap(), iat, iat + 86_400, None)
            .unwrap();
    for order in [[&own[..], &forged_by_b[..]], [&forged_by_b[..], &own[..]]] {
        let verifier = desk.verifier(&order, Policy::default());
        assert_eq!(kind(&verifier, &text, now), Err("revoked"), "A's own list decides, in either order");
    }
    // With B's list alone, A's licence has no list of its own: undecided, never VALID.
    let only_b = desk.verifier(&[&forged_by_b], Policy::default());
    let err = only_b.verify(&text, now).unwrap_err();
    assert_eq!(err.kind().as_str(), "status");
    assert!(err.to_string().contains("another authority"), "{err}");
    assert!(
        matches!(&err, Error::StatusUndecided(crate::StatusProblem::OtherAuthority { issuer, signed_for, .. })
            if issuer == "TMB" && signed_for == "Other"),
        "{err:?}"
    );
    let lenient = desk.verifier(&[&forged_by_b], Policy::default().allow_unchecked_status());
    let verified = lenient.verify(&text, now).unwrap();
    assert_eq!(verified.status(), &StatusSeen::Unchecked);
}

#[test]
fn a_status_key_without_iss_is_refused_where_several_authorities_sign() {
    let (mut desk, _) = two_authorities();
    let unbound = SigningKey::from_ed25519_seed(&[29; 32]);
    desk.trust.add(TrustedKey::new("Loose status", unbound.verifying_key()).with_scopes(vec![Scope::StatusList]));
    desk.status_key = unbound;
    let token = desk.token(&StatusList::new(Bits::Two, 8).unwrap(), URI, at("2026-11-21T09:00:00Z"));
    let err = StatusLists::new().add(&token, &desk.trust, &Limits::default()).unwrap_err();
    assert_eq!(err.kind().as_str(), "status");
    assert!(err.to_string().contains("add \"iss\""), "{err}");
    // The quick start's case, one authority: accepted (the `desk()` fixture binds no iss).
    let single = self::desk();
    assert!(single.trust.has_single_document_authority());
    let token = single.token(&StatusList::new(Bits::Two, 8).unwrap(), URI, at("2026-11-21T09:00:00Z"));
    assert!(StatusLists::new().add(&token, &single.trust, &Limits::default()).is_ok());
}

#[test]
fn two_different_tokens_with_one_time_are_a_conflict_in_any_order() {
    let desk = desk();
    let issued = at("2026-11-21T09:00:00Z");
    let now = at("2026-11-22T09:00:00Z");
    let text = desk.issue(&samples::licence().into(), 41, issued);
    let valid = StatusList::new(Bits::Two, 1000).unwrap();
    let mut suspended = valid.clone();
    suspended.set(41, Status::Suspended).unwrap();
    let same_time = at("2026-11-22T08:00:00Z");
    let (a, b) = (desk.token(&valid, URI, same_time), desk.token(&suspended, URI, same_time));
    for order in [[&a[..], &b[..]], [&b[..], &a[..]]] {
        let verifier = desk.verifier(&order, Policy::default());
        assert_eq!(verifier.status_lists().conflicts().count(), 1);
        let err = verifier.verify(&text, now).unwrap_err();
        assert_eq!(err.kind().as_str(), "status");
        assert!(err.to_string().contains("conflict"), "{err}");
        assert!(matches!(err, Error::StatusUndecided(crate::StatusProblem::Conflict { .. })), "{err:?}");
    }
    // The same token twice is no conflict; a newer token settles one.
    assert_eq!(desk.verifier(&[&a, &a], Policy::default()).status_lists().conflicts().count(), 0);
    let newer = desk.token(&suspended, URI, at("2026-11-22T08:30:00Z"));
    let settled = desk.verifier(&[&a, &b, &newer], Policy::default());
    assert_eq!(kind(&settled, &text, now), Err("suspended"));
}

#[test]
fn an_overdue_signed_trust_list_stops_every_verdict() {
    let desk = desk();
    let issued = at("2026-11-21T09:00:00Z");
    let text = desk.issue(&samples::licence().into(), 41, issued);
    let token = desk.token(&StatusList::new(Bits::Two, 1000).unwrap(), URI, issued);
    let due = at("2026-11-22T00:00:00Z");
    let mut verifier = desk.verifier(&[&token], Policy::default());
    verifier.trust = verifier.trust.clone().with_next_update(due);
    assert_eq!(kind(&verifier, &text, at("2026-11-21T12:00:00Z")), Ok(()));
    let err = verifier.verify(&text, at("2026-11-22T00:00:00Z")).unwrap_err();
    assert_eq!(err.kind().as_str(), "trust-list");
    assert!(matches!(err, Error::TrustListOverdue { .. }), "{err:?}");
    assert_eq!(
        verifier.verify_many(&[&text], at("2026-11-23T00:00:00Z"))[0].as_ref().unwrap_err().kind().as_str(),
        "trust-list"
    );
    let accepting = verifier.clone().with_policy(Policy::default().accepting_overdue_trust());
    assert_eq!(kind(&accepting, &text, at("2026-11-23T00:00:00Z")), Ok(()));
}
