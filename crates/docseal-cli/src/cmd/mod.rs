//! One function per subcommand.

mod bulk;
mod card;
mod demo;
mod issue;
mod keygen;
mod photo;
mod pkcs11;
mod registry;
mod serve;
mod status;
mod trust;
mod verify;

use std::process::ExitCode;

use chrono::Utc;
use docseal::Limits;
use docseal::model::Credential;
use docseal::verify::AnyInspected;

use crate::Failure;
use crate::cli::{Cli, Command, DocumentKind};
use crate::files::read_payload;

pub(crate) fn run(cli: Cli) -> Result<ExitCode, Failure> {
    match cli.command {
        Command::Example { document } => example(document),
        Command::Keygen(args) => keygen::run(&args),
        Command::Issue(args) => issue::run(&args),
        Command::Verify(args) => verify::run(&args),
        Command::Render(args) => card::run(&args),
        Command::Inspect { payload } => inspect(payload.as_deref()),
        Command::Status(command) => status::run(&command),
        Command::Trust(command) => trust::run(&command),
        Command::Registry(args) => registry::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Demo { qr } => demo::run(qr.as_deref()),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(
                shell,
                &mut <crate::cli::Cli as clap::CommandFactory>::command(),
                "docseal",
                &mut out,
            );
            outln!("{}", String::from_utf8_lossy(&out));
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(<crate::cli::Cli as clap::CommandFactory>::command())
                .render(&mut out)
                .map_err(|e| Failure::usage(format!("cannot write the manual page: {e}")))?;
            outln!("{}", String::from_utf8_lossy(&out));
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The library's document type for a command-line name.
pub(crate) fn document_type(kind: DocumentKind) -> docseal::model::DocumentType {
    use docseal::model::DocumentType;
    match kind {
        DocumentKind::Passport => DocumentType::Passport,
        DocumentKind::Licence => DocumentType::DrivingLicence,
        DocumentKind::TempPass => DocumentType::TemporaryPass,
    }
}

/// The sample documents of fictional holders, as `docseal example` prints them.
const SAMPLE_PASSPORT: &str = include_str!("../samples/passport.json");
const SAMPLE_LICENCE: &str = include_str!("../samples/licence.json");
const SAMPLE_PASS: &str = include_str!("../samples/temp-pass.json");

/// The sample document, with anything time-dependent set for `now`'s day in the samples'
/// zone (Asia/Shanghai, where the day starts at 16:00 UTC: the UTC date would be yesterday
/// there): the licence's current points cycle, the pass's 7 days from today.
pub(crate) fn sample_at(kind: DocumentKind, now: chrono::DateTime<Utc>) -> Credential {
    #[allow(clippy::expect_used)]
    // safe: a literal IANA name of the zone database chrono-tz carries.
    let zone = docseal::model::Zone::from_name("Asia/Shanghai").expect("a known zone");
    let today = zone.date_at(now);
    let text = match kind {
        DocumentKind::Passport => SAMPLE_PASSPORT,
        DocumentKind::Licence => SAMPLE_LICENCE,
        DocumentKind::TempPass => SAMPLE_PASS,
    };
    #[allow(clippy::expect_used)]
    // safe: the three files are JSON objects; `samples_are_valid_documents_on_any_day` parses each.
    let mut json: serde_json::Value = serde_json::from_str(text).expect("a sample is JSON");
    match kind {
        DocumentKind::Passport => {}
        DocumentKind::Licence => {
            let first_issue = json["first_issue_date"].as_str().and_then(|d| d.parse().ok()).unwrap_or(today);
            let cycle = docseal::model::licence::points_cycle_start(first_issue, today);
            json["points_cycle_start"] = cycle.to_string().into();
        }
        DocumentKind::TempPass => {
            json["valid_from"] = today.to_string().into();
            json["valid_until"] = (today + chrono::Days::new(6)).to_string().into();
        }
    }
    #[allow(clippy::expect_used)]
    // safe: the samples hold on any day after their holders' birth; the unit test checks a span.
    Credential::from_json(document_type(kind), &json.to_string()).expect("the sample is a valid document")
}

/// [`sample_at`] now.
pub(crate) fn sample(kind: DocumentKind) -> Credential {
    sample_at(kind, Utc::now())
}

fn example(kind: DocumentKind) -> Result<ExitCode, Failure> {
    let json = serde_json::to_string_pretty(&sample(kind).to_json()).map_err(Failure::usage)?;
    outln!("{json}");
    Ok(ExitCode::SUCCESS)
}

fn inspect(payload: Option<&str>) -> Result<ExitCode, Failure> {
    let text = read_payload(payload)?;
    let inspected = docseal::verify::inspect_any(text.trim(), &Limits::default())
        .map_err(|e| Failure::Invalid(format!("cannot decode ({}): {e}", e.kind())))?;
    let json = match &inspected {
        AnyInspected::Ds1(i) => crate::report::inspected(i),
        AnyInspected::Hc1(i) => crate::report::inspected_hc1(i),
        _ => return Err(Failure::usage("a profile unknown to this build of the command line")),
    };
    outln!("{}", serde_json::to_string_pretty(&json).map_err(Failure::usage)?);
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_valid_documents_on_any_day() {
        let start: chrono::DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
        for day in (0..3 * 365).step_by(17) {
            let now = start + chrono::Duration::days(day) + chrono::Duration::hours(17);
            for kind in [DocumentKind::Passport, DocumentKind::Licence, DocumentKind::TempPass] {
                let sample = sample_at(kind, now);
                assert_eq!(sample.document_type(), document_type(kind));
            }
        }
        let pass = sample_at(DocumentKind::TempPass, start).to_json();
        assert_eq!(pass["valid_from"], "2026-01-01");
    }
}
