//! The PostgreSQL backend, for an authority whose issuers run on several machines. Its
//! tables are prefixed `docseal_` so that they can share a database; every issue runs in
//! one transaction that first takes a transaction-scoped advisory lock, so issuers on any
//! machine are serialised exactly as SQLite's `BEGIN IMMEDIATE` serialises them on one.

use std::time::Duration;

use docseal::Issued;
use docseal::status::{Status, StatusRef};
use postgres::{Client, NoTls, Statement, Transaction};

use crate::sqlite::to_record;
use crate::store::{Backend, CredentialRecord, DocumentKey, ListEntries, Lookup, SignWith, Stats};
use crate::store::{signed, unsigned};
use crate::{RegistryConfig, RegistryError, rules};

/// The schema version this build writes, kept in `docseal_meta`.
const SCHEMA_VERSION: i64 = 1;

/// The advisory lock every writing transaction takes first: "DSRG".
const LOCK: i64 = 0x4453_5247;

const SCHEMA_V1: &str = "
CREATE TABLE docseal_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE docseal_documents (
    id BIGSERIAL PRIMARY KEY,
    document_type TEXT NOT NULL,
    document_number TEXT NOT NULL,
    holder_key TEXT NOT NULL,
    first_month TEXT NOT NULL,
    status_uri TEXT NOT NULL,
    status_idx BIGINT NOT NULL,
    status SMALLINT NOT NULL DEFAULT 0,
    UNIQUE (document_type, document_number),
    UNIQUE (status_uri, status_idx)
);
CREATE INDEX docseal_documents_by_holder ON docseal_documents (document_type, holder_key, first_month);
CREATE TABLE docseal_credentials (
    id BIGSERIAL PRIMARY KEY,
    cti BYTEA NOT NULL UNIQUE,
    document_id BIGINT NOT NULL REFERENCES docseal_documents (id),
    kid BYTEA NOT NULL,
    iat BIGINT NOT NULL,
    exp BIGINT NOT NULL,
    payload_sha256 BYTEA NOT NULL
);
CREATE INDEX docseal_credentials_by_document ON docseal_credentials (document_id);
CREATE TABLE docseal_status_lists (
    id BIGSERIAL PRIMARY KEY,
    uri TEXT NOT NULL UNIQUE,
    bits SMALLINT NOT NULL,
    size BIGINT NOT NULL,
    next_index BIGINT NOT NULL
);
CREATE TABLE docseal_status_changes (
    id BIGSERIAL PRIMARY KEY,
    document_id BIGINT NOT NULL REFERENCES docseal_documents (id),
    changed_at BIGINT NOT NULL,
    from_status SMALLINT NOT NULL,
    to_status SMALLINT NOT NULL
);
";

const RECORD_COLUMNS: &str = "d.document_type, d.document_number, d.holder_key, d.first_month, c.cti, c.kid, c.iat, \
     c.exp, c.payload_sha256, d.status_uri, d.status_idx, d.status \
     FROM docseal_credentials c JOIN docseal_documents d ON d.id = c.document_id";

/// The registry in a PostgreSQL database.
pub struct PostgresBackend {
    client: Client,
    config: RegistryConfig,
    hot: Hot,
}

/// The statements of every issue, prepared once per connection: each otherwise costs a
/// round trip to prepare before the one that runs it.
struct Hot {
    lock: Statement,
    find: Statement,
    passes: Statement,
    allocate: Statement,
    insert_document_and_credential: Statement,
    insert_credential: Statement,
}

