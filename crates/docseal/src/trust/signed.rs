//! The signed trust list: one COSE_Sign1 by a pinned trust anchor over a CBOR payload shaped
//! after ISO 18013-5's VICAL (docs/FORMAT.md section 9), so that nobody with write access to
//! a desk's disk can add a key.

use chrono::{DateTime, Utc};
use ciborium::value::Value;
use coset::{
    AsCborValue as _, CoseKey, CoseKeyBuilder, CoseSign1Builder, HeaderBuilder, TaggedCborSerializable as _, iana,
};

use super::{TrustList, TrustedKey};
use crate::algorithm::{Algorithm, Kid};
use crate::cbor;
use crate::cose::{PublicMaterial, Signer, VerifyingKey};
use crate::error::{Error, Result};
use crate::model::dcc::DccKind;
use crate::scope::Scope;
use crate::time::timestamp;

/// The content type (COSE header 3) of a signed trust list.
pub const TRUST_LIST_CONTENT_TYPE: &str = "application/docseal-trust-list+cbor";

/// A signed trust list's envelope: tag 18, the content type, `alg` and `kid` protected,
/// nothing unprotected, no `crit`.
const LIST_RULES: crate::cose::HeaderRules = crate::cose::HeaderRules {
    name: "signed trust list",
    tagged: true,
    kid_fallback: false,
    alg_fallback: false,
    unprotected_empty: true,
    refuse_crit: true,
    typ: None,
    content_type: Some(TRUST_LIST_CONTENT_TYPE),
};

/// Largest signed trust list accepted (a national list holds a few hundred keys).
const MAX_SIGNED_LEN: usize = 4 << 20;
/// Deepest nesting: payload > entries > entry > key or documents.
const MAX_DEPTH: usize = 5;

/// What a signed trust list says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustListInfo {
    /// Who publishes it.
    pub provider: String,
    /// When it was issued.
    pub date: DateTime<Utc>,
    /// Grows with every new list: a lower one than already seen is a rollback.
    pub sequence: u64,
    /// When the next list is due; past it, this one is overdue.
    pub next_update: DateTime<Utc>,
}

/// How strictly [`TrustList::from_signed_with`] judges a list's age and sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct SignedListRules {
    /// The highest sequence already accepted, if the caller keeps it: a lower one is refused.
    pub last_sequence: Option<u64>,
    /// Accept a list past its `next_update` (the caller warns instead).
    pub accept_overdue: bool,
}

impl SignedListRules {
    /// Refuse lists with a sequence below `sequence`.
    #[must_use]
    pub fn after_sequence(mut self, sequence: u64) -> Self {
        self.last_sequence = Some(sequence);
        self
    }

    /// Accept lists past their `next_update`.
    #[must_use]
    pub fn accepting_overdue(mut self) -> Self {
        self.accept_overdue = true;
        self
    }
}

fn bad(reason: impl Into<String>) -> Error {
    Error::trust_list(format!("signed list: {}", reason.into()))
}

/// A map with text keys in deterministic order (RFC 8949 section 4.2.1: by encoded key).
fn text_map(mut entries: Vec<(&str, Value)>) -> Value {
    entries.sort_by_key(|(k, _)| cbor::to_vec(&Value::Text((*k).to_owned())));
    Value::Map(entries.into_iter().map(|(k, v)| (Value::Text(k.to_owned()), v)).collect())
}

/// Reads a text-keyed map whose keys come in deterministic order, without repeats.
fn read_text_map(value: Value, what: &str) -> Result<Vec<(String, Value)>> {
    let Value::Map(entries) = value else { return Err(bad(format!("{what}: expected a map"))) };
    let mut out: Vec<(String, Value)> = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        let Value::Text(key) = key else { return Err(bad(format!("{what}: map keys must be text"))) };
        if let Some((previous, _)) = out.last()
            && cbor::to_vec(&Value::Text(previous.clone())) >= cbor::to_vec(&Value::Text(key.clone()))
        {
            return Err(bad(format!("{what}: keys repeated or out of deterministic order at {key:?}")));
        }
        out.push((key, value));
    }
    Ok(out)
}

