//! COSE_Sign1 create (one- and two-phase) and parse.

use coset::{AsCborValue as _, CoseSign1, CoseSign1Builder, HeaderBuilder, TaggedCborSerializable as _};

use std::borrow::Cow;

use super::envelope::Sign1;
use super::{Algorithm, Kid, Signer};
use crate::cbor_walk::{Head, WalkError, WalkResult, Walker};
use crate::error::{Error, Result};

/// A COSE_Sign1 ready to be signed elsewhere (an HSM, a remote signer): take
/// [`PreparedSign1::to_be_signed`], sign it with the key announced in the header, and pass
/// the 64-byte signature to [`PreparedSign1::finalize`].
#[derive(Debug, Clone)]
pub struct PreparedSign1 {
    sign1: CoseSign1,
}

impl PreparedSign1 {
    /// Builds the protected header (`alg`, `kid`) around `payload`.
    #[must_use]
    pub fn new(alg: Algorithm, kid: Kid, payload: Vec<u8>) -> Self {
        let protected = HeaderBuilder::new()
            .algorithm(match alg {
                Algorithm::EdDsa => coset::iana::Algorithm::EdDSA,
                Algorithm::Es256 => coset::iana::Algorithm::ES256,
                Algorithm::Ps256 => coset::iana::Algorithm::PS256,
            })
            .key_id(kid.0.to_vec())
            .build();
        Self { sign1: CoseSign1Builder::new().protected(protected).payload(payload).build() }
    }

    /// The Sig_structure bytes (RFC 9052 section 4.4) the signer must sign.
    #[must_use]
    pub fn to_be_signed(&self) -> Vec<u8> {
        self.sign1.tbs_data(&[])
    }

    /// Attaches the signature and writes the tagged COSE_Sign1.
    ///
    /// # Errors
    /// [`Error::Cose`] when the signature is not 64 bytes or encoding fails.
    pub fn finalize(mut self, signature: Vec<u8>) -> Result<Vec<u8>> {
        if signature.len() != 64 {
            return Err(Error::cose(format!("signature must be 64 bytes, got {}", signature.len())));
        }
        self.sign1.signature = signature;
        self.sign1.to_tagged_vec().map_err(|e| Error::cose(e.to_string()))
    }

    /// The encoding with any signature bytes (the canonical-form check rebuilds received
    /// messages with their own signature, whatever its length).
    fn finalize_unchecked(mut self, signature: &[u8]) -> Result<Vec<u8>> {
        self.sign1.signature = signature.to_vec();
        self.sign1.to_tagged_vec().map_err(|e| Error::cose(e.to_string()))
    }

    /// One-phase signing with any [`Signer`]; an ES256 signature is normalised to low S,
    /// the one form DS1 accepts.
    ///
    /// # Errors
    /// The signer's error, or as [`PreparedSign1::finalize`].
    pub fn sign(signer: &(impl Signer + ?Sized), payload: Vec<u8>) -> Result<Vec<u8>> {
        let prepared = Self::new(signer.algorithm(), signer.kid(), payload);
        let mut signature = signer.sign(&prepared.to_be_signed())?;
        if signer.algorithm() == Algorithm::Es256 {
            signature = super::key::low_s(&signature)?;
        }
        prepared.finalize(signature)
    }
}

/// A structurally valid DS1 COSE_Sign1, not yet verified.
#[derive(Debug, Clone)]
pub struct ParsedSign1 {
    /// The `alg` value of the protected header, if any (checked against the key later).
    pub alg: Option<i64>,
    /// The key id from the protected header.
    pub kid: Kid,
    /// The payload (the CWT claims set).
    pub payload: Vec<u8>,
    /// The signature bytes.
    pub signature: Vec<u8>,
    /// The Sig_structure, built over the protected header bytes exactly as received.
    pub to_be_signed: Vec<u8>,
}

