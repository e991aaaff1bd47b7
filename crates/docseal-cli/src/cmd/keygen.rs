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
    let key = SigningKey::generate(alg).map_err(Failure::usage)?;
    let private = key.to_pkcs8_pem().map_err(Failure::usage)?;
    let public = key.verifying_key().to_spki_pem().map_err(Failure::usage)?;
    // Check both destinations first so a refusal leaves nothing half written.
    for path in std::iter::once(&args.out).chain(&args.public) {
        if !args.force && path.exists() {
            return Err(Failure::usage(format!("{} exists; pass --force to replace it", path.display())));
        }
    }
    write_atomic(&args.out, private.as_bytes(), 0o600, args.force)?;
    if let Some(path) = &args.public {
        write_atomic(path, public.as_bytes(), 0o644, args.force)?;
    }
    println!("{}", key.kid());
    eprintln!("docseal: wrote {} key {} (kid {})", alg, args.out.display(), key.kid());
    Ok(ExitCode::SUCCESS)
}
