use super::*;
use crate::cose::SigningKey;
use crate::error::KeyRefusal;
use crate::model::DocumentType;

fn pem(seed: u8) -> String {
    SigningKey::from_ed25519_seed(&[seed; 32]).verifying_key().to_spki_pem().unwrap_or_default()
}

fn list(entries: &str) -> Result<TrustList> {
    TrustList::from_json(&format!(r#"{{"version": 1, "issuers": [{entries}]}}"#))
}

#[test]
fn reads_keys_scopes_and_windows() -> Result<()> {
    let json = format!(
        r#"{{"name": "A", "public_key": {:?}, "documents": ["driving-licence"],
            "not_before": "2025-01-01T00:00:00Z", "not_after": "2030-01-01T00:00:00Z"}},
           {{"name": "B", "public_key": {:?}, "iss": "Beijing"}}"#,
        pem(1),
        pem(2)
    );
    let list = list(&json)?;
    let a = SigningKey::from_ed25519_seed(&[1; 32]).kid();
    let found: Vec<_> = list.lookup(a).collect();
    assert_eq!(found.len(), 1);
    let key = found[0];
    assert_eq!(&*key.name, "A");
    let licence = Scope::Document(DocumentType::DrivingLicence);
    let t2026 = 1_780_000_000;
    assert_eq!(key.refusal(licence, "x", t2026), None);
    assert!(key.refusal(Scope::Document(DocumentType::Passport), "x", t2026).is_some());
    assert!(key.refusal(licence, "x", 1_000_000_000).is_some(), "before not_before");
    assert!(key.refusal(licence, "x", 2_000_000_000).is_some(), "after not_after");
    let b =
        list.lookup(SigningKey::from_ed25519_seed(&[2; 32]).kid()).next().map(|k| k.refusal(licence, "Other", t2026));
    assert!(matches!(b, Some(Some(r)) if r.to_string().contains("bound to issuer")));
    Ok(())
}

#[test]
fn shared_kids_keep_every_key() -> Result<()> {
    let json = format!(
        r#"{{"name": "A", "public_key": {:?}, "kid": "AQIDBAUGBwg="}}, {{"name": "B", "public_key": {:?}, "kid": "AQIDBAUGBwg="}}"#,
        pem(1),
        pem(2)
    );
    let list = list(&json)?;
    assert_eq!(list.count(Kid([1, 2, 3, 4, 5, 6, 7, 8])), 2);
    Ok(())
}

