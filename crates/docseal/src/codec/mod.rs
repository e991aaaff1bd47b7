//! QR text <-> COSE bytes: context prefix (`DS1:`, or `HC1:` for the EU DCC), optional zlib,
//! base45 (RFC 9285).

pub mod base45;
#[cfg(feature = "qr")]
pub mod qr;
pub mod reference;

use crate::error::{Error, Result};
use crate::limits::Limits;

/// The DS1 context prefix.
pub const DS1_PREFIX: &str = "DS1:";

/// The EU DCC context prefix (health certificate, version 1).
pub const HC1_PREFIX: &str = "HC1:";

/// COSE bytes up to this length are written uncompressed; longer ones are compressed when
/// zlib is shorter. A short credential (a signature, a random id, a few fields) hardly
/// compresses, and the bound lets a verifier check the canonical form of such a body without
/// running the compressor, which would cost more than the signature check.
pub const COMPRESS_ABOVE: usize = 512;

/// Wraps COSE bytes for a QR code: zlib when the bytes are longer than [`COMPRESS_ABOVE`] and
/// zlib is shorter, then base45, then `DS1:`.
#[must_use]
pub fn encode_text(cose: &[u8]) -> String {
    let compressed = (cose.len() > COMPRESS_ABOVE).then(|| deflate(cose)).filter(|z| z.len() < cose.len());
    let body = compressed.as_deref().unwrap_or(cose);
    let mut text = String::with_capacity(DS1_PREFIX.len() + body.len() * 3 / 2 + 2);
    text.push_str(DS1_PREFIX);
    text.push_str(&base45::encode(body));
    text
}

pub(crate) fn deflate(bytes: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(bytes, 9)
}

/// Unwraps QR text into COSE bytes: prefix, base45, and zlib when the body starts with 0x78.
///
/// # Errors
/// [`Error::Limit`] over the caps, [`Error::Prefix`], [`Error::Base45`], [`Error::Decompress`]
/// (also for a body that is not the canonical encoding of its COSE bytes).
pub fn decode_text(text: &str, limits: &Limits) -> Result<Vec<u8>> {
    let raw = unwrap_base45(text, DS1_PREFIX, limits)?;
    // One credential, one QR text: the body must be exactly what the issuer writes (section 1
    // of FORMAT.md), so that a relying party can deduplicate or block-list by the text.
    let not_canonical = || Error::Decompress {
        reason: format!(
            "the body is not the canonical encoding (zlib level 9 only above {COMPRESS_ABOVE} bytes and when shorter, nothing after the stream)"
        ),
    };
    match raw.first() {
        Some(0x78) => {
            let cose = inflate(&raw, limits.max_inflated_len)?;
            if cose.len() <= COMPRESS_ABOVE || deflate(&cose) != raw {
                return Err(not_canonical());
            }
            Ok(cose)
        }
        Some(_) => {
            // Stored: canonical when short, or when zlib would not be shorter (only long
            // bodies pay for the compressor).
            if raw.len() > COMPRESS_ABOVE && deflate(&raw).len() < raw.len() {
                return Err(not_canonical());
            }
            Ok(raw)
        }
        None => Err(Error::cose("empty body")),
    }
}

/// Unwraps `HC1:` text into COSE bytes. Unlike DS1, the EU DCC always compresses: a body that
/// is not a zlib stream is refused.
///
/// # Errors
/// As [`decode_text`]; [`Error::Decompress`] for an uncompressed body.
pub fn decode_hc1_text(text: &str, limits: &Limits) -> Result<Vec<u8>> {
    let raw = unwrap_base45(text, HC1_PREFIX, limits)?;
    match raw.first() {
        Some(0x78) => inflate(&raw, limits.max_inflated_len),
        _ => Err(Error::Decompress { reason: "an HC1 body must be a zlib stream".into() }),
    }
}

/// Wraps COSE bytes as `HC1:` text (always zlib, as the DCC specification requires).
#[must_use]
pub fn encode_hc1_text(cose: &[u8]) -> String {
    format!("{HC1_PREFIX}{}", base45::encode(deflate(cose)))
}

fn unwrap_base45(text: &str, prefix: &str, limits: &Limits) -> Result<Vec<u8>> {
    if text.len() > limits.max_text_len {
        return Err(Error::Limit {
            limit: crate::error::LimitKind::TextLength,
            max: limits.max_text_len as u64,
            actual: text.len() as u64,
        });
    }
    let Some(body) = text.strip_prefix(prefix) else {
        let found = text.chars().take(8).collect();
        let expected = if prefix == HC1_PREFIX { "`HC1:`" } else { "`DS1:`" };
        return Err(Error::Prefix { expected, found });
    };
    base45::decode(body).map_err(|e| Error::Base45 { reason: e.reason() })
}

/// Inflates a zlib stream (Adler-32 checked), stopping at `max` bytes so a bomb costs constant
/// memory. miniz_oxide directly: flate2's reader sets up a 40 KiB streaming state per call,
/// which cost more than the rest of the decoding (measured with callgrind).
fn inflate(compressed: &[u8], max: usize) -> Result<Vec<u8>> {
    inflate_capped(compressed, max, crate::error::LimitKind::InflatedLength)
}

