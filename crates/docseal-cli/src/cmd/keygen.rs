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
    if let Some(public) = &args.public
        && same_file(&args.out, public)
    {
        return Err(Failure::usage(format!(
            "--out and --pub both name {}: the private and the public key need two files",
            public.display()
        )));
    }
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
    outln!("{}", key.kid());
    eprintln!("docseal: wrote {} key {} (kid {})", alg, args.out.display(), key.kid());
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
