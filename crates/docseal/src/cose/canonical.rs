//! The DS1 COSE_Sign1 read straight from its bytes, for the form every DS1 issuer writes:
//!
//! ```text
//! d2 84                          tag 18, array of 4
//!   4d a2 01 <alg> 04 48 <kid>   protected header {1: alg, 4: kid}, alg EdDSA (27) or ES256 (26)
//!   a0                           empty unprotected header
//!   <payload bstr>               shortest length
//!   58 40 <signature>            64 bytes, nothing after
//! ```
//!
//! Anything else goes through the general parser, which gives the same result for these
//! bytes (a test holds the two together) and names the fault of every other input. Slicing
//! instead of building a CBOR tree and re-encoding it to prove it canonical is what brings
//! the COSE stage near to nothing.

use super::envelope::Sign1;
use super::{Algorithm, Kid};

/// The Sig_structure's fixed start: array of 4, "Signature1".
pub(super) const SIG_STRUCTURE_HEAD: &[u8] = b"\x84\x6aSignature1";

/// Parses `bytes` when they are exactly the canonical DS1 form; `None` otherwise.
pub(super) fn parse(bytes: &[u8]) -> Option<Sign1> {
    let (head, rest) = bytes.split_first_chunk::<17>()?;
    let [0xd2, 0x84, 0x4d, 0xa2, 0x01, alg, 0x04, 0x48, kid @ .., 0xa0] = *head else { return None };
    let alg = match alg {
        0x27 => Algorithm::EdDsa,
        0x26 => Algorithm::Es256,
        _ => return None,
    };
    let (payload_header, payload_len) = bstr_header(rest)?;
    let after_header = rest.get(payload_header..)?;
    let payload = after_header.get(..payload_len)?;
    let [0x58, 0x40, signature @ ..] = after_header.get(payload_len..)? else { return None };
    if signature.len() != 64 {
        return None;
    }
    let protected = &head[2..16];
    let payload_item = &rest[..payload_header + payload_len];
    let to_be_signed_len = SIG_STRUCTURE_HEAD.len() + protected.len() + 1 + payload_item.len();
    let mut bytes = Vec::with_capacity(to_be_signed_len + signature.len());
    bytes.extend_from_slice(SIG_STRUCTURE_HEAD);
    bytes.extend_from_slice(protected);
    bytes.push(0x40); // empty external AAD
    bytes.extend_from_slice(payload_item);
    Some(Sign1::new(Some(alg.cose_id()), Kid(kid), bytes, payload.len(), signature))
}

/// A byte string header in its shortest form: (header length, string length).
fn bstr_header(bytes: &[u8]) -> Option<(usize, usize)> {
    match *bytes {
        [n @ 0x40..0x58, ..] => Some((1, usize::from(n - 0x40))),
        [0x58, n, ..] if n >= 24 => Some((2, usize::from(n))),
        [0x59, a, b, ..] if u16::from_be_bytes([a, b]) >= 0x100 => Some((3, usize::from(u16::from_be_bytes([a, b])))),
        [0x5a, a, b, c, d, ..] if u32::from_be_bytes([a, b, c, d]) >= 0x1_0000 => {
            Some((5, usize::try_from(u32::from_be_bytes([a, b, c, d])).ok()?))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::sign1::parse_general;
    use super::super::{PreparedSign1, SigningKey};
    use super::*;

    fn same(a: &Sign1, b: &super::super::ParsedSign1) -> bool {
        (a.alg, a.kid, a.payload(), a.signature(), a.to_be_signed())
            == (b.alg, b.kid, &b.payload[..], &b.signature[..], &b.to_be_signed[..])
    }

    #[test]
    fn equals_the_general_parser_on_what_issuers_write() {
        let keys = [SigningKey::from_ed25519_seed(&[3; 32]), SigningKey::generate(Algorithm::Es256).expect("key")];
        for key in &keys {
            for len in [0, 1, 23, 24, 255, 256, 1000, 65_535, 65_536, 70_000] {
                let payload: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
                let cose = PreparedSign1::sign(key, payload).expect("sign");
                let fast = parse(&cose).expect("canonical");
                let general = parse_general(&cose).expect("general");
                assert!(same(&fast, &general), "{} payload of {len} bytes", key.algorithm());
            }
        }
    }

    #[test]
    fn anything_else_is_left_to_the_general_parser() {
        let key = SigningKey::from_ed25519_seed(&[3; 32]);
        let cose = PreparedSign1::sign(&key, b"payload".to_vec()).expect("sign");
        assert!(parse(&cose).is_some());
        let mut trailing = cose.clone();
        trailing.push(0);
        assert!(parse(&trailing).is_none());
        assert!(parse(&cose[..cose.len() - 1]).is_none());
        assert!(parse(&[&[0xd8, 0x12][..], &cose[1..]].concat()).is_none());
        // The payload's length written long-form: 58 07 instead of 47.
        let long = [&cose[..17], &[0x58, 0x07], &cose[18..]].concat();
        assert!(parse(&long).is_none());
        assert!(parse_general(&long).is_err());
        // Every single-byte change either still parses to the same parts or falls through.
        for i in 0..cose.len() {
            let mut changed = cose.clone();
            changed[i] ^= 0x01;
            if let Some(fast) = parse(&changed) {
                let general = parse_general(&changed).expect("the fast path accepted it");
                assert!(same(&fast, &general), "byte {i}");
            }
            // What the general parser accepts, the verifier's one-buffer form holds alike.
            if let Ok(general) = parse_general(&changed) {
                assert!(same(&super::super::parse_sign1_parts(&changed).expect("parses"), &general), "byte {i}");
            }
        }
    }
}
