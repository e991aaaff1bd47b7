//! The bytes a desk's setup is made of, and the set they load into. No filesystem here:
//! the page hands bytes in directly; [`Sources`](crate::Sources) reads them from files.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use docseal::status::StatusLists;
use docseal::trust::{SignedListRules, TrustListInfo};
use docseal::{Policy, TrustList, Verifier, VerifyingKey};

use crate::SetupError;

/// Bytes with the name messages give them (a path, or "the uploaded trust list").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// For messages.
    pub name: String,
    /// The content.
    pub bytes: Vec<u8>,
}

impl Named {
    /// `bytes` called `name`.
    #[must_use]
    pub fn new(name: impl Into<String>, bytes: Vec<u8>) -> Self {
        Self { name: name.into(), bytes }
    }
}

/// Everything a set is loaded from.
#[derive(Debug, Clone, Default)]
pub struct Material {
    /// The trust list: JSON, or signed (then `anchor` is required).
    pub trust: Option<Named>,
    /// The pinned anchor's SPKI PEM key, for a signed trust list.
    pub anchor: Option<Named>,
    /// Status list tokens.
    pub status: Vec<Named>,
}

/// A status list's key: its URI and the issuer it decides for.
type ListKey = (String, Option<String>);

/// One loaded set: a verifier over the trust list and status lists, and what was loaded.
#[derive(Debug, Clone)]
pub struct Set {
    verifier: Verifier,
    trust_info: Option<TrustListInfo>,
    loaded_at: DateTime<Utc>,
    /// The token in force for each list, as received: a reload offered an older one keeps
    /// this one, checked again against the new trust list.
    tokens: HashMap<ListKey, Named>,
}

/// A set loaded, with the older status tokens it was offered and kept out.
#[derive(Debug)]
pub struct Loaded {
    /// The set.
    pub set: Set,
    /// Each status token older than the one in force for its list: not taken, the newer one
    /// kept ([`SetupError::StatusRollback`]).
    pub refused: Vec<SetupError>,
}

impl Set {
    /// The verifier of this set.
    #[must_use]
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// What the signed trust list says of itself (`None` for a JSON list).
    #[must_use]
    pub fn trust_info(&self) -> Option<&TrustListInfo> {
        self.trust_info.as_ref()
    }

    /// When this set was loaded.
    #[must_use]
    pub fn loaded_at(&self) -> DateTime<Utc> {
        self.loaded_at
    }

    /// Whether the signed trust list is past its next update at `now` (it then decides
    /// nothing unless the policy accepts it).
    #[must_use]
    pub fn trust_overdue(&self, now: DateTime<Utc>) -> bool {
        self.verifier.trust_list().next_update().is_some_and(|due| now >= due)
    }
}

/// The trust list in `material`, checked against the anchor and the sequence floor.
fn open_trust(
    material: &Material,
    policy: &Policy,
    floor: Option<u64>,
    now: DateTime<Utc>,
) -> Result<(TrustList, Option<TrustListInfo>), SetupError> {
    let Some(trust) = &material.trust else { return Ok((TrustList::new(), None)) };
    let refused = |error| SetupError::Trust { source_name: trust.name.clone(), error };
    let Some(anchor) = &material.anchor else {
        let text = std::str::from_utf8(&trust.bytes)
            .ok()
            .filter(|t| t.trim_start().starts_with('{'))
            .ok_or_else(|| SetupError::TrustNeedsAnchor { source_name: trust.name.clone() })?;
        return Ok((TrustList::from_json(text).map_err(refused)?, None));
    };
    let anchor_key = std::str::from_utf8(&anchor.bytes)
        .map_err(|_| docseal::Error::key("the anchor is not PEM text"))
        .and_then(VerifyingKey::from_spki_pem)
        .map_err(|error| SetupError::Anchor { source_name: anchor.name.clone(), error })?;
    // The floor is compared here, not inside the core's reader, so a rollback has its own
    // typed error.
    let mut rules = SignedListRules::default();
    if policy.accepts_overdue_trust() {
        rules = rules.accepting_overdue();
    }
    let (list, info) = TrustList::from_signed_with(&trust.bytes, &anchor_key, now, rules).map_err(refused)?;
    if let Some(floor) = floor
        && info.sequence < floor
    {
        return Err(SetupError::TrustRollback { source_name: trust.name.clone(), sequence: info.sequence, floor });
    }
    Ok((list, Some(info)))
}

/// Loads `material` under `policy`: the trust list (anchor, floor, overdue), then each
/// status token against it. `in_force` is the set being replaced: no list goes back in time
/// against it (its newer token is kept, and the older one reported in [`Loaded::refused`]).
pub(crate) fn load(
    material: &Material,
    policy: &Policy,
    floor: Option<u64>,
    in_force: Option<&Set>,
    now: DateTime<Utc>,
) -> Result<Loaded, SetupError> {
    let (trust, trust_info) = open_trust(material, policy, floor, now)?;
    let mut lists = StatusLists::new();
    let mut tokens: HashMap<ListKey, (DateTime<Utc>, Named)> = HashMap::new();
    let mut add = |lists: &mut StatusLists, token: &Named| -> Result<(), SetupError> {
        let kept = lists
            .add(&token.bytes, &trust, policy.limits())
            .map_err(|error| SetupError::Status { source_name: token.name.clone(), error })?;
        let key = (kept.uri().to_owned(), kept.authority().map(str::to_owned));
        // The kept list's time moves only when this token replaced it.
        if tokens.get(&key).is_none_or(|(at, _)| *at < kept.issued_at()) {
            tokens.insert(key, (kept.issued_at(), token.clone()));
        }
        Ok(())
    };
    for token in &material.status {
        add(&mut lists, token)?;
    }
    let mut refused = Vec::new();
    if let Some(old) = in_force {
        for list in old.verifier.status_lists().iter() {
            let key = (list.uri().to_owned(), list.authority().map(str::to_owned));
            let offered = lists.iter().find(|l| l.uri() == list.uri() && l.authority() == list.authority());
            if let Some(offered) = offered
                && offered.issued_at() < list.issued_at()
                && let Some(newer) = old.tokens.get(&key)
            {
                refused.push(SetupError::StatusRollback {
                    uri: list.uri().to_owned(),
                    offered: offered.issued_at(),
                    in_force: list.issued_at(),
                });
                add(&mut lists, newer)?;
            }
        }
    }
    if let Some(conflict) = lists.conflicts().next() {
        return Err(SetupError::StatusConflict { uri: conflict.uri().to_owned(), issued_at: conflict.issued_at() });
    }
    let verifier = Verifier::new(trust).with_policy(policy.clone()).with_status_lists(lists);
    let tokens = tokens.into_iter().map(|(key, (_, named))| (key, named)).collect();
    Ok(Loaded { set: Set { verifier, trust_info, loaded_at: now, tokens }, refused })
}
