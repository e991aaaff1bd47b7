//! The whole pass through the public API, for both algorithms: PEM keys, a JSON trust list,
//! issue, QR text, verify, refusals.

use std::time::Duration;

use chrono::{DateTime, Utc};
use docseal::model::Credential;
use docseal::{Algorithm, Issuer, Policy, Requirement, SigningKey, TrustList, Verifier};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("time").to_utc()
}

#[test]
fn whole_pass_for_both_algorithms() -> Result<(), docseal::Error> {
    for alg in [Algorithm::EdDsa, Algorithm::Es256] {
        // Keys travel as PEM, as they would between an authority and relying parties.
        let key = SigningKey::from_pkcs8_pem(&SigningKey::generate(alg)?.to_pkcs8_pem()?)?;
        let public_pem = key.verifying_key().to_spki_pem()?;
        let trust = TrustList::from_json(&format!(
            r#"{{"version": 1, "issuers": [{{"name": "Beijing TMB", "public_key": {public_pem:?},
                "documents": ["driving-licence"], "iss": "Beijing Traffic Management Bureau",
                "not_before": "2025-01-01T00:00:00Z", "not_after": "2030-01-01T00:00:00Z"}}]}}"#
        ))?;
        let issuer = Issuer::new(key, "Beijing Traffic Management Bureau")?;
        let licence = Credential::from(docseal::samples::licence());
        let issued = issuer.issue(&licence, at("2026-11-21T09:00:00Z"))?;

        let policy = Policy::default()
            .with_max_age(Duration::from_secs(300))
            .require(Requirement::VehicleClass("C1".into()))
            .require(Requirement::MinAge(21));
        let verifier = Verifier::new(trust).with_policy(policy);
        let verified = verifier.verify(&issued.text, at("2026-11-21T09:03:00Z"))?;
        assert_eq!(verified.credential(), &licence);
        assert_eq!(verified.algorithm(), alg);
        assert_eq!(verified.trusted_name(), "Beijing TMB");

        let kind = |text: &str, t: &str| verifier.verify(text, at(t)).map(|_| ()).map_err(|e| e.kind().as_str());
        assert_eq!(kind(&issued.text, "2026-11-21T09:10:00Z"), Err("stale"));
        let wrong_issuer = Issuer::new(SigningKey::from_pkcs8_pem(&issuer.key().to_pkcs8_pem()?)?, "Someone else")?;
        let other = wrong_issuer.issue(&licence, at("2026-11-21T09:00:00Z"))?;
        assert_eq!(kind(&other.text, "2026-11-21T09:01:00Z"), Err("key-scope"), "iss binding");
        let too_late = issuer.issue(&licence, at("2030-06-01T09:00:00Z"));
        assert!(too_late.is_err(), "points cycle of 2026 is not current in 2030");
    }
    Ok(())
}
