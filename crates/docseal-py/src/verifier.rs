//! `docseal.Verifier`: a trust list, status lists and a policy, then `verify`,
//! `verify_many` and `check`.

use std::path::PathBuf;
use std::time::Duration;

use docseal::Policy;
use docseal_desk::{Desk, Material, Named};
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::{convert, errors};

/// Verifies docseal (`DS1:`) and EU DCC (`HC1:`) payloads offline.
///
/// `trust`: the trust list as a path, or its text (JSON), or bytes (a signed list, which
/// needs `trust_anchor`: the anchor's SPKI PEM key, as a path or text). `status`: status
/// list tokens, each a path (a file, or a folder of `.cwt` files) or bytes. The policy:
/// `max_age` (seconds a copy may be old), `require_class`, `min_age`, `travel_mode` (`air`,
/// `rail`), `document_type` (`passport`, `driving-licence`, `temporary-pass`),
/// `allow_unchecked_status` (accept a credential whose status list was not loaded),
/// `max_status_age` (seconds). The setup follows the desk's rules (docseal-desk):
/// `trust_sequence` refuses a signed list below it; an overdue signed list refuses every
/// verification unless `accept_overdue_trust`; a status list decides only its signer's
/// issuer's credentials; two different tokens of one time are refused.
#[pyclass(module = "docseal", frozen)]
pub(crate) struct Verifier {
    inner: docseal::Verifier,
}

/// Text given either as a path to read (a regular file, read with the desk's bound) or as
/// the text itself.
fn text_or_file(py: Python<'_>, value: &Bound<'_, PyAny>, what: &str) -> PyResult<Named> {
    if let Ok(bytes) = value.extract::<Vec<u8>>()
        && !value.is_instance_of::<pyo3::types::PyString>()
    {
        return Ok(Named::new(format!("the {what} bytes"), bytes));
    }
    if let Ok(path) = value.extract::<PathBuf>() {
        let looks_like_content = value
            .extract::<String>()
            .is_ok_and(|t| t.trim_start().starts_with('{') || t.trim_start().starts_with("-----BEGIN"));
        if !looks_like_content {
            let bytes = docseal_desk::read_file(&path, docseal_desk::MAX_FILE_BYTES)
                .map_err(|e| errors::usage(py, format!("{what}: {e}")))?;
            return Ok(Named::new(path.display().to_string(), bytes));
        }
    }
    value
        .extract::<String>()
        .map(|text| Named::new(format!("the {what} text"), text.into_bytes()))
        .map_err(|_| errors::usage(py, format!("{what} must be a path, text or bytes")))
}

/// The status tokens: bytes, or paths of files or folders of `.cwt` files.
fn status_tokens(py: Python<'_>, status: &Bound<'_, PyAny>) -> PyResult<Vec<Named>> {
    let items: Vec<Bound<'_, PyAny>> =
        if status.is_instance_of::<PyList>() || status.is_instance_of::<pyo3::types::PyTuple>() {
            status.try_iter()?.collect::<PyResult<_>>()?
        } else {
            vec![status.clone()]
        };
    let mut tokens = Vec::new();
    let unreadable = |e: docseal_desk::SetupError| errors::status(py, e.to_string());
    for (i, item) in items.into_iter().enumerate() {
        if let Ok(bytes) = item.extract::<Vec<u8>>()
            && !item.is_instance_of::<pyo3::types::PyString>()
        {
            tokens.push(Named::new(format!("status token #{i}"), bytes));
            continue;
        }
        let path: PathBuf = item.extract().map_err(|_| errors::status(py, "status: paths or bytes"))?;
        for file in docseal_desk::status_files(&[path]).map_err(unreadable)? {
            let bytes = docseal_desk::read_file(&file, docseal_desk::MAX_FILE_BYTES).map_err(unreadable)?;
            tokens.push(Named::new(file.display().to_string(), bytes));
        }
    }
    Ok(tokens)
}

/// A desk's refusal of the setup as the exception of its kind.
fn setup_error(py: Python<'_>, e: docseal_desk::SetupError) -> PyErr {
    match e {
        docseal_desk::SetupError::Status { error, .. } | docseal_desk::SetupError::Trust { error, .. } => {
            errors::from_docseal(py, &error)
        }
        other if other.kind() == "status" => errors::status(py, other.to_string()),
        other => errors::trust(py, other.to_string()),
    }
}

/// Texts per step of `verify_many`'s pipeline: many Ed25519 batches, little memory.
const PIPELINE_CHUNK: usize = 4096;

/// The answers for `texts` as one JSON array: what `verify_many` returns, as text.
fn answer_array(verifier: &docseal::Verifier, texts: &[String], now: chrono::DateTime<chrono::Utc>) -> String {
    let trimmed: Vec<&str> = texts.iter().map(|t| t.trim()).collect();
    let mut out = Vec::with_capacity(trimmed.len() * 1024 + 2);
    out.push(b'[');
    for (i, result) in verifier.verify_many(&trimmed, now).iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json_line(&mut out, |o| docseal::json::write_line(o, result));
    }
    out.push(b']');
    // safe: serde_json writes UTF-8, and the brackets and commas are ASCII.
    #[allow(clippy::expect_used)]
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Appends one answer as written by `write` (a JSON line) without its newline.
fn json_line(out: &mut Vec<u8>, write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) {
    // safe: writing to a Vec cannot fail.
    #[allow(clippy::expect_used)]
    write(out).expect("JSON into a Vec");
    if out.last() == Some(&b'\n') {
        out.pop();
    }
}

