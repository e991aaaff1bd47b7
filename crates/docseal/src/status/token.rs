//! The Status List Token (CWT form, draft-ietf-oauth-status-list-20 section 6): a
//! COSE_Sign1 (tag 18) with `typ` "application/statuslist+cwt" over the claims 2 `sub` (the
//! list's URI), 6 `iat`, 4 `exp`, 65534 `ttl` and 65533 `status_list` = {"bits", "lst"}.

use ciborium::value::Value;
use coset::{CoseSign1Builder, HeaderBuilder, TaggedCborSerializable as _};

use super::list::{Bits, StatusList};
use crate::algorithm::Algorithm;
use crate::cbor::as_int;
use crate::cose::{Signer, VerifyingKey};
use crate::error::{Error, Result};
use crate::limits::Limits;

/// The `typ` header value (label 16) a status list token carries.
pub const STATUS_LIST_TYP: &str = "application/statuslist+cwt";

const SUB: i64 = 2;
const EXP: i64 = 4;
const IAT: i64 = 6;
const TTL: i64 = 65534;
const STATUS_LIST: i64 = 65533;
const TYP: i64 = 16;

/// Largest token accepted before any parsing (the compressed list dominates it).
const MAX_TOKEN_LEN: usize = 16 << 20;

/// What a status list token says, decoded, with its signature **not yet** checked:
/// [`StatusLists::add`](super::StatusLists::add) checks it against the trust list.
#[derive(Debug, Clone)]
pub struct StatusListToken {
    /// `alg` of the protected header.
    pub alg: Option<i64>,
    /// `kid` (protected header, else unprotected), as found.
    pub kid: Vec<u8>,
    /// `sub`: the list's URI, which credentials name in their status claim.
    pub uri: String,
    /// `iat`, seconds since the epoch.
    pub issued_at: i64,
    /// `exp`, seconds since the epoch, if given.
    pub expires_at: Option<i64>,
    /// `ttl`: how long, in seconds, a relying party may cache the list before fetching again.
    pub ttl: Option<u64>,
    /// The list, inflated.
    pub list: StatusList,
    pub(crate) to_be_signed: Vec<u8>,
    pub(crate) signature: Vec<u8>,
}

impl StatusListToken {
    /// Signs `list` as the list at `uri`, generated at `issued_at`, valid until
    /// `expires_at`, cacheable for `ttl` seconds. The kid goes in the protected header.
    ///
    /// # Errors
    /// [`Error::Status`] for `expires_at <= issued_at` or an unusable URI; the signer's error.
    pub fn sign(
        signer: &(impl Signer + ?Sized),
        uri: &str,
        list: &StatusList,
        issued_at: i64,
        expires_at: i64,
        ttl: Option<u64>,
    ) -> Result<Vec<u8>> {
        crate::wire::StatusRef::new(uri, 0)?;
        if expires_at <= issued_at {
            return Err(Error::status("a status list token must expire after it is issued"));
        }
        let alg = match signer.algorithm() {
            Algorithm::EdDsa => coset::iana::Algorithm::EdDSA,
            Algorithm::Es256 => coset::iana::Algorithm::ES256,
            other => return Err(Error::key(format!("status lists are signed with EdDSA or ES256, not {other}"))),
        };
        let protected = HeaderBuilder::new()
            .algorithm(alg)
            .key_id(signer.kid().0.to_vec())
            .value(TYP, Value::Text(STATUS_LIST_TYP.into()))
            .build();
        let status_list = Value::Map(vec![
            (Value::Text("bits".into()), Value::Integer(list.bits().count().into())),
            (Value::Text("lst".into()), Value::Bytes(list.compress())),
        ]);
        // Deterministic key order: 2, 4, 6, then 65533 and 65534.
        let mut claims = vec![
            (Value::Integer(SUB.into()), Value::Text(uri.into())),
            (Value::Integer(EXP.into()), Value::Integer(expires_at.into())),
            (Value::Integer(IAT.into()), Value::Integer(issued_at.into())),
            (Value::Integer(STATUS_LIST.into()), status_list),
        ];
        if let Some(ttl) = ttl {
            claims.push((Value::Integer(TTL.into()), Value::Integer(ttl.into())));
        }
        let payload = crate::cbor::to_vec(&Value::Map(claims));
        let mut sign1 = CoseSign1Builder::new().protected(protected).payload(payload).build();
        let mut signature = signer.sign(&sign1.tbs_data(&[]))?;
        if signer.algorithm() == Algorithm::Es256 {
            signature = crate::cose::low_s(&signature)?;
        }
        sign1.signature = signature;
        sign1.to_tagged_vec().map_err(|e| Error::cose(e.to_string()))
    }

