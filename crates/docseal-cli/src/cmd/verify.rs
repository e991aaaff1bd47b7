use std::process::ExitCode;

use std::path::{Path, PathBuf};

use chrono::Utc;
use docseal::{AnyVerified, Policy, Verifier};
use docseal_desk::{Desk, Questions, SetupError, Sources};

use crate::Failure;
use crate::cli::VerifyArgs;
use crate::files::read_payload;
use crate::human;

/// The desk of one command: the trust list (and its anchor) and the status tokens, loaded by
/// the desk's rules at `now`. A refused status token is a refusal of kind `status` (or
/// `limit`) naming the file (`Ok(Err(..))`); anything else wrong with the setup is a usage
/// error.
pub(crate) fn open_desk(
    trust: &Path,
    anchor: Option<&Path>,
    status: &[PathBuf],
    policy: Policy,
    floor: Option<u64>,
    now: chrono::DateTime<Utc>,
) -> Result<Result<Desk, docseal::Error>, Failure> {
    let sources =
        Sources { trust: trust.to_owned(), trust_anchor: anchor.map(Path::to_owned), status: status.to_vec() };
    let opened = sources.read().and_then(|material| Desk::open(&material, policy, floor, now));
    let desk = match opened {
        Ok(desk) => desk,
        Err(SetupError::Status { source_name, error }) => return Ok(Err(named_refusal(&source_name, error))),
        Err(e @ (SetupError::StatusConflict { .. } | SetupError::StatusRollback { .. })) => {
            return Ok(Err(docseal::Error::Status { reason: e.to_string() }));
        }
        Err(e) => return Err(Failure::usage(e)),
    };
    if let Some(info) = desk.set().trust_info()
        && now >= info.next_update
    {
        eprintln!("docseal: warning: trust list {} was due for replacement at {}", trust.display(), info.next_update);
    }
    Ok(Ok(desk))
}

/// A status token's refusal, naming its file.
fn named_refusal(source: &str, error: docseal::Error) -> docseal::Error {
    match error {
        docseal::Error::Status { reason } => docseal::Error::Status { reason: format!("{source}: {reason}") },
        other => other,
    }
}

/// The policy `verify`'s flags ask for.
fn policy(args: &VerifyArgs) -> Result<Policy, Failure> {
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
    let questions = Questions {
        class: args.require_class.clone(),
        min_age: args.min_age,
        travel_mode: args.travel_mode.clone(),
        document_type: args.document_type.clone(),
    };
    questions.apply(policy).map_err(Failure::usage)
}

/// A verifier with the default policy, the trust list and the status lists: what `render`
/// checks before it draws a page.
pub(crate) fn desk(
    trust: &Path,
    anchor: Option<&Path>,
    status: &[PathBuf],
    now: chrono::DateTime<Utc>,
) -> Result<Verifier, Failure> {
    match open_desk(trust, anchor, status, Policy::default(), None, now)? {
        Ok(desk) => Ok(desk.set().verifier().clone()),
        Err(e) => Err(Failure::Invalid(format!("status list refused ({}): {e}", e.kind()))),
    }
}

pub(crate) fn run(args: &VerifyArgs) -> Result<ExitCode, Failure> {
    let now = args.at.unwrap_or_else(Utc::now);
    let opened =
        open_desk(&args.trust, args.trust_anchor.as_deref(), &args.status, policy(args)?, args.trust_sequence, now)?;
    let verifier = match opened {
        Ok(desk) => desk.set().verifier().clone(),
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
    if let Err(docseal::Error::StatusUndecided(docseal::StatusProblem::NoList { uri })) = &result
        && args.status.is_empty()
    {
        // The clerk's setup, not the credential: say what to add.
        return Err(Failure::usage(format!(
            "this credential's status is kept in the list {uri} and no status list was given: pass \
             --status with the folder the authority publishes (or its .cwt files), or \
             --allow-unchecked-status to accept it unchecked"
        )));
    }
    if args.json {
        outln!("{}", docseal::json::answer(&result));
    } else {
        match &result {
            Ok(AnyVerified::Ds1(v)) => human::valid(v, verifier.trust_list()),
            Ok(AnyVerified::Hc1(v)) => human::valid_hc1(v),
            Ok(_) => outln!("VALID (profile unknown to this build of the command line)"),
            Err(e) => human::invalid(e),
        }
    }
    // 0 only for what may be used: a genuine credential its own rules forbid is refused too,
    // unless the relying party checks authenticity only.
    let usable = match &result {
        Ok(AnyVerified::Ds1(v)) => v.usability().is_usable() || args.accept_not_usable,
        Ok(_) => true,
        Err(_) => false,
    };
    Ok(if usable { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
