//! Streaming bulk verification over lines, in bounded memory.

use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};

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
struct Chunks<'v, R> {
    verifier: &'v Verifier,
    reader: R,
    now: DateTime<Utc>,
    chunk: usize,
    max: usize,
    buf: Vec<u8>,
    at_eof: bool,
}

impl<'v, R: BufRead> Chunks<'v, R> {
    fn new(verifier: &'v Verifier, reader: R, now: DateTime<Utc>, chunk: usize) -> Self {
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
        Ok(self.next_lines()?.map(|slots| verify_slots(self.verifier, slots, self.now)))
    }

    /// The next chunk's lines, read but not verified; `None` after the last.
    fn next_lines(&mut self) -> io::Result<Option<Vec<Slot>>> {
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
type Slot = std::result::Result<String, Error>;

/// Verifies a chunk's lines: one result per slot, in order.
fn verify_slots(verifier: &Verifier, slots: Vec<Slot>, now: DateTime<Utc>) -> Vec<Result<Verified<Credential>>> {
    let results = {
        let texts: Vec<&str> = slots.iter().filter_map(|s| s.as_deref().ok()).collect();
        verifier.verify_many(&texts, now)
    };
    let mut verified = results.into_iter();
    slots
        .into_iter()
        .map(|slot| match slot {
            #[allow(clippy::expect_used)]
            // safe: `verify_many` returns one result per text, and `texts` held one per Ok slot.
            Ok(_) => verified.next().expect("one result per text"),
            Err(e) => Err(e),
        })
        .collect()
}

impl LineSummary {
    fn count(&mut self, result: &Result<Verified<Credential>>) {
        self.total += 1;
        match result {
            Ok(_) => self.valid += 1,
            Err(e) => *self.refused.entry(e.kind()).or_default() += 1,
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

/// What the writer thread receives: rendered bytes, then the chunk's results to free.
enum Output {
    Block(Vec<u8>),
    Rendered(Vec<Result<Verified<Credential>>>),
}

/// Results written into one block of output together.
const BLOCK: usize = 256;

/// As [`verify_lines`], for output, in three stages that overlap: the calling thread reads
/// and splits the next chunk's lines while the previous chunk is verified and `render`
/// writes each result as bytes (on the verifying threads, in parallel with the `parallel`
/// feature), and the blocks go to `out`, in input order, from a thread of their own. The
/// command line's `verify --bulk --json` runs this way.
///
/// Memory stays bounded as in [`verify_lines`], plus one chunk of lines read ahead and up to
/// two chunks of rendered output, with their results, waiting for the writer thread (which
/// also frees the results, off the verifying threads).
///
/// # Errors
/// An I/O error from `reader`, `render` or `out`; verification failures go to `render`.
///
/// # Examples
/// ```
/// # use docseal::{Algorithm, Issuer, SigningKey, TrustList, TrustedKey, Verifier};
/// # let key = SigningKey::generate(Algorithm::EdDsa)?;
/// # let mut trust = TrustList::new();
/// # trust.add(TrustedKey::new("Beijing TMB", key.verifying_key()));
/// # let at = "2026-11-21T09:00:00Z".parse()?;
/// # let issued = Issuer::new(key, "Beijing TMB")?.issue(&docseal::samples::licence().into(), at)?;
/// let input = format!("{}\nDS1:not a payload\n", issued.text);
/// let (summary, out) = docseal::bulk::verify_lines_into(
///     &Verifier::new(trust), input.as_bytes(), at, 4096,
///     |out, result| match result {
///         Ok(v) => docseal::json::write_valid_line(out, v),
///         Err(e) => docseal::json::write_invalid_line(out, e),
///     },
///     Vec::new(),
/// )?;
/// assert_eq!((summary.total, summary.valid), (2, 1));
/// assert_eq!(String::from_utf8(out)?.lines().count(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify_lines_into<R: BufRead, W: Write + Send>(
    verifier: &Verifier,
    reader: R,
    now: DateTime<Utc>,
    chunk: usize,
    render: impl Fn(&mut Vec<u8>, &Result<Verified<Credential>>) -> io::Result<()> + Sync + Send,
    out: W,
) -> io::Result<(LineSummary, W)> {
    std::thread::scope(|scope| {
        let (blocks, received) = std::sync::mpsc::sync_channel::<Output>(2 * chunk.max(1).div_ceil(BLOCK) + 1);
        let writer = scope.spawn(move || -> io::Result<W> {
            let mut out = out;
            for message in received {
                match message {
                    Output::Block(block) => out.write_all(&block)?,
                    // Freeing a chunk's results here keeps it off the verifying threads.
                    Output::Rendered(results) => drop(results),
                }
            }
            out.flush()?;
            Ok(out)
        });
        // Lines are read here while the previous chunk is verified and rendered on a thread of
        // its own: reading and splitting lines no longer waits for verification, nor the
        // other way round. One chunk of lines waits at most.
        let (lines, to_verify) = std::sync::mpsc::sync_channel::<Vec<Slot>>(1);
        let verifying = scope.spawn(move || -> io::Result<LineSummary> {
            let mut summary = LineSummary::default();
            for slots in to_verify {
                let results = verify_slots(verifier, slots, now);
                results.iter().for_each(|r| summary.count(r));
                let parts: Vec<&[Result<Verified<Credential>>]> = results.chunks(BLOCK).collect();
                let rendered = super::map(&parts, |part| {
                    let mut block = Vec::with_capacity(part.len() * 1024);
                    part.iter().try_for_each(|r| render(&mut block, r)).map(|()| block)
                });
                let messages = rendered.into_iter().map(|block| block.map(Output::Block));
                for message in messages.chain([Ok(Output::Rendered(results))]) {
                    if blocks.send(message?).is_err() {
                        // The writer stopped on an error, which its join below returns.
                        return Ok(summary);
                    }
                }
            }
            Ok(summary)
        });
        let read = (|| -> io::Result<()> {
            let mut chunks = Chunks::new(verifier, reader, now, chunk);
            while let Some(slots) = chunks.next_lines()? {
                if lines.send(slots).is_err() {
                    // Verification stopped on an error, which its join below returns.
                    break;
                }
            }
            Ok(())
        })();
        drop(lines);
        let verified = verifying.join().unwrap_or_else(|_| Err(io::Error::other("bulk verification stopped")));
        let written = writer.join().unwrap_or_else(|_| Err(io::Error::other("the output writer stopped")));
        let out = written?;
        read?;
        Ok((verified?, out))
    })
}
