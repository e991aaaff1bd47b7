//! The desk: a verifier with its trust list, status lists and requirement questions, kept
//! between calls from the page.

use chrono::{DateTime, NaiveDate, Utc};
use docseal::status::StatusLists;
use docseal::{Policy, Verifier};
use docseal_desk::{Material, Named};
use serde_json::json;
use wasm_bindgen::prelude::wasm_bindgen;

use crate::DeskError;

/// A relying party's desk: what it trusts, the status lists it loaded, the questions it asks.
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct Desk {
    /// The lists, loaded and kept by docseal-desk's rules (no lower trust sequence, no older
    /// status list, conflicts refused).
    loaded: std::sync::Arc<docseal_desk::Desk>,
    material: Material,
    /// The set's verifier with the page's questions.
    verifier: Verifier,
}

impl Default for Desk {
    fn default() -> Self {
        Self::new()
    }
}

pub(crate) fn parse_time(what: &'static str, given: &str) -> Result<DateTime<Utc>, DeskError> {
    DateTime::parse_from_rfc3339(given)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| DeskError::Time { what, given: given.to_owned() })
}

#[wasm_bindgen]
impl Desk {
    /// A desk that trusts nothing yet: every payload is refused as `trust` until a trust list
    /// is loaded.
    #[wasm_bindgen(constructor)]
    #[must_use]
    pub fn new() -> Self {
        let material = Material::default();
        // safe: an empty material has no trust list or token that could be refused.
        #[allow(clippy::expect_used)]
        let loaded = docseal_desk::Desk::open(&material, Policy::default(), None, DateTime::<Utc>::MIN_UTC)
            .expect("an empty desk loads");
        let verifier = loaded.set().verifier().clone();
        Self { loaded: std::sync::Arc::new(loaded), material, verifier }
    }

    /// Loads `material` by the desk's rules and keeps the page's questions.
    fn load(&mut self, material: Material, now: DateTime<Utc>) -> Result<(), docseal_desk::SetupError> {
        let refused = self.loaded.replace(&material, now)?;
        if let Some(older) = refused.into_iter().next() {
            return Err(older);
        }
        let questions = self.verifier.policy().clone();
        self.verifier = self.loaded.set().verifier().clone().with_policy(questions);
        self.material = material;
        Ok(())
    }

    /// Loads a trust list in place of the current one, and drops the status lists (they were
    /// checked against the old list). JSON (docs/TRUST-LIST.md), or the signed list checked
    /// against `anchor_pem` (the pinned SPKI PEM key) at `now`. Returns a JSON summary:
    /// `{"signed": bool, "keys": [names], "sequence", "next_update", "overdue"}`.
    ///
    /// # Errors
    /// [`DeskError::Trust`] for a list that is malformed, badly signed, out of date or
    /// signed without an anchor; [`DeskError::Time`] for a bad `now`. The old list stays.
    #[wasm_bindgen(js_name = loadTrust)]
    pub fn load_trust(&mut self, bytes: &[u8], anchor_pem: Option<String>, now: &str) -> Result<String, DeskError> {
        let now = parse_time("now", now)?;
        let material = Material {
            trust: Some(Named::new("the trust list", bytes.to_vec())),
            anchor: anchor_pem.map(|pem| Named::new("the anchor key", pem.into_bytes())),
            status: Vec::new(),
        };
        self.load(material, now).map_err(|e| {
            let kind = match &e {
                docseal_desk::SetupError::Anchor { .. } => "anchor".to_owned(),
                docseal_desk::SetupError::Trust { error, .. } => error.kind().to_string(),
                other => other.kind().to_owned(),
            };
            DeskError::Trust { kind, reason: e.to_string() }
        })?;
        let set = self.loaded.set();
        let (list, info) = (set.verifier().trust_list(), set.trust_info());
        let names: Vec<&str> = list.keys().iter().map(docseal::TrustedKey::name).collect();
        let summary = json!({
            "signed": info.is_some(),
            "keys": names,
            "provider": info.as_ref().map(|i| i.provider.clone()),
            "sequence": info.as_ref().map(|i| i.sequence),
            "next_update": info.as_ref().map(|i| i.next_update.to_rfc3339()),
            "overdue": info.as_ref().is_some_and(|i| now >= i.next_update),
        });
        Ok(summary.to_string())
    }

