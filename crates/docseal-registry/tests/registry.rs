//! The registry against real databases: a SQLite file, and a PostgreSQL server when
//! `DOCSEAL_TEST_POSTGRES` names one (`eval "$(scripts/postgres start)"`; `.ci/run` sets it
//! and `DOCSEAL_REQUIRE_POSTGRES`, under which a missing server fails instead of skipping).
//! Each PostgreSQL test gets a database of its own.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeSet;
use std::io::BufRead as _;
use std::path::Path;
use std::process::{Command, Stdio};

use chrono::{DateTime, Utc};
use docseal::model::{Credential, TemporaryPass};
use docseal::status::{Status, StatusLists};
use docseal::{Issuer, Limits, Scope, SigningKey, TrustList, TrustedKey, Verifier};
use docseal_registry::{Backend as _, Lookup, NewCredential, Registry, RegistryConfig, RegistryError, SqliteBackend};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).map(|t| t.to_utc()).unwrap()
}

fn config() -> RegistryConfig {
    RegistryConfig::new("https://nia.example/status").unwrap().with_list_size(64).unwrap()
}

fn pass(number: &str) -> Credential {
    pass_on(number, 2026, 11, 24)
}

fn pass_on(number: &str, year: i32, month: u32, day: u32) -> Credential {
    let mut data = docseal::samples::pass_on(chrono::NaiveDate::from_ymd_opt(year, month, day).unwrap()).data().clone();
    data.pass_number = number.into();
    Credential::from(TemporaryPass::new(data).unwrap())
}

/// The `seq`-th citizen ID number of a man born 1990-03-07 in Beijing (an odd sequence
/// number), with its ISO 7064 check digit.
fn id_number(seq: u32) -> String {
    let body = format!("11010519900307{:03}", 2 * seq + 1);
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    let check = (12 - sum % 11) % 11;
    format!("{body}{}", if check == 10 { "X".to_owned() } else { check.to_string() })
}

fn licence(number: &str) -> Credential {
    let mut json = Credential::from(docseal::samples::licence()).to_json();
    json["document_number"] = number.into();
    Credential::from_json(docseal::model::DocumentType::DrivingLicence, &json.to_string()).unwrap()
}

fn issuer() -> Issuer {
    Issuer::new(SigningKey::from_ed25519_seed(&[71; 32]), "National Immigration Administration").unwrap()
}

/// A fresh, empty registry location for each backend this machine has: a SQLite file in
/// `dir`, and a new PostgreSQL database.
fn locations(dir: &Path, name: &str) -> Vec<String> {
    let mut out = vec![dir.join(format!("{name}.db")).display().to_string()];
    out.extend(postgres_database(name));
    out
}

#[cfg(feature = "postgres")]
fn postgres_database(name: &str) -> Option<String> {
    let Ok(url) = std::env::var("DOCSEAL_TEST_POSTGRES") else {
        assert!(
            std::env::var_os("DOCSEAL_REQUIRE_POSTGRES").is_none(),
            "DOCSEAL_REQUIRE_POSTGRES is set but DOCSEAL_TEST_POSTGRES is not"
        );
        eprintln!(
            "SKIPPED the PostgreSQL half of {name}: no DOCSEAL_TEST_POSTGRES (eval \"$(scripts/postgres start)\")"
        );
        return None;
    };
    let database = format!("docseal_{name}_{}", std::process::id());
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).expect("connect to DOCSEAL_TEST_POSTGRES");
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {database}")).unwrap();
    admin.batch_execute(&format!("CREATE DATABASE {database}")).unwrap();
    let base = url.rsplit_once('/').expect("a URL ending in /DATABASE").0;
    Some(format!("{base}/{database}"))
}

#[cfg(not(feature = "postgres"))]
fn postgres_database(name: &str) -> Option<String> {
    eprintln!("SKIPPED the PostgreSQL half of {name}: built without the postgres feature");
    None
}

