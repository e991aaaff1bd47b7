//! # docseal-desk
//!
//! A relying party's setup, loaded and kept by one set of rules, for every front end (the
//! `docseal` command, the service, Python, the page):
//!
//! - **trust list**: JSON, or signed and checked against a pinned anchor; the highest
//!   `sequence` accepted is kept as state (in memory, and in a state folder when given) and
//!   a lower one is refused; `next_update` is checked at every verification by the core;
//! - **status lists**: from files or folders (regular files only, read with a bound); per
//!   URI and issuer the newest token wins and is never replaced by an older one; two
//!   different tokens with one time are a conflict; a list decides only its signer's
//!   issuer's credentials (the core's rule);
//! - **reload**: a new set replaces the old whole, or not at all; a refused reload keeps
//!   the old set and says why.
//!
//! ```
//! use docseal_desk::{Desk, Material, Named};
//! let trust = r#"{"version": 1, "issuers": []}"#;
//! let material = Material { trust: Some(Named::new("trust.json", trust.into())), ..Material::default() };
//! let desk = Desk::open(&material, docseal::Policy::default(), None, "2026-12-07T09:00:00Z".parse()?)?;
//! assert!(desk.set().verifier().trust_list().keys().is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod error;
mod material;
mod questions;
mod read;
mod sources;

use std::sync::{Arc, Mutex, PoisonError, RwLock};

use chrono::{DateTime, Utc};
use docseal::Policy;

pub use error::SetupError;
pub use material::{Loaded, Material, Named, Set};
pub use questions::Questions;
pub use read::{MAX_FILE_BYTES, read_file, status_files, tokens_in};
pub use sources::{Fingerprint, Sources, StateDir};

/// A desk: the set in force, and the state that outlives a set (the highest trust-list
/// sequence accepted). Shared between threads: verifications take the set in force
/// ([`Desk::set`]) and keep it for their whole run, while a reload replaces it whole.
#[derive(Debug)]
pub struct Desk {
    policy: Policy,
    floor: Mutex<Option<u64>>,
    current: RwLock<Arc<Set>>,
}

impl Desk {
    /// Loads a first set from `material` under `policy`, refusing a signed trust list whose
    /// sequence is below `floor` (`--trust-sequence`, or the state kept by a desk before).
    ///
    /// # Errors
    /// The first [`SetupError`] of the trust list or of a status token.
    pub fn open(
        material: &Material,
        policy: Policy,
        floor: Option<u64>,
        now: DateTime<Utc>,
    ) -> Result<Self, SetupError> {
        let set = material::load(material, &policy, floor, None, now)?.set;
        let floor = floor.max(set.trust_info().map(|i| i.sequence));
        Ok(Self { policy, floor: Mutex::new(floor), current: RwLock::new(Arc::new(set)) })
    }

    /// The set in force now. A verification keeps the `Arc` it took, so a reload during it
    /// changes nothing for it.
    #[must_use]
    pub fn set(&self) -> Arc<Set> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// The highest signed trust-list sequence accepted so far.
    #[must_use]
    pub fn trust_floor(&self) -> Option<u64> {
        *self.floor.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The policy every set starts from.
    #[must_use]
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Loads `material` as the new set: the trust list at or above the floor; a status token
    /// older than the one in force for its URI and issuer is not taken (the newer one stays,
    /// and the older is reported in the answer's `refused`). On success the new set is in
    /// force and the floor rises to its sequence; on any error the old set stays.
    ///
    /// # Errors
    /// As [`Desk::open`], plus [`SetupError::TrustRollback`].
    pub fn replace(&self, material: &Material, now: DateTime<Utc>) -> Result<Vec<SetupError>, SetupError> {
        // One replacement at a time: the floor read and raised around one load.
        let mut floor = self.floor.lock().unwrap_or_else(PoisonError::into_inner);
        let in_force = self.set();
        let Loaded { set, refused } = material::load(material, &self.policy, *floor, Some(&in_force), now)?;
        *floor = (*floor).max(set.trust_info().map(|i| i.sequence));
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(set);
        Ok(refused)
    }
}