    /// Decodes a token (its raw CBOR bytes, as served with `application/statuslist+cwt`)
    /// without checking the signature.
    ///
    /// # Errors
    /// [`Error::Status`] for anything that is not a status list token (wrong tag or `typ`,
    /// missing claims, bad `bits`), [`Error::Decompress`] or [`Error::Limit`] for `lst`.
    pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Self> {
        let parsed = parse(bytes)?;
        let list = read_status_list(parsed.status_list, limits)?;
        let Parsed { alg, kid, uri, issued_at, expires_at, ttl, to_be_signed, signature, .. } = parsed;
        Ok(Self { alg, kid, uri, issued_at, expires_at, ttl, list, to_be_signed, signature })
    }

    /// Decodes `bytes`, lets `check` judge the signature and signer before the list is
    /// inflated, and keeps no copy of the signed bytes: at load, memory holds the compressed
    /// list once and the inflated list once.
    pub(crate) fn decode_checked<T>(
        bytes: &[u8],
        limits: &Limits,
        check: impl FnOnce(&Self) -> Result<T>,
    ) -> Result<(Self, T)> {
        let parsed = parse(bytes)?;
        let Parsed { alg, kid, uri, issued_at, expires_at, ttl, status_list, to_be_signed, signature } = parsed;
        let placeholder = StatusList::from_bytes(Bits::Eight, vec![0])?;
        let mut token = Self { alg, kid, uri, issued_at, expires_at, ttl, list: placeholder, to_be_signed, signature };
        let verdict = check(&token)?;
        token.to_be_signed = Vec::new();
        token.list = read_status_list(status_list, limits)?;
        Ok((token, verdict))
    }

    /// Checks the signature with `key` (its algorithm must be the header's).
    ///
    /// # Errors
    /// [`Error::Status`] naming the list when the algorithm differs or the signature fails.
    pub fn verify_signature(&self, key: &VerifyingKey) -> Result<()> {
        if self.alg != Some(key.algorithm().cose_id()) {
            return Err(Error::status(format!("status list {}: alg {:?} is not the key's", self.uri, self.alg)));
        }
        key.verify(&self.to_be_signed, &self.signature)
            .map_err(|_| Error::status(format!("status list {}: the signature does not verify", self.uri)))
    }
}

/// A token's fields, its `status_list` still compressed.
struct Parsed {
    alg: Option<i64>,
    kid: Vec<u8>,
    uri: String,
    issued_at: i64,
    expires_at: Option<i64>,
    ttl: Option<u64>,
    status_list: Value,
    to_be_signed: Vec<u8>,
    signature: Vec<u8>,
}

/// A status list token's envelope: tag 18, `typ` in the protected header, no `crit`, `alg`
/// protected (the kid may be unprotected, as the draft's examples put it).
const TOKEN_RULES: crate::cose::HeaderRules = crate::cose::HeaderRules {
    name: "status list token",
    tagged: true,
    kid_fallback: true,
    alg_fallback: false,
    unprotected_empty: false,
    refuse_crit: true,
    typ: Some(STATUS_LIST_TYP),
    content_type: None,
};

