use super::*;
use crate::model::DocumentError;
use crate::samples;

fn claims() -> Claims {
    Claims {
        issuer: "Beijing TMB".into(),
        issued_at: 1_790_000_000,
        expires_at: 1_790_086_400,
        not_before: None,
        cti: [7; 16],
        status: None,
    }
}

#[test]
fn licence_round_trips_through_the_payload() -> Result<()> {
    let credential = Credential::from(samples::licence());
    let doc = EncodedDocument::new(&credential);
    let indexed = Claims { status: Some(StatusRef::new("https://tmb.example/status/1", 41_000).unwrap()), ..claims() };
    for c in [claims(), Claims { not_before: Some(1_789_999_000), ..claims() }, indexed] {
        let payload = encode_payload(&c, &doc);
        let (back_claims, back) = decode_payload(&payload)?;
        assert_eq!(back_claims, c);
        assert_eq!(back, credential);
    }
    Ok(())
}

#[test]
fn spliced_payload_equals_the_plain_encoding() {
    let credential = Credential::from(samples::licence());
    let doc = EncodedDocument::new(&credential);
    let c = claims();
    let document: Value = ciborium::de::from_reader(doc.as_bytes()).unwrap_or(Value::Null);
    let plain = int_map(vec![
        (claim::ISS, Value::Text(c.issuer.clone())),
        (claim::EXP, Value::Integer(c.expires_at.into())),
        (claim::IAT, Value::Integer(c.issued_at.into())),
        (claim::CTI, Value::Bytes(c.cti.to_vec())),
        (claim::DOCUMENT, document),
    ]);
    assert_eq!(encode_payload(&c, &doc), cbor::to_vec(&plain));
}

#[test]
fn document_rules_apply_on_decode() {
    let credential = Credential::from(samples::licence());
    let mut payload = encode_payload(&claims(), &EncodedDocument::new(&credential));
    // The sample's licence number ends in "7"; an "8" breaks the MOD 11-2 check character.
    let at = payload.windows(18).position(|w| w == b"110105199003070017").unwrap_or(0);
    payload[at + 17] = b'8';
    assert!(matches!(decode_payload(&payload), Err(Error::Document(DocumentError::CheckDigit { .. }))));
}

#[test]
fn malformed_payloads_are_cbor_errors() {
    let credential = Credential::from(samples::licence());
    let payload = encode_payload(&claims(), &EncodedDocument::new(&credential));
    for cut in [0, 1, 10, payload.len() - 1] {
        assert_eq!(decode_payload(&payload[..cut]).map_err(|e| e.kind().as_str()), Err("cbor"), "cut at {cut}");
    }
    let mut extra = payload.clone();
    extra.push(0);
    assert_eq!(decode_payload(&extra).map_err(|e| e.kind().as_str()), Err("cbor"));
    assert_eq!(decode_payload(&[0xa0]).map_err(|e| e.kind().as_str()), Err("cbor"));
}

#[test]
fn passport_and_pass_round_trip() -> Result<()> {
    let from = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default();
    for credential in [Credential::from(samples::passport()), Credential::from(samples::pass_on(from))] {
        let payload = encode_payload(&claims(), &EncodedDocument::new(&credential));
        assert_eq!(decode_payload(&payload)?.1, credential);
    }
    Ok(())
}

mod properties {
    //! JSON -> model -> CBOR -> model -> JSON leaves every valid document unchanged.
    use chrono::NaiveDate;
    use proptest::prelude::*;

    use super::*;
    use crate::model::{DrivingLicence, DrivingPrivilege, LicenceStatus, Passport, PassportData, Sex, TemporaryPass};

    fn date_in(from: i32, to: i32) -> impl Strategy<Value = NaiveDate> {
        (from..to, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default())
    }

    fn sex() -> impl Strategy<Value = Sex> {
        prop_oneof![Just(Sex::Male), Just(Sex::Female), Just(Sex::Unspecified)]
    }

    fn name() -> impl Strategy<Value = String> {
        "[A-Z][a-z]{0,12}( [A-Z][a-z]{1,10}){0,3}"
    }

    fn national() -> impl Strategy<Value = Option<String>> {
        proptest::option::of("[张王李赵陈刘][三四伟芳娜]{0,2}")
    }