/// Parses a tagged COSE_Sign1 as DS1 requires: `kid` (8 bytes) in the protected header, an
/// empty unprotected header, no critical headers, an attached payload, no trailing bytes.
///
/// # Errors
/// [`Error::Cose`] naming the first requirement the structure breaks.
pub fn parse_sign1(bytes: &[u8]) -> Result<ParsedSign1> {
    parse_sign1_parts(bytes).map(|sign1| ParsedSign1 {
        alg: sign1.alg,
        kid: sign1.kid,
        payload: sign1.payload().to_vec(),
        signature: sign1.signature().to_vec(),
        to_be_signed: sign1.to_be_signed().to_vec(),
    })
}

/// [`parse_sign1`] for the verifier: the same parts in one allocation.
pub(crate) fn parse_sign1_parts(bytes: &[u8]) -> Result<Sign1> {
    match super::canonical::parse(bytes) {
        Some(parsed) => Ok(parsed),
        None => parse_general(bytes).map(|p| Sign1::new(p.alg, p.kid, p.to_be_signed, p.payload.len(), &p.signature)),
    }
}

/// [`parse_sign1`] for any input: builds the CBOR tree, lets coset read it, and rebuilds the
/// canonical bytes to compare, naming the first fault.
pub(super) fn parse_general(bytes: &[u8]) -> Result<ParsedSign1> {
    // Read the CBOR ourselves (small scratch buffer, trailing bytes refused), then let coset
    // interpret it; `from_tagged_slice` would zero a 4 KiB buffer on every call.
    let value = crate::cbor::read_one(bytes, "COSE_Sign1").map_err(as_cose)?;
    let sign1 = match value {
        ciborium::value::Value::Tag(18, inner) => CoseSign1::from_cbor_value(*inner),
        _ => return Err(Error::cose("expected a COSE_Sign1 with tag 18")),
    }
    .map_err(|e| Error::cose(e.to_string()))?;
    let header = &sign1.protected.header;
    if !header.crit.is_empty() {
        return Err(Error::cose("critical header parameters are not supported"));
    }
    if !sign1.unprotected.is_empty() {
        return Err(Error::cose("the unprotected header must be empty"));
    }
    let kid = <[u8; 8]>::try_from(header.key_id.as_slice())
        .map(Kid)
        .map_err(|_| Error::cose(format!("protected kid must be 8 bytes, found {}", header.key_id.len())))?;
    let alg = match &header.alg {
        None => None,
        Some(coset::RegisteredLabelWithPrivate::Assigned(a)) => Some(*a as i64),
        Some(coset::RegisteredLabelWithPrivate::PrivateUse(a)) => Some(*a),
        Some(coset::RegisteredLabelWithPrivate::Text(_)) => Some(i64::MIN),
    };
    // tbs_data uses `protected.original_data`, the bytes as received, not a re-encoding.
    let to_be_signed = sign1.tbs_data(&[]);
    let payload = sign1.payload.ok_or_else(|| Error::cose("detached payloads are not supported"))?;
    // One credential, one encoding: the bytes must be exactly what a DS1 issuer writes for
    // these parts (tag byte 0xd2, shortest lengths, header {1: alg, 4: kid}, in that order).
    if let Some(known) = alg.and_then(Algorithm::from_cose_id) {
        let canonical = PreparedSign1::new(known, kid, payload.clone()).finalize_unchecked(&sign1.signature)?;
        if canonical != bytes {
            return Err(Error::cose(
                "not the canonical COSE_Sign1 encoding (tag 0xd2, shortest lengths, {1: alg, 4: kid})",
            ));
        }
    }
    Ok(ParsedSign1 { alg, kid, payload, signature: sign1.signature, to_be_signed })
}

