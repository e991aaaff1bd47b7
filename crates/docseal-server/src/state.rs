//! What the service verifies against: the trust list and status lists loaded from files,
//! swapped whole when the files change, so a verification sees the old set or the new one,
//! never half of each.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use docseal::status::StatusLists;
use docseal::trust::{SignedListRules, TrustListInfo};
use docseal::{Policy, TrustList, Verifier, VerifyingKey};

use crate::ServeError;

/// Where the trust material lives on disk.
#[derive(Debug, Clone)]
pub struct Sources {
    /// The trust list: JSON, or signed (then `trust_anchor` is required).
    pub trust: PathBuf,
    /// The pinned anchor's SPKI PEM key, for a signed trust list.
    pub trust_anchor: Option<PathBuf>,
    /// A folder of status list tokens (`.cwt`).
    pub status_dir: Option<PathBuf>,
}

/// One loaded set: the verifier and what the service reports about it.
#[derive(Debug)]
pub(crate) struct Loaded {
    pub(crate) verifier: Verifier,
    pub(crate) trust_info: Option<TrustListInfo>,
    pub(crate) loaded_at: DateTime<Utc>,
    pub(crate) fingerprint: Vec<(PathBuf, Option<SystemTime>, u64)>,
}

/// The current set, replaced whole on reload.
#[derive(Debug)]
pub(crate) struct Current {
    sources: Sources,
    policy: Policy,
    loaded: RwLock<Arc<Loaded>>,
}

fn read(path: &Path) -> Result<Vec<u8>, ServeError> {
    std::fs::read(path).map_err(|e| ServeError::Load { path: path.to_owned(), reason: e.to_string() })
}

/// Every file the set is made of, with its modification time and size: a change in any of
/// them triggers a reload.
fn fingerprint(sources: &Sources) -> Vec<(PathBuf, Option<SystemTime>, u64)> {
    let mut files = vec![sources.trust.clone()];
    files.extend(sources.trust_anchor.clone());
    if let Some(dir) = &sources.status_dir {
        files.extend(status_files(dir).unwrap_or_default());
    }
    files
        .into_iter()
        .map(|p| {
            let meta = std::fs::metadata(&p).ok();
            let modified = meta.as_ref().and_then(|m| m.modified().ok());
            let len = meta.map_or(0, |m| m.len());
            (p, modified, len)
        })
        .collect()
}

fn status_files(dir: &Path) -> Result<Vec<PathBuf>, ServeError> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| ServeError::Load { path: dir.to_owned(), reason: e.to_string() })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "cwt"))
        .collect();
    files.sort();
    Ok(files)
}

fn load(sources: &Sources, policy: &Policy, now: DateTime<Utc>) -> Result<Loaded, ServeError> {
    let fingerprint = fingerprint(sources);
    let bytes = read(&sources.trust)?;
    let refused = |path: &Path, e: docseal::Error| ServeError::Load { path: path.to_owned(), reason: e.to_string() };
    let (trust, trust_info) = match &sources.trust_anchor {
        None => {
            let text =
                std::str::from_utf8(&bytes).ok().filter(|t| t.trim_start().starts_with('{')).ok_or_else(|| {
                    ServeError::Load {
                        path: sources.trust.clone(),
                        reason: "not a JSON trust list; a signed list needs --trust-anchor".into(),
                    }
                })?;
            (TrustList::from_json(text).map_err(|e| refused(&sources.trust, e))?, None)
        }
        Some(anchor_path) => {
            let pem = String::from_utf8(read(anchor_path)?)
                .map_err(|_| ServeError::Load { path: anchor_path.clone(), reason: "not PEM text".into() })?;
            let anchor = VerifyingKey::from_spki_pem(&pem).map_err(|e| refused(anchor_path, e))?;
            let (list, info) = TrustList::from_signed_with(&bytes, &anchor, now, SignedListRules::default())
                .map_err(|e| refused(&sources.trust, e))?;
            (list, Some(info))
        }
    };
    let verifier = Verifier::new(trust).with_policy(policy.clone());
    let verifier = match &sources.status_dir {
        None => verifier,
        Some(dir) => {
            let mut lists = StatusLists::new();
            for file in status_files(dir)? {
                lists
                    .add(&read(&file)?, verifier.trust_list(), verifier.policy().limits())
                    .map_err(|e| refused(&file, e))?;
            }
            verifier.with_status_lists(lists)
        }
    };
    Ok(Loaded { verifier, trust_info, loaded_at: now, fingerprint })
}

impl Current {
    /// Loads the set once; the service does not start without it.
    pub(crate) fn load(sources: Sources, policy: Policy, now: DateTime<Utc>) -> Result<Self, ServeError> {
        let loaded = load(&sources, &policy, now)?;
        Ok(Self { sources, policy, loaded: RwLock::new(Arc::new(loaded)) })
    }

    /// The set in force now. A verification keeps the `Arc` it took, so a reload during it
    /// changes nothing for it.
    pub(crate) fn get(&self) -> Arc<Loaded> {
        match self.loaded.read() {
            Ok(guard) => Arc::clone(&guard),
            // A writer panicked while holding the lock: the Arc inside is still whole.
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Loads the files again if any changed. `Ok(true)` when a new set is in force,
    /// `Ok(false)` when nothing changed; an error keeps the old set.
    pub(crate) fn reload_if_changed(&self, now: DateTime<Utc>) -> Result<bool, ServeError> {
        if fingerprint(&self.sources) == self.get().fingerprint {
            return Ok(false);
        }
        let fresh = Arc::new(load(&self.sources, &self.policy, now)?);
        match self.loaded.write() {
            Ok(mut guard) => *guard = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        Ok(true)
    }

    /// A failed reload still records the files it saw, so the same broken files are not
    /// loaded (and logged) again every tick.
    pub(crate) fn mark_seen(&self) {
        let seen = fingerprint(&self.sources);
        let current = self.get();
        if current.fingerprint != seen {
            let same = Loaded {
                verifier: current.verifier.clone(),
                trust_info: current.trust_info.clone(),
                loaded_at: current.loaded_at,
                fingerprint: seen,
            };
            match self.loaded.write() {
                Ok(mut guard) => *guard = Arc::new(same),
                Err(poisoned) => *poisoned.into_inner() = Arc::new(same),
            }
        }
    }

    pub(crate) fn policy(&self) -> &Policy {
        &self.policy
    }
}
