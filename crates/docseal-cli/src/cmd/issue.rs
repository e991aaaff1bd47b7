use std::path::Path;
use std::process::ExitCode;

use chrono::Utc;
use docseal::codec::qr::{ErrorCorrection, Qr};
use docseal::model::Credential;
use docseal::status::StatusRef;
use docseal::{Issued, Issuer, Signer, SigningKey};

use crate::Failure;
use crate::cli::{DocumentKind, EccArg, IssueArgs};
use crate::files::{read_input, write_atomic};

pub(crate) fn ecc(arg: EccArg) -> ErrorCorrection {
    match arg {
        EccArg::L => ErrorCorrection::L,
        EccArg::M => ErrorCorrection::M,
        EccArg::Q => ErrorCorrection::Q,
        EccArg::H => ErrorCorrection::H,
    }
}

fn parse_document(kind: DocumentKind, json: &str) -> Result<Credential, Failure> {
    Credential::from_json(super::document_type(kind), json)
        .map_err(|e| Failure::Invalid(format!("invalid document JSON: {e}")))
}

/// Signs with any signer (a key in memory or one in a token), recording the credential in
/// the registry unless `--no-registry`: it is returned only once its row is committed.
fn issue_with<S: Signer>(signer: S, args: &IssueArgs, credential: &Credential) -> Result<Issued, Failure> {
    let mut issuer = Issuer::new(signer, args.issuer.clone()).map_err(|e| Failure::usage(format!("--issuer: {e}")))?;
    if let Some(v) = args.valid_for {
        issuer = issuer.with_validity(v);
    }
    let at = args.at.unwrap_or_else(Utc::now);
    if !args.no_registry {
        let mut registry = super::registry::open(&args.registry)?;
        return registry.issue(&issuer, credential, at).map_err(|e| match e {
            docseal_registry::RegistryError::Docseal(e) => refusal(&e),
            other => super::registry::failure(other),
        });
    }
    let prepared = match credential {
        Credential::TemporaryPass(pass) => {
            eprintln!("docseal: --no-registry: the 2-passes-per-month limit is not checked against earlier runs");
            issuer.prepare_pass(pass, at, &[][..])
        }
        other => issuer.prepare(other),
    }
    .map_err(|e| refusal(&e))?;
    let prepared = match (&args.status_uri, args.status_index) {
        (Some(uri), Some(idx)) => prepared.with_status(StatusRef::new(uri.clone(), idx).map_err(Failure::usage)?),
        _ => prepared,
    };
    issuer.issue_prepared(&prepared, at).map_err(|e| refusal(&e))
}

fn refusal(e: &docseal::Error) -> Failure {
    Failure::Invalid(format!("cannot issue ({}): {e}", e.kind()))
}

/// Writes the QR image whose format follows the extension.
pub(crate) fn write_qr(path: &Path, qr: &Qr, force: bool) -> Result<(), Failure> {
    let bytes = match path.extension().and_then(|e| e.to_str()) {
        Some("png") => qr.to_png(8).map_err(Failure::usage)?,
        Some("svg") => qr.to_svg(8).into_bytes(),
        _ => return Err(Failure::usage(format!("{}: the QR file must end in .png or .svg", path.display()))),
    };
    write_atomic(path, &bytes, 0o644, force)
}

pub(crate) fn run(args: &IssueArgs) -> Result<ExitCode, Failure> {
    if let Some(path) = &args.qr
        && !matches!(path.extension().and_then(|e| e.to_str()), Some("png" | "svg"))
    {
        return Err(Failure::usage(format!("{}: the QR file must end in .png or .svg", path.display())));
    }
    let credential = parse_document(args.document, &read_input(&args.data)?)?;
    let issued = if let Some((token, label)) = super::pkcs11::open(&args.pkcs11)? {
        let signer = token.signer(&label).map_err(Failure::usage)?;
        issue_with(signer, args, &credential)?
    } else {
        // clap requires `--key` when no `--pkcs11-module` is given.
        let path = args.key.as_deref().ok_or_else(|| Failure::usage("--key or --pkcs11-module is required"))?;
        let pem = zeroize::Zeroizing::new(read_input(path)?);
        let key = SigningKey::from_pkcs8_pem(&pem).map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?;
        issue_with(key, args, &credential)?
    };
    let qr = Qr::new(&issued.text, ecc(args.ecc)).map_err(|e| Failure::Invalid(e.to_string()))?;
    if let Some(path) = &args.qr {
        write_qr(path, &qr, args.force)?;
    }
    outln!("{}", issued.text);
    eprintln!(
        "docseal: {} characters, COSE {} bytes, QR version {} (ECC {:?}){}",
        issued.text.len(),
        issued.cose.len(),
        qr.version(),
        args.ecc,
        args.qr.as_ref().map(|p| format!(", written to {}", p.display())).unwrap_or_default()
    );
    Ok(ExitCode::SUCCESS)
}