#[test]
fn malformed_lists_are_refused_with_context() {
    let bad = [
        r#"{"version": 2, "issuers": []}"#.to_owned(),
        "not json".to_owned(),
        r#"{"version": 1, "issuers": [{"name": "X"}]}"#.to_owned(),
        format!(r#"{{"version": 1, "issuers": [{{"name": "X", "public_key": {:?}, "documents": ["car"]}}]}}"#, pem(1)),
        format!(r#"{{"version": 1, "issuers": [{{"name": "X", "public_key": {:?}, "kid": "AAA="}}]}}"#, pem(1)),
        format!(r#"{{"version": 1, "issuers": [{{"name": "X", "public_key": {:?}, "colour": 1}}]}}"#, pem(1)),
        r#"{"version": 1, "issuers": [{"name": "X", "public_key": "-----BEGIN PUBLIC KEY-----\nAA==\n-----END PUBLIC KEY-----\n"}]}"#.to_owned(),
    ];
    for json in bad {
        assert_eq!(TrustList::from_json(&json).map(|_| ()).map_err(|e| e.kind().as_str()), Err("trust-list"), "{json}");
    }
}

#[test]
fn entries_without_documents_keep_to_their_profile() -> Result<()> {
    let json = format!(r#"{{"name": "K", "public_key": {:?}}}"#, pem(5));
    let list = list(&json)?;
    let key = list.keys().first().ok_or_else(|| Error::trust_list("empty"))?;
    let t2026 = 1_780_000_000;
    for document in [DocumentType::Passport, DocumentType::DrivingLicence, DocumentType::TemporaryPass] {
        assert_eq!(key.refusal(Scope::Document(document), "x", t2026), None, "{document}");
    }
    assert!(
        matches!(key.refusal(Scope::Dcc, "x", t2026), Some(KeyRefusal::Scope { .. })),
        "a key entry does not sign EU DCCs unless it says so"
    );
    let built = TrustedKey::new("K", SigningKey::from_ed25519_seed(&[5; 32]).verifying_key());
    assert!(built.refusal(Scope::Dcc, "x", t2026).is_some());
    let crossing = built.with_scopes(vec![Scope::Dcc]);
    assert_eq!(crossing.refusal(Scope::Dcc, "x", t2026), None);
    Ok(())
}

#[test]
fn built_keys_carry_explicit_scopes_and_checked_windows() {
    let key = TrustedKey::new("k", crate::cose::SigningKey::from_ed25519_seed(&[5; 32]).verifying_key());
    assert_eq!(key.scopes(), Scope::defaults_for_key());
    let t = |s: &str| DateTime::parse_from_rfc3339(s).map(|t| t.to_utc()).ok();
    let reversed = key.clone().with_validity(t("2030-01-01T00:00:00Z"), t("2025-01-01T00:00:00Z"));
    assert!(matches!(reversed, Err(Error::TrustList { .. })));
    let windowed = key.with_issuer("X").with_validity(t("2025-01-01T00:00:00Z"), None).unwrap();
    let licence = Scope::Document(crate::model::DocumentType::DrivingLicence);
    assert!(windowed.refusal(licence, "X", 1_000_000_000).is_some(), "before the window");
    assert!(windowed.refusal(licence, "Y", 1_800_000_000).is_some(), "another issuer");
    assert!(windowed.refusal(licence, "X", 1_800_000_000).is_none());
}

mod signed_lists {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).map(|t| t.to_utc()).unwrap_or_default()
    }

    fn info(sequence: u64) -> TrustListInfo {
        TrustListInfo {
            provider: "National trust list (test)".into(),
            date: t("2026-12-01T00:00:00Z"),
            sequence,
            next_update: t("2026-12-31T00:00:00Z"),
        }
    }

    fn sample_list() -> TrustList {
        let json = format!(
            r#"{{"version": 1, "issuers": [
                {{"name": "TMB", "public_key": {:?}, "documents": ["driving-licence", "status-list"], "iss": "TMB",
                  "not_before": "2025-01-01T00:00:00Z", "not_after": "2030-01-01T00:00:00Z"}},
                {{"name": "P-256 issuer", "public_key": {:?}}}]}}"#,
            pem(1),
            SigningKey::from_p256_scalar(&[9; 32]).unwrap().verifying_key().to_spki_pem().unwrap()
        );
        TrustList::from_json(&json).unwrap()
    }

    #[test]
    fn a_signed_list_reads_back_entry_for_entry() {
        for anchor in [SigningKey::from_ed25519_seed(&[40; 32]), SigningKey::from_p256_scalar(&[41; 32]).unwrap()] {
            let list = sample_list();
            let signed = list.sign(&anchor, &info(3)).unwrap();
            let (read, read_info) =
                TrustList::from_signed(&signed, &anchor.verifying_key(), t("2026-12-02T00:00:00Z")).unwrap();
            assert_eq!(read_info, info(3));
            assert_eq!(read.keys().len(), list.keys().len());
            for (a, b) in read.keys().iter().zip(list.keys()) {
                assert_eq!(
                    (a.name(), a.key(), a.scopes(), a.issuer(), a.validity()),
                    (b.name(), b.key(), b.scopes(), b.issuer(), b.validity())
                );
            }
        }
    }

    #[test]
    fn another_anchor_a_changed_byte_a_rollback_and_an_overdue_list_are_refused() {
        let anchor = SigningKey::from_ed25519_seed(&[40; 32]);
        let other = SigningKey::from_ed25519_seed(&[42; 32]);
        let signed = sample_list().sign(&anchor, &info(5)).unwrap();
        let now = t("2026-12-02T00:00:00Z");
        let read = |bytes: &[u8], key: &SigningKey, rules| {
            TrustList::from_signed_with(bytes, &key.verifying_key(), now, rules)
        };
        assert!(read(&signed, &anchor, SignedListRules::default()).is_ok());
        let err = read(&signed, &other, SignedListRules::default()).unwrap_err();
        assert_eq!(err.kind(), "trust-list");
        // Every single flipped byte is refused (and none panics).
        for i in 0..signed.len() {
            let mut changed = signed.clone();
            changed[i] ^= 0x01;
            assert!(read(&changed, &anchor, SignedListRules::default()).is_err(), "byte {i}");
        }
        let rollback = read(&signed, &anchor, SignedListRules::default().after_sequence(6)).unwrap_err();
        assert!(rollback.to_string().contains("rollback"), "{rollback}");
        assert!(read(&signed, &anchor, SignedListRules::default().after_sequence(5)).is_ok(), "the same list again");
        let late = t("2027-01-05T00:00:00Z");
        let overdue = TrustList::from_signed(&signed, &anchor.verifying_key(), late).unwrap_err();
        assert!(overdue.to_string().contains("overdue"), "{overdue}");
        let lenient = SignedListRules::default().accepting_overdue();
        assert!(TrustList::from_signed_with(&signed, &anchor.verifying_key(), late, lenient).is_ok());
        // The JSON list is not a signed list.
        assert!(read(br#"{"version": 1, "issuers": []}"#, &anchor, SignedListRules::default()).is_err());
    }
}

/// Issue 35: `trust sign` refuses a list no desk would load, instead of writing megabytes
/// that every `verify` refuses.
#[test]
fn a_list_above_the_desks_cap_is_refused_when_signed() {
    let anchor = SigningKey::from_ed25519_seed(&[3; 32]);
    let key = SigningKey::from_ed25519_seed(&[4; 32]).verifying_key();
    let info = TrustListInfo {
        provider: "test".into(),
        date: "2026-12-01T00:00:00Z".parse().unwrap(),
        sequence: 1,
        next_update: "2026-12-31T00:00:00Z".parse().unwrap(),
    };
    let mut list = TrustList::new();
    for i in 0..60_000 {
        list.add(TrustedKey::new(format!("Authority number {i}"), key.clone()));
    }
    let err = list.sign(&anchor, &info).unwrap_err();
    assert_eq!(err.kind().as_str(), "trust-list");
    assert!(err.to_string().contains("split the list"), "{err}");
    let mut small = TrustList::new();
    for i in 0..1_000 {
        small.add(TrustedKey::new(format!("Authority number {i}"), key.clone()));
    }
    let signed = small.sign(&anchor, &info).unwrap();
    let (read, _) =
        TrustList::from_signed(&signed, &anchor.verifying_key(), "2026-12-02T00:00:00Z".parse().unwrap()).unwrap();
    assert_eq!(read.keys().len(), 1_000);
}
