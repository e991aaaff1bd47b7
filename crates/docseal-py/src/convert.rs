//! Between Python values and the library's: JSON answers to dicts, times from strings or
//! aware datetimes.

use chrono::{DateTime, Utc};
use pyo3::prelude::*;

use crate::errors;

/// JSON text as the Python objects `json.loads` makes of it (dicts keep their key order).
pub(crate) fn json_loads(py: Python<'_>, text: &str) -> PyResult<Py<PyAny>> {
    Ok(py.import("json")?.call_method1("loads", (text,))?.unbind())
}

/// `at`: `None` for now, an RFC 3339 string, or a timezone-aware `datetime`. A naive
/// datetime is refused: which zone it means is a guess docseal will not make.
pub(crate) fn instant(py: Python<'_>, at: Option<&Bound<'_, PyAny>>) -> PyResult<DateTime<Utc>> {
    let Some(at) = at.filter(|a| !a.is_none()) else {
        return Ok(Utc::now());
    };
    let text: String = if let Ok(text) = at.extract::<String>() {
        text
    } else if at.hasattr("utcoffset")? && at.hasattr("isoformat")? {
        if at.call_method0("utcoffset")?.is_none() {
            return Err(errors::usage(
                py,
                "a naive datetime has no time zone: pass an aware one or an RFC 3339 string",
            ));
        }
        at.call_method0("isoformat")?.extract()?
    } else {
        return Err(errors::usage(py, "at must be None, an RFC 3339 string or an aware datetime"));
    };
    DateTime::parse_from_rfc3339(&text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| errors::usage(py, format!("at {text:?} is not an RFC 3339 time: {e}")))
}