    /// Adds a signed status list token (docs/STATUS.md), checked against the trust list.
    /// Returns `{"uri", "issued_at", "expires_at", "signer"}`.
    ///
    /// # Errors
    /// [`DeskError::Status`] when the token is refused; the lists loaded before stay.
    #[wasm_bindgen(js_name = addStatusList)]
    pub fn add_status_list(&mut self, token: &[u8]) -> Result<String, DeskError> {
        let refused = |e: docseal::Error| DeskError::Status { kind: e.kind().to_string(), reason: e.to_string() };
        // Decoded on its own for the summary; the desk's rules decide whether it is taken.
        let mut alone = StatusLists::new();
        let added = alone.add(token, self.verifier.trust_list(), self.verifier.policy().limits()).map_err(refused)?;
        let mut material = self.material.clone();
        material.status.push(Named::new(format!("status token #{}", material.status.len() + 1), token.to_vec()));
        self.load(material, added.issued_at()).map_err(|e| DeskError::Status {
            kind: match &e {
                docseal_desk::SetupError::Status { error, .. } => error.kind().to_string(),
                other => other.kind().to_owned(),
            },
            reason: e.to_string(),
        })?;
        let summary = json!({
            "uri": added.uri(),
            "issued_at": added.issued_at().to_rfc3339(),
            "expires_at": added.expires_at().map(|t| t.to_rfc3339()),
            "signer": added.trusted_name(),
        });
        Ok(summary.to_string())
    }

    /// Forgets the status lists.
    #[wasm_bindgen(js_name = clearStatusLists)]
    pub fn clear_status_lists(&mut self) {
        let mut material = self.material.clone();
        material.status.clear();
        // The trust list in force loaded already; with no token offered, nothing can be
        // refused but a trust list that fell overdue, which then keeps deciding nothing.
        let _ = self.load(material, DateTime::<Utc>::MIN_UTC);
    }

    /// How many status lists are loaded.
    #[wasm_bindgen(js_name = statusListCount)]
    #[must_use]
    pub fn status_list_count(&self) -> usize {
        self.verifier.status_lists().len()
    }

    /// The questions every verification asks, in place of the previous ones; an empty
    /// string asks nothing. `class`: a vehicle class the licence must allow (`C1`);
    /// `min_age`: years the holder must have reached (0 asks nothing); `travel_mode`: `air`
    /// or `rail` for a temporary pass; `document_type`: `passport`, `driving-licence` or
    /// `temporary-pass`; `as_of`: the calendar day (`YYYY-MM-DD`) the answers are for, empty
    /// for the day of the verification.
    ///
    /// # Errors
    /// [`DeskError::Requirement`] for an unknown travel mode, document type or day.
    #[wasm_bindgen(js_name = setRequirements)]
    pub fn set_requirements(
        &mut self,
        class: &str,
        min_age: u32,
        travel_mode: &str,
        document_type: &str,
        as_of: &str,
    ) -> Result<(), DeskError> {
        let refused = |reason: String| DeskError::Requirement { reason };
        let questions = docseal_desk::Questions {
            class: Some(class.to_owned()),
            min_age: Some(min_age),
            travel_mode: Some(travel_mode.to_owned()),
            document_type: Some(document_type.to_owned()),
        };
        let mut policy = questions.apply(Policy::default()).map_err(|e| refused(e.to_string()))?;
        if !as_of.is_empty() {
            let day = NaiveDate::parse_from_str(as_of, "%Y-%m-%d")
                .map_err(|_| refused(format!("day {as_of:?} is not YYYY-MM-DD")))?;
            policy = policy.as_of(day);
        }
        self.verifier = self.verifier.clone().with_policy(policy);
        Ok(())
    }

    /// Verifies `DS1:` or `HC1:` text at `now` (RFC 3339): the JSON of
    /// `docseal verify --json`, valid or refused with its kind. A `now` that is not RFC 3339
    /// is answered `{"valid": false, "error": {"kind": "usage", ...}}`: the page shows it like
    /// any refusal.
    #[must_use]
    pub fn verify(&self, text: &str, now: &str) -> String {
        match parse_time("now", now) {
            Ok(now) => docseal::json::answer(&self.verifier.verify_any(text.trim(), now)).to_string(),
            Err(e) => json!({"valid": false, "error": {"kind": "usage", "message": e.to_string()}}).to_string(),
        }
    }

    /// Verifies each of `texts` at `now` on the bulk path; returns how many are valid (the
    /// page's throughput figure measures this and [`Desk::verify`]).
    ///
    /// # Errors
    /// [`DeskError::Time`] for a bad `now`.
    #[wasm_bindgen(js_name = countValid)]
    pub fn count_valid(&self, texts: Vec<String>, now: &str) -> Result<usize, DeskError> {
        let now = parse_time("now", now)?;
        Ok(self.verifier.verify_many(&texts, now).iter().filter(|r| r.is_ok()).count())
    }
}

impl Desk {
    /// The verifier as the desk has set it up.
    #[must_use]
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }
}
