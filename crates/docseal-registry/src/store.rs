//! The small trait a backend implements, and the records it hands back.
//!
//! A backend owns the transactions; the rules it applies inside them live in
//! [`crate::rules`], so SQLite and PostgreSQL refuse the same things with the same errors.

use docseal::Issued;
use docseal::status::{Status, StatusRef};

use crate::{RegistryConfig, RegistryError};

/// The document a credential is a copy of: the row every refreshed copy links to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentKey {
    /// `passport`, `driving-licence` or `temporary-pass`.
    pub document_type: String,
    /// The document number (pass number, licence number, passport number).
    pub number: String,
    /// Whose document it is: the permit number without its renewal count for a pass, the
    /// licence or passport number otherwise. The monthly pass limit counts by it.
    pub holder: String,
    /// `YYYY-MM` of the first copy, in the issuing authority's zone.
    pub month: String,
}

/// The row recorded for one issued credential (never a key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCredential {
    /// The credential id (`cti`).
    pub cti: Vec<u8>,
    /// The issuing key's kid.
    pub kid: Vec<u8>,
    /// Issued at, Unix seconds.
    pub iat: i64,
    /// Expires at, Unix seconds.
    pub exp: i64,
    /// SHA-256 of the QR text.
    pub payload_sha256: [u8; 32],
}

impl NewCredential {
    /// The row for `issued`, signed by the key `kid`.
    #[must_use]
    pub fn of(issued: &Issued, kid: &[u8]) -> Self {
        use sha2::Digest as _;
        Self {
            cti: issued.claims.cti.to_vec(),
            kid: kid.to_vec(),
            iat: issued.claims.issued_at,
            exp: issued.claims.expires_at,
            payload_sha256: sha2::Sha256::digest(issued.text.as_bytes()).into(),
        }
    }
}

/// One recorded credential with its document.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CredentialRecord {
    /// The document it is a copy of.
    pub document: DocumentKey,
    /// The credential.
    pub credential: NewCredential,
    /// The document's entry in its status list (shared by all its copies).
    pub status_entry: StatusRef,
    /// The document's status now.
    pub status: Status,
}

/// Which credentials to list.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Lookup<'a> {
    /// The credential with this id.
    Cti(&'a [u8]),
    /// Every copy of one document.
    Document {
        /// Its type.
        document_type: &'a str,
        /// Its number.
        number: &'a str,
    },
    /// The most recently issued, newest first.
    Recent(u32),
}

/// What the registry holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Documents, by type.
    pub documents: Vec<(String, u64)>,
    /// Credentials issued (every copy).
    pub credentials: u64,
    /// Documents by status.
    pub by_status: Vec<(Status, u64)>,
    /// Status lists, with the entries allocated in each and its size.
    pub lists: Vec<(String, u64, u64)>,
}

/// One status list's entries that are not VALID, for publishing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListEntries {
    /// The list's URI.
    pub uri: String,
    /// Its size.
    pub size: u64,
    /// `(index, status)` of every entry that is not VALID.
    pub entries: Vec<(u64, Status)>,
}

/// The function that signs the credential once its status entry is known. It runs inside
/// the backend's transaction, so a refusal there leaves nothing behind.
pub type SignWith<'a> = dyn FnMut(&StatusRef) -> Result<(Issued, NewCredential), RegistryError> + 'a;

/// A registry backend: each method is one transaction.
pub trait Backend: Send {
    /// Records a credential for `document`: in one serialised transaction, the document is
    /// found or created (the rules of [`crate::rules`] checked: its status, the pass limit),
    /// its status entry allocated on creation, `sign` called with it, the credential row
    /// inserted, and the transaction committed. Returns what `sign` made, after the commit.
    ///
    /// # Errors
    /// The rules' refusal, the signer's, or the database's; nothing is recorded then.
    fn issue(&mut self, document: &DocumentKey, sign: &mut SignWith<'_>) -> Result<Issued, RegistryError>;

    /// Changes a document's status if [`crate::rules::transition`] allows it; returns the
    /// status it had.
    ///
    /// # Errors
    /// [`RegistryError::UnknownDocument`], [`RegistryError::Transition`], or the database's.
    fn set_status(&mut self, document_type: &str, number: &str, to: Status) -> Result<Status, RegistryError>;

    /// The credentials `lookup` names.
    ///
    /// # Errors
    /// The database's.
    fn credentials(&mut self, lookup: Lookup<'_>) -> Result<Vec<CredentialRecord>, RegistryError>;

    /// Counts.
    ///
    /// # Errors
    /// The database's.
    fn stats(&mut self) -> Result<Stats, RegistryError>;

    /// Every status list with its entries that are not VALID, read in one snapshot.
    ///
    /// # Errors
    /// The database's.
    fn status_lists(&mut self) -> Result<Vec<ListEntries>, RegistryError>;

    /// The settings this registry was created with.
    fn config(&self) -> &RegistryConfig;
}

/// [`Stats`] from the counts a backend read (SQL integers are signed).
pub(crate) fn stats_from(
    documents: Vec<(String, i64)>,
    by_status: Vec<(i64, i64)>,
    credentials: i64,
    lists: Vec<(String, i64, i64)>,
) -> Result<Stats, RegistryError> {
    let status = |value: i64| {
        u8::try_from(value).map(Status::from_value).map_err(|_| RegistryError::Corrupt(format!("status {value}")))
    };
    Ok(Stats {
        documents: documents
            .into_iter()
            .map(|(t, n)| Ok((t, unsigned(n, "count")?)))
            .collect::<Result<_, RegistryError>>()?,
        credentials: unsigned(credentials, "count")?,
        by_status: by_status
            .into_iter()
            .map(|(s, n)| Ok((status(s)?, unsigned(n, "count")?)))
            .collect::<Result<_, RegistryError>>()?,
        lists: lists
            .into_iter()
            .map(|(uri, used, size)| Ok((uri, unsigned(used, "list entries")?, unsigned(size, "list size")?)))
            .collect::<Result<_, RegistryError>>()?,
    })
}

/// A stored integer that must be a count or an index.
pub(crate) fn unsigned(value: i64, what: &str) -> Result<u64, RegistryError> {
    u64::try_from(value).map_err(|_| RegistryError::Corrupt(format!("{what} {value}")))
}

/// An index or count as SQL stores it.
pub(crate) fn signed(value: u64) -> Result<i64, RegistryError> {
    i64::try_from(value).map_err(|_| RegistryError::Corrupt(format!("{value} does not fit a database integer")))
}