    /// Round trip through JSON and CBOR; returns the two JSON values to compare.
    fn round_trip(credential: &Credential) -> (serde_json::Value, serde_json::Value) {
        let json = credential.to_json();
        let from_json = Credential::from_json(credential.document_type(), &json.to_string()).unwrap();
        // A signed window inside the document's own validity, as an issuer writes it.
        let mut claims = super::claims();
        if let Some(end) = from_json.validity_end() {
            claims.expires_at = end;
            claims.issued_at = end - 86_400;
        }
        let payload = encode_payload(&claims, &EncodedDocument::new(&from_json));
        let (_, back) = decode_payload(&payload).unwrap();
        (json, back.to_json())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn licences(
            family in name(), given in name(), family_nat in national(), address in "[a-z0-9][a-z0-9 ]{0,38}[a-z]",
            points in 0u8..=12, status in prop::sample::select(vec!["A", "H", "HI", "D", "B", "N"]),
            classes in prop::sample::subsequence(vec!["A1", "B2", "C1", "C2", "D", "E", "F", "M", "N", "P"], 1..5),
            valid_until in proptest::option::of(date_in(2030, 2040)), record_count in 0usize..4,
        ) {
            let mut front = crate::samples::licence_front();
            front.family_name = family;
            front.given_name = given;
            front.family_name_national = family_nat;
            front.resident_address = address;
            front.valid_until = valid_until;
            front.driving_privileges = classes.iter().map(|c| DrivingPrivilege {
                vehicle_category_code: (*c).into(), issue_date: None, expiry_date: None }).collect();
            let mut back = crate::samples::licence_back();
            back.points = points;
            back.status = LicenceStatus::parse(status).unwrap();
            back.record = back.record.iter().cycle().take(record_count).cloned().collect();
            let licence = DrivingLicence::new(front, back).unwrap();
            let (a, b) = round_trip(&Credential::from(licence));
            prop_assert_eq!(a, b);
        }

        #[test]
        fn passports(
            family in name(), given in name(), sex in sex(), birth in date_in(1930, 2010),
            issued in date_in(2015, 2025), years in 1u32..=10, personal in proptest::option::of("[A-Z0-9]{1,14}"),
            number in "[A-Z][0-9A-Z]{0,8}", state in prop::sample::select(vec!["UTO", "FRA", "D", "JPN"]),
        ) {
            let data = PassportData {
                document_code: "P".into(), issuing_state: state.into(), document_number: number,
                family_name: family, given_name: given, family_name_national: None, given_name_national: None,
                nationality: state.into(), birth_date: birth, sex, birth_place: None, issue_date: issued,
                expiry_date: issued.checked_add_months(chrono::Months::new(12 * years)).unwrap(),
                issuing_authority: "Passport Office".into(), personal_number: personal, portrait_sha256: None,
                time_zone: (state == "UTO").then_some(crate::model::Zone::UTC),
            };
            let (a, b) = round_trip(&Credential::from(Passport::new(data).unwrap()));
            prop_assert_eq!(a, b);
        }

        #[test]
        fn passes(from in date_in(2025, 2030), days in 0u64..7, rail_only in any::<bool>(), sex in sex(), given in name()) {
            let mut data = crate::samples::pass_data_on(from);
            data.valid_until = from + chrono::Days::new(days);
            data.sex = sex;
            data.given_name = given;
            if rail_only {
                data.travel_modes = vec![crate::model::TravelMode::Rail];
            }
            let (a, b) = round_trip(&Credential::from(TemporaryPass::new(data).unwrap()));
            prop_assert_eq!(a, b);
        }
    }
}

#[test]
fn the_signed_window_must_fit_the_document() {
    let pass = Credential::from(samples::pass_on(chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()));
    let end = pass.validity_end().unwrap();
    let document = EncodedDocument::new(&pass);
    let claims = |issued_at, expires_at| Claims {
        issuer: "X".into(),
        issued_at,
        expires_at,
        not_before: None,
        cti: [1; CTI_LEN],
        status: None,
    };
    let kind = |c: &Claims| decode_payload(&encode_payload(c, &document)).map(|_| ()).map_err(|e| e.to_string());
    assert!(kind(&claims(end - 3600, end)).is_ok());
    assert!(kind(&claims(end - 3600, end + 1)).unwrap_err().contains("after the document's validity ends"));
    assert!(kind(&claims(end - 3600, end - 3600)).unwrap_err().contains("is not after iat"));
}