/// [`inflate`] naming the limit a breach reports (credentials and status lists differ).
///
/// miniz_oxide's `decompress_to_vec_zlib_with_limit`, with its state and output buffer kept
/// per thread: that function zeroes an 11 KB inflater and a fresh output vector on every
/// call, almost half of an HC1 payload's decoding (58,000 of 126,000 instructions beside the
/// signature; 36,500 this way). The steps, statuses and limit are its own (a test holds the two together).
pub(crate) fn inflate_capped(compressed: &[u8], max: usize, limit: crate::error::LimitKind) -> Result<Vec<u8>> {
    use miniz_oxide::inflate::TINFLStatus;
    use miniz_oxide::inflate::core::{DecompressorOxide, decompress, inflate_flags};
    /// What a thread keeps between calls: the output buffer is kept up to this size.
    const KEPT: usize = 64 * 1024;
    thread_local! {
        static INFLATER: std::cell::RefCell<(Box<DecompressorOxide>, Vec<u8>)> =
            std::cell::RefCell::new((Box::default(), Vec::new()));
    }
    let flags = inflate_flags::TINFL_FLAG_PARSE_ZLIB_HEADER | inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let run = |(state, buffer): &mut (Box<DecompressorOxide>, Vec<u8>)| {
        state.init();
        // The buffer's old bytes need no clearing: a non-wrapping output buffer is only read
        // behind what this stream wrote.
        let first = compressed.len().saturating_mul(2).min(max);
        if buffer.len() < first {
            buffer.resize(first, 0);
        }
        let mut input = compressed;
        let mut written = 0;
        let outcome = loop {
            let end = buffer.len().min(max);
            let (status, consumed, produced) = decompress(state, input, &mut buffer[..end], written, flags);
            written += produced;
            match status {
                TINFLStatus::Done => break Ok(buffer[..written].to_vec()),
                TINFLStatus::HasMoreOutput if consumed <= input.len() && end < max => {
                    input = &input[consumed..];
                    let grown = end.saturating_mul(2).min(max);
                    if buffer.len() < grown {
                        buffer.resize(grown, 0);
                    }
                }
                TINFLStatus::HasMoreOutput => {
                    break Err(Error::Limit { limit, max: max as u64, actual: max as u64 + 1 });
                }
                status => break Err(Error::Decompress { reason: format!("inflate stopped: {status:?}") }),
            }
        };
        if buffer.len() > KEPT {
            *buffer = Vec::new();
        }
        outcome
    };
    // A fresh state where the kept one is out of reach: on a thread being torn down (no
    // thread-locals left), or if a call were ever reentrant.
    INFLATER
        .try_with(|kept| kept.try_borrow_mut().ok().map(|mut kept| run(&mut kept)))
        .ok()
        .flatten()
        .unwrap_or_else(|| run(&mut (Box::default(), Vec::new())))
}