#[pymethods]
impl Verifier {
    #[new]
    #[pyo3(signature = (trust, *, trust_anchor=None, status=None, max_age=None, require_class=None,
        min_age=None, travel_mode=None, document_type=None, allow_unchecked_status=false, at=None,
        trust_sequence=None, accept_overdue_trust=false, max_status_age=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        trust: &Bound<'_, PyAny>,
        trust_anchor: Option<&Bound<'_, PyAny>>,
        status: Option<&Bound<'_, PyAny>>,
        max_age: Option<f64>,
        require_class: Option<String>,
        min_age: Option<u32>,
        travel_mode: Option<String>,
        document_type: Option<String>,
        allow_unchecked_status: bool,
        at: Option<&Bound<'_, PyAny>>,
        trust_sequence: Option<u64>,
        accept_overdue_trust: bool,
        max_status_age: Option<f64>,
    ) -> PyResult<Self> {
        let now = convert::instant(py, at)?;
        let mut policy = Policy::default();
        if accept_overdue_trust {
            policy = policy.accepting_overdue_trust();
        }
        if let Some(seconds) = max_status_age {
            if !(seconds.is_finite() && seconds >= 0.0) {
                return Err(errors::usage(py, "max_status_age must be a number of seconds, 0 or more"));
            }
            policy = policy.with_max_status_age(Duration::from_secs_f64(seconds));
        }
        if let Some(seconds) = max_age {
            if !(seconds.is_finite() && seconds >= 0.0) {
                return Err(errors::usage(py, "max_age must be a number of seconds, 0 or more"));
            }
            policy = policy.with_max_age(Duration::from_secs_f64(seconds));
        }
        let questions = docseal_desk::Questions { class: require_class, min_age, travel_mode, document_type };
        policy = questions.apply(policy).map_err(|e| errors::usage(py, e.to_string()))?;
        if allow_unchecked_status {
            policy = policy.allow_unchecked_status();
        }
        let material = Material {
            trust: Some(text_or_file(py, trust, "trust list").map_err(|e| errors::trust(py, e.to_string()))?),
            anchor: trust_anchor.map(|a| text_or_file(py, a, "trust anchor")).transpose()?,
            status: status.map(|s| status_tokens(py, s)).transpose()?.unwrap_or_default(),
        };
        let desk = Desk::open(&material, policy, trust_sequence, now).map_err(|e| setup_error(py, e))?;
        Ok(Self { inner: desk.set().verifier().clone() })
    }

    /// Verifies one payload at `at` (None for now; an RFC 3339 string or an aware datetime).
    /// Returns the dict of `docseal verify --json`: `valid` True with the document and the
    /// checks, or False with `error.kind` and `error.message`.
    #[pyo3(signature = (text, at=None))]
    fn verify(&self, py: Python<'_>, text: &str, at: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        let now = convert::instant(py, at)?;
        let answer = py.detach(|| docseal::json::answer(&self.inner.verify_any(text.trim(), now)).to_string());
        convert::json_loads(py, &answer)
    }

    /// `verify` for many payloads, on the library's bulk path (Ed25519 signatures checked in
    /// batches, all cores) with the GIL released. Each dict is what `verify` gives for that
    /// text, except that a valid `DS1:` answer carries no `checks` list (the lines of
    /// `docseal verify --bulk --json`); `HC1:` payloads are verified one by one.
    #[pyo3(signature = (texts, at=None))]
    fn verify_many(&self, py: Python<'_>, texts: Vec<String>, at: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        let now = convert::instant(py, at)?;
        // A pipeline: a thread verifies a chunk (on the bulk path, all cores) and writes its
        // answers as one JSON array (the serializer of `verify --bulk --json`), while this
        // thread, holding the GIL, turns the previous chunk into dicts with one `json.loads`
        // (it shares repeated key strings, and costs less than building values one by one).
        let answers = PyList::empty(py);
        let (sender, receiver) = std::sync::mpsc::sync_channel::<String>(2);
        // A Mutex makes the receiver shareable with the GIL-free closures below; an Option
        // lets an error drop it, which ends a worker blocked on a full channel.
        let receiver = std::sync::Mutex::new(Some(receiver));
        let inner = &self.inner;
        std::thread::scope(|scope| -> PyResult<()> {
            scope.spawn(move || {
                for chunk in texts.chunks(PIPELINE_CHUNK) {
                    // The receiver is gone only when the GIL side failed: stop working.
                    if sender.send(answer_array(inner, chunk, now)).is_err() {
                        break;
                    }
                }
            });
            let take_all = || -> PyResult<()> {
                loop {
                    let next = py.detach(|| receiver.lock().ok().and_then(|r| r.as_ref().and_then(|r| r.recv().ok())));
                    let Some(array) = next else { return Ok(()) };
                    answers.call_method1("extend", (convert::json_loads(py, &array)?,))?;
                }
            };
            let taken = take_all();
            if let Ok(mut r) = receiver.lock() {
                r.take();
            }
            taken
        })?;
        Ok(answers.into_any().unbind())
    }

    /// Like `verify`, but raises `docseal.Refused` (with `.kind` and `.answer`) for a refused
    /// payload, and returns the answer of a valid one.
    #[pyo3(signature = (text, at=None))]
    fn check(&self, py: Python<'_>, text: &str, at: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        let now = convert::instant(py, at)?;
        let result = py.detach(|| self.inner.verify_any(text.trim(), now));
        let answer = convert::json_loads(py, &docseal::json::answer(&result).to_string())?;
        match result {
            Ok(_) => Ok(answer),
            Err(e) => Err(errors::refused(py, e.kind().as_str(), e.to_string(), answer)),
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "docseal.Verifier({} trusted keys, {} status lists)",
            self.inner.trust_list().keys().len(),
            self.inner.status_lists().len()
        )
    }
}
