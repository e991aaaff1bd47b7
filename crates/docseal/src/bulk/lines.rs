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
        // Valid UTF-8 (every real payload) takes the fast check; the lossy pass is for the rest.
        let text = match std::str::from_utf8(buf) {
            Ok(text) => text.trim().to_owned(),
            Err(_) => String::from_utf8_lossy(buf).trim().to_owned(),
        };
        Line::Text(text)
    }
}

/// Reads up to `chunk` lines and verifies them: the results in input order, and whether the
/// input ended.
pub(super) struct Chunks<'v, R> {
    verifier: &'v Verifier,
    reader: R,
    now: DateTime<Utc>,
    chunk: usize,
    max: usize,
    buf: Vec<u8>,
    at_eof: bool,
}

impl<'v, R: BufRead> Chunks<'v, R> {
    pub(super) fn new(verifier: &'v Verifier, reader: R, now: DateTime<Utc>, chunk: usize) -> Self {
        let max = verifier.policy().limits().max_text_len;
        Self {
            verifier,
            reader,
            now,
            chunk: chunk.max(1),
            max,
            buf: Vec::with_capacity(max.min(1 << 16)),
            at_eof: false,
        }
    }

    /// The next chunk's results; `None` after the last.
    fn next_chunk(&mut self) -> io::Result<Option<Vec<Result<Verified<Credential>>>>> {
        Ok(self.next_lines()?.map(|slots| verify_slots(slots, |texts| self.verifier.verify_many(texts, self.now))))
    }

    /// The next chunk's lines, read but not verified; `None` after the last.
    pub(super) fn next_lines(&mut self) -> io::Result<Option<Vec<Slot>>> {
        if self.at_eof {
            return Ok(None);
        }
        let mut slots: Vec<Slot> = Vec::with_capacity(self.chunk);
        while slots.len() < self.chunk {
            match read_line(&mut self.reader, self.max, &mut self.buf)? {
                Line::Eof => {
                    self.at_eof = true;
                    break;
                }
                Line::Text(t) => slots.push(Ok(t)),
                Line::TooLong(len) => slots.push(Err(Error::Limit {
                    limit: crate::error::LimitKind::TextLength,
                    max: self.max as u64,
                    actual: len,
                })),
            }
        }
        Ok((!slots.is_empty()).then_some(slots))
    }
}

/// A line read: its text, or the refusal it got before verification (too long). Slots keep
/// input order across lines refused that early.
pub(super) type Slot = std::result::Result<String, Error>;

/// Verifies a chunk's lines with `verify_texts` (one result per text, in order): one result
/// per slot, in order.
pub(super) fn verify_slots(
    slots: Vec<Slot>,
    verify_texts: impl FnOnce(&[&str]) -> Vec<Result<Verified<Credential>>>,
) -> Vec<Result<Verified<Credential>>> {
    let results = {
        let texts: Vec<&str> = slots.iter().filter_map(|s| s.as_deref().ok()).collect();
        verify_texts(&texts)
    };
    let mut verified = results.into_iter();
    slots
        .into_iter()
        .map(|slot| match slot {
            #[allow(clippy::expect_used)]
            // safe: `verify_texts` returns one result per text, and `texts` held one per Ok slot.
            Ok(_) => verified.next().expect("one result per text"),
            Err(e) => Err(e),
        })
        .collect()
}

impl LineSummary {
    pub(super) fn count(&mut self, result: &Result<Verified<Credential>>) {
        self.total += 1;
        match result {
            Ok(_) => self.valid += 1,
            Err(e) => *self.refused.entry(e.kind()).or_default() += 1,
        }
    }

    pub(super) fn merge(&mut self, other: LineSummary) {
        self.total += other.total;
        self.valid += other.valid;
        for (kind, n) in other.refused {
            *self.refused.entry(kind).or_default() += n;
        }
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
    reader: R,
    now: DateTime<Utc>,
    chunk: usize,
    mut sink: impl FnMut(&Result<Verified<Credential>>) -> io::Result<()>,
) -> io::Result<LineSummary> {
    let mut summary = LineSummary::default();
    let mut chunks = Chunks::new(verifier, reader, now, chunk);
    while let Some(results) = chunks.next_chunk()? {
        for result in &results {
            summary.count(result);
            sink(result)?;
        }
    }
    Ok(summary)
}
