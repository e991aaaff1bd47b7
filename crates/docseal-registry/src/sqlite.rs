//! The SQLite backend: one file, WAL mode, schema versioned by `user_version`, every write
//! a `BEGIN IMMEDIATE` transaction (so issuers in other threads and processes wait their
//! turn instead of both passing a limit).

use std::path::Path;
use std::time::Duration;

use docseal::Issued;
use docseal::status::{Status, StatusRef};
use rusqlite::{Connection, OptionalExtension as _, TransactionBehavior, params};

use crate::store::{
    Backend, CredentialRecord, DocumentKey, ListEntries, Lookup, NewCredential, SignWith, Stats, signed, unsigned,
};
use crate::{RegistryConfig, RegistryError, rules};

/// The schema version this build writes; older files are migrated, newer ones refused.
pub(crate) const SCHEMA_VERSION: i64 = 2;

/// `application_id` (SQLite header offset 68): marks the file as a docseal registry, so a
/// foreign SQLite file is refused instead of written to. "DSRG".
const APPLICATION_ID: i64 = 0x4453_5247;

/// Version 1: documents, their copies, the status lists.
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

/// Version 2: the settings stored in the file (version 1 took them from each caller), the
/// copies of a document found by index, and a log of status changes.
const SCHEMA_V2: &str = "
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE INDEX credentials_by_document ON credentials (document_id);
CREATE TABLE status_changes (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id),
    changed_at INTEGER NOT NULL,
    from_status INTEGER NOT NULL,
    to_status INTEGER NOT NULL
);
";

/// The columns of a [`CredentialRecord`], in [`record`]'s order.
const RECORD_COLUMNS: &str = "d.document_type, d.document_number, d.holder_key, d.first_month, c.cti, c.kid, c.iat, \
     c.exp, c.payload_sha256, d.status_uri, d.status_idx, d.status \
     FROM credentials c JOIN documents d ON d.id = c.document_id";

/// The registry in one SQLite file.
pub struct SqliteBackend {
    conn: Connection,
    config: RegistryConfig,
}

impl std::fmt::Debug for SqliteBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteBackend").field("config", &self.config).finish_non_exhaustive()
    }
}

impl SqliteBackend {
    /// Opens the registry at `path`, creating it with `config` on first use (an existing
    /// registry keeps the settings it was created with); WAL mode; an older schema
    /// migrated. A file that is not a docseal registry, or one from a newer docseal, is
    /// refused and left as it is.
    ///
    /// # Errors
    /// [`RegistryError::Database`] naming the file.
    pub fn open(path: &Path, config: &RegistryConfig) -> Result<Self, RegistryError> {
        let db_error = |reason: String| RegistryError::Database { path: path.display().to_string(), reason };
        let conn = Connection::open(path).map_err(|e| db_error(describe(&e)))?;
        // Other issuers hold the write lock for one credential at a time: wait for them.
        conn.busy_timeout(Duration::from_secs(30)).map_err(|e| db_error(describe(&e)))?;
        // Reading the header first: a file that is not SQLite fails here, before any write.
        // One read transaction, so a registry another process creates meanwhile is seen
        // whole or not at all (its tables without its application id read as a stranger).
        let (application_id, version, tables) = header(&conn).map_err(|e| db_error(describe(&e)))?;
        if application_id != APPLICATION_ID && (application_id != 0 || tables > 0) {
            return Err(db_error("a SQLite database, but not a docseal registry: left untouched".into()));
        }
        if version > SCHEMA_VERSION {
            return Err(db_error(format!("schema version {version} is newer than this docseal's ({SCHEMA_VERSION})")));
        }
        set_wal(&conn).map_err(|e| db_error(describe(&e)))?;
        conn.pragma_update(None, "synchronous", "FULL").map_err(|e| db_error(e.to_string()))?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(|e| db_error(e.to_string()))?;
        let mut backend = Self { conn, config: config.clone() };
        backend.migrate(version, config).map_err(|e| db_error(e.to_string()))?;
        backend.config = backend.stored_config().map_err(|e| db_error(e.to_string()))?;
        Ok(backend)
    }

    /// Brings the schema from `from` to [`SCHEMA_VERSION`] in one transaction: a failure
    /// leaves the file at its old version.
    fn migrate(&mut self, from: i64, config: &RegistryConfig) -> rusqlite::Result<()> {
        if from == SCHEMA_VERSION {
            return Ok(());
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Another process may have created or migrated the file since the header was read.
        let now: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if now < 1 {
            tx.execute_batch(SCHEMA_V1)?;
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        }
        if now < 2 {
            tx.execute_batch(SCHEMA_V2)?;
            tx.execute(
                "INSERT INTO settings (key, value) VALUES ('status_uri_base', ?1), ('status_list_size', ?2)",
                params![config.uri_base, config.list_size.to_string()],
            )?;
        }
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        tx.commit()
    }

    fn stored_config(&self) -> Result<RegistryConfig, RegistryError> {
        let setting = |key: &str| -> Result<String, RegistryError> {
            self.conn
                .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0))
                .optional()?
                .ok_or_else(|| RegistryError::Corrupt(format!("no setting {key}")))
        };
        let size = setting("status_list_size")?;
        let size = size.parse().map_err(|_| RegistryError::Corrupt(format!("status_list_size {size:?}")))?;
        RegistryConfig::new(&setting("status_uri_base")?)?.with_list_size(size)
    }
}

