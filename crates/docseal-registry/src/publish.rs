//! Status lists out of the registry, signed for relying parties.

use std::time::Duration;

use chrono::{DateTime, Utc};
use docseal::Signer;
use docseal::status::{Bits, StatusList, StatusListToken};

use crate::{ListEntries, RegistryError};

/// One signed status list.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PublishedList {
    /// The list's URI (the token's `sub`).
    pub uri: String,
    /// Its entries.
    pub size: u64,
    /// Entries that are not VALID.
    pub not_valid: u64,
    /// Issued at, Unix seconds.
    pub issued_at: i64,
    /// Expires at, Unix seconds.
    pub expires_at: i64,
    /// The Status List Token (CWT, `application/statuslist+cwt`).
    pub token: Vec<u8>,
}

/// Relying parties may cache a token this long before looking for a newer one.
const MAX_TTL: u64 = 86_400;

pub(crate) fn sign_lists(
    lists: Vec<ListEntries>,
    signer: &(impl Signer + ?Sized),
    now: DateTime<Utc>,
    valid_for: Duration,
) -> Result<Vec<PublishedList>, RegistryError> {
    let issued_at = now.timestamp();
    let expires_at = issued_at.saturating_add(i64::try_from(valid_for.as_secs()).unwrap_or(i64::MAX));
    lists
        .into_iter()
        .map(|entries| {
            let mut list = StatusList::new(Bits::Two, entries.size)?;
            for &(idx, status) in &entries.entries {
                list.set(idx, status)?;
            }
            let ttl = valid_for.as_secs().min(MAX_TTL);
            let token = StatusListToken::sign(signer, &entries.uri, &list, issued_at, expires_at, Some(ttl))?;
            Ok(PublishedList {
                uri: entries.uri,
                size: entries.size,
                not_valid: entries.entries.len() as u64,
                issued_at,
                expires_at,
                token,
            })
        })
        .collect()
}
