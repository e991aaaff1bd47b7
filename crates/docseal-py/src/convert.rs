//! Between Python values and the library's: JSON answers to dicts, times from strings or
//! aware datetimes.

use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use serde_json::Value;

use crate::errors;

/// A JSON value as the Python object `json.loads` would give (dicts keep their key order).
pub(crate) fn to_python(py: Python<'_>, value: &Value) -> PyResult<Py<PyAny>> {
    Ok(match value {
        Value::Null => py.None(),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any().unbind(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any().unbind(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any().unbind(),
            // safe: a serde_json number that is neither i64 nor u64 is an f64 (no
            // arbitrary_precision feature), so as_f64 is Some.
            #[allow(clippy::expect_used)]
            _ => n.as_f64().expect("a JSON number is i64, u64 or f64").into_pyobject(py)?.into_any().unbind(),
        },
        Value::String(s) => PyString::new(py, s).into_any().unbind(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_python(py, item)?)?;
            }
            list.into_any().unbind()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, to_python(py, v)?)?;
            }
            dict.into_any().unbind()
        }
    })
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
