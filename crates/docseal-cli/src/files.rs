//! Reading inputs with a size cap, and writing files atomically (temp file + rename).

use std::io::{Read, Write as _};
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use crate::Failure;

/// Inputs larger than this are refused before parsing (QR payloads are a few KiB).
const MAX_INPUT: u64 = 16 * 1024 * 1024;

/// Reads a file, or standard input for `-`, refusing more than 16 MiB.
pub(crate) fn read_input(path: &Path) -> Result<String, Failure> {
    let name = path.display();
    let mut text = String::new();
    let read = if path == Path::new("-") {
        std::io::stdin().take(MAX_INPUT + 1).read_to_string(&mut text)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(MAX_INPUT + 1).read_to_string(&mut text))
    };
    read.map_err(|e| Failure::usage(format!("cannot read {name}: {e}")))?;
    if text.len() as u64 > MAX_INPUT {
        return Err(Failure::usage(format!("{name} is larger than {MAX_INPUT} bytes")));
    }
    Ok(text)
}

/// Reads a binary file (a status list token, a signed trust list), refusing more than 64 MiB.
pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>, Failure> {
    const MAX_BYTES: u64 = 64 * 1024 * 1024;
    let name = path.display();
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| Failure::usage(format!("cannot read {name}: {e}")))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(Failure::usage(format!("{name} is larger than {MAX_BYTES} bytes")));
    }
    Ok(bytes)
}

/// The payload argument, or standard input when absent or `-`; surrounding blanks trimmed.
pub(crate) fn read_payload(arg: Option<&str>) -> Result<String, Failure> {
    use std::io::IsTerminal as _;
    let text = match arg {
        None if std::io::stdin().is_terminal() => {
            return Err(Failure::usage(
                "no payload: give the QR text (DS1:... or HC1:...) as an argument, or pipe it on standard input (`-`)",
            ));
        }
        Some("-") if std::io::stdin().is_terminal() => {
            eprintln!("docseal: paste the QR text (DS1:... or HC1:...), then press Ctrl-D");
            read_input(Path::new("-"))?
        }
        None | Some("-") => read_input(Path::new("-"))?,
        Some(text) => text.to_owned(),
    };
    Ok(text.trim().to_owned())
}

/// Writes `bytes` to `path` through a temp file in the same folder, then renames it into
/// place, so a reader never sees a partial file. Refuses to replace a file unless `force`.
const PARTIAL_PREFIX: &str = ".docseal-";
const PARTIAL_SUFFIX: &str = ".partial";

/// Removes what a killed `write_atomic` left in `dir`: its partial files older than a minute
/// (a younger one may be another run's, still being written). Best effort: a file that
/// cannot be removed stays, and nothing reads these names.
pub(crate) fn remove_stale_partials(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let stale = entry
            .metadata()
            .ok()
            .filter(std::fs::Metadata::is_file)
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > std::time::Duration::from_secs(60));
        if name.starts_with(PARTIAL_PREFIX) && name.ends_with(PARTIAL_SUFFIX) && stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

pub(crate) fn write_atomic(path: &Path, bytes: &[u8], mode: u32, force: bool) -> Result<(), Failure> {
    stage(path, bytes, mode, force)?.commit()
}

/// A file written in full and synced under a temporary name beside its place, waiting for
/// [`Staged::commit`] to rename it there. Dropped uncommitted, it is removed.
#[derive(Debug)]
pub(crate) struct Staged {
    tmp: tempfile::NamedTempFile,
    path: std::path::PathBuf,
    force: bool,
}

/// Writes `bytes` beside `path`, refusing at once a `path` that exists without `force`: what
/// can fail for ordinary reasons (a missing folder, a full disk, a file in the way) fails
/// here, before anything is committed.
pub(crate) fn stage(path: &Path, bytes: &[u8], mode: u32, force: bool) -> Result<Staged, Failure> {
    let name = path.display();
    if !force && path.exists() {
        return Err(Failure::usage(format!("{name} exists; pass --force to replace it")));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let io = |what: &str, e: std::io::Error| Failure::usage(format!("cannot {what} {name}: {e}"));
    // tempfile creates the file with mode 0600, so a key is never readable by others. The
    // name says whose it is, so a run killed before the rename is cleaned up by the next one.
    let mut tmp = tempfile::Builder::new()
        .prefix(PARTIAL_PREFIX)
        .suffix(PARTIAL_SUFFIX)
        .tempfile_in(dir)
        .map_err(|e| io("create a temp file for", e))?;
    tmp.write_all(bytes).map_err(|e| io("write", e))?;
    tmp.as_file().sync_all().map_err(|e| io("sync", e))?;
    if mode != 0o600 {
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(mode)).map_err(|e| io("set mode of", e))?;
    }
    Ok(Staged { tmp, path: path.to_owned(), force })
}

impl Staged {
    /// Renames the staged file into its place.
    pub(crate) fn commit(self) -> Result<(), Failure> {
        let name = self.path.display();
        let io = |what: &str, e: std::io::Error| Failure::usage(format!("cannot {what} {name}: {e}"));
        if self.force {
            self.tmp.persist(&self.path).map_err(|e| io("replace", e.error))?;
        } else {
            self.tmp.persist_noclobber(&self.path).map_err(|e| {
                if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                    Failure::usage(format!("{name} exists; pass --force to replace it"))
                } else {
                    io("write", e.error)
                }
            })?;
        }
        Ok(())
    }

    /// Where it goes.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_modes_and_no_clobber() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let key = dir.path().join("k.pem");
        write_atomic(&key, b"secret", 0o600, false).map_err(|e| format!("{e:?}"))?;
        assert_eq!(std::fs::metadata(&key)?.permissions().mode() & 0o777, 0o600);
        assert!(write_atomic(&key, b"other", 0o600, false).is_err());
        assert_eq!(std::fs::read(&key)?, b"secret");
        write_atomic(&key, b"other", 0o600, true).map_err(|e| format!("{e:?}"))?;
        assert_eq!(std::fs::read(&key)?, b"other");
        let public = dir.path().join("k.pub");
        write_atomic(&public, b"pub", 0o644, false).map_err(|e| format!("{e:?}"))?;
        assert_eq!(std::fs::metadata(&public)?.permissions().mode() & 0o777, 0o644);
        assert_eq!(std::fs::read_dir(dir.path())?.count(), 2, "no temp files left behind");
        Ok(())
    }
}
