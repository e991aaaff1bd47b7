//! The offline trust list: which keys may sign what, from when to when (docs/TRUST-LIST.md).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;

#[cfg(feature = "hc1")]
mod certificate;
mod signed;

use crate::algorithm::Kid;
use crate::cose::VerifyingKey;
use crate::error::{Error, KeyRefusal, Result};
use crate::model::dcc::DccKind;
pub use crate::scope::Scope;
pub use signed::{SignedListRules, TRUST_LIST_CONTENT_TYPE, TrustListInfo};

/// One trusted key with its limits. Build it with [`TrustedKey::new`] and the `with_*`
/// methods, or read it from a trust list; every key carries an explicit list of what it may
/// sign, so no key signs across profiles by omission.
///
/// # Examples
/// ```
/// use docseal::{Algorithm, Scope, SigningKey, TrustedKey};
/// use docseal::model::DocumentType;
/// let key = SigningKey::generate(Algorithm::EdDsa)?.verifying_key();
/// let trusted = TrustedKey::new("Beijing TMB", key)
///     .with_scopes(vec![Scope::Document(DocumentType::DrivingLicence)])
///     .with_issuer("Beijing Traffic Management Bureau");
/// assert_eq!(trusted.scopes(), &[Scope::Document(DocumentType::DrivingLicence)]);
/// # Ok::<(), docseal::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct TrustedKey {
    pub(crate) name: std::sync::Arc<str>,
    iss: Option<String>,
    pub(crate) key: VerifyingKey,
    scopes: Vec<Scope>,
    not_before: Option<DateTime<Utc>>,
    not_after: Option<DateTime<Utc>>,
    dcc_kinds: Option<Vec<DccKind>>,
}

impl TrustedKey {
    /// A key trusted for the three docseal documents, at any time ([`TrustedKey::with_scopes`]
    /// changes what it may sign).
    #[must_use]
    pub fn new(name: impl Into<String>, key: VerifyingKey) -> Self {
        let scopes = Scope::defaults_for_key().to_vec();
        Self { name: name.into().into(), iss: None, key, scopes, not_before: None, not_after: None, dcc_kinds: None }
    }

    /// Limits the key to these scopes.
    #[must_use]
    pub fn with_scopes(mut self, scopes: Vec<Scope>) -> Self {
        self.scopes = scopes;
        self
    }

    /// Requires the credential's `iss` to equal `iss`.
    #[must_use]
    pub fn with_issuer(mut self, iss: impl Into<String>) -> Self {
        self.iss = Some(iss.into());
        self
    }

    /// Limits the key's use to credentials generated (`iat`) in this window.
    ///
    /// # Errors
    /// [`Error::TrustList`] when `not_before` is after `not_after`.
    pub fn with_validity(
        mut self,
        not_before: Option<DateTime<Utc>>,
        not_after: Option<DateTime<Utc>>,
    ) -> Result<Self> {
        if let (Some(nb), Some(na)) = (not_before, not_after)
            && nb > na
        {
            return Err(Error::trust_list(format!("{}: not_before is after not_after", self.name)));
        }
        self.not_before = not_before;
        self.not_after = not_after;
        Ok(self)
    }

    /// The label for people.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key (with its kid).
    #[must_use]
    pub fn key(&self) -> &VerifyingKey {
        &self.key
    }

    /// What the key may sign.
    #[must_use]
    pub fn scopes(&self) -> &[Scope] {
        &self.scopes
    }

    /// The `iss` the key's credentials must carry, if set.
    #[must_use]
    pub fn issuer(&self) -> Option<&str> {
        self.iss.as_deref()
    }

