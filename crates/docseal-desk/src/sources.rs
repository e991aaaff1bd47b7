//! Where a desk's material lives on disk, and the state it keeps there.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::read::{MAX_FILE_BYTES, read_file, status_files};
use crate::{Material, Named, SetupError};

/// The files a set is loaded from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources {
    /// The trust list: JSON, or signed (then `trust_anchor` is required).
    pub trust: PathBuf,
    /// The pinned anchor's SPKI PEM key, for a signed trust list.
    pub trust_anchor: Option<PathBuf>,
    /// Status list tokens: files, or folders of `.cwt` files.
    pub status: Vec<PathBuf>,
}

/// Every file a set is made of, with its modification time and size: a change in any of
/// them calls for a reload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint(Vec<(PathBuf, Option<SystemTime>, u64)>);

impl Sources {
    /// Reads every file.
    ///
    /// # Errors
    /// A [`SetupError`] naming the file that could not be read.
    pub fn read(&self) -> Result<Material, SetupError> {
        let named = |path: &Path| -> Result<Named, SetupError> {
            Ok(Named::new(path.display().to_string(), read_file(path, MAX_FILE_BYTES)?))
        };
        Ok(Material {
            trust: Some(named(&self.trust)?),
            anchor: self.trust_anchor.as_deref().map(named).transpose()?,
            status: status_files(&self.status)?.iter().map(|p| named(p)).collect::<Result<_, _>>()?,
        })
    }

    /// The files as they are now (metadata only: nothing is opened).
    #[must_use]
    pub fn fingerprint(&self) -> Fingerprint {
        let mut files = vec![self.trust.clone()];
        files.extend(self.trust_anchor.clone());
        files.extend(status_files(&self.status).unwrap_or_else(|_| self.status.clone()));
        Fingerprint(
            files
                .into_iter()
                .map(|path| {
                    let meta = std::fs::metadata(&path).ok();
                    let modified = meta.as_ref().and_then(|m| m.modified().ok());
                    let len = meta.map_or(0, |m| m.len());
                    (path, modified, len)
                })
                .collect(),
        )
    }
}

/// A folder where a desk keeps what must outlive a restart: the highest signed trust-list
/// sequence it accepted (file `trust-sequence`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateDir {
    dir: PathBuf,
}

impl StateDir {
    /// The state kept in `dir` (created when first written).
    #[must_use]
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    fn sequence_file(&self) -> PathBuf {
        self.dir.join("trust-sequence")
    }

    /// The highest sequence kept, if any.
    ///
    /// # Errors
    /// [`SetupError::State`] for an unreadable or malformed state file.
    pub fn trust_floor(&self) -> Result<Option<u64>, SetupError> {
        let path = self.sequence_file();
        if !path.exists() {
            return Ok(None);
        }
        let bytes = read_file(&path, 64)?;
        let text = std::str::from_utf8(&bytes).unwrap_or_default().trim();
        text.parse()
            .map(Some)
            .map_err(|_| SetupError::State { path, reason: format!("{text:?} is not a sequence number") })
    }

    /// Keeps `sequence` as the floor, written whole (a temporary file renamed into place).
    ///
    /// # Errors
    /// [`SetupError::State`] when the folder or file cannot be written.
    pub fn keep_trust_floor(&self, sequence: u64) -> Result<(), SetupError> {
        let path = self.sequence_file();
        let failed = |e: std::io::Error| SetupError::State { path: path.clone(), reason: e.to_string() };
        std::fs::create_dir_all(&self.dir).map_err(failed)?;
        let temporary = self.dir.join(".trust-sequence.tmp");
        std::fs::write(&temporary, format!("{sequence}\n")).map_err(failed)?;
        std::fs::rename(&temporary, &path).map_err(failed)
    }
}
