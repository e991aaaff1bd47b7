//! The DS1 payload: a CWT claims set (RFC 8392) holding the document under claim -65537,
//! as compact deterministic CBOR. `docs/FORMAT.md` gives every key.

mod fields;
#[cfg(feature = "hc1")]
mod hc1;
mod licence;
mod pass;
mod passport;
mod status;

use ciborium::value::Value;

#[cfg(feature = "hc1")]
pub use self::hc1::{HCERT, decode_hc1_payload};
pub use self::status::StatusRef;

use crate::cbor::{self, MapReader, bytes, int, int_map, text};
use crate::error::{Error, Result};
use crate::model::{Credential, DocumentError, DocumentType};

/// CWT claim keys (RFC 8392 section 4) and docseal's private-use document claim.
pub mod claim {
    /// `iss`: the issuer's name.
    pub const ISS: i64 = 1;
    /// `exp`: expiry, NumericDate.
    pub const EXP: i64 = 4;
    /// `nbf`: not before, NumericDate.
    pub const NBF: i64 = 5;
    /// `iat`: generation time of this electronic copy, NumericDate.
    pub const IAT: i64 = 6;
    /// `cti`: credential id, 16 random bytes.
    pub const CTI: i64 = 7;
    /// `status`: the credential's entry in a status list (draft-ietf-oauth-status-list).
    pub const STATUS: i64 = super::status::STATUS;
    /// The document (private-use claim key).
    pub const DOCUMENT: i64 = -65537;
}

/// Length of the `cti` claim in DS1.
pub const CTI_LEN: usize = 16;

/// Deepest CBOR nesting a DS1 payload needs (claims > document > privileges > privilege).
pub(crate) const MAX_PAYLOAD_DEPTH: usize = 8;

/// The signed claims around the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// `iss`.
    pub issuer: String,
    /// `iat`, seconds since the epoch: when this electronic copy was generated.
    pub issued_at: i64,
    /// `exp`, seconds since the epoch.
    pub expires_at: i64,
    /// `nbf`, seconds since the epoch.
    pub not_before: Option<i64>,
    /// `cti`.
    pub cti: [u8; CTI_LEN],
    /// `status`: where the issuer publishes this credential's status, if it does.
    pub status: Option<StatusRef>,
}

/// The document map (key 0 = type, then the type's fields), already encoded.
///
/// Encoding the document once and reusing the bytes is what makes re-issuing with a new
/// generation time cheap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedDocument {
    document_type: DocumentType,
    cbor: Vec<u8>,
}

impl EncodedDocument {
    /// Encodes a credential's document.
    #[must_use]
    pub fn new(credential: &Credential) -> Self {
        let document_type = credential.document_type();
        let mut entries = vec![(0, Value::Integer(document_type.wire_code().into()))];
        match credential {
            Credential::Passport(p) => passport::encode(p, &mut entries),
            Credential::DrivingLicence(l) => licence::encode(l, &mut entries),
            Credential::TemporaryPass(p) => pass::encode(p, &mut entries),
        }
        Self { document_type, cbor: cbor::to_vec(&int_map(entries)) }
    }

    /// The document's type.
    #[must_use]
    pub fn document_type(&self) -> DocumentType {
        self.document_type
    }

    /// The deterministic CBOR of the document map.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.cbor
    }
}

/// Writes the claims set with the pre-encoded document spliced in as claim -65537.
#[must_use]
pub fn encode_payload(claims: &Claims, document: &EncodedDocument) -> Vec<u8> {
    let mut entries =
        vec![(claim::ISS, Value::Text(claims.issuer.clone())), (claim::EXP, Value::Integer(claims.expires_at.into()))];
    if let Some(nbf) = claims.not_before {
        entries.push((claim::NBF, Value::Integer(nbf.into())));
    }
    entries.push((claim::IAT, Value::Integer(claims.issued_at.into())));
    entries.push((claim::CTI, Value::Bytes(claims.cti.to_vec())));
    if let Some(status) = &claims.status {
        entries.push((claim::STATUS, status::encode(status)));
    }
    // The document is the last entry (its key -65537 sorts after every non-negative key), so
    // the payload is the claims map with one more entry, followed by the document's bytes.
    let mut head = cbor::to_vec(&int_map(entries));
    head[0] += 1; // map header 0xa4..0xa6 -> 0xa5..0xa7: at most 7 entries, so one byte
    head.extend_from_slice(&[0x3a, 0x00, 0x01, 0x00, 0x00]); // -65537 = major 1, arg 65536
    head.extend_from_slice(&document.cbor);
    head
}

/// Reads and checks a DS1 claims set: deterministic encoding, known claims, then the document
/// with its own rules.
///
/// # Errors
/// [`Error::Cbor`] for malformed or non-deterministic CBOR and missing or mistyped claims,
/// [`Error::Limit`] for nesting beyond 8 levels, [`Error::Document`] when the
/// document breaks its rules.
pub fn decode_payload(payload: &[u8]) -> Result<(Claims, Credential)> {
    let tree = cbor::Tree::parse(payload, MAX_PAYLOAD_DEPTH, "claims")?;
    let mut m = MapReader::new(tree.root(), "claims")?;
    let issuer = text(m.required(claim::ISS, "iss")?, "iss")?;
    let expires_at = int(m.required(claim::EXP, "exp")?, "exp")?;
    let not_before = m.optional(claim::NBF)?.map(|v| int(v, "nbf")).transpose()?;
    let issued_at = int(m.required(claim::IAT, "iat")?, "iat")?;
    let cti = bytes(m.required(claim::CTI, "cti")?, "cti")?;
    let cti = <[u8; CTI_LEN]>::try_from(cti).map_err(|_| Error::cbor("cti: expected 16 bytes"))?;
    let status = m.optional(claim::STATUS)?.map(status::decode).transpose()?;
    let document = m.required(claim::DOCUMENT, "document")?;
    m.finish()?;
    let mut d = MapReader::new(document, "document")?;
    let code = int(d.required(0, "document type")?, "document type")?;
    let document_type = u64::try_from(code)
        .ok()
        .and_then(DocumentType::from_wire_code)
        .ok_or_else(|| Error::cbor(format!("document type: unknown code {code}")))?;
    let credential = match document_type {
        DocumentType::Passport => Credential::Passport(passport::decode(d)?),
        DocumentType::DrivingLicence => Credential::DrivingLicence(licence::decode(d)?),
        DocumentType::TemporaryPass => Credential::TemporaryPass(pass::decode(d)?),
    };
    // The signed window must make sense for the document it carries: an issuer's bug or an
    // over-long `exp` is refused, not silently honoured past the document's own end.
    if expires_at <= issued_at {
        return Err(DocumentError::field("exp", format!("exp {expires_at} is not after iat {issued_at}")).into());
    }
    if let Some(end) = credential.validity_end()
        && expires_at > end
    {
        return Err(DocumentError::field(
            "exp",
            format!("exp {expires_at} is after the document's validity ends ({end})"),
        )
        .into());
    }
    Ok((Claims { issuer, issued_at, expires_at, not_before, cti, status }, credential))
}

#[cfg(test)]
mod tests;
