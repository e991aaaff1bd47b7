//! Test material for docseal's crates, not an API: synthetic camera photos of rendered pages
//! ([`photo`]). The binary of this crate regenerates `test-vectors/ds1`.
#![forbid(unsafe_code)]

pub mod photo;
