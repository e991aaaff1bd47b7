//! docseal's one integration-test binary: the public API end to end, hostile input, and
//! mutations of valid payloads.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod dcc;
mod end_to_end;
mod hardening;
mod mutation;
mod status_vectors;
mod vectors;