/// Re-serializes a COSE_Sign1 with a new payload, keeping header and signature (for tests
/// that need a well-formed but forged message). Not API: feature `test-util`.
///
/// # Errors
/// [`Error::Cose`] when `bytes` is not a tagged COSE_Sign1.
#[cfg(any(test, feature = "test-util"))]
#[doc(hidden)]
pub fn replace_payload(bytes: &[u8], payload: Vec<u8>) -> Result<Vec<u8>> {
    let mut sign1 = CoseSign1::from_tagged_slice(bytes).map_err(|e| Error::cose(e.to_string()))?;
    sign1.payload = Some(payload);
    sign1.to_tagged_vec().map_err(|e| Error::cose(e.to_string()))
}

/// A COSE_Sign1 read by RFC 9052's rules rather than DS1's: tagged (18, optionally inside the
/// CWT tag 61) or untagged, `alg` and `kid` in either header bucket (the protected one wins). For interoperability with other
/// COSE producers (the COSE WG examples, EU DCC payloads).
#[derive(Debug, Clone)]
pub struct GenericSign1 {
    /// `alg` (protected bucket first).
    pub alg: Option<i64>,
    /// `kid` (protected bucket first), possibly empty.
    pub kid: Vec<u8>,
    /// The attached payload.
    pub payload: Vec<u8>,
    /// The signature.
    pub signature: Vec<u8>,
    /// The Sig_structure over the received protected bytes and the external AAD.
    pub to_be_signed: Vec<u8>,
    /// Whether the protected header lists critical parameters (`crit`).
    pub has_critical_headers: bool,
}

fn label_value(alg: &coset::Algorithm) -> i64 {
    match alg {
        coset::RegisteredLabelWithPrivate::Assigned(a) => *a as i64,
        coset::RegisteredLabelWithPrivate::PrivateUse(a) => *a,
        coset::RegisteredLabelWithPrivate::Text(_) => i64::MIN,
    }
}

/// What one kind of signed object demands of a COSE_Sign1's envelope and headers: the one
/// COSE reader ([`read_sign1`]) takes the rules as a value instead of a parser per kind.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HeaderRules {
    /// For messages: what is being read.
    pub(crate) name: &'static str,
    /// Tag 18 required; otherwise also untagged, or inside the CWT tag (61).
    pub(crate) tagged: bool,
    /// `kid` may come from the unprotected header when the protected one has none.
    pub(crate) kid_fallback: bool,
    /// `alg` may come from the unprotected header when the protected one has none.
    pub(crate) alg_fallback: bool,
    /// The unprotected header must be empty.
    pub(crate) unprotected_empty: bool,
    /// Critical header parameters (`crit`) are refused.
    pub(crate) refuse_crit: bool,
    /// The protected `typ` (16) must be this text.
    pub(crate) typ: Option<&'static str>,
    /// The protected content type (3) must be this text.
    pub(crate) content_type: Option<&'static str>,
}

impl HeaderRules {
    /// RFC 9052 as other producers write it (the COSE WG examples): anything goes that the
    /// RFC allows; `crit` is reported, not refused.
    pub(crate) const GENERIC: Self = Self {
        name: "COSE_Sign1",
        tagged: false,
        kid_fallback: true,
        alg_fallback: true,
        unprotected_empty: false,
        refuse_crit: false,
        typ: None,
        content_type: None,
    };
    /// EU DCC certificates: RFC 9052's freedoms, no `crit`.
    pub(crate) const HC1: Self = Self { refuse_crit: true, ..Self::GENERIC };
}

/// A COSE_Sign1 opened under [`HeaderRules`]: the Sig_structure over the received protected
/// bytes (the payload its last item) and the signature, with `alg` and `kid`.
#[derive(Debug)]
pub(crate) struct Opened {
    pub(crate) alg: Option<i64>,
    pub(crate) kid: Vec<u8>,
    pub(crate) to_be_signed: Vec<u8>,
    pub(crate) payload_len: usize,
    pub(crate) signature: Vec<u8>,
    pub(crate) has_critical_headers: bool,
}

impl Opened {
    /// The attached payload (a slice of the Sig_structure).
    pub(crate) fn payload(&self) -> &[u8] {
        &self.to_be_signed[self.to_be_signed.len() - self.payload_len..]
    }
}