fn take(map: &mut Vec<(String, Value)>, key: &str) -> Option<Value> {
    map.iter().position(|(k, _)| k == key).map(|i| map.remove(i).1)
}

fn int_of(value: Option<Value>, what: &str) -> Result<i64> {
    value
        .as_ref()
        .and_then(cbor::as_int)
        .and_then(|i| i64::try_from(i).ok())
        .ok_or_else(|| bad(format!("{what}: an integer is required")))
}

fn text_of(value: Option<Value>, what: &str) -> Result<String> {
    match value {
        Some(Value::Text(t)) => Ok(t),
        _ => Err(bad(format!("{what}: a text string is required"))),
    }
}

fn cose_key(key: &VerifyingKey) -> Result<(&'static str, Value)> {
    let built = match key.material()? {
        PublicMaterial::Ed25519(x) => CoseKeyBuilder::new_okp_key()
            .param(iana::OkpKeyParameter::Crv as i64, Value::Integer((iana::EllipticCurve::Ed25519 as i64).into()))
            .param(iana::OkpKeyParameter::X as i64, Value::Bytes(x.to_vec()))
            .build(),
        PublicMaterial::P256 { x, y } => CoseKeyBuilder::new_ec2_pub_key(iana::EllipticCurve::P_256, x, y).build(),
        PublicMaterial::Spki(der) => return Ok(("spki", Value::Bytes(der))),
    };
    built.to_cbor_value().map(|v| ("key", v)).map_err(|e| bad(e.to_string()))
}

fn key_from_cose(value: Value) -> Result<VerifyingKey> {
    let key = CoseKey::from_cbor_value(value).map_err(|e| bad(format!("key: {e}")))?;
    let param = |label: i64| key.params.iter().find(|(l, _)| *l == coset::Label::Int(label)).map(|(_, v)| v.clone());
    let bytes = |v: Option<Value>, what: &str| match v {
        Some(Value::Bytes(b)) => Ok(b),
        _ => Err(bad(format!("key: {what} must be a byte string"))),
    };
    match key.kty {
        coset::KeyType::Assigned(iana::KeyType::OKP) => {
            let crv = param(iana::OkpKeyParameter::Crv as i64).as_ref().and_then(cbor::as_int);
            if crv != Some(iana::EllipticCurve::Ed25519 as i128) {
                return Err(bad("key: an OKP key must be on Ed25519"));
            }
            let x = bytes(param(iana::OkpKeyParameter::X as i64), "x")?;
            let x: [u8; 32] = x.try_into().map_err(|_| bad("key: an Ed25519 x is 32 bytes"))?;
            VerifyingKey::from_ed25519_bytes(&x)
        }
        coset::KeyType::Assigned(iana::KeyType::EC2) => {
            let crv = param(iana::Ec2KeyParameter::Crv as i64).as_ref().and_then(cbor::as_int);
            if crv != Some(iana::EllipticCurve::P_256 as i128) {
                return Err(bad("key: an EC2 key must be on P-256"));
            }
            let mut point = vec![0x04];
            point.extend(bytes(param(iana::Ec2KeyParameter::X as i64), "x")?);
            point.extend(bytes(param(iana::Ec2KeyParameter::Y as i64), "y")?);
            VerifyingKey::from_p256_sec1(&point)
        }
        _ => Err(bad("key: only OKP (Ed25519) and EC2 (P-256) COSE_Keys; RSA keys come as spki")),
    }
    .map_err(|e| bad(format!("key: {e}")))
}