impl Hot {
    fn prepare(client: &mut Client) -> Result<Self, postgres::Error> {
        Ok(Self {
            lock: client.prepare("SELECT pg_advisory_xact_lock($1)")?,
            find: client.prepare(
                "SELECT id, status_uri, status_idx, status FROM docseal_documents WHERE document_type = $1 AND document_number = $2",
            )?,
            passes: client.prepare(
                "SELECT count(*) FROM docseal_documents WHERE document_type = $1 AND holder_key = $2 AND first_month = $3",
            )?,
            // Under the lock: nobody else takes the entry between the choice and the bump.
            allocate: client.prepare(
                "UPDATE docseal_status_lists SET next_index = next_index + 1 WHERE id = \
                 (SELECT id FROM docseal_status_lists WHERE next_index < size ORDER BY id DESC LIMIT 1) \
                 RETURNING uri, next_index - 1",
            )?,
            insert_document_and_credential: client.prepare(
                "WITH d AS (INSERT INTO docseal_documents (document_type, document_number, holder_key, first_month, status_uri, status_idx) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id) \
                 INSERT INTO docseal_credentials (cti, document_id, kid, iat, exp, payload_sha256) \
                 SELECT $7, d.id, $8, $9, $10, $11 FROM d",
            )?,
            insert_credential: client.prepare(
                "INSERT INTO docseal_credentials (cti, document_id, kid, iat, exp, payload_sha256) VALUES ($1, $2, $3, $4, $5, $6)",
            )?,
        })
    }
}

impl std::fmt::Debug for PostgresBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresBackend").field("config", &self.config).finish_non_exhaustive()
    }
}

/// `url` without its password, for messages.
pub(crate) fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}{user}@{}", &url[..scheme + 3], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

fn status_of(value: i16) -> Result<Status, RegistryError> {
    u8::try_from(value).map(Status::from_value).map_err(|_| RegistryError::Corrupt(format!("status {value}")))
}

impl PostgresBackend {
    /// Connects to the database at `url` (no TLS: run it on 127.0.0.1 or a private
    /// network), creating docseal's tables with `config` on first use; an existing registry
    /// keeps its settings. Tables named `docseal_*` that docseal did not make, or a schema
    /// from a newer docseal, are refused and left as they are.
    ///
    /// # Errors
    /// [`RegistryError::Database`] naming the URL without its password.
    pub fn connect(url: &str, config: &RegistryConfig) -> Result<Self, RegistryError> {
        let db_error = |reason: String| RegistryError::Database { path: redacted(url), reason };
        let mut pg: postgres::Config = url.parse().map_err(|e: postgres::Error| db_error(e.to_string()))?;
        if pg.get_connect_timeout().is_none() {
            pg.connect_timeout(Duration::from_secs(10));
        }
        let mut client = pg.connect(NoTls).map_err(|e| db_error(e.to_string()))?;
        // Other issuers hold the lock for one credential at a time: wait for them, not forever.
        client.batch_execute("SET lock_timeout = '30s'").map_err(|e| db_error(e.to_string()))?;
        let config = migrate(&mut client, config).map_err(|e| match e {
            RegistryError::Postgres(e) => db_error(e.to_string()),
            RegistryError::Config(reason) => db_error(reason),
            other => other,
        })?;
        let hot = Hot::prepare(&mut client).map_err(|e| db_error(e.to_string()))?;
        Ok(Self { client, config, hot })
    }
}

/// Creates or checks the schema under the lock, so that two first issuers do not both
/// create it; returns the stored settings.
fn migrate(client: &mut Client, config: &RegistryConfig) -> Result<RegistryConfig, RegistryError> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK])?;
    let tables: Vec<String> = tx
        .query("SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'docseal\\_%'", &[])?
        .iter()
        .map(|r| r.get(0))
        .collect();
    if tables.is_empty() {
        tx.batch_execute(SCHEMA_V1)?;
        tx.execute(
            "INSERT INTO docseal_meta (key, value) VALUES ('schema_version', $1), ('status_uri_base', $2), ('status_list_size', $3)",
            &[&SCHEMA_VERSION.to_string(), &config.uri_base, &config.list_size.to_string()],
        )?;
    } else if !tables.iter().any(|t| t == "docseal_meta") {
        return Err(RegistryError::Config("tables named docseal_* that docseal did not make: left untouched".into()));
    }
    let setting = |tx: &mut Transaction<'_>, key: &str| -> Result<String, RegistryError> {
        tx.query_opt("SELECT value FROM docseal_meta WHERE key = $1", &[&key])?
            .map(|r| r.get(0))
            .ok_or_else(|| RegistryError::Config(format!("docseal_meta has no {key}: not a docseal registry")))
    };
    let version = setting(&mut tx, "schema_version")?;
    match version.parse::<i64>() {
        Ok(SCHEMA_VERSION) => {}
        Ok(v) if v > SCHEMA_VERSION => {
            return Err(RegistryError::Config(format!(
                "schema version {v} is newer than this docseal's ({SCHEMA_VERSION})"
            )));
        }
        _ => return Err(RegistryError::Config(format!("schema version {version:?} unknown to docseal"))),
    }
    let size = setting(&mut tx, "status_list_size")?;
    let size = size.parse().map_err(|_| RegistryError::Corrupt(format!("status_list_size {size:?}")))?;
    let stored = RegistryConfig::new(&setting(&mut tx, "status_uri_base")?)?.with_list_size(size)?;
    tx.commit()?;
    Ok(stored)
}