#[test]
fn at_most_two_passes_per_permit_holder_per_month_and_refreshes_are_free() {
    let dir = tempfile::tempdir().unwrap();
    for location in locations(dir.path(), "pass_limit") {
        let when = at("2026-11-24T01:00:00Z");
        let issuer = issuer();
        for number in ["TP0001", "TP0002"] {
            Registry::connect(&location, &config()).unwrap().issue(&issuer, &pass(number), when).unwrap();
        }
        // A new connection, as a separate run of the issuer would open.
        let mut registry = Registry::connect(&location, &config()).unwrap();
        let third = registry.issue(&issuer, &pass("TP0003"), when).unwrap_err();
        assert!(matches!(third, RegistryError::PassLimit { count: 2, .. }), "{location}: {third}");
        // A refreshed copy of pass 1 is the same document: it issues, and is recorded.
        registry.issue(&issuer, &pass("TP0001"), when + chrono::Duration::minutes(5)).unwrap();
        assert_eq!(registry.credentials_of("temporary-pass", "TP0001").unwrap(), 2);
        assert_eq!(registry.credentials_of("temporary-pass", "TP0003").unwrap(), 0, "no row for a refusal");
        // The next month (in the authority's zone: 2026-12-01 00:30 in Beijing) starts afresh.
        registry.issue(&issuer, &pass_on("TP0003", 2026, 12, 1), at("2026-11-30T16:30:00Z")).unwrap();
        // Issue 37: a pass counts in the month it is valid from, whatever `at` the caller
        // gives: with two December passes recorded, a December pass issued "on 30 November"
        // is the third.
        registry.issue(&issuer, &pass_on("TP0004", 2026, 12, 2), at("2026-12-01T02:00:00Z")).unwrap();
        let backdated =
            registry.issue(&issuer, &pass_on("TP0005", 2026, 12, 3), at("2026-11-30T01:00:00Z")).unwrap_err();
        assert!(matches!(backdated, RegistryError::PassLimit { count: 2, .. }), "{location}: {backdated}");
        let stats = registry.stats().unwrap();
        assert_eq!(stats.credentials, 5, "{location}");
        assert_eq!(stats.documents, vec![("temporary-pass".to_owned(), 4)], "{location}");
    }
}

