//! One function per subcommand.

mod bulk;
mod demo;
mod issue;
mod keygen;
mod pkcs11;
mod verify;

use std::process::ExitCode;

use chrono::Utc;
use docseal::Limits;
use docseal::model::Credential;

use crate::Failure;
use crate::cli::{Cli, Command, DocumentKind};
use crate::files::read_payload;

pub(crate) fn run(cli: Cli) -> Result<ExitCode, Failure> {
    match cli.command {
        Command::Example { document } => example(document),
        Command::Keygen(args) => keygen::run(&args),
        Command::Issue(args) => issue::run(&args),
        Command::Verify(args) => verify::run(&args),
        Command::Inspect { payload } => inspect(payload.as_deref()),
        Command::Generate(args) => bulk::generate(&args),
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

/// The sample document, with anything time-dependent set for today.
pub(crate) fn sample(kind: DocumentKind) -> Credential {
    let today = Utc::now().date_naive();
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
    let text = text.trim();
    if text.starts_with(docseal::codec::HC1_PREFIX) {
        return inspect_hc1(text);
    }
    let inspected = docseal::inspect(text, &Limits::default())
        .map_err(|e| Failure::Invalid(format!("cannot decode ({}): {e}", e.kind())))?;
    let json = serde_json::to_string_pretty(&crate::report::inspected(&inspected)).map_err(Failure::usage)?;
    outln!("{json}");
    Ok(ExitCode::SUCCESS)
}

fn inspect_hc1(text: &str) -> Result<ExitCode, Failure> {
    let invalid = |e: docseal::Error| Failure::Invalid(format!("cannot decode ({}): {e}", e.kind()));
    let cose = docseal::codec::decode_hc1_text(text, &docseal::Limits::default()).map_err(invalid)?;
    let parsed = docseal::cose::parse_sign1_generic(&cose, &[]).map_err(invalid)?;
    let (claims, dcc) = docseal::wire::decode_hc1_payload(&parsed.payload).map_err(invalid)?;
    let json =
        serde_json::to_string_pretty(&crate::report::inspected_hc1(&parsed, &claims, &dcc)).map_err(Failure::usage)?;
    outln!("{json}");
    Ok(ExitCode::SUCCESS)
}