impl Backend for PostgresBackend {
    fn issue(&mut self, document: &DocumentKey, sign: &mut SignWith<'_>) -> Result<Issued, RegistryError> {
        let hot = &self.hot;
        let mut tx = self.client.transaction()?;
        tx.execute(&hot.lock, &[&LOCK])?;
        let recorded = tx.query_opt(&hot.find, &[&document.document_type, &document.number])?;
        let recorded_status = recorded.as_ref().map(|r| status_of(r.get(3))).transpose()?;
        rules::may_issue(document, recorded_status, || {
            let count: i64 =
                tx.query_one(&hot.passes, &[&document.document_type, &document.holder, &document.month])?.get(0);
            u32::try_from(count).map_err(|_| RegistryError::Corrupt(format!("pass count {count}")))
        })?;
        match recorded {
            Some(row) => {
                let entry = StatusRef::new(row.get::<_, String>(1), unsigned(row.get(2), "status index")?)?;
                let (issued, credential) = sign(&entry)?;
                let document_id: i64 = row.get(0);
                tx.execute(
                    &hot.insert_credential,
                    &[
                        &credential.cti,
                        &document_id,
                        &credential.kid,
                        &credential.iat,
                        &credential.exp,
                        &credential.payload_sha256.as_slice(),
                    ],
                )?;
                tx.commit()?;
                Ok(issued)
            }
            None => {
                let entry = match tx.query_opt(&hot.allocate, &[])? {
                    Some(row) => StatusRef::new(row.get::<_, String>(0), unsigned(row.get(1), "status index")?)?,
                    None => new_list(&mut tx, &self.config)?,
                };
                let (issued, credential) = sign(&entry)?;
                tx.execute(
                    &hot.insert_document_and_credential,
                    &[
                        &document.document_type,
                        &document.number,
                        &document.holder,
                        &document.month,
                        &entry.uri(),
                        &signed(entry.idx())?,
                        &credential.cti,
                        &credential.kid,
                        &credential.iat,
                        &credential.exp,
                        &credential.payload_sha256.as_slice(),
                    ],
                )?;
                tx.commit()?;
                Ok(issued)
            }
        }
    }

    fn set_status(&mut self, document_type: &str, number: &str, to: Status) -> Result<Status, RegistryError> {
        let mut tx = self.client.transaction()?;
        let row = tx
            .query_opt(
                "SELECT id, status FROM docseal_documents WHERE document_type = $1 AND document_number = $2 FOR UPDATE",
                &[&document_type, &number],
            )?
            .ok_or_else(|| RegistryError::UnknownDocument {
                document_type: document_type.into(),
                number: number.into(),
            })?;
        let id: i64 = row.get(0);
        let from = status_of(row.get(1))?;
        rules::transition(document_type, number, from, to)?;
        if from != to {
            let (from_value, to_value) = (i16::from(from.value()), i16::from(to.value()));
            tx.execute("UPDATE docseal_documents SET status = $1 WHERE id = $2", &[&to_value, &id])?;
            tx.execute(
                "INSERT INTO docseal_status_changes (document_id, changed_at, from_status, to_status) \
                 VALUES ($1, extract(epoch FROM now())::bigint, $2, $3)",
                &[&id, &from_value, &to_value],
            )?;
        }
        tx.commit()?;
        Ok(from)
    }