fn entry_to_cbor(key: &TrustedKey) -> Result<Value> {
    let (key_field, key_value) = cose_key(&key.key)?;
    let documents = key.scopes.iter().map(|s| Value::Text(s.name().into())).collect();
    let mut fields = vec![
        ("name", Value::Text(key.name.to_string())),
        ("kid", Value::Bytes(key.key.kid().0.to_vec())),
        (key_field, key_value),
        ("documents", Value::Array(documents)),
    ];
    if let Some(iss) = &key.iss {
        fields.push(("iss", Value::Text(iss.clone())));
    }
    if let Some(nb) = key.not_before {
        fields.push(("not_before", Value::Integer(nb.timestamp().into())));
    }
    if let Some(na) = key.not_after {
        fields.push(("not_after", Value::Integer(na.timestamp().into())));
    }
    if let Some(kinds) = &key.dcc_kinds {
        fields.push(("dcc_kinds", Value::Array(kinds.iter().map(|k| Value::Text(k.name().into())).collect())));
    }
    Ok(text_map(fields))
}

fn entry_from_cbor(value: Value, index: usize) -> Result<TrustedKey> {
    let what = format!("entry {index}");
    let mut map = read_text_map(value, &what)?;
    let name = text_of(take(&mut map, "name"), &format!("{what}: name"))?;
    let at = |reason: String| bad(format!("{what} ({name:?}): {reason}"));
    let kid = match take(&mut map, "kid") {
        Some(Value::Bytes(b)) => Kid(<[u8; 8]>::try_from(b.as_slice()).map_err(|_| at("kid is 8 bytes".into()))?),
        _ => return Err(at("kid: 8 bytes are required".into())),
    };
    let key = match (take(&mut map, "key"), take(&mut map, "spki")) {
        (Some(cose), None) => key_from_cose(cose)?,
        (None, Some(Value::Bytes(der))) => VerifyingKey::from_spki_der(&der).map_err(|e| at(e.to_string()))?,
        _ => return Err(at("exactly one of key (COSE_Key) and spki is required".into())),
    }
    .with_kid(kid);
    let Some(Value::Array(documents)) = take(&mut map, "documents") else {
        return Err(at("documents: a list is required".into()));
    };
    let scopes = documents
        .into_iter()
        .map(|d| match d {
            Value::Text(n) => Scope::from_name(&n).ok_or_else(|| at(format!("unknown document {n:?}"))),
            _ => Err(at("documents: text entries".into())),
        })
        .collect::<Result<Vec<_>>>()?;
    let iss = take(&mut map, "iss").map(|v| text_of(Some(v), "iss")).transpose().map_err(|e| at(e.to_string()))?;
    let time = |v: Option<Value>, what: &str| v.map(|v| int_of(Some(v), what).map(timestamp)).transpose();
    let not_before = time(take(&mut map, "not_before"), "not_before")?;
    let not_after = time(take(&mut map, "not_after"), "not_after")?;
    let dcc_kinds = match take(&mut map, "dcc_kinds") {
        None => None,
        Some(Value::Array(kinds)) => Some(
            kinds
                .into_iter()
                .map(|k| match k {
                    Value::Text(n) => DccKind::from_name(&n).ok_or_else(|| at(format!("unknown DCC type {n:?}"))),
                    _ => Err(at("dcc_kinds: text entries".into())),
                })
                .collect::<Result<Vec<_>>>()?,
        ),
        Some(_) => return Err(at("dcc_kinds: a list".into())),
    };
    // The issuing country is informative (VICAL's issuingCountry); nothing else may appear.
    take(&mut map, "country");
    if let Some((unknown, _)) = map.first() {
        return Err(at(format!("unknown field {unknown:?}")));
    }
    if let (Some(nb), Some(na)) = (not_before, not_after)
        && nb > na
    {
        return Err(at("not_before is after not_after".into()));
    }
    Ok(TrustedKey { name: name.into(), iss, key, scopes, not_before, not_after, dcc_kinds })
}