#[test]
fn concurrent_issuers_never_pass_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    for location in locations(dir.path(), "threads") {
        Registry::connect(&location, &config()).unwrap();
        let when = at("2026-11-24T01:00:00Z");
        let results: Vec<bool> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|i| {
                    let location = location.clone();
                    scope.spawn(move || {
                        let mut registry = Registry::connect(&location, &config()).unwrap();
                        match registry.issue(&issuer(), &pass(&format!("TP10{i:02}")), when) {
                            Ok(_) => true,
                            Err(RegistryError::PassLimit { .. }) => false,
                            Err(other) => panic!("{location}: {other}"),
                        }
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(results.iter().filter(|ok| **ok).count(), 2, "{location}: {results:?}");
    }
}

#[test]
fn suspension_reaches_the_desk_through_the_published_list() {
    let dir = tempfile::tempdir().unwrap();
    for location in locations(dir.path(), "suspension") {
        let mut registry = Registry::connect(&location, &config()).unwrap();
        let key = SigningKey::from_ed25519_seed(&[72; 32]);
        let status_key = SigningKey::from_ed25519_seed(&[73; 32]);
        let mut trust = TrustList::new();
        trust.add(TrustedKey::new("TMB", key.verifying_key()));
        trust.add(TrustedKey::new("TMB status", status_key.verifying_key()).with_scopes(vec![Scope::StatusList]));
        let issuer = Issuer::new(key, "TMB").unwrap();
        let licence = licence("110105199003070017");
        let when = at("2026-11-21T09:00:00Z");
        let issued = registry.issue(&issuer, &licence, when).unwrap();
        let desk = |registry: &mut Registry| {
            let mut lists = StatusLists::new();
            for list in registry.publish(&status_key, when, std::time::Duration::from_secs(86_400)).unwrap() {
                lists.add(&list.token, &trust, &Limits::default()).unwrap();
            }
            Verifier::new(trust.clone()).with_status_lists(lists)
        };
        let now = when + chrono::Duration::minutes(10);
        assert!(desk(&mut registry).verify(&issued.text, now).is_ok());
        let was = registry.set_status("driving-licence", "110105199003070017", Status::Suspended).unwrap();
        assert_eq!(was, Status::Valid);
        assert_eq!(desk(&mut registry).verify(&issued.text, now).unwrap_err().kind(), "suspended", "{location}");
        let refused = registry.issue(&issuer, &licence, now).unwrap_err();
        assert!(matches!(refused, RegistryError::StatusForbids { .. }), "{refused}");
        registry.set_status("driving-licence", "110105199003070017", Status::Valid).unwrap();
        assert!(desk(&mut registry).verify(&issued.text, now).is_ok(), "reinstated");
        registry.set_status("driving-licence", "110105199003070017", Status::Invalid).unwrap();
        let final_ = registry.set_status("driving-licence", "110105199003070017", Status::Valid).unwrap_err();
        assert!(matches!(final_, RegistryError::Transition { .. }), "{final_}");
        assert_eq!(desk(&mut registry).verify(&issued.text, now).unwrap_err().kind(), "revoked");
        assert!(matches!(
            registry.set_status("driving-licence", "nope", Status::Invalid),
            Err(RegistryError::UnknownDocument { .. })
        ));
        let record = &registry.credentials(Lookup::Cti(&issued.claims.cti)).unwrap()[0];
        assert_eq!(record.status, Status::Invalid);
        assert_eq!(record.credential, NewCredential::of(&issued, &issuer.key().kid().0));
        assert_eq!(record.document.holder, "110105199003070017");
    }
}

#[test]
fn entries_are_never_reused_and_a_full_list_opens_the_next() {
    let dir = tempfile::tempdir().unwrap();
    for location in locations(dir.path(), "rollover") {
        let small = RegistryConfig::new("https://tmb.example/status").unwrap().with_list_size(8).unwrap();
        let mut registry = Registry::connect(&location, &small).unwrap();
        let issuer = issuer();
        let when = at("2026-11-21T09:00:00Z");
        let mut entries = BTreeSet::new();
        for i in 0..11 {
            let issued = registry.issue(&issuer, &licence(&id_number(i)), when).unwrap();
            let entry = issued.claims.status.clone().unwrap();
            assert!(entries.insert((entry.uri().to_owned(), entry.idx())), "{location}: {entry:?} reused");
        }
        // A refreshed copy keeps its document's entry.
        let again = registry.issue(&issuer, &licence(&id_number(3)), when).unwrap();
        assert!(entries.contains(&(again.claims.status.as_ref().unwrap().uri().to_owned(), 3)));
        let stats = registry.stats().unwrap();
        let lists: Vec<_> = stats.lists.iter().map(|(uri, used, size)| (uri.as_str(), *used, *size)).collect();
        assert_eq!(lists, [("https://tmb.example/status/1", 8, 8), ("https://tmb.example/status/2", 3, 8)]);
        // An existing registry keeps its own settings whatever the caller passes.
        drop(registry);
        let reopened = Registry::connect(&location, &config()).unwrap();
        assert_eq!(reopened.config(), &small, "{location}");
    }
}

#[test]
fn a_failure_inside_the_transaction_leaves_no_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("docseal.db");
    let mut backend = SqliteBackend::open(&path, &config()).unwrap();
    let document = docseal_registry::rules::document_key(&pass("TP0001"), at("2026-11-24T01:00:00Z")).unwrap();
    let failed = backend.issue(&document, &mut |_| Err(RegistryError::Config("the signer went away".into())));
    assert!(matches!(failed, Err(RegistryError::Config(_))));
    let mut registry = Registry::open(&path, &config()).unwrap();
    let stats = registry.stats().unwrap();
    assert_eq!((stats.credentials, stats.documents.len()), (0, 0), "rolled back");
    // The entry the failed attempt allocated was rolled back with it: the next one gets 0.
    let issued = registry.issue(&issuer(), &pass("TP0001"), at("2026-11-24T01:00:00Z")).unwrap();
    assert_eq!(issued.claims.status.unwrap().idx(), 0);
}

fn unchanged_after_refusal(path: &Path) {
    let before = std::fs::read(path).unwrap();
    let err = Registry::open(path, &config()).unwrap_err();
    assert!(matches!(err, RegistryError::Database { .. }), "{err}");
    assert_eq!(std::fs::read(path).unwrap(), before, "nothing written");
}

#[test]
fn foreign_and_corrupt_files_are_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.db");
    std::fs::write(&text, b"this is not a database, it is a shopping list").unwrap();
    unchanged_after_refusal(&text);
    let foreign = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&foreign).unwrap();
    conn.execute_batch("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount INTEGER);").unwrap();
    drop(conn);
    unchanged_after_refusal(&foreign);
    // A registry from a newer docseal.
    let newer = dir.path().join("newer.db");
    Registry::open(&newer, &config()).unwrap();
    rusqlite::Connection::open(&newer).unwrap().pragma_update(None, "user_version", 99).unwrap();
    let err = Registry::open(&newer, &config()).unwrap_err();
    assert!(err.to_string().contains("newer"), "{err}");
    // A registry file cut short (a bad copy).
    let cut = dir.path().join("cut.db");
    let mut registry = Registry::open(&cut, &config()).unwrap();
    registry.issue(&issuer(), &pass("TP0001"), at("2026-11-24T01:00:00Z")).unwrap();
    drop(registry);
    let bytes = std::fs::read(&cut).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len().min(100)]).unwrap();
    let _ = std::fs::remove_file(dir.path().join("cut.db-wal"));
    unchanged_after_refusal(&cut);
}

