//! The settings a registry is created with.

use docseal::status::StatusRef;

use crate::RegistryError;

/// Where status lists live and how large they are. A registry stores these when it is
/// created and keeps them: every issuer sharing it allocates from the same lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryConfig {
    pub(crate) uri_base: String,
    pub(crate) list_size: u64,
}

/// Entries per list unless set: 2^20, 256 KiB of two-bit entries, a few KiB compressed.
pub const DEFAULT_LIST_SIZE: u64 = 1 << 20;

impl RegistryConfig {
    /// Lists at `uri_base/1`, `uri_base/2`, ... of [`DEFAULT_LIST_SIZE`] two-bit entries.
    ///
    /// # Errors
    /// [`RegistryError::Docseal`] for a base that is no usable URI.
    pub fn new(uri_base: &str) -> Result<Self, RegistryError> {
        let uri_base = uri_base.trim_end_matches('/');
        StatusRef::new(format!("{uri_base}/1"), 0)?;
        Ok(Self { uri_base: uri_base.to_owned(), list_size: DEFAULT_LIST_SIZE })
    }

    /// Entries per list (a new list starts when one is full), 8 to 2^30.
    ///
    /// # Errors
    /// [`RegistryError::Config`] outside that range.
    pub fn with_list_size(mut self, size: u64) -> Result<Self, RegistryError> {
        if !(8..=1 << 30).contains(&size) {
            return Err(RegistryError::Config(format!("list size {size}: 8 to 1073741824 entries")));
        }
        self.list_size = size;
        Ok(self)
    }

    /// The lists' URI base.
    #[must_use]
    pub fn uri_base(&self) -> &str {
        &self.uri_base
    }

    /// Entries per list.
    #[must_use]
    pub fn list_size(&self) -> u64 {
        self.list_size
    }

    /// The URI of list number `n` (from 1).
    pub(crate) fn list_uri(&self, n: u64) -> String {
        format!("{}/{n}", self.uri_base)
    }
}
