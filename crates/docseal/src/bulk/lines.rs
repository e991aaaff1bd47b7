//! Streaming bulk verification over lines, in bounded memory.

use std::collections::BTreeMap;
use std::io::{self, BufRead};

use chrono::{DateTime, Utc};

use crate::error::{Error, ErrorKind, Result};
use crate::model::Credential;
use crate::verify::{Verified, Verifier};

/// Counts of a streaming run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineSummary {
    /// Lines read (one result each).
    pub total: u64,
    /// Lines that verified.
    pub valid: u64,
    /// Refused lines by error kind.
    pub refused: BTreeMap<ErrorKind, u64>,
}

enum Line {
    Eof,
    Text(String),
    TooLong(u64),
}

/// Reads one line of at most `max` bytes (without its `\n` / `\r\n`, blanks trimmed); a longer one is
/// skipped to its end without being stored.
fn read_line(reader: &mut impl BufRead, max: usize, buf: &mut Vec<u8>) -> io::Result<Line> {
    buf.clear();
    let mut seen: u64 = 0;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok(if seen == 0 && buf.is_empty() { Line::Eof } else { finish(buf, seen, max) });
        }
        let (chunk, found_newline) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..i], true),
            None => (available, false),
        };
        seen += chunk.len() as u64;
        if seen <= max as u64 + 1 {
            buf.extend_from_slice(chunk);
        }
        let consumed = chunk.len() + usize::from(found_newline);
        reader.consume(consumed);
        if found_newline {
            return Ok(finish(buf, seen, max));
        }
    }
}

fn finish(buf: &mut Vec<u8>, seen: u64, max: usize) -> Line {
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    if buf.len() > max || seen > max as u64 + 1 {
        Line::TooLong(seen)
    } else {
        // Blanks around a payload are trimmed, as single verification does.
        Line::Text(String::from_utf8_lossy(buf).trim().to_owned())
    }
}

/// Verifies one payload per line of `reader` at `now`, `chunk` lines at a time, and hands
/// each result to `sink` in input order. Memory stays bounded by `chunk` lines of at most
/// the policy's `max_text_len`, whatever the input size.
///
/// # Errors
/// An I/O error from `reader` or `sink`; verification failures go to `sink` instead.
pub fn verify_lines<R: BufRead>(
    verifier: &Verifier,
    mut reader: R,
    now: DateTime<Utc>,
    chunk: usize,
    mut sink: impl FnMut(&Result<Verified<Credential>>) -> io::Result<()>,
) -> io::Result<LineSummary> {
    let max = verifier.policy().limits().max_text_len;
    let chunk = chunk.max(1);
    let mut summary = LineSummary::default();
    let mut buf = Vec::with_capacity(max.min(1 << 16));
    // Slots keep input order across lines that are refused before verification.
    let mut slots: Vec<std::result::Result<String, Error>> = Vec::with_capacity(chunk);
    let mut at_eof = false;
    while !at_eof {
        slots.clear();
        while slots.len() < chunk {
            match read_line(&mut reader, max, &mut buf)? {
                Line::Eof => {
                    at_eof = true;
                    break;
                }
                Line::Text(t) => slots.push(Ok(t)),
                Line::TooLong(len) => {
                    slots.push(Err(Error::Limit {
                        limit: crate::error::LimitKind::TextLength,
                        max: max as u64,
                        actual: len,
                    }));
                }
            }
        }
        let texts: Vec<&str> = slots.iter().filter_map(|s| s.as_deref().ok()).collect();
        let mut verified = verifier.verify_many(&texts, now).into_iter();
        for slot in slots.drain(..) {
            let result = match slot {
                #[allow(clippy::expect_used)]
                // safe: `verify_many` returns one result per text, and `texts` holds one per Ok slot.
                Ok(_) => verified.next().expect("one result per text"),
                Err(e) => Err(e),
            };
            summary.total += 1;
            match &result {
                Ok(_) => summary.valid += 1,
                Err(e) => *summary.refused.entry(e.kind()).or_default() += 1,
            }
            sink(&result)?;
        }
    }
    Ok(summary)
}
