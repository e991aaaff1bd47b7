//! `docseal registry ...`, and the registry `issue` records into.

use std::path::Path;
use std::process::ExitCode;

use chrono::Utc;
use docseal::SigningKey;
use docseal::status::Status;
use docseal_registry::{CredentialRecord, Lookup, Registry, RegistryConfig, RegistryError};
use serde_json::{Value, json};

use crate::Failure;
use crate::cli::{DocumentArg, RegistryArgs, RegistryCommand, RegistryLocation};
use crate::files::{read_input, write_atomic};
use crate::report::{hex, rfc3339};

/// The registry's location: `--registry`, else `$DOCSEAL_REGISTRY`, else `docseal.db`.
pub(crate) fn location(arg: &RegistryLocation) -> String {
    arg.registry
        .clone()
        .or_else(|| std::env::var("DOCSEAL_REGISTRY").ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "docseal.db".to_owned())
}

fn is_file(location: &str) -> bool {
    !(location.starts_with("postgres://") || location.starts_with("postgresql://"))
}

/// A registry error as the command line reports it: a refusal exits 1, naming its kind.
pub(crate) fn failure(e: RegistryError) -> Failure {
    if e.is_refusal() {
        Failure::Invalid(format!("refused ({}): {e}", e.kind()))
    } else {
        Failure::usage(format!("{} ({})", e, e.kind()))
    }
}

/// Status lists named after nothing in particular until `registry init --status-base` says
/// where the authority publishes them: a URN unique to this registry.
fn default_config() -> Result<RegistryConfig, Failure> {
    use std::hash::{BuildHasher as _, Hasher as _};
    let unique = std::collections::hash_map::RandomState::new().build_hasher().finish();
    RegistryConfig::new(&format!("urn:docseal:registry:{unique:016x}")).map_err(failure)
}

/// Opens the registry, creating it with defaults (and saying so) on first use.
pub(crate) fn open(arg: &RegistryLocation) -> Result<Registry, Failure> {
    let location = location(arg);
    let new = is_file(&location) && !Path::new(&location).exists();
    let registry = Registry::connect(&location, &default_config()?).map_err(failure)?;
    if new {
        eprintln!(
            "docseal: created the registry {location} (status lists {}/N; `docseal registry init --status-base URL` chooses them)",
            registry.config().uri_base()
        );
    }
    Ok(registry)
}

/// Opens a registry that must exist already: every command but `issue` and `init`, so a
/// mistyped path is told instead of creating an empty registry there.
fn open_existing(arg: &RegistryLocation) -> Result<Registry, Failure> {
    let location = location(arg);
    if is_file(&location) && !Path::new(&location).exists() {
        return Err(Failure::usage(format!(
            "no registry at {location} (`docseal issue` or `docseal registry init` creates one; \
             --registry or DOCSEAL_REGISTRY names another)"
        )));
    }
    Registry::connect(&location, &default_config()?).map_err(failure)
}

fn document_type(name: &str) -> Result<&'static str, Failure> {
    match name {
        "licence" | "driving-licence" => Ok("driving-licence"),
        "passport" => Ok("passport"),
        "temp-pass" | "temporary-pass" => Ok("temporary-pass"),
        other => Err(Failure::usage(format!("{other:?}: a document type is licence, passport or temp-pass"))),
    }
}

fn cti(text: &str) -> Result<Vec<u8>, Failure> {
    let bad = || Failure::usage(format!("{text:?}: a credential id is 32 hex digits"));
    if text.len() != 32 {
        return Err(bad());
    }
    (0..16).map(|i| u8::from_str_radix(text.get(2 * i..2 * i + 2).ok_or_else(bad)?, 16).map_err(|_| bad())).collect()
}