/// Inflates a large zlib stream (a status list) through a 64 KiB window, so memory holds the
/// output once: the one-shot inflater grows a zero-filled buffer to twice what it needs.
pub(crate) fn inflate_large(compressed: &[u8], max: usize, limit: crate::error::LimitKind) -> Result<Vec<u8>> {
    use miniz_oxide::inflate::stream::{InflateState, inflate};
    use miniz_oxide::{DataFormat, MZFlush, MZStatus};
    // Two passes: the first counts (and checks the stream and the cap), the second fills a
    // buffer of exactly that size, so the process holds the list once and nothing more.
    let pass = |mut sink: Option<&mut Vec<u8>>| -> Result<usize> {
        let mut state = InflateState::new_boxed(DataFormat::Zlib);
        let mut window = vec![0u8; 64 * 1024];
        let mut total = 0usize;
        let mut input = compressed;
        loop {
            let step = inflate(&mut state, input, &mut window, MZFlush::None);
            input = &input[step.bytes_consumed..];
            total += step.bytes_written;
            if total > max {
                return Err(Error::Limit { limit, max: max as u64, actual: total as u64 });
            }
            if let Some(out) = sink.as_deref_mut() {
                out.extend_from_slice(&window[..step.bytes_written]);
            }
            match step.status {
                Ok(MZStatus::StreamEnd) if input.is_empty() => return Ok(total),
                Ok(MZStatus::StreamEnd) => {
                    return Err(Error::Decompress { reason: "bytes after the zlib stream".into() });
                }
                Ok(_) if step.bytes_consumed == 0 && step.bytes_written == 0 => {
                    return Err(Error::Decompress { reason: "truncated zlib stream".into() });
                }
                Ok(_) => {}
                Err(e) => return Err(Error::Decompress { reason: format!("inflate stopped: {e:?}") }),
            }
        }
    };
    let mut out = Vec::with_capacity(pass(None)?);
    pass(Some(&mut out))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits =
        Limits { max_text_len: 8192, max_inflated_len: 16384, max_keys_per_kid: 8, max_status_list_len: 32 << 20 };

    #[test]
    fn round_trip_with_and_without_compression() -> Result<()> {
        let compressible = [0xd2; COMPRESS_ABOVE + 1];
        let text = encode_text(&compressible);
        assert!(text.starts_with("DS1:"));
        assert!(text.len() < COMPRESS_ABOVE, "zlib used above the bound when it is shorter");
        assert_eq!(decode_text(&text, &LIMITS)?, compressible);
        let short = [0xd2; COMPRESS_ABOVE];
        let text = encode_text(&short);
        assert_eq!(text, format!("DS1:{}", base45::encode(short)), "stored up to the bound");
        assert_eq!(decode_text(&text, &LIMITS)?, short);
        let random: Vec<u8> = (0u32..64).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        let mut cose = vec![0xd2];
        cose.extend(random);
        let text = encode_text(&cose);
        assert_eq!(text, format!("DS1:{}", base45::encode(&cose)), "stored when zlib is no shorter");
        assert_eq!(decode_text(&text, &LIMITS)?, cose);
        Ok(())
    }

    #[test]
    fn the_other_choice_is_refused_on_both_sides_of_the_bound() {
        let refused = |body: &[u8]| decode_text(&format!("DS1:{}", base45::encode(body)), &LIMITS).unwrap_err().kind();
        // Short bytes compressed, though zlib is shorter: the issuer stores them.
        assert_eq!(refused(&deflate(&[0xd2; COMPRESS_ABOVE])).as_str(), "decompress");
        // Long compressible bytes stored: the issuer compresses them.
        assert_eq!(refused(&[0xd2; COMPRESS_ABOVE + 1]).as_str(), "decompress");
    }

    proptest::proptest! {
        /// The kept-state inflater answers as miniz_oxide's one-shot function on streams of
        /// every size around the limit, cut short, or changed in a byte.
        #[test]
        fn inflate_equals_the_one_shot_inflater(
            data in proptest::collection::vec(0u8..4, 0..3000),
            max in 0usize..4000,
            cut in proptest::option::of(0usize..200),
            flip in proptest::option::of((0usize..200, 1u8..=255)),
        ) {
            let mut z = deflate(&data);
            if let Some(cut) = cut { z.truncate(cut); }
            if let Some((at, bits)) = flip && let Some(byte) = z.get_mut(at) { *byte ^= bits; }
            let ours = inflate(&z, max).map_err(|e| e.to_string());
            // What `inflate` answered when it called the one-shot function.
            let expected = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&z, max).map_err(|e| match e.status {
                miniz_oxide::inflate::TINFLStatus::HasMoreOutput => {
                    let limit = crate::error::LimitKind::InflatedLength;
                    Error::Limit { limit, max: max as u64, actual: max as u64 + 1 }.to_string()
                }
                status => Error::Decompress { reason: format!("inflate stopped: {status:?}") }.to_string(),
            });
            proptest::prop_assert_eq!(ours, expected);
        }
    }

    #[test]
    fn large_inflation_is_exact_capped_and_strict() {
        use crate::error::LimitKind::StatusListLength as L;
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let z = deflate(&data);
        assert_eq!(inflate_large(&z, 1 << 20, L).unwrap(), data);
        assert_eq!(inflate_large(&z, 100_000, L).unwrap_err().kind(), "limit");
        let mut trailing = z.clone();
        trailing.push(0);
        assert_eq!(inflate_large(&trailing, 1 << 20, L).unwrap_err().kind(), "decompress");
        assert_eq!(inflate_large(&z[..z.len() / 2], 1 << 20, L).unwrap_err().kind(), "decompress");
        assert_eq!(inflate_large(b"not zlib", 1 << 20, L).unwrap_err().kind(), "decompress");
    }

    #[test]
    fn errors_name_the_stage() {
        let kind = |t: &str| decode_text(t, &LIMITS).map_err(|e| e.kind().as_str()).err();
        assert_eq!(kind("HX1:ABC"), Some("prefix"));
        assert_eq!(kind(""), Some("prefix"));
        assert_eq!(kind("DS1:abc"), Some("base45"));
        assert_eq!(kind("DS1:GGW"), Some("base45"));
        assert_eq!(kind("DS1:A"), Some("base45"));
        // 0x78 0x9c then garbage: a zlib header with a corrupt stream.
        assert_eq!(kind(&format!("DS1:{}", base45::encode([0x78, 0x9c, 1, 2, 3, 4]))), Some("decompress"));
        assert_eq!(kind(&"x".repeat(9000)), Some("limit"));
    }

    #[test]
    fn zlib_bomb_stops_at_the_cap() {
        let bomb = deflate(&vec![0u8; 1 << 20]);
        assert!(bomb.len() < 2048);
        let err = decode_text(&format!("DS1:{}", base45::encode(&bomb)), &LIMITS);
        assert!(matches!(err, Err(Error::Limit { limit: crate::error::LimitKind::InflatedLength, .. })));
    }
}
