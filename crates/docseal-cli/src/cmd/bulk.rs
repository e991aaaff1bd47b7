//! `verify --bulk` and `generate`.

use std::io::{BufRead, BufReader, IsTerminal as _};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use chrono::{DateTime, Utc};
use docseal::Verifier;
use docseal::bulk::verify_lines_into;
use indicatif::{ProgressBar, ProgressStyle};

use crate::Failure;

/// Lines verified together: enough to fill batches on every core, small enough for bounded memory.
const CHUNK: usize = 4096;

pub(crate) fn run(verifier: &Verifier, path: &Path, now: DateTime<Utc>) -> Result<ExitCode, Failure> {
    let input: Box<dyn BufRead> = if path == Path::new("-") {
        Box::new(BufReader::new(std::io::stdin().lock()))
    } else {
        let file =
            std::fs::File::open(path).map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?;
        Box::new(BufReader::with_capacity(1 << 16, file))
    };
    let progress = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {human_pos} payloads verified ({per_sec}) {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout());
    let started = Instant::now();
    // Counting costs an atomic shared by the verifying threads: only for a bar on show.
    let counting = !progress.is_hidden();
    let render = |out: &mut Vec<u8>, result: &docseal::Result<docseal::AnyVerified>| {
        if counting {
            progress.inc(1);
        }
        docseal::json::write_line(out, result)
    };
    let summary = verify_lines_into(verifier, input, now, CHUNK, render, out).map(|(summary, _)| summary);
    let summary = match summary {
        Ok(summary) => summary,
        // The reader took what it wanted (`| head -1`): stop quietly.
        Err(e) if crate::is_closed_pipe(&e) => return Ok(ExitCode::SUCCESS),
        Err(e) => return Err(Failure::usage(format!("bulk verification stopped: {e}"))),
    };
    progress.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let refused: Vec<String> = summary.refused.iter().map(|(k, n)| format!("{k} {n}")).collect();
    eprintln!(
        "docseal: {} payloads, {} valid, {} refused{}{}; {:.0} credentials/s",
        summary.total,
        summary.valid,
        summary.total - summary.valid,
        if refused.is_empty() { "" } else { ": " },
        refused.join(", "),
        summary.total as f64 / seconds.max(1e-9)
    );
    Ok(if summary.valid == summary.total { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
