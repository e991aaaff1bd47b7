//! What the registry allows, the same for every backend: who may get a new copy, and which
//! status changes are possible.

use chrono::{DateTime, Utc};
use docseal::model::Credential;
use docseal::status::Status;

use crate::{DocumentKey, RegistryError};

/// At most this many temporary passes per permit holder per calendar month.
pub const PASSES_PER_MONTH: u32 = 2;

/// The document `credential` is a copy of, with its month: a temporary pass's `valid_from`,
/// else the day of `at` in the document's zone (the issuing authority's: docseal documents
/// carry it).
///
/// # Errors
/// [`RegistryError::Unsupported`] for a document type this registry does not know.
pub fn document_key(credential: &Credential, at: DateTime<Utc>) -> Result<DocumentKey, RegistryError> {
    // A pass counts in the month it is valid from, never in a month the caller's `at` picks
    // (a backdated issue would otherwise give a third pass for the same month).
    let month = match credential {
        Credential::TemporaryPass(p) => p.data().valid_from,
        _ => credential.zone().date_at(at),
    }
    .format("%Y-%m")
    .to_string();
    let (number, holder) = match credential {
        Credential::Passport(p) => (p.data().document_number.clone(), p.data().document_number.clone()),
        Credential::DrivingLicence(l) => (l.front().document_number.clone(), l.front().document_number.clone()),
        Credential::TemporaryPass(p) => (p.data().pass_number.clone(), p.holder().to_owned()),
        other => return Err(RegistryError::Unsupported { document_type: other.document_type().name().to_owned() }),
    };
    Ok(DocumentKey { document_type: credential.document_type().name().to_owned(), number, holder, month })
}

/// Whether a new copy of `document` may be issued, given its status if it is already
/// recorded and, for a new pass, how many passes its holder got in its month (`passes`
/// runs only then: a refreshed copy of a recorded pass does not count again).
///
/// # Errors
/// [`RegistryError::StatusForbids`] or [`RegistryError::PassLimit`].
pub fn may_issue(
    document: &DocumentKey,
    recorded: Option<Status>,
    passes: impl FnOnce() -> Result<u32, RegistryError>,
) -> Result<(), RegistryError> {
    match recorded {
        Some(Status::Valid) => Ok(()),
        Some(status) => Err(RegistryError::StatusForbids {
            document_type: document.document_type.clone(),
            number: document.number.clone(),
            status: status.to_string(),
        }),
        None if document.document_type == "temporary-pass" => {
            let count = passes()?;
            if count >= PASSES_PER_MONTH {
                return Err(RegistryError::PassLimit {
                    holder: document.holder.clone(),
                    month: document.month.clone(),
                    count,
                });
            }
            Ok(())
        }
        None => Ok(()),
    }
}

/// Whether a document of `document_type` may go from `from` to `to`. Revoked and used are
/// final (a relying party may have cached either; the holder gets a new document instead);
/// only a temporary pass can be used; setting the status it has is allowed and changes
/// nothing.
///
/// # Errors
/// [`RegistryError::Transition`] saying why not.
pub fn transition(document_type: &str, number: &str, from: Status, to: Status) -> Result<(), RegistryError> {
    let refuse = |reason: &str| RegistryError::Transition {
        document_type: document_type.to_owned(),
        number: number.to_owned(),
        from: from.to_string(),
        to: to.to_string(),
        reason: reason.to_owned(),
    };
    if from == to {
        return Ok(());
    }
    match (from, to) {
        (Status::Invalid, _) => Err(refuse("a revoked document stays revoked")),
        (Status::Used, _) => Err(refuse("a used one-time pass stays used")),
        (_, Status::Used) if document_type != "temporary-pass" => Err(refuse("only a temporary pass is used up")),
        (_, Status::Other(_)) | (Status::Other(_), _) => {
            Err(refuse("docseal sets valid, revoked, suspended and used only"))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(document_type: &str) -> DocumentKey {
        DocumentKey {
            document_type: document_type.into(),
            number: "N1".into(),
            holder: "H".into(),
            month: "2026-11".into(),
        }
    }

    #[test]
    fn the_third_new_pass_is_refused_and_refreshes_are_not_counted() {
        let pass = key("temporary-pass");
        assert!(may_issue(&pass, None, || Ok(1)).is_ok());
        assert!(matches!(may_issue(&pass, None, || Ok(2)), Err(RegistryError::PassLimit { count: 2, .. })));
        // A refreshed copy: the count is not even asked for.
        assert!(may_issue(&pass, Some(Status::Valid), || panic!("counted a refresh")).is_ok());
        assert!(may_issue(&key("driving-licence"), None, || panic!("counted a licence")).is_ok());
    }

    #[test]
    fn a_document_that_is_not_valid_gets_no_new_copy() {
        for status in [Status::Invalid, Status::Suspended, Status::Used] {
            let refused = may_issue(&key("driving-licence"), Some(status), || Ok(0));
            assert!(matches!(refused, Err(RegistryError::StatusForbids { .. })), "{status}");
        }
    }

    #[test]
    fn revoked_and_used_are_final_and_only_passes_are_used() {
        let t = |document_type, from, to| transition(document_type, "N1", from, to).is_ok();
        assert!(t("driving-licence", Status::Valid, Status::Suspended));
        assert!(t("driving-licence", Status::Suspended, Status::Valid));
        assert!(t("driving-licence", Status::Suspended, Status::Invalid));
        assert!(t("driving-licence", Status::Invalid, Status::Invalid));
        assert!(!t("driving-licence", Status::Invalid, Status::Valid));
        assert!(!t("driving-licence", Status::Valid, Status::Used));
        assert!(t("temporary-pass", Status::Valid, Status::Used));
        assert!(!t("temporary-pass", Status::Used, Status::Valid));
        assert!(!t("passport", Status::Valid, Status::Other(7)));
    }
}
