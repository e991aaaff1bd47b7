//! `docseal`: issue, render and verify signed identity-document QR codes, offline.
#![forbid(unsafe_code)]

/// `println!` that ends the program quietly when the reader closed the pipe (`| head -1`)
/// instead of panicking; any other write error is reported.
macro_rules! outln {
    ($($arg:tt)*) => { $crate::write_stdout(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `print!` with the same closed-pipe rule as [`outln!`].
macro_rules! out {
    ($($arg:tt)*) => { $crate::write_stdout(format_args!($($arg)*)) };
}

mod cli;
mod cmd;
mod files;
mod human;
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

/// Writes to standard output; a closed pipe ends the program quietly (exit 0), as the
/// reader has taken all it wanted.
pub(crate) fn write_stdout(args: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    if let Err(e) = std::io::stdout().lock().write_fmt(args) {
        if is_closed_pipe(&e) {
            std::process::exit(0);
        }
        eprintln!("docseal: cannot write to standard output: {e}");
        std::process::exit(2);
    }
}

/// Whether a write failed because the reading end of the pipe is gone.
pub(crate) fn is_closed_pipe(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::BrokenPipe
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
