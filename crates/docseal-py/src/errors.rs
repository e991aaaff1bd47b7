//! The exceptions: one base class and one subclass per kind of argument error, each carrying
//! the library's error kind (`kind`) beside its message.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(docseal, DocsealError, PyException, "Base class of docseal's errors; `.kind` names the error kind.");
create_exception!(docseal, TrustListError, DocsealError, "The trust list (or its anchor) could not be loaded.");
create_exception!(docseal, StatusListError, DocsealError, "A status list token was refused.");
create_exception!(docseal, SigningKeyError, DocsealError, "A key could not be read, generated or used.");
create_exception!(docseal, DocumentError, DocsealError, "The document breaks its rules or its JSON is malformed.");
create_exception!(docseal, LimitError, DocsealError, "The input is over one of the hostile-input limits.");
create_exception!(docseal, UsageError, DocsealError, "An argument docseal cannot use (a time, a name, a type).");
create_exception!(
    docseal,
    Refused,
    DocsealError,
    "A payload was refused by `Verifier.check`; `.kind` is the refusal's kind and `.answer` the verify --json dict."
);

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    for (name, class) in [
        ("DocsealError", py.get_type::<DocsealError>()),
        ("TrustListError", py.get_type::<TrustListError>()),
        ("StatusListError", py.get_type::<StatusListError>()),
        ("SigningKeyError", py.get_type::<SigningKeyError>()),
        ("DocumentError", py.get_type::<DocumentError>()),
        ("LimitError", py.get_type::<LimitError>()),
        ("UsageError", py.get_type::<UsageError>()),
        ("Refused", py.get_type::<Refused>()),
    ] {
        m.add(name, class)?;
    }
    Ok(())
}

/// Builds an exception of class `E` with `message` and sets `kind` on it.
fn with_kind<E: pyo3::PyTypeInfo>(py: Python<'_>, kind: &str, message: String) -> PyErr {
    let err = PyErr::new::<E, _>(message);
    // Setting an attribute on a fresh exception instance cannot fail short of memory
    // exhaustion, which Python reports as its own error when the exception is raised.
    let _ = err.value(py).setattr("kind", kind);
    err
}

/// A library error raised from an argument (trust list, key, document, status token).
pub(crate) fn from_docseal(py: Python<'_>, e: &docseal::Error) -> PyErr {
    use docseal::ErrorKind;
    let (kind, message) = (e.kind(), e.to_string());
    let name = kind.as_str();
    match kind {
        ErrorKind::TrustList => with_kind::<TrustListError>(py, name, message),
        ErrorKind::Status => with_kind::<StatusListError>(py, name, message),
        ErrorKind::Key => with_kind::<SigningKeyError>(py, name, message),
        ErrorKind::Document => with_kind::<DocumentError>(py, name, message),
        ErrorKind::Limit => with_kind::<LimitError>(py, name, message),
        _ => with_kind::<DocsealError>(py, name, message),
    }
}

/// An argument error of kind `usage`.
pub(crate) fn usage(py: Python<'_>, message: impl Into<String>) -> PyErr {
    with_kind::<UsageError>(py, "usage", message.into())
}

/// A trust list error that did not come from the library (a file that cannot be read).
pub(crate) fn trust(py: Python<'_>, message: impl Into<String>) -> PyErr {
    with_kind::<TrustListError>(py, "trust-list", message.into())
}

/// A status list error that did not come from the library (a file that cannot be read).
pub(crate) fn status(py: Python<'_>, message: impl Into<String>) -> PyErr {
    with_kind::<StatusListError>(py, "status", message.into())
}

/// `Verifier.check`'s refusal, carrying the answer dict.
pub(crate) fn refused(py: Python<'_>, kind: &str, message: String, answer: Py<PyAny>) -> PyErr {
    let err = with_kind::<Refused>(py, kind, message);
    let _ = err.value(py).setattr("answer", answer);
    err
}