/// The one general COSE_Sign1 reader: splits the message without a value tree, lets coset
/// read the two headers, and holds them to `rules`.
///
/// # Errors
/// [`Error::Cose`] naming what broke `rules` or RFC 9052.
pub(crate) fn read_sign1(bytes: &[u8], rules: &HeaderRules, external_aad: &[u8]) -> Result<Opened> {
    let parts =
        GenericParts::split(bytes).map_err(|e| as_cose(crate::cbor::walk_error(e, "COSE_Sign1", PARSER_DEPTH)))?;
    if rules.tagged && !parts.tagged {
        return Err(Error::cose(format!("a {} is a tagged COSE_Sign1 (tag 18)", rules.name)));
    }
    // coset reads the two headers (its rules for their labels and values stay the referee);
    // the payload and signature are sliced, never copied into a value tree.
    let protected = coset::ProtectedHeader::from_cbor_bstr(ciborium::value::Value::Bytes(parts.protected.to_vec()))
        .map_err(|e| Error::cose(e.to_string()))?;
    let unprotected = crate::cbor::read_one(parts.unprotected, "COSE_Sign1 unprotected header").map_err(as_cose)?;
    let unprotected = coset::Header::from_cbor_value(unprotected).map_err(|e| Error::cose(e.to_string()))?;
    let (p, u) = (&protected.header, &unprotected);
    if rules.unprotected_empty && !u.is_empty() {
        return Err(Error::cose(format!("a {} has an empty unprotected header", rules.name)));
    }
    if rules.refuse_crit && !p.crit.is_empty() {
        return Err(Error::cose("critical header parameters are not supported"));
    }
    if let Some(typ) = rules.typ {
        let found = p.rest.iter().find(|(label, _)| *label == coset::Label::Int(TYP_LABEL)).map(|(_, v)| v);
        if found != Some(&ciborium::value::Value::Text(typ.into())) {
            return Err(Error::cose(format!("a {}'s protected typ must be {typ:?}", rules.name)));
        }
    }
    if let Some(content_type) = rules.content_type
        && !matches!(&p.content_type, Some(coset::ContentType::Text(t)) if t == content_type)
    {
        return Err(Error::cose(format!("a {}'s content type must be {content_type:?}", rules.name)));
    }
    let alg = p.alg.as_ref().or(u.alg.as_ref().filter(|_| rules.alg_fallback)).map(label_value);
    let kid = if p.key_id.is_empty() && rules.kid_fallback { u.key_id.clone() } else { p.key_id.clone() };
    // An empty map sent as h'A0' stands for "no protected attributes", which RFC 9052 section 3
    // writes as h''; COSE WG sign-pass-01 expects it signed that way. Otherwise the bytes as
    // received are signed, not a re-encoding.
    let protected_bytes: &[u8] = if *parts.protected == [0xa0] { &[] } else { &parts.protected };
    let payload = parts.payload.ok_or_else(|| Error::cose("detached payloads are not supported"))?;
    Ok(Opened {
        alg,
        kid,
        to_be_signed: sig_structure(protected_bytes, external_aad, &payload),
        payload_len: payload.len(),
        signature: parts.signature.into_owned(),
        has_critical_headers: !p.crit.is_empty(),
    })
}

/// The `typ` header parameter (RFC 9596).
const TYP_LABEL: i64 = 16;

/// Parses a COSE_Sign1 by RFC 9052's rules (see [`GenericSign1`]).
///
/// # Errors
/// [`Error::Cose`] for anything that is not a COSE_Sign1 with an attached payload, including
/// a tag other than 18.
pub fn parse_sign1_generic(bytes: &[u8], external_aad: &[u8]) -> Result<GenericSign1> {
    let opened = read_sign1(bytes, &HeaderRules::GENERIC, external_aad)?;
    Ok(GenericSign1 {
        alg: opened.alg,
        payload: opened.payload().to_vec(),
        kid: opened.kid,
        signature: opened.signature,
        to_be_signed: opened.to_be_signed,
        has_critical_headers: opened.has_critical_headers,
    })
}

