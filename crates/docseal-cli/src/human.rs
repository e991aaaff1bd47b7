//! What the desk reads: the verdict, the checks passed in words, then the document's fields
//! as labelled lines.

use docseal::model::dcc::{Dcc, DccClaims};
use docseal::model::licence::StatusCode;
use docseal::model::{Credential, Usability};
use docseal::verify::Check;
use docseal::{Error, TrustList, TrustedKey, Verified};
use serde_json::Value;

/// A verified docseal credential.
pub(crate) fn valid(v: &Verified<Credential>, trust: &TrustList) {
    let verdict = match v.usability() {
        Usability::Usable => "usable".to_owned(),
        Usability::NotUsable(reason) => format!("genuine but NOT usable: {reason}"),
    };
    outln!("VALID {}, signed by the trusted key {:?}: {verdict}", v.credential().document_type(), v.trusted_name());
    outln!("  {}", issuer_line(v, trust));
    checks(&v.checks());
    outln!("{}:", v.credential().document_type());
    fields(&v.credential().to_json(), 1);
}

/// Whose the document says it is, and whether anybody checked: the `iss` is checked only
/// when the key's trust entry binds one (the pipeline then refused any other).
fn issuer_line(v: &Verified<Credential>, trust: &TrustList) -> String {
    let bound = trust.lookup(v.kid()).find(|k| k.name() == v.trusted_name()).and_then(TrustedKey::issuer);
    match bound {
        Some(iss) => format!("issuer {iss:?}: checked (the key's trust entry binds it)"),
        None => format!(
            "issuer {:?}: unchecked (the document says so; the key's trust entry binds no issuer)",
            v.claims().issuer
        ),
    }
}

/// A verified EU DCC.
pub(crate) fn valid_hc1(v: &Verified<Dcc, DccClaims>) {
    let kind = v.credential().kind().map_or("no certificate entry", |k| k.name());
    outln!("VALID EU DCC ({kind}) from {}", v.claims().issuer.as_deref().unwrap_or("an unnamed issuer"));
    checks(&v.checks());
    outln!("certificate:");
    fields(v.credential().json(), 1);
}

/// A refusal: the stage that refused, and why.
pub(crate) fn invalid(e: &Error) {
    outln!("INVALID ({}): {e}", e.kind());
}

fn checks(checks: &[Check]) {
    for check in checks {
        let mark = if check.passed { "ok" } else { "NO" };
        outln!("  [{mark}] {}: {}", check.kind, check.detail);
    }
}

/// `family_name` as "family name".
fn label(key: &str) -> String {
    key.replace('_', " ")
}

/// A licence's status letters with their meaning: `"DH"` as "D (suspended), H (...)".
fn status_in_words(letters: &str) -> Option<String> {
    let words: Option<Vec<String>> =
        letters.chars().map(|c| StatusCode::from_letter(c).map(|code| format!("{c} ({})", code.meaning()))).collect();
    words.map(|w| w.join(", "))
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "-".to_owned(),
        other => other.to_string(),
    }
}

/// One line per field; nested objects indent, lists of objects become one line per item.
fn fields(value: &Value, depth: usize) {
    let pad = "  ".repeat(depth);
    let Value::Object(map) = value else {
        outln!("{pad}{}", scalar(value));
        return;
    };
    for (key, item) in map {
        let name = label(key);
        match item {
            Value::Object(_) => {
                outln!("{pad}{name}:");
                fields(item, depth + 1);
            }
            Value::Array(items) if items.iter().all(|i| !i.is_object()) => {
                let list: Vec<String> = items.iter().map(scalar).collect();
                outln!("{pad}{name}: {}", if list.is_empty() { "-".to_owned() } else { list.join(", ") });
            }
            Value::Array(items) => {
                outln!("{pad}{name}:");
                for entry in items {
                    outln!("{pad}  - {}", inline(entry));
                }
            }
            Value::String(letters) if key == "status" => {
                outln!("{pad}{name}: {}", status_in_words(letters).unwrap_or_else(|| letters.clone()));
            }
            _ => outln!("{pad}{name}: {}", scalar(item)),
        }
    }
}

/// An object on one line: `vehicle category code C1, issue date 2016-03-01`.
fn inline(value: &Value) -> String {
    match value {
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{} {}", label(k), if v.is_object() { inline(v) } else { scalar(v) }))
            .collect::<Vec<_>>()
            .join(", "),
        other => scalar(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_letters_read_as_words() {
        assert_eq!(status_in_words("A").as_deref(), Some("A (normal)"));
        assert!(status_in_words("D").is_some_and(|w| w.contains("suspended")));
        assert_eq!(status_in_words("Z?"), None);
    }

    #[test]
    fn objects_fit_one_line() {
        let v = serde_json::json!({"vehicle_category_code": "C1", "issue_date": "2016-03-01", "codes": null});
        assert_eq!(inline(&v), "vehicle category code C1, issue date 2016-03-01");
    }
}
