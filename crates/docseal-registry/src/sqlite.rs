//! The SQLite backend.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use docseal::model::Credential;
use docseal::status::{Bits, Status, StatusList, StatusListToken, StatusRef};
use docseal::{Issued, Issuer, Signer};
use rusqlite::{Connection, OptionalExtension as _, TransactionBehavior, params};
use sha2::Digest as _;

use crate::RegistryError;

/// The schema version this build writes; older files are migrated, newer ones refused.
const SCHEMA_VERSION: i64 = 1;

/// `application_id` (SQLite header offset 68): marks the file as a docseal registry, so a
/// foreign SQLite file is refused instead of written to. "DSRG".
const APPLICATION_ID: i64 = 0x4453_5247;

const SCHEMA_V1: &str = "
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    document_type TEXT NOT NULL,
    document_number TEXT NOT NULL,
    holder_key TEXT NOT NULL,
    first_month TEXT NOT NULL,
    status_uri TEXT NOT NULL,
    status_idx INTEGER NOT NULL,
    status INTEGER NOT NULL DEFAULT 0,
    UNIQUE (document_type, document_number),
    UNIQUE (status_uri, status_idx)
);
CREATE INDEX documents_by_holder ON documents (document_type, holder_key, first_month);
CREATE TABLE credentials (
    cti BLOB PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id),
    kid BLOB NOT NULL,
    iat INTEGER NOT NULL,
    exp INTEGER NOT NULL,
    payload_sha256 BLOB NOT NULL
);
CREATE TABLE status_lists (
    uri TEXT PRIMARY KEY,
    bits INTEGER NOT NULL,
    size INTEGER NOT NULL,
    next_index INTEGER NOT NULL
);
";

/// Where status lists live and how large they are.
#[derive(Debug, Clone)]
pub struct RegistryConfig {
    uri_base: String,
    list_size: u64,
}

impl RegistryConfig {
    /// Lists at `uri_base/1`, `uri_base/2`, ... of 1,048,576 two-bit entries each.
    ///
    /// # Errors
    /// [`RegistryError::Docseal`] for a base that is no usable URI.
    pub fn new(uri_base: &str) -> Result<Self, RegistryError> {
        StatusRef::new(format!("{uri_base}/1"), 0)?;
        Ok(Self { uri_base: uri_base.trim_end_matches('/').to_owned(), list_size: 1 << 20 })
    }

    /// Entries per list (a new list starts when one is full).
    #[must_use]
    pub fn with_list_size(mut self, size: u64) -> Self {
        self.list_size = size.max(8);
        self
    }
}

/// The registry over one SQLite file.
pub struct Registry {
    conn: Connection,
    config: RegistryConfig,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry").field("config", &self.config).finish_non_exhaustive()
    }
}

fn document_keys(credential: &Credential) -> (String, String, String) {
    match credential {
        Credential::Passport(p) => {
            ("passport".into(), p.data().document_number.clone(), p.data().document_number.clone())
        }
        Credential::DrivingLicence(l) => {
            ("driving-licence".into(), l.front().document_number.clone(), l.front().document_number.clone())
        }
        Credential::TemporaryPass(p) => ("temporary-pass".into(), p.data().pass_number.clone(), p.holder().to_owned()),
        // A document type added to the core later is recorded under its own name.
        other => (other.document_type().name().into(), String::new(), String::new()),
    }
}

