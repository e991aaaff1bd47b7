//! Issuing throughput into the registry: `count` passport copies (default 100,000), each its
//! own committed transaction as `docseal issue` does it, into SQLite (a temporary file) and,
//! when `DOCSEAL_TEST_POSTGRES` names a server (`eval "$(scripts/postgres start)"`), into
//! PostgreSQL; against the same issuing with no registry. Prints credentials per second and
//! the database's size per million credentials.
//!
//! `cargo run --release -p docseal-bench --bin registry_load [-- COUNT]`
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stdout, clippy::cast_precision_loss)]

use std::time::Instant;

use chrono::{DateTime, Utc};
use docseal::model::{Credential, Passport};
use docseal::{Issuer, SigningKey};
use docseal_registry::{Registry, RegistryConfig};

fn passport(i: usize) -> Credential {
    let mut data = docseal::samples::passport_data();
    data.document_number = format!("E{i:08}");
    Credential::from(Passport::new(data).unwrap())
}

fn report(name: &str, count: usize, seconds: f64, bytes: Option<u64>) {
    let size = bytes.map_or_else(String::new, |b| {
        format!(", {:.0} bytes per credential, {:.0} MB per million", b as f64 / count as f64, b as f64 / count as f64)
    });
    println!(
        "{name:<32} {count} credentials in {seconds:.2} s: {:.0} per second, {:.1} us each{size}",
        count as f64 / seconds,
        seconds * 1e6 / count as f64
    );
}

fn load(registry: &mut Registry, issuer: &Issuer, documents: &[Credential], at: DateTime<Utc>) -> f64 {
    let start = Instant::now();
    for document in documents {
        registry.issue(issuer, document, at).unwrap();
    }
    start.elapsed().as_secs_f64()
}

fn main() {
    let count: usize = std::env::args().nth(1).map_or(100_000, |a| a.parse().expect("COUNT"));
    let issuer = Issuer::new(SigningKey::from_ed25519_seed(&[7; 32]), "Exit and Entry Administration").unwrap();
    let at: DateTime<Utc> = "2026-11-21T09:00:00Z".parse().unwrap();
    let documents: Vec<Credential> = (0..count).map(passport).collect();
    let config = RegistryConfig::new("https://nia.example/status").unwrap();

    let start = Instant::now();
    for document in &documents {
        issuer.issue_prepared(&issuer.prepare(document).unwrap(), at).unwrap();
    }
    report("no registry (sign only)", count, start.elapsed().as_secs_f64(), None);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("docseal.db");
    let mut registry = Registry::open(&path, &config).unwrap();
    let seconds = load(&mut registry, &issuer, &documents, at);
    // Closing checkpoints the write-ahead log into the file.
    drop(registry);
    report("SQLite (WAL, synchronous=FULL)", count, seconds, Some(std::fs::metadata(&path).unwrap().len()));

    if let Ok(url) = std::env::var("DOCSEAL_TEST_POSTGRES") {
        let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        admin.batch_execute("DROP DATABASE IF EXISTS docseal_load").unwrap();
        admin.batch_execute("CREATE DATABASE docseal_load").unwrap();
        let db = format!("{}/docseal_load", url.rsplit_once('/').unwrap().0);
        let size = |admin: &mut postgres::Client| -> i64 {
            admin.query_one("SELECT pg_database_size('docseal_load')", &[]).unwrap().get(0)
        };
        let empty = size(&mut admin);
        let mut registry = Registry::connect(&db, &config).unwrap();
        let seconds = load(&mut registry, &issuer, &documents, at);
        drop(registry);
        let used = u64::try_from(size(&mut admin) - empty).unwrap_or(0);
        report("PostgreSQL 127.0.0.1", count, seconds, Some(used));
        admin.batch_execute("DROP DATABASE docseal_load").unwrap();
    } else {
        println!("PostgreSQL: skipped (no DOCSEAL_TEST_POSTGRES)");
    }
}
