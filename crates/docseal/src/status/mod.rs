//! Offline status: IETF Token Status List (draft-ietf-oauth-status-list-20, CWT form).
//!
//! An issuer gives each document an entry in a list ([`StatusRef`] in the credential's
//! claim 65535), publishes the list signed as a [`StatusListToken`], and relying parties
//! load tokens into [`StatusLists`] while online and check entries offline: 0 VALID,
//! 1 INVALID (revoked), 2 SUSPENDED, 3 docseal's "used" (a one-time pass already presented).
//! docs/FORMAT.md section 8 gives the wire form.

mod list;
mod lists;
mod token;

pub use crate::wire::StatusRef;
pub use list::{Bits, Status, StatusList};
pub use lists::{StatusLists, VerifiedStatusList};
pub use token::{STATUS_LIST_TYP, StatusListToken};