impl TrustList {
    /// Signs this list with the trust anchor's key, as `provider`'s list number `sequence`,
    /// issued at `date` and due for replacement at `next_update`.
    ///
    /// # Errors
    /// [`Error::TrustList`] for an empty provider or `next_update` not after `date`; the
    /// signer's error.
    pub fn sign(&self, anchor: &(impl Signer + ?Sized), info: &TrustListInfo) -> Result<Vec<u8>> {
        if info.provider.trim().is_empty() {
            return Err(bad("the provider is required"));
        }
        if info.next_update <= info.date {
            return Err(bad("next_update must come after date"));
        }
        let alg = match anchor.algorithm() {
            Algorithm::EdDsa => iana::Algorithm::EdDSA,
            Algorithm::Es256 => iana::Algorithm::ES256,
            other => return Err(Error::key(format!("trust lists are signed with EdDSA or ES256, not {other}"))),
        };
        let entries = self.keys().iter().map(entry_to_cbor).collect::<Result<Vec<_>>>()?;
        let payload = cbor::to_vec(&text_map(vec![
            ("version", Value::Integer(1.into())),
            ("provider", Value::Text(info.provider.clone())),
            ("date", Value::Integer(info.date.timestamp().into())),
            ("sequence", Value::Integer(info.sequence.into())),
            ("next_update", Value::Integer(info.next_update.timestamp().into())),
            ("entries", Value::Array(entries)),
        ]));
        // Refused before it is signed: a list no desk would load (`from_signed_with`'s cap)
        // is a mistake to catch at the authority, not at every desk. The envelope adds a
        // header and a signature, well under a kilobyte.
        if payload.len() + 1024 > MAX_SIGNED_LEN {
            return Err(bad(format!(
                "{} entries make a {}-byte list, above the {MAX_SIGNED_LEN}-byte cap every desk applies; split the list",
                self.keys().len(),
                payload.len()
            )));
        }
        sign_payload(anchor, alg, payload)
    }

    /// Signs arbitrary bytes as a trust list payload, so fuzzers and tests reach the payload
    /// decoder past the signature. Not API: feature `test-util`.
    ///
    /// # Errors
    /// The signer's error.
    #[cfg(any(test, feature = "test-util"))]
    #[doc(hidden)]
    pub fn sign_raw_payload(anchor: &(impl Signer + ?Sized), payload: Vec<u8>) -> Result<Vec<u8>> {
        sign_payload(anchor, iana::Algorithm::EdDSA, payload)
    }
}

fn sign_payload(anchor: &(impl Signer + ?Sized), alg: iana::Algorithm, payload: Vec<u8>) -> Result<Vec<u8>> {
    {
        let protected = HeaderBuilder::new()
            .algorithm(alg)
            .key_id(anchor.kid().0.to_vec())
            .content_type(TRUST_LIST_CONTENT_TYPE.into())
            .build();
        let mut sign1 = CoseSign1Builder::new().protected(protected).payload(payload).build();
        let mut signature = anchor.sign(&sign1.tbs_data(&[]))?;
        if anchor.algorithm() == Algorithm::Es256 {
            signature = crate::cose::low_s(&signature)?;
        }
        sign1.signature = signature;
        sign1.to_tagged_vec().map_err(|e| Error::cose(e.to_string()))
    }
}

