use std::process::ExitCode;

use chrono::Utc;
use docseal::model::DocumentType;
use docseal::status::StatusLists;
use docseal::trust::{SignedListRules, TrustListInfo};
use docseal::{AnyVerified, Policy, Requirement, TrustList, Verifier, VerifyingKey};

use crate::Failure;
use crate::cli::VerifyArgs;
use crate::files::{read_bytes, read_input, read_payload};
use crate::human;

/// The trust list: JSON, or signed and checked against the pinned anchor at `now`.
pub(crate) fn load_trust(
    path: &std::path::Path,
    anchor: Option<&std::path::Path>,
    rules: SignedListRules,
    now: chrono::DateTime<Utc>,
) -> Result<(TrustList, Option<TrustListInfo>), Failure> {
    let named = |e: docseal::Error| Failure::usage(format!("{}: {e}", path.display()));
    let Some(anchor) = anchor else {
        let bytes = read_bytes(path)?;
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(Failure::usage(format!(
                "{}: not a JSON trust list; a signed list needs --trust-anchor",
                path.display()
            )));
        }
        let text = String::from_utf8(bytes).map_err(|_| Failure::usage(format!("{}: not UTF-8", path.display())))?;
        return Ok((TrustList::from_json(&text).map_err(named)?, None));
    };
    let anchor_key = VerifyingKey::from_spki_pem(&read_input(anchor)?)
        .map_err(|e| Failure::usage(format!("{}: {e}", anchor.display())))?;
    let (list, info) = TrustList::from_signed_with(&read_bytes(path)?, &anchor_key, now, rules).map_err(named)?;
    if now >= info.next_update {
        eprintln!("docseal: warning: trust list {} was due for replacement at {}", path.display(), info.next_update);
    }
    Ok((list, Some(info)))
}

pub(crate) fn verifier(args: &VerifyArgs) -> Result<Verifier, Failure> {
    let now = args.at.unwrap_or_else(Utc::now);
    let mut rules = SignedListRules::default();
    if let Some(sequence) = args.trust_sequence {
        rules = rules.after_sequence(sequence);
    }
    if args.accept_overdue_trust {
        rules = rules.accepting_overdue();
    }
    let (trust, _) = load_trust(&args.trust, args.trust_anchor.as_deref(), rules, now)?;
    let mut policy = Policy::default().with_clock_skew(args.skew);
    if args.accept_overdue_trust {
        policy = policy.accepting_overdue_trust();
    }
    if let Some(age) = args.max_status_age {
        policy = policy.with_max_status_age(age);
    }
    if args.allow_unchecked_status {
        policy = policy.allow_unchecked_status();
    }
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

/// The `--status` tokens, each checked against the trust list. A token that fails is a
/// refusal of kind `status` (or `limit`), reported like a credential's, naming the file.
fn status_lists(
    paths: &[std::path::PathBuf],
    verifier: &Verifier,
) -> Result<Result<StatusLists, docseal::Error>, Failure> {
    let mut lists = StatusLists::new();
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        if path.is_dir() {
            files.extend(crate::files::tokens_in(path)?);
        } else {
            files.push(path.clone());
        }
    }
    for path in &files {
        let bytes = read_bytes(path)?;
        if let Err(e) = lists.add(&bytes, verifier.trust_list(), verifier.policy().limits()) {
            return Ok(Err(match e {
                docseal::Error::Status { reason } => {
                    docseal::Error::Status { reason: format!("{}: {reason}", path.display()) }
                }
                other => other,
            }));
        }
    }
    Ok(Ok(lists))
}

/// A verifier with the default policy, the trust list and the status lists: what `render`
/// checks before it draws a page.
pub(crate) fn desk(
    trust: &std::path::Path,
    anchor: Option<&std::path::Path>,
    status: &[std::path::PathBuf],
    now: chrono::DateTime<Utc>,
) -> Result<Verifier, Failure> {
    let (trust, _) = load_trust(trust, anchor, SignedListRules::default(), now)?;
    let verifier = Verifier::new(trust);
    match status_lists(status, &verifier)? {
        Ok(lists) => Ok(verifier.with_status_lists(lists)),
        Err(e) => Err(Failure::Invalid(format!("status list refused ({}): {e}", e.kind()))),
    }
}

pub(crate) fn run(args: &VerifyArgs) -> Result<ExitCode, Failure> {
    let verifier = verifier(args)?;
    let verifier = match status_lists(&args.status, &verifier)? {
        Ok(lists) => verifier.with_status_lists(lists),
        Err(e) => {
            if args.json {
                outln!("{}", docseal::json::invalid(&e));
            } else {
                human::invalid(&e);
            }
            return Ok(ExitCode::from(1));
        }
    };
    if let Some(image) = &args.image {
        return super::photo::run(&verifier, args, image);
    }
    if let Some(path) = &args.bulk {
        return super::bulk::run(&verifier, path, args.at.unwrap_or_else(Utc::now));
    }
    let text = read_payload(args.payload.as_deref())?;
    let now = args.at.unwrap_or_else(Utc::now);
    let result = verifier.verify_any(text.trim(), now);
    if args.json {
        outln!("{}", docseal::json::answer(&result));
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
