//! # docseal for Python
//!
//! `docseal.Verifier` checks `DS1:` and `HC1:` payloads offline against a trust list, one
//! (`verify`) or many (`verify_many`, on the library's bulk path with the GIL released), and
//! answers with the dict of `docseal verify --json` ([`docseal::json`]): the same keys and
//! values as the command line, so a Python job and a shell script agree kind by kind.
//! `docseal.Issuer` issues test data. Errors in the arguments (a trust list that does not
//! load, a bad time) raise `docseal.DocsealError` subclasses; a refused payload is an answer
//! (`{"valid": False, "error": {"kind": ..., "message": ...}}`), or raises `docseal.Refused`
//! from `Verifier.check`.

mod convert;
mod errors;
mod issuer;
mod verifier;

use pyo3::prelude::*;

/// The `docseal` Python module.
#[pymodule(name = "docseal")]
fn docseal_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<verifier::Verifier>()?;
    m.add_class::<issuer::Issuer>()?;
    errors::register(m)?;
    Ok(())
}
