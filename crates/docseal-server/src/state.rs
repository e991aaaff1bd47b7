//! What the service verifies against: a desk ([`docseal_desk::Desk`]) over the trust list
//! and status lists on disk, replaced whole when the files change (a verification sees the
//! old set or the new one, never half of each) and only by the desk's rules: no lower trust
//! sequence, no older status list, no conflict.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use docseal::Policy;
use docseal_desk::{Desk, Fingerprint, Set, Sources, StateDir};

use crate::ServeError;

/// The current set, and what is needed to replace it.
#[derive(Debug)]
pub(crate) struct Current {
    desk: Desk,
    sources: Sources,
    state: Option<StateDir>,
    /// The files as last looked at, loaded or refused: the same broken files are not loaded
    /// (and logged) again every tick.
    seen: Mutex<Fingerprint>,
}

impl Current {
    /// Loads the set once; the service does not start without it. The trust floor is the
    /// highest of `floor` and the one kept in `state`.
    pub(crate) fn load(
        sources: Sources,
        policy: Policy,
        floor: Option<u64>,
        state: Option<StateDir>,
        now: DateTime<Utc>,
    ) -> Result<Self, ServeError> {
        let kept = state.as_ref().map(StateDir::trust_floor).transpose()?.flatten();
        let seen = sources.fingerprint();
        let desk = Desk::open(&sources.read()?, policy, floor.max(kept), now)?;
        let current = Self { desk, sources, state, seen: Mutex::new(seen) };
        current.keep_floor()?;
        Ok(current)
    }

    fn keep_floor(&self) -> Result<(), ServeError> {
        if let (Some(state), Some(floor)) = (&self.state, self.desk.trust_floor()) {
            state.keep_trust_floor(floor)?;
        }
        Ok(())
    }

    /// The set in force now. A verification keeps the `Arc` it took, so a reload during it
    /// changes nothing for it.
    pub(crate) fn get(&self) -> Arc<Set> {
        self.desk.set()
    }

    /// Loads the files again if any changed. `Ok(Some(refused))` when a new set is in force
    /// (with the older status tokens it kept out), `Ok(None)` when nothing changed; an error
    /// keeps the old set.
    pub(crate) fn reload_if_changed(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Option<Vec<docseal_desk::SetupError>>, ServeError> {
        let fingerprint = self.sources.fingerprint();
        {
            let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
            if *seen == fingerprint {
                return Ok(None);
            }
            *seen = fingerprint;
        }
        let refused = self.desk.replace(&self.sources.read()?, now)?;
        self.keep_floor()?;
        Ok(Some(refused))
    }

    pub(crate) fn policy(&self) -> &Policy {
        self.desk.policy()
    }
}
