use std::path::Path;
use std::process::ExitCode;

use chrono::Utc;
use docseal::model::Credential;
use docseal::status::StatusRef;
use docseal::{ErrorCorrection, Qr};
use docseal::{Issued, Issuer, Signer, SigningKey, TrustList, TrustedKey, Verifier, VerifyingKey};
use docseal_render::{Renderer, Subject};
use sha2::{Digest as _, Sha256};

use crate::Failure;
use crate::cli::{DocumentKind, EccArg, IssueArgs, PageFormat};
use crate::files::{Staged, read_input, stage};

pub(crate) fn ecc(arg: EccArg) -> ErrorCorrection {
    match arg {
        EccArg::L => ErrorCorrection::L,
        EccArg::M => ErrorCorrection::M,
        EccArg::Q => ErrorCorrection::Q,
        EccArg::H => ErrorCorrection::H,
    }
}

/// The document, and the portrait image its JSON names (`"portrait": "FILE"`, taken out of
/// the JSON: the image is not part of the document, its SHA-256 is).
fn parse_document(kind: DocumentKind, json: &str, data: &Path) -> Result<(Credential, Option<Vec<u8>>), Failure> {
    let invalid = |e: &dyn std::fmt::Display| Failure::Invalid(format!("invalid document JSON: {e}"));
    let mut value: serde_json::Value = serde_json::from_str(json).map_err(|e| invalid(&e))?;
    let portrait = match value.as_object_mut().and_then(|o| o.remove("portrait")) {
        None => None,
        Some(serde_json::Value::String(file)) => {
            let base = if data == Path::new("-") { Path::new(".") } else { data.parent().unwrap_or(Path::new(".")) };
            let bytes = crate::files::read_bytes(&base.join(&file))?;
            let digest: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
            match value.get("portrait_sha256").and_then(serde_json::Value::as_str) {
                Some(signed) if signed != digest => {
                    return Err(Failure::Invalid(format!(
                        "portrait {file}: its SHA-256 {digest} is not the document's portrait_sha256 {signed}"
                    )));
                }
                _ => value["portrait_sha256"] = digest.into(),
            }
            Some(bytes)
        }
        Some(_) => return Err(invalid(&"\"portrait\" must be a file name")),
    };
    let credential = Credential::from_json(super::document_type(kind), &value.to_string()).map_err(|e| invalid(&e))?;
    Ok((credential, portrait))
}

/// What `issue` delivers besides the text on standard output, prepared in full (the QR
/// code built, the files written and synced under temporary names) before the registry
/// commits the credential's row.
struct Outputs {
    qr: Qr,
    files: Vec<Staged>,
}

impl Outputs {
    /// Puts the prepared files in place: renames, after the commit.
    fn deliver(self) -> Result<Qr, Failure> {
        for file in self.files {
            file.commit()?;
        }
        Ok(self.qr)
    }
}

/// Builds the QR code and stages the QR image and the card pages of `issued`.
fn prepare_outputs(
    args: &IssueArgs,
    issued: &Issued,
    public: &VerifyingKey,
    portrait: Option<&[u8]>,
) -> Result<Outputs, Failure> {
    let qr = Qr::new(&issued.text, ecc(args.ecc)).map_err(|e| Failure::Invalid(e.to_string()))?;
    let mut files = Vec::new();
    if let Some(path) = &args.qr {
        files.push(stage(path, &qr_bytes(path, &qr)?, 0o644, args.force)?);
    }
    if let Some(dir) = &args.card {
        files.extend(stage_card(args, dir, issued, public.clone(), portrait)?);
    }
    Ok(Outputs { qr, files })
}

