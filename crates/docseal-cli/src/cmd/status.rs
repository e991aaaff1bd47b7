//! `docseal status new|set|show|sign`: an authority's status list from the command line.
//! The working file is the draft's JSON form with the URI beside it:
//! `{"uri": ..., "bits": 2, "lst": base64url(zlib(bytes))}`.

use std::path::Path;
use std::process::ExitCode;

use base64::Engine as _;
use chrono::Utc;
use docseal::Limits;
use docseal::SigningKey;
use docseal::status::{Bits, Status, StatusList, StatusListToken};
use serde_json::json;

use crate::Failure;
use crate::cli::StatusCommand;
use crate::files::{read_bytes, read_input, write_atomic};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

struct Working {
    uri: String,
    list: StatusList,
}

fn read_working(path: &Path) -> Result<Working, Failure> {
    let bad = |why: &str| Failure::usage(format!("{}: not a status list working file: {why}", path.display()));
    let json: serde_json::Value = serde_json::from_str(&read_input(path)?).map_err(|e| bad(&e.to_string()))?;
    let uri = json["uri"].as_str().ok_or_else(|| bad("no uri"))?.to_owned();
    let bits = Bits::from_count(json["bits"].as_u64().ok_or_else(|| bad("no bits"))?).map_err(Failure::usage)?;
    let lst = B64.decode(json["lst"].as_str().ok_or_else(|| bad("no lst"))?).map_err(|e| bad(&e.to_string()))?;
    let list = StatusList::decompress(bits, &lst, Limits::default().max_status_list_len).map_err(Failure::usage)?;
    Ok(Working { uri, list })
}

fn write_working(path: &Path, working: &Working, force: bool) -> Result<(), Failure> {
    let json =
        json!({"uri": working.uri, "bits": working.list.bits().count(), "lst": B64.encode(working.list.compress())});
    write_atomic(path, format!("{json}\n").as_bytes(), 0o644, force)
}

fn summary(uri: &str, list: &StatusList) -> serde_json::Value {
    let counts = list.counts();
    let mut by_status = serde_json::Map::new();
    for (value, count) in counts.iter().enumerate().filter(|(_, c)| **c > 0) {
        let name = u8::try_from(value).map_or_else(|_| value.to_string(), |v| Status::from_value(v).to_string());
        by_status.insert(name, (*count).into());
    }
    json!({"uri": uri, "bits": list.bits().count(), "entries": list.len(), "by_status": by_status})
}

pub(crate) fn run(command: &StatusCommand) -> Result<ExitCode, Failure> {
    match command {
        StatusCommand::New { uri, bits, size, out, force } => {
            docseal::status::StatusRef::new(uri.clone(), 0).map_err(Failure::usage)?;
            let list =
                StatusList::new(Bits::from_count(*bits).map_err(Failure::usage)?, *size).map_err(Failure::usage)?;
            write_working(out, &Working { uri: uri.clone(), list }, *force)?;
            eprintln!("docseal: wrote a {bits}-bit list of {size} entries, all VALID, to {}", out.display());
        }
        StatusCommand::Set { file, index, status } => {
            let mut working = read_working(file)?;
            let status = Status::from_name(status)
                .ok_or_else(|| Failure::usage(format!("--to {status:?}: valid, invalid, suspended, used or 0-255")))?;
            working.list.set(*index, status).map_err(Failure::usage)?;
            write_working(file, &working, true)?;
            outln!("entry {index} of {}: {status}", working.uri);
        }
        StatusCommand::Show { file, index } => {
            let bytes = read_bytes(file)?;
            let (uri, list, signed) = if bytes.first() == Some(&b'{') {
                let working = read_working(file)?;
                (working.uri, working.list, None)
            } else {
                let token = StatusListToken::decode(&bytes, &Limits::default()).map_err(Failure::usage)?;
                let signed = json!({
                    "verified": false,
                    "kid": base64::engine::general_purpose::STANDARD.encode(&token.kid),
                    "iat": crate::report::rfc3339(token.issued_at),
                    "exp": token.expires_at.map(crate::report::rfc3339),
                    "ttl": token.ttl,
                });
                (token.uri, token.list, Some(signed))
            };
            let mut out = match index {
                Some(i) => {
                    let status = list.get(*i).ok_or_else(|| Failure::usage(format!("index {i} is past the end")))?;
                    json!({"uri": uri, "index": i, "status": status.to_string()})
                }
                None => summary(&uri, &list),
            };
            if let Some(signed) = signed {
                out["token"] = signed;
            }
            outln!("{}", serde_json::to_string_pretty(&out).map_err(Failure::usage)?);
        }
        StatusCommand::Sign { file, key, out, valid_for, ttl, at, force } => {
            let working = read_working(file)?;
            let pem = zeroize::Zeroizing::new(read_input(key)?);
            let key =
                SigningKey::from_pkcs8_pem(&pem).map_err(|e| Failure::usage(format!("{}: {e}", key.display())))?;
            let iat = at.unwrap_or_else(Utc::now).timestamp();
            let exp = iat.saturating_add(i64::try_from(valid_for.as_secs()).unwrap_or(i64::MAX));
            let token = StatusListToken::sign(&key, &working.uri, &working.list, iat, exp, Some(ttl.as_secs()))
                .map_err(Failure::usage)?;
            write_atomic(out, &token, 0o644, *force)?;
            eprintln!(
                "docseal: signed {} ({} entries) into {}: {} bytes, kid {}",
                working.uri,
                working.list.len(),
                out.display(),
                token.len(),
                key.kid()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
