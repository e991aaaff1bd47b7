//! Streaming bulk verification into a writer: reading, verifying and writing overlap, with
//! no barrier between the verifying threads.

use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};

use super::lines::{Chunks, LineSummary, Lines, verify_slots};
use crate::error::Result;
use crate::verify::{AnyVerified, Verifier};

/// One piece verified and rendered: its output bytes and its counts.
struct Piece {
    bytes: Vec<u8>,
    summary: LineSummary,
}

/// What a verifying thread works with.
struct Pool<'a> {
    verifier: &'a Verifier,
    now: DateTime<Utc>,
    texts: &'a Spares<String>,
    outputs: &'a Spares<Vec<u8>>,
}

/// Buffers handed back for reuse. A piece's text and output are each about a megabyte, and
/// glibc gives a freed buffer that size back to the system: allocated anew for every piece,
/// their pages were faulted in again each time. As many buffers circulate as pieces may be
/// held at once, plus one per verifying thread.
struct Spares<T>(Mutex<Vec<T>>);

impl<T> Default for Spares<T> {
    fn default() -> Self {
        Self(Mutex::new(Vec::new()))
    }
}

impl<T> Spares<T> {
    fn take(&self) -> Option<T> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).pop()
    }

    fn give(&self, spare: T) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).push(spare);
    }
}

/// A piece's place in the input, and the piece or the error that stopped it.
type Finished = (u64, io::Result<Piece>);

/// As [`verify_lines`](super::verify_lines), for output. The calling thread reads the input
/// in pieces of lines; each verifying thread (one per thread of the `parallel` feature's
/// pool, else one) takes the next piece as soon as it is free, verifies it as one batch and
/// `render`s each result as bytes; a writer thread puts the pieces back in input order and
/// writes them to `out`. No thread waits for another's piece to finish, so a thread slowed
/// for a moment (by the reader or the writer sharing its core) holds up no one. The command
/// line's `verify --bulk --json` runs this way. With one thread in the pool (or without the
/// `parallel` feature) the calling thread does it all in turn, with no helper threads.
///
/// Memory stays bounded: a piece is at most `chunk` lines (spread over the threads, and at
/// most one signature batch) of at most the policy's `max_text_len`, and at most two pieces
/// per verifying thread, plus two, are read and not yet written at any time.
///
/// # Errors
/// An I/O error from `reader`, `render` or `out` (the lines before it may have been
/// written); verification failures go to `render` instead.
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
///     docseal::json::write_line,
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
    render: impl Fn(&mut Vec<u8>, &Result<AnyVerified>) -> io::Result<()> + Sync + Send,
    out: W,
) -> io::Result<(LineSummary, W)> {
    let workers = super::threads().max(1);
    let piece_lines = chunk.max(1).div_ceil(workers).min(super::BATCH);
    if workers == 1 {
        return verify_lines_here(verifier, reader, now, piece_lines, render, out);
    }
    let in_flight = 2 * workers + 2;
    let (texts, outputs) = (Spares::default(), Spares::default());
    let (texts, outputs) = (&texts, &outputs);
    std::thread::scope(|scope| {
        // A piece is read only with a permit, which the writer hands back once the piece is
        // written: this bounds the pieces held, out of order ones included.
        let (permit_back, permits) = sync_channel::<()>(in_flight);
        for _ in 0..in_flight {
            // The channel has room for every permit, and its receiver is alive.
            let _ = permit_back.send(());
        }
        let (to_verify, pieces) = sync_channel::<(u64, Lines)>(in_flight);
        // Shared by the verifying threads only, so that it drops (and the reader's send
        // fails) when they have all stopped.
        let pieces = Arc::new(Mutex::new(pieces));
        let (done, finished) = channel::<Finished>();
        let writer = scope.spawn(move || write_in_order(finished, permit_back, outputs, out));
        let render = &render;
        let verifying: Vec<_> = (0..workers)
            .map(|_| {
                let (pieces, done) = (Arc::clone(&pieces), done.clone());
                scope.spawn(move || verify_pieces(Pool { verifier, now, texts, outputs }, &pieces, &done, render))
            })
            .collect();
        drop((pieces, done));
        let read = (|| -> io::Result<()> {
            let mut lines = Chunks::new(verifier, reader, now, piece_lines);
            for index in 0u64.. {
                // No permit left to take: the writer stopped, on an error its join returns.
                if permits.recv().is_err() {
                    break;
                }
                let Some(piece) = lines.next_lines(texts.take().unwrap_or_default())? else { break };
                // Every verifying thread stopped, on an error the writer returns.
                if to_verify.send((index, piece)).is_err() {
                    break;
                }
            }
            Ok(())
        })();
        drop(to_verify);
        // A verifying thread that panicked has told the writer, whose error is returned.
        verifying.into_iter().for_each(|thread| drop(thread.join()));
        let written = writer.join().unwrap_or_else(|_| Err(io::Error::other("the output writer stopped")));
        let (summary, out) = written?;
        read?;
        Ok((summary, out))
    })
}

