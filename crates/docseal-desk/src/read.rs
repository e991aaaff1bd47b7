//! Files read with a bound, regular files only: a FIFO or device in a status folder is
//! refused, never opened for a blocking read.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use crate::SetupError;

/// The largest file a desk reads (a national status list is tens of megabytes).
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// Reads `path`, a regular file of at most `max` bytes.
///
/// # Errors
/// [`SetupError::NotRegularFile`], [`SetupError::TooLarge`] or [`SetupError::Read`].
pub fn read_file(path: &Path, max: u64) -> Result<Vec<u8>, SetupError> {
    let failed = |reason| SetupError::Read { path: path.to_owned(), reason };
    let file = open_without_blocking(path).map_err(failed)?;
    // The opened file's own metadata: no window between a check and the open.
    let meta = file.metadata().map_err(failed)?;
    if !meta.is_file() {
        return Err(SetupError::NotRegularFile { path: path.to_owned() });
    }
    if meta.len() > max {
        return Err(SetupError::TooLarge { path: path.to_owned(), max });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(max + 1).read_to_end(&mut bytes).map_err(failed)?;
    if bytes.len() as u64 > max {
        return Err(SetupError::TooLarge { path: path.to_owned(), max });
    }
    Ok(bytes)
}

/// Opening a FIFO for reading waits for a writer; with `O_NONBLOCK` it returns at once,
/// and the caller then refuses it as no regular file.
#[cfg(unix)]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path)
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// The `.cwt` tokens of a status folder, sorted by name.
///
/// # Errors
/// [`SetupError::Read`] for an unreadable folder, [`SetupError::NoStatusTokens`] when it
/// holds none.
pub fn tokens_in(dir: &Path) -> Result<Vec<PathBuf>, SetupError> {
    let failed = |reason| SetupError::Read { path: dir.to_owned(), reason };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(failed)? {
        let path = entry.map_err(failed)?.path();
        if path.extension().is_some_and(|e| e == "cwt") {
            files.push(path);
        }
    }
    if files.is_empty() {
        return Err(SetupError::NoStatusTokens { dir: dir.to_owned() });
    }
    files.sort();
    Ok(files)
}

/// Each path, a folder standing for its tokens.
///
/// # Errors
/// As [`tokens_in`].
pub fn status_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, SetupError> {
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        if path.is_dir() {
            files.extend(tokens_in(path)?);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().expect("temp dir");
        let fifo = dir.path().join("list.cwt");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
        assert!(made.success());
        assert!(matches!(read_file(&fifo, 1024), Err(SetupError::NotRegularFile { .. })));
        assert!(matches!(
            read_file(dir.path(), 1024),
            Err(SetupError::Read { .. } | SetupError::NotRegularFile { .. })
        ));
    }

    #[test]
    fn a_file_over_the_bound_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let big = dir.path().join("big.cwt");
        std::fs::write(&big, vec![0u8; 2048]).expect("write");
        assert!(matches!(read_file(&big, 1024), Err(SetupError::TooLarge { max: 1024, .. })));
        assert_eq!(read_file(&big, 4096).expect("read").len(), 2048);
    }
}