    fn credentials(&mut self, lookup: Lookup<'_>) -> Result<Vec<CredentialRecord>, RegistryError> {
        let rows = match lookup {
            Lookup::Cti(cti) => self.client.query(&format!("SELECT {RECORD_COLUMNS} WHERE c.cti = $1"), &[&cti])?,
            Lookup::Document { document_type, number } => self.client.query(
                &format!("SELECT {RECORD_COLUMNS} WHERE d.document_type = $1 AND d.document_number = $2 ORDER BY c.id"),
                &[&document_type, &number],
            )?,
            Lookup::Recent(limit) => self
                .client
                .query(&format!("SELECT {RECORD_COLUMNS} ORDER BY c.id DESC LIMIT $1"), &[&i64::from(limit)])?,
        };
        rows.iter()
            .map(|r| {
                let status = u8::try_from(r.get::<_, i16>(11))
                    .map_err(|_| RegistryError::Corrupt(format!("status {}", r.get::<_, i16>(11))))?;
                to_record((
                    DocumentKey { document_type: r.get(0), number: r.get(1), holder: r.get(2), month: r.get(3) },
                    r.get(4),
                    r.get(5),
                    r.get(6),
                    r.get(7),
                    r.get(8),
                    r.get(9),
                    r.get(10),
                    status,
                ))
            })
            .collect()
    }

    fn stats(&mut self) -> Result<Stats, RegistryError> {
        let mut tx = self
            .client
            .build_transaction()
            .read_only(true)
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .start()?;
        let documents = tx
            .query("SELECT document_type, count(*) FROM docseal_documents GROUP BY 1 ORDER BY 1", &[])?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let by_status = tx
            .query("SELECT status, count(*) FROM docseal_documents GROUP BY 1 ORDER BY 1", &[])?
            .iter()
            .map(|r| (i64::from(r.get::<_, i16>(0)), r.get(1)))
            .collect();
        let credentials: i64 = tx.query_one("SELECT count(*) FROM docseal_credentials", &[])?.get(0);
        let lists = tx
            .query("SELECT uri, next_index, size FROM docseal_status_lists ORDER BY id", &[])?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        tx.commit()?;
        crate::store::stats_from(documents, by_status, credentials, lists)
    }

    fn status_lists(&mut self) -> Result<Vec<ListEntries>, RegistryError> {
        let mut tx = self
            .client
            .build_transaction()
            .read_only(true)
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .start()?;
        let lists = tx.query("SELECT uri, size FROM docseal_status_lists ORDER BY id", &[])?;
        let mut out = Vec::with_capacity(lists.len());
        for list in lists {
            let uri: String = list.get(0);
            let entries = tx
                .query(
                    "SELECT status_idx, status FROM docseal_documents WHERE status_uri = $1 AND status != 0",
                    &[&uri],
                )?
                .iter()
                .map(|r| Ok((unsigned(r.get(0), "status index")?, status_of(r.get(1))?)))
                .collect::<Result<_, RegistryError>>()?;
            out.push(ListEntries { uri, size: unsigned(list.get(1), "list size")?, entries });
        }
        tx.commit()?;
        Ok(out)
    }

    fn config(&self) -> &RegistryConfig {
        &self.config
    }
}

/// Every list is full (or there is none yet): entry 0 of a new one. Entries are never reused.
fn new_list(tx: &mut Transaction<'_>, config: &RegistryConfig) -> Result<StatusRef, RegistryError> {
    let lists: i64 = tx.query_one("SELECT count(*) FROM docseal_status_lists", &[])?.get(0);
    let uri = config.list_uri(unsigned(lists, "list count")? + 1);
    tx.execute(
        "INSERT INTO docseal_status_lists (uri, bits, size, next_index) VALUES ($1, 2, $2, 1)",
        &[&uri, &signed(config.list_size)?],
    )?;
    Ok(StatusRef::new(uri, 0)?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(super::redacted("postgres://issuer:s3cret@10.0.0.5/docseal"), "postgres://issuer@10.0.0.5/docseal");
        assert_eq!(super::redacted("postgresql://127.0.0.1:5433/db"), "postgresql://127.0.0.1:5433/db");
    }
}
