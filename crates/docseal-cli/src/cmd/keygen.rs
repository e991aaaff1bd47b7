use std::process::ExitCode;

use docseal::{Algorithm, SigningKey};

use crate::Failure;
use crate::cli::{AlgArg, KeygenArgs};
use crate::files::write_atomic;

pub(crate) fn run(args: &KeygenArgs) -> Result<ExitCode, Failure> {
    let alg = match args.alg {
        AlgArg::Ed25519 => Algorithm::EdDsa,
        AlgArg::Es256 => Algorithm::Es256,
    };
    if let Some((token, label)) = super::pkcs11::open(&args.pkcs11)? {
        return in_token(&token, &label, alg, args);
    }
    // clap requires `--out` when no `--pkcs11-module` is given.
    let out = args.out.as_deref().ok_or_else(|| Failure::usage("--out or --pkcs11-module is required"))?;
    let key = SigningKey::generate(alg).map_err(Failure::usage)?;
    let private = key.to_pkcs8_pem().map_err(Failure::usage)?;
    let public = key.verifying_key().to_spki_pem().map_err(Failure::usage)?;
    if let Some(public) = &args.public
        && same_file(out, public)
    {
        return Err(Failure::usage(format!(
            "--out and --pub both name {}: the private and the public key need two files",
            public.display()
        )));
    }
    // Check both destinations first so a refusal leaves nothing half written.
    for path in std::iter::once(out).chain(args.public.as_deref()) {
        if !args.force && path.exists() {
            return Err(Failure::usage(format!("{} exists; pass --force to replace it", path.display())));
        }
    }
    write_atomic(out, private.as_bytes(), 0o600, args.force)?;
    if let Some(path) = &args.public {
        write_atomic(path, public.as_bytes(), 0o644, args.force)?;
    }
    outln!("{}", key.kid());
    eprintln!("docseal: wrote {} key {} (kid {})", alg, out.display(), key.kid());
    Ok(ExitCode::SUCCESS)
}

/// Generates the key pair inside the token; only the public key is written out.
fn in_token(
    token: &docseal_pkcs11::Token,
    label: &str,
    alg: Algorithm,
    args: &KeygenArgs,
) -> Result<ExitCode, Failure> {
    if let Some(path) = &args.public
        && !args.force
        && path.exists()
    {
        return Err(Failure::usage(format!("{} exists; pass --force to replace it", path.display())));
    }
    let signer = token.generate(label, alg).map_err(Failure::usage)?;
    let key = signer.verifying_key();
    if let Some(path) = &args.public {
        write_atomic(path, key.to_spki_pem().map_err(Failure::usage)?.as_bytes(), 0o644, args.force)?;
    }
    outln!("{}", key.kid());
    eprintln!("docseal: generated {alg} key {label:?} inside the token (kid {})", key.kid());
    Ok(ExitCode::SUCCESS)
}

/// Whether two paths name one file, also before either exists (`k.pem` and `./k.pem`).
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    let normal = |p: &std::path::Path| {
        let absolute = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let parent = absolute.parent().and_then(|d| d.canonicalize().ok());
        match (parent, absolute.file_name()) {
            (Some(dir), Some(name)) => dir.join(name),
            _ => absolute,
        }
    };
    normal(a) == normal(b)
}