/// The four parts of a COSE_Sign1, borrowed from its bytes (joined only when a byte string
/// came in indefinite-length chunks).
struct GenericParts<'b> {
    /// Whether tag 18 was there (alone or inside the CWT tag).
    tagged: bool,
    protected: Cow<'b, [u8]>,
    /// The unprotected header map, as encoded.
    unprotected: &'b [u8],
    /// `None` for a detached payload (nil).
    payload: Option<Cow<'b, [u8]>>,
    signature: Cow<'b, [u8]>,
}

impl<'b> GenericParts<'b> {
    fn split(bytes: &'b [u8]) -> WalkResult<Self> {
        let mut walker = Walker::new(bytes);
        let mut head = walker.head()?;
        // RFC 8392 section 6: a CWT may carry the CWT tag (61) around the COSE tag.
        if head == Head::Tag(CWT_TAG) {
            let at = walker.position();
            head = walker.head()?;
            if head != Head::Tag(SIGN1_TAG) {
                return Err(WalkError::Syntax { reason: "tag 61 is not around a COSE_Sign1 (18)", at });
            }
        }
        let tagged = head == Head::Tag(SIGN1_TAG);
        if tagged {
            head = walker.head()?;
        } else if let Head::Tag(_) = head {
            return Err(walker.error("a tag other than COSE_Sign1 (18)"));
        }
        let Head::Array(len) = head else { return Err(walker.error("a COSE_Sign1 is an array")) };
        let part = |walker: &mut Walker<'b>, index: u64| {
            if walker.has_item(len, index)? { Ok(()) } else { Err(walker.error("a COSE_Sign1 is an array of 4")) }
        };
        part(&mut walker, 0)?;
        let protected = bstr(&mut walker, "the protected header is a byte string")?;
        part(&mut walker, 1)?;
        let start = walker.position();
        walker.skip(PARSER_DEPTH)?;
        let unprotected = walker.since(start);
        part(&mut walker, 2)?;
        let payload = if walker.peek_byte() == Some(NIL) {
            walker.head()?;
            None
        } else {
            Some(bstr(&mut walker, "the payload is a byte string or nil")?)
        };
        part(&mut walker, 3)?;
        let signature = bstr(&mut walker, "the signature is a byte string")?;
        if walker.has_item(len, 4)? {
            return Err(walker.error("a COSE_Sign1 is an array of 4"));
        }
        if walker.remaining() > 0 {
            return Err(walker.error("trailing bytes"));
        }
        Ok(Self { tagged, protected, unprotected, payload, signature })
    }
}

const CWT_TAG: u64 = 61;
const SIGN1_TAG: u64 = 18;
const NIL: u8 = 0xf6;
/// The general reader's nesting guard, for the unprotected header.
const PARSER_DEPTH: usize = crate::cbor::PARSER_DEPTH_GUARD as usize;

fn bstr<'b>(walker: &mut Walker<'b>, expected: &'static str) -> WalkResult<Cow<'b, [u8]>> {
    let at = walker.position();
    match walker.head()? {
        Head::Bytes(len) => walker.bytes(len),
        _ => Err(WalkError::Syntax { reason: expected, at }),
    }
}

/// A CBOR error from reading a COSE message is a COSE error.
fn as_cose(e: Error) -> Error {
    match e {
        Error::Cbor { reason } => Error::Cose { reason },
        other => other,
    }
}

/// RFC 9052 section 4.4: `["Signature1", protected, external_aad, payload]`.
fn sig_structure(protected: &[u8], external_aad: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 + protected.len() + external_aad.len() + payload.len());
    out.extend_from_slice(super::canonical::SIG_STRUCTURE_HEAD);
    for bytes in [protected, external_aad, payload] {
        push_bstr_head(&mut out, bytes.len());
        out.extend_from_slice(bytes);
    }
    out
}

