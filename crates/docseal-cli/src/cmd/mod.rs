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
        Command::Generate(args) => bulk::generate(&args),
        Command::Status(command) => status::run(&command),
        Command::Trust(command) => trust::run(&command),
        Command::Registry(args) => registry::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Demo { qr } => demo::run(qr.as_deref()),
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

/// The sample document, with anything time-dependent set for today in the samples' zone
/// (Asia/Shanghai, where the day starts at 16:00 UTC: the UTC date would be yesterday there).
pub(crate) fn sample(kind: DocumentKind) -> Credential {
    let now = Utc::now();
    let zone = Credential::from(docseal::samples::pass_on(now.date_naive())).zone();
    let today = zone.date_at(now);
    match kind {
        DocumentKind::Passport => Credential::from(docseal::samples::passport()),
        DocumentKind::Licence => Credential::from(docseal::samples::licence_on(today)),
        DocumentKind::TempPass => Credential::from(docseal::samples::pass_on(today)),
    }
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
