//! Runnable examples live beside this file; see the README.
