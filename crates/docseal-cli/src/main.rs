//! `docseal`: issue, render and verify signed identity-document QR codes, offline.
#![forbid(unsafe_code)]

mod cli;
mod cmd;
mod files;
mod report;

use std::process::ExitCode;

use clap::Parser as _;

/// A failure with its exit code: 1 when the input was judged invalid, 2 for usage and I/O.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The credential or document is invalid (exit 1).
    Invalid(String),
    /// Usage or I/O error (exit 2).
    Usage(String),
}

impl Failure {
    pub(crate) fn usage(message: impl std::fmt::Display) -> Self {
        Self::Usage(message.to_string())
    }
}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cmd::run(cli) {
        Ok(code) => code,
        Err(Failure::Invalid(message)) => {
            eprintln!("docseal: {message}");
            ExitCode::from(1)
        }
        Err(Failure::Usage(message)) => {
            eprintln!("docseal: {message}");
            ExitCode::from(2)
        }
    }
}
