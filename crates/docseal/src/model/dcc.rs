//! The EU Digital COVID Certificate as docseal reads it from an `HC1:` payload: the signed
//! claims and the `eu_dgc_v1` object, kept as JSON (its schema belongs to the EU, not us).

use serde_json::Value;

use super::DocumentError;

/// Which of the three certificate types a DCC holds: its `v`, `t` or `r` array.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DccKind {
    /// `v`: vaccination.
    Vaccination,
    /// `t`: test.
    Test,
    /// `r`: recovery.
    Recovery,
}

impl DccKind {
    /// `vaccination`, `test` or `recovery`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Vaccination => "vaccination",
            Self::Test => "test",
            Self::Recovery => "recovery",
        }
    }

    /// Reads `vaccination`, `test` or `recovery`.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Vaccination, Self::Test, Self::Recovery].into_iter().find(|k| k.name() == name)
    }
}

/// The CWT claims of an HC1 payload (hcert specification section 3.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DccClaims {
    /// `iss`: the issuing country (ISO 3166-1 alpha-2), when present.
    pub issuer: Option<String>,
    /// `iat`, seconds since the epoch.
    pub issued_at: i64,
    /// `exp`, seconds since the epoch.
    pub expires_at: i64,
}

/// The `eu_dgc_v1` object (claim -260, key 1) as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Dcc {
    json: Value,
}

impl Dcc {
    #[cfg_attr(not(feature = "hc1"), allow(dead_code))]
    pub(crate) fn new(json: Value) -> Self {
        Self { json }
    }

    /// The certificate as JSON (`ver`, `nam`, `dob`, and one of `v`, `t`, `r`).
    #[must_use]
    pub fn json(&self) -> &Value {
        &self.json
    }

    /// The certificate type: the first of `v`, `t`, `r` present as a non-empty array.
    #[must_use]
    pub fn kind(&self) -> Option<DccKind> {
        let non_empty = |key| self.json.get(key).and_then(Value::as_array).is_some_and(|a| !a.is_empty());
        [("v", DccKind::Vaccination), ("t", DccKind::Test), ("r", DccKind::Recovery)]
            .into_iter()
            .find_map(|(key, kind)| non_empty(key).then_some(kind))
    }

    /// Checks that the certificate says what it is: each of `v`, `t`, `r` that is present (and
    /// not null) is an array, and at most one of them holds entries (a DCC is one vaccination, one test
    /// or one recovery; a second type would let key usage be checked against the wrong one).
    ///
    /// # Errors
    /// [`DocumentError::InvalidField`] naming the field.
    pub fn check_kind(&self) -> Result<(), DocumentError> {
        let mut held = Vec::new();
        for key in ["v", "t", "r"] {
            match self.json.get(key) {
                // Some member states write an absent type as null (the EU test suite's BG files).
                None | Some(Value::Null) => {}
                Some(Value::Array(entries)) => {
                    if !entries.is_empty() {
                        held.push(key);
                    }
                }
                Some(_) => return Err(DocumentError::field(key, "must be an array")),
            }
        }
        if held.len() > 1 {
            return Err(DocumentError::field(
                held[1],
                format!("a DCC holds one certificate type, found {}", held.join(", ")),
            ));
        }
        Ok(())
    }

    /// The holder's standardised name (`nam.fnt`, `nam.gnt`), as printed in the MRZ style.
    #[must_use]
    pub fn standardised_name(&self) -> (Option<&str>, Option<&str>) {
        let name = |key| self.json.get("nam").and_then(|n| n.get(key)).and_then(Value::as_str);
        (name("fnt"), name("gnt"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_follows_the_first_non_empty_array() {
        let dcc = Dcc::new(serde_json::json!({"ver": "1.3.0", "t": [{"tg": "840539006"}], "v": []}));
        assert_eq!(dcc.kind(), Some(DccKind::Test));
        assert_eq!(Dcc::new(serde_json::json!({"ver": "1.3.0"})).kind(), None);
        let dcc = Dcc::new(serde_json::json!({"nam": {"fnt": "MUSTER", "gnt": "ERIKA"}, "r": [{}]}));
        assert_eq!(dcc.standardised_name(), (Some("MUSTER"), Some("ERIKA")));
        assert_eq!(dcc.kind().map(DccKind::name), Some("recovery"));
    }

    #[test]
    fn a_dcc_holds_one_certificate_type() {
        let ok = Dcc::new(serde_json::json!({"t": [{"tg": "840539006"}], "v": []}));
        assert!(ok.check_kind().is_ok());
        let both = Dcc::new(serde_json::json!({"v": [{}], "t": [{}]}));
        assert!(matches!(both.check_kind(), Err(DocumentError::InvalidField { field: "t", .. })));
        let not_array = Dcc::new(serde_json::json!({"v": {"dn": 1}, "t": [{}]}));
        assert!(matches!(not_array.check_kind(), Err(DocumentError::InvalidField { field: "v", .. })));
    }
}
