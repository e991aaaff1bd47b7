//! `docseal.Issuer`: issue payloads, for test data and for authorities scripting in Python.

use std::time::Duration;

use docseal::model::{Credential, DocumentType, IssuedPass};
use docseal::{Algorithm, SigningKey};
use pyo3::prelude::*;

use crate::{convert, errors};

/// Issues docseal payloads with a key held in memory.
///
/// `Issuer.generate(issuer, alg="ed25519")` makes a new key; `Issuer(issuer, key_pem)` reads
/// a PKCS#8 PEM private key. `valid_for`: how long each copy is valid, in seconds (capped by
/// the document's own validity; default 30 days). `issue(document_type, data, at=None)`
/// signs a document given as the JSON of `docseal example` (a str or a dict) and returns the
/// `DS1:` text.
#[pyclass(module = "docseal", frozen)]
pub(crate) struct Issuer {
    inner: docseal::Issuer,
    name: String,
}

fn algorithm(py: Python<'_>, name: &str) -> PyResult<Algorithm> {
    match name.to_ascii_lowercase().as_str() {
        "ed25519" | "eddsa" => Ok(Algorithm::EdDsa),
        "es256" | "p-256" | "p256" => Ok(Algorithm::Es256),
        other => Err(errors::usage(py, format!("alg {other:?}: ed25519 or es256"))),
    }
}

fn document_type(py: Python<'_>, name: &str) -> PyResult<DocumentType> {
    match name {
        "passport" => Ok(DocumentType::Passport),
        "licence" | "driving-licence" => Ok(DocumentType::DrivingLicence),
        "temp-pass" | "temporary-pass" => Ok(DocumentType::TemporaryPass),
        other => Err(errors::usage(py, format!("document type {other:?}: passport, licence or temp-pass"))),
    }
}

#[pymethods]
impl Issuer {
    #[new]
    #[pyo3(signature = (issuer, key_pem, *, valid_for=None))]
    fn new(py: Python<'_>, issuer: String, key_pem: &str, valid_for: Option<f64>) -> PyResult<Self> {
        let key = SigningKey::from_pkcs8_pem(key_pem).map_err(|e| errors::from_docseal(py, &e))?;
        Self::with_key(py, key, issuer, valid_for)
    }

    /// A new issuer with a fresh key (`ed25519` or `es256`).
    #[staticmethod]
    #[pyo3(signature = (issuer, alg="ed25519", *, valid_for=None))]
    fn generate(py: Python<'_>, issuer: String, alg: &str, valid_for: Option<f64>) -> PyResult<Self> {
        let key = SigningKey::generate(algorithm(py, alg)?).map_err(|e| errors::from_docseal(py, &e))?;
        Self::with_key(py, key, issuer, valid_for)
    }

    /// The issuer's name (`iss`).
    #[getter]
    fn name(&self) -> &str {
        &self.name
    }

    /// The public key as SPKI PEM, for a trust list's `public_key`.
    fn public_key_pem(&self, py: Python<'_>) -> PyResult<String> {
        self.inner.key().verifying_key().to_spki_pem().map_err(|e| errors::from_docseal(py, &e))
    }

    /// A JSON trust list (docs/TRUST-LIST.md) that trusts this issuer's key under `name`
    /// (default: the issuer's name).
    #[pyo3(signature = (name=None))]
    fn trust_list_json(&self, py: Python<'_>, name: Option<String>) -> PyResult<String> {
        let entry = serde_json::json!({
            "name": name.unwrap_or_else(|| self.name.clone()),
            "public_key": self.public_key_pem(py)?,
        });
        Ok(serde_json::json!({"version": 1, "issuers": [entry]}).to_string())
    }

    /// Signs `data` (the document's JSON, a str or a dict) as a `document_type` (`licence`,
    /// `passport`, `temp-pass`) generated at `at` (None for now). Returns the `DS1:` text.
    #[pyo3(signature = (document_type, data, at=None))]
    fn issue(
        &self,
        py: Python<'_>,
        document_type: &str,
        data: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let t = self::document_type(py, document_type)?;
        let json: String = if let Ok(text) = data.extract::<String>() {
            text
        } else {
            py.import("json")?.call_method1("dumps", (data,))?.extract()?
        };
        let credential =
            Credential::from_json(t, &json).map_err(|e| errors::from_docseal(py, &docseal::Error::from(e)))?;
        let at = convert::instant(py, at)?;
        let issuer = &self.inner;
        let issued = match &credential {
            // A test-data issuer keeps no history: the monthly limit is the registry's job.
            Credential::TemporaryPass(pass) => issuer.issue_pass(pass, at, &[] as &[IssuedPass]),
            other => issuer.issue(other, at),
        };
        issued.map(|i| i.text).map_err(|e| errors::from_docseal(py, &e))
    }

    fn __repr__(&self) -> String {
        format!("docseal.Issuer({:?})", self.name)
    }
}

impl Issuer {
    fn with_key(py: Python<'_>, key: SigningKey, issuer: String, valid_for: Option<f64>) -> PyResult<Self> {
        let mut inner = docseal::Issuer::new(key, issuer.clone()).map_err(|e| errors::from_docseal(py, &e))?;
        match valid_for {
            Some(seconds) if seconds.is_finite() && seconds > 0.0 => {
                inner = inner.with_validity(Duration::from_secs_f64(seconds));
            }
            Some(_) => return Err(errors::usage(py, "valid_for must be a positive number of seconds")),
            None => {}
        }
        Ok(Self { inner, name: issuer })
    }
}