fn parse(bytes: &[u8]) -> Result<Parsed> {
    let bad = |what: String| Error::status(format!("status list token: {what}"));
    if bytes.len() > MAX_TOKEN_LEN {
        return Err(bad(format!("{} bytes, above the {MAX_TOKEN_LEN}-byte cap", bytes.len())));
    }
    let opened = crate::cose::read_sign1(bytes, &TOKEN_RULES, &[]).map_err(|e| match e {
        Error::Cose { reason } => bad(reason),
        other => other,
    })?;
    let Value::Map(claims) =
        crate::cbor::read_one(opened.payload(), "status list claims").map_err(|e| bad(e.to_string()))?
    else {
        return Err(bad("claims are not a map".into()));
    };
    let (mut uri, mut issued_at, mut expires_at, mut ttl, mut status_list) = (None, None, None, None, None);
    for (key, value) in claims {
        let key = as_int(&key);
        let slot_taken = || bad(format!("claim {key:?} repeated"));
        match key.and_then(|k| i64::try_from(k).ok()) {
            Some(SUB) => {
                let Value::Text(s) = value else { return Err(bad("sub must be text".into())) };
                if uri.replace(s).is_some() {
                    return Err(slot_taken());
                }
            }
            // The guard stores the claim; it fires only when the claim came before.
            Some(IAT) if issued_at.replace(integer(&value, "iat")?).is_some() => return Err(slot_taken()),
            Some(EXP) if expires_at.replace(integer(&value, "exp")?).is_some() => return Err(slot_taken()),
            Some(TTL) => {
                let t = u64::try_from(integer(&value, "ttl")?).map_err(|_| bad("ttl must be positive".into()))?;
                if ttl.replace(t).is_some() {
                    return Err(slot_taken());
                }
            }
            Some(STATUS_LIST) if status_list.replace(value).is_some() => return Err(slot_taken()),
            // Other registered claims (iss, cti, ...) may appear; they decide nothing here.
            _ => {}
        }
    }
    let uri = uri.ok_or_else(|| bad("missing sub (the list's URI)".into()))?;
    let issued_at = issued_at.ok_or_else(|| bad("missing iat".into()))?;
    let status_list = status_list.ok_or_else(|| bad("missing status_list (65533)".into()))?;
    let (alg, kid) = (opened.alg, opened.kid);
    Ok(Parsed {
        alg,
        kid,
        uri,
        issued_at,
        expires_at,
        ttl,
        status_list,
        to_be_signed: opened.to_be_signed,
        signature: opened.signature,
    })
}

fn integer(value: &Value, name: &str) -> Result<i64> {
    as_int(value)
        .and_then(|i| i64::try_from(i).ok())
        .ok_or_else(|| Error::status(format!("status list token: {name} must be an integer")))
}

/// `{"bits": 1|2|4|8, "lst": bstr}`, with an optional `aggregation_uri`.
fn read_status_list(value: Value, limits: &Limits) -> Result<StatusList> {
    let bad = |what: &str| Error::status(format!("status_list: {what}"));
    let Value::Map(entries) = value else { return Err(bad("expected a map")) };
    let (mut bits, mut lst) = (None, None);
    for (key, value) in entries {
        match (key, value) {
            (Value::Text(k), v) if k == "bits" => {
                let count = as_int(&v).and_then(|b| u64::try_from(b).ok()).ok_or_else(|| bad("bits: an integer"))?;
                if bits.replace(Bits::from_count(count)?).is_some() {
                    return Err(bad("bits repeated"));
                }
            }
            (Value::Text(k), Value::Bytes(b)) if k == "lst" => {
                if lst.replace(b).is_some() {
                    return Err(bad("lst repeated"));
                }
            }
            (Value::Text(k), Value::Text(_)) if k == "aggregation_uri" => {}
            _ => return Err(bad("unknown or mistyped entry (bits, lst, aggregation_uri)")),
        }
    }
    let bits = bits.ok_or_else(|| bad("missing bits"))?;
    let lst = lst.ok_or_else(|| bad("missing lst"))?;
    StatusList::decompress(bits, &lst, limits.max_status_list_len)
}
