//! `docseal trust sign|show`: the trust anchor signs the list desks load.

use std::process::ExitCode;

use chrono::Utc;
use docseal::SigningKey;
use docseal::trust::{TrustList, TrustListInfo};
use serde_json::json;

use crate::Failure;
use crate::cli::TrustCommand;
use crate::files::{read_input, write_atomic};

pub(crate) fn run(command: &TrustCommand) -> Result<ExitCode, Failure> {
    match command {
        TrustCommand::Sign { anchor_key, input, out, provider, sequence, valid_for, at, force } => {
            let list = TrustList::from_json(&read_input(input)?)
                .map_err(|e| Failure::usage(format!("{}: {e}", input.display())))?;
            let pem = zeroize::Zeroizing::new(read_input(anchor_key)?);
            let anchor = SigningKey::from_pkcs8_pem(&pem)
                .map_err(|e| Failure::usage(format!("{}: {e}", anchor_key.display())))?;
            // Whole seconds: the list carries NumericDates.
            let date = chrono::DateTime::from_timestamp(at.unwrap_or_else(Utc::now).timestamp(), 0)
                .ok_or_else(|| Failure::usage("--at is out of range"))?;
            let next_update =
                date + chrono::Duration::from_std(*valid_for).map_err(|_| Failure::usage("--valid-for is too long"))?;
            let info = TrustListInfo { provider: provider.clone(), date, sequence: *sequence, next_update };
            let signed = list.sign(&anchor, &info).map_err(Failure::usage)?;
            write_atomic(out, &signed, 0o644, *force)?;
            eprintln!(
                "docseal: signed {} entries as list {sequence} of {provider:?} into {} ({} bytes, anchor kid {}, next update {next_update})",
                list.keys().len(),
                out.display(),
                signed.len(),
                anchor.kid()
            );
        }
        TrustCommand::Show { file, trust_anchor, at } => {
            let now = at.unwrap_or_else(Utc::now);
            // Shown even when overdue: `show` is how an operator finds out.
            let policy = docseal::Policy::default().accepting_overdue_trust();
            let desk = super::verify::open_desk(file, trust_anchor.as_deref(), &[], policy, None, now)?
                .map_err(Failure::usage)?;
            let set = desk.set();
            let (list, info) = (set.verifier().trust_list(), set.trust_info());
            let entries: Vec<_> = list
                .keys()
                .iter()
                .map(|k| {
                    let (not_before, not_after) = k.validity();
                    json!({
                        "name": k.name(),
                        "kid": k.key().kid().to_string(),
                        "algorithm": k.key().algorithm().name(),
                        "documents": k.scopes().iter().map(|s| s.name()).collect::<Vec<_>>(),
                        "iss": k.issuer(),
                        "not_before": not_before.map(|t| t.to_rfc3339()),
                        "not_after": not_after.map(|t| t.to_rfc3339()),
                    })
                })
                .collect();
            let mut out = json!({"signed": info.is_some(), "entries": entries});
            if let Some(info) = info {
                out["provider"] = info.provider.clone().into();
                out["sequence"] = info.sequence.into();
                out["date"] = info.date.to_rfc3339().into();
                out["next_update"] = info.next_update.to_rfc3339().into();
                out["overdue"] = (now >= info.next_update).into();
            }
            outln!("{}", serde_json::to_string_pretty(&out).map_err(Failure::usage)?);
        }
    }
    Ok(ExitCode::SUCCESS)
}