    /// The window of `iat` the key may sign in: `(not_before, not_after)`.
    #[must_use]
    pub fn validity(&self) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
        (self.not_before, self.not_after)
    }

    /// For a DCC signer: the certificate types its extended key usage allows (`None`: all).
    #[must_use]
    pub fn dcc_kinds(&self) -> Option<&[DccKind]> {
        self.dcc_kinds.as_deref()
    }

    /// Why this key may not sign a `scope` credential from `iss` generated at `issued_at`.
    pub(crate) fn refusal(&self, scope: Scope, iss: &str, issued_at: i64) -> Option<KeyRefusal> {
        if !self.scopes.contains(&scope) {
            return Some(KeyRefusal::Scope { allowed: self.scopes.clone(), credential: scope });
        }
        if let Some(expected) = &self.iss
            && expected != iss
        {
            return Some(KeyRefusal::Issuer { expected: expected.clone(), found: iss.to_owned() });
        }
        if let Some(not_before) = self.not_before.filter(|nb| issued_at < nb.timestamp()) {
            return Some(KeyRefusal::BeforeKeyValidity { not_before });
        }
        if let Some(not_after) = self.not_after.filter(|na| issued_at > na.timestamp()) {
            return Some(KeyRefusal::AfterKeyValidity { not_after });
        }
        None
    }

    /// Why this key may not sign a DCC of this kind (its certificate's key usage).
    #[cfg_attr(not(feature = "hc1"), allow(dead_code))]
    pub(crate) fn dcc_refusal(&self, kind: Option<DccKind>) -> Option<KeyRefusal> {
        let allowed = self.dcc_kinds.as_ref()?;
        match kind {
            Some(kind) if allowed.contains(&kind) => None,
            _ => Some(KeyRefusal::DccKeyUsage { allowed: allowed.clone(), found: kind }),
        }
    }
}