/// A byte string head of `len` in its shortest form.
fn push_bstr_head(out: &mut Vec<u8>, len: usize) {
    const BSTR: u8 = 0x40;
    let len = len as u64;
    match len {
        0..=23 => out.push(BSTR | len as u8),
        24..=0xff => out.extend_from_slice(&[BSTR | 24, len as u8]),
        0x100..=0xffff => {
            out.push(BSTR | 25);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(BSTR | 26);
            out.extend_from_slice(&(len as u32).to_be_bytes());
        }
        _ => {
            out.push(BSTR | 27);
            out.extend_from_slice(&len.to_be_bytes());
        }
    }
}

/// The parser `parse_sign1_generic` replaced (coset over a value tree of the whole message),
/// kept as the reference it must agree with.
#[cfg(test)]
pub(super) fn parse_sign1_generic_reference(bytes: &[u8], external_aad: &[u8]) -> Result<GenericSign1> {
    let value = crate::cbor::read_one(bytes, "COSE_Sign1").map_err(as_cose)?;
    // RFC 8392 section 6: a CWT may carry the CWT tag (61) around the COSE tag.
    let value = match value {
        ciborium::value::Value::Tag(61, inner) if matches!(*inner, ciborium::value::Value::Tag(18, _)) => *inner,
        other => other,
    };
    let array = match value {
        ciborium::value::Value::Tag(18, inner) => *inner,
        ciborium::value::Value::Tag(tag, _) => return Err(Error::cose(format!("tag {tag} is not COSE_Sign1 (18)"))),
        untagged => untagged,
    };
    let sign1 = CoseSign1::from_cbor_value(array).map_err(|e| Error::cose(e.to_string()))?;
    let (p, u) = (&sign1.protected.header, &sign1.unprotected);
    let alg = p.alg.as_ref().or(u.alg.as_ref()).map(label_value);
    let kid = if p.key_id.is_empty() { u.key_id.clone() } else { p.key_id.clone() };
    let to_be_signed = if sign1.protected.original_data.as_deref() == Some(&[0xa0]) {
        // An empty map sent as h'A0' stands for "no protected attributes", which RFC 9052
        // section 3 writes as h''; COSE WG sign-pass-01 expects it signed that way.
        coset::sig_structure_data(
            coset::SignatureContext::CoseSign1,
            coset::ProtectedHeader::default(),
            None,
            external_aad,
            sign1.payload.as_deref().unwrap_or_default(),
        )
    } else {
        sign1.tbs_data(external_aad)
    };
    let has_critical_headers = !p.crit.is_empty();
    let payload = sign1.payload.ok_or_else(|| Error::cose("detached payloads are not supported"))?;
    Ok(GenericSign1 { alg, kid, payload, signature: sign1.signature, to_be_signed, has_critical_headers })
}

/// Verifies a generic COSE_Sign1 with a known key: `alg` must be present and be the key's.
///
/// # Errors
/// [`Error::Cose`] from parsing, [`Error::Algorithm`] for a missing or foreign `alg`,
/// [`Error::Signature`] when the signature does not hold.
pub fn verify_sign1_generic(bytes: &[u8], key: &super::VerifyingKey, external_aad: &[u8]) -> Result<GenericSign1> {
    let parsed = parse_sign1_generic(bytes, external_aad)?;
    match parsed.alg.and_then(Algorithm::from_cose_id) {
        Some(a) if a == key.algorithm() => {}
        other => {
            let header = other.map_or_else(|| format!("{:?}", parsed.alg), |a| a.to_string());
            return Err(Error::Algorithm { header, key: key.algorithm(), kid: key.kid() });
        }
    }
    key.verify(&parsed.to_be_signed, &parsed.signature)?;
    Ok(parsed)
}