/// Signs with any signer (a key in memory or one in a token), recording the credential in
/// the registry unless `--no-registry`. The outputs are prepared inside the registry's
/// transaction, so a failure there records nothing; the credential is returned only once
/// its row is committed.
fn issue_with<S: Signer>(
    signer: S,
    args: &IssueArgs,
    credential: &Credential,
    outputs: impl Fn(&Issued) -> Result<Outputs, Failure>,
) -> Result<(Issued, Outputs), Failure> {
    let mut issuer = Issuer::new(signer, args.issuer.clone()).map_err(|e| Failure::usage(format!("--issuer: {e}")))?;
    if let Some(v) = args.valid_for {
        issuer = issuer.with_validity(v);
    }
    let at = args.at.unwrap_or_else(Utc::now);
    if !args.no_registry {
        let mut registry = super::registry::open(&args.registry)?;
        let mut failed = None;
        let result = registry.issue_then(&issuer, credential, at, |issued| {
            outputs(issued).map_err(|failure| {
                let reason = match &failure {
                    Failure::Invalid(m) | Failure::Usage(m) => m.clone(),
                };
                failed = Some(failure);
                reason
            })
        });
        return result.map_err(|e| match (e, failed.take()) {
            (docseal_registry::RegistryError::Output { .. }, Some(failure)) => failure,
            (docseal_registry::RegistryError::Docseal(e), _) => refusal(&e),
            (other, _) => super::registry::failure(other),
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
    let issued = issuer.issue_prepared(&prepared, at).map_err(|e| refusal(&e))?;
    let outputs = outputs(&issued)?;
    Ok((issued, outputs))
}

fn refusal(e: &docseal::Error) -> Failure {
    Failure::Invalid(format!("cannot issue ({}): {e}", e.kind()))
}

/// The QR image in the format the file's extension names.
fn qr_bytes(path: &Path, qr: &Qr) -> Result<Vec<u8>, Failure> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("png") => docseal_render::qr_png(qr, 8).map_err(|e| Failure::usage(e.to_string())),
        Some("svg") => Ok(qr.to_svg(8).into_bytes()),
        _ => Err(Failure::usage(format!("{}: the QR file must end in .png or .svg", path.display()))),
    }
}

/// The issued copy's pages as PNG (scale 2) and SVG, staged in `dir`. They carry no verdict
/// (a suspension tomorrow would leave a picture saying VALID): the band says they are an
/// electronic copy generated at its `iat`. The issuer checks what it signed before drawing.
fn stage_card(
    args: &IssueArgs,
    dir: &Path,
    issued: &Issued,
    public: VerifyingKey,
    portrait: Option<&[u8]>,
) -> Result<Vec<Staged>, Failure> {
    let mut trust = TrustList::new();
    trust.add(TrustedKey::new(args.issuer.clone(), public));
    let at = issued.claims.issued_at;
    let at =
        chrono::DateTime::from_timestamp(at, 0).ok_or_else(|| Failure::Invalid(format!("iat {at} out of range")))?;
    // Its status entry was just allocated (valid); the list itself is published later.
    let policy = docseal::Policy::default().allow_unchecked_status();
    let verified = Verifier::new(trust).with_policy(policy).verify(&issued.text, at).map_err(|e| refusal(&e))?;
    let card = Renderer::new()
        .with_symbol(super::card::symbol(args.symbol))
        .render(&Subject::issued(&verified, &issued.text), portrait)
        .map_err(|e| Failure::Invalid(format!("cannot render: {e}")))?;
    super::card::stage_card(&card, dir, &[PageFormat::Png, PageFormat::Svg], 2.0, args.force)
}

pub(crate) fn run(args: &IssueArgs) -> Result<ExitCode, Failure> {
    if let Some(path) = &args.qr
        && !matches!(path.extension().and_then(|e| e.to_str()), Some("png" | "svg"))
    {
        return Err(Failure::usage(format!("{}: the QR file must end in .png or .svg", path.display())));
    }
    let (credential, portrait) = parse_document(args.document, &read_input(&args.data)?, &args.data)?;
    let (issued, outputs) = if let Some((token, label)) = super::pkcs11::open(&args.pkcs11)? {
        let signer = token.signer(&label).map_err(Failure::usage)?;
        let public = signer.verifying_key().clone();
        issue_with(signer, args, &credential, |issued| prepare_outputs(args, issued, &public, portrait.as_deref()))?
    } else {
        // clap requires `--key` when no `--pkcs11-module` is given.
        let path = args.key.as_deref().ok_or_else(|| Failure::usage("--key or --pkcs11-module is required"))?;
        let pem = zeroize::Zeroizing::new(read_input(path)?);
        let key = SigningKey::from_pkcs8_pem(&pem).map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?;
        let public = key.verifying_key();
        issue_with(key, args, &credential, |issued| prepare_outputs(args, issued, &public, portrait.as_deref()))?
    };
    let card_files: Vec<String> = outputs
        .files
        .iter()
        .filter(|f| Some(f.path()) != args.qr.as_deref())
        .map(|f| f.path().display().to_string())
        .collect();
    let qr = outputs.deliver()?;
    if !card_files.is_empty() {
        eprintln!("docseal: card pages written: {}", card_files.join(", "));
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
