//! Streaming bulk verification over lines, in bounded memory.

use std::collections::BTreeMap;
use std::io::{self, BufRead};

use chrono::{DateTime, Utc};

use crate::error::{Error, ErrorKind, Result};
use crate::verify::{AnyVerified, Verifier};

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
    /// The line is in the buffer, without its end of line.
    Text,
    TooLong(u64),
}

/// Reads one line of at most `max` bytes into `buf` (without its `\n` / `\r\n`); a longer one
/// is skipped to its end without being stored.
fn read_line(reader: &mut impl BufRead, max: usize, buf: &mut Vec<u8>) -> io::Result<Line> {
    buf.clear();
    let mut seen: u64 = 0;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok(if seen == 0 && buf.is_empty() { Line::Eof } else { finish(buf, seen, max) });
        }
        let (chunk, found_newline) = match memchr::memchr(b'\n', available) {
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
    if buf.len() > max || seen > max as u64 + 1 { Line::TooLong(seen) } else { Line::Text }
}

/// Lines read together: their texts one after the other in one string (one allocation for
/// the lot), and a slot for each.
pub(super) struct Lines {
    pub(super) text: String,
    slots: Vec<Slot>,
}

impl Lines {
    /// The texts of the slots read whole, in order.
    fn texts(&self) -> Vec<&str> {
        self.slots.iter().filter_map(|s| s.as_ref().ok()).map(|r| &self.text[r.clone()]).collect()
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
    /// The text length of the last chunk read.
    text_len: usize,
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
            text_len: 0,
            at_eof: false,
        }
    }

    /// The next chunk's results; `None` after the last.
    fn next_chunk(&mut self) -> io::Result<Option<Vec<Result<AnyVerified>>>> {
        let lines = self.next_lines(String::new())?;
        Ok(lines.map(|mut lines| verify_slots(&mut lines, |texts| self.verifier.verify_many(texts, self.now))))
    }

    /// The next chunk's lines, read but not verified, their texts in `text` (a spare buffer
    /// to reuse, emptied first); `None` after the last.
    pub(super) fn next_lines(&mut self, mut text: String) -> io::Result<Option<Lines>> {
        if self.at_eof {
            return Ok(None);
        }
        text.clear();
        // The last chunk's length is the best guess of this one's: no growing on the way.
        text.reserve(self.text_len);
        let mut slots: Vec<Slot> = Vec::with_capacity(self.chunk);
        while slots.len() < self.chunk {
            match read_line(&mut self.reader, self.max, &mut self.buf)? {
                Line::Eof => {
                    self.at_eof = true;
                    break;
                }
                Line::Text => {
                    // Blanks around a payload are trimmed, as single verification does. Valid
                    // UTF-8 (every real payload) takes the fast check; the lossy pass is for the rest.
                    let start = text.len();
                    match std::str::from_utf8(&self.buf) {
                        Ok(line) => text.push_str(line.trim()),
                        Err(_) => text.push_str(String::from_utf8_lossy(&self.buf).trim()),
                    }
                    slots.push(Ok(start..text.len()));
                }
                Line::TooLong(len) => slots.push(Err(Error::Limit {
                    limit: crate::error::LimitKind::TextLength,
                    max: self.max as u64,
                    actual: len,
                })),
            }
        }
        self.text_len = text.len();
        Ok((!slots.is_empty()).then_some(Lines { text, slots }))
    }
}

/// A line read: where its text is in its [`Lines`], or the refusal it got before
/// verification (too long). Slots keep input order across lines refused that early.
type Slot = std::result::Result<std::ops::Range<usize>, Error>;

/// Verifies a chunk's lines with `verify_texts` (one result per text, in order): one result
/// per slot, in order. The slots are taken; the text stays, to be reused.
pub(super) fn verify_slots(
    lines: &mut Lines,
    verify_texts: impl FnOnce(&[&str]) -> Vec<Result<AnyVerified>>,
) -> Vec<Result<AnyVerified>> {
    let results = verify_texts(&lines.texts());
    if lines.slots.iter().all(Result::is_ok) {
        // No line refused early (the usual case): the results as they are, not moved again.
        lines.slots.clear();
        return results;
    }
    let mut verified = results.into_iter();
    std::mem::take(&mut lines.slots)
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
    pub(super) fn count(&mut self, result: &Result<AnyVerified>) {
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
    mut sink: impl FnMut(&Result<AnyVerified>) -> io::Result<()>,
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