/// The header's application id and schema version, and the number of schema objects, read
/// in one transaction.
fn header(conn: &Connection) -> rusqlite::Result<(i64, i64, i64)> {
    conn.execute_batch("BEGIN DEFERRED")?;
    let read = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0));
    let values = (|| {
        Ok((read("PRAGMA application_id")?, read("PRAGMA user_version")?, read("SELECT count(*) FROM sqlite_master")?))
    })();
    let _ = conn.execute_batch("COMMIT");
    values
}

/// Switches the file to WAL once. The switch takes an exclusive lock that the busy handler
/// does not wait for, so processes opening a new registry together retry it for a while;
/// once one has switched, the others find WAL in the file and do nothing.
fn set_wal(conn: &Connection) -> rusqlite::Result<()> {
    let mut attempts = 0;
    loop {
        let mode: rusqlite::Result<String> = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0));
        let result = match mode {
            Ok(mode) if mode.eq_ignore_ascii_case("wal") => return Ok(()),
            Ok(_) => conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0)).map(drop),
            Err(e) => Err(e),
        };
        match result {
            Err(e) if is_busy(&e) && attempts < 300 => {
                attempts += 1;
                std::thread::sleep(Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
}

/// A SQLite error in words that say what to check.
pub(crate) fn describe(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode as Code;
    match e.sqlite_error_code() {
        Some(Code::NotADatabase) => format!("not a SQLite database ({e})"),
        Some(Code::ReadOnly) => format!("read-only: the registry is written by every command ({e})"),
        Some(Code::CannotOpen) => {
            format!("cannot open it (a missing folder, or a read-only file or folder: SQLite writes beside it) ({e})")
        }
        Some(Code::DiskFull) => format!("the disk is full ({e})"),
        Some(Code::DatabaseBusy | Code::DatabaseLocked) => format!("busy: another issuer held it too long ({e})"),
        _ => e.to_string(),
    }
}

/// A row of [`RECORD_COLUMNS`] as stored, checked by [`to_record`].
type RawRecord = (DocumentKey, Vec<u8>, Vec<u8>, i64, i64, Vec<u8>, String, i64, u8);

fn record(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawRecord> {
    Ok((
        DocumentKey { document_type: row.get(0)?, number: row.get(1)?, holder: row.get(2)?, month: row.get(3)? },
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
        row.get(7)?,
        row.get(8)?,
        row.get(9)?,
        row.get(10)?,
        row.get(11)?,
    ))
}

pub(crate) fn to_record(
    (document, cti, kid, iat, exp, sha, uri, idx, status): RawRecord,
) -> Result<CredentialRecord, RegistryError> {
    let payload_sha256 = sha.try_into().map_err(|_| {
        RegistryError::Corrupt(format!("credential {}: a payload hash that is not 32 bytes", crate::hex(&cti)))
    })?;
    Ok(CredentialRecord {
        document,
        credential: NewCredential { cti, kid, iat, exp, payload_sha256 },
        status_entry: StatusRef::new(uri, unsigned(idx, "status index")?)?,
        status: Status::from_value(status),
    })
}

impl Backend for SqliteBackend {
    fn issue(&mut self, document: &DocumentKey, sign: &mut SignWith<'_>) -> Result<Issued, RegistryError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let recorded: Option<(i64, String, i64, u8)> = tx
            .query_row(
                "SELECT id, status_uri, status_idx, status FROM documents WHERE document_type = ?1 AND document_number = ?2",
                params![document.document_type, document.number],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        rules::may_issue(document, recorded.as_ref().map(|r| Status::from_value(r.3)), || {
            Ok(tx.query_row(
                "SELECT count(*) FROM documents WHERE document_type = ?1 AND holder_key = ?2 AND first_month = ?3",
                params![document.document_type, document.holder, document.month],
                |r| r.get(0),
            )?)
        })?;
        let (document_id, entry) = match recorded {
            Some((id, uri, idx, _)) => (id, StatusRef::new(uri, unsigned(idx, "status index")?)?),
            None => {
                let entry = allocate(&tx, &self.config)?;
                tx.execute(
                    "INSERT INTO documents (document_type, document_number, holder_key, first_month, status_uri, status_idx) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![
                        document.document_type,
                        document.number,
                        document.holder,
                        document.month,
                        entry.uri(),
                        signed(entry.idx())?
                    ],
                )?;
                (tx.last_insert_rowid(), entry)
            }
        };
        let (issued, row) = sign(&entry)?;
        tx.execute(
            "INSERT INTO credentials (cti, document_id, kid, iat, exp, payload_sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![row.cti, document_id, row.kid, row.iat, row.exp, row.payload_sha256.to_vec()],
        )?;
        tx.commit()?;
        Ok(issued)
    }

    fn set_status(&mut self, document_type: &str, number: &str, to: Status) -> Result<Status, RegistryError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (id, from): (i64, u8) = tx
            .query_row(
                "SELECT id, status FROM documents WHERE document_type = ?1 AND document_number = ?2",
                params![document_type, number],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| RegistryError::UnknownDocument {
                document_type: document_type.into(),
                number: number.into(),
            })?;
        let from = Status::from_value(from);
        rules::transition(document_type, number, from, to)?;
        if from != to {
            tx.execute("UPDATE documents SET status = ?1 WHERE id = ?2", params![to.value(), id])?;
            tx.execute(
                "INSERT INTO status_changes (document_id, changed_at, from_status, to_status) \
                 VALUES (?1, unixepoch(), ?2, ?3)",
                params![id, from.value(), to.value()],
            )?;
        }
        tx.commit()?;
        Ok(from)
    }

    fn credentials(&mut self, lookup: Lookup<'_>) -> Result<Vec<CredentialRecord>, RegistryError> {
        let rows = match lookup {
            Lookup::Cti(cti) => {
                let mut query = self.conn.prepare_cached(&format!("SELECT {RECORD_COLUMNS} WHERE c.cti = ?1"))?;
                query.query_map(params![cti], record)?.collect::<Result<Vec<_>, _>>()?
            }
            Lookup::Document { document_type, number } => {
                let mut query = self.conn.prepare_cached(&format!(
                    "SELECT {RECORD_COLUMNS} WHERE d.document_type = ?1 AND d.document_number = ?2 ORDER BY c.rowid"
                ))?;
                query.query_map(params![document_type, number], record)?.collect::<Result<Vec<_>, _>>()?
            }
            Lookup::Recent(limit) => {
                let mut query =
                    self.conn.prepare_cached(&format!("SELECT {RECORD_COLUMNS} ORDER BY c.rowid DESC LIMIT ?1"))?;
                query.query_map(params![limit], record)?.collect::<Result<Vec<_>, _>>()?
            }
        };
        rows.into_iter().map(to_record).collect()
    }

    fn stats(&mut self) -> Result<Stats, RegistryError> {
        // One read transaction: the counts agree with each other.
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
        let mut documents = tx.prepare("SELECT document_type, count(*) FROM documents GROUP BY 1 ORDER BY 1")?;
        let documents: Vec<(String, i64)> =
            documents.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        let mut by_status = tx.prepare("SELECT status, count(*) FROM documents GROUP BY 1 ORDER BY 1")?;
        let by_status: Vec<(i64, i64)> =
            by_status.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        let credentials: i64 = tx.query_row("SELECT count(*) FROM credentials", [], |r| r.get(0))?;
        let mut lists = tx.prepare("SELECT uri, next_index, size FROM status_lists ORDER BY rowid")?;
        let lists: Vec<(String, i64, i64)> =
            lists.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
        crate::store::stats_from(documents, by_status, credentials, lists)
    }

    fn status_lists(&mut self) -> Result<Vec<ListEntries>, RegistryError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
        let mut lists = tx.prepare("SELECT uri, size FROM status_lists ORDER BY rowid")?;
        let lists: Vec<(String, i64)> =
            lists.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(lists.len());
        let mut rows = tx.prepare("SELECT status_idx, status FROM documents WHERE status_uri = ?1 AND status != 0")?;
        for (uri, size) in lists {
            let entries = rows
                .query_map(params![uri], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, u8>(1)?)))?
                .map(|row| {
                    let (idx, status) = row?;
                    Ok((unsigned(idx, "status index")?, Status::from_value(status)))
                })
                .collect::<Result<_, RegistryError>>()?;
            out.push(ListEntries { uri, size: unsigned(size, "list size")?, entries });
        }
        Ok(out)
    }

    fn config(&self) -> &RegistryConfig {
        &self.config
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
            let lists: i64 = tx.query_row("SELECT count(*) FROM status_lists", [], |r| r.get(0))?;
            let uri = config.list_uri(unsigned(lists, "list count")? + 1);
            tx.execute(
                "INSERT INTO status_lists (uri, bits, size, next_index) VALUES (?1, 2, ?2, 0)",
                params![uri, signed(config.list_size)?],
            )?;
            (uri, 0)
        }
    };
    tx.execute("UPDATE status_lists SET next_index = next_index + 1 WHERE uri = ?1", params![uri])?;
    Ok(StatusRef::new(uri, unsigned(idx, "status index")?)?)
}