/// The document a target names: `(type, number)`.
fn document(registry: &mut Registry, target: &DocumentArg) -> Result<(String, String), Failure> {
    match target.target.as_slice() {
        [id] => {
            let records = registry.credentials(Lookup::Cti(&cti(id)?)).map_err(failure)?;
            let record =
                records.first().ok_or_else(|| Failure::Invalid(format!("no credential {id} in the registry")))?;
            Ok((record.document.document_type.clone(), record.document.number.clone()))
        }
        [kind, number] => Ok((document_type(kind)?.to_owned(), number.clone())),
        _ => Err(Failure::usage("give a credential id, or a document type and number")),
    }
}

fn record_json(record: &CredentialRecord) -> Value {
    json!({
        "credential_id": hex(&record.credential.cti),
        "document_type": record.document.document_type,
        "document_number": record.document.number,
        "holder": record.document.holder,
        "first_month": record.document.month,
        "kid": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &record.credential.kid),
        "issued_at": rfc3339(record.credential.iat),
        "expires_at": rfc3339(record.credential.exp),
        "status_list": {"uri": record.status_entry.uri(), "idx": record.status_entry.idx()},
        "status": record.status.to_string(),
        "payload_sha256": hex(&record.credential.payload_sha256),
    })
}

fn set_status(args: &RegistryArgs, target: &DocumentArg, to: Status) -> Result<ExitCode, Failure> {
    let mut registry = open_existing(&args.location)?;
    let (document_type, number) = document(&mut registry, target)?;
    let was = registry.set_status(&document_type, &number, to).map_err(failure)?;
    outln!("{document_type} {number}: {was} -> {to}");
    eprintln!("docseal: relying parties see it after the next `docseal registry publish`");
    Ok(ExitCode::SUCCESS)
}

fn publish(
    registry: &mut Registry,
    key: &Path,
    out_dir: &Path,
    valid_for: std::time::Duration,
    at: Option<chrono::DateTime<Utc>>,
) -> Result<(), Failure> {
    let pem = zeroize::Zeroizing::new(read_input(key)?);
    let key = SigningKey::from_pkcs8_pem(&pem).map_err(|e| Failure::usage(format!("{}: {e}", key.display())))?;
    let lists = registry.publish(&key, at.unwrap_or_else(Utc::now), valid_for).map_err(failure)?;
    let index_path = out_dir.join("index.json");
    if lists.is_empty() {
        let published = listed_in(&index_path);
        if published > 0 {
            return Err(Failure::usage(format!(
                "{} lists {published} status list(s) and this registry has none: not replaced \
                 (is --registry the registry that published them?)",
                index_path.display()
            )));
        }
    }
    std::fs::create_dir_all(out_dir)
        .map_err(|e| Failure::usage(format!("cannot create {}: {e}", out_dir.display())))?;
    crate::files::remove_stale_partials(out_dir);
    let mut index = Vec::with_capacity(lists.len());
    for (n, list) in lists.iter().enumerate() {
        let file = format!("{}.cwt", n + 1);
        write_atomic(&out_dir.join(&file), &list.token, 0o644, true)?;
        index.push(json!({
            "uri": list.uri, "file": file, "size": list.size, "not_valid": list.not_valid,
            "iat": rfc3339(list.issued_at), "exp": rfc3339(list.expires_at), "bytes": list.token.len(),
        }));
    }
    // The index last: a reader that finds it finds every token it names.
    let index = json!({"kid": key.kid().to_string(), "lists": index});
    let text = serde_json::to_string_pretty(&index).map_err(Failure::usage)?;
    write_atomic(&index_path, format!("{text}\n").as_bytes(), 0o644, true)?;
    for list in &lists {
        outln!("{}: {} entries, {} not valid, {} bytes", list.uri, list.size, list.not_valid, list.token.len());
    }
    eprintln!("docseal: {} status list(s) and index.json written to {}", lists.len(), out_dir.display());
    Ok(())
}

/// How many lists a published `index.json` names (0 when there is none or it cannot be read:
/// then there is nothing to protect).
fn listed_in(index: &Path) -> usize {
    std::fs::read(index)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .and_then(|v| v.get("lists").and_then(Value::as_array).map(Vec::len))
        .unwrap_or(0)
}