/// One thread asked for, one thread used: the calling thread reads, verifies, renders and
/// writes each piece in turn. A reader and a writer thread beside one verifying thread would
/// take part of a second core (about 6 % of one on `verify --bulk --json`) that a run on one
/// thread should not count on, and builds without threads have none to spare.
fn verify_lines_here<R: BufRead, W: Write>(
    verifier: &Verifier,
    reader: R,
    now: DateTime<Utc>,
    piece_lines: usize,
    render: impl Fn(&mut Vec<u8>, &Result<AnyVerified>) -> io::Result<()>,
    mut out: W,
) -> io::Result<(LineSummary, W)> {
    let mut lines = Chunks::new(verifier, reader, now, piece_lines);
    let (mut summary, mut text, mut bytes) = (LineSummary::default(), String::new(), Vec::new());
    while let Some(mut piece) = lines.next_lines(text)? {
        let results = verify_slots(&mut piece, |texts| verifier.verify_on_this_thread(texts, now));
        summary.merge(render_all(&results, &render, &mut bytes)?);
        out.write_all(&bytes)?;
        bytes.clear();
        text = piece.text;
    }
    out.flush()?;
    Ok((summary, out))
}

/// A verifying thread: takes the next piece until there is none, and sends it verified and
/// rendered to the writer. It frees the piece's results itself: freed on another thread,
/// glibc takes each block back under its arena's lock, which cost the writer 8 % of a run.
fn verify_pieces(
    Pool { verifier, now, texts, outputs }: Pool<'_>,
    pieces: &Mutex<Receiver<(u64, Lines)>>,
    done: &Sender<Finished>,
    render: &(impl Fn(&mut Vec<u8>, &Result<AnyVerified>) -> io::Result<()> + Sync),
) {
    loop {
        // The lock is held only while waiting for a piece, never while verifying one.
        let next = pieces.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok((index, mut lines)) = next else { return };
        let _unfinished = Unfinished { index, done };
        let results = verify_slots(&mut lines, |texts| verifier.verify_on_this_thread(texts, now));
        texts.give(lines.text);
        let mut bytes = outputs.take().unwrap_or_else(|| Vec::with_capacity(results.len() * 1024));
        let rendered = render_all(&results, render, &mut bytes);
        drop(results);
        // The writer stopped, on an error its join returns.
        if done.send((index, rendered.map(|summary| Piece { bytes, summary }))).is_err() {
            return;
        }
    }
}

/// Renders a piece's results onto `bytes`, and counts them.
fn render_all(
    results: &[Result<AnyVerified>],
    render: &impl Fn(&mut Vec<u8>, &Result<AnyVerified>) -> io::Result<()>,
    bytes: &mut Vec<u8>,
) -> io::Result<LineSummary> {
    let mut summary = LineSummary::default();
    for result in results {
        summary.count(result);
        render(bytes, result)?;
    }
    Ok(summary)
}

/// Tells the writer that a piece will not come, if its verifying thread panics: the writer
/// then stops with an error instead of waiting for it.
struct Unfinished<'a> {
    index: u64,
    done: &'a Sender<Finished>,
}

impl Drop for Unfinished<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // The writer may have stopped already: then there is no one to tell.
            let _ = self.done.send((self.index, Err(io::Error::other("bulk verification stopped"))));
        }
    }
}

/// The writer thread: writes the pieces in input order as they come, hands their buffers
/// back for reuse, and a permit for each.
fn write_in_order<W: Write>(
    finished: Receiver<Finished>,
    permit_back: SyncSender<()>,
    outputs: &Spares<Vec<u8>>,
    mut out: W,
) -> io::Result<(LineSummary, W)> {
    let mut summary = LineSummary::default();
    let mut waiting: BTreeMap<u64, io::Result<Piece>> = BTreeMap::new();
    let mut next = 0u64;
    for (index, piece) in finished {
        waiting.insert(index, piece);
        while let Some(piece) = waiting.remove(&next) {
            let Piece { mut bytes, summary: counted } = piece?;
            out.write_all(&bytes)?;
            summary.merge(counted);
            bytes.clear();
            outputs.give(bytes);
            next += 1;
            // The reader may have finished and dropped its end: nothing more to permit.
            let _ = permit_back.send(());
        }
    }
    // Every piece read was sent, so none can be missing unless a verifying thread stopped.
    if !waiting.is_empty() {
        return Err(io::Error::other("bulk verification stopped"));
    }
    out.flush()?;
    Ok((summary, out))
}
