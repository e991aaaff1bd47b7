//! Caps on hostile input, shared by the text decoder, the verifier and the bulk path.

/// Caps on hostile input. Each breach is an [`Error::Limit`](crate::Error::Limit) naming the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Longest accepted QR text, in bytes (a version-40 QR holds 4,296 alphanumeric chars).
    pub max_text_len: usize,
    /// Largest inflated COSE, in bytes; inflation stops at the cap.
    pub max_inflated_len: usize,
    /// Most trusted keys tried for one kid.
    pub max_keys_per_kid: usize,
    /// Largest inflated status list, in bytes (default 32 MiB: a 2-bit list of 100 million
    /// entries is 25 MB); inflation stops at the cap.
    pub max_status_list_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_text_len: 8 * 1024, max_inflated_len: 16 * 1024, max_keys_per_kid: 8, max_status_list_len: 32 << 20 }
    }
}

impl Limits {
    /// Replaces the longest accepted QR text, in bytes.
    #[must_use]
    pub fn with_max_text_len(mut self, max: usize) -> Self {
        self.max_text_len = max;
        self
    }

    /// Replaces the largest inflated COSE, in bytes.
    #[must_use]
    pub fn with_max_inflated_len(mut self, max: usize) -> Self {
        self.max_inflated_len = max;
        self
    }

    /// Replaces the largest inflated status list, in bytes.
    #[must_use]
    pub fn with_max_status_list_len(mut self, max: usize) -> Self {
        self.max_status_list_len = max;
        self
    }

    /// Replaces the most trusted keys tried for one kid.
    #[must_use]
    pub fn with_max_keys_per_kid(mut self, max: usize) -> Self {
        self.max_keys_per_kid = max;
        self
    }
}