pub(crate) fn run(args: &RegistryArgs) -> Result<ExitCode, Failure> {
    match &args.command {
        RegistryCommand::Init { status_base, list_size } => {
            let location = location(&args.location);
            let config = match status_base {
                Some(base) => RegistryConfig::new(base).map_err(failure)?,
                None => default_config()?,
            }
            .with_list_size(*list_size)
            .map_err(failure)?;
            let existed = is_file(&location) && Path::new(&location).exists();
            let registry = Registry::connect(&location, &config).map_err(failure)?;
            let stored = registry.config();
            if existed
                && (status_base.as_deref().is_some_and(|b| b.trim_end_matches('/') != stored.uri_base())
                    || stored.list_size() != *list_size)
            {
                return Err(Failure::usage(format!(
                    "{location} exists with status lists {}/N of {} entries: settings are fixed when a registry is created",
                    stored.uri_base(),
                    stored.list_size()
                )));
            }
            outln!("registry {location}: status lists {}/N of {} entries", stored.uri_base(), stored.list_size());
        }
        RegistryCommand::List { limit, document, json } => {
            let mut registry = open_existing(&args.location)?;
            let records = match document.as_deref() {
                Some([kind, number]) => registry
                    .credentials(Lookup::Document { document_type: document_type(kind)?, number })
                    .map_err(failure)?,
                _ => registry.credentials(Lookup::Recent(*limit)).map_err(failure)?,
            };
            for record in &records {
                if *json {
                    outln!("{}", record_json(record));
                } else {
                    let issued = chrono::DateTime::from_timestamp(record.credential.iat, 0)
                        .map(|t| t.to_rfc3339())
                        .unwrap_or_default();
                    outln!(
                        "{issued}  {:<15} {:<20} {:<9} {}",
                        record.document.document_type,
                        record.document.number,
                        record.status.to_string(),
                        hex(&record.credential.cti)
                    );
                }
            }
        }
        RegistryCommand::Show { cti: id } => {
            let mut registry = open_existing(&args.location)?;
            let records = registry.credentials(Lookup::Cti(&cti(id)?)).map_err(failure)?;
            let record =
                records.first().ok_or_else(|| Failure::Invalid(format!("no credential {id} in the registry")))?;
            outln!("{}", serde_json::to_string_pretty(&record_json(record)).map_err(Failure::usage)?);
        }
        RegistryCommand::Revoke(target) => return set_status(args, target, Status::Invalid),
        RegistryCommand::Suspend(target) => return set_status(args, target, Status::Suspended),
        RegistryCommand::Reinstate(target) => return set_status(args, target, Status::Valid),
        RegistryCommand::MarkUsed(target) => return set_status(args, target, Status::Used),
        RegistryCommand::Publish { key, out_dir, valid_for, at } => {
            publish(&mut open_existing(&args.location)?, key, out_dir, *valid_for, *at)?;
        }
        RegistryCommand::Stats => {
            let mut registry = open_existing(&args.location)?;
            let stats = registry.stats().map_err(failure)?;
            let by_status: serde_json::Map<String, Value> =
                stats.by_status.iter().map(|(s, n)| (s.to_string(), (*n).into())).collect();
            let documents: serde_json::Map<String, Value> =
                stats.documents.iter().map(|(t, n)| (t.clone(), (*n).into())).collect();
            let lists: Vec<Value> = stats
                .lists
                .iter()
                .map(|(uri, used, size)| json!({"uri": uri, "allocated": used, "size": size}))
                .collect();
            let out = json!({
                "registry": location(&args.location),
                "documents": documents,
                "credentials": stats.credentials,
                "documents_by_status": by_status,
                "status_lists": lists,
            });
            outln!("{}", serde_json::to_string_pretty(&out).map_err(Failure::usage)?);
        }
    }
    Ok(ExitCode::SUCCESS)
}
