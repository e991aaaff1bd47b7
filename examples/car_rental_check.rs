//! A car-rental desk checks a licence QR: genuine, from a trusted authority, shown live
//! (at most 5 minutes old), usable, and allowing the class of the car being rented.
//!
//! Run: `cargo run -p docseal-examples --example car_rental_check`.

use std::time::Duration;

use docseal::model::{Credential, Usability};
use docseal::{Algorithm, Issuer, Policy, Requirement, SigningKey, TrustList, TrustedKey, Verifier};

fn main() -> Result<(), docseal::Error> {
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-21T09:00:00Z").map(|t| t.to_utc()).unwrap_or_default();
    // The authority's side, for the sake of a self-contained example.
    let key = SigningKey::generate(Algorithm::EdDsa)?;
    let mut trust = TrustList::new();
    trust.add(TrustedKey::new("Beijing TMB", key.verifying_key()));
    let issuer = Issuer::new(key, "Beijing Traffic Management Bureau")?;
    let shown = issuer.issue(&Credential::from(docseal::samples::licence_on(now.date_naive())), now)?;

    // The desk's side: a small van needs C1; a minibus would need B1.
    for class in ["C1", "B1"] {
        let verifier = Verifier::new(trust.clone()).with_policy(
            Policy::default()
                .with_max_age(Duration::from_secs(300))
                .require(Requirement::VehicleClass(class.into()))
                .require(Requirement::MinAge(21)),
        );
        match verifier.verify(&shown.text, now + chrono::Duration::seconds(40)) {
            Ok(v) => match v.usability() {
                Usability::Usable => println!("class {class}: rent the car ({} {})", v.claims().issuer, v.kid()),
                Usability::NotUsable(why) => println!("class {class}: genuine licence, but not usable: {why}"),
            },
            Err(e) => println!("class {class}: refuse ({}): {e}", e.kind()),
        }
    }
    Ok(())
}