impl Registry {
    /// Opens (creating on first use) the registry at `path`: WAL mode, the schema created or
    /// migrated. A file that is not a docseal registry, or one from a newer docseal, is
    /// refused and left as it is.
    ///
    /// # Errors
    /// [`RegistryError::Database`] naming the file.
    pub fn open(path: &Path, config: &RegistryConfig) -> Result<Self, RegistryError> {
        let db_error = |reason: String| RegistryError::Database { path: path.display().to_string(), reason };
        let conn = Connection::open(path).map_err(|e| db_error(e.to_string()))?;
        conn.busy_timeout(Duration::from_secs(30)).map_err(|e| db_error(e.to_string()))?;
        // Reading the header first: a file that is not SQLite fails here, before any write.
        let read = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0));
        let (application_id, version) = match (read("PRAGMA application_id"), read("PRAGMA user_version")) {
            (Ok(a), Ok(v)) => (a, v),
            (Err(e), _) | (_, Err(e)) => return Err(db_error(format!("not a SQLite database: {e}"))),
        };
        let tables: i64 = read("SELECT count(*) FROM sqlite_master").map_err(|e| db_error(e.to_string()))?;
        if application_id != APPLICATION_ID && (application_id != 0 || tables > 0) {
            return Err(db_error("a SQLite database, but not a docseal registry: left untouched".into()));
        }
        if version > SCHEMA_VERSION {
            return Err(db_error(format!("schema version {version} is newer than this docseal's ({SCHEMA_VERSION})")));
        }
        conn.pragma_update(None, "journal_mode", "WAL").map_err(|e| db_error(e.to_string()))?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(|e| db_error(e.to_string()))?;
        let mut registry = Self { conn, config: config.clone() };
        registry.migrate(version).map_err(|e| db_error(e.to_string()))?;
        Ok(registry)
    }

    fn migrate(&mut self, from: i64) -> rusqlite::Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if from < 1 {
            tx.execute_batch(SCHEMA_V1)?;
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        }
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        tx.commit()
    }

    /// Issues a copy of `credential` generated at `at` and records it, in one transaction:
    /// the rules checked, the document's status entry allocated (or its existing one kept),
    /// the credential signed with that entry and its row inserted. The credential is
    /// returned only after the commit; a failure anywhere leaves no row.
    ///
    /// # Errors
    /// [`RegistryError::PassLimit`], [`RegistryError::StatusForbids`], docseal's refusal, or
    /// the database's.
    pub fn issue<S: Signer>(
        &mut self,
        issuer: &Issuer<S>,
        credential: &Credential,
        at: DateTime<Utc>,
    ) -> Result<Issued, RegistryError> {
        let (document_type, number, holder) = document_keys(credential);
        let month = credential.zone().date_at(at).format("%Y-%m").to_string();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let existing: Option<(i64, String, i64, u8)> = tx
            .query_row(
                "SELECT id, status_uri, status_idx, status FROM documents WHERE document_type = ?1 AND document_number = ?2",
                params![document_type, number],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let (document_id, entry) = match existing {
            Some((_, _, _, status)) if status != 0 => {
                return Err(RegistryError::StatusForbids {
                    document_type,
                    number,
                    status: Status::from_value(status).to_string(),
                });
            }
            Some((id, uri, idx, _)) => (id, StatusRef::new(uri, u64::try_from(idx).unwrap_or_default())?),
            None => {
                if let Credential::TemporaryPass(_) = credential {
                    let count: u32 = tx.query_row(
                        "SELECT count(*) FROM documents WHERE document_type = 'temporary-pass' AND holder_key = ?1 AND first_month = ?2",
                        params![holder, month],
                        |r| r.get(0),
                    )?;
                    if count >= 2 {
                        return Err(RegistryError::PassLimit { holder, month, count });
                    }
                }
                let entry = allocate(&tx, &self.config)?;
                tx.execute(
                    "INSERT INTO documents (document_type, document_number, holder_key, first_month, status_uri, status_idx) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![document_type, number, holder, month, entry.uri(), i64::try_from(entry.idx()).unwrap_or(i64::MAX)],
                )?;
                (tx.last_insert_rowid(), entry)
            }
        };
        let prepared = match credential {
            // The registry is the pass history: the monthly limit was checked above.
            Credential::TemporaryPass(pass) => issuer.prepare_pass(pass, at, &[][..])?,
            other => issuer.prepare(other)?,
        }
        .with_status(entry);
        let issued = issuer.issue_prepared(&prepared, at)?;
        tx.execute(
            "INSERT INTO credentials (cti, document_id, kid, iat, exp, payload_sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                issued.claims.cti.to_vec(),
                document_id,
                issuer.key().kid().0.to_vec(),
                issued.claims.issued_at,
                issued.claims.expires_at,
                sha2::Sha256::digest(issued.text.as_bytes()).to_vec()
            ],
        )?;
        tx.commit()?;
        Ok(issued)
    }

    /// Sets a document's status (revoke, suspend, reinstate, mark used); the next
    /// [`Registry::publish`] carries it to relying parties.
    ///
    /// # Errors
    /// [`RegistryError::UnknownDocument`], or the database's.
    pub fn set_status(&mut self, document_type: &str, number: &str, status: Status) -> Result<(), RegistryError> {
        let changed = self.conn.execute(
            "UPDATE documents SET status = ?1 WHERE document_type = ?2 AND document_number = ?3",
            params![status.value(), document_type, number],
        )?;
        if changed == 0 {
            return Err(RegistryError::UnknownDocument { document_type: document_type.into(), number: number.into() });
        }
        Ok(())
    }

    /// How many copies of a document were issued.
    ///
    /// # Errors
    /// The database's.
    pub fn credentials_of(&self, document_type: &str, number: &str) -> Result<u64, RegistryError> {
        let count: i64 = self.conn.query_row(
            "SELECT count(*) FROM credentials c JOIN documents d ON d.id = c.document_id WHERE d.document_type = ?1 AND d.document_number = ?2",
            params![document_type, number],
            |r| r.get(0),
        )?;
        Ok(u64::try_from(count).unwrap_or_default())
    }

    /// Signs every status list as a Status List Token valid from `now` for `valid_for`:
    /// `(uri, token bytes)` for each.
    ///
    /// # Errors
    /// The signer's or the database's.
    pub fn publish(
        &self,
        signer: &(impl Signer + ?Sized),
        now: DateTime<Utc>,
        valid_for: Duration,
    ) -> Result<Vec<(String, Vec<u8>)>, RegistryError> {
        let mut lists = self.conn.prepare("SELECT uri, size FROM status_lists ORDER BY uri")?;
        let lists: Vec<(String, i64)> =
            lists.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(lists.len());
        for (uri, size) in lists {
            let mut list = StatusList::new(Bits::Two, u64::try_from(size).unwrap_or(0))?;
            let mut rows =
                self.conn.prepare("SELECT status_idx, status FROM documents WHERE status_uri = ?1 AND status != 0")?;
            for row in rows.query_map(params![uri], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, u8>(1)?)))? {
                let (idx, status) = row?;
                list.set(u64::try_from(idx).unwrap_or(u64::MAX), Status::from_value(status))?;
            }
            let iat = now.timestamp();
            let exp = iat.saturating_add(i64::try_from(valid_for.as_secs()).unwrap_or(i64::MAX));
            let token = StatusListToken::sign(signer, &uri, &list, iat, exp, Some(valid_for.as_secs().min(86_400)))?;
            out.push((uri, token));
        }
        Ok(out)
    }
}

/// The next free entry, in the newest list with room, or in a new list: never reused.
fn allocate(tx: &rusqlite::Transaction<'_>, config: &RegistryConfig) -> Result<StatusRef, RegistryError> {
    let open: Option<(String, i64)> = tx
        .query_row(
            "SELECT uri, next_index FROM status_lists WHERE next_index < size ORDER BY rowid DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (uri, idx) = match open {
        Some(found) => found,
        None => {
            let n: i64 = tx.query_row("SELECT count(*) FROM status_lists", [], |r| r.get(0))?;
            let uri = format!("{}/{}", config.uri_base, n + 1);
            tx.execute(
                "INSERT INTO status_lists (uri, bits, size, next_index) VALUES (?1, 2, ?2, 0)",
                params![uri, i64::try_from(config.list_size).unwrap_or(i64::MAX)],
            )?;
            (uri, 0)
        }
    };
    tx.execute("UPDATE status_lists SET next_index = next_index + 1 WHERE uri = ?1", params![uri])?;
    Ok(StatusRef::new(uri, u64::try_from(idx).unwrap_or_default())?)
}