#[cfg(feature = "postgres")]
#[test]
fn foreign_postgres_tables_are_refused_and_left_alone() {
    let Some(url) = postgres_database("foreign") else { return };
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client.batch_execute("CREATE TABLE docseal_documents (id INT); INSERT INTO docseal_documents VALUES (7)").unwrap();
    let err = Registry::connect(&url, &config()).unwrap_err();
    assert!(matches!(err, RegistryError::Database { .. }), "{err}");
    let kept: i32 = client.query_one("SELECT id FROM docseal_documents", &[]).unwrap().get(0);
    assert_eq!(kept, 7);
    assert!(!err.to_string().contains("password"));
}

/// Version 1 of the SQLite schema as docseal 0.1's first registry wrote it.
const SCHEMA_V1: &str = include_str!("schema-v1.sql");

#[test]
fn a_version_1_registry_is_migrated_and_keeps_its_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(SCHEMA_V1).unwrap();
    drop(conn);
    let mut registry = Registry::open(&path, &config()).unwrap();
    let version: i64 =
        rusqlite::Connection::open(&path).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, 2);
    assert_eq!(registry.credentials_of("temporary-pass", "TP0001").unwrap(), 1, "the old row is kept");
    // The old pass counts towards the limit, its entry is not reused, and status works.
    let when = at("2026-11-24T01:00:00Z");
    let second = registry.issue(&issuer(), &pass("TP0002"), when).unwrap();
    assert_eq!(second.claims.status.unwrap().idx(), 1);
    assert!(matches!(registry.issue(&issuer(), &pass("TP0003"), when), Err(RegistryError::PassLimit { .. })));
    registry.set_status("temporary-pass", "TP0001", Status::Used).unwrap();
    assert_eq!(registry.credentials(Lookup::Recent(10)).unwrap().len(), 2);
}

/// The child half of the crash tests: issues passes in a loop (or stops dead at one step),
/// printing each credential id once `issue` returned it.
#[test]
fn crash_child() {
    let Ok(path) = std::env::var("DOCSEAL_CRASH_CHILD") else { return };
    let step = std::env::var("DOCSEAL_CRASH_STEP").unwrap();
    let issuer = issuer();
    let when = at("2026-11-24T01:00:00Z");
    let mut backend = backend(&path);
    // id_number's sequence has three digits: 0..500 gives 500 valid licence numbers.
    for i in 0..500 {
        let credential = licence(&id_number(i));
        let document = docseal_registry::rules::document_key(&credential, when).unwrap();
        let prepared = issuer.prepare(&credential).unwrap();
        let issued = backend
            .issue(&document, &mut |entry| {
                if step == "before-sign" {
                    std::process::abort();
                }
                let issued = issuer.issue_prepared(&prepared.clone().with_status(entry.clone()), when)?;
                if step == "after-sign" {
                    std::process::abort();
                }
                let row = NewCredential::of(&issued, &issuer.key().kid().0);
                Ok((issued, row))
            })
            .unwrap();
        if step == "after-commit" {
            std::process::abort();
        }
        // Written and flushed in one call, as the command line prints a credential.
        let mut out = std::io::stdout().lock();
        std::io::Write::write_all(&mut out, format!("ISSUED {}\n", hex(&issued.claims.cti)).as_bytes()).unwrap();
        std::io::Write::flush(&mut out).unwrap();
    }
    // A fast machine issues all 500 before the parent's kill: wait for it, as a crash would
    // come at any moment, instead of ending in a way the parent does not expect.
    loop {
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
}

fn backend(location: &str) -> Box<dyn docseal_registry::Backend> {
    #[cfg(feature = "postgres")]
    if location.starts_with("postgres://") {
        return Box::new(docseal_registry::PostgresBackend::connect(location, &config()).unwrap());
    }
    Box::new(SqliteBackend::open(Path::new(location), &config()).unwrap())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs the child until it dies (by itself at `step`, or killed after `kill_after`);
/// returns the credential ids it printed.
fn crashed_run(path: &str, step: &str, kill_after: Option<std::time::Duration>) -> BTreeSet<String> {
    use std::os::unix::process::ExitStatusExt as _;
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "crash_child", "--nocapture", "--test-threads=1"])
        .env("DOCSEAL_CRASH_CHILD", path)
        .env("DOCSEAL_CRASH_STEP", step)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    if let Some(delay) = kill_after {
        std::thread::sleep(delay);
        child.kill().unwrap();
    }
    let stdout = child.stdout.take().unwrap();
    let printed = std::io::BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        // libtest may have started the line with "test crash_child ... ".
        .filter_map(|line| line.split_once("ISSUED ").map(|(_, cti)| cti.to_owned()))
        .filter(|cti| cti.len() == 32)
        .collect();
    let status = child.wait().unwrap();
    // SIGABRT at its step, or SIGKILL from here: not a panic, not the end of its loop.
    let expected = if kill_after.is_some() { 9 } else { 6 };
    assert_eq!(status.signal(), Some(expected), "{step}: the child died otherwise: {status}");
    printed
}