/// Keys by kid. Several keys may share a kid (collisions are allowed by design); all are tried.
///
/// # Examples
/// ```
/// use docseal::{Algorithm, SigningKey, TrustList};
/// let public = SigningKey::generate(Algorithm::EdDsa)?.verifying_key();
/// let json = format!(
///     r#"{{"version": 1, "issuers": [{{"name": "Beijing TMB", "public_key": {:?}, "documents": ["driving-licence"]}}]}}"#,
///     public.to_spki_pem()?
/// );
/// let trust = TrustList::from_json(&json)?;
/// assert_eq!(trust.count(public.kid()), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct TrustList {
    keys: Vec<TrustedKey>,
    by_kid: HashMap<Kid, Vec<usize>>,
    /// A signed list's `next_update`: past it, the list no longer decides.
    next_update: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TrustListJson {
    version: u32,
    issuers: Vec<IssuerJson>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IssuerJson {
    name: String,
    #[serde(default)]
    public_key: Option<String>,
    #[serde(default)]
    certificate: Option<String>,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    iss: Option<String>,
    #[serde(default)]
    documents: Option<Vec<String>>,
    #[serde(default)]
    not_before: Option<DateTime<Utc>>,
    #[serde(default)]
    not_after: Option<DateTime<Utc>>,
}

impl TrustList {
    /// An empty list.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the JSON trust list of docs/TRUST-LIST.md.
    ///
    /// # Errors
    /// [`Error::TrustList`] naming the entry: malformed JSON, an unknown version or field,
    /// not exactly one of `public_key` / `certificate`, a bad key or kid, an unknown document
    /// name, or `not_before` after `not_after`.
    pub fn from_json(json: &str) -> Result<Self> {
        let parsed: TrustListJson = serde_json::from_str(json).map_err(|e| Error::trust_list(e.to_string()))?;
        if parsed.version != 1 {
            return Err(Error::trust_list(format!("unsupported version {}", parsed.version)));
        }
        let mut list = Self::new();
        for (i, entry) in parsed.issuers.into_iter().enumerate() {
            let at = |reason: String| Error::trust_list(format!("issuer #{i} ({:?}): {reason}", entry.name));
            let own_window = (entry.not_before, entry.not_after);
            let (key, window, dcc_kinds, default_scopes) = match (&entry.public_key, &entry.certificate) {
                (Some(pem), None) => {
                    let key = VerifyingKey::from_spki_pem(pem).map_err(|e| at(e.to_string()))?;
                    (key, own_window, None, Scope::defaults_for_key())
                }
                #[cfg(feature = "hc1")]
                (None, Some(b64)) => {
                    use base64::Engine as _;
                    let der = base64::engine::general_purpose::STANDARD
                        .decode(b64.trim())
                        .map_err(|e| at(format!("certificate: base64: {e}")))?;
                    let cert = certificate::read_certificate(&der).map_err(|e| at(e.to_string()))?;
                    // The entry's own window, when given, overrides the certificate's.
                    let window = (own_window.0.or(Some(cert.not_before)), own_window.1.or(Some(cert.not_after)));
                    (cert.key, window, cert.dcc_kinds, Scope::defaults_for_certificate())
                }
                #[cfg(not(feature = "hc1"))]
                (None, Some(_)) => return Err(at("certificate entries need the `hc1` feature".into())),
                _ => return Err(at("give exactly one of public_key or certificate".into())),
            };
            let key = match &entry.kid {
                Some(k) => key.with_kid(Kid::from_base64(k).ok_or_else(|| at("kid must be base64 of 8 bytes".into()))?),
                None => key,
            };
            let scopes = match &entry.documents {
                None => default_scopes.to_vec(),
                Some(names) => names
                    .iter()
                    .map(|n| Scope::from_name(n).ok_or_else(|| at(format!("unknown document {n:?}"))))
                    .collect::<Result<Vec<_>>>()?,
            };
            if let (Some(nb), Some(na)) = window
                && nb > na
            {
                return Err(at("not_before is after not_after".into()));
            }
            list.add(TrustedKey {
                name: entry.name.as_str().into(),
                iss: entry.iss.clone(),
                key,
                scopes,
                not_before: window.0,
                not_after: window.1,
                dcc_kinds,
            });
        }
        Ok(list)
    }

    /// Adds a key.
    pub fn add(&mut self, key: TrustedKey) {
        self.by_kid.entry(key.key.kid()).or_default().push(self.keys.len());
        self.keys.push(key);
    }

    /// The keys with this kid, in list order.
    pub fn lookup(&self, kid: Kid) -> impl Iterator<Item = &TrustedKey> {
        self.by_kid.get(&kid).into_iter().flatten().map(|&i| &self.keys[i])
    }

    /// How many keys share this kid.
    #[must_use]
    pub fn count(&self, kid: Kid) -> usize {
        self.by_kid.get(&kid).map_or(0, Vec::len)
    }

    /// Every key.
    #[must_use]
    pub fn keys(&self) -> &[TrustedKey] {
        &self.keys
    }

    /// When a signed list is due for replacement (`None` for a JSON list or one built in
    /// code): a [`Verifier`](crate::Verifier) refuses every credential at or after it
    /// unless its policy accepts an overdue list.
    #[must_use]
    pub fn next_update(&self) -> Option<DateTime<Utc>> {
        self.next_update
    }

    /// Sets when this list is due for replacement.
    #[must_use]
    pub fn with_next_update(mut self, next_update: DateTime<Utc>) -> Self {
        self.next_update = Some(next_update);
        self
    }

    /// Whether the keys that sign documents (anything but status lists) belong to one
    /// authority: an authority is a key's bound `iss`, or its name when it binds none. A
    /// status key without `iss` can only be tied to its credentials in such a list.
    #[must_use]
    pub fn has_single_document_authority(&self) -> bool {
        let mut authorities = self
            .keys
            .iter()
            .filter(|k| k.scopes.iter().any(|s| *s != Scope::StatusList))
            .map(|k| k.iss.as_deref().unwrap_or(&k.name));
        let first = authorities.next();
        authorities.all(|a| Some(a) == first)
    }
}

#[cfg(test)]
mod tests;
