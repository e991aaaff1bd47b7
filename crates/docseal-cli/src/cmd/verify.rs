use std::process::ExitCode;

use chrono::Utc;
use docseal::model::DocumentType;
use docseal::{AnyVerified, Policy, Requirement, TrustList, Verifier};

use crate::Failure;
use crate::cli::VerifyArgs;
use crate::files::{read_input, read_payload};
use crate::{human, report};

pub(crate) fn verifier(args: &VerifyArgs) -> Result<Verifier, Failure> {
    let trust = TrustList::from_json(&read_input(&args.trust)?)
        .map_err(|e| Failure::usage(format!("{}: {e}", args.trust.display())))?;
    let mut policy = Policy::default().with_clock_skew(args.skew);
    if let Some(max_age) = args.max_age {
        policy = policy.with_max_age(max_age);
    }
    if let Some(day) = args.as_of {
        policy = policy.as_of(day);
    }
    if let Some(name) = &args.tz {
        policy = policy.with_time_zone(docseal::model::Zone::from_name(name).map_err(Failure::usage)?);
    }
    if let Some(class) = &args.require_class {
        policy = policy.require(Requirement::VehicleClass(class.clone()));
    }
    if let Some(age) = args.min_age {
        policy = policy.require(Requirement::MinAge(age));
    }
    if let Some(mode) = &args.travel_mode {
        let mode = docseal::model::TravelMode::from_name(mode).ok_or_else(|| {
            Failure::usage(format!("unknown travel mode {mode:?}: a temporary pass knows air and rail"))
        })?;
        policy = policy.require(Requirement::TravelMode(mode));
    }
    if let Some(name) = &args.document_type {
        let t = match name.as_str() {
            "passport" => DocumentType::Passport,
            "driving-licence" => DocumentType::DrivingLicence,
            "temporary-pass" => DocumentType::TemporaryPass,
            other => {
                return Err(Failure::usage(format!(
                    "--document-type {other:?}: passport, driving-licence or temporary-pass"
                )));
            }
        };
        policy = policy.require(Requirement::DocumentType(t));
    }
    Ok(Verifier::new(trust).with_policy(policy))
}

pub(crate) fn run(args: &VerifyArgs) -> Result<ExitCode, Failure> {
    let verifier = verifier(args)?;
    if let Some(path) = &args.bulk {
        return super::bulk::run(&verifier, path, args.at.unwrap_or_else(Utc::now));
    }
    let text = read_payload(args.payload.as_deref())?;
    let now = args.at.unwrap_or_else(Utc::now);
    let result = verifier.verify_any(text.trim(), now);
    if args.json {
        let json = match &result {
            Ok(AnyVerified::Ds1(v)) => report::valid_with_checks(v),
            Ok(AnyVerified::Hc1(v)) => report::valid_hc1(v),
            Ok(_) => report::unknown_profile(),
            Err(e) => report::invalid(e),
        };
        outln!("{json}");
    } else {
        match &result {
            Ok(AnyVerified::Ds1(v)) => human::valid(v),
            Ok(AnyVerified::Hc1(v)) => human::valid_hc1(v),
            Ok(_) => outln!("VALID (profile unknown to this build of the command line)"),
            Err(e) => human::invalid(e),
        }
    }
    Ok(if result.is_ok() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