fn recorded(location: &str) -> BTreeSet<String> {
    #[cfg(feature = "postgres")]
    if location.starts_with("postgres://") {
        let mut client = postgres::Client::connect(location, postgres::NoTls).unwrap();
        let created: bool =
            client.query_one("SELECT to_regclass('docseal_credentials') IS NOT NULL", &[]).unwrap().get(0);
        if !created {
            return BTreeSet::new();
        }
        let rows = client.query("SELECT cti FROM docseal_credentials", &[]).unwrap();
        return rows.iter().map(|r| hex(&r.get::<_, Vec<u8>>(0))).collect();
    }
    let path = Path::new(location);
    if !path.exists() {
        return BTreeSet::new();
    }
    let conn = rusqlite::Connection::open(path).unwrap();
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    // Killed after SQLite made the file but before the schema's transaction committed: an
    // empty database, which holds no credential (the PostgreSQL branch's to_regclass case).
    let created: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'credentials')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    if !created {
        return BTreeSet::new();
    }
    let mut rows = conn.prepare("SELECT cti FROM credentials").unwrap();
    rows.query_map([], |r| r.get::<_, Vec<u8>>(0)).unwrap().map(|c| hex(&c.unwrap())).collect()
}

#[test]
fn a_crash_at_any_step_never_leaves_a_credential_without_its_row() {
    let dir = tempfile::tempdir().unwrap();
    // Stopping dead at each step of one issue.
    for (step, rows) in [("before-sign", 0), ("after-sign", 0), ("after-commit", 1)] {
        for location in locations(dir.path(), &step.replace('-', "_")) {
            let printed = crashed_run(&location, step, None);
            assert!(printed.is_empty(), "{location} {step}: nothing printed");
            assert_eq!(recorded(&location).len(), rows, "{location} {step}");
            // The registry opens and issues after the crash.
            Registry::connect(&location, &config())
                .unwrap()
                .issue(&issuer(), &pass("TP0009"), at("2026-11-24T01:00:00Z"))
                .unwrap();
        }
    }
    // Killed from outside at moments spread over opening, issuing and printing.
    let mut printed_total = 0;
    for run in 0_u64..12 {
        for location in locations(dir.path(), &format!("killed_{run}")) {
            let printed = crashed_run(&location, "loop", Some(std::time::Duration::from_millis(20 + 40 * run)));
            let rows = recorded(&location);
            assert!(printed.is_subset(&rows), "{location}: a printed credential has no row");
            assert!(rows.len() - printed.len() <= 1, "{location}: {} rows, {} printed", rows.len(), printed.len());
            printed_total += printed.len();
        }
    }
    assert!(printed_total > 0, "the kills all came before the first credential: the test proved nothing");
}