impl TrustList {
    /// Reads a signed trust list, checked against the pinned `anchor` key at `now`; a list
    /// past its `next_update` is refused.
    ///
    /// # Errors
    /// As [`TrustList::from_signed_with`].
    ///
    /// # Examples
    /// ```
    /// use docseal::trust::{TrustList, TrustListInfo};
    /// use docseal::{Algorithm, SigningKey, TrustedKey};
    /// let anchor = SigningKey::generate(Algorithm::EdDsa)?;
    /// let issuer = SigningKey::generate(Algorithm::Es256)?;
    /// let mut list = TrustList::new();
    /// list.add(TrustedKey::new("Beijing TMB", issuer.verifying_key()));
    /// let info = TrustListInfo {
    ///     provider: "National trust list (demo)".into(),
    ///     date: "2026-12-01T00:00:00Z".parse()?,
    ///     sequence: 7,
    ///     next_update: "2026-12-31T00:00:00Z".parse()?,
    /// };
    /// let signed = list.sign(&anchor, &info)?;
    /// let (read, read_info) = TrustList::from_signed(&signed, &anchor.verifying_key(), "2026-12-02T00:00:00Z".parse()?)?;
    /// assert_eq!((read.keys().len(), read_info.sequence), (1, 7));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_signed(bytes: &[u8], anchor: &VerifyingKey, now: DateTime<Utc>) -> Result<(Self, TrustListInfo)> {
        Self::from_signed_with(bytes, anchor, now, SignedListRules::default())
    }

    /// [`TrustList::from_signed`] under explicit rules (rollback floor, overdue lists).
    ///
    /// # Errors
    /// [`Error::TrustList`] for anything but a list the anchor signed (another key, one
    /// changed byte), a malformed payload, a rollback below `rules.last_sequence`, or an
    /// overdue list unless `rules.accept_overdue`.
    pub fn from_signed_with(
        bytes: &[u8],
        anchor: &VerifyingKey,
        now: DateTime<Utc>,
        rules: SignedListRules,
    ) -> Result<(Self, TrustListInfo)> {
        if bytes.len() > MAX_SIGNED_LEN {
            return Err(bad(format!("{} bytes, above the {MAX_SIGNED_LEN}-byte cap", bytes.len())));
        }
        let opened = crate::cose::read_sign1(bytes, &LIST_RULES, &[]).map_err(|e| match e {
            Error::Cose { reason } => bad(reason),
            other => other,
        })?;
        let alg = match opened.alg {
            Some(id) if id == Algorithm::EdDsa.cose_id() => Algorithm::EdDsa,
            Some(id) if id == Algorithm::Es256.cose_id() => Algorithm::Es256,
            _ => return Err(bad("alg must be EdDSA or ES256")),
        };
        if alg != anchor.algorithm() || opened.kid != anchor.kid().0 {
            return Err(bad(format!("not signed by the trust anchor (kid {})", anchor.kid())));
        }
        let signature_holds = anchor.verify(&opened.to_be_signed, &opened.signature).is_ok()
            && (alg != Algorithm::Es256 || crate::cose::is_low_s(&opened.signature));
        if !signature_holds {
            return Err(bad("the trust anchor's signature does not verify"));
        }
        let value = cbor::from_slice_deterministic(opened.payload(), MAX_DEPTH + 2, "trust list")
            .map_err(|e| bad(e.to_string()))?;
        let mut map = read_text_map(value, "payload")?;
        if int_of(take(&mut map, "version"), "version")? != 1 {
            return Err(bad("version must be 1"));
        }
        let provider = text_of(take(&mut map, "provider"), "provider")?;
        let date = timestamp(int_of(take(&mut map, "date"), "date")?);
        let sequence = u64::try_from(int_of(take(&mut map, "sequence"), "sequence")?)
            .map_err(|_| bad("sequence must not be negative"))?;
        let next_update = timestamp(int_of(take(&mut map, "next_update"), "next_update")?);
        let Some(Value::Array(entries)) = take(&mut map, "entries") else {
            return Err(bad("entries: a list is required"));
        };
        if let Some((unknown, _)) = map.first() {
            return Err(bad(format!("unknown field {unknown:?}")));
        }
        if let Some(last) = rules.last_sequence
            && sequence < last
        {
            return Err(bad(format!("rollback: sequence {sequence} is below {last}, already accepted")));
        }
        if !rules.accept_overdue && now >= next_update {
            return Err(bad(format!("overdue: its next update was due at {next_update}")));
        }
        let mut list = Self::new();
        for (index, entry) in entries.into_iter().enumerate() {
            list.add(entry_from_cbor(entry, index)?);
        }
        Ok((list.with_next_update(next_update), TrustListInfo { provider, date, sequence, next_update }))
    }
}
